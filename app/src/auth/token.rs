//! JSON Web Tokens: issuing ours (EdDSA via jsonwebtoken) and checking any.
//!
//! Checking is done here rather than with `jsonwebtoken::decode`, because API.md asks
//! to accept `alg: "Ed25519"` (RFC 9864's name, used by Better Auth) beside `EdDSA`,
//! which jsonwebtoken's `Algorithm` cannot parse, and ES512, which it does not offer.
//! The path stays short: a header naming an algorithm outside `jwk::Algorithm` is
//! refused before any key is looked at; the key chosen by (`iss`, `kid`) must be one of
//! the algorithm the header names, and verifies the signature (`jwk::PublicKey`); only
//! then are the claims trusted.

use super::{
    jwk::{Algorithm, PublicKey},
    keys::KeyPair,
};
use crate::error::AppError;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};
use std::{collections::HashSet, sync::Mutex};

/// Tolerance for clocks that disagree a little, on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: i64 = 30;
/// Longer tokens are refused before any decoding.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Why a token was refused. Logged at debug level, never told to the client: every
/// refusal is the same 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    Algorithm,
    UnknownIssuer,
    UnknownKey,
    Signature,
    Expired,
    NotYetValid,
    Audience,
    Subject,
    /// An `email` or `name` that breaks the rules our own accounts keep.
    Profile,
    MissingTokenId,
}

impl From<Rejection> for AppError {
    fn from(rejection: Rejection) -> Self {
        tracing::debug!(?rejection, "token refused");
        AppError::Unauthorized
    }
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    /// Extensions that a verifier must understand (RFC 7515 §4.1.11); we know none.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, expected: &str) -> bool {
        match self {
            Audience::One(aud) => aud == expected,
            Audience::Many(auds) => auds.iter().any(|aud| aud == expected),
        }
    }
}

/// The claims we read. Others are ignored; `email` and `name` of another type than
/// string count as missing.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, deserialize_with = "string_or_none")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "string_or_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub iat: Option<i64>,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    pub iss: String,
    pub aud: Audience,
    #[serde(default, deserialize_with = "string_or_none")]
    pub jti: Option<String>,
}

fn string_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

/// A token split and decoded, its signature not yet checked: nothing in it is trusted.
#[derive(Debug)]
pub struct Unverified<'a> {
    signing_input: &'a str,
    signature: Vec<u8>,
    alg: Algorithm,
    pub kid: String,
    pub claims: Claims,
}

fn decode_part(part: &str) -> Result<Vec<u8>, Rejection> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| Rejection::Malformed)
}

pub fn parse(token: &str) -> Result<Unverified<'_>, Rejection> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Rejection::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed);
    };
    let header: Header =
        serde_json::from_slice(&decode_part(header)?).map_err(|_| Rejection::Malformed)?;
    // `none`, HMAC and every other name are refused before any key is looked at.
    let alg = Algorithm::named(&header.alg).ok_or(Rejection::Algorithm)?;
    if header.crit.is_some() {
        return Err(Rejection::Malformed);
    }
    let kid = header.kid.ok_or(Rejection::UnknownKey)?;
    let signature = decode_part(signature)?;
    if signature.is_empty() {
        return Err(Rejection::Malformed);
    }
    let claims: Claims =
        serde_json::from_slice(&decode_part(payload)?).map_err(|_| Rejection::Malformed)?;
    let signing_input = &token[..token.len() - signature_len(token)];
    Ok(Unverified {
        signing_input,
        signature,
        alg,
        kid,
        claims,
    })
}

/// Length of the signature segment with its leading dot.
fn signature_len(token: &str) -> usize {
    token.rsplit('.').next().map_or(0, |s| s.len() + 1)
}

