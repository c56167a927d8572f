//! The `auth` option: a token store (a built-in one by name, or the app's `{ get, set, remove }`),
//! the refresh endpoint or function, and the session-expired callback. The names and types were
//! checked by `tokenfetch.js`; the functions arrive as hooks beside the JSON.

use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::config::{bad_option, Section};
use super::errors::{from_js, to_js};
use crate::auth::{AuthConfig, MemoryStore, RefreshEndpoint, SessionChange, TokenStore, Tokens};
use crate::error::{Error, Kind, Result};
use crate::http::json::Value;
use crate::text::concat;

/// The JS functions that go with the `auth` JSON.
pub(super) struct Hooks {
    pub storage: Option<Object>,
    pub refresh: Option<Function>,
    pub refresh_body: Option<Function>,
    pub on_session_expired: Option<Function>,
    pub on_change: Option<Function>,
}

/// A store backed by `{ get(key), set(key, value), remove(key) }` (synchronous), holding the
/// tokens as one JSON string under `key`: the app's own, or one of the built-in web stores
/// (`localStorage`, `sessionStorage`, cookies), which `stores.js` implements on the platform.
struct JsStore {
    target: JsValue,
    key: String,
    /// A built-in store: its errors are already clear (`localStorage is not available here`),
    /// `set` also gets the access token's JWT `exp` (a cookie's `Max-Age` stops there; the
    /// app's store never sees it).
    builtin: bool,
    /// The name the origin's tabs share the store under (`localStorage:<key>`, `cookie:<key>`).
    shared: Option<String>,
}

#[wasm_bindgen(module = "/src/js/store.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = storeCall)]
    fn store_call(
        store: &JsValue,
        builtin: bool,
        method: &str,
        key: &str,
        value: &str,
        exp: f64,
    ) -> core::result::Result<Option<String>, JsValue>;
}

impl JsStore {
    /// `get`, `set` or `remove` on the store (see `store.js`); `value` and `exp` for `set`.
    fn call(&self, method: &str, value: &str, exp: f64) -> Result<Option<String>> {
        store_call(&self.target, self.builtin, method, &self.key, value, exp)
            .map_err(|e| Error::new(Kind::Storage, crate::rt::fetch::js_message(&e)))
    }
}

impl TokenStore for JsStore {
    fn shared_name(&self) -> Option<String> {
        self.shared.clone()
    }
    fn get(&self) -> Result<Option<Tokens>> {
        let value = self.call("get", "", f64::NAN)?;
        Ok(value.as_deref().and_then(crate::auth::tokens_from_json))
    }
    fn set(&self, tokens: &Tokens) -> Result<()> {
        let json = crate::auth::tokens_to_json(tokens);
        self.call("set", &json, tokens.expires_at().unwrap_or(f64::NAN))
            .map(drop)
    }
    fn clear(&self) -> Result<()> {
        self.call("remove", "", f64::NAN).map(drop)
    }
}

fn store(s: &Section, storage: Option<Object>) -> Result<Rc<dyn TokenStore>> {
    let key = s.str("storageKey")?.unwrap_or("tokenfetch");
    let kind = s.str("storage")?.unwrap_or("memory");
    // sessionStorage is the tab's own; localStorage and cookies are the origin's.
    let shared = match kind {
        "memory" => return Ok(Rc::new(MemoryStore::new())),
        "localStorage" | "cookie" => Some(concat(&[kind, ":", key])),
        "sessionStorage" | "custom" => None,
        _ => return Err(bad_option("auth.storage", "is not a known storage")),
    };
    let target = storage.ok_or_else(|| bad_option("auth.storage", "needs get, set and remove"))?;
    Ok(Rc::new(JsStore {
        target: target.into(),
        key: key.to_string(),
        builtin: kind != "custom",
        shared,
    }))
}

