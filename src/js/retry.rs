//! The JS `retry` option: `2 | false | { limit, methods, statusCodes, backoffLimit, jitter,
//! maxRetryAfter, retryOnTimeout }` (times in milliseconds, as in ky).

use std::time::Duration;

use wasm_bindgen::JsValue;

use super::options::{bad_option, Options};
use crate::error::Result;
use crate::{Method, RetryPolicy};

fn millis(ms: f64) -> Duration {
    Duration::from_secs_f64(ms / 1000.0)
}

/// Read a `retry` option value.
pub(super) fn retry_policy(value: &JsValue, name: &str) -> Result<RetryPolicy> {
    if let Some(on) = value.as_bool() {
        return Ok(if on {
            RetryPolicy::new()
        } else {
            RetryPolicy::none()
        });
    }
    if let Some(limit) = value.as_f64() {
        if !(limit.is_finite() && limit >= 0.0 && limit.fract() == 0.0) {
            return Err(bad_option(
                name,
                "must be a whole number of retries, false, or an object",
            ));
        }
        return Ok(RetryPolicy::new().limit(limit as u32));
    }
    let options = Options::read(value, name)?;
    options.only(&[
        "limit",
        "methods",
        "statusCodes",
        "afterStatusCodes",
        "backoff",
        "backoffLimit",
        "jitter",
        "maxRetryAfter",
        "retryOnTimeout",
    ])?;
    let mut policy = RetryPolicy::new();
    if let Some(limit) = options.number("limit")? {
        policy = policy.limit(limit as u32);
    }
    if let Some(methods) = options.strings("methods")? {
        let methods = methods
            .iter()
            .map(|m| Method::from_str(m))
            .collect::<Result<Vec<_>>>()
            .map_err(|_| bad_option(&options.name("methods"), "must list HTTP methods"))?;
        // Listing POST or PATCH is the opt-in: they get a stable Idempotency-Key.
        let unsafe_listed = methods
            .iter()
            .any(|m| *m == Method::POST || *m == Method::PATCH);
        policy = policy.methods(&methods).retry_non_idempotent(unsafe_listed);
    }
    if let Some(statuses) = options.statuses("statusCodes")? {
        policy = policy.statuses(&statuses);
    }
    if let Some(statuses) = options.statuses("afterStatusCodes")? {
        policy = policy.after_statuses(&statuses);
    }
    if let Some(ms) = options.number("backoff")? {
        policy = policy.backoff(millis(ms));
    }
    if let Some(ms) = options.number("backoffLimit")? {
        policy = policy.backoff_limit(millis(ms));
    }
    if let Some(on) = options.bool("jitter")? {
        policy = policy.jitter(on);
    }
    if let Some(ms) = options.number("maxRetryAfter")? {
        policy = policy.max_retry_after(millis(ms));
    }
    if let Some(on) = options.bool("retryOnTimeout")? {
        policy = policy.retry_on_timeout(on);
    }
    Ok(policy)
}
