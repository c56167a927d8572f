//! When to retry and how long to wait: a pure function of the attempt, the outcome, the clock
//! and a random number, so it is tested natively with both injected.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use crate::error::{Error, Kind, Result};
use crate::events::RetryReason;
use crate::http::date::retry_after;
use crate::http::method::Method;
use crate::response::Response;

/// Decides, for a finished attempt, `Some(true)` (retry), `Some(false)` (don't) or `None`
/// (use the rules).
pub type RetryPredicate = Rc<dyn Fn(u32, &Result<Response>) -> Option<bool>>;

/// Retry rules. Defaults follow ky and RFC 9110: 2 retries; only idempotent methods (GET, HEAD,
/// OPTIONS, PUT, DELETE; TRACE is forbidden by fetch); statuses 408, 413, 429, 500, 502, 503, 504;
/// network errors retried, per-attempt timeouts not; backoff 0.3 s · 2^(n−1), no jitter;
/// `Retry-After` / `RateLimit-Reset` honoured on 413, 429 and 503 up to 60 s, beyond which the
/// request fails at once with [`Kind::RateLimited`].
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) limit: u32,
    pub(crate) methods: Vec<Method>,
    pub(crate) statuses: Vec<u16>,
    pub(crate) after_statuses: Vec<u16>,
    pub(crate) backoff: Duration,
    pub(crate) backoff_limit: Option<Duration>,
    pub(crate) jitter: bool,
    pub(crate) max_retry_after: Duration,
    pub(crate) retry_on_timeout: bool,
    pub(crate) non_idempotent: bool,
    pub(crate) predicate: Option<RetryPredicate>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl core::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("limit", &self.limit)
            .field("methods", &self.methods)
            .field("statuses", &self.statuses)
            .field("backoff", &self.backoff)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

/// What to do after an attempt.
#[derive(Debug)]
pub(crate) enum Decision {
    /// Return this outcome to the caller.
    Done,
    /// Wait, then send attempt + 1.
    Retry(Duration, RetryReason),
    /// The server asked for a wait longer than allowed.
    FailFast(Error),
}

/// Every setting takes any value without panicking: waits are computed in saturating
/// arithmetic and each sleep is clamped to [`MAX_DELAY`](crate::time::MAX_DELAY).
impl RetryPolicy {
    /// The defaults (see the type's docs).
    pub fn new() -> Self {
        RetryPolicy {
            limit: 2,
            methods: vec![
                Method::GET,
                Method::HEAD,
                Method::OPTIONS,
                Method::PUT,
                Method::DELETE,
            ],
            statuses: vec![408, 413, 429, 500, 502, 503, 504],
            after_statuses: vec![413, 429, 503],
            backoff: Duration::from_millis(300),
            backoff_limit: None,
            jitter: false,
            max_retry_after: Duration::from_secs(60),
            retry_on_timeout: false,
            non_idempotent: false,
            predicate: None,
        }
    }

    /// No retries at all (for one request: `.retry(RetryPolicy::none())`).
    pub fn none() -> Self {
        RetryPolicy::new().limit(0)
    }

