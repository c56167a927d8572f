//! A line of waiters served lowest number first: the one primitive behind the auth turnstile
//! (replays dispatched in issue order) and the rate limiter's FIFO queue.
//!
//! A waiter takes a number ([`WaitQueue::issue`]) when it is issued and joins the line with it
//! ([`WaitQueue::join`]) when it has to wait, possibly later: the line is kept sorted by
//! number, so a waiter issued earlier goes first even if it joined later. Only the first
//! [`Place`] may proceed ([`Place::first`]); dropping a place (done, canceled, failed) leaves
//! the line and wakes whoever is first now.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::poll_fn;
use core::task::{Poll, Waker};

/// The line (small: a sorted `Vec` beats a `BTreeMap` in wasm size).
#[derive(Default)]
pub(crate) struct WaitQueue {
    /// Waiting places by number, each with the waker of its last poll.
    waiting: RefCell<Vec<(u64, Option<Waker>)>>,
    /// The next number [`issue`](Self::issue) hands out.
    issued: Cell<u64>,
}

/// A place in a [`WaitQueue`]. Dropping it leaves the line.
pub(crate) struct Place {
    number: u64,
    queue: Rc<WaitQueue>,
}

impl WaitQueue {
    /// A number for a new waiter: higher than every number handed out before.
    pub fn issue(&self) -> u64 {
        let n = self.issued.get();
        self.issued.set(n + 1);
        n
    }

    /// Join the line with `number` (from [`issue`](Self::issue)).
    pub fn join(self: &Rc<Self>, number: u64) -> Place {
        let mut waiting = self.waiting.borrow_mut();
        let at = waiting.partition_point(|(n, _)| *n < number);
        waiting.insert(at, (number, None));
        Place {
            number,
            queue: self.clone(),
        }
    }

    /// How many places are in the line.
    pub fn len(&self) -> usize {
        self.waiting.borrow().len()
    }

    /// Wake the first place, so it checks again whether it may proceed (e.g. a slot freed).
    pub fn wake_first(&self) {
        let waker = self
            .waiting
            .borrow_mut()
            .first_mut()
            .and_then(|(_, w)| w.take());
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Place {
    /// Wait until every place with a lower number has left the line.
    pub async fn first(&self) {
        self.first_and(|| true).await
    }

    /// Wait until this place is first in line and `ready()` holds; whoever makes `ready` true
    /// calls [`WaitQueue::wake_first`].
    pub async fn first_and(&self, ready: impl Fn() -> bool) {
        poll_fn(|cx| {
            let mut waiting = self.queue.waiting.borrow_mut();
            if waiting.first().map(|(n, _)| *n) == Some(self.number) && ready() {
                return Poll::Ready(());
            }
            if let Some(entry) = waiting.iter_mut().find(|(n, _)| *n == self.number) {
                entry.1 = Some(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.queue
            .waiting
            .borrow_mut()
            .retain(|(n, _)| *n != self.number);
        self.queue.wake_first();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::wakes::Count;
    use alloc::sync::Arc;
    use core::future::Future;
    use core::pin::Pin;
    use core::task::Context;

    type Waiting = Pin<Box<dyn Future<Output = ()>>>;

    /// A waiter polled by hand: the tests assert readiness instead of awaiting (a broken queue
    /// fails them, it cannot hang them).
    fn waiter(place: Rc<Place>) -> Waiting {
        Box::pin(async move { place.first().await })
    }

    fn ready(fut: &mut Waiting, wakes: &Arc<Count>) -> bool {
        let waker = Count::waker(wakes);
        fut.as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready()
    }

    #[test]
    fn the_lowest_number_goes_first_whatever_the_join_order() {
        let queue = Rc::new(WaitQueue::default());
        let numbers: Vec<u64> = (0..5).map(|_| queue.issue()).collect();
        assert_eq!(numbers, [0, 1, 2, 3, 4]);
        // Joined out of order, as waiters do when their 401s come back out of order.
        let mut places: Vec<Rc<Place>> = [3, 1, 4, 2, 0]
            .iter()
            .map(|&n| Rc::new(queue.join(n)))
            .collect();
        let wakes: Vec<Arc<Count>> = (0..5).map(|_| Arc::default()).collect();
        let mut futs: Vec<Waiting> = places.iter().cloned().map(waiter).collect();
        let mut order = Vec::new();
        for _ in 0..5 {
            let ready_now: Vec<usize> = (0..futs.len())
                .filter(|&i| ready(&mut futs[i], &wakes[i]))
                .collect();
            assert_eq!(
                ready_now.len(),
                1,
                "exactly one waiter may proceed at a time"
            );
            let i = ready_now[0];
            order.push(places[i].number);
            drop(futs.remove(i));
            let place = Rc::try_unwrap(places.remove(i)).ok().unwrap();
            drop(place);
        }
        assert_eq!(order, [0, 1, 2, 3, 4]);
        assert_eq!(queue.len(), 0);
    }

    #[test]
    fn leaving_the_line_wakes_the_next_waiter() {
        let queue = Rc::new(WaitQueue::default());
        let first = queue.join(queue.issue());
        let second = Rc::new(queue.join(queue.issue()));
        let wakes = Arc::new(Count::default());
        let mut fut = waiter(second.clone());
        assert!(
            !ready(&mut fut, &wakes),
            "the second waits behind the first"
        );
        assert_eq!(wakes.woken(), 0);
        drop(first); // canceled or dispatched
        assert_eq!(wakes.woken(), 1, "the next waiter is woken");
        assert!(ready(&mut fut, &wakes));
    }

    #[test]
    fn first_and_waits_for_the_condition_and_a_wake() {
        let queue = Rc::new(WaitQueue::default());
        let place = Rc::new(queue.join(queue.issue()));
        let open = Rc::new(Cell::new(false));
        let (p, o) = (place.clone(), open.clone());
        let mut fut: Waiting = Box::pin(async move { p.first_and(|| o.get()).await });
        let wakes = Arc::new(Count::default());
        assert!(
            !ready(&mut fut, &wakes),
            "first in line, but the slot is taken"
        );
        open.set(true);
        queue.wake_first();
        assert_eq!(wakes.woken(), 1);
        assert!(ready(&mut fut, &wakes));
    }
}
