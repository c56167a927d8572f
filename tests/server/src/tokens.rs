//! Token issuing, rotation and validation (pure logic, no I/O).
//!
//! Access tokens are HS256 JWTs; refresh tokens are opaque `rt_<hex>` strings.
//! Validity is always decided by the server-side records kept here.

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// How a bearer token presented to the server classifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthClass {
    /// No `Authorization: Bearer` header.
    None,
    /// Issued here for this tenant, family not revoked, not expired.
    Valid,
    /// Issued here for this tenant, but expired, superseded or revoked.
    Stale,
    /// Not an access token this tenant issued.
    Invalid,
}

impl AuthClass {
    /// The lower-case name used in stats.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthClass::None => "none",
            AuthClass::Valid => "valid",
            AuthClass::Stale => "stale",
            AuthClass::Invalid => "invalid",
        }
    }
}

/// Who a valid access token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The user name the family was started for.
    pub sub: String,
    /// Token family id.
    pub family: u64,
    /// Generation within the family (1 for login).
    pub generation: u32,
}

/// A freshly issued token pair, answered like an OAuth token response.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The JWT-shaped access token.
    pub access_token: String,
    /// The opaque refresh token, if one was issued.
    pub refresh_token: Option<String>,
    /// Access token TTL in seconds (may be negative).
    pub expires_in: i64,
}

impl Issued {
    /// The OAuth token response body.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        });
        if let (Some(rt), Value::Object(map)) = (&self.refresh_token, &mut v) {
            map.insert("refresh_token".into(), Value::String(rt.clone()));
        }
        v
    }
}

/// Why a refresh was refused (all answered as `invalid_grant`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshError {
    /// Never issued by this tenant.
    Unknown,
    /// Already used: the whole family has now been revoked.
    Reused,
    /// The family was revoked earlier (logout or reuse).
    Revoked,
}

#[derive(Debug)]
struct Family {
    sub: String,
    generation: u32,
    revoked: bool,
}

#[derive(Debug)]
struct AccessRecord {
    family: u64,
    generation: u32,
    exp_ms: i64,
}

#[derive(Debug)]
struct RefreshRecord {
    family: u64,
    used: bool,
}

/// All tokens of one tenant.
#[derive(Debug)]
pub struct TokenStore {
    secret: Arc<[u8; 32]>,
    tenant: String,
    families: HashMap<u64, Family>,
    access: HashMap<String, AccessRecord>,
    refresh: HashMap<String, RefreshRecord>,
    next_family: u64,
}

/// Random lower-case hex string of `bytes` random bytes.
pub fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

impl TokenStore {
    /// An empty store signing with `secret` for `tenant`.
    pub fn new(secret: Arc<[u8; 32]>, tenant: &str) -> Self {
        Self {
            secret,
            tenant: tenant.to_string(),
            families: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            next_family: 1,
        }
    }

    /// Starts a new family (generation 1) for `sub`.
    pub fn issue_family(&mut self, sub: &str, ttl_secs: i64, refresh: bool, now_ms: i64) -> Issued {
        let family = self.next_family;
        self.next_family += 1;
        self.families.insert(
            family,
            Family {
                sub: sub.to_string(),
                generation: 1,
                revoked: false,
            },
        );
        self.issue(family, ttl_secs, refresh, now_ms)
    }

    fn issue(&mut self, family: u64, ttl_secs: i64, refresh: bool, now_ms: i64) -> Issued {
        let (sub, generation) = match self.families.get(&family) {
            Some(f) => (f.sub.clone(), f.generation),
            None => (String::new(), 0),
        };
        let exp_ms = now_ms.saturating_add(ttl_secs.saturating_mul(1000));
        let payload = json!({
            "sub": sub, "tenant": self.tenant, "fam": family, "gen": generation,
            "iat": now_ms.div_euclid(1000), "exp": exp_ms.div_euclid(1000), "jti": random_hex(8),
        });
        let access_token = self.sign(&payload);
        let record = AccessRecord {
            family,
            generation,
            exp_ms,
        };
        self.access.insert(access_token.clone(), record);
        let refresh_token = refresh.then(|| {
            let rt = format!("rt_{}", random_hex(16));
            let record = RefreshRecord {
                family,
                used: false,
            };
            self.refresh.insert(rt.clone(), record);
            rt
        });
        Issued {
            access_token,
            refresh_token,
            expires_in: ttl_secs,
        }
    }

    fn sign(&self, payload: &Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(payload.to_string());
        let signing_input = format!("{header}.{body}");
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret[..]).expect("any key length");
        mac.update(signing_input.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{sig}")
    }

    /// Rotates a refresh token: single use, reuse revokes the whole family.
    pub fn refresh(
        &mut self,
        token: &str,
        ttl_secs: i64,
        now_ms: i64,
    ) -> Result<Issued, RefreshError> {
        let record = self.refresh.get_mut(token).ok_or(RefreshError::Unknown)?;
        let family_id = record.family;
        let family = self
            .families
            .get_mut(&family_id)
            .ok_or(RefreshError::Unknown)?;
        if family.revoked {
            return Err(RefreshError::Revoked);
        }
        if record.used {
            family.revoked = true;
            return Err(RefreshError::Reused);
        }
        record.used = true;
        family.generation += 1;
        Ok(self.issue(family_id, ttl_secs, true, now_ms))
    }

    /// Revokes the family of a refresh token; false if the token is unknown.
    pub fn revoke_by_refresh(&mut self, token: &str) -> bool {
        let Some(record) = self.refresh.get(token) else {
            return false;
        };
        if let Some(family) = self.families.get_mut(&record.family) {
            family.revoked = true;
        }
        true
    }

    /// Makes every access token issued so far expire at `now_ms`.
    pub fn expire_all(&mut self, now_ms: i64) {
        for record in self.access.values_mut() {
            record.exp_ms = record.exp_ms.min(now_ms);
        }
    }

    /// Classifies a presented access token (`None` = no bearer token at all).
    pub fn classify(
        &self,
        token: Option<&str>,
        now_ms: i64,
        revoke_superseded: bool,
    ) -> (AuthClass, Option<Claims>) {
        let Some(token) = token else {
            return (AuthClass::None, None);
        };
        let Some(record) = self.access.get(token) else {
            return (AuthClass::Invalid, None);
        };
        let Some(family) = self.families.get(&record.family) else {
            return (AuthClass::Invalid, None);
        };
        let superseded = revoke_superseded && record.generation < family.generation;
        if family.revoked || superseded || now_ms >= record.exp_ms {
            return (AuthClass::Stale, None);
        }
        let claims = Claims {
            sub: family.sub.clone(),
            family: record.family,
            generation: record.generation,
        };
        (AuthClass::Valid, Some(claims))
    }
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
