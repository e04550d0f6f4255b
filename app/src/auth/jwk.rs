//! Public keys as a JWK Set publishes them, each verifying the one algorithm it is for.
//! The algorithm comes from the key (its `kty`, `crv` and `alg`), never from a token's
//! header alone (RFC 8725 §3.1): a token whose header names another is refused.
//!
//! EdDSA (Ed25519) is checked with ed25519-dalek's `verify_strict`, as our own tokens
//! are; ES256, ES384, RS256 and PS256 by jsonwebtoken; ES512, which jsonwebtoken does not
//! offer, by RustCrypto's p521 (the family jsonwebtoken's P-256 and P-384 come from).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::VerifyingKey;
use jsonwebtoken::DecodingKey;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::{collections::HashMap, sync::Arc};

/// The signing algorithms a trusted issuer may use: those Better Auth's JWT plugin can be
/// configured with, and ES384. `none`, HMAC and every other name are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    EdDSA,
    ES256,
    ES384,
    ES512,
    RS256,
    PS256,
}

impl Algorithm {
    /// The algorithm a header names; `Ed25519` is RFC 9864's name for EdDSA over
    /// Ed25519, which API.md accepts too.
    pub fn named(name: &str) -> Option<Self> {
        Some(match name {
            "EdDSA" | "Ed25519" => Algorithm::EdDSA,
            "ES256" => Algorithm::ES256,
            "ES384" => Algorithm::ES384,
            "ES512" => Algorithm::ES512,
            "RS256" => Algorithm::RS256,
            "PS256" => Algorithm::PS256,
            _ => return None,
        })
    }
}

#[derive(Clone)]
enum Kind {
    Ed25519(VerifyingKey),
    /// ES256, ES384, RS256, PS256.
    Jwt(DecodingKey, jsonwebtoken::Algorithm),
    P521(p521::ecdsa::VerifyingKey),
}

/// A public key and the one algorithm it verifies. Cheap to clone: every request that
/// names it takes one from a cache.
#[derive(Clone)]
pub struct PublicKey {
    alg: Algorithm,
    kind: Arc<Kind>,
    /// SHA-256 of the key's material: names it in the signature memo.
    id: [u8; 32],
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part);
    }
    sha.finalize().into()
}

fn bytes(jwk: &Value, name: &str) -> Result<Vec<u8>, String> {
    let text = jwk
        .get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("a key without {name}"))?;
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| format!("a key whose {name} is not base64url"))
}

/// RSA keys shorter than this are not trusted (NIST SP 800-131A).
const RSA_MIN_BITS: usize = 2048;

