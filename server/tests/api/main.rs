//! Integration tests: the real application over real HTTP, each test on its own fresh
//! PostgreSQL database (`#[sqlx::test]` creates it and drops it afterwards).

mod account;
mod assets;
mod better_auth;
mod better_auth_algorithms;
mod better_auth_provider;
mod cluster;
mod external;
mod gate;
mod helpers;
mod identity;
mod instances;
mod limits;
mod live;
mod logs;
mod openapi;
mod operations;
mod pages;
mod password_reset;
mod properties;
mod proxy;
mod restart;
mod restore;
mod rpc;
mod task_access;
mod task_limits;
mod task_listing;
mod tasks;
mod throttle;
mod tokens;
