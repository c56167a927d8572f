//! Browser token stores: `localStorage`, `sessionStorage` and `document.cookie`.
//!
//! Everything is reached through `globalThis` with `Reflect`, so a missing API (a worker has no
//! `localStorage` or `document`) or one that throws (storage disabled, Safari private mode,
//! sandboxed iframe, quota exceeded) is a [`Kind::Storage`] error, never a panic.

use crate::prelude::*;

use core::time::Duration;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};

use super::store::TokenStore;
use super::tokens::{from_json, to_json, Tokens};
use crate::error::{Error, Kind, Result};
use crate::text::{concat, push_number};

fn storage_error(what: &str, value: &JsValue) -> Error {
    Error::new(
        Kind::Storage,
        concat(&[what, ": ", &crate::rt::fetch::js_message(value)]),
    )
}

fn global(name: &str) -> Result<JsValue> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .map_err(|e| storage_error(&concat(&[name, " is blocked"]), &e))?;
    if value.is_undefined() || value.is_null() {
        return Err(Error::new(
            Kind::Storage,
            concat(&[name, " is not available here"]),
        ));
    }
    Ok(value)
}

/// Which Web Storage area a [`WebStorageStore`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageArea {
    /// `localStorage`: shared by the origin's tabs, survives restarts.
    Local,
    /// `sessionStorage`: this tab only, gone when it closes.
    Session,
}

/// Tokens as one JSON value under one key of `localStorage` or `sessionStorage`.
#[derive(Clone, Debug)]
pub struct WebStorageStore {
    area: StorageArea,
    key: String,
}

impl WebStorageStore {
    /// A store under `key` (e.g. `"tokenfetch"`) in `localStorage`.
    pub fn local(key: &str) -> Self {
        WebStorageStore {
            area: StorageArea::Local,
            key: key.to_string(),
        }
    }

    /// A store under `key` in `sessionStorage`.
    pub fn session(key: &str) -> Self {
        WebStorageStore {
            area: StorageArea::Session,
            key: key.to_string(),
        }
    }

    fn storage(&self) -> Result<web_sys::Storage> {
        let name = match self.area {
            StorageArea::Local => "localStorage",
            StorageArea::Session => "sessionStorage",
        };
        global(name)?
            .dyn_into()
            .map_err(|_| Error::new(Kind::Storage, concat(&[name, " is not a Storage"])))
    }
}

impl TokenStore for WebStorageStore {
    fn shared_name(&self) -> Option<String> {
        // sessionStorage is per tab; localStorage is the origin's.
        (self.area == StorageArea::Local).then(|| concat(&["localStorage:", &self.key]))
    }

    fn get(&self) -> Result<Option<Tokens>> {
        let item = self
            .storage()?
            .get_item(&self.key)
            .map_err(|e| storage_error("reading tokens failed", &e))?;
        Ok(item.as_deref().and_then(from_json))
    }

    fn set(&self, tokens: &Tokens) -> Result<()> {
        let storage = self.storage()?;
        let json = to_json(tokens);
        storage
            .set_item(&self.key, &json)
            .map_err(|e| storage_error("storing tokens failed", &e))?;
        // Read back: a write that did not stick is an error, never a silent loss.
        match storage.get_item(&self.key) {
            Ok(Some(back)) if back == json => Ok(()),
            _ => Err(Error::new(
                Kind::Storage,
                "storing tokens failed: the value read back differs",
            )),
        }
    }

    fn clear(&self) -> Result<()> {
        self.storage()?
            .remove_item(&self.key)
            .map_err(|e| storage_error("clearing tokens failed", &e))
    }
}

/// The `SameSite` attribute of the token cookies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SameSite {
    /// Never sent on cross-site requests (the default).
    #[default]
    Strict,
    /// Sent on top-level navigations from other sites.
    Lax,
    /// Always sent (requires `Secure`).
    None,
}

/// Tokens in two script-readable cookies, `<name>.at` (access) and `<name>.rt` (refresh).
///
/// Defaults: `Path=/`, `SameSite=Strict`, `Secure` and the `__Host-` name prefix when the page
/// is served over https. The access cookie's `Max-Age` never outlives the token's JWT `exp`.
/// `HttpOnly` cannot be set from script; asking for it is a configuration error (use a
/// server-set cookie and [`Credentials::Include`](crate::Credentials::Include) instead).
#[derive(Clone, Debug)]
pub struct CookieStore {
    name: String,
    path: String,
    domain: Option<String>,
    same_site: SameSite,
    secure: Option<bool>,
    max_age: Option<Duration>,
}

