//! Reading the `exp` claim of a JWT-shaped access token (no signature check: that is the
//! server's job; we only want to know whether to refresh before sending).

use crate::prelude::*;

use crate::http::json;

fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in input.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The `exp` claim (seconds since the Unix epoch) of a JWT, or `None` when the token is not a
/// JWT, its payload is not JSON, or it has no numeric `exp`.
pub(crate) fn expires_at(token: &str) -> Option<f64> {
    let mut parts = crate::text::split_byte(token, b'.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 16 * 1024 {
        return None;
    }
    let bytes = base64url_decode(payload)?;
    let text = core::str::from_utf8(&bytes).ok()?;
    json::number_at(text, "exp").ok()?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
        let mut out = String::new();
        for chunk in b.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn reads_exp_from_a_jwt() {
        let token = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"HS256"}"#),
            b64(r#"{"sub":"a","exp":1700000000}"#)
        );
        assert_eq!(expires_at(&token), Some(1_700_000_000.0));
    }

    #[test]
    fn non_jwts_have_no_expiry() {
        let no_exp = format!("h.{}.s", b64(r#"{"sub":"a"}"#));
        let str_exp = format!("h.{}.s", b64(r#"{"exp":"soon"}"#));
        for token in [
            "opaque-token",
            "a.b",
            "a.b.c.d",
            "h.!!!.s",
            "h.bm90IGpzb24.s",
            &no_exp,
            &str_exp,
        ] {
            assert_eq!(expires_at(token), None, "{token}");
        }
    }
}
