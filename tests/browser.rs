//! The core client in real headless Chromium against the real test server.
#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokenfetch::{CancelHandle, Client, Kind, Method, Next, Request, Response, Result, StatusCode};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn echo(client: &Client, builder: tokenfetch::RequestBuilder) -> Value {
    let _ = client;
    let res = builder.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

#[wasm_bindgen_test]
async fn get_with_query_reaches_the_server() {
    let base = tenant("query");
    let client = hooks(&base);
    let body = echo(
        &client,
        client.get("/echo").query([("page", "2"), ("q", "a b&c")]),
    )
    .await;
    assert_eq!(body["method"], "GET");
    assert_eq!(body["path"], "/echo");
    assert_eq!(body["query"], "page=2&q=a+b%26c");
}

#[wasm_bindgen_test]
async fn every_verb_reaches_the_server_with_its_method() {
    let base = tenant("verbs");
    let client = hooks(&base);
    for (method, builder) in [
        ("GET", client.get("/echo")),
        ("POST", client.post("/echo").body("p")),
        ("PUT", client.put("/echo").body("u")),
        ("PATCH", client.patch("/echo").body("a")),
        ("DELETE", client.delete("/echo")),
        ("OPTIONS", client.request(Method::OPTIONS, "/echo")),
    ] {
        let body = echo(&client, builder).await;
        assert_eq!(body["method"], method);
    }
    let head = client.head("/echo").send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().await.unwrap().is_empty());
    let seen: Vec<String> = stats(&base).await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        seen,
        ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
    );
}

#[derive(Serialize)]
struct NewItem {
    name: String,
    tags: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Item {
    id: u64,
    name: String,
    tags: Vec<String>,
}

#[wasm_bindgen_test]
async fn json_round_trip_with_typed_structs() {
    let base = tenant("json");
    let token = login(&base).await;
    let client = Client::builder()
        .base_url(&base)
        .default_header("authorization", &format!("Bearer {token}"))
        .build()
        .unwrap();
    let new = NewItem {
        name: "pen ✒".into(),
        tags: vec!["a".into(), "b".into()],
    };
    let res = client
        .post("/api/items")
        .json(&new)
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::new(201));
    let item: Item = res.json().await.unwrap();
    assert_eq!(item.name, "pen ✒");
    assert_eq!(item.tags, ["a", "b"]);
    let list: Value = client
        .get("/api/items")
        .query([("page", 2)])
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["page"], 2);
}

#[wasm_bindgen_test]
async fn default_and_request_headers_reach_the_server_and_response_headers_are_read() {
    let base = tenant("headers");
    let client = Client::builder()
        .base_url(&base)
        .default_header("x-app", "demo")
        .default_header("x-env", "test")
        .build()
        .unwrap();
    let res = client
        .get("/echo")
        .header("x-env", "override")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("x-request-id").is_some());
    assert_eq!(res.headers().get("content-type"), Some("application/json"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["headers"]["x-app"], "demo");
    assert_eq!(body["headers"]["x-env"], "override");
}

#[wasm_bindgen_test]
async fn error_statuses_are_responses_until_asked() {
    let client = hooks(&tenant("status"));
    for code in [404u16, 418, 500, 503] {
        let res = client.get(&format!("/status/{code}")).send().await.unwrap();
        assert_eq!(res.status(), code);
        assert!(!res.ok());
        let err = res.error_for_status().unwrap_err();
        assert_eq!(err.kind(), Kind::Status(StatusCode::new(code)));
    }
    let res = client.get("/status/204").send().await.unwrap();
    assert!(res
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .is_empty());
}

#[wasm_bindgen_test]
async fn undecodable_json_is_a_decode_error() {
    let client = hooks(&tenant("garbage"));
    let res = client.get("/garbage").send().await.unwrap();
    let err = res.json::<Value>().await.unwrap_err();
    assert_eq!(err.kind(), Kind::Decode);
}

#[wasm_bindgen_test]
async fn timeout_aborts_a_slow_request() {
    let base = tenant("timeout");
    let client = Client::builder()
        .base_url(&base)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.get("/slow?ms=3000").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // A per-request timeout overrides the client's.
    let ok = client
        .get("/slow?ms=400")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[wasm_bindgen_test]
async fn cancel_handle_cancels_an_in_flight_request() {
    let base = tenant("cancel");
    let client = hooks(&base);
    let handle = CancelHandle::new();
    let request = client.get("/slow?ms=3000").cancel_handle(&handle).send();
    let canceller = handle.clone();
    let cancel = async move {
        tokenfetch::time::sleep(Duration::from_millis(150)).await;
        canceller.cancel();
    };
    let (result, ()) = futures::join!(request, cancel);
    assert!(result.unwrap_err().is_canceled());
    assert_eq!(
        request_count(&base).await,
        1,
        "the request did reach the server"
    );
    // A handle that is already canceled stops the request before it is sent.
    let err = client
        .get("/echo")
        .cancel_handle(&handle)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_canceled());
    assert_eq!(request_count(&base).await, 1);
}

#[wasm_bindgen_test]
async fn closed_port_is_a_network_error() {
    let client = Client::builder().base_url(closed()).build().unwrap();
    let err = client.get("/x").send().await.unwrap_err();
    assert!(err.is_network(), "{err}");
}

