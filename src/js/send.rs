//! One request from `tokenfetch.js`: its arguments become a request on the engine's client,
//! and the answer goes back as `[status, statusText, headerLines, data]`, the body read
//! by the platform (`text()`, `arrayBuffer()`, `blob()`), never copied through wasm memory.

use crate::prelude::*;

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;

use super::config::{bad_option, millis, retry_policy, MAX_MS};
use super::errors::to_js;
use crate::auth::SkipAuth;
use crate::error::Result;
use crate::middleware::DedupeRequest;
use crate::response::ResponseBody;
use crate::rt::cancel::CancelHandle;
use crate::rt::fetch::{DownloadProgress, ProgressListener, Read, UploadProgress};
use crate::rt::promise::promise;
use crate::{Body, Client, Credentials, Method, Request, Response};

/// `flags` bit: send without the token.
const SKIP_AUTH: u32 = 1;
/// `flags` bit: the request says whether to de-duplicate (the value is the next bit).
const DEDUPE_SET: u32 = 2;
const DEDUPE_ON: u32 = 4;
/// `flags` bit: the request says whether to send cookies cross-origin (the value is the next bit).
const CREDENTIALS_SET: u32 = 8;
const CREDENTIALS_INCLUDE: u32 = 16;

/// The arguments of `Engine::send`.
pub(super) struct Args<'a> {
    pub method: &'a str,
    /// Absolute or relative to the base URL, query already appended.
    pub url: &'a str,
    /// `name\nvalue\n` lines.
    pub headers: &'a str,
    pub body: JsValue,
    /// 0 none, 1 a string, 2 `FormData`, 3 `Blob`, 4 `ReadableStream`.
    pub body_kind: u8,
    /// Per-attempt timeout in ms; `NaN`: the client's, 0: none.
    pub timeout: f64,
    pub flags: u32,
    /// The per-request `retry` policy in its fixed places (`config.rs`; empty: not set).
    pub retry: &'a [f64],
    /// Its methods, one per line.
    pub retry_methods: Option<String>,
    pub signal: Option<web_sys::AbortSignal>,
    /// How to read the body: 0 text, 1 `ArrayBuffer`, 2 `Blob`.
    pub read: u8,
    /// The most bytes the response body may have; `NaN`: no limit.
    pub max_body: f64,
    /// `onDownloadProgress`, or `undefined`.
    pub on_progress: JsValue,
    /// `onUploadProgress`, or `undefined` (a function sends the request through XHR).
    pub on_upload: JsValue,
}

fn body(value: JsValue, kind: u8) -> Result<Option<Body>> {
    let wrong = || bad_option("data", "does not match its kind");
    Ok(match kind {
        0 => None,
        1 => Some(value.as_string().ok_or_else(wrong)?.into()),
        2 => Some(Body::form_data(value.dyn_into().map_err(|_| wrong())?)),
        3 => Some(Body::blob(value.dyn_into().map_err(|_| wrong())?)),
        4 => Some(Body::stream(value.dyn_into().map_err(|_| wrong())?)),
        _ => return Err(wrong()),
    })
}

/// An `abort` listener on the caller's `AbortSignal` that cancels the request; removed when
/// the request is done (a dropped closure must never be called by a later abort).
struct AbortLink {
    signal: web_sys::AbortSignal,
    /// `FnMut(JsValue)`: the closure type `rt::tabs` uses too (one glue for both).
    closure: Closure<dyn FnMut(JsValue)>,
}

impl AbortLink {
    fn new(signal: web_sys::AbortSignal, handle: &CancelHandle) -> Option<AbortLink> {
        if signal.aborted() {
            handle.cancel();
            return None;
        }
        let on_abort = handle.clone();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| on_abort.cancel());
        let _ = signal.add_event_listener_with_callback("abort", closure.as_ref().unchecked_ref());
        Some(AbortLink { signal, closure })
    }
}

impl Drop for AbortLink {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.closure.as_ref().unchecked_ref());
    }
}

/// The request of `args`, set up in place (not through `RequestBuilder`, whose by-value chain
/// is bigger in wasm; `Client::execute` validates it); errors carry the URL, as the builder's
/// do.
fn build(client: &Client, args: Args<'_>) -> Result<Request> {
    let mut req = client.new_request(Method::from_str(args.method)?, args.url)?;
    configure(&mut req, args).map_err(|e| match e.url() {
        Some(_) => e,
        None => e.with_url(req.url().to_string()),
    })?;
    Ok(req)
}

