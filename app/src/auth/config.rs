//! Identity settings, read from the environment by the server.

pub use super::throttle::ThrottleConfig;
use super::{better_auth::BetterAuthConfig, keys::KeySource, trusted::TrustedIssuerConfig};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// `iss` of our tokens (`AUTH_ISSUER`).
    pub issuer: String,
    /// `aud` of our tokens (`AUTH_AUDIENCE`).
    pub audience: String,
    /// Lifetime of our tokens (`AUTH_TOKEN_TTL_SECS`).
    pub token_ttl: Duration,
    /// Where our signing keys come from: the database, or `AUTH_SIGNING_KEY_FILE`.
    pub keys: KeySource,
    /// `AUTH_TRUSTED_ISSUER`, `AUTH_TRUSTED_AUDIENCE`, `AUTH_TRUSTED_JWKS_URL`.
    pub trusted: Option<TrustedIssuerConfig>,
    /// Accounts live at a Better Auth server (`AUTH_PROVIDER=better-auth`,
    /// `AUTH_BETTER_AUTH_URL`), which is then the trusted issuer; else here.
    pub better_auth: Option<BetterAuthConfig>,
    pub throttle: ThrottleConfig,
    /// Take the client address from the last `X-Forwarded-For` entry, as set by the
    /// load balancer in front (`AUTH_TRUST_FORWARDED_FOR`). Off: the peer address.
    pub trust_forwarded_for: bool,
}

impl AuthConfig {
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        AuthConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            token_ttl: Duration::from_secs(3600),
            keys: KeySource::Database,
            trusted: None,
            better_auth: None,
            throttle: ThrottleConfig::default(),
            trust_forwarded_for: false,
        }
    }

    /// The site is served over https (its `AUTH_ISSUER` is an https URL): cookies are
    /// `Secure`, and browsers are told to use https only.
    pub fn site_is_https(&self) -> bool {
        self.issuer.starts_with("https://")
    }
}
