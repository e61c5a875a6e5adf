//! Time as the Go CLI prints and parses it: the named layouts of `--time-format` (always in
//! UTC), `--since`/`--until` (a Go duration back from now, or one of a few layouts), and Go's
//! `Duration.String()` for uptimes.

use std::fmt::Write as _;

use agent_core::hubble::timestamp::{Timestamp, days_from_civil};

/// A `--time-format` layout, named as in Go's `time` package and Hubble's additions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `Jan _2 15:04:05.000`
    #[default]
    StampMilli,
    /// `Jan _2 15:04:05`
    Stamp,
    /// `Jan _2 15:04:05.000000`
    StampMicro,
    /// `Jan _2 15:04:05.000000000`
    StampNano,
    /// `3:04PM`
    Kitchen,
    /// `2006-01-02`
    YearMonthDay,
    /// `2006-01-02T15Z07:00`
    YearMonthDayHour,
    /// `2006-01-02T15:04Z07:00`
    YearMonthDayHourMinute,
    /// `2006-01-02T15:04:05Z07:00`
    Rfc3339,
    /// `2006-01-02T15:04:05.999Z07:00`
    Rfc3339Milli,
    /// `2006-01-02T15:04:05.999999Z07:00`
    Rfc3339Micro,
    /// `2006-01-02T15:04:05.999999999Z07:00`
    Rfc3339Nano,
    /// `Mon, 02 Jan 2006 15:04:05 -0700`
    Rfc1123Z,
}

/// Every layout with its name, in the order `--help` lists them.
pub const LAYOUTS: &[(&str, Layout)] = &[
    ("StampMilli", Layout::StampMilli),
    ("YearMonthDay", Layout::YearMonthDay),
    ("YearMonthDayHour", Layout::YearMonthDayHour),
    ("YearMonthDayHourMinute", Layout::YearMonthDayHourMinute),
    ("RFC3339", Layout::Rfc3339),
    ("RFC3339Milli", Layout::Rfc3339Milli),
    ("RFC3339Micro", Layout::Rfc3339Micro),
    ("RFC3339Nano", Layout::Rfc3339Nano),
    ("RFC1123Z", Layout::Rfc1123Z),
    ("Stamp", Layout::Stamp),
    ("StampMicro", Layout::StampMicro),
    ("StampNano", Layout::StampNano),
    ("Kitchen", Layout::Kitchen),
];

/// Parses a `--time-format` name, case-insensitively as upstream.
pub fn parse_layout(s: &str) -> Result<Layout, String> {
    LAYOUTS.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)).map(|(_, l)| *l).ok_or_else(
        || {
            let names: Vec<&str> = LAYOUTS.iter().map(|(n, _)| *n).collect();
            format!("unknown time format {s:?}: use one of {}", names.join(", "))
        },
    )
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// The earliest and latest seconds protobuf calls a valid Timestamp (years 1 to 9999).
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;

/// Formats a flow's time; `N/A` when absent or out of protobuf's range, as upstream.
pub fn format(ts: Option<&Timestamp>, layout: Layout) -> String {
    let Some(ts) = ts.filter(|t| {
        (MIN_SECONDS..=MAX_SECONDS).contains(&t.seconds) && (0..1_000_000_000).contains(&t.nanos)
    }) else {
        return "N/A".to_string();
    };
    let (y, mo, d, h, mi, s) = ts.civil();
    let month = MONTHS[(mo as usize).saturating_sub(1) % 12];
    let n = ts.nanos as u32;
    let mut out = String::new();
    // `write!` to a String cannot fail.
    let _ = match layout {
        Layout::StampMilli => {
            write!(out, "{month} {d:>2} {h:02}:{mi:02}:{s:02}.{:03}", n / 1_000_000)
        }
        Layout::Stamp => write!(out, "{month} {d:>2} {h:02}:{mi:02}:{s:02}"),
        Layout::StampMicro => write!(out, "{month} {d:>2} {h:02}:{mi:02}:{s:02}.{:06}", n / 1_000),
        Layout::StampNano => write!(out, "{month} {d:>2} {h:02}:{mi:02}:{s:02}.{n:09}"),
        Layout::Kitchen => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            write!(out, "{h12}:{mi:02}{ampm}")
        }
        Layout::YearMonthDay => write!(out, "{y:04}-{mo:02}-{d:02}"),
        Layout::YearMonthDayHour => write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}Z"),
        Layout::YearMonthDayHourMinute => write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}Z"),
        Layout::Rfc3339 => write!(out, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        Layout::Rfc3339Milli | Layout::Rfc3339Micro | Layout::Rfc3339Nano => {
            let digits = match layout {
                Layout::Rfc3339Milli => 3,
                Layout::Rfc3339Micro => 6,
                _ => 9,
            };
            write!(
                out,
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}Z",
                trimmed_fraction(n, digits)
            )
        }
        Layout::Rfc1123Z => {
            let weekday = WEEKDAYS[ts.seconds.div_euclid(86_400).rem_euclid(7) as usize];
            write!(out, "{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} +0000")
        }
    };
    out
}

