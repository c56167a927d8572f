//! The `auth` option: a token store (a built-in one by name, or the app's `{ get, set, remove }`),
//! the refresh endpoint or function, and the session-expired callback. The names and types were
//! checked by `options.js`; the values arrive in fixed places (`config.rs`), the functions as
//! hooks beside them.

use crate::prelude::*;

use alloc::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::config::{bad_option, millis, n, s, string, Nums, MAX_MS};
use super::errors::{from_js, to_js};
use crate::auth::{
    AuthConfig, MemoryStore, RefreshEndpoint, RefreshTokenIn, SessionChange, TokenStore, Tokens,
};
use crate::error::{Error, Kind, Result};
use crate::text::concat;

/// The JS functions that go with the `auth` option.
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
    /// The last value read and what it parsed to: the store is read before every request, and
    /// the same value is not parsed again (three `JSON.parse`s, for a value up to 140,000
    /// characters another script may have planted).
    last: core::cell::RefCell<Option<(String, Option<Tokens>)>>,
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
        let Some(value) = self.call("get", "", f64::NAN)? else {
            return Ok(None);
        };
        let mut last = self.last.borrow_mut();
        match &*last {
            Some((seen, tokens)) if *seen == value => Ok(tokens.clone()),
            _ => {
                let tokens = crate::auth::tokens_from_json(&value);
                *last = Some((value, tokens.clone()));
                Ok(tokens)
            }
        }
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

/// The store numbered `kind` (`config::n::STORAGE`: 0 memory, 1 `localStorage`,
/// 2 `sessionStorage`, 3 cookie, 4 the app's own `storage` hook).
fn store(kind: u8, key: Option<String>, storage: Option<Object>) -> Result<Rc<dyn TokenStore>> {
    let key = key.unwrap_or_else(|| "tokenfetch".to_string());
    // sessionStorage is the tab's own; localStorage and cookies are the origin's.
    let shared = match kind {
        0 => return Ok(Rc::new(MemoryStore::new())),
        1 => Some(concat(&["localStorage:", &key])),
        3 => Some(concat(&["cookie:", &key])),
        _ => None,
    };
    let target = storage.ok_or_else(|| bad_option("auth.storage", "needs get, set and remove"))?;
    Ok(Rc::new(JsStore {
        last: Default::default(),
        target: target.into(),
        key,
        builtin: kind != 4,
        shared,
    }))
}

fn refresh_endpoint(
    url: String,
    strs: &[JsValue],
    v: Nums,
    body: Option<Function>,
) -> RefreshEndpoint {
    // Set in place (the by-value setters cost more wasm).
    let mut endpoint = RefreshEndpoint::new(&url);
    if let Some(field) = string(strs, s::ACCESS_FIELD) {
        endpoint.access_field = field;
    }
    if let Some(field) = string(strs, s::REFRESH_FIELD) {
        endpoint.refresh_field = field;
    }
    if let Some(on) = v.flag(n::REFRESH_WITH_CREDENTIALS) {
        endpoint.cookie = on;
    }
    endpoint.client_id = string(strs, s::CLIENT_ID);
    endpoint.scope = string(strs, s::SCOPE);
    // An OAuth form when asked, or by default with a `clientId` (options.js decided).
    if v.flag(n::REFRESH_FORMAT) == Some(true) {
        endpoint.send_as = RefreshTokenIn::Form("refresh_token".into());
    }
    if let Some(body) = body {
        // options.js wraps the app's function: it returns `[kind, body]` — 0 JSON text, 1 form
        // text, 2 a `FormData` — or throws (a Promise, or a value that cannot be sent).
        endpoint.body_fn = Some(Rc::new(move |token: &str| {
            let out = body
                .call1(&JsValue::NULL, &JsValue::from_str(token))
                .map_err(|e| {
                    Error::new(
                        Kind::Builder,
                        concat(&["auth.refresh.body: ", &crate::rt::fetch::js_message(&e)]),
                    )
                })?;
            let kind = Reflect::get_u32(&out, 0)
                .ok()
                .and_then(|k| k.as_f64())
                .map(|k| k as u8);
            let value = Reflect::get_u32(&out, 1).unwrap_or_default();
            let text = || value.as_string().map(crate::Body::from);
            let sent = match kind {
                Some(0) => text().map(|b| (b, Some("application/json"))),
                Some(1) => text().map(|b| (b, Some("application/x-www-form-urlencoded"))),
                _ => value
                    .dyn_into()
                    .ok()
                    .map(|f| (crate::Body::form_data(f), None)),
            };
            sent.ok_or_else(|| {
                Error::new(
                    Kind::Builder,
                    "auth.refresh.body returned nothing that can be sent",
                )
            })
        }));
    }
    endpoint
}

