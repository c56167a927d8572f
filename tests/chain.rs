//! The middleware chain driven natively by a scripted in-memory transport (no browser).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use tokenfetch::{
    CancelHandle, Client, HeaderMap, Kind, Method, Middleware, Next, Request, Response, Result,
    StatusCode, Transport,
};

/// Answers each request with the next scripted status; records what it was sent.
#[derive(Clone, Default)]
struct Script {
    statuses: Rc<RefCell<Vec<u16>>>,
    seen: Rc<RefCell<Vec<Request>>>,
}

impl Script {
    fn answering(statuses: &[u16]) -> Self {
        let s = Script::default();
        s.statuses.borrow_mut().extend(statuses.iter().rev());
        s
    }
    fn seen(&self) -> Vec<Request> {
        self.seen.borrow().clone()
    }
}

impl Transport for Script {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let status = self.statuses.borrow_mut().pop().unwrap_or(200);
        let body = req
            .body()
            .as_bytes()
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        self.seen.borrow_mut().push(req);
        Box::pin(async move {
            Ok(Response::new(
                StatusCode::new(status),
                HeaderMap::new(),
                body,
            ))
        })
    }
}

/// Never answers; notes when its future is dropped (i.e. the fetch would be aborted).
#[derive(Clone, Default)]
struct Hang {
    dropped: Rc<Cell<bool>>,
}

struct DropFlag(Rc<Cell<bool>>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

impl Transport for Hang {
    fn send(&self, _req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let flag = DropFlag(self.dropped.clone());
        Box::pin(async move {
            let _flag = flag;
            futures::future::pending().await
        })
    }
}

fn client_with(script: &Script) -> tokenfetch::ClientBuilder {
    Client::builder()
        .base_url("http://api.test/v1")
        .transport(script.clone())
}

/// A middleware that logs when it sees the request and the response.
struct Tag(&'static str, Rc<RefCell<Vec<String>>>);

impl Middleware for Tag {
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            self.1.borrow_mut().push(format!("{} in", self.0));
            let res = next.run(req).await;
            self.1.borrow_mut().push(format!("{} out", self.0));
            res
        })
    }
}

#[test]
fn first_added_middleware_is_outermost() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let script = Script::default();
    let client = client_with(&script)
        .with(Tag("a", log.clone()))
        .with(Tag("b", log.clone()))
        .with(Tag("c", log.clone()))
        .build()
        .unwrap();
    block_on(client.get("/x").send()).unwrap();
    assert_eq!(
        *log.borrow(),
        ["a in", "b in", "c in", "c out", "b out", "a out"]
    );
}

#[test]
fn async_closure_middleware_can_edit_the_request_and_short_circuit() {
    let script = Script::default();
    let client = client_with(&script)
        .with(
            async |mut req: Request, next: Next<'_>| -> Result<Response> {
                req.headers_mut().insert("x-trace", "7")?;
                next.run(req).await
            },
        )
        .with(async |req: Request, next: Next<'_>| -> Result<Response> {
            if req.url().ends_with("/cached") {
                return Ok(Response::new(StatusCode::new(203), HeaderMap::new(), "hit"));
            }
            next.run(req).await
        })
        .build()
        .unwrap();
    let res = block_on(client.get("/cached").send()).unwrap();
    assert_eq!(res.status(), 203);
    assert_eq!(block_on(res.text()).unwrap(), "hit");
    assert!(
        script.seen().is_empty(),
        "short-circuited request reached the transport"
    );
    block_on(client.get("/live").send()).unwrap();
    assert_eq!(script.seen()[0].headers().get("x-trace"), Some("7"));
}

#[test]
fn middleware_can_send_the_same_request_twice() {
    let script = Script::answering(&[503, 200]);
    let client = client_with(&script)
        .with(async |req: Request, next: Next<'_>| -> Result<Response> {
            let first = next.run(req.clone()).await?;
            if first.status().is_server_error() {
                return next.run(req).await;
            }
            Ok(first)
        })
        .build()
        .unwrap();
    let res = block_on(client.put("/items/1").body("same body").send()).unwrap();
    assert_eq!(res.status(), 200);
    let seen = script.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].body().as_bytes(), Some(&b"same body"[..]));
    assert_eq!(seen[1].body().as_bytes(), Some(&b"same body"[..]));
}

