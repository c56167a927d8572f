//! Unit tests of the token store.

use super::*;

fn store() -> TokenStore {
    TokenStore::new(Arc::new([7u8; 32]), "t1")
}

const NOW: i64 = 1_700_000_000_000;

#[tokio::test]
async fn login_token_is_valid_and_jwt_shaped() {
    let mut s = store();
    let issued = s.issue_family("alice", 300, true, NOW);
    assert_eq!(issued.access_token.split('.').count(), 3);
    let payload = issued.access_token.split('.').nth(1).unwrap();
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(payload["sub"], "alice");
    assert_eq!(payload["tenant"], "t1");
    assert_eq!(payload["gen"], 1);
    assert_eq!(payload["exp"], NOW / 1000 + 300);
    assert!(issued.refresh_token.as_deref().unwrap().starts_with("rt_"));
    let (class, claims) = s.classify(Some(&issued.access_token), NOW, false);
    assert_eq!(class, AuthClass::Valid);
    assert_eq!(claims.unwrap().sub, "alice");
}

#[tokio::test]
async fn rotation_is_single_use_and_reuse_revokes_family() {
    let mut s = store();
    let first = s.issue_family("bob", 300, true, NOW);
    let rt1 = first.refresh_token.clone().unwrap();
    let second = s.refresh(&rt1, 300, NOW).expect("first use rotates");
    let rt2 = second.refresh_token.clone().unwrap();
    assert_ne!(rt1, rt2);
    let (class, claims) = s.classify(Some(&second.access_token), NOW, false);
    assert_eq!(class, AuthClass::Valid);
    assert_eq!(claims.unwrap().generation, 2);

    assert_eq!(s.refresh(&rt1, 300, NOW).unwrap_err(), RefreshError::Reused);
    // Whole family is gone: access tokens of every generation and the newest refresh token.
    assert_eq!(
        s.classify(Some(&second.access_token), NOW, false).0,
        AuthClass::Stale
    );
    assert_eq!(
        s.classify(Some(&first.access_token), NOW, false).0,
        AuthClass::Stale
    );
    assert_eq!(
        s.refresh(&rt2, 300, NOW).unwrap_err(),
        RefreshError::Revoked
    );
}

#[tokio::test]
async fn other_families_survive_a_revocation() {
    let mut s = store();
    let a = s.issue_family("a", 300, true, NOW);
    let b = s.issue_family("b", 300, true, NOW);
    assert!(s.revoke_by_refresh(a.refresh_token.as_deref().unwrap()));
    assert_eq!(
        s.classify(Some(&a.access_token), NOW, false).0,
        AuthClass::Stale
    );
    assert_eq!(
        s.classify(Some(&b.access_token), NOW, false).0,
        AuthClass::Valid
    );
    assert!(!s.revoke_by_refresh("rt_nope"));
}

#[tokio::test]
async fn expiry_classification() {
    let mut s = store();
    let expired = s.issue_family("c", -10, true, NOW);
    assert_eq!(
        s.classify(Some(&expired.access_token), NOW, false).0,
        AuthClass::Stale
    );
    let fresh = s.issue_family("c", 60, true, NOW);
    assert_eq!(
        s.classify(Some(&fresh.access_token), NOW + 59_999, false).0,
        AuthClass::Valid
    );
    assert_eq!(
        s.classify(Some(&fresh.access_token), NOW + 60_000, false).0,
        AuthClass::Stale
    );
    s.expire_all(NOW);
    assert_eq!(
        s.classify(Some(&fresh.access_token), NOW, false).0,
        AuthClass::Stale
    );
    // Refresh tokens survive expiry of access tokens.
    let renewed = s
        .refresh(fresh.refresh_token.as_deref().unwrap(), 60, NOW)
        .unwrap();
    assert_eq!(
        s.classify(Some(&renewed.access_token), NOW, false).0,
        AuthClass::Valid
    );
}

#[tokio::test]
async fn unknown_and_foreign_tokens_are_invalid() {
    let mut s = store();
    let mut other = TokenStore::new(Arc::new([7u8; 32]), "t2");
    let foreign = other.issue_family("x", 300, true, NOW);
    assert_eq!(s.classify(None, NOW, false).0, AuthClass::None);
    assert_eq!(
        s.classify(Some("garbage"), NOW, false).0,
        AuthClass::Invalid
    );
    assert_eq!(
        s.classify(Some(&foreign.access_token), NOW, false).0,
        AuthClass::Invalid
    );
    let rt = foreign.refresh_token.unwrap();
    assert_eq!(s.refresh(&rt, 300, NOW).unwrap_err(), RefreshError::Unknown);
}

#[tokio::test]
async fn superseded_tokens_only_stale_when_configured() {
    let mut s = store();
    let first = s.issue_family("d", 300, true, NOW);
    s.refresh(first.refresh_token.as_deref().unwrap(), 300, NOW)
        .unwrap();
    assert_eq!(
        s.classify(Some(&first.access_token), NOW, false).0,
        AuthClass::Valid
    );
    assert_eq!(
        s.classify(Some(&first.access_token), NOW, true).0,
        AuthClass::Stale
    );
}

#[tokio::test]
async fn mint_without_refresh_token() {
    let mut s = store();
    let issued = s.issue_family("u", 5, false, NOW);
    assert!(issued.refresh_token.is_none());
    assert!(issued.to_json().get("refresh_token").is_none());
    assert_eq!(issued.to_json()["expires_in"], 5);
}
