//! Who may reach a task: a token on every route, its own user only, and a signed-out token refused before any other answer.

use crate::helpers::{
    assert_unauthorized, problem, spawn_app,
    tasks::{call, create, ids, list, user},
};
use reqwest::Method;
use serde_json::json;
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn every_route_needs_a_token(pool: PgPool) {
    let app = spawn_app(pool).await;
    let ada = user(&app).await;
    let task = create(&app, &ada, json!({"title": "t"})).await;
    let base = format!("/api/{}/tasks", ada.id);
    let item = format!("{base}/{}", task["id"].as_str().expect("id"));
    for (method, path) in [
        (Method::GET, base.clone()),
        (Method::POST, base.clone()),
        (Method::GET, item.clone()),
        (Method::PUT, item.clone()),
        (Method::PATCH, format!("{item}/complete")),
        (Method::DELETE, item.clone()),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .json(&json!({"title": "x"}))
            .send()
            .await
            .expect("request");
        assert_unauthorized(response).await;
        let response = app
            .client
            .request(method.clone(), app.url(&path))
            .bearer_auth("a.b.c")
            .send()
            .await
            .expect("request");
        assert_unauthorized(response).await;
    }
}

#[sqlx::test(migrations = false)]
async fn two_users_cannot_reach_each_others_tasks_on_any_route(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    let ada_task = create(
        &app,
        &ada,
        json!({"title": "Ada's", "description": "private"}),
    )
    .await;
    let bob_task = create(&app, &bob, json!({"title": "Bob's"})).await;

    for (me, other, other_task) in [(&ada, &bob, &bob_task), (&bob, &ada, &ada_task)] {
        let other_id = other_task["id"].as_str().expect("id");
        let routes = |owner: &str| {
            let base = format!("/api/{owner}/tasks");
            let item = format!("{base}/{other_id}");
            vec![
                (Method::GET, base.clone(), None),
                (Method::POST, base, Some(json!({"title": "intruder"}))),
                (Method::GET, item.clone(), None),
                (
                    Method::PUT,
                    item.clone(),
                    Some(json!({"title": "hijacked", "completed": true})),
                ),
                (Method::PATCH, format!("{item}/complete"), None),
                (Method::DELETE, item, None),
            ]
        };
        // Through the other's URL: 403, whatever the route.
        for (method, path, body) in routes(&other.id) {
            let response = call(&app, &me.token, method.clone(), &path, body.as_ref()).await;
            assert_eq!(response.status(), 403, "{method} {path}");
            assert_eq!(problem(response).await["status"], 403);
        }
        // Through one's own URL, naming the other's task: 404, as if it did not exist.
        for (method, path, body) in routes(&me.id).into_iter().skip(2) {
            let response = call(&app, &me.token, method.clone(), &path, body.as_ref()).await;
            assert_eq!(response.status(), 404, "{method} {path}");
        }
        // One's own list never shows the other's task.
        let (tasks, _) = list(&app, me, "").await;
        assert!(!ids(&tasks).contains(&other_id.to_owned()));
    }

    // Both users' data is exactly as it was.
    for (owner, task) in [(&ada, &ada_task), (&bob, &bob_task)] {
        let (tasks, _) = list(&app, owner, "").await;
        assert_eq!(tasks, vec![task.clone()]);
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(total, 2);
}

/// The gate folds the sign-out check into each route's own statement; an answer found
/// before that statement (a bad query, body or id, another user's URL) is vouched for
/// first. So a signed-out token gets 401 on every route, whatever else is wrong with
/// the request, and changes nothing.
#[sqlx::test(migrations = false)]
async fn a_signed_out_token_is_401_on_every_route_before_any_other_answer(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let ada = user(&app).await;
    let bob = user(&app).await;
    let task = create(&app, &ada, json!({"title": "kept"})).await;
    assert_eq!(app.sign_out(&ada.token).await.status(), 204);

    let base = format!("/api/{}/tasks", ada.id);
    let item = format!("{base}/{}", task["id"].as_str().expect("id"));
    let missing = format!("{base}/{}", uuid::Uuid::new_v4());
    let valid = json!({"title": "changed", "completed": true});
    let routes = [
        (Method::GET, base.clone(), None),
        // No row matches: the gate still runs.
        (Method::GET, format!("{base}?status=completed"), None),
        (Method::GET, format!("{base}?status=bogus"), None),
        (Method::GET, format!("{base}?cursor=garbage"), None),
        (Method::POST, base.clone(), Some(json!({"title": "new"}))),
        (Method::POST, base.clone(), Some(json!({"title": "  "}))),
        (
            Method::POST,
            base.clone(),
            Some(json!(["not", "an", "object"])),
        ),
        (Method::GET, item.clone(), None),
        (Method::PUT, item.clone(), Some(valid.clone())),
        (Method::PUT, item.clone(), Some(json!({"title": ""}))),
        (Method::PATCH, format!("{item}/complete"), None),
        (
            Method::PATCH,
            format!("{item}/complete"),
            Some(json!({"completed": "yes"})),
        ),
        (Method::DELETE, item.clone(), None),
        (Method::GET, missing.clone(), None),
        (Method::PUT, missing.clone(), Some(valid.clone())),
        (Method::PATCH, format!("{missing}/complete"), None),
        (Method::DELETE, missing, None),
        (Method::GET, format!("{base}/not-a-uuid"), None),
        (Method::DELETE, format!("{base}/not-a-uuid"), None),
        // Another user's URL would be 403 for a live token.
        (Method::GET, format!("/api/{}/tasks", bob.id), None),
        (
            Method::POST,
            format!("/api/{}/tasks", bob.id),
            Some(json!({"title": "x"})),
        ),
    ];
    for (method, path, body) in routes {
        let response = call(&app, &ada.token, method.clone(), &path, body.as_ref()).await;
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_unauthorized(response).await;
    }
    // A malformed body too.
    let response = app
        .client
        .post(app.url(&base))
        .bearer_auth(&ada.token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("request");
    assert_unauthorized(response).await;

    // Nothing changed: the one task is as it was, and no other was made.
    let stored: (String, bool, i64) = sqlx::query_as(
        "SELECT title, completed, (SELECT count(*) FROM tasks) FROM tasks WHERE user_id = $1",
    )
    .bind(&ada.id)
    .fetch_one(&pool)
    .await
    .expect("the task");
    assert_eq!(stored, ("kept".to_owned(), false, 1));
}
