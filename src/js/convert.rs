//! Conversions at the JS boundary: request data in, responses and errors out.

use js_sys::{ArrayBuffer, Object, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::set;
use crate::error::{Error, Kind, Result};
use crate::{Body, RequestBuilder, Response};

/// Attach axios-style `data`: strings as text, FormData/Blob/URLSearchParams as themselves,
/// bytes as bytes, any other object as JSON.
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

/// `{ data, status, statusText, headers }`; `data` is parsed JSON when the server says JSON.
/// A non-2xx status rejects, as axios does.
pub(super) async fn response_to_js(response: Response) -> std::result::Result<JsValue, JsValue> {
    let status = response.status();
    let headers = Object::new();
    for (name, value) in response.headers().iter() {
        set(&headers, name, &JsValue::from_str(value));
    }
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.contains("json"));
    let failed = response.error_for_status_ref().err();
    let text = response.text().await.map_err(error_to_js)?;
    let data = if is_json && !text.is_empty() {
        JSON::parse(&text)
            .map_err(|_| error_to_js(Error::new(Kind::Decode, "the response is not valid JSON")))?
    } else {
        JsValue::from_str(&text)
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
    match failed {
        None => Ok(out.into()),
        Some(err) => {
            let js = error_to_js(err);
            set(js.unchecked_ref(), "response", &out);
            Err(js)
        }
    }
}

/// The axios-style error code of an error.
pub(super) fn code(error: &Error) -> &'static str {
    match error.kind() {
        Kind::Network => "ERR_NETWORK",
        Kind::Timeout => "ETIMEDOUT",
        Kind::Canceled => "ERR_CANCELED",
        Kind::Status(s) if s.is_server_error() => "ERR_BAD_RESPONSE",
        Kind::Status(_) => "ERR_BAD_REQUEST",
        Kind::Decode => "ERR_BAD_RESPONSE",
        Kind::SessionExpired => "ERR_SESSION_EXPIRED",
        Kind::RateLimited => "ERR_RATE_LIMITED",
        _ => "ERR_BAD_OPTION",
    }
}

/// A JS `Error` named `TokenfetchError` with `code`, `status` and `isTokenfetchError`.
pub(super) fn error_to_js(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("TokenfetchError");
    set(&js, "code", &JsValue::from_str(code(&error)));
    set(&js, "isTokenfetchError", &JsValue::TRUE);
    if let Some(status) = error.status() {
        set(&js, "status", &JsValue::from(status.as_u16()));
    }
    js.into()
}
