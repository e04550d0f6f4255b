//! The list's statements: one per sort key and order, each one range scan of its index
//! (keyset paging, `tasks::cursor`).

use super::TaskRow;
use crate::auth::{gate::gated_query_as, AuthUser};
use crate::tasks::{
    cursor::Position,
    model::{SortKey, SortOrder},
};
use chrono::{DateTime, TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Before any stored time and after any: where a first page starts.
fn far_past() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn far_future() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// One page: the tasks after `after` in the order of (`sort`, id), `completed` filtered
/// when given. Each (sort, order) is its own statement so that each is one range scan
/// of its index; a first page starts from a position before (or after) every task.
pub async fn list(
    pool: &PgPool,
    user: &AuthUser,
    completed: Option<bool>,
    sort: SortKey,
    order: SortOrder,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<TaskRow>, sqlx::Error> {
    let time = |default: DateTime<Utc>, default_id: Uuid| match after {
        Some(Position::Time(at, id)) => (*at, *id),
        _ => (default, default_id),
    };
    let title = || match after {
        Some(Position::Title(title, id)) => Some((title.clone(), *id)),
        _ => None,
    };
    match (sort, order) {
        (SortKey::Created, SortOrder::Desc) => {
            let (at, id) = time(far_future(), Uuid::max());
            gated_query_as!(
                TaskRow,
                r#"
                SELECT id, user_id, title, description, completed, created_at, updated_at
                FROM tasks
                WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                  AND (created_at, id) < ($8, $9)
                ORDER BY created_at DESC, id DESC LIMIT $10
                "#,
                user,
                completed,
                at,
                id,
                limit
            )
            .fetch_all(pool)
            .await
        }
        (SortKey::Created, SortOrder::Asc) => {
            let (at, id) = time(far_past(), Uuid::nil());
            gated_query_as!(
                TaskRow,
                r#"
                SELECT id, user_id, title, description, completed, created_at, updated_at
                FROM tasks
                WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                  AND (created_at, id) > ($8, $9)
                ORDER BY created_at ASC, id ASC LIMIT $10
                "#,
                user,
                completed,
                at,
                id,
                limit
            )
            .fetch_all(pool)
            .await
        }
        (SortKey::Updated, SortOrder::Desc) => {
            let (at, id) = time(far_future(), Uuid::max());
            gated_query_as!(
                TaskRow,
                r#"
                SELECT id, user_id, title, description, completed, created_at, updated_at
                FROM tasks
                WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                  AND (updated_at, id) < ($8, $9)
                ORDER BY updated_at DESC, id DESC LIMIT $10
                "#,
                user,
                completed,
                at,
                id,
                limit
            )
            .fetch_all(pool)
            .await
        }
        (SortKey::Updated, SortOrder::Asc) => {
            let (at, id) = time(far_past(), Uuid::nil());
            gated_query_as!(
                TaskRow,
                r#"
                SELECT id, user_id, title, description, completed, created_at, updated_at
                FROM tasks
                WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                  AND (updated_at, id) > ($8, $9)
                ORDER BY updated_at ASC, id ASC LIMIT $10
                "#,
                user,
                completed,
                at,
                id,
                limit
            )
            .fetch_all(pool)
            .await
        }
        (SortKey::Title, SortOrder::Asc) => {
            // Every title has at least one character, so all sort after ''.
            let (after_title, id) = title().unwrap_or((String::new(), Uuid::nil()));
            gated_query_as!(
                TaskRow,
                r#"
                SELECT id, user_id, title, description, completed, created_at, updated_at
                FROM tasks
                WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                  AND (title, id) > ($8, $9)
                ORDER BY title ASC, id ASC LIMIT $10
                "#,
                user,
                completed,
                after_title,
                id,
                limit
            )
            .fetch_all(pool)
            .await
        }
        (SortKey::Title, SortOrder::Desc) => match title() {
            // No string sorts after every title, so the first page has its own statement.
            None => {
                gated_query_as!(
                    TaskRow,
                    r#"
                    SELECT id, user_id, title, description, completed, created_at, updated_at
                    FROM tasks
                    WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                    ORDER BY title DESC, id DESC LIMIT $8
                    "#,
                    user,
                    completed,
                    limit
                )
                .fetch_all(pool)
                .await
            }
            Some((before_title, id)) => {
                gated_query_as!(
                    TaskRow,
                    r#"
                    SELECT id, user_id, title, description, completed, created_at, updated_at
                    FROM tasks
                    WHERE (SELECT token_gate($1, $2, $3, $4, $5, $6)) AND user_id = $1 AND ($7::boolean IS NULL OR completed = $7)
                      AND (title, id) < ($8, $9)
                    ORDER BY title DESC, id DESC LIMIT $10
                    "#,
                    user,
                    completed,
                    before_title,
                    id,
                    limit
                )
                .fetch_all(pool)
                .await
            }
        },
    }
}
