//! The app's API functions and client configuration tested with `tokenfetch::testing`: no
//! server, no browser.
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures::executor::block_on;
use tokenfetch::testing::{MockResponse, MockServer};
use tokenfetch::Method;
use tokenfetch_example_api as api;

/// A server whose login answers `a1` / `r1`.
fn server_with_login() -> MockServer {
    let server = MockServer::new();
    server
        .on(Method::POST, "/auth/login")
        .reply_json(200, r#"{"access_token":"a1","refresh_token":"r1"}"#);
    server
}

fn app_client(server: &MockServer) -> (tokenfetch::Client, Rc<Cell<u32>>) {
    let expired = Rc::new(Cell::new(0));
    let count = expired.clone();
    let client = api::builder("https://api.test", move || count.set(count.get() + 1))
        .transport(server.transport())
        .build()
        .unwrap();
    (client, expired)
}

#[test]
fn items_survive_an_expired_token_with_one_refresh() {
    let server = server_with_login();
    server
        .on(Method::GET, "/api/items")
        .reply_json(200, r#"{"items":[{"id":1,"name":"pen"}]}"#);
    server.refresh_route(
        "/auth/refresh",
        MockResponse::json(200, r#"{"access_token":"a2","refresh_token":"r2"}"#),
    );
    let (client, expired) = app_client(&server);
    block_on(api::log_in(&client, "ada", "pw")).unwrap();
    server.require_bearer("a2"); // the server has moved on: "a1" is expired
    let items = block_on(api::items(&client, 1)).unwrap();
    assert_eq!(
        items,
        vec![api::Item {
            id: 1,
            name: "pen".into()
        }]
    );
    assert_eq!(server.count("/auth/refresh"), 1);
    assert_eq!(expired.get(), 0);
}

#[test]
fn a_refused_refresh_ends_the_session_once() {
    let server = server_with_login();
    // The refusal takes a moment, as over a network: the other views' requests arrive meanwhile.
    server.refresh_route(
        "/auth/refresh",
        MockResponse::json(400, r#"{"error":"invalid_grant"}"#).delay(Duration::from_millis(50)),
    );
    let (client, expired) = app_client(&server);
    block_on(api::log_in(&client, "ada", "pw")).unwrap();
    server.require_bearer("someone-else");
    // Three views load at once: one refusal ends the session for all of them, once.
    let results = block_on(futures::future::join_all(
        (1..=3).map(|page| api::items(&client, page)),
    ));
    for result in results {
        let err = result.unwrap_err();
        assert!(err.is_session_expired(), "{err}");
    }
    assert_eq!(expired.get(), 1, "the app's callback ran once");
    assert_eq!(
        server.count("/auth/refresh"),
        1,
        "one refresh for the three"
    );
    assert!(
        client.auth().unwrap().tokens().unwrap().is_none(),
        "tokens cleared"
    );
}
