//! Property tests: the validators and the token parser, on arbitrary input, never panic
//! and never accept what their rules refuse.
#![cfg(feature = "ssr")]

use app::{
    auth::{
        keys::KeyPair,
        model::SignUpRequest,
        token::{self, Grant},
        validate,
    },
    error::AppError,
    tasks::{model::NewTask, validate as task_validate},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use proptest::{collection::vec, prelude::*, sample::Index};
use secrecy::ExposeSecret;
use std::sync::LazyLock;

const NOW: i64 = 1_800_000_000;
static KEY: LazyLock<KeyPair> = LazyLock::new(|| KeyPair::generate().expect("key"));
static TOKEN: LazyLock<String> = LazyLock::new(|| {
    token::issue(
        &KEY,
        &Grant {
            subject: "user-1",
            email: "ada@example.com",
            name: "Ada",
            issuer: "https://issuer.test",
            audience: "todo",
            issued_at: NOW,
            expires_at: NOW + 3600,
            token_id: "jti-1",
        },
    )
    .expect("token")
});

fn verifies(raw: &str) -> bool {
    token::parse(raw)
        .and_then(|unverified| {
            unverified.verify(
                &app::auth::jwk::PublicKey::ed25519(KEY.verifying_key()),
                "todo",
                NOW,
            )
        })
        .is_ok()
}

/// Text that is sometimes anything and sometimes close to what the rules look for.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ \t\na-zA-Z0-9@._-]{0,300}",
        "[a-z]{1,70}@[a-z]{1,20}\\.[a-z]{2,5}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_string_is_a_valid_token(raw in text()) {
        prop_assert!(!verifies(&raw));
    }

    #[test]
    fn three_parts_of_arbitrary_bytes_never_verify(
        header in vec(any::<u8>(), 0..200),
        payload in vec(any::<u8>(), 0..400),
        signature in vec(any::<u8>(), 0..100),
    ) {
        let raw = [header, payload, signature]
            .iter()
            .map(|part| URL_SAFE_NO_PAD.encode(part))
            .collect::<Vec<_>>()
            .join(".");
        prop_assert!(!verifies(&raw));
    }

    /// Any one character of a valid token changed, and it no longer verifies.
    #[test]
    fn a_changed_character_breaks_a_valid_token(at in any::<Index>(), with in "[A-Za-z0-9_.-]") {
        prop_assume!(verifies(&TOKEN));
        let mut chars: Vec<char> = TOKEN.chars().collect();
        let at = at.index(chars.len());
        let with = with.chars().next().unwrap_or('A');
        prop_assume!(chars[at] != with);
        chars[at] = with;
        let changed: String = chars.into_iter().collect();
        prop_assert!(!verifies(&changed));
    }

    #[test]
    fn an_accepted_task_keeps_the_rules(title in proptest::option::of(text()), description in proptest::option::of(text())) {
        match task_validate::new_task(NewTask { title, description }) {
            Ok(task) => {
                prop_assert_eq!(task.title().trim(), task.title());
                prop_assert!((1..=200).contains(&task.title().chars().count()));
                prop_assert!(task.description().is_none_or(|d| d.chars().count() <= 2000));
            }
            Err(AppError::Validation { errors }) => prop_assert!(!errors.is_empty()),
            Err(other) => prop_assert!(false, "not a validation error: {other:?}"),
        }
    }

    #[test]
    fn an_accepted_account_keeps_the_rules(
        email in proptest::option::of(text()),
        password in proptest::option::of(text()),
        name in proptest::option::of(text()),
    ) {
        match validate::new_account(SignUpRequest { email, password, name }) {
            Ok(account) => {
                prop_assert_eq!(validate::normalize_email(account.email()), account.email());
                prop_assert!(account.email().contains('@'));
                prop_assert!(!account.email().chars().any(char::is_whitespace));
                prop_assert!(account.email().chars().count() <= 254);
                prop_assert!((8..=128).contains(&account.password().expose_secret().chars().count()));
                prop_assert_eq!(account.name().trim(), account.name());
                prop_assert!((1..=100).contains(&account.name().chars().count()));
            }
            Err(AppError::Validation { errors }) => prop_assert!(!errors.is_empty()),
            Err(other) => prop_assert!(false, "not a validation error: {other:?}"),
        }
    }
}
