//! Building messages without the formatting machinery (`format!` pulls `core::fmt` into every
//! call site of the npm build): concatenation and decimal numbers.

use crate::prelude::*;

/// Where `needle` first occurs in `hay` (a plain byte search: `str::find` with a `&str` pattern
/// brings the two-way searcher into the npm build, 2 KB).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// True if `s` contains any of the ASCII bytes in `set` (`str::contains` with a `char` pattern
/// brings a searcher whose slicing can panic; see [`split_at`]).
pub(crate) fn has_any(s: &str, set: &[u8]) -> bool {
    s.bytes().any(|b| is_one_of(b, set))
}

/// True if `b` is in `set` (`<[u8]>::contains` is `memchr`, 0.35 KB of wasm for a few bytes).
#[allow(clippy::manual_contains)]
pub(crate) fn is_one_of(b: u8, set: &[u8]) -> bool {
    set.iter().any(|&x| x == b)
}

/// `s` split around the first `byte` (ASCII), without it (`str::split_once` with a `char`
/// brings the `char` searcher and `memchr` into the npm build).
pub(crate) fn split_once_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == byte)?;
    let (head, tail) = split_at(s, at);
    Some((head, tail.get(1..)?))
}

/// The pieces of `s` between occurrences of `byte` (ASCII), as `str::split` with a `char`.
pub(crate) fn split_byte(s: &str, byte: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    core::iter::from_fn(move || {
        let r = rest?;
        match split_once_byte(r, byte) {
            Some((head, tail)) => {
                rest = Some(tail);
                Some(head)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// `s` without `byte` (ASCII) at either end, as `str::trim_matches` with a `char`.
pub(crate) fn trim_byte(s: &str, byte: u8) -> &str {
    let start = s.bytes().position(|b| b != byte).unwrap_or(s.len());
    let end = s.bytes().rposition(|b| b != byte).map_or(start, |i| i + 1);
    s.get(start..end).unwrap_or("")
}

/// `s` split around the last `byte` (ASCII), without it (`str::rsplit_once` with a `char`
/// brings a reverse searcher into the npm build, 0.6 KB).
pub(crate) fn rsplit_once_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let at = s.bytes().rposition(|b| b == byte)?;
    let (head, tail) = split_at(s, at);
    Some((head, tail.get(1..)?))
}

/// `s` split at byte `i`; `(s, "")` when `i` is past the end or inside a character. Indexing a
/// `str` panics there instead, and its panic message pulls `char`'s `Debug` and Unicode tables
/// into the npm build: string code in the engine slices with `get`, never `[..]`.
pub(crate) fn split_at(s: &str, i: usize) -> (&str, &str) {
    match (s.get(..i), s.get(i..)) {
        (Some(head), Some(tail)) => (head, tail),
        _ => (s, ""),
    }
}

/// Append `s` percent-encoded (upper-case hex, as `URLSearchParams` writes it): bytes for which
/// `keep` holds stay as they are; a space becomes `+` if `plus_for_space`.
pub(crate) fn percent_encode(
    s: &str,
    out: &mut String,
    keep: fn(u8) -> bool,
    plus_for_space: bool,
) {
    for b in s.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else if b == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push('%');
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 15));
        }
    }
}

/// The upper-case hex digit of `n` (0 to 15).
pub(crate) fn hex_digit(n: u8) -> char {
    char::from(b"0123456789ABCDEF"[usize::from(n & 15)])
}

/// The parts, joined.
pub(crate) fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Append `n` in decimal.
pub(crate) fn push_number(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// `n` in decimal.
pub(crate) fn number(n: u64) -> String {
    let mut out = String::new();
    push_number(&mut out, n);
    out
}

/// Standard base64 with padding (RFC 4648 §4), for `Authorization: Basic`.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &b)| a | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_joins_match_format() {
        for n in [0u64, 7, 42, 599, 65535, u64::MAX] {
            assert_eq!(number(n), n.to_string());
        }
        assert_eq!(concat(&["a", "", "bc", "→"]), "abc→");
        for (raw, b64) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ] {
            assert_eq!(base64(raw.as_bytes()), b64);
        }
    }

    #[test]
    fn searches_agree_with_std_and_never_panic() {
        for (hay, needle) in [
            ("a://b", "://"),
            ("abc", ""),
            ("", "x"),
            ("ééx", "x"),
            ("xx", "xxx"),
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
        }
        assert!(has_any("a?b", b"#?") && !has_any("ab", b"#?"));
        assert_eq!(rsplit_once_byte("[::1]:80", b':'), Some(("[::1]", "80")));
        assert_eq!(rsplit_once_byte("u@h@x", b'@'), Some(("u@h", "x")));
        assert_eq!(rsplit_once_byte("none", b':'), None);
        assert_eq!(split_once_byte("a=b=c", b'='), Some(("a", "b=c")));
        assert_eq!(split_once_byte("é=ü", b'='), Some(("é", "ü")));
        assert_eq!(split_once_byte("none", b'='), None);
        for (s, b) in [
            ("a\nb\n", b'\n'),
            ("", b'\n'),
            ("x", b'.'),
            ("..a..", b'.'),
            ("é.ü", b'.'),
        ] {
            let ours: Vec<&str> = split_byte(s, b).collect();
            let std: Vec<&str> = s.split(char::from(b)).collect();
            assert_eq!(ours, std, "{s:?}");
        }
        for s in ["", " ", "  a b  ", "a", " é "] {
            assert_eq!(trim_byte(s, b' '), s.trim_matches(' '), "{s:?}");
        }
        // Inside a character or past the end: the whole string, not a panic.
        assert_eq!(split_at("é", 1), ("é", ""));
        assert_eq!(split_at("ab", 9), ("ab", ""));
        assert_eq!(split_at("ab", 1), ("a", "b"));
    }
}
