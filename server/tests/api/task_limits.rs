//! What one request and one user may ask of the tasks, the same on both paths: a page
//! holds at most 1,000 tasks, and a user keeps at most `TASKS_MAX_PER_USER` tasks.

use crate::helpers::{
    count_tasks, problem,
    rpc::{call, ok, refused, signed_up},
    spawn_app, spawn_app_with, test_config, TestApp,
};
use app::{
    error::AppError,
    tasks::{
        api::{CreateTask, ListTasks, RestoreTask},
        model::{ListQuery, NewTask, Task, TaskPage},
        service::TaskLimits,
    },
};
use serde_json::{json, Value};
use sqlx::PgPool;

fn new_task(title: &str) -> CreateTask {
    CreateTask {
        task: NewTask {
            title: Some(title.into()),
            description: None,
        },
    }
}

/// Makes `n` tasks straight in the database, the fastest way to fill an account, and
/// counts them as the app's own inserts do.
async fn fill(pool: &PgPool, user_id: &str, n: i64) {
    sqlx::query(
        "WITH made AS (
            INSERT INTO tasks (id, user_id, title)
            SELECT gen_random_uuid(), $1, 'Task ' || i FROM generate_series(1, $2) AS i
            RETURNING user_id
         )
         INSERT INTO task_counts AS c (user_id, tasks)
         SELECT user_id, count(*) FROM made GROUP BY user_id
         ON CONFLICT (user_id) DO UPDATE SET tasks = c.tasks + EXCLUDED.tasks",
    )
    .bind(user_id)
    .bind(n)
    .execute(pool)
    .await
    .expect("fill");
}

/// The kept count of a user's tasks.
async fn kept_count(pool: &PgPool, user_id: &str) -> i32 {
    sqlx::query_scalar("SELECT tasks FROM task_counts WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
        .expect("the kept count")
}

#[sqlx::test(migrations = false)]
async fn the_server_function_list_keeps_the_page_size_rule_of_rest(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let session = signed_up(&app, "pages@example.com").await;
    let token = Some(session.token.as_str());
    fill(&pool, &session.user.id, 1_001).await;

    for limit in [0, 1_001, u32::MAX] {
        let list = ListTasks {
            query: ListQuery {
                limit,
                ..ListQuery::default()
            },
        };
        match refused(call(&app, "/rpc/tasks/list", &list, token).await, 422).await {
            AppError::Validation { errors } => assert_eq!(errors[0].field, "limit", "{limit}"),
            other => panic!("limit {limit}: expected a field error, got {other:?}"),
        }
        let rest = app
            .client
            .get(app.url(&format!("/api/{}/tasks?limit={limit}", session.user.id)))
            .bearer_auth(&session.token)
            .send()
            .await
            .expect("request");
        assert_eq!(rest.status(), 422, "REST, limit {limit}");
    }
    // The largest page is 1,000, and a cursor leads on to the rest.
    let page: TaskPage = ok(call(
        &app,
        "/rpc/tasks/list",
        &ListTasks {
            query: ListQuery::default(),
        },
        token,
    )
    .await)
    .await;
    assert_eq!(page.tasks.len(), 1_000);
    assert!(page.next_cursor.is_some());
}

async fn app_keeping_at_most(pool: PgPool, max_per_user: u32) -> TestApp {
    let mut config = test_config();
    config.tasks = TaskLimits { max_per_user };
    spawn_app_with(pool, config).await
}

#[sqlx::test(migrations = false)]
async fn a_user_keeps_at_most_the_configured_number_of_tasks_on_both_paths(pool: PgPool) {
    let app = app_keeping_at_most(pool.clone(), 5).await;
    let session = signed_up(&app, "full@example.com").await;
    let token = Some(session.token.as_str());
    let tasks_url = app.url(&format!("/api/{}/tasks", session.user.id));
    fill(&pool, &session.user.id, 4).await;
    let fifth: Task = ok(call(&app, "/rpc/tasks/create", &new_task("fifth"), token).await).await;

    // Full: both paths answer 422 with a message that says why, and write nothing.
    let rest = app
        .client
        .post(&tasks_url)
        .bearer_auth(&session.token)
        .json(&json!({"title": "sixth"}))
        .send()
        .await
        .expect("request");
    assert_eq!(rest.status(), 422);
    let body: Value = problem(rest).await;
    assert_eq!(
        body["detail"],
        "You have 5 tasks, the most one account can keep. Delete some to add more."
    );
    let error = refused(
        call(&app, "/rpc/tasks/create", &new_task("sixth"), token).await,
        422,
    )
    .await;
    assert!(matches!(error, AppError::LimitReached { .. }), "{error:?}");
    let restore = RestoreTask {
        task: Task {
            id: uuid::Uuid::new_v4().to_string(),
            ..fifth.clone()
        },
    };
    let error = refused(call(&app, "/rpc/tasks/restore", &restore, token).await, 422).await;
    assert!(matches!(error, AppError::LimitReached { .. }), "{error:?}");
    assert_eq!(count_tasks(&pool).await, 5);

    // A delete makes room for one.
    let deleted = app
        .client
        .delete(format!("{tasks_url}/{}", fifth.id))
        .bearer_auth(&session.token)
        .send()
        .await
        .expect("request");
    assert_eq!(deleted.status(), 204);
    let _: Task = ok(call(&app, "/rpc/tasks/create", &new_task("again"), token).await).await;
    assert_eq!(count_tasks(&pool).await, 5);
}

/// The count is checked under the user row's lock: creates racing at the limit cannot
/// pass it together.
#[sqlx::test(migrations = false)]
async fn forty_racing_creates_never_pass_the_limit(pool: PgPool) {
    let app = app_keeping_at_most(pool.clone(), 10).await;
    let session = signed_up(&app, "race@example.com").await;
    let token = Some(session.token.as_str());
    fill(&pool, &session.user.id, 5).await;
    let creates = (0..40).map(|i| {
        let app = &app;
        async move {
            call(
                app,
                "/rpc/tasks/create",
                &new_task(&format!("race {i}")),
                token,
            )
            .await
        }
    });
    let statuses: Vec<u16> = futures::future::join_all(creates)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 422).count(),
        35,
        "{statuses:?}"
    );
    assert_eq!(count_tasks(&pool).await, 10);
    assert_eq!(
        kept_count(&pool, &session.user.id).await,
        10,
        "the kept count is the real one"
    );
}

