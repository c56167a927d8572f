//! Retry, Retry-After, cancel during backoff and timeouts — in Chromium against the server.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::*;
use tokenfetch::events::RetryReason;
use tokenfetch::{CancelHandle, Client, Event, Kind, RetryPolicy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Retries the client scheduled: (attempt, delay, reason).
type Scheduled = Rc<RefCell<Vec<(u32, Duration, RetryReason)>>>;

/// A client with the default retry policy but a quick backoff, recording retry events.
fn retrying(base: &str, policy: RetryPolicy) -> (Client, Scheduled) {
    let scheduled: Scheduled = Rc::default();
    let log = scheduled.clone();
    let client = Client::builder()
        .base_url(base)
        .retry(policy)
        .on_event(move |e| {
            if let Event::RetryScheduled {
                attempt,
                delay,
                reason,
                ..
            } = e
            {
                log.borrow_mut().push((*attempt, *delay, reason.clone()));
            }
        })
        .build()
        .unwrap();
    (client, scheduled)
}

fn quick() -> RetryPolicy {
    RetryPolicy::new().backoff(Duration::from_millis(20))
}

async fn attempts(base: &str, key: &str) -> u64 {
    stats(base).await["flaky"][key].as_u64().unwrap_or(0)
}

#[wasm_bindgen_test]
async fn get_failing_twice_succeeds_on_the_third_attempt() {
    let base = tenant("flaky-get");
    let (client, scheduled) = retrying(&base, quick());
    let res = client.get("/flaky/a?fail=2").send().await.unwrap();
    assert!(res.ok());
    assert_eq!(res.headers().get("x-attempt"), Some("3"));
    assert_eq!(attempts(&base, "a").await, 3);
    let attempts_scheduled: Vec<u32> = scheduled.borrow().iter().map(|s| s.0).collect();
    assert_eq!(attempts_scheduled, [2, 3]);
    assert_eq!(
        scheduled.borrow()[1].1,
        Duration::from_millis(40),
        "exponential backoff"
    );
    // Beyond the limit the last response is returned.
    let res = client.get("/flaky/b?fail=5").send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(attempts(&base, "b").await, 3);
}

#[wasm_bindgen_test]
async fn post_is_not_retried_unless_opted_in_and_then_keeps_its_idempotency_key() {
    let base = tenant("flaky-post");
    let (client, _) = retrying(&base, quick());
    let res = client
        .post("/flaky/p?fail=2")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(attempts(&base, "p").await, 1);

    let (client, _) = retrying(&base, quick().retry_non_idempotent(true));
    let res = client
        .post("/flaky/q?fail=2")
        .body("x")
        .send()
        .await
        .unwrap();
    assert!(res.ok());
    let keys = stats(&base).await["idempotency_keys"]["q"].clone();
    let keys: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter().all(|k| *k == keys[0] && k.len() == 32),
        "{keys:?}"
    );
    // A key the caller set is kept.
    client
        .post("/flaky/r?fail=1")
        .header("idempotency-key", "order-42")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stats(&base).await["idempotency_keys"]["r"],
        serde_json::json!(["order-42", "order-42"])
    );
}

#[wasm_bindgen_test]
async fn retry_after_seconds_and_http_date_are_waited_for() {
    let base = tenant("retry-after");
    let (client, scheduled) = retrying(&base, quick());
    let start = js_sys::Date::now();
    let res = client
        .get("/status/429?retry_after=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429, "always 429: exhausted after the limit");
    assert!(
        js_sys::Date::now() - start >= 2000.0,
        "two waits of 1 s each"
    );
    assert!(scheduled
        .borrow()
        .iter()
        .all(|s| s.1 == Duration::from_secs(1)));

    scheduled.borrow_mut().clear();
    let start = js_sys::Date::now();
    let res = client
        .get("/retry-after/d?fail=1&after=1&form=date")
        .send()
        .await
        .unwrap();
    assert!(res.ok());
    let waited = js_sys::Date::now() - start;
    let planned = scheduled.borrow()[0].1;
    assert!(
        planned > Duration::from_millis(0) && planned <= Duration::from_secs(2),
        "{planned:?}"
    );
    assert!(
        waited >= planned.as_millis() as f64,
        "waited {waited} ms < {planned:?}"
    );
    assert_eq!(attempts(&base, "d").await, 2);
}

#[wasm_bindgen_test]
async fn a_day_long_retry_after_fails_fast() {
    let base = tenant("day");
    let (client, _) = retrying(&base, quick());
    let start = js_sys::Date::now();
    let err = client
        .get("/flaky/day?fail=3&status=429&retry_after=86400")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::RateLimited, "{err}");
    assert!(js_sys::Date::now() - start < 5000.0);
    assert_eq!(attempts(&base, "day").await, 1);
}

#[wasm_bindgen_test]
async fn cancel_during_backoff_stops_further_attempts() {
    let base = tenant("cancel-backoff");
    let (client, _) = retrying(
        &base,
        RetryPolicy::new().backoff(Duration::from_millis(800)),
    );
    let handle = CancelHandle::new();
    let request = client.get("/flaky/c?fail=5").cancel_handle(&handle).send();
    let cancel = async {
        tokenfetch::time::sleep(Duration::from_millis(200)).await;
        handle.cancel();
    };
    let (result, ()) = futures::join!(request, cancel);
    assert!(result.unwrap_err().is_canceled());
    tokenfetch::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        attempts(&base, "c").await,
        1,
        "an attempt went out after the cancel"
    );
}

#[wasm_bindgen_test]
async fn per_attempt_and_total_timeouts_have_their_own_kinds() {
    let base = tenant("timeouts");
    let policy = quick().retry_on_timeout(true);
    let (client, scheduled) = retrying(&base, policy);
    let err = client
        .get("/slow?ms=1000")
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::Timeout);
    assert_eq!(scheduled.borrow().len(), 2, "timeouts retried when asked");
    assert_eq!(request_count(&base).await, 3);

    let err = client
        .get("/slow?ms=1000")
        .timeout(Duration::from_millis(150))
        .total_timeout(Duration::from_millis(250))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::TotalTimeout);
    assert!(err.is_timeout());
    assert_eq!(
        request_count(&base).await,
        5,
        "the total timeout stopped the third attempt"
    );

    // Without retry_on_timeout a timeout is final.
    let (client, _) = retrying(&base, quick());
    let err = client
        .get("/slow?ms=1000")
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Kind::Timeout);
    assert_eq!(request_count(&base).await, 6);
}

#[wasm_bindgen_test]
async fn network_errors_are_retried() {
    let (client, scheduled) = retrying(closed(), quick());
    let err = client.get("/x").send().await.unwrap_err();
    assert!(err.is_network());
    let reasons: Vec<RetryReason> = scheduled.borrow().iter().map(|s| s.2.clone()).collect();
    assert_eq!(reasons, [RetryReason::Network, RetryReason::Network]);
}

#[wasm_bindgen_test]
async fn a_request_can_opt_out_of_retries() {
    let base = tenant("opt-out");
    let (client, _) = retrying(&base, quick());
    let res = client
        .get("/flaky/o?fail=1")
        .retry(RetryPolicy::none())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(attempts(&base, "o").await, 1);
}
