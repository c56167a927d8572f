//! The client in Node.js (≥ 20): global `fetch`, no `window`, no `location`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::Value;
use tokenfetch::{Client, Kind};
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn requests_work_in_node() {
    let base = tenant("node");
    let client = Client::builder().base_url(&base).build().unwrap();
    let body: Value = client
        .get("/echo")
        .query([("from", "node")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["query"], "from=node");
    assert_eq!(request_count(&base).await, 1);
}

#[wasm_bindgen_test]
async fn relative_urls_need_a_base_url_in_node() {
    // Node has no page location to resolve against.
    let err = Client::new().get("/echo").send().await.unwrap_err();
    assert_eq!(err.kind(), Kind::InvalidUrl);
}
