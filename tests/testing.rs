//! `tokenfetch::testing` as an app's tests use it: natively (`cargo test`) and in the browser
//! (`wasm-pack test`), no network.

use std::time::Duration;

use futures::future::join_all;
use tokenfetch::auth::{AuthConfig, RefreshEndpoint};
use tokenfetch::testing::{MockResponse, MockServer};
use tokenfetch::{Client, Method, Tokens};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url("https://api.test")
        .transport(server.transport())
        .auth(AuthConfig::new().refresh_endpoint(RefreshEndpoint::new("/auth/refresh")))
        .build()
        .unwrap()
}

async fn storm_refreshes_once_through_the_mock() {
    let server = MockServer::new();
    server
        .on(Method::GET, "/api/items")
        .reply_json(200, r#"{"items":[]}"#);
    let answer = MockResponse::json(200, r#"{"access_token":"fresh"}"#)
        .header("set-cookie", "refresh=cookie-secret")
        .delay(Duration::from_millis(20));
    // A canned answer's Debug shows no secret (its body and header values hold tokens).
    let shown = format!("{answer:?}");
    assert!(
        !shown.contains("cookie-secret") && shown.contains("set-cookie"),
        "{shown}"
    );
    server.refresh_route("/auth/refresh", answer);
    // The server's current token is the one the refresh hands out; the app still has "stale".
    server.require_bearer("fresh");
    let client = client(&server);
    client
        .auth()
        .unwrap()
        .set_tokens(Tokens::new("stale", Some("r1".into())))
        .unwrap();
    let results = join_all((0..20).map(|_| client.get("/api/items").send())).await;
    assert!(results.iter().all(|r| r.as_ref().unwrap().status() == 200));
    assert_eq!(server.count("/auth/refresh"), 1);
    let sent = server.requests();
    let replays: Vec<_> = sent
        .iter()
        .filter(|r| {
            r.path == "/api/items"
                && r.secret_header("authorization").as_deref() == Some("Bearer fresh")
        })
        .collect();
    assert_eq!(replays.len(), 20);
    // Secrets stay out of Debug and of the plain accessor.
    assert_eq!(replays[0].header("authorization"), None);
    assert!(!format!("{:?}", replays[0]).contains("fresh"));
}

async fn routes_match_query_and_headers_and_run_out() {
    let server = MockServer::new();
    server
        .on(Method::GET, "/search")
        .query("q", "rust")
        .header("x-app", "demo")
        .times(1)
        .reply(MockResponse::new(200, "found"));
    let client = Client::builder()
        .base_url("https://api.test")
        .transport(server.transport())
        .build()
        .unwrap();
    let search = |q: &'static str, with_header: bool| {
        let mut req = client.get("/search").query([("q", q)]);
        if with_header {
            req = req.header("x-app", "demo");
        }
        async move { req.send().await.unwrap() }
    };
    // Each matcher refuses on its own: the route is not used up by a near miss.
    assert_eq!(
        search("go", true).await.status(),
        404,
        "the query must match"
    );
    assert_eq!(
        search("rust", false).await.status(),
        404,
        "the header must match"
    );
    let hit = search("rust", true).await;
    assert_eq!(hit.text().await.unwrap(), "found");
    assert_eq!(search("rust", true).await.status(), 404, "times(1) ran out");
    assert_eq!(server.requests()[2].query, "q=rust");
}

/// A body already in memory is read as text with invalid UTF-8 replaced (U+FFFD), as the
/// browser reads a fetched one (natively by std, in the browser by `TextDecoder`).
async fn invalid_utf8_becomes_replacement_characters() {
    let server = MockServer::new();
    server
        .on(Method::GET, "/bytes")
        .reply(MockResponse::new(200, b"a\xffb\xe2\x82".to_vec()));
    let res = client(&server).get("/bytes").send().await.unwrap();
    assert_eq!(res.text().await.unwrap(), "a\u{fffd}b\u{fffd}");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_invalid_utf8_becomes_replacement_characters() {
    futures::executor::block_on(invalid_utf8_becomes_replacement_characters());
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn browser_invalid_utf8_becomes_replacement_characters() {
    invalid_utf8_becomes_replacement_characters().await;
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_storm_refreshes_once_through_the_mock() {
    futures::executor::block_on(storm_refreshes_once_through_the_mock());
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_routes_match_query_and_headers_and_run_out() {
    futures::executor::block_on(routes_match_query_and_headers_and_run_out());
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn browser_storm_refreshes_once_through_the_mock() {
    storm_refreshes_once_through_the_mock().await;
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test::wasm_bindgen_test]
async fn browser_routes_match_query_and_headers_and_run_out() {
    routes_match_query_and_headers_and_run_out().await;
}
