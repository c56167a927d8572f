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

mod challenge;
mod jwt;
mod middleware;
mod refresh;
mod session;
mod store;
mod tokens;
mod turnstile;
#[cfg(target_arch = "wasm32")]
mod web_store;

use std::rc::Rc;
use std::time::Duration;

use futures::future::LocalBoxFuture;

pub use refresh::{RefreshEndpoint, RefreshTokenIn};
pub use store::{MemoryStore, TokenStore};
pub use tokens::Tokens;
#[cfg(all(feature = "js", target_arch = "wasm32"))]
pub(crate) use tokens::{from_json as tokens_from_json, to_json as tokens_to_json};
#[cfg(target_arch = "wasm32")]
pub use web_store::{CookieStore, SameSite, StorageArea, WebStorageStore};

pub(crate) use middleware::AuthMiddleware;
use refresh::Refresh;
pub(crate) use session::{Session, Settings};

use crate::error::{Error, Kind, Result};
use crate::response::Response;

/// Marks a request that must not carry the token (see
/// [`RequestBuilder::skip_auth`](crate::RequestBuilder::skip_auth)).
#[derive(Clone, Copy, Debug)]
pub struct SkipAuth;

/// How a client handles tokens; give it to [`ClientBuilder::auth`](crate::ClientBuilder::auth).
#[must_use]
pub struct AuthConfig {
    pub(crate) store: Rc<dyn TokenStore>,
    pub(crate) header: String,
    pub(crate) scheme: String,
    pub(crate) statuses: Vec<u16>,
    pub(crate) should_refresh: Option<session::RefreshPredicate>,
    pub(crate) skew: Option<Duration>,
    pub(crate) allowed_origins: Option<Vec<String>>,
    pub(crate) on_session_expired: Option<session::ExpiredCallback>,
    pub(crate) refresh: Option<Refresh>,
    pub(crate) refresh_timeout: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig::new()
    }
}

impl AuthConfig {
    /// Defaults: memory store, `Authorization: Bearer`, refresh on 401, pre-emptive refresh
    /// 30 s before a JWT's `exp`, token only for the base URL's origin, refresh timeout 10 s,
    /// and no refresh method (set one with [`refresh_endpoint`](Self::refresh_endpoint) or
    /// [`refresh_with`](Self::refresh_with)).
    pub fn new() -> Self {
        AuthConfig {
            store: Rc::new(MemoryStore::new()),
            header: "authorization".into(),
            scheme: "Bearer".into(),
            statuses: vec![401],
            should_refresh: None,
            skew: Some(Duration::from_secs(30)),
            allowed_origins: None,
            on_session_expired: None,
            refresh: None,
            refresh_timeout: Duration::from_secs(10),
        }
    }

    /// Where tokens are kept (default [`MemoryStore`]).
    pub fn store<S: TokenStore>(mut self, store: S) -> Self {
        self.store = Rc::new(store);
        self
    }

    /// The header the token goes in (default `Authorization`).
    pub fn header(mut self, name: &str) -> Self {
        self.header = name.to_string();
        self
    }

    /// The scheme before the token (default `Bearer`; empty for the bare token).
    pub fn scheme(mut self, scheme: &str) -> Self {
        self.scheme = scheme.to_string();
        self
    }

    /// Response statuses that trigger a refresh (default `[401]`). A 401 whose
    /// `WWW-Authenticate` names another scheme or `insufficient_scope`/`invalid_request` does not.
    pub fn refresh_on(mut self, statuses: &[u16]) -> Self {
        self.statuses = statuses.to_vec();
        self
    }

    /// Decide yourself which responses trigger a refresh (replaces `refresh_on`).
    pub fn should_refresh(mut self, predicate: impl Fn(&Response) -> bool + 'static) -> Self {
        self.should_refresh = Some(Rc::new(predicate));
        self
    }

    /// Refresh before sending when the JWT `exp` is this close (default 30 s; `None`: off).
    pub fn refresh_before_expiry(mut self, skew: Option<Duration>) -> Self {
        self.skew = skew;
        self
    }

