//! Input rules for identity, shared by the server (which enforces them) and the browser
//! (which checks them before sending). Only the common-password check is server-only:
//! its list stays out of the browser bundle.

use super::model::{SignInRequest, SignUpRequest};
use crate::error::{AppError, FieldError};
use secrecy::SecretString;

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const NAME_MAX_CHARS: usize = 100;
pub const EMAIL_MAX_CHARS: usize = 254;

/// Emails are trimmed and lower-cased before they are stored or compared, on the server
/// as PostgreSQL's `lower()` does in the table's check. The browser only checks their
/// shape before sending the email as typed, so it lower-cases ASCII alone: Unicode's case
/// tables would cost 7 KB of the gzipped bundle for no verdict of its own.
pub fn normalize_email(raw: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        raw.trim().to_lowercase()
    }
    #[cfg(not(feature = "ssr"))]
    {
        raw.trim().to_ascii_lowercase()
    }
}

/// Why a normalised email is not acceptable, if it is not. A deliberately simple shape
/// check (one `@`, a dotted domain, no spaces): the mailbox itself is never verified.
pub fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("Enter your email address.");
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Some("An email address has at most 254 characters.");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Some("An email address looks like name@example.com.");
    };
    let malformed = local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
        || email.chars().any(|c| c.is_whitespace() || c.is_control());
    if malformed {
        return Some("An email address looks like name@example.com.");
    }
    None
}

pub fn password_problem(password: &str) -> Option<&'static str> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Some("A password has at least 8 characters.")
    } else if chars > PASSWORD_MAX_CHARS {
        Some("A password has at most 128 characters.")
    } else {
        None
    }
}

/// Names are trimmed before they are checked or stored.
pub fn name_problem(name: &str) -> Option<&'static str> {
    let chars = name.chars().count();
    if chars == 0 {
        Some("Enter your name.")
    } else if chars > NAME_MAX_CHARS {
        Some("A name has at most 100 characters.")
    } else if name.chars().any(char::is_control) {
        Some("A name cannot contain control characters.")
    } else {
        None
    }
}

/// A sign-up whose fields passed every shared rule; only `new_account` makes one. The
/// password is a `SecretString`: no `Debug` shows it, and its memory is wiped on drop.
#[derive(Debug)]
pub struct NewAccount {
    email: String,
    password: SecretString,
    name: String,
}

impl NewAccount {
    /// Normalized (`normalize_email`).
    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn password(&self) -> &SecretString {
        &self.password
    }

    /// Trimmed.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Checks every field and reports all the bad ones at once.
pub fn new_account(request: SignUpRequest) -> Result<NewAccount, AppError> {
    let email = normalize_email(request.email.as_deref().unwrap_or_default());
    let password = request.password.unwrap_or_default();
    let name = request
        .name
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let mut errors = Vec::new();
    let mut check = |field: &str, problem: Option<&str>| {
        if let Some(message) = problem {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        }
    };
    check("email", email_problem(&email));
    check("password", password_problem(&password));
    check("name", name_problem(&name));
    if errors.is_empty() {
        Ok(NewAccount {
            email,
            password: password.into(),
            name,
        })
    } else {
        Err(AppError::Validation { errors })
    }
}

/// A sign-in of the right shape; only `credentials` makes one. The password is kept as
/// in `NewAccount`.
#[derive(Debug)]
pub struct Credentials {
    email: String,
    password: SecretString,
}

impl Credentials {
    /// Normalized (`normalize_email`).
    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn password(&self) -> &SecretString {
        &self.password
    }
}

/// Sign-in insists that both fields are there and could belong to an account (an
/// email of the shape sign-up takes, a password no longer than sign-up takes): whether
/// they match one is answered with one generic 401, never field by field.
pub fn credentials(request: SignInRequest) -> Result<Credentials, AppError> {
    let email = normalize_email(request.email.as_deref().unwrap_or_default());
    let password = request.password.unwrap_or_default();
    let mut errors = Vec::new();
    if let Some(problem) = email_problem(&email) {
        errors.push(FieldError {
            field: "email".into(),
            message: problem.into(),
        });
    }
    let password_problem = if password.is_empty() {
        Some("Enter your password.")
    } else if password.chars().count() > PASSWORD_MAX_CHARS {
        Some("A password has at most 128 characters.")
    } else {
        None
    };
    if let Some(problem) = password_problem {
        errors.push(FieldError {
            field: "password".into(),
            message: problem.into(),
        });
    }
    if errors.is_empty() {
        Ok(Credentials {
            email,
            password: password.into(),
        })
    } else {
        Err(AppError::Validation { errors })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn no_debug_output_shows_a_password_or_a_token() {
        use crate::auth::model::{AuthSession, User};
        let secret = "a secret never to print";
        let sign_up = SignUpRequest {
            email: Some("ada@example.com".into()),
            password: Some(secret.into()),
            name: Some("Ada".into()),
        };
        let sign_in = SignInRequest {
            email: Some("ada@example.com".into()),
            password: Some(secret.into()),
        };
        let session = AuthSession {
            token: secret.into(),
            token_type: "Bearer".into(),
            expires_in: 60,
            user: User {
                id: "u".into(),
                email: "ada@example.com".into(),
                name: "Ada".into(),
                created_at: "2026-01-01T00:00:00Z".into(),
            },
        };
        let shown = [
            format!("{sign_up:?}"),
            format!("{sign_in:?}"),
            format!("{session:?}"),
            format!("{:?}", new_account(sign_up.clone()).expect("valid")),
            format!("{:?}", credentials(sign_in.clone()).expect("valid")),
        ];
        for text in shown {
            assert!(!text.contains(secret), "{text}");
            assert!(text.contains("ada@example.com"), "{text}");
        }
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(normalize_email("  Ada@Example.COM \n"), "ada@example.com");
    }

    #[test]
    fn email_shapes() {
        for ok in [
            "a@b.co",
            "ada.lovelace+todo@example.org",
            "x@sub.example.museum",
        ] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "ada@@example.com",
            "ada@exa mple.com",
            "ada lovelace@example.com",
            "ada@.example.com",
            "ada@example.com.",
            "ada@example..com",
        ] {
            assert!(email_problem(bad).is_some(), "{bad:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(email_problem(&long).is_some());
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(password_problem("1234567").is_some());
        assert_eq!(password_problem("12345678"), None);
        assert_eq!(password_problem(&"é".repeat(128)), None);
        assert!(password_problem(&"é".repeat(129)).is_some());
    }

    #[test]
    fn names_are_1_to_100_characters() {
        assert!(name_problem("").is_some());
        assert_eq!(name_problem("A"), None);
        assert_eq!(name_problem(&"n".repeat(100)), None);
        assert!(name_problem(&"n".repeat(101)).is_some());
        assert!(name_problem("Ada\u{0}").is_some());
    }

    #[test]
    fn a_sign_up_reports_every_bad_field_at_once() {
        let Err(AppError::Validation { errors }) = new_account(SignUpRequest {
            email: Some("nope".into()),
            password: Some("short".into()),
            name: Some("   ".into()),
        }) else {
            panic!("accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "password", "name"]);
    }

    #[test]
    fn a_valid_sign_up_is_normalised() {
        let account = new_account(SignUpRequest {
            email: Some(" Ada@Example.com ".into()),
            password: Some(" keeps its spaces ".into()),
            name: Some("  Ada Lovelace ".into()),
        })
        .expect("valid");
        assert_eq!(account.email(), "ada@example.com");
        assert_eq!(account.password().expose_secret(), " keeps its spaces ");
        assert_eq!(account.name(), "Ada Lovelace");
    }
}
