//! Arbitrary `Authorization` headers, over real HTTP: none gets past the token check,
//! none makes the server fail, none writes.

use crate::helpers::spawn_app;
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestRunner},
};
use serde_json::json;
use sqlx::PgPool;

const CASES: usize = 150;

#[sqlx::test(migrations = false)]
async fn no_arbitrary_authorization_gets_in_or_writes(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let session = app.new_user().await;
    let id = session["user"]["id"].as_str().expect("id").to_owned();
    let token = session["token"].as_str().expect("token").to_owned();
    let token_chars = token.chars().count();

    let values = prop_oneof![
        "[ -~]{0,200}",
        "Bearer [ -~]{0,300}",
        "Bearer [A-Za-z0-9_-]{10,100}\\.[A-Za-z0-9_-]{10,300}\\.[A-Za-z0-9_-]{86}",
        // The real token with one character changed.
        (0..token_chars, "[A-Za-z0-9_.-]").prop_map(move |(at, with)| {
            let mut chars: Vec<char> = token.chars().collect();
            chars[at] = with.chars().next().unwrap_or('A');
            format!("Bearer {}", chars.into_iter().collect::<String>())
        }),
    ];
    let real = format!("Bearer {}", session["token"].as_str().expect("token"));
    let mut runner = TestRunner::new(Config::with_cases(CASES as u32));
    let mut tried = 0;
    while tried < CASES {
        let value = values.new_tree(&mut runner).expect("a value").current();
        if value == real {
            continue;
        }
        tried += 1;
        let me = app
            .client
            .get(app.url("/api/me"))
            .header("authorization", &value)
            .send()
            .await
            .expect("request failed");
        assert_eq!(me.status(), 401, "{value:?} got {}", me.status());
        let create = app
            .client
            .post(app.url(&format!("/api/{id}/tasks")))
            .header("authorization", &value)
            .json(&json!({ "title": "Should not exist" }))
            .send()
            .await
            .expect("request failed");
        assert_eq!(create.status(), 401, "{value:?} got {}", create.status());
    }
    let tasks: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(tasks, 0);
}
