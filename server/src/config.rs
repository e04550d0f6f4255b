//! Configuration from the environment (and a `.env` file, loaded by `main`).

use crate::http::limits::Limits;
use app::account::{mail::MailConfig, service::AccountConfig};
use app::auth::{
    better_auth::BetterAuthConfig,
    config::{AuthConfig, ThrottleConfig},
    keys::KeySource,
    trusted::TrustedIssuerConfig,
};
use app::live::hub::LiveLimits;
use app::tasks::service::TaskLimits;
use leptos::config::LeptosOptions;
use secrecy::SecretString;
use std::{path::PathBuf, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not set")]
    Missing { name: &'static str },
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("the Leptos configuration is invalid: {0}")]
    Leptos(String),
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Site address, output name and paths of the built assets (`LEPTOS_*`).
    pub leptos_options: LeptosOptions,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub limits: Limits,
    pub tasks: TaskLimits,
    pub account: AccountConfig,
    pub live: LiveLimits,
}

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: SecretString,
    pub max_connections: u32,
    /// How long a request waits for a connection before it fails with 503.
    pub acquire_timeout: Duration,
}

/// The name under which cargo-leptos builds the assets (`name` in the workspace
/// metadata). cargo-leptos bakes it into its builds; plain `cargo` builds (tests) lack it.
const OUTPUT_NAME: &str = "todo";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut leptos_options = leptos::config::get_configuration(None)
            .map_err(|e| ConfigError::Leptos(e.to_string()))?
            .leptos_options;
        if leptos_options.output_name.is_empty() {
            leptos_options.output_name = OUTPUT_NAME.into();
        }
        Ok(Config {
            leptos_options,
            database: DatabaseConfig {
                url: SecretString::from(required("DATABASE_URL")?),
                max_connections: parsed("DATABASE_MAX_CONNECTIONS", 10)?,
                acquire_timeout: Duration::from_secs(parsed("DATABASE_ACQUIRE_TIMEOUT_SECS", 3)?),
            },
            auth: auth_from_env()?,
            limits: limits_from_env()?,
            tasks: tasks_from_env()?,
            account: account_from_env()?,
            live: live_from_env()?,
        })
    }
}

fn account_from_env() -> Result<AccountConfig, ConfigError> {
    let public_url = optional("PUBLIC_URL");
    if let Some(url) = &public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "PUBLIC_URL",
                reason: "must be an http:// or https:// URL".into(),
            });
        }
    }
    let defaults = MailConfig::default();
    Ok(AccountConfig {
        public_url,
        mail: MailConfig {
            smtp_url: optional("SMTP_URL").map(SecretString::from),
            from: optional("MAIL_FROM").unwrap_or(defaults.from),
        },
    })
}

fn live_from_env() -> Result<LiveLimits, ConfigError> {
    let defaults = LiveLimits::default();
    let per_user = parsed("LIVE_MAX_STREAMS_PER_USER", defaults.per_user)?;
    let per_instance = parsed("LIVE_MAX_STREAMS", defaults.per_instance)?;
    let heartbeat = parsed("LIVE_HEARTBEAT_SECS", defaults.heartbeat.as_secs())?;
    let recheck = parsed("LIVE_RECHECK_SECS", defaults.recheck.as_secs())?;
    let at_least_one = |name, value: u64| {
        if value == 0 {
            Err(ConfigError::Invalid {
                name,
                reason: "must be at least 1".into(),
            })
        } else {
            Ok(())
        }
    };
    at_least_one("LIVE_MAX_STREAMS_PER_USER", per_user as u64)?;
    at_least_one("LIVE_MAX_STREAMS", per_instance as u64)?;
    at_least_one("LIVE_HEARTBEAT_SECS", heartbeat)?;
    if !(1..=30).contains(&recheck) {
        return Err(ConfigError::Invalid {
            name: "LIVE_RECHECK_SECS",
            reason: "must be between 1 and 30".into(),
        });
    }
    Ok(LiveLimits {
        per_user,
        per_instance,
        heartbeat: Duration::from_secs(heartbeat),
        recheck: Duration::from_secs(recheck),
    })
}

