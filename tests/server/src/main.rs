//! Test and demo HTTP server for the tokenfetch browser HTTP client.
//!
//! Listens on 127.0.0.1 only: a main port (`TOKENFETCH_PORT`, default 8787)
//! and a "foreign origin" port (`TOKENFETCH_FOREIGN_PORT`, default 8788)
//! serving the same routes. Static files come from `TOKENFETCH_ROOT`.

mod app;
mod config;
mod cors;
mod error;
mod input;
mod record;
mod routes;
mod state;
mod stats;
mod tokens;

use std::future::IntoFuture;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::state::Shared;

/// How long in-flight requests may finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(1);

/// A port from the environment variable `name`, or `default`.
fn port_from_env(name: &str, default: u16) -> Result<u16, String> {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a port")),
        Err(_) => Ok(default),
    }
}

/// Binds 127.0.0.1:`port`.
async fn bind(port: u16) -> Result<TcpListener, String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))
}

/// Resolves when SIGTERM or ctrl-c arrives.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Binds both listeners, serves until a signal, then drains briefly.
async fn run() -> Result<(), String> {
    let port = port_from_env("TOKENFETCH_PORT", 8787)?;
    let foreign_port = port_from_env("TOKENFETCH_FOREIGN_PORT", 8788)?;
    let root = std::env::var_os("TOKENFETCH_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")));
    let main_listener = bind(port).await?;
    let foreign_listener = bind(foreign_port).await?;
    let local_port = |l: &TcpListener| l.local_addr().map(|a| a.port()).unwrap_or(0);
    let (port, foreign_port) = (local_port(&main_listener), local_port(&foreign_listener));
    let shared = Arc::new(Shared::new(root, port, foreign_port));

    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let main_server = axum::serve(main_listener, app::app(shared.clone(), false))
        .with_graceful_shutdown(stopped(stop_rx.clone()));
    let foreign_server = axum::serve(foreign_listener, app::app(shared, true))
        .with_graceful_shutdown(stopped(stop_rx.clone()));
    println!(
        "tokenfetch test server listening on http://127.0.0.1:{port} (foreign: http://127.0.0.1:{foreign_port})"
    );

    let servers = async { tokio::join!(main_server.into_future(), foreign_server.into_future()) };
    let signal_then_drain = async {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        (a, b) = servers => a.and(b).map_err(|e| format!("server error: {e}")),
        () = signal_then_drain => Ok(()),
    }
}

#[tokio::main]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("tokenfetch-test-server: {message}");
        std::process::exit(1);
    }
}
