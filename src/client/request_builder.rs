//! [`RequestBuilder`]: chain options by value; the first error is kept until `send()`.

use crate::prelude::*;

use core::borrow::Borrow;
use core::fmt::Display;
use core::time::Duration;

use super::Client;
use crate::body::Body;
use crate::error::Result;
use crate::http::url::append_query;
use crate::request::{Credentials, Request};
use crate::response::Response;
use crate::rt::cancel::CancelHandle;

/// A request being configured; made by [`Client::get`] and friends.
#[must_use = "a request does nothing until you `.send().await` it"]
pub struct RequestBuilder {
    client: Client,
    request: Result<Request>,
    query: Vec<(String, String)>,
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, request: Result<Request>) -> Self {
        RequestBuilder {
            client,
            request,
            query: Vec::new(),
        }
    }

    fn map(mut self, f: impl FnOnce(&mut Request) -> Result<()>) -> Self {
        if let Ok(req) = &mut self.request {
            if let Err(e) = f(req) {
                self.request = Err(e.with_url(req.url().to_string()));
            }
        }
        self
    }

    /// Set a header (replacing any value of the same name, including a default header).
    pub fn header(self, name: &str, value: &str) -> Self {
        self.map(|r| r.headers_mut().insert(name, value))
    }

    /// Set a header whose value is a secret: it is redacted in `Debug` and logs.
    pub fn sensitive_header(self, name: &str, value: &str) -> Self {
        self.map(|r| r.headers_mut().insert_sensitive(name, value))
    }

    /// Append query parameters, form-encoded: `.query(&[("page", 2)])`.
    pub fn query<I, P, K, V>(mut self, pairs: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Borrow<(K, V)>,
        K: AsRef<str>,
        V: Display,
    {
        for pair in pairs {
            let (k, v) = pair.borrow();
            self.query.push((k.as_ref().to_string(), v.to_string()));
        }
        self
    }

    /// Set the body.
    pub fn body(self, body: impl Into<Body>) -> Self {
        let body = body.into();
        self.map(|r| {
            r.set_body(body);
            Ok(())
        })
    }

    /// Serialize `value` as the JSON body and set `content-type: application/json` unless set.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> Result<Self> {
        let text = serde_json::to_string(value).map_err(|e| {
            crate::error::Error::new(crate::error::Kind::Body, format!("JSON serialization: {e}"))
        })?;
        Ok(self.map(|r| {
            if !r.headers().contains("content-type") {
                r.headers_mut().insert("content-type", "application/json")?;
            }
            r.set_body(text.into());
            Ok(())
        }))
    }

    /// Send a `multipart/form-data` body built in Rust (see [`crate::multipart`]); sets the
    /// `content-type` with its boundary.
    pub fn multipart(self, form: crate::multipart::Form) -> Self {
        let (body, content_type) = form.encode();
        self.map(|r| {
            r.headers_mut().insert("content-type", &content_type)?;
            r.set_body(body.into());
            Ok(())
        })
    }

    /// Send `pairs` as an `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        let mut body = String::new();
        for (i, (k, v)) in pairs.iter().enumerate() {
            if i > 0 {
                body.push('&');
            }
            crate::http::url::form_encode(k.as_ref(), &mut body);
            body.push('=');
            crate::http::url::form_encode(v.as_ref(), &mut body);
        }
        self.map(|r| {
            r.headers_mut()
                .insert("content-type", "application/x-www-form-urlencoded")?;
            r.set_body(body.into());
            Ok(())
        })
    }

    /// `Authorization: Bearer <token>` (redacted in `Debug` and logs).
    pub fn bearer_auth(self, token: &str) -> Self {
        let value = crate::text::concat(&["Bearer ", token]);
        self.map(|r| r.headers_mut().insert_sensitive("authorization", &value))
    }

    /// `Authorization: Basic base64(user:password)` (redacted in `Debug` and logs).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Self {
        let credentials = crate::text::concat(&[user, ":", password.unwrap_or("")]);
        let value = crate::text::concat(&["Basic ", &crate::text::base64(credentials.as_bytes())]);
        self.map(|r| r.headers_mut().insert_sensitive("authorization", &value))
    }

    /// Send a `FormData` (multipart) body.
    #[cfg(target_arch = "wasm32")]
    pub fn form_data(self, form: web_sys::FormData) -> Self {
        self.body(Body::form_data(form))
    }

    /// Send a `Blob` or `File` body.
    #[cfg(target_arch = "wasm32")]
    pub fn blob(self, blob: web_sys::Blob) -> Self {
        self.body(Body::blob(blob))
    }

    /// Report the upload's progress. The request then goes through `XMLHttpRequest` (`fetch`
    /// cannot report upload progress), with the same timeout, abort, auth, replay and retry;
    /// each attempt reports from zero.
    #[cfg(target_arch = "wasm32")]
    pub fn on_upload_progress(self, f: impl Fn(crate::Progress) + 'static) -> Self {
        self.extension(crate::rt::fetch::UploadProgress(
            crate::rt::fetch::ProgressListener::new(f),
        ))
    }

    /// Report the download's progress while the body is read (`bytes()`, `text()`, `json()`).
    #[cfg(target_arch = "wasm32")]
    pub fn on_download_progress(self, f: impl Fn(crate::Progress) + 'static) -> Self {
        self.extension(crate::rt::fetch::DownloadProgress(
            crate::rt::fetch::ProgressListener::new(f),
        ))
    }

    /// Send a one-shot `ReadableStream` body (never retried or replayed).
    #[cfg(target_arch = "wasm32")]
    pub fn stream(self, stream: web_sys::ReadableStream) -> Self {
        self.body(Body::stream(stream))
    }

    /// Per-attempt timeout for this request (overrides the client's). Must be > 0.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|r| {
            r.set_timeout(Some(timeout));
            Ok(())
        })
    }

    /// Overall deadline for this request (all attempts, backoff and refresh wait).
    pub fn total_timeout(self, timeout: Duration) -> Self {
        self.map(|r| {
            if timeout.is_zero() {
                return Err(crate::error::Error::new(
                    crate::error::Kind::Builder,
                    "total timeout must be greater than zero",
                ));
            }
            r.extensions_mut().insert(super::TotalTimeout(timeout));
            Ok(())
        })
    }

    /// Refuse a response body larger than `bytes`: the download is canceled and reading it fails
    /// with [`Kind::Decode`](crate::Kind::Decode) (also when `Content-Length` is absent or wrong).
    pub fn max_body_size(self, bytes: u64) -> Self {
        self.map(|r| {
            r.set_max_body(Some(bytes));
            Ok(())
        })
    }

    /// No timeout for this request, whatever the client's is.
    pub fn no_timeout(self) -> Self {
        self.map(|r| {
            r.set_timeout(None);
            Ok(())
        })
    }

    /// Whether cookies are sent with this request.
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.map(|r| {
            r.set_credentials(credentials);
            Ok(())
        })
    }

    /// Cancel this request with `handle.cancel()`, in any phase.
    pub fn cancel_handle(self, handle: &CancelHandle) -> Self {
        let handle = handle.clone();
        self.map(|r| {
            r.set_cancel_handle(Some(handle));
            Ok(())
        })
    }

    /// Attach a typed value for middleware (see [`Extensions`](crate::Extensions)).
    pub fn extension<T: 'static>(self, value: T) -> Self {
        self.map(|r| {
            r.extensions_mut().insert(value);
            Ok(())
        })
    }

    /// Use this retry policy for this request instead of the client's (`RetryPolicy::none()`
    /// to never retry it).
    pub fn retry(self, policy: crate::RetryPolicy) -> Self {
        self.extension(policy)
    }

    /// Share (or not) one fetch with identical requests in flight; needs
    /// [`ClientBuilder::dedupe`](crate::ClientBuilder::dedupe). Only GET and HEAD are ever merged.
    pub fn dedupe(self, on: bool) -> Self {
        self.extension(crate::middleware::DedupeRequest(on))
    }

    /// Send this request without the auth token, even to an allowed origin.
    pub fn skip_auth(self) -> Self {
        self.extension(crate::auth::SkipAuth)
    }

    /// The finished request, or the first error met while building it.
    pub fn build(self) -> Result<Request> {
        let mut req = self.request?;
        if !self.query.is_empty() {
            let url = append_query(req.url(), &self.query);
            req.set_url(&url)?;
        }
        req.validate()
            .map_err(|e| e.with_url(req.url().to_string()))?;
        Ok(req)
    }

    /// Build and send through the client's middleware and transport.
    pub async fn send(self) -> Result<Response> {
        let client = self.client.clone();
        let req = self.build()?;
        client.execute(req).await
    }
}

impl core::fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}