impl Unverified<'_> {
    /// Checks the signature, then the time, audience and subject claims.
    pub fn verify(self, key: &PublicKey, audience: &str, now: i64) -> Result<Claims, Rejection> {
        self.check_signature(key)?;
        self.into_claims(audience, now)
    }

    /// As `verify`, but a signature that `memo` has seen verify with this key is not
    /// checked again; one that verifies now is remembered.
    pub fn verify_remembering(
        self,
        key: &PublicKey,
        audience: &str,
        now: i64,
        memo: &SignatureMemo,
    ) -> Result<Claims, Rejection> {
        if key.algorithm() != self.alg {
            return Err(Rejection::Algorithm);
        }
        let id = SignatureMemo::id(key, self.signing_input, &self.signature);
        if !memo.holds(&id) {
            self.check_signature(key)?;
            memo.remember(id);
        }
        self.into_claims(audience, now)
    }

    /// The key must be one of the header's algorithm (RFC 8725 §3.1), and verify.
    fn check_signature(&self, key: &PublicKey) -> Result<(), Rejection> {
        if key.algorithm() != self.alg {
            return Err(Rejection::Algorithm);
        }
        if key.verify(self.signing_input.as_bytes(), &self.signature) {
            Ok(())
        } else {
            Err(Rejection::Signature)
        }
    }

    /// The time, audience and subject claims, once the signature holds.
    fn into_claims(self, audience: &str, now: i64) -> Result<Claims, Rejection> {
        let claims = self.claims;
        if now > claims.exp.saturating_add(LEEWAY_SECS) {
            return Err(Rejection::Expired);
        }
        if claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(LEEWAY_SECS))
            || claims
                .iat
                .is_some_and(|iat| iat > now.saturating_add(LEEWAY_SECS))
        {
            return Err(Rejection::NotYetValid);
        }
        if !claims.aud.contains(audience) {
            return Err(Rejection::Audience);
        }
        if !is_valid_subject(&claims.sub) {
            return Err(Rejection::Subject);
        }
        Ok(claims)
    }
}

/// Signatures seen to verify lately. A token comes with every request of its session,
/// and its signature check (for Ed25519, a sixth of the server's CPU on a list request)
/// gives the same answer every time for the same token and key. So a success is
/// remembered under SHA-256 of the key, the signed part and the signature; the claims (times, audience,
/// subject) are still checked on every request, and the sign-out by the gate.
pub struct SignatureMemo {
    seen: Mutex<HashSet<[u8; 32]>>,
}

impl SignatureMemo {
    /// About 50 bytes each. When full it starts over: at worst, every check is made.
    pub const CAPACITY: usize = 8192;

    pub fn new() -> Self {
        SignatureMemo {
            seen: Mutex::new(HashSet::new()),
        }
    }

    fn id(key: &PublicKey, signing_input: &str, signature: &[u8]) -> [u8; 32] {
        let mut digest = Sha256::new();
        digest.update(key.id());
        digest.update(signing_input.as_bytes());
        digest.update(signature);
        digest.finalize().into()
    }

    fn seen(&self) -> std::sync::MutexGuard<'_, HashSet<[u8; 32]>> {
        // A panic while holding the lock cannot leave the set half-changed.
        self.seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn holds(&self, id: &[u8; 32]) -> bool {
        self.seen().contains(id)
    }

    fn remember(&self, id: [u8; 32]) {
        let mut seen = self.seen();
        if seen.len() >= Self::CAPACITY {
            seen.clear();
        }
        seen.insert(id);
    }

    pub fn len(&self) -> usize {
        self.seen().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for SignatureMemo {
    fn default() -> Self {
        Self::new()
    }
}

/// API.md: 1 to 255 printable ASCII characters, no spaces.
pub fn is_valid_subject(sub: &str) -> bool {
    (1..=255).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_graphic())
}

#[derive(Serialize)]
struct OwnClaims<'a> {
    sub: &'a str,
    email: &'a str,
    name: &'a str,
    iat: i64,
    exp: i64,
    iss: &'a str,
    aud: &'a str,
    jti: &'a str,
}

/// What a token is issued for.
pub struct Grant<'a> {
    pub subject: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub issuer: &'a str,
    pub audience: &'a str,
    pub issued_at: i64,
    pub expires_at: i64,
    pub token_id: &'a str,
}

