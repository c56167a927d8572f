//! URL resolution, done in Rust before anything reaches `fetch`.
//!
//! Rules (the same everywhere, tested natively):
//! - Absolute URLs must start with `http://` or `https://` (any case); other schemes, and
//!   scheme-relative tricks such as `https:evil.test`, are [`Kind::InvalidUrl`].
//! - A relative URL is appended to the base URL, axios-style: base `https://api.test/v1` and
//!   `/items` give `https://api.test/v1/items`. It can never change the origin: `//evil.test`,
//!   `/\evil.test` and `\\evil.test` (which browsers would read as another host) are refused.
//! - Control characters (tab, CR, LF, ...) anywhere and backslashes before the query are
//!   refused, because the WHATWG URL parser silently removes or rewrites them.
//! - User info (`user:pass@`) is refused: `fetch` rejects it, and it would leak a secret.
//! - The origin is the one the browser computes (WHATWG: ports are digits, forbidden host code
//!   points refused, IDNA mapping, lower-casing, default ports dropped): in the browser the
//!   platform's `URL` reads it, natively the `url` crate, so the token allowlist rests on the
//!   same parse as `fetch`. A URL the browser would refuse (`http://a.test:80:`, a host with
//!   U+00A0 or U+3000) is refused here.

use crate::prelude::*;

use crate::error::{Error, Kind, Result};
use crate::text::concat;

fn invalid(message: impl Into<String>) -> Error {
    Error::new(Kind::InvalidUrl, message)
}

/// A parsed absolute `http(s)` URL: origin plus everything after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AbsoluteUrl {
    /// `scheme://host[:port]`, lower-case, default port removed.
    pub origin: String,
    /// Path, query and fragment as written (may be empty).
    pub rest: String,
}

impl AbsoluteUrl {
    pub fn as_string(&self) -> String {
        let rest = if self.rest.is_empty() {
            "/"
        } else {
            &self.rest
        };
        concat(&[&self.origin, rest])
    }
}

fn check_characters(input: &str) -> Result<&str> {
    let input = crate::text::trim_byte(input, b' ');
    if input.chars().any(|c| c.is_control()) {
        return Err(invalid(
            "URL contains a control character (tab, CR, LF, ...)",
        ));
    }
    let before_query = input.split(['?', '#']).next().unwrap_or(input);
    if crate::text::has_any(before_query, b"\\") {
        return Err(invalid("URL contains a backslash before the query"));
    }
    Ok(input)
}

