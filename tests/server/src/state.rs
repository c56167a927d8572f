//! Shared server state, per-tenant state and the [`Tenant`] extractor.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::config::Config;
use crate::error::ApiError;
use crate::stats::Stats;
use crate::tokens::TokenStore;

/// Name of the tenant used by un-prefixed paths.
pub const DEFAULT_TENANT: &str = "default";

/// Process-wide state shared by both listeners.
#[derive(Debug)]
pub struct Shared {
    /// Directory holding `www/` and `pkg/`.
    pub root: PathBuf,
    /// Port of the main listener.
    pub main_port: u16,
    /// Port of the foreign-origin listener.
    pub foreign_port: u16,
    /// Per-process HMAC key for access tokens.
    pub secret: Arc<[u8; 32]>,
    tenants: Mutex<HashMap<String, Arc<TenantState>>>,
}

/// Router state: the shared state plus which listener the request came in on.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Process-wide state.
    pub shared: Arc<Shared>,
    /// True for the foreign-origin listener.
    pub foreign: bool,
}

/// Everything that belongs to one tenant.
#[derive(Debug)]
pub struct TenantData {
    /// When the tenant was created or last reset.
    pub created: Instant,
    /// Behaviour configuration.
    pub config: Config,
    /// Issued tokens.
    pub tokens: TokenStore,
    /// Observations.
    pub stats: Stats,
    /// Last id handed out by `POST /api/items`.
    pub last_item_id: u64,
}

/// One tenant: its name and its lockable data.
#[derive(Debug)]
pub struct TenantState {
    /// The tenant name.
    pub name: String,
    secret: Arc<[u8; 32]>,
    data: Mutex<TenantData>,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

impl Shared {
    /// Fresh state with a random token secret.
    pub fn new(root: PathBuf, main_port: u16, foreign_port: u16) -> Self {
        Self {
            root,
            main_port,
            foreign_port,
            secret: Arc::new(rand::random()),
            tenants: Mutex::new(HashMap::new()),
        }
    }

    /// The tenant called `name`, created on first use.
    pub fn tenant(&self, name: &str) -> Arc<TenantState> {
        let mut tenants = self.tenants.lock().unwrap_or_else(|e| e.into_inner());
        tenants
            .entry(name.to_string())
            .or_insert_with(|| Arc::new(TenantState::new(name, self.secret.clone())))
            .clone()
    }
}

impl TenantData {
    fn new(name: &str, secret: Arc<[u8; 32]>) -> Self {
        Self {
            created: Instant::now(),
            config: Config::default(),
            tokens: TokenStore::new(secret, name),
            stats: Stats::default(),
            last_item_id: 0,
        }
    }
}

impl TenantState {
    fn new(name: &str, secret: Arc<[u8; 32]>) -> Self {
        Self {
            name: name.to_string(),
            data: Mutex::new(TenantData::new(name, secret.clone())),
            secret,
        }
    }

    /// Locks the tenant data (never held across an await).
    pub fn lock(&self) -> MutexGuard<'_, TenantData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Clears stats, tokens and config back to defaults.
    pub fn reset(&self) {
        *self.lock() = TenantData::new(&self.name, self.secret.clone());
    }
}

/// True for names matching `[A-Za-z0-9_-]{1,64}`.
pub fn valid_tenant_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Extractor for the tenant of a request: the `{tenant}` path parameter of
/// `/t/{tenant}/...`, or [`DEFAULT_TENANT`] for un-prefixed paths.
#[derive(Debug, Clone)]
pub struct Tenant(pub Arc<TenantState>);

impl std::ops::Deref for Tenant {
    type Target = TenantState;
    fn deref(&self) -> &TenantState {
        &self.0
    }
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(tenant) = parts.extensions.get::<Tenant>() {
            return Ok(tenant.clone());
        }
        let named = match RawPathParams::from_request_parts(parts, state).await {
            Ok(params) => params
                .iter()
                .find(|(k, _)| *k == "tenant")
                .map(|(_, v)| v.to_string()),
            Err(RawPathParamsRejection::MissingPathParams(_)) => None,
            Err(_) => Some(String::new()),
        };
        let name = named.unwrap_or_else(|| DEFAULT_TENANT.to_string());
        if !valid_tenant_name(&name) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_tenant")
                .with_detail("tenant must match [A-Za-z0-9_-]{1,64}"));
        }
        let tenant = Tenant(state.shared.tenant(&name));
        parts.extensions.insert(tenant.clone());
        Ok(tenant)
    }
}
