//! The auth middleware: attach the token, pause while a refresh runs, refresh once on 401,
//! replay once, in issue order.

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
        std::task::Poll::Ready(result) => result,
        std::task::Poll::Pending => send.await,
    }
}

impl AuthMiddleware {
    fn attach(&self, req: &mut Request, token: &str) -> Result<()> {
        let config = self.auth.config();
        let value = match config.scheme.as_str() {
            "" => token.to_string(),
            scheme => crate::text::concat(&[scheme, " ", token]),
        };
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

    async fn authorize(&self, original: Request, next: Next<'_>) -> Result<Response> {
        let auth = &self.auth;
        let line = auth.line();
        let number = line.issue();
        let (id, _) = ids(&original);
        let waiting = || next.emit(|| Event::WaitingForRefresh { id });

        // 1. Pause while a refresh is in flight; refresh first if the token is about to expire.
        let mut place = None;
        if let Some(refresh) = auth.in_flight() {
            place = Some(line.join(number));
            waiting();
            refresh.await?;
        }
        let mut tokens = auth.tokens()?;
        if tokens.as_ref().is_some_and(|t| auth.needs_preemptive(t)) {
            place.get_or_insert_with(|| line.join(number));
            let refresh = auth.join_or_start_refresh();
            waiting();
            refresh.await?;
            tokens = auth.tokens()?;
        }

        // 2. Send with the current token.
        let used = tokens.and_then(|t| t.access_token);
        let mut req = original.clone();
        if let Some(token) = &used {
            self.attach(&mut req, token)?;
        }
        let res = dispatch(next, req, place).await?;
        if used.is_none() || !self.wants_refresh(&res) {
            return Ok(res);
        }

        // 3. Rejected: refresh (once for everyone) unless a newer token is already there,
        //    then replay once, in issue order.
        if !original.is_replayable() {
            return Err(Error::new(
                Kind::Body,
                "the token was rejected and this request's body cannot be sent again",
            ));
        }
        drop(res);
        let place = line.join(number);
        let current = auth.tokens()?.and_then(|t| t.access_token);
        let refresh = match current == used {
            true => Some(auth.join_or_start_refresh()),
            false => auth.in_flight(),
        };
        if let Some(refresh) = refresh {
            waiting();
            refresh.await?;
        }
        let mut replay = original;
        replay.extensions_mut().insert(Replay);
        next.emit(|| Event::Replayed { id });
        match auth.tokens()?.and_then(|t| t.access_token) {
            Some(token) => self.attach(&mut replay, &token)?,
            None => {
                return Err(Error::new(
                    Kind::SessionExpired,
                    "no access token after the refresh",
                ))
            }
        }
        dispatch(next, replay, Some(place)).await
    }
}
