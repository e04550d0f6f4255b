//! The server: configuration, HTTP routes, startup. `main.rs` only wires these up, so
//! that integration tests start the very same application.

pub mod config;
pub mod db;
pub mod http;
pub mod memory;
pub mod startup;
pub mod telemetry;
