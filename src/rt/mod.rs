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
