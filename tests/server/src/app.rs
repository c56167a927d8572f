//! Assembly of the full router: static files, tenant routes, CORS.

use std::sync::Arc;

use axum::Router;
use tower_http::services::{ServeDir, ServeFile};

use crate::routes::tenant_router;
use crate::state::{AppState, Shared};

/// The complete application for one listener (`foreign` marks the
/// foreign-origin listener, whose requests are recorded as foreign).
pub fn app(shared: Arc<Shared>, foreign: bool) -> Router {
    let state = AppState { shared, foreign };
    let root = &state.shared.root;
    let tenant = tenant_router(state.clone());
    Router::new()
        .route_service("/", ServeFile::new(root.join("www").join("index.html")))
        .nest_service("/www", ServeDir::new(root.join("www")))
        .nest_service("/pkg", ServeDir::new(root.join("pkg")))
        .nest_service("/examples", ServeDir::new(root.join("examples")))
        .merge(tenant.clone())
        .nest("/t/{tenant}", tenant)
        .layer(axum::middleware::from_fn(crate::cors::cors))
        .with_state(state)
}
