//! The client configuration `tokenfetch.js` hands over, in fixed places rather than as JSON
//! (no JSON reader in the wasm: with the platform reading the auth code's JSON, −1.9 KB
//! gzip): numbers in one `Float64Array` (`NaN`: not set), strings in one array (`undefined`:
//! not set), the retry policy in a `Float64Array` of its own (also sent per request).
//! `options.js` validated and normalised every value; it is checked again here, because
//! nothing that crosses the boundary may make the engine panic: every number is range-checked
//! before it becomes a `Duration` or a count.
//!
//! The places are constants here and in `pkg-template/options.js` (`N`, `S`, `R`), which
//! must agree.

// Natively (its unit tests) not every place and reader is used.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use crate::prelude::*;

use core::time::Duration;

use crate::error::{Error, Kind, Result};
use crate::middleware::RateLimit;
use crate::{Method, RetryPolicy};

/// The longest time any option may name: `setTimeout`'s limit, 2^31 − 1 ms.
pub(super) const MAX_MS: f64 = crate::rt::time::MAX_DELAY.as_millis() as f64;

/// Places in the numbers (`options.js`: `N`).
pub(super) mod n {
    pub const TIMEOUT: usize = 0;
    pub const WITH_CREDENTIALS: usize = 1;
    pub const DEDUPE: usize = 2;
    pub const MAX_CONCURRENT: usize = 3;
    pub const PER_SECOND: usize = 4;
    /// The `auth` option's store: 0 memory, 1 `localStorage`, 2 `sessionStorage`, 3 cookie,
    /// 4 the app's own; `NaN`: no `auth` option.
    pub const STORAGE: usize = 5;
    /// Seconds, or −1 for `false`.
    pub const REFRESH_BEFORE_EXPIRY: usize = 6;
    pub const CROSS_TAB: usize = 7;
    pub const REFRESH_TIMEOUT: usize = 8;
    pub const REFRESH_WITH_CREDENTIALS: usize = 9;
    /// The refresh body: 0 JSON, 1 an OAuth form (`NaN`: JSON, or a form with a `clientId`).
    pub const REFRESH_FORMAT: usize = 10;
    /// How many `auth.statusCodes` follow (`NaN`: the default).
    pub const AUTH_STATUSES: usize = 11;
}

/// Places in the strings (`options.js`: `S`).
pub(super) mod s {
    pub const BASE_URL: usize = 0;
    /// `name\nvalue\n` lines.
    pub const HEADERS: usize = 1;
    pub const STORAGE_KEY: usize = 2;
    pub const HEADER: usize = 3;
    pub const SCHEME: usize = 4;
    /// One origin per line.
    pub const ALLOWED_ORIGINS: usize = 5;
    pub const REFRESH_URL: usize = 6;
    pub const REFRESH_METHOD: usize = 7;
    pub const ACCESS_FIELD: usize = 8;
    pub const REFRESH_FIELD: usize = 9;
    /// The retry policy's methods, one per line.
    pub const RETRY_METHODS: usize = 10;
    pub const CLIENT_ID: usize = 11;
    pub const SCOPE: usize = 12;
    /// The refresh request's own headers, `name\nvalue\n` lines.
    pub const REFRESH_HEADERS: usize = 13;
    pub const REVOKE_URL: usize = 14;
    pub const REVOKE_CLIENT_ID: usize = 15;
}

/// Places in a retry policy (`options.js`: `R`); the status lists follow them.
mod r {
    pub const LIMIT: usize = 0;
    pub const BACKOFF: usize = 1;
    pub const BACKOFF_LIMIT: usize = 2;
    pub const JITTER: usize = 3;
    pub const MAX_RETRY_AFTER: usize = 4;
    pub const RETRY_ON_TIMEOUT: usize = 5;
    /// How many `statusCodes` follow the fixed places (`NaN`: the default).
    pub const STATUSES: usize = 6;
    /// How many `afterStatusCodes` follow those (`NaN`: the default).
    pub const AFTER_STATUSES: usize = 7;
    pub const FIXED: usize = 8;
}

/// A checked number of milliseconds (`0..=MAX_MS`) as a `Duration`, rounded up to whole
/// milliseconds, so that a tiny positive time is 1 ms, never zero ("none").
pub(super) fn millis(ms: f64) -> Duration {
    Duration::from_millis(crate::float::ceil(ms.clamp(0.0, MAX_MS)) as u64)
}

/// `ERR_BAD_OPTION` naming `option`.
pub(super) fn bad_option(option: &str, why: &str) -> Error {
    Error::new(
        Kind::Builder,
        crate::text::concat(&["option `", option, "` ", why]),
    )
}

