//! What crosses the wire for the account side, shared by the server and the browser.

use crate::auth::model::{User, HIDDEN};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The account page's data: the user, and whether they have a password here (else
/// they sign in through an external issuer, which keeps their password).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub user: User,
    pub has_password: bool,
}

/// The body of a profile change.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProfileChange {
    #[serde(default)]
    pub name: Option<String>,
}

/// What a person chose for every device: the task list's default `filter` (`all`,
/// `pending`, `completed`) and `sort` (`newest`, `oldest`, `title`), and the `theme`
/// (`system`, `light`, `dark`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Preferences {
    pub filter: String,
    pub sort: String,
    pub theme: String,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            filter: "all".into(),
            sort: "newest".into(),
            theme: "system".into(),
        }
    }
}

/// A preferences body: fields are optional so that a missing one is a field error.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PreferencesChange {
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
}

/// The body of a change of password. Its `Debug` never shows a password.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    #[serde(default)]
    pub current_password: Option<String>,
    #[serde(default)]
    pub new_password: Option<String>,
}

/// "Forgot password": the account's email.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResetRequest {
    #[serde(default)]
    pub email: Option<String>,
}

/// A new password set with the token of an emailed link. Its `Debug` shows neither.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub new_password: Option<String>,
}

/// Deleting an account: its password when it has one here, else `confirm` set to
/// `"delete"`. Its `Debug` never shows the password.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountDeletion {
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub confirm: Option<String>,
}

/// The word a person without a password here types to delete their account.
pub const DELETE_CONFIRMATION: &str = "delete";

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordChange").finish_non_exhaustive()
    }
}

impl fmt::Debug for PasswordReset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordReset")
            .field("token", &HIDDEN)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for AccountDeletion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountDeletion")
            .field("confirm", &self.confirm)
            .finish_non_exhaustive()
    }
}
