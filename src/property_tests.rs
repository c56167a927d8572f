//! Random-input tests of every parser and every numeric setting, bounded in count (a few
//! seconds natively, part of `cargo test`): nothing panics, a relative URL never leaves the
//! base origin, a header never holds CR/LF, waits never overflow. A fixed seed keeps failures
//! reproducible; `TOKENFETCH_FUZZ_SEED` picks another.

use crate::prelude::*;

use core::time::Duration;

use crate::auth::challenge::allows_refresh;
use crate::auth::jwt::expires_at;
use crate::error::Result;
use crate::http::date::retry_after;
use crate::http::headers::HeaderMap;
use crate::http::json;
use crate::http::status::StatusCode;
use crate::http::url::{origin_of, resolve, BaseUrl};
use crate::middleware::{RateLimit, RetryPolicy};
use crate::response::Response;

/// A small xorshift generator (no dependency, reproducible).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("TOKENFETCH_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_cafe_f00d_u64);
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// A string of up to `max` pieces drawn from `pieces`.
    fn string(&mut self, pieces: &[&str], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
    }
    fn f64(&mut self) -> f64 {
        const SPECIAL: [f64; 12] = [
            0.0,
            -0.0,
            -1.0,
            1e-300,
            1e300,
            f64::MAX,
            f64::MIN,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::EPSILON,
            0.5,
        ];
        match self.below(3) {
            0 => SPECIAL[self.below(SPECIAL.len())],
            1 => f64::from_bits(self.next()),
            _ => (self.next() % 1_000_000) as f64 / 7.0,
        }
    }
    fn duration(&mut self) -> Duration {
        match self.below(4) {
            0 => Duration::MAX,
            1 => Duration::ZERO,
            2 => Duration::from_nanos(self.next()),
            _ => Duration::new(self.next(), (self.next() % 1_000_000_000) as u32),
        }
    }
}

const URL_PIECES: &[&str] = &[
    "/",
    "\\",
    ":",
    "@",
    "?",
    "#",
    "%",
    "%2f",
    "%5c",
    ".",
    "..",
    "-",
    "_",
    " ",
    "\t",
    "\r",
    "\n",
    "a",
    "Z",
    "0",
    "9",
    "//",
    "/\\",
    "\\\\",
    "evil.test",
    "127.0.0.1",
    "[::1]",
    "http:",
    "https:",
    "HTTP://",
    "javascript:",
    "é",
    "\u{3000}",
    "\u{a0}",
    "\u{0}",
    "x=1",
    "&",
    ":80",
    ":99999",
];

#[test]
fn a_relative_url_never_leaves_the_base_origin() {
    let mut rng = Rng::new();
    let base = BaseUrl::parse("https://api.test/v1").unwrap();
    let mut resolved = 0;
    for _ in 0..50_000 {
        let input = rng.string(URL_PIECES, 8);
        let Ok(url) = resolve(Some(&base), &input) else {
            continue;
        };
        let absolute = {
            let t = input.trim().to_ascii_lowercase();
            t.starts_with("http://") || t.starts_with("https://")
        };
        if !absolute {
            resolved += 1;
            assert_eq!(
                origin_of(&url).as_deref(),
                Some("https://api.test"),
                "{input:?} -> {url:?}"
            );
        }
        assert!(
            !url.contains(['\r', '\n', '\t', '\0']),
            "{input:?} -> {url:?}"
        );
    }
    assert!(
        resolved > 5_000,
        "the generator must reach the resolver: {resolved}"
    );
}

#[test]
fn a_header_never_holds_cr_lf_or_nul() {
    let mut rng = Rng::new();
    let pieces = &[
        "a", "-", "X", " ", "\t", "\r", "\n", "\r\n", "\0", "é", "\u{7f}", ":", "ÿ", "\u{100}",
    ];
    let mut accepted = 0;
    for _ in 0..50_000 {
        let (name, value) = (rng.string(pieces, 6), rng.string(pieces, 8));
        let mut headers = HeaderMap::new();
        if headers.insert(&name, &value).is_ok() {
            accepted += 1;
            for (n, v) in headers.iter() {
                assert!(!n.contains(['\r', '\n', '\0']) && !v.contains(['\r', '\n', '\0']));
            }
        }
    }
    assert!(
        accepted > 500,
        "the generator must reach valid headers: {accepted}"
    );
}

