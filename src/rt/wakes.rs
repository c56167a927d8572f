//! For the unit tests of the runtime primitives: a waker that counts its wakes, so a test can
//! poll by hand and assert who was woken (a broken primitive then fails, it cannot hang).

use alloc::sync::Arc;
use alloc::task::Wake;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::Waker;

/// Counts how often it was woken.
#[derive(Default)]
pub(crate) struct Count(AtomicUsize);

impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Count {
    /// A waker that counts into `count`.
    pub fn waker(count: &Arc<Count>) -> Waker {
        Waker::from(count.clone())
    }

    /// How often it was woken so far.
    pub fn woken(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
