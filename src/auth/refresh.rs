//! [`Auth`]: a client's token session, and the single-flight refresh at its heart.
//!
//! All the auth state of one client is here: its configuration, the one refresh in flight (a
//! spawned, shared future every waiter awaits), the generation and epoch counters, the
//! session's cancel handle and the line that keeps waiters in issue order. The middleware that
//! uses it is `middleware.rs`; the request a refresh sends is `endpoint.rs`.
//!
//! The rules:
//! - at most one refresh at a time: [`Auth::join_or_start_refresh`] joins the one in flight;
//! - it is spawned, so it completes (and stores rotated tokens) even if every request that
//!   awaited it was canceled;
//! - a logout or `set_tokens` starts a new epoch: a refresh from an older epoch stores nothing;
//! - a transient failure (5xx, 408, 429, network error, timeout) keeps the tokens and rejects the
//!   waiters with that error; a refusal (another 4xx such as `invalid_grant`), no refresh token or
//!   a garbage answer ends the session: store cleared, waiters rejected with
//!   [`Kind::SessionExpired`], callback once.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use futures::future::LocalBoxFuture;

use super::answer::{classify, RefreshFailure};
use super::config::{AuthConfig, RefreshMethod};
use super::endpoint::exchange;
use super::tabs::SessionChange;
use super::tokens::Tokens;
use crate::error::{Error, Kind, Result};
use crate::events::{Event, Events};
use crate::rt::cancel::CancelHandle;
use crate::rt::queue::WaitQueue;
use crate::rt::race::first;
use crate::rt::shared::Shared;
use crate::rt::tabs::Tabs;
use crate::transport::Transport;

/// The refresh in flight, awaited by every request that needs it (`Error` is cheap to clone).
pub(crate) type RefreshInFlight = Shared<Result<()>>;

/// The client's token session (from [`Client::auth`](crate::Client::auth)): store and read
/// tokens, log out, refresh. Cheap to clone; clones share the session.
#[derive(Clone)]
pub struct Auth {
    state: Rc<State>,
}

struct State {
    config: AuthConfig,
    /// Sends the refresh request: the client's transport, outside the middleware chain, so a
    /// refresh is never retried, de-duplicated or refreshed itself.
    transport: Rc<dyn Transport>,
    events: Events,
    /// The refresh in flight, if any.
    in_flight: RefCell<Option<RefreshInFlight>>,
    /// Successful refreshes so far ([`Auth::generation`], [`Event::Refreshed`]).
    generation: Cell<u64>,
    /// Bumped by logout and `set_tokens`: a refresh started in an older epoch stores nothing
    /// when it completes, so it cannot resurrect a logged-out session or overwrite a login.
    epoch: Cell<u64>,
    /// The access token the last refresh returned, if it arrived already inside the margin
    /// (its whole lifetime shorter than the skew): it is not refreshed pre-emptively again
    /// until it has really expired, so such a server TTL cannot cause a refresh per request.
    /// A token with a longer lifetime is refreshed early like any other.
    fresh: RefCell<Option<String>>,
    /// The last access token whose JWT `exp` was read, with that `exp`: a token is parsed once,
    /// not on every request.
    exp_of: RefCell<Option<(String, Option<f64>)>>,
    /// Canceled by logout: every request of the session races it.
    cancel: RefCell<CancelHandle>,
    /// Requests that wait for a refresh dispatch in issue order through this line.
    line: Rc<WaitQueue>,
    /// The other tabs sharing the store, if it is shared and cross-tab coordination is on.
    tabs: Option<Tabs>,
    /// "Refreshed" notices heard from other tabs (see `locked_refresh`).
    notices: Cell<u64>,
}

impl Auth {
    /// The session for a validated `config` (see [`AuthConfig::resolve`]).
    pub(crate) fn new(config: AuthConfig, transport: Rc<dyn Transport>, events: Events) -> Auth {
        let shared = config
            .cross_tab
            .then(|| config.store.shared_name())
            .flatten();
        let state = Rc::new_cyclic(|weak: &alloc::rc::Weak<State>| {
            let tabs = shared.map(|name| {
                let weak = weak.clone();
                Tabs::new(&name, move |message| {
                    let change = SessionChange::parse(&message);
                    if let (Some(change), Some(state)) = (change, weak.upgrade()) {
                        Auth { state }.heard(change);
                    }
                })
            });
            State {
                config,
                transport,
                events,
                in_flight: RefCell::new(None),
                generation: Cell::new(0),
                epoch: Cell::new(0),
                fresh: RefCell::new(None),
                exp_of: RefCell::new(None),
                cancel: RefCell::new(CancelHandle::new()),
                line: Rc::default(),
                tabs,
                notices: Cell::new(0),
            }
        });
        Auth { state }
    }

