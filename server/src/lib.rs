//! The server: configuration, HTTP routes, startup. `main.rs` only wires these up, so
//! that integration tests start the very same application.

// The app's views are rendered here on the server, and their nested types are deep
// (as in `app`); the test build's layout computations need the room.
#![recursion_limit = "256"]

pub mod config;
pub mod db;
pub mod http;
pub mod memory;
pub mod startup;
pub mod telemetry;
