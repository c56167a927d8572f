//! Single-flight refresh under storms, pauses, late 401s, failures, aborts and logout — in
//! headless Chromium against the real server, asserting what the server observed.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use common::*;
use futures::future::join_all;
use serde_json::{json, Value};
use tokenfetch::{AuthConfig, CancelHandle, Client, Kind, Next, Request, Response, Result};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn seq_of(res: Result<Response>) -> u64 {
    let body: Value = res
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    body["n"].as_u64().unwrap()
}

type Dispatches = Rc<RefCell<Vec<(u64, String)>>>;

/// A client whose inner middleware (after auth) records every dispatch of `/api/seq/{n}`
/// and the Authorization header it carried: the order requests are handed to `fetch`.
fn recording_client(base: &str) -> (Client, Dispatches) {
    let dispatched: Dispatches = Rc::default();
    let log = dispatched.clone();
    let client = Client::builder()
        .base_url(base)
        .auth(refreshing())
        .with(
            async move |req: Request, next: Next<'_>| -> Result<Response> {
                if let Some(n) = req.url().rsplit('/').next().and_then(|n| n.parse().ok()) {
                    let token = req.headers().get("authorization").unwrap_or("").to_string();
                    log.borrow_mut().push((n, token));
                }
                next.run(req).await
            },
        )
        .build()
        .unwrap();
    (client, dispatched)
}

fn is_increasing(ns: &[u64]) -> bool {
    ns.windows(2).all(|w| w[0] < w[1])
}

#[wasm_bindgen_test]
async fn storm_of_50_refreshes_once_and_replays_in_issue_order() {
    let base = tenant("storm");
    configure(&base, json!({"refresh_delay_ms": 300})).await;
    let (client, dispatched) = recording_client(&base);
    let first = tokens(&base, None).await;
    let old = format!("Bearer {}", first.access_token.clone().unwrap());
    client.auth().unwrap().set_tokens(first).unwrap();
    expire(&base).await;

    let requests = (0..50u64).map(|i| client.get(&format!("/api/seq/{i}")).send());
    let results = join_all(requests).await;
    for (i, res) in results.into_iter().enumerate() {
        assert_eq!(
            seq_of(res).await,
            i as u64,
            "request {i} got another's response"
        );
    }

    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    let mut seen = seq(&stats);
    seen.sort();
    assert_eq!(seen, (0..50).collect::<Vec<_>>());
    let replays: Vec<u64> = dispatched
        .borrow()
        .iter()
        .filter(|(_, token)| *token != old)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        replays.len(),
        50,
        "every request replayed once with the new token"
    );
    assert!(
        is_increasing(&replays),
        "replays out of issue order: {replays:?}"
    );
    assert_eq!(client.auth().unwrap().generation(), 1);
}

#[wasm_bindgen_test]
async fn new_requests_during_a_refresh_wait_and_never_send_the_stale_token() {
    let base = tenant("pause");
    configure(&base, json!({"refresh_delay_ms": 300})).await;
    let (client, dispatched) = recording_client(&base);
    log_in(&client, &base).await;
    expire(&base).await;
    let trigger = client.get("/api/items").send();
    let later = async {
        until_refreshing(&client).await;
        let batch = (0..10).map(|i| client.get(&format!("/api/seq/{i}")).send());
        join_all(batch).await
    };
    let (first, rest) = futures::join!(trigger, later);
    assert!(first.unwrap().ok());
    for res in rest {
        assert!(res.unwrap().ok());
    }
    let stats = stats(&base).await;
    assert_eq!(
        count(&stats, "stale_token_requests"),
        1,
        "only the trigger used the stale token"
    );
    assert_eq!(count(&stats, "refresh_count"), 1);
    let mut seq = seq(&stats);
    seq.sort();
    assert_eq!(seq, (0..10).collect::<Vec<_>>());
    // Released to fetch in issue order (the server may see them reordered across connections).
    let order: Vec<u64> = dispatched.borrow().iter().map(|(n, _)| *n).collect();
    assert_eq!(
        order,
        (0..10).collect::<Vec<_>>(),
        "paused requests released out of order"
    );
}