    /// Store tokens (after a login). Malformed tokens are refused. With a shared store the
    /// other tabs hear of it ([`SessionChange::LoggedIn`]).
    /// In the HttpOnly cookie mode a refresh token given here is ignored (see
    /// [`RefreshEndpoint::with_credentials`](super::RefreshEndpoint::with_credentials)).
    pub fn set_tokens(&self, mut tokens: Tokens) -> Result<()> {
        self.keep_out_refresh_token(&mut tokens);
        tokens.validate()?;
        self.new_epoch();
        self.state.config.store.set(&tokens)?;
        self.tell(SessionChange::LoggedIn);
        Ok(())
    }

    /// The stored tokens.
    pub fn tokens(&self) -> Result<Option<Tokens>> {
        self.state.config.store.get()
    }

    /// Remove the tokens (requests in flight keep going).
    pub fn clear(&self) -> Result<()> {
        self.state.config.store.clear()
    }

    /// End the session: clear the tokens, cancel every request in flight or waiting
    /// ([`Kind::Canceled`]), and ignore the result of a refresh still running.
    ///
    /// With [`AuthConfig::revoke_url`] the refresh token is revoked at the authorization server
    /// (RFC 7009), in the background.
    pub fn logout(&self) -> Result<()> {
        self.new_epoch();
        let old = self.state.cancel.replace(CancelHandle::new());
        old.cancel();
        self.revoke();
        let cleared = self.state.config.store.clear();
        self.tell(SessionChange::LoggedOut);
        cleared
    }

    /// The client is closed (the npm package's `api.close()`, which also cancels its requests):
    /// a refresh in flight stops at once (its waiters get [`Kind::Canceled`], nothing is
    /// stored) and the other tabs are no longer heard. The tokens stay in the store (another
    /// client or tab may use them).
    #[cfg(feature = "js")]
    pub(crate) fn close(&self) {
        let in_flight = self.state.in_flight.borrow_mut().take();
        if let Some(refresh) = in_flight {
            refresh.abort(Err(Error::from_kind(Kind::Canceled)));
        }
        if let Some(tabs) = &self.state.tabs {
            tabs.close();
        }
    }

    /// Refresh now (joins a refresh already in flight).
    pub async fn refresh(&self) -> Result<()> {
        self.join_or_start_refresh().await
    }

    /// True while a refresh is in flight.
    pub fn is_refreshing(&self) -> bool {
        self.state.in_flight.borrow().is_some()
    }

    /// How many refreshes have succeeded.
    pub fn generation(&self) -> u64 {
        self.state.generation.get()
    }

    pub(crate) fn config(&self) -> &AuthConfig {
        &self.state.config
    }

    /// The line that keeps waiting requests in issue order.
    pub(crate) fn line(&self) -> &Rc<WaitQueue> {
        &self.state.line
    }

    /// The cancel handle of the current session (canceled by logout).
    pub(crate) fn cancel_handle(&self) -> CancelHandle {
        self.state.cancel.borrow().clone()
    }

    /// The refresh in flight, if any.
    pub(crate) fn in_flight(&self) -> Option<RefreshInFlight> {
        self.state.in_flight.borrow().clone()
    }

    fn new_epoch(&self) {
        let state = &self.state;
        state.epoch.set(state.epoch.get() + 1);
        state.in_flight.borrow_mut().take();
    }

    /// True in the server-managed HttpOnly refresh-cookie mode.
    fn cookie_mode(&self) -> bool {
        matches!(&self.state.config.refresh, Some(RefreshMethod::Endpoint(e)) if e.cookie)
    }

    /// The HttpOnly cookie mode keeps the refresh token out of reach of scripts: one handed over
    /// anyway (by `set_tokens`, or in a refresh answer from a server in transition or a plain
    /// OAuth server) is dropped before anything is stored, and the console says so once.
    fn keep_out_refresh_token(&self, tokens: &mut Tokens) {
        static SAID: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
        if self.cookie_mode() && tokens.refresh_token.take().is_some() {
            crate::rt::warn_once(
                &SAID,
                "tokenfetch: a refresh token was handed to the HttpOnly cookie mode (withCredentials), which never stores one; it was ignored",
            );
        }
    }

    /// True if `tokens` should be refreshed before sending: no access token, or one that
    /// expires within the skew — by the server's `expires_in` or its JWT `exp`, whichever comes
    /// first — unless it is one a refresh just returned already inside the margin and it has not
    /// expired yet.
    pub(crate) fn needs_preemptive(&self, tokens: &Tokens) -> bool {
        let config = &self.state.config;
        let cookie_mode = self.cookie_mode();
        if config.refresh.is_none() || (tokens.refresh_token.is_none() && !cookie_mode) {
            return false;
        }
        let Some(access) = &tokens.access_token else {
            return true;
        };
        let Some(skew) = config.skew else {
            return false;
        };
        // `Tokens::expires_at`, with the JWT's `exp` read once per token.
        let Some(exp) = super::tokens::earliest(tokens.expires_at, self.expires_at(access)) else {
            return false;
        };
        let now = crate::rt::time::now_ms() / 1000.0;
        if exp - skew.as_secs_f64() > now {
            return false;
        }
        let fresh = self.state.fresh.borrow().as_deref() == Some(access.as_str());
        !fresh || exp <= now
    }

