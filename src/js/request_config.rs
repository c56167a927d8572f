//! The per-request config of the JS API (`api.get(url, config)`, `api.request(config)`).

use std::time::Duration;

use js_sys::{Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::convert::{attach_data, ResponseType};
use super::options::{bad_option, Options};
use super::retry::retry_policy;
use crate::error::Result;
use crate::rt::cancel::CancelHandle;
use crate::{Client, Method, RequestBuilder};

/// Every key a request config may have.
const KEYS: &[&str] = &[
    "url",
    "method",
    "params",
    "headers",
    "data",
    "signal",
    "timeout",
    "responseType",
    "skipAuth",
    "retry",
    "dedupe",
    "validateStatus",
];

/// A copy of the caller's config that interceptors may change freely: own properties only,
/// `headers` and `params` copied one level deep, so no change leaks into another request.
pub(super) fn private_copy(config: &JsValue) -> Result<Object> {
    let options = Options::read(config, "")?;
    let copy = Object::new();
    for key in KEYS {
        let Some(value) = options.get(key) else {
            continue;
        };
        let value = if (*key == "headers" || *key == "params") && value.is_object() {
            Object::assign(&Object::new(), value.unchecked_ref()).into()
        } else {
            value.clone()
        };
        super::convert::set(&copy, key, &value);
    }
    options.only(KEYS)?;
    Ok(copy)
}

/// What the adapter needs after sending.
pub(super) struct Prepared {
    pub builder: RequestBuilder,
    pub response_type: ResponseType,
    pub validate_status: Option<Function>,
    /// False when `validateStatus: null` (every status resolves).
    pub validate: bool,
    /// Keeps the `abort` listener alive while the request runs, and removes it after.
    pub _abort: Option<AbortLink>,
}

/// An `abort` listener on the caller's `AbortSignal`, removed when the request is done (a
/// dropped closure must never be called by a later abort).
pub(super) struct AbortLink {
    signal: web_sys::AbortSignal,
    closure: Closure<dyn FnMut()>,
}

impl Drop for AbortLink {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.closure.as_ref().unchecked_ref());
    }
}

/// Turn a (possibly intercepted) config into a request on `client`.
pub(super) fn prepare(client: &Client, config: &JsValue) -> Result<Prepared> {
    let options = Options::read(config, "")?;
    options.only(KEYS)?;
    let url = options.string("url")?.unwrap_or_default();
    let method = match options.string("method")? {
        Some(m) => Method::from_str(&m)?,
        None => Method::GET,
    };
    let mut builder = client.request(method, &url);
    if let Some(headers) = options.string_map("headers")? {
        for (name, value) in headers {
            builder = builder.header(&name, &value);
        }
    }
    if let Some(params) = options.string_map("params")? {
        builder = builder.query(params);
    }
    if let Some(ms) = options.number("timeout")? {
        builder = match ms {
            0.0 => builder.no_timeout(),
            ms => builder.timeout(Duration::from_secs_f64(ms / 1000.0)),
        };
    }
    if options.bool("skipAuth")? == Some(true) {
        builder = builder.skip_auth();
    }
    if let Some(dedupe) = options.bool("dedupe")? {
        builder = builder.dedupe(dedupe);
    }
    if let Some(retry) = options.get("retry") {
        builder = builder.retry(retry_policy(retry, "retry")?);
    }
    let response_type = match options.string("responseType")? {
        None => ResponseType::Json,
        Some(name) => ResponseType::parse(&name)
            .ok_or_else(|| bad_option("responseType", "must be json, text, blob or arraybuffer"))?,
    };
    let (validate, validate_status) = match options.get("validateStatus") {
        None => (true, None),
        Some(v) if v.is_null() => (false, None),
        Some(_) => (true, options.function("validateStatus")?),
    };
    let mut abort = None;
    if let Some(signal) = options.get("signal") {
        let signal: web_sys::AbortSignal = signal
            .clone()
            .dyn_into()
            .map_err(|_| bad_option("signal", "must be an AbortSignal"))?;
        let handle = CancelHandle::new();
        if signal.aborted() {
            handle.cancel();
        } else {
            let on_abort = handle.clone();
            let closure = Closure::<dyn FnMut()>::new(move || on_abort.cancel());
            let _ =
                signal.add_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
            abort = Some(AbortLink { signal, closure });
        }
        builder = builder.cancel_handle(&handle);
    }
    if let Some(data) = options.get("data") {
        builder = attach_data(builder, data)?;
    }
    Ok(Prepared {
        builder,
        response_type,
        validate_status,
        validate,
        _abort: abort,
    })
}