#[test]
fn default_headers_query_and_json_reach_the_transport() {
    let script = Script::default();
    let client = client_with(&script)
        .default_header("x-app", "demo")
        .default_header("accept", "*/*")
        .timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    let res = block_on(
        client
            .post("items")
            .header("Accept", "application/json")
            .query([("page", 2)])
            .query([("q", "a b")])
            .json(&serde_json::json!({"name": "pen"}))
            .unwrap()
            .send(),
    )
    .unwrap();
    let echoed: serde_json::Value = block_on(res.json()).unwrap();
    assert_eq!(echoed["name"], "pen");
    let req = &script.seen()[0];
    assert_eq!(req.url(), "http://api.test/v1/items?page=2&q=a+b");
    assert_eq!(req.method(), &Method::POST);
    assert_eq!(req.headers().get("x-app"), Some("demo"));
    assert_eq!(req.headers().get("accept"), Some("application/json"));
    assert_eq!(req.headers().get("content-type"), Some("application/json"));
    assert_eq!(req.timeout(), Some(Duration::from_secs(3)));
}

#[test]
fn invalid_input_never_reaches_the_transport() {
    let script = Script::default();
    let client = client_with(&script).build().unwrap();
    let cases: Vec<(tokenfetch::RequestBuilder, Kind)> = vec![
        (
            client.get("/x").header("x-a", "1\r\nx-b: 2"),
            Kind::InvalidHeader,
        ),
        (
            client.get("/x").header("bad name", "1"),
            Kind::InvalidHeader,
        ),
        (client.get("//evil.test/x"), Kind::InvalidUrl),
        (client.get("/\\evil.test"), Kind::InvalidUrl),
        (client.get("javascript:alert(1)"), Kind::InvalidUrl),
        (client.get("/x").body("no body on GET"), Kind::Body),
        (client.get("/x").timeout(Duration::ZERO), Kind::Builder),
    ];
    for (builder, kind) in cases {
        let err = block_on(builder.send()).unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
    }
    assert_eq!(
        Method::from_str("GET\r\n").unwrap_err().kind(),
        Kind::InvalidMethod
    );
    assert!(script.seen().is_empty());
}

#[test]
fn builder_errors_are_returned_not_panicked() {
    let bad = [
        Client::builder().base_url("not a url").build(),
        Client::builder().base_url("ftp://x.test").build(),
        Client::builder().default_header("x", "a\nb").build(),
        Client::builder().timeout(Duration::ZERO).build(),
    ];
    for result in bad {
        assert!(result.unwrap_err().is_builder());
    }
}

#[test]
fn cancel_handle_stops_a_pending_request_and_drops_the_fetch() {
    let hang = Hang::default();
    let client = Client::builder()
        .base_url("http://api.test")
        .transport(hang.clone())
        .build()
        .unwrap();
    let handle = CancelHandle::new();
    let canceller = handle.clone();
    let request = client.get("/slow").cancel_handle(&handle).send();
    let cancel_soon = async move {
        tokenfetch::time::sleep(Duration::from_millis(20)).await;
        canceller.cancel();
    };
    let (result, ()) = block_on(futures::future::join(request, cancel_soon));
    assert_eq!(result.unwrap_err().kind(), Kind::Canceled);
    assert!(hang.dropped.get(), "the transport future was not dropped");
}

#[test]
fn status_is_a_response_until_asked() {
    let script = Script::answering(&[404, 500, 204]);
    let client = client_with(&script).build().unwrap();
    let res = block_on(client.get("/missing").send()).unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let err = res.error_for_status().unwrap_err();
    assert_eq!(err.kind(), Kind::Status(StatusCode::NOT_FOUND));
    assert_eq!(err.url(), None);
    let err = block_on(client.get("/boom").send())
        .unwrap()
        .error_for_status()
        .unwrap_err();
    assert_eq!(err.status().map(u16::from), Some(500));
    assert!(block_on(client.delete("/x").send())
        .unwrap()
        .error_for_status()
        .is_ok());
}

#[test]
fn debug_and_errors_never_show_secrets() {
    let script = Script::default();
    let client = client_with(&script).build().unwrap();
    let req = client
        .post("/login?token=SECRET0")
        .header("Authorization", "Bearer SECRET1")
        .header("Cookie", "sid=SECRET2")
        .sensitive_header("x-api-key", "SECRET3")
        .body(r#"{"password":"SECRET4"}"#)
        .build()
        .unwrap();
    let shown = format!("{req:?}");
    for secret in ["SECRET0", "SECRET1", "SECRET2", "SECRET3", "SECRET4"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let err = block_on(
        client
            .get("/x?token=SECRET0")
            .header("authorization", "Bearer SECRET1\r\n")
            .send(),
    )
    .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
}
