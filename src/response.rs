//! Responses: status and headers at once, the body on demand.
//!
//! A non-2xx status is a `Response`, not an `Err`, until you ask with
//! [`Response::error_for_status`]. Dropping a response whose body was not read aborts the
//! underlying `fetch` (the abort guard lives inside the body).

use crate::prelude::*;

use alloc::rc::Rc;
use core::fmt;

use crate::error::{Error, Kind, Result};
use crate::http::headers::HeaderMap;
use crate::http::status::StatusCode;
use crate::rt::cancel::CancelHandle;
#[cfg(target_arch = "wasm32")]
use crate::rt::fetch::{Attempt, ProgressListener, Read};

pub(crate) enum ResponseBody {
    Buffered(Rc<[u8]>),
    #[cfg(target_arch = "wasm32")]
    Fetch(FetchBody),
    /// Read whole and kept by the platform (a de-duplicated response's body): copied into wasm
    /// memory only if a reader asks for bytes, once per reader.
    #[cfg(target_arch = "wasm32")]
    Blob(web_sys::Blob),
}

/// A body read whole, shared by the [`Response`]s made from one [`Snapshot`].
#[derive(Clone)]
enum Stored {
    Bytes(Rc<[u8]>),
    #[cfg(target_arch = "wasm32")]
    Blob(web_sys::Blob),
}

/// A fully read response that can be turned into any number of [`Response`]s.
#[derive(Clone)]
pub(crate) struct Snapshot {
    status: StatusCode,
    headers: HeaderMap,
    url: Rc<str>,
    redirected: bool,
    body: Stored,
}

impl Snapshot {
    /// A new response with this status, headers and body.
    pub fn to_response(&self) -> Response {
        Response {
            status: self.status,
            headers: self.headers.clone(),
            url: self.url.clone(),
            redirected: self.redirected,
            body: match &self.body {
                Stored::Bytes(bytes) => ResponseBody::Buffered(bytes.clone()),
                #[cfg(target_arch = "wasm32")]
                Stored::Blob(blob) => ResponseBody::Blob(blob.clone()),
            },
            cancel: None,
        }
    }
}

/// An HTTP response.
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    url: Rc<str>,
    redirected: bool,
    body: ResponseBody,
    cancel: Option<CancelHandle>,
}

impl Response {
    /// A response with a body already in memory: for tests, mock transports and middleware that
    /// answer without the network (caches, de-duplication).
    pub fn new(status: StatusCode, headers: HeaderMap, body: impl Into<Vec<u8>>) -> Response {
        let body: Vec<u8> = body.into();
        Response {
            status,
            headers,
            url: "".into(),
            redirected: false,
            body: ResponseBody::Buffered(body.into()),
            cancel: None,
        }
    }

    #[cfg(target_arch = "wasm32")]
    pub(crate) fn from_fetch(
        status: StatusCode,
        headers: HeaderMap,
        url: String,
        redirected: bool,
        body: FetchBody,
    ) -> Response {
        Response {
            status,
            headers,
            url: url.into(),
            redirected,
            body: ResponseBody::Fetch(body),
            cancel: None,
        }
    }

    /// Set the URL this response reports.
    pub fn with_url(mut self, url: impl Into<String>) -> Response {
        self.url = url.into().into();
        self
    }

    pub(crate) fn set_cancel_handle(&mut self, cancel: Option<CancelHandle>) {
        self.cancel = cancel;
    }

    /// The body, for the npm package's reader: unread (fetch), kept by the platform (a Blob), or
    /// in wasm memory.
    #[cfg(all(feature = "js", target_arch = "wasm32"))]
    pub(crate) fn into_body(self) -> ResponseBody {
        self.body
    }