    /// The JWT `exp` of `access`, read once per token.
    fn expires_at(&self, access: &str) -> Option<f64> {
        let mut cached = self.state.exp_of.borrow_mut();
        match &*cached {
            Some((token, exp)) if token == access => *exp,
            _ => {
                let exp = super::jwt::expires_at(access);
                *cached = Some((access.to_string(), exp));
                exp
            }
        }
    }

    /// Join the refresh in flight, or start one.
    pub(crate) fn join_or_start_refresh(&self) -> RefreshInFlight {
        if let Some(in_flight) = self.in_flight() {
            return in_flight;
        }
        let this = self.clone();
        let fut: LocalBoxFuture<'static, Result<()>> = Box::pin(async move { this.run().await });
        let shared = Shared::new(fut);
        *self.state.in_flight.borrow_mut() = Some(shared.clone());
        self.state.events.emit(|| Event::RefreshStarted);
        // Spawned, so canceling the request that started it cancels nothing for the others.
        let driver = shared.clone();
        crate::rt::task::spawn_local(async move {
            let _ = driver.await;
        });
        shared
    }

    /// One refresh, from the stored refresh token to the stored new tokens (or the end of the
    /// session).
    async fn run(self) -> Result<()> {
        let state = &self.state;
        let epoch = state.epoch.get();
        let before = self.tokens().ok().flatten();
        let timeout = crate::rt::time::sleep(state.config.refresh_timeout);
        let work = self.locked_refresh(epoch, before);
        // A refresh that takes too long says nothing about the refresh token: transient.
        let timeout = async {
            timeout.await;
            Err(RefreshFailure::Transient(Error::new(
                Kind::Timeout,
                "the token refresh timed out",
            )))
        };
        let result = first(work, timeout).await;
        if state.epoch.get() != epoch {
            // Logged out or new tokens set meanwhile: store nothing, let waiters re-read.
            return Ok(());
        }
        state.in_flight.borrow_mut().take();
        match result {
            Ok(elsewhere) => {
                let generation = state.generation.get() + 1;
                state.generation.set(generation);
                if elsewhere {
                    state
                        .events
                        .emit(|| Event::RefreshedElsewhere { generation });
                } else {
                    state.events.emit(|| Event::Refreshed { generation });
                }
                Ok(())
            }
            Err(RefreshFailure::Transient(error)) => {
                state.events.emit(|| Event::RefreshFailed {
                    error: error.clone(),
                    session_expired: false,
                });
                Err(error)
            }
            Err(RefreshFailure::SessionOver(cause)) => {
                let _ = state.config.store.clear();
                self.tell(SessionChange::Expired);
                let error = Error::new(Kind::SessionExpired, "").with_source(cause);
                state.events.emit(|| Event::RefreshFailed {
                    error: error.clone(),
                    session_expired: true,
                });
                if let Some(callback) = &state.config.on_session_expired {
                    callback(&error);
                }
                Err(error)
            }
        }
    }

    /// The refresh under the cross-tab lock (if the store is shared): if another tab refreshed
    /// while this one waited for the lock, its tokens are in the store — take them (`Ok(true)`);
    /// else exchange and store the new tokens before the lock goes to the next tab (`Ok(false)`).
    async fn locked_refresh(
        &self,
        epoch: u64,
        before: Option<Tokens>,
    ) -> core::result::Result<bool, RefreshFailure> {
        let state = &self.state;
        let notices = state.notices.get();
        let lock = match &state.tabs {
            Some(tabs) => Some(tabs.lock().await),
            None => None,
        };
        if state.tabs.is_some() {
            // Another tab may have refreshed while this one waited. Its write to a shared store
            // reaches this tab's copy a moment later than the lock can: if it told us it
            // refreshed, give the store that moment before trading a refresh token it spent.
            let polls = if state.notices.get() != notices {
                20
            } else {
                1
            };
            for i in 0..polls {
                if i > 0 {
                    crate::rt::time::sleep(core::time::Duration::from_millis(10)).await;
                }
                let now = self.tokens().map_err(RefreshFailure::Transient)?;
                if now.as_ref().is_some_and(|t| t.access_token.is_some()) && now != before {
                    // As fresh as if this tab had refreshed: not refreshed pre-emptively again
                    // until it really expires (tabs would otherwise take turns, one refresh
                    // per request, when the server's TTL is shorter than the skew).
                    if state.epoch.get() == epoch {
                        self.note_fresh(now.as_ref());
                    }
                    return Ok(true);
                }
            }
        }
        let mut tokens = self.exchange().await?;
        self.keep_out_refresh_token(&mut tokens);
        let stored = state.epoch.get() == epoch;
        if stored {
            state
                .config
                .store
                .set(&tokens)
                .map_err(RefreshFailure::Transient)?;
            self.note_fresh(Some(&tokens));
        }
        if let Some(lock) = lock {
            // Tell the other tabs first (if there is something new to read), and keep the lock
            // a moment longer, so that the next tab to get it sees the new tokens in its copy
            // of the store.
            if stored {
                self.tell(SessionChange::Refreshed);
            }
            crate::rt::task::spawn_local(async move {
                let _held = lock;
                crate::rt::time::sleep(core::time::Duration::from_millis(50)).await;
            });
        }
        Ok(false)
    }