/// The scheme of `input`, if it starts with one (`[A-Za-z][A-Za-z0-9+.-]*:`).
fn scheme_of(input: &str) -> Option<&str> {
    let (scheme, _) = crate::text::split_once_byte(input, b':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Parse an absolute `http:`/`https:` URL.
pub(crate) fn parse_absolute(input: &str) -> Result<AbsoluteUrl> {
    let input = check_characters(input)?;
    let scheme = scheme_of(input)
        .ok_or_else(|| invalid("expected an absolute URL starting with http:// or https://"))?
        .to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(invalid(concat(&[
            "unsupported scheme `",
            &scheme,
            ":` (only http and https)",
        ])));
    }
    let after = crate::text::split_at(input, scheme.len() + 1).1;
    let after = after
        .strip_prefix("//")
        .ok_or_else(|| invalid(concat(&["`", &scheme, ":` must be followed by //"])))?;
    let auth_end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let (authority, rest) = crate::text::split_at(after, auth_end);
    if crate::text::has_any(authority, b"@") {
        return Err(invalid(
            "credentials in the URL are not allowed (fetch refuses them)",
        ));
    }
    let origin = whatwg_origin(&concat(&[&scheme, "://", authority, "/"]))
        .filter(|o| o.starts_with(&scheme) && o != "null")
        .ok_or_else(|| invalid("the URL's host or port is not valid for a browser"))?;
    Ok(AbsoluteUrl {
        origin,
        rest: rest.to_string(),
    })
}

/// The origin of `url` as the WHATWG URL parser computes it, if it parses.
#[cfg(target_arch = "wasm32")]
fn whatwg_origin(url: &str) -> Option<String> {
    crate::rt::fetch::url_origin(url)
}

/// The origin of `url` as the WHATWG URL parser computes it, if it parses.
#[cfg(not(target_arch = "wasm32"))]
fn whatwg_origin(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// A validated base URL: an origin plus an optional path prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    url: AbsoluteUrl,
}

impl BaseUrl {
    /// Parse a base URL; it may not carry a query or fragment.
    pub fn parse(input: &str) -> Result<BaseUrl> {
        let mut url = parse_absolute(input)?;
        if crate::text::has_any(&url.rest, b"?#") {
            return Err(invalid("a base URL cannot have a query or fragment"));
        }
        let trimmed = url.rest.trim_end_matches('/').len();
        url.rest.truncate(trimmed);
        Ok(BaseUrl { url })
    }

    /// `scheme://host[:port]`
    pub fn origin(&self) -> &str {
        &self.url.origin
    }

    /// Resolve a request URL against this base (see the module docs).
    pub fn join(&self, input: &str) -> Result<String> {
        let input = check_characters(input)?;
        if scheme_of(input).is_some() {
            return parse_absolute(input).map(|u| u.as_string());
        }
        if input.starts_with("//") {
            return Err(invalid(
                "protocol-relative URLs (//host) are refused: use an absolute URL",
            ));
        }
        let prefix = concat(&[&self.url.origin, &self.url.rest]);
        if input.is_empty() || input.starts_with(['?', '#']) {
            let path = if self.url.rest.is_empty() { "/" } else { "" };
            return Ok(concat(&[&prefix, path, input]));
        }
        Ok(concat(&[&prefix, "/", input.trim_start_matches('/')]))
    }
}

/// Resolve `input` against an optional base; without one it must be absolute.
pub(crate) fn resolve(base: Option<&BaseUrl>, input: &str) -> Result<String> {
    match base {
        Some(base) => base.join(input),
        None => parse_absolute(input).map(|u| u.as_string()).map_err(|e| {
            match scheme_of(crate::text::trim_byte(input, b' ')) {
                Some(_) => e,
                None => invalid("relative URL without a base_url (and no page location)"),
            }
        }),
    }
}

/// The origin of an absolute URL, if it is one.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    parse_absolute(url).ok().map(|u| u.origin)
}

/// Percent-encode for `application/x-www-form-urlencoded` (what `URLSearchParams` produces).
pub(crate) fn form_encode(s: &str, out: &mut String) {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_');
    crate::text::percent_encode(s, out, keep, true);
}

