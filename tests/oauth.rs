//! The Rust client against a real authorization server: oidc-provider (public client, refresh
//! tokens rotated on every use, opaque access tokens living 2 s — whole seconds, so 1 to 2 — )
//! and an API on origins of their own, started by `scripts/test.sh` (`tests/oauth/serve.mjs`).
//! The first tokens come from its authorization-code + PKCE flow (driven by the harness); the
//! refresh is the declarative RFC 6749 §6 form post of `RefreshEndpoint::oauth`.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use futures::future::join_all;
use serde_json::Value;
use tokenfetch::auth::{AuthConfig, RefreshEndpoint, Tokens};
use tokenfetch::Client;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn issuer() -> &'static str {
    option_env!("TOKENFETCH_OAUTH_ISSUER").unwrap_or("http://127.0.0.1:18790")
}

fn api() -> &'static str {
    option_env!("TOKENFETCH_OAUTH_API").unwrap_or("http://127.0.0.1:18791")
}

async fn hook(path: &str) -> Value {
    let plain = Client::builder().base_url(api()).build().unwrap();
    plain.get(path).send().await.unwrap().json().await.unwrap()
}

/// Twenty requests after the access token expired: one form-encoded refresh at the real token
/// endpoint, twenty 200s, the rotated refresh token stored with its `expires_in`.
#[wasm_bindgen_test]
async fn a_storm_after_expiry_refreshes_once_at_a_real_token_endpoint() {
    let first = hook("/__tokens").await;
    let before = hook("/__stats").await;
    let client = Client::builder()
        .base_url(api())
        .auth(
            AuthConfig::new()
                .refresh_endpoint(RefreshEndpoint::oauth(
                    &format!("{}/token", issuer()),
                    "spa",
                ))
                .refresh_before_expiry(None),
        )
        .build()
        .unwrap();
    let auth = client.auth().unwrap();
    let refresh = first["refresh_token"].as_str().unwrap().to_string();
    auth.set_tokens(Tokens::new(
        first["access_token"].as_str().unwrap(),
        Some(refresh.clone()),
    ))
    .unwrap();
    tokenfetch::time::sleep(Duration::from_millis(2200)).await;
    let results = join_all((0..20).map(|_| client.get("/api/items").send())).await;
    for res in results {
        assert_eq!(res.unwrap().status(), 200);
    }
    let after = hook("/__stats").await;
    let count = |s: &Value, k: &str| s[k].as_u64().unwrap();
    assert_eq!(count(&after, "refreshes") - count(&before, "refreshes"), 1);
    assert_eq!(count(&after, "authServerRequestsWithAccessToken"), 0);
    let stored = auth.tokens().unwrap().unwrap();
    assert_ne!(
        stored.refresh_token.as_deref(),
        Some(refresh.as_str()),
        "rotated"
    );
    assert!(stored.expires_at.is_some(), "expires_in kept");
}
