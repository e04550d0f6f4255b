//! Tasks as a service: the REST routes and the server functions both parse a request
//! into a command (`tasks::command`, whose `parse` checks every rule of a request, so the
//! two paths cannot differ) and hand it to `TaskService::execute` with the `AuthUser` of
//! the request. Each command makes one round trip: its statement carries the gate
//! (`auth::access::run`).

use crate::{
    auth::{access, AuthUser},
    error::AppError,
};
use sqlx::PgPool;
use std::future::Future;

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

/// A request's command: what it asks, checked; `run` does it for the user.
pub trait Command: Send {
    type Output;

    fn run(
        self,
        tasks: &TaskService,
        user: &AuthUser,
    ) -> impl Future<Output = Result<Self::Output, AppError>> + Send;
}

impl TaskService {
    pub fn new(pool: PgPool, limits: TaskLimits) -> Self {
        TaskService { pool, limits }
    }

    /// The one entry point. A request that could not become a command (a bad query,
    /// body or id) is refused only once its token is vouched for, as the gate would
    /// have: a signed-out token gets 401 before any 400, 404 or 422. This is the one
    /// place that rule lives for tasks.
    pub async fn execute<C: Command>(
        &self,
        user: &AuthUser,
        command: Result<C, AppError>,
    ) -> Result<C::Output, AppError> {
        let command = access::vouch(&self.pool, user, command).await?;
        command.run(self, user).await
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(super) fn max_per_user(&self) -> i32 {
        i32::try_from(self.limits.max_per_user).unwrap_or(i32::MAX)
    }

    pub(super) fn full(&self) -> AppError {
        AppError::LimitReached {
            detail: format!(
                "You have {} tasks, the most one account can keep. Delete some to add more.",
                self.limits.max_per_user
            ),
        }
    }
}
