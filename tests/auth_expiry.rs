//! Expiry from an OAuth server's `expires_in` (RFC 6749 §5.1), driven natively by a scripted
//! token endpoint that issues opaque tokens: refreshed before they expire (no 401), refreshed
//! tokens refreshed early again, the refresh-loop guard for tokens born inside the margin, and
//! §5.2 errors (a configuration error keeps the session, `invalid_grant` ends it).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use tokenfetch::auth::RefreshEndpoint;
use tokenfetch::{
    AuthConfig, Client, HeaderMap, Kind, Request, Response, Result, StatusCode, Tokens, Transport,
};

/// Opaque access tokens `t<n>` living `ttl` seconds (by the server's clock); `/token` issues
/// the next one with `expires_in`, or answers `error` with a 400.
#[derive(Clone)]
struct OpaqueServer {
    ttl: f64,
    current: Rc<RefCell<(String, f64)>>,
    refreshes: Rc<Cell<u32>>,
    rejected: Rc<Cell<u32>>,
    bodies: Rc<RefCell<Vec<String>>>,
    error: Rc<RefCell<Option<&'static str>>>,
}

fn now() -> f64 {
    tokenfetch::time::now_ms() / 1000.0
}

impl OpaqueServer {
    fn new(ttl: f64) -> Self {
        OpaqueServer {
            ttl,
            current: Rc::new(RefCell::new(("t0".into(), now() + ttl))),
            refreshes: Rc::default(),
            rejected: Rc::default(),
            bodies: Rc::default(),
            error: Rc::default(),
        }
    }

    fn client(&self, config: AuthConfig) -> Client {
        let client = Client::builder()
            .base_url("http://api.test")
            .transport(self.clone())
            .auth(config.refresh_endpoint(
                RefreshEndpoint::oauth("http://id.test/token", "spa").scope("api"),
            ))
            .build()
            .unwrap();
        let tokens = Tokens::new("t0", Some("r0".into())).expiring_in(self.ttl);
        client.auth().unwrap().set_tokens(tokens).unwrap();
        client
    }
}

fn answer(status: u16, body: String) -> Response {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json").unwrap();
    Response::new(StatusCode::new(status), h, body)
}

impl Transport for OpaqueServer {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        Box::pin(async move {
            if req.url() == "http://id.test/token" {
                let body = String::from_utf8_lossy(req.body().as_bytes().unwrap()).into_owned();
                self.bodies.borrow_mut().push(body);
                if let Some(error) = *self.error.borrow() {
                    let text =
                        format!(r#"{{"error":"{error}","error_description":"says {error}"}}"#);
                    return Ok(answer(400, text));
                }
                self.refreshes.set(self.refreshes.get() + 1);
                let token = format!("t{}", self.refreshes.get());
                *self.current.borrow_mut() = (token.clone(), now() + self.ttl);
                return Ok(answer(
                    200,
                    format!(
                        r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{},"refresh_token":"r{}"}}"#,
                        self.ttl,
                        self.refreshes.get()
                    ),
                ));
            }
            let (token, exp) = self.current.borrow().clone();
            let sent = req.headers().get("authorization").map(str::to_string);
            if sent != Some(format!("Bearer {token}")) || now() >= exp {
                self.rejected.set(self.rejected.get() + 1);
                return Ok(answer(401, "{}".into()));
            }
            Ok(answer(200, "{}".into()))
        })
    }
}

fn skew(ms: u64) -> AuthConfig {
    AuthConfig::new().refresh_before_expiry(Some(Duration::from_millis(ms)))
}

#[test]
fn opaque_tokens_are_refreshed_before_expires_in_and_refreshed_tokens_early_again() {
    // Each token lives 1 s; refresh when less than 0.6 s is left. Before: the first token was
    // used until the server refused it (an opaque token has no `exp`), and a refreshed one
    // until 0.0x s before its end.
    let server = OpaqueServer::new(1.0);
    let client = server.client(skew(600));
    for _ in 0..3 {
        assert!(block_on(client.get("/x").send()).unwrap().ok());
        block_on(tokenfetch::time::sleep(Duration::from_millis(500)));
    }
    assert!(block_on(client.get("/x").send()).unwrap().ok());
    assert_eq!(server.rejected.get(), 0, "a request met an expired token");
    assert_eq!(
        server.refreshes.get(),
        3,
        "one refresh per lifetime, each early"
    );
    let stored = client.auth().unwrap().tokens().unwrap().unwrap();
    assert!(
        stored.expires_at.is_some_and(|at| at > now()),
        "expires_in kept"
    );
    assert_eq!(
        server.bodies.borrow()[0],
        "grant_type=refresh_token&refresh_token=r0&client_id=spa&scope=api"
    );
}

#[test]
fn a_token_born_inside_the_margin_is_not_refreshed_before_every_request() {
    // The server's lifetime (0.3 s) is shorter than the margin (0.6 s): one refresh, then the
    // new token is used until it really expires, not refreshed again per request.
    let server = OpaqueServer::new(0.3);
    let client = server.client(skew(600));
    for _ in 0..5 {
        assert!(block_on(client.get("/x").send()).unwrap().ok());
    }
    assert_eq!(server.refreshes.get(), 1);
    assert_eq!(server.rejected.get(), 0);
}

#[test]
fn a_configuration_error_keeps_the_session_and_invalid_grant_ends_it() {
    let server = OpaqueServer::new(60.0);
    let ended = Rc::new(Cell::new(0));
    let seen = ended.clone();
    let client = server.client(skew(0).on_session_expired(move |_| seen.set(seen.get() + 1)));
    *server.error.borrow_mut() = Some("invalid_request");
    let err = block_on(client.auth().unwrap().refresh()).unwrap_err();
    assert_eq!(err.kind(), Kind::Builder, "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains("misconfigured") && shown.contains("invalid_request: says invalid_request"),
        "{shown}"
    );
    assert!(
        client.auth().unwrap().tokens().unwrap().is_some(),
        "tokens kept"
    );
    assert_eq!(ended.get(), 0);
    *server.error.borrow_mut() = Some("invalid_grant");
    let err = block_on(client.auth().unwrap().refresh()).unwrap_err();
    assert!(err.is_session_expired(), "{err}");
    assert!(
        format!("{err:#}").contains("invalid_grant: says invalid_grant")
            || err.to_string().contains("invalid_grant"),
        "{err}"
    );
    assert!(client.auth().unwrap().tokens().unwrap().is_none());
    assert_eq!(ended.get(), 1);
}
