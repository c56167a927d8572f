//! [`FetchTransport`]: a [`Request`] becomes one `fetch(url, init)` call (no JS `Request`
//! object is built), and its answer a [`Response`] whose body stays unread until asked for.

use crate::prelude::*;

use futures::future::LocalBoxFuture;
use wasm_bindgen::prelude::*;

use super::Transport;
use crate::body::Repr;
use crate::error::{Error, Kind, Result};
use crate::http::status::StatusCode;
use crate::request::Request;
use crate::response::{FetchBody, Response};
use crate::rt::fetch::{headers_of, Attempt, DownloadProgress, Options, UploadProgress};
use crate::rt::time::clamp_millis;

/// The transport over the platform's global `fetch` (window, worker or Node), with one
/// `AbortController` per attempt: it aborts on timeout and when the request future or an
/// unread response is dropped, and never after the body was read.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

fn js_body(body: &Repr) -> Result<Option<JsValue>> {
    Ok(match body {
        Repr::Empty => None,
        Repr::Text(t) => Some(JsValue::from_str(t)),
        Repr::Bytes(b) => Some(js_sys::Uint8Array::from(&b[..]).into()),
        Repr::FormData(f) => Some(f.clone().into()),
        Repr::Blob(b) => Some(b.clone().into()),
        Repr::Stream(s) => Some(
            s.borrow_mut()
                .take()
                .ok_or_else(|| Error::new(Kind::Body, "a stream body can be sent only once"))?
                .into(),
        ),
    })
}

async fn fetch(req: Request) -> Result<Response> {
    req.validate()?;
    let headers = req.headers().to_lines(false);
    let credentials = req.credentials().as_str();
    let timeout = req.timeout().map_or(0, clamp_millis);
    let none = JsValue::UNDEFINED;
    let on_upload = req
        .extensions()
        .get::<UploadProgress>()
        .map_or(&none, |p| &*p.0 .0);
    let on_download = req
        .extensions()
        .get::<DownloadProgress>()
        .map(|p| p.0.clone());
    if !req.follows_redirects() && on_upload.is_function() {
        // XMLHttpRequest, the only way to report upload progress, follows every redirect with
        // every header: a secret in a header it does not strip would go wherever it leads.
        return Err(Error::new(
            Kind::Builder,
            "onUploadProgress cannot be used while the token travels in a header other than Authorization (XMLHttpRequest would follow a redirect with it)",
        ));
    }
    let attempt = Attempt::start(
        req.url(),
        req.method().as_str(),
        &headers,
        js_body(&req.body().0)?,
        Options {
            credentials,
            timeout_ms: timeout,
            on_upload,
            limit: req.max_body(),
            on_download: on_download.as_ref().map_or(&none, |p| &*p.0),
            no_redirect: !req.follows_redirects(),
        },
    );
    let raw = attempt.response().await?;
    let url = match raw.url() {
        u if u.is_empty() => req.url().to_string(),
        u => u,
    };
    Ok(Response::from_fetch(
        StatusCode::new(raw.status()),
        headers_of(&raw),
        url,
        raw.redirected(),
        FetchBody::new(raw, attempt, req.max_body(), on_download),
    ))
}

impl Transport for FetchTransport {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let url = req.url().to_string();
        Box::pin(async move { fetch(req).await.map_err(|e| e.with_url(url)) })
    }
}

/// `globalThis.location.origin`, read without assuming a window (workers have one too, Node
/// has none).
pub(crate) use crate::rt::fetch::page_origin;
