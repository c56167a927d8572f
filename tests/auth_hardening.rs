//! The refresh under attack or bad luck: an open redirect cannot force a token rotation, the
//! refresh token cannot be sent to another origin, and a refresh that times out never logs
//! anyone out (that one is in auth_refresh.rs).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use tokenfetch::auth::RefreshEndpoint;
use tokenfetch::{AuthConfig, Client, Kind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A redirect from the allowed origin to another origin that answers 401: the browser did not
/// forward the token there, so the 401 says nothing about it. Before: a refresh and a replay ran.
#[wasm_bindgen_test]
async fn a_401_after_a_redirect_to_another_origin_does_not_refresh() {
    let base = tenant("redirect401");
    let client = auth_client(&base, AuthConfig::new()).await;
    let before = client.auth().unwrap().tokens().unwrap();
    let res = client
        .get("/redirect")
        .query([("to", "foreign"), ("path", "/api/items"), ("status", "307")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.redirected());
    assert_eq!(count(&stats(&base).await, "refresh_count"), 0);
    assert_eq!(client.auth().unwrap().tokens().unwrap(), before);
    // The same 401 from the allowed origin itself still refreshes.
    expire(&base).await;
    assert!(client.get("/api/items").send().await.unwrap().ok());
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
}

/// A refresh URL on another origin (an authorization server's) needs no place among the allowed
/// origins: the refresh token goes there, the access token never does.
#[wasm_bindgen_test]
async fn a_refresh_url_on_another_origin_gets_the_refresh_but_never_the_access_token() {
    let base = tenant("refresh-origin");
    let foreign_base = format!("{}/t/{}", foreign(), base.rsplit("/t/").next().unwrap());
    let client = Client::builder()
        .base_url(&base)
        .auth(
            AuthConfig::new().refresh_endpoint(RefreshEndpoint::new(&format!(
                "{foreign_base}/auth/refresh"
            ))),
        )
        .build()
        .unwrap();
    let auth = client.auth().unwrap();
    auth.set_tokens(tokens(&base, None).await).unwrap();
    let echoed: serde_json::Value = client
        .get(&format!("{foreign_base}/echo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(echoed["headers"]["authorization"], serde_json::Value::Null);
    auth.refresh().await.unwrap();
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    assert_eq!(
        stats["foreign"]["authorization_headers"],
        serde_json::json!([])
    );
}

#[wasm_bindgen_test]
async fn hosts_and_ports_are_read_as_the_browser_reads_them() {
    let inputs = [
        "http://a.test:80:/",
        "http://a\u{a0}b.test/",
        "http://a\u{3000}b.test/",
        "http://a.test:8a/",
        "HTTP://EXAMPLE.test:80/x",
        "http://bücher.test/",
        "http://[::1]:8080/",
        "http://0x7f.0.0.1/",
        "http://a%41.test/",
        "https://a.test:443/",
        "http://a.test./",
    ];
    for input in inputs {
        let ours = Client::builder()
            .base_url(input)
            .build()
            .ok()
            .and_then(|c| c.base_origin().map(str::to_string));
        let browser = js(&format!(
            "try {{ return new URL({}).origin; }} catch {{ return null; }}",
            serde_json::to_string(input).unwrap()
        ))
        .as_string();
        // Accepted exactly when the browser accepts it, with the browser's origin.
        assert_eq!(ours, browser, "{input:?}");
    }
    let err = tokenfetch::Request::new(tokenfetch::Method::GET, "http://a.test:80:/").unwrap_err();
    assert_eq!(err.kind(), Kind::InvalidUrl);
    let client = Client::builder()
        .base_url("http://BÜCHER.test:80/api")
        .build()
        .unwrap();
    assert_eq!(client.base_origin(), Some("http://xn--bcher-kva.test"));
}

/// A token in a header the browser does not strip on a cross-origin redirect (anything but
/// `Authorization`) never follows a redirect: the redirect is a network error, and the foreign
/// origin gets nothing. `Authorization` itself still follows (the browser strips it).
#[wasm_bindgen_test]
async fn a_token_in_a_custom_header_never_follows_a_redirect() {
    let base = tenant("custom-header-redirect");
    let client = auth_client(&base, AuthConfig::new().header("x-access-token").scheme("")).await;
    for status in ["302", "307"] {
        let err = client
            .get("/redirect")
            .query([("to", "foreign"), ("path", "/echo"), ("status", status)])
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Kind::Network, "{status}: {err}");
        assert!(err.to_string().contains("redirect"), "{err}");
    }
    assert_eq!(
        stats(&base).await["foreign"]["requests"].as_u64().unwrap(),
        0
    );
    let bearer = auth_client(&base, AuthConfig::new()).await;
    let res = bearer
        .get("/redirect")
        .query([("to", "foreign"), ("path", "/echo"), ("status", "307")])
        .send()
        .await
        .unwrap();
    assert!(res.ok() && res.redirected());
    let stats = stats(&base).await;
    assert_eq!(stats["foreign"]["requests"].as_u64().unwrap(), 1);
    assert_eq!(
        stats["foreign"]["authorization_headers"],
        serde_json::json!([])
    );
}

/// A refresh endpoint that answers 307 to another origin: the refresh token is not re-sent
/// there; the refresh fails as transient and the tokens are kept.
#[wasm_bindgen_test]
async fn the_refresh_never_follows_a_redirect() {
    let base = tenant("refresh-redirect");
    let endpoint = RefreshEndpoint::new("/redirect?to=foreign&path=/auth/refresh&status=307");
    let client = Client::builder()
        .base_url(&base)
        .auth(AuthConfig::new().refresh_endpoint(endpoint))
        .build()
        .unwrap();
    let auth = client.auth().unwrap();
    auth.set_tokens(tokens(&base, None).await).unwrap();
    let before = auth.tokens().unwrap();
    let err = auth.refresh().await.unwrap_err();
    assert_eq!(err.kind(), Kind::Network, "{err}");
    assert!(err.to_string().contains("redirect"), "{err}");
    assert_eq!(auth.tokens().unwrap(), before);
    assert_eq!(
        stats(&base).await["foreign"]["requests"].as_u64().unwrap(),
        0
    );
}
