//! The shared auth state of one client: the store, the single in-flight refresh, the
//! generation counter, the issue-order turnstile and the session's cancel handle.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::future::{select, Either, LocalBoxFuture, Shared};
use futures::FutureExt;

use super::refresh::{build_request, call_endpoint, classify, Failure, Refresh};
use super::store::TokenStore;
use super::tokens::Tokens;
use super::turnstile::Turnstile;
use crate::error::{Error, Kind, Result};
use crate::events::{Event, Events};
use crate::request::Credentials;
use crate::response::Response;
use crate::rt::cancel::CancelHandle;
use crate::transport::Transport;

/// The outcome every waiter of one refresh shares (`Error` is cheap to clone).
pub(crate) type RefreshOutcome = Result<()>;
type SharedRefresh = Shared<LocalBoxFuture<'static, RefreshOutcome>>;

/// Decides whether a response should trigger a refresh.
pub(crate) type RefreshPredicate = Rc<dyn Fn(&Response) -> bool>;
/// Called when the session ends.
pub(crate) type ExpiredCallback = Rc<dyn Fn(&Error)>;

/// Everything fixed at build time.
pub(crate) struct Settings {
    pub store: Rc<dyn TokenStore>,
    pub header: String,
    pub scheme: String,
    pub statuses: Vec<u16>,
    pub should_refresh: Option<RefreshPredicate>,
    pub skew: Option<Duration>,
    pub allowed_origins: Vec<String>,
    pub on_session_expired: Option<ExpiredCallback>,
    pub refresh: Option<Refresh>,
    /// The refresh endpoint's resolved absolute URL.
    pub refresh_url: Option<String>,
    pub refresh_timeout: Duration,
    pub credentials: Credentials,
}

pub(crate) struct Session {
    pub settings: Settings,
    transport: Rc<dyn Transport>,
    pub events: Events,
    inflight: RefCell<Option<SharedRefresh>>,
    /// Bumped by every successful refresh.
    generation: Cell<u64>,
    /// Bumped by logout and by `set_tokens`: a refresh from an older epoch stores nothing.
    epoch: Cell<u64>,
    /// Issue numbers for the turnstile.
    seq: Cell<u64>,
    pub turnstile: Rc<Turnstile>,
    cancel: RefCell<CancelHandle>,
    /// The access token the last refresh returned (never pre-emptively refreshed again, so a
    /// server TTL shorter than the skew cannot cause a refresh per request).
    fresh: RefCell<Option<String>>,
}

impl Session {
    pub fn new(settings: Settings, transport: Rc<dyn Transport>, events: Events) -> Rc<Session> {
        Rc::new(Session {
            settings,
            transport,
            events,
            inflight: RefCell::new(None),
            generation: Cell::new(0),
            epoch: Cell::new(0),
            seq: Cell::new(0),
            turnstile: Rc::new(Turnstile::default()),
            cancel: RefCell::new(CancelHandle::new()),
            fresh: RefCell::new(None),
        })
    }

