//! The server-managed refresh cookie: the refresh token lives in an `HttpOnly` cookie the server
//! sets, the client holds only the access token, and the single refresh still holds.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use futures::future::join_all;
use serde_json::{json, Value};
use tokenfetch::auth::RefreshEndpoint;
use tokenfetch::{AuthConfig, Client, Credentials, Tokens};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn cookie_client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .auth(
            AuthConfig::new().refresh_endpoint(
                RefreshEndpoint::new("/auth/cookie/refresh").with_credentials(true),
            ),
        )
        .build()
        .unwrap()
}

/// Log in through the cookie route: the server sets the HttpOnly refresh cookie and answers
/// with the access token only.
async fn cookie_login(base: &str) -> String {
    let login = Client::builder()
        .base_url(base)
        .credentials(Credentials::Include)
        .build()
        .unwrap();
    let res = login
        .post("/auth/cookie/login")
        .json(&json!({"username": "ada", "password": "pw"}))
        .unwrap()
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert!(
        body.get("refresh_token").is_none(),
        "the refresh token stays in the cookie"
    );
    body["access_token"].as_str().unwrap().to_string()
}

#[wasm_bindgen_test]
async fn the_refresh_cookie_mode_refreshes_once_and_the_client_never_holds_a_refresh_token() {
    let base = tenant("cookie-mode");
    let access = cookie_login(&base).await;
    let client = cookie_client(&base);
    let auth = client.auth().unwrap();
    auth.set_tokens(Tokens {
        access_token: Some(access),
        refresh_token: None,
        expires_at: None,
    })
    .unwrap();
    expire(&base).await;
    let results = join_all((0..5).map(|_| client.get("/api/items").send())).await;
    for res in results {
        assert!(res.unwrap().ok());
    }
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
    assert_eq!(auth.tokens().unwrap().unwrap().refresh_token, None);
    assert!(
        !js("return document.cookie")
            .as_string()
            .unwrap_or_default()
            .contains("tf_rt"),
        "the refresh cookie is not readable from JavaScript"
    );

    // After a page load the memory store is empty: one refresh from the cookie restores it.
    let reloaded = cookie_client(&base);
    assert!(reloaded.auth().unwrap().tokens().unwrap().is_none());
    reloaded.auth().unwrap().refresh().await.unwrap();
    assert!(reloaded.get("/api/items").send().await.unwrap().ok());
    assert_eq!(count(&stats(&base).await, "refresh_count"), 2);
}

#[wasm_bindgen_test]
async fn without_a_refresh_cookie_the_refresh_is_refused_and_the_session_ends() {
    let base = tenant("cookie-none");
    let client = cookie_client(&base);
    let err = client.auth().unwrap().refresh().await.unwrap_err();
    assert!(err.is_session_expired(), "{err}");
    // A request without any token is simply sent without one (no refresh storm).
    let res = client.get("/api/items").send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
}
