//! De-duplication and rate limiting in Chromium against the server.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::*;
use futures::future::join_all;
use serde_json::Value;
use tokenfetch::middleware::RateLimit;
use tokenfetch::{CancelHandle, Client, Next, Request, Response, Result};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn twenty_identical_gets_share_one_fetch_and_each_gets_the_body() {
    let base = tenant("dedupe");
    let client = Client::builder()
        .base_url(&base)
        .dedupe(true)
        .build()
        .unwrap();
    let results = join_all((0..20).map(|_| client.get("/slow?ms=200").send())).await;
    for res in results {
        let body: Value = res.unwrap().json().await.unwrap();
        assert_eq!(body["slept"], 200);
    }
    assert_eq!(request_count(&base).await, 1);
    // Different URLs or headers are different requests.
    let (a, b) = futures::join!(
        client.get("/slow?ms=100").send(),
        client
            .get("/slow?ms=100")
            .header("accept-language", "fr")
            .send()
    );
    assert!(a.unwrap().ok() && b.unwrap().ok());
    assert_eq!(request_count(&base).await, 3);
}

#[wasm_bindgen_test]
async fn posts_are_never_merged() {
    let base = tenant("dedupe-post");
    let client = Client::builder()
        .base_url(&base)
        .dedupe(true)
        .build()
        .unwrap();
    let results = join_all((0..5).map(|_| client.post("/slow?ms=100").body("same").send())).await;
    assert!(results.iter().all(|r| r.as_ref().unwrap().ok()));
    assert_eq!(request_count(&base).await, 5);
}

#[wasm_bindgen_test]
async fn canceling_one_caller_does_not_cancel_the_others() {
    let base = tenant("dedupe-cancel");
    let client = Client::builder()
        .base_url(&base)
        .dedupe(true)
        .build()
        .unwrap();
    let first = CancelHandle::new();
    let leader = client.get("/slow?ms=300").cancel_handle(&first).send();
    let followers = join_all((0..3).map(|_| client.get("/slow?ms=300").send()));
    let cancel = async {
        tokenfetch::time::sleep(Duration::from_millis(100)).await;
        first.cancel();
    };
    let (leader, followers, ()) = futures::join!(leader, followers, cancel);
    assert!(leader.unwrap_err().is_canceled());
    for res in followers {
        assert!(res.unwrap().ok());
    }
    assert_eq!(request_count(&base).await, 1);
}

#[wasm_bindgen_test]
async fn opt_in_per_request_when_off_by_default() {
    let base = tenant("dedupe-opt");
    let client = Client::builder()
        .base_url(&base)
        .dedupe(false)
        .build()
        .unwrap();
    join_all((0..3).map(|_| client.get("/slow?ms=100").send())).await;
    assert_eq!(request_count(&base).await, 3);
    join_all((0..3).map(|_| client.get("/slow?ms=100").dedupe(true).send())).await;
    assert_eq!(request_count(&base).await, 4);
}

#[wasm_bindgen_test]
async fn max_concurrent_two_holds_and_releases_in_issue_order() {
    let base = tenant("limit");
    let dispatched: Rc<RefCell<Vec<usize>>> = Rc::default();
    let log = dispatched.clone();
    let client = Client::builder()
        .base_url(&base)
        .rate_limit(RateLimit::new().max_concurrent(2).unwrap())
        // Inside the limiter: records when each request is handed to fetch.
        .with(
            async move |req: Request, next: Next<'_>| -> Result<Response> {
                let i = req.url().rsplit('=').next().unwrap().parse().unwrap();
                log.borrow_mut().push(i);
                next.run(req).await
            },
        )
        .build()
        .unwrap();
    let done: Rc<RefCell<Vec<usize>>> = Rc::default();
    let requests = (0..10).map(|i| {
        let (client, done) = (client.clone(), done.clone());
        async move {
            let res = client
                .get(&format!("/slow?ms=150&i={i}"))
                .send()
                .await
                .unwrap();
            done.borrow_mut().push(i);
            res
        }
    });
    let results = join_all(requests).await;
    assert!(results.iter().all(|r| r.ok()));
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "max_in_flight"), 2);
    assert_eq!(
        *dispatched.borrow(),
        (0..10).collect::<Vec<_>>(),
        "released out of order"
    );
    // Equal latency: completions follow issue order, up to a swap inside a concurrent pair
    // (two requests released together race on the network).
    let done = done.borrow();
    assert!(
        done.iter()
            .enumerate()
            .all(|(pos, i)| pos.abs_diff(*i) <= 1),
        "completion order {done:?}"
    );
}

#[wasm_bindgen_test]
async fn a_waiting_request_can_be_canceled_or_time_out() {
    let base = tenant("limit-cancel");
    let client = Client::builder()
        .base_url(&base)
        .rate_limit(RateLimit::new().max_concurrent(1).unwrap())
        .build()
        .unwrap();
    let handle = CancelHandle::new();
    let (first, second, third, ()) = futures::join!(
        client.get("/slow?ms=300").send(),
        client.get("/slow?ms=10").cancel_handle(&handle).send(),
        client
            .get("/slow?ms=10")
            .total_timeout(Duration::from_millis(100))
            .send(),
        async {
            tokenfetch::time::sleep(Duration::from_millis(50)).await;
            handle.cancel();
        }
    );
    assert!(first.unwrap().ok());
    assert!(second.unwrap_err().is_canceled());
    assert_eq!(third.unwrap_err().kind(), tokenfetch::Kind::TotalTimeout);
    assert_eq!(
        request_count(&base).await,
        1,
        "the waiting requests never went out"
    );
}

#[wasm_bindgen_test]
async fn per_second_spaces_out_request_starts() {
    let base = tenant("per-second");
    let client = Client::builder()
        .base_url(&base)
        .rate_limit(RateLimit::new().per_second(5.0).unwrap())
        .build()
        .unwrap();
    join_all((0..10).map(|_| client.get("/echo").send())).await;
    let stats = stats(&base).await;
    let times: Vec<u64> = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["at_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(times.len(), 10);
    // A burst of 5, then one every 200 ms: the last starts about 1 s after the first.
    let span = times.iter().max().unwrap() - times.iter().min().unwrap();
    assert!(span >= 800, "10 requests at 5/s arrived within {span} ms");
}
