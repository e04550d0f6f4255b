//! The server functions that the web app calls take the same path as the REST routes:
//! the same service, the same verification, the same statuses. They speak postcard, as
//! the browser does; these tests encode with the app's own argument types.

use crate::helpers::{
    count_users,
    rpc::{call, ok, refused, sign_up_args, signed_up},
    spawn_app,
};
use app::{
    auth::{
        api::{CurrentUser, SignIn, SignOut, SignUp},
        model::{AuthSession, SignInRequest, SignUpRequest, User},
    },
    error::AppError,
    tasks::{
        api::{
            ClearCompleted, CreateTask, DeleteTask, ListTasks, SetAllCompleted, SetTaskCompletion,
            UpdateTask,
        },
        model::{ListQuery, NewTask, Task, TaskPage},
    },
};
use sqlx::PgPool;

#[sqlx::test(migrations = false)]
async fn sign_up_and_me_through_server_functions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = call(
        &app,
        "/rpc/auth/sign-up",
        &sign_up_args("RPC@example.com"),
        None,
    )
    .await;
    let session: AuthSession = ok(response).await;
    assert_eq!(session.user.email, "rpc@example.com");
    let token = session.token.as_str();

    // The token works on both paths.
    assert_eq!(app.me(token).await.status(), 200);
    let user: User = ok(call(&app, "/rpc/auth/me", &CurrentUser {}, Some(token)).await).await;
    assert_eq!(user, session.user);

    // Signed out through a server function: refused by both.
    let () = ok(call(&app, "/rpc/auth/sign-out", &SignOut {}, Some(token)).await).await;
    let error = refused(
        call(&app, "/rpc/auth/me", &CurrentUser {}, Some(token)).await,
        401,
    )
    .await;
    assert_eq!(error, AppError::Unauthorized);
    assert_eq!(app.me(token).await.status(), 401);
}

#[sqlx::test(migrations = false)]
async fn server_functions_answer_with_the_statuses_of_the_rest_api(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let error = refused(call(&app, "/rpc/auth/me", &CurrentUser {}, None).await, 401).await;
    assert_eq!(error, AppError::Unauthorized);

    let response = call(&app, "/rpc/auth/me", &CurrentUser {}, Some("not.a.token")).await;
    assert_eq!(refused(response, 401).await, AppError::Unauthorized);

    let wrong = SignIn {
        request: SignInRequest {
            email: Some("nobody@example.com".into()),
            password: Some("whatever it is".into()),
        },
    };
    let error = refused(call(&app, "/rpc/auth/sign-in", &wrong, None).await, 401).await;
    assert_eq!(error, AppError::InvalidCredentials);

    let bad = SignUp {
        request: SignUpRequest {
            email: Some("bad".into()),
            password: Some("short".into()),
            name: Some(String::new()),
        },
    };
    match refused(call(&app, "/rpc/auth/sign-up", &bad, None).await, 422).await {
        AppError::Validation { errors } => assert_eq!(errors.len(), 3),
        other => panic!("expected field errors, got {other:?}"),
    }

    // A body that is not postcard for these arguments is a 400, and writes nothing.
    let response = app
        .client
        .post(app.url("/rpc/auth/sign-up"))
        .header("content-type", "application/x-postcard")
        .body(vec![0xff, 0xff, 0xff])
        .send()
        .await
        .expect("request failed");
    assert!(matches!(
        refused(response, 400).await,
        AppError::Transport { .. }
    ));
    assert_eq!(count_users(&pool).await, 0);
}

#[sqlx::test(migrations = false)]
async fn task_server_functions_keep_a_description_clear_and_title_apart(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = signed_up(&app, "tasks@example.com").await;
    let token = Some(session.token.as_str());
    let create = CreateTask {
        task: NewTask {
            title: Some("  Buy milk  ".into()),
            description: Some("two litres".into()),
        },
    };
    let task: Task = ok(call(&app, "/rpc/tasks/create", &create, token).await).await;
    assert_eq!(task.title, "Buy milk");

    // `None` keeps the description; `Some(None)` clears it.
    let rename = UpdateTask {
        id: task.id.clone(),
        title: Some("Buy oat milk".into()),
        description: None,
        completed: None,
    };
    let renamed: Task = ok(call(&app, "/rpc/tasks/update", &rename, token).await).await;
    assert_eq!(renamed.description.as_deref(), Some("two litres"));
    let clear = UpdateTask {
        description: Some(None),
        ..rename
    };
    let cleared: Task = ok(call(&app, "/rpc/tasks/update", &clear, token).await).await;
    assert_eq!(cleared.title, "Buy oat milk");
    assert_eq!(cleared.description, None);

    let list = ListTasks {
        query: ListQuery::default(),
    };
    let page: TaskPage = ok(call(&app, "/rpc/tasks/list", &list, token).await).await;
    assert_eq!(page.tasks, vec![cleared]);

    // An empty title is refused as a field error, and the task keeps its title.
    let empty = UpdateTask {
        id: task.id.clone(),
        title: Some("   ".into()),
        description: None,
        completed: None,
    };
    match refused(call(&app, "/rpc/tasks/update", &empty, token).await, 422).await {
        AppError::Validation { errors } => assert_eq!(errors[0].field, "title"),
        other => panic!("expected a field error, got {other:?}"),
    }
    let page: TaskPage = ok(call(&app, "/rpc/tasks/list", &list, token).await).await;
    assert_eq!(page.tasks[0].title, "Buy oat milk");
}

