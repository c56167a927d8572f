//! The JavaScript API (feature `js`): an axios-shaped adapter onto the Rust engine.
//!
//! This is the only module whose public items mention `JsValue`. It reads JS config objects by
//! hand, own properties only (a polluted `Object.prototype` changes nothing), and uses the
//! platform's `JSON` instead of serde to keep the package small.

mod config;
mod convert;

use std::time::Duration;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::{Client, Method};

pub use config::create_client;

/// A tokenfetch client for JavaScript (made by `createClient`).
#[wasm_bindgen(js_name = TokenfetchClient)]
pub struct JsClient {
    client: Client,
}

#[wasm_bindgen(js_class = TokenfetchClient)]
impl JsClient {
    /// `GET url` → `Promise<{ data, status, statusText, headers }>`.
    pub fn get(&self, url: String, config: Option<Object>) -> Promise {
        self.send(Method::GET, url, JsValue::UNDEFINED, config)
    }
    /// `DELETE url`
    pub fn delete(&self, url: String, config: Option<Object>) -> Promise {
        self.send(Method::DELETE, url, JsValue::UNDEFINED, config)
    }
    /// `HEAD url`
    pub fn head(&self, url: String, config: Option<Object>) -> Promise {
        self.send(Method::HEAD, url, JsValue::UNDEFINED, config)
    }
    /// `OPTIONS url`
    pub fn options(&self, url: String, config: Option<Object>) -> Promise {
        self.send(Method::OPTIONS, url, JsValue::UNDEFINED, config)
    }
    /// `POST url` with `data` (object → JSON, string, FormData, Blob, URLSearchParams, bytes).
    pub fn post(&self, url: String, data: JsValue, config: Option<Object>) -> Promise {
        self.send(Method::POST, url, data, config)
    }
    /// `PUT url` with `data`.
    pub fn put(&self, url: String, data: JsValue, config: Option<Object>) -> Promise {
        self.send(Method::PUT, url, data, config)
    }
    /// `PATCH url` with `data`.
    pub fn patch(&self, url: String, data: JsValue, config: Option<Object>) -> Promise {
        self.send(Method::PATCH, url, data, config)
    }
}

impl JsClient {
    fn send(&self, method: Method, url: String, data: JsValue, config: Option<Object>) -> Promise {
        let client = self.client.clone();
        future_to_promise(async move {
            let mut builder = client.request(method, &url);
            if let Some(config) = &config {
                let request = config::RequestConfig::read(config).map_err(convert::error_to_js)?;
                for (name, value) in &request.headers {
                    builder = builder.header(name, value);
                }
                builder = builder.query(&request.params);
                if let Some(ms) = request.timeout_ms {
                    builder = match ms {
                        0 => builder.no_timeout(),
                        ms => builder.timeout(Duration::from_millis(ms)),
                    };
                }
            }
            let builder = convert::attach_data(builder, &data).map_err(convert::error_to_js)?;
            let response = builder.send().await.map_err(convert::error_to_js)?;
            convert::response_to_js(response).await
        })
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Reflect.set on a plain object we created cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
