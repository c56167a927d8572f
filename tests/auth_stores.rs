//! Token stores in the browser: round trips, cookie attributes, corrupt values, session expiry
//! clearing every backend, and secrets kept out of `Debug`/`Display`.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::*;
use futures::future::join_all;
use serde_json::json;
use tokenfetch::auth::{CookieStore, MemoryStore, TokenStore, WebStorageStore};
use tokenfetch::{AuthConfig, Client, Tokens};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn unique(name: &str) -> String {
    format!("{name}{}", (js_sys::Math::random() * 1e9) as u64)
}

/// Refresh refused with 20 requests waiting: all fail `SessionExpired`, the callback runs once,
/// and the store — and the browser storage behind it — is empty.
async fn session_expiry_empties<S: TokenStore>(store: S, raw_is_empty: impl Fn() -> bool) {
    let base = tenant("expiry");
    configure(
        &base,
        json!({"refresh_fail": "invalid_grant", "refresh_delay_ms": 200}),
    )
    .await;
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let client = auth_client(
        &base,
        AuthConfig::new()
            .store(store)
            .on_session_expired(move |_| seen.set(seen.get() + 1)),
    )
    .await;
    assert!(!raw_is_empty(), "tokens did not reach the browser storage");
    expire(&base).await;
    let results = join_all((0..20).map(|_| client.get("/api/items").send())).await;
    for res in results {
        let err = res.unwrap_err();
        assert!(err.is_session_expired(), "{err}");
    }
    assert_eq!(calls.get(), 1);
    assert_eq!(client.auth().unwrap().tokens().unwrap(), None);
    assert!(raw_is_empty(), "browser storage still holds tokens");
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
}

#[wasm_bindgen_test]
async fn session_expiry_empties_the_memory_store() {
    let store = Rc::new(MemoryStore::new());
    let probe = store.clone();
    session_expiry_empties(store, move || probe.get().unwrap().is_none()).await;
}

#[wasm_bindgen_test]
async fn session_expiry_empties_local_storage() {
    let key = unique("tf-local-");
    let probe = format!("return localStorage.getItem('{key}') === null;");
    session_expiry_empties(WebStorageStore::local(&key), move || {
        js(&probe).as_bool().unwrap()
    })
    .await;
}

#[wasm_bindgen_test]
async fn session_expiry_empties_session_storage() {
    let key = unique("tf-session-");
    let probe = format!("return sessionStorage.getItem('{key}') === null;");
    session_expiry_empties(WebStorageStore::session(&key), move || {
        js(&probe).as_bool().unwrap()
    })
    .await;
}

#[wasm_bindgen_test]
async fn session_expiry_empties_the_cookies() {
    let name = unique("tf-cookie-");
    let probe = format!("return !document.cookie.includes('{name}.');");
    session_expiry_empties(CookieStore::new(&name).unwrap(), move || {
        js(&probe).as_bool().unwrap()
    })
    .await;
}

#[wasm_bindgen_test]
async fn every_store_round_trips_tokens() {
    let pair = Tokens::new("a.b.c", Some("r;e=f,r%x y".into()));
    let stores: Vec<Box<dyn TokenStore>> = vec![
        Box::new(MemoryStore::new()),
        Box::new(WebStorageStore::local(&unique("rt-l-"))),
        Box::new(WebStorageStore::session(&unique("rt-s-"))),
        Box::new(CookieStore::new(&unique("rt-c-")).unwrap()),
    ];
    for store in stores {
        assert_eq!(store.get().unwrap(), None);
        store.set(&pair).unwrap();
        assert_eq!(store.get().unwrap(), Some(pair.clone()));
        store.set(&Tokens::refresh_only("only-refresh")).unwrap();
        assert_eq!(
            store.get().unwrap(),
            Some(Tokens::refresh_only("only-refresh"))
        );
        store.clear().unwrap();
        assert_eq!(store.get().unwrap(), None);
    }
}

#[wasm_bindgen_test]
async fn cookie_attributes_read_back() {
    let name = unique("attrs-");
    let base = tenant("cookie");
    let pair = tokens(&base, Some(120)).await;
    let exp = pair.expires_at().unwrap();
    CookieStore::new(&name).unwrap().set(&pair).unwrap();
    // The Cookie Store API shows what document.cookie hides: path, SameSite, expiry.
    let promise: js_sys::Promise = js(&format!("return cookieStore.get('{name}.at');")).into();
    let cookie = JsFuture::from(promise).await.unwrap();
    let get = |k: &str| js_sys::Reflect::get(&cookie, &k.into()).unwrap();
    assert_eq!(get("path").as_string().as_deref(), Some("/"));
    assert_eq!(get("sameSite").as_string().as_deref(), Some("strict"));
    assert_eq!(
        get("secure").as_bool(),
        Some(false),
        "page is http, so no Secure"
    );
    let expires = get("expires").as_f64().unwrap();
    assert!(
        expires <= (exp + 1.0) * 1000.0,
        "cookie outlives the token's exp"
    );
    assert!(expires > js_sys::Date::now(), "cookie already expired");
    assert!(CookieStore::new("x")
        .unwrap()
        .http_only()
        .unwrap_err()
        .is_builder());
    assert!(CookieStore::new("bad name;").unwrap_err().is_builder());
}

