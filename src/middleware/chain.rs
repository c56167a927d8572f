//! The chain itself: the [`Middleware`] trait and [`Next`], which runs the rest of the chain
//! and then the transport, reporting each attempt to the event listeners.

use crate::prelude::*;

use alloc::rc::Rc;

use futures::future::LocalBoxFuture;

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

/// The middleware list, the transport and the event listeners of one client.
pub(crate) struct Chain {
    pub middleware: Vec<Rc<dyn Middleware>>,
    pub transport: Rc<dyn Transport>,
    pub events: Events,
}

/// The rest of the chain after the current middleware, then the transport. `Copy`, so a
/// middleware can run it more than once (retry, replay).
#[derive(Clone, Copy)]
pub struct Next<'a> {
    chain: &'a Rc<Chain>,
    index: usize,
}

/// A [`Next`] that owns its chain, for work that must outlive the middleware call that
/// started it (a de-duplicated fetch shared by several callers).
pub(crate) struct DetachedNext {
    chain: Rc<Chain>,
    index: usize,
}

impl DetachedNext {
    pub fn run(self, req: Request) -> LocalBoxFuture<'static, Result<Response>> {
        Box::pin(async move {
            let next = Next {
                chain: &self.chain,
                index: self.index,
            };
            next.run(req).await
        })
    }
}

impl<'a> Next<'a> {
    pub(crate) fn new(chain: &'a Rc<Chain>) -> Self {
        Next { chain, index: 0 }
    }

    /// Tell the client's event listeners about something (built only if someone listens).
    pub(crate) fn emit(&self, event: impl FnOnce() -> Event) {
        self.chain.events.emit(event);
    }

    pub(crate) fn detach(&self) -> DetachedNext {
        DetachedNext {
            chain: self.chain.clone(),
            index: self.index,
        }
    }

    /// Send to the transport, reporting `Sent` and `Response`/`AttemptFailed` events.
    fn transport(self, req: Request) -> LocalBoxFuture<'a, Result<Response>> {
        let (transport, events) = (&*self.chain.transport, &self.chain.events);
        if events.is_empty() {
            return transport.send(req);
        }
        let (id, attempt) = ids(&req);
        let replay = req.extensions().get::<Replay>().is_some();
        events.emit(|| Event::Sent {
            id,
            attempt,
            replay,
            request: req.clone(),
        });
        let start = crate::rt::time::now_ms();
        let sent = transport.send(req);
        Box::pin(async move {
            let result = sent.await;
            let elapsed = crate::rt::time::since(start);
            events.emit(|| match &result {
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
        match self.chain.middleware.get(self.index) {
            Some(first) => first.handle(
                req,
                Next {
                    index: self.index + 1,
                    ..self
                },
            ),
            None => self.transport(req),
        }
    }
}

impl core::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let left = self.chain.middleware.len().saturating_sub(self.index);
        write!(f, "Next({left} middleware left)")
    }
}
