//! [`AuthConfig`]: how a client handles tokens. Validated once when the client is built, then
//! kept as it is by the client's [`Auth`](super::Auth).

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use futures::future::LocalBoxFuture;

use super::endpoint::RefreshEndpoint;
use super::store::{MemoryStore, TokenStore};
use super::tabs::SessionChange;
use super::tokens::Tokens;
use crate::error::{Error, Kind, Result};
use crate::http::headers::{header_name, is_token};
use crate::http::url::{origin_of, parse_absolute, resolve, BaseUrl};
use crate::request::Credentials;
use crate::response::Response;

/// How a client handles tokens; give it to [`ClientBuilder::auth`](crate::ClientBuilder::auth).
#[must_use]
pub struct AuthConfig {
    /// Where the tokens live.
    pub(crate) store: Rc<dyn TokenStore>,
    /// The header name the access token goes in, and the scheme before it.
    pub(crate) header: String,
    pub(crate) scheme: String,
    /// Which responses trigger a refresh: these statuses, or the predicate if there is one.
    pub(crate) statuses: Vec<u16>,
    pub(crate) should_refresh: Option<RefreshPredicate>,
    /// Refresh before sending when the JWT `exp` is this close.
    pub(crate) skew: Option<Duration>,
    /// Origins that may receive the token; `None` until [`resolve`](Self::resolve) sets the
    /// base URL's origin as the default.
    pub(crate) allowed_origins: Option<Vec<String>>,
    pub(crate) on_session_expired: Option<ExpiredCallback>,
    /// How to refresh; an endpoint's URL is absolute after [`resolve`](Self::resolve).
    pub(crate) refresh: Option<RefreshMethod>,
    pub(crate) refresh_timeout: Duration,
    /// The client's credentials mode, used by the refresh request too.
    pub(crate) credentials: Credentials,
    /// Coordinate the refresh and the session with the other tabs when the store is shared.
    pub(crate) cross_tab: bool,
    pub(crate) on_change: Option<ChangeCallback>,
    /// Where logout revokes the refresh token (RFC 7009), and the `client_id` to send (`None`:
    /// the refresh endpoint's).
    pub(crate) revoke: Option<(String, Option<String>)>,
}

/// Called when another tab changes the shared session.
pub(crate) type ChangeCallback = Rc<dyn Fn(SessionChange)>;

/// Decides whether a response should trigger a refresh.
pub(crate) type RefreshPredicate = Rc<dyn Fn(&Response) -> bool>;
/// Called when the session ends.
pub(crate) type ExpiredCallback = Rc<dyn Fn(&Error)>;
/// A user-supplied refresh: gets the refresh token, returns the new tokens.
pub(crate) type CustomRefresh = Rc<dyn Fn(String) -> LocalBoxFuture<'static, Result<Tokens>>>;

/// The configured way to refresh.
// One per client, made once: the size of the larger variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum RefreshMethod {
    /// POST the refresh token to an endpoint.
    Endpoint(RefreshEndpoint),
    /// Call the app's own function.
    Custom(CustomRefresh),
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
            credentials: Credentials::default(),
            cross_tab: true,
            on_change: None,
            revoke: None,
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

    /// Called once each time the session ends (refresh refused, no refresh token, a garbage
    /// answer; not a timeout or a network error, which keep the session).
    pub fn on_session_expired(mut self, callback: impl Fn(&Error) + 'static) -> Self {
        self.on_session_expired = Some(Rc::new(callback));
        self
    }

    /// Refresh with a token endpoint.
    pub fn refresh_endpoint(mut self, endpoint: RefreshEndpoint) -> Self {
        self.refresh = Some(RefreshMethod::Endpoint(endpoint));
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
        self.refresh = Some(RefreshMethod::Custom(Rc::new(f)));
        self
    }

    /// With a store the tabs share (`localStorage`, cookies), coordinate with the other tabs
    /// (default on): one tab refreshes at a time under a Web Lock and the others use its
    /// tokens; logins, logouts and ended sessions reach every tab. Off: each tab alone.
    pub fn cross_tab(mut self, on: bool) -> Self {
        self.cross_tab = on;
        self
    }

    /// Called when another tab logs in, logs out, ends the session or refreshes (so the app can
    /// re-render). A logout or an ended session elsewhere has already cleared and canceled here.
    pub fn on_change(mut self, callback: impl Fn(SessionChange) + 'static) -> Self {
        self.on_change = Some(Rc::new(callback));
        self
    }

    /// Revoke the refresh token at `url` on [`logout`](super::Auth::logout) (RFC 7009): a form
    /// POST `token=…&token_type_hint=refresh_token`, with the refresh endpoint's `client_id`
    /// and headers; in the HttpOnly cookie mode no token, with credentials (the server ends the
    /// session its cookie holds — a logout URL). Sent in the background: the logout never waits
    /// for it, and a failed revocation changes nothing here. Like the refresh URL, its origin
    /// does not get the access token.
    pub fn revoke_url(mut self, url: &str) -> Self {
        self.revoke = Some((url.to_string(), None));
        self
    }

    /// How long a refresh may take (default 10 s). A refresh that times out is transient: the
    /// waiting requests fail with [`Kind::Timeout`], the tokens are kept, the next request
    /// tries again.
    pub fn refresh_timeout(mut self, timeout: Duration) -> Self {
        self.refresh_timeout = timeout;
        self
    }

    /// Validate, and resolve the allowed origins and the refresh URL against the client's
    /// base URL: the configuration the client keeps.
    pub(crate) fn resolve(
        mut self,
        base: Option<&BaseUrl>,
        credentials: Credentials,
    ) -> Result<Self> {
        header_name(&self.header)?;
        if !self.scheme.is_empty() && !is_token(&self.scheme) {
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
        let origins = match self.allowed_origins.take() {
            Some(origins) => origins
                .iter()
                .map(|o| {
                    parse_absolute(o)
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
        // The refresh (and revocation) URL may be on another origin — an authorization server's
        // — without joining the allowed origins: only the refresh token goes there, never the
        // access token.
        if let Some(RefreshMethod::Endpoint(endpoint)) = &mut self.refresh {
            endpoint.url = resolve(base, &endpoint.url)?;
        }
        if let Some((url, _)) = &mut self.revoke {
            *url = resolve(base, url)?;
        }
        self.allowed_origins = Some(origins);
        self.credentials = credentials;
        Ok(self)
    }

    /// True if the token may be sent to `url` (after [`resolve`](Self::resolve)).
    pub(crate) fn allows(&self, url: &str) -> bool {
        let origins = self.allowed_origins.as_deref().unwrap_or_default();
        origin_of(url).is_some_and(|origin| origins.contains(&origin))
    }
}
