//! Reading `WWW-Authenticate` (RFC 9110 §11.6.1, RFC 6750 §3): does this 401 ask for a new
//! token, or for something a refresh cannot fix?

use crate::prelude::*;

/// One challenge: its scheme and its `error` parameter, if any.
#[derive(Debug, PartialEq, Eq)]
struct Challenge {
    scheme: String,
    error: Option<String>,
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (c.is_ascii() && crate::text::is_one_of(c as u8, b"!#$%&'*+-.^_`|~/"))
}

fn parse(header: &str) -> Vec<Challenge> {
    let chars: Vec<char> = header.chars().collect();
    let mut i = 0;
    let mut out: Vec<Challenge> = Vec::new();
    let skip = |i: &mut usize, f: &dyn Fn(char) -> bool| {
        while *i < chars.len() && f(chars[*i]) {
            *i += 1;
        }
    };
    while i < chars.len() {
        skip(&mut i, &|c| c == ' ' || c == '\t' || c == ',');
        let start = i;
        skip(&mut i, &|c| is_tchar(c) || c == '=');
        if start == i {
            i += 1; // stray character: ignore it
            continue;
        }
        let word: String = chars[start..i].iter().collect();
        let mut j = i;
        skip(&mut j, &|c| c == ' ' || c == '\t');
        let is_param = !crate::text::has_any(&word, b"=") && chars.get(j) == Some(&'=');
        let inline_param = crate::text::split_once_byte(&word, b'=').filter(|(k, _)| !k.is_empty());
        if is_param || inline_param.is_some() {
            // name=value (value may be quoted and follow after spaces)
            let (name, mut value) = match inline_param {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => {
                    i = j + 1;
                    (word.clone(), String::new())
                }
            };
            if value.is_empty() {
                skip(&mut i, &|c| c == ' ' || c == '\t');
                if chars.get(i) == Some(&'"') {
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        if chars[i] == '\\' {
                            i += 1;
                        }
                        if let Some(c) = chars.get(i) {
                            value.push(*c);
                        }
                        i += 1;
                    }
                    i += 1;
                } else {
                    let s = i;
                    skip(&mut i, &is_tchar);
                    value = chars[s..i].iter().collect();
                }
            }
            if let Some(last) = out.last_mut() {
                if name.eq_ignore_ascii_case("error") {
                    last.error = Some(value);
                }
            }
        } else {
            out.push(Challenge {
                scheme: word,
                error: None,
            });
        }
    }
    out
}

/// True if a 401 with this `WWW-Authenticate` (or none: not exposed by CORS, or not sent) may
/// be cured by a new token for `scheme`: a `scheme` challenge whose error is not
/// `insufficient_scope` or `invalid_request`.
pub(crate) fn allows_refresh(header: Option<&str>, scheme: &str) -> bool {
    let Some(header) = header.filter(|h| !h.trim().is_empty()) else {
        return true;
    };
    parse(header).iter().any(|c| {
        c.scheme.eq_ignore_ascii_case(scheme)
            && !matches!(
                c.error.as_deref(),
                Some("insufficient_scope" | "invalid_request")
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_invalid_token_allows_refresh() {
        for h in [
            r#"Bearer error="invalid_token""#,
            r#"Bearer realm="api", error="invalid_token", error_description="expired""#,
            "Bearer",
            "bearer realm=x",
            r#"Basic realm="x", Bearer error="invalid_token""#,
            r#"Bearer error = "invalid_token""#,
        ] {
            assert!(allows_refresh(Some(h), "Bearer"), "{h}");
        }
        assert!(allows_refresh(None, "Bearer"));
    }

    #[test]
    fn scope_and_request_errors_and_other_schemes_do_not() {
        for h in [
            r#"Bearer error="insufficient_scope", scope="admin""#,
            r#"Bearer realm="a,b", error=invalid_request"#,
            r#"Basic realm="legacy""#,
            "Negotiate",
            r#"DPoP error="invalid_token""#,
        ] {
            assert!(!allows_refresh(Some(h), "Bearer"), "{h}");
        }
    }
}
