//! A request as it flows through the middleware chain: validated, cheap to clone, re-sendable.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use crate::body::Body;
use crate::error::{Error, Kind, Result};
use crate::extensions::Extensions;
use crate::http::headers::HeaderMap;
use crate::http::method::Method;
use crate::http::url::parse_absolute;
use crate::rt::cancel::CancelHandle;

/// Whether `fetch` sends cookies and HTTP auth with the request
/// ([`RequestInit.credentials`](https://developer.mozilla.org/en-US/docs/Web/API/RequestInit#credentials)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Credentials {
    /// Never.
    Omit,
    /// Only to the page's own origin (the `fetch` default).
    #[default]
    SameOrigin,
    /// Always, cross-origin too (axios `withCredentials: true`); the server must allow it.
    Include,
}

impl Credentials {
    /// The `RequestInit.credentials` value: `omit`, `same-origin` or `include`.
    pub fn as_str(self) -> &'static str {
        match self {
            Credentials::Omit => "omit",
            Credentials::SameOrigin => "same-origin",
            Credentials::Include => "include",
        }
    }
}

/// An HTTP request with an absolute URL. Cloning shares the body, so a middleware can send the
/// same request again (retry, replay after a token refresh) without copying it.
#[derive(Clone)]
pub struct Request {
    method: Method,
    url: Rc<str>,
    headers: HeaderMap,
    body: Body,
    timeout: Option<Duration>,
    max_body: Option<u64>,
    credentials: Credentials,
    follow_redirects: bool,
    cancel: Option<CancelHandle>,
    extensions: Extensions,
}

impl Request {
    /// A request to an absolute `http(s)` URL; relative URLs need a client (`client.get(..)`).
    pub fn new(method: Method, url: &str) -> Result<Request> {
        let url = parse_absolute(url)?.as_string();
        Ok(Request::from_parts(method, url))
    }

    pub(crate) fn from_parts(method: Method, url: String) -> Request {
        Request {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: Body::empty(),
            timeout: None,
            max_body: None,
            credentials: Credentials::default(),
            follow_redirects: true,
            cancel: None,
            extensions: Extensions::new(),
        }
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The absolute URL, query included.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// Replace the URL (must be absolute `http(s)`).
    pub fn set_url(&mut self, url: &str) -> Result<()> {
        self.url = parse_absolute(url)?.as_string().into();
        Ok(())
    }
    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The headers, to change them (values are validated on insert).
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }
    /// The body.
    pub fn body(&self) -> &Body {
        &self.body
    }
    /// Replace the body. GET and HEAD requests cannot have one (checked when sent).
    pub fn set_body(&mut self, body: Body) {
        self.body = body;
    }
    /// The per-attempt timeout, if any.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }
    /// Set the per-attempt timeout (`None`: wait as long as the browser does).
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }
    /// The most bytes the response body may have (`None`: no limit).
    pub fn max_body(&self) -> Option<u64> {
        self.max_body
    }
    /// Limit the response body: reading more than `max` bytes cancels the download and fails
    /// with [`Kind::Decode`], also when `Content-Length` is absent or wrong.
    pub fn set_max_body(&mut self, max: Option<u64>) {
        self.max_body = max;
    }
    /// The credentials mode.
    pub fn credentials(&self) -> Credentials {
        self.credentials
    }
    /// Set the credentials mode.
    pub fn set_credentials(&mut self, credentials: Credentials) {
        self.credentials = credentials;
    }
    /// False if a redirect answer is an error instead of being followed (see
    /// [`set_follow_redirects`](Self::set_follow_redirects)).
    pub fn follows_redirects(&self) -> bool {
        self.follow_redirects
    }
    /// Whether to follow redirects (default `true`). With `false` a redirect answer fails the
    /// attempt with [`Kind::Network`]: for a request carrying a secret the browser would not
    /// strip on a redirect to another origin (it strips only `Authorization`). The auth layer
    /// sets it for a token in another header, and the refresh request always has it. A request
    /// that does not follow redirects cannot report upload progress (XMLHttpRequest follows
    /// every redirect).
    pub fn set_follow_redirects(&mut self, follow: bool) {
        self.follow_redirects = follow;
    }
    /// The cancel handle attached to this request, if any.
    pub fn cancel_handle(&self) -> Option<&CancelHandle> {
        self.cancel.as_ref()
    }
    /// Attach a cancel handle.
    pub fn set_cancel_handle(&mut self, handle: Option<CancelHandle>) {
        self.cancel = handle;
    }
    /// Typed values for middleware.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }
    /// Typed values for middleware, to change them.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.extensions
    }
    /// True if the body can be sent again (see [`Body::is_replayable`]).
    pub fn is_replayable(&self) -> bool {
        self.body.is_replayable()
    }

    /// Checks `fetch` would make (with a typed error) before anything is sent.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.method.forbids_body() && !self.body.is_empty() {
            return Err(Error::new(
                Kind::Body,
                crate::text::concat(&["a ", self.method.as_str(), " request cannot have a body"]),
            ));
        }
        if self.timeout == Some(Duration::ZERO) {
            return Err(Error::new(
                Kind::Builder,
                "timeout must be greater than zero (use None for no timeout)",
            ));
        }
        Ok(())
    }
}

/// Shows the URL without its query (where tokens hide) and headers with secrets redacted.
impl core::fmt::Debug for Request {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &crate::error::redact_url(&self.url))
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}
