//! A trusted external issuer (such as a Better Auth server): its JWK Set, fetched over
//! https (plain http to loopback only), never following a redirect, at most 64 KiB,
//! and cached. An unknown `kid` triggers a refetch, never more than once per few
//! seconds; a failed refetch keeps the set held while it is fresh, and once no fresh
//! set can be had, the issuer's tokens are refused.

use super::jwk::{parse_jwks, PublicKey};
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
    keys: HashMap<String, PublicKey>,
    /// When this set arrived.
    at: Instant,
}

pub struct TrustedIssuer {
    pub config: TrustedIssuerConfig,
    http: reqwest::Client,
    cache: RwLock<Option<Fetched>>,
    /// When the set was last asked for, successfully or not. Held while fetching, so
    /// that concurrent requests wait for one fetch.
    fetching: tokio::sync::Mutex<Option<Instant>>,
}

/// Larger answers are not a key set; the body is cut off while it is read.
const MAX_JWKS_BYTES: usize = 64 * 1024;

/// Where a key set may come from: `https`, or plain `http` to this machine only (a
/// Better Auth server beside the app, or a test).
pub fn check_jwks_url(url: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err("must be https (plain http only to a loopback host)".into()),
        _ => Err("must be an https URL".into()),
    }
}

impl TrustedIssuer {
    pub fn new(config: TrustedIssuerConfig) -> Result<Self, String> {
        check_jwks_url(&config.jwks_url)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            // A redirect could lead the fetch anywhere, plain http included.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
        Ok(TrustedIssuer {
            config,
            http,
            cache: RwLock::new(None),
            fetching: tokio::sync::Mutex::new(None),
        })
    }

    /// The key from the cached set, if it holds it and is fresh, or if it came from
    /// `last_fetch` (a caller passes it only while that fetch is too recent to repeat).
    fn cached(&self, kid: &str, last_fetch: Option<Instant>) -> Option<PublicKey> {
        let cache = match self.cache.read() {
            Ok(cache) => cache,
            Err(poisoned) => poisoned.into_inner(),
        };
        let fetched = cache.as_ref()?;
        let fresh = fetched.at.elapsed() < self.config.cache_for;
        let latest = last_fetch.is_some_and(|last| fetched.at >= last);
        (fresh || latest)
            .then(|| fetched.keys.get(kid).cloned())
            .flatten()
    }

    fn store(&self, value: Fetched) {
        match self.cache.write() {
            Ok(mut cache) => *cache = Some(value),
            Err(poisoned) => *poisoned.into_inner() = Some(value),
        }
    }

    /// The issuer's key with this `kid`, if the issuer's key set can be had. A fetch
    /// that fails keeps the set already held: its keys serve until it is no longer
    /// fresh, and then the issuer's tokens are refused until a fetch succeeds.
    pub async fn key(&self, kid: &str) -> Option<PublicKey> {
        if let Some(key) = self.cached(kid, None) {
            return Some(key);
        }
        let mut last_fetch = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached(kid, None) {
            return Some(key);
        }
        if last_fetch.is_some_and(|at| at.elapsed() < self.config.min_refetch_gap) {
            // Too soon to ask again: the set the last fetch brought stands, if it did.
            return self.cached(kid, *last_fetch);
        }
        let started = Instant::now();
        *last_fetch = Some(started);
        match self.fetch().await {
            Ok(keys) => {
                let key = keys.get(kid).cloned();
                self.store(Fetched { keys, at: started });
                key
            }
            Err(error) => {
                tracing::warn!(url = %self.config.jwks_url, %error, "cannot fetch the trusted issuer's JWK Set");
                None
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, PublicKey>, String> {
        let mut response = self
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
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err("the answer is too large".into());
            }
            body.extend_from_slice(&chunk);
        }
        parse_jwks(&body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_comes_over_https_or_from_this_machine() {
        for ok in [
            "https://auth.example.com/api/auth/jwks",
            "http://127.0.0.1:3000/api/auth/jwks",
            "http://[::1]:3000/jwks",
            "http://localhost:3000/jwks",
        ] {
            assert!(check_jwks_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://auth.example.com/api/auth/jwks",
            "http://10.0.0.8/jwks",
            "ftp://auth.example.com/jwks",
            "auth.example.com/jwks",
        ] {
            assert!(check_jwks_url(bad).is_err(), "{bad}");
        }
    }
}
