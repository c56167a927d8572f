//! Downloads from Rust: `max_body_size` enforced while reading, with or without a
//! `Content-Length`.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use tokenfetch::{Client, Kind};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn max_body_size_cancels_a_larger_download() {
    let base = tenant("max-body");
    let client = Client::builder().base_url(&base).build().unwrap();
    let ok = client
        .get("/download?bytes=100000")
        .max_body_size(100_000)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(ok.len(), 100_000);
    assert_eq!(ok[251], 0);
    for (url, limit) in [
        ("/download?bytes=50000000", 49_999_999),
        ("/download?bytes=50000000&length=none", 1_000_000),
    ] {
        let res = client.get(url).max_body_size(limit).send().await.unwrap();
        let err = res.bytes().await.unwrap_err();
        assert_eq!(err.kind(), Kind::Decode, "{url}: {err}");
    }
    // The streamed one was cut off at the limit, not read to its end and then refused.
    assert_eq!(aborted_downloads(&base, 1).await, 1);
    let text = client
        .get("/download?bytes=11&length=none")
        .max_body_size(10)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap_err();
    assert_eq!(text.kind(), Kind::Decode);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Five files in two fields plus text fields, built with `multipart::Form`, to an endpoint that
/// needs the token: the expired token is refreshed once and the replay carries the same bytes.
#[wasm_bindgen_test]
async fn a_multipart_upload_is_replayed_after_the_refresh_with_identical_checksums() {
    use tokenfetch::multipart::{Form, Part};
    let base = tenant("rust-upload");
    let client = auth_client(&base, tokenfetch::AuthConfig::new()).await;
    expire(&base).await;
    let file = |size: usize, seed: usize| -> Vec<u8> {
        (0..size).map(|i| ((i * seed + 7) % 256) as u8).collect()
    };
    let files = [
        ("photos", "a.jpg", "image/jpeg", file(70_000, 3)),
        ("photos", "b.jpg", "image/jpeg", file(1, 5)),
        ("photos", "c.png", "image/png", file(123_457, 11)),
        ("docs", "d.pdf", "application/pdf", file(4096, 13)),
        ("docs", "e.txt", "text/plain", Vec::new()),
    ];
    let mut form = Form::new();
    for (field, name, mime, data) in &files {
        let part = Part::bytes(data.clone())
            .file_name(name)
            .mime(mime)
            .unwrap();
        form = form.part(field, part);
    }
    form = form.text("title", "holiday").text("note", "é ✓");
    let res = client
        .post("/api/upload")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.ok(), "{}", res.status());
    let body: serde_json::Value = res.json().await.unwrap();
    type Seen = (String, String, String, u64, String);
    let got: Vec<Seen> = body["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["filename"].as_str().unwrap_or("").to_string(),
                p["content_type"].as_str().unwrap_or("").to_string(),
                p["size"].as_u64().unwrap(),
                p["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut expected: Vec<Seen> = files
        .iter()
        .map(|(field, name, mime, data)| {
            (
                field.to_string(),
                name.to_string(),
                mime.to_string(),
                data.len() as u64,
                sha256_hex(data),
            )
        })
        .collect();
    let text = |name: &str, value: &str| -> Seen {
        let bytes = value.as_bytes();
        (
            name.into(),
            String::new(),
            String::new(),
            bytes.len() as u64,
            sha256_hex(bytes),
        )
    };
    expected.push(text("title", "holiday"));
    expected.push(text("note", "é ✓"));
    assert_eq!(got, expected);
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
}

#[wasm_bindgen_test]
async fn form_bearer_and_basic_auth_helpers() {
    let base = tenant("rust-helpers");
    let client = Client::builder().base_url(&base).build().unwrap();
    let echo: serde_json::Value = client
        .post("/echo")
        .form(&[("a b", "c&d"), ("x", "é")])
        .bearer_auth("TOKEN")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(echo["body"], "a+b=c%26d&x=%C3%A9");
    assert_eq!(
        echo["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(echo["headers"]["authorization"], "Bearer TOKEN");
    let echo: serde_json::Value = client
        .get("/echo")
        .basic_auth("Aladdin", Some("open sesame"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        echo["headers"]["authorization"],
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    );
}

/// `bytes` bytes from `/download` without a Content-Length, as a body stream (at most `limit`).
async fn download(
    base: &str,
    bytes: u64,
    limit: Option<u64>,
) -> futures::stream::LocalBoxStream<'static, tokenfetch::Result<Vec<u8>>> {
    let client = Client::builder().base_url(base).build().unwrap();
    let mut req = client
        .get("/download")
        .query([("bytes", bytes)])
        .query([("length", "none")])
        // Chunks 2 ms apart: they reach the reader one by one, never coalesced into one.
        .query([("pace_ms", 2)]);
    if let Some(limit) = limit {
        req = req.max_body_size(limit);
    }
    req.send().await.unwrap().bytes_stream()
}

#[wasm_bindgen_test]
async fn bytes_stream_yields_the_body_in_chunks_within_its_limit() {
    use futures::StreamExt;
    let base = tenant("bytes-stream");
    let mut stream = download(&base, 1_000_000, None).await;
    let (mut total, mut chunks, mut first) = (0, 0, None);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        first.get_or_insert(chunk[0]);
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!((total, first), (1_000_000, Some(0)));
    assert!(chunks > 1, "{chunks} chunks");
    let results: Vec<_> = download(&base, 200_000, Some(100_000))
        .await
        .collect()
        .await;
    assert!(matches!(results.last(), Some(Err(e)) if e.kind() == Kind::Decode));
    let yielded: usize = results.iter().flatten().map(Vec::len).sum();
    assert!(yielded <= 100_000, "{yielded} bytes yielded past the limit");
}

/// The request's cancel handle ends a body stream being read: one `Canceled` error, then the
/// end, and the server sees the download stop.
#[wasm_bindgen_test]
async fn bytes_stream_ends_when_its_request_is_canceled() {
    use futures::StreamExt;
    let base = tenant("bytes-stream-cancel");
    let client = Client::builder().base_url(&base).build().unwrap();
    let handle = tokenfetch::CancelHandle::new();
    let mut stream = client
        .get("/download?bytes=50000000&length=none")
        .cancel_handle(&handle)
        .send()
        .await
        .unwrap()
        .bytes_stream();
    assert!(!stream.next().await.unwrap().unwrap().is_empty());
    handle.cancel();
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), Kind::Canceled);
    assert!(stream.next().await.is_none(), "nothing after the cancel");
    assert_eq!(aborted_downloads(&base, 1).await, 1);
}

/// Upload progress from Rust goes through XMLHttpRequest and still refreshes and replays.
#[wasm_bindgen_test]
async fn upload_and_download_progress_from_rust() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let base = tenant("rust-progress");
    let client = auth_client(&base, tokenfetch::AuthConfig::new()).await;
    expire(&base).await;
    let up: Rc<RefCell<Vec<tokenfetch::Progress>>> = Rc::default();
    let seen = up.clone();
    let form = tokenfetch::multipart::Form::new().part(
        "big",
        tokenfetch::multipart::Part::bytes(vec![7u8; 3_000_000]).file_name("big.bin"),
    );
    let res = client
        .post("/api/upload")
        .multipart(form)
        .on_upload_progress(move |p| seen.borrow_mut().push(p))
        .send()
        .await
        .unwrap();
    assert!(res.ok());
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body["parts"][0]["size"], 3_000_000,
        "the replay arrived whole"
    );
    let last = *up.borrow().last().expect("progress events");
    assert_eq!(Some(last.loaded), last.total);
    assert!(last.loaded > 3_000_000);
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);

    let down: Rc<RefCell<Vec<tokenfetch::Progress>>> = Rc::default();
    let seen = down.clone();
    let bytes = client
        .get("/download?bytes=2000000")
        .on_download_progress(move |p| seen.borrow_mut().push(p))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.len(), 2_000_000);
    let events = down.borrow();
    assert!(events.windows(2).all(|w| w[1].loaded > w[0].loaded));
    assert_eq!(
        events.last().map(|p| (p.loaded, p.total)),
        Some((2_000_000, Some(2_000_000)))
    );
}

/// Dropping a body stream (or a canceled request) mid-download ends the connection.
#[wasm_bindgen_test]
async fn dropping_a_stream_mid_download_ends_the_connection() {
    use futures::StreamExt;
    let base = tenant("rust-drop-stream");
    let mut stream = download(&base, 50_000_000, None).await;
    let first = stream.next().await.unwrap().unwrap();
    assert!(!first.is_empty());
    drop(stream);
    assert_eq!(aborted_downloads(&base, 1).await, 1);
}

/// The server's count of downloads that ended early, once it reaches `at_least` (or after 5 s).
async fn aborted_downloads(base: &str, at_least: u64) -> u64 {
    let mut aborted = 0;
    for _ in 0..50 {
        aborted = count(&stats(base).await, "aborted_downloads");
        if aborted >= at_least {
            break;
        }
        tokenfetch::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    aborted
}
