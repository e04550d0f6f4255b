//! Live sync as a service: the one entry point of the stream route.

use super::{
    hub::{Full, Hub, LiveLimits},
    listener,
    stream::{self, LiveEvent},
};
use crate::{
    auth::{access, AuthUser},
    error::AppError,
};
use futures::Stream;
use sqlx::PgPool;
use std::sync::Arc;

/// How long a client refused a stream for a cap is asked to wait: a page closed
/// elsewhere gives its place back at once, so not long.
const RETRY_AFTER_SECS: u64 = 30;

#[derive(Debug, Clone)]
pub struct LiveService {
    pool: PgPool,
    hub: Arc<Hub>,
}

impl LiveService {
    /// The service, and this instance's listener, which runs in the background for as
    /// long as the process does.
    pub fn start(pool: PgPool, limits: LiveLimits) -> Self {
        let hub = Hub::new(limits);
        tokio::spawn(listener::listen(pool.clone(), Arc::clone(&hub)));
        LiveService { pool, hub }
    }

    /// Opens a stream for `user`, whose token was verified in memory: refused (401) if
    /// the database says it was signed out, and past a cap (429).
    pub async fn open(
        &self,
        user: AuthUser,
    ) -> Result<impl Stream<Item = LiveEvent> + Send + 'static, AppError> {
        access::admit(&self.pool, &user).await?;
        let subscription = self.hub.subscribe(user.id()).map_err(|full| {
            let limits = self.hub.limits();
            let detail = match full {
                Full::User => format!(
                    "This account has {} live streams open on this server, the most it may; close a tab or try again later.",
                    limits.per_user
                ),
                Full::Instance => {
                    tracing::warn!(open = limits.per_instance, "live streams are at this instance's cap");
                    "This server holds as many live streams as it may; try again later.".to_owned()
                }
            };
            AppError::TooManyStreams {
                detail,
                retry_after_secs: RETRY_AFTER_SECS,
            }
        })?;
        Ok(stream::events(
            user,
            subscription,
            self.pool.clone(),
            self.hub.limits().recheck,
        ))
    }

    pub fn heartbeat(&self) -> std::time::Duration {
        self.hub.limits().heartbeat
    }

    /// Ends every stream, for a shutdown.
    pub fn close(&self) {
        self.hub.close();
    }
}
