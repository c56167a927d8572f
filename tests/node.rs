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
    let body: Value = json_of(client.get("/echo").query([("from", "node")])).await;
    assert_eq!(body["query"], "from=node");
    assert_eq!(request_count(&base).await, 1);
}

#[wasm_bindgen_test]
async fn relative_urls_need_a_base_url_in_node() {
    // Node has no page location to resolve against.
    let err = Client::new().get("/echo").send().await.unwrap_err();
    assert_eq!(err.kind(), Kind::InvalidUrl);
}

#[wasm_bindgen_test]
async fn a_stream_body_is_not_replayed_after_a_refresh() {
    let base = tenant("node-stream");
    let client = auth_client(&base, tokenfetch::AuthConfig::new()).await;
    expire(&base).await;
    let stream: web_sys::ReadableStream = js_sys::Function::new_no_args(
        "return new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('hello')); c.close(); } });",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap()
    .into();
    let err = client
        .post("/api/echo")
        .stream(stream)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::Body, "{err}");
    assert!(err.to_string().contains("cannot be sent again"), "{err}");
    let stats = stats(&base).await;
    let posts = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/api/echo")
        .count();
    assert_eq!(posts, 1, "the stream request was sent once, not replayed");
    // A stream sent once, without auth trouble, arrives whole.
    log_in(&client, &base).await;
    let stream: web_sys::ReadableStream = js_sys::Function::new_no_args(
        "return new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('hello')); c.close(); } });",
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap()
    .into();
    let echo: Value = json_of(client.post("/api/echo").stream(stream)).await;
    assert_eq!(echo["body"], "hello");
}
