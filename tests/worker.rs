//! The client inside a dedicated Web Worker (no `window`): the global `fetch` and `setTimeout`.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;
use tokenfetch::Client;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn requests_and_timeouts_work_in_a_worker() {
    let base = tenant("worker");
    let client = Client::builder()
        .base_url(&base)
        .default_header("x-where", "worker")
        .build()
        .unwrap();
    let body: Value = json_of(
        client
            .post("/echo")
            .json(&serde_json::json!({"n": 1}))
            .unwrap(),
    )
    .await;
    assert_eq!(body["headers"]["x-where"], "worker");
    assert_eq!(body["json"]["n"], 1);
    let err = client
        .get("/slow?ms=2000")
        .timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(request_count(&base).await, 2);
}
