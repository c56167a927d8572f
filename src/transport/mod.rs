//! The transport: what sends a request once the middleware chain is done with it.
//!
//! [`FetchTransport`] (the default) calls the global `fetch`, so it works in a window, a Web
//! Worker and Node ≥ 20. Any other [`Transport`] can be plugged in with
//! [`ClientBuilder::transport`](crate::ClientBuilder::transport), e.g. a scripted one in unit
//! tests of your own middleware.

use futures::future::LocalBoxFuture;

use crate::error::Result;
use crate::request::Request;
use crate::response::Response;

#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(not(target_arch = "wasm32"))]
#[path = "native.rs"]
mod fetch;

pub(crate) use fetch::page_origin;
pub use fetch::FetchTransport;

/// Sends one attempt of a request. Implementations must honour [`Request::timeout`] and must
/// stop the request when the returned future is dropped.
pub trait Transport: 'static {
    /// Send `req` and resolve once the status and headers have arrived.
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>>;
}
