//! The npm package's engine: [`tokenfetch`] built with its `js` face and without std. What it
//! adds is what only a final program may choose: the allocator and the panic handler.
#![no_std]

// The engine's `#[wasm_bindgen]` exports (`Engine`) come with the crate.
pub use tokenfetch;

#[cfg(any(test, target_arch = "wasm32"))]
mod alloc;

/// Size-class free lists (`alloc.rs`): about 0.5 KB gzip smaller than talc, 3.5 KB smaller
/// than the default dlmalloc. A library must not pick the allocator of a Rust app, so the
/// crate leaves it to this build.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOC: alloc::Classes = alloc::Classes::new(|pages| {
    let old = core::arch::wasm32::memory_grow(0, pages);
    (old != usize::MAX).then_some(old)
});

/// A panic is a bug (nothing JavaScript or the network hands over may cause one): trap at
/// once, as std's hook would after formatting a message nobody sees (`panic = "abort"`, no
/// console hook). Without std's hook and its formatting the wasm is 9 KB gzip smaller.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