    /// Read the whole body now, keeping status and headers. In the browser the body stays with
    /// the platform (a `Blob`), so sharing it costs no wasm memory.
    pub(crate) async fn snapshot(self) -> Result<Snapshot> {
        let (status, headers, url, redirected) = (
            self.status,
            self.headers.clone(),
            self.url.clone(),
            self.redirected,
        );
        let body = match self.body {
            #[cfg(target_arch = "wasm32")]
            ResponseBody::Fetch(body) => Stored::Blob(body.read_blob().await?),
            #[cfg(target_arch = "wasm32")]
            ResponseBody::Blob(blob) => Stored::Blob(blob),
            ResponseBody::Buffered(bytes) => Stored::Bytes(bytes),
        };
        Ok(Snapshot {
            status,
            headers,
            url,
            redirected,
            body,
        })
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// True for 2xx.
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }
    /// The headers (names lower-case). Cross-origin, only the CORS-exposed ones are visible.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The final URL, after redirects.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// True if `fetch` followed at least one redirect.
    pub fn redirected(&self) -> bool {
        self.redirected
    }

    /// `Err(Kind::Status)` for 4xx and 5xx, else the response itself.
    pub fn error_for_status(self) -> Result<Response> {
        self.error_for_status_ref()?;
        Ok(self)
    }

    /// Like [`error_for_status`](Self::error_for_status), by reference.
    pub fn error_for_status_ref(&self) -> Result<&Response> {
        if self.status.is_client_error() || self.status.is_server_error() {
            let error = Error::from_kind(Kind::Status(self.status));
            Err(match &*self.url {
                "" => error,
                url => error.with_url(url),
            })
        } else {
            Ok(self)
        }
    }

    /// The whole body as bytes.
    pub async fn bytes(self) -> Result<Vec<u8>> {
        let url = self.url.clone();
        let read = async move {
            match self.body {
                ResponseBody::Buffered(b) => Ok(b.to_vec()),
                #[cfg(target_arch = "wasm32")]
                ResponseBody::Fetch(f) => f.read().await,
                #[cfg(target_arch = "wasm32")]
                ResponseBody::Blob(b) => crate::rt::fetch::blob_bytes(&b).await,
            }
        };
        let result = match self.cancel {
            Some(cancel) => cancel.race(read).await,
            None => read.await,
        };
        result.map_err(|e| if url.is_empty() { e } else { e.with_url(&*url) })
    }

