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

mod chain;
mod dedupe;
mod rate_limit;
mod retry;
mod retry_policy;

pub(crate) use chain::Chain;
pub use chain::{Middleware, Next};
pub use dedupe::{Dedupe, DedupeRequest};
pub use rate_limit::RateLimit;
pub use retry::Retry;
pub use retry_policy::{RetryPolicy, RetryPredicate};
