//! Live sync (README, Live sync): every open page of a person hears of each change to
//! their tasks, whichever server instance made it.
//!
//! PostgreSQL announces each committed change (`NOTIFY`, migration 0010); each instance
//! listens on one connection (`listener`) and hands each announcement to the open
//! streams of the user it names (`hub`); a stream (`stream`) is one page's view of that,
//! ended when its token expires or is signed out. `service` is what the route calls.
//! In the browser, `follow` reads a page's stream.

pub mod change;
#[cfg(feature = "hydrate")]
pub mod follow;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
mod listener;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stream;
