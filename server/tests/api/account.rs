//! The account routes: the profile, changing the password, signing out everywhere,
//! preferences, export and deletion (README, Account). Password resets by email are in
//! `password_reset.rs`.

use crate::helpers::{
    assert_unauthorized, count_tasks_of, problem, spawn_app, spawn_app_with, tasks, test_config,
    TestApp, PASSWORD,
};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;

async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    tasks::call(app, token, method, path, body.as_ref()).await
}

async fn signed_up(app: &TestApp, email: &str) -> (String, String) {
    let response = app.sign_up_as(email, PASSWORD, "Ada").await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.expect("JSON");
    (
        session["user"]["id"].as_str().expect("id").to_owned(),
        session["token"].as_str().expect("token").to_owned(),
    )
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> Option<String> {
    let response = app.sign_in_as(email, password).await;
    if response.status() != 200 {
        return None;
    }
    let session: Value = response.json().await.expect("JSON");
    Some(session["token"].as_str().expect("token").to_owned())
}

/// A second instance of the service: its own process state and pool, the same database.
async fn second_instance(pool: &PgPool) -> TestApp {
    let other = PgPool::connect_with(pool.connect_options().as_ref().clone())
        .await
        .expect("a second pool");
    spawn_app_with(other, test_config()).await
}

async fn change_password(
    app: &TestApp,
    token: &str,
    current: &str,
    new: &str,
) -> reqwest::Response {
    call(
        app,
        token,
        Method::POST,
        "/api/auth/change-password",
        Some(json!({ "current_password": current, "new_password": new })),
    )
    .await
}

#[sqlx::test]
async fn changing_the_password_ends_every_other_session_on_every_instance(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = second_instance(&pool).await;
    let email = "change@example.com";
    let (_, token) = signed_up(&a, email).await;
    let other_device = sign_in(&b, email, PASSWORD).await.expect("second session");
    assert_eq!(b.me(&other_device).await.status(), 200);

    let new = "a different long secret";
    let response = change_password(&a, &token, PASSWORD, new).await;
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.expect("JSON");
    let replaced = session["token"].as_str().expect("a new token").to_owned();

    // Every token issued before is refused, on both instances; the new one works on both.
    for app in [&a, &b] {
        assert_unauthorized(app.me(&token).await).await;
        assert_unauthorized(app.me(&other_device).await).await;
        assert_eq!(app.me(&replaced).await.status(), 200);
    }
    assert!(
        sign_in(&a, email, PASSWORD).await.is_none(),
        "the old password"
    );
    assert!(sign_in(&b, email, new).await.is_some(), "the new password");
}

#[sqlx::test]
async fn a_refused_change_of_password_changes_nothing(pool: PgPool) {
    let app = spawn_app(pool).await;
    let email = "refused@example.com";
    let (_, token) = signed_up(&app, email).await;

    // Wrong current password: 403 (the token is good: no 401 that would sign out).
    let response = change_password(&app, &token, "not the password", "another long secret").await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        problem(response).await["detail"],
        "the password is incorrect"
    );

    // A new password that breaks the sign-up rules: 422, field by field.
    let response = change_password(&app, &token, PASSWORD, "short").await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        problem(response).await["errors"][0]["field"],
        "new_password"
    );
    let response = change_password(&app, &token, PASSWORD, "password123").await;
    assert_eq!(response.status(), 422, "a most common password");
    let response = call(
        &app,
        &token,
        Method::POST,
        "/api/auth/change-password",
        Some(json!({})),
    )
    .await;
    assert_eq!(response.status(), 422);

    // Nothing changed: the token and the old password still work.
    assert_eq!(app.me(&token).await.status(), 200);
    assert!(sign_in(&app, email, PASSWORD).await.is_some());

    // No token: 401, whatever the body.
    let response = app
        .client
        .post(app.url("/api/auth/change-password"))
        .json(&json!({ "current_password": PASSWORD, "new_password": "x" }))
        .send()
        .await
        .expect("request");
    assert_unauthorized(response).await;
}

