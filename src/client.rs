//! The client: shared configuration, the middleware chain and the transport.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{select, Either};

use crate::builder::RequestBuilder;
use crate::cancel::CancelHandle;
use crate::error::{Error, Kind, Result};
use crate::events::{Event, Events, Listener, RequestId};
use crate::headers::HeaderMap;
use crate::method::Method;
use crate::middleware::{Chain, Middleware, Next};
use crate::request::{Credentials, Request};
use crate::response::Response;
use crate::transport::{FetchTransport, Transport};
use crate::url::{resolve, BaseUrl};

pub(crate) struct ClientInner {
    pub(crate) base: Option<BaseUrl>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) credentials: Credentials,
    chain: Rc<Chain>,
    auth: Option<crate::auth::Auth>,
    total_timeout: Option<Duration>,
    next_id: Cell<u64>,
}

/// An HTTP client. Cheap to clone: clones share configuration, middleware and their state
/// (e.g. the token store and the in-flight refresh).
///
/// ```no_run
/// # async fn demo() -> tokenfetch::Result<()> {
/// use std::time::Duration;
/// let client = tokenfetch::Client::builder()
///     .base_url("http://127.0.0.1:8787")
///     .timeout(Duration::from_secs(10))
///     .default_header("x-app", "demo")
///     .build()?;
/// let res = client.get("/echo").query(&[("page", "2")]).send().await?;
/// assert!(res.status().is_success());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Rc<ClientInner>,
}

impl Client {
    /// A client with no base URL, no timeout and no middleware.
    pub fn new() -> Client {
        ClientBuilder::new()
            .build()
            .expect("an empty client configuration is valid")
    }

    /// Start configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The token handle, if the client was built with [`ClientBuilder::auth`].
    pub fn auth(&self) -> Option<&crate::auth::Auth> {
        self.inner.auth.as_ref()
    }

    /// The base URL's origin (`scheme://host[:port]`), if there is a base URL.
    pub fn base_origin(&self) -> Option<&str> {
        self.inner.base.as_ref().map(BaseUrl::origin)
    }

    /// Resolve `url` against the base URL the way every request does (see [`crate::url`] rules
    /// in the crate docs): relative URLs cannot leave the base origin.
    pub fn resolve_url(&self, url: &str) -> Result<String> {
        resolve(self.inner.base.as_ref(), url)
    }

    /// Start a request with any method.
    pub fn request(&self, method: Method, url: &str) -> RequestBuilder {
        let request = self.resolve_url(url).map(|url| {
            let mut req = Request::from_parts(method, url);
            *req.headers_mut() = self.inner.default_headers.clone();
            req.set_timeout(self.inner.timeout);
            req.set_credentials(self.inner.credentials);
            req
        });
        RequestBuilder::new(self.clone(), request)
    }

    /// `GET url`
    pub fn get(&self, url: &str) -> RequestBuilder {
        self.request(Method::GET, url)
    }
    /// `POST url`
    pub fn post(&self, url: &str) -> RequestBuilder {
        self.request(Method::POST, url)
    }
    /// `PUT url`
    pub fn put(&self, url: &str) -> RequestBuilder {
        self.request(Method::PUT, url)
    }
    /// `PATCH url`
    pub fn patch(&self, url: &str) -> RequestBuilder {
        self.request(Method::PATCH, url)
    }
    /// `DELETE url`
    pub fn delete(&self, url: &str) -> RequestBuilder {
        self.request(Method::DELETE, url)
    }
    /// `HEAD url`
    pub fn head(&self, url: &str) -> RequestBuilder {
        self.request(Method::HEAD, url)
    }

    /// Send a request through the middleware chain and the transport. The request's cancel
    /// handle, if any, cancels it in every phase; the total timeout covers all of it.
    pub async fn execute(&self, mut req: Request) -> Result<Response> {
        req.validate()
            .map_err(|e| e.with_url(req.url().to_string()))?;
        let inner = &self.inner;
        let id = match req.extensions().get::<RequestId>() {
            Some(id) => id.0,
            None => {
                let id = inner.next_id.get() + 1;
                inner.next_id.set(id);
                req.extensions_mut().insert(RequestId(id));
                id
            }
        };
        let start = crate::time::now_ms();
        let cancel = req.cancel_handle().cloned();
        let total = req
            .extensions()
            .get::<TotalTimeout>()
            .map(|t| t.0)
            .or(inner.total_timeout);
        let url = req.url().to_string();
        let next = Next::new(&inner.chain);
        let chain = async {
            match total {
                Some(total) => race_total(next.run(req), total).await,
                None => next.run(req).await,
            }
        };
        let result = match &cancel {
            Some(cancel) => race_cancel(chain, cancel).await,
            None => chain.await,
        };
        inner.chain.events.emit(|| Event::Finished {
            id,
            outcome: result.as_ref().map(Response::status).map_err(Clone::clone),
            elapsed: crate::time::since(start),
        });
        let mut response = result.map_err(|e| match e.url() {
            Some(_) => e,
            None => e.with_url(url),
        })?;
        response.set_cancel_handle(cancel);
        Ok(response)
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_origin", &self.base_origin())
            .field("timeout", &self.inner.timeout)
            .field("middleware", &self.inner.chain.middleware.len())
            .finish_non_exhaustive()
    }
}

/// Run `fut` unless `cancel` fires first (then `Kind::Canceled`, and `fut` is dropped, which
/// aborts any `fetch` inside it).
pub(crate) async fn race_cancel<T>(
    fut: impl Future<Output = Result<T>>,
    cancel: &CancelHandle,
) -> Result<T> {
    if cancel.is_canceled() {
        return Err(Error::from_kind(Kind::Canceled));
    }
    match select(pin!(fut), pin!(cancel.canceled())).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(Error::from_kind(Kind::Canceled)),
    }
}

/// A per-request overall deadline (see [`RequestBuilder::total_timeout`](crate::RequestBuilder::total_timeout)).
#[derive(Clone, Copy, Debug)]
pub struct TotalTimeout(pub Duration);

/// Run `fut` unless `total` passes first (then `Kind::TotalTimeout`).
async fn race_total<T>(fut: impl Future<Output = Result<T>>, total: Duration) -> Result<T> {
    match select(pin!(fut), pin!(crate::time::sleep(total))).await {
        Either::Left((result, _)) => result,
        Either::Right(_) => Err(Error::new(
            Kind::TotalTimeout,
            format!(
                "no answer within the total timeout of {} ms",
                total.as_millis()
            ),
        )),
    }
}

/// Configures a [`Client`]. Every setter records the first error; [`build`](Self::build)
/// returns it, so a bad base URL or header is an `Err`, never a panic.
#[must_use]
pub struct ClientBuilder {
    base: Option<String>,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
    credentials: Credentials,
    middleware: Vec<Rc<dyn Middleware>>,
    transport: Option<Rc<dyn Transport>>,
    auth: Option<(usize, crate::auth::AuthConfig)>,
    listeners: Vec<Listener>,
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
        self.listeners.push(Rc::new(listener));
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
    pub fn auth(mut self, config: crate::auth::AuthConfig) -> Self {
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
                let settings = config.settings(base.as_ref(), self.credentials)?;
                let session =
                    crate::auth::Session::new(settings, transport.clone(), events.clone());
                let layer = crate::auth::AuthMiddleware {
                    session: session.clone(),
                };
                middleware.insert(position.min(middleware.len()), Rc::new(layer));
                Some(crate::auth::Auth { session })
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