/// Creates, undos and deletes of every kind keep each user's own count true.
#[sqlx::test(migrations = false)]
async fn the_kept_count_follows_every_insert_and_delete(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let first = signed_up(&app, "count-a@example.com").await;
    let second = signed_up(&app, "count-b@example.com").await;
    let token = Some(first.token.as_str());
    fill(&pool, &first.user.id, 5).await;
    fill(&pool, &second.user.id, 3).await;
    let made: Task = ok(call(&app, "/rpc/tasks/create", &new_task("made"), token).await).await;
    let done: Task = ok(call(&app, "/rpc/tasks/create", &new_task("done"), token).await).await;
    let done = ok::<Task>(
        call(
            &app,
            "/rpc/tasks/complete",
            &app::tasks::api::SetTaskCompletion {
                id: done.id,
                completed: Some(true),
            },
            token,
        )
        .await,
    )
    .await;
    let delete = app::tasks::api::DeleteTask {
        id: made.id.clone(),
    };
    let () = ok(call(&app, "/rpc/tasks/delete", &delete, token).await).await;
    let undo = RestoreTask { task: made.clone() };
    let _: Task = ok(call(&app, "/rpc/tasks/restore", &undo, token).await).await;
    // An undo of a task that is there already inserts, and counts, nothing.
    let _ = call(&app, "/rpc/tasks/restore", &undo, token).await;
    let cleared: u64 = ok(call(
        &app,
        "/rpc/tasks/clear-completed",
        &app::tasks::api::ClearCompleted {},
        token,
    )
    .await)
    .await;
    assert_eq!(cleared, 1, "{done:?}");
    for (user, expected) in [(&first.user.id, 6), (&second.user.id, 3)] {
        let real: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks WHERE user_id = $1")
            .bind(user)
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(real, expected);
        assert_eq!(i64::from(kept_count(&pool, user).await), real, "{user}");
    }
}
