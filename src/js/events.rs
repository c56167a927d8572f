//! The engine's lifecycle events, handed to `tokenfetch.js` as flat arrays
//! `[type, id, attempt, a, b, c, d, e]` (it builds the event objects and keeps the listener
//! registry; `d`, `e` — headers and body — only for its logger). Nothing is built while no JS
//! listener is registered.

use alloc::rc::Rc;
use core::cell::Cell;
use core::time::Duration;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use super::errors::to_js;
use crate::body::{Body, Repr};
use crate::events::{Event, RetryReason};

fn ms(d: &Duration) -> JsValue {
    JsValue::from(d.as_secs_f64() * 1000.0)
}

fn num(n: u64) -> JsValue {
    JsValue::from(n as f64)
}

/// A request body for the logger: text as it is, bytes by their size, a browser object
/// (`FormData`, `Blob`, stream) as `null`, none as `undefined`.
fn body(body: &Body) -> JsValue {
    match &body.0 {
        Repr::Empty => JsValue::UNDEFINED,
        Repr::Text(text) => JsValue::from_str(text),
        Repr::Bytes(bytes) => JsValue::from(bytes.len() as f64),
        _ => JsValue::NULL,
    }
}

/// `[type, id, attempt, a, b, c, d, e]` for one event (`d`, `e`: what only the logger reads,
/// there only when `details`).
fn flatten(event: &Event, details: bool) -> Array {
    let u = JsValue::UNDEFINED;
    let (mut d, mut e) = (JsValue::UNDEFINED, JsValue::UNDEFINED);
    let (kind, id, attempt, a, b, c) = match event {
        Event::Sent {
            id,
            attempt,
            replay,
            request,
        } => {
            if details {
                // The token auth attached (under whatever name) never crosses.
                d = JsValue::from_str(&request.headers().to_lines(true));
                e = body(request.body());
            }
            (
                "sent",
                num(*id),
                *attempt,
                JsValue::from(*replay),
                JsValue::from_str(request.method().as_str()),
                JsValue::from_str(request.url()),
            )
        }
        Event::Response {
            id,
            attempt,
            status,
            headers,
            elapsed,
        } => {
            if details {
                d = JsValue::from_str(&headers.to_lines(true));
            }
            (
                "response",
                num(*id),
                *attempt,
                JsValue::from(status.as_u16()),
                ms(elapsed),
                JsValue::from_str(status.canonical_reason().unwrap_or("")),
            )
        }
        Event::AttemptFailed {
            id,
            attempt,
            error,
            elapsed,
        } => (
            "attemptFailed",
            num(*id),
            *attempt,
            to_js(error),
            ms(elapsed),
            u,
        ),
        Event::RetryScheduled {
            id,
            attempt,
            delay,
            reason,
        } => {
            let reason = match reason {
                RetryReason::Status(s) => JsValue::from(s.as_u16()),
                RetryReason::Network => JsValue::from_str("network"),
                RetryReason::Timeout => JsValue::from_str("timeout"),
            };
            ("retry", num(*id), *attempt, ms(delay), reason, u)
        }
        Event::WaitingForRefresh { id } => {
            ("waitingForRefresh", num(*id), 0, u.clone(), u.clone(), u)
        }
        Event::RefreshStarted => ("refreshStarted", u.clone(), 0, u.clone(), u.clone(), u),
        Event::Refreshed { generation } => {
            ("refreshed", u.clone(), 0, num(*generation), u.clone(), u)
        }
        Event::RefreshedElsewhere { generation } => (
            "refreshedElsewhere",
            u.clone(),
            0,
            num(*generation),
            u.clone(),
            u,
        ),
        Event::RefreshFailed {
            error,
            session_expired,
        } => (
            "refreshFailed",
            u.clone(),
            0,
            to_js(error),
            JsValue::from(*session_expired),
            u,
        ),
        Event::Replayed { id } => ("replayed", num(*id), 0, u.clone(), u.clone(), u),
        Event::Finished {
            id,
            outcome,
            elapsed,
        } => {
            let (status, error) = match outcome {
                Ok(status) => (JsValue::from(status.as_u16()), u),
                Err(error) => (u, to_js(error)),
            };
            ("finished", num(*id), 0, ms(elapsed), status, error)
        }
    };
    let out = Array::of3(&JsValue::from_str(kind), &id, &JsValue::from(attempt));
    for value in [a, b, c, d, e] {
        out.push(&value);
    }
    out
}

/// The engine's listener (gated: JS opens it while it has listeners; `details` while the
/// logger listens). A throwing sink never breaks a request.
pub(super) fn bridge(sink: Function, details: Rc<Cell<bool>>) -> impl Fn(&Event) + 'static {
    move |event| {
        let _ = sink.call1(&JsValue::NULL, &flatten(event, details.get()));
    }
}