/// The longest token a refresh function may return (UTF-16 units): anything larger is garbage
/// and is not copied into wasm memory.
const MAX_TOKEN: u32 = 64 * 1024;

fn field(value: &JsValue, name: &str) -> Option<String> {
    Reflect::get(value, &name.into())
        .ok()
        .filter(|v| {
            v.dyn_ref::<js_sys::JsString>()
                .is_some_and(|s| s.length() <= MAX_TOKEN)
        })
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
        let value = crate::rt::promise::wait(&js_sys::Promise::resolve(&returned))
            .await
            .map_err(|e| from_js(&e, "auth.refresh rejected"))?;
        let access = field(&value, "accessToken").ok_or_else(|| {
            Error::new(
                Kind::Decode,
                "auth.refresh must return { accessToken, refreshToken }",
            )
        })?;
        let mut tokens = Tokens::new(
            access,
            field(&value, "refreshToken").or(Some(refresh_token)),
        );
        // Seconds (OAuth's `expires_in`), or seconds since the epoch; checked as every number.
        let number = |name: &str| {
            Reflect::get(&value, &name.into())
                .ok()
                .and_then(|v| v.as_f64())
        };
        if let Some(seconds) = number("expiresIn") {
            tokens = tokens.expiring_in(seconds);
        } else if let Some(at) = number("expiresAt").filter(|at| (0.0..1e11).contains(at)) {
            tokens.expires_at = Some(at);
        }
        Ok(tokens)
    })
}

/// The `auth` option (its places in `nums` and `strs`: `config::n`, `config::s`).
pub(super) fn auth_config(v: Nums, strs: &[JsValue], hooks: Hooks) -> Result<AuthConfig> {
    // Set in place (the by-value setters cost more wasm); the values are checked here.
    let mut config = AuthConfig::new();
    let kind = v
        .number(n::STORAGE, "auth.storage", 0.0, 4.0, true)?
        .unwrap_or(0.0);
    config.store = store(kind as u8, string(strs, s::STORAGE_KEY), hooks.storage)?;
    if let Some(header) = string(strs, s::HEADER) {
        config.header = header;
    }
    if let Some(scheme) = string(strs, s::SCHEME) {
        config.scheme = scheme;
    }
    let mut at = n::AUTH_STATUSES + 1;
    if let Some(statuses) = v.statuses(n::AUTH_STATUSES, &mut at, "auth.statusCodes")? {
        config.statuses = statuses;
    }
    if v.get(n::REFRESH_BEFORE_EXPIRY) == Some(-1.0) {
        config.skew = None;
    } else if let Some(secs) = v.number(
        n::REFRESH_BEFORE_EXPIRY,
        "auth.refreshBeforeExpiry",
        0.0,
        MAX_MS / 1000.0,
        false,
    )? {
        config.skew = Some(crate::rt::time::saturating_secs(secs));
    }
    if let Some(origins) = string(strs, s::ALLOWED_ORIGINS) {
        config.allowed_origins = Some(
            crate::text::split_byte(&origins, b'\n')
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect(),
        );
    }
    if let Some(on) = v.flag(n::CROSS_TAB) {
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
    match (string(strs, s::REFRESH_URL), hooks.refresh) {
        (_, Some(f)) => config = refresh_with(config, f),
        (Some(url), None) => {
            if let Some(ms) = v.number(
                n::REFRESH_TIMEOUT,
                "auth.refresh.timeout",
                1.0,
                MAX_MS,
                false,
            )? {
                config.refresh_timeout = millis(ms);
            }
            // The method (which can be refused) is set here: with it inside, as a `Result`,
            // `refresh_endpoint` is 135 B gzip bigger.
            let mut endpoint = refresh_endpoint(url, strs, v, hooks.refresh_body);
            if let Some(method) = string(strs, s::REFRESH_METHOD) {
                endpoint.method = crate::Method::from_str(&method)?;
            }
            let lines = string(strs, s::REFRESH_HEADERS).unwrap_or_default();
            let mut lines = crate::text::split_byte(&lines, b'\n');
            while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
                endpoint.headers.insert_sensitive(name, value)?;
            }
            config = config.refresh_endpoint(endpoint);
        }
        (None, None) => {}
    }
    if let Some(url) = string(strs, s::REVOKE_URL) {
        config.revoke = Some((url, string(strs, s::REVOKE_CLIENT_ID)));
    }
    Ok(config)
}
