//! Identity settings, read from the environment by the server.

use super::trusted::TrustedIssuerConfig;
use std::{path::PathBuf, time::Duration};

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// `iss` of our tokens (`AUTH_ISSUER`).
    pub issuer: String,
    /// `aud` of our tokens (`AUTH_AUDIENCE`).
    pub audience: String,
    /// Lifetime of our tokens (`AUTH_TOKEN_TTL_SECS`).
    pub token_ttl: Duration,
    /// An Ed25519 private key in PKCS#8 PEM (`AUTH_SIGNING_KEY_FILE`); without it the
    /// keys live in the database.
    pub signing_key_file: Option<PathBuf>,
    /// `AUTH_TRUSTED_ISSUER`, `AUTH_TRUSTED_AUDIENCE`, `AUTH_TRUSTED_JWKS_URL`.
    pub trusted: Option<TrustedIssuerConfig>,
    pub throttle: ThrottleConfig,
    /// Take the client address from the last `X-Forwarded-For` entry, as set by the
    /// load balancer in front (`AUTH_TRUST_FORWARDED_FOR`). Off: the peer address.
    pub trust_forwarded_for: bool,
}

/// Limits on sign-in attempts that fail, per email and per client address.
#[derive(Debug, Clone)]
pub struct ThrottleConfig {
    pub window: Duration,
    pub max_per_email: u32,
    pub max_per_client: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            window: Duration::from_secs(15 * 60),
            max_per_email: 5,
            max_per_client: 30,
        }
    }
}

impl AuthConfig {
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        AuthConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            token_ttl: Duration::from_secs(3600),
            signing_key_file: None,
            trusted: None,
            throttle: ThrottleConfig::default(),
            trust_forwarded_for: false,
        }
    }
}
