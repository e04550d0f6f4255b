//! The opaque cursor of keyset paging: the sort key and id of the last task of a page,
//! with the list it belongs to. Base64url JSON; tampering can only move the position
//! within the caller's own tasks, since every query is scoped by the token's user.

use super::model::{ListQuery, SortKey, SortOrder, StatusFilter};
use crate::error::AppError;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a page ends, in the order of its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    Time(DateTime<Utc>, Uuid),
    Title(String, Uuid),
}

#[derive(Serialize, Deserialize)]
struct Encoded {
    status: StatusFilter,
    sort: SortKey,
    order: SortOrder,
    /// Microseconds since the epoch, for `created` and `updated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    id: Uuid,
}

pub fn encode(query: &ListQuery, position: &Position) -> String {
    let (at, title, id) = match position {
        Position::Time(time, id) => (Some(time.timestamp_micros()), None, *id),
        Position::Title(title, id) => (None, Some(title.clone()), *id),
    };
    let encoded = Encoded {
        status: query.status,
        sort: query.sort,
        order: query.order,
        at,
        title,
        id,
    };
    // Serialising this struct cannot fail; an empty cursor would only restart the list.
    let json = serde_json::to_vec(&encoded).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// The position in a cursor made for this same list (status, sort and order); any other
/// cursor is a 422.
pub fn decode(cursor: &str, query: &ListQuery) -> Result<Position, AppError> {
    let bad = || AppError::field("cursor", "This cursor is not one of this list's.");
    let json = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let encoded: Encoded = serde_json::from_slice(&json).map_err(|_| bad())?;
    if (encoded.status, encoded.sort, encoded.order) != (query.status, query.sort, query.order) {
        return Err(bad());
    }
    match (query.sort, encoded.at, encoded.title) {
        (SortKey::Created | SortKey::Updated, Some(at), None) => {
            let time = DateTime::from_timestamp_micros(at).ok_or_else(bad)?;
            Ok(Position::Time(time, encoded.id))
        }
        (SortKey::Title, None, Some(title)) => Ok(Position::Title(title, encoded.id)),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_for_its_own_list_only() {
        let query = ListQuery {
            sort: SortKey::Title,
            order: SortOrder::Asc,
            ..ListQuery::default()
        };
        let position = Position::Title("Buy milk".into(), Uuid::now_v7());
        let cursor = encode(&query, &position);
        assert_eq!(decode(&cursor, &query).expect("decode"), position);

        let other = ListQuery {
            order: SortOrder::Desc,
            ..query.clone()
        };
        assert!(decode(&cursor, &other).is_err());
        for garbage in ["", "x", "!!!", &URL_SAFE_NO_PAD.encode("{}")] {
            assert!(decode(garbage, &query).is_err(), "{garbage}");
        }
    }

    #[test]
    fn times_keep_their_microseconds() {
        let query = ListQuery::default();
        let time = DateTime::from_timestamp_micros(1_795_642_152_039_123).expect("time");
        let position = Position::Time(time, Uuid::nil());
        assert_eq!(
            decode(&encode(&query, &position), &query).expect("decode"),
            position
        );
    }
}
