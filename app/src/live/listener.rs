//! The instance's one `LISTEN`: a connection of its own that hears every announcement
//! of migration 0010 and hands it to the hub. When the connection is lost (PostgreSQL
//! restarted, a network fault) it connects again, with a growing pause, and then tells
//! every stream to read everything again: what was announced in between is gone.

use super::{
    change::{Change, ChangeKind},
    hub::{Hub, Signal},
};
use serde::Deserialize;
use sqlx::{
    postgres::{PgListener, PgPoolOptions},
    PgPool,
};
use std::{sync::Arc, time::Duration};

/// The channel of migration 0010.
const CHANNEL: &str = "todo_live";

const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

/// One announcement, as migration 0010 writes it.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Announcement {
    Created {
        user: String,
        ids: Option<Vec<String>>,
    },
    Updated {
        user: String,
        ids: Option<Vec<String>>,
    },
    Deleted {
        user: String,
        ids: Option<Vec<String>>,
    },
    SignedOut {
        user: String,
    },
    TokenSignedOut {
        issuer: String,
        token: String,
    },
}

/// Listens for as long as the process runs.
pub(super) async fn listen(pool: PgPool, hub: Arc<Hub>) {
    // Not a connection of the request pool: it would hold one of its slots for good.
    let own = PgPoolOptions::new()
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(5))
        .max_lifetime(None)
        .idle_timeout(None)
        .connect_lazy_with((*pool.connect_options()).clone());
    let mut pause = FIRST_PAUSE;
    let mut connected_before = false;
    loop {
        match subscribe(&own).await {
            Ok(mut listener) => {
                pause = FIRST_PAUSE;
                if connected_before {
                    tracing::info!("listening for changes again; every open stream resyncs");
                }
                connected_before = true;
                // Also the first time: a stream opened before the listener was up may
                // have missed something.
                hub.publish_to_all(Signal::Resync);
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => dispatch(&hub, notification.payload()),
                        Ok(None) => {
                            tracing::warn!("lost the connection that listens for changes");
                            break;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "cannot listen for changes");
                            break;
                        }
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, retry_in_ms = pause.as_millis() as u64, "cannot listen for changes");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
        }
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

fn dispatch(hub: &Hub, payload: &str) {
    let announcement = match serde_json::from_str::<Announcement>(payload) {
        Ok(announcement) => announcement,
        Err(error) => {
            tracing::warn!(%error, "an announcement this version does not read");
            return;
        }
    };
    let change = |user: String, kind, ids| {
        hub.publish(&user, Signal::Changed(Arc::new(Change { kind, ids })));
    };
    match announcement {
        Announcement::Created { user, ids } => change(user, ChangeKind::Created, ids),
        Announcement::Updated { user, ids } => change(user, ChangeKind::Updated, ids),
        Announcement::Deleted { user, ids } => change(user, ChangeKind::Deleted, ids),
        Announcement::SignedOut { user } => hub.publish(&user, Signal::Recheck),
        Announcement::TokenSignedOut { issuer, token } => {
            hub.publish_to_all(Signal::TokenSignedOut(Arc::new((issuer, token))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_migration_writes() {
        let read = |payload: &str| serde_json::from_str::<Announcement>(payload).expect(payload);
        assert_eq!(
            read(r#"{"kind" : "created", "user" : "u1", "ids" : ["a","b"]}"#),
            Announcement::Created {
                user: "u1".into(),
                ids: Some(vec!["a".into(), "b".into()])
            }
        );
        assert_eq!(
            read(r#"{"kind" : "deleted", "user" : "u1", "ids" : null}"#),
            Announcement::Deleted {
                user: "u1".into(),
                ids: None
            }
        );
        assert_eq!(
            read(r#"{"kind" : "token_signed_out", "issuer" : "i", "token" : "t"}"#),
            Announcement::TokenSignedOut {
                issuer: "i".into(),
                token: "t".into()
            }
        );
    }
}
