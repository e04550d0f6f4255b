//! The account side: the profile, the password (changed, or reset by an emailed link),
//! signing out everywhere, preferences, export and deletion.
//!
//! `model`, `validate` and `api` are compiled for the browser too; the rest is
//! server-only.

pub mod api;
pub mod model;
pub mod theme;
pub mod validate;
pub mod view;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod service;
