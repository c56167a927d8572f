//! The `auth` option and `api.auth`: storages, the refresh endpoint or function, callbacks.

use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use super::convert::{error_to_js, js_error, set, settle};
use super::options::{bad_option, object, Options};
use crate::auth::{
    Auth, AuthConfig, CookieStore, MemoryStore, RefreshEndpoint, TokenStore, Tokens,
    WebStorageStore,
};
use crate::error::{Error, Kind, Result};

/// A store backed by a JS object `{ get(key), set(key, value), remove(key) }` (synchronous),
/// holding the tokens as one JSON string under `key`.
struct JsStore {
    target: Object,
    key: String,
}

impl JsStore {
    fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue> {
        let f: Function = Reflect::get(&self.target, &method.into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| {
                Error::new(Kind::Storage, format!("storage.{method} is not a function"))
            })?;
        let args: js_sys::Array = args.iter().collect();
        f.apply(&self.target, &args).map_err(|e| {
            Error::new(
                Kind::Storage,
                format!(
                    "storage.{method} threw: {}",
                    crate::rt::abort::js_message(&e)
                ),
            )
        })
    }
}

impl TokenStore for JsStore {
    fn get(&self) -> Result<Option<Tokens>> {
        let value = self.call("get", &[JsValue::from_str(&self.key)])?;
        Ok(value
            .as_string()
            .as_deref()
            .and_then(crate::auth::tokens_from_json))
    }
    fn set(&self, tokens: &Tokens) -> Result<()> {
        let json = crate::auth::tokens_to_json(tokens);
        self.call(
            "set",
            &[JsValue::from_str(&self.key), JsValue::from_str(&json)],
        )
        .map(drop)
    }
    fn clear(&self) -> Result<()> {
        self.call("remove", &[JsValue::from_str(&self.key)])
            .map(drop)
    }
}

fn store(options: &Options) -> Result<Rc<dyn TokenStore>> {
    let key = options
        .string("storageKey")?
        .unwrap_or_else(|| "tokenfetch".into());
    let Some(storage) = options.get("storage") else {
        return Ok(Rc::new(MemoryStore::new()));
    };
    if let Some(name) = storage.as_string() {
        return Ok(match name.as_str() {
            "memory" => Rc::new(MemoryStore::new()),
            "localStorage" => Rc::new(WebStorageStore::local(&key)),
            "sessionStorage" => Rc::new(WebStorageStore::session(&key)),
            "cookie" => Rc::new(CookieStore::new(&key).map_err(|_| {
                bad_option(
                    &options.name("storageKey"),
                    "must be letters, digits, '-', '_' or '.' for cookies",
                )
            })?),
            _ => {
                return Err(bad_option(
                    &options.name("storage"),
                    "must be memory, localStorage, sessionStorage, cookie or { get, set, remove }",
                ))
            }
        });
    }
    let target = object(storage)
        .ok_or_else(|| {
            bad_option(
                &options.name("storage"),
                "must be a name or { get, set, remove }",
            )
        })?
        .clone();
    for method in ["get", "set", "remove"] {
        if !Reflect::get(&target, &method.into()).is_ok_and(|f| f.is_function()) {
            return Err(bad_option(
                &options.name("storage"),
                "needs get, set and remove functions",
            ));
        }
    }
    Ok(Rc::new(JsStore { target, key }))
}

fn refresh_endpoint(options: &Options) -> Result<RefreshEndpoint> {
    options.only(&[
        "url",
        "method",
        "body",
        "accessTokenField",
        "refreshTokenField",
    ])?;
    let url = options
        .string("url")?
        .ok_or_else(|| bad_option(&options.name("url"), "is required"))?;
    let mut endpoint = RefreshEndpoint::new(&url);
    if let Some(method) = options.string("method")? {
        endpoint = endpoint.method(crate::Method::from_str(&method)?);
    }
    if let Some(field) = options.string("accessTokenField")? {
        endpoint = endpoint.access_token_field(&field);
    }
    if let Some(field) = options.string("refreshTokenField")? {
        endpoint = endpoint.refresh_token_field(&field);
    }
    if let Some(body) = options.function("body")? {
        endpoint = endpoint.json_body_with(move |token| {
            let value = body
                .call1(&JsValue::NULL, &JsValue::from_str(token))
                .map_err(|e| js_error(&e, "auth.refresh.body threw"))?;
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| Error::new(Kind::Body, "auth.refresh.body must return JSON data"))
        });
    }
    Ok(endpoint)
}

