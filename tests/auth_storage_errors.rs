//! Storage that throws (disabled, blocked, quota exceeded) is a typed error, never a panic.
//! One test: it replaces the page's `localStorage` for a moment.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use tokenfetch::auth::{TokenStore, WebStorageStore};
use tokenfetch::{AuthConfig, Client, Kind, Tokens};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn throwing_storage_is_a_typed_error() {
    let store = WebStorageStore::local("tf-throwing");
    js(
        "globalThis.__ls = Object.getOwnPropertyDescriptor(globalThis, 'localStorage');
        Object.defineProperty(globalThis, 'localStorage', { configurable: true,
          get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });",
    );
    let blocked = store.get();
    js("Object.defineProperty(globalThis, 'localStorage', globalThis.__ls);");
    assert_eq!(blocked.unwrap_err().kind(), Kind::Storage);

    js("globalThis.__setItem = Storage.prototype.setItem;
        Storage.prototype.setItem = function () {
          throw new DOMException('quota', 'QuotaExceededError'); };");
    let base = tenant("quota");
    let client = Client::builder()
        .base_url(&base)
        .auth(AuthConfig::new().store(WebStorageStore::local("tf-quota")))
        .build()
        .unwrap();
    let full = client
        .auth()
        .unwrap()
        .set_tokens(Tokens::new("a", Some("r".into())));
    js("Storage.prototype.setItem = globalThis.__setItem;");
    let err = full.unwrap_err();
    assert_eq!(err.kind(), Kind::Storage);
    assert!(err.to_string().contains("quota"), "{err}");

    // A request whose store cannot be read fails with that error rather than going out bare.
    js("Object.defineProperty(globalThis, 'localStorage', { configurable: true, get() { return undefined; } });");
    let res = client.get("/api/items").send().await;
    js("Object.defineProperty(globalThis, 'localStorage', globalThis.__ls);");
    assert_eq!(res.unwrap_err().kind(), Kind::Storage);
    assert_eq!(request_count(&base).await, 0);
}
