//! [`Shared`]: one future, awaited by many; each gets a clone of its output.
//!
//! What `futures::future::Shared` does, in the little a single-threaded engine needs (an
//! `Rc`, a list of wakers, no atomics, no slab): the future is polled by whichever waiter is
//! polled, the others are woken when it completes, and a waiter that leaves wakes the others so
//! that one of them drives it on. When the last handle is dropped the future is dropped too (a
//! de-duplicated fetch nobody awaits any more is aborted); [`WeakShared`] does not keep it.

use crate::prelude::*;

use alloc::rc::{Rc, Weak};
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use futures::future::LocalBoxFuture;

enum State<T> {
    /// Not done; `None` only while one waiter is polling it.
    Pending(Option<LocalBoxFuture<'static, T>>),
    Done(T),
}

struct Inner<T> {
    state: RefCell<State<T>>,
    wakers: RefCell<Vec<Waker>>,
}

impl<T> Inner<T> {
    fn wake_all(&self) {
        for waker in self.wakers.take() {
            waker.wake();
        }
    }
}

/// A handle on a shared future; clones await the same one.
pub(crate) struct Shared<T> {
    inner: Rc<Inner<T>>,
}

/// A handle that does not keep the future alive ([`Shared::downgrade`]).
pub(crate) struct WeakShared<T> {
    inner: Weak<Inner<T>>,
}

impl<T: Clone> Shared<T> {
    /// Share `fut`.
    pub fn new(fut: LocalBoxFuture<'static, T>) -> Self {
        Shared {
            inner: Rc::new(Inner {
                state: RefCell::new(State::Pending(Some(fut))),
                wakers: RefCell::default(),
            }),
        }
    }

    /// A weak handle on the same future.
    pub fn downgrade(&self) -> WeakShared<T> {
        WeakShared {
            inner: Rc::downgrade(&self.inner),
        }
    }
}

impl<T> Shared<T> {
    /// End it now with `value` for every waiter: the future is dropped (its fetch aborted, its
    /// timers cleared). Not while it is being polled (a call from inside it): it goes on then.
    #[cfg(any(feature = "js", test))]
    pub fn abort(&self, value: T) {
        let mut state = self.inner.state.borrow_mut();
        if let State::Pending(Some(_)) = &*state {
            let fut = core::mem::replace(&mut *state, State::Done(value));
            drop(state);
            drop(fut);
            self.inner.wake_all();
        }
    }
}

impl<T> WeakShared<T> {
    /// A handle, if some other handle still keeps the future.
    pub fn upgrade(&self) -> Option<Shared<T>> {
        self.inner.upgrade().map(|inner| Shared { inner })
    }