fn field(value: &JsValue, name: &str) -> Option<String> {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// Apply the `auth` option to a config.
pub(super) fn auth_config(value: &JsValue) -> Result<AuthConfig> {
    let options = Options::read(value, "auth")?;
    options.only(&[
        "storage",
        "storageKey",
        "header",
        "scheme",
        "refresh",
        "statusCodes",
        "refreshBeforeExpiry",
        "allowedOrigins",
        "onSessionExpired",
    ])?;
    let mut config = AuthConfig::new();
    config.store = store(&options)?;
    if let Some(header) = options.string("header")? {
        config = config.header(&header);
    }
    if let Some(scheme) = options.string("scheme")? {
        config = config.scheme(&scheme);
    }
    if let Some(statuses) = options.statuses("statusCodes")? {
        config = config.refresh_on(&statuses);
    }
    match options.get("refreshBeforeExpiry") {
        Some(v) if v.as_bool() == Some(false) => config = config.refresh_before_expiry(None),
        Some(_) => {
            let secs = options.number("refreshBeforeExpiry")?.unwrap_or(30.0);
            config = config.refresh_before_expiry(Some(Duration::from_secs_f64(secs)));
        }
        None => {}
    }
    if let Some(origins) = options.strings("allowedOrigins")? {
        config = config.allowed_origins(origins);
    }
    if let Some(callback) = options.function("onSessionExpired")? {
        config = config.on_session_expired(move |error| {
            let _ = callback.call1(
                &JsValue::NULL,
                &error_to_js(error, &JsValue::UNDEFINED, None),
            );
        });
    }
    match options.get("refresh") {
        None => {}
        Some(f) if f.is_function() => {
            let f: Function = f.clone().unchecked_into();
            config = config.refresh_with(async move |refresh_token: String| -> Result<Tokens> {
                let arg = Object::new();
                set(&arg, "refreshToken", &JsValue::from_str(&refresh_token));
                let returned = f
                    .call1(&JsValue::NULL, &arg)
                    .map_err(|e| js_error(&e, "auth.refresh threw"))?;
                let value = settle(returned)
                    .await
                    .map_err(|e| js_error(&e, "auth.refresh rejected"))?;
                let access = field(&value, "accessToken").ok_or_else(|| {
                    Error::new(
                        Kind::Decode,
                        "auth.refresh must return { accessToken, refreshToken }",
                    )
                })?;
                Ok(Tokens::new(
                    access,
                    field(&value, "refreshToken").or(Some(refresh_token)),
                ))
            });
        }
        Some(v) => {
            config = config.refresh_endpoint(refresh_endpoint(&Options::read(v, "auth.refresh")?)?)
        }
    }
    Ok(config)
}

/// `api.auth`: the tokens of one client.
#[wasm_bindgen(js_name = TokenfetchAuth)]
pub struct JsAuth {
    pub(super) auth: Option<Auth>,
}

impl JsAuth {
    fn auth(&self) -> std::result::Result<&Auth, JsValue> {
        self.auth.as_ref().ok_or_else(|| {
            error_to_js(
                &Error::new(
                    Kind::Builder,
                    "this client was created without the `auth` option",
                ),
                &JsValue::UNDEFINED,
                None,
            )
        })
    }
}

fn to_js(error: Error) -> JsValue {
    error_to_js(&error, &JsValue::UNDEFINED, None)
}

#[wasm_bindgen(js_class = TokenfetchAuth)]
impl JsAuth {
    /// Store `{ accessToken, refreshToken }` (after a login).
    #[wasm_bindgen(js_name = setTokens)]
    pub fn set_tokens(&self, tokens: JsValue) -> std::result::Result<(), JsValue> {
        let options = Options::read(&tokens, "tokens").map_err(to_js)?;
        options
            .only(&["accessToken", "refreshToken"])
            .map_err(to_js)?;
        let tokens = Tokens {
            access_token: options.string("accessToken").map_err(to_js)?,
            refresh_token: options.string("refreshToken").map_err(to_js)?,
        };
        self.auth()?.set_tokens(tokens).map_err(to_js)
    }

    /// `{ accessToken, refreshToken }`, or `null` when there are none.
    #[wasm_bindgen(js_name = getTokens)]
    pub fn get_tokens(&self) -> std::result::Result<JsValue, JsValue> {
        Ok(match self.auth()?.tokens().map_err(to_js)? {
            None => JsValue::NULL,
            Some(tokens) => {
                let out = Object::new();
                let opt = |v: Option<String>| v.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
                set(&out, "accessToken", &opt(tokens.access_token));
                set(&out, "refreshToken", &opt(tokens.refresh_token));
                out.into()
            }
        })
    }

    /// Remove the tokens.
    pub fn clear(&self) -> std::result::Result<(), JsValue> {
        self.auth()?.clear().map_err(to_js)
    }

    /// Clear the tokens and cancel every request in flight or waiting for a refresh.
    pub fn logout(&self) -> Promise {
        let result = self.auth().and_then(|a| a.logout().map_err(to_js));
        match result {
            Ok(()) => Promise::resolve(&JsValue::UNDEFINED),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Refresh now (joins a refresh in flight).
    pub fn refresh(&self) -> Promise {
        let auth = self.auth.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let auth = auth.ok_or_else(|| to_js(Error::new(Kind::Builder, "no `auth` option")))?;
            auth.refresh().await.map_err(to_js)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// True while a refresh is in flight.
    #[wasm_bindgen(getter, js_name = isRefreshing)]
    pub fn is_refreshing(&self) -> bool {
        self.auth.as_ref().is_some_and(Auth::is_refreshing)
    }
}