    /// Origins (`scheme://host[:port]`) that may receive the token (default: the base URL's).
    pub fn allowed_origins<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, origins: I) -> Self {
        self.allowed_origins = Some(
            origins
                .into_iter()
                .map(|o| o.as_ref().to_string())
                .collect(),
        );
        self
    }

    /// Called once each time the session ends (refresh refused, no refresh token, timeout).
    pub fn on_session_expired(mut self, callback: impl Fn(&Error) + 'static) -> Self {
        self.on_session_expired = Some(Rc::new(callback));
        self
    }

    /// Refresh with a token endpoint.
    pub fn refresh_endpoint(mut self, endpoint: RefreshEndpoint) -> Self {
        self.refresh = Some(Refresh::Endpoint(endpoint));
        self
    }

    /// Refresh with your own async function: it gets the refresh token and returns the new
    /// tokens. Return a [`Kind::Status`] 4xx error (or any non-transient one) to end the session.
    pub fn refresh_with<F>(mut self, refresh: F) -> Self
    where
        F: AsyncFn(String) -> Result<Tokens> + 'static,
    {
        let refresh = Rc::new(refresh);
        let f = move |token: String| -> LocalBoxFuture<'static, Result<Tokens>> {
            let refresh = refresh.clone();
            Box::pin(async move { refresh(token).await })
        };
        self.refresh = Some(Refresh::Custom(Rc::new(f)));
        self
    }

    /// How long a refresh may take before the session is considered expired (default 10 s).
    pub fn refresh_timeout(mut self, timeout: Duration) -> Self {
        self.refresh_timeout = timeout;
        self
    }

    /// Validate and resolve against the client's base URL.
    pub(crate) fn settings(
        self,
        base: Option<&crate::http::url::BaseUrl>,
        credentials: crate::request::Credentials,
    ) -> Result<Settings> {
        crate::http::headers::header_name(&self.header)?;
        if !self.scheme.is_empty() && !crate::http::headers::is_token(&self.scheme) {
            return Err(Error::new(
                Kind::Builder,
                "auth scheme must be an HTTP token",
            ));
        }
        if self.refresh_timeout.is_zero() {
            return Err(Error::new(
                Kind::Builder,
                "refresh timeout must be greater than zero",
            ));
        }
        let allowed_origins = match self.allowed_origins {
            Some(origins) => origins
                .iter()
                .map(|o| {
                    crate::http::url::parse_absolute(o)
                        .ok()
                        .filter(|u| u.rest.is_empty() || u.rest == "/")
                        .map(|u| u.origin)
                        .ok_or_else(|| {
                            Error::new(
                                Kind::Builder,
                                "allowed origins must look like https://host[:port]",
                            )
                        })
                })
                .collect::<Result<Vec<_>>>()?,
            None => base
                .map(|b| vec![b.origin().to_string()])
                .unwrap_or_default(),
        };
        let refresh_url = match &self.refresh {
            Some(Refresh::Endpoint(e)) => Some(crate::http::url::resolve(base, &e.url)?),
            _ => None,
        };
        Ok(Settings {
            store: self.store,
            header: self.header,
            scheme: self.scheme,
            statuses: self.statuses,
            should_refresh: self.should_refresh,
            skew: self.skew,
            allowed_origins,
            on_session_expired: self.on_session_expired,
            refresh: self.refresh,
            refresh_url,
            refresh_timeout: self.refresh_timeout,
            credentials,
        })
    }
}

/// The client's handle on its tokens (from [`Client::auth`](crate::Client::auth)).
#[derive(Clone)]
pub struct Auth {
    pub(crate) session: Rc<Session>,
}

impl Auth {
    /// Store tokens (after a login). Malformed tokens are refused.
    pub fn set_tokens(&self, tokens: Tokens) -> Result<()> {
        self.session.set_tokens(&tokens)
    }

    /// The stored tokens.
    pub fn tokens(&self) -> Result<Option<Tokens>> {
        self.session.tokens()
    }

    /// Remove the tokens (requests in flight keep going).
    pub fn clear(&self) -> Result<()> {
        self.session.settings.store.clear()
    }

    /// End the session: clear the tokens, cancel every request in flight or waiting
    /// ([`Kind::Canceled`]), and ignore the result of a refresh still running.
    pub fn logout(&self) -> Result<()> {
        self.session.logout()
    }

    /// Refresh now (joins a refresh already in flight).
    pub async fn refresh(&self) -> Result<()> {
        self.session.refresh().await
    }

    /// True while a refresh is in flight.
    pub fn is_refreshing(&self) -> bool {
        self.session.is_refreshing()
    }

    /// How many refreshes have succeeded.
    pub fn generation(&self) -> u64 {
        self.session.generation()
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("refreshing", &self.is_refreshing())
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}
