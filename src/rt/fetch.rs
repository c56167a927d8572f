//! The platform's `fetch`, as the engine sees it: start an attempt, abort it when it is dropped
//! unfinished, read a body. The JavaScript half is `fetch.js` beside this file; each call is
//! one crossing of the wasm boundary.

use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::error::{Error, Kind, Result};
use crate::http::headers::HeaderMap;
use crate::rt::promise::wait;

#[wasm_bindgen(module = "/src/rt/fetch.js")]
extern "C" {
    fn start(
        url: &str,
        method: &str,
        headers: &str,
        body: JsValue,
        credentials: &str,
        timeout_ms: u32,
        on_upload: &JsValue,
        limit: f64,
        on_download: &JsValue,
        no_redirect: bool,
    ) -> JsValue;
    fn promise(attempt: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = timedOut)]
    fn timed_out(attempt: &JsValue) -> bool;
    fn abort(attempt: &JsValue);
    fn finish(attempt: &JsValue);
    #[wasm_bindgen(js_name = headerLines)]
    fn header_lines(res: &web_sys::Response) -> String;
    fn read(
        res: &web_sys::Response,
        kind: u8,
        limit: f64,
        on_progress: &JsValue,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = isTooLarge)]
    fn is_too_large(error: &JsValue) -> bool;
    #[wasm_bindgen(js_name = readBlob)]
    fn read_blob_js(
        blob: &web_sys::Blob,
        kind: u8,
        limit: f64,
        on_progress: &JsValue,
    ) -> js_sys::Promise;
    #[cfg(feature = "js")]
    #[wasm_bindgen(js_name = blobOf)]
    fn blob_of_js(bytes: &[u8], content_type: &str) -> web_sys::Blob;
    fn reader(res: &web_sys::Response) -> JsValue;
    fn chunk(reader: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = urlOrigin)]
    fn url_origin_js(url: &str) -> Option<String>;
    /// `globalThis.location.origin`, if there is one.
    #[wasm_bindgen(js_name = pageOrigin)]
    pub(crate) fn page_origin() -> Option<String>;
    #[wasm_bindgen(js_name = errorMessage)]
    fn error_message(value: &JsValue) -> String;
    /// How to classify what a JS callback threw: its `status` (100–599), 0 for a `TypeError`
    /// (the network), else 400.
    #[cfg(feature = "js")]
    #[wasm_bindgen(js_name = errorStatus)]
    pub(crate) fn error_status(value: &JsValue) -> f64;
    /// `bytes` as UTF-8 with U+FFFD for invalid sequences, decoded by the platform's
    /// `TextDecoder` (the same replacement as `String::from_utf8_lossy`, 0.7 KB of wasm).
    #[wasm_bindgen(js_name = lossyText)]
    pub(crate) fn decode_utf8_lossy(bytes: &[u8]) -> String;
    #[wasm_bindgen(catch, js_name = jsonField)]
    fn json_field(text: &str, path: &str) -> core::result::Result<JsValue, JsValue>;
}

/// The string at the dotted `path` of the JSON `text`, read by the platform's `JSON.parse`
/// (`http::json::string_at` in the browser); `Err` when `text` is not JSON.
pub(crate) fn json_string(text: &str, path: &str) -> core::result::Result<Option<String>, ()> {
    json_field(text, path).map(|v| v.as_string()).map_err(drop)
}

/// The number at the dotted `path` of the JSON `text`, as [`json_string`] reads it.
pub(crate) fn json_number(text: &str, path: &str) -> core::result::Result<Option<f64>, ()> {
    json_field(text, path).map(|v| v.as_f64()).map_err(drop)
}

/// `new URL(url).origin`, or `None` if the platform's URL parser refuses `url`.
pub(crate) fn url_origin(url: &str) -> Option<String> {
    url_origin_js(url)
}

/// Progress of an upload or a download (the shape of axios's `AxiosProgressEvent`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// Bytes so far.
    pub loaded: u64,
    /// All the bytes, when known (`Content-Length`, or the body's size).
    pub total: Option<u64>,
    /// Bytes since the previous event.
    pub bytes: u64,
    /// Bytes per second so far.
    pub rate: Option<f64>,
    /// Seconds left, when the total is known.
    pub estimated: Option<f64>,
}

