//! The sign-in and sign-up pages, and what their forms share.

pub(crate) mod form;
mod next;
mod sign_in;
mod sign_up;

pub use sign_in::SignInPage;
pub use sign_up::SignUpPage;
