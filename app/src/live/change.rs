//! What a stream says changed: the wire form of the database's announcements.

use serde::{Deserialize, Serialize};

/// A change to some of a user's tasks, made by one statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Change {
    pub kind: ChangeKind,
    /// The ids of the tasks changed, or `null` when one statement changed more than
    /// 100: read the list again.
    pub ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Created, or brought back by a restore.
    Created,
    /// Edited, completed or reopened, one at a time or all at once.
    Updated,
    /// Deleted, one at a time or as completed ones cleared.
    Deleted,
}