#[wasm_bindgen_test]
async fn corrupt_stored_json_is_treated_as_no_tokens() {
    let key = unique("corrupt-");
    let store = WebStorageStore::local(&key);
    for corrupt in [
        "not json{",
        "{\"access_token\": 5}",
        "null",
        "{\"access_token\":\"a\\r\\nb\"}",
    ] {
        let setter = format!(
            "localStorage.setItem('{key}', {});",
            serde_json::to_string(corrupt).unwrap()
        );
        js(&setter);
        assert_eq!(store.get().unwrap(), None, "{corrupt}");
    }
    // A client over the corrupt store sends bare requests and gets the 401 as a response.
    let base = tenant("corrupt");
    let client = Client::builder()
        .base_url(&base)
        .auth(AuthConfig::new().store(store))
        .build()
        .unwrap();
    assert_eq!(client.get("/api/items").send().await.unwrap().status(), 401);
    js(&format!("localStorage.removeItem('{key}');"));
}

#[wasm_bindgen_test]
async fn debug_and_display_never_show_token_text() {
    let base = tenant("secrets");
    configure(&base, json!({"refresh_fail": "invalid_grant"})).await;
    let client = auth_client(
        &base,
        AuthConfig::new().store(WebStorageStore::local(&unique("dbg-"))),
    )
    .await;
    let pair = client.auth().unwrap().tokens().unwrap().unwrap();
    let (access, refresh) = (
        pair.access_token.clone().unwrap(),
        pair.refresh_token.clone().unwrap(),
    );
    let req = client
        .get("/api/items")
        .header("authorization", &format!("Bearer {access}"))
        .build()
        .unwrap();
    expire(&base).await;
    let err = client.get("/api/items").send().await.unwrap_err();
    let shown = format!(
        "{pair:?} {req:?} {err} {err:?} {:?} {client:?} {:?} {:?}",
        client.auth().unwrap(),
        WebStorageStore::local("k"),
        CookieStore::new("c").unwrap()
    );
    assert!(!shown.contains(&access), "access token in {shown}");
    assert!(!shown.contains(&refresh), "refresh token in {shown}");
}

/// A shared store that says when it is dropped (with the session that owns it).
struct Watched {
    store: WebStorageStore,
    dropped: Rc<Cell<bool>>,
}

impl TokenStore for Watched {
    fn get(&self) -> tokenfetch::Result<Option<Tokens>> {
        self.store.get()
    }
    fn set(&self, tokens: &Tokens) -> tokenfetch::Result<()> {
        self.store.set(tokens)
    }
    fn clear(&self) -> tokenfetch::Result<()> {
        self.store.clear()
    }
    fn shared_name(&self) -> Option<String> {
        self.store.shared_name()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

/// Dropping the last clone of a client frees its whole session — store, callbacks and the
/// other tabs' channel with its listener (which reaches the session only weakly: no `Rc`
/// cycle) — after requests, a refresh under the tabs' lock and a message from another tab.
#[wasm_bindgen_test]
async fn dropping_the_last_client_clone_frees_the_session_and_its_channel() {
    let base = tenant("drop-client");
    let key = unique("drop");
    let dropped = Rc::new(Cell::new(false));
    let heard = Rc::new(Cell::new(0));
    let seen = heard.clone();
    let store = Watched {
        store: WebStorageStore::local(&key),
        dropped: dropped.clone(),
    };
    let client = auth_client(
        &base,
        AuthConfig::new()
            .store(store)
            .on_change(move |_| seen.set(seen.get() + 1)),
    )
    .await;
    expire(&base).await; // the next request refreshes (under the lock), then replays
    let res = client.get("/api/echo").send().await.unwrap();
    assert!(res.ok());
    assert_eq!(client.auth().unwrap().generation(), 1);
    // Another tab says it refreshed: this client hears it on the channel.
    let post = js_sys::Function::new_with_args(
        "name",
        "new BroadcastChannel(name).postMessage('refreshed')",
    );
    post.call1(
        &wasm_bindgen::JsValue::NULL,
        &format!("tokenfetch:localStorage:{key}").into(),
    )
    .unwrap();
    for _ in 0..100 {
        if heard.get() > 0 {
            break;
        }
        tokenfetch::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(heard.get(), 1, "the channel's listener heard the other tab");
    let clone = client.clone();
    drop(client);
    assert!(!dropped.get(), "a clone still holds the session");
    drop(clone);
    assert!(
        dropped.get(),
        "the last clone dropped, the session was freed"
    );
}
