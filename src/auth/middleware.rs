//! The auth middleware: attach the token, pause while a refresh runs, refresh once on 401,
//! replay once, in issue order.

use std::rc::Rc;

use futures::future::LocalBoxFuture;

use super::challenge::allows_refresh;
use super::session::Session;
use super::turnstile::Ticket;
use super::SkipAuth;
use crate::error::{Error, Kind, Result};
use crate::events::{ids, Event, Replay};
use crate::http::url::origin_of;
use crate::middleware::{Middleware, Next};
use crate::request::Request;
use crate::response::Response;

pub(crate) struct AuthMiddleware {
    pub session: Rc<Session>,
}

impl Middleware for AuthMiddleware {
    fn handle<'a>(&'a self, req: Request, next: Next<'a>) -> LocalBoxFuture<'a, Result<Response>> {
        Box::pin(async move {
            if req.extensions().get::<SkipAuth>().is_some() || !self.allowed(req.url()) {
                return next.run(req).await;
            }
            let cancel = self.session.cancel_handle();
            cancel.race(self.authorize(req, next)).await
        })
    }
}

/// Hand `req` to the rest of the chain; with a ticket, only in turn, and give the turn up as
/// soon as the request has been dispatched (its future polled once).
async fn dispatch(next: Next<'_>, req: Request, ticket: Option<Ticket>) -> Result<Response> {
    let Some(ticket) = ticket else {
        return next.run(req).await;
    };
    ticket.my_turn().await;
    let mut send = next.run(req);
    let first = futures::poll!(send.as_mut());
    drop(ticket);
    match first {
        std::task::Poll::Ready(result) => result,
        std::task::Poll::Pending => send.await,
    }
}

impl AuthMiddleware {
    fn allowed(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|origin| self.session.settings.allowed_origins.contains(&origin))
    }

    fn attach(&self, req: &mut Request, token: &str) -> Result<()> {
        let settings = &self.session.settings;
        let value = match settings.scheme.as_str() {
            "" => token.to_string(),
            scheme => format!("{scheme} {token}"),
        };
        req.headers_mut().insert_sensitive(&settings.header, &value)
    }

    fn wants_refresh(&self, res: &Response) -> bool {
        let settings = &self.session.settings;
        match &settings.should_refresh {
            Some(predicate) => predicate(res),
            None => {
                settings.statuses.contains(&res.status().as_u16())
                    && allows_refresh(res.headers().get("www-authenticate"), &settings.scheme)
            }
        }
    }

    async fn authorize(&self, original: Request, next: Next<'_>) -> Result<Response> {
        let session = &self.session;
        let seq = session.next_seq();
        let (id, _) = ids(&original);
        let waiting = || next.emit(|| Event::WaitingForRefresh { id });

        // 1. Pause while a refresh is in flight; refresh first if the token is about to expire.
        let mut ticket = None;
        if let Some(refresh) = session.in_flight() {
            ticket = Some(session.turnstile.enter(seq));
            waiting();
            refresh.await?;
        }
        let mut tokens = session.tokens()?;
        if tokens.as_ref().is_some_and(|t| session.needs_preemptive(t)) {
            ticket.get_or_insert_with(|| session.turnstile.enter(seq));
            let refresh = session.refresh();
            waiting();
            refresh.await?;
            tokens = session.tokens()?;
        }

        // 2. Send with the current token.
        let used = tokens.and_then(|t| t.access_token);
        let mut req = original.clone();
        if let Some(token) = &used {
            self.attach(&mut req, token)?;
        }
        let res = dispatch(next, req, ticket).await?;
        if used.is_none() || !self.wants_refresh(&res) {
            return Ok(res);
        }

        // 3. Rejected: refresh (once for everyone) unless a newer token is already there,
        //    then replay once, in issue order.
        if !original.is_replayable() {
            return Err(Error::new(
                Kind::Body,
                "the token was refreshed but this request's body cannot be sent again",
            ));
        }
        drop(res);
        let ticket = session.turnstile.enter(seq);
        let current = session.tokens()?.and_then(|t| t.access_token);
        let refresh = match current == used {
            true => Some(session.refresh()),
            false => session.in_flight(),
        };
        if let Some(refresh) = refresh {
            waiting();
            refresh.await?;
        }
        let mut replay = original;
        replay.extensions_mut().insert(Replay);
        next.emit(|| Event::Replayed { id });
        match session.tokens()?.and_then(|t| t.access_token) {
            Some(token) => self.attach(&mut replay, &token)?,
            None => {
                return Err(Error::new(
                    Kind::SessionExpired,
                    "no access token after the refresh",
                ))
            }
        }
        dispatch(next, replay, Some(ticket)).await
    }
}
