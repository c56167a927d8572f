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

/// Sends one attempt of a request. Implementations must honour [`Request::timeout`] and must
/// stop the request when the returned future is dropped.
pub trait Transport: 'static {
    /// Send `req` and resolve once the status and headers have arrived.
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>>;
}

/// The transport over the platform's global `fetch`, with one `AbortController` per attempt:
/// it aborts on timeout and when the request future or an unread response is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

#[cfg(not(target_arch = "wasm32"))]
impl Transport for FetchTransport {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let err = crate::error::Error::new(
            crate::error::Kind::Network,
            "fetch is only available on wasm32 (use a custom transport natively)",
        )
        .with_url(req.url().to_string());
        Box::pin(async move { Err(err) })
    }
}

/// The origin of the page or worker we run in (`location.origin`), if there is one.
#[cfg(target_arch = "wasm32")]
pub(crate) fn page_origin() -> Option<String> {
    fetch::page_origin()
}

/// The origin of the page or worker we run in: natively there is none.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn page_origin() -> Option<String> {
    None
}
