//! The engine's face for the npm package (feature `js`). `pkg-template/tokenfetch.js` owns the
//! JavaScript API — options and their validation, config merging, interceptors, bodies and
//! queries, the response object, events, the error class — and calls in here once per request.
//!
//! Nothing JavaScript hands over can make the engine panic: the configuration arrives in fixed
//! places (`config.rs`) and is checked again here (every number range-checked), values of the
//! wrong type are refused, and every failure comes back as `[code, message, status]` for
//! `TokenfetchError`.

use crate::prelude::*;

mod auth;
mod config;
mod errors;
mod events;
mod send;

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

use self::config::{n, s, string, Nums};
use self::errors::to_js;
use crate::auth::Tokens;
use crate::error::{Error, Kind, Result};
use crate::rt::cancel::CancelHandle;
use crate::rt::promise::promise;
use crate::{Client, Credentials};

/// `Engine::auth` operations (`client.js` names them the same).
const SET_TOKENS: u8 = 0;
const GET_TOKENS: u8 = 1;
const CLEAR: u8 = 2;
const LOGOUT: u8 = 3;
const REFRESH: u8 = 4;
const IS_REFRESHING: u8 = 5;

/// One client's engine (made by `createClient` in `tokenfetch.js`). Freed by `api.close()`
/// (`free()`) or, once the client is unreachable, by wasm-bindgen's `FinalizationRegistry`;
/// dropping it cancels its requests in flight (see [`Drop`](#impl-Drop-for-Engine)).
#[wasm_bindgen]
pub struct Engine {
    client: Client,
    /// Canceled when the engine is dropped: the parent of every request's cancel handle.
    closed: CancelHandle,
    /// True while JS has event listeners; no event crosses the boundary otherwise.
    listening: Rc<Cell<bool>>,
    /// True while the logger (`log.js`) listens: only then do events carry headers and bodies.
    details: Rc<Cell<bool>>,
}

fn hook<T: JsCast>(hooks: &JsValue, name: &str) -> Option<T> {
    Reflect::get(hooks, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.dyn_into::<T>().ok())
}

fn build(nums: &[f64], strs: &[JsValue], retry: &[f64], hooks: &JsValue) -> Result<Engine> {
    let v = Nums(nums);
    let listening = Rc::new(Cell::new(false));
    let details = Rc::new(Cell::new(false));
    // Set in place (the by-value setters cost more wasm); every value is checked here.
    let mut b = Client::builder();
    if let Some(sink) = hook::<Function>(hooks, "onEvent") {
        let listener: crate::events::Listener = Rc::new(events::bridge(sink, details.clone()));
        b.listeners.push((listener, Some(listening.clone())));
    }
    b.base = string(strs, s::BASE_URL);
    b.timeout = v.millis(n::TIMEOUT, "timeout")?.filter(|t| !t.is_zero());
    let headers = string(strs, s::HEADERS).unwrap_or_default();
    let mut lines = crate::text::split_byte(&headers, b'\n');
    while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
        b.default_headers.insert(name, value)?;
    }
    if v.flag(n::WITH_CREDENTIALS) == Some(true) {
        b.credentials = Credentials::Include;
    }
    // The engine's order: auth, dedupe, retry, rate limit (the logger is a listener of the
    // events, in `log.js`).
    if v.get(n::STORAGE).is_some() {
        let hooks = auth::Hooks {
            storage: hook::<Object>(hooks, "storage"),
            refresh: hook::<Function>(hooks, "refresh"),
            refresh_body: hook::<Function>(hooks, "refreshBody"),
            on_session_expired: hook::<Function>(hooks, "onSessionExpired"),
            on_change: hook::<Function>(hooks, "onChange"),
        };
        b.auth = Some((0, auth::auth_config(v, strs, hooks)?));
    }
    let dedupe = crate::middleware::Dedupe::new(v.flag(n::DEDUPE).unwrap_or(false));
    let policy = config::retry_policy(retry, string(strs, s::RETRY_METHODS).as_deref())?;
    b.middleware.push(Rc::new(dedupe));
    b.middleware
        .push(Rc::new(crate::Retry::new(policy.unwrap_or_default())));
    if let Some(limit) = config::rate_limit(v)? {
        b.middleware.push(Rc::new(limit));
    }
    Ok(Engine {
        client: b.build()?,
        closed: CancelHandle::new(),
        listening,
        details,
    })
}