/// The server functions go through the same gate as REST: after sign-out, each task
/// call is 401 (even one that would change no row, or has a bad argument) and writes
/// nothing.
#[sqlx::test(migrations = false)]
async fn a_signed_out_token_is_refused_by_every_task_server_function(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let session = signed_up(&app, "gone@example.com").await;
    let token = Some(session.token.as_str());
    let create = CreateTask {
        task: NewTask {
            title: Some("kept".into()),
            description: None,
        },
    };
    let task: Task = ok(call(&app, "/rpc/tasks/create", &create, token).await).await;
    ok::<()>(call(&app, "/rpc/auth/sign-out", &SignOut {}, token).await).await;

    let unauthorized = |path: &'static str, response| async move {
        assert_eq!(
            refused(response, 401).await,
            AppError::Unauthorized,
            "{path}"
        );
    };
    let list = ListTasks {
        query: ListQuery::default(),
    };
    unauthorized("list", call(&app, "/rpc/tasks/list", &list, token).await).await;
    unauthorized(
        "create",
        call(&app, "/rpc/tasks/create", &create, token).await,
    )
    .await;
    let empty = CreateTask {
        task: NewTask {
            title: Some(" ".into()),
            description: None,
        },
    };
    unauthorized(
        "create empty",
        call(&app, "/rpc/tasks/create", &empty, token).await,
    )
    .await;
    let rename = UpdateTask {
        id: task.id.clone(),
        title: Some("changed".into()),
        description: None,
        completed: Some(true),
    };
    unauthorized(
        "update",
        call(&app, "/rpc/tasks/update", &rename, token).await,
    )
    .await;
    let complete = SetTaskCompletion {
        id: task.id.clone(),
        completed: None,
    };
    unauthorized(
        "complete",
        call(&app, "/rpc/tasks/complete", &complete, token).await,
    )
    .await;
    let delete = DeleteTask {
        id: "not-a-uuid".into(),
    };
    unauthorized(
        "delete",
        call(&app, "/rpc/tasks/delete", &delete, token).await,
    )
    .await;
    // Pending to pending and clearing no completed task would change no row.
    let all = SetAllCompleted { completed: false };
    unauthorized(
        "complete-all",
        call(&app, "/rpc/tasks/complete-all", &all, token).await,
    )
    .await;
    let clear = ClearCompleted {};
    unauthorized(
        "clear",
        call(&app, "/rpc/tasks/clear-completed", &clear, token).await,
    )
    .await;
    unauthorized(
        "me",
        call(&app, "/rpc/auth/me", &CurrentUser {}, token).await,
    )
    .await;

    let stored: (String, bool, i64) = sqlx::query_as(
        "SELECT title, completed, (SELECT count(*) FROM tasks) FROM tasks WHERE id = $1::uuid",
    )
    .bind(&task.id)
    .fetch_one(&pool)
    .await
    .expect("the task");
    assert_eq!(stored, ("kept".to_owned(), false, 1));
}

/// The bulk server functions answer with what they changed: `complete-all` the tasks
/// it changed (not those already so), `clear-completed` how many it deleted.
#[sqlx::test(migrations = false)]
async fn complete_all_and_clear_completed_answer_with_what_they_changed(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let session = signed_up(&app, "bulk@example.com").await;
    let token = Some(session.token.as_str());
    let mut made = Vec::new();
    for title in ["one", "two", "three"] {
        let create = CreateTask {
            task: NewTask {
                title: Some(title.into()),
                description: None,
            },
        };
        made.push(ok::<Task>(call(&app, "/rpc/tasks/create", &create, token).await).await);
    }
    let done = SetTaskCompletion {
        id: made[0].id.clone(),
        completed: Some(true),
    };
    let _: Task = ok(call(&app, "/rpc/tasks/complete", &done, token).await).await;

    let all = SetAllCompleted { completed: true };
    let changed: Vec<Task> = ok(call(&app, "/rpc/tasks/complete-all", &all, token).await).await;
    let mut titles: Vec<&str> = changed.iter().map(|t| t.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["three", "two"], "only the tasks it changed");
    assert!(changed.iter().all(|t| t.completed));
    let again: Vec<Task> = ok(call(&app, "/rpc/tasks/complete-all", &all, token).await).await;
    assert!(again.is_empty());

    let cleared: u64 = ok(call(
        &app,
        "/rpc/tasks/clear-completed",
        &ClearCompleted {},
        token,
    )
    .await)
    .await;
    assert_eq!(cleared, 3);
    let cleared: u64 = ok(call(
        &app,
        "/rpc/tasks/clear-completed",
        &ClearCompleted {},
        token,
    )
    .await)
    .await;
    assert_eq!(cleared, 0);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
}
