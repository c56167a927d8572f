//! HTTP methods, validated before anything is sent.

use alloc::rc::Rc;
use core::fmt;

use crate::error::{Error, Kind, Result};
use crate::http::headers::is_token;

/// An HTTP request method. The common ones are constants; others come from [`Method::from_str`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Method(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other(Rc<str>),
}

impl Method {
    /// `GET`
    pub const GET: Method = Method(Repr::Get);
    /// `HEAD`
    pub const HEAD: Method = Method(Repr::Head);
    /// `POST`
    pub const POST: Method = Method(Repr::Post);
    /// `PUT`
    pub const PUT: Method = Method(Repr::Put);
    /// `PATCH`
    pub const PATCH: Method = Method(Repr::Patch);
    /// `DELETE`
    pub const DELETE: Method = Method(Repr::Delete);
    /// `OPTIONS`
    pub const OPTIONS: Method = Method(Repr::Options);

    /// Parse a method name. The standard names are matched case-insensitively (as `fetch` does);
    /// anything else must be an HTTP token and is kept as written. `CONNECT`, `TRACE` and `TRACK`
    /// are refused because `fetch` forbids them.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(name: &str) -> Result<Method> {
        let upper = name.to_ascii_uppercase();
        let repr = match upper.as_str() {
            "GET" => Repr::Get,
            "HEAD" => Repr::Head,
            "POST" => Repr::Post,
            "PUT" => Repr::Put,
            "PATCH" => Repr::Patch,
            "DELETE" => Repr::Delete,
            "OPTIONS" => Repr::Options,
            "CONNECT" | "TRACE" | "TRACK" => {
                return Err(Error::new(
                    Kind::InvalidMethod,
                    crate::text::concat(&["`", &upper, "` is forbidden by fetch"]),
                ))
            }
            _ if is_token(name) => Repr::Other(name.into()),
            _ => {
                return Err(Error::new(
                    Kind::InvalidMethod,
                    "a method must be a non-empty HTTP token (no spaces, CR/LF or separators)",
                ))
            }
        };
        Ok(Method(repr))
    }

    /// The method name as sent.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Get => "GET",
            Repr::Head => "HEAD",
            Repr::Post => "POST",
            Repr::Put => "PUT",
            Repr::Patch => "PATCH",
            Repr::Delete => "DELETE",
            Repr::Options => "OPTIONS",
            Repr::Other(s) => s,
        }
    }

    /// Idempotent per RFC 9110 §9.2.2 (safe to send again): GET, HEAD, OPTIONS, PUT, DELETE.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.0,
            Repr::Get | Repr::Head | Repr::Options | Repr::Put | Repr::Delete
        )
    }

    /// A method whose request may not carry a body in `fetch` (GET, HEAD).
    pub(crate) fn forbids_body(&self) -> bool {
        matches!(self.0, Repr::Get | Repr::Head)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_methods_are_case_insensitive() {
        assert_eq!(Method::from_str("get").unwrap(), Method::GET);
        assert_eq!(Method::from_str("Patch").unwrap().as_str(), "PATCH");
        assert_eq!(Method::from_str("PROPFIND").unwrap().as_str(), "PROPFIND");
    }

    #[test]
    fn rejects_forbidden_and_malformed_methods() {
        for bad in [
            "CONNECT",
            "trace",
            "TRACK",
            "",
            "GET\r\nX-Evil: 1",
            "GE T",
            "G(ET",
        ] {
            let err = Method::from_str(bad).unwrap_err();
            assert_eq!(err.kind(), Kind::InvalidMethod, "{bad:?}");
        }
    }

    #[test]
    fn idempotency_follows_rfc_9110() {
        assert!(Method::PUT.is_idempotent());
        assert!(!Method::POST.is_idempotent());
        assert!(!Method::PATCH.is_idempotent());
    }
}
