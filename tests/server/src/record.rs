//! Request recording middleware and the [`Authed`] guard of `/api` routes.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::ApiError;
use crate::input::bearer_token;
use crate::state::{now_ms, AppState, Tenant};
use crate::stats::RequestRecord;
use crate::tokens::{AuthClass, Claims};

/// How the request's bearer token classified when it arrived.
#[derive(Debug, Clone)]
pub struct AuthInfo {
    /// The classification.
    pub class: AuthClass,
    /// The token owner when valid.
    pub claims: Option<Claims>,
}

/// Records every non-hook request of a tenant on arrival (before the handler
/// runs), classifies its bearer token, and tags the response with
/// `x-request-id: <1-based position in the tenant's request log>`.
/// Every tenant response (hooks included) gets `x-tenant: <name>`.
pub async fn record_request(
    State(state): State<AppState>,
    tenant: Tenant,
    mut req: Request,
    next: Next,
) -> Response {
    let tenant_header = HeaderValue::from_str(&tenant.name).ok();
    let with_tenant = |mut resp: Response| {
        if let Some(value) = tenant_header {
            resp.headers_mut().insert("x-tenant", value);
        }
        resp
    };
    if req.uri().path().starts_with("/__") {
        return with_tenant(next.run(req).await);
    }
    let headers = req.headers();
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let token = bearer_token(headers);
    let (position, info) = {
        let mut data = tenant.lock();
        let (class, claims) = data
            .tokens
            .classify(token, now_ms(), data.config.revoke_superseded);
        let at_ms = u64::try_from(data.created.elapsed().as_millis()).unwrap_or(u64::MAX);
        let record = RequestRecord {
            method: req.method().to_string(),
            path: req.uri().path().to_string(),
            query: req.uri().query().unwrap_or("").to_string(),
            auth: class.as_str(),
            foreign: state.foreign,
            authorization: authorization.is_some(),
            at_ms,
        };
        let position = data.stats.record(record, authorization);
        (position, AuthInfo { class, claims })
    };
    req.extensions_mut().insert(info);
    let mut resp = next.run(req).await;
    resp.headers_mut()
        .entry("x-request-id")
        .or_insert_with(|| HeaderValue::from(position));
    with_tenant(resp)
}

/// Extractor that only succeeds for a valid access token; otherwise answers
/// 401 `{"error":"invalid_token"}` with a `WWW-Authenticate` challenge and
/// counts stale tokens in `stale_token_requests`.
#[derive(Debug, Clone)]
pub struct Authed(pub Claims);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let tenant = Tenant::from_request_parts(parts, state).await?;
        let info = match parts.extensions.get::<AuthInfo>() {
            Some(info) => info.clone(),
            None => {
                let data = tenant.lock();
                let (class, claims) = data.tokens.classify(
                    bearer_token(&parts.headers),
                    now_ms(),
                    data.config.revoke_superseded,
                );
                AuthInfo { class, claims }
            }
        };
        if let (AuthClass::Valid, Some(claims)) = (info.class, info.claims) {
            return Ok(Authed(claims));
        }
        let err = ApiError::new(StatusCode::UNAUTHORIZED, "invalid_token");
        Err(match info.class {
            AuthClass::None => err.with_www_authenticate(r#"Bearer realm="tokenfetch""#),
            AuthClass::Stale => {
                tenant.lock().stats.stale_token_requests += 1;
                err.with_www_authenticate(r#"Bearer error="invalid_token""#)
            }
            _ => err.with_www_authenticate(r#"Bearer error="invalid_token""#),
        })
    }
}
