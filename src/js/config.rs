//! The client configuration `tokenfetch.js` hands over: one JSON text, already validated and
//! normalised there (names, types, ranges). It is checked again here, because nothing that
//! crosses the boundary may make the engine panic: every number is range-checked before it
//! becomes a `Duration` or a count.

use crate::prelude::*;

use core::time::Duration;

use crate::error::{Error, Kind, Result};
use crate::http::json::Value;
use crate::middleware::RateLimit;
use crate::{Method, RetryPolicy};

/// The longest time any option may name: `setTimeout`'s limit, 2^31 − 1 ms.
pub(super) const MAX_MS: f64 = crate::rt::time::MAX_DELAY.as_millis() as f64;

/// A checked number of milliseconds (`0..=MAX_MS`) as a `Duration`, rounded up to whole
/// milliseconds, so that a tiny positive time is 1 ms, never zero ("none").
pub(super) fn millis(ms: f64) -> Duration {
    Duration::from_millis(crate::float::ceil(ms.clamp(0.0, MAX_MS)) as u64)
}

/// `ERR_BAD_OPTION` naming `option`.
pub(super) fn bad_option(option: &str, why: &str) -> Error {
    let mut message = String::from("option `");
    message.push_str(option);
    message.push_str("` ");
    message.push_str(why);
    Error::new(Kind::Builder, message)
}

/// A JSON object's members, read by name.
pub(super) struct Section<'a> {
    name: &'a str,
    value: Option<&'a Value>,
}

// Natively (unit tests) not every reader is used.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl<'a> Section<'a> {
    pub fn new(name: &'a str, value: Option<&'a Value>) -> Self {
        Section { name, value }
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        match self.value? {
            Value::Object(members) => members
                .iter()
                .rfind(|(k, _)| k == key)
                .map(|(_, v)| v)
                .filter(|v| **v != Value::Null),
            _ => None,
        }
    }

    fn bad(&self, key: &str, why: &str) -> Error {
        let mut name = String::from(self.name);
        if !name.is_empty() {
            name.push('.');
        }
        name.push_str(key);
        bad_option(&name, why)
    }

    pub fn str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| self.bad(key, "must be a string")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.bad(key, "must be true or false")),
        }
    }

    /// A number in `min..=max` (and whole, if `whole`).
    pub fn number(&self, key: &str, min: f64, max: f64, whole: bool) -> Result<Option<f64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n >= min && n <= max && (!whole || crate::float::fract(n) == 0.0) => {
                    Ok(Some(n))
                }
                _ => Err(self.bad(key, "is out of range")),
            },
        }
    }

    /// Milliseconds in `0..=MAX_MS` (see [`millis`]).
    pub fn millis(&self, key: &str) -> Result<Option<Duration>> {
        Ok(self.number(key, 0.0, MAX_MS, false)?.map(millis))
    }

    pub fn strings(&self, key: &str) -> Result<Option<Vec<&'a str>>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let bad = || self.bad(key, "must be an array of strings");
        let mut out = Vec::new();
        for item in v.as_array().ok_or_else(bad)? {
            out.push(item.as_str().ok_or_else(bad)?);
        }
        Ok(Some(out))
    }

    pub fn statuses(&self, key: &str) -> Result<Option<Vec<u16>>> {
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let bad = || self.bad(key, "must be an array of HTTP status numbers");
        let mut out = Vec::new();
        for item in v.as_array().ok_or_else(bad)? {
            match item.as_f64() {
                Some(n) if (100.0..=599.0).contains(&n) && crate::float::fract(n) == 0.0 => {
                    out.push(n as u16)
                }
                _ => return Err(bad()),
            }
        }
        Ok(Some(out))
    }
}

