//! The token parser on arbitrary bytes: it never panics, and nothing it parses verifies
//! under a key that did not sign it.
#![no_main]

use app::auth::{keys::KeyPair, token};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static KEY: LazyLock<KeyPair> = LazyLock::new(|| KeyPair::generate().expect("a key"));

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(unverified) = token::parse(raw) {
        let verified = unverified.verify(
            &app::auth::jwk::PublicKey::ed25519(KEY.verifying_key()),
            "todo",
            1_800_000_000,
        );
        assert!(verified.is_err(), "a token nobody signed verified");
    }
});
