//! Errors across the boundary: an engine error goes out as `[code, message, status]`, which
//! `tokenfetch.js` turns into a `TokenfetchError`; whatever JavaScript throws comes in as an
//! [`Error`] of the right kind.

use crate::prelude::*;

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::error::{Error, Kind};
use crate::rt::fetch::js_message;
use crate::StatusCode;

/// The axios-style error code of an error.
fn code(error: &Error) -> &'static str {
    match error.kind() {
        Kind::Network => "ERR_NETWORK",
        Kind::Timeout | Kind::TotalTimeout => "ETIMEDOUT",
        Kind::Canceled => "ERR_CANCELED",
        Kind::Status(s) if s.is_server_error() => "ERR_BAD_RESPONSE",
        Kind::Status(_) => "ERR_BAD_REQUEST",
        Kind::Decode => "ERR_BAD_RESPONSE",
        Kind::SessionExpired => "ERR_SESSION_EXPIRED",
        Kind::RateLimited => "ERR_RATE_LIMITED",
        Kind::Storage => "ERR_STORAGE",
        Kind::Body => "ERR_BAD_REQUEST",
        Kind::InvalidUrl => "ERR_INVALID_URL",
        _ => "ERR_BAD_OPTION",
    }
}

/// `[code, message, status | undefined]` for `tokenfetch.js`.
pub(super) fn to_js(error: &Error) -> JsValue {
    with_code(error, code(error))
}

fn with_code(error: &Error, code: &'static str) -> JsValue {
    let status = error
        .status()
        .map_or(JsValue::UNDEFINED, |s| JsValue::from(s.as_u16()));
    let mut message = String::new();
    error.write_message(&mut message);
    Array::of3(
        &JsValue::from_str(code),
        &JsValue::from_str(&message),
        &status,
    )
    .into()
}

/// Turn anything a JS callback threw into an engine error: a `status` of 100–599 keeps it, a
/// `TypeError` (what `fetch` rejects with) is a network error, anything else a refusal (400).
pub(super) fn from_js(value: &JsValue, what: &str) -> Error {
    let status = crate::rt::fetch::error_status(value);
    let mut message = String::from(what);
    message.push_str(": ");
    message.push_str(&js_message(value));
    match status {
        s if (100.0..600.0).contains(&s) => {
            Error::new(Kind::Status(StatusCode::new(s as u16)), message)
        }
        _ => Error::new(Kind::Network, message),
    }
}
