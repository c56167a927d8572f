//! The client: shared configuration, the middleware chain and the transport.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::Cell;
use core::time::Duration;

mod builder;
mod request_builder;

pub use builder::ClientBuilder;
pub use request_builder::RequestBuilder;

use crate::error::{Error, Kind, Result};
use crate::events::{Event, RequestId};
use crate::http::headers::HeaderMap;
use crate::http::method::Method;
use crate::http::url::{resolve, BaseUrl};
use crate::middleware::{Chain, Next};
use crate::request::{Credentials, Request};
use crate::response::Response;
use crate::rt::cancel::CancelHandle;
use crate::rt::race::first;

pub(crate) struct ClientInner {
    pub(crate) base: Option<BaseUrl>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    pub(crate) credentials: Credentials,
    pub(crate) chain: Rc<Chain>,
    pub(crate) auth: Option<crate::auth::Auth>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) next_id: Cell<u64>,
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

    /// Resolve `url` against the base URL the way every request does (see "URLs" in the crate
    /// docs): relative URLs cannot leave the base origin.
    pub fn resolve_url(&self, url: &str) -> Result<String> {
        resolve(self.inner.base.as_ref(), url)
    }

    /// Start a request with any method.
    pub fn request(&self, method: Method, url: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), self.new_request(method, url))
    }

    /// A request to `url` (resolved) with the client's default headers, timeout and
    /// credentials mode.
    pub(crate) fn new_request(&self, method: Method, url: &str) -> Result<Request> {
        self.resolve_url(url).map(|url| {
            let mut req = Request::from_parts(method, url);
            *req.headers_mut() = self.inner.default_headers.clone();
            req.set_timeout(self.inner.timeout);
            req.set_credentials(self.inner.credentials);
            req
        })
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
        let start = crate::rt::time::now_ms();
        let cancel = req.cancel_handle().cloned();
        let total = req
            .extensions()
            .get::<TotalTimeout>()
            .map(|t| t.0)
            .or(inner.total_timeout);
        let url = req.url().to_string();
        // One path whatever is set (a missing deadline or handle never fires): each
        // combination spelled out would be its own copy of the chain's state machine.
        let result = if cancel.as_ref().is_some_and(CancelHandle::is_canceled) {
            Err(Error::from_kind(Kind::Canceled))
        } else {
            let chain = Next::new(&inner.chain).run(req);
            let deadline = async {
                match total {
                    Some(total) => {
                        crate::rt::time::sleep(total).await;
                        Err(total_timeout(total))
                    }
                    None => core::future::pending().await,
                }
            };
            let canceled = async {
                match &cancel {
                    Some(cancel) => cancel.canceled().await,
                    None => core::future::pending().await,
                }
                Err(Error::from_kind(Kind::Canceled))
            };
            first(first(chain, deadline), canceled).await
        };
        inner.chain.events.emit(|| Event::Finished {
            id,
            outcome: result.as_ref().map(Response::status).map_err(Clone::clone),
            elapsed: crate::rt::time::since(start),
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

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("base_origin", &self.base_origin())
            .field("timeout", &self.inner.timeout)
            .field("middleware", &self.inner.chain.middleware.len())
            .finish_non_exhaustive()
    }
}

/// A per-request overall deadline (set by [`RequestBuilder::total_timeout`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TotalTimeout(pub Duration);

/// The error when a request's total timeout passed.
fn total_timeout(total: Duration) -> Error {
    Error::new(
        Kind::TotalTimeout,
        crate::text::concat(&[
            "no answer within the total timeout of ",
            &crate::text::number(total.as_millis() as u64),
            " ms",
        ]),
    )
}
