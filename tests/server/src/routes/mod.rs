//! The tenant-scoped router, mounted at `/` and at `/t/{tenant}`.

pub mod api;
pub mod auth;
pub mod echo;
pub mod hooks;
pub mod misbehave;
pub mod transfer;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use axum::routing::{any, get, post};
use axum::Router;

use crate::error::ApiError;
use crate::record::record_request;
use crate::state::AppState;

/// Largest request body accepted (uploads included).
pub const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// 404 `{"error":"not_found"}` for unknown paths.
async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found")
}

/// Every tenant-scoped route, with request recording.
pub fn tenant_router(state: AppState) -> Router<AppState> {
    let hooks = Router::new()
        .route("/__health", get(hooks::health))
        .route("/__config", get(hooks::get_config).post(hooks::post_config))
        .route("/__stats", get(hooks::stats))
        .route("/__reset", post(hooks::reset))
        .route("/__mint", post(hooks::mint))
        .route("/__expire", post(hooks::expire));
    let auth = Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/cookie/login", post(auth::cookie_login))
        .route("/auth/cookie/refresh", post(auth::cookie_refresh))
        .route("/auth/cookie/logout", post(auth::cookie_logout));
    let api = Router::new()
        .route("/api/items", get(api::list_items).post(api::create_item))
        .route("/api/echo", any(echo::api_echo))
        .route("/api/seq/{n}", get(api::seq))
        .route("/api/scope", get(api::scope))
        .route("/api/basic", get(api::basic))
        .route("/api/slow", get(api::slow))
        .route("/api/flaky/{key}", any(api::flaky))
        .route("/api/upload", post(transfer::api_upload));
    let public = Router::new()
        .route("/echo", any(echo::echo))
        .route("/headers", get(echo::headers))
        .route("/slow", get(misbehave::slow).post(misbehave::slow))
        .route("/status/{code}", get(misbehave::status))
        .route("/flaky/{key}", any(misbehave::flaky))
        .route("/retry-after/{key}", get(misbehave::retry_after))
        .route(
            "/redirect",
            get(misbehave::redirect).post(misbehave::redirect),
        )
        .route("/garbage", get(misbehave::garbage))
        .route("/upload", post(transfer::upload))
        .route("/download", get(transfer::download));
    hooks
        .merge(auth)
        .merge(api)
        .merge(public)
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state, record_request))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}
