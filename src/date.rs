//! Calendar dates: parsing the forms news text uses and the day arithmetic
//! that relative dates ("on Thursday", "last year") need.
//!
//! A small proleptic-Gregorian type, so the crate needs no date library for
//! what is a few lines of civil-calendar math.

use std::fmt;

use serde::{Serialize, Serializer};

/// Month names and their common abbreviations, index 0 = January.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday names, index 0 = Monday.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A calendar date. `day == 0` means "some day in that month"; `month == 0`
/// means "some time in that year" (for "by April", "last year").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2025.
    pub year: i32,
    /// Month 1-12, or 0 when only the year is known.
    pub month: u32,
    /// Day 1-31, or 0 when only the month is known.
    pub day: u32,
}

impl Date {
    /// A full date, if it exists in the calendar.
    pub fn ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month) {
            Some(Date { year, month, day })
        } else {
            None
        }
    }

    /// Parses `YYYY-MM-DD` at the start of `s` (anything may follow).
    pub fn parse_iso_prefix(s: &str) -> Option<Date> {
        let s = s.trim();
        let b = s.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::ymd(
            s[0..4].parse().ok()?,
            s[5..7].parse().ok()?,
            s[8..10].parse().ok()?,
        )
    }

    /// Whether day and month are known.
    pub fn is_full(&self) -> bool {
        self.month != 0 && self.day != 0
    }

    /// Days since 1970-01-01 (full dates only; partial dates use day/month 1).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (self.month.max(1) as i64, self.day.max(1) as i64);
        let y = self.year as i64 - if m <= 2 { 1 } else { 0 };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719468;
        let era = if z >= 0 { z } else { z - 146096 } / 146097;
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
        Date {
            year: y,
            month: m,
            day: d,
        }
    }

    /// Shifts a full date by a number of days.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }

    /// Weekday, 0 = Monday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        ((self.to_days() + 3).rem_euclid(7)) as u32
    }

    /// The most recent date on `weekday` strictly before `self` (news: "on
    /// Thursday" in a Friday article means yesterday; on the same weekday it
    /// means a week ago, since "today" would have been written).
    pub fn previous_weekday(self, weekday: u32) -> Date {
        let back = (self.weekday() as i64 - weekday as i64).rem_euclid(7);
        self.add_days(if back == 0 { -7 } else { -back })
    }
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Month number (1-12) from a name or three-letter abbreviation.
pub fn month_from_name(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if n.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&n) && (n.len() == 3 || *m == n || (n == "sept")))
        .map(|i| i as u32 + 1)
}

/// Weekday number (0 = Monday) from its name.
pub fn weekday_from_name(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    WEEKDAYS.iter().position(|w| *w == n).map(|i| i as u32)
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (0, _) => write!(f, "{:04}", self.year),
            // A month reads better as words than as "2025-04".
            (m, 0) => write!(
                f,
                "{} {:04}",
                MONTH_NAMES.get(m as usize - 1).copied().unwrap_or("?"),
                self.year
            ),
            (m, d) => write!(f, "{:04}-{:02}-{:02}", self.year, m, d),
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The inverse of `Display` (`2025-02-14`, `April 2025`, `2025`), so a
/// cached extraction reads back what it wrote.
impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse_display(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date: {s:?}")))
    }
}

impl Date {
    /// Parses what `Display` writes.
    pub fn parse_display(s: &str) -> Option<Date> {
        if let Some(d) = Date::parse_iso_prefix(s).filter(|_| s.len() == 10) {
            return Some(d);
        }
        match s.split_once(' ') {
            None => Some(Date {
                year: s.parse().ok().filter(|_| s.len() == 4)?,
                month: 0,
                day: 0,
            }),
            Some((month, year)) => Some(Date {
                year: year.parse().ok()?,
                month: month_from_name(month)?,
                day: 0,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_arithmetic_round_trips() {
        let d = Date::ymd(2025, 2, 14).unwrap();
        assert_eq!(Date::from_days(d.to_days()), d);
        assert_eq!(d.add_days(-1).to_string(), "2025-02-13");
        assert_eq!(
            Date::ymd(2024, 3, 1).unwrap().add_days(-1).to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn weekday_of_known_dates() {
        // 2025-02-14 was a Friday.
        assert_eq!(Date::ymd(2025, 2, 14).unwrap().weekday(), 4);
        assert_eq!(Date::ymd(1970, 1, 1).unwrap().weekday(), 3);
    }

    #[test]
    fn on_thursday_in_a_friday_article_is_the_day_before() {
        let friday = Date::ymd(2025, 2, 14).unwrap();
        assert_eq!(friday.previous_weekday(3).to_string(), "2025-02-13");
        assert_eq!(friday.previous_weekday(4).to_string(), "2025-02-07");
    }

    #[test]
    fn month_names_and_abbreviations() {
        assert_eq!(month_from_name("Feb."), Some(2));
        assert_eq!(month_from_name("September"), Some(9));
        assert_eq!(month_from_name("Sept"), Some(9));
        assert_eq!(month_from_name("Ma"), None);
    }

    #[test]
    fn partial_dates_display() {
        assert_eq!(
            Date {
                year: 2025,
                month: 4,
                day: 0
            }
            .to_string(),
            "April 2025"
        );
        assert_eq!(
            Date {
                year: 2024,
                month: 0,
                day: 0
            }
            .to_string(),
            "2024"
        );
        assert_eq!(
            Date::parse_iso_prefix("2025-02-12 00:35:28"),
            Date::ymd(2025, 2, 12)
        );
    }
}
