//! The lifecycle events of a request, in order, for a 401 → refresh → replay and a retry.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::*;
use tokenfetch::{Client, Event, RetryPolicy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn describe(e: &Event) -> String {
    match e {
        Event::Sent {
            attempt, replay, ..
        } => format!("sent {attempt}{}", if *replay { " replay" } else { "" }),
        Event::Response { status, .. } => format!("response {}", status.as_u16()),
        Event::AttemptFailed { error, .. } => format!("attempt failed {:?}", error.kind()),
        Event::RetryScheduled { attempt, delay, .. } => {
            format!("retry {attempt} in {} ms", delay.as_millis())
        }
        Event::WaitingForRefresh { .. } => "waiting".into(),
        Event::RefreshStarted => "refresh started".into(),
        Event::Refreshed { generation } => format!("refreshed {generation}"),
        Event::RefreshFailed { .. } => "refresh failed".into(),
        Event::Replayed { .. } => "replayed".into(),
        Event::Finished { outcome, .. } => {
            format!("finished {:?}", outcome.as_ref().map(|s| s.as_u16()))
        }
        _ => "other".into(),
    }
}

#[wasm_bindgen_test]
async fn events_follow_a_request_through_refresh_replay_and_retry() {
    let base = tenant("events");
    let seen: Rc<RefCell<Vec<String>>> = Rc::default();
    let log = seen.clone();
    let client = Client::builder()
        .base_url(&base)
        .on_event(move |e| log.borrow_mut().push(describe(e)))
        .auth(refreshing())
        .retry(RetryPolicy::new().backoff(Duration::from_millis(10)))
        .build()
        .unwrap();
    log_in(&client, &base).await;
    expire(&base).await;
    assert!(client.get("/api/items").send().await.unwrap().ok());
    assert_eq!(
        *seen.borrow(),
        [
            "sent 1",
            "response 401",
            "refresh started",
            "waiting",
            "refreshed 1",
            "replayed",
            "sent 1 replay",
            "response 200",
            "finished Ok(200)",
        ]
    );
    seen.borrow_mut().clear();
    assert!(client.get("/flaky/e?fail=1").send().await.unwrap().ok());
    assert_eq!(
        *seen.borrow(),
        [
            "sent 1",
            "response 503",
            "retry 2 in 10 ms",
            "sent 2",
            "response 200",
            "finished Ok(200)"
        ]
    );
}
