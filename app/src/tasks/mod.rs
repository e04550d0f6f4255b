//! Tasks: each belongs to exactly one user, who is always the verified token's subject.
//!
//! `model`, `validate` and `api` are compiled for the browser too; the rest is
//! server-only.

pub mod api;
pub mod model;
pub mod validate;
pub mod view;

#[cfg(feature = "ssr")]
pub mod command;
#[cfg(feature = "ssr")]
pub mod cursor;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod service;
