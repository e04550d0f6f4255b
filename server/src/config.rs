//! Configuration from the environment (and a `.env` file, loaded by `main`).

use leptos::config::LeptosOptions;
use secrecy::SecretString;
use std::time::Duration;

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
        })
    }
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
