//! A trusted external issuer (such as a Better Auth server): its JWK Set, fetched and
//! cached. An unknown `kid` triggers a refetch, never more than once per few seconds;
//! while the set cannot be fetched, the issuer's tokens are refused.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::VerifyingKey;
use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration, Instant},
};

#[derive(Debug, Clone)]
pub struct TrustedIssuerConfig {
    pub issuer: String,
    pub audience: String,
    pub jwks_url: String,
    /// How long a fetched set is used before it is fetched again.
    pub cache_for: Duration,
    /// The least time between two fetches.
    pub min_refetch_gap: Duration,
}

struct Fetched {
    keys: HashMap<String, VerifyingKey>,
    at: Instant,
}

pub struct TrustedIssuer {
    pub config: TrustedIssuerConfig,
    http: reqwest::Client,
    cache: RwLock<Option<Fetched>>,
    /// Held while fetching, so that concurrent requests wait for one fetch.
    fetching: tokio::sync::Mutex<Option<Instant>>,
}

/// Larger answers are not a key set.
const MAX_JWKS_BYTES: usize = 256 * 1024;

impl TrustedIssuer {
    pub fn new(config: TrustedIssuerConfig) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(TrustedIssuer {
            config,
            http,
            cache: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(None),
        })
    }

    /// The key if a fresh set holds it.
    fn cached(&self, kid: &str) -> Option<VerifyingKey> {
        let cache = match self.cache.read() {
            Ok(cache) => cache,
            Err(poisoned) => poisoned.into_inner(),
        };
        match cache.as_ref() {
            Some(fetched) if fetched.at.elapsed() < self.config.cache_for => {
                fetched.keys.get(kid).copied()
            }
            _ => None,
        }
    }

    fn cached_even_if_stale(&self, kid: &str) -> Option<VerifyingKey> {
        let cache = match self.cache.read() {
            Ok(cache) => cache,
            Err(poisoned) => poisoned.into_inner(),
        };
        cache
            .as_ref()
            .and_then(|fetched| fetched.keys.get(kid).copied())
    }

    fn store(&self, value: Option<Fetched>) {
        match self.cache.write() {
            Ok(mut cache) => *cache = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }

    /// The issuer's key with this `kid`, if the issuer's key set can be had.
    pub async fn key(&self, kid: &str) -> Option<VerifyingKey> {
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        let mut last_fetch = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached(kid) {
            return Some(key);
        }
        if last_fetch.is_some_and(|at| at.elapsed() < self.config.min_refetch_gap) {
            // Fetched moments ago: that set stands (it is gone if the fetch failed).
            return self.cached_even_if_stale(kid);
        }
        *last_fetch = Some(Instant::now());
        match self.fetch().await {
            Ok(keys) => {
                let key = keys.get(kid).copied();
                self.store(Some(Fetched {
                    keys,
                    at: Instant::now(),
                }));
                key
            }
            Err(error) => {
                tracing::warn!(url = %self.config.jwks_url, %error, "cannot fetch the trusted issuer's JWK Set; refusing its tokens");
                // While the source cannot be reached, its tokens are refused, even
                // those a cached set would still verify.
                self.store(None);
                None
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, VerifyingKey>, String> {
        let response = self
            .http
            .get(&self.config.jwks_url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err("the answer is too large".into());
        }
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        if body.len() > MAX_JWKS_BYTES {
            return Err("the answer is too large".into());
        }
        parse_jwks(&body)
    }
}

/// The Ed25519 keys of a JWK Set; keys of other types are skipped, a malformed Ed25519
/// key makes the whole set suspect.
pub fn parse_jwks(body: &[u8]) -> Result<HashMap<String, VerifyingKey>, String> {
    #[derive(serde::Deserialize)]
    struct Set {
        keys: Vec<serde_json::Value>,
    }
    let set: Set = serde_json::from_slice(body).map_err(|e| format!("not a JWK Set: {e}"))?;
    let mut keys = HashMap::new();
    for jwk in set.keys {
        let field = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
        if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
            continue;
        }
        if field("use").is_some_and(|u| u != "sig")
            || field("alg").is_some_and(|a| a != "EdDSA" && a != "Ed25519")
        {
            continue;
        }
        let (Some(kid), Some(x)) = (field("kid"), field("x")) else {
            return Err("an Ed25519 key without kid or x".into());
        };
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(x)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("an Ed25519 key whose x is not 32 bytes of base64url")?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| "an invalid Ed25519 key")?;
        keys.insert(kid.to_owned(), key);
    }
    if keys.is_empty() {
        return Err("no Ed25519 key in the set".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    #[test]
    fn ed25519_keys_are_read_and_others_skipped() {
        let body = format!(
            r#"{{"keys":[
                {{"kty":"RSA","n":"abc","e":"AQAB","kid":"rsa"}},
                {{"kty":"OKP","crv":"X25519","x":"{RFC_8037_X}","kid":"ecdh"}},
                {{"kty":"OKP","crv":"Ed25519","x":"{RFC_8037_X}","kid":"k1","alg":"EdDSA"}},
                {{"kty":"OKP","crv":"Ed25519","x":"{RFC_8037_X}","kid":"k2"}}
            ]}}"#
        );
        let keys = parse_jwks(body.as_bytes()).expect("parse");
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, ["k1", "k2"]);
    }

    #[test]
    fn a_short_or_missing_x_is_refused() {
        for jwk in [
            r#"{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"short"}"#,
            r#"{"kty":"OKP","crv":"Ed25519","kid":"no-x"}"#,
        ] {
            let body = format!(r#"{{"keys":[{jwk}]}}"#);
            assert!(parse_jwks(body.as_bytes()).is_err(), "{jwk}");
        }
        assert!(parse_jwks(b"[]").is_err());
        assert!(parse_jwks(br#"{"keys":[]}"#).is_err());
    }
}
