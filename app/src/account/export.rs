//! "Export my data": one JSON document, `{format, exported_at, user, preferences,
//! tasks}`, written as the tasks are read, so that no more than a few chunks of it are
//! in memory whatever the number of tasks.

use super::model::{Account, Preferences};
use crate::{auth::AuthUser, error::AppError, tasks::db as tasks_db};
use bytes::Bytes;
use futures::{stream::BoxStream, StreamExt};
use sqlx::PgPool;
use tokio::sync::mpsc;

/// The document's bytes, chunk by chunk; an error ends it early (the document is then
/// incomplete JSON, which no reader takes for a whole export).
pub type ExportStream = BoxStream<'static, Result<Bytes, std::io::Error>>;

/// About this much is written before a chunk is sent.
const CHUNK_BYTES: usize = 64 * 1024;
/// Chunks waiting for a slow reader before the database read waits too.
const CHUNKS_AHEAD: usize = 2;

pub const FORMAT: &str = "todo-export/1";

pub fn stream(
    pool: PgPool,
    user: AuthUser,
    account: Account,
    preferences: Preferences,
) -> Result<ExportStream, AppError> {
    let head = serde_json::json!({
        "format": FORMAT,
        "exported_at": crate::time::rfc3339(chrono::Utc::now()),
        "user": account.user,
        "preferences": preferences,
    });
    let mut head = serde_json::to_vec(&head).map_err(|error| {
        tracing::error!(%error, "cannot write the export's head");
        AppError::Internal
    })?;
    // The object is still open: the tasks come last.
    head.pop();
    head.extend_from_slice(br#","tasks":["#);
    let (sender, receiver) = mpsc::channel(CHUNKS_AHEAD);
    tokio::spawn(write_tasks(pool, user, head, sender));
    Ok(
        futures::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        })
        .boxed(),
    )
}

type Sender = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// Reads the tasks and sends them on in chunks; stops when the reader has gone (the
/// download was cancelled), which ends the statement and frees its connection.
async fn write_tasks(pool: PgPool, user: AuthUser, mut chunk: Vec<u8>, sender: Sender) {
    let mut rows = tasks_db::export(&pool, &user);
    let mut first = true;
    let mut count = 0u64;
    while let Some(row) = rows.next().await {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                tracing::warn!(%error, "the export stopped: a task could not be read");
                let _ = sender
                    .send(Err(std::io::Error::other(
                        "the export could not be completed",
                    )))
                    .await;
                return;
            }
        };
        if !first {
            chunk.push(b',');
        }
        first = false;
        count += 1;
        if serde_json::to_writer(&mut chunk, &row).is_err() {
            let _ = sender
                .send(Err(std::io::Error::other(
                    "the export could not be completed",
                )))
                .await;
            return;
        }
        if chunk.len() >= CHUNK_BYTES {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_BYTES + 4096));
            if sender.send(Ok(full.into())).await.is_err() {
                return;
            }
        }
    }
    chunk.extend_from_slice(b"]}");
    if sender.send(Ok(chunk.into())).await.is_ok() {
        tracing::info!(user_id = %user.id(), tasks = count, "data exported");
    }
}
