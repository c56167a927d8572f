//! [`ClientBuilder`]: validated configuration, assembled into a [`Client`].

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::Cell;
use core::time::Duration;

use super::{Client, ClientInner};
use crate::auth::{Auth, AuthConfig, AuthMiddleware};
use crate::error::{Error, Kind, Result};
use crate::events::{Event, Events, Gate, Listener};
use crate::http::headers::HeaderMap;
use crate::http::url::BaseUrl;
use crate::middleware::{Chain, Middleware};
use crate::request::Credentials;
use crate::transport::{FetchTransport, Transport};

/// Configures a [`Client`]. Every setter records the first error; [`build`](Self::build)
/// returns it, so a bad base URL or header is an `Err`, never a panic.
#[must_use]
pub struct ClientBuilder {
    // pub(crate): the npm engine (`js/`) sets these in place, which is smaller in wasm than the
    // by-value setters.
    pub(crate) base: Option<String>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) credentials: Credentials,
    pub(crate) middleware: Vec<Rc<dyn Middleware>>,
    transport: Option<Rc<dyn Transport>>,
    pub(crate) auth: Option<(usize, AuthConfig)>,
    pub(crate) listeners: Vec<(Listener, Option<Gate>)>,
    total_timeout: Option<Duration>,
    error: Option<Error>,
}

impl ClientBuilder {
    /// A builder with the defaults: no base URL, no timeout, `credentials: same-origin`.
    pub fn new() -> Self {
        ClientBuilder {
            base: None,
            default_headers: HeaderMap::new(),
            timeout: None,
            credentials: Credentials::default(),
            middleware: Vec::new(),
            transport: None,
            auth: None,
            listeners: Vec::new(),
            total_timeout: None,
            error: None,
        }
    }

    fn fail(mut self, error: Error) -> Self {
        self.error.get_or_insert(error);
        self
    }

    /// The URL relative request URLs are appended to (`http://` or `https://`, no query).
    /// Without one, in a browser page, the page's origin is used.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base = Some(url.to_string());
        self
    }

    /// Per-attempt timeout for every request (a request can override it). Must be > 0.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        if timeout.is_zero() {
            return self.fail(Error::new(
                Kind::Builder,
                "timeout must be greater than zero",
            ));
        }
        self.timeout = Some(timeout);
        self
    }

    /// Overall deadline for every request: all attempts, backoff sleeps and any wait for a token
    /// refresh. Fails with [`Kind::TotalTimeout`] (per attempt: [`timeout`](Self::timeout)).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        if timeout.is_zero() {
            return self.fail(Error::new(
                Kind::Builder,
                "total timeout must be greater than zero",
            ));
        }
        self.total_timeout = Some(timeout);
        self
    }

    /// Log every request, retry and refresh, with secrets redacted (see [`crate::log`]).
    pub fn log(self, logger: crate::log::Logger) -> Self {
        self.on_event(logger.listener())
    }

    /// Observe every request's lifecycle (see [`Event`]).
    pub fn on_event(mut self, listener: impl Fn(&Event) + 'static) -> Self {
        self.listeners.push((Rc::new(listener), None));
        self
    }

    /// A header sent with every request unless the request sets the same name.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match self.default_headers.insert(name, value) {
            Ok(()) => self,
            Err(e) => self.fail(e),
        }
    }

    /// Whether cookies are sent (default: same-origin only).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Add a middleware. The first one added is the outermost: it sees requests first and
    /// responses last.
    pub fn with<M: Middleware>(mut self, middleware: M) -> Self {
        self.middleware.push(Rc::new(middleware));
        self
    }

    /// Manage tokens (see [`crate::auth`]). The auth middleware takes this place in the chain:
    /// middleware added before it are outside it (they see each request once), middleware added
    /// after it are inside (they see the replay after a refresh too). Calling it again replaces
    /// the configuration.
    pub fn auth(mut self, config: AuthConfig) -> Self {
        self.auth = Some((self.middleware.len(), config));
        self
    }

    /// Retry transient failures (see [`RetryPolicy`](crate::RetryPolicy)); the retry
    /// middleware takes this place in the chain. Put it after `.auth(..)` so each retry carries
    /// the current token.
    pub fn retry(self, policy: crate::RetryPolicy) -> Self {
        self.with(crate::Retry::new(policy))
    }

    /// Share one fetch between identical GET/HEAD requests in flight at the same time
    /// (see [`Dedupe`](crate::middleware::Dedupe)). `by_default: false` merges only requests
    /// that ask with [`RequestBuilder::dedupe`](crate::RequestBuilder::dedupe). Put it after
    /// `.auth(..)` so the token is part of the key.
    pub fn dedupe(self, by_default: bool) -> Self {
        self.with(crate::middleware::Dedupe::new(by_default))
    }

    /// Limit concurrency and rate (see [`RateLimit`](crate::middleware::RateLimit)); put it
    /// last so it counts real attempts.
    pub fn rate_limit(self, limit: crate::middleware::RateLimit) -> Self {
        self.with(limit)
    }

    /// Replace the transport (default: [`FetchTransport`]).
    pub fn transport<T: Transport>(mut self, transport: T) -> Self {
        self.transport = Some(Rc::new(transport));
        self
    }

    /// Validate everything and build the client.
    pub fn build(self) -> Result<Client> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let base = match &self.base {
            Some(url) => Some(BaseUrl::parse(url)?),
            None => crate::transport::page_origin().and_then(|o| BaseUrl::parse(&o).ok()),
        };
        let transport = self.transport.unwrap_or_else(|| Rc::new(FetchTransport));
        let events = Events::new(self.listeners);
        let mut middleware = self.middleware;
        let auth = match self.auth {
            Some((position, config)) => {
                let config = config.resolve(base.as_ref(), self.credentials)?;
                let auth = Auth::new(config, transport.clone(), events.clone());
                let layer = AuthMiddleware { auth: auth.clone() };
                middleware.insert(position.min(middleware.len()), Rc::new(layer));
                Some(auth)
            }
            None => None,
        };
        Ok(Client {
            inner: Rc::new(ClientInner {
                base,
                default_headers: self.default_headers,
                timeout: self.timeout,
                credentials: self.credentials,
                chain: Rc::new(Chain {
                    middleware,
                    transport,
                    events,
                }),
                auth,
                total_timeout: self.total_timeout,
                next_id: Cell::new(0),
            }),
        })
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}