/// Go's `.999…` layout element: the fraction truncated to `digits`, trailing zeros dropped, and
/// nothing at all when it is zero.
fn trimmed_fraction(nanos: u32, digits: u32) -> String {
    let v = nanos / 10u32.pow(9 - digits);
    if v == 0 {
        return String::new();
    }
    let s = format!(".{v:0width$}", width = digits as usize);
    s.trim_end_matches('0').to_string()
}

/// Parses `--since`/`--until`: a Go duration (`5m`, `1h30m`) meaning that long before `now`, or a
/// time in one of the layouts YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, RFC3339
/// (with any fraction) or RFC1123Z.
pub fn parse_time(s: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Some(d) = parse_go_duration(s) {
        let t = i128::from(now.seconds) * 1_000_000_000 + i128::from(now.nanos) - d;
        let seconds = i64::try_from(t.div_euclid(1_000_000_000)).map_err(|_| bad_time(s))?;
        return Ok(Timestamp { seconds, nanos: t.rem_euclid(1_000_000_000) as i32 });
    }
    Timestamp::parse_rfc3339(s)
        .or_else(|| parse_short_layouts(s))
        .or_else(|| parse_rfc1123z(s))
        .ok_or_else(|| bad_time(s))
}

fn bad_time(s: &str) -> String {
    format!("failed to convert {s} to time")
}

/// Go's `time.ParseDuration`, in nanoseconds: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or `0`.
pub fn parse_go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return None;
        }
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale: f64 = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += num.parse::<f64>().ok()? * scale;
    }
    // Go rejects durations beyond ±292 years.
    if total > i64::MAX as f64 {
        return None;
    }
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

/// `2006-01-02`, `2006-01-02T15Z07:00` and `2006-01-02T15:04Z07:00`.
fn parse_short_layouts(s: &str) -> Option<Timestamp> {
    let date = s.get(..10)?;
    let b = date.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = digits(&date[0..4])?;
    let mo: u32 = digits(&date[5..7])?;
    let d: u32 = digits(&date[8..10])?;
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) {
        return None;
    }
    let day_secs = days_from_civil(y, mo, d) * 86_400;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(Timestamp { seconds: day_secs, nanos: 0 });
    }
    let rest = rest.strip_prefix('T')?;
    let h: i64 = digits(rest.get(..2)?)?;
    let mut rest = &rest[2..];
    let mut mi: i64 = 0;
    if let Some(r) = rest.strip_prefix(':') {
        mi = digits(r.get(..2)?)?;
        rest = &r[2..];
    }
    if h > 23 || mi > 59 {
        return None;
    }
    let offset = parse_offset(rest, true)?;
    Some(Timestamp { seconds: day_secs + h * 3600 + mi * 60 - offset, nanos: 0 })
}

