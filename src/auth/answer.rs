//! A token endpoint's answer, read as RFC 6749 says: the new tokens of a success (§5.1:
//! `access_token`, `refresh_token`, `expires_in`, `token_type`), or why there are none (§5.2:
//! `error`, `error_description`), sorted into "the session is over" and "try again later".

use crate::prelude::*;

use super::tokens::Tokens;
use crate::error::{Error, Kind};
use crate::http::json;
use crate::http::status::StatusCode;
use crate::text::concat;

/// Why a refresh did not give new tokens.
pub(crate) enum RefreshFailure {
    /// The session is over (refresh token rejected or missing, garbage answer).
    SessionOver(Error),
    /// The tokens are kept: try again later (5xx, 408, 429, network, timeout), or fix the
    /// configuration (a §5.2 configuration error, [`Kind::Builder`]).
    Transient(Error),
}

/// Sort an error from a refresh into expired or transient.
pub(crate) fn classify(error: Error) -> RefreshFailure {
    match error.kind() {
        Kind::Network | Kind::Timeout | Kind::TotalTimeout | Kind::Canceled | Kind::Builder => {
            RefreshFailure::Transient(error)
        }
        Kind::Status(s) if s.is_server_error() || s == 408 || s == 429 => {
            RefreshFailure::Transient(error)
        }
        _ => RefreshFailure::SessionOver(error),
    }
}

/// An answer that is not a token answer: the session is over.
pub(crate) fn garbage(why: &str) -> RefreshFailure {
    RefreshFailure::SessionOver(Error::new(
        Kind::Decode,
        concat(&["the refresh endpoint answered ", why]),
    ))
}

/// RFC 6749 §5.2 errors that say the request is wrong, not the grant: a misconfigured client
/// (format, `client_id`, `scope`). Logging in again would meet the same error, so the session
/// is not ended for them: the tokens are kept and the error says what to fix.
const CONFIGURATION: [&str; 5] = [
    "invalid_request",
    "invalid_client",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

/// The error of a non-2xx answer `text`: its §5.2 `error` code and `error_description` kept
/// (printable ASCII, as §5.2 allows, at most 300 characters; `secret` — the refresh token —
/// redacted if a broken server echoes it).
pub(crate) fn refused(status: StatusCode, text: &str, secret: Option<&str>) -> RefreshFailure {
    let printable = |s: &String| s.bytes().all(|b| (0x20..0x7f).contains(&b));
    let code = json::string_at(text, "error")
        .ok()
        .flatten()
        .filter(|c| c.len() <= 64 && c.bytes().all(|b| b.is_ascii_graphic()));
    let description = json::string_at(text, "error_description")
        .ok()
        .flatten()
        .filter(|d| !d.is_empty() && d.len() <= 300 && printable(d))
        .map(|d| redact(d, secret));
    let mut message = String::from("refresh refused");
    for part in [code.as_deref(), description.as_deref()]
        .into_iter()
        .flatten()
    {
        message.push_str(": ");
        message.push_str(part);
    }
    if code.as_deref().is_some_and(|c| CONFIGURATION.contains(&c)) {
        message.insert_str(
            0,
            "the token endpoint says the refresh request is misconfigured (check auth.refresh: format, clientId, scope, headers): ",
        );
        return RefreshFailure::Transient(Error::new(Kind::Builder, message));
    }
    classify(Error::new(Kind::Status(status), message))
}

/// `text` with every occurrence of `secret` replaced by `[redacted]`.
fn redact(text: String, secret: Option<&str>) -> String {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return text;
    };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = crate::text::find(rest, secret) {
        let (head, tail) = crate::text::split_at(rest, at);
        out.push_str(head);
        out.push_str("[redacted]");
        rest = crate::text::split_at(tail, secret.len()).1;
    }
    out.push_str(rest);
    out
}

