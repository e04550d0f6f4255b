//! How times go over the wire: RFC 3339 in UTC, to the microsecond that PostgreSQL keeps,
//! so that two changes in one millisecond still show two `updated_at` values.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}
