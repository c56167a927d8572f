//! The token pair, with secrets kept out of `Debug`.

use crate::prelude::*;

use core::fmt;

use crate::error::{Error, Kind, Result};
use crate::http::headers::header_value;

/// An access token and, usually, a refresh token. `Debug` shows neither.
///
/// The access token may be absent (e.g. its cookie expired) while the refresh token is still
/// there: the next request then refreshes before it is sent.
#[derive(Clone, PartialEq)]
pub struct Tokens {
    /// Sent as `Authorization: Bearer <access_token>`.
    pub access_token: Option<String>,
    /// Exchanged for a new pair when the access token is rejected or about to expire.
    pub refresh_token: Option<String>,
    /// When the access token expires, in seconds since the epoch, if the server said so
    /// (`expires_in`, RFC 6749 §5.1) or the app did ([`expiring_in`](Self::expiring_in)); what
    /// pre-emptive refresh goes by for opaque tokens (for a JWT: the earlier of this and its
    /// `exp`).
    pub expires_at: Option<f64>,
}

/// The earlier of two expiries, either of which may be unknown.
pub(crate) fn earliest(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The longest lifetime taken from a server or the app: 100 years, in seconds (a larger
/// `expires_in`, `1e300` say, means "never" and saturates here).
const MAX_LIFETIME: f64 = 100.0 * 365.25 * 86_400.0;

impl Tokens {
    /// A token pair.
    pub fn new(access_token: impl Into<String>, refresh_token: Option<String>) -> Tokens {
        Tokens {
            access_token: Some(access_token.into()),
            refresh_token,
            expires_at: None,
        }
    }

    /// Only a refresh token: the next request refreshes first.
    pub fn refresh_only(refresh_token: impl Into<String>) -> Tokens {
        Tokens {
            access_token: None,
            refresh_token: Some(refresh_token.into()),
            expires_at: None,
        }
    }

    /// The same tokens, the access token expiring `seconds` from now (an OAuth server's
    /// `expires_in`). A negative, NaN or infinite value leaves the expiry unknown; a huge one
    /// saturates at 100 years.
    pub fn expiring_in(mut self, seconds: f64) -> Tokens {
        self.expires_at = (seconds >= 0.0 && seconds.is_finite())
            .then(|| crate::rt::time::now_ms() / 1000.0 + seconds.min(MAX_LIFETIME));
        self
    }

    /// When the access token expires, in seconds since the epoch: the earlier of
    /// [`expires_at`](Self::expires_at) (the server's `expires_in`) and the JWT `exp` claim of
    /// the access token, if it is a JWT with one.
    pub fn expires_at(&self) -> Option<f64> {
        earliest(
            self.expires_at,
            super::jwt::expires_at(self.access_token.as_deref()?),
        )
    }

    /// Refuse tokens that could not be sent in a header (empty, CR/LF, control characters).
    pub(crate) fn validate(&self) -> Result<()> {
        let check = |name: &str, token: &str| {
            if token.is_empty()
                || token.trim() != token
                || header_value("authorization", token).is_err()
            {
                Err(Error::new(
                    Kind::InvalidHeader,
                    crate::text::concat(&[
                        "malformed ",
                        name,
                        ": empty, padded, or contains characters not allowed in a header",
                    ]),
                ))
            } else {
                Ok(())
            }
        };
        if self.access_token.is_none() && self.refresh_token.is_none() {
            return Err(Error::new(
                Kind::InvalidHeader,
                "no access token and no refresh token",
            ));
        }
        if let Some(access) = &self.access_token {
            check("access token", access)?;
        }
        if let Some(refresh) = &self.refresh_token {
            check("refresh token", refresh)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

/// Serialize for string-valued stores: `{"access_token":"…","refresh_token":"…"}`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn to_json(tokens: &Tokens) -> String {
    let mut out = String::from("{");
    let fields = [
        ("access_token", &tokens.access_token),
        ("refresh_token", &tokens.refresh_token),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            if out.len() > 1 {
                out.push(',');
            }
            crate::http::json::quote(name, &mut out);
            out.push(':');
            crate::http::json::quote(value, &mut out);
        }
    }
    // Whole seconds (a finite, positive number: `expiring_in` made it).
    if let Some(at) = tokens.expires_at.filter(|at| *at >= 0.0 && at.is_finite()) {
        out.push_str(",\"expires_at\":");
        crate::text::push_number(&mut out, at as u64);
    }
    out.push('}');
    out
}

/// Parse what [`to_json`] wrote; anything else (corrupt, edited, truncated) is `None`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn from_json(text: &str) -> Option<Tokens> {
    let field = |name| crate::http::json::string_at(text, name).ok();
    let tokens = Tokens {
        access_token: field("access_token")?,
        refresh_token: field("refresh_token")?,
        expires_at: crate::http::json::number_at(text, "expires_at")
            .ok()?
            .filter(|at| *at >= 0.0 && at.is_finite()),
    };
    tokens.validate().ok().map(|()| tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_both_tokens() {
        let t = Tokens::new("ACCESS-SECRET", Some("REFRESH-SECRET".into()));
        let shown = format!("{t:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[test]
    fn json_round_trip_and_corruption() {
        let t = Tokens::new("a.b.c", Some("r\"1".into()));
        assert_eq!(from_json(&to_json(&t)), Some(t));
        assert_eq!(
            from_json(&to_json(&Tokens::refresh_only("r"))),
            Some(Tokens::refresh_only("r"))
        );
        for corrupt in [
            "",
            "{",
            "null",
            "{}",
            "{\"access_token\":5}",
            "{\"access_token\":\"a\\r\\nb\"}",
        ] {
            assert_eq!(from_json(corrupt), None, "{corrupt}");
        }
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in ["", " a", "a\r\nx: y", "a\u{0}"] {
            assert_eq!(
                Tokens::new(bad, None).validate().unwrap_err().kind(),
                Kind::InvalidHeader
            );
        }
        assert!(Tokens::new("ok", Some("bad\n".into())).validate().is_err());
    }
}