    /// How many retries after the first attempt (default 2).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = limit;
        self
    }
    /// Methods that may be retried (default: the idempotent ones).
    pub fn methods(mut self, methods: &[Method]) -> Self {
        self.methods = methods.to_vec();
        self
    }
    /// Statuses that are retried (default 408, 413, 429, 500, 502, 503, 504).
    pub fn statuses(mut self, statuses: &[u16]) -> Self {
        self.statuses = statuses.to_vec();
        self
    }
    /// Statuses whose `Retry-After` is honoured (default 413, 429, 503).
    pub fn after_statuses(mut self, statuses: &[u16]) -> Self {
        self.after_statuses = statuses.to_vec();
        self
    }
    /// First backoff delay (default 300 ms); attempt n waits `backoff · 2^(n−1)`.
    pub fn backoff(mut self, first: Duration) -> Self {
        self.backoff = first;
        self
    }
    /// Upper bound of a backoff delay (default none).
    pub fn backoff_limit(mut self, limit: Duration) -> Self {
        self.backoff_limit = Some(limit);
        self
    }
    /// Full jitter: wait a random time between 0 and the backoff delay (default off).
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }
    /// The longest `Retry-After` honoured (default 60 s); a longer one fails at once.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }
    /// Retry attempts that hit their per-attempt timeout (default off).
    pub fn retry_on_timeout(mut self, on: bool) -> Self {
        self.retry_on_timeout = on;
        self
    }
    /// Also retry POST and PATCH, sending the same `Idempotency-Key` header with every attempt
    /// (a random one unless the request sets it). Off by default: a POST may not be safe to repeat.
    pub fn retry_non_idempotent(mut self, on: bool) -> Self {
        self.non_idempotent = on;
        self
    }
    /// Override the rules for some outcomes.
    pub fn when(
        mut self,
        predicate: impl Fn(u32, &Result<Response>) -> Option<bool> + 'static,
    ) -> Self {
        self.predicate = Some(Rc::new(predicate));
        self
    }

    /// May requests with this method be retried at all?
    pub(crate) fn allows(&self, method: &Method) -> bool {
        self.limit > 0
            && (self.methods.contains(method)
                || (self.non_idempotent && (*method == Method::POST || *method == Method::PATCH)))
    }

    /// The backoff before attempt `attempt + 1` (attempt counts from 1).
    pub(crate) fn backoff_delay(&self, attempt: u32, random: f64) -> Duration {
        // In f64 seconds, saturating: a large backoff doubled many times must not overflow.
        let factor = crate::float::powi(2.0, attempt.saturating_sub(1).min(60) as i32);
        let cap = self.backoff_limit.unwrap_or(Duration::MAX);
        let delay = crate::rt::time::saturating_secs(self.backoff.as_secs_f64() * factor).min(cap);
        if !self.jitter {
            return delay;
        }
        // Capped again: the round trip through f64 seconds may round a nanosecond up.
        crate::rt::time::saturating_secs(delay.as_secs_f64() * random.clamp(0.0, 1.0)).min(cap)
    }

    fn server_delay(&self, res: &Response, now_ms: f64) -> Option<Duration> {
        let headers = res.headers();
        headers
            .get("retry-after")
            .and_then(|v| retry_after(v, now_ms))
            .or_else(|| {
                headers
                    .get("ratelimit-reset")
                    .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                    .map(|v| Duration::from_secs(v.parse().unwrap_or(u64::MAX)))
            })
    }

    /// What to do after `attempt` ended with `outcome`.
    pub(crate) fn decide(
        &self,
        attempt: u32,
        outcome: &Result<Response>,
        now_ms: f64,
        random: f64,
    ) -> Decision {
        if attempt > self.limit {
            return Decision::Done;
        }
        let by_rules = match outcome {
            Err(e) => match e.kind() {
                Kind::Network => Some(RetryReason::Network),
                Kind::Timeout if self.retry_on_timeout => Some(RetryReason::Timeout),
                _ => None,
            },
            Ok(res) if self.statuses.contains(&res.status().as_u16()) => {
                Some(RetryReason::Status(res.status()))
            }
            Ok(_) => None,
        };
        let reason = match self.predicate.as_ref().and_then(|p| p(attempt, outcome)) {
            Some(false) => None,
            Some(true) => Some(by_rules.unwrap_or(match outcome {
                Ok(res) => RetryReason::Status(res.status()),
                Err(_) => RetryReason::Network,
            })),
            None => by_rules,
        };
        // Never retry what the caller stopped.
        if let Err(e) = outcome {
            if matches!(e.kind(), Kind::Canceled | Kind::TotalTimeout) {
                return Decision::Done;
            }
        }
        let Some(reason) = reason else {
            return Decision::Done;
        };
        if let Ok(res) = outcome {
            if self.after_statuses.contains(&res.status().as_u16()) {
                if let Some(wait) = self.server_delay(res, now_ms) {
                    if wait > self.max_retry_after {
                        return Decision::FailFast(Error::new(
                            Kind::RateLimited,
                            crate::text::concat(&[
                                "the server asked to wait ",
                                &crate::text::number(wait.as_secs()),
                                " s (Retry-After), more than max_retry_after (",
                                &crate::text::number(self.max_retry_after.as_secs()),
                                " s)",
                            ]),
                        ));
                    }
                    return Decision::Retry(wait, reason);
                }
            }
        }
        Decision::Retry(self.backoff_delay(attempt, random), reason)
    }
}

#[cfg(test)]
#[path = "retry_policy_tests.rs"]
mod tests;
