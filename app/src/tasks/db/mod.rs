//! The SQL of tasks: the one repository. Every function takes the `AuthUser` that only
//! the token verifier can make, and every statement has `user_id = <that user>` in its
//! WHERE clause (or the row it inserts), so no task is read or written without its
//! owner. Every statement also opens with the gate (`auth::gate`): a signed-out token
//! reads and writes nothing, in the same round trip.

mod list;

pub use list::list;

use super::{
    cursor::Position,
    model::{SortKey, Task},
    validate::{ValidTask, ValidUpdate},
};
use crate::auth::{
    gate::{gated_query, gated_query_as},
    AuthUser,
};
use crate::time;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use uuid::Uuid;

/// A task as stored. It goes over the wire as its `Task` would, written straight from
/// the row: a page of a hundred tasks makes no strings on the way out
/// (`tests::a_row_is_written_as_its_task`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename = "Task")]
pub struct TaskRow {
    pub id: Uuid,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    #[serde(serialize_with = "time::serialize")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::serialize")]
    pub updated_at: DateTime<Utc>,
}

impl TaskRow {
    pub fn into_task(self) -> Task {
        Task {
            id: self.id.to_string(),
            user_id: self.user_id,
            title: self.title,
            description: self.description,
            completed: self.completed,
            created_at: time::rfc3339(self.created_at),
            updated_at: time::rfc3339(self.updated_at),
        }
    }

    pub fn position(&self, sort: SortKey) -> Position {
        match sort {
            SortKey::Created => Position::Time(self.created_at, self.id),
            SortKey::Updated => Position::Time(self.updated_at, self.id),
            SortKey::Title => Position::Title(self.title.clone(), self.id),
        }
    }
}

/// Inserts a task unless the user already keeps `max` tasks (`None` then), counting
/// it in `task_counts` (migration 0006) in the same statement: the upsert adds one only
/// under `max`, and its row lock makes racing creates of one user see each other.
pub async fn insert(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
    task: &ValidTask,
    max: i32,
) -> Result<Option<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        WITH counted AS (
            INSERT INTO task_counts AS c (user_id, tasks) VALUES ($1, 1)
            ON CONFLICT (user_id) DO UPDATE SET tasks = c.tasks + 1 WHERE c.tasks < $10
            RETURNING user_id
        )
        INSERT INTO tasks (id, user_id, title, description)
        SELECT $7, counted.user_id, $8, $9 FROM counted
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6))
        RETURNING id, user_id, title, description, completed, created_at, updated_at
        "#,
        user,
        id,
        task.title(),
        task.description(),
        max
    )
    .fetch_optional(db)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
) -> Result<Option<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        SELECT id, user_id, title, description, completed, created_at, updated_at
        FROM tasks WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND id = $7
        "#,
        user,
        id
    )
    .fetch_optional(db)
    .await
}

/// Every task of the user, oldest first, as a stream of rows: an export reads them
/// without holding them all.
pub fn export<'a>(
    db: impl PgExecutor<'a> + 'a,
    user: &'a AuthUser,
) -> futures::stream::BoxStream<'a, Result<TaskRow, sqlx::Error>> {
    gated_query_as!(
        TaskRow,
        r#"
        SELECT id, user_id, title, description, completed, created_at, updated_at
        FROM tasks WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1
        ORDER BY created_at, id
        "#,
        user
    )
    .fetch(db)
}

/// Replaces the title, and the description and `completed` where the update has them.
/// `updated_at` always moves forward, even within one microsecond of the last change.
pub async fn update(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
    update: &ValidUpdate,
) -> Result<Option<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        UPDATE tasks SET
            title = $8,
            description = CASE WHEN $9 THEN $10 ELSE description END,
            completed = coalesce($11, completed),
            updated_at = greatest(now(), updated_at + interval '1 microsecond')
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND id = $7
        RETURNING id, user_id, title, description, completed, created_at, updated_at
        "#,
        user,
        id,
        update.title(),
        update.description().is_some(),
        update.description().flatten(),
        update.completed()
    )
    .fetch_optional(db)
    .await
}

