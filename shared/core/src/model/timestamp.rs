//! Instants in a run record, written and read as chrono does (RFC 3339, UTC, `Z`, as
//! many fraction digits as needed), for less work: a run record is written twice and
//! read once per run, and chrono's own serde impls were 5% of a run's instructions.
//!
//! chrono writes through `collect_str`, which serde_json escapes character by character;
//! here the text is formatted first and written as one string. Reading tries chrono's
//! RFC 3339 parser before its general one, which accepts more forms.
//! Use with `#[serde(with = "crate::model::timestamp")]` (and `timestamp::option`).

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use serde::{de, Deserializer, Serializer};

pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Rfc3339)
}

struct Rfc3339;

impl de::Visitor<'_> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        DateTime::parse_from_rfc3339(v)
            .or_else(|_| v.parse::<DateTime<FixedOffset>>())
            .map(|at| at.with_timezone(&Utc))
            .map_err(E::custom)
    }
}

/// The same for an optional instant (null or absent is `None`; pair with `default`).
pub mod option {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    struct Written<'a>(&'a DateTime<Utc>);

    impl Serialize for Written<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(self.0, s)
        }
    }

    struct Read(DateTime<Utc>);

    impl<'de> Deserialize<'de> for Read {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::deserialize(d).map(Read)
        }
    }

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_some(&Written(at)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(Option::<Read>::deserialize(d)?.map(|r| r.0))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Ours {
        #[serde(with = "super")]
        at: DateTime<Utc>,
        #[serde(
            default,
            with = "super::option",
            skip_serializing_if = "Option::is_none"
        )]
        maybe: Option<DateTime<Utc>>,
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Chronos {
        at: DateTime<Utc>,
        #[serde(skip_serializing_if = "Option::is_none")]
        maybe: Option<DateTime<Utc>>,
    }

    fn instants() -> Vec<DateTime<Utc>> {
        let base = Utc.with_ymd_and_hms(2026, 12, 6, 5, 4, 3).unwrap();
        [
            0,
            1_000_000,
            120_000_000,
            123_456_000,
            7_000,
            123_456_789,
            999_999_999,
        ]
        .iter()
        .map(|ns| base + chrono::Duration::nanoseconds(*ns))
        .chain([
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        ])
        .collect()
    }

    #[test]
    fn writes_exactly_what_chrono_writes() {
        for at in instants() {
            for maybe in [None, Some(at + chrono::Duration::milliseconds(5))] {
                let ours = serde_json::to_string(&Ours { at, maybe }).unwrap();
                let chronos = serde_json::to_string(&Chronos { at, maybe }).unwrap();
                assert_eq!(ours, chronos);
                assert_eq!(
                    serde_json::from_str::<Ours>(&ours).unwrap(),
                    Ours { at, maybe }
                );
            }
        }
    }

    #[test]
    fn reads_what_chrono_reads() {
        for text in [
            r#"{"at": "2026-12-06T05:04:03Z"}"#,
            r#"{"at": "2026-12-06T06:04:03.5+01:00", "maybe": null}"#,
            r#"{"at": "2026-12-06 05:04:03.123456Z", "maybe": "2026-12-06t05:04:03z"}"#,
        ] {
            let chronos: Chronos = serde_json::from_str(text).unwrap();
            let ours: Ours = serde_json::from_str(text).unwrap();
            assert_eq!((ours.at, ours.maybe), (chronos.at, chronos.maybe), "{text}");
        }
        for bad in [
            r#"{"at": "yesterday"}"#,
            r#"{"at": 5}"#,
            r#"{"at": "2026-13-01T00:00:00Z"}"#,
        ] {
            assert!(serde_json::from_str::<Ours>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Chronos>(bad).is_err(), "{bad}");
        }
    }
}
