//! The refresh request to a token endpoint: its configuration ([`RefreshEndpoint`]), and how
//! it is built, sent, read and classified. The single flight around it is in `refresh.rs`.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use super::tokens::Tokens;
use crate::error::{Error, Kind, Result};
use crate::http::headers::HeaderMap;
use crate::http::json;
use crate::http::method::Method;
use crate::request::{Credentials, Request};
use crate::transport::Transport;

/// How the refresh token is sent to the endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefreshTokenIn {
    /// A JSON body `{"<field>": "<refresh token>"}` (default, field `refresh_token`).
    Json(String),
    /// A form body `grant_type=refresh_token&<field>=<refresh token>` (RFC 6749 §6).
    Form(String),
    /// A header `Authorization: Bearer <refresh token>`, no body.
    BearerHeader,
}

/// A refresh token endpoint. Defaults: `POST`, JSON body `{"refresh_token": …}`, new tokens
/// read from `access_token` and `refresh_token` (dotted paths like `data.access_token` work;
/// a response without a refresh token keeps the old one).
#[derive(Clone)]
pub struct RefreshEndpoint {
    pub(crate) body_fn: Option<BodyFn>,
    pub(crate) url: String,
    pub(crate) method: Method,
    pub(crate) send_as: RefreshTokenIn,
    pub(crate) access_field: String,
    pub(crate) refresh_field: String,
    pub(crate) headers: HeaderMap,
    /// The server keeps the refresh token in an `HttpOnly` cookie (see
    /// [`with_credentials`](Self::with_credentials)).
    pub(crate) cookie: bool,
}

impl RefreshEndpoint {
    /// The endpoint at `url` (relative to the client's base URL, or absolute; made absolute
    /// when the client is built).
    pub fn new(url: &str) -> Self {
        RefreshEndpoint {
            body_fn: None,
            url: url.to_string(),
            method: Method::POST,
            send_as: RefreshTokenIn::Json("refresh_token".into()),
            access_field: "access_token".into(),
            refresh_field: "refresh_token".into(),
            headers: HeaderMap::new(),
            cookie: false,
        }
    }

    /// The server-managed mode: the refresh token lives in an `HttpOnly`, `Secure`,
    /// `SameSite` cookie that the server sets and JavaScript never sees. The refresh request
    /// is sent with credentials (`credentials: include`) and without a token in it; the client
    /// holds only the access token, and "no refresh token" is not "session expired". After a
    /// page load, call [`Auth::refresh`](crate::Auth::refresh) to get an access token from the
    /// cookie.
    pub fn with_credentials(mut self, on: bool) -> Self {
        self.cookie = on;
        self
    }
    /// The method (default `POST`).
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }
    /// How the refresh token is sent (default JSON field `refresh_token`).
    pub fn send_as(mut self, send_as: RefreshTokenIn) -> Self {
        self.send_as = send_as;
        self
    }
    /// Build the JSON body yourself from the refresh token (sent as `application/json`).
    pub fn json_body_with(mut self, body: impl Fn(&str) -> Result<String> + 'static) -> Self {
        self.body_fn = Some(Rc::new(body));
        self
    }

    /// Where the new access token is in the JSON response (default `access_token`).
    pub fn access_token_field(mut self, path: &str) -> Self {
        self.access_field = path.to_string();
        self
    }
    /// Where the new refresh token is in the JSON response (default `refresh_token`).
    pub fn refresh_token_field(mut self, path: &str) -> Self {
        self.refresh_field = path.to_string();
        self
    }
    /// An extra header for the refresh request (validated when the client is built). Its
    /// value is treated as a secret (a client secret often goes here): never in `Debug`.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        self.headers.insert_sensitive(name, value)?;
        Ok(self)
    }
}

/// Builds a JSON refresh body from the refresh token.
pub(crate) type BodyFn = Rc<dyn Fn(&str) -> Result<String>>;

impl core::fmt::Debug for RefreshEndpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RefreshEndpoint")
            .field("with_credentials", &self.cookie)
            .field("url", &crate::error::redact_url(&self.url))
            .field("method", &self.method)
            .field("send_as", &self.send_as)
            .field("custom_body", &self.body_fn.is_some())
            .finish_non_exhaustive()
    }
}

/// The most a token endpoint's answer may hold: token answers are a few KB; anything larger is
/// garbage, and is not parsed.
const MAX_ANSWER: usize = 64 * 1024;

/// Why a refresh did not give new tokens.
pub(crate) enum RefreshFailure {
    /// The session is over (refresh token rejected or missing, garbage answer).
    SessionOver(Error),
    /// Try again later (5xx, 408, 429, network, timeout): tokens are kept.
    Transient(Error),
}

/// Sort an error from a refresh into expired or transient.
pub(crate) fn classify(error: Error) -> RefreshFailure {
    match error.kind() {
        Kind::Network | Kind::Timeout | Kind::TotalTimeout => RefreshFailure::Transient(error),
        Kind::Status(s) if s.is_server_error() || s == 408 || s == 429 => {
            RefreshFailure::Transient(error)
        }
        Kind::Canceled => RefreshFailure::Transient(error),
        _ => RefreshFailure::SessionOver(error),
    }
}

