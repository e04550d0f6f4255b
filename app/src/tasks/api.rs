//! Server functions of tasks, for the web app. Thin: the user comes from the verified
//! token of the request (never from an argument), then the service does the work.

use super::model::{ListQuery, NewTask, Task, TaskPage};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Postcard;

#[cfg(feature = "ssr")]
use super::command;
#[cfg(feature = "ssr")]
use crate::auth::with_user;

#[server(prefix = "/rpc", endpoint = "tasks/list", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn list_tasks(query: ListQuery) -> Result<TaskPage, AppError> {
    with_user(|state, user| async move {
        let page = state
            .tasks
            .execute(&user, command::List::parse(query))
            .await?;
        Ok(page.into_page())
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "tasks/create", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn create_task(task: NewTask) -> Result<Task, AppError> {
    with_user(|state, user| async move {
        state
            .tasks
            .execute(&user, command::Create::parse(task))
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "tasks/update", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
/// `description`: `None` keeps it, `Some(None)` clears it (postcard, unlike JSON, has no
/// absent field to tell the two apart).
pub async fn update_task(
    id: String,
    title: Option<String>,
    description: Option<Option<String>>,
    completed: Option<bool>,
) -> Result<Task, AppError> {
    let update = super::model::TaskUpdate {
        title,
        description,
        completed,
    };
    with_user(|state, user| async move {
        state
            .tasks
            .execute(
                &user,
                command::task_id(&id).and_then(|id| command::Replace::parse(id, update)),
            )
            .await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "tasks/complete", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn set_task_completion(id: String, completed: Option<bool>) -> Result<Task, AppError> {
    with_user(|state, user| async move {
        let change = super::model::CompletionChange { completed };
        let command = command::task_id(&id).map(|id| command::Complete(id, change));
        state.tasks.execute(&user, command).await
    })
    .await
}

#[server(prefix = "/rpc", endpoint = "tasks/delete", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn delete_task(id: String) -> Result<(), AppError> {
    with_user(|state, user| async move {
        state
            .tasks
            .execute(&user, command::task_id(&id).map(command::Delete))
            .await
    })
    .await
}

/// Bulk: every task completed (or every task pending). Returns the changed tasks.
#[server(prefix = "/rpc", endpoint = "tasks/complete-all", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn set_all_completed(completed: bool) -> Result<Vec<Task>, AppError> {
    with_user(|state, user| async move {
        state
            .tasks
            .execute(&user, Ok(command::CompleteAll(completed)))
            .await
    })
    .await
}

/// Bulk: deletes every completed task. Returns how many went.
#[server(prefix = "/rpc", endpoint = "tasks/clear-completed", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn clear_completed() -> Result<u64, AppError> {
    with_user(|state, user| async move {
        state
            .tasks
            .execute(&user, Ok(command::ClearCompleted))
            .await
    })
    .await
}

/// Undo of a delete: puts the task back as it was.
#[server(prefix = "/rpc", endpoint = "tasks/restore", input = Postcard, output = Postcard, client = crate::session::AuthClient)]
pub async fn restore_task(task: Task) -> Result<Task, AppError> {
    with_user(|state, user| async move {
        state
            .tasks
            .execute(&user, command::Restore::parse(task))
            .await
    })
    .await
}
