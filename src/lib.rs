//! # tokenfetch
//!
//! A browser HTTP client in Rust, compiled to WebAssembly: the platform `fetch` behind a
//! middleware chain, with typed errors and validation of everything before it is sent.
//!
//! ```no_run
//! # #[derive(serde::Deserialize, serde::Serialize)] struct Item { name: String }
//! # async fn demo() -> tokenfetch::Result<()> {
//! use std::time::Duration;
//!
//! let client = tokenfetch::Client::builder()
//!     .base_url("http://127.0.0.1:8787")
//!     .timeout(Duration::from_secs(10))
//!     .default_header("x-app", "demo")
//!     .build()?;
//! let res = client.get("/api/items").query(&[("page", "2")]).send().await?;
//! let items: serde_json::Value = res.json().await?;
//! let item = Item { name: "pen".into() };
//! let res = client.post("/api/items").json(&item)?.send().await?;
//! res.error_for_status()?;
//! # Ok(()) }
//! ```
//!
//! ## URLs
//! Relative request URLs are appended to the base URL (axios-style) and can never leave its
//! origin: `//evil.test`, `/\evil.test` and `\\evil.test` are refused with
//! [`Kind::InvalidUrl`], as are control characters, non-`http(s)` schemes and user info.
//!
//! ## Middleware
//! See [`Middleware`]: the first one added is the outermost.
#![deny(missing_docs)]
// `no_std` + `alloc`, and std where it is there: always natively and in tests, in the browser
// with the `std` feature (the default). The npm engine builds without it, so that a panic (a
// bug) traps without the formatting machinery std's panic hook brings (9 KB gzip).
#![no_std]
// `&s[a..b]` on a `str` panics off a char boundary, and that panic's message brings `char`'s
// `Debug` and the Unicode tables into the npm build (about 5 KB gzip): slice with `get`.
#![warn(clippy::string_slice)]

extern crate alloc;
#[cfg(any(feature = "std", test, not(target_arch = "wasm32")))]
extern crate std;

/// What the std prelude would give every module (`no_std` has only core's).
#[allow(unused_imports)]
mod prelude {
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec::Vec;
    pub(crate) use alloc::{format, vec};
}

pub mod auth;
mod body;
mod client;
mod error;
pub mod events;
mod extensions;
mod float;
mod http;
pub mod log;
pub mod middleware;
pub mod multipart;
mod request;
mod response;
mod rt;
mod text;

#[cfg(test)]
mod property_tests;
pub mod transport;

#[cfg(feature = "testing")]
pub mod testing;

pub use rt::time;

pub use auth::{Auth, AuthConfig, Tokens};
pub use body::Body;
pub use client::{Client, ClientBuilder, RequestBuilder};
pub use error::{Error, Kind, Result};
pub use events::Event;
pub use extensions::Extensions;
pub use http::headers::HeaderMap;
pub use http::method::Method;
pub use http::status::StatusCode;
pub use middleware::{Middleware, Next, Retry, RetryPolicy};
pub use request::{Credentials, Request};
pub use response::Response;
pub use rt::cancel::{CancelHandle, Canceled};
#[cfg(target_arch = "wasm32")]
pub use rt::fetch::Progress;
pub use transport::{FetchTransport, Transport};

#[cfg(all(feature = "js", target_arch = "wasm32"))]
pub mod js;

/// The npm engine's configuration reader (`js/config.rs`, plain Rust), compiled natively too so
/// that its checks have unit tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "js/config.rs"]
mod js_config;

/// The README's Rust examples, compiled by `cargo test` so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
