//! The database half of verifying a request, folded into the request's own statement.
//!
//! `AuthService::authenticate` checks a token in memory: its form, signature, key,
//! issuer, audience and times. What only the database knows (whether the token was
//! signed out, on any instance; whether its subject has a row, and from which issuer)
//! is checked by `token_gate` (migration 0005) at the head of every statement that
//! takes an `AuthUser`. So a request makes one round trip, and a sign-out is seen by
//! every instance from the moment it commits: nothing is cached.
//!
//! This module is a leaf: the statement wrapping and what the gate's SQLSTATEs mean.
//! Running gated statements, and what to do when the gate finds a subject unseen, is
//! `auth::access`; a refusal becomes the one 401 in `error`.

/// Why `token_gate` refused a statement: its SQLSTATEs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `TGREV`: the token was signed out.
    Revoked,
    /// `TGISS`: the subject's row was made by another issuer.
    OtherIssuer,
    /// `TGNEW`: the subject has no row yet, or one that the token can complete.
    Unseen,
}

pub fn refusal(error: &sqlx::Error) -> Option<Refusal> {
    let sqlx::Error::Database(error) = error else {
        return None;
    };
    match error.code().as_deref() {
        Some("TGREV") => Some(Refusal::Revoked),
        Some("TGISS") => Some(Refusal::OtherIssuer),
        Some("TGNEW") => Some(Refusal::Unseen),
        _ => None,
    }
}

/// `sqlx::query_as!` for a statement that opens with `WHERE (SELECT token_gate($1, $2,
/// $3, $4, $5, $6))`: it passes the user's id, issuer and token key, whether the token
/// carries an email and a name, and when it was issued, as `$1` to `$6`; the
/// statement's own parameters follow.
macro_rules! gated_query_as {
    ($out:path, $sql:literal, $user:expr $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            $out,
            $sql,
            $user.id(),
            $user.issuer(),
            $user.token_id(),
            $user.carries_email(),
            $user.carries_name(),
            $user.issued_at()
            $(, $arg)*
        )
    };
}

/// `sqlx::query!` for a gated statement, as `gated_query_as!`.
macro_rules! gated_query {
    ($sql:literal, $user:expr $(, $arg:expr)* $(,)?) => {
        sqlx::query!(
            $sql,
            $user.id(),
            $user.issuer(),
            $user.token_id(),
            $user.carries_email(),
            $user.carries_name(),
            $user.issued_at()
            $(, $arg)*
        )
    };
}

pub(crate) use {gated_query, gated_query_as};
