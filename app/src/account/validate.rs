//! The rules of the account side's bodies, shared with the browser. Each returns every
//! bad field at once, as sign-up does.

use super::model::{PasswordChange, PasswordReset, Preferences, PreferencesChange};
use crate::{
    auth::validate::{name_problem, password_problem, PASSWORD_MAX_CHARS},
    error::{AppError, FieldError},
};

pub const FILTERS: [&str; 3] = ["all", "pending", "completed"];
pub const SORTS: [&str; 3] = ["newest", "oldest", "title"];
pub const THEMES: [&str; 3] = ["system", "light", "dark"];

/// The longest reset token we hand out is 43 characters; anything far longer is not one.
const TOKEN_MAX_CHARS: usize = 128;

#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn check(&mut self, field: &str, problem: Option<&str>) {
        if let Some(message) = problem {
            self.0.push(FieldError {
                field: field.into(),
                message: message.into(),
            });
        }
    }

    fn done<T>(self, value: T) -> Result<T, AppError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Validation { errors: self.0 })
        }
    }
}

fn one_of(value: &str, allowed: &[&str], message: &'static str) -> Option<&'static str> {
    (!allowed.contains(&value)).then_some(message)
}

pub fn preferences(change: PreferencesChange) -> Result<Preferences, AppError> {
    let filter = change.filter.unwrap_or_default();
    let sort = change.sort.unwrap_or_default();
    let theme = change.theme.unwrap_or_default();
    let mut problems = Problems::default();
    problems.check(
        "filter",
        one_of(
            &filter,
            &FILTERS,
            "The filter is all, pending or completed.",
        ),
    );
    problems.check(
        "sort",
        one_of(&sort, &SORTS, "The order is newest, oldest or title."),
    );
    problems.check(
        "theme",
        one_of(&theme, &THEMES, "The theme is system, light or dark."),
    );
    problems.done(Preferences {
        filter,
        sort,
        theme,
    })
}

/// A display name, trimmed.
pub fn name(name: Option<String>) -> Result<String, AppError> {
    let name = name.as_deref().unwrap_or_default().trim().to_owned();
    let mut problems = Problems::default();
    problems.check("name", name_problem(&name));
    problems.done(name)
}

/// The current password (present, not longer than any we take) and the new one (the
/// rules of sign-up), as `(current, new)`.
pub fn password_change(change: PasswordChange) -> Result<(String, String), AppError> {
    let current = change.current_password.unwrap_or_default();
    let new = change.new_password.unwrap_or_default();
    let mut problems = Problems::default();
    problems.check(
        "current_password",
        if current.is_empty() {
            Some("Enter your current password.")
        } else {
            (current.chars().count() > PASSWORD_MAX_CHARS)
                .then_some("A password has at most 128 characters.")
        },
    );
    problems.check("new_password", password_problem(&new));
    problems.done((current, new))
}

/// The token of a reset link and the new password, as `(token, new)`.
pub fn password_reset(reset: PasswordReset) -> Result<(String, String), AppError> {
    let token = reset.token.unwrap_or_default();
    let new = reset.new_password.unwrap_or_default();
    let mut problems = Problems::default();
    problems.check(
        "token",
        (token.is_empty() || token.len() > TOKEN_MAX_CHARS)
            .then_some("This link is not a password reset link. Ask for a new one."),
    );
    problems.check("new_password", password_problem(&new));
    problems.done((token, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(result: Result<impl std::fmt::Debug, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn preferences_take_only_the_listed_values() {
        let good = PreferencesChange {
            filter: Some("pending".into()),
            sort: Some("title".into()),
            theme: Some("dark".into()),
        };
        assert_eq!(preferences(good).expect("valid").theme, "dark".to_string());
        let bad = PreferencesChange {
            filter: Some("done".into()),
            sort: None,
            theme: Some("Dark".into()),
        };
        assert_eq!(fields(preferences(bad)), ["filter", "sort", "theme"]);
    }

    #[test]
    fn a_new_password_keeps_the_sign_up_rules() {
        let short = PasswordChange {
            current_password: Some("old password".into()),
            new_password: Some("short".into()),
        };
        assert_eq!(fields(password_change(short)), ["new_password"]);
        let missing = PasswordChange::default();
        assert_eq!(
            fields(password_change(missing)),
            ["current_password", "new_password"]
        );
    }
}
