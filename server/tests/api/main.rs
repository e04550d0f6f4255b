//! Integration tests: the real application over real HTTP, each test on its own fresh
//! PostgreSQL database (`#[sqlx::test]` creates it and drops it afterwards).

mod helpers;
mod operations;
mod pages;
mod proxy;
