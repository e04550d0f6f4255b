//! Live sync (README, Live sync): a stream of a user's changes, as they commit, on any
//! instance; ended when its token is signed out or expires; capped.

use crate::helpers::{
    assert_unauthorized,
    live::{change, open, request, Events},
    problem, rpc, spawn_app, spawn_app_with,
    tasks::{self, User},
    test_config, TestApp,
};
use app::{
    live::hub::LiveLimits,
    tasks::{
        api::{ClearCompleted, CreateTask, SetAllCompleted},
        model::{NewTask, Task},
    },
};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;

fn base(app: &TestApp) -> String {
    app.url("")
}

async fn stream_of(app: &TestApp, user: &User) -> Events {
    open(&base(app), &user.id, &user.token).await
}

async fn rest(app: &TestApp, user: &User, method: Method, path: &str, body: Option<Value>) {
    let response = tasks::call(
        app,
        &user.token,
        method,
        &format!("/api/{}/tasks{path}", user.id),
        body.as_ref(),
    )
    .await;
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
}

fn id_of(task: &Value) -> String {
    task["id"].as_str().expect("id").to_owned()
}

#[sqlx::test(migrations = false)]
async fn every_stream_of_a_user_hears_each_change_through_rest_and_server_functions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let alice = tasks::user(&app).await;
    let bob = tasks::user(&app).await;
    let mut laptop = stream_of(&app, &alice).await;
    let mut phone = stream_of(&app, &alice).await;
    let mut bobs = stream_of(&app, &bob).await;

    let first = id_of(&tasks::create(&app, &alice, json!({"title": "first"})).await);
    let f = first.as_str();
    rest(&app, &alice, Method::PATCH, &format!("/{f}/complete"), None).await;
    rest(
        &app,
        &alice,
        Method::PUT,
        &format!("/{f}"),
        Some(json!({"title": "renamed"})),
    )
    .await;
    let token = Some(alice.token.as_str());
    let second: Task = rpc::ok(
        rpc::call(
            &app,
            "/rpc/tasks/create",
            &CreateTask {
                task: NewTask {
                    title: Some("second".into()),
                    ..NewTask::default()
                },
            },
            token,
        )
        .await,
    )
    .await;
    let s = second.id.as_str();
    let all = SetAllCompleted { completed: true };
    let _: Vec<Task> = rpc::ok(rpc::call(&app, "/rpc/tasks/complete-all", &all, token).await).await;
    let _: u64 = rpc::ok(
        rpc::call(
            &app,
            "/rpc/tasks/clear-completed",
            &ClearCompleted {},
            token,
        )
        .await,
    )
    .await;

    // Both of alice's streams, in commit order; the rename is an update of all fields.
    for stream in [&mut laptop, &mut phone] {
        let mut heard = Vec::new();
        for _ in 0..6 {
            heard.push(stream.next().await.expect("an event"));
        }
        let mut cleared = heard[5].clone();
        // Which order the two cleared ids come in is the database's.
        if let Some(ids) = cleared.data["ids"].as_array_mut() {
            ids.sort_by_key(|id| id.as_str().map(str::to_owned));
        }
        let mut both = [f, s];
        both.sort_unstable();
        assert_eq!(
            [&heard[..5], &[cleared]].concat(),
            [
                change("created", &[f]),
                change("updated", &[f]),
                change("updated", &[f]),
                change("created", &[s]),
                // complete-all changed only the pending one.
                change("updated", &[s]),
                change("deleted", &both),
            ]
        );
    }
    // Nothing of alice's reaches bob's stream; his own change does, first.
    let bobs_task = id_of(&tasks::create(&app, &bob, json!({"title": "bob's"})).await);
    assert_eq!(bobs.next().await, Some(change("created", &[&bobs_task])));
    laptop.nothing_for(Duration::from_millis(300)).await;
}

#[sqlx::test(migrations = false)]
async fn a_change_rolled_back_is_never_heard_and_a_big_one_says_read_the_list(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let alice = tasks::user(&app).await;
    let mut stream = stream_of(&app, &alice).await;

    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("INSERT INTO tasks (id, user_id, title) VALUES (gen_random_uuid(), $1, 'never')")
        .bind(&alice.id)
        .execute(&mut *tx)
        .await
        .expect("insert");
    tx.rollback().await.expect("rollback");
    // 101 tasks in one statement: past 100 ids, the change names none.
    sqlx::query(
        "INSERT INTO tasks (id, user_id, title) SELECT gen_random_uuid(), $1, 'many ' || n FROM generate_series(1, 101) n",
    )
    .bind(&alice.id)
    .execute(&pool)
    .await
    .expect("insert");

    let next = stream.next().await.expect("an event");
    assert_eq!(next.event, "change");
    assert_eq!(next.data, json!({"kind": "created", "ids": null}));
    stream.nothing_for(Duration::from_millis(300)).await;
}

#[sqlx::test(migrations = false)]
async fn a_change_made_through_one_instance_reaches_a_stream_on_another(pool: PgPool) {
    let a = spawn_app(pool.clone()).await;
    let b = spawn_app(pool).await;
    let alice = tasks::user(&a).await;
    let mut on_b = stream_of(&b, &alice).await;
    let id = id_of(&tasks::create(&a, &alice, json!({"title": "from a"})).await);
    assert_eq!(on_b.next().await, Some(change("created", &[&id])));
}

