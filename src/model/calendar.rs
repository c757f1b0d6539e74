//! Calendar dates without a date library: days since 1970-01-01 and weekdays.

use std::fmt;

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day of the month, 1-31.
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` days later.
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.days_since_epoch() + 3).rem_euclid(7) as u32
    }

    /// Whether year, month and day form a real date of the years 1 to 9999 (those a scenario
    /// file can write; far beyond them, date arithmetic and time axes would overflow).
    pub fn is_valid(self) -> bool {
        (1..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && Date::from_days_since_epoch(self.days_since_epoch()) == self
    }

    /// Reads `YYYY-MM-DD`; `None` unless it is a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        let date = Date { year, month, day };
        date.is_valid().then_some(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Weekday names as written in scenario files, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_1_to_9999_are_not_dates() {
        assert!(Date::parse("2147483647-12-31").is_none());
        assert!(Date::parse("0000-01-01").is_none());
        assert!(Date::parse("-5-01-01").is_none());
        assert!(Date::parse("9999-12-31").is_some());
    }

    #[test]
    fn round_trips_and_weekdays() {
        let d = Date {
            year: 2018,
            month: 11,
            day: 13,
        };
        assert_eq!(d.weekday(), 1, "2018-11-13 was a Tuesday");
        assert_eq!(Date::from_days_since_epoch(d.days_since_epoch()), d);
        assert_eq!(
            d.plus_days(18),
            Date {
                year: 2018,
                month: 12,
                day: 1
            }
        );
        assert_eq!(
            Date {
                year: 2019,
                month: 1,
                day: 1
            }
            .days_since_epoch(),
            17_897
        );
        for days in -800_000..800_000i64 {
            if days % 997 == 0 {
                let date = Date::from_days_since_epoch(days);
                assert_eq!(date.days_since_epoch(), days);
                assert_eq!(date.is_valid(), (1..=9999).contains(&date.year));
            }
        }
        assert!(
            !Date {
                year: 2019,
                month: 2,
                day: 29
            }
            .is_valid()
        );
        assert!(
            Date {
                year: 2020,
                month: 2,
                day: 29
            }
            .is_valid()
        );
    }
}
