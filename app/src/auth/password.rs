//! Password hashing (Argon2id, OWASP parameters) and the common-password list.

use crate::error::AppError;
use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use secrecy::{ExposeSecret, SecretString};
use std::{
    collections::HashSet,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, LazyLock,
    },
};
use tokio::sync::Semaphore;

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

/// Who asks for Argon2id work. Each lane has a bounded queue: when it is full the
/// request is refused at once with 429, rather than waiting until it times out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Sign-ins: may use every core.
    SignIn,
    /// Sign-ups: at most half the cores at once (one on two), so that a flood of
    /// sign-ups, which anyone can send, never holds every core from the sign-ins.
    SignUp,
}

/// Requests a lane holds (running and waiting) per core, at most.
const SIGN_IN_QUEUE_PER_CORE: usize = 32;
const SIGN_UP_QUEUE_PER_CORE: usize = 16;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// One Argon2id run takes a core for milliseconds (README, Identity) and 19 MiB. More
/// runs at once than there are cores finish no sooner and multiply the memory (64
/// sign-ins at once would hold 1.2 GiB), so at most one per core runs.
static RUNNING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(cores())));

struct LaneState {
    /// Requests in the lane, running or waiting.
    held: AtomicUsize,
    capacity: usize,
    /// The lane's share of `RUNNING`, if it has one.
    share: Option<Arc<Semaphore>>,
}

static SIGN_IN: LazyLock<LaneState> = LazyLock::new(|| LaneState {
    held: AtomicUsize::new(0),
    capacity: cores() * SIGN_IN_QUEUE_PER_CORE,
    share: None,
});

static SIGN_UP: LazyLock<LaneState> = LazyLock::new(|| LaneState {
    held: AtomicUsize::new(0),
    capacity: cores() * SIGN_UP_QUEUE_PER_CORE,
    share: Some(Arc::new(Semaphore::new((cores() / 2).max(1)))),
});

impl Lane {
    fn state(self) -> &'static LaneState {
        match self {
            Lane::SignIn => &SIGN_IN,
            Lane::SignUp => &SIGN_UP,
        }
    }
}

/// A place in a lane, given back when dropped.
struct Place(&'static LaneState);

impl Place {
    fn take(lane: &'static LaneState) -> Option<Place> {
        lane.held
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |held| {
                (held < lane.capacity).then_some(held + 1)
            })
            .ok()
            .map(|_| Place(lane))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.held.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs Argon2id work on the blocking pool (it must not stall the async workers), one
/// run per core at most. The place and the permits move into the blocking task, so a
/// run that outlives its request (timed out, disconnected) still holds its core.
async fn argon2_run<T: Send + 'static>(
    lane: Lane,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let state = lane.state();
    let place = Place::take(state).ok_or_else(|| {
        tracing::info!(?lane, "password hashing queue full: 429");
        AppError::TooManyRequests {
            retry_after_secs: 1,
        }
    })?;
    let share = match &state.share {
        Some(share) => Some(
            share
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| AppError::Internal)?,
        ),
        None => None,
    };
    let core = RUNNING
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let _held = (place, share, core);
        work()
    })
    .await
    .map_err(|_| AppError::Internal)
}

pub async fn hash(password: SecretString) -> Result<String, AppError> {
    argon2_run(Lane::SignUp, move || {
        hash_blocking(password.expose_secret())
    })
    .await?
}

/// Verifies a password against a stored hash, or against the dummy hash when there is
/// none (unknown email, external user), doing the same work either way.
pub async fn verify(password: SecretString, stored: Option<String>) -> Result<bool, AppError> {
    let dummy = DUMMY_HASH.as_ref().map_err(Clone::clone)?.clone();
    argon2_run(Lane::SignIn, move || {
        let (encoded, real) = match stored.as_deref() {
            Some(hash) if !hash.is_empty() => (hash, true),
            _ => (dummy.as_str(), false),
        };
        let matches = match PasswordHash::new(encoded) {
            Ok(parsed) => argon2()
                .verify_password(password.expose_secret().as_bytes(), &parsed)
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

    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    /// Runs in flight at once, at most, while `runs` run `work_ms` each in `lane`.
    fn tracker() -> (Arc<AtomicUsize>, Arc<AtomicUsize>) {
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)))
    }

    fn tracked(
        lane: Lane,
        running: &Arc<AtomicUsize>,
        most: &Arc<AtomicUsize>,
        work: Duration,
    ) -> tokio::task::JoinHandle<Result<(), AppError>> {
        let (running, most) = (running.clone(), most.clone());
        tokio::spawn(argon2_run(lane, move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(work);
            running.fetch_sub(1, Ordering::SeqCst);
        }))
    }

    // The lanes and the cores are process-wide: the tests that fill them run as one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn argon2_runs_are_bounded_per_core_queued_per_lane_and_held_to_the_end() {
        no_more_argon2_runs_at_once_than_cores().await;
        a_run_holds_its_core_after_its_request_is_gone().await;
        a_full_lane_refuses_at_once().await;
    }

    async fn no_more_argon2_runs_at_once_than_cores() {
        let (running, most) = tracker();
        // Four per core: without the bound, the blocking pool would run them all at once
        // whatever the number of cores.
        let runs: Vec<_> = (0..cores() * 4)
            .map(|_| tracked(Lane::SignIn, &running, &most, Duration::from_millis(20)))
            .collect();
        for run in runs {
            run.await.expect("join").expect("run");
        }
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores()).contains(&most),
            "{most} at once on {} cores",
            cores()
        );
    }

    async fn a_run_holds_its_core_after_its_request_is_gone() {
        let (running, most) = tracker();
        // Every core busy for 400 ms, then the requests are dropped (a timeout).
        let first: Vec<_> = (0..cores())
            .map(|_| tracked(Lane::SignIn, &running, &most, Duration::from_millis(400)))
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        for run in &first {
            run.abort();
        }
        let second: Vec<_> = (0..cores())
            .map(|_| tracked(Lane::SignIn, &running, &most, Duration::from_millis(20)))
            .collect();
        for run in second {
            run.await.expect("join").expect("run");
        }
        let most = most.load(Ordering::SeqCst);
        assert!(most <= cores(), "{most} at once on {} cores", cores());
    }

    async fn a_full_lane_refuses_at_once() {
        let (running, most) = tracker();
        let capacity = cores() * SIGN_UP_QUEUE_PER_CORE;
        let held: Vec<_> = (0..capacity)
            .map(|_| tracked(Lane::SignUp, &running, &most, Duration::from_millis(300)))
            .collect();
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = std::time::Instant::now();
        let refused = argon2_run(Lane::SignUp, || ()).await;
        assert_eq!(
            refused,
            Err(AppError::TooManyRequests {
                retry_after_secs: 1
            })
        );
        assert!(started.elapsed() < Duration::from_millis(50));
        // Sign-ups hold at most their share of the cores; sign-ins still get in.
        assert!(argon2_run(Lane::SignIn, || ()).await.is_ok());
        assert!(most.load(Ordering::SeqCst) <= (cores() / 2).max(1));
        for run in held {
            run.await.expect("join").expect("run");
        }
        assert!(argon2_run(Lane::SignUp, || ()).await.is_ok());
    }
}
