//! The periods that compared scenarios cover, and the period they have in common.
//!
//! Periods are compared by calendar date when every scenario has a start date, and by days
//! from each one's start otherwise (day 0 of one is then taken to be day 0 of the others).

use crate::model::{Date, Model};
use serde_json::{Value as Json, json};

/// The days one scenario covers: `days` days from its day 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// Calendar date of day 0, if the scenario has one.
    pub start_date: Option<Date>,
    /// Simulated days.
    pub days: u32,
}

impl Period {
    /// The period a model covers.
    pub(super) fn of(model: &Model) -> Period {
        Period {
            start_date: model.start_date,
            days: model.horizon_days,
        }
    }

    /// The last simulated day's date, if dated.
    fn end_date(self) -> Option<Date> {
        self.start_date.map(|start| start.plus_days(i64::from(self.days) - 1))
    }

    /// `1 Nov 2018 – 31 Oct 2019 (365 days)`, or `days 0 to 364 (365 days)` without dates.
    pub fn describe(self) -> String {
        let days = crate::format::thousands(f64::from(self.days));
        match (self.start_date, self.end_date()) {
            (Some(start), Some(end)) => format!("{} – {} ({days} days)", long_date(start), long_date(end)),
            _ => format!("days 0 to {} ({days} days)", self.days.saturating_sub(1)),
        }
    }

    /// The period as JSON: `start_date`, `end_date` (the last day; `null` without dates), `days`.
    pub(super) fn to_json(self) -> Json {
        json!({
            "start_date": self.start_date.map(|d| d.to_string()),
            "end_date": self.end_date().map(|d| d.to_string()),
            "days": self.days,
        })
    }
}

/// `1 Nov 2018`.
fn long_date(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[(date.month.clamp(1, 12) - 1) as usize];
    format!("{} {month} {}", date.day, date.year)
}

/// The period every compared scenario covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    /// The common period (its start date when every scenario has one).
    pub period: Period,
    /// The day of each scenario (of its own day numbers) on which the common period begins:
    /// 0 for those that start on it, and for all when not every scenario has a start date.
    pub from_day: Vec<u32>,
}

impl Common {
    /// The horizon of scenario `i` cut at the end of the common period.
    pub(super) fn horizon_days(&self, i: usize) -> u32 {
        self.from_day[i] + self.period.days
    }

    /// Whether some scenario starts before the common period (by calendar date).
    pub(super) fn starts_differ(&self) -> bool {
        self.from_day.iter().any(|&day| day > 0)
    }
}

/// The periods of compared scenarios, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periods {
    /// Each scenario's own period.
    pub each: Vec<Period>,
}

