//! OAuth-style token endpoints: `/auth/login`, `/auth/refresh`, `/auth/logout`.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::config::RefreshFail;
use crate::error::{ApiError, ApiResult};
use crate::input::{bearer_token, body_object, required_str};
use crate::state::{now_ms, Tenant};
use crate::tokens::Issued;

/// How long the `hang` refresh failure mode stalls before answering 504.
const HANG: Duration = Duration::from_secs(120);

/// A 200 token response with `Cache-Control: no-store`.
pub fn token_response(issued: &Issued) -> Response {
    let mut resp = Json(issued.to_json()).into_response();
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// `POST /auth/login` `{"username","password"}` → new token family.
pub async fn login(tenant: Tenant, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    tenant.lock().stats.login_count += 1;
    let obj = body_object(&headers, &body)?;
    let username = required_str(&obj, "username")?;
    let password = required_str(&obj, "password")?;
    if username.is_empty() || password == "wrong" {
        return Err(ApiError::invalid_grant());
    }
    let issued = {
        let mut data = tenant.lock();
        let ttl = data.config.access_ttl_secs;
        data.tokens.issue_family(username, ttl, true, now_ms())
    };
    Ok(token_response(&issued))
}

/// Finds the refresh token in a JSON or form body, else in a Bearer header.
fn refresh_token_of(headers: &HeaderMap, body: &[u8]) -> ApiResult<String> {
    let obj = body_object(headers, body)?;
    if let Some(grant) = obj.get("grant_type") {
        if grant.as_str() != Some("refresh_token") {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
            ));
        }
    }
    let from_body = obj.get("refresh_token").and_then(|v| v.as_str());
    match from_body
        .filter(|t| !t.is_empty())
        .or_else(|| bearer_token(headers))
    {
        Some(token) => Ok(token.to_string()),
        None => Err(ApiError::invalid_request("missing refresh_token")),
    }
}

/// The response of a failing refresh in mode `mode` (sleeps for `hang`).
async fn failure_response(mode: RefreshFail) -> Response {
    match mode {
        RefreshFail::None | RefreshFail::InvalidGrant => ApiError::invalid_grant().into_response(),
        RefreshFail::ServerError => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error").into_response()
        }
        RefreshFail::Hang => {
            tokio::time::sleep(HANG).await;
            ApiError::new(StatusCode::GATEWAY_TIMEOUT, "gateway_timeout").into_response()
        }
        RefreshFail::Garbage => {
            ([(header::CONTENT_TYPE, "application/json")], "not json{").into_response()
        }
        RefreshFail::MissingFields => Json(json!({ "token_type": "Bearer" })).into_response(),
    }
}

/// `POST /auth/refresh`: counts the call, applies the configured delay and
/// failure mode, then rotates the refresh token (reuse revokes the family).
pub async fn refresh(tenant: Tenant, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    if let Some(failure) = refresh_prelude(&tenant).await {
        return Ok(failure);
    }
    let token = refresh_token_of(&headers, &body)?;
    Ok(token_response(&rotate(&tenant, &token)?))
}

/// What every refresh route does first: count the call, wait the configured delay, and answer
/// with the configured failure if one is queued (`None`: go on and rotate).
async fn refresh_prelude(tenant: &Tenant) -> Option<Response> {
    let (failure, delay_ms) = {
        let mut data = tenant.lock();
        data.stats.refresh_count += 1;
        (
            data.config.take_refresh_failure(),
            data.config.refresh_delay_ms,
        )
    };
    if delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    }
    match failure {
        Some(mode) => Some(failure_response(mode).await),
        None => None,
    }
}

/// Rotate the refresh token `token` (reuse revokes the family) into a new pair.
fn rotate(tenant: &Tenant, token: &str) -> ApiResult<Issued> {
    let mut data = tenant.lock();
    let ttl = data.config.access_ttl_secs;
    data.tokens.refresh(token, ttl, now_ms()).map_err(|reason| {
        ApiError::invalid_grant().with_detail(format!("{reason:?}").to_lowercase())
    })
}

/// `POST /auth/logout` `{"refresh_token"}` → revokes the family, 204.
pub async fn logout(tenant: Tenant, headers: HeaderMap, body: Bytes) -> ApiResult<StatusCode> {
    let token = refresh_token_of(&headers, &body)?;
    tenant.lock().tokens.revoke_by_refresh(&token);
    Ok(StatusCode::NO_CONTENT)
}

/// The refresh cookie of the server-managed mode: `HttpOnly` (JavaScript never sees it),
/// `SameSite=Strict`, and scoped to the cookie routes' path, so it travels with the refresh
/// request only. (No `Secure` here: the test server speaks plain http on 127.0.0.1.)
fn refresh_cookie(tenant: &Tenant, value: &str, max_age: i64) -> header::HeaderValue {
    let cookie = format!(
        "tf_rt={value}; HttpOnly; SameSite=Strict; Path=/t/{}/auth/cookie; Max-Age={max_age}",
        tenant.name
    );
    header::HeaderValue::from_str(&cookie).expect("cookie characters are ASCII")
}

/// A token response carrying only the access token; the refresh token goes in the cookie.
fn cookie_response(tenant: &Tenant, issued: &Issued) -> Response {
    let mut resp = Json(json!({
        "access_token": issued.access_token,
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
    }))
    .into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if let Some(rt) = &issued.refresh_token {
        headers.insert(header::SET_COOKIE, refresh_cookie(tenant, rt, 86_400));
    }
    resp
}

/// The `tf_rt` cookie's value, if the request carries one.
fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().strip_prefix("tf_rt="))
        .map(str::to_string)
        .next()
}

/// `POST /auth/cookie/login` `{"username","password"}` → the access token in JSON, the
/// refresh token in an `HttpOnly` cookie.
pub async fn cookie_login(tenant: Tenant, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    tenant.lock().stats.login_count += 1;
    let obj = body_object(&headers, &body)?;
    let username = required_str(&obj, "username")?;
    if username.is_empty() || required_str(&obj, "password")? == "wrong" {
        return Err(ApiError::invalid_grant());
    }
    let issued = {
        let mut data = tenant.lock();
        let ttl = data.config.access_ttl_secs;
        data.tokens.issue_family(username, ttl, true, now_ms())
    };
    Ok(cookie_response(&tenant, &issued))
}

/// `POST /auth/cookie/refresh`: the refresh token comes from the cookie (none in the body);
/// rotates it like `/auth/refresh` (reuse revokes the family) and sets the new cookie.
pub async fn cookie_refresh(tenant: Tenant, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(failure) = refresh_prelude(&tenant).await {
        return Ok(failure);
    }
    let Some(token) = cookie_token(&headers) else {
        return Err(ApiError::invalid_grant().with_detail("no refresh cookie".to_string()));
    };
    Ok(cookie_response(&tenant, &rotate(&tenant, &token)?))
}

/// `POST /auth/cookie/logout`: revokes the cookie's family and clears the cookie.
pub async fn cookie_logout(tenant: Tenant, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(token) = cookie_token(&headers) {
        tenant.lock().tokens.revoke_by_refresh(&token);
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut()
        .insert(header::SET_COOKIE, refresh_cookie(&tenant, "", 0));
    Ok(resp)
}
