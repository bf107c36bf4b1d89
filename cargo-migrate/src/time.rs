//! UTC timestamps for migration versions, without a date-time dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// `yyyymmddhhmmss` in UTC for a Unix time in seconds.
pub fn version_at(unix_seconds: u64) -> i64 {
    let days = (unix_seconds / 86_400) as i64;
    let rem = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}")
        .parse()
        .unwrap_or(0)
}

/// The current `yyyymmddhhmmss` in UTC.
pub fn version_now() -> i64 {
    version_at(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// The next second after a `yyyymmddhhmmss` version (for two `new`s within one second).
pub fn next_version(version: i64) -> i64 {
    match to_unix(version) {
        Some(secs) => version_at(secs + 1),
        None => version + 1,
    }
}

fn to_unix(version: i64) -> Option<u64> {
    let s = format!("{version:014}");
    if s.len() != 14 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    let (y, m, d, hh, mm, ss) = (
        n(0..4)?,
        n(4..6)?,
        n(6..8)?,
        n(8..10)?,
        n(10..12)?,
        n(12..14)?,
    );
    let days = days_from_civil(y, m, d);
    u64::try_from(days * 86_400 + hh * 3600 + mm * 60 + ss).ok()
}

/// Howard Hinnant's algorithm: days since 1970-01-01 -> (year, month, day).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(version_at(0), 19700101000000);
        assert_eq!(version_at(951_782_400), 20000229000000);
        assert_eq!(version_at(1_798_761_599), 20261231235959);
    }

    #[test]
    fn next_second_rolls_over() {
        assert_eq!(next_version(20261231235959), 20270101000000);
        assert_eq!(next_version(20240228235959), 20240229000000);
        assert_eq!(next_version(5), 6, "non-timestamp versions just count up");
    }
}