/// Sets `completed`, or toggles it when `completed` is `None`.
pub async fn set_completed(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
    completed: Option<bool>,
) -> Result<Option<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        UPDATE tasks SET
            completed = coalesce($8, NOT completed),
            updated_at = greatest(now(), updated_at + interval '1 microsecond')
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND id = $7
        RETURNING id, user_id, title, description, completed, created_at, updated_at
        "#,
        user,
        id,
        completed
    )
    .fetch_optional(db)
    .await
}

/// Whether a task was deleted.
pub async fn delete(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let result = gated_query!(
        r#"
        DELETE FROM tasks
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND id = $7
        "#,
        user,
        id
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks every task of the user completed (or pending); returns the tasks it changed.
pub async fn set_all_completed(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    completed: bool,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        UPDATE tasks SET
            completed = $7,
            updated_at = greatest(now(), updated_at + interval '1 microsecond')
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND completed <> $7
        RETURNING id, user_id, title, description, completed, created_at, updated_at
        "#,
        user,
        completed
    )
    .fetch_all(db)
    .await
}

/// Deletes the user's completed tasks; returns how many.
pub async fn delete_completed(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
) -> Result<u64, sqlx::Error> {
    let result = gated_query!(
        r#"
        DELETE FROM tasks
        WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND completed
        "#,
        user,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Puts back a task the user deleted (undo), under its old id and creation time.
/// `None` if that id is taken, or the user already keeps `max` tasks. Unlike `insert`,
/// the id may be taken, so the count is read under its row's lock first and only a
/// task that was inserted is counted.
pub async fn restore(
    db: impl PgExecutor<'_>,
    user: &AuthUser,
    id: Uuid,
    task: &ValidTask,
    completed: bool,
    created_at: DateTime<Utc>,
    max: i32,
) -> Result<Option<TaskRow>, sqlx::Error> {
    gated_query_as!(
        TaskRow,
        r#"
        WITH inserted AS (
            INSERT INTO tasks (id, user_id, title, description, completed, created_at)
            SELECT $7, $1, $8, $9, $10, $11
            WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6))
              AND coalesce((SELECT tasks FROM task_counts WHERE user_id = $1 FOR UPDATE), 0) < $12
            ON CONFLICT (id) DO NOTHING
            RETURNING id, user_id, title, description, completed, created_at, updated_at
        ), counted AS (
            INSERT INTO task_counts AS c (user_id, tasks) SELECT user_id, 1 FROM inserted
            ON CONFLICT (user_id) DO UPDATE SET tasks = c.tasks + 1
        )
        SELECT id AS "id!", user_id AS "user_id!", title AS "title!", description,
            completed AS "completed!", created_at AS "created_at!", updated_at AS "updated_at!"
        FROM inserted
        "#,
        user,
        id,
        task.title(),
        task.description(),
        completed,
        created_at,
        max
    )
    .fetch_optional(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_row_is_written_as_its_task(
            id in any::<u128>(),
            user_id in ".{0,40}",
            title in ".{1,200}",
            description in proptest::option::of(".{0,300}"),
            completed in any::<bool>(),
            created in 0i64..7_258_118_400_000_000i64,
            updated in 0i64..7_258_118_400_000_000i64,
        ) {
            let row = TaskRow {
                id: Uuid::from_u128(id),
                user_id,
                title,
                description,
                completed,
                created_at: DateTime::from_timestamp_micros(created).expect("in range"),
                updated_at: DateTime::from_timestamp_micros(updated).expect("in range"),
            };
            let written = serde_json::to_string(&row).expect("json");
            prop_assert_eq!(written, serde_json::to_string(&row.into_task()).expect("json"));
        }
    }
}
