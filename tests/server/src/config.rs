//! Per-tenant behaviour configuration (`GET`/`POST /__config`).

use serde::{Deserialize, Serialize};

/// How `/auth/refresh` misbehaves while failing is switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RefreshFail {
    /// Behave normally.
    #[default]
    None,
    /// 401 `{"error":"invalid_grant"}`.
    InvalidGrant,
    /// 500 `{"error":"server_error"}`.
    ServerError,
    /// Sleep 120 s, then 504.
    Hang,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 `{"token_type":"Bearer"}` without tokens.
    MissingFields,
}

/// The effective configuration of one tenant.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// TTL in seconds of newly issued access tokens.
    pub access_ttl_secs: i64,
    /// Delay before `/auth/refresh` answers.
    pub refresh_delay_ms: u64,
    /// Failure mode of `/auth/refresh`.
    pub refresh_fail: RefreshFail,
    /// 0: fail always while `refresh_fail != none`; N: fail the next N calls.
    /// Counts down as failures happen; reaching 0 resets `refresh_fail` to `none`.
    pub refresh_fail_times: u32,
    /// Default sleep of `/slow` and `/api/slow`.
    pub slow_ms: u64,
    /// When true, an access token stops being valid once its family was refreshed.
    pub revoke_superseded: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_ttl_secs: 300,
            refresh_delay_ms: 0,
            refresh_fail: RefreshFail::None,
            refresh_fail_times: 0,
            slow_ms: 500,
            revoke_superseded: false,
        }
    }
}

/// A partial update posted to `/__config`; absent fields keep their value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigPatch {
    /// See [`Config::access_ttl_secs`].
    pub access_ttl_secs: Option<i64>,
    /// See [`Config::refresh_delay_ms`].
    pub refresh_delay_ms: Option<u64>,
    /// See [`Config::refresh_fail`].
    pub refresh_fail: Option<RefreshFail>,
    /// See [`Config::refresh_fail_times`].
    pub refresh_fail_times: Option<u32>,
    /// See [`Config::slow_ms`].
    pub slow_ms: Option<u64>,
    /// See [`Config::revoke_superseded`].
    pub revoke_superseded: Option<bool>,
}

impl Config {
    /// Merges a patch into this configuration.
    pub fn apply(&mut self, patch: ConfigPatch) {
        if let Some(v) = patch.access_ttl_secs {
            self.access_ttl_secs = v;
        }
        if let Some(v) = patch.refresh_delay_ms {
            self.refresh_delay_ms = v;
        }
        if let Some(v) = patch.refresh_fail {
            self.refresh_fail = v;
        }
        if let Some(v) = patch.refresh_fail_times {
            self.refresh_fail_times = v;
        }
        if let Some(v) = patch.slow_ms {
            self.slow_ms = v;
        }
        if let Some(v) = patch.revoke_superseded {
            self.revoke_superseded = v;
        }
    }

    /// Decides whether the current refresh call fails, consuming one failure
    /// from `refresh_fail_times` when it is counting down.
    pub fn take_refresh_failure(&mut self) -> Option<RefreshFail> {
        let mode = self.refresh_fail;
        if mode == RefreshFail::None {
            return None;
        }
        if self.refresh_fail_times > 0 {
            self.refresh_fail_times -= 1;
            if self.refresh_fail_times == 0 {
                self.refresh_fail = RefreshFail::None;
            }
        }
        Some(mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_failures_run_out() {
        let mut c = Config::default();
        c.apply(ConfigPatch {
            refresh_fail: Some(RefreshFail::ServerError),
            refresh_fail_times: Some(2),
            ..Default::default()
        });
        assert_eq!(c.take_refresh_failure(), Some(RefreshFail::ServerError));
        assert_eq!(c.take_refresh_failure(), Some(RefreshFail::ServerError));
        assert_eq!(c.take_refresh_failure(), None);
    }

    #[test]
    fn zero_times_means_always() {
        let mut c = Config {
            refresh_fail: RefreshFail::Garbage,
            ..Default::default()
        };
        for _ in 0..5 {
            assert_eq!(c.take_refresh_failure(), Some(RefreshFail::Garbage));
        }
    }
}
