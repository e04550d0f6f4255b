//! Password hashing (Argon2id, OWASP parameters) and the common-password list.

use crate::error::AppError;
use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use std::{collections::HashSet, sync::LazyLock};

/// OWASP's first recommendation for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The parameters are constants that Params accepts; the fallback is never taken.
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// Whether the password is one of the few thousand most common ones (any case).
pub fn is_common(password: &str) -> bool {
    COMMON_PASSWORDS.contains(password.to_lowercase().as_str())
}

/// A hash of a random password, verified against when the email is unknown so that a
/// failed sign-in costs the same whether or not the account exists.
static DUMMY_HASH: LazyLock<Result<String, AppError>> = LazyLock::new(|| {
    let mut random = [0u8; 32];
    fill_random(&mut random)?;
    hash_blocking(&base64_of(&random))
});

/// Computes the lazily made values now, so that the first sign-in is not slower.
pub fn warm_up() -> Result<(), AppError> {
    LazyLock::force(&COMMON_PASSWORDS);
    DUMMY_HASH.as_ref().map(|_| ()).map_err(Clone::clone)
}

fn fill_random(buf: &mut [u8]) -> Result<(), AppError> {
    getrandom::fill(buf).map_err(|error| {
        tracing::error!(%error, "no randomness from the operating system");
        AppError::Internal
    })
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn hash_blocking(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    fill_random(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| {
        tracing::error!(%error, "cannot encode a salt");
        AppError::Internal
    })?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| {
            tracing::error!(%error, "cannot hash a password");
            AppError::Internal
        })
}

/// One Argon2id run takes a core for ~25 ms and 19 MiB. More runs at once than there
/// are cores finish no sooner and multiply the memory (64 sign-ins at once would hold
/// 1.2 GiB), so at most one per core runs; the others wait their turn, which the
/// request timeout bounds.
static HASHING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Runs Argon2id work on the blocking pool (it must not stall the async workers), one
/// run per core at most.
async fn argon2_run<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _turn = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::Internal)
}

pub async fn hash(password: String) -> Result<String, AppError> {
    argon2_run(move || hash_blocking(&password)).await?
}

/// Verifies a password against a stored hash, or against the dummy hash when there is
/// none (unknown email, external user), doing the same work either way.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let dummy = DUMMY_HASH.as_ref().map_err(Clone::clone)?.clone();
    argon2_run(move || {
        let (encoded, real) = match stored.as_deref() {
            Some(hash) if !hash.is_empty() => (hash, true),
            _ => (dummy.as_str(), false),
        };
        let matches = match PasswordHash::new(encoded) {
            Ok(parsed) => argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(error) => {
                tracing::error!(%error, "a stored password hash cannot be parsed");
                false
            }
        };
        matches && real
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_thousands_of_passwords_of_valid_length() {
        assert!(COMMON_PASSWORDS.len() > 5_000, "{}", COMMON_PASSWORDS.len());
        assert!(COMMON_PASSWORDS.iter().all(|p| p.chars().count() >= 8));
        assert!(is_common("password"));
        assert!(is_common("PassWord1"));
        assert!(is_common("qwertyuiop"));
        assert!(!is_common("correct horse battery staple"));
    }

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let hash = hash("a long enough secret".into()).await.expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify("a long enough secret".into(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!verify("another secret".into(), Some(hash))
            .await
            .expect("verify"));
    }

    #[tokio::test]
    async fn without_a_stored_hash_nothing_verifies() {
        assert!(!verify("anything at all".into(), None)
            .await
            .expect("verify"));
        assert!(!verify("".into(), Some(String::new()))
            .await
            .expect("verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_argon2_runs_at_once_than_cores() {
        use std::sync::{
            atomic::{AtomicUsize, Ordering},
            Arc,
        };
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let runs: Vec<_> = (0..16)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(argon2_run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for run in runs {
            run.await.expect("join").expect("run");
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} at once on {cores} cores"
        );
    }
}
