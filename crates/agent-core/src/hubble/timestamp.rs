//! `google.protobuf.Timestamp` with Go's protojson text (`2023-08-21T12:12:18.510175415Z`, with
//! 0, 3, 6 or 9 fraction digits), which scripts written against a real Hubble parse.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::Error as _;

/// Seconds and nanoseconds since the Unix epoch, as on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, prost::Message)]
pub struct Timestamp {
    /// Seconds since the epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, 0..1e9.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Timestamp {
    /// From nanoseconds since the epoch.
    pub fn from_unix_nanos(ns: u64) -> Self {
        Self { seconds: (ns / 1_000_000_000) as i64, nanos: (ns % 1_000_000_000) as i32 }
    }

    /// Nanoseconds since the epoch; times before 1970 clamp to zero.
    pub fn unix_nanos(&self) -> u64 {
        if self.seconds < 0 {
            return 0;
        }
        (self.seconds as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(self.nanos.clamp(0, 999_999_999) as u64)
    }

    /// The current time.
    pub fn now() -> Self {
        let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
        Self::from_unix_nanos(d.as_nanos() as u64)
    }

    /// Calendar fields in UTC: (year, month, day, hour, minute, second).
    pub fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// Parses RFC 3339 (`2023-08-21T12:12:18.51Z`, `...+02:00`).
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let t = s.get(r)?;
            if !t.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            t.parse().ok()
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut rest = &s[19..];
        let mut nanos = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return None;
            }
            nanos = frac[..digits].parse::<i64>().ok()? * 10i64.pow(9 - digits as u32);
            rest = &frac[digits..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                    return None;
                }
                let oh: i64 = rest[1..3].parse().ok()?;
                let om: i64 = rest[4..6].parse().ok()?;
                sign * (oh * 3600 + om * 60)
            }
        };
        let days = days_from_civil(y, mo as u32, d as u32);
        Some(Self {
            seconds: days * 86_400 + h * 3600 + mi * 60 + se - offset,
            nanos: nanos as i32,
        })
    }
}

impl fmt::Display for Timestamp {
    /// Go's protojson layout.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.civil();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")?;
        let n = self.nanos.clamp(0, 999_999_999);
        if n == 0 {
        } else if n % 1_000_000 == 0 {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n % 1_000 == 0 {
            write!(f, ".{:06}", n / 1_000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse_rfc3339(&s).ok_or_else(|| D::Error::custom(format!("invalid timestamp {s:?}")))
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's method).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_go_protojson() {
        let t = Timestamp { seconds: 1_692_619_938, nanos: 510_175_415 };
        assert_eq!(t.to_string(), "2023-08-21T12:12:18.510175415Z");
        assert_eq!(Timestamp { nanos: 510_000_000, ..t }.to_string(), "2023-08-21T12:12:18.510Z");
        assert_eq!(
            Timestamp { nanos: 510_100_000, ..t }.to_string(),
            "2023-08-21T12:12:18.510100Z"
        );
        assert_eq!(Timestamp { nanos: 0, ..t }.to_string(), "2023-08-21T12:12:18Z");
    }

    #[test]
    fn parses_what_it_prints_and_offsets() {
        for s in
            ["2023-08-21T12:12:18.510175415Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00.5Z"]
        {
            let t = Timestamp::parse_rfc3339(s).expect(s);
            assert_eq!(Timestamp::parse_rfc3339(&t.to_string()), Some(t));
        }
        let a = Timestamp::parse_rfc3339("2023-08-21T14:12:18+02:00").expect("offset");
        assert_eq!(a, Timestamp::parse_rfc3339("2023-08-21T12:12:18Z").expect("utc"));
        for bad in ["2023-13-01T00:00:00Z", "2023-08-21 12:12", "2023-08-21T12:12:18.Z", "x"] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }
}
