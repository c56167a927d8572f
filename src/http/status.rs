//! HTTP status codes.

use crate::prelude::*;

use core::fmt;

/// An HTTP status code (100–599, or 0 for an opaque response).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

impl StatusCode {
    /// `200 OK`
    pub const OK: StatusCode = StatusCode(200);
    /// `401 Unauthorized`
    pub const UNAUTHORIZED: StatusCode = StatusCode(401);
    /// `403 Forbidden`
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    /// `404 Not Found`
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    /// `429 Too Many Requests`
    pub const TOO_MANY_REQUESTS: StatusCode = StatusCode(429);
    /// `500 Internal Server Error`
    pub const INTERNAL_SERVER_ERROR: StatusCode = StatusCode(500);
    /// `503 Service Unavailable`
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode(503);

    /// A status from its number (any `u16`: servers send odd ones).
    pub const fn new(code: u16) -> StatusCode {
        StatusCode(code)
    }

    /// The number.
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// 200–299.
    pub const fn is_success(self) -> bool {
        self.0 >= 200 && self.0 < 300
    }
    /// 300–399.
    pub const fn is_redirection(self) -> bool {
        self.0 >= 300 && self.0 < 400
    }
    /// 400–499.
    pub const fn is_client_error(self) -> bool {
        self.0 >= 400 && self.0 < 500
    }
    /// 500–599.
    pub const fn is_server_error(self) -> bool {
        self.0 >= 500 && self.0 < 600
    }

    /// The standard reason phrase, if this is a well-known code.
    pub fn canonical_reason(self) -> Option<&'static str> {
        Some(match self.0 {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            204 => "No Content",
            301 => "Moved Permanently",
            302 => "Found",
            304 => "Not Modified",
            307 => "Temporary Redirect",
            308 => "Permanent Redirect",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            409 => "Conflict",
            413 => "Content Too Large",
            422 => "Unprocessable Content",
            429 => "Too Many Requests",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Gateway Timeout",
            _ => return None,
        })
    }
}

impl From<StatusCode> for u16 {
    fn from(s: StatusCode) -> u16 {
        s.0
    }
}

impl PartialEq<u16> for StatusCode {
    fn eq(&self, other: &u16) -> bool {
        self.0 == *other
    }
}

impl StatusCode {
    /// `503 Service Unavailable` (or just `599`), appended without the formatting machinery.
    pub(crate) fn write_to(&self, out: &mut String) {
        crate::text::push_number(out, self.0.into());
        if let Some(reason) = self.canonical_reason() {
            out.push(' ');
            out.push_str(reason);
        }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = String::new();
        self.write_to(&mut shown);
        f.write_str(&shown)
    }
}

impl fmt::Debug for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_statuses_display_without_fmt() {
        assert_eq!(StatusCode::new(503).to_string(), "503 Service Unavailable");
        assert_eq!(StatusCode::new(65535).to_string(), "65535");
        assert_eq!(StatusCode::new(7).to_string(), "7");
    }
}