    /// The body as a stream of byte chunks, as they arrive (for large downloads and progress).
    /// Dropping the stream before its end aborts the download; the request's
    /// [`max_body_size`](crate::RequestBuilder::max_body_size) and
    /// [`cancel_handle`](crate::RequestBuilder::cancel_handle) apply (canceled: one
    /// [`Kind::Canceled`] error, the download aborted, then the end).
    pub fn bytes_stream(self) -> futures::stream::LocalBoxStream<'static, Result<Vec<u8>>> {
        let chunks: futures::stream::LocalBoxStream<'static, Result<Vec<u8>>> = match self.body {
            ResponseBody::Buffered(b) => {
                Box::pin(futures::stream::once(core::future::ready(Ok(b.to_vec()))))
            }
            #[cfg(target_arch = "wasm32")]
            ResponseBody::Blob(b) => Box::pin(futures::stream::once(async move {
                crate::rt::fetch::blob_bytes(&b).await
            })),
            #[cfg(target_arch = "wasm32")]
            ResponseBody::Fetch(f) => f.chunks(),
        };
        let Some(cancel) = self.cancel else {
            return chunks;
        };
        let url = self.url;
        // Each chunk races the handle; canceled, the chunks (and so the download) are dropped.
        Box::pin(futures::stream::unfold(Some(chunks), move |chunks| {
            let (cancel, url) = (cancel.clone(), url.clone());
            async move {
                let mut chunks = chunks?;
                let next = futures::StreamExt::next(&mut chunks);
                match cancel.race(async { Ok(next.await) }).await {
                    Ok(item) => item.map(|item| (item, Some(chunks))),
                    Err(canceled) if url.is_empty() => Some((Err(canceled), None)),
                    Err(canceled) => Some((Err(canceled.with_url(&*url)), None)),
                }
            }
        }))
    }

    /// The body as text (invalid UTF-8 is replaced with U+FFFD, as browsers do).
    pub async fn text(self) -> Result<String> {
        #[cfg(target_arch = "wasm32")]
        if let ResponseBody::Fetch(_) = &self.body {
            return self.read_fetch_text().await;
        }
        let bytes = self.bytes().await?;
        Ok(match String::from_utf8(bytes) {
            Ok(s) => s,
            #[cfg(target_arch = "wasm32")]
            Err(e) => crate::rt::fetch::decode_utf8_lossy(e.as_bytes()),
            #[cfg(not(target_arch = "wasm32"))]
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// A fetch body read as text by the platform, raced against the cancel handle.
    #[cfg(target_arch = "wasm32")]
    async fn read_fetch_text(self) -> Result<String> {
        let url = self.url.clone();
        let ResponseBody::Fetch(body) = self.body else {
            return Ok(String::new());
        };
        let result = match self.cancel {
            Some(cancel) => cancel.race(body.read_text()).await,
            None => body.read_text().await,
        };
        result.map_err(|e| match &*url {
            "" => e,
            url => e.with_url(url),
        })
    }

    /// The body parsed as JSON into `T`.
    #[cfg(feature = "json")]
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<T> {
        let url = self.url.clone();
        let bytes = self.bytes().await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            // Only where: serde_json's message can quote a value (a token of the wrong type).
            Error::new(
                Kind::Decode,
                format!("invalid JSON at line {} column {}", e.line(), e.column()),
            )
            .with_url(&*url)
        })
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("url", &crate::error::redact_url(&self.url))
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

/// The unread body of a fetched response; owns the attempt (its abort-on-drop and timer).
#[cfg(target_arch = "wasm32")]
pub(crate) struct FetchBody {
    raw: web_sys::Response,
    attempt: Attempt,
    /// The request's `max_body`.
    limit: Option<u64>,
    /// The request's download-progress listener.
    progress: Option<ProgressListener>,
}

#[cfg(target_arch = "wasm32")]
impl FetchBody {
    pub(crate) fn new(
        raw: web_sys::Response,
        attempt: Attempt,
        limit: Option<u64>,
        progress: Option<ProgressListener>,
    ) -> Self {
        FetchBody {
            raw,
            attempt,
            limit,
            progress,
        }
    }

    fn listener(&self) -> wasm_bindgen::JsValue {
        self.progress
            .as_ref()
            .map_or(wasm_bindgen::JsValue::UNDEFINED, |p| (*p.0).clone())
    }

    /// Read the whole body as bytes.
    pub(crate) async fn read(self) -> Result<Vec<u8>> {
        let progress = self.listener();
        let buffer = self
            .attempt
            .read(&self.raw, Read::ArrayBuffer, self.limit, &progress)
            .await?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }

    /// The body as a stream of chunks (see [`Response::bytes_stream`]).
    pub(crate) fn chunks(self) -> futures::stream::LocalBoxStream<'static, Result<Vec<u8>>> {
        self.attempt.chunks(&self.raw, self.limit)
    }

    /// Read the whole body into a `Blob` the platform keeps.
    pub(crate) async fn read_blob(self) -> Result<web_sys::Blob> {
        use wasm_bindgen::JsCast;
        let progress = self.listener();
        let blob = self
            .attempt
            .read(&self.raw, Read::Blob, self.limit, &progress)
            .await?;
        blob.dyn_into()
            .map_err(|_| Error::new(Kind::Decode, "the body was not read as a Blob"))
    }

    /// Read the whole body as text (the platform decodes it).
    pub(crate) async fn read_text(self) -> Result<String> {
        let progress = self.listener();
        let text = self
            .attempt
            .read(&self.raw, Read::Text, self.limit, &progress)
            .await?;
        Ok(text.as_string().unwrap_or_default())
    }

    /// Read the body the platform's way (text, `ArrayBuffer`, `Blob` or the stream).
    #[cfg(feature = "js")]
    pub(crate) async fn read_js(
        self,
        kind: Read,
        on_progress: &wasm_bindgen::JsValue,
    ) -> Result<wasm_bindgen::JsValue> {
        self.attempt
            .read(&self.raw, kind, self.limit, on_progress)
            .await
    }
}
