//! The refresh request to a token endpoint: its configuration ([`RefreshEndpoint`]), and how
//! it is built, sent, read and classified. The single flight around it is in `refresh.rs`.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use super::answer::{classify, garbage, refused, RefreshFailure};
use super::tokens::Tokens;
use crate::body::Body;
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
    /// A form body `grant_type=refresh_token&<field>=<refresh token>` (RFC 6749 §6), with
    /// `client_id` and `scope` when set.
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
    /// A public client's `client_id` (RFC 6749 §2.3), sent in the body.
    pub(crate) client_id: Option<String>,
    /// The `scope` to ask for, sent in the body.
    pub(crate) scope: Option<String>,
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
            client_id: None,
            scope: None,
        }
    }

    /// An OAuth 2.0 token endpoint (RFC 6749 §6) for a public client: a form body
    /// `grant_type=refresh_token&refresh_token=…&client_id=…` sent as
    /// `application/x-www-form-urlencoded`, the answer read as §5.1 says (`access_token`,
    /// `refresh_token` — kept when absent: servers may not rotate —, `expires_in`,
    /// `token_type`) and its errors as §5.2: `invalid_grant` ends the session;
    /// `invalid_request`, `invalid_client`, `unauthorized_client`, `unsupported_grant_type` and
    /// `invalid_scope` are configuration errors ([`Kind::Builder`], the tokens kept).
    ///
    /// ```
    /// use tokenfetch::auth::{AuthConfig, RefreshEndpoint};
    ///
    /// let auth = AuthConfig::new()
    ///     .refresh_endpoint(RefreshEndpoint::oauth("https://id.example.com/token", "spa").scope("openid offline_access"))
    ///     .revoke_url("https://id.example.com/token/revocation");
    /// # let _ = auth;
    /// ```
    pub fn oauth(url: &str, client_id: &str) -> Self {
        let mut endpoint = RefreshEndpoint::new(url);
        endpoint.send_as = RefreshTokenIn::Form("refresh_token".into());
        endpoint.client_id = Some(client_id.to_string());
        endpoint
    }

    /// The `client_id` sent in the body (a public client's; a confidential client
    /// authenticates with a [`header`](Self::header) instead).
    pub fn client_id(mut self, client_id: &str) -> Self {
        self.client_id = Some(client_id.to_string());
        self
    }

    /// The `scope` sent in the body (default: none, the grant's own).
    pub fn scope(mut self, scope: &str) -> Self {
        self.scope = Some(scope.to_string());
        self
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
        self.body_fn = Some(Rc::new(move |token: &str| {
            Ok((body(token)?.into(), Some("application/json")))
        }));
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

/// Builds the refresh body from the refresh token: the body and its content type (`None`: the
/// platform's, as for `FormData`).
pub(crate) type BodyFn = Rc<dyn Fn(&str) -> Result<(Body, Option<&'static str>)>>;

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

/// Exchange `refresh_token` at the endpoint (its URL already resolved) for new tokens; in the
/// cookie mode there is no token to send (the browser sends the cookie).
pub(crate) async fn exchange(
    transport: &dyn Transport,
    endpoint: &RefreshEndpoint,
    refresh_token: Option<&str>,
    credentials: Credentials,
    timeout: Duration,
    scheme: &str,
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
        return call_endpoint(transport, endpoint, req, None, scheme).await;
    }
    let Some(refresh_token) = refresh_token else {
        return Err(RefreshFailure::SessionOver(Error::new(
            Kind::SessionExpired,
            "no refresh token",
        )));
    };
    let mut req = build_request(endpoint, refresh_token, credentials).map_err(classify)?;
    req.set_timeout(Some(timeout));
    guard(&mut req);
    call_endpoint(transport, endpoint, req, Some(refresh_token), scheme).await
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
        let (body, content_type) = body_fn(refresh_token)?;
        if let Some(content_type) = content_type {
            req.headers_mut().insert("content-type", content_type)?;
        }
        req.set_body(body);
        return Ok(req);
    }
    // The token, then `client_id` and `scope` when set.
    let fields = [
        ("", Some(refresh_token)),
        ("client_id", endpoint.client_id.as_deref()),
        ("scope", endpoint.scope.as_deref()),
    ];
    match &endpoint.send_as {
        RefreshTokenIn::Json(field) => {
            let mut body = String::from("{");
            for (name, value) in fields {
                let Some(value) = value else { continue };
                if body.len() > 1 {
                    body.push(',');
                }
                json::quote(if name.is_empty() { field } else { name }, &mut body);
                body.push(':');
                json::quote(value, &mut body);
            }
            body.push('}');
            req.headers_mut()
                .insert("content-type", "application/json")?;
            req.set_body(body.into());
        }
        RefreshTokenIn::Form(field) => {
            let mut body = String::from("grant_type=refresh_token");
            for (name, value) in fields {
                let Some(value) = value else { continue };
                body.push('&');
                crate::http::url::form_encode(
                    if name.is_empty() { field } else { name },
                    &mut body,
                );
                body.push('=');
                crate::http::url::form_encode(value, &mut body);
            }
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

/// Call the endpoint and read the new tokens (or why there are none: `answer.rs`).
async fn call_endpoint(
    transport: &dyn Transport,
    endpoint: &RefreshEndpoint,
    req: Request,
    old_refresh: Option<&str>,
    scheme: &str,
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
        return Err(refused(status, &text, old_refresh));
    }
    super::answer::tokens(
        &text,
        &endpoint.access_field,
        &endpoint.refresh_field,
        old_refresh,
        scheme,
    )
}