#[test]
fn the_json_jwt_date_and_challenge_readers_never_panic() {
    let mut rng = Rng::new();
    let json_pieces = &[
        "{", "}", "[", "]", "\"", "\\", "\\u", "d83d", ":", ",", "1", "-", ".", "e", "+", "0",
        "1e999", "true", "null", "a", " ", "\u{0}", "é",
    ];
    let b64_pieces = &[
        "eyJ", "leHAiOj", "E", "x", ".", "-", "_", "=", "A", "9", "é",
    ];
    let date_pieces = &[
        "Sun, ", "06 ", "Nov ", "1994 ", "08:49:37", " GMT", "-", "+", "9", ":",
    ];
    let challenge_pieces = &[
        "Bearer",
        " ",
        "Basic",
        "error=",
        "\"",
        "invalid_token",
        "insufficient_scope",
        ",",
        "=",
        "realm",
        "\\",
    ];
    let mut parsed = 0;
    for _ in 0..20_000 {
        let text = rng.string(json_pieces, 24);
        if let Ok(value) = json::parse(&text) {
            parsed += 1;
            let mut out = String::new();
            value.write(&mut out);
            assert!(json::parse(&out).is_ok(), "{text:?} re-written as {out:?}");
        }
        let _ = expires_at(&rng.string(b64_pieces, 16));
        let _ = retry_after(&rng.string(date_pieces, 8), rng.f64());
        let _ = allows_refresh(Some(&rng.string(challenge_pieces, 10)), "Bearer");
    }
    assert!(
        parsed > 100,
        "the generator must reach valid JSON: {parsed}"
    );
    // Deep nesting is refused, not a stack overflow.
    assert!(json::parse(&"[".repeat(100_000)).is_err());
}

fn response(status: u16, retry_after: &str) -> Result<Response> {
    let mut headers = HeaderMap::new();
    if !retry_after.is_empty() {
        headers.insert("retry-after", retry_after)?;
    }
    Ok(Response::new(StatusCode::new(status), headers, Vec::new()))
}

#[test]
fn every_numeric_setting_takes_extreme_values_without_panicking() {
    let mut rng = Rng::new();
    for _ in 0..20_000 {
        let cap = rng.duration();
        let policy = RetryPolicy::new()
            .limit(rng.next() as u32)
            .backoff(rng.duration())
            .backoff_limit(cap)
            .max_retry_after(rng.duration())
            .jitter(rng.below(2) == 0);
        let header = match rng.below(4) {
            0 => String::new(),
            1 => (rng.next() % 10_000).to_string(),
            2 => "99999999999999999999999".to_string(),
            _ => "Sun, 06 Nov 2094 08:49:37 GMT".to_string(),
        };
        let outcome = response([429, 503, 500, 200][rng.below(4)], &header);
        let _ = policy.decide(rng.next() as u32, &outcome, rng.f64(), rng.f64());
        assert!(policy.backoff_delay(rng.next() as u32, rng.f64()) <= cap);
        let _ = crate::rt::time::saturating_secs(rng.f64());
        let _ = crate::rt::time::clamp_millis(rng.duration());
    }
    for _ in 0..2_000 {
        // Out of the documented range is an error; in range never panics when used.
        if let Ok(limit) = RateLimit::new().per_second(rng.f64()) {
            let _ = limit.token_wait_for_tests();
        }
        let _ = RateLimit::new().max_concurrent(rng.next() as usize);
    }
    for bad in [0.0, -1.0, 1e-300, 1e300, f64::NAN, f64::INFINITY, f64::MAX] {
        assert!(RateLimit::new().per_second(bad).is_err(), "{bad}");
    }
}
