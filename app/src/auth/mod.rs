//! Identity: accounts, tokens, and the verification of every request.
//!
//! `model`, `validate` and `api` are compiled for the browser too; the rest is
//! server-only.

pub mod api;
pub mod model;
pub mod refresh;
pub mod validate;
pub mod view;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod better_auth;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
mod extract;
#[cfg(feature = "ssr")]
pub mod gate;
#[cfg(feature = "ssr")]
pub mod identity;
#[cfg(feature = "ssr")]
pub mod jwk;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod provider_cookie;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod trusted;
#[cfg(feature = "ssr")]
pub mod verify;

#[cfg(feature = "ssr")]
pub use extract::{
    client_address, forget_provider_session, request_parts, signed_in_answer, with_user,
};
#[cfg(feature = "ssr")]
pub use identity::AuthUser;
