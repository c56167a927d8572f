//! Time: the only module that reads the clock or sleeps.
//!
//! In the browser (and Node) it uses `Date.now()` and `setTimeout`; natively (unit tests) it
//! uses `std::time` and a helper thread, so the chain can be tested without a browser.
//!
//! Public for middleware authors and tests: `std::time::Instant::now()` and
//! `std::thread::sleep` panic or block on `wasm32-unknown-unknown`; [`sleep`] and [`now_ms`]
//! work there and natively alike.

use core::time::Duration;

/// The longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer delays would
/// overflow into "fire now", so every delay is clamped to this.
pub const MAX_DELAY: Duration = Duration::from_millis(i32::MAX as u64);

/// A delay in whole milliseconds, clamped to [`MAX_DELAY`] (sub-millisecond delays round up).
pub(crate) fn clamp_millis(d: Duration) -> u32 {
    // In u64 (not `as_nanos`, a u128: its division is 1 KB of wasm).
    let d = d.min(MAX_DELAY);
    let ms = d.as_secs() * 1000 + u64::from(d.subsec_nanos().div_ceil(1_000_000));
    ms.min(i32::MAX as u64) as u32
}

/// `secs` as a `Duration`, saturating: NaN and negatives are zero, huge values `Duration::MAX`
/// (where `Duration::from_secs_f64` would panic).
pub(crate) fn saturating_secs(secs: f64) -> Duration {
    // By hand: `Duration::try_from_secs_f64` is 0.5 KB of wasm.
    if secs.is_nan() || secs <= 0.0 {
        Duration::ZERO
    } else if secs >= 18_446_744_073_709_551_616.0 {
        Duration::MAX
    } else {
        // Below 2^64 an f64 with a fraction is below 2^53: a nanosecond carry cannot overflow.
        let whole = crate::float::trunc(secs);
        let nanos = crate::float::round((secs - whole) * 1e9) as u32;
        Duration::new(whole as u64, nanos)
    }
}

/// Milliseconds since the Unix epoch.
#[cfg(target_arch = "wasm32")]
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Milliseconds since the Unix epoch.
#[cfg(not(target_arch = "wasm32"))]
pub fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// The time since `start` (a [`now_ms`] reading); zero if the clock went backwards.
pub(crate) fn since(start: f64) -> Duration {
    saturating_secs((now_ms() - start) / 1000.0)
}

/// A random number in `[0, 1)` (for backoff jitter): `Math.random()` in the browser.
#[cfg(target_arch = "wasm32")]
pub(crate) fn random() -> f64 {
    js_sys::Math::random()
}

/// A random number in `[0, 1)` (for backoff jitter): a xorshift seeded from the clock.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn random() -> f64 {
    use core::cell::Cell;
    std::thread_local!(static STATE: Cell<u64> = Cell::new((now_ms() * 1000.0) as u64 | 1));
    STATE.with(|s| {
        let mut x = s.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/rt/promise.js")]
extern "C" {
    fn timer(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = clearTimer)]
    fn clear_timer(timer: &js_sys::Promise);
}

/// Sleep for `d` (clamped to [`MAX_DELAY`]). Dropping the future clears the timer.
#[cfg(target_arch = "wasm32")]
pub async fn sleep(d: Duration) {
    /// Clears the timer when the sleep ends, early (dropped) or not (then it does nothing).
    struct Timer(js_sys::Promise);
    impl Drop for Timer {
        fn drop(&mut self) {
            clear_timer(&self.0);
        }
    }
    let timer = Timer(timer(clamp_millis(d)));
    let _ = super::promise::wait(&timer.0).await;
}

/// Sleep for `d` (clamped to [`MAX_DELAY`]).
#[cfg(not(target_arch = "wasm32"))]
pub async fn sleep(d: Duration) {
    let (tx, rx) = futures::channel::oneshot::channel::<()>();
    let ms = clamp_millis(d);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(ms.into()));
        let _ = tx.send(());
    });
    let _ = rx.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_clamped_to_set_timeout_range() {
        assert_eq!(
            clamp_millis(Duration::from_secs(86_400 * 365)),
            i32::MAX as u32
        );
        assert_eq!(clamp_millis(Duration::from_micros(1)), 1);
        assert_eq!(clamp_millis(Duration::ZERO), 0);
        assert_eq!(clamp_millis(Duration::from_millis(1500)), 1500);
        assert_eq!(clamp_millis(Duration::new(1, 1)), 1001);
        assert_eq!(clamp_millis(MAX_DELAY), i32::MAX as u32);
    }

    #[test]
    fn saturating_secs_never_panics() {
        for secs in [f64::NAN, -1.0, 0.0, 1e-300, f64::INFINITY, f64::MAX, 1e300] {
            let _ = saturating_secs(secs);
        }
        assert_eq!(saturating_secs(1e300), Duration::MAX);
        assert_eq!(saturating_secs(f64::INFINITY), Duration::MAX);
        assert_eq!(saturating_secs(-1.0), Duration::ZERO);
        assert_eq!(saturating_secs(1e-300), Duration::ZERO);
        assert_eq!(saturating_secs(1.2), Duration::from_millis(1200));
        // Rounding up to a whole second carries, it does not stop at 999 999 999 ns.
        assert_eq!(saturating_secs(1.9999999996), Duration::from_secs(2));
        assert_eq!(
            saturating_secs(18_446_744_073_709_549_568.0),
            Duration::from_secs(18_446_744_073_709_549_568)
        );
        assert_eq!(saturating_secs(f64::NAN), Duration::ZERO);
        assert_eq!(saturating_secs(1.5), Duration::from_millis(1500));
    }
}
