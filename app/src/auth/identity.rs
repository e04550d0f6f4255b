//! The authenticated user: the only proof of identity that the rest of the code takes.

use chrono::{DateTime, Utc};

/// A user whose token was verified on this request. Its fields are private and its one
/// constructor is visible only inside `auth`, so nothing but the token verifier can make
/// one; every query on a user's data takes it, so an unscoped query does not compile.
///
/// The token was checked in memory; each statement that takes this type opens with
/// `token_gate` (see `auth::gate`), which refuses a signed-out token in the same round
/// trip.
#[derive(Debug, Clone)]
pub struct AuthUser {
    id: String,
    issuer: String,
    token_id: String,
    token_expires_at: DateTime<Utc>,
    /// The token's `iat`, if it has one: a sign-out everywhere refuses what came before.
    issued_at: Option<DateTime<Utc>>,
    /// The token's email and name, cleaned up, or empty: what a first request writes
    /// into the user's row.
    email: String,
    name: String,
}

impl AuthUser {
    pub(in crate::auth) fn verified(
        id: String,
        issuer: String,
        token_id: String,
        times: (Option<DateTime<Utc>>, DateTime<Utc>),
        email: String,
        name: String,
    ) -> Self {
        let (issued_at, token_expires_at) = times;
        AuthUser {
            id,
            issuer,
            token_id,
            token_expires_at,
            issued_at,
            email,
            name,
        }
    }

    /// The token's `sub`, which is the user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// What a sign-out records: the `jti`, or a hash of a token that has none.
    pub(crate) fn token_id(&self) -> &str {
        &self.token_id
    }

    pub(crate) fn token_expires_at(&self) -> DateTime<Utc> {
        self.token_expires_at
    }

    pub(crate) fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.issued_at
    }

    pub(in crate::auth) fn email(&self) -> &str {
        &self.email
    }

    pub(in crate::auth) fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn carries_email(&self) -> bool {
        !self.email.is_empty()
    }

    pub(crate) fn carries_name(&self) -> bool {
        !self.name.is_empty()
    }
}
