//! The one error type of the crate: opaque, cheap to clone, with a [`Kind`] and predicates.
//!
//! An [`Error`] never holds a JavaScript value (a rejection can be any value; we keep only a
//! short message taken from it) and never holds a header value, so its `Display` and `Debug`
//! cannot leak an `Authorization` or `Cookie` header. The URL it carries is shown without its
//! query string and user info; [`Error::without_url`] removes it altogether.

use crate::prelude::*;

use alloc::rc::Rc;
use core::fmt;

use crate::StatusCode;

/// A `Result` whose error is [`tokenfetch::Error`](Error).
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// What went wrong, as a value you can `match` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// The client or request configuration is invalid (e.g. a zero timeout, a bad option).
    Builder,
    /// The URL is invalid, not `http:`/`https:`, or tries to escape the base URL's origin.
    InvalidUrl,
    /// A header name or value is invalid (CR/LF, control or non-Latin-1 characters, ...).
    InvalidHeader,
    /// The method is not a valid HTTP token or is forbidden by `fetch` (`CONNECT`, `TRACE`, `TRACK`).
    InvalidMethod,
    /// The request body could not be built or cannot be sent (again).
    Body,
    /// `fetch` failed: connection refused, DNS, CORS, offline, ...
    Network,
    /// An attempt did not finish within its timeout.
    Timeout,
    /// The whole request (attempts, backoff, refresh wait) did not finish within its total
    /// timeout.
    TotalTimeout,
    /// The request was canceled by the caller (cancel handle, dropped future, logout).
    Canceled,
    /// The server answered with an error status (see [`Response::error_for_status`](crate::Response::error_for_status)).
    Status(StatusCode),
    /// The response body could not be read or decoded (bad JSON, bad UTF-8, larger than the
    /// request's [`max_body_size`](crate::RequestBuilder::max_body_size)).
    Decode,
    /// The session ended: the refresh failed or there is no refresh token.
    SessionExpired,
    /// A token store could not be read or written (storage disabled, quota, blocked cookies).
    Storage,
    /// The server asked us to wait longer than allowed (`Retry-After` over the cap), or a local
    /// rate limit refused the request.
    RateLimited,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Builder => "invalid configuration",
            Kind::InvalidUrl => "invalid URL",
            Kind::InvalidHeader => "invalid header",
            Kind::InvalidMethod => "invalid method",
            Kind::Body => "request body error",
            Kind::Network => "network error",
            Kind::Timeout => "request timed out",
            Kind::TotalTimeout => "total timeout exceeded",
            Kind::Canceled => "request canceled",
            Kind::Status(_) => "HTTP status error",
            Kind::Decode => "error decoding response body",
            Kind::SessionExpired => "session expired",
            Kind::Storage => "token storage error",
            Kind::RateLimited => "rate limited",
        }
    }
}

#[derive(Clone)]
struct Inner {
    kind: Kind,
    message: Option<Rc<str>>,
    url: Option<Rc<str>>,
    source: Option<Error>,
}

/// An error from building, sending or reading a request. Cheap to clone (shared inside).
#[derive(Clone)]
pub struct Error {
    inner: Rc<Inner>,
}

impl Error {
    /// A new error of `kind` with a message. The message must not contain secrets.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Error {
            inner: Rc::new(Inner {
                kind,
                message: (!message.is_empty()).then(|| message.into()),
                url: None,
                source: None,
            }),
        }
    }

    pub(crate) fn from_kind(kind: Kind) -> Self {
        Error::new(kind, String::new())
    }

    /// Attach the URL the error is about (shown without query and user info).
    pub fn with_url(self, url: impl Into<String>) -> Self {
        let mut inner = (*self.inner).clone();
        inner.url = Some(url.into().into());
        Error {
            inner: Rc::new(inner),
        }
    }

    /// Attach an underlying cause (e.g. the refresh error behind a `SessionExpired`).
    pub fn with_source(self, source: Error) -> Self {
        let mut inner = (*self.inner).clone();
        inner.source = Some(source);
        Error {
            inner: Rc::new(inner),
        }
    }

    /// The same error without its URL, for logs that must not show it at all.
    pub fn without_url(self) -> Self {
        let mut inner = (*self.inner).clone();
        inner.url = None;
        Error {
            inner: Rc::new(inner),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> Kind {
        self.inner.kind
    }

    /// The full URL of the request, if known (it may contain a query string).
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// The HTTP status, for [`Kind::Status`] errors.
    pub fn status(&self) -> Option<StatusCode> {
        match self.inner.kind {
            Kind::Status(s) => Some(s),
            _ => None,
        }
    }

    /// The underlying cause, if any.
    pub fn cause(&self) -> Option<&Error> {
        self.inner.source.as_ref()
    }

    /// True for [`Kind::Timeout`] and [`Kind::TotalTimeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind(), Kind::Timeout | Kind::TotalTimeout)
    }
    /// True for [`Kind::Canceled`].
    pub fn is_canceled(&self) -> bool {
        self.kind() == Kind::Canceled
    }
    /// True for [`Kind::Network`].
    pub fn is_network(&self) -> bool {
        self.kind() == Kind::Network
    }
    /// True for [`Kind::Status`].
    pub fn is_status(&self) -> bool {
        matches!(self.kind(), Kind::Status(_))
    }
    /// True for [`Kind::Decode`].
    pub fn is_decode(&self) -> bool {
        self.kind() == Kind::Decode
    }
    /// True for [`Kind::Body`].
    pub fn is_body(&self) -> bool {
        self.kind() == Kind::Body
    }
    /// True for the kinds raised before anything is sent: builder, URL, header, method.
    pub fn is_builder(&self) -> bool {
        matches!(
            self.kind(),
            Kind::Builder | Kind::InvalidUrl | Kind::InvalidHeader | Kind::InvalidMethod
        )
    }
    /// True for [`Kind::SessionExpired`].
    pub fn is_session_expired(&self) -> bool {
        self.kind() == Kind::SessionExpired
    }
}