impl Progress {
    /// `loaded / total`, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0)
            .map(|t| self.loaded as f64 / t as f64)
    }

    /// Read a progress event object made by `fetch.js`; never panics on odd values.
    fn from_js(event: &JsValue) -> Progress {
        let num = |key: &str| {
            js_sys::Reflect::get(event, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
                .filter(|n| n.is_finite() && *n >= 0.0)
        };
        let whole = |key: &str| num(key).map(|n| n.min(u64::MAX as f64) as u64);
        Progress {
            loaded: whole("loaded").unwrap_or(0),
            total: whole("total"),
            bytes: whole("bytes").unwrap_or(0),
            rate: num("rate"),
            estimated: num("estimated"),
        }
    }
}

/// A progress listener, as the JS function `fetch.js` calls (kept in a request's extensions,
/// so it survives a retry or a replay).
#[derive(Clone)]
pub(crate) struct ProgressListener(pub alloc::rc::Rc<JsValue>);

impl ProgressListener {
    /// A listener calling `f` (from Rust).
    pub fn new(f: impl Fn(Progress) + 'static) -> Self {
        let closure =
            Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| f(Progress::from_js(&event)));
        ProgressListener(alloc::rc::Rc::new(closure.into_js_value()))
    }
}

/// A request's upload-progress listener (the attempt then goes through XMLHttpRequest).
#[derive(Clone)]
pub(crate) struct UploadProgress(pub ProgressListener);

/// A request's download-progress listener.
#[derive(Clone)]
pub(crate) struct DownloadProgress(pub ProgressListener);

/// How to read a body: the platform's `text()`, `arrayBuffer()`, `blob()` or the stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Read {
    Text = 0,
    ArrayBuffer = 1,
    /// Only the npm package asks for a `Blob` or the stream itself.
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    Blob = 2,
    #[cfg_attr(not(feature = "js"), allow(dead_code))]
    Stream = 3,
}

/// A short description of whatever JavaScript threw or rejected with. Never panics, whatever
/// the value is (an `Error`, a string, `undefined`, a plain object).
pub(crate) fn js_message(value: &JsValue) -> String {
    error_message(value)
}

/// How an attempt is sent (see [`Attempt::start`]).
pub(crate) struct Options<'a> {
    /// `RequestInit.credentials`.
    pub credentials: &'a str,
    /// 0 for none.
    pub timeout_ms: u32,
    /// A JS function (the attempt then goes through XMLHttpRequest) or `undefined`.
    pub on_upload: &'a JsValue,
    /// The most bytes the response body may have.
    pub limit: Option<u64>,
    /// A JS function or `undefined`.
    pub on_download: &'a JsValue,
    /// Refuse redirects (the request carries a secret the browser would not strip).
    pub no_redirect: bool,
}

/// One attempt of `fetch`: aborted when dropped unless [`finish`](Self::finish)ed first
/// (body read or handed over), so a completed request is never aborted.
pub(crate) struct Attempt {
    handle: JsValue,
    done: bool,
}

impl Attempt {
    /// Start `fetch(url, init)`; `headers` are `name\nvalue\n` lines, `timeout_ms` 0 for none.
    /// With an `on_upload` JS function the attempt goes through XMLHttpRequest, which reports
    /// upload progress; its download is then cut off past `limit` and reported to
    /// `on_download` as it arrives. With `no_redirect` a redirect is an error, not followed.
    pub fn start(
        url: &str,
        method: &str,
        headers: &str,
        body: Option<JsValue>,
        options: Options<'_>,
    ) -> Attempt {
        let body = body.unwrap_or(JsValue::UNDEFINED);
        let limit = options.limit.map_or(-1.0, |l| l as f64);
        Attempt {
            handle: start(
                url,
                method,
                headers,
                body,
                options.credentials,
                options.timeout_ms,
                options.on_upload,
                limit,
                options.on_download,
                options.no_redirect,
            ),
            done: false,
        }
    }

    /// Wait for the response head.
    pub async fn response(&self) -> Result<web_sys::Response> {
        let value = wait(&promise(&self.handle))
            .await
            .map_err(|e| self.rejection(&e))?;
        value.dyn_into().map_err(|_| {
            Error::new(
                Kind::Network,
                "fetch resolved to something that is not a Response",
            )
        })
    }

