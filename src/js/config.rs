//! Reading JS config objects: own enumerable properties only, unknown keys refused by name.

use std::time::Duration;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::{convert, JsClient};
use crate::error::{Error, Kind, Result};
use crate::{Client, Credentials};

fn bad_option(key: &str, why: &str) -> Error {
    Error::new(Kind::Builder, format!("option `{key}` {why}"))
}

/// Own enumerable `(key, value)` pairs of `obj` (never its prototype chain).
pub(super) fn own_entries(obj: &Object) -> Vec<(String, JsValue)> {
    Object::keys(obj)
        .iter()
        .filter_map(|k| {
            let key = k.as_string()?;
            let value = Reflect::get(obj, &k).ok()?;
            Some((key, value))
        })
        .collect()
}

fn string_map(key: &str, value: &JsValue) -> Result<Vec<(String, String)>> {
    let obj = value
        .dyn_ref::<Object>()
        .filter(|_| value.is_object())
        .ok_or_else(|| bad_option(key, "must be an object"))?;
    own_entries(obj)
        .into_iter()
        .map(|(k, v)| {
            let v = match v.as_string() {
                Some(s) => s,
                None => match v.as_f64() {
                    // JS's own number formatting: Rust's float printer costs ~15 KB of wasm.
                    Some(_) => String::from(
                        js_sys::Number::from(v)
                            .to_string_with_radix(10)
                            .unwrap_or_default(),
                    ),
                    None => match v.as_bool() {
                        Some(b) => b.to_string(),
                        None => return Err(bad_option(key, "values must be strings or numbers")),
                    },
                },
            };
            Ok((k, v))
        })
        .collect()
}

fn timeout_ms(key: &str, value: &JsValue) -> Result<u64> {
    match value.as_f64() {
        Some(ms) if ms.is_finite() && ms >= 0.0 => Ok(ms.ceil() as u64),
        _ => Err(bad_option(
            key,
            "must be a non-negative number of milliseconds",
        )),
    }
}

/// `createClient({ baseURL, timeout, headers, withCredentials })`
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(config: Option<Object>) -> std::result::Result<JsClient, JsValue> {
    build_client(config).map_err(convert::error_to_js)
}

fn build_client(config: Option<Object>) -> Result<JsClient> {
    let mut builder = Client::builder();
    for (key, value) in config.as_ref().map(own_entries).unwrap_or_default() {
        if value.is_undefined() {
            continue;
        }
        builder = match key.as_str() {
            "baseURL" => match value.as_string() {
                Some(url) => builder.base_url(&url),
                None => return Err(bad_option(&key, "must be a string")),
            },
            "timeout" => match timeout_ms(&key, &value)? {
                0 => builder,
                ms => builder.timeout(Duration::from_millis(ms)),
            },
            "headers" => string_map(&key, &value)?
                .iter()
                .fold(builder, |b, (n, v)| b.default_header(n, v)),
            "withCredentials" => builder.credentials(if value.is_truthy() {
                Credentials::Include
            } else {
                Credentials::SameOrigin
            }),
            _ => return Err(bad_option(&key, "is not a known option")),
        };
    }
    Ok(JsClient {
        client: builder.build()?,
    })
}

/// The per-request config: `{ params, headers, timeout }`.
pub(super) struct RequestConfig {
    pub params: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub timeout_ms: Option<u64>,
}

impl RequestConfig {
    pub fn read(config: &Object) -> Result<RequestConfig> {
        let mut out = RequestConfig {
            params: Vec::new(),
            headers: Vec::new(),
            timeout_ms: None,
        };
        for (key, value) in own_entries(config) {
            if value.is_undefined() {
                continue;
            }
            match key.as_str() {
                "params" => out.params = string_map(&key, &value)?,
                "headers" => out.headers = string_map(&key, &value)?,
                "timeout" => out.timeout_ms = Some(timeout_ms(&key, &value)?),
                _ => return Err(bad_option(&key, "is not a known request option")),
            }
        }
        Ok(out)
    }
}
