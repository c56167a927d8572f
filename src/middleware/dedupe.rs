//! De-duplication: identical GET/HEAD requests in flight at the same time share one fetch.
//!
//! The key is the method, the full URL, every request header (so requests with different
//! tokens, `Accept` or languages are never merged), the credentials mode, the per-attempt
//! timeout and the response size limit (so no caller waits longer, or accepts more, than it
//! asked for). The shared fetch is driven by whoever still waits for it: a caller that cancels
//! leaves, the others keep waiting, and the fetch is aborted only when nobody waits any more.
//! Each caller gets its own complete response; in the browser the body is read once into a
//! `Blob` the platform keeps, so sharing it costs no wasm memory.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::RefCell;

use futures::future::LocalBoxFuture;

use super::chain::{Middleware, Next};
use crate::error::Result;
use crate::http::method::Method;
use crate::request::Request;
use crate::response::{Response, Snapshot};
use crate::rt::shared::{Shared, WeakShared};

type Fetch = LocalBoxFuture<'static, Result<Snapshot>>;
type SharedFetch = Shared<Result<Snapshot>>;
/// Requests in flight by key; weak, so a fetch nobody awaits any more is dropped (aborted).
type InFlight = Rc<RefCell<Vec<(String, WeakShared<Result<Snapshot>>)>>>;

/// Per-request switch: `.extension(DedupeRequest(true))` (see
/// [`RequestBuilder::dedupe`](crate::RequestBuilder::dedupe)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DedupeRequest(pub bool);

/// The de-duplication middleware; add it with
/// [`ClientBuilder::dedupe`](crate::ClientBuilder::dedupe).
#[derive(Clone, Default)]
pub struct Dedupe {
    by_default: bool,
    in_flight: InFlight,
}

impl Dedupe {
    /// `by_default`: merge every eligible request, or only those that ask for it.
    pub fn new(by_default: bool) -> Self {
        Dedupe {
            by_default,
            in_flight: Rc::default(),
        }
    }

    /// Requests currently shared (for tests and diagnostics).
    pub fn in_flight(&self) -> usize {
        self.in_flight
            .borrow()
            .iter()
            .filter(|(_, w)| w.is_alive())
            .count()
    }
}

impl core::fmt::Debug for Dedupe {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dedupe")
            .field("by_default", &self.by_default)
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

fn key(req: &Request) -> String {
    // Order-independent key: an insertion sort (few headers) keeps the slice-sort machinery,
    // several KB of wasm, out of the package.
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for pair in req.headers().iter() {
        let at = headers.partition_point(|p| *p <= pair);
        headers.insert(at, pair);
    }
    let credentials = req.credentials().as_str();
    let mut key = crate::text::concat(&[req.method().as_str(), " ", req.url(), " ", credentials]);
    // Whole milliseconds and bytes.
    for limit in [req.timeout().map(|t| t.as_millis() as u64), req.max_body()] {
        key.push(' ');
        if let Some(n) = limit {
            crate::text::push_number(&mut key, n);
        }
    }
    for (name, value) in headers {
        key.push('\n');
        key.push_str(name);
        key.push(':');
        key.push_str(value);
    }
    key
}

impl Middleware for Dedupe {
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            let wanted = req
                .extensions()
                .get::<DedupeRequest>()
                .map_or(self.by_default, |d| d.0);
            let eligible = *req.method() == Method::GET || *req.method() == Method::HEAD;
            if !wanted || !eligible {
                return next.run(req).await;
            }
            let key = key(&req);
            let existing = self
                .in_flight
                .borrow()
                .iter()
                .find(|(k, _)| *k == key)
                .and_then(|(_, w)| w.upgrade());
            let shared: SharedFetch = match existing {
                Some(shared) => shared,
                None => {
                    let map = self.in_flight.clone();
                    let done_key = key.clone();
                    let fetch = next.detach().run(req);
                    let fut: Fetch = Box::pin(async move {
                        let result = match fetch.await {
                            Ok(res) => res.snapshot().await,
                            Err(e) => Err(e),
                        };
                        map.borrow_mut().retain(|(k, _)| *k != done_key);
                        result
                    });
                    let shared = Shared::new(fut);
                    let mut in_flight = self.in_flight.borrow_mut();
                    in_flight.retain(|(k, w)| *k != key && w.is_alive());
                    in_flight.push((key, shared.downgrade()));
                    shared
                }
            };
            shared.await.map(|snapshot| snapshot.to_response())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ignores_header_order_but_not_values() {
        let mut a = Request::new(Method::GET, "http://a.test/x").unwrap();
        a.headers_mut().insert("b", "2").unwrap();
        a.headers_mut().insert("a", "1").unwrap();
        let mut b = Request::new(Method::GET, "http://a.test/x").unwrap();
        b.headers_mut().insert("a", "1").unwrap();
        b.headers_mut().insert("b", "2").unwrap();
        assert_eq!(key(&a), key(&b));
        b.headers_mut()
            .insert("authorization", "Bearer other")
            .unwrap();
        assert_ne!(key(&a), key(&b));
    }

    #[test]
    fn key_keeps_apart_callers_with_other_timeouts_or_size_limits() {
        let plain = Request::new(Method::GET, "http://a.test/x").unwrap();
        let mut timed = plain.clone();
        timed.set_timeout(Some(core::time::Duration::from_millis(300)));
        let mut limited = plain.clone();
        limited.set_max_body(Some(10));
        let mut longer = plain.clone();
        longer.set_timeout(Some(core::time::Duration::from_millis(3000)));
        let keys = [key(&plain), key(&timed), key(&limited), key(&longer)];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(keys[1].contains(" 300 "), "{}", keys[1]);
        assert_eq!(key(&timed), key(&timed.clone()));
    }
}
