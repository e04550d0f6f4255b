//! Tasks as a service: the REST routes and the server functions both call
//! `TaskService`, with the `AuthUser` of the request, and nothing else; every rule of a
//! request is checked here, so the two paths cannot differ. Each call makes one round
//! trip: its statement carries the gate (`auth::access::run`); an answer found before the
//! statement (a bad query, body or id) is vouched for first, so a signed-out token gets
//! 401.

use super::{
    cursor,
    db::{self, TaskRow},
    model::{CompletionChange, ListQuery, NewTask, StatusFilter, Task, TaskPage, TaskUpdate},
    validate,
};
use crate::{
    auth::{access, AuthUser},
    error::AppError,
};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Limits on what one user may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskLimits {
    /// Tasks per user (`TASKS_MAX_PER_USER`); past it a create is refused.
    pub max_per_user: u32,
}

impl Default for TaskLimits {
    fn default() -> Self {
        TaskLimits {
            max_per_user: 10_000,
        }
    }
}

/// The one entry point of tasks, for the REST routes and the server functions alike.
#[derive(Debug, Clone)]
pub struct TaskService {
    pool: PgPool,
    limits: TaskLimits,
}

/// A task id from a URL or a call: anything that is not a UUID names no task.
fn task_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

fn found(row: Option<TaskRow>) -> Result<Task, AppError> {
    row.map(TaskRow::into_task).ok_or(AppError::NotFound)
}

impl TaskService {
    pub fn new(pool: PgPool, limits: TaskLimits) -> Self {
        TaskService { pool, limits }
    }

    /// One page, as rows: the REST route writes them out as they are, the server
    /// function turns them into tasks.
    pub async fn list(
        &self,
        user: &AuthUser,
        query: &ListQuery,
    ) -> Result<TaskPage<TaskRow>, AppError> {
        let pool = &self.pool;
        let after = validate::list(query).and_then(|()| {
            query
                .cursor
                .as_deref()
                .map(|c| cursor::decode(c, query))
                .transpose()
        });
        let after = access::vouch(pool, user, after).await?;
        let completed = match query.status {
            StatusFilter::All => None,
            StatusFilter::Pending => Some(false),
            StatusFilter::Completed => Some(true),
        };
        let limit = query.limit as usize;
        // One more than a page tells whether another page follows.
        let mut rows = access::run(pool, user, || {
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

    pub async fn create(&self, user: &AuthUser, input: NewTask) -> Result<Task, AppError> {
        let pool = &self.pool;
        let task = access::vouch(pool, user, validate::new_task(input)).await?;
        // Time-ordered ids keep inserts at the end of the primary key index.
        let id = Uuid::now_v7();
        let max = self.max_per_user();
        let row = access::run(pool, user, || {
            db::insert(
                pool,
                user,
                id,
                &task.title,
                task.description.as_deref(),
                max,
            )
        })
        .await?;
        row.map(TaskRow::into_task).ok_or_else(|| self.full())
    }

    pub async fn get(&self, user: &AuthUser, id: &str) -> Result<Task, AppError> {
        let pool = &self.pool;
        let id = access::vouch(pool, user, task_id(id)).await?;
        found(access::run(pool, user, || db::get(pool, user, id)).await?)
    }

    pub async fn replace(
        &self,
        user: &AuthUser,
        id: &str,
        input: TaskUpdate,
    ) -> Result<Task, AppError> {
        let pool = &self.pool;
        let checked = task_id(id).and_then(|id| Ok((id, validate::update(input)?)));
        let (id, update) = access::vouch(pool, user, checked).await?;
        let description = update.description.as_ref().map(|d| d.as_deref());
        found(
            access::run(pool, user, || {
                db::update(pool, user, id, &update.title, description, update.completed)
            })
            .await?,
        )
    }

    pub async fn set_completion(
        &self,
        user: &AuthUser,
        id: &str,
        change: CompletionChange,
    ) -> Result<Task, AppError> {
        let pool = &self.pool;
        let id = access::vouch(pool, user, task_id(id)).await?;
        found(
            access::run(pool, user, || {
                db::set_completed(pool, user, id, change.completed)
            })
            .await?,
        )
    }

    pub async fn delete(&self, user: &AuthUser, id: &str) -> Result<(), AppError> {
        let pool = &self.pool;
        let id = access::vouch(pool, user, task_id(id)).await?;
        if access::run(pool, user, || db::delete(pool, user, id)).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Marks every task completed, or every task pending; returns the changed tasks.
    pub async fn set_all_completed(
        &self,
        user: &AuthUser,
        completed: bool,
    ) -> Result<Vec<Task>, AppError> {
        let pool = &self.pool;
        let rows = access::run(pool, user, || db::set_all_completed(pool, user, completed)).await?;
        Ok(rows.into_iter().map(TaskRow::into_task).collect())
    }

    /// Deletes every completed task; returns how many went.
    pub async fn clear_completed(&self, user: &AuthUser) -> Result<u64, AppError> {
        let pool = &self.pool;
        access::run(pool, user, || db::delete_completed(pool, user)).await
    }

    /// Undo of a delete: the task comes back as it was, under its id. The content goes
    /// through the same rules as a new task, and so does the count of the user's tasks.
    /// A creation time that cannot be read, or lies in the future, is now.
    ///
    /// An id taken by the user's own task is a 409. One taken by another user's task
    /// must not answer otherwise than a free id, so the task comes back under a new id.
    pub async fn restore(&self, user: &AuthUser, task: Task) -> Result<Task, AppError> {
        let pool = &self.pool;
        let checked = task_id(&task.id).and_then(|id| {
            let valid = validate::new_task(NewTask {
                title: Some(task.title),
                description: task.description,
            })?;
            Ok((id, valid))
        });
        let (id, valid) = access::vouch(pool, user, checked).await?;
        let created_at = restored_creation_time(&task.created_at);
        let (title, description) = (valid.title.as_str(), valid.description.as_deref());
        let max = self.max_per_user();
        // `None`: the id is taken, or the user has as many tasks as they may keep.
        let restore = |id| {
            access::run(pool, user, move || {
                db::restore(
                    pool,
                    user,
                    id,
                    title,
                    description,
                    task.completed,
                    created_at,
                    max,
                )
            })
        };
        if let Some(row) = restore(id).await? {
            return Ok(row.into_task());
        }
        if access::run(pool, user, || db::get(pool, user, id))
            .await?
            .is_some()
        {
            return Err(AppError::Conflict {
                detail: "This task exists already.".into(),
            });
        }
        // Another user's id, or none taken and no room: a fresh time-ordered id is free.
        restore(Uuid::now_v7())
            .await?
            .map(TaskRow::into_task)
            .ok_or_else(|| self.full())
    }

    fn max_per_user(&self) -> i32 {
        i32::try_from(self.limits.max_per_user).unwrap_or(i32::MAX)
    }

    fn full(&self) -> AppError {
        AppError::LimitReached {
            detail: format!(
                "You have {} tasks, the most one account can keep. Delete some to add more.",
                self.limits.max_per_user
            ),
        }
    }
}

/// The creation time of a restored task: as sent, but never in the future (it would
/// sort above every new task) nor before the epoch.
fn restored_creation_time(sent: &str) -> DateTime<Utc> {
    let now = Utc::now();
    chrono::DateTime::parse_from_rfc3339(sent)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now)
        .clamp(DateTime::UNIX_EPOCH, now)
}
