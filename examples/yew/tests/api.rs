//! The app's API functions tested with `tokenfetch::testing`: no server, no browser needed.
use futures::executor::block_on;
use tokenfetch::testing::{MockResponse, MockServer};
use tokenfetch::Method;
use tokenfetch_yew_example::api;

#[test]
fn items_survive_an_expired_token_with_one_refresh() {
    let server = MockServer::new();
    server
        .on(Method::POST, "/auth/login")
        .reply_json(200, r#"{"access_token":"a1","refresh_token":"r1"}"#);
    server
        .on(Method::GET, "/api/items")
        .reply_json(200, r#"{"items":[{"id":1,"name":"pen"}]}"#);
    server.refresh_route(
        "/auth/refresh",
        MockResponse::json(200, r#"{"access_token":"a2","refresh_token":"r2"}"#),
    );
    let client = tokenfetch::Client::builder()
        .base_url("https://api.test")
        .transport(server.transport())
        .auth(
            tokenfetch::AuthConfig::new()
                .refresh_endpoint(tokenfetch::auth::RefreshEndpoint::new("/auth/refresh")),
        )
        .build()
        .unwrap();
    block_on(api::log_in(&client, "ada", "pw")).unwrap();
    server.require_bearer("a2"); // the server has rotated: "a1" is expired
    let items = block_on(api::items(&client, 1)).unwrap();
    assert_eq!(
        items,
        vec![api::Item {
            id: 1,
            name: "pen".into()
        }]
    );
    assert_eq!(server.count("/auth/refresh"), 1);
    let _ = api::client; // the app's constructor is exercised in the browser test
}
