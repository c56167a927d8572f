//! Credentialed CORS for every route: mirror the origin, method and headers.
//!
//! Hand-rolled rather than tower-http's `CorsLayer`, which answers *every*
//! `OPTIONS` request itself; here only real preflights (an `OPTIONS` with
//! `Origin` and `Access-Control-Request-Method`) are short-circuited, so a
//! plain `OPTIONS` still reaches `/echo` and is recorded.

use axum::extract::Request;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Response headers scripts on another origin may read.
const EXPOSED: &str = "retry-after, ratelimit-reset, content-length, content-type, \
     x-request-id, x-attempt, www-authenticate, idempotency-key, x-tenant, date";

/// What caches must key CORS responses on.
const VARY: &str = "origin, access-control-request-method, access-control-request-headers";

/// True for a CORS preflight request.
fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// Adds the headers common to preflight and actual responses.
fn decorate(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    headers.append(header::VARY, HeaderValue::from_static(VARY));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
}

/// Middleware: answers preflights with 204 (mirroring the requested method
/// and headers; they reach no handler and are never recorded) and decorates
/// every other response with allow-origin, credentials and expose-headers.
pub async fn cors(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    if is_preflight(req.method(), req.headers()) {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        let request_headers = req.headers();
        let headers = resp.headers_mut();
        if let Some(m) = request_headers.get(header::ACCESS_CONTROL_REQUEST_METHOD) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, m.clone());
        }
        if let Some(h) = request_headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, h.clone());
        }
        decorate(headers, origin);
        return resp;
    }
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    decorate(headers, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED),
    );
    resp
}
