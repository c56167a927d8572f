//! The fetch transport against a hostile or odd `fetch`: rejections that are not `Error`s,
//! resolutions that are not `Response`s, a missing `fetch`, and abort-on-drop observed on the
//! real `AbortSignal`. One test, because it swaps the page's global `fetch` (tests in a file
//! run concurrently).
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::*;
use futures::future::{select, Either};
use tokenfetch::{Client, Kind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Replace `globalThis.fetch` with `body` (a function body taking `url, init`, as the
/// transport calls it); the original stays in `globalThis.__realFetch`.
fn patch_fetch(body: &str) {
    js("globalThis.__realFetch = globalThis.__realFetch || globalThis.fetch;");
    let f = js_sys::Function::new_with_args("url, init", body);
    js_sys::Reflect::set(&js_sys::global(), &"fetch".into(), &f).unwrap();
}

fn restore_fetch() {
    js("if (globalThis.__realFetch) { globalThis.fetch = globalThis.__realFetch; }");
}

#[wasm_bindgen_test]
async fn odd_fetch_behaviour_is_a_typed_error_never_a_panic() {
    let base = tenant("edge");
    let client = Client::builder().base_url(&base).build().unwrap();
    let odd = [
        ("return Promise.reject(undefined);", "undefined"),
        ("return Promise.reject('plain string');", "plain string"),
        ("return Promise.reject({ code: 42 });", "non-Error"),
        ("return Promise.reject(null);", "non-Error"),
        ("throw new TypeError('sync throw');", "sync throw"),
        ("return Promise.resolve(42);", "not a Response"),
        ("return Promise.resolve(undefined);", "not a Response"),
    ];
    for (body, expected) in odd {
        patch_fetch(body);
        let result = client.get("/echo").send().await;
        restore_fetch();
        let err = result.unwrap_err();
        assert_eq!(err.kind(), Kind::Network, "{body}: {err}");
        assert!(err.to_string().contains(expected), "{body}: {err}");
    }

    js("globalThis.__realFetch = globalThis.fetch; delete globalThis.fetch;");
    let result = client.get("/echo").send().await;
    restore_fetch();
    let err = result.unwrap_err();
    assert_eq!(err.kind(), Kind::Network);
    assert!(err.to_string().contains("fetch is unavailable"), "{err}");

    // Dropping the request future aborts the real fetch's AbortSignal.
    patch_fetch("globalThis.__lastSignal = init.signal; return globalThis.__realFetch(url, init);");
    let slow = client.get("/slow?ms=2000").send();
    let give_up = tokenfetch::time::sleep(Duration::from_millis(100));
    match select(Box::pin(slow), Box::pin(give_up)).await {
        Either::Left(_) => panic!("the slow request finished first"),
        Either::Right(((), slow)) => drop(slow),
    }
    let aborted = js("return globalThis.__lastSignal.aborted;");
    assert_eq!(
        aborted.as_bool(),
        Some(true),
        "dropping did not abort fetch"
    );

    // Dropping an unread response aborts too (the body download stops).
    let res = client.get("/download?bytes=5000000").send().await.unwrap();
    let signal_aborted = || js("return globalThis.__lastSignal.aborted;").as_bool();
    assert_eq!(signal_aborted(), Some(false));
    drop(res);
    assert_eq!(
        signal_aborted(),
        Some(true),
        "dropping a response did not abort"
    );

    // A timeout aborts the signal and is reported as a timeout, not a network error.
    let err = client
        .get("/slow?ms=2000")
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(signal_aborted(), Some(true));

    restore_fetch();
}
