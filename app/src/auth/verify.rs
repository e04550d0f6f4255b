//! The one verification path of every protected route and server function, in memory:
//! the bearer token's form, the key of its issuer and `kid`, its signature and claims,
//! and the user they name. Whether the token was signed out, and whether its subject
//! has a row, is checked by the statement that uses the `AuthUser` (`auth::gate`).

use super::{
    config::AuthConfig,
    identity::AuthUser,
    jwk::PublicKey,
    keys::OwnKeys,
    token::{self, Claims, Rejection, SignatureMemo},
    trusted::TrustedIssuer,
    validate,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use http::{header::AUTHORIZATION, HeaderMap};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub struct Verifier {
    /// `iss` and `aud` of our own tokens.
    issuer: String,
    audience: String,
    keys: Arc<OwnKeys>,
    trusted: Option<TrustedIssuer>,
    signatures: SignatureMemo,
}

impl Verifier {
    pub fn new(config: &AuthConfig, keys: Arc<OwnKeys>, trusted: Option<TrustedIssuer>) -> Self {
        Verifier {
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            keys,
            trusted,
            signatures: SignatureMemo::new(),
        }
    }

    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<AuthUser, Rejection> {
        let raw = bearer_token(headers)?;
        let unverified = token::parse(raw)?;
        let own = unverified.claims.iss == self.issuer;
        let (key, audience) = self
            .key_for(&unverified.claims.iss, &unverified.kid)
            .await?;
        let claims = unverified.verify_remembering(
            &key,
            audience,
            Utc::now().timestamp(),
            &self.signatures,
        )?;
        AuthUser::from_claims(claims, raw, own)
    }

    /// The key that verifies a token of this issuer with this `kid`, and the audience
    /// the token must name: ours, or the trusted issuer's; any other issuer is unknown.
    async fn key_for(&self, iss: &str, kid: &str) -> Result<(PublicKey, &str), Rejection> {
        let (key, audience) = if iss == self.issuer {
            (self.keys.verifying_key(kid).await, self.audience.as_str())
        } else {
            match &self.trusted {
                Some(trusted) if trusted.config.issuer == iss => {
                    (trusted.key(kid).await, trusted.config.audience.as_str())
                }
                _ => return Err(Rejection::UnknownIssuer),
            }
        };
        Ok((key.ok_or(Rejection::UnknownKey)?, audience))
    }
}

impl AuthUser {
    /// The user that the claims of a verified token name. `raw` is the token, whose
    /// hash stands in for a `jti` that an external token lacks; `own` says it is ours.
    fn from_claims(claims: Claims, raw: &str, own: bool) -> Result<Self, Rejection> {
        let token_id = match (&claims.jti, own) {
            (Some(jti), _) if !jti.is_empty() => jti.clone(),
            // Our tokens always carry a jti; a signed one without is not ours.
            (_, true) => return Err(Rejection::MissingTokenId),
            (_, false) => format!(
                "sha256:{}",
                URL_SAFE_NO_PAD.encode(Sha256::digest(raw.as_bytes()))
            ),
        };
        // What a first request writes into the user's row keeps the rules of our own
        // accounts; an empty or missing one is "not known yet".
        let email = claims
            .email
            .as_deref()
            .map(validate::normalize_email)
            .unwrap_or_default();
        let name = claims.name.as_deref().unwrap_or_default().trim().to_owned();
        if (!email.is_empty() && validate::email_problem(&email).is_some())
            || (!name.is_empty() && validate::name_problem(&name).is_some())
        {
            return Err(Rejection::Profile);
        }
        let expires_at = DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now);
        let issued_at = claims.iat.and_then(|iat| DateTime::from_timestamp(iat, 0));
        Ok(AuthUser::verified(
            claims.sub,
            claims.iss,
            token_id,
            (issued_at, expires_at),
            email,
            name,
        ))
    }
}

/// The token of an `Authorization: Bearer <token>` header, and nothing else.
fn bearer_token(headers: &HeaderMap) -> Result<&str, Rejection> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(Rejection::Malformed);
    };
    let value = value.to_str().map_err(|_| Rejection::Malformed)?;
    let (scheme, token) = value.split_once(' ').ok_or(Rejection::Malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(Rejection::Malformed);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(AUTHORIZATION, HeaderValue::from_str(v).expect("header"));
        }
        map
    }

    #[test]
    fn only_one_bearer_header_is_read() {
        assert_eq!(
            bearer_token(&headers(&["Bearer abc.def.ghi"])),
            Ok("abc.def.ghi")
        );
        assert_eq!(bearer_token(&headers(&["bearer abc"])), Ok("abc"));
        for bad in [
            &[][..],
            &["Basic dXNlcjpwYXNz"],
            &["Bearer"],
            &["Bearer "],
            &["Bearer a b"],
            &["Token abc"],
            &["Bearer a", "Bearer b"],
        ] {
            assert!(bearer_token(&headers(bad)).is_err(), "{bad:?}");
        }
    }
}
