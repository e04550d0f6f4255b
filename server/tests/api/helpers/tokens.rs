//! Tokens made by the tests themselves: keys, signing, reading a token's parts, an app
//! that signs with a key file the test holds.

use super::{spawn_app_with, test_config, TestApp};
use app::auth::keys::{thumbprint, KeySource};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;
use sqlx::PgPool;

pub fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The payload of a token.
pub fn claims_of(token: &str) -> Value {
    decode(token, 1)
}

/// One part of a token (0: header, 1: claims), decoded.
pub fn decode(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).expect("segment");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("b64")).expect("json")
}

/// Seconds since the epoch, as `iat` and `exp` count.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

pub fn random_signing_key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("randomness");
    SigningKey::from_bytes(&seed)
}

pub fn sign(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// An app that signs with a key from AUTH_SIGNING_KEY_FILE, which the test also holds.
pub async fn spawn_app_with_key_file(
    pool: PgPool,
) -> (TestApp, SigningKey, String, tempfile_path::TempPath) {
    let key = random_signing_key();
    let pem = key.to_pkcs8_pem(LineEnding::LF).expect("PEM");
    let path = tempfile_path::TempPath::new("signing-key.pem", pem.as_bytes());
    let mut config = test_config();
    config.auth.keys = KeySource::File {
        signing: path.0.clone(),
        previous: Vec::new(),
    };
    let app = spawn_app_with(pool, config).await;
    let kid = thumbprint(&key.verifying_key());
    (app, key, kid, path)
}

/// A file removed when the test ends.
pub mod tempfile_path {
    use std::path::PathBuf;

    pub struct TempPath(pub PathBuf);

    impl TempPath {
        pub fn new(name: &str, contents: &[u8]) -> Self {
            let path = std::env::temp_dir().join(format!("{}-{name}", uuid::Uuid::new_v4()));
            std::fs::write(&path, contents).expect("write a temporary file");
            TempPath(path)
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}
