//! One `AbortController` per attempt, and how a JavaScript rejection becomes an [`Error`].

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortController;

use crate::error::{Error, Kind};

/// A short description of whatever JavaScript threw or rejected with. Never panics, whatever
/// the value is (an `Error`, a string, `undefined`, a plain object).
pub(crate) fn js_message(value: &JsValue) -> String {
    let text = if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        String::from(e.message())
    } else if let Some(s) = value.as_string() {
        s
    } else if value.is_undefined() {
        "undefined".into()
    } else {
        "a non-Error value".into()
    };
    text.chars().take(200).collect()
}

/// Aborts the attempt when dropped; remembers whether the timer fired.
pub(crate) struct AbortGuard {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    _timer: Option<gloo_timers::callback::Timeout>,
}

impl AbortGuard {
    /// A guard over `controller`; `timed_out` is set by the attempt's timer, which the guard
    /// owns (dropping the guard clears it).
    pub(crate) fn new(
        controller: AbortController,
        timed_out: Rc<Cell<bool>>,
        timer: Option<gloo_timers::callback::Timeout>,
    ) -> Self {
        AbortGuard {
            controller,
            timed_out,
            _timer: timer,
        }
    }

    /// The error for a rejected `fetch` or body read: `Timeout` if our timer aborted it.
    pub(crate) fn rejection(&self, value: &JsValue, what: &str) -> Error {
        if self.timed_out.get() {
            Error::from_kind(Kind::Timeout)
        } else {
            Error::new(Kind::Network, format!("{what}: {}", js_message(value)))
        }
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        self.controller.abort();
    }
}
