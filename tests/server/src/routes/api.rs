//! Protected `/api/*` routes (need a valid bearer access token).

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::input::{PathParams, QueryMap};
use crate::record::Authed;
use crate::routes::misbehave::{flaky_from_query, sleep_for};
use crate::state::Tenant;

/// Items per page of `GET /api/items`.
const PAGE_SIZE: i64 = 3;

/// `GET /api/items?page=N` → `{"page","items":[3 items],"user"}`.
pub async fn list_items(Authed(claims): Authed, q: QueryMap) -> ApiResult<Json<Value>> {
    let page: i64 = q.num("page", 1)?;
    let first = page.saturating_sub(1).saturating_mul(PAGE_SIZE);
    let items: Vec<Value> = (1..=PAGE_SIZE)
        .map(|i| first.saturating_add(i))
        .map(|id| json!({ "id": id, "name": format!("item-{id}") }))
        .collect();
    Ok(Json(
        json!({ "page": page, "items": items, "user": claims.sub }),
    ))
}

/// `POST /api/items` JSON object → 201 with the object plus a new `id`.
pub async fn create_item(
    _auth: Authed,
    tenant: Tenant,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mut obj = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(ApiError::bad_json("expected a JSON object")),
        Err(e) => return Err(ApiError::bad_json(e.to_string())),
    };
    let id = {
        let mut data = tenant.lock();
        data.last_item_id += 1;
        data.last_item_id
    };
    obj.insert("id".into(), json!(id));
    Ok((StatusCode::CREATED, Json(Value::Object(obj))))
}

/// `GET /api/seq/{n}` → `{"n":n}`, appending n to stats `seq`.
pub async fn seq(_auth: Authed, tenant: Tenant, p: PathParams) -> ApiResult<Json<Value>> {
    let n: i64 = p.parse("n")?;
    tenant.lock().stats.seq.push(n);
    Ok(Json(json!({ "n": n })))
}

/// `GET /api/scope` → 403 `insufficient_scope` for a valid token.
pub async fn scope(_auth: Authed) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "insufficient_scope")
        .with_www_authenticate(r#"Bearer error="insufficient_scope", scope="admin""#)
}

/// `GET /api/basic` → always 401 with a Basic challenge.
pub async fn basic() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized")
        .with_www_authenticate(r#"Basic realm="legacy""#)
}

/// `GET /api/slow?ms=N` → sleeps, then `{"slept":N}`.
pub async fn slow(_auth: Authed, tenant: Tenant, q: QueryMap) -> ApiResult<Json<Value>> {
    sleep_for(&tenant, &q).await
}

/// `ANY /api/flaky/{key}` → the public flaky behaviour behind auth.
pub async fn flaky(
    _auth: Authed,
    tenant: Tenant,
    p: PathParams,
    q: QueryMap,
    headers: HeaderMap,
) -> ApiResult<Response> {
    flaky_from_query(&tenant, &p, &q, &headers)
}
