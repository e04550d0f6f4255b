//! The account's pages: `/account`, and a forgotten password's `/forgot-password` and
//! `/reset-password`. Loaded only when visited (lazy routes: their code is its own
//! chunk of the browser bundle, README, Sizes).

mod export;
mod page;
mod recovery;

pub use page::AccountPage;
pub use recovery::{ForgotPasswordPage, ResetPasswordPage};
