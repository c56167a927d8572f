//! Shared helpers for the browser tests: where the test server is, per-test tenants, and the
//! server's test hooks (`/__stats`, `/__config`, `/__mint`).
#![allow(dead_code)]

use serde_json::Value;
use tokenfetch::Client;

/// The test server's origin (compile-time `TOKENFETCH_SERVER`, default port 8787).
pub fn server() -> &'static str {
    option_env!("TOKENFETCH_SERVER").unwrap_or("http://127.0.0.1:8787")
}

/// The server's second, "foreign" origin.
pub fn foreign() -> &'static str {
    option_env!("TOKENFETCH_FOREIGN").unwrap_or("http://127.0.0.1:8788")
}

/// An origin where nothing listens (connection refused).
pub fn closed() -> &'static str {
    option_env!("TOKENFETCH_CLOSED").unwrap_or("http://127.0.0.1:8799")
}

/// A fresh base URL `<server>/t/<name>-<random>`: the server keeps separate tokens, config and
/// stats per tenant, so tests cannot see each other's traffic.
pub fn tenant(name: &str) -> String {
    let n = (js_sys::Math::random() * 1e9) as u64;
    format!("{}/t/{name}-{n}", server())
}

/// A plain client for a tenant (no middleware), used to drive the test hooks.
pub fn hooks(base: &str) -> Client {
    Client::builder().base_url(base).build().unwrap()
}

/// What the server observed for this tenant.
pub async fn stats(base: &str) -> Value {
    hooks(base)
        .get("/__stats")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Requests the server recorded for this tenant (hooks excluded).
pub async fn request_count(base: &str) -> usize {
    stats(base).await["requests"].as_array().map_or(0, Vec::len)
}

/// Log in as `user` and return the access token.
pub async fn login(base: &str) -> String {
    let tokens: Value = hooks(base)
        .post("/auth/login")
        .json(&serde_json::json!({"username": "ada", "password": "pw"}))
        .unwrap()
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_string()
}