#[sqlx::test]
async fn guessing_the_current_password_is_throttled_as_sign_in_is(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (_, token) = signed_up(&app, "guessed@example.com").await;
    // The test configuration allows 5 attempts per (client, email) in a window.
    for guess in 0..5 {
        let response = change_password(
            &app,
            &token,
            &format!("guess number {guess}"),
            "a new long secret",
        )
        .await;
        assert_eq!(response.status(), 403, "guess {guess}");
    }
    let response = change_password(&app, &token, PASSWORD, "a new long secret").await;
    assert_eq!(
        response.status(),
        429,
        "even the right password, once throttled"
    );
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(app.me(&token).await.status(), 200, "nothing changed");
}

#[sqlx::test]
async fn signing_out_everywhere_ends_every_token_on_every_instance(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = second_instance(&pool).await;
    let email = "everywhere@example.com";
    let (user_id, laptop) = signed_up(&a, email).await;
    let phone = sign_in(&b, email, PASSWORD).await.expect("second session");

    let response = call(
        &b,
        &phone,
        Method::POST,
        "/api/auth/sign-out-everywhere",
        None,
    )
    .await;
    assert_eq!(response.status(), 204);
    for app in [&a, &b] {
        for token in [&laptop, &phone] {
            assert_unauthorized(app.me(token).await).await;
            let tasks = call(
                app,
                token,
                Method::GET,
                &format!("/api/{user_id}/tasks"),
                None,
            )
            .await;
            assert_unauthorized(tasks).await;
        }
    }
    // Signed out, not locked out: a new sign-in works at once, on either instance.
    let fresh = sign_in(&a, email, PASSWORD).await.expect("a new session");
    assert_eq!(b.me(&fresh).await.status(), 200);
    // Again with a signed-out token: 401.
    let response = call(
        &a,
        &laptop,
        Method::POST,
        "/api/auth/sign-out-everywhere",
        None,
    )
    .await;
    assert_unauthorized(response).await;
    assert_eq!(a.me(&fresh).await.status(), 200);
}