#[sqlx::test(migrations = false)]
async fn a_stream_ends_when_its_token_is_signed_out_on_any_instance_and_only_that_one(
    pool: PgPool,
) {
    let a = spawn_app(pool.clone()).await;
    let b = spawn_app(pool).await;
    let session = a.new_user().await;
    let alice = User {
        id: session["user"]["id"].as_str().expect("id").to_owned(),
        token: session["token"].as_str().expect("token").to_owned(),
    };
    let email = session["user"]["email"].as_str().expect("email");
    let again: Value = a
        .sign_in_as(email, crate::helpers::PASSWORD)
        .await
        .json()
        .await
        .expect("session");
    let other_token = again["token"].as_str().expect("token");
    let mut signed_out = stream_of(&a, &alice).await;
    let mut on_b = stream_of(&b, &alice).await;
    let mut kept = open(&base(&a), &alice.id, other_token).await;

    assert_eq!(b.sign_out(&alice.token).await.status(), 204);
    for stream in [&mut signed_out, &mut on_b] {
        let end = stream.next().await.expect("an end event");
        assert_eq!(
            (end.event.as_str(), &end.data),
            ("end", &json!({"reason": "signed_out"}))
        );
        assert_eq!(
            stream.next().await,
            None,
            "the stream goes on after its end"
        );
    }
    kept.nothing_for(Duration::from_millis(300)).await;
    // And a signed-out token opens none.
    assert_unauthorized(request(&base(&a), &alice.id, &alice.token).await).await;

    // Signing out everywhere ends the rest.
    let everywhere = a
        .client
        .post(a.url("/api/auth/sign-out-everywhere"))
        .bearer_auth(other_token)
        .send()
        .await
        .expect("request");
    assert_eq!(everywhere.status(), 204);
    let end = kept.next().await.expect("an end event");
    assert_eq!(end.data, json!({"reason": "signed_out"}));
}

#[sqlx::test(migrations = false)]
async fn a_stream_is_refused_without_its_owners_token_in_the_header(pool: PgPool) {
    let app = spawn_app(pool).await;
    let alice = tasks::user(&app).await;
    let bob = tasks::user(&app).await;
    let url = app.url(&format!("/api/{}/events", alice.id));
    // No token, a bad one, and the token in the URL (which would land in logs).
    assert_unauthorized(app.client.get(&url).send().await.expect("request")).await;
    assert_unauthorized(request(&base(&app), &alice.id, "not.a.token").await).await;
    let in_url = app
        .client
        .get(format!("{url}?token={}", alice.token))
        .send()
        .await
        .expect("request");
    assert_unauthorized(in_url).await;
    // Bob's token on alice's stream.
    let forbidden = request(&base(&app), &alice.id, &bob.token).await;
    assert_eq!(forbidden.status(), 403);
    assert_eq!(problem(forbidden).await["status"], 403);
}

#[sqlx::test(migrations = false)]
async fn streams_past_a_cap_are_refused_with_429_until_one_closes(pool: PgPool) {
    let mut config = test_config();
    config.live = LiveLimits {
        per_user: 2,
        per_instance: 3,
        ..LiveLimits::default()
    };
    let app = spawn_app_with(pool, config).await;
    let alice = tasks::user(&app).await;
    let bob = tasks::user(&app).await;
    let carol = tasks::user(&app).await;
    let first = stream_of(&app, &alice).await;
    let _second = stream_of(&app, &alice).await;

    let third = request(&base(&app), &alice.id, &alice.token).await;
    assert_eq!(third.status(), 429);
    assert_eq!(third.headers()["retry-after"], "30");
    let body = problem(third).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("2 live streams")),
        "{body}"
    );

    let _bobs = stream_of(&app, &bob).await;
    let carols = request(&base(&app), &carol.id, &carol.token).await;
    assert_eq!(carols.status(), 429, "past the instance's cap");

    // A closed stream gives its place back.
    drop(first);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let again = request(&base(&app), &alice.id, &alice.token).await;
        if again.status() == 200 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place was not given back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test(migrations = false)]
async fn an_idle_stream_sends_heartbeats(pool: PgPool) {
    let mut config = test_config();
    config.live.heartbeat = Duration::from_secs(1);
    let app = spawn_app_with(pool, config).await;
    let alice = tasks::user(&app).await;
    let mut stream = stream_of(&app, &alice).await;
    stream.nothing_for(Duration::from_millis(2500)).await;
    assert!(stream.comments >= 2, "{} heartbeats", stream.comments);
}

#[sqlx::test(migrations = false)]
async fn a_stream_ends_when_its_token_expires(pool: PgPool) {
    let mut config = test_config();
    config.auth.token_ttl = Duration::from_secs(2);
    let app = spawn_app_with(pool, config).await;
    let alice = tasks::user(&app).await;
    let mut stream = stream_of(&app, &alice).await;
    let end = stream.next().await.expect("an end event");
    assert_eq!(end.data, json!({"reason": "expired"}));
    assert_eq!(stream.next().await, None);
}
