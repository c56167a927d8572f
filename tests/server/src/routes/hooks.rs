//! Test hooks under `/__*` (never recorded in the request log).

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::Value;

use crate::config::ConfigPatch;
use crate::error::{ApiError, ApiResult};
use crate::routes::auth::token_response;
use crate::state::{now_ms, Tenant};

/// `GET /__health` → `ok`.
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /__config` → the tenant's effective configuration.
pub async fn get_config(tenant: Tenant) -> Json<Value> {
    Json(serde_json::to_value(&tenant.lock().config).unwrap_or(Value::Null))
}

/// `POST /__config` → merges the posted fields, answers the new configuration.
pub async fn post_config(tenant: Tenant, body: Bytes) -> ApiResult<Json<Value>> {
    let patch: ConfigPatch = if body.iter().all(u8::is_ascii_whitespace) {
        ConfigPatch::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| match e.is_data() {
            true => ApiError::invalid_request(e.to_string()),
            false => ApiError::bad_json(e.to_string()),
        })?
    };
    let mut data = tenant.lock();
    data.config.apply(patch);
    Ok(Json(
        serde_json::to_value(&data.config).unwrap_or(Value::Null),
    ))
}

/// `GET /__stats` → the tenant's observations.
pub async fn stats(tenant: Tenant) -> Json<Value> {
    Json(tenant.lock().stats.to_json())
}

/// `POST /__reset` → clears stats, tokens and config; 204.
pub async fn reset(tenant: Tenant) -> StatusCode {
    tenant.reset();
    StatusCode::NO_CONTENT
}

/// `POST /__mint` `{"username"?, "access_ttl_secs"?, "refresh"?}` → token
/// response for a new family, without counting as a login.
pub async fn mint(tenant: Tenant, body: Bytes) -> ApiResult<Response> {
    let obj = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(ApiError::bad_json("expected a JSON object")),
            Err(e) => return Err(ApiError::bad_json(e.to_string())),
        }
    };
    let bad = |name: &str| ApiError::invalid_request(format!("field `{name}` has the wrong type"));
    let username = match obj.get("username") {
        None | Some(Value::Null) => "u",
        Some(v) => v.as_str().ok_or_else(|| bad("username"))?,
    };
    let refresh = match obj.get("refresh") {
        None | Some(Value::Null) => true,
        Some(v) => v.as_bool().ok_or_else(|| bad("refresh"))?,
    };
    let mut data = tenant.lock();
    let ttl = match obj.get("access_ttl_secs") {
        None | Some(Value::Null) => data.config.access_ttl_secs,
        Some(v) => v.as_i64().ok_or_else(|| bad("access_ttl_secs"))?,
    };
    let issued = data.tokens.issue_family(username, ttl, refresh, now_ms());
    Ok(token_response(&issued))
}

/// `POST /__expire` → every issued access token of the tenant expires now; 204.
pub async fn expire(tenant: Tenant) -> StatusCode {
    tenant.lock().tokens.expire_all(now_ms());
    StatusCode::NO_CONTENT
}