    /// True while some handle keeps the future (without making one: dropping a handle of a
    /// pending future wakes its waiters).
    pub fn is_alive(&self) -> bool {
        self.inner.strong_count() > 0
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Clone> Future for Shared<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let inner = &*self.inner;
        let taken = match &mut *inner.state.borrow_mut() {
            State::Done(value) => return Poll::Ready(value.clone()),
            State::Pending(fut) => fut.take(),
        };
        if let Some(mut fut) = taken {
            match fut.as_mut().poll(cx) {
                Poll::Ready(value) => {
                    *inner.state.borrow_mut() = State::Done(value.clone());
                    inner.wake_all();
                    return Poll::Ready(value);
                }
                Poll::Pending => *inner.state.borrow_mut() = State::Pending(Some(fut)),
            }
        }
        let mut wakers = inner.wakers.borrow_mut();
        if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
            wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl<T> Drop for Shared<T> {
    fn drop(&mut self) {
        // The future may hold this waiter's waker only: let the others poll it on.
        if matches!(*self.inner.state.borrow(), State::Pending(_)) {
            self.inner.wake_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::wakes::Count;
    use alloc::sync::Arc;
    use core::cell::Cell;

    /// A future that is pending until `gate` is set, counting its polls; it keeps only the
    /// waker of its last poll, as real futures do.
    fn gated(gate: Rc<Cell<bool>>, polls: Rc<Cell<u32>>) -> LocalBoxFuture<'static, u32> {
        Box::pin(core::future::poll_fn(move |_| {
            polls.set(polls.get() + 1);
            match gate.get() {
                true => Poll::Ready(7),
                false => Poll::Pending,
            }
        }))
    }

    fn poll(fut: &mut Shared<u32>, count: &Arc<Count>) -> Poll<u32> {
        let waker = Count::waker(count);
        Pin::new(fut).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn every_waiter_gets_the_one_output_and_is_woken() {
        let (gate, polls) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(0)));
        let mut a = Shared::new(gated(gate.clone(), polls.clone()));
        let mut b = a.clone();
        let (wa, wb) = (Arc::default(), Arc::default());
        assert!(poll(&mut a, &wa).is_pending());
        assert!(poll(&mut b, &wb).is_pending());
        gate.set(true);
        assert_eq!(poll(&mut a, &wa), Poll::Ready(7));
        assert_eq!(wb.woken(), 1, "the other waiter is woken when it completes");
        let before = polls.get();
        assert_eq!(poll(&mut b, &wb), Poll::Ready(7));
        assert_eq!(
            polls.get(),
            before,
            "the output is cloned, not computed again"
        );
    }

    #[test]
    fn a_waiter_that_leaves_wakes_the_others_to_drive_it() {
        let (gate, polls) = (Rc::new(Cell::new(false)), Rc::new(Cell::new(0)));
        let mut a = Shared::new(gated(gate.clone(), polls.clone()));
        let mut b = a.clone();
        let (wa, wb) = (Arc::default(), Arc::default());
        assert!(poll(&mut b, &wb).is_pending());
        assert!(poll(&mut a, &wa).is_pending());
        let woken_before = wb.woken();
        drop(a);
        assert!(
            wb.woken() > woken_before,
            "b must be woken, or nobody drives it"
        );
        gate.set(true);
        assert_eq!(poll(&mut b, &wb), Poll::Ready(7));
    }

    /// A future that never finishes, and a flag set when it is dropped.
    fn pending_until_dropped() -> (LocalBoxFuture<'static, u32>, Rc<Cell<bool>>) {
        let dropped = Rc::new(Cell::new(false));
        struct Flag(Rc<Cell<bool>>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.set(true);
            }
        }
        let flag = Flag(dropped.clone());
        let fut: LocalBoxFuture<'static, u32> = Box::pin(async move {
            let _flag = flag;
            core::future::pending::<()>().await;
            0
        });
        (fut, dropped)
    }

    #[test]
    fn the_future_is_dropped_with_the_last_handle() {
        let (fut, dropped) = pending_until_dropped();
        let mut a = Shared::new(fut);
        let weak = a.downgrade();
        assert!(poll(&mut a, &Arc::default()).is_pending());
        let b = weak.upgrade().expect("a keeps it");
        drop(a);
        assert!(!dropped.get());
        drop(b);
        assert!(
            dropped.get(),
            "nobody waits: the future (a fetch) is dropped"
        );
        assert!(weak.upgrade().is_none());
    }

    #[test]
    fn abort_drops_the_future_and_every_waiter_gets_the_value() {
        let (fut, dropped) = pending_until_dropped();
        let mut a = Shared::new(fut);
        let mut b = a.clone();
        let (wa, wb) = (Arc::default(), Arc::default());
        assert!(poll(&mut a, &wa).is_pending());
        assert!(poll(&mut b, &wb).is_pending());
        a.abort(9);
        assert!(
            dropped.get(),
            "the future (a fetch, a timer) is dropped at once"
        );
        assert_eq!(wb.woken(), 1, "the waiters are woken");
        assert_eq!(poll(&mut a, &wa), Poll::Ready(9));
        assert_eq!(poll(&mut b, &wb), Poll::Ready(9));
        b.abort(1);
        assert_eq!(poll(&mut b, &wb), Poll::Ready(9), "done stays done");
    }

    #[test]
    fn abort_from_inside_the_future_lets_it_go_on() {
        let slot: Rc<RefCell<Option<Shared<u32>>>> = Rc::default();
        let inside = slot.clone();
        let fut: LocalBoxFuture<'static, u32> = Box::pin(core::future::poll_fn(move |_| {
            if let Some(shared) = &*inside.borrow() {
                shared.abort(9);
            }
            Poll::Ready(7)
        }));
        let mut a = Shared::new(fut);
        *slot.borrow_mut() = Some(a.clone());
        assert_eq!(poll(&mut a, &Arc::default()), Poll::Ready(7));
        slot.borrow_mut().take();
    }
}
