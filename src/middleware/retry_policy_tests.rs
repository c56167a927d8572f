//! The retry rules with an injected clock and random source.

use crate::prelude::*;

use core::time::Duration;

use super::*;
use crate::http::headers::HeaderMap;
use crate::http::status::StatusCode;

const NOW: f64 = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT

fn response(status: u16, headers: &[(&str, &str)]) -> Result<Response> {
    let mut h = HeaderMap::new();
    for (n, v) in headers {
        h.insert(n, v).unwrap();
    }
    Ok(Response::new(StatusCode::new(status), h, Vec::new()))
}

fn delay(d: Decision) -> Duration {
    match d {
        Decision::Retry(delay, _) => delay,
        other => panic!("expected a retry, got {other:?}"),
    }
}

#[test]
fn backoff_doubles_from_300ms_and_respects_the_limit() {
    let p = RetryPolicy::new().limit(10);
    let seq: Vec<u128> = (1..=5)
        .map(|n| p.backoff_delay(n, 0.5).as_millis())
        .collect();
    assert_eq!(seq, [300, 600, 1200, 2400, 4800]);
    let capped = RetryPolicy::new().backoff_limit(Duration::from_secs(1));
    assert_eq!(capped.backoff_delay(5, 0.5), Duration::from_secs(1));
    // Huge attempt numbers saturate instead of overflowing.
    assert!(p.backoff_delay(u32::MAX, 0.5) > Duration::from_secs(1));
}

#[test]
fn a_huge_backoff_saturates_instead_of_panicking() {
    // Before: `backoff.mul_f64(2^n)` overflowed a Duration on the second retry and panicked.
    for backoff in [
        Duration::MAX,
        Duration::from_secs(u64::MAX / 2),
        Duration::from_millis(1 << 40),
    ] {
        let p = RetryPolicy::new().limit(100).backoff(backoff);
        for attempt in [1, 2, 3, 60, 100, u32::MAX] {
            let _ = p.backoff_delay(attempt, 0.5);
        }
        let capped = p.backoff_limit(Duration::from_millis(1)).jitter(true);
        assert_eq!(capped.backoff_delay(3, 0.0), Duration::ZERO);
        assert!(capped.backoff_delay(100, 0.999) <= Duration::from_millis(1));
    }
}

#[test]
fn full_jitter_stays_between_zero_and_the_backoff() {
    let p = RetryPolicy::new().jitter(true);
    for attempt in 1..=4 {
        let full = RetryPolicy::new().backoff_delay(attempt, 0.0);
        assert_eq!(p.backoff_delay(attempt, 0.0), Duration::ZERO);
        let near = p
            .backoff_delay(attempt, 0.999_999)
            .abs_diff(full.mul_f64(0.999_999));
        assert!(near < Duration::from_micros(1), "{near:?}");
        let r = crate::rt::time::random();
        let d = p.backoff_delay(attempt, r);
        assert!(d <= full, "{d:?} > {full:?}");
    }
}

#[test]
fn retryable_statuses_and_errors_follow_the_defaults() {
    let p = RetryPolicy::new();
    for status in [408, 413, 429, 500, 502, 503, 504] {
        assert!(
            matches!(
                p.decide(1, &response(status, &[]), NOW, 0.5),
                Decision::Retry(..)
            ),
            "{status}"
        );
    }
    for status in [200, 400, 401, 403, 404, 501] {
        assert!(
            matches!(
                p.decide(1, &response(status, &[]), NOW, 0.5),
                Decision::Done
            ),
            "{status}"
        );
    }
    let network = Err(Error::new(Kind::Network, "down"));
    assert!(matches!(
        p.decide(1, &network, NOW, 0.5),
        Decision::Retry(_, RetryReason::Network)
    ));
    for kind in [
        Kind::Timeout,
        Kind::Canceled,
        Kind::TotalTimeout,
        Kind::Decode,
    ] {
        let outcome = Err(Error::new(kind, ""));
        assert!(
            matches!(p.decide(1, &outcome, NOW, 0.5), Decision::Done),
            "{kind:?}"
        );
    }
    let timeout = Err(Error::new(Kind::Timeout, ""));
    let p2 = RetryPolicy::new().retry_on_timeout(true);
    assert!(matches!(
        p2.decide(1, &timeout, NOW, 0.5),
        Decision::Retry(_, RetryReason::Timeout)
    ));
    // The limit: attempt 3 is the last with limit 2.
    assert!(matches!(
        p.decide(3, &response(503, &[]), NOW, 0.5),
        Decision::Done
    ));
}

#[test]
fn retry_after_seconds_and_dates_are_honoured_on_413_429_503_only() {
    let p = RetryPolicy::new();
    assert_eq!(
        delay(p.decide(1, &response(429, &[("retry-after", "2")]), NOW, 0.5)),
        Duration::from_secs(2)
    );
    assert_eq!(
        delay(p.decide(
            1,
            &response(503, &[("retry-after", "Sun, 06 Nov 1994 08:49:42 GMT")]),
            NOW,
            0.5
        )),
        Duration::from_secs(5)
    );
    assert_eq!(
        delay(p.decide(1, &response(413, &[("ratelimit-reset", "7")]), NOW, 0.5)),
        Duration::from_secs(7)
    );
    // Not an "after" status: backoff, Retry-After ignored.
    assert_eq!(
        delay(p.decide(1, &response(500, &[("retry-after", "9")]), NOW, 0.5)),
        Duration::from_millis(300)
    );
    // Invalid values fall back to backoff.
    for bad in ["soon", "-5", "1.5", ""] {
        assert_eq!(
            delay(p.decide(2, &response(429, &[("retry-after", bad)]), NOW, 0.5)),
            Duration::from_millis(600)
        );
    }
}

#[test]
fn retry_after_over_the_cap_fails_fast() {
    let p = RetryPolicy::new();
    match p.decide(1, &response(429, &[("retry-after", "86400")]), NOW, 0.5) {
        Decision::FailFast(e) => assert_eq!(e.kind(), Kind::RateLimited),
        other => panic!("{other:?}"),
    }
    let lenient = RetryPolicy::new().max_retry_after(Duration::from_secs(100_000));
    assert_eq!(
        delay(lenient.decide(1, &response(429, &[("retry-after", "86400")]), NOW, 0.5)),
        Duration::from_secs(86_400)
    );
}

#[test]
fn methods_and_the_predicate() {
    let p = RetryPolicy::new();
    assert!(p.allows(&Method::GET) && p.allows(&Method::PUT) && p.allows(&Method::DELETE));
    assert!(!p.allows(&Method::POST) && !p.allows(&Method::PATCH));
    let opt_in = RetryPolicy::new().retry_non_idempotent(true);
    assert!(opt_in.allows(&Method::POST) && opt_in.allows(&Method::PATCH));
    assert!(!RetryPolicy::none().allows(&Method::GET));
    let p = RetryPolicy::new().when(|_, outcome| match outcome {
        Ok(res) if res.status() == 404 => Some(true),
        Ok(res) if res.status() == 503 => Some(false),
        _ => None,
    });
    assert!(matches!(
        p.decide(1, &response(404, &[]), NOW, 0.5),
        Decision::Retry(..)
    ));
    assert!(matches!(
        p.decide(1, &response(503, &[]), NOW, 0.5),
        Decision::Done
    ));
    // The predicate cannot resurrect a canceled request.
    let always = RetryPolicy::new().when(|_, _| Some(true));
    let canceled = Err(Error::new(Kind::Canceled, ""));
    assert!(matches!(
        always.decide(1, &canceled, NOW, 0.5),
        Decision::Done
    ));
}
