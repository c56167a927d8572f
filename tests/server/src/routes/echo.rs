//! Request echo routes: `/echo`, `/api/echo` and `/headers`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::input::content_type;
use crate::record::Authed;
use crate::state::{AppState, Tenant};

/// All request headers as `{lower-case name: value}`; repeated headers are
/// joined with `", "`.
pub fn headers_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        match map.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&value);
            }
            _ => {
                map.insert(name.as_str().to_string(), Value::String(value));
            }
        }
    }
    Value::Object(map)
}

/// The echo document describing a request.
pub fn describe(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("method".into(), json!(method.as_str()));
    map.insert("path".into(), json!(uri.path()));
    map.insert("query".into(), json!(uri.query().unwrap_or("")));
    map.insert("headers".into(), headers_json(headers));
    map.insert("body".into(), json!(String::from_utf8_lossy(body)));
    let hex: String = body.iter().map(|b| format!("{b:02x}")).collect();
    map.insert("body_hex".into(), json!(hex));
    let parsed = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    map.insert("json".into(), parsed);
    map.insert("content_type".into(), json!(content_type(headers)));
    map
}

/// `ANY /echo` (public): describes the request, plus `tenant` and `foreign`.
pub async fn echo(
    State(state): State<AppState>,
    tenant: Tenant,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let mut map = describe(&method, &uri, &headers, &body);
    map.insert("tenant".into(), json!(tenant.name));
    map.insert("foreign".into(), json!(state.foreign));
    Json(Value::Object(map))
}

/// `ANY /api/echo`: like `/echo` but needs a valid token; adds `user`.
pub async fn api_echo(
    State(state): State<AppState>,
    Authed(claims): Authed,
    tenant: Tenant,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let Json(mut value) = echo(State(state), tenant, method, uri, headers, body).await;
    if let Value::Object(map) = &mut value {
        map.insert("user".into(), json!(claims.sub));
    }
    Json(value)
}

/// `GET /headers` → `{"headers": {...}}`.
pub async fn headers(headers: HeaderMap) -> Json<Value> {
    Json(json!({ "headers": headers_json(&headers) }))
}
