//! When the token is attached and when a response triggers a refresh: challenges, replayed
//! bodies, pre-emptive refresh of expiring JWTs, and the origin allowlist.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use serde_json::{json, Value};
use tokenfetch::{AuthConfig, Kind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn insufficient_scope_and_basic_challenges_do_not_refresh() {
    let base = tenant("challenge");
    let client = auth_client(&base, AuthConfig::new()).await;
    let res = client.get("/api/scope").send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = client.get("/api/basic").send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(res
        .headers()
        .get("www-authenticate")
        .unwrap()
        .starts_with("Basic"));
    // Even when 403 is configured as a trigger, `insufficient_scope` is not cured by a refresh.
    let strict = auth_client(&base, AuthConfig::new().refresh_on(&[401, 403])).await;
    assert_eq!(strict.get("/api/scope").send().await.unwrap().status(), 403);
    assert_eq!(count(&stats(&base).await, "refresh_count"), 0);
}

#[wasm_bindgen_test]
async fn post_with_a_json_body_is_replayed_with_the_identical_body() {
    let base = tenant("post-replay");
    let client = auth_client(&base, AuthConfig::new()).await;
    expire(&base).await;
    let payload = json!({"name": "pen", "tags": ["a", "ü"], "n": 3});
    let res = client
        .post("/api/echo")
        .json(&payload)
        .unwrap()
        .send()
        .await
        .unwrap();
    let echo: Value = res.error_for_status().unwrap().json().await.unwrap();
    assert_eq!(echo["json"], payload);
    let stats = stats(&base).await;
    let posts: Vec<&Value> = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/api/echo")
        .collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["auth"], "stale");
    assert_eq!(posts[1]["auth"], "valid");
    assert_eq!(count(&stats, "refresh_count"), 1);
}

#[wasm_bindgen_test]
async fn an_expiring_jwt_is_refreshed_before_sending() {
    let base = tenant("preemptive");
    let client = tokenfetch::Client::builder()
        .base_url(&base)
        .auth(refreshing())
        .build()
        .unwrap();
    // Already expired by its `exp` claim, and one expiring within the 30 s skew.
    for ttl in [-10, 10] {
        client
            .auth()
            .unwrap()
            .set_tokens(tokens(&base, Some(ttl)).await)
            .unwrap();
        assert!(client.get("/api/items").send().await.unwrap().ok());
    }
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 2);
    let seen: Vec<String> = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["path"].as_str().unwrap(),
                r["auth"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            "/auth/refresh none",
            "/api/items valid",
            "/auth/refresh none",
            "/api/items valid"
        ],
        "no request went out with the expiring token"
    );
}

#[wasm_bindgen_test]
async fn the_token_never_reaches_another_origin() {
    let base = tenant("origin");
    let client = auth_client(&base, AuthConfig::new()).await;
    let tenant_path = base.trim_start_matches(server());
    // Same origin: attached.
    let echo: Value = json_of(client.get("/echo")).await;
    assert!(echo["headers"]["authorization"]
        .as_str()
        .unwrap()
        .starts_with("Bearer "));
    // Absolute URL to the foreign origin: sent, but without the token.
    let foreign_url = format!("{}{tenant_path}/echo", foreign());
    let echo: Value = json_of(client.get(&foreign_url)).await;
    assert_eq!(echo["foreign"], true);
    assert!(echo["headers"].get("authorization").is_none());
    // Protocol-relative trick: refused before sending.
    let port = foreign().rsplit(':').next().unwrap();
    let err = client
        .get(&format!("//127.0.0.1:{port}{tenant_path}/echo"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::InvalidUrl);
    // A redirect from the API to the foreign origin: the browser drops the header.
    let res = client
        .get("/redirect?to=foreign&path=/echo")
        .send()
        .await
        .unwrap();
    assert!(res.redirected());
    let echo: Value = res.json().await.unwrap();
    assert_eq!(echo["foreign"], true);
    assert!(echo["headers"].get("authorization").is_none());
    // Opting out per request.
    let echo: Value = json_of(client.get("/echo").skip_auth()).await;
    assert!(echo["headers"].get("authorization").is_none());

    let stats = stats(&base).await;
    assert_eq!(stats["foreign"]["requests"], 2);
    assert_eq!(stats["foreign"]["authorization_headers"], json!([]));
}

#[wasm_bindgen_test]
async fn allowed_origins_can_include_another_origin() {
    let base = tenant("allow");
    let client = auth_client(
        &base,
        AuthConfig::new().allowed_origins([server(), foreign()]),
    )
    .await;
    let tenant_path = base.trim_start_matches(server());
    let echo: Value = json_of(client.get(&format!("{}{tenant_path}/echo", foreign()))).await;
    assert!(echo["headers"]["authorization"].is_string());
    let bad = tokenfetch::Client::builder()
        .base_url(&base)
        .auth(AuthConfig::new().allowed_origins(["not an origin"]))
        .build();
    assert!(bad.unwrap_err().is_builder());
}
