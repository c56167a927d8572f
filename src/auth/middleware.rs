//! The auth middleware: attach the token, pause while a refresh runs, refresh once on 401,
//! replay once, in issue order.

use crate::prelude::*;

use futures::future::LocalBoxFuture;

use super::challenge::allows_refresh;
use super::refresh::Auth;
use crate::error::{Error, Kind, Result};
use crate::events::{ids, Event, Replay};
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::Response;
use crate::rt::queue::Place;

/// Marks a request that must not carry the token (see
/// [`RequestBuilder::skip_auth`](crate::RequestBuilder::skip_auth)).
#[derive(Clone, Copy, Debug)]
pub struct SkipAuth;

/// The auth layer of the chain; [`ClientBuilder::auth`](crate::ClientBuilder::auth) puts it in
/// place.
pub(crate) struct AuthMiddleware {
    pub auth: Auth,
}

impl Middleware for AuthMiddleware {
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            if req.extensions().get::<SkipAuth>().is_some() || !self.auth.config().allows(req.url())
            {
                return next.run(req).await;
            }
            let cancel = self.auth.cancel_handle();
            cancel.race(self.authorize(req, next)).await
        })
    }
}

/// Hand `req` to the rest of the chain; with a place in line, only in turn, and leave the line
/// as soon as the request has been dispatched (its future polled once).
async fn dispatch(next: Next<'_>, req: Request, place: Option<Place>) -> Result<Response> {
    let Some(place) = place else {
        return next.run(req).await;
    };
    place.first().await;
    let mut send = next.run(req);
    let first = futures::poll!(send.as_mut());
    drop(place);
    match first {
        core::task::Poll::Ready(result) => result,
        core::task::Poll::Pending => send.await,
    }
}

impl AuthMiddleware {
    fn attach(&self, req: &mut Request, token: &str) -> Result<()> {
        let config = self.auth.config();
        let value = match config.scheme.as_str() {
            "" => token.to_string(),
            scheme => crate::text::concat(&[scheme, " ", token]),
        };
        // Browsers strip only `Authorization` when a redirect leads to another origin: a token
        // in any other header never follows a redirect.
        if !config.header.eq_ignore_ascii_case("authorization") {
            req.set_follow_redirects(false);
        }
        req.headers_mut().insert_sensitive(&config.header, &value)
    }

    fn wants_refresh(&self, res: &Response) -> bool {
        let config = self.auth.config();
        // A 401 from where a redirect led (another origin, which never saw our token) says
        // nothing about the token: an open redirect must not be able to force a rotation.
        if !res.url().is_empty() && !config.allows(res.url()) {
            return false;
        }
        match &config.should_refresh {
            Some(predicate) => predicate(res),
            None => {
                config.statuses.contains(&res.status().as_u16())
                    && allows_refresh(res.headers().get("www-authenticate"), &config.scheme)
            }
        }
    }

    /// Send `original` with the current token, in three phases that share one loop (one await
    /// point each for the refresh and the dispatch, not one per phase: the state machine is the
    /// size of the npm package):
    /// 1. pause while a refresh is in flight; refresh first if the token is about to expire;
    /// 2. send with the current token;
    /// 3. rejected: refresh (once for everyone) unless a newer token is already there, then
    ///    replay once, in issue order.
    async fn authorize(&self, original: Request, next: Next<'_>) -> Result<Response> {
        let auth = &self.auth;
        let line = auth.line();
        let number = line.issue();
        let (id, _) = ids(&original);
        let mut place = None;
        let mut refresh = auth.in_flight();
        let mut preempted = false;
        let mut replaying = false;
        loop {
            if let Some(refresh) = refresh.take() {
                place.get_or_insert_with(|| line.join(number));
                next.emit(|| Event::WaitingForRefresh { id });
                refresh.await?;
            }
            let tokens = auth.tokens()?;
            if !replaying && !preempted && tokens.as_ref().is_some_and(|t| auth.needs_preemptive(t))
            {
                preempted = true;
                refresh = Some(auth.join_or_start_refresh());
                continue;
            }
            let token = tokens.and_then(|t| t.access_token);
            let mut req = original.clone();
            if replaying {
                if token.is_none() {
                    return Err(Error::new(
                        Kind::SessionExpired,
                        "no access token after the refresh",
                    ));
                }
                req.extensions_mut().insert(Replay);
                next.emit(|| Event::Replayed { id });
            }
            if let Some(token) = &token {
                self.attach(&mut req, token)?;
            }
            let res = dispatch(next, req, place.take()).await?;
            if replaying || token.is_none() || !self.wants_refresh(&res) {
                return Ok(res);
            }
            if !original.is_replayable() {
                return Err(Error::new(
                    Kind::Body,
                    "the token was rejected and this request's body cannot be sent again",
                ));
            }
            drop(res);
            place = Some(line.join(number));
            let current = auth.tokens()?.and_then(|t| t.access_token);
            refresh = match current == token {
                true => Some(auth.join_or_start_refresh()),
                false => auth.in_flight(),
            };
            replaying = true;
        }
    }
}