#[wasm_bindgen_test]
async fn middleware_run_outermost_first_in_the_browser() {
    let base = tenant("order");
    let tag = |name: &'static str| {
        async move |mut req: Request, next: Next<'_>| -> Result<Response> {
            let seen = req.headers().get("x-order").map(str::to_string);
            let value = match seen {
                Some(prev) => format!("{prev},{name}"),
                None => name.to_string(),
            };
            req.headers_mut().insert("x-order", &value)?;
            next.run(req).await
        }
    };
    let client = Client::builder()
        .base_url(&base)
        .with(tag("first"))
        .with(tag("second"))
        .with(tag("third"))
        .build()
        .unwrap();
    let body = echo(&client, client.get("/echo")).await;
    assert_eq!(body["headers"]["x-order"], "first,second,third");
}

#[wasm_bindgen_test]
async fn invalid_input_is_refused_before_any_request() {
    let base = tenant("invalid");
    let client = hooks(&base);
    let cases = [
        (
            client.get("/echo").header("x-a", "1\r\nx-b: 2"),
            Kind::InvalidHeader,
        ),
        (
            client.get("/echo").header("x-a", "\u{2603}"),
            Kind::InvalidHeader,
        ),
        (
            client.get("/echo").header("bad:name", "1"),
            Kind::InvalidHeader,
        ),
        (client.get("//127.0.0.1:8788/echo"), Kind::InvalidUrl),
        (client.get("/\\127.0.0.1:8788/echo"), Kind::InvalidUrl),
        (client.get("\\\\127.0.0.1:8788/echo"), Kind::InvalidUrl),
        (client.get("/\t/127.0.0.1:8788/echo"), Kind::InvalidUrl),
        (client.get("data:text/plain,hi"), Kind::InvalidUrl),
        (
            client.get("http://user:pw@127.0.0.1:8787/"),
            Kind::InvalidUrl,
        ),
        (client.get("/echo").body("x"), Kind::Body),
    ];
    for (builder, kind) in cases {
        let err = builder.send().await.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
    }
    for method in ["TRACE", "CONNECT", "GET POST", "X\r\n"] {
        assert_eq!(
            Method::from_str(method).unwrap_err().kind(),
            Kind::InvalidMethod
        );
    }
    assert_eq!(request_count(&base).await, 0);
}

#[wasm_bindgen_test]
async fn form_data_and_blob_bodies_upload_and_replay() {
    let base = tenant("upload");
    let client = hooks(&base);
    let form = web_sys::FormData::new().unwrap();
    form.append_with_str("title", "report").unwrap();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&[7u8; 1000][..]));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    form.append_with_blob_and_filename("file", &blob, "data.bin")
        .unwrap();
    let req = client.post("/upload").form_data(form).build().unwrap();
    for _ in 0..2 {
        let body: Value = client
            .execute(req.clone())
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["parts"][0]["name"], "title");
        assert_eq!(body["parts"][1]["filename"], "data.bin");
        assert_eq!(body["parts"][1]["size"], 1000);
    }
    let echoed: Value = json_of(client.post("/echo").blob(blob)).await;
    assert_eq!(echoed["body"].as_str().unwrap().len(), 1000);
}

#[wasm_bindgen_test]
async fn large_download_arrives_whole() {
    let client = hooks(&tenant("download"));
    let res = client.get("/download?bytes=300000").send().await.unwrap();
    assert_eq!(res.headers().get("content-length"), Some("300000"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(bytes.len(), 300_000);
    assert!(bytes
        .iter()
        .enumerate()
        .all(|(i, b)| *b as usize == i % 251));
}

#[wasm_bindgen_test]
async fn relative_urls_stay_under_the_base_path() {
    let base = tenant("basepath");
    let client = hooks(&base);
    let body = echo(&client, client.get("echo")).await;
    assert_eq!(body["path"], "/echo");
    assert!(client.resolve_url("/echo").unwrap().starts_with(&base));
}

/// The engine's wasm memory, in bytes.
fn wasm_memory() -> u32 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

/// Let the microtasks run (where dropped timers settle their promises).
async fn yield_to_js() {
    let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
        &wasm_bindgen::JsValue::NULL,
    ))
    .await;
}

/// A sleep dropped before it fires (a retry or a refresh that ended first) clears its timer and
/// frees what was waiting for it: tens of thousands of them leave the memory where it was.
#[wasm_bindgen_test]
async fn sleeps_dropped_early_leave_nothing_behind() {
    async fn drop_many(n: usize) {
        for i in 0..n {
            let sleep = tokenfetch::time::sleep(Duration::from_secs(3600));
            futures::pin_mut!(sleep);
            // Polled once: the timer is set; then dropped.
            assert!(futures::poll!(sleep.as_mut()).is_pending());
            if i % 500 == 0 {
                yield_to_js().await;
            }
        }
        yield_to_js().await;
    }
    drop_many(5_000).await;
    let warm = wasm_memory();
    drop_many(40_000).await;
    let growth = wasm_memory() - warm;
    assert!(
        growth <= 256 * 1024,
        "wasm memory grew {growth} bytes over 40,000 dropped sleeps"
    );
}
