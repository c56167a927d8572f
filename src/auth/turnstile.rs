//! Release waiting requests one at a time, in the order they were issued.
//!
//! When a refresh completes, every request that waited for it becomes ready at once, and the
//! order in which an executor (or a `join_all`) polls them is not the order they were issued.
//! Each waiter holds a [`Ticket`] numbered at issue time; only the lowest-numbered ticket may
//! dispatch, and it hands over to the next as soon as its request has been handed to the
//! transport. Dropping a ticket (canceled or failed request) hands over too.

use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

#[derive(Default)]
pub(crate) struct Turnstile {
    /// Waiting tickets, sorted by issue number (small: a Vec beats a BTreeMap in wasm size).
    queue: RefCell<Vec<(u64, Option<Waker>)>>,
}

/// A place in the queue. Dropping it leaves the queue.
pub(crate) struct Ticket {
    seq: u64,
    turnstile: Rc<Turnstile>,
}

impl Turnstile {
    /// Join the queue with issue number `seq`.
    pub fn enter(self: &Rc<Self>, seq: u64) -> Ticket {
        let mut queue = self.queue.borrow_mut();
        let at = queue.partition_point(|(s, _)| *s < seq);
        queue.insert(at, (seq, None));
        drop(queue);
        Ticket {
            seq,
            turnstile: self.clone(),
        }
    }

    fn wake_head(&self) {
        let waker = self.queue.borrow_mut().first_mut().and_then(|e| e.1.take());
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Ticket {
    /// Wait until every earlier ticket has dispatched or left.
    pub async fn my_turn(&self) {
        poll_fn(|cx| {
            let mut queue = self.turnstile.queue.borrow_mut();
            if queue.first().map(|e| e.0) == Some(self.seq) {
                Poll::Ready(())
            } else {
                if let Some(entry) = queue.iter_mut().find(|e| e.0 == self.seq) {
                    entry.1 = Some(cx.waker().clone());
                }
                Poll::Pending
            }
        })
        .await
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.turnstile
            .queue
            .borrow_mut()
            .retain(|e| e.0 != self.seq);
        self.turnstile.wake_head();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::join_all;

    #[test]
    fn releases_in_ticket_order_whatever_the_poll_order() {
        let t = Rc::new(Turnstile::default());
        let order = Rc::new(RefCell::new(Vec::new()));
        let tickets: Vec<Ticket> = [3, 1, 4, 2, 0].iter().map(|&s| t.enter(s)).collect();
        let futs = tickets.into_iter().map(|ticket| {
            let order = order.clone();
            async move {
                ticket.my_turn().await;
                order.borrow_mut().push(ticket.seq);
                drop(ticket);
            }
        });
        block_on(join_all(futs));
        assert_eq!(*order.borrow(), [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_dropped_ticket_lets_the_next_one_go() {
        let t = Rc::new(Turnstile::default());
        let first = t.enter(1);
        let second = t.enter(2);
        drop(first);
        block_on(second.my_turn());
    }
}
