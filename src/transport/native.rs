//! Natively there is no `fetch`: the default transport answers every request with a network
//! error, so code using the crate compiles and unit tests plug in a transport of their own.

use crate::prelude::*;

use futures::future::LocalBoxFuture;

use super::Transport;
use crate::error::{Error, Kind, Result};
use crate::request::Request;
use crate::response::Response;

/// The transport over the platform's global `fetch` (on `wasm32`; natively every request fails
/// with [`Kind::Network`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let err = Error::new(
            Kind::Network,
            "fetch is only available on wasm32 (use a custom transport natively)",
        )
        .with_url(req.url().to_string());
        Box::pin(async move { Err(err) })
    }
}

/// The origin of the page or worker we run in: natively there is none.
pub(crate) fn page_origin() -> Option<String> {
    None
}
