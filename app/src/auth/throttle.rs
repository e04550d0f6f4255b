//! How sign-in and sign-up attempts are limited: the policy, with its numbers, apart
//! from the SQL that counts (`db::count_sign_in_attempt`, `db::count_sign_up`).
//!
//! Guessing is refused without letting a stranger lock the owner out (OWASP's
//! authentication cheat sheet, ASVS 5.0 6.3): attempts are counted per client address
//! (an IPv6 address by its /64, which one subscriber usually holds whole) and per
//! (email, client) pair, and a client over its own limit counts nothing against an
//! email. Failures on one email from every client together never refuse it: past a
//! threshold each attempt on it waits, longer and longer, before its password is
//! checked. Attempts are counted before the password is checked, so parallel guesses
//! cannot slip past a limit; a success gives its attempt back.

use std::{
    collections::HashMap,
    net::IpAddr,
    time::{Duration, Instant},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// How long a count lasts from its first attempt (`AUTH_SIGN_IN_WINDOW_SECS`).
    pub window: Duration,
    /// Sign-in attempts per client address in a window (`AUTH_SIGN_IN_MAX_PER_CLIENT`).
    pub max_per_client: u32,
    /// Sign-in attempts per email from one client (`AUTH_SIGN_IN_MAX_PER_CLIENT_EMAIL`).
    pub max_per_client_email: u32,
    /// Failed sign-ins on one email, from every client, before each further attempt on
    /// it is slowed down (`AUTH_SIGN_IN_SLOW_AFTER`).
    pub slow_after: u32,
    /// The longest such a wait grows (`AUTH_SIGN_IN_MAX_DELAY_MS`).
    pub max_delay: Duration,
    /// Sign-ups per client address in a window (`AUTH_SIGN_UP_MAX_PER_CLIENT`).
    pub max_sign_ups_per_client: u32,
    /// "Forgot password" requests per client address in a window
    /// (`AUTH_RESET_MAX_PER_CLIENT`).
    pub max_resets_per_client: u32,
    /// "Forgot password" requests per email, from every client, in a window
    /// (`AUTH_RESET_MAX_PER_EMAIL`).
    pub max_resets_per_email: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            window: Duration::from_secs(15 * 60),
            max_per_client: 30,
            max_per_client_email: 5,
            slow_after: 10,
            max_delay: Duration::from_secs(5),
            max_sign_ups_per_client: 10,
            max_resets_per_client: 10,
            max_resets_per_email: 3,
        }
    }
}

/// The first wait past `slow_after`; each further failure doubles it.
const FIRST_DELAY: Duration = Duration::from_millis(500);

/// A count after this attempt, and how long until its window closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub attempts: u32,
    pub resets_in: Duration,
}

/// A sign-in attempt's counts. `pair` and `email` are `None` when the client was over
/// its limit (and `email` when the pair was), since nothing was counted for them then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInCounts {
    pub client: Count,
    pub pair: Option<Count>,
    pub email: Option<Count>,
}

/// What a count was kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Sign-ins of one client address.
    Client,
    /// Sign-ins of one client address on one email.
    Pair,
    /// Sign-ups of one client address.
    SignUp,
}

/// What happens to an attempt before its password is checked or hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// 429 at once, with `Retry-After`, because `of` is over its limit.
    Refuse { retry_after: Duration, of: Scope },
    /// Check the password after this wait (zero but for a much-guessed email).
    Proceed { delay: Duration },
}

impl ThrottleConfig {
    pub fn judge_sign_in(&self, counts: &SignInCounts) -> Verdict {
        if counts.client.attempts > self.max_per_client {
            return refuse(counts.client, Scope::Client);
        }
        match counts.pair {
            Some(pair) if pair.attempts > self.max_per_client_email => {
                return refuse(pair, Scope::Pair)
            }
            None => return refuse(counts.client, Scope::Client),
            Some(_) => {}
        }
        let delay = counts
            .email
            .map_or(Duration::ZERO, |email| self.delay_after(email.attempts));
        Verdict::Proceed { delay }
    }

    /// The wait of an attempt that is the `attempts`-th on its email in the window.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let Some(beyond) = attempts.checked_sub(self.slow_after + 1) else {
            return Duration::ZERO;
        };
        FIRST_DELAY
            .saturating_mul(2u32.saturating_pow(beyond))
            .min(self.max_delay)
    }

    /// A sign-up that is the `attempts`-th of its client in the window.
    pub fn judge_sign_up(&self, count: Count) -> Verdict {
        if count.attempts > self.max_sign_ups_per_client {
            refuse(count, Scope::SignUp)
        } else {
            Verdict::Proceed {
                delay: Duration::ZERO,
            }
        }
    }
}

/// Whether a count is past `max`: the time until its window closes, if so.
pub fn past(count: &Count, max: u32) -> Option<Duration> {
    (count.attempts > max).then(|| count.resets_in.max(Duration::from_secs(1)))
}

fn refuse(count: Count, of: Scope) -> Verdict {
    Verdict::Refuse {
        retry_after: count.resets_in.max(Duration::from_secs(1)),
        of,
    }
}

/// Refusals this instance gave, remembered until they end: a client that goes on
/// sending after its 429 is answered from memory, so a flood of requests costs no
/// database work (its count lives in PostgreSQL, where a flood would queue every
/// instance's requests behind one row's lock). At most `CAPACITY` are held; when full,
/// the ended ones go, and if none has, all go (the database still counts).
pub struct Refusals {
    until: std::sync::Mutex<HashMap<String, Instant>>,
}