fn refresh_endpoint(value: &Value, body: Option<Function>) -> Result<RefreshEndpoint> {
    let s = Section::new("auth.refresh", Some(value));
    let url = s
        .str("url")?
        .ok_or_else(|| bad_option("auth.refresh.url", "is required"))?;
    // Set in place (the by-value setters cost more wasm).
    let mut endpoint = RefreshEndpoint::new(url);
    if let Some(method) = s.str("method")? {
        endpoint.method = crate::Method::from_str(method)?;
    }
    if let Some(field) = s.str("accessTokenField")? {
        endpoint.access_field = field.to_string();
    }
    if let Some(field) = s.str("refreshTokenField")? {
        endpoint.refresh_field = field.to_string();
    }
    if let Some(on) = s.bool("withCredentials")? {
        endpoint.cookie = on;
    }
    if let Some(body) = body {
        endpoint.body_fn = Some(Rc::new(move |token: &str| {
            let value = body
                .call1(&JsValue::NULL, &JsValue::from_str(token))
                .map_err(|e| from_js(&e, "auth.refresh.body threw"))?;
            if value.is_instance_of::<js_sys::Promise>() {
                return Err(Error::new(
                    Kind::Body,
                    "auth.refresh.body must return JSON data, not a Promise",
                ));
            }
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| Error::new(Kind::Body, "auth.refresh.body must return JSON data"))
        }));
    }
    Ok(endpoint)
}

fn field(value: &JsValue, name: &str) -> Option<String> {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// The app's refresh function: `({ refreshToken }) => { accessToken, refreshToken? }`, sync or
/// async.
fn refresh_with(config: AuthConfig, f: Function) -> AuthConfig {
    config.refresh_with(async move |refresh_token: String| -> Result<Tokens> {
        let arg = Object::new();
        let _ = Reflect::set(
            &arg,
            &"refreshToken".into(),
            &JsValue::from_str(&refresh_token),
        );
        let returned = f
            .call1(&JsValue::NULL, &arg)
            .map_err(|e| from_js(&e, "auth.refresh threw"))?;
        let value = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&returned))
            .await
            .map_err(|e| from_js(&e, "auth.refresh rejected"))?;
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
    })
}

/// The `auth` option.
pub(super) fn auth_config(value: &Value, hooks: Hooks) -> Result<AuthConfig> {
    let s = Section::new("auth", Some(value));
    // Set in place (the by-value setters cost more wasm); the values are checked here.
    let mut config = AuthConfig::new();
    config.store = store(&s, hooks.storage)?;
    if let Some(header) = s.str("header")? {
        config.header = header.to_string();
    }
    if let Some(scheme) = s.str("scheme")? {
        config.scheme = scheme.to_string();
    }
    if let Some(statuses) = s.statuses("statusCodes")? {
        config.statuses = statuses;
    }
    match s.get("refreshBeforeExpiry") {
        Some(v) if v.as_bool() == Some(false) => config.skew = None,
        Some(_) => {
            let secs = s.number(
                "refreshBeforeExpiry",
                0.0,
                super::config::MAX_MS / 1000.0,
                false,
            )?;
            config.skew = secs.map(crate::rt::time::saturating_secs);
        }
        None => {}
    }
    if let Some(origins) = s.strings("allowedOrigins")? {
        config.allowed_origins = Some(origins.iter().map(|o| o.to_string()).collect());
    }
    if let Some(on) = s.bool("crossTab")? {
        config.cross_tab = on;
    }
    if let Some(callback) = hooks.on_change {
        config.on_change = Some(Rc::new(move |change: SessionChange| {
            let _ = callback.call1(&JsValue::NULL, &JsValue::from_str(change.as_str()));
        }));
    }
    if let Some(callback) = hooks.on_session_expired {
        config.on_session_expired = Some(Rc::new(move |error: &Error| {
            let _ = callback.call1(&JsValue::NULL, &to_js(error));
        }));
    }
    match (s.get("refresh"), hooks.refresh) {
        (_, Some(f)) => config = refresh_with(config, f),
        (Some(endpoint), None) => {
            let timeout = Section::new("auth.refresh", Some(endpoint)).number(
                "timeout",
                1.0,
                super::config::MAX_MS,
                false,
            )?;
            if let Some(ms) = timeout {
                config.refresh_timeout = super::config::millis(ms);
            }
            config = config.refresh_endpoint(refresh_endpoint(endpoint, hooks.refresh_body)?);
        }
        (None, None) => {}
    }
    Ok(config)
}
