//! Walking-skeleton feature: a counter kept in PostgreSQL. It proves SSR, hydration,
//! server functions and the database together, and goes once real features exist.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod view;