fn limits_from_env() -> Result<Limits, ConfigError> {
    let defaults = Limits::default();
    let body_bytes = parsed("HTTP_MAX_BODY_BYTES", defaults.body_bytes)?;
    let timeout_secs = parsed(
        "HTTP_REQUEST_TIMEOUT_SECS",
        defaults.request_timeout.as_secs(),
    )?;
    if body_bytes < 1024 {
        return Err(ConfigError::Invalid {
            name: "HTTP_MAX_BODY_BYTES",
            reason: "must be at least 1024".into(),
        });
    }
    if timeout_secs == 0 {
        return Err(ConfigError::Invalid {
            name: "HTTP_REQUEST_TIMEOUT_SECS",
            reason: "must be at least 1".into(),
        });
    }
    Ok(Limits {
        body_bytes,
        request_timeout: Duration::from_secs(timeout_secs),
    })
}

fn tasks_from_env() -> Result<TaskLimits, ConfigError> {
    let max_per_user = parsed("TASKS_MAX_PER_USER", TaskLimits::default().max_per_user)?;
    if !(1..=i32::MAX as u32).contains(&max_per_user) {
        return Err(ConfigError::Invalid {
            name: "TASKS_MAX_PER_USER",
            reason: format!("must be between 1 and {}", i32::MAX),
        });
    }
    Ok(TaskLimits { max_per_user })
}

/// Defaults fit one local instance; production sets `AUTH_ISSUER` and `AUTH_AUDIENCE`.
const DEFAULT_ISSUER: &str = "todo-app";
const DEFAULT_AUDIENCE: &str = "todo-app";

fn auth_from_env() -> Result<AuthConfig, ConfigError> {
    let ttl: u64 = parsed("AUTH_TOKEN_TTL_SECS", 3600)?;
    if !(60..=30 * 24 * 3600).contains(&ttl) {
        return Err(ConfigError::Invalid {
            name: "AUTH_TOKEN_TTL_SECS",
            reason: "must be between 60 seconds and 30 days".into(),
        });
    }
    let defaults = ThrottleConfig::default();
    let mut config = AuthConfig::new(
        optional("AUTH_ISSUER").unwrap_or_else(|| DEFAULT_ISSUER.into()),
        optional("AUTH_AUDIENCE").unwrap_or_else(|| DEFAULT_AUDIENCE.into()),
    );
    config.token_ttl = Duration::from_secs(ttl);
    config.keys = key_source_from_env()?;
    config.trusted = trusted_from_env()?;
    config.better_auth = better_auth_from_env(&mut config.trusted)?;
    config.throttle = ThrottleConfig {
        window: Duration::from_secs(parsed(
            "AUTH_SIGN_IN_WINDOW_SECS",
            defaults.window.as_secs(),
        )?),
        max_per_client: parsed("AUTH_SIGN_IN_MAX_PER_CLIENT", defaults.max_per_client)?,
        max_per_client_email: parsed(
            "AUTH_SIGN_IN_MAX_PER_CLIENT_EMAIL",
            defaults.max_per_client_email,
        )?,
        slow_after: parsed("AUTH_SIGN_IN_SLOW_AFTER", defaults.slow_after)?,
        max_delay: Duration::from_millis(parsed(
            "AUTH_SIGN_IN_MAX_DELAY_MS",
            defaults.max_delay.as_millis() as u64,
        )?),
        max_sign_ups_per_client: parsed(
            "AUTH_SIGN_UP_MAX_PER_CLIENT",
            defaults.max_sign_ups_per_client,
        )?,
        max_resets_per_client: parsed("AUTH_RESET_MAX_PER_CLIENT", defaults.max_resets_per_client)?,
        max_resets_per_email: parsed("AUTH_RESET_MAX_PER_EMAIL", defaults.max_resets_per_email)?,
    };
    if config.throttle.max_delay >= Duration::from_secs(60) {
        return Err(ConfigError::Invalid {
            name: "AUTH_SIGN_IN_MAX_DELAY_MS",
            reason: "must be under a minute".into(),
        });
    }
    config.trust_forwarded_for = parsed("AUTH_TRUST_FORWARDED_FOR", false)?;
    if config
        .trusted
        .as_ref()
        .is_some_and(|t| t.issuer == config.issuer)
    {
        return Err(ConfigError::Invalid {
            name: "AUTH_TRUSTED_ISSUER",
            reason: "must differ from AUTH_ISSUER".into(),
        });
    }
    Ok(config)
}

