//! A cancel handle: cancel one request, or many, from anywhere.
//!
//! Cancelling works in every phase, because the client races the whole middleware chain
//! against the handle: while waiting for a token refresh, during a retry backoff, inside
//! `fetch` (the dropped future aborts its `AbortController`) and while reading the body.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::error::{Error, Kind, Result};

#[derive(Default)]
struct Inner {
    canceled: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

/// Cancels the requests it is attached to (see
/// [`RequestBuilder::cancel_handle`](crate::RequestBuilder::cancel_handle)). Cheap to clone;
/// clones share the same state. Once canceled it stays canceled.
#[derive(Clone, Default)]
pub struct CancelHandle {
    inner: Rc<Inner>,
}

impl CancelHandle {
    /// A handle that is not canceled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancel every request using this handle; they fail with [`Kind::Canceled`](crate::Kind::Canceled).
    pub fn cancel(&self) {
        if !self.inner.canceled.replace(true) {
            for waker in self.inner.wakers.take() {
                waker.wake();
            }
        }
    }

    /// True once [`cancel`](Self::cancel) was called.
    pub fn is_canceled(&self) -> bool {
        self.inner.canceled.get()
    }

    /// Run `fut` unless this handle is canceled first (then `Kind::Canceled`, and `fut` is
    /// dropped, which aborts any `fetch` inside it).
    pub(crate) async fn race<T>(&self, fut: impl Future<Output = Result<T>>) -> Result<T> {
        if self.is_canceled() {
            return Err(Error::from_kind(Kind::Canceled));
        }
        let canceled = async {
            self.canceled().await;
            Err(Error::from_kind(Kind::Canceled))
        };
        crate::rt::race::first(fut, canceled).await
    }

    /// A future that completes when the handle is canceled.
    pub fn canceled(&self) -> Canceled {
        Canceled {
            inner: self.inner.clone(),
        }
    }
}

impl core::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CancelHandle")
            .field("canceled", &self.is_canceled())
            .finish()
    }
}

/// Completes when its [`CancelHandle`] is canceled.
#[must_use = "futures do nothing unless polled"]
pub struct Canceled {
    inner: Rc<Inner>,
}

impl Future for Canceled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.inner.canceled.get() {
            return Poll::Ready(());
        }
        let mut wakers = self.inner.wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    #[test]
    fn canceled_future_completes_after_cancel() {
        let handle = CancelHandle::new();
        let mut fut = handle.canceled();
        assert!((&mut fut).now_or_never().is_none());
        handle.clone().cancel();
        assert!(fut.now_or_never().is_some());
        assert!(handle.is_canceled());
    }
}
