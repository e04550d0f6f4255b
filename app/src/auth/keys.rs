//! Our own Ed25519 signing keys: where they come from, how they rotate, and the JWK Set
//! that publishes them.
//!
//! With `AUTH_SIGNING_KEY_FILE`, the file's key is the only one that signs, and only it
//! and the public keys the operator lists verify: the database is not trusted with keys.
//! Without it the keys live in the database, so that restarts and every instance share
//! them. Each key is `next` (published, not yet signing),
//! `current` (signing) or `retired` (published until every token it signed has
//! expired). Publishing the next key ahead lets a rotation happen without a token that
//! some instance cannot verify yet.

use super::{db, jwk::PublicKey};
use crate::error::AppError;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{
    pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey},
    SigningKey, VerifyingKey,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, RwLock},
    time::{Duration, Instant},
};

/// One Ed25519 key pair with its id.
#[derive(Clone)]
pub struct KeyPair {
    pub kid: String,
    signing: SigningKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    pub fn generate() -> Result<Self, AppError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|error| {
            tracing::error!(%error, "no randomness for a signing key");
            AppError::Internal
        })?;
        Ok(Self::from_signing_key(SigningKey::from_bytes(&seed)))
    }

    pub fn from_signing_key(signing: SigningKey) -> Self {
        KeyPair {
            kid: thumbprint(&signing.verifying_key()),
            signing,
        }
    }

    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, String> {
        SigningKey::from_pkcs8_pem(pem)
            .map(Self::from_signing_key)
            .map_err(|e| format!("not an Ed25519 private key in PKCS#8 PEM: {e}"))
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<Self, String> {
        SigningKey::from_pkcs8_der(der)
            .map(Self::from_signing_key)
            .map_err(|e| format!("not an Ed25519 private key in PKCS#8 DER: {e}"))
    }

    pub fn pkcs8_der(&self) -> Result<Vec<u8>, AppError> {
        self.signing
            .to_pkcs8_der()
            .map(|doc| doc.as_bytes().to_vec())
            .map_err(|error| {
                tracing::error!(%error, "cannot encode a signing key");
                AppError::Internal
            })
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The key in the form jsonwebtoken signs with.
    pub fn encoding_key(&self) -> Result<jsonwebtoken::EncodingKey, AppError> {
        Ok(jsonwebtoken::EncodingKey::from_ed_der(&self.pkcs8_der()?))
    }
}

/// RFC 7638 JWK thumbprint of an Ed25519 public key (RFC 8037 §A.3): a `kid` that every
/// instance derives alike from the same key.
pub fn thumbprint(key: &VerifyingKey) -> String {
    let x = URL_SAFE_NO_PAD.encode(key.as_bytes());
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// One entry of a JWK Set, as RFC 8037 writes an Ed25519 public key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Jwk {
    pub kty: &'static str,
    pub crv: &'static str,
    pub x: String,
    pub kid: String,
    #[serde(rename = "use")]
    pub use_: &'static str,
    pub alg: &'static str,
}

impl Jwk {
    pub fn ed25519(kid: &str, key: &VerifyingKey) -> Self {
        Jwk {
            kty: "OKP",
            crv: "Ed25519",
            x: URL_SAFE_NO_PAD.encode(key.as_bytes()),
            kid: kid.to_owned(),
            use_: "sig",
            alg: "EdDSA",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// The keys as one instance sees them at one moment.
#[derive(Debug)]
pub struct KeyRing {
    pub signing: KeyPair,
    /// Made once per ring, not per request: a `PublicKey` carries its digest.
    pub verifying: HashMap<String, PublicKey>,
    pub jwks: JwkSet,
}

impl KeyRing {
    fn new(signing: KeyPair, published: Vec<(String, VerifyingKey)>) -> Self {
        let mut raw: HashMap<String, VerifyingKey> = published.into_iter().collect();
        raw.insert(signing.kid.clone(), signing.verifying_key());
        let mut keys: Vec<Jwk> = raw
            .iter()
            .map(|(kid, key)| Jwk::ed25519(kid, key))
            .collect();
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        let verifying = raw
            .into_iter()
            .map(|(kid, key)| (kid, PublicKey::ed25519(key)))
            .collect();
        KeyRing {
            signing,
            verifying,
            jwks: JwkSet { keys },
        }
    }
}

/// How often an instance rereads the keys, to sign with the current key after another
/// instance rotated; and the least time between rereads forced by an unknown `kid`.
const REFRESH_EVERY: Duration = Duration::from_secs(60);
const MIN_FORCED_REFRESH: Duration = Duration::from_secs(5);

/// Where our keys come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeySource {
    /// Made once and kept in the database (`signing_keys`), shared by every instance.
    #[default]
    Database,
    /// `AUTH_SIGNING_KEY_FILE`: the one key that signs, and with it the public keys
    /// the operator lists (`AUTH_PREVIOUS_PUBLIC_KEY_FILES`, e.g. a rotated file key
    /// until its tokens have expired). Nothing is read from the database: a key that
    /// someone inserts there, or that leaked from it, verifies nothing.
    File {
        signing: PathBuf,
        previous: Vec<PathBuf>,
    },
}

/// Our keys, cached in memory; from the database, reread now and then, or from files.
pub struct OwnKeys {
    pool: PgPool,
    /// False when the keys come from files: then the ring never changes.
    from_database: bool,
    /// How long a retired key stays published: the longest a token lives, plus margin.
    retention: Duration,
    ring: RwLock<Arc<KeyRing>>,
    last_refresh: Mutex<Instant>,
}

impl OwnKeys {
    pub async fn load(
        pool: PgPool,
        source: &KeySource,
        token_ttl: Duration,
    ) -> Result<Self, KeyError> {
        let retention = token_ttl + REFRESH_EVERY * 2;
        let ring = match source {
            KeySource::File { signing, previous } => file_ring(signing, previous)?,
            KeySource::Database => {
                ensure_database_keys(&pool).await?;
                read_ring(&pool, retention).await?
            }
        };
        Ok(OwnKeys {
            pool,
            from_database: *source == KeySource::Database,
            retention,
            ring: RwLock::new(Arc::new(ring)),
            last_refresh: Mutex::new(Instant::now()),
        })
    }

    pub fn ring(&self) -> Arc<KeyRing> {
        match self.ring.read() {
            Ok(ring) => ring.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Rereads the keys from the database (keys from files never change).
    async fn refresh(&self) -> Result<(), AppError> {
        if !self.from_database {
            return Ok(());
        }
        let ring = read_ring(&self.pool, self.retention)
            .await
            .map_err(|error| {
                tracing::warn!(%error, "cannot reread the signing keys");
                AppError::Unavailable
            })?;
        match self.ring.write() {
            Ok(mut slot) => *slot = Arc::new(ring),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(ring),
        }
        Ok(())
    }

    /// The key with this `kid`, rereading the database first if it is unknown here (a
    /// rotation made by another instance), at most once per few seconds.
    pub async fn verifying_key(&self, kid: &str) -> Option<PublicKey> {
        if let Some(key) = self.ring().verifying.get(kid) {
            return Some(key.clone());
        }
        if !self.from_database || !self.claim_refresh(MIN_FORCED_REFRESH) {
            return None;
        }
        self.refresh().await.ok()?;
        self.ring().verifying.get(kid).cloned()
    }

    /// Whether the caller may refresh now; if so, the slot is taken.
    fn claim_refresh(&self, min_gap: Duration) -> bool {
        let mut last = match self.last_refresh.lock() {
            Ok(last) => last,
            Err(poisoned) => poisoned.into_inner(),
        };
        if last.elapsed() < min_gap {
            return false;
        }
        *last = Instant::now();
        true
    }

    /// Rereads the keys every minute, for as long as the server runs.
    pub fn spawn_refresher(self: &Arc<Self>) {
        if !self.from_database {
            return;
        }
        let keys = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(REFRESH_EVERY);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(keys) = keys.upgrade() else { break };
                if keys.claim_refresh(Duration::ZERO) {
                    let _ = keys.refresh().await;
                }
            }
        });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    File(String),
    #[error("a signing key in the database is unusable: {0}")]
    Stored(String),
    #[error("cannot read or store the signing keys: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot make a signing key")]
    Generate,
}

impl From<AppError> for KeyError {
    fn from(_: AppError) -> Self {
        KeyError::Generate
    }
}

/// Makes the current and the next key if they are missing. Instances starting together
/// serialise on an advisory lock, so exactly one of them makes each key.
async fn ensure_database_keys(pool: &PgPool) -> Result<(), KeyError> {
    let mut tx = pool.begin().await?;
    db::lock_signing_keys(&mut tx).await?;
    let states = db::signing_key_states(&mut tx).await?;
    for wanted in [db::KeyState::Current, db::KeyState::Next] {
        if !states.contains(&wanted) {
            let key = KeyPair::generate()?;
            db::insert_signing_key(&mut tx, &key.kid, &key.pkcs8_der()?, wanted).await?;
            tracing::info!(kid = %key.kid, state = ?wanted, "made a signing key");
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn read_ring(pool: &PgPool, retention: Duration) -> Result<KeyRing, KeyError> {
    let rows = db::published_signing_keys(pool, retention).await?;
    let mut current = None;
    let mut published = Vec::new();
    for row in rows {
        let pair = KeyPair::from_pkcs8_der(&row.private_key).map_err(KeyError::Stored)?;
        if pair.kid != row.kid {
            return Err(KeyError::Stored(format!(
                "key {} has another thumbprint",
                row.kid
            )));
        }
        published.push((pair.kid.clone(), pair.verifying_key()));
        if row.state == db::KeyState::Current {
            current = Some(pair);
        }
    }
    let signing = current.ok_or_else(|| KeyError::Stored("no current signing key".into()))?;
    Ok(KeyRing::new(signing, published))
}

/// The ring of file mode: the signing key's file and the listed public keys.
fn file_ring(signing: &Path, previous: &[PathBuf]) -> Result<KeyRing, KeyError> {
    let read = |path: &Path, name: &str| {
        std::fs::read_to_string(path)
            .map_err(|e| KeyError::File(format!("{name}: cannot read {}: {e}", path.display())))
    };
    let pem = read(signing, "AUTH_SIGNING_KEY_FILE")?;
    let signing = KeyPair::from_pkcs8_pem(&pem)
        .map_err(|e| KeyError::File(format!("AUTH_SIGNING_KEY_FILE: {e}")))?;
    let mut published = Vec::new();
    for path in previous {
        let pem = read(path, "AUTH_PREVIOUS_PUBLIC_KEY_FILES")?;
        let key = VerifyingKey::from_public_key_pem(&pem).map_err(|e| {
            KeyError::File(format!(
                "AUTH_PREVIOUS_PUBLIC_KEY_FILES: {} is not an Ed25519 public key in PEM: {e}",
                path.display()
            ))
        })?;
        published.push((thumbprint(&key), key));
    }
    Ok(KeyRing::new(signing, published))
}

/// Promotes the next key to current, retires the current one, makes a new next key and
/// drops retired keys that can no longer verify a live token. Run by
/// `server rotate-signing-key`; other instances pick the change up within a minute.
pub async fn rotate(pool: &PgPool, token_ttl: Duration) -> Result<String, KeyError> {
    ensure_database_keys(pool).await?;
    let mut tx = pool.begin().await?;
    db::lock_signing_keys(&mut tx).await?;
    let retention = token_ttl + REFRESH_EVERY * 2;
    db::retire_current_signing_key(&mut tx).await?;
    let promoted = db::promote_next_signing_key(&mut tx).await?;
    let next = KeyPair::generate()?;
    db::insert_signing_key(&mut tx, &next.kid, &next.pkcs8_der()?, db::KeyState::Next).await?;
    db::delete_expired_signing_keys(&mut tx, retention).await?;
    tx.commit().await?;
    tracing::info!(current = %promoted, next = %next.kid, "rotated the signing keys");
    Ok(promoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kid_is_the_rfc_8037_thumbprint() {
        // RFC 8037, appendix A.2 and A.3.
        let x = URL_SAFE_NO_PAD
            .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
            .expect("base64");
        let key = VerifyingKey::from_bytes(&x.try_into().expect("32 bytes")).expect("a point");
        assert_eq!(
            thumbprint(&key),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn a_key_survives_pkcs8_and_keeps_its_kid() {
        let key = KeyPair::generate().expect("key");
        let again = KeyPair::from_pkcs8_der(&key.pkcs8_der().expect("der")).expect("parse");
        assert_eq!(key.kid, again.kid);
        assert_eq!(key.verifying_key(), again.verifying_key());
    }

    #[test]
    fn a_ring_publishes_the_signing_key_once() {
        let key = KeyPair::generate().expect("key");
        let other = KeyPair::generate().expect("key");
        let ring = KeyRing::new(
            key.clone(),
            vec![
                (key.kid.clone(), key.verifying_key()),
                (other.kid.clone(), other.verifying_key()),
            ],
        );
        assert_eq!(ring.jwks.keys.len(), 2);
        assert!(ring.verifying.contains_key(&other.kid));
    }
}
