//! How times go over the wire: RFC 3339 in UTC, to the microsecond that PostgreSQL keeps,
//! so that two changes in one millisecond still show two `updated_at` values.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use serde::{Serialize, Serializer};

pub fn rfc3339(time: DateTime<Utc>) -> String {
    Rfc3339(time).with_str(str::to_owned)
}

/// A time that serializes as its RFC 3339 string without allocating one: a page of
/// tasks holds two per task.
#[derive(Clone, Copy, Debug)]
pub struct Rfc3339(pub DateTime<Utc>);

impl Rfc3339 {
    /// Hands the text to `f`. Years 0 to 9999 and no leap second (all PostgreSQL
    /// stores in practice) are written here; any other time goes through chrono, which
    /// writes the same text for every time this writes.
    pub fn with_str<R>(self, f: impl FnOnce(&str) -> R) -> R {
        let t = self.0.naive_utc();
        let micros = t.nanosecond() / 1_000;
        let year = match u32::try_from(t.year()) {
            Ok(year) if year <= 9999 && micros < 1_000_000 => year,
            _ => return f(&self.0.to_rfc3339_opts(SecondsFormat::Micros, true)),
        };
        // YYYY-MM-DDTHH:MM:SS.ffffffZ
        let mut out = *b"0000-00-00T00:00:00.000000Z";
        let mut put = |at: usize, width: usize, mut value: u32| {
            for slot in out[at..at + width].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, t.month());
        put(8, 2, t.day());
        put(11, 2, t.hour());
        put(14, 2, t.minute());
        put(17, 2, t.second());
        put(20, 6, micros);
        // Only ASCII digits went into an ASCII template.
        f(std::str::from_utf8(&out).unwrap_or_default())
    }
}

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.with_str(|text| serializer.serialize_str(text))
    }
}

/// For `#[serde(serialize_with)]`: a time field written as `Rfc3339`.
pub fn serialize<S: Serializer>(time: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    Rfc3339(*time).serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn chrono_text(time: DateTime<Utc>) -> String {
        time.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    #[test]
    fn writes_what_chrono_writes_at_the_edges() {
        let edges = [
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).single(),
            Utc.with_ymd_and_hms(2026, 11, 26, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).single(),
            Utc.with_ymd_and_hms(-1, 12, 31, 23, 59, 59).single(),
            Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).single(),
        ];
        for time in edges.into_iter().flatten() {
            assert_eq!(rfc3339(time), chrono_text(time));
        }
        let leap = Utc
            .with_ymd_and_hms(2016, 12, 31, 23, 59, 59)
            .single()
            .and_then(|t| t.with_nanosecond(1_500_000_000));
        let leap = leap.expect("a leap second");
        assert_eq!(rfc3339(leap), chrono_text(leap));
        assert_eq!(
            serde_json::to_string(&Rfc3339(leap)).expect("json"),
            format!("\"{}\"", chrono_text(leap))
        );
    }

    proptest! {
        /// Any microsecond PostgreSQL can hold (4713 BC to 294276 AD), as text and as JSON.
        #[test]
        fn writes_what_chrono_writes(micros in -210_866_803_200_000_000i64..9_214_646_400_000_000i64) {
            let time = DateTime::<Utc>::from_timestamp_micros(micros).expect("in range");
            prop_assert_eq!(rfc3339(time), chrono_text(time));
            prop_assert_eq!(
                serde_json::to_string(&Rfc3339(time)).expect("json"),
                format!("\"{}\"", chrono_text(time))
            );
        }

        #[test]
        fn writes_what_chrono_writes_in_years_of_tasks(micros in 0i64..7_258_118_400_000_000i64) {
            let time = DateTime::<Utc>::from_timestamp_micros(micros).expect("in range");
            prop_assert_eq!(rfc3339(time), chrono_text(time));
        }
    }
}
