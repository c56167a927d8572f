//! Tokens: where they live, when they are attached, and the single-flight refresh.
//!
//! ```no_run
//! # async fn demo() -> tokenfetch::Result<()> {
//! use tokenfetch::auth::{AuthConfig, RefreshEndpoint, Tokens};
//!
//! let client = tokenfetch::Client::builder()
//!     .base_url("http://127.0.0.1:8787")
//!     .auth(
//!         AuthConfig::new()
//!             .refresh_endpoint(RefreshEndpoint::new("/auth/refresh"))
//!             .on_session_expired(|err| eprintln!("please log in again: {err}")),
//!     )
//!     .build()?;
//! let auth = client.auth().expect("configured above");
//! auth.set_tokens(Tokens::new("access.jwt.here", Some("refresh-token".into())))?;
//! // Every request to the base origin now carries `Authorization: Bearer …`; a 401 refreshes
//! // once for all requests in flight and replays them in the order they were issued.
//! let res = client.get("/api/items").send().await?;
//! # Ok(()) }
//! ```

mod answer;
pub(crate) mod challenge;
mod config;
mod endpoint;
pub(crate) mod jwt;
mod middleware;
mod refresh;
mod revoke;
mod store;
mod tabs;
mod tokens;
#[cfg(target_arch = "wasm32")]
mod web_store;

pub use config::AuthConfig;
pub use endpoint::{RefreshEndpoint, RefreshTokenIn};
pub use middleware::SkipAuth;
pub use refresh::Auth;
pub use store::{MemoryStore, TokenStore};
pub use tabs::SessionChange;
pub use tokens::Tokens;
#[cfg(all(feature = "js", target_arch = "wasm32"))]
pub(crate) use tokens::{from_json as tokens_from_json, to_json as tokens_to_json};
#[cfg(target_arch = "wasm32")]
pub use web_store::{CookieStore, SameSite, StorageArea, WebStorageStore};

pub(crate) use middleware::AuthMiddleware;