fn configure(req: &mut Request, args: Args<'_>) -> Result<()> {
    let mut lines = crate::text::split_byte(args.headers, b'\n');
    while let (Some(name), Some(value)) = (lines.next(), lines.next()) {
        req.headers_mut().insert(name, value)?;
    }
    if let Some(body) = body(args.body, args.body_kind)? {
        req.set_body(body);
    }
    let timeout = args.timeout;
    if timeout == 0.0 {
        req.set_timeout(None);
    } else if !timeout.is_nan() {
        if !(timeout > 0.0 && timeout <= MAX_MS) {
            return Err(bad_option("timeout", "is out of range"));
        }
        req.set_timeout(Some(millis(timeout)));
    }
    let extensions = req.extensions_mut();
    if args.flags & SKIP_AUTH != 0 {
        extensions.insert(SkipAuth);
    }
    if args.flags & DEDUPE_SET != 0 {
        extensions.insert(DedupeRequest(args.flags & DEDUPE_ON != 0));
    }
    if args.on_upload.is_function() {
        let listener = ProgressListener(alloc::rc::Rc::new(args.on_upload));
        extensions.insert(UploadProgress(listener));
        // XMLHttpRequest reports the download as it arrives (a fetch body is counted as read).
        if args.on_progress.is_function() {
            let listener = ProgressListener(alloc::rc::Rc::new(args.on_progress.clone()));
            extensions.insert(DownloadProgress(listener));
        }
    }
    if let Some(policy) = retry_policy(args.retry, args.retry_methods.as_deref())? {
        extensions.insert(policy);
    }
    if args.flags & CREDENTIALS_SET != 0 {
        req.set_credentials(match args.flags & CREDENTIALS_INCLUDE != 0 {
            true => Credentials::Include,
            false => Credentials::SameOrigin,
        });
    }
    // NaN: no limit; otherwise whole bytes, 0 included (axios: 0 allows an empty body only).
    let max = args.max_body;
    if !max.is_nan() {
        if !(0.0..=9_007_199_254_740_991.0).contains(&max) || crate::float::fract(max) != 0.0 {
            return Err(bad_option("maxContentLength", "is out of range"));
        }
        req.set_max_body(Some(max as u64));
    }
    Ok(())
}

/// The body as `data`'s raw form: a string, an `ArrayBuffer`, a `Blob` or the stream. A body
/// read already (de-duplicated) is read again from the platform's copy with this caller's
/// limit and progress listener.
async fn read(
    response: Response,
    kind: Read,
    limit: f64,
    on_progress: &JsValue,
) -> Result<JsValue> {
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap_or("")
        .to_string();
    let blob = match response.into_body() {
        ResponseBody::Fetch(body) => return body.read_js(kind, on_progress).await,
        ResponseBody::Blob(blob) => blob,
        ResponseBody::Buffered(bytes) => crate::rt::fetch::blob_of(&bytes, &content_type),
    };
    crate::rt::fetch::read_blob(&blob, kind, limit, on_progress).await
}

async fn run(
    client: Client,
    req: Request,
    cancel: CancelHandle,
    kind: Read,
    on_progress: JsValue,
) -> core::result::Result<JsValue, JsValue> {
    let limit = req.max_body().map_or(-1.0, |l| l as f64);
    let response = client.execute(req).await.map_err(|e| to_js(&e))?;
    let status = response.status();
    let lines = response.headers().to_lines(false);
    let data = cancel
        .race(read(response, kind, limit, &on_progress))
        .await
        .map_err(|e| to_js(&e))?;
    let out = Array::of3(
        &JsValue::from(status.as_u16()),
        &JsValue::from_str(status.canonical_reason().unwrap_or("")),
        &JsValue::from_str(&lines),
    );
    out.push(&data);
    Ok(out.into())
}

/// Send one request; see [`Args`]. Canceled with `closed` too (the engine dropped).
pub(super) fn send(client: &Client, mut args: Args<'_>, closed: &CancelHandle) -> Promise {
    let kind = match args.read {
        1 => Read::ArrayBuffer,
        2 => Read::Blob,
        3 => Read::Stream,
        _ => Read::Text,
    };
    let cancel = closed.child();
    let on_progress = args.on_progress.clone();
    let link = args.signal.take().and_then(|s| AbortLink::new(s, &cancel));
    let req = match build(client, args) {
        Ok(mut req) => {
            req.set_cancel_handle(Some(cancel.clone()));
            req
        }
        Err(error) => return Promise::reject(&to_js(&error)),
    };
    let client = client.clone();
    promise(async move {
        let result = run(client, req, cancel, kind, on_progress).await;
        drop(link);
        result
    })
}
