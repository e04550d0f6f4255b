//! What crosses the wire for tasks, shared by the server and the browser.

use serde::{Deserialize, Deserializer, Serialize};

/// A task as API.md shows it. Times are RFC 3339 in UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Task {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub description: Option<String>,
    pub completed: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST …/tasks`. Any other field (`user_id`, `owner`) is ignored: identity comes
/// from the token alone.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewTask {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `PUT …/tasks/{id}`: `title` replaces; an omitted `description` or `completed` is
/// left as it is, an explicit `null` description clears it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TaskUpdate {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<bool>,
}

/// Tells a field that is there (even as `null`) from one that is not.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `PATCH …/tasks/{id}/complete`: no body toggles, `{completed}` sets.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CompletionChange {
    #[serde(default)]
    pub completed: Option<bool>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    #[default]
    All,
    Pending,
    Completed,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortKey {
    #[default]
    Created,
    Updated,
    Title,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// One page of the list, and the cursor of the next one if more tasks remain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPage {
    pub tasks: Vec<Task>,
    pub next_cursor: Option<String>,
}

pub const TITLE_MAX_CHARS: usize = 200;
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
pub const PAGE_MAX: u32 = 1000;

impl StatusFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Pending => "pending",
            StatusFilter::Completed => "completed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "all" => Some(StatusFilter::All),
            "pending" => Some(StatusFilter::Pending),
            "completed" => Some(StatusFilter::Completed),
            _ => None,
        }
    }
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Title => "title",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "created" => Some(SortKey::Created),
            "updated" => Some(SortKey::Updated),
            "title" => Some(SortKey::Title),
            _ => None,
        }
    }
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "asc" => Some(SortOrder::Asc),
            "desc" => Some(SortOrder::Desc),
            _ => None,
        }
    }
}

/// How to list: API.md's query parameters, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub status: StatusFilter,
    pub sort: SortKey,
    pub order: SortOrder,
    pub limit: u32,
    /// Opaque: from a previous page's `Link` header or `next_cursor`.
    pub cursor: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            status: StatusFilter::All,
            sort: SortKey::Created,
            order: SortOrder::Desc,
            limit: PAGE_MAX,
            cursor: None,
        }
    }
}