impl CookieStore {
    /// Cookies named after `name` (letters, digits, `-`, `_`, `.` only).
    pub fn new(name: &str) -> Result<Self> {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            return Err(Error::new(
                Kind::Builder,
                "cookie name must be letters, digits, '-', '_' or '.'",
            ));
        }
        Ok(CookieStore {
            name: name.to_string(),
            path: "/".into(),
            domain: None,
            same_site: SameSite::Strict,
            secure: None,
            max_age: None,
        })
    }

    /// The cookies' `Path` (default `/`).
    pub fn path(mut self, path: &str) -> Result<Self> {
        if !path.starts_with('/') || crate::text::has_any(path, b"; ,\r\n") {
            return Err(Error::new(
                Kind::Builder,
                "cookie path must start with / and contain no ; , or spaces",
            ));
        }
        self.path = path.to_string();
        Ok(self)
    }

    /// The cookies' `Domain` (default: none, i.e. this host only).
    pub fn domain(mut self, domain: &str) -> Result<Self> {
        if domain.is_empty() || crate::text::has_any(domain, b"; ,\r\n/") {
            return Err(Error::new(Kind::Builder, "invalid cookie domain"));
        }
        self.domain = Some(domain.to_string());
        Ok(self)
    }

    /// The `SameSite` attribute (default `Strict`).
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// Force `Secure` on or off (default: on exactly when the page is https).
    pub fn secure(mut self, secure: bool) -> Self {
        self.secure = Some(secure);
        self
    }

    /// Upper bound on both cookies' lifetime (default: browser session for the refresh cookie;
    /// the access cookie always stops at the token's `exp`).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Always an error: script cannot create `HttpOnly` cookies.
    pub fn http_only(self) -> Result<Self> {
        Err(Error::new(
            Kind::Builder,
            "HttpOnly cookies cannot be set from JavaScript; let the server set them",
        ))
    }

    fn document() -> Result<JsValue> {
        global("document")
    }

    fn is_https() -> bool {
        global("location")
            .ok()
            .and_then(|l| Reflect::get(&l, &JsValue::from_str("protocol")).ok())
            .and_then(|p| p.as_string())
            .is_some_and(|p| p == "https:")
    }

    fn secure_now(&self) -> bool {
        self.secure.unwrap_or_else(Self::is_https) || self.same_site == SameSite::None
    }

    fn full_name(&self, suffix: &str) -> String {
        let host_prefix = self.secure_now() && self.domain.is_none() && self.path == "/";
        concat(&[
            if host_prefix { "__Host-" } else { "" },
            &self.name,
            ".",
            suffix,
        ])
    }

    fn read_all() -> Result<String> {
        Reflect::get(&Self::document()?, &JsValue::from_str("cookie"))
            .map_err(|e| storage_error("reading cookies failed", &e))
            .map(|v| v.as_string().unwrap_or_default())
    }

    fn read(&self, suffix: &str) -> Result<Option<String>> {
        let name = self.full_name(suffix);
        Ok(
            crate::text::split_byte(&Self::read_all()?, b';').find_map(|pair| {
                let (k, v) = crate::text::split_once_byte(pair.trim(), b'=')?;
                (k == name).then(|| decode(v)).flatten()
            }),
        )
    }

    fn write(&self, suffix: &str, value: &str, max_age: Option<u64>) -> Result<()> {
        let mut cookie = concat(&[
            &self.full_name(suffix),
            "=",
            &encode(value),
            "; Path=",
            &self.path,
        ]);
        if let Some(domain) = &self.domain {
            cookie.push_str("; Domain=");
            cookie.push_str(domain);
        }
        if let Some(secs) = max_age {
            cookie.push_str("; Max-Age=");
            push_number(&mut cookie, secs);
        }
        cookie.push_str(match self.same_site {
            SameSite::Strict => "; SameSite=Strict",
            SameSite::Lax => "; SameSite=Lax",
            SameSite::None => "; SameSite=None",
        });
        if self.secure_now() {
            cookie.push_str("; Secure");
        }
        Reflect::set(
            &Self::document()?,
            &JsValue::from_str("cookie"),
            &JsValue::from_str(&cookie),
        )
        .map_err(|e| storage_error("writing a cookie failed", &e))?;
        // Read back: browsers drop a cookie they refuse without a word (over ~4 KB, a
        // `__Host-`/`__Secure-` name without https); the tokens would be lost and every
        // request would refresh.
        if max_age == Some(0) || self.read(suffix)?.as_deref() == Some(value) {
            return Ok(());
        }
        let name = self.full_name(suffix);
        let prefixed = name.starts_with("__Host-") || name.starts_with("__Secure-");
        Err(Error::new(
            Kind::Storage,
            concat(&[
                "the cookie ",
                &name,
                " was not stored: ",
                if prefixed && !Self::is_https() {
                    "a __Host- or __Secure- name needs https"
                } else if name.len() + encode(value).len() >= 4096 {
                    "browsers keep at most 4096 bytes per cookie (use WebStorageStore for tokens this large)"
                } else {
                    "the browser refused it (cookies blocked, or a Domain or Path it does not allow?)"
                },
            ]),
        ))
    }
}

/// Percent-encode everything but the characters a cookie value may hold unquoted.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let keep = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
    };
    crate::text::percent_encode(value, &mut out, keep, false);
    out
}

fn decode(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = core::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl TokenStore for CookieStore {
    fn shared_name(&self) -> Option<String> {
        Some(concat(&["cookie:", &self.name]))
    }

    fn get(&self) -> Result<Option<Tokens>> {
        let tokens = Tokens {
            access_token: self.read("at")?,
            refresh_token: self.read("rt")?,
            // The access cookie's Max-Age stops at the expiry: an expired one is gone.
            expires_at: None,
        };
        Ok(tokens.validate().ok().map(|()| tokens))
    }

    fn set(&self, tokens: &Tokens) -> Result<()> {
        let cap = self.max_age.map(|d| d.as_secs());
        let until_exp = tokens.expires_at().map(|exp| {
            crate::float::ceil((exp - crate::rt::time::now_ms() / 1000.0).max(0.0)) as u64
        });
        let access_age = match (cap, until_exp) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match &tokens.access_token {
            Some(access) => self.write("at", access, access_age)?,
            None => self.write("at", "", Some(0))?,
        }
        match &tokens.refresh_token {
            Some(refresh) => self.write("rt", refresh, cap),
            None => self.write("rt", "", Some(0)),
        }
    }

    fn clear(&self) -> Result<()> {
        self.write("at", "", Some(0))?;
        self.write("rt", "", Some(0))
    }
}
