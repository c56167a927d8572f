//! The runtime edge: cancellation, the clock and timers, background tasks, the FIFO wait
//! queue, promises as futures and futures as tasks (`promise`) and the other tabs (Web Locks,
//! BroadcastChannel). The only code (besides the
//! transport and the stores) that touches the platform.

pub(crate) mod cancel;
#[cfg(target_arch = "wasm32")]
pub(crate) mod fetch;
#[cfg(target_arch = "wasm32")]
pub(crate) mod promise;
pub(crate) mod queue;
pub(crate) mod race;
pub(crate) mod shared;
pub(crate) mod tabs;
pub(crate) mod task;
pub mod time;
#[cfg(test)]
pub(crate) mod wakes;

/// Say `message` on the console once (per page and `said` flag): for a misconfiguration the
/// library works around, such as a refresh token the HttpOnly cookie mode will not store.
/// Natively there is no console: nothing is said.
pub(crate) fn warn_once(said: &core::sync::atomic::AtomicBool, message: &str) {
    if said.swap(true, core::sync::atomic::Ordering::Relaxed) {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&wasm_bindgen::JsValue::from_str(message));
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}
