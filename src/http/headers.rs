//! Header maps with validation at insert time and redaction in `Debug`.
//!
//! Names are stored lower-case (as `fetch` exposes them). Values are validated the way `fetch`
//! would reject them, but earlier and with a typed error: no CR, LF, NUL or other control
//! characters (tab excepted) and nothing above U+00FF. `Debug` prints `[redacted]` for
//! `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie` and any value inserted with
//! [`HeaderMap::insert_sensitive`].

use crate::prelude::*;

use alloc::rc::Rc;
use core::fmt;

use crate::error::{Error, Kind, Result};

/// Header names whose values are always treated as secrets.
const SENSITIVE: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// True if `s` is a non-empty RFC 9110 token (header names, methods).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// Validate and normalise a header name (lower-case).
pub(crate) fn header_name(name: &str) -> Result<Rc<str>> {
    if is_token(name) {
        Ok(name.to_ascii_lowercase().into())
    } else {
        // The name may itself be attacker-supplied garbage: show a short, escaped prefix only.
        let shown: String = name
            .chars()
            .take(40)
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        Err(Error::new(
            Kind::InvalidHeader,
            crate::text::concat(&[
                "invalid header name \"",
                &shown,
                "\": must be a non-empty HTTP token",
            ]),
        ))
    }
}

/// Validate and normalise a header value (surrounding spaces and tabs trimmed, as fetch does).
/// The error names the header but never shows the value.
pub(crate) fn header_value(name: &str, value: &str) -> Result<Rc<str>> {
    let trimmed = value.trim_matches([' ', '\t']);
    for c in trimmed.chars() {
        let problem = match c {
            '\r' | '\n' => "contains CR or LF",
            '\t' => continue,
            c if (c as u32) < 0x20 || c == '\u{7f}' => "contains a control character",
            c if (c as u32) > 0xff => "contains a character outside ISO-8859-1",
            _ => continue,
        };
        return Err(Error::new(
            Kind::InvalidHeader,
            crate::text::concat(&["invalid value for header `", name, "`: ", problem]),
        ));
    }
    Ok(trimmed.into())
}

#[derive(Clone, PartialEq, Eq)]
struct Entry {
    name: Rc<str>,
    value: Rc<str>,
    sensitive: bool,
}

/// An ordered multimap of validated headers. Cheap to clone.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    entries: Vec<Entry>,
}

impl HeaderMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn entry(name: &str, value: &str, sensitive: bool) -> Result<Entry> {
        let name = header_name(name)?;
        let value = header_value(&name, value)?;
        let sensitive = sensitive || SENSITIVE.contains(&&*name);
        Ok(Entry {
            name,
            value,
            sensitive,
        })
    }

    /// Set `name` to `value`, replacing any previous values.
    pub fn insert(&mut self, name: &str, value: &str) -> Result<()> {
        let entry = Self::entry(name, value, false)?;
        self.replace(entry);
        Ok(())
    }

    /// Like [`insert`](Self::insert), and the value is redacted in `Debug` and logs.
    pub fn insert_sensitive(&mut self, name: &str, value: &str) -> Result<()> {
        let entry = Self::entry(name, value, true)?;
        self.replace(entry);
        Ok(())
    }

    /// Add a value for `name`, keeping existing ones.
    pub fn append(&mut self, name: &str, value: &str) -> Result<()> {
        let entry = Self::entry(name, value, false)?;
        self.entries.push(entry);
        Ok(())
    }

    fn replace(&mut self, entry: Entry) {
        self.entries.retain(|e| e.name != entry.name);
        self.entries.push(entry);
    }

    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
            .map(|e| &*e.value)
    }

    /// All values of `name` (case-insensitive), in insertion order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |e| e.name.eq_ignore_ascii_case(name))
            .map(|e| &*e.value)
    }

    /// True if `name` has a value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Remove every value of `name`; true if there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| !e.name.eq_ignore_ascii_case(name));
        before != self.entries.len()
    }

    /// `(name, value)` pairs in order; names are lower-case.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|e| (&*e.name, &*e.value))
    }

    /// True if the value of `name` is treated as a secret.
    pub fn is_sensitive(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(name) && e.sensitive)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The headers as `name\nvalue\n` lines, the form `fetch.js` and `tokenfetch.js` take
    /// (validated values never contain a line break). With `redact_sensitive` the values of the
    /// headers marked sensitive are `[redacted]` (what the npm package's logger gets).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn to_lines(&self, redact_sensitive: bool) -> String {
        let mut lines = String::new();
        for (name, value) in self.iter() {
            let value = match redact_sensitive && self.is_sensitive(name) {
                true => "[redacted]",
                false => value,
            };
            for part in [name, "\n", value, "\n"] {
                lines.push_str(part);
            }
        }
        lines
    }

    /// Headers from `name\nvalue\n` lines a `fetch` response gave (see [`push_unchecked`]).
    ///
    /// [`push_unchecked`]: Self::push_unchecked
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn from_lines(lines: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let mut parts = crate::text::split_byte(lines, b'\n');
        while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
            headers.push_unchecked(name, value);
        }
        headers
    }

    /// Insert a value that was read from a trusted source (a `fetch` response) without the
    /// request-side validation.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn push_unchecked(&mut self, name: &str, value: &str) {
        let name: Rc<str> = name.to_ascii_lowercase().into();
        let sensitive = SENSITIVE.contains(&&*name);
        self.entries.push(Entry {
            name,
            value: value.into(),
            sensitive,
        });
    }
}

