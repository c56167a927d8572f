//! JSON error responses shared by all handlers.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// An error answered as `{"error": code}` (plus optional `detail`) with a status.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Machine-readable error code, e.g. `invalid_grant`.
    pub code: &'static str,
    /// Optional human-readable explanation.
    pub detail: Option<String>,
    /// Optional `WWW-Authenticate` header value.
    pub www_authenticate: Option<&'static str>,
}

impl ApiError {
    /// An error with a status and code and nothing else.
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            detail: None,
            www_authenticate: None,
        }
    }

    /// 400 `{"error":"invalid_request","detail":...}`.
    pub fn invalid_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request").with_detail(detail)
    }

    /// 400 `{"error":"bad_json","detail":...}`.
    pub fn bad_json(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_json").with_detail(detail)
    }

    /// 401 `{"error":"invalid_grant"}` (OAuth token endpoint failure).
    pub fn invalid_grant() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_grant")
    }

    /// Attaches a human-readable detail message.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Attaches a `WWW-Authenticate` header.
    pub fn with_www_authenticate(mut self, value: &'static str) -> Self {
        self.www_authenticate = Some(value);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.code });
        if let (Some(detail), Value::Object(map)) = (self.detail, &mut body) {
            map.insert("detail".into(), Value::String(detail));
        }
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(value) = self.www_authenticate {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(value));
        }
        resp
    }
}

/// Result type of handlers that may fail with an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;