/// The string at `at` in the strings, if it is one (`undefined` is "not set").
#[cfg(target_arch = "wasm32")]
pub(super) fn string(strs: &[wasm_bindgen::JsValue], at: usize) -> Option<String> {
    strs.get(at).and_then(wasm_bindgen::JsValue::as_string)
}

/// Numbers in fixed places; `NaN` (or a place past the end) is "not set".
#[derive(Clone, Copy)]
pub(super) struct Nums<'a>(pub &'a [f64]);

impl Nums<'_> {
    pub fn get(self, at: usize) -> Option<f64> {
        self.0.get(at).copied().filter(|v| !v.is_nan())
    }

    /// A number in `min..=max` (and whole, if `whole`), or `ERR_BAD_OPTION` naming `name`.
    pub fn number(
        self,
        at: usize,
        name: &str,
        min: f64,
        max: f64,
        whole: bool,
    ) -> Result<Option<f64>> {
        match self.get(at) {
            None => Ok(None),
            Some(v) if v >= min && v <= max && (!whole || crate::float::fract(v) == 0.0) => {
                Ok(Some(v))
            }
            Some(_) => Err(bad_option(name, "is out of range")),
        }
    }

    /// Milliseconds in `0..=MAX_MS` (see [`millis`]).
    pub fn millis(self, at: usize, name: &str) -> Result<Option<Duration>> {
        Ok(self.number(at, name, 0.0, MAX_MS, false)?.map(millis))
    }

    /// 0 is false, anything else true.
    pub fn flag(self, at: usize) -> Option<bool> {
        self.get(at).map(|v| v != 0.0)
    }

    /// The list of HTTP statuses whose length is at `count`, starting at `*from` (which moves
    /// past it); `None` when the length is not set.
    pub fn statuses(self, count: usize, from: &mut usize, name: &str) -> Result<Option<Vec<u16>>> {
        let Some(len) = self.number(count, name, 0.0, 600.0, true)? else {
            return Ok(None);
        };
        let mut out = Vec::new();
        for _ in 0..len as usize {
            match self.get(*from) {
                Some(v) if (100.0..=599.0).contains(&v) && crate::float::fract(v) == 0.0 => {
                    out.push(v as u16)
                }
                _ => return Err(bad_option(name, "must be HTTP status numbers")),
            }
            *from += 1;
        }
        Ok(Some(out))
    }
}

/// The retry policy in `nums` (empty: `None`, not set); `methods`: one per line.
pub(super) fn retry_policy(nums: &[f64], methods: Option<&str>) -> Result<Option<RetryPolicy>> {
    if nums.is_empty() {
        return Ok(None);
    }
    let v = Nums(nums);
    // Set in place (the by-value setters cost more wasm); the values are checked here.
    let mut policy = RetryPolicy::new();
    if let Some(limit) = v.number(r::LIMIT, "retry.limit", 0.0, 100.0, true)? {
        policy.limit = limit as u32;
    }
    if let Some(methods) = methods {
        let mut list = Vec::new();
        for m in crate::text::split_byte(methods, b'\n').filter(|m| !m.is_empty()) {
            list.push(Method::from_str(m)?);
        }
        // Listing POST or PATCH is the opt-in: they get a stable Idempotency-Key.
        policy.non_idempotent = list
            .iter()
            .any(|m| *m == Method::POST || *m == Method::PATCH);
        policy.methods = list;
    }
    let mut at = r::FIXED;
    if let Some(statuses) = v.statuses(r::STATUSES, &mut at, "retry.statusCodes")? {
        policy.statuses = statuses;
    }
    if let Some(statuses) = v.statuses(r::AFTER_STATUSES, &mut at, "retry.afterStatusCodes")? {
        policy.after_statuses = statuses;
    }
    if let Some(d) = v.millis(r::BACKOFF, "retry.backoff")? {
        policy.backoff = d;
    }
    if let Some(d) = v.millis(r::BACKOFF_LIMIT, "retry.backoffLimit")? {
        policy.backoff_limit = Some(d);
    }
    if let Some(on) = v.flag(r::JITTER) {
        policy.jitter = on;
    }
    if let Some(d) = v.millis(r::MAX_RETRY_AFTER, "retry.maxRetryAfter")? {
        policy.max_retry_after = d;
    }
    if let Some(on) = v.flag(r::RETRY_ON_TIMEOUT) {
        policy.retry_on_timeout = on;
    }
    Ok(Some(policy))
}

