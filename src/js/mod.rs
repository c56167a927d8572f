//! The JavaScript API (feature `js`): an axios-shaped adapter onto the Rust engine. No logic
//! lives here that the engine has: this reads options, runs interceptors, and converts values.
//!
//! This is the only module whose public items mention `JsValue`. It reads JS objects by hand,
//! own properties only, and uses the platform's `JSON` instead of serde to keep the package small.

mod auth;
mod convert;
mod events;
mod interceptors;
mod options;
mod request_config;
mod retry;

use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use self::auth::{auth_config, JsAuth};
use self::convert::{error_to_js, response_to_js, set};
use self::events::Registry;
use self::interceptors::{JsInterceptors, Manager};
use self::options::{bad_option, Options};
use crate::error::{Error, Kind, Result};
use crate::log::Logger;
use crate::middleware::RateLimit;
use crate::{Client, Credentials};

pub use convert::set_error_class;

/// A tokenfetch client for JavaScript (made by `createClient`).
#[wasm_bindgen(js_name = TokenfetchClient)]
pub struct JsClient {
    client: Client,
    request: Rc<Manager>,
    response: Rc<Manager>,
    events: Rc<Registry>,
}

const CLIENT_KEYS: &[&str] = &[
    "baseURL",
    "timeout",
    "headers",
    "withCredentials",
    "auth",
    "retry",
    "dedupe",
    "rateLimit",
    "log",
];

fn logger(value: &JsValue) -> Result<Option<Logger>> {
    if let Some(on) = value.as_bool() {
        return Ok(on.then(Logger::new));
    }
    let options = Options::read(value, "log")?;
    options.only(&["redact"])?;
    let mut logger = Logger::new();
    for name in options.strings("redact")?.unwrap_or_default() {
        logger = logger.redact_header(&name).redact_field(&name);
    }
    Ok(Some(logger))
}

fn rate_limit(value: &JsValue) -> Result<RateLimit> {
    let options = Options::read(value, "rateLimit")?;
    options.only(&["maxConcurrent", "perSecond"])?;
    let mut limit = RateLimit::new();
    if let Some(n) = options.number("maxConcurrent")? {
        limit = limit
            .max_concurrent(n as usize)
            .map_err(|_| bad_option("rateLimit.maxConcurrent", "must be at least 1"))?;
    }
    if let Some(rate) = options.number("perSecond")? {
        limit = limit
            .per_second(rate)
            .map_err(|_| bad_option("rateLimit.perSecond", "must be a positive number"))?;
    }
    Ok(limit)
}