/// `Mon, 02 Jan 2006 15:04:05 -0700`.
fn parse_rfc1123z(s: &str) -> Option<Timestamp> {
    let (weekday, rest) = s.split_once(", ")?;
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let mut parts = rest.split(' ');
    let d: u32 = digits(parts.next()?)?;
    let month = parts.next()?;
    let mo = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let y: i64 = digits(parts.next()?)?;
    let clock = parts.next()?;
    let offset = parse_offset(parts.next()?, false)?;
    if parts.next().is_some() || d == 0 || d > days_in_month(y, mo) {
        return None;
    }
    let (hms, frac) = clock.split_once('.').map_or((clock, None), |(a, b)| (a, Some(b)));
    let mut hms = hms.split(':');
    let h: i64 = digits(hms.next()?)?;
    let mi: i64 = digits(hms.next()?)?;
    let se: i64 = digits(hms.next()?)?;
    if hms.next().is_some() || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 => {
            digits::<i64>(f)? * 10i64.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    let seconds = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset;
    Some(Timestamp { seconds, nanos: nanos as i32 })
}

/// `Z07:00` (`Z` or `±hh:mm`) when `colon`, else `-0700` (`±hhmm`); seconds east of UTC.
fn parse_offset(s: &str, colon: bool) -> Option<i64> {
    if colon && s == "Z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hh, mm) = if colon {
        let (a, b) = s[1..].split_once(':')?;
        (a, b)
    } else {
        (s.get(1..3)?, s.get(3..)?)
    };
    if hh.len() != 2 || mm.len() != 2 {
        return None;
    }
    Some(sign * (digits::<i64>(hh)? * 3600 + digits::<i64>(mm)? * 60))
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.Duration.String()` (`1h2m3.5s`, `1.5ms`, `0s`).
pub fn go_duration(ns: u64) -> String {
    if ns > i64::MAX as u64 {
        // Go's Duration is signed; upstream prints such values raw.
        return format!("{ns}ns");
    }
    if ns == 0 {
        return "0s".to_string();
    }
    if ns < 1_000 {
        return format!("{ns}ns");
    }
    if ns < 1_000_000 {
        return format!("{}\u{b5}s", decimal(ns, 1_000));
    }
    if ns < 1_000_000_000 {
        return format!("{}ms", decimal(ns, 1_000_000));
    }
    let h = ns / 3_600_000_000_000;
    let m = ns / 60_000_000_000 % 60;
    let s = decimal(ns % 60_000_000_000, 1_000_000_000);
    let mut out = String::new();
    if h > 0 {
        let _ = write!(out, "{h}h{m}m");
    } else if m > 0 {
        let _ = write!(out, "{m}m");
    }
    out.push_str(&s);
    out.push('s');
    out
}

/// `v / scale` with the fraction's trailing zeros dropped.
fn decimal(v: u64, scale: u64) -> String {
    let int = v / scale;
    let frac = v % scale;
    if frac == 0 {
        return int.to_string();
    }
    let width = scale.ilog10() as usize;
    let f = format!("{frac:0width$}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_rfc3339(s).expect(s)
    }

    #[test]
    fn layouts_print_like_go_in_utc() {
        let t = ts("2023-08-01T09:07:05.510100000Z");
        let cases = [
            (Layout::StampMilli, "Aug  1 09:07:05.510"),
            (Layout::Stamp, "Aug  1 09:07:05"),
            (Layout::StampMicro, "Aug  1 09:07:05.510100"),
            (Layout::StampNano, "Aug  1 09:07:05.510100000"),
            (Layout::Kitchen, "9:07AM"),
            (Layout::YearMonthDay, "2023-08-01"),
            (Layout::YearMonthDayHour, "2023-08-01T09Z"),
            (Layout::YearMonthDayHourMinute, "2023-08-01T09:07Z"),
            (Layout::Rfc3339, "2023-08-01T09:07:05Z"),
            (Layout::Rfc3339Milli, "2023-08-01T09:07:05.51Z"),
            (Layout::Rfc3339Micro, "2023-08-01T09:07:05.5101Z"),
            (Layout::Rfc3339Nano, "2023-08-01T09:07:05.5101Z"),
            (Layout::Rfc1123Z, "Tue, 01 Aug 2023 09:07:05 +0000"),
        ];
        for (layout, want) in cases {
            assert_eq!(format(Some(&t), layout), want, "{layout:?}");
        }
        assert_eq!(format(Some(&ts("2023-12-24T23:59:00Z")), Layout::Kitchen), "11:59PM");
        assert_eq!(format(Some(&ts("2023-12-24T00:01:00Z")), Layout::Kitchen), "12:01AM");
        assert_eq!(
            format(Some(&ts("2023-12-24T00:01:00Z")), Layout::Rfc3339Nano),
            "2023-12-24T00:01:00Z"
        );
        assert_eq!(format(None, Layout::StampMilli), "N/A");
        let bad = Timestamp { seconds: 0, nanos: -1 };
        assert_eq!(format(Some(&bad), Layout::StampMilli), "N/A");
    }

    #[test]
    fn layout_names_are_case_insensitive() {
        assert_eq!(parse_layout("rfc3339"), Ok(Layout::Rfc3339));
        assert_eq!(parse_layout("StampMilli"), Ok(Layout::StampMilli));
        assert_eq!(parse_layout("kitchen"), Ok(Layout::Kitchen));
        assert!(parse_layout("iso").is_err());
    }

    #[test]
    fn go_durations_parse() {
        let s = 1_000_000_000i128;
        assert_eq!(parse_go_duration("5m"), Some(300 * s));
        assert_eq!(parse_go_duration("1h30m"), Some(5400 * s));
        assert_eq!(parse_go_duration("1.5h"), Some(5400 * s));
        assert_eq!(parse_go_duration("300ms"), Some(300_000_000));
        assert_eq!(parse_go_duration("2us"), Some(2_000));
        assert_eq!(parse_go_duration("2µs"), Some(2_000));
        assert_eq!(parse_go_duration("-2s"), Some(-2 * s));
        assert_eq!(parse_go_duration("0"), Some(0));
        for bad in ["", "5", "m", "1x", "1.2.3s", "1h 2m", "2023-01-01"] {
            assert_eq!(parse_go_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn since_and_until_accept_durations_and_layouts() {
        let now = ts("2023-08-21T12:00:00Z");
        let p = |s: &str| parse_time(s, now);
        assert_eq!(p("5m"), Ok(ts("2023-08-21T11:55:00Z")));
        assert_eq!(p("1h30m"), Ok(ts("2023-08-21T10:30:00Z")));
        assert_eq!(p("2023-08-20"), Ok(ts("2023-08-20T00:00:00Z")));
        assert_eq!(p("2023-08-20T10Z"), Ok(ts("2023-08-20T10:00:00Z")));
        assert_eq!(p("2023-08-20T10+02:00"), Ok(ts("2023-08-20T08:00:00Z")));
        assert_eq!(p("2023-08-20T10:15Z"), Ok(ts("2023-08-20T10:15:00Z")));
        assert_eq!(p("2023-08-20T10:15:30Z"), Ok(ts("2023-08-20T10:15:30Z")));
        assert_eq!(p("2023-08-20T10:15:30.123-01:00"), Ok(ts("2023-08-20T11:15:30.123Z")));
        assert_eq!(p("Sun, 20 Aug 2023 10:15:30 +0200"), Ok(ts("2023-08-20T08:15:30Z")));
        for bad in ["yesterday", "2023-02-30", "2023-08-20T25Z", "Sun, 20 Aug 2023 10:15:30 UTC"] {
            assert_eq!(p(bad), Err(format!("failed to convert {bad} to time")), "{bad}");
        }
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(999), "999ns");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(1_500_000), "1.5ms");
        assert_eq!(go_duration(1_000_000_000), "1s");
        assert_eq!(go_duration(61_500_000_000), "1m1.5s");
        assert_eq!(go_duration(3_723_000_000_000), "1h2m3s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(u64::MAX), "18446744073709551615ns");
    }
}