/// Show a URL without user info, query or fragment: those are where secrets hide.
pub(crate) fn redact_url(url: &str) -> String {
    // Path parameters (`;jsessionid=…`) go with the query.
    let cut = url.find(['?', '#', ';']).unwrap_or(url.len());
    let (head, tail) = crate::text::split_at(url, cut);
    let mut shown = head.to_string();
    if let Some(scheme_end) = crate::text::find(head, "://") {
        let (scheme, rest) = crate::text::split_at(head, scheme_end + 3);
        let authority = crate::text::split_byte(rest, b'/').next().unwrap_or("");
        if let Some((_, host)) = crate::text::rsplit_once_byte(authority, b'@') {
            let path = crate::text::split_at(rest, authority.len()).1;
            shown = crate::text::concat(&[scheme, host, path]);
        }
    }
    if !tail.is_empty() {
        shown.push_str(match tail.as_bytes().first() {
            Some(b'?') => "?…",
            Some(b';') => ";…",
            _ => "#…",
        });
    }
    shown
}

impl Error {
    /// What `Display` shows, appended to `out` with `push_str` only: the npm build reports
    /// errors without the formatting machinery.
    pub(crate) fn write_message(&self, out: &mut String) {
        let inner = &self.inner;
        match inner.kind {
            Kind::Status(code) => {
                out.push_str("HTTP status ");
                code.write_to(out);
            }
            kind => out.push_str(kind.describe()),
        }
        if let Some(message) = &inner.message {
            out.push_str(": ");
            out.push_str(message);
        }
        if let Some(url) = &inner.url {
            out.push_str(" (");
            out.push_str(&redact_url(url));
            out.push(')');
        }
        if let Some(source) = &inner.source {
            out.push_str(": ");
            source.write_message(out);
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut message = String::new();
        self.write_message(&mut message);
        f.write_str(&message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("tokenfetch::Error");
        d.field("kind", &self.inner.kind);
        if let Some(message) = &self.inner.message {
            d.field("message", message);
        }
        if let Some(url) = &self.inner.url {
            d.field("url", &redact_url(url));
        }
        if let Some(source) = &self.inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn core::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_hides_query_and_user_info() {
        let e = Error::new(Kind::Network, "failed to fetch")
            .with_url("https://user:pw@api.test/x?access_token=SECRET#frag");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(!shown.contains("pw"), "{shown}");
        assert!(shown.contains("https://api.test/x?…"), "{shown}");
        let path = Error::from_kind(Kind::Network).with_url("https://api.test/cart;jsessionid=S1");
        let shown = format!("{path} {path:?}");
        assert!(!shown.contains("S1"), "{shown}");
        assert!(shown.contains("https://api.test/cart;…"), "{shown}");
    }

    #[test]
    fn status_predicates() {
        let e = Error::from_kind(Kind::Status(StatusCode::new(503)));
        assert!(e.is_status());
        assert_eq!(e.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(e.to_string(), "HTTP status 503 Service Unavailable");
        assert!(!e.is_timeout());
    }

    #[test]
    fn without_url_removes_it() {
        let e = Error::from_kind(Kind::Timeout).with_url("http://a.test/");
        assert!(e.clone().without_url().url().is_none());
        assert_eq!(e.url(), Some("http://a.test/"));
    }
}