fn garbage(why: &str) -> RefreshFailure {
    RefreshFailure::SessionOver(Error::new(
        Kind::Decode,
        crate::text::concat(&["the refresh endpoint answered ", why]),
    ))
}

/// Exchange `refresh_token` at the endpoint (its URL already resolved) for new tokens; in the
/// cookie mode there is no token to send (the browser sends the cookie).
pub(crate) async fn exchange(
    transport: &dyn Transport,
    endpoint: &RefreshEndpoint,
    refresh_token: Option<&str>,
    credentials: Credentials,
    timeout: Duration,
) -> core::result::Result<Tokens, RefreshFailure> {
    if endpoint.cookie {
        let mut req = Request::new(endpoint.method.clone(), &endpoint.url)
            .map_err(RefreshFailure::SessionOver)?;
        *req.headers_mut() = endpoint.headers.clone();
        req.headers_mut()
            .insert("accept", "application/json")
            .map_err(RefreshFailure::SessionOver)?;
        req.set_credentials(Credentials::Include);
        req.set_timeout(Some(timeout));
        guard(&mut req);
        return call_endpoint(transport, endpoint, req, None).await;
    }
    let Some(refresh_token) = refresh_token else {
        return Err(RefreshFailure::SessionOver(Error::new(
            Kind::SessionExpired,
            "no refresh token",
        )));
    };
    let mut req =
        build_request(endpoint, refresh_token, credentials).map_err(RefreshFailure::SessionOver)?;
    req.set_timeout(Some(timeout));
    guard(&mut req);
    call_endpoint(transport, endpoint, req, Some(refresh_token)).await
}

/// What every refresh request gets: it never follows a redirect (a 307/308 would re-send the
/// refresh token wherever it leads, and that origin's answer would be taken as new tokens; a
/// redirect is a transient failure instead), and its answer is read to at most
/// [`MAX_ANSWER`] bytes (the download is canceled past it, nothing larger reaches memory).
fn guard(req: &mut Request) {
    req.set_follow_redirects(false);
    req.set_max_body(Some(MAX_ANSWER as u64));
}

/// Build the refresh request.
fn build_request(
    endpoint: &RefreshEndpoint,
    refresh_token: &str,
    credentials: Credentials,
) -> Result<Request> {
    let mut req = Request::new(endpoint.method.clone(), &endpoint.url)?;
    *req.headers_mut() = endpoint.headers.clone();
    req.headers_mut().insert("accept", "application/json")?;
    req.set_credentials(credentials);
    if let Some(body_fn) = &endpoint.body_fn {
        req.headers_mut()
            .insert("content-type", "application/json")?;
        req.set_body(body_fn(refresh_token)?.into());
        return Ok(req);
    }
    match &endpoint.send_as {
        RefreshTokenIn::Json(field) => {
            let mut body = String::from("{");
            json::quote(field, &mut body);
            body.push(':');
            json::quote(refresh_token, &mut body);
            body.push('}');
            req.headers_mut()
                .insert("content-type", "application/json")?;
            req.set_body(body.into());
        }
        RefreshTokenIn::Form(field) => {
            let mut body = String::from("grant_type=refresh_token&");
            crate::http::url::form_encode(field, &mut body);
            body.push('=');
            crate::http::url::form_encode(refresh_token, &mut body);
            req.headers_mut()
                .insert("content-type", "application/x-www-form-urlencoded")?;
            req.set_body(body.into());
        }
        RefreshTokenIn::BearerHeader => {
            req.headers_mut().insert_sensitive(
                "authorization",
                &crate::text::concat(&["Bearer ", refresh_token]),
            )?;
        }
    }
    Ok(req)
}

/// Call the endpoint and read the new tokens.
async fn call_endpoint(
    transport: &dyn Transport,
    endpoint: &RefreshEndpoint,
    req: Request,
    old_refresh: Option<&str>,
) -> core::result::Result<Tokens, RefreshFailure> {
    let res = transport.send(req).await.map_err(classify)?;
    let status = res.status();
    let text = res.text().await.map_err(|e| match e.kind() {
        Kind::Decode => garbage("more than 64 KiB"),
        _ => classify(e),
    })?;
    if text.len() > MAX_ANSWER {
        return Err(garbage("more than 64 KiB"));
    }
    if !status.is_success() {
        let code = json::string_at(&text, "error")
            .ok()
            .flatten()
            .filter(|c| c.len() <= 64 && c.bytes().all(|b| b.is_ascii_graphic()));
        let error = Error::new(
            Kind::Status(status),
            match code {
                Some(code) => crate::text::concat(&["refresh refused: ", &code]),
                None => "refresh refused".to_string(),
            },
        );
        return Err(classify(error));
    }
    let not_json = |_| garbage("something that is not JSON");
    let access = json::string_at(&text, &endpoint.access_field).map_err(not_json)?;
    let access = access.ok_or_else(|| {
        garbage(&crate::text::concat(&[
            "no `",
            &endpoint.access_field,
            "` string",
        ]))
    })?;
    let tokens = Tokens::new(
        access,
        json::string_at(&text, &endpoint.refresh_field)
            .map_err(not_json)?
            .or_else(|| old_refresh.map(str::to_string)),
    );
    tokens
        .validate()
        .map_err(|_| garbage("a malformed token"))?;
    Ok(tokens)
}