impl PublicKey {
    pub fn ed25519(key: VerifyingKey) -> Self {
        PublicKey {
            alg: Algorithm::EdDSA,
            id: digest(&[b"Ed25519", key.as_bytes()]),
            kind: Arc::new(Kind::Ed25519(key)),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    pub fn id(&self) -> &[u8; 32] {
        &self.id
    }

    /// Whether `signature` (decoded from base64url) signs `message` under this key.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &*self.kind {
            Kind::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|sig| key.verify_strict(message, &sig).is_ok()),
            Kind::Jwt(key, alg) => {
                jsonwebtoken::crypto::verify(&URL_SAFE_NO_PAD.encode(signature), message, key, *alg)
                    .unwrap_or(false)
            }
            Kind::P521(key) => {
                use p521::ecdsa::signature::Verifier;
                p521::ecdsa::Signature::from_slice(signature)
                    .is_ok_and(|sig| key.verify(message, &sig).is_ok())
            }
        }
    }

    /// The key of one JWK and its `kid`; `None` for a key that is not for verifying
    /// signatures of an algorithm above (an encryption key, an HMAC secret, another
    /// curve, an RSA key that does not say which of its algorithms it is for). A key of
    /// a kind above that cannot be read is an error.
    pub fn from_jwk(jwk: &Value) -> Result<Option<(String, PublicKey)>, String> {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        if field("use").is_some_and(|u| u != "sig") {
            return Ok(None);
        }
        let declared = field("alg");
        let alg = match (field("kty"), field("crv"), declared) {
            (Some("OKP"), Some("Ed25519"), None | Some("EdDSA" | "Ed25519")) => Algorithm::EdDSA,
            (Some("EC"), Some("P-256"), None | Some("ES256")) => Algorithm::ES256,
            (Some("EC"), Some("P-384"), None | Some("ES384")) => Algorithm::ES384,
            (Some("EC"), Some("P-521"), None | Some("ES512")) => Algorithm::ES512,
            (Some("RSA"), _, Some("RS256")) => Algorithm::RS256,
            (Some("RSA"), _, Some("PS256")) => Algorithm::PS256,
            _ => return Ok(None),
        };
        let kid = field("kid").ok_or("a key without kid")?.to_owned();
        let key = match alg {
            Algorithm::EdDSA => {
                let x: [u8; 32] = bytes(jwk, "x")?
                    .try_into()
                    .map_err(|_| "an Ed25519 key whose x is not 32 bytes")?;
                let key = VerifyingKey::from_bytes(&x).map_err(|_| "an invalid Ed25519 key")?;
                PublicKey::ed25519(key)
            }
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => {
                let (x, y) = (bytes(jwk, "x")?, bytes(jwk, "y")?);
                let size = match alg {
                    Algorithm::ES256 => 32,
                    Algorithm::ES384 => 48,
                    _ => 66,
                };
                if x.len() != size || y.len() != size {
                    return Err(format!("an {alg:?} key whose x or y is not {size} bytes"));
                }
                let point = [&[0x04][..], &x, &y].concat();
                let id = digest(&[b"EC", &point]);
                let components = || {
                    DecodingKey::from_ec_components(
                        field("x").unwrap_or_default(),
                        field("y").unwrap_or_default(),
                    )
                    .map_err(|e| format!("an unreadable {alg:?} key: {e}"))
                };
                let kind = match alg {
                    Algorithm::ES512 => Kind::P521(
                        p521::ecdsa::VerifyingKey::from_sec1_bytes(&point)
                            .map_err(|_| "an ES512 key off its curve")?,
                    ),
                    Algorithm::ES256 => Kind::Jwt(components()?, jsonwebtoken::Algorithm::ES256),
                    _ => Kind::Jwt(components()?, jsonwebtoken::Algorithm::ES384),
                };
                PublicKey {
                    alg,
                    kind: Arc::new(kind),
                    id,
                }
            }
            Algorithm::RS256 | Algorithm::PS256 => {
                let (n, e) = (bytes(jwk, "n")?, bytes(jwk, "e")?);
                let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
                if bits < RSA_MIN_BITS {
                    return Err(format!("an RSA key of fewer than {RSA_MIN_BITS} bits"));
                }
                let key = DecodingKey::from_rsa_raw_components(&n, &e);
                let jwt_alg = match alg {
                    Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
                    _ => jsonwebtoken::Algorithm::PS256,
                };
                PublicKey {
                    alg,
                    kind: Arc::new(Kind::Jwt(key, jwt_alg)),
                    id: digest(&[b"RSA", &n, &e]),
                }
            }
        };
        Ok(Some((kid, key)))
    }
}

