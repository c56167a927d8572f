//! The auth middleware driven natively by a scripted OAuth server (no browser): refresh
//! modes, custom refresh functions, the pre-emptive refresh guard, and the storm logic.
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::executor::block_on;
use futures::future::{join_all, LocalBoxFuture};
use tokenfetch::auth::{RefreshEndpoint, RefreshTokenIn};
use tokenfetch::{
    AuthConfig, Client, Error, HeaderMap, Kind, Request, Response, Result, StatusCode, Tokens,
    Transport,
};

fn b64(s: &str) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A JWT-shaped token expiring `ttl` seconds from now.
fn jwt(id: u32, ttl: i64) -> String {
    let now = tokenfetch::time::now_ms() / 1000.0;
    let exp = now as i64 + ttl;
    format!(
        "{}.{}.sig",
        b64(r#"{"alg":"none"}"#),
        b64(&format!(r#"{{"id":{id},"exp":{exp}}}"#))
    )
}

/// What the fake server saw: (URL or body, Authorization header).
type Seen = Rc<RefCell<Vec<(String, Option<String>)>>>;

/// One valid access token at a time; `/refresh` rotates it.
#[derive(Clone)]
struct FakeServer {
    valid: Rc<RefCell<String>>,
    ttl: i64,
    refreshes: Rc<Cell<u32>>,
    refresh_bodies: Seen,
    api_calls: Seen,
    refresh_status: Rc<Cell<u16>>,
}

impl FakeServer {
    fn new(ttl: i64) -> Self {
        FakeServer {
            valid: Rc::new(RefCell::new(jwt(0, ttl))),
            ttl,
            refreshes: Rc::default(),
            refresh_bodies: Rc::default(),
            api_calls: Rc::default(),
            refresh_status: Rc::new(Cell::new(200)),
        }
    }
}

fn json_response(status: u16, body: String) -> Response {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json").unwrap();
    Response::new(StatusCode::new(status), h, body)
}

impl Transport for FakeServer {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        Box::pin(async move {
            let auth = req.headers().get("authorization").map(str::to_string);
            if req.url().ends_with("/refresh") {
                let body = req
                    .body()
                    .as_bytes()
                    .map(|b| String::from_utf8_lossy(b).into_owned());
                self.refresh_bodies
                    .borrow_mut()
                    .push((body.unwrap_or_default(), auth));
                self.refreshes.set(self.refreshes.get() + 1);
                tokenfetch::time::sleep(Duration::from_millis(30)).await;
                let status = self.refresh_status.get();
                if status != 200 {
                    return Ok(json_response(status, r#"{"error":"invalid_grant"}"#.into()));
                }
                let next = jwt(self.refreshes.get(), self.ttl);
                *self.valid.borrow_mut() = next.clone();
                return Ok(json_response(
                    200,
                    format!(
                        r#"{{"access_token":"{next}","refresh_token":"r{}"}}"#,
                        self.refreshes.get()
                    ),
                ));
            }
            self.api_calls
                .borrow_mut()
                .push((req.url().to_string(), auth.clone()));
            let ok = auth.as_deref() == Some(&format!("Bearer {}", self.valid.borrow()));
            Ok(json_response(if ok { 200 } else { 401 }, "{}".into()))
        })
    }
}

fn logged_in(server: &FakeServer, config: AuthConfig) -> Client {
    let client = Client::builder()
        .base_url("http://api.test")
        .transport(server.clone())
        .auth(config)
        .build()
        .unwrap();
    let first = server.valid.borrow().clone();
    client
        .auth()
        .unwrap()
        .set_tokens(Tokens::new(first, Some("r0".into())))
        .unwrap();
    client
}

fn endpoint() -> RefreshEndpoint {
    RefreshEndpoint::new("/auth/refresh")
}

#[test]
fn storm_refreshes_once_and_replays_in_issue_order() {
    let server = FakeServer::new(3600);
    let client = logged_in(&server, AuthConfig::new().refresh_endpoint(endpoint()));
    *server.valid.borrow_mut() = "revoked".into();
    let results = block_on(join_all(
        (0..20).map(|i| client.get(&format!("/seq/{i}")).send()),
    ));
    assert!(results.iter().all(|r| r.as_ref().unwrap().ok()));
    assert_eq!(server.refreshes.get(), 1);
    // #0 went out with the dead token; #1..#19 were issued while the refresh ran, so they
    // waited instead of going out stale; then everything went out in issue order.
    let calls = server.api_calls.borrow();
    let urls: Vec<&str> = calls.iter().map(|(url, _)| url.as_str()).collect();
    let mut expected = vec!["http://api.test/seq/0".to_string()];
    expected.extend((0..20).map(|i| format!("http://api.test/seq/{i}")));
    assert_eq!(urls, expected);
}

#[test]
fn refresh_token_can_go_as_form_or_bearer_header() {
    for (mode, body, header) in [
        (
            RefreshTokenIn::Json("refresh_token".into()),
            r#"{"refresh_token":"r0"}"#,
            None,
        ),
        (
            RefreshTokenIn::Form("refresh_token".into()),
            "grant_type=refresh_token&refresh_token=r0",
            None,
        ),
        (RefreshTokenIn::BearerHeader, "", Some("Bearer r0")),
    ] {
        let server = FakeServer::new(3600);
        let client = logged_in(
            &server,
            AuthConfig::new().refresh_endpoint(endpoint().send_as(mode)),
        );
        *server.valid.borrow_mut() = "revoked".into();
        assert!(block_on(client.get("/x").send()).unwrap().ok());
        let seen = server.refresh_bodies.borrow();
        assert_eq!(seen[0].0, body);
        assert_eq!(seen[0].1.as_deref(), header);
    }
}

#[test]
fn custom_refresh_function_and_its_failures() {
    let server = FakeServer::new(3600);
    let valid = server.valid.clone();
    let client = logged_in(
        &server,
        AuthConfig::new().refresh_with(async move |refresh: String| -> Result<Tokens> {
            assert_eq!(refresh, "r0");
            *valid.borrow_mut() = "custom-1".into();
            Ok(Tokens::new("custom-1", Some("r1".into())))
        }),
    );
    *server.valid.borrow_mut() = "revoked".into();
    assert!(block_on(client.get("/x").send()).unwrap().ok());
    assert_eq!(
        client.auth().unwrap().tokens().unwrap(),
        Some(Tokens::new("custom-1", Some("r1".into())))
    );

    // A transient failure keeps the tokens; a refusal ends the session.
    for (error, expired) in [
        (Error::new(Kind::Network, "offline"), false),
        (
            Error::new(Kind::Status(StatusCode::new(400)), "invalid_grant"),
            true,
        ),
    ] {
        let server = FakeServer::new(3600);
        let error = error.clone();
        let client = logged_in(
            &server,
            AuthConfig::new()
                .refresh_with(async move |_: String| -> Result<Tokens> { Err(error.clone()) }),
        );
        *server.valid.borrow_mut() = "revoked".into();
        let err = block_on(client.get("/x").send()).unwrap_err();
        assert_eq!(err.is_session_expired(), expired, "{err}");
        assert_eq!(client.auth().unwrap().tokens().unwrap().is_some(), !expired);
    }
}

#[test]
fn a_short_lived_token_is_not_refreshed_before_every_request() {
    // The server's TTL (10 s) is shorter than the skew (30 s): refresh once pre-emptively,
    // then use the fresh token until it really expires.
    let server = FakeServer::new(10);
    let client = logged_in(&server, AuthConfig::new().refresh_endpoint(endpoint()));
    for _ in 0..5 {
        assert!(block_on(client.get("/x").send()).unwrap().ok());
    }
    assert_eq!(server.refreshes.get(), 1);
    let calls = server.api_calls.borrow();
    assert_eq!(
        calls.len(),
        5,
        "no request was sent with the expiring token and rejected"
    );
}

#[test]
fn custom_trigger_statuses_and_predicate() {
    let server = FakeServer::new(3600);
    let client = logged_in(
        &server,
        AuthConfig::new()
            .refresh_endpoint(endpoint())
            .refresh_on(&[419]),
    );
    *server.valid.borrow_mut() = "revoked".into();
    assert_eq!(block_on(client.get("/x").send()).unwrap().status(), 401);
    assert_eq!(server.refreshes.get(), 0);

    let server = FakeServer::new(3600);
    let client = logged_in(
        &server,
        AuthConfig::new()
            .refresh_endpoint(endpoint())
            .should_refresh(|res| res.status() == 401),
    );
    *server.valid.borrow_mut() = "revoked".into();
    assert!(block_on(client.get("/x").send()).unwrap().ok());
    assert_eq!(server.refreshes.get(), 1);
}

#[test]
fn refused_refresh_calls_the_callback_once_and_clears() {
    let server = FakeServer::new(3600);
    server.refresh_status.set(401);
    let calls = Rc::new(Cell::new(0));
    let seen = calls.clone();
    let client = logged_in(
        &server,
        AuthConfig::new()
            .refresh_endpoint(endpoint())
            .on_session_expired(move |err| {
                assert!(err.is_session_expired());
                seen.set(seen.get() + 1)
            }),
    );
    *server.valid.borrow_mut() = "revoked".into();
    let results = block_on(join_all((0..10).map(|_| client.get("/x").send())));
    assert!(results
        .iter()
        .all(|r| r.as_ref().unwrap_err().is_session_expired()));
    assert_eq!(calls.get(), 1);
    assert_eq!(server.refreshes.get(), 1);
    assert_eq!(client.auth().unwrap().tokens().unwrap(), None);
}

#[test]
fn bad_auth_configuration_is_an_error() {
    let build = |config: AuthConfig| {
        Client::builder()
            .base_url("http://api.test")
            .auth(config)
            .build()
            .map(|_| ())
    };
    assert!(build(AuthConfig::new().header("bad header"))
        .unwrap_err()
        .is_builder());
    assert!(build(AuthConfig::new().scheme("Bad Scheme"))
        .unwrap_err()
        .is_builder());
    assert!(build(AuthConfig::new().refresh_timeout(Duration::ZERO))
        .unwrap_err()
        .is_builder());
    assert!(
        build(AuthConfig::new().refresh_endpoint(RefreshEndpoint::new("//evil.test/r")))
            .unwrap_err()
            .kind()
            == Kind::InvalidUrl
    );
    let client = Client::builder()
        .base_url("http://api.test")
        .auth(AuthConfig::new())
        .build()
        .unwrap();
    let err = client
        .auth()
        .unwrap()
        .set_tokens(Tokens::new("a\r\nb", None))
        .unwrap_err();
    assert_eq!(err.kind(), Kind::InvalidHeader);
}

/// Answers every request with one fixed token answer.
struct FixedAnswer(String);

impl Transport for FixedAnswer {
    fn send(&self, _req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let res = json_response(200, self.0.clone());
        Box::pin(async move { Ok(res) })
    }
}

#[test]
fn a_token_answer_over_64_kib_is_garbage_and_is_not_parsed() {
    let answer = |padding: usize| {
        let mut body = String::from("{");
        for i in 0..padding {
            body.push_str(&format!("\"k{i:07}\":1,"));
        }
        body.push_str(r#""access_token":"a.b.c","refresh_token":"r1"}"#);
        body
    };
    let refresh = |body: String| {
        let client = Client::builder()
            .base_url("http://api.test")
            .transport(FixedAnswer(body))
            .auth(AuthConfig::new().refresh_endpoint(endpoint()))
            .build()
            .unwrap();
        let auth = client.auth().unwrap().clone();
        auth.set_tokens(Tokens::new("old", Some("r0".into())))
            .unwrap();
        block_on(auth.refresh())
    };
    // 4,000 keys (52 KB) are read; 40,000 (520 KB) used to freeze the page while being parsed.
    assert!(refresh(answer(4_000)).is_ok());
    let err = refresh(answer(40_000)).unwrap_err();
    assert!(err.is_session_expired(), "{err}");
    assert_eq!(err.cause().map(|c| c.kind()), Some(Kind::Decode));
    assert!(err.to_string().contains("64 KiB"), "{err}");
}