fn key_source_from_env() -> Result<KeySource, ConfigError> {
    let previous: Vec<PathBuf> = optional("AUTH_PREVIOUS_PUBLIC_KEY_FILES")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default();
    match optional("AUTH_SIGNING_KEY_FILE") {
        Some(signing) => Ok(KeySource::File {
            signing: PathBuf::from(signing),
            previous,
        }),
        None if previous.is_empty() => Ok(KeySource::Database),
        None => Err(ConfigError::Invalid {
            name: "AUTH_PREVIOUS_PUBLIC_KEY_FILES",
            reason: "only verifies beside AUTH_SIGNING_KEY_FILE".into(),
        }),
    }
}

fn trusted_from_env() -> Result<Option<TrustedIssuerConfig>, ConfigError> {
    let issuer = optional("AUTH_TRUSTED_ISSUER");
    let jwks_url = optional("AUTH_TRUSTED_JWKS_URL");
    let (issuer, jwks_url) = match (issuer, jwks_url) {
        (None, None) => return Ok(None),
        (Some(issuer), Some(url)) => (issuer, url),
        (None, Some(_)) => {
            return Err(ConfigError::Missing {
                name: "AUTH_TRUSTED_ISSUER",
            })
        }
        (Some(_), None) => {
            return Err(ConfigError::Missing {
                name: "AUTH_TRUSTED_JWKS_URL",
            })
        }
    };
    if let Err(reason) = app::auth::trusted::check_jwks_url(&jwks_url) {
        return Err(ConfigError::Invalid {
            name: "AUTH_TRUSTED_JWKS_URL",
            reason,
        });
    }
    Ok(Some(TrustedIssuerConfig {
        // Better Auth uses its base URL for both `iss` and `aud`.
        audience: optional("AUTH_TRUSTED_AUDIENCE").unwrap_or_else(|| issuer.clone()),
        issuer,
        jwks_url,
        cache_for: Duration::from_secs(parsed("AUTH_TRUSTED_JWKS_CACHE_SECS", 300)?),
        min_refetch_gap: Duration::from_secs(5),
    }))
}

/// `AUTH_PROVIDER`: `own` (the default: accounts live here) or `better-auth` (they live
/// at the Better Auth server at `AUTH_BETTER_AUTH_URL`, which is then the trusted
/// issuer: `AUTH_TRUSTED_*` default to it, and may not name another).
fn better_auth_from_env(
    trusted: &mut Option<TrustedIssuerConfig>,
) -> Result<Option<BetterAuthConfig>, ConfigError> {
    match optional("AUTH_PROVIDER").as_deref() {
        None | Some("own") => return Ok(None),
        Some("better-auth") => {}
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "AUTH_PROVIDER",
                reason: format!("{other:?} is neither \"own\" nor \"better-auth\""),
            })
        }
    }
    let url = required("AUTH_BETTER_AUTH_URL")?
        .trim()
        .trim_end_matches('/')
        .to_owned();
    if let Err(reason) = app::auth::trusted::check_jwks_url(&url) {
        return Err(ConfigError::Invalid {
            name: "AUTH_BETTER_AUTH_URL",
            reason,
        });
    }
    match trusted {
        Some(trusted) if trusted.issuer != url => {
            return Err(ConfigError::Invalid {
                name: "AUTH_TRUSTED_ISSUER",
                reason: "must be AUTH_BETTER_AUTH_URL (Better Auth's iss) or unset".into(),
            })
        }
        Some(_) => {}
        None => {
            *trusted = Some(TrustedIssuerConfig {
                issuer: url.clone(),
                audience: url.clone(),
                jwks_url: format!("{url}/api/auth/jwks"),
                cache_for: Duration::from_secs(parsed("AUTH_TRUSTED_JWKS_CACHE_SECS", 300)?),
                min_refetch_gap: Duration::from_secs(5),
            })
        }
    }
    Ok(Some(BetterAuthConfig { url }))
}

fn optional(name: &'static str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn required(name: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        _ => Err(ConfigError::Missing { name }),
    }
}

fn parsed<T>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .map_err(|e: T::Err| ConfigError::Invalid {
                name,
                reason: e.to_string(),
            }),
        Err(_) => Ok(default),
    }
}
