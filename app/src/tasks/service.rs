//! Tasks as a service: the REST routes and the server functions both call these, with
//! the `AuthUser` of the request, and nothing else. Each makes one round trip: its
//! statement carries the gate (`auth::gate::run`); an answer found before the statement
//! (a bad query, body or id) is vouched for first, so a signed-out token gets 401.

use super::{
    cursor,
    db::{self, TaskRow},
    model::{CompletionChange, ListQuery, NewTask, StatusFilter, Task, TaskPage, TaskUpdate},
    validate,
};
use crate::{
    auth::{gate, AuthUser},
    error::AppError,
};
use sqlx::PgPool;
use uuid::Uuid;

/// A task id from a URL or a call: anything that is not a UUID names no task.
fn task_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

fn found(row: Option<TaskRow>) -> Result<Task, AppError> {
    row.map(TaskRow::into_task).ok_or(AppError::NotFound)
}

/// One page, as rows: the REST route writes them out as they are, the server function
/// turns them into tasks.
pub async fn list(
    pool: &PgPool,
    user: &AuthUser,
    query: &ListQuery,
) -> Result<TaskPage<TaskRow>, AppError> {
    let after = query
        .cursor
        .as_deref()
        .map(|c| cursor::decode(c, query))
        .transpose();
    let after = gate::vouch(pool, user, after).await?;
    let completed = match query.status {
        StatusFilter::All => None,
        StatusFilter::Pending => Some(false),
        StatusFilter::Completed => Some(true),
    };
    let limit = query.limit as usize;
    // One more than a page tells whether another page follows.
    let mut rows = gate::run(pool, user, || {
        db::list(
            pool,
            user,
            completed,
            query.sort,
            query.order,
            after.as_ref(),
            limit as i64 + 1,
        )
    })
    .await?;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = match rows.last() {
        Some(last) if more => Some(cursor::encode(query, &last.position(query.sort))),
        _ => None,
    };
    Ok(TaskPage {
        tasks: rows,
        next_cursor,
    })
}

pub async fn create(pool: &PgPool, user: &AuthUser, input: NewTask) -> Result<Task, AppError> {
    let task = gate::vouch(pool, user, validate::new_task(input)).await?;
    // Time-ordered ids keep inserts at the end of the primary key index.
    let id = Uuid::now_v7();
    let row = gate::run(pool, user, || {
        db::insert(pool, user, id, &task.title, task.description.as_deref())
    })
    .await?;
    Ok(row.into_task())
}

pub async fn get(pool: &PgPool, user: &AuthUser, id: &str) -> Result<Task, AppError> {
    let id = gate::vouch(pool, user, task_id(id)).await?;
    found(gate::run(pool, user, || db::get(pool, user, id)).await?)
}

pub async fn replace(
    pool: &PgPool,
    user: &AuthUser,
    id: &str,
    input: TaskUpdate,
) -> Result<Task, AppError> {
    let checked = task_id(id).and_then(|id| Ok((id, validate::update(input)?)));
    let (id, update) = gate::vouch(pool, user, checked).await?;
    let description = update.description.as_ref().map(|d| d.as_deref());
    found(
        gate::run(pool, user, || {
            db::update(pool, user, id, &update.title, description, update.completed)
        })
        .await?,
    )
}

pub async fn set_completion(
    pool: &PgPool,
    user: &AuthUser,
    id: &str,
    change: CompletionChange,
) -> Result<Task, AppError> {
    let id = gate::vouch(pool, user, task_id(id)).await?;
    found(
        gate::run(pool, user, || {
            db::set_completed(pool, user, id, change.completed)
        })
        .await?,
    )
}

pub async fn delete(pool: &PgPool, user: &AuthUser, id: &str) -> Result<(), AppError> {
    let id = gate::vouch(pool, user, task_id(id)).await?;
    if gate::run(pool, user, || db::delete(pool, user, id)).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Marks every task completed, or every task pending; returns the changed tasks.
pub async fn set_all_completed(
    pool: &PgPool,
    user: &AuthUser,
    completed: bool,
) -> Result<Vec<Task>, AppError> {
    let rows = gate::run(pool, user, || db::set_all_completed(pool, user, completed)).await?;
    Ok(rows.into_iter().map(TaskRow::into_task).collect())
}

/// Deletes every completed task; returns how many went.
pub async fn clear_completed(pool: &PgPool, user: &AuthUser) -> Result<u64, AppError> {
    gate::run(pool, user, || db::delete_completed(pool, user)).await
}

/// Undo of a delete: the task comes back as it was, under its id. The content goes
/// through the same rules as a new task; a creation time that cannot be read is now.
pub async fn restore(pool: &PgPool, user: &AuthUser, task: Task) -> Result<Task, AppError> {
    let checked = task_id(&task.id).and_then(|id| {
        let valid = validate::new_task(NewTask {
            title: Some(task.title),
            description: task.description,
        })?;
        Ok((id, valid))
    });
    let (id, valid) = gate::vouch(pool, user, checked).await?;
    let created_at = chrono::DateTime::parse_from_rfc3339(&task.created_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now());
    let row = gate::run(pool, user, || {
        db::restore(
            pool,
            user,
            id,
            &valid.title,
            valid.description.as_deref(),
            task.completed,
            created_at,
        )
    })
    .await?;
    row.map(TaskRow::into_task).ok_or(AppError::Conflict {
        detail: "This task exists already.".into(),
    })
}
