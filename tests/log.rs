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

/// Secrets are found by name, normalised (percent-decoded, case and separators ignored), with
/// no `redact_*` call: the package's own `accessToken`/`refreshToken` naming, `token`,
/// `x-api-key`, a form key `refresh%5Ftoken`, a query `?accessToken=`. Numbers print exactly.
#[wasm_bindgen_test]
async fn default_redaction_finds_secrets_by_normalised_name() {
    let base = tenant("log-names");
    let records: Rc<RefCell<Vec<Record>>> = Rc::default();
    let sink = records.clone();
    let client = Client::builder()
        .base_url(&base)
        .log(Logger::new().sink(move |r| sink.borrow_mut().push(r.clone())))
        .build()
        .unwrap();
    let res = client
        .post("/echo?accessToken=Q1SECRET&Session-Id=Q2SECRET&page=2")
        .header("x-api-key", "H1SECRET")
        .header("token", "H2SECRET")
        .header("x-refresh-token", "H3SECRET")
        .json(&json!({
            "accessToken": "B1SECRET", "refreshToken": "B2SECRET", "token": "B3SECRET",
            "apiKey": "B4SECRET", "otp_code": "B5SECRET", "client-secret": "B6SECRET",
            "user": "ada", "ratio": 1.0000001, "big": 1e300
        }))
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(res.ok());
    let form = client
        .post("/echo")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("refresh%5Ftoken=F1SECRET&Pass-Word=F2SECRET&name=ada")
        .send()
        .await
        .unwrap();
    assert!(form.ok());
    // An implicit-flow style callback: the token is in the fragment (the server never sees it).
    let fragment = client
        .get("/echo?page=3#access_token=FRSECRET")
        .send()
        .await
        .unwrap();
    assert!(fragment.ok());
    // Path parameters: a servlet session id in the path.
    let path = client
        .get("/echo;jsessionid=PPSECRET;v=1")
        .send()
        .await
        .unwrap();
    assert_eq!(path.status(), 404);
    let text: String = records
        .borrow()
        .iter()
        .map(|r| format!("{}\n{}\n", r.message, r.details.join("\n")))
        .collect();
    assert!(
        !text.contains("SECRET"),
        "a secret leaked into the log:\n{text}"
    );
    for expected in [
        "page=2",
        "\"user\":\"ada\"",
        "name=ada",
        "\"ratio\":1.0000001",
        "\"big\":1e+300", // as serde_json sent it
        "/echo?page=3#…",
        "/echo;jsessionid=[redacted];v=1",
        "x-api-key: [redacted]",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