impl Periods {
    /// The periods of `models`.
    pub(super) fn of<'a>(models: impl IntoIterator<Item = &'a Model>) -> Periods {
        Periods {
            each: models.into_iter().map(Period::of).collect(),
        }
    }

    /// Whether every scenario has a start date (then periods and charts go by calendar date).
    pub fn dated(&self) -> bool {
        self.each.iter().all(|p| p.start_date.is_some())
    }

    /// Whether some scenarios have a start date and others do not.
    pub fn partly_dated(&self) -> bool {
        !self.dated() && self.each.iter().any(|p| p.start_date.is_some())
    }

    /// Whether the scenarios cover different periods: different dates when all are dated,
    /// else different numbers of days.
    pub fn differ(&self) -> bool {
        let Some(first) = self.each.first() else {
            return false;
        };
        if self.dated() {
            self.each.iter().any(|p| p != first)
        } else {
            self.each.iter().any(|p| p.days != first.days)
        }
    }

    /// The period all scenarios cover: the intersection of their calendar periods when all
    /// are dated, else of their days from the start; `None` when they share no day.
    pub fn common(&self) -> Option<Common> {
        if self.each.is_empty() {
            return None;
        }
        if !self.dated() {
            let days = self.each.iter().map(|p| p.days).min()?;
            return (days > 0).then(|| Common {
                period: Period { start_date: None, days },
                from_day: vec![0; self.each.len()],
            });
        }
        let starts: Vec<i64> = self
            .each
            .iter()
            .filter_map(|p| p.start_date.map(Date::days_since_epoch))
            .collect();
        let start = *starts.iter().max()?;
        let end = self
            .each
            .iter()
            .zip(&starts)
            .map(|(p, s)| s + i64::from(p.days))
            .min()?;
        if end <= start {
            return None;
        }
        Some(Common {
            period: Period {
                start_date: Some(Date::from_days_since_epoch(start)),
                days: u32::try_from(end - start).ok()?,
            },
            from_day: starts.iter().map(|s| u32::try_from(start - s).unwrap_or(0)).collect(),
        })
    }

    /// `a.toml 1 Nov 2018 – 31 Oct 2019 (365 days), b.toml …`: each file's period.
    pub fn list(&self, files: &[&str]) -> String {
        files
            .iter()
            .zip(&self.each)
            .map(|(file, period)| format!("{file} {}", period.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The warning that the scenarios cover different periods, naming each one's.
    pub fn warning(&self, files: &[&str]) -> String {
        let mut text = format!("the scenarios cover different periods: {}", self.list(files));
        if self.partly_dated() {
            text.push_str(" (compared by days from each one's start, as not every scenario has a start date)");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(start: &str, days: u32) -> Period {
        Period {
            start_date: Date::parse(start),
            days,
        }
    }

    fn undated(days: u32) -> Period {
        Period { start_date: None, days }
    }

    #[test]
    fn dated_periods_meet_in_their_intersection() {
        let periods = Periods {
            each: vec![dated("2018-11-01", 365), dated("2019-01-01", 190)],
        };
        assert!(periods.differ() && periods.dated());
        let common = periods.common().expect("they overlap");
        assert_eq!(common.period, dated("2019-01-01", 190));
        assert_eq!(common.from_day, vec![61, 0]);
        assert_eq!(common.horizon_days(0), 251);
        assert_eq!(common.horizon_days(1), 190);
        assert!(common.starts_differ());
        assert_eq!(
            periods.warning(&["a.toml", "b.toml"]),
            "the scenarios cover different periods: a.toml 1 Nov 2018 – 31 Oct 2019 (365 days), \
             b.toml 1 Jan 2019 – 9 Jul 2019 (190 days)"
        );
        assert_eq!(
            common.period.to_json(),
            json!({"start_date": "2019-01-01", "end_date": "2019-07-09", "days": 190})
        );
    }

    #[test]
    fn same_start_different_horizons_meet_at_the_shorter() {
        let periods = Periods {
            each: vec![dated("2018-11-01", 365), dated("2018-11-01", 190)],
        };
        let common = periods.common().expect("they overlap");
        assert_eq!(common.period, dated("2018-11-01", 190));
        assert!(!common.starts_differ());
        let same = Periods {
            each: vec![dated("2018-11-01", 30), dated("2018-11-01", 30)],
        };
        assert!(!same.differ());
    }

    #[test]
    fn periods_without_a_day_in_common_have_no_common_period() {
        let apart = Periods {
            each: vec![dated("2018-11-01", 30), dated("2018-12-01", 30)],
        };
        assert!(apart.differ());
        assert_eq!(apart.common(), None);
        // Touching is not overlapping: the first ends on 30 Nov.
        let next = Periods {
            each: vec![dated("2018-11-01", 31), dated("2018-12-01", 30)],
        };
        assert_eq!(next.common().map(|c| c.period), Some(dated("2018-12-01", 1)));
    }

    #[test]
    fn undated_periods_go_by_days_from_the_start() {
        let periods = Periods {
            each: vec![dated("2018-11-01", 365), undated(365)],
        };
        assert!(!periods.differ(), "365 days each, from each one's start");
        assert!(periods.partly_dated());
        let shorter = Periods {
            each: vec![undated(20000), dated("2018-11-01", 365)],
        };
        assert!(shorter.differ());
        let common = shorter.common().expect("day 0 is shared");
        assert_eq!(common.period, undated(365));
        assert_eq!(common.from_day, vec![0, 0]);
        assert_eq!(
            shorter.warning(&["a.toml", "b.toml"]),
            "the scenarios cover different periods: a.toml days 0 to 19999 (20,000 days), \
             b.toml 1 Nov 2018 – 31 Oct 2019 (365 days) (compared by days from each one's start, \
             as not every scenario has a start date)"
        );
    }
}
