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
    /// The wakers of the [`Canceled`] futures waiting now on it and on its children, one each:
    /// a future takes its own out when it is dropped. A handle can live long (the auth
    /// session's lives until logout, the npm engine's as long as its client) and be raced by
    /// every request: the wakers of races long over used to stay, one per request.
    wakers: RefCell<Vec<Waker>>,
    /// Canceled with it (see [`CancelHandle::child`]); its wakers wait in the parent's line.
    parent: Option<CancelHandle>,
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
            // A child wakes its parent's whole line (the others find themselves not canceled
            // and wait on); each waker stays until its future is dropped.
            for waker in self.line().borrow().iter() {
                waker.wake_by_ref();
            }
        }
    }

    /// True once [`cancel`](Self::cancel) was called (on it or its parent).
    pub fn is_canceled(&self) -> bool {
        self.inner.canceled.get() || self.inner.parent.as_ref().is_some_and(Self::is_canceled)
    }

    /// A handle of its own that is also canceled when this one is (one level: not a child's
    /// child).
    #[cfg(any(feature = "js", test))]
    pub(crate) fn child(&self) -> CancelHandle {
        CancelHandle {
            inner: Rc::new(Inner {
                parent: Some(self.clone()),
                ..Inner::default()
            }),
        }
    }

    /// Where the wakers of its [`Canceled`] futures wait: its own line, or its parent's.
    fn line(&self) -> &RefCell<Vec<Waker>> {
        match &self.inner.parent {
            Some(parent) => &parent.inner.wakers,
            None => &self.inner.wakers,
        }
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
            handle: self.clone(),
            waker: None,
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
    handle: CancelHandle,
    /// The waker it left in the handle's line, if any.
    waker: Option<Waker>,
}

impl Canceled {
    /// Take its waker back from the line.
    fn leave(&mut self) {
        // Not while `cancel` wakes the line (a waker that drops its task, dropping this): the
        // handle is canceled then, and its line wakes nobody again.
        if let (Some(own), Ok(mut wakers)) =
            (self.waker.take(), self.handle.line().try_borrow_mut())
        {
            if let Some(at) = wakers.iter().position(|w| w.will_wake(&own)) {
                wakers.swap_remove(at);
            }
        }
    }
}

impl Future for Canceled {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.handle.is_canceled() {
            return Poll::Ready(());
        }
        if !this.waker.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
            // Not registered yet, or polled by another task now (a shared future).
            this.leave();
            this.handle.line().borrow_mut().push(cx.waker().clone());
            this.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for Canceled {
    /// The race it was in is over (or was dropped): nothing to wake any more.
    fn drop(&mut self) {
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::wakes::Count;
    use alloc::sync::Arc;
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

    /// The auth session's handle is raced by every request until logout: a race that is over
    /// must leave nothing behind (it kept one waker per request, ~57 bytes, for good).
    #[test]
    fn a_race_that_is_over_leaves_no_waker_behind() {
        let handle = CancelHandle::new();
        for _ in 0..1000 {
            // Each request is a task of its own, with its own waker.
            let waker = Count::waker(&Arc::default());
            let mut race = Box::pin(handle.race(core::future::pending::<Result<()>>()));
            assert!(race
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending());
        }
        assert_eq!(handle.inner.wakers.borrow().len(), 0);
        let wakes = Arc::new(Count::default());
        let waker = Count::waker(&wakes);
        let mut cx = Context::from_waker(&waker);
        // Two waiting in one task (same waker): one leaving does not unregister the other.
        let mut kept = handle.canceled();
        let mut left = handle.canceled();
        assert!(Pin::new(&mut kept).poll(&mut cx).is_pending());
        assert!(Pin::new(&mut left).poll(&mut cx).is_pending());
        assert!(Pin::new(&mut kept).poll(&mut cx).is_pending());
        assert_eq!(handle.inner.wakers.borrow().len(), 2);
        drop(left);
        assert_eq!(handle.inner.wakers.borrow().len(), 1);
        handle.cancel();
        assert_eq!(wakes.woken(), 1, "the one still waiting is woken");
        assert!(Pin::new(&mut kept).poll(&mut cx).is_ready());
    }

    /// The npm engine's requests: each has a handle of its own (its `AbortSignal`), a child of
    /// the engine's (closed with the client).
    #[test]
    fn a_child_is_canceled_with_its_parent_not_with_its_siblings() {
        let parent = CancelHandle::new();
        let (a, b) = (parent.child(), parent.child());
        let (wa, wb) = (Arc::new(Count::default()), Arc::new(Count::default()));
        let (waker_a, waker_b) = (Count::waker(&wa), Count::waker(&wb));
        let mut fa = a.canceled();
        let mut fb = b.canceled();
        assert!(Pin::new(&mut fa)
            .poll(&mut Context::from_waker(&waker_a))
            .is_pending());
        assert!(Pin::new(&mut fb)
            .poll(&mut Context::from_waker(&waker_b))
            .is_pending());
        a.cancel();
        assert!(a.is_canceled() && !b.is_canceled() && !parent.is_canceled());
        assert!(wa.woken() >= 1);
        assert!(Pin::new(&mut fa)
            .poll(&mut Context::from_waker(&waker_a))
            .is_ready());
        assert!(Pin::new(&mut fb)
            .poll(&mut Context::from_waker(&waker_b))
            .is_pending());
        drop(fa);
        parent.cancel();
        assert!(b.is_canceled());
        assert!(
            wb.woken() >= 1,
            "the parent's cancel wakes the child's waiter"
        );
        assert!(Pin::new(&mut fb)
            .poll(&mut Context::from_waker(&waker_b))
            .is_ready());
        drop(fb);
        assert_eq!(parent.inner.wakers.borrow().len(), 0, "nothing left behind");
    }
}
