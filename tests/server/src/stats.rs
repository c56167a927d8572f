//! Per-tenant observations exposed by `GET /__stats`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

/// One recorded (non-preflight, non-hook, non-static) request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Path without the `/t/{tenant}` prefix and without query.
    pub path: String,
    /// Raw query string, or `""`.
    pub query: String,
    /// `none`, `valid`, `stale` or `invalid`.
    pub auth: &'static str,
    /// Whether it arrived on the foreign-origin listener.
    pub foreign: bool,
    /// Whether an `Authorization` header was present.
    pub authorization: bool,
    /// Milliseconds since the tenant was created (or last reset).
    pub at_ms: u64,
}

/// Counters and logs of one tenant.
#[derive(Debug, Default)]
pub struct Stats {
    /// Calls of `/auth/refresh`, whatever their outcome.
    pub refresh_count: u64,
    /// Calls of `/auth/login`.
    pub login_count: u64,
    /// `/api` requests rejected because their token was stale.
    pub stale_token_requests: u64,
    /// Every recorded request in arrival order.
    pub requests: Vec<RequestRecord>,
    /// Values of `n` of valid `/api/seq/{n}` calls, in order.
    pub seq: Vec<i64>,
    /// `/slow` sleeps currently in progress.
    pub in_flight: u64,
    /// Highest `in_flight` seen.
    pub max_in_flight: u64,
    /// Attempts per flaky key.
    pub flaky: BTreeMap<String, u64>,
    /// `Idempotency-Key` header of each attempt per flaky key.
    pub idempotency_keys: BTreeMap<String, Vec<Option<String>>>,
    /// Requests received on the foreign port.
    pub foreign_requests: u64,
    /// `Authorization` header values received on the foreign port.
    pub foreign_authorization_headers: Vec<String>,
    /// Streamed downloads whose connection ended before the last byte (the client canceled).
    pub aborted_downloads: u64,
    /// Uploads whose connection ended in the middle of the body.
    pub aborted_uploads: u64,
}

impl Stats {
    /// Appends a request record and returns its 1-based position.
    pub fn record(&mut self, record: RequestRecord, authorization: Option<String>) -> usize {
        if record.foreign {
            self.foreign_requests += 1;
            if let Some(value) = authorization {
                self.foreign_authorization_headers.push(value);
            }
        }
        self.requests.push(record);
        self.requests.len()
    }

    /// Counts one attempt of a flaky key and returns its 1-based number.
    pub fn flaky_attempt(&mut self, key: &str, idempotency_key: Option<String>) -> u64 {
        let count = self.flaky.entry(key.to_string()).or_default();
        *count += 1;
        let attempt = *count;
        self.idempotency_keys
            .entry(key.to_string())
            .or_default()
            .push(idempotency_key);
        attempt
    }

    /// Marks one more sleep in progress.
    pub fn enter_flight(&mut self) {
        self.in_flight += 1;
        self.max_in_flight = self.max_in_flight.max(self.in_flight);
    }

    /// Marks one sleep finished (or abandoned).
    pub fn leave_flight(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The `GET /__stats` body.
    pub fn to_json(&self) -> Value {
        json!({
            "refresh_count": self.refresh_count,
            "aborted_downloads": self.aborted_downloads,
            "aborted_uploads": self.aborted_uploads,
            "login_count": self.login_count,
            "stale_token_requests": self.stale_token_requests,
            "requests": self.requests,
            "seq": self.seq,
            "in_flight": self.in_flight,
            "max_in_flight": self.max_in_flight,
            "flaky": self.flaky,
            "idempotency_keys": self.idempotency_keys,
            "foreign": {
                "requests": self.foreign_requests,
                "authorization_headers": self.foreign_authorization_headers,
            },
        })
    }
}