impl Drop for Engine {
    /// The client is closed or collected: its requests in flight reject with `ERR_CANCELED`
    /// and let go of the client, a refresh in flight stops, the other tabs' channel closes —
    /// at once, not when each would have ended.
    fn drop(&mut self) {
        self.closed.cancel();
        if let Some(auth) = self.client.auth() {
            auth.close();
        }
    }
}

fn no_auth() -> JsValue {
    to_js(&Error::new(
        Kind::Builder,
        "this client was created without the `auth` option",
    ))
}

#[wasm_bindgen]
impl Engine {
    /// A client from the options in fixed places (see `config.rs`: `nums`, `strs`, the
    /// `retry` policy) and `hooks` (`onEvent`, and the auth functions: `storage`, `refresh`,
    /// `refreshBody`, `onSessionExpired`, `onChange`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        nums: &[f64],
        strs: Box<[JsValue]>,
        retry: &[f64],
        hooks: JsValue,
    ) -> core::result::Result<Engine, JsValue> {
        build(nums, &strs, retry, &hooks).map_err(|e| to_js(&e))
    }

    /// Send one request (see `send.rs` for the arguments). Resolves with
    /// `[status, statusText, headerLines, data]`, rejects with `[code, message, status]`.
    #[allow(clippy::too_many_arguments)]
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &str,
        body: JsValue,
        body_kind: u8,
        timeout: f64,
        flags: u32,
        retry: &[f64],
        retry_methods: Option<String>,
        signal: Option<web_sys::AbortSignal>,
        read: u8,
        max_body: f64,
        on_progress: JsValue,
        on_upload: JsValue,
    ) -> Promise {
        let args = send::Args {
            method,
            url,
            headers,
            body,
            body_kind,
            timeout,
            flags,
            retry,
            retry_methods,
            signal,
            read,
            max_body,
            on_progress,
            on_upload,
        };
        send::send(&self.client, args, &self.closed)
    }

    /// Whether JS listens to the events (delivered only then): 0 no, 1 yes (`api.on`), 2 yes
    /// and the logger too (the `sent` and `response` events then carry headers and the body).
    pub fn listen(&self, mode: u8) {
        self.listening.set(mode > 0);
        self.details.set(mode > 1);
    }

    /// The `api.auth` operations in one export (one shim, not six): `op` is
    /// [`SET_TOKENS`] (`access`, `refresh`: `null` for a missing one; `expires_at`: seconds since
    /// the epoch, `NaN` for unknown), [`GET_TOKENS`] (`[access, refresh, expiresAt]`, each
    /// `null` when missing, or `null` when there are none),
    /// [`CLEAR`], [`LOGOUT`] (clear and cancel every request in flight or waiting), [`REFRESH`]
    /// (a `Promise`; joins a refresh in flight) or [`IS_REFRESHING`]. Without the `auth`
    /// option every one but `IS_REFRESHING` throws `ERR_BAD_OPTION`.
    pub fn auth(
        &self,
        op: u8,
        access: Option<String>,
        refresh: Option<String>,
        expires_at: f64,
    ) -> core::result::Result<JsValue, JsValue> {
        let Some(auth) = self.client.auth() else {
            return match op {
                IS_REFRESHING => Ok(JsValue::FALSE),
                _ => Err(no_auth()),
            };
        };
        let done = |r: Result<()>| r.map(|()| JsValue::UNDEFINED).map_err(|e| to_js(&e));
        match op {
            SET_TOKENS => done(auth.set_tokens(Tokens {
                access_token: access,
                refresh_token: refresh,
                // Checked by client.js; NaN (unknown) and anything odd stay unknown.
                expires_at: (expires_at >= 0.0 && expires_at.is_finite()).then_some(expires_at),
            })),
            GET_TOKENS => {
                let opt = |v: Option<String>| v.map_or(JsValue::NULL, |s| JsValue::from_str(&s));
                Ok(match auth.tokens().map_err(|e| to_js(&e))? {
                    None => JsValue::NULL,
                    Some(t) => js_sys::Array::of3(
                        &opt(t.access_token),
                        &opt(t.refresh_token),
                        &t.expires_at.map_or(JsValue::NULL, JsValue::from),
                    )
                    .into(),
                })
            }
            CLEAR => done(auth.clear()),
            LOGOUT => done(auth.logout()),
            REFRESH => {
                let auth = auth.clone();
                Ok(promise(async move {
                    auth.refresh().await.map_err(|e| to_js(&e))?;
                    Ok(JsValue::UNDEFINED)
                })
                .into())
            }
            _ => Ok(JsValue::from(auth.is_refreshing())),
        }
    }
}