/// The `rateLimit` option, if either limit is set.
pub(super) fn rate_limit(v: Nums) -> Result<Option<RateLimit>> {
    let concurrent = v.number(
        n::MAX_CONCURRENT,
        "rateLimit.maxConcurrent",
        1.0,
        10_000.0,
        true,
    )?;
    let rate = v.number(
        n::PER_SECOND,
        "rateLimit.perSecond",
        0.001,
        1_000_000.0,
        false,
    )?;
    if concurrent.is_none() && rate.is_none() {
        return Ok(None);
    }
    let mut limit = RateLimit::new();
    if let Some(n) = concurrent {
        limit = limit.max_concurrent(n as usize)?;
    }
    if let Some(rate) = rate {
        limit = limit.per_second(rate)?;
    }
    Ok(Some(limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused<T>(result: Result<T>, option: &str) {
        let Err(error) = result else {
            panic!("{option} should be refused");
        };
        assert_eq!(error.kind(), Kind::Builder);
        assert!(
            error.to_string().contains(option),
            "{error} should name {option}"
        );
    }

    #[test]
    fn numbers_are_range_checked() {
        let v = Nums(&[
            1e300,
            -1.0,
            1e-300,
            1500.0,
            f64::NAN,
            f64::INFINITY,
            f64::MAX,
        ]);
        refused(v.millis(0, "huge"), "huge");
        refused(v.millis(1, "neg"), "neg");
        assert_eq!(v.millis(2, "tiny").unwrap(), Some(Duration::from_millis(1)));
        assert_eq!(
            v.millis(3, "ok").unwrap(),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(v.millis(4, "nan").unwrap(), None, "NaN is not set");
        assert_eq!(v.millis(99, "past the end").unwrap(), None);
        refused(v.millis(5, "inf"), "inf");
        refused(v.millis(6, "max"), "max");
        refused(v.number(3, "whole", 0.0, 100.0, true), "whole");
        assert_eq!(Nums(&[0.0, 1.0]).flag(0), Some(false));
        assert_eq!(Nums(&[0.0, 1.0]).flag(1), Some(true));
    }

    #[test]
    fn status_lists_are_read_whole_or_refused() {
        let mut at = 2;
        let v = Nums(&[2.0, 1.0, 500.0, 503.0, 429.0]);
        assert_eq!(v.statuses(0, &mut at, "a").unwrap(), Some(vec![500, 503]));
        assert_eq!(v.statuses(1, &mut at, "b").unwrap(), Some(vec![429]));
        assert_eq!(at, 5);
        assert_eq!(Nums(&[f64::NAN]).statuses(0, &mut 1, "c").unwrap(), None);
        assert_eq!(Nums(&[0.0]).statuses(0, &mut 1, "d").unwrap(), Some(vec![]));
        refused(Nums(&[1.0, 200.5]).statuses(0, &mut 1, "frac"), "frac");
        refused(Nums(&[1.0, 99.0]).statuses(0, &mut 1, "low"), "low");
        refused(Nums(&[2.0, 200.0]).statuses(0, &mut 1, "short"), "short");
        refused(Nums(&[1e10]).statuses(0, &mut 1, "long"), "long");
    }

    #[test]
    fn the_retry_option() {
        let nan = f64::NAN;
        let policy = retry_policy(
            &[3.0, 10.0, 100.0, 1.0, 1000.0, 1.0, 1.0, 1.0, 500.0, 503.0],
            Some("GET\nPOST\n"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(policy.limit, 3);
        assert_eq!(policy.methods, vec![Method::GET, Method::POST]);
        assert!(
            policy.non_idempotent,
            "listing POST opts in to the idempotency key"
        );
        assert_eq!(
            (policy.statuses.clone(), policy.after_statuses.clone()),
            (vec![500], vec![503])
        );
        assert_eq!(policy.backoff, Duration::from_millis(10));
        assert_eq!(policy.backoff_limit, Some(Duration::from_millis(100)));
        assert_eq!(policy.max_retry_after, Duration::from_millis(1000));
        assert!(policy.jitter && policy.retry_on_timeout);
        assert!(retry_policy(&[], None).unwrap().is_none(), "empty: not set");
        let defaults = retry_policy(&[nan], None).unwrap().unwrap();
        assert_eq!((defaults.limit, defaults.statuses.len()), (2, 7));
        assert_eq!(retry_policy(&[0.0], None).unwrap().unwrap().limit, 0);
        refused(retry_policy(&[1e10], None), "retry.limit");
        refused(retry_policy(&[nan, 1e300], None), "retry.backoff");
        refused(
            retry_policy(&[nan, nan, f64::MAX], None),
            "retry.backoffLimit",
        );
        let bad_method = retry_policy(&[nan], Some("GE T")).unwrap_err();
        assert_eq!(bad_method.kind(), Kind::InvalidMethod);
        let mut rate = [nan; 5];
        rate[n::PER_SECOND] = 1e-300;
        refused(rate_limit(Nums(&rate)), "rateLimit.perSecond");
        rate[n::PER_SECOND] = nan;
        rate[n::MAX_CONCURRENT] = 0.0;
        refused(rate_limit(Nums(&rate)), "rateLimit.maxConcurrent");
        assert!(rate_limit(Nums(&[nan; 5])).unwrap().is_none());
    }
}