    /// Revoke the stored refresh token (or, in the cookie mode, the cookie's session) if a
    /// revocation URL is configured. A request that cannot be built is skipped: a logout
    /// never fails because of its revocation.
    fn revoke(&self) {
        let config = &self.state.config;
        let Some((url, client_id)) = &config.revoke else {
            return;
        };
        let endpoint = match &config.refresh {
            Some(RefreshMethod::Endpoint(e)) => Some(e),
            _ => None,
        };
        let token = self.tokens().ok().flatten().and_then(|t| t.refresh_token);
        if token.is_none() && !self.cookie_mode() {
            return;
        }
        if let Ok(req) = super::revoke::request(
            url,
            token.as_deref(),
            client_id.as_deref(),
            endpoint,
            config.refresh_timeout,
        ) {
            super::revoke::spawn(self.state.transport.clone(), req);
        }
    }

    /// Remember `tokens` (just refreshed) as exempt from pre-emptive refresh if they arrived
    /// already inside the margin; forget any earlier exemption otherwise.
    fn note_fresh(&self, tokens: Option<&Tokens>) {
        let skew = self.state.config.skew.map_or(0.0, |s| s.as_secs_f64());
        let now = crate::rt::time::now_ms() / 1000.0;
        let inside = |t: &&Tokens| t.expires_at().is_some_and(|exp| exp - skew <= now);
        *self.state.fresh.borrow_mut() = tokens.filter(inside).and_then(|t| t.access_token.clone());
    }

    fn tell(&self, change: SessionChange) {
        if let Some(tabs) = &self.state.tabs {
            tabs.post(change.as_str());
        }
    }

    /// Another tab changed the shared session.
    fn heard(&self, change: SessionChange) {
        let state = &self.state;
        match change {
            SessionChange::LoggedIn => self.new_epoch(),
            SessionChange::LoggedOut | SessionChange::Expired => {
                // The shared store is already cleared; cancel here too: nothing of the old
                // session goes out.
                self.new_epoch();
                let old = state.cancel.replace(CancelHandle::new());
                old.cancel();
                if change == SessionChange::Expired {
                    if let Some(callback) = &state.config.on_session_expired {
                        callback(&Error::new(
                            Kind::SessionExpired,
                            "the session ended in another tab",
                        ));
                    }
                }
            }
            SessionChange::Refreshed => state.notices.set(state.notices.get() + 1),
        }
        if let Some(callback) = &state.config.on_change {
            callback(change);
        }
    }

    /// Trade the stored refresh token for new tokens, the configured way.
    async fn exchange(&self) -> core::result::Result<Tokens, RefreshFailure> {
        let config = &self.state.config;
        let stored = self
            .tokens()
            .map_err(RefreshFailure::Transient)?
            .and_then(|t| t.refresh_token);
        let no_token =
            || RefreshFailure::SessionOver(Error::new(Kind::SessionExpired, "no refresh token"));
        match &config.refresh {
            None => Err(RefreshFailure::SessionOver(Error::new(
                Kind::SessionExpired,
                "no way to refresh is configured",
            ))),
            Some(RefreshMethod::Custom(f)) => {
                let refresh_token = stored.ok_or_else(no_token)?;
                let tokens = f(refresh_token).await.map_err(classify)?;
                tokens.validate().map_err(RefreshFailure::SessionOver)?;
                if tokens.access_token.is_none() {
                    return Err(RefreshFailure::SessionOver(Error::new(
                        Kind::Decode,
                        "the refresh returned no access token",
                    )));
                }
                Ok(tokens)
            }
            Some(RefreshMethod::Endpoint(endpoint)) => {
                exchange(
                    &*self.state.transport,
                    endpoint,
                    stored.as_deref(),
                    config.credentials,
                    config.refresh_timeout,
                    &config.scheme,
                )
                .await
            }
        }
    }
}

impl core::fmt::Debug for Auth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Auth")
            .field("refreshing", &self.is_refreshing())
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}
