//! Client-side rate limiting: at most `max_concurrent` requests in flight and at most
//! `per_second` started per second (token bucket). Requests wait in one FIFO queue, so they
//! are released in the order they were issued; a waiting request can be canceled or time out
//! (it simply leaves the queue).

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::Cell;
use core::time::Duration;

use futures::future::LocalBoxFuture;

use super::chain::{Middleware, Next};
use crate::error::{Error, Kind, Result};
use crate::request::Request;
use crate::response::Response;
use crate::rt::queue::WaitQueue;

#[derive(Default)]
struct State {
    /// Requests holding a slot.
    active: Cell<usize>,
    /// Requests waiting for a slot or a bucket token, first come first served.
    queue: Rc<WaitQueue>,
    /// Token bucket: tokens available and when they were counted (ms).
    tokens: Cell<f64>,
    counted_at: Cell<f64>,
}

/// Limits how many requests run at once and how many start per second; add it with
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit).
#[derive(Clone)]
pub struct RateLimit {
    max_concurrent: Option<usize>,
    per_second: Option<f64>,
    state: Rc<State>,
}

impl core::fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RateLimit")
            .field("max_concurrent", &self.max_concurrent)
            .field("per_second", &self.per_second)
            .field("active", &self.state.active.get())
            .field("waiting", &self.state.queue.len())
            .finish()
    }
}

/// A running request's slot; dropping it frees the slot.
struct Permit {
    state: Rc<State>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.state.active.set(self.state.active.get() - 1);
        self.state.queue.wake_first();
    }
}

impl RateLimit {
    /// No limits yet; set them with [`max_concurrent`](Self::max_concurrent) and
    /// [`per_second`](Self::per_second).
    pub fn new() -> Self {
        RateLimit {
            max_concurrent: None,
            per_second: None,
            state: Rc::default(),
        }
    }

    /// At most `n` requests in flight (until their headers arrive); others wait in line.
    pub fn max_concurrent(mut self, n: usize) -> Result<Self> {
        if n == 0 {
            return Err(Error::new(
                Kind::Builder,
                "max_concurrent must be at least 1",
            ));
        }
        self.max_concurrent = Some(n);
        Ok(self)
    }

    /// At most `rate` requests started per second (bursts up to `max(1, rate)`); `rate` from
    /// 0.001 (one request every 1,000 s) to 1,000,000, else an error.
    pub fn per_second(mut self, rate: f64) -> Result<Self> {
        if !(0.001..=1_000_000.0).contains(&rate) {
            return Err(Error::new(
                Kind::Builder,
                "per_second must be a number from 0.001 to 1000000",
            ));
        }
        self.per_second = Some(rate);
        self.state.tokens.set(rate.max(1.0));
        self.state.counted_at.set(crate::rt::time::now_ms());
        Ok(self)
    }

    /// Requests waiting for their turn.
    pub fn waiting(&self) -> usize {
        self.state.queue.len()
    }

    fn slot_free(&self) -> bool {
        self.max_concurrent
            .is_none_or(|max| self.state.active.get() < max)
    }

    #[cfg(test)]
    pub(crate) fn token_wait_for_tests(&self) -> Duration {
        self.token_wait()
    }

    /// How long until a bucket token is available (zero if one is).
    fn token_wait(&self) -> Duration {
        let Some(rate) = self.per_second else {
            return Duration::ZERO;
        };
        let state = &self.state;
        let now = crate::rt::time::now_ms();
        let refilled = state.tokens.get() + (now - state.counted_at.get()) / 1000.0 * rate;
        state.tokens.set(refilled.min(rate.max(1.0)));
        state.counted_at.set(now);
        if state.tokens.get() >= 1.0 {
            Duration::ZERO
        } else {
            crate::rt::time::saturating_secs((1.0 - state.tokens.get()) / rate)
        }
    }

    async fn acquire(&self) -> Permit {
        let state = &self.state;
        let place = state.queue.join(state.queue.issue());
        loop {
            place.first_and(|| self.slot_free()).await;
            let wait = self.token_wait();
            if wait.is_zero() {
                break;
            }
            crate::rt::time::sleep(wait).await;
        }
        if self.per_second.is_some() {
            state.tokens.set(state.tokens.get() - 1.0);
        }
        state.active.set(state.active.get() + 1);
        let permit = Permit {
            state: state.clone(),
        };
        drop(place);
        permit
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::new()
    }
}

impl Middleware for RateLimit {
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            let permit = self.acquire().await;
            let result = next.run(req).await;
            drop(permit);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::RefCell;
    use futures::executor::block_on;
    use futures::future::join_all;
    use futures::FutureExt;

    #[test]
    fn at_most_n_at_once_released_in_order() {
        let limit = RateLimit::new().max_concurrent(2).unwrap();
        let log = Rc::new(RefCell::new(Vec::new()));
        let peak = Rc::new(Cell::new(0));
        let tasks = (0..6).map(|i| {
            let (limit, log, peak) = (limit.clone(), log.clone(), peak.clone());
            async move {
                let permit = limit.acquire().await;
                peak.set(peak.get().max(limit.state.active.get()));
                log.borrow_mut().push(i);
                crate::rt::time::sleep(Duration::from_millis(5)).await;
                drop(permit);
            }
        });
        block_on(join_all(tasks));
        assert_eq!(peak.get(), 2);
        assert_eq!(*log.borrow(), [0, 1, 2, 3, 4, 5]);
        assert_eq!(limit.waiting(), 0);
    }

    #[test]
    fn a_canceled_waiter_leaves_the_line() {
        let limit = RateLimit::new().max_concurrent(1).unwrap();
        let held = block_on(limit.acquire());
        let mut waiting = Box::pin(limit.acquire());
        assert!((&mut waiting).now_or_never().is_none());
        assert_eq!(limit.waiting(), 1);
        drop(waiting);
        assert_eq!(limit.waiting(), 0);
        drop(held);
        block_on(limit.acquire());
    }

    #[test]
    fn token_bucket_spaces_out_starts() {
        let limit = RateLimit::new().per_second(50.0).unwrap();
        let start = crate::rt::time::now_ms();
        for _ in 0..60 {
            drop(block_on(limit.acquire()));
        }
        // 50 from the initial burst, then 10 more at 50/s: at least ~200 ms.
        assert!(crate::rt::time::now_ms() - start >= 150.0);
        assert!(RateLimit::new().per_second(0.0).is_err());
        assert!(RateLimit::new().max_concurrent(0).is_err());
    }
}