impl fmt::Debug for HeaderMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for e in &self.entries {
            if e.sensitive {
                m.entry(&&*e.name, &"[redacted]");
            } else {
                m.entry(&&*e.name, &&*e.value);
            }
        }
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_lines_hide_only_the_sensitive_values() {
        let mut h = HeaderMap::new();
        h.insert_sensitive("X-Key", "SECRET").unwrap();
        h.insert("accept", "application/json").unwrap();
        assert_eq!(
            h.to_lines(false),
            "x-key\nSECRET\naccept\napplication/json\n"
        );
        assert_eq!(
            h.to_lines(true),
            "x-key\n[redacted]\naccept\napplication/json\n"
        );
    }

    #[test]
    fn lines_round_trip_in_order_with_names_lower_cased() {
        let mut h = HeaderMap::new();
        h.insert("Accept", "application/json").unwrap();
        h.append("x-a", "1").unwrap();
        h.append("x-a", "2").unwrap();
        let lines = h.to_lines(false);
        assert_eq!(lines, "accept\napplication/json\nx-a\n1\nx-a\n2\n");
        let back = HeaderMap::from_lines(&lines.replace("accept", "Accept"));
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            h.iter().collect::<Vec<_>>()
        );
        // A dangling name without a value is dropped, never a panic.
        assert_eq!(HeaderMap::from_lines("x\n1\ny").len(), 1);
    }

    #[test]
    fn rejects_crlf_and_controls_in_values() {
        let mut h = HeaderMap::new();
        for bad in [
            "a\r\nx-evil: 1",
            "a\nb",
            "a\rb",
            "a\0b",
            "a\u{1}b",
            "a\u{7f}b",
            "snow ☃",
        ] {
            let err = h.insert("x-test", bad).unwrap_err();
            assert_eq!(err.kind(), Kind::InvalidHeader);
            assert!(!err.to_string().contains(bad), "value leaked: {err}");
        }
        assert!(h.is_empty());
    }

    #[test]
    fn rejects_bad_names() {
        let mut h = HeaderMap::new();
        for bad in ["", "x test", "x:y", "x\r\ny", "é", "(x)"] {
            assert_eq!(
                h.insert(bad, "v").unwrap_err().kind(),
                Kind::InvalidHeader,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn names_are_case_insensitive_and_values_trimmed() {
        let mut h = HeaderMap::new();
        h.insert("X-App", "  demo\t").unwrap();
        assert_eq!(h.get("x-app"), Some("demo"));
        h.insert("x-APP", "other").unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!(h.iter().next(), Some(("x-app", "other")));
        h.append("x-app", "two").unwrap();
        assert_eq!(h.get_all("X-App").collect::<Vec<_>>(), ["other", "two"]);
        assert!(h.remove("X-APP"));
        assert!(h.is_empty());
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut h = HeaderMap::new();
        h.insert("Authorization", "Bearer SECRET1").unwrap();
        h.insert("cookie", "sid=SECRET2").unwrap();
        h.insert_sensitive("x-api-key", "SECRET3").unwrap();
        h.insert("accept", "application/json").unwrap();
        let shown = format!("{h:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("application/json"));
        assert!(h.is_sensitive("X-Api-Key"));
    }
}
