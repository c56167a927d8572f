//! A very small JSON reader/writer for token responses, JWT payloads and log redaction.
//!
//! The auth code must parse refresh responses in every build, including the npm build that
//! leaves serde out for size. This reads any valid JSON into [`Value`] and refuses anything
//! else with an error; it never panics and bounds nesting depth.

use crate::prelude::*;

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// The value, and the number as it was written (logs show it exactly).
    Number(f64, Box<str>),
    String(String),
    Array(Vec<Value>),
    /// Members in document order, duplicates kept; lookups see the last one (as
    /// `JSON.parse` does). Appending without a duplicate check keeps parsing linear.
    Object(Vec<(String, Value)>),
}

impl Value {
    #[cfg(any(test, not(target_arch = "wasm32")))]
    /// Follow a dotted path of object keys (`"data.access_token"`).
    pub fn path(&self, path: &str) -> Option<&Value> {
        crate::text::split_byte(path, b'.').try_fold(self, |v, key| match v {
            Value::Object(members) => members.iter().rfind(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        })
    }

    #[cfg(any(test, not(target_arch = "wasm32")))]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    #[cfg(any(test, not(target_arch = "wasm32")))]
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n, _) => Some(*n),
            _ => None,
        }
    }

    /// Replace the value of every object key for which `secret(key)` holds (any depth) with
    /// `"[redacted]"`.
    pub fn redact(&mut self, secret: &dyn Fn(&str) -> bool) {
        match self {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    if secret(key) {
                        *value = Value::String("[redacted]".into());
                    } else {
                        value.redact(secret);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| v.redact(secret)),
            _ => {}
        }
    }

    /// Write as compact JSON.
    pub fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(_, text) => out.push_str(text),
            Value::String(s) => quote(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quote(key, out);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// The string at the dotted `path` of the JSON `text` (`None`: no string there); `Err` when
/// `text` is not JSON. In the browser the platform's `JSON.parse` reads it
/// (`rt::fetch::json_string`: the reader below is 2.7 KB gzip of wasm that the npm package then
/// leaves out).
pub(crate) fn string_at(text: &str, path: &str) -> Result<Option<String>, Invalid> {
    #[cfg(target_arch = "wasm32")]
    return crate::rt::fetch::json_string(text, path).map_err(|()| Invalid);
    #[cfg(not(target_arch = "wasm32"))]
    return parse(text).map(|v| v.path(path).and_then(Value::as_str).map(str::to_string));
}

/// The number at the dotted `path` of the JSON `text`, as [`string_at`] reads it.
pub(crate) fn number_at(text: &str, path: &str) -> Result<Option<f64>, Invalid> {
    #[cfg(target_arch = "wasm32")]
    return crate::rt::fetch::json_number(text, path).map_err(|()| Invalid);
    #[cfg(not(target_arch = "wasm32"))]
    return parse(text).map(|v| v.path(path).and_then(Value::as_f64));
}

const MAX_DEPTH: usize = 64;

/// Not valid JSON. Callers say what they expected in their own words; the parser's reasons
/// would be ~0.4 KB of strings in the npm build that no message ever showed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// Parse a complete JSON text.
pub(crate) fn parse(text: &str) -> Result<Value, Invalid> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.ws();
    if p.pos != p.bytes.len() {
        return Err(Invalid);
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> Result<(), Invalid> {
        if self.bytes[self.pos..].starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(Invalid)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Invalid> {
        if depth > MAX_DEPTH {
            return Err(Invalid);
        }
        self.ws();
        match self.bytes.get(self.pos) {
            None => Err(Invalid),
            Some(b'n') => self.eat("null").map(|_| Value::Null),
            Some(b't') => self.eat("true").map(|_| Value::Bool(true)),
            Some(b'f') => self.eat("false").map(|_| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(Invalid),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut map: Vec<(String, Value)> = Vec::new();
                self.ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                loop {
                    self.ws();
                    if self.bytes.get(self.pos) != Some(&b'"') {
                        return Err(Invalid);
                    }
                    let key = self.string()?;
                    self.ws();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return Err(Invalid);
                    }
                    self.pos += 1;
                    let value = self.value(depth + 1)?;
                    map.push((key, value));
                    self.ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Value::Object(map));
                        }
                        _ => return Err(Invalid),
                    }
                }
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(Invalid),
        }
    }

    /// A JSON number. Computed by hand rather than with `str::parse::<f64>`, whose tables add
    /// ~18 KB to the wasm; exact for integers up to 2^53, close enough for `exp`/`expires_in`.
    fn number(&mut self) -> Result<Value, Invalid> {
        let bytes = self.bytes;
        let start = self.pos;
        let mut i = self.pos;
        let negative = bytes.get(i) == Some(&b'-');
        i += usize::from(negative);
        let digits = |i: &mut usize| {
            let start = *i;
            while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            &bytes[start..*i]
        };
        let int = digits(&mut i);
        if int.is_empty() || (int.len() > 1 && int[0] == b'0') {
            return Err(Invalid);
        }
        let mut frac: &[u8] = &[];
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            frac = digits(&mut i);
            if frac.is_empty() {
                return Err(Invalid);
            }
        }
        let mut exp: i32 = 0;
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            let sign = match bytes.get(i) {
                Some(b'-') => -1,
                Some(b'+') => 1,
                _ => 0,
            };
            i += usize::from(sign != 0);
            let e = digits(&mut i);
            if e.is_empty() {
                return Err(Invalid);
            }
            // Saturating (leading zeros count for nothing): far past any f64 either way.
            let e = e
                .iter()
                .fold(0i32, |a, d| (a * 10 + i32::from(d - b'0')).min(99_999));
            exp = if sign < 0 { -e } else { e };
        }
        self.pos = i;
        let mantissa = int
            .iter()
            .chain(frac)
            .fold(0f64, |a, d| a * 10.0 + f64::from(d - b'0'));
        let scale = exp.saturating_sub(frac.len().min(99_999) as i32);
        let n = if mantissa == 0.0 {
            0.0
        } else if scale < -300 {
            // In two steps: 10^-scale alone would overflow (1e-320 is a subnormal, not 0).
            mantissa / 1e300 / crate::float::powi(10.0, -scale - 300)
        } else if scale < 0 {
            mantissa / crate::float::powi(10.0, -scale)
        } else {
            mantissa * crate::float::powi(10.0, scale)
        };
        if !n.is_finite() {
            return Err(Invalid);
        }
        // Only ASCII digits, signs, '.', 'e' were consumed: valid UTF-8.
        let text = core::str::from_utf8(&bytes[start..i]).unwrap_or("0");
        Ok(Value::Number(if negative { -n } else { n }, text.into()))
    }

    fn hex4(&mut self) -> Result<u32, Invalid> {
        let digits = self.bytes.get(self.pos..self.pos + 4).ok_or(Invalid)?;
        let mut n = 0;
        for d in digits {
            n = n * 16 + (*d as char).to_digit(16).ok_or(Invalid)?;
        }
        self.pos += 4;
        Ok(n)
    }

    fn string(&mut self) -> Result<String, Invalid> {
        self.pos += 1; // opening quote
        let mut out = Vec::new();
        loop {
            let b = *self.bytes.get(self.pos).ok_or(Invalid)?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|_| Invalid),
                b'\\' => {
                    let e = *self.bytes.get(self.pos).ok_or(Invalid)?;
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                self.eat("\\u").map_err(|_| Invalid)?;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(Invalid);
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or(Invalid)?
                        }
                        _ => return Err(Invalid),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return Err(Invalid),
                _ => out.push(b),
            }
        }
    }
}