/// The `retry` option: `false`, or an object of ky's settings (times in ms).
pub(super) fn retry_policy(value: &Value, name: &str) -> Result<RetryPolicy> {
    if value.as_bool() == Some(false) {
        return Ok(RetryPolicy::none());
    }
    let s = Section::new(name, Some(value));
    // Set in place (the by-value setters cost more wasm); the values are checked here.
    let mut policy = RetryPolicy::new();
    if let Some(limit) = s.number("limit", 0.0, 100.0, true)? {
        policy.limit = limit as u32;
    }
    if let Some(methods) = s.strings("methods")? {
        let methods = methods
            .iter()
            .map(|m| Method::from_str(m))
            .collect::<Result<Vec<_>>>()?;
        // Listing POST or PATCH is the opt-in: they get a stable Idempotency-Key.
        policy.non_idempotent = methods
            .iter()
            .any(|m| *m == Method::POST || *m == Method::PATCH);
        policy.methods = methods;
    }
    if let Some(statuses) = s.statuses("statusCodes")? {
        policy.statuses = statuses;
    }
    if let Some(statuses) = s.statuses("afterStatusCodes")? {
        policy.after_statuses = statuses;
    }
    if let Some(d) = s.millis("backoff")? {
        policy.backoff = d;
    }
    if let Some(d) = s.millis("backoffLimit")? {
        policy.backoff_limit = Some(d);
    }
    if let Some(on) = s.bool("jitter")? {
        policy.jitter = on;
    }
    if let Some(d) = s.millis("maxRetryAfter")? {
        policy.max_retry_after = d;
    }
    if let Some(on) = s.bool("retryOnTimeout")? {
        policy.retry_on_timeout = on;
    }
    Ok(policy)
}

/// The `rateLimit` option.
pub(super) fn rate_limit(value: &Value) -> Result<RateLimit> {
    let s = Section::new("rateLimit", Some(value));
    let mut limit = RateLimit::new();
    if let Some(n) = s.number("maxConcurrent", 1.0, 10_000.0, true)? {
        limit = limit.max_concurrent(n as usize)?;
    }
    if let Some(rate) = s.number("perSecond", 0.001, 1_000_000.0, false)? {
        limit = limit.per_second(rate)?;
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::json;

    fn value(text: &str) -> Value {
        json::parse(text).unwrap()
    }

    fn refused<T: core::fmt::Debug>(result: Result<T>, option: &str) {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), Kind::Builder);
        assert!(
            error.to_string().contains(option),
            "{error} should name {option}"
        );
    }

    #[test]
    fn lists_are_read_whole_or_refused() {
        let v = value(
            r#"{"m":["GET","put"],"s":[200,503],"bad":["a",1],"frac":[200.5],"low":[99],"no":"x"}"#,
        );
        let s = Section::new("retry", Some(&v));
        assert_eq!(s.strings("m").unwrap(), Some(vec!["GET", "put"]));
        assert_eq!(s.strings("missing").unwrap(), None);
        refused(s.strings("bad"), "retry.bad");
        refused(s.strings("no"), "retry.no");
        assert_eq!(s.statuses("s").unwrap(), Some(vec![200, 503]));
        refused(s.statuses("frac"), "retry.frac");
        refused(s.statuses("low"), "retry.low");
        refused(s.statuses("no"), "retry.no");
    }

    #[test]
    fn numbers_are_range_checked() {
        let v = value(r#"{"huge":1e300,"neg":-1,"tiny":1e-300,"ok":1500,"str":"1"}"#);
        let s = Section::new("", Some(&v));
        refused(s.millis("huge"), "huge");
        refused(s.millis("neg"), "neg");
        refused(s.millis("str"), "str");
        assert_eq!(s.millis("tiny").unwrap(), Some(Duration::from_millis(1)));
        assert_eq!(s.millis("ok").unwrap(), Some(Duration::from_millis(1500)));
        refused(s.number("ok", 0.0, 100.0, true), "ok");
    }

    #[test]
    fn the_retry_option() {
        let policy = retry_policy(
            &value(
                r#"{"limit":3,"methods":["GET","POST"],"statusCodes":[500],"afterStatusCodes":[503],
                "backoff":10,"backoffLimit":100,"jitter":true,"maxRetryAfter":1000,"retryOnTimeout":true}"#,
            ),
            "retry",
        )
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
        assert_eq!(retry_policy(&value("false"), "retry").unwrap().limit, 0);
        refused(
            retry_policy(&value(r#"{"limit":1e10}"#), "retry"),
            "retry.limit",
        );
        refused(
            retry_policy(&value(r#"{"backoff":1e300}"#), "retry"),
            "retry.backoff",
        );
        let bad_method = retry_policy(&value(r#"{"methods":["GE T"]}"#), "retry").unwrap_err();
        assert_eq!(bad_method.kind(), Kind::InvalidMethod);
        refused(
            rate_limit(&value(r#"{"perSecond":1e-300}"#)),
            "rateLimit.perSecond",
        );
        refused(
            rate_limit(&value(r#"{"maxConcurrent":0}"#)),
            "rateLimit.maxConcurrent",
        );
    }
}
