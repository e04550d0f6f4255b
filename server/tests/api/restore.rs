//! Undo of a delete (`/rpc/tasks/restore`): the task comes back as it was, and the call
//! tells nothing about other users' tasks.

use crate::helpers::{
    rpc::{call, ok, refused, signed_up},
    spawn_app,
};
use app::{
    error::AppError,
    tasks::{
        api::{CreateTask, DeleteTask, RestoreTask},
        model::{NewTask, Task},
    },
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

fn create(title: &str) -> CreateTask {
    CreateTask {
        task: NewTask {
            title: Some(title.into()),
            description: Some("details".into()),
        },
    }
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

#[sqlx::test(migrations = false)]
async fn a_deleted_task_comes_back_under_its_id_and_a_live_one_is_409(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = signed_up(&app, "undo@example.com").await;
    let token = Some(session.token.as_str());
    let task: Task = ok(call(&app, "/rpc/tasks/create", &create("Keep me"), token).await).await;
    let restore = RestoreTask { task: task.clone() };

    let error = refused(call(&app, "/rpc/tasks/restore", &restore, token).await, 409).await;
    assert!(matches!(error, AppError::Conflict { .. }), "{error:?}");

    let delete = DeleteTask {
        id: task.id.clone(),
    };
    let () = ok(call(&app, "/rpc/tasks/delete", &delete, token).await).await;
    let back: Task = ok(call(&app, "/rpc/tasks/restore", &restore, token).await).await;
    assert_eq!(
        (&back.id, &back.title, &back.description, &back.created_at),
        (&task.id, &task.title, &task.description, &task.created_at)
    );
}

/// Whether some other user has a task under an id must not show: such an id answers as
/// a free one does, and the task comes back under an id of its own.
#[sqlx::test(migrations = false)]
async fn another_users_task_id_answers_as_a_free_id_and_is_left_alone(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let victim = signed_up(&app, "victim@example.com").await;
    let theirs: Task = ok(call(
        &app,
        "/rpc/tasks/create",
        &create("Private"),
        Some(victim.token.as_str()),
    )
    .await)
    .await;
    let prober = signed_up(&app, "prober@example.com").await;
    let probe = |id: &str| RestoreTask {
        task: Task {
            id: id.to_owned(),
            user_id: victim.user.id.clone(),
            title: "Probe".into(),
            description: None,
            completed: false,
            created_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
        },
    };
    let token = Some(prober.token.as_str());
    let free = uuid::Uuid::new_v4().to_string();
    let on_free = call(&app, "/rpc/tasks/restore", &probe(&free), token).await;
    let on_taken = call(&app, "/rpc/tasks/restore", &probe(&theirs.id), token).await;
    assert_eq!(on_free.status(), 200);
    assert_eq!(on_taken.status(), 200);
    let on_free: Task = ok(on_free).await;
    let on_taken: Task = ok(on_taken).await;
    assert_eq!(on_free.id, free);
    assert_ne!(on_taken.id, theirs.id, "a new id, not the other user's");
    for task in [&on_free, &on_taken] {
        assert_eq!(task.user_id, prober.user.id);
        assert_eq!(task.title, "Probe");
    }

    let still: (String, String) =
        sqlx::query_as("SELECT user_id, title FROM tasks WHERE id = $1::uuid")
            .bind(&theirs.id)
            .fetch_one(&pool)
            .await
            .expect("the victim's task");
    assert_eq!(still, (victim.user.id.clone(), "Private".to_owned()));
}

#[sqlx::test(migrations = false)]
async fn a_restored_creation_time_lies_between_the_epoch_and_now(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = signed_up(&app, "times@example.com").await;
    let token = Some(session.token.as_str());
    let restored = |created_at: &str| RestoreTask {
        task: Task {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: session.user.id.clone(),
            title: "When?".into(),
            description: None,
            completed: true,
            created_at: created_at.into(),
            updated_at: created_at.into(),
        },
    };
    let before = Utc::now();
    let future: Task = ok(call(
        &app,
        "/rpc/tasks/restore",
        &restored("9999-12-31T23:59:59Z"),
        token,
    )
    .await)
    .await;
    let after = Utc::now();
    let at = time(&future.created_at);
    assert!(before <= at && at <= after, "{at}");

    let ancient: Task = ok(call(
        &app,
        "/rpc/tasks/restore",
        &restored("0001-01-01T00:00:00Z"),
        token,
    )
    .await)
    .await;
    assert_eq!(ancient.created_at, "1970-01-01T00:00:00.000000Z");

    let unreadable: Task =
        ok(call(&app, "/rpc/tasks/restore", &restored("yesterday"), token).await).await;
    assert!(time(&unreadable.created_at) >= before);

    let past = "2025-03-04T05:06:07.123456Z";
    let kept: Task = ok(call(&app, "/rpc/tasks/restore", &restored(past), token).await).await;
    assert_eq!(kept.created_at, past);
    assert!(kept.completed);
}
