//! Downloads from Rust: `max_body_size` enforced while reading, with or without a
//! `Content-Length`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use tokenfetch::{Client, Kind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn max_body_size_cancels_a_larger_download() {
    let base = tenant("max-body");
    let client = Client::builder().base_url(&base).build().unwrap();
    let ok = client
        .get("/download?bytes=100000")
        .max_body_size(100_000)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(ok.len(), 100_000);
    assert_eq!(ok[251], 0);
    for url in [
        "/download?bytes=50000000",
        "/download?bytes=50000000&length=none",
    ] {
        let res = client
            .get(url)
            .max_body_size(49_999_999)
            .send()
            .await
            .unwrap();
        let err = res.bytes().await.unwrap_err();
        assert_eq!(err.kind(), Kind::Body, "{url}: {err}");
    }
    let text = client
        .get("/download?bytes=11&length=none")
        .max_body_size(10)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap_err();
    assert_eq!(text.kind(), Kind::Body);
}