#[wasm_bindgen_test]
async fn late_401_for_the_previous_generation_does_not_refresh_again() {
    let base = tenant("late");
    // An inner middleware holds the 401 of the "late" request until the refresh is done.
    let client = Client::builder()
        .base_url(&base)
        .auth(refreshing())
        .with(async |req: Request, next: Next<'_>| -> Result<Response> {
            let late = req.url().contains("late=1");
            let res = next.run(req).await?;
            if late && res.status() == 401 {
                tokenfetch::time::sleep(Duration::from_millis(400)).await;
            }
            Ok(res)
        })
        .build()
        .unwrap();
    log_in(&client, &base).await;
    expire(&base).await;
    let (late, early) = futures::join!(
        client.get("/api/items?late=1").send(),
        client.get("/api/items").send()
    );
    assert!(late.unwrap().ok());
    assert!(early.unwrap().ok());
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    assert_eq!(count(&stats, "stale_token_requests"), 2);
    assert_eq!(client.auth().unwrap().generation(), 1);
}

#[wasm_bindgen_test]
async fn sequential_chain_keeps_its_order_across_a_refresh() {
    let base = tenant("chain");
    let client = auth_client(&base, AuthConfig::new()).await;
    for i in 0..10u64 {
        if i == 4 {
            expire(&base).await;
        }
        assert_eq!(
            seq_of(client.get(&format!("/api/seq/{i}")).send().await).await,
            i
        );
    }
    let stats = stats(&base).await;
    let seq = seq(&stats);
    assert_eq!(seq, (0..10).collect::<Vec<_>>());
    assert_eq!(count(&stats, "refresh_count"), 1);
}

#[wasm_bindgen_test]
async fn refresh_500_rejects_waiters_keeps_tokens_and_the_next_request_refreshes_again() {
    let base = tenant("r500");
    configure(
        &base,
        json!({"refresh_fail": "server_error", "refresh_fail_times": 1, "refresh_delay_ms": 100}),
    )
    .await;
    let client = auth_client(&base, AuthConfig::new()).await;
    let before = client.auth().unwrap().tokens().unwrap();
    expire(&base).await;
    let results = join_all((0..5).map(|_| client.get("/api/items").send())).await;
    for res in results {
        let err = res.unwrap_err();
        assert_eq!(err.status().map(u16::from), Some(500), "{err}");
    }
    assert_eq!(
        client.auth().unwrap().tokens().unwrap(),
        before,
        "tokens were kept"
    );
    let res = client.get("/api/items").send().await.unwrap();
    assert!(res.ok());
    assert_eq!(count(&stats(&base).await, "refresh_count"), 2);
}

/// A refresh that times out is transient (it says nothing about the refresh token): the waiters
/// fail with the timeout, the session and its tokens are kept, and the next request refreshes.
#[wasm_bindgen_test]
async fn hung_refresh_times_out_and_a_later_refresh_runs() {
    let base = tenant("hang");
    configure(
        &base,
        json!({"refresh_fail": "hang", "refresh_fail_times": 1}),
    )
    .await;
    let expired = Rc::new(Cell::new(0));
    let calls = expired.clone();
    let config = AuthConfig::new()
        .refresh_timeout(Duration::from_millis(300))
        .on_session_expired(move |_| calls.set(calls.get() + 1));
    let client = auth_client(&base, config).await;
    expire(&base).await;
    let before = client.auth().unwrap().tokens().unwrap();
    let results = join_all((0..3).map(|_| client.get("/api/items").send())).await;
    for res in results {
        let err = res.unwrap_err();
        assert_eq!(err.kind(), Kind::Timeout, "{err}");
        assert!(!err.is_session_expired(), "{err}");
    }
    assert_eq!(expired.get(), 0, "a timeout does not end the session");
    assert_eq!(
        client.auth().unwrap().tokens().unwrap(),
        before,
        "tokens were kept"
    );
    assert!(!client.auth().unwrap().is_refreshing());
    // No new login needed: the next request refreshes with the same refresh token.
    assert!(client.get("/api/items").send().await.unwrap().ok());
    assert_eq!(count(&stats(&base).await, "refresh_count"), 2);
}