fn build(config: &JsValue) -> Result<JsClient> {
    let options = Options::read(config, "")?;
    options.only(CLIENT_KEYS)?;
    let events = Rc::new(Registry::default());
    let mut builder = Client::builder().on_event(events::listener(events.clone()));
    if let Some(url) = options.string("baseURL")? {
        builder = builder.base_url(&url);
    }
    if let Some(ms) = options.number("timeout")? {
        if ms > 0.0 {
            builder = builder.timeout(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    for (name, value) in options.string_map("headers")?.unwrap_or_default() {
        builder = builder.default_header(&name, &value);
    }
    if options.bool("withCredentials")? == Some(true) {
        builder = builder.credentials(Credentials::Include);
    }
    // The engine's recommended order: log, auth, dedupe, retry, rate limit.
    if let Some(logger) = options.get("log").map(logger).transpose()?.flatten() {
        builder = builder.log(logger);
    }
    if let Some(auth) = options.get("auth") {
        builder = builder.auth(auth_config(auth)?);
    }
    if let Some(dedupe) = options.bool("dedupe")? {
        builder = builder.dedupe(dedupe);
    } else {
        builder = builder.dedupe(false);
    }
    let retry = match options.get("retry") {
        Some(value) => retry::retry_policy(value, "retry")?,
        None => crate::RetryPolicy::new(),
    };
    builder = builder.retry(retry);
    if let Some(value) = options.get("rateLimit") {
        builder = builder.rate_limit(rate_limit(value)?);
    }
    Ok(JsClient {
        client: builder.build()?,
        request: Rc::default(),
        response: Rc::default(),
        events,
    })
}

/// `createClient(config?)`: a new client. Invalid options throw a `TokenfetchError` with code
/// `ERR_BAD_OPTION` naming the option.
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(config: JsValue) -> std::result::Result<JsClient, JsValue> {
    build(&config).map_err(|e| error_to_js(&e, &JsValue::UNDEFINED, None))
}

/// A private copy of a request config with `pairs` set on it (undefined values skipped).
fn copy_with(config: &JsValue, pairs: &[(&str, JsValue)]) -> std::result::Result<JsValue, JsValue> {
    let copy = request_config::private_copy(config)
        .map_err(|e| error_to_js(&e, &JsValue::UNDEFINED, None))?;
    for (key, value) in pairs {
        if !value.is_undefined() {
            set(&copy, key, value);
        }
    }
    Ok(copy.into())
}

#[wasm_bindgen(js_class = TokenfetchClient)]
impl JsClient {
    /// `request(config)` → `Promise<{ data, status, statusText, headers, config }>`.
    pub fn request(&self, config: JsValue) -> Promise {
        match copy_with(&config, &[]) {
            Ok(config) => self.run(config),
            Err(e) => Promise::reject(&e),
        }
    }

    fn verb(&self, method: &str, url: JsValue, data: JsValue, config: JsValue) -> Promise {
        let pairs = [
            ("method", JsValue::from_str(method)),
            ("url", url),
            ("data", data),
        ];
        match copy_with(&config, &pairs) {
            Ok(config) => self.run(config),
            Err(e) => Promise::reject(&e),
        }
    }

    /// `GET url`
    pub fn get(&self, url: JsValue, config: JsValue) -> Promise {
        self.verb("GET", url, JsValue::UNDEFINED, config)
    }
    /// `DELETE url`
    pub fn delete(&self, url: JsValue, config: JsValue) -> Promise {
        self.verb("DELETE", url, JsValue::UNDEFINED, config)
    }
    /// `HEAD url`
    pub fn head(&self, url: JsValue, config: JsValue) -> Promise {
        self.verb("HEAD", url, JsValue::UNDEFINED, config)
    }
    /// `OPTIONS url`
    pub fn options(&self, url: JsValue, config: JsValue) -> Promise {
        self.verb("OPTIONS", url, JsValue::UNDEFINED, config)
    }
    /// `POST url` with `data`.
    pub fn post(&self, url: JsValue, data: JsValue, config: JsValue) -> Promise {
        self.verb("POST", url, data, config)
    }
    /// `PUT url` with `data`.
    pub fn put(&self, url: JsValue, data: JsValue, config: JsValue) -> Promise {
        self.verb("PUT", url, data, config)
    }
    /// `PATCH url` with `data`.
    pub fn patch(&self, url: JsValue, data: JsValue, config: JsValue) -> Promise {
        self.verb("PATCH", url, data, config)
    }

    /// The tokens (`setTokens`, `getTokens`, `clear`, `logout`).
    #[wasm_bindgen(getter)]
    pub fn auth(&self) -> JsAuth {
        JsAuth {
            auth: self.client.auth().cloned(),
        }
    }

    /// `interceptors.request` and `interceptors.response`.
    #[wasm_bindgen(getter)]
    pub fn interceptors(&self) -> JsInterceptors {
        JsInterceptors {
            request: self.request.clone(),
            response: self.response.clone(),
        }
    }

    /// Listen to lifecycle events (`"sent"`, `"response"`, `"retry"`, `"refreshed"`, ..., or
    /// `"*"`); returns a function that removes the listener.
    pub fn on(&self, kind: String, listener: Function) -> std::result::Result<Function, JsValue> {
        if !events::TYPES.contains(&kind.as_str()) {
            let error = bad_option(
                "on(type)",
                &format!("must be one of {}", events::TYPES.join(", ")),
            );
            return Err(error_to_js(&error, &JsValue::UNDEFINED, None));
        }
        let id = self.events.add(kind, listener);
        let registry = Rc::downgrade(&self.events);
        let off = Closure::once_into_js(move || {
            if let Some(registry) = registry.upgrade() {
                registry.remove(id);
            }
        });
        Ok(off.unchecked_into())
    }
}

impl JsClient {
    fn run(&self, config: JsValue) -> Promise {
        let client = self.client.clone();
        let (request, response) = (self.request.clone(), self.response.clone());
        future_to_promise(async move {
            let state = match request.run(Ok(config), true).await {
                Ok(config) => dispatch(&client, config).await,
                Err(error) => Err(error),
            };
            response.run(state, false).await
        })
    }
}

/// Send one (intercepted) config through the engine and shape the answer axios-style.
async fn dispatch(client: &Client, config: JsValue) -> std::result::Result<JsValue, JsValue> {
    let fail = |e: Error, response: Option<&JsValue>| error_to_js(&e, &config, response);
    let prepared = request_config::prepare(client, &config).map_err(|e| fail(e, None))?;
    let response = prepared.builder.send().await.map_err(|e| fail(e, None))?;
    let status = response.status();
    let object = response_to_js(response, prepared.response_type, &config)
        .await
        .map_err(|e| fail(e, None))?;
    let ok = match (&prepared.validate_status, prepared.validate) {
        (_, false) => true,
        (Some(f), true) => f
            .call1(&JsValue::NULL, &JsValue::from(status.as_u16()))
            .map(|v| v.is_truthy())
            .unwrap_or(false),
        (None, true) => status.is_success(),
    };
    if ok {
        Ok(object)
    } else {
        let error = Error::new(Kind::Status(status), "");
        Err(fail(error, Some(&object)))
    }
}
