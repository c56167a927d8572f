//! Revocation at logout (RFC 7009): the refresh token posted to the authorization server's
//! revocation endpoint, in the background — a logout never waits for it, and a failed
//! revocation changes nothing on the client.

use crate::prelude::*;

use alloc::rc::Rc;
use core::time::Duration;

use super::endpoint::RefreshEndpoint;
use crate::http::method::Method;
use crate::request::{Credentials, Request};
use crate::transport::Transport;

/// The revocation request: `token=…&token_type_hint=refresh_token[&client_id=…]` as a form,
/// with the refresh endpoint's headers (a confidential client's authentication); in the
/// HttpOnly cookie mode no token but the cookie (the server ends the session it holds). It
/// never follows a redirect (the token would go wherever it leads).
pub(crate) fn request(
    url: &str,
    token: Option<&str>,
    client_id: Option<&str>,
    endpoint: Option<&RefreshEndpoint>,
    timeout: Duration,
) -> crate::error::Result<Request> {
    let mut req = Request::new(Method::POST, url)?;
    if let Some(endpoint) = endpoint {
        *req.headers_mut() = endpoint.headers.clone();
    }
    let cookie = endpoint.is_some_and(|e| e.cookie);
    let client_id = client_id.or_else(|| endpoint.and_then(|e| e.client_id.as_deref()));
    let mut body = String::new();
    let token = token.filter(|_| !cookie);
    for (name, value) in [
        ("token", token),
        ("token_type_hint", token.map(|_| "refresh_token")),
        ("client_id", client_id),
    ] {
        let Some(value) = value else { continue };
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        crate::http::url::form_encode(value, &mut body);
    }
    req.headers_mut()
        .insert("content-type", "application/x-www-form-urlencoded")?;
    req.set_body(body.into());
    if cookie {
        req.set_credentials(Credentials::Include);
    }
    req.set_follow_redirects(false);
    req.set_max_body(Some(64 * 1024));
    req.set_timeout(Some(timeout));
    Ok(req)
}

/// Send `req` in the background; its answer is not read.
pub(crate) fn spawn(transport: Rc<dyn Transport>, req: Request) {
    crate::rt::task::spawn_local(async move {
        let _ = transport.send(req).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Repr;

    fn text(req: &Request) -> &str {
        match &req.body().0 {
            Repr::Text(t) => t,
            _ => panic!("not a text body"),
        }
    }

    #[test]
    fn the_refresh_token_goes_in_a_form_with_its_hint_and_client_id() {
        let endpoint = RefreshEndpoint::oauth("https://id.test/token", "spa app");
        let req = request(
            "https://id.test/revoke",
            Some("r/1+"),
            None,
            Some(&endpoint),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            text(&req),
            "token=r%2F1%2B&token_type_hint=refresh_token&client_id=spa+app"
        );
        assert!(!req.follows_redirects());
        let cookie = RefreshEndpoint::new("https://id.test/token").with_credentials(true);
        let req = request(
            "https://id.test/logout",
            Some("r"),
            None,
            Some(&cookie),
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(text(&req), "");
        assert_eq!(req.credentials(), Credentials::Include);
    }
}