#[sqlx::test]
async fn the_profile_name_can_be_changed(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (user_id, token) = signed_up(&app, "profile@example.com").await;
    let path = format!("/api/{user_id}/account");
    let account: Value = call(&app, &token, Method::GET, &path, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(account["user"]["name"], "Ada");
    assert_eq!(account["has_password"], true);

    let response = call(
        &app,
        &token,
        Method::PATCH,
        &path,
        Some(json!({ "name": "  Ada L.  " })),
    )
    .await;
    assert_eq!(response.status(), 200);
    let account: Value = response.json().await.expect("JSON");
    assert_eq!(account["user"]["name"], "Ada L.");
    let me: Value = app.me(&token).await.json().await.expect("JSON");
    assert_eq!(me["name"], "Ada L.");

    let response = call(
        &app,
        &token,
        Method::PATCH,
        &path,
        Some(json!({ "name": "   " })),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(problem(response).await["errors"][0]["field"], "name");
    let me: Value = app.me(&token).await.json().await.expect("JSON");
    assert_eq!(me["name"], "Ada L.", "a refused change writes nothing");
}

#[sqlx::test]
async fn preferences_are_kept_per_user_and_validated(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (user_id, token) = signed_up(&app, "prefs@example.com").await;
    let (other_id, other_token) = signed_up(&app, "other@example.com").await;
    let path = format!("/api/{user_id}/preferences");

    let defaults: Value = call(&app, &token, Method::GET, &path, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        defaults,
        json!({ "filter": "all", "sort": "newest", "theme": "system" })
    );

    let chosen = json!({ "filter": "pending", "sort": "title", "theme": "dark" });
    let response = call(&app, &token, Method::PUT, &path, Some(chosen.clone())).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.expect("JSON"), chosen);
    // Another device (another session) reads the same.
    let laptop = sign_in(&app, "prefs@example.com", PASSWORD)
        .await
        .expect("session");
    let read: Value = call(&app, &laptop, Method::GET, &path, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(read, chosen);

    // Unknown values and missing fields: 422 naming each, nothing written.
    let response = call(
        &app,
        &token,
        Method::PUT,
        &path,
        Some(json!({ "filter": "done", "theme": "Dark" })),
    )
    .await;
    assert_eq!(response.status(), 422);
    let fields: Vec<Value> = problem(response).await["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!("filter"), json!("sort"), json!("theme")]);
    let read: Value = call(&app, &token, Method::GET, &path, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(read, chosen);

    // Another user's URL: 403 both ways; the other user's own are the defaults.
    let response = call(&app, &other_token, Method::GET, &path, None).await;
    assert_eq!(response.status(), 403);
    let response = call(&app, &other_token, Method::PUT, &path, Some(chosen.clone())).await;
    assert_eq!(response.status(), 403);
    let theirs: Value = call(
        &app,
        &other_token,
        Method::GET,
        &format!("/api/{other_id}/preferences"),
        None,
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(theirs, defaults);
    // No token: 401.
    assert_unauthorized(app.get(&path).await).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM preferences")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, 1);
}

#[sqlx::test]
async fn the_export_holds_exactly_the_users_data(pool: PgPool) {
    let app = spawn_app(pool).await;
    let owner = tasks::user(&app).await;
    let other = tasks::user(&app).await;
    let mut mine = Vec::new();
    for n in 0..25 {
        let task = tasks::create(
            &app,
            &owner,
            json!({ "title": format!("Mine {n}"), "description": "\"quoted\"\nline" }),
        )
        .await;
        mine.push(task["id"].as_str().expect("id").to_owned());
    }
    tasks::create(&app, &other, json!({ "title": "Not theirs to see" })).await;

    let response = call(
        &app,
        &owner.token,
        Method::GET,
        &format!("/api/{}/export", owner.id),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert!(response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .starts_with("attachment"));
    let export: Value = response
        .json()
        .await
        .expect("the export is one JSON document");
    assert_eq!(export["format"], "todo-export/1");
    assert_eq!(export["user"]["id"], owner.id.as_str());
    assert_eq!(export["preferences"]["theme"], "system");
    let exported: Vec<String> = export["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            assert_eq!(t["user_id"], owner.id.as_str());
            assert_eq!(t["description"], "\"quoted\"\nline");
            t["id"].as_str().expect("id").to_owned()
        })
        .collect();
    assert_eq!(
        exported, mine,
        "every task of the user, oldest first, and no other"
    );

    let response = call(
        &app,
        &other.token,
        Method::GET,
        &format!("/api/{}/export", owner.id),
        None,
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_unauthorized(app.get(&format!("/api/{}/export", owner.id)).await).await;
}

async fn rows_of(pool: &PgPool, user_id: &str) -> [i64; 5] {
    let mut counts = [0; 5];
    for (n, table) in [
        "users",
        "tasks",
        "task_counts",
        "preferences",
        "password_resets",
    ]
    .into_iter()
    .enumerate()
    {
        let column = if table == "users" { "id" } else { "user_id" };
        counts[n] =
            sqlx::query_scalar(&format!("SELECT count(*) FROM {table} WHERE {column} = $1"))
                .bind(user_id)
                .fetch_one(pool)
                .await
                .expect("count");
    }
    counts
}

#[sqlx::test]
async fn deleting_an_account_deletes_every_row_of_it_and_nothing_else(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let email = "leaving@example.com";
    let (user_id, token) = signed_up(&app, email).await;
    let other_device = sign_in(&app, email, PASSWORD)
        .await
        .expect("second session");
    let user = tasks::User {
        id: user_id.clone(),
        token: token.clone(),
    };
    let staying = tasks::user(&app).await;
    for n in 0..3 {
        tasks::create(&app, &user, json!({ "title": format!("Mine {n}") })).await;
        tasks::create(&app, &staying, json!({ "title": format!("Theirs {n}") })).await;
    }
    let prefs = json!({ "filter": "pending", "sort": "title", "theme": "dark" });
    for who in [&user, &staying] {
        let path = format!("/api/{}/preferences", who.id);
        assert_eq!(
            call(&app, &who.token, Method::PUT, &path, Some(prefs.clone()))
                .await
                .status(),
            200
        );
    }
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (sha256('x'), $1, now() + interval '5 minutes')")
        .bind(&user_id)
        .execute(&pool)
        .await
        .expect("a reset link");
    assert_eq!(rows_of(&pool, &user_id).await, [1, 3, 1, 1, 1]);
    let theirs = rows_of(&pool, &staying.id).await;
    assert_eq!(theirs, [1, 3, 1, 1, 0]);

    let path = format!("/api/{user_id}/account");
    // Another user cannot; a wrong or missing password deletes nothing.
    let response = call(
        &app,
        &staying.token,
        Method::DELETE,
        &path,
        Some(json!({ "password": PASSWORD })),
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = call(
        &app,
        &token,
        Method::DELETE,
        &path,
        Some(json!({ "password": "not the password" })),
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = call(
        &app,
        &token,
        Method::DELETE,
        &path,
        Some(json!({ "confirm": "delete" })),
    )
    .await;
    assert_eq!(
        response.status(),
        422,
        "an account with a password needs the password"
    );
    assert_eq!(rows_of(&pool, &user_id).await, [1, 3, 1, 1, 1]);

    let response = call(
        &app,
        &token,
        Method::DELETE,
        &path,
        Some(json!({ "password": PASSWORD })),
    )
    .await;
    assert_eq!(response.status(), 204);
    assert_eq!(rows_of(&pool, &user_id).await, [0; 5]);
    assert_eq!(
        rows_of(&pool, &staying.id).await,
        theirs,
        "nothing of anyone else's"
    );
    assert_eq!(count_tasks_of(&pool, &staying.id).await, 3);

    // Every token of the account is refused, and it cannot sign in; the email is free.
    assert_unauthorized(app.me(&token).await).await;
    assert_unauthorized(app.me(&other_device).await).await;
    let tasks = call(
        &app,
        &other_device,
        Method::GET,
        &format!("/api/{user_id}/tasks"),
        None,
    )
    .await;
    assert_unauthorized(tasks).await;
    assert_eq!(
        rows_of(&pool, &user_id).await,
        [0; 5],
        "no row comes back from a token of ours"
    );
    assert!(sign_in(&app, email, PASSWORD).await.is_none());
    assert_eq!(
        app.sign_up_as(email, PASSWORD, "Ada again").await.status(),
        201
    );
}

/// API.md: a row lost in a restore is made again from the token's next request; a
/// deleted account's is not (the deletion is remembered), until a token issued after it.
#[sqlx::test]
async fn a_row_lost_in_a_restore_comes_back_but_a_deleted_account_does_not(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (lost_id, lost_token) = signed_up(&app, "lost@example.com").await;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(&lost_id)
        .execute(&pool)
        .await
        .expect("lose the row");
    assert_eq!(app.me(&lost_token).await.status(), 200);
    assert_eq!(
        rows_of(&pool, &lost_id).await[0],
        1,
        "made again from the token"
    );

    let email = "gone@example.com";
    let (gone_id, token) = signed_up(&app, email).await;
    let other_device = sign_in(&app, email, PASSWORD)
        .await
        .expect("second session");
    let path = format!("/api/{gone_id}/account");
    let response = call(
        &app,
        &token,
        Method::DELETE,
        &path,
        Some(json!({ "password": PASSWORD })),
    )
    .await;
    assert_eq!(response.status(), 204);
    assert_unauthorized(app.me(&other_device).await).await;
    assert_eq!(rows_of(&pool, &gone_id).await[0], 0);
}