/// The keys of a JWK Set that verify an algorithm above, by `kid`. Other keys are
/// skipped; one of a kind above that cannot be read makes the whole set suspect.
pub fn parse_jwks(body: &[u8]) -> Result<HashMap<String, PublicKey>, String> {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<Value>,
    }
    let set: Set = serde_json::from_slice(body).map_err(|e| format!("not a JWK Set: {e}"))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        if let Some((kid, key)) = PublicKey::from_jwk(jwk)? {
            keys.insert(kid, key);
        }
    }
    if keys.is_empty() {
        return Err("no signing key of a known algorithm in the set".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 8037's Ed25519 public key.
    const RFC_8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    /// RFC 7515 A.3's P-256 key.
    const P256_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const P256_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

    fn set(keys: serde_json::Value) -> Vec<u8> {
        json!({ "keys": keys }).to_string().into_bytes()
    }

    fn rsa_n(bits: usize) -> String {
        URL_SAFE_NO_PAD.encode(vec![0xC5u8; bits / 8])
    }

    #[test]
    fn each_key_verifies_the_algorithm_its_jwk_says() {
        let body = set(json!([
            {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X, "kid": "ed", "alg": "EdDSA"},
            {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X, "kid": "ed-bare"},
            {"kty": "EC", "crv": "P-256", "x": P256_X, "y": P256_Y, "kid": "p256"},
            {"kty": "RSA", "n": rsa_n(2048), "e": "AQAB", "kid": "rs", "alg": "RS256"},
            {"kty": "RSA", "n": rsa_n(2048), "e": "AQAB", "kid": "ps", "alg": "PS256", "use": "sig"},
        ]));
        let keys = parse_jwks(&body).expect("a set");
        let alg = |kid: &str| keys.get(kid).map(PublicKey::algorithm);
        assert_eq!(alg("ed"), Some(Algorithm::EdDSA));
        assert_eq!(alg("ed-bare"), Some(Algorithm::EdDSA));
        assert_eq!(alg("p256"), Some(Algorithm::ES256));
        assert_eq!(alg("rs"), Some(Algorithm::RS256));
        assert_eq!(alg("ps"), Some(Algorithm::PS256));
        // The same RSA key material under two algorithms is two keys, never mixed up.
        assert_ne!(keys["rs"].algorithm(), keys["ps"].algorithm());
    }

    #[test]
    fn keys_for_no_algorithm_here_are_skipped() {
        let body = set(json!([
            // An RSA key that does not say whether it is RS256 or PS256.
            {"kty": "RSA", "n": rsa_n(2048), "e": "AQAB", "kid": "rsa-no-alg"},
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac", "alg": "HS256"},
            {"kty": "OKP", "crv": "X25519", "x": RFC_8037_X, "kid": "ecdh"},
            {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X, "kid": "enc", "use": "enc"},
            // A key whose alg disagrees with its curve.
            {"kty": "EC", "crv": "P-256", "x": P256_X, "y": P256_Y, "kid": "mislabelled", "alg": "ES512"},
            {"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X, "kid": "kept"},
        ]));
        let keys = parse_jwks(&body).expect("a set");
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["kept"]);
    }

    #[test]
    fn a_key_of_a_known_kind_that_cannot_be_read_spoils_the_set() {
        for jwk in [
            json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "kid": "short"}),
            json!({"kty": "OKP", "crv": "Ed25519", "kid": "no-x"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": RFC_8037_X}),
            json!({"kty": "EC", "crv": "P-256", "x": P256_X, "kid": "no-y"}),
            json!({"kty": "EC", "crv": "P-521", "x": P256_X, "y": P256_Y, "kid": "p521-short"}),
            json!({"kty": "EC", "crv": "P-521", "x": URL_SAFE_NO_PAD.encode([1u8; 66]),
                   "y": URL_SAFE_NO_PAD.encode([1u8; 66]), "kid": "off-curve"}),
            json!({"kty": "RSA", "n": rsa_n(1024), "e": "AQAB", "kid": "weak", "alg": "RS256"}),
        ] {
            assert!(parse_jwks(&set(json!([jwk]))).is_err(), "{jwk}");
        }
        assert!(parse_jwks(b"[]").is_err());
        assert!(parse_jwks(&set(json!([]))).is_err());
    }

    #[test]
    fn header_names_map_to_algorithms_and_nothing_else_does() {
        assert_eq!(Algorithm::named("EdDSA"), Some(Algorithm::EdDSA));
        assert_eq!(Algorithm::named("Ed25519"), Some(Algorithm::EdDSA));
        assert_eq!(Algorithm::named("ES512"), Some(Algorithm::ES512));
        for refused in [
            "none", "None", "HS256", "HS512", "RS384", "eddsa", "", "ES256K",
        ] {
            assert_eq!(Algorithm::named(refused), None, "{refused}");
        }
    }
}
