//! The middleware chain: an onion around the transport.
//!
//! Middleware run in the order they were added: the first one added with
//! [`ClientBuilder::with`](crate::ClientBuilder::with) is the outermost, so it sees the request
//! first and the response last. Each one gets the request and a [`Next`] that runs the rest of
//! the chain and then the transport; it may change the request, answer without calling `next`,
//! call `next` several times (retries) or inspect and change the response.
//!
//! ```
//! use tokenfetch::{Middleware, Next, Request, Response, Result};
//!
//! // A closure is a middleware: add a header to every request.
//! let add_header = async |mut req: Request, next: Next<'_>| -> Result<Response> {
//!     req.headers_mut().insert("x-trace", "1")?;
//!     next.run(req).await
//! };
//! # fn takes<M: Middleware>(_: M) {}
//! # takes(add_header);
//! ```

use std::rc::Rc;

use futures::future::LocalBoxFuture;

mod retry;
mod retry_policy;

pub use retry::Retry;
pub use retry_policy::{RetryPolicy, RetryPredicate};

use crate::error::Result;
use crate::events::{ids, Event, Events, Replay};
use crate::request::Request;
use crate::response::Response;
use crate::transport::Transport;

/// One layer of the onion. Single-threaded (`!Send` futures), like everything in the browser.
pub trait Middleware: 'static {
    /// Handle `req`, usually by calling `next.run(req)` and returning what it returns.
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>>;
}

/// Async closures `async |req, next| { .. }` are middleware.
impl<F> Middleware for F
where
    F: for<'a> AsyncFn(Request, Next<'a>) -> Result<Response> + 'static,
{
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(self(req, next))
    }
}

/// The rest of the chain after the current middleware, then the transport. `Copy`, so a
/// middleware can run it more than once (retry, replay).
#[derive(Clone, Copy)]
pub struct Next<'a> {
    middleware: &'a [Rc<dyn Middleware>],
    transport: &'a dyn Transport,
    events: &'a Events,
}

impl<'a> Next<'a> {
    pub(crate) fn new(
        middleware: &'a [Rc<dyn Middleware>],
        transport: &'a dyn Transport,
        events: &'a Events,
    ) -> Self {
        Next {
            middleware,
            transport,
            events,
        }
    }

    /// Tell the client's event listeners about something (built only if someone listens).
    pub(crate) fn emit(&self, event: impl FnOnce() -> Event) {
        self.events.emit(event);
    }

    /// Send to the transport, reporting `Sent` and `Response`/`AttemptFailed` events.
    fn transport(self, req: Request) -> LocalBoxFuture<'a, Result<Response>> {
        if self.events.is_empty() {
            return self.transport.send(req);
        }
        let (id, attempt) = ids(&req);
        let replay = req.extensions().get::<Replay>().is_some();
        self.events.emit(|| Event::Sent {
            id,
            attempt,
            replay,
            request: req.clone(),
        });
        let start = crate::time::now_ms();
        let sent = self.transport.send(req);
        Box::pin(async move {
            let result = sent.await;
            let elapsed = crate::time::since(start);
            self.events.emit(|| match &result {
                Ok(res) => Event::Response {
                    id,
                    attempt,
                    status: res.status(),
                    headers: res.headers().clone(),
                    elapsed,
                },
                Err(error) => Event::AttemptFailed {
                    id,
                    attempt,
                    error: error.clone(),
                    elapsed,
                },
            });
            result
        })
    }

    /// Run the rest of the chain with `req`.
    pub fn run(self, req: Request) -> LocalBoxFuture<'a, Result<Response>> {
        match self.middleware.split_first() {
            Some((first, rest)) => first.handle(
                req,
                Next {
                    middleware: rest,
                    ..self
                },
            ),
            None => self.transport(req),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Next({} middleware left)", self.middleware.len())
    }
}