#[wasm_bindgen_test]
async fn a_401_on_the_replay_is_returned_to_the_caller() {
    let base = tenant("replay401");
    // The endpoint's `token_type` ("Bearer") is read as the access token: the server rejects it.
    let client = Client::builder()
        .base_url(&base)
        .auth(
            AuthConfig::new().refresh_endpoint(
                tokenfetch::auth::RefreshEndpoint::new("/auth/refresh")
                    .access_token_field("token_type"),
            ),
        )
        .build()
        .unwrap();
    log_in(&client, &base).await;
    expire(&base).await;
    let res = client.get("/api/items").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    let api: Vec<&Value> = stats["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/api/items")
        .collect();
    assert_eq!(api.len(), 2, "sent once, replayed once, no more");
}

#[wasm_bindgen_test]
async fn aborting_one_waiter_fails_only_that_one() {
    let base = tenant("abort1");
    configure(&base, json!({"refresh_delay_ms": 300})).await;
    let client = auth_client(&base, AuthConfig::new()).await;
    expire(&base).await;
    let handles: Vec<CancelHandle> = (0..5).map(|_| CancelHandle::new()).collect();
    let requests = join_all(
        handles
            .iter()
            .enumerate()
            .map(|(i, h)| client.get(&format!("/api/seq/{i}")).cancel_handle(h).send()),
    );
    let abort = async {
        until_refreshing(&client).await;
        handles[2].cancel();
    };
    let (results, ()) = futures::join!(requests, abort);
    for (i, res) in results.into_iter().enumerate() {
        if i == 2 {
            assert!(res.unwrap_err().is_canceled());
        } else {
            assert!(res.unwrap().ok(), "request {i}");
        }
    }
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    let mut seq = seq(&stats);
    seq.sort();
    assert_eq!(seq, [0, 1, 3, 4]);
}

#[wasm_bindgen_test]
async fn aborting_the_trigger_does_not_stop_the_refresh_for_others() {
    let base = tenant("abort-trigger");
    configure(&base, json!({"refresh_delay_ms": 300})).await;
    let client = auth_client(&base, AuthConfig::new()).await;
    expire(&base).await;
    let handle = CancelHandle::new();
    let trigger = client.get("/api/seq/0").cancel_handle(&handle).send();
    let others = async {
        until_refreshing(&client).await;
        handle.cancel();
        join_all((1..4).map(|i| client.get(&format!("/api/seq/{i}")).send())).await
    };
    let (trigger, others) = futures::join!(trigger, others);
    assert!(trigger.unwrap_err().is_canceled());
    for res in others {
        assert!(res.unwrap().ok());
    }
    let stats = stats(&base).await;
    assert_eq!(count(&stats, "refresh_count"), 1);
    assert_eq!(
        client.auth().unwrap().generation(),
        1,
        "the refresh completed"
    );
}

#[wasm_bindgen_test]
async fn logout_during_a_refresh_keeps_tokens_cleared() {
    let base = tenant("logout");
    configure(&base, json!({"refresh_delay_ms": 300})).await;
    let client = auth_client(&base, AuthConfig::new()).await;
    expire(&base).await;
    let pending = client.get("/api/items").send();
    let logout = async {
        until_refreshing(&client).await;
        client.auth().unwrap().logout().unwrap();
    };
    let (result, ()) = futures::join!(pending, logout);
    assert!(result.unwrap_err().is_canceled());
    // Let the refresh finish on the server, then check nothing was restored.
    tokenfetch::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
    assert_eq!(client.auth().unwrap().tokens().unwrap(), None);
    // Without tokens, requests go out bare and the 401 comes back as a response.
    let res = client.get("/api/items").send().await.unwrap();
    assert_eq!(res.status(), 401);
}

#[wasm_bindgen_test]
async fn a_refresh_endpoint_answering_garbage_expires_the_session() {
    for mode in ["garbage", "missing_fields"] {
        let base = tenant(mode);
        configure(&base, json!({"refresh_fail": mode})).await;
        let client = auth_client(&base, AuthConfig::new()).await;
        expire(&base).await;
        let err = client.get("/api/items").send().await.unwrap_err();
        assert!(err.is_session_expired(), "{mode}: {err}");
        assert_eq!(
            err.cause().map(|c| c.kind()),
            Some(Kind::Decode),
            "{mode}: {err}"
        );
        assert_eq!(client.auth().unwrap().tokens().unwrap(), None);
        assert_eq!(count(&stats(&base).await, "refresh_count"), 1);
    }
}
