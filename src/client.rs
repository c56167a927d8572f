//! The client: shared configuration, the middleware chain and the transport.

use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{select, Either};

use crate::builder::RequestBuilder;
use crate::cancel::CancelHandle;
use crate::error::{Error, Kind, Result};
use crate::headers::HeaderMap;
use crate::method::Method;
use crate::middleware::{Middleware, Next};
use crate::request::{Credentials, Request};
use crate::response::Response;
use crate::transport::{FetchTransport, Transport};
use crate::url::{resolve, BaseUrl};

pub(crate) struct ClientInner {
    pub(crate) base: Option<BaseUrl>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) credentials: Credentials,
    middleware: Vec<Rc<dyn Middleware>>,
    transport: Rc<dyn Transport>,
    auth: Option<crate::auth::Auth>,
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
    /// handle, if any, cancels it in every phase.
    pub async fn execute(&self, req: Request) -> Result<Response> {
        req.validate()
            .map_err(|e| e.with_url(req.url().to_string()))?;
        let cancel = req.cancel_handle().cloned();
        let next = Next::new(&self.inner.middleware, &*self.inner.transport);
        let mut response = match &cancel {
            Some(cancel) => race_cancel(next.run(req), cancel).await?,
            None => next.run(req).await?,
        };
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
            .field("middleware", &self.inner.middleware.len())
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
        let mut middleware = self.middleware;
        let auth = match self.auth {
            Some((position, config)) => {
                let settings = config.settings(base.as_ref(), self.credentials)?;
                let session = crate::auth::Session::new(settings, transport.clone());
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
                middleware,
                transport,
                auth,
            }),
        })
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}