    pub fn next_seq(&self) -> u64 {
        let n = self.seq.get();
        self.seq.set(n + 1);
        n
    }

    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// The cancel handle of the current session (canceled by logout).
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.borrow().clone()
    }

    pub fn tokens(&self) -> Result<Option<Tokens>> {
        self.settings.store.get()
    }

    pub fn in_flight(&self) -> Option<SharedRefresh> {
        self.inflight.borrow().clone()
    }

    pub fn is_refreshing(&self) -> bool {
        self.inflight.borrow().is_some()
    }

    /// Store tokens from the app (login): a new session epoch.
    pub fn set_tokens(&self, tokens: &Tokens) -> Result<()> {
        tokens.validate()?;
        self.epoch.set(self.epoch.get() + 1);
        self.inflight.borrow_mut().take();
        self.settings.store.set(tokens)
    }

    /// Clear tokens, cancel every request of this session, and make any refresh that is still
    /// running store nothing when it completes.
    pub fn logout(&self) -> Result<()> {
        self.epoch.set(self.epoch.get() + 1);
        self.inflight.borrow_mut().take();
        let old = self.cancel.replace(CancelHandle::new());
        old.cancel();
        self.settings.store.clear()
    }

    /// True if `tokens` should be refreshed before sending (no access token, or a JWT that
    /// expires within the skew).
    pub fn needs_preemptive(&self, tokens: &Tokens) -> bool {
        if tokens.refresh_token.is_none() || self.settings.refresh.is_none() {
            return false;
        }
        let Some(access) = &tokens.access_token else {
            return true;
        };
        let (Some(skew), Some(exp)) = (self.settings.skew, tokens.expires_at()) else {
            return false;
        };
        let now = crate::rt::time::now_ms() / 1000.0;
        if exp - skew.as_secs_f64() > now {
            return false;
        }
        // A token we just got is only refreshed again once it has really expired.
        let fresh = self.fresh.borrow().as_deref() == Some(access.as_str());
        !fresh || exp <= now
    }

    /// Join the refresh in flight, or start one.
    pub fn refresh(self: &Rc<Self>) -> SharedRefresh {
        if let Some(inflight) = self.in_flight() {
            return inflight;
        }
        let this = self.clone();
        let fut: LocalBoxFuture<'static, RefreshOutcome> =
            Box::pin(async move { this.run().await });
        let shared = fut.shared();
        *self.inflight.borrow_mut() = Some(shared.clone());
        self.events.emit(|| Event::RefreshStarted);
        // Spawned, so canceling the request that started it cancels nothing for the others.
        crate::rt::task::spawn_local(shared.clone().map(drop));
        shared
    }

    async fn run(self: Rc<Self>) -> RefreshOutcome {
        let epoch = self.epoch.get();
        let timeout = crate::rt::time::sleep(self.settings.refresh_timeout);
        let result = match select(Box::pin(self.exchange()), Box::pin(timeout)).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => Err(Failure::Expired(Error::new(
                Kind::Timeout,
                "the token refresh timed out",
            ))),
        };
        if self.epoch.get() != epoch {
            // Logged out or new tokens set meanwhile: store nothing, let waiters re-read.
            return Ok(());
        }
        self.inflight.borrow_mut().take();
        match result {
            Ok(tokens) => {
                self.settings.store.set(&tokens)?;
                *self.fresh.borrow_mut() = tokens.access_token.clone();
                self.generation.set(self.generation.get() + 1);
                let generation = self.generation.get();
                self.events.emit(|| Event::Refreshed { generation });
                Ok(())
            }
            Err(Failure::Transient(error)) => {
                self.events.emit(|| Event::RefreshFailed {
                    error: error.clone(),
                    session_expired: false,
                });
                Err(error)
            }
            Err(Failure::Expired(cause)) => {
                let _ = self.settings.store.clear();
                let error = Error::new(Kind::SessionExpired, "").with_source(cause);
                self.events.emit(|| Event::RefreshFailed {
                    error: error.clone(),
                    session_expired: true,
                });
                if let Some(callback) = &self.settings.on_session_expired {
                    callback(&error);
                }
                Err(error)
            }
        }
    }

    async fn exchange(&self) -> std::result::Result<Tokens, Failure> {
        let refresh_token = self
            .tokens()
            .map_err(Failure::Transient)?
            .and_then(|t| t.refresh_token)
            .ok_or_else(|| {
                Failure::Expired(Error::new(Kind::SessionExpired, "no refresh token"))
            })?;
        match &self.settings.refresh {
            None => Err(Failure::Expired(Error::new(
                Kind::SessionExpired,
                "no way to refresh is configured",
            ))),
            Some(Refresh::Custom(f)) => {
                let tokens = f(refresh_token).await.map_err(classify)?;
                tokens.validate().map_err(Failure::Expired)?;
                if tokens.access_token.is_none() {
                    return Err(Failure::Expired(Error::new(
                        Kind::Decode,
                        "the refresh returned no access token",
                    )));
                }
                Ok(tokens)
            }
            Some(Refresh::Endpoint(endpoint)) => {
                let url = self.settings.refresh_url.as_deref().unwrap_or_default();
                let mut req =
                    build_request(endpoint, url, &refresh_token, self.settings.credentials)
                        .map_err(Failure::Expired)?;
                req.set_timeout(Some(self.settings.refresh_timeout));
                call_endpoint(&*self.transport, endpoint, req, &refresh_token).await
            }
        }
    }
}
