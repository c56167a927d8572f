//! `fetch` through web-sys: the only code that builds a JS `Request` or reads a JS `Response`.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit};

use super::Transport;
use crate::body::Repr;
use crate::error::{Error, Kind, Result};
use crate::http::headers::HeaderMap;
use crate::http::status::StatusCode;
use crate::request::{Credentials, Request};
use crate::response::{FetchBody, Response};
use crate::rt::abort::{js_message, AbortGuard};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window, worker or Node), not `window.fetch`.
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &web_sys::Request) -> std::result::Result<Promise, JsValue>;
}

fn js_body(body: &Repr) -> Result<Option<JsValue>> {
    Ok(match body {
        Repr::Empty => None,
        Repr::Text(t) => Some(JsValue::from_str(t)),
        Repr::Bytes(b) => Some(Uint8Array::from(&b[..]).into()),
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

fn build_request(req: &Request, controller: &AbortController) -> Result<web_sys::Request> {
    let init = RequestInit::new();
    init.set_method(req.method().as_str());
    let headers = Headers::new().map_err(|e| Error::new(Kind::Network, js_message(&e)))?;
    for (name, value) in req.headers().iter() {
        headers.append(name, value).map_err(|_| {
            Error::new(
                Kind::InvalidHeader,
                format!("fetch refused the header `{name}`"),
            )
        })?;
    }
    init.set_headers(&headers);
    if let Some(body) = js_body(&req.body().0)? {
        if !req.body().is_replayable() {
            // Required by fetch for stream bodies.
            let _ = js_sys::Reflect::set(&init, &"duplex".into(), &"half".into());
        }
        init.set_body(&body);
    }
    init.set_signal(Some(&controller.signal()));
    init.set_credentials(match req.credentials() {
        Credentials::Omit => RequestCredentials::Omit,
        Credentials::SameOrigin => RequestCredentials::SameOrigin,
        Credentials::Include => RequestCredentials::Include,
    });
    web_sys::Request::new_with_str_and_init(req.url(), &init)
        .map_err(|e| Error::new(Kind::InvalidUrl, js_message(&e)))
}

fn read_headers(raw: &web_sys::Response) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&raw.headers()) {
        for entry in entries.flatten() {
            if let Ok(pair) = entry.dyn_into::<Array>() {
                if let (Some(name), Some(value)) =
                    (pair.get(0).as_string(), pair.get(1).as_string())
                {
                    headers.push_unchecked(&name, &value);
                }
            }
        }
    }
    headers
}

async fn fetch(req: Request) -> Result<Response> {
    req.validate()?;
    let controller =
        AbortController::new().map_err(|e| Error::new(Kind::Network, js_message(&e)))?;
    let request = build_request(&req, &controller)?;
    let timed_out = Rc::new(Cell::new(false));
    let timer = req.timeout().map(|timeout| {
        let (flag, controller) = (timed_out.clone(), controller.clone());
        gloo_timers::callback::Timeout::new(crate::rt::time::clamp_millis(timeout), move || {
            flag.set(true);
            controller.abort();
        })
    });
    let guard = AbortGuard::new(controller, timed_out, timer);
    let promise = global_fetch(&request).map_err(|e| {
        Error::new(
            Kind::Network,
            format!("fetch is unavailable: {}", js_message(&e)),
        )
    })?;
    let value = JsFuture::from(promise)
        .await
        .map_err(|e| guard.rejection(&e, "fetch failed"))?;
    let raw: web_sys::Response = value.dyn_into().map_err(|_| {
        Error::new(
            Kind::Network,
            "fetch resolved to something that is not a Response",
        )
    })?;
    let status = StatusCode::new(raw.status());
    let headers = read_headers(&raw);
    let url = match raw.url() {
        u if u.is_empty() => req.url().to_string(),
        u => u,
    };
    let redirected = raw.redirected();
    Ok(Response::from_fetch(
        status,
        headers,
        url,
        redirected,
        FetchBody::new(raw, guard),
    ))
}

/// The transport over the platform's global `fetch`, with one `AbortController` per attempt:
/// it aborts on timeout and when the request future or an unread response is dropped.
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(&self, req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let url = req.url().to_string();
        Box::pin(async move { fetch(req).await.map_err(|e| e.with_url(url)) })
    }
}

/// `globalThis.location.origin`, read without assuming a window (workers have one too, Node
/// has none).
pub(crate) fn page_origin() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("location")).ok()?;
    if location.is_undefined() || location.is_null() {
        return None;
    }
    js_sys::Reflect::get(&location, &JsValue::from_str("origin"))
        .ok()?
        .as_string()
        .filter(|o| o != "null")
}
