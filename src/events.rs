//! The lifecycle of every request, for observers (logging, timelines, metrics).
//!
//! Register with [`ClientBuilder::on_event`](crate::ClientBuilder::on_event). Events are
//! delivered synchronously, in order, on the thread that caused them.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use crate::error::Error;
use crate::http::headers::HeaderMap;
use crate::http::status::StatusCode;
use crate::request::Request;

/// Why a retry was scheduled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryReason {
    /// The response had a retryable status.
    Status(StatusCode),
    /// `fetch` failed (network error).
    Network,
    /// The attempt timed out (only with `retry_on_timeout`).
    Timeout,
}

/// One step in the life of a request. `id` is unique per logical request (per `send()`);
/// `attempt` counts from 1 and grows with retries.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Event {
    /// An attempt was handed to the transport.
    Sent {
        /// The request id.
        id: u64,
        /// 1 for the first attempt.
        attempt: u32,
        /// True for the replay after a token refresh.
        replay: bool,
        /// The request as sent (its `Debug` redacts secrets).
        request: Request,
    },
    /// An attempt got a response (any status).
    Response {
        /// The request id.
        id: u64,
        /// The attempt.
        attempt: u32,
        /// The status.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// Time from `Sent` to the headers.
        elapsed: Duration,
    },
    /// An attempt failed without a response (network, timeout, canceled).
    AttemptFailed {
        /// The request id.
        id: u64,
        /// The attempt.
        attempt: u32,
        /// What went wrong.
        error: Error,
        /// Time from `Sent` to the failure.
        elapsed: Duration,
    },
    /// A retry will be sent after `delay`.
    RetryScheduled {
        /// The request id.
        id: u64,
        /// The attempt that will be sent.
        attempt: u32,
        /// How long until then.
        delay: Duration,
        /// Why.
        reason: RetryReason,
    },
    /// The request waits for a token refresh before it is sent (or replayed).
    WaitingForRefresh {
        /// The request id.
        id: u64,
    },
    /// A token refresh started.
    RefreshStarted,
    /// A token refresh succeeded; `generation` counts successful refreshes.
    Refreshed {
        /// Successful refreshes so far.
        generation: u64,
    },
    /// Another tab refreshed while this one waited for the cross-tab lock: its tokens are used,
    /// and this tab sent no refresh.
    RefreshedElsewhere {
        /// Successful refreshes so far.
        generation: u64,
    },
    /// A token refresh failed; `session_expired` tells whether the tokens were cleared.
    RefreshFailed {
        /// Why.
        error: Error,
        /// True if the session ended (store cleared).
        session_expired: bool,
    },
    /// The request is sent again with the new token.
    Replayed {
        /// The request id.
        id: u64,
    },
    /// The request finished: `Ok(status)` or the error the caller gets.
    Finished {
        /// The request id.
        id: u64,
        /// The final outcome.
        outcome: Result<StatusCode, Error>,
        /// Time since `send()`.
        elapsed: Duration,
    },
}

/// A listener for [`Event`]s.
pub type Listener = Rc<dyn Fn(&Event)>;

/// The listeners of one client.
#[derive(Clone, Default)]
pub(crate) struct Events {
    listeners: Rc<Vec<(Listener, Option<Gate>)>>,
}

/// Opens and closes a listener: while closed it is not called and, if no other listener is
/// open, no event is even built (the npm package closes its bridge while JS has no listener).
pub(crate) type Gate = Rc<core::cell::Cell<bool>>;

impl Events {
    pub fn new(listeners: Vec<(Listener, Option<Gate>)>) -> Self {
        Events {
            listeners: Rc::new(listeners),
        }
    }

    fn open(gate: &Option<Gate>) -> bool {
        gate.as_ref().is_none_or(|g| g.get())
    }

    /// True if no listener would be called.
    pub fn is_empty(&self) -> bool {
        !self.listeners.iter().any(|(_, gate)| Self::open(gate))
    }

    /// Deliver an event built only if someone listens.
    pub fn emit(&self, event: impl FnOnce() -> Event) {
        if !self.is_empty() {
            self.deliver(&event());
        }
    }

    /// The loop over the listeners, once in the binary rather than at every `emit` site.
    #[inline(never)]
    fn deliver(&self, event: &Event) {
        for (listener, gate) in self.listeners.iter() {
            if Self::open(gate) {
                listener(event);
            }
        }
    }
}

/// The id of a logical request (set by the client on `send`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RequestId(pub u64);

/// Which attempt this is (set by the retry middleware; 1 when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Attempt(pub u32);

/// Marks the replay after a token refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Replay;

pub(crate) fn ids(req: &Request) -> (u64, u32) {
    let id = req.extensions().get::<RequestId>().map_or(0, |r| r.0);
    let attempt = req.extensions().get::<Attempt>().map_or(1, |a| a.0);
    (id, attempt)
}
