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
    json_of(hooks(base).get("/__stats")).await
}

/// Requests the server recorded for this tenant (hooks excluded).
pub async fn request_count(base: &str) -> usize {
    stats(base).await["requests"].as_array().map_or(0, Vec::len)
}

/// Log in and return the access token.
pub async fn login(base: &str) -> String {
    let pair = tokens(base, None).await;
    pair.access_token.unwrap()
}

/// Change the tenant's server config (`refresh_delay_ms`, `refresh_fail`, ...).
pub async fn configure(base: &str, config: Value) {
    let res = hooks(base)
        .post("/__config")
        .json(&config)
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(res.ok(), "config refused: {}", res.text().await.unwrap());
}

/// Expire every access token the server issued for this tenant (their JWT `exp` stays in the
/// future, so the client cannot know: only a 401 tells it).
pub async fn expire(base: &str) {
    let res = hooks(base).post("/__expire").send().await.unwrap();
    assert!(res.ok());
}

/// A fresh token pair from `/auth/login` (or `/__mint` with a TTL, for expired JWTs).
pub async fn tokens(base: &str, access_ttl_secs: Option<i64>) -> tokenfetch::Tokens {
    let builder = match access_ttl_secs {
        None => hooks(base)
            .post("/auth/login")
            .json(&serde_json::json!({"username": "ada", "password": "pw"})),
        Some(ttl) => hooks(base)
            .post("/__mint")
            .json(&serde_json::json!({"username": "ada", "access_ttl_secs": ttl})),
    };
    let v: Value = builder.unwrap().send().await.unwrap().json().await.unwrap();
    tokenfetch::Tokens::new(
        v["access_token"].as_str().unwrap(),
        v["refresh_token"].as_str().map(str::to_string),
    )
}

/// A client for `base` with auth refreshing at `/auth/refresh`, logged in.
pub async fn auth_client(base: &str, config: tokenfetch::AuthConfig) -> Client {
    let client = Client::builder()
        .base_url(base)
        .auth(config.refresh_endpoint(tokenfetch::auth::RefreshEndpoint::new("/auth/refresh")))
        .build()
        .unwrap();
    let pair = tokens(base, None).await;
    client.auth().unwrap().set_tokens(pair).unwrap();
    client
}

/// Wait (polling) until the client has a refresh in flight.
pub async fn until_refreshing(client: &Client) {
    for _ in 0..500 {
        if client.auth().unwrap().is_refreshing() {
            return;
        }
        tokenfetch::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("no refresh started");
}

/// A number from the server's stats.
pub fn count(stats: &Value, key: &str) -> u64 {
    stats[key]
        .as_u64()
        .unwrap_or_else(|| panic!("no {key} in stats"))
}

/// The `/api/seq/{n}` numbers the server accepted, in arrival order.
pub fn seq(stats: &Value) -> Vec<u64> {
    stats["seq"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

/// Run a snippet of JavaScript (a function body) in the test page and return its value.
pub fn js(code: &str) -> wasm_bindgen::JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("test JS threw")
}

/// Auth that refreshes at the server's `/auth/refresh` (the default JSON body).
pub fn refreshing() -> tokenfetch::AuthConfig {
    tokenfetch::AuthConfig::new()
        .refresh_endpoint(tokenfetch::auth::RefreshEndpoint::new("/auth/refresh"))
}

/// Send and parse the JSON answer (panics on any error: for tests).
pub async fn json_of(builder: tokenfetch::RequestBuilder) -> Value {
    builder.send().await.unwrap().json().await.unwrap()
}

/// Log `client` in with a fresh token pair from the server.
pub async fn log_in(client: &Client, base: &str) {
    let pair = tokens(base, None).await;
    client.auth().unwrap().set_tokens(pair).unwrap();
}
