//! Test support for apps that use tokenfetch (feature `testing`): a scripted server behind a
//! [`Transport`], what `axios-mock-adapter` or `msw` are to axios users. It works natively and in
//! `wasm-pack test`, needs no network, and records every request the app sent.
//!
//! ```
//! # #[cfg(feature = "testing")] {
//! use tokenfetch::testing::{MockResponse, MockServer};
//! use tokenfetch::auth::{AuthConfig, RefreshEndpoint};
//! use tokenfetch::{Client, Method, Tokens};
//!
//! let server = MockServer::new();
//! server.on(Method::GET, "/api/items").reply_json(200, r#"{"items":[1,2,3]}"#);
//! server.refresh_route("/auth/refresh", MockResponse::json(200, r#"{"access_token":"new"}"#));
//! server.unauthorized_next(1); // the next request (the refresh aside) answers 401
//!
//! let client = Client::builder()
//!     .base_url("https://api.test")
//!     .transport(server.transport())
//!     .auth(AuthConfig::new().refresh_endpoint(RefreshEndpoint::new("/auth/refresh")))
//!     .build()
//!     .unwrap();
//! client.auth().unwrap().set_tokens(Tokens::new("old", Some("r".into()))).unwrap();
//! let res = futures::executor::block_on(client.get("/api/items").send()).unwrap();
//! assert_eq!(res.status(), 200);
//! let sent = server.requests();
//! assert_eq!(sent.len(), 3); // the 401, the refresh, the replay
//! assert_eq!(sent[2].secret_header("authorization").as_deref(), Some("Bearer new"));
//! # }
//! ```

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::time::Duration;

use futures::future::LocalBoxFuture;

use crate::error::Result;
use crate::http::headers::HeaderMap;
use crate::http::method::Method;
use crate::http::status::StatusCode;
use crate::request::Request;
use crate::response::Response;
use crate::transport::Transport;

/// A canned response.
#[derive(Clone)]
pub struct MockResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

impl MockResponse {
    /// A response with `status` and `body` (no headers).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        MockResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// A JSON response (`content-type: application/json`).
    pub fn json(status: u16, json: &str) -> Self {
        MockResponse::new(status, json).header("content-type", "application/json")
    }

    /// Add a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Answer after `delay` (a slow server).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    fn to_response(&self, url: &str) -> Response {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            headers.push_unchecked(name, value);
        }
        Response::new(StatusCode::new(self.status), headers, self.body.clone()).with_url(url)
    }
}

/// A request the app sent, as the mock server saw it. `Debug` hides secret headers; read one
/// with [`secret_header`](Self::secret_header).
#[derive(Clone)]
pub struct Recorded {
    /// The method.
    pub method: Method,
    /// The full URL.
    pub url: String,
    /// The URL's path (no query).
    pub path: String,
    /// The URL's query, without `?` (empty if none).
    pub query: String,
    headers: HeaderMap,
    /// The body's bytes (empty for browser objects such as `FormData`).
    pub body: Vec<u8>,
}

impl Recorded {
    /// A header's value, unless it is a secret (`authorization`, cookies, ...: `None`).
    pub fn header(&self, name: &str) -> Option<&str> {
        (!self.headers.is_sensitive(name))
            .then(|| self.headers.get(name))
            .flatten()
    }

    /// Any header's value, secrets included: ask for them explicitly.
    pub fn secret_header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(str::to_string)
    }
}

/// Header names and the body's size only: a canned refresh answer holds tokens.
impl fmt::Debug for MockResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("MockResponse")
            .field("status", &self.status)
            .field("headers", &names)
            .field("body_bytes", &self.body.len())
            .field("delay", &self.delay)
            .finish()
    }
}

impl fmt::Debug for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorded")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

struct Route {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    response: MockResponse,
    /// How many more times it answers (`None`: always).
    times: Option<usize>,
    /// The refresh route: never answered by `unauthorized_next`.
    refresh: bool,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    requests: Vec<Recorded>,
    unauthorized: usize,
    /// Only this bearer token is accepted (outside the refresh route), if set.
    bearer: Option<String>,
}

/// A scripted server: routes, canned answers, and a record of what the app sent. Cheap to clone;
/// clones share the script and the record.
#[derive(Clone, Default)]
pub struct MockServer {
    state: Rc<RefCell<State>>,
}

/// Configures one route; registered by a `reply*` call.
#[must_use = "a route is registered by .reply() or .reply_json()"]
pub struct RouteBuilder {
    server: MockServer,
    route: Route,
}

impl RouteBuilder {
    /// Match only requests whose query has `name=value`.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.route.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Match only requests with this header value (case-insensitive name).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.route
            .headers
            .push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Answer only the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Self {
        self.route.times = Some(n);
        self
    }

