//! The logger shows the traffic (attempts, retries, refresh, replay) and never a secret.
#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::*;
use serde_json::json;
use tokenfetch::log::{Logger, Record};
use tokenfetch::{Client, RetryPolicy};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn log_output_contains_no_token_cookie_or_password() {
    let base = tenant("log");
    let records: Rc<RefCell<Vec<Record>>> = Rc::default();
    let sink = records.clone();
    let client = Client::builder()
        .base_url(&base)
        .log(
            Logger::new()
                .redact_header("x-api-key")
                .sink(move |r| sink.borrow_mut().push(r.clone())),
        )
        .auth(refreshing())
        .retry(RetryPolicy::new().backoff(Duration::from_millis(10)))
        .build()
        .unwrap();
    let first = tokens(&base, None).await;
    client.auth().unwrap().set_tokens(first.clone()).unwrap();
    expire(&base).await;

    let res = client
        .post("/api/echo?access_token=QUERYSECRET&page=2")
        .header("cookie", "sid=COOKIESECRET")
        .header("x-api-key", "APIKEYSECRET")
        .json(&json!({"user": "ada", "password": "PASSWORDSECRET", "nested": {"refresh_token": "BODYSECRET"}}))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(res.ok());
    let res = client.get("/api/flaky/x?fail=1").send().await.unwrap();
    assert!(res.ok());
    let now = client.auth().unwrap().tokens().unwrap().unwrap();

    let text: String = records
        .borrow()
        .iter()
        .map(|r| format!("{}\n{}\n", r.message, r.details.join("\n")))
        .collect();
    let secrets = [
        first.access_token.unwrap(),
        first.refresh_token.unwrap(),
        now.access_token.unwrap(),
        now.refresh_token.unwrap(),
        "COOKIESECRET".into(),
        "APIKEYSECRET".into(),
        "PASSWORDSECRET".into(),
        "BODYSECRET".into(),
        "QUERYSECRET".into(),
    ];
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} leaked into the log:\n{text}"
        );
    }
    for expected in [
        "→ POST",
        "page=2",
        "\"user\":\"ada\"",
        "authorization: [redacted]",
        "x-api-key: [redacted]",
        "⟳ token refreshed (generation 1)",
        "(replay with the new token)",
        "↻ GET",
        "(attempt 2)",
        "← GET",
        "✓ POST",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[wasm_bindgen_test]
async fn logging_is_off_by_default_and_goes_to_the_console_when_on() {
    let base = tenant("log-console");
    // Count console calls that mention our URL (wrapping, not replacing, the test runner's).
    js("globalThis.__logged = 0;
        for (const m of ['log', 'warn', 'error', 'groupCollapsed']) {
          const orig = console[m];
          console[m] = function (...args) {
            if (String(args[0]).includes('log-console')) globalThis.__logged++;
            return orig.apply(this, args);
          };
        }");
    let logged = || js("return globalThis.__logged;").as_f64().unwrap();
    let quiet = Client::builder().base_url(&base).build().unwrap();
    assert!(quiet.get("/echo").send().await.unwrap().ok());
    assert_eq!(logged(), 0.0, "logged without being asked");
    let client = Client::builder()
        .base_url(&base)
        .log(Logger::new())
        .build()
        .unwrap();
    assert!(client.get("/echo").send().await.unwrap().ok());
    assert!(
        logged() >= 3.0,
        "sent, response and finished lines: {}",
        logged()
    );
}
