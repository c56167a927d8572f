//! `api.on(type, listener)`: the engine's lifecycle events as plain JS objects.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;

use super::convert::{error_to_js, set};
use crate::events::{Event, RetryReason};

/// The event names `on` accepts (`"*"` for all).
pub(super) const TYPES: &[&str] = &[
    "sent",
    "response",
    "attemptFailed",
    "retry",
    "waitingForRefresh",
    "refreshStarted",
    "refreshed",
    "refreshFailed",
    "replayed",
    "finished",
    "*",
];

/// The listeners registered with `on`.
#[derive(Default)]
pub(super) struct Registry {
    listeners: RefCell<Vec<(u32, String, Function)>>,
    next_id: Cell<u32>,
}

impl Registry {
    pub fn add(&self, kind: String, listener: Function) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.listeners.borrow_mut().push((id, kind, listener));
        id
    }

    pub fn remove(&self, id: u32) {
        self.listeners.borrow_mut().retain(|(i, _, _)| *i != id);
    }

    /// Deliver `event` to the listeners of its type and of `"*"`.
    pub fn deliver(&self, event: &Event) {
        let listeners = self.listeners.borrow().clone();
        if listeners.is_empty() {
            return;
        }
        let (kind, object) = to_js(event);
        for (_, wanted, listener) in listeners {
            if wanted == kind || wanted == "*" {
                // A throwing listener must not break the request.
                let _ = listener.call1(&JsValue::NULL, &object);
            }
        }
    }
}

fn ms(d: &std::time::Duration) -> JsValue {
    JsValue::from(d.as_secs_f64() * 1000.0)
}

fn to_js(event: &Event) -> (&'static str, JsValue) {
    let o = Object::new();
    let put = |k: &str, v: JsValue| set(&o, k, &v);
    let kind = match event {
        Event::Sent {
            id,
            attempt,
            replay,
            request,
        } => {
            put("id", JsValue::from(*id as f64));
            put("attempt", JsValue::from(*attempt));
            put("replay", JsValue::from(*replay));
            put("method", JsValue::from_str(request.method().as_str()));
            put("url", JsValue::from_str(request.url()));
            "sent"
        }
        Event::Response {
            id,
            attempt,
            status,
            elapsed,
            ..
        } => {
            put("id", JsValue::from(*id as f64));
            put("attempt", JsValue::from(*attempt));
            put("status", JsValue::from(status.as_u16()));
            put("elapsed", ms(elapsed));
            "response"
        }
        Event::AttemptFailed {
            id,
            attempt,
            error,
            elapsed,
        } => {
            put("id", JsValue::from(*id as f64));
            put("attempt", JsValue::from(*attempt));
            put("error", error_to_js(error, &JsValue::UNDEFINED, None));
            put("elapsed", ms(elapsed));
            "attemptFailed"
        }
        Event::RetryScheduled {
            id,
            attempt,
            delay,
            reason,
        } => {
            put("id", JsValue::from(*id as f64));
            put("attempt", JsValue::from(*attempt));
            put("delay", ms(delay));
            let reason = match reason {
                RetryReason::Status(s) => JsValue::from(s.as_u16()),
                RetryReason::Network => JsValue::from_str("network"),
                RetryReason::Timeout => JsValue::from_str("timeout"),
            };
            put("reason", reason);
            "retry"
        }
        Event::WaitingForRefresh { id } => {
            put("id", JsValue::from(*id as f64));
            "waitingForRefresh"
        }
        Event::RefreshStarted => "refreshStarted",
        Event::Refreshed { generation } => {
            put("generation", JsValue::from(*generation as f64));
            "refreshed"
        }
        Event::RefreshFailed {
            error,
            session_expired,
        } => {
            put("error", error_to_js(error, &JsValue::UNDEFINED, None));
            put("sessionExpired", JsValue::from(*session_expired));
            "refreshFailed"
        }
        Event::Replayed { id } => {
            put("id", JsValue::from(*id as f64));
            "replayed"
        }
        Event::Finished {
            id,
            outcome,
            elapsed,
        } => {
            put("id", JsValue::from(*id as f64));
            put("elapsed", ms(elapsed));
            match outcome {
                Ok(status) => put("status", JsValue::from(status.as_u16())),
                Err(error) => put("error", error_to_js(error, &JsValue::UNDEFINED, None)),
            }
            "finished"
        }
    };
    put("type", JsValue::from_str(kind));
    (kind, o.into())
}

/// Shared handle used by the client's Rust event listener.
pub(super) fn listener(registry: Rc<Registry>) -> impl Fn(&Event) + 'static {
    move |event| registry.deliver(event)
}
