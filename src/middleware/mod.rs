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

use crate::error::Result;
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
}

impl<'a> Next<'a> {
    pub(crate) fn new(middleware: &'a [Rc<dyn Middleware>], transport: &'a dyn Transport) -> Self {
        Next {
            middleware,
            transport,
        }
    }

    /// Run the rest of the chain with `req`.
    pub fn run(self, req: Request) -> LocalBoxFuture<'a, Result<Response>> {
        match self.middleware.split_first() {
            Some((first, rest)) => first.handle(
                req,
                Next {
                    middleware: rest,
                    transport: self.transport,
                },
            ),
            None => self.transport.send(req),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Next({} middleware left)", self.middleware.len())
    }
}