    /// Read `res`'s body the platform's way, then finish the attempt. Over `limit` bytes
    /// (if any) the download is canceled: [`Kind::Decode`]. `on_progress` (a JS function or
    /// `undefined`) gets progress events.
    pub async fn read(
        mut self,
        res: &web_sys::Response,
        kind: Read,
        limit: Option<u64>,
        on_progress: &JsValue,
    ) -> Result<JsValue> {
        let limit = limit.map_or(-1.0, |l| l as f64);
        let result = wait(&read(res, kind as u8, limit, on_progress))
            .await
            .map_err(|e| self.rejection(&e));
        self.finish();
        result
    }

    /// The body chunk by chunk; over `limit` bytes the download is canceled ([`Kind::Decode`]).
    /// Dropping the stream before its end aborts the download.
    pub fn chunks(
        self,
        res: &web_sys::Response,
        limit: Option<u64>,
    ) -> futures::stream::LocalBoxStream<'static, Result<Vec<u8>>> {
        let reader = reader(res);
        let state = (self, reader, 0u64, false);
        Box::pin(futures::stream::unfold(
            state,
            move |(mut attempt, reader, seen, done)| async move {
                // After an error the attempt stays unfinished: dropping the stream aborts it.
                if done {
                    return None;
                }
                if reader.is_null() {
                    attempt.finish();
                    return None;
                }
                match wait(&chunk(&reader)).await {
                    Ok(value) if value.is_undefined() => {
                        attempt.finish();
                        None
                    }
                    Ok(value) => {
                        let bytes = js_sys::Uint8Array::new(&value).to_vec();
                        let seen = seen + bytes.len() as u64;
                        if limit.is_some_and(|l| seen > l) {
                            // Dropping the attempt (not finished) aborts the download.
                            let error = Error::new(
                                Kind::Decode,
                                "the response body is larger than the limit",
                            );
                            return Some((Err(error), (attempt, reader, seen, true)));
                        }
                        Some((Ok(bytes), (attempt, reader, seen, false)))
                    }
                    Err(e) => {
                        let error = attempt.rejection(&e);
                        Some((Err(error), (attempt, reader, seen, true)))
                    }
                }
            },
        ))
    }

    /// Stop the timer and disarm the abort-on-drop.
    pub fn finish(&mut self) {
        if !self.done {
            self.done = true;
            finish(&self.handle);
        }
    }

    /// The error for a rejected `fetch` or body read: `Timeout` if our timer aborted it,
    /// `Decode` for a body over its limit (XMLHttpRequest's is counted before the head
    /// resolves).
    fn rejection(&self, value: &JsValue) -> Error {
        if is_too_large(value) {
            Error::new(Kind::Decode, js_message(value))
        } else if timed_out(&self.handle) {
            Error::from_kind(Kind::Timeout)
        } else {
            Error::new(Kind::Network, js_message(value))
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.done {
            abort(&self.handle);
        }
    }
}

/// A body the platform keeps (a de-duplicated response's), read its way as [`Attempt::read`]
/// reads a fetched one: over `limit` bytes (negative: none) [`Kind::Decode`], progress events
/// to `on_progress`.
pub(crate) async fn read_blob(
    blob: &web_sys::Blob,
    kind: Read,
    limit: f64,
    on_progress: &JsValue,
) -> Result<JsValue> {
    wait(&read_blob_js(blob, kind as u8, limit, on_progress))
        .await
        .map_err(|e| Error::new(Kind::Decode, js_message(&e)))
}

/// The bytes of a body the platform keeps (one copy into wasm memory).
pub(crate) async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>> {
    let none = JsValue::UNDEFINED;
    let buffer = read_blob(blob, Read::ArrayBuffer, -1.0, &none).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Bytes in wasm memory as a `Blob` of `content_type` (copied out once).
#[cfg(feature = "js")]
pub(crate) fn blob_of(bytes: &[u8], content_type: &str) -> web_sys::Blob {
    blob_of_js(bytes, content_type)
}

/// A response's headers, read in one crossing.
pub(crate) fn headers_of(res: &web_sys::Response) -> HeaderMap {
    HeaderMap::from_lines(&header_lines(res))
}
