//! Conversions at the JS boundary: request data in, responses and errors out.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Function, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Error, Kind, Result};
use crate::{Body, RequestBuilder, Response};

thread_local! {
    /// The `TokenfetchError` class of the package's JS entry (set by `init()`).
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the package's `init()` with its `TokenfetchError` class.
#[wasm_bindgen(js_name = __setErrorClass)]
pub fn set_error_class(class: Function) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
}

pub(super) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on an object we own cannot fail; on a frozen one we ignore it.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Attach axios-style `data`: strings as text, FormData/Blob/URLSearchParams/ReadableStream as
/// themselves, bytes as bytes, anything else as JSON.
pub(super) fn attach_data(builder: RequestBuilder, data: &JsValue) -> Result<RequestBuilder> {
    if data.is_undefined() || data.is_null() {
        return Ok(builder);
    }
    if let Some(text) = data.as_string() {
        return Ok(builder.body(text));
    }
    if let Some(form) = data.dyn_ref::<web_sys::FormData>() {
        return Ok(builder.body(Body::form_data(form.clone())));
    }
    if let Some(blob) = data.dyn_ref::<web_sys::Blob>() {
        return Ok(builder.body(Body::blob(blob.clone())));
    }
    if let Some(stream) = data.dyn_ref::<web_sys::ReadableStream>() {
        return Ok(builder.body(Body::stream(stream.clone())));
    }
    if let Some(params) = data.dyn_ref::<web_sys::UrlSearchParams>() {
        let text: String = params.to_string().into();
        return Ok(builder
            .header(
                "content-type",
                "application/x-www-form-urlencoded;charset=UTF-8",
            )
            .body(text));
    }
    if data.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(data) {
        return Ok(builder.body(Uint8Array::new(data).to_vec()));
    }
    let json = JSON::stringify(data)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::new(Kind::Body, "data could not be serialized as JSON"))?;
    Ok(builder
        .header("content-type", "application/json")
        .body(json))
}

/// How to present the body as `data`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ResponseType {
    /// JSON when it parses (or the server says JSON), else text: axios's default.
    Json,
    Text,
    Blob,
    ArrayBuffer,
}

impl ResponseType {
    pub fn parse(name: &str) -> Option<ResponseType> {
        Some(match name {
            "json" => ResponseType::Json,
            "text" => ResponseType::Text,
            "blob" => ResponseType::Blob,
            "arraybuffer" => ResponseType::ArrayBuffer,
            _ => return None,
        })
    }
}

/// `{ data, status, statusText, headers, config }` with lower-case header names.
pub(super) async fn response_to_js(
    response: Response,
    response_type: ResponseType,
    config: &JsValue,
) -> Result<JsValue> {
    let status = response.status();
    let headers = Object::new();
    for (name, value) in response.headers().iter() {
        let joined = match Reflect::get(&headers, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
        {
            Some(previous) => format!("{previous}, {value}"),
            None => value.to_string(),
        };
        set(&headers, name, &JsValue::from_str(&joined));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or("")
        .to_string();
    let bytes = response.bytes().await?;
    let data = match response_type {
        ResponseType::ArrayBuffer => Uint8Array::from(&bytes[..]).buffer().into(),
        ResponseType::Blob => {
            let parts = Array::of1(&Uint8Array::from(&bytes[..]));
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(&content_type);
            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
                .map_err(|_| Error::new(Kind::Decode, "could not make a Blob of the body"))?
                .into()
        }
        ResponseType::Text => JsValue::from_str(&String::from_utf8_lossy(&bytes)),
        ResponseType::Json => {
            let text = String::from_utf8_lossy(&bytes);
            if text.trim().is_empty() {
                JsValue::from_str("")
            } else {
                match JSON::parse(&text) {
                    Ok(value) => value,
                    Err(_) if content_type.contains("json") => {
                        return Err(Error::new(Kind::Decode, "the response is not valid JSON"))
                    }
                    Err(_) => JsValue::from_str(&text),
                }
            }
        }
    };
    let out = Object::new();
    set(&out, "data", &data);
    set(&out, "status", &JsValue::from(status.as_u16()));
    set(
        &out,
        "statusText",
        &JsValue::from_str(status.canonical_reason().unwrap_or("")),
    );
    set(&out, "headers", &headers);
    set(&out, "config", config);
    Ok(out.into())
}

/// The axios-style error code of an error.
pub(super) fn code(error: &Error) -> &'static str {
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

/// A `TokenfetchError` with `code`, `status`, `response`, `config` and `isTokenfetchError`.
pub(super) fn error_to_js(error: &Error, config: &JsValue, response: Option<&JsValue>) -> JsValue {
    let message = JsValue::from_str(&error.to_string());
    let code = JsValue::from_str(code(error));
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    let js: JsValue = match class
        .and_then(|class| Reflect::construct(&class, &Array::of2(&message, &code)).ok())
    {
        Some(instance) => instance,
        None => {
            let e = js_sys::Error::new(&error.to_string());
            e.set_name("TokenfetchError");
            set(&e, "code", &code);
            set(&e, "isTokenfetchError", &JsValue::TRUE);
            e.into()
        }
    };
    if let Some(status) = error.status() {
        set(&js, "status", &JsValue::from(status.as_u16()));
    }
    if let Some(response) = response {
        set(&js, "response", response);
        if let Some(status) = Reflect::get(response, &"status".into())
            .ok()
            .filter(|s| s.as_f64().is_some())
        {
            set(&js, "status", &status);
        }
    }
    if !config.is_undefined() {
        set(&js, "config", config);
    }
    js
}

/// Turn anything JS threw into a Rust error (for refresh functions and stores).
pub(super) fn js_error(value: &JsValue, what: &str) -> Error {
    let status = Reflect::get(value, &"status".into())
        .ok()
        .and_then(|s| s.as_f64())
        .filter(|s| (100.0..600.0).contains(s));
    let message = format!("{what}: {}", crate::rt::abort::js_message(value));
    match status {
        Some(s) => Error::new(Kind::Status(crate::StatusCode::new(s as u16)), message),
        None if value.is_instance_of::<js_sys::TypeError>() => Error::new(Kind::Network, message),
        None => Error::new(Kind::Status(crate::StatusCode::new(400)), message),
    }
}

/// Await `value` if it is a thenable, else return it.
pub(super) async fn settle(value: JsValue) -> std::result::Result<JsValue, JsValue> {
    let then = Reflect::get(&value, &"then".into()).unwrap_or(JsValue::UNDEFINED);
    if value.is_object() && then.is_function() {
        let promise = js_sys::Promise::resolve(&value);
        wasm_bindgen_futures::JsFuture::from(promise).await
    } else {
        Ok(value)
    }
}
