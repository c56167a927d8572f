//! Spawning background work (the token refresh), so that it finishes even if the request that
//! started it is canceled.

use core::future::Future;

/// Run `fut` to completion in the background (browser/Node microtask queue).
#[cfg(target_arch = "wasm32")]
pub(crate) fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    super::promise::spawn_local(fut);
}

/// Natively there is no ambient executor: the future is dropped, and whoever awaits the shared
/// result drives it instead (enough for the native unit tests).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn spawn_local(fut: impl Future<Output = ()> + 'static) {
    drop(fut);
}