pub fn issue(key: &KeyPair, grant: &Grant<'_>) -> Result<String, AppError> {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some(key.kid.clone());
    let claims = OwnClaims {
        sub: grant.subject,
        email: grant.email,
        name: grant.name,
        iat: grant.issued_at,
        exp: grant.expires_at,
        iss: grant.issuer,
        aud: grant.audience,
        jti: grant.token_id,
    };
    jsonwebtoken::encode(&header, &claims, &key.encoding_key()?).map_err(|error| {
        tracing::error!(%error, "cannot sign a token");
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;

    fn b64(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    fn grant<'a>() -> Grant<'a> {
        Grant {
            subject: "user-1",
            email: "ada@example.com",
            name: "Ada",
            issuer: "https://issuer.test",
            audience: "todo",
            issued_at: NOW,
            expires_at: NOW + 3600,
            token_id: "jti-1",
        }
    }

    /// Signs any header and payload with the key, as an attacker with a key might.
    fn sign_raw(key: &KeyPair, header: serde_json::Value, payload: serde_json::Value) -> String {
        use ed25519_dalek::{pkcs8::DecodePrivateKey, Signer, SigningKey};
        let input = format!("{}.{}", b64(&header), b64(&payload));
        let signing = SigningKey::from_pkcs8_der(&key.pkcs8_der().expect("der")).expect("key");
        let signature = signing.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    fn claims(overrides: serde_json::Value) -> serde_json::Value {
        let mut base = json!({
            "sub": "user-1", "iat": NOW, "exp": NOW + 3600,
            "iss": "https://issuer.test", "aud": "todo", "jti": "jti-1"
        });
        if let (Some(base), Some(extra)) = (base.as_object_mut(), overrides.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        base
    }

    fn check(key: &KeyPair, token: &str) -> Result<Claims, Rejection> {
        parse(token)?.verify(&PublicKey::ed25519(key.verifying_key()), "todo", NOW)
    }

    #[test]
    fn an_issued_token_verifies_with_every_claim() {
        let key = KeyPair::generate().expect("key");
        let token = issue(&key, &grant()).expect("token");
        let unverified = parse(&token).expect("parse");
        assert_eq!(unverified.kid, key.kid);
        let claims = unverified
            .verify(&PublicKey::ed25519(key.verifying_key()), "todo", NOW)
            .expect("verify");
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
        assert_eq!(claims.name.as_deref(), Some("Ada"));
        assert_eq!(claims.iss, "https://issuer.test");
        assert_eq!(claims.jti.as_deref(), Some("jti-1"));
        assert_eq!(claims.exp, NOW + 3600);

        let header: serde_json::Value = serde_json::from_slice(
            &decode_part(token.split('.').next().expect("header")).expect("b64"),
        )
        .expect("json");
        assert_eq!(header["alg"], "EdDSA");
        assert_eq!(header["kid"], key.kid.as_str());
    }

    #[test]
    fn better_auth_shaped_tokens_verify_with_either_algorithm_name() {
        let key = KeyPair::generate().expect("key");
        for alg in ["EdDSA", "Ed25519"] {
            let token = sign_raw(
                &key,
                json!({"alg": alg, "kid": key.kid}),
                json!({"sub": "ba_7Hq2", "iat": NOW, "exp": NOW + 900,
                       "iss": "https://issuer.test", "aud": "todo",
                       "email": "x@example.com", "emailVerified": true, "name": null}),
            );
            let claims = check(&key, &token).expect(alg);
            assert_eq!(claims.sub, "ba_7Hq2");
            assert_eq!(claims.name, None);
            assert_eq!(claims.jti, None);
        }
    }

    #[test]
    fn other_algorithms_are_refused_before_any_key_is_used() {
        let key = KeyPair::generate().expect("key");
        for alg in ["none", "HS256", "RS256", "ES256", "eddsa", ""] {
            let token = sign_raw(&key, json!({"alg": alg, "kid": key.kid}), claims(json!({})));
            assert_eq!(
                check(&key, &token).err(),
                Some(Rejection::Algorithm),
                "{alg}"
            );
        }
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "kid": key.kid})),
            b64(&claims(json!({})))
        );
        assert!(check(&key, &unsigned).is_err());
    }

    #[test]
    fn a_tampered_payload_or_another_key_fails_the_signature() {
        let key = KeyPair::generate().expect("key");
        let token = issue(&key, &grant()).expect("token");
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = b64(&claims(json!({"sub": "someone-else"})));
        parts[1] = &forged;
        assert_eq!(
            check(&key, &parts.join(".")).err(),
            Some(Rejection::Signature)
        );

        let other = KeyPair::generate().expect("key");
        assert_eq!(check(&other, &token).err(), Some(Rejection::Signature));
    }

    #[test]
    fn time_claims_allow_a_small_leeway_only() {
        let key = KeyPair::generate().expect("key");
        let at = |exp: i64| {
            sign_raw(
                &key,
                json!({"alg": "EdDSA", "kid": key.kid}),
                claims(json!({"exp": exp})),
            )
        };
        assert!(check(&key, &at(NOW - LEEWAY_SECS)).is_ok());
        assert_eq!(
            check(&key, &at(NOW - LEEWAY_SECS - 1)).err(),
            Some(Rejection::Expired)
        );
        let future = sign_raw(
            &key,
            json!({"alg": "EdDSA", "kid": key.kid}),
            claims(json!({"nbf": NOW + 600})),
        );
        assert_eq!(check(&key, &future).err(), Some(Rejection::NotYetValid));
    }

    #[test]
    fn the_audience_may_be_a_list() {
        let key = KeyPair::generate().expect("key");
        let header = json!({"alg": "EdDSA", "kid": key.kid});
        let listed = sign_raw(&key, header.clone(), claims(json!({"aud": ["x", "todo"]})));
        assert!(check(&key, &listed).is_ok());
        let wrong = sign_raw(&key, header, claims(json!({"aud": "someone-else"})));
        assert_eq!(check(&key, &wrong).err(), Some(Rejection::Audience));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let key = KeyPair::generate().expect("key");
        let header = json!({"alg": "EdDSA", "kid": key.kid});
        for token in ["", "abc", "a.b", "a.b.c.d", "....", "!!.!!.!!"] {
            assert_eq!(
                check(&key, token).err(),
                Some(Rejection::Malformed),
                "{token}"
            );
        }
        let no_kid = sign_raw(&key, json!({"alg": "EdDSA"}), claims(json!({})));
        assert_eq!(check(&key, &no_kid).err(), Some(Rejection::UnknownKey));
        let crit = sign_raw(
            &key,
            json!({"alg": "EdDSA", "kid": key.kid, "crit": ["x"]}),
            claims(json!({})),
        );
        assert_eq!(check(&key, &crit).err(), Some(Rejection::Malformed));
        let no_exp = sign_raw(
            &key,
            header.clone(),
            json!({"sub": "a", "iss": "i", "aud": "todo"}),
        );
        assert_eq!(check(&key, &no_exp).err(), Some(Rejection::Malformed));
        for sub in ["", "has space", "tab\t", "é", &"a".repeat(256)] {
            let token = sign_raw(&key, header.clone(), claims(json!({"sub": sub})));
            assert_eq!(
                check(&key, &token).err(),
                Some(Rejection::Subject),
                "{sub:?}"
            );
        }
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(check(&key, &long).err(), Some(Rejection::Malformed));
    }

    #[test]
    fn a_remembered_signature_stands_only_for_its_own_token_and_key() {
        let (key, other) = (
            KeyPair::generate().expect("key"),
            KeyPair::generate().expect("key"),
        );
        let memo = SignatureMemo::new();
        let token = sign_raw(&key, json!({"alg": "EdDSA", "kid": "k"}), claims(json!({})));
        let verify = |token: &str, key: &KeyPair, now: i64| {
            parse(token)?.verify_remembering(
                &PublicKey::ed25519(key.verifying_key()),
                "todo",
                now,
                &memo,
            )
        };
        assert!(verify(&token, &key, NOW).is_ok());
        assert_eq!(memo.len(), 1);
        assert!(verify(&token, &key, NOW).is_ok());
        assert_eq!(memo.len(), 1);
        // Another key does not inherit the success.
        assert_eq!(
            verify(&token, &other, NOW).err(),
            Some(Rejection::Signature)
        );
        // Nor do other claims under the remembered signature.
        let (head, signature) = token.rsplit_once('.').expect("three parts");
        let (header, _) = head.split_once('.').expect("three parts");
        let forged = format!(
            "{header}.{}.{signature}",
            b64(&claims(json!({"sub": "admin"})))
        );
        assert_eq!(verify(&forged, &key, NOW).err(), Some(Rejection::Signature));
        // The claims are still checked every time: later, the same token has expired.
        assert_eq!(
            verify(&token, &key, NOW + 3600 + LEEWAY_SECS + 1).err(),
            Some(Rejection::Expired)
        );
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn the_signature_memo_never_holds_more_than_its_capacity() {
        let memo = SignatureMemo::new();
        for n in 0..=SignatureMemo::CAPACITY as u32 {
            let mut id = [0u8; 32];
            id[..4].copy_from_slice(&n.to_le_bytes());
            memo.remember(id);
        }
        assert!(memo.len() <= SignatureMemo::CAPACITY);
        assert!(!memo.is_empty());
    }
}