/// Append encoded `key=value` pairs to the query of `url` (before any fragment).
pub(crate) fn append_query(url: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return url.to_string();
    }
    let (main, fragment) = match url.bytes().position(|b| b == b'#') {
        Some(i) => crate::text::split_at(url, i),
        None => (url, ""),
    };
    let mut out = main.to_string();
    let mut sep = if !crate::text::has_any(main, b"?") {
        '?'
    } else if main.ends_with(['?', '&']) {
        '\0'
    } else {
        '&'
    };
    for (k, v) in pairs {
        if sep != '\0' {
            out.push(sep);
        }
        sep = '&';
        form_encode(k, &mut out);
        out.push('=');
        form_encode(v, &mut out);
    }
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_the_browsers() {
        // Refused by the WHATWG parser, so refused here (they used to pass).
        for bad in [
            "http://a.test:80:/",
            "http://a\u{a0}b.test/",
            "http://a\u{3000}b.test/",
            "http://a.test:8a/",
        ] {
            assert!(parse_absolute(bad).is_err(), "{bad:?}");
        }
        let origin = |u: &str| parse_absolute(u).unwrap().origin;
        assert_eq!(origin("HTTP://EXAMPLE.test:80/x"), "http://example.test");
        assert_eq!(origin("https://a.test:443"), "https://a.test");
        assert_eq!(origin("http://a.test:8080/"), "http://a.test:8080");
        assert_eq!(origin("http://bücher.test/"), "http://xn--bcher-kva.test");
        assert_eq!(origin("http://[::1]:8080/"), "http://[::1]:8080");
        assert_eq!(origin("http://0x7f.0.0.1/"), "http://127.0.0.1");
    }

    fn base() -> BaseUrl {
        BaseUrl::parse("http://127.0.0.1:8787/v1/").unwrap()
    }

    #[test]
    fn relative_urls_append_to_the_base_path() {
        let b = base();
        assert_eq!(b.join("/items").unwrap(), "http://127.0.0.1:8787/v1/items");
        assert_eq!(b.join("items").unwrap(), "http://127.0.0.1:8787/v1/items");
        assert_eq!(b.join("").unwrap(), "http://127.0.0.1:8787/v1");
        assert_eq!(b.join("?a=1").unwrap(), "http://127.0.0.1:8787/v1?a=1");
        let root = BaseUrl::parse("HTTP://Example.TEST:80").unwrap();
        assert_eq!(root.origin(), "http://example.test");
        assert_eq!(root.join("x").unwrap(), "http://example.test/x");
        assert_eq!(root.join("").unwrap(), "http://example.test/");
    }

    #[test]
    fn absolute_urls_pass_through_normalised() {
        let b = base();
        assert_eq!(
            b.join("HTTPS://Other.test:443/a?b=1").unwrap(),
            "https://other.test/a?b=1"
        );
        assert_eq!(b.join("http://[::1]:9000").unwrap(), "http://[::1]:9000/");
    }

    #[test]
    fn origin_escapes_are_refused() {
        let b = base();
        for trick in [
            "//evil.test",
            "//evil.test/x",
            "/\\evil.test",
            "\\\\evil.test",
            "\\/evil.test",
            "/\t/evil.test",
            "/\n/evil.test",
            " //evil.test",
            "https:evil.test",
            "http:\\\\evil.test",
            "http:/evil.test",
        ] {
            let err = b.join(trick).unwrap_err();
            assert_eq!(err.kind(), Kind::InvalidUrl, "{trick:?} gave {err}");
        }
    }

    #[test]
    fn other_schemes_and_credentials_are_refused() {
        let b = base();
        for bad in [
            "javascript:alert(1)",
            "data:text/plain,hi",
            "file:///etc/passwd",
            "ftp://x.test/",
            "http://user:pw@x.test/",
            "http://x.test:99999/",
            "http://x.test:8a/",
            "http:///path",
            "http://ex ample.test/",
        ] {
            assert_eq!(b.join(bad).unwrap_err().kind(), Kind::InvalidUrl, "{bad:?}");
        }
    }

    #[test]
    fn base_url_validation() {
        for bad in [
            "",
            "127.0.0.1:8787",
            "/api",
            "ws://x.test",
            "http://x.test/?q=1",
            "http://",
        ] {
            assert_eq!(
                BaseUrl::parse(bad).unwrap_err().kind(),
                Kind::InvalidUrl,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn relative_without_base_is_an_error() {
        assert_eq!(
            resolve(None, "/items").unwrap_err().kind(),
            Kind::InvalidUrl
        );
        assert_eq!(resolve(None, "http://a.test").unwrap(), "http://a.test/");
    }

    #[test]
    fn query_pairs_are_form_encoded() {
        let pairs = vec![
            ("page".to_string(), "2".to_string()),
            ("q".to_string(), "a b&c=d/é".to_string()),
        ];
        assert_eq!(
            append_query("http://a.test/x#frag", &pairs),
            "http://a.test/x?page=2&q=a+b%26c%3Dd%2F%C3%A9#frag"
        );
        assert_eq!(
            append_query("http://a.test/x?z=1", &pairs[..1]),
            "http://a.test/x?z=1&page=2"
        );
    }

    #[test]
    fn origin_of_absolute() {
        assert_eq!(
            origin_of("https://A.test:443/x").as_deref(),
            Some("https://a.test")
        );
        assert_eq!(origin_of("/relative"), None);
    }
}