impl Refusals {
    const CAPACITY: usize = 16_384;

    pub fn new() -> Self {
        Refusals {
            until: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        match self.until.lock() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The refusal of `of` for this client (and email) still running, if any.
    pub fn check(&self, of: Scope, client: &str, email: &str) -> Option<Verdict> {
        let key = refusal_key(of, client, email);
        let now = Instant::now();
        let mut held = self.held();
        match held.get(&key) {
            Some(until) if *until > now => Some(Verdict::Refuse {
                retry_after: (*until - now).max(Duration::from_secs(1)),
                of,
            }),
            Some(_) => {
                held.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers a refusal the database's counts gave.
    pub fn remember(&self, verdict: Verdict, client: &str, email: &str) {
        let Verdict::Refuse { retry_after, of } = verdict else {
            return;
        };
        let key = refusal_key(of, client, email);
        let now = Instant::now();
        let mut held = self.held();
        if held.len() >= Self::CAPACITY {
            held.retain(|_, until| *until > now);
            if held.len() >= Self::CAPACITY {
                held.clear();
            }
        }
        held.insert(key, now + retry_after);
    }
}

impl Default for Refusals {
    fn default() -> Self {
        Self::new()
    }
}

fn refusal_key(of: Scope, client: &str, email: &str) -> String {
    match of {
        Scope::Client => format!("client {client}"),
        Scope::Pair => format!("pair {}", pair_key(client, email)),
        Scope::SignUp => format!("sign-up {client}"),
    }
}

/// The key a client address is counted under: an IPv4 address as it is (an IPv4-mapped
/// IPv6 address too), an IPv6 address by its /64 prefix, since one subscriber usually
/// holds a whole /64 and could otherwise change address at every attempt.
pub fn client_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// The key of an (email, client) pair. Client keys hold no space, so it splits one way.
pub fn pair_key(client: &str, email: &str) -> String {
    format!("{client} {email}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(attempts: u32) -> Count {
        Count {
            attempts,
            resets_in: Duration::from_secs(600),
        }
    }

    fn counts(client: u32, pair: Option<u32>, email: Option<u32>) -> SignInCounts {
        SignInCounts {
            client: count(client),
            pair: pair.map(count),
            email: email.map(count),
        }
    }

    #[test]
    fn a_client_or_a_pair_over_its_limit_is_refused_until_its_window_closes() {
        let config = ThrottleConfig::default();
        let refused = |of| Verdict::Refuse {
            retry_after: Duration::from_secs(600),
            of,
        };
        assert_eq!(
            config.judge_sign_in(&counts(31, None, None)),
            refused(Scope::Client)
        );
        assert_eq!(
            config.judge_sign_in(&counts(6, Some(6), None)),
            refused(Scope::Pair)
        );
        assert_eq!(
            config.judge_sign_in(&counts(30, Some(5), Some(1))),
            Verdict::Proceed {
                delay: Duration::ZERO
            }
        );
    }

    #[test]
    fn a_much_guessed_email_is_slowed_down_never_refused() {
        let config = ThrottleConfig::default();
        let delays: Vec<u64> = (9..=16)
            .map(
                |n| match config.judge_sign_in(&counts(1, Some(1), Some(n))) {
                    Verdict::Proceed { delay } => delay.as_millis() as u64,
                    Verdict::Refuse { .. } => panic!("refused at {n}"),
                },
            )
            .collect();
        assert_eq!(delays, [0, 0, 500, 1000, 2000, 4000, 5000, 5000]);
        assert_eq!(config.delay_after(u32::MAX), config.max_delay);
    }

    #[test]
    fn sign_ups_are_limited_per_client() {
        let config = ThrottleConfig::default();
        assert!(matches!(
            config.judge_sign_up(count(10)),
            Verdict::Proceed { .. }
        ));
        assert!(matches!(
            config.judge_sign_up(count(11)),
            Verdict::Refuse { .. }
        ));
    }

    #[test]
    fn a_refusal_is_remembered_until_it_ends() {
        let refusals = Refusals::new();
        let refuse = |secs, of| Verdict::Refuse {
            retry_after: Duration::from_secs(secs),
            of,
        };
        assert_eq!(refusals.check(Scope::Client, "1", "a@b.c"), None);
        refusals.remember(refuse(600, Scope::Pair), "1", "a@b.c");
        refusals.remember(refuse(0, Scope::Client), "2", "a@b.c");
        match refusals.check(Scope::Pair, "1", "a@b.c") {
            Some(Verdict::Refuse { retry_after, of }) => {
                assert!(retry_after > Duration::from_secs(590), "{retry_after:?}");
                assert_eq!(of, Scope::Pair);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(refusals.check(Scope::Pair, "1", "other@b.c"), None);
        assert_eq!(refusals.check(Scope::Client, "1", "a@b.c"), None);
        assert_eq!(refusals.check(Scope::Client, "2", "a@b.c"), None);
        for i in 0..Refusals::CAPACITY + 10 {
            refusals.remember(refuse(60, Scope::SignUp), &i.to_string(), "");
        }
        assert!(refusals.held().len() <= Refusals::CAPACITY);
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_bit_prefix() {
        let key = |s: &str| client_key(s.parse().expect("address"));
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff::1"), key("2001:db8:1:2::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }
}
