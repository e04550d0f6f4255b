//! What a request may ask of the tasks, each as a command that only its `parse` can
//! make: the request's own rules (ids, bodies, queries: `validate`, `cursor`) are checked
//! there, and `TaskService::execute` runs the command, or vouches for the refusal (see
//! there). Each `run` is one gated statement, or a few for an undo that meets a taken id.

use super::{
    cursor::{self, Position},
    db::{self, TaskRow},
    model::{CompletionChange, ListQuery, NewTask, StatusFilter, Task, TaskPage, TaskUpdate},
    service::{Command, TaskService},
    validate::{self, ValidTask, ValidUpdate},
};
use crate::{
    auth::{access, AuthUser},
    error::AppError,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A task id from a URL or a call: anything that is not a UUID names no task.
pub fn task_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::NotFound)
}

fn found(row: Option<TaskRow>) -> Result<Task, AppError> {
    row.map(TaskRow::into_task).ok_or(AppError::NotFound)
}

/// One page of the list.
pub struct List {
    query: ListQuery,
    after: Option<Position>,
}

impl List {
    pub fn parse(query: ListQuery) -> Result<Self, AppError> {
        validate::list(&query)?;
        let after = query
            .cursor
            .as_deref()
            .map(|c| cursor::decode(c, &query))
            .transpose()?;
        Ok(List { query, after })
    }

    pub fn query(&self) -> &ListQuery {
        &self.query
    }
}

/// A page as the repository read it: the REST route writes its rows out as they are,
/// the server function takes it as a `TaskPage`.
pub struct RowPage {
    pub rows: Vec<TaskRow>,
    pub next_cursor: Option<String>,
}

impl RowPage {
    pub fn into_page(self) -> TaskPage {
        TaskPage {
            tasks: self.rows.into_iter().map(TaskRow::into_task).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

impl Command for List {
    type Output = RowPage;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Self::Output, AppError> {
        let pool = tasks.pool();
        let List { query, after } = self;
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
            Some(last) if more => Some(cursor::encode(&query, &last.position(query.sort))),
            _ => None,
        };
        Ok(RowPage { rows, next_cursor })
    }
}

pub struct Create(ValidTask);

impl Create {
    pub fn parse(input: NewTask) -> Result<Self, AppError> {
        validate::new_task(input).map(Create)
    }
}

impl Command for Create {
    type Output = Task;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Task, AppError> {
        let (pool, task) = (tasks.pool(), self.0);
        // Time-ordered ids keep inserts at the end of the primary key index.
        let id = Uuid::now_v7();
        let max = tasks.max_per_user();
        let row = access::run(pool, user, || db::insert(pool, user, id, &task, max)).await?;
        row.map(TaskRow::into_task).ok_or_else(|| tasks.full())
    }
}

pub struct Get(pub Uuid);

impl Command for Get {
    type Output = Task;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Task, AppError> {
        let pool = tasks.pool();
        found(access::run(pool, user, || db::get(pool, user, self.0)).await?)
    }
}

pub struct Replace(Uuid, ValidUpdate);

impl Replace {
    pub fn parse(id: Uuid, input: TaskUpdate) -> Result<Self, AppError> {
        validate::update(input).map(|update| Replace(id, update))
    }
}

impl Command for Replace {
    type Output = Task;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Task, AppError> {
        let (pool, Replace(id, update)) = (tasks.pool(), self);
        found(access::run(pool, user, || db::update(pool, user, id, &update)).await?)
    }
}

/// Sets `completed`, or toggles it.
pub struct Complete(pub Uuid, pub CompletionChange);

impl Command for Complete {
    type Output = Task;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Task, AppError> {
        let (pool, Complete(id, CompletionChange { completed })) = (tasks.pool(), self);
        found(access::run(pool, user, || db::set_completed(pool, user, id, completed)).await?)
    }
}

pub struct Delete(pub Uuid);

impl Command for Delete {
    type Output = ();

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<(), AppError> {
        let pool = tasks.pool();
        if access::run(pool, user, || db::delete(pool, user, self.0)).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// Every task completed, or every task pending; answers with the tasks it changed.
pub struct CompleteAll(pub bool);

impl Command for CompleteAll {
    type Output = Vec<Task>;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Vec<Task>, AppError> {
        let pool = tasks.pool();
        let rows = access::run(pool, user, || db::set_all_completed(pool, user, self.0)).await?;
        Ok(rows.into_iter().map(TaskRow::into_task).collect())
    }
}

/// Deletes every completed task; answers with how many went.
pub struct ClearCompleted;

impl Command for ClearCompleted {
    type Output = u64;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<u64, AppError> {
        let pool = tasks.pool();
        access::run(pool, user, || db::delete_completed(pool, user)).await
    }
}

/// Undo of a delete: the task comes back as it was, under its id. The content goes
/// through the same rules as a new task, and so does the count of the user's tasks.
/// A creation time that cannot be read, or lies in the future, is now.
///
/// An id taken by the user's own task is a 409. One taken by another user's task must
/// not answer otherwise than a free id, so the task comes back under a new id.
pub struct Restore {
    id: Uuid,
    task: ValidTask,
    completed: bool,
    created_at: DateTime<Utc>,
}

impl Restore {
    pub fn parse(task: Task) -> Result<Self, AppError> {
        let id = task_id(&task.id)?;
        let valid = validate::new_task(NewTask {
            title: Some(task.title),
            description: task.description,
        })?;
        Ok(Restore {
            id,
            task: valid,
            completed: task.completed,
            created_at: restored_creation_time(&task.created_at),
        })
    }
}

impl Command for Restore {
    type Output = Task;

    async fn run(self, tasks: &TaskService, user: &AuthUser) -> Result<Task, AppError> {
        let pool = tasks.pool();
        let task = &self.task;
        let (completed, created_at, max) = (self.completed, self.created_at, tasks.max_per_user());
        // `None`: the id is taken, or the user has as many tasks as they may keep.
        let restore = |id| {
            access::run(pool, user, move || {
                db::restore(pool, user, id, task, completed, created_at, max)
            })
        };
        if let Some(row) = restore(self.id).await? {
            return Ok(row.into_task());
        }
        if access::run(pool, user, || db::get(pool, user, self.id))
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
            .ok_or_else(|| tasks.full())
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