    /// Register the route with its answer.
    pub fn reply(mut self, response: MockResponse) {
        self.route.response = response;
        self.server.state.borrow_mut().routes.push(self.route);
    }

    /// Register the route with a JSON answer.
    pub fn reply_json(self, status: u16, json: &str) {
        self.reply(MockResponse::json(status, json));
    }
}

fn split_url(url: &str) -> (String, String) {
    let after_origin = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').and_then(|at| rest.get(at..)))
        .unwrap_or("/");
    let without_fragment = after_origin.split('#').next().unwrap_or("");
    match without_fragment.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (without_fragment.to_string(), String::new()),
    }
}

impl MockServer {
    /// A server with no routes: every request answers 404 until you add some.
    pub fn new() -> Self {
        MockServer::default()
    }

    /// The transport to give the client ([`ClientBuilder::transport`](crate::ClientBuilder::transport)).
    pub fn transport(&self) -> MockTransport {
        MockTransport {
            server: self.clone(),
        }
    }

    /// Start a route for `method` and `path` (the URL's path, exactly).
    pub fn on(&self, method: Method, path: &str) -> RouteBuilder {
        RouteBuilder {
            server: self.clone(),
            route: Route {
                method,
                path: path.to_string(),
                query: Vec::new(),
                headers: Vec::new(),
                response: MockResponse::new(200, Vec::new()),
                times: None,
                refresh: false,
            },
        }
    }

    /// The token refresh endpoint (`POST path`) answers `response`.
    pub fn refresh_route(&self, path: &str, response: MockResponse) {
        let mut route = self.on(Method::POST, path).route;
        route.response = response;
        route.refresh = true;
        self.state.borrow_mut().routes.push(route);
    }

    /// The next `n` requests (the refresh route aside) answer `401` with a Bearer
    /// `invalid_token` challenge: what a server says to an expired access token.
    pub fn unauthorized_next(&self, n: usize) {
        self.state.borrow_mut().unauthorized = n;
    }

    /// Accept only `Authorization: Bearer <token>` (outside the refresh route); any other
    /// request answers 401 with a Bearer `invalid_token` challenge — a server whose current
    /// access token is `token`. Change it when the refresh route hands out a new one.
    pub fn require_bearer(&self, token: &str) {
        self.state.borrow_mut().bearer = Some(token.to_string());
    }

    /// Every request the app sent, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.borrow().requests.clone()
    }

    /// How many requests were sent to `path`.
    pub fn count(&self, path: &str) -> usize {
        self.state
            .borrow()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    fn answer(&self, req: &Request) -> MockResponse {
        let (path, query) = split_url(req.url());
        let mut state = self.state.borrow_mut();
        state.requests.push(Recorded {
            method: req.method().clone(),
            url: req.url().to_string(),
            path: path.clone(),
            query: query.clone(),
            headers: req.headers().clone(),
            body: req
                .body()
                .as_bytes()
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
        });
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
        let found = state.routes.iter().position(|r| {
            r.method == *req.method()
                && r.path == path
                && r.times != Some(0)
                && r.query
                    .iter()
                    .all(|(k, v)| pairs.contains(&(k.as_str(), v.as_str())))
                && r.headers
                    .iter()
                    .all(|(k, v)| req.headers().get(k) == Some(v.as_str()))
        });
        let is_refresh = found.is_some_and(|i| state.routes[i].refresh);
        let unauthorized = || {
            MockResponse::json(401, r#"{"error":"invalid_token"}"#)
                .header("www-authenticate", r#"Bearer error="invalid_token""#)
        };
        if !is_refresh && state.unauthorized > 0 {
            state.unauthorized -= 1;
            return unauthorized();
        }
        if let (Some(token), false) = (&state.bearer, is_refresh) {
            let expected = crate::text::concat(&["Bearer ", token]);
            if req.headers().get("authorization") != Some(expected.as_str()) {
                return unauthorized();
            }
        }
        match found {
            Some(i) => {
                let route = &mut state.routes[i];
                if let Some(times) = &mut route.times {
                    *times -= 1;
                }
                route.response.clone()
            }
            None => MockResponse::new(404, crate::text::concat(&["no mock for ", &path])),
        }
    }
}

/// The [`Transport`] of a [`MockServer`].
#[derive(Clone)]
pub struct MockTransport {
    server: MockServer,
}

impl Transport for MockTransport {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let answer = self.server.answer(&req);
        Box::pin(async move {
            if !answer.delay.is_zero() {
                crate::rt::time::sleep(answer.delay).await;
            }
            Ok(answer.to_response(req.url()))
        })
    }
}
