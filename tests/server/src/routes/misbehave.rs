//! Public misbehaving routes: slow, arbitrary status, flaky, Retry-After,
//! redirects and garbage JSON.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::input::{PathParams, QueryMap};
use crate::state::{AppState, Tenant, TenantState};

/// Longest sleep `/slow` accepts (10 minutes).
const MAX_SLOW_MS: u64 = 600_000;

/// Counts a sleep in `in_flight` for as long as it lives (also when the
/// client goes away and the handler is dropped).
struct FlightGuard(Arc<TenantState>);

impl FlightGuard {
    fn enter(tenant: &Tenant) -> Self {
        tenant.lock().stats.enter_flight();
        FlightGuard(tenant.0.clone())
    }
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        self.0.lock().stats.leave_flight();
    }
}

/// Sleeps `ms` query milliseconds (default: config `slow_ms`) → `{"slept":N}`.
pub async fn sleep_for(tenant: &Tenant, q: &QueryMap) -> ApiResult<Json<Value>> {
    let default = tenant.lock().config.slow_ms;
    let ms = q.num("ms", default)?.min(MAX_SLOW_MS);
    let _guard = FlightGuard::enter(tenant);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(Json(json!({ "slept": ms })))
}

/// `GET|POST /slow?ms=N`.
pub async fn slow(tenant: Tenant, q: QueryMap) -> ApiResult<Json<Value>> {
    sleep_for(&tenant, &q).await
}

/// A final (non-1xx) status from a number, else 400.
fn final_status(code: u16) -> ApiResult<StatusCode> {
    match StatusCode::from_u16(code) {
        Ok(s) if (200..=599).contains(&code) => Ok(s),
        _ => Err(ApiError::invalid_request("status must be within 200..=599")),
    }
}

/// A header value from query text, else 400.
fn header_value(text: &str) -> ApiResult<HeaderValue> {
    HeaderValue::from_str(text).map_err(|_| ApiError::invalid_request("invalid header value"))
}

/// `GET /status/{code}?retry_after=V&ratelimit_reset=R` → that status with
/// `{"status":code}` (empty for 204/304) and the given headers verbatim.
pub async fn status(p: PathParams, q: QueryMap) -> ApiResult<Response> {
    let code: u16 = p.parse("code")?;
    let status = final_status(code)?;
    let mut resp = if code == 204 || code == 304 {
        status.into_response()
    } else {
        (status, Json(json!({ "status": code }))).into_response()
    };
    if let Some(v) = q.get("retry_after") {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, header_value(v)?);
    }
    if let Some(v) = q.get("ratelimit_reset") {
        resp.headers_mut()
            .insert("ratelimit-reset", header_value(v)?);
    }
    Ok(resp)
}

/// Counts an attempt of `key`; the first `fail` attempts answer `status`
/// with `{"attempt":k}` (and `retry_after` if given), later ones 200
/// `{"attempt":k,"ok":true}`. Always sets `x-attempt: k`.
pub fn flaky_attempt(
    tenant: &Tenant,
    key: &str,
    headers: &HeaderMap,
    fail: u64,
    status: StatusCode,
    retry_after: Option<HeaderValue>,
) -> Response {
    let idem = headers
        .get("idempotency-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let attempt = tenant.lock().stats.flaky_attempt(key, idem);
    let mut resp = if attempt <= fail {
        let mut resp = (status, Json(json!({ "attempt": attempt }))).into_response();
        if let Some(v) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    } else {
        Json(json!({ "attempt": attempt, "ok": true })).into_response()
    };
    resp.headers_mut()
        .insert("x-attempt", HeaderValue::from(attempt));
    resp
}

/// Reads `fail` (default 1), `status` (default 503) and `retry_after` and runs
/// [`flaky_attempt`]; shared by `/flaky/{key}` and `/api/flaky/{key}`.
pub fn flaky_from_query(
    tenant: &Tenant,
    p: &PathParams,
    q: &QueryMap,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let fail: u64 = q.num("fail", 1)?;
    let status = final_status(q.num("status", 503)?)?;
    let retry_after = q.get("retry_after").map(header_value).transpose()?;
    Ok(flaky_attempt(
        tenant,
        p.get("key"),
        headers,
        fail,
        status,
        retry_after,
    ))
}

/// `ANY /flaky/{key}?fail=N&status=S&retry_after=V`.
pub async fn flaky(
    tenant: Tenant,
    p: PathParams,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    flaky_from_query(&tenant, &p, &q, &headers)
}

/// `GET /retry-after/{key}?fail=N&status=429&after=SECS&form=seconds|date`:
/// flaky, with `Retry-After` as delta seconds or an IMF-fixdate of now+SECS
/// (rounded up to the next whole second).
pub async fn retry_after(
    tenant: Tenant,
    p: PathParams,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let fail: u64 = q.num("fail", 1)?;
    let status = final_status(q.num("status", 429)?)?;
    let after: u64 = q.num("after", 1)?;
    let value = match q.get("form").unwrap_or("seconds") {
        "seconds" => after.to_string(),
        "date" => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            let secs = now.as_secs() + u64::from(now.subsec_nanos() > 0) + after;
            httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
        }
        _ => return Err(ApiError::invalid_request("form must be seconds or date")),
    };
    let value = header_value(&value)?;
    Ok(flaky_attempt(
        &tenant,
        p.get("key"),
        &headers,
        fail,
        status,
        Some(value),
    ))
}

/// `GET /redirect?to=foreign|self|main&path=/api/echo&status=302` → redirect
/// to `http://127.0.0.1:<port>/t/<tenant><path>`; `self` is the listener the
/// request arrived on.
pub async fn redirect(
    State(state): State<AppState>,
    tenant: Tenant,
    q: QueryMap,
) -> ApiResult<Response> {
    let code: u16 = q.num("status", 302)?;
    if ![301, 302, 303, 307, 308].contains(&code) {
        return Err(ApiError::invalid_request(
            "status must be 301, 302, 303, 307 or 308",
        ));
    }
    let shared = &state.shared;
    let port = match q.get("to").unwrap_or("foreign") {
        "foreign" => shared.foreign_port,
        "main" => shared.main_port,
        "self" if state.foreign => shared.foreign_port,
        "self" => shared.main_port,
        _ => {
            return Err(ApiError::invalid_request(
                "to must be foreign, self or main",
            ))
        }
    };
    let path = q.get("path").unwrap_or("/api/echo");
    let slash = if path.starts_with('/') { "" } else { "/" };
    let location = format!("http://127.0.0.1:{port}/t/{}{slash}{path}", tenant.name);
    let status = final_status(code)?;
    Ok((status, [(header::LOCATION, header_value(&location)?)]).into_response())
}

/// `GET /garbage` → 200 `application/json` that does not parse.
pub async fn garbage() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"not": json"#,
    )
        .into_response()
}
