//! The authenticated user: the only proof of identity that the rest of the code takes.

use chrono::{DateTime, Utc};

/// A user whose token was verified on this request. Its fields are private and its one
/// constructor is visible only inside `auth`, so nothing but the token verifier can make
/// one; every query on a user's data takes it, so an unscoped query does not compile.
#[derive(Debug, Clone)]
pub struct AuthUser {
    id: String,
    issuer: String,
    token_id: String,
    token_expires_at: DateTime<Utc>,
}

impl AuthUser {
    pub(in crate::auth) fn verified(
        id: String,
        issuer: String,
        token_id: String,
        token_expires_at: DateTime<Utc>,
    ) -> Self {
        AuthUser {
            id,
            issuer,
            token_id,
            token_expires_at,
        }
    }

    /// The token's `sub`, which is the user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub(in crate::auth) fn token_id(&self) -> &str {
        &self.token_id
    }

    pub(in crate::auth) fn token_expires_at(&self) -> DateTime<Utc> {
        self.token_expires_at
    }
}
