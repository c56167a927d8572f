//! Benchmark (not a test): how long the engine takes to read a refresh answer with 4,000 and
//! 40,000 keys, and to log a POST whose JSON body has that many keys. Natively, through the
//! public API, with a scripted transport:
//!
//! ```sh
//! cargo run --release --example json_keys
//! ```
use std::time::Instant;

use futures::executor::block_on;
use futures::future::LocalBoxFuture;
use tokenfetch::auth::RefreshEndpoint;
use tokenfetch::log::Logger;
use tokenfetch::{AuthConfig, Client, HeaderMap, Request, Response, Result, StatusCode, Tokens};

/// Answers every request with `body` (JSON).
struct Answer(String);

impl tokenfetch::Transport for Answer {
    fn send(&self, _req: Request) -> LocalBoxFuture<'_, Result<Response>> {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json").unwrap();
        let res = Response::new(StatusCode::new(200), headers, self.0.clone().into_bytes());
        Box::pin(async move { Ok(res) })
    }
}

fn many_keys(n: usize) -> String {
    let mut body = String::from("{");
    for i in 0..n {
        body.push_str(&format!("\"k{i:07}\":1,"));
    }
    body.push_str("\"access_token\":\"a.b.c\",\"refresh_token\":\"r\"}");
    body
}

fn main() {
    for n in [4_000, 40_000] {
        measure(n);
    }
}

fn measure(n: usize) {
    let body = many_keys(n);
    println!("{n} keys ({} bytes):", body.len());

    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .transport(Answer(body.clone()))
        .auth(AuthConfig::new().refresh_endpoint(RefreshEndpoint::new("/auth/refresh")))
        .build()
        .unwrap();
    let auth = client.auth().unwrap();
    auth.set_tokens(Tokens::new("old", Some("r0".into())))
        .unwrap();
    let t = Instant::now();
    let outcome = block_on(auth.refresh());
    println!(
        "  refresh answer read in {:?} ({})",
        t.elapsed(),
        if outcome.is_ok() {
            "accepted"
        } else {
            "refused"
        }
    );

    let logged = Client::builder()
        .base_url("http://127.0.0.1:1")
        .transport(Answer("{}".into()))
        .log(Logger::new().sink(|_| {}))
        .build()
        .unwrap();
    let t = Instant::now();
    let req = logged
        .post("/items")
        .header("content-type", "application/json")
        .body(body)
        .send();
    block_on(req).unwrap();
    println!("  POST with this JSON body logged in {:?}", t.elapsed());
}