/// Write `s` as a JSON string literal (quotes included).
pub(crate) fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                // Lower case, as `JSON.stringify` and serde_json write it.
                out.push(crate::text::hex_digit(c as u8 >> 4).to_ascii_lowercase());
                out.push(crate::text::hex_digit(c as u8).to_ascii_lowercase());
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_token_responses() {
        for (text, n) in [
            ("0", 0.0),
            ("-12", -12.0),
            ("1700000000", 1.7e9),
            ("2.5e1", 25.0),
            ("1E-2", 0.01),
            ("3.25", 3.25),
            // Leading zeros in the exponent count for nothing (it once read 1e0000001 as 1).
            ("1e0000001", 10.0),
            ("0e1234567", 0.0),
            ("1e-320", 1e-320),
            ("5e-324", 5e-324),
            ("1e-999999", 0.0),
        ] {
            assert_eq!(parse(text).unwrap().as_f64(), Some(n), "{text}");
        }
        let v = parse(r#" {"access_token":"a.b.c","expires_in":300,"data":{"x":[1,2.5e1,true,null]},"s":"\u00e9\ud83d\ude00\n"} "#).unwrap();
        assert_eq!(
            v.path("access_token").and_then(Value::as_str),
            Some("a.b.c")
        );
        assert_eq!(v.path("expires_in").and_then(Value::as_f64), Some(300.0));
        assert_eq!(v.path("s").and_then(Value::as_str), Some("é😀\n"));
        assert!(v.path("data.x").is_some());
        assert!(v.path("data.x.y").is_none());
    }

    #[test]
    fn refuses_garbage_without_panicking() {
        for bad in [
            "",
            "not json{",
            "{",
            "{\"a\"",
            "{\"a\":}",
            "[1,]",
            "\"\\ud800\"",
            "01x",
            "01",
            "1.",
            "-",
            "1e",
            ".5",
            "1.e3",
            "1e999",
            "{\"a\":1}}",
            "\"\u{1}\"",
            "nul",
            "[[[[",
            "\"\\u12\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let v = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(v.path("a").and_then(Value::as_f64), Some(3.0));
        // Written as it was sent (both redacted alike when the key is sensitive).
        let mut out = String::new();
        v.write(&mut out);
        assert_eq!(out, r#"{"a":1,"b":2,"a":3}"#);
        let mut secret = parse(r#"{"password":"x","password":"y"}"#).unwrap();
        secret.redact(&|k| k == "password");
        let mut out = String::new();
        secret.write(&mut out);
        assert!(!out.contains('x') && !out.contains('y'), "{out}");
    }

    #[test]
    fn many_keys_parse_in_linear_time() {
        // 40,000 keys took seconds when each key was compared with all earlier ones.
        let mut text = String::from("{");
        for i in 0..40_000 {
            text.push_str(&format!("\"k{i}\":{i},"));
        }
        text.push_str("\"last\":true}");
        let v = parse(&text).unwrap();
        assert_eq!(v.path("k39999").and_then(Value::as_f64), Some(39999.0));
    }

    #[test]
    fn redact_and_write() {
        let mut v = parse(
            r#"{"user":{"Password":"pw","name":"a"},"list":[{"access_token":"t"}],"n":1.5,"m":-2}"#,
        )
        .unwrap();
        v.redact(&|k| k.eq_ignore_ascii_case("password") || k == "access_token");
        let mut out = String::new();
        v.write(&mut out);
        assert_eq!(
            out,
            r#"{"user":{"Password":"[redacted]","name":"a"},"list":[{"access_token":"[redacted]"}],"n":1.5,"m":-2}"#
        );
    }

    #[test]
    fn numbers_are_written_as_they_were_read() {
        // The float printer this replaced wrote 1.0000001 as `1.` and 1e300 as `1e16`.
        for text in [
            "1.0000001",
            "1e300",
            "-0.5",
            "12345678901234567890",
            "3",
            "1E-7",
            "-0",
        ] {
            let mut out = String::new();
            parse(text).unwrap().write(&mut out);
            assert_eq!(out, text);
        }
        // The value itself is computed by hand: close, not always exact (see `number`).
        let n = parse("1e300").unwrap().as_f64().unwrap();
        assert!((n / 1e300 - 1.0).abs() < 1e-12, "{n}");
    }

    #[test]
    fn quote_round_trips() {
        let mut out = String::new();
        quote("a\"b\\c\n\u{1}é\u{1f}", &mut out);
        assert_eq!(parse(&out).unwrap().as_str(), Some("a\"b\\c\n\u{1}é\u{1f}"));
        // As JSON.stringify writes control characters.
        assert!(out.ends_with("\\u001f\""), "{out}");
    }
}
