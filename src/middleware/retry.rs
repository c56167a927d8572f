//! The retry middleware: sends a request again after a transient failure, with backoff.

use crate::prelude::*;

use futures::future::LocalBoxFuture;

use super::chain::{Middleware, Next};
use super::retry_policy::{Decision, RetryPolicy};
use crate::error::Result;
use crate::events::{ids, Attempt, Event};
use crate::request::Request;
use crate::response::Response;

/// Retries transient failures following a [`RetryPolicy`]; add it with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry). A request can carry its own policy
/// ([`RequestBuilder::retry`](crate::RequestBuilder::retry)). Requests whose body cannot be
/// sent again are never retried, and neither is the token refresh (it bypasses the chain).
#[derive(Clone, Debug, Default)]
pub struct Retry {
    policy: RetryPolicy,
}

impl Retry {
    /// Retry with `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        Retry { policy }
    }
}

fn idempotency_key() -> String {
    let mut key = String::with_capacity(32);
    for _ in 0..4 {
        let n = (crate::rt::time::random() * (u32::MAX as f64)) as u32;
        for shift in (0..8).rev() {
            key.push(crate::text::hex_digit((n >> (shift * 4)) as u8).to_ascii_lowercase());
        }
    }
    key
}

impl Middleware for Retry {
    fn handle<'a>(
        &'a self,
        mut req: Request,
        next: Next<'a>,
    ) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            let policy = req
                .extensions()
                .get::<RetryPolicy>()
                .unwrap_or(&self.policy)
                .clone();
            if !policy.allows(req.method()) || !req.is_replayable() {
                return next.run(req).await;
            }
            if !req.method().is_idempotent() && !req.headers().contains("idempotency-key") {
                req.headers_mut()
                    .insert("idempotency-key", &idempotency_key())?;
            }
            let (id, _) = ids(&req);
            let mut attempt = 1;
            loop {
                let mut this = req.clone();
                this.extensions_mut().insert(Attempt(attempt));
                let outcome = next.run(this).await;
                match policy.decide(
                    attempt,
                    &outcome,
                    crate::rt::time::now_ms(),
                    crate::rt::time::random(),
                ) {
                    Decision::Done => return outcome,
                    Decision::FailFast(error) => return Err(error),
                    Decision::Retry(delay, reason) => {
                        drop(outcome); // an unread body is aborted now, not after the sleep
                        attempt += 1;
                        next.emit(|| Event::RetryScheduled {
                            id,
                            attempt,
                            delay,
                            reason,
                        });
                        crate::rt::time::sleep(delay).await;
                    }
                }
            }
        })
    }
}