/// The tokens of a 2xx answer `text`: the access token at `access_field`, the refresh token at
/// `refresh_field` (the old one kept when absent: servers may not rotate), `expires_in`
/// (seconds, a number or a string of digits; anything else leaves the expiry unknown) and
/// `token_type`, which must be `Bearer` or `scheme` (the one the client sends tokens with).
pub(crate) fn tokens(
    text: &str,
    access_field: &str,
    refresh_field: &str,
    old_refresh: Option<&str>,
    scheme: &str,
) -> Result<Tokens, RefreshFailure> {
    let not_json = |_| garbage("something that is not JSON");
    let access = json::string_at(text, access_field).map_err(not_json)?;
    let access = access.ok_or_else(|| garbage(&concat(&["no `", access_field, "` string"])))?;
    if let Some(kind) = json::string_at(text, "token_type").ok().flatten() {
        if !kind.eq_ignore_ascii_case("bearer") && !kind.eq_ignore_ascii_case(scheme) {
            return Err(garbage(&concat(&[
                "a token of another type than this client sends (auth.scheme): ",
                crate::text::split_at(&kind, kind.len().min(32)).0,
            ])));
        }
    }
    let refresh = json::string_at(text, refresh_field)
        .map_err(not_json)?
        .or_else(|| old_refresh.map(str::to_string));
    let mut tokens = Tokens::new(access, refresh);
    let expires_in = match json::number_at(text, "expires_in").ok().flatten() {
        Some(n) => Some(n),
        // Some servers send `"expires_in": "3599"`; digits only, as `Retry-After` is read.
        None => json::string_at(text, "expires_in")
            .ok()
            .flatten()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .map(|s| s.parse::<u64>().unwrap_or(u64::MAX) as f64),
    };
    if let Some(seconds) = expires_in {
        tokens = tokens.expiring_in(seconds);
    }
    tokens
        .validate()
        .map_err(|_| garbage("a malformed token"))?;
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(failure: RefreshFailure) -> (bool, Kind, String) {
        match failure {
            RefreshFailure::SessionOver(e) => (true, e.kind(), e.to_string()),
            RefreshFailure::Transient(e) => (false, e.kind(), e.to_string()),
        }
    }

    #[test]
    fn invalid_grant_ends_the_session_and_keeps_the_description() {
        let text = r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#;
        let (over, kind, shown) = message(refused(StatusCode::new(400), text, Some("RT")));
        assert!(over);
        assert_eq!(kind, Kind::Status(StatusCode::new(400)));
        assert!(
            shown.contains("invalid_grant: grant request is invalid"),
            "{shown}"
        );
    }

    #[test]
    fn configuration_errors_keep_the_session_and_say_so() {
        for code in CONFIGURATION {
            let text = concat(&[
                r#"{"error":""#,
                code,
                r#"","error_description":"only x-www-form-urlencoded"}"#,
            ]);
            let (over, kind, shown) = message(refused(StatusCode::new(400), &text, None));
            assert!(!over, "{code}");
            assert_eq!(kind, Kind::Builder);
            assert!(
                shown.contains("misconfigured") && shown.contains(code),
                "{shown}"
            );
            assert!(shown.contains("only x-www-form-urlencoded"), "{shown}");
        }
    }

    #[test]
    fn an_echoed_refresh_token_is_redacted_and_odd_descriptions_dropped() {
        let text = r#"{"error":"invalid_grant","error_description":"token RT-SECRET-1 is unknown (RT-SECRET-1)"}"#;
        let (_, _, shown) = message(refused(StatusCode::new(400), text, Some("RT-SECRET-1")));
        assert!(!shown.contains("RT-SECRET-1"), "{shown}");
        assert!(
            shown.contains("token [redacted] is unknown ([redacted])"),
            "{shown}"
        );
        let control = "{\"error\":\"invalid_grant\",\"error_description\":\"a\\u0001b\"}";
        let (_, _, shown) = message(refused(StatusCode::new(400), control, None));
        assert!(shown.ends_with("refresh refused: invalid_grant"), "{shown}");
        let (over, _, _) = message(refused(StatusCode::new(503), "<html>", None));
        assert!(!over, "a 5xx is transient");
    }

    #[test]
    fn expires_in_is_read_as_a_number_or_digits_and_range_checked() {
        let now = crate::rt::time::now_ms() / 1000.0;
        for (answer, expected) in [
            (r#"{"access_token":"a","expires_in":300}"#, Some(300.0)),
            (r#"{"access_token":"a","expires_in":"300"}"#, Some(300.0)),
            (r#"{"access_token":"a","expires_in":-5}"#, None),
            (r#"{"access_token":"a","expires_in":"5 min"}"#, None),
            (
                r#"{"access_token":"a","expires_in":1e300}"#,
                Some(100.0 * 365.25 * 86_400.0),
            ),
            (r#"{"access_token":"a"}"#, None),
        ] {
            let t = tokens(
                answer,
                "access_token",
                "refresh_token",
                Some("old"),
                "Bearer",
            )
            .ok()
            .unwrap();
            assert_eq!(t.refresh_token.as_deref(), Some("old"), "kept when absent");
            match expected {
                None => assert_eq!(t.expires_at, None, "{answer}"),
                Some(secs) => {
                    let at = t.expires_at.unwrap();
                    assert!((at - now - secs).abs() < 5.0, "{answer}: {at}");
                }
            }
        }
    }

    #[test]
    fn a_token_type_the_client_does_not_send_is_refused() {
        let answer = r#"{"access_token":"a","token_type":"DPoP"}"#;
        let (over, _, shown) = match tokens(answer, "access_token", "refresh_token", None, "Bearer")
        {
            Err(f) => message(f),
            Ok(_) => panic!("accepted"),
        };
        assert!(over && shown.contains("DPoP"), "{shown}");
        assert!(tokens(answer, "access_token", "refresh_token", None, "DPoP").is_ok());
        let bearer = r#"{"access_token":"a","token_type":"bearer"}"#;
        assert!(tokens(bearer, "access_token", "refresh_token", None, "").is_ok());
    }
}
