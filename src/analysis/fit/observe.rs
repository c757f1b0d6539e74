//! What a recorded figure is compared with: one series of one scope on one day, read from each
//! replication of a run ([`Dailies`]).
//!
//! A new series is one more [`Series`] with its name, its description and one arm of
//! [`Series::counts`]; a new scope (a stream, say) is one more [`Whose`] with one arm of
//! [`Whose::daily`] and of [`Whose::resolve`], and its daily series kept in [`Dailies`].

use crate::cancel::CancelToken;
use crate::engine::{Engine, run_replication_with};
use crate::error::{Diagnostic, Error, InputError};
use crate::model::Model;
use crate::replicate::Counter;
use crate::stats::DailySeries;
use crate::validate::suggest;
use rayon::prelude::*;

/// What was counted: a daily series of the simulation that a recorded figure can be compared
/// with. Levels are read at the end of the day; cumulative series count from day 0 through the
/// end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    /// People on the list at the end of the day.
    OnList,
    /// People who joined the list from day 0 through the end of the day (people on the list
    /// at day 0, from a backlog stream, count on day 0).
    Registered,
    /// People processed from day 0 through the end of the day.
    Processed,
    /// People who left the list unprocessed from day 0 through the end of the day.
    Left,
}

/// Whether a series is read as it stands at the end of a day or summed from day 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// The count at the end of the day.
    Level,
    /// The day's counts summed from day 0 through the day.
    Cumulative,
}

impl Series {
    /// Every series, in the order of tables and charts.
    pub const ALL: [Series; 4] = [Series::OnList, Series::Registered, Series::Processed, Series::Left];

    /// The name in observations files, tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Series::OnList => "on_list",
            Series::Registered => "registered",
            Series::Processed => "processed",
            Series::Left => "left",
        }
    }

    /// What it counts, for axis titles and messages.
    pub fn describe(self) -> &'static str {
        match self {
            Series::OnList => "people on the list at the end of the day",
            Series::Registered => "people who joined the list since day 0",
            Series::Processed => "people processed since day 0",
            Series::Left => "people who left unprocessed since day 0",
        }
    }

    /// The day-by-day counts of the series in one replication, and how they are read.
    fn counts(self, daily: &DailySeries) -> (&[u64], Reading) {
        match self {
            Series::OnList => (&daily.on_list[0], Reading::Level),
            Series::Registered => (&daily.arrived, Reading::Cumulative),
            Series::Processed => (&daily.processed, Reading::Cumulative),
            Series::Left => (&daily.abandoned, Reading::Cumulative),
        }
    }

    /// The value at the end of `day` in one replication. Runs longer than the daily series
    /// keep day by day (see `stats::MAX_SERIES_ROWS`) are read at the end of the row of days
    /// holding `day`.
    pub(crate) fn value(self, daily: &DailySeries, day: u32) -> f64 {
        let (counts, reading) = self.counts(daily);
        let Some(last) = counts.len().checked_sub(1) else {
            return 0.0;
        };
        let row = ((day / daily.row_days.max(1)) as usize).min(last);
        match reading {
            Reading::Level => counts[row] as f64,
            Reading::Cumulative => counts[..=row].iter().sum::<u64>() as f64,
        }
    }

    /// The value at the end of every row of days of one replication.
    pub(crate) fn path(self, daily: &DailySeries) -> Vec<f64> {
        let (counts, reading) = self.counts(daily);
        match reading {
            Reading::Level => counts.iter().map(|&n| n as f64).collect(),
            Reading::Cumulative => counts
                .iter()
                .scan(0u64, |sum, &n| {
                    *sum += n;
                    Some(*sum as f64)
                })
                .collect(),
        }
    }

    /// The series' names, quoted: `` `on_list`, `registered`, `processed` and `left` ``.
    pub fn list() -> String {
        let names: Vec<&str> = Series::ALL.iter().map(|s| s.name()).collect();
        suggest::quoted_list(&names)
    }

    /// The series named `text` (exactly, ignoring case and surrounding spaces).
    pub(crate) fn find(text: &str) -> Option<Series> {
        let key = text.trim().to_lowercase();
        Series::ALL.into_iter().find(|series| series.name() == key)
    }

    /// "did you mean" for an unknown series name, or the list of series.
    pub(crate) fn help(text: &str) -> String {
        let names: Vec<&str> = Series::ALL.iter().map(|s| s.name()).collect();
        suggest::help(text, &names, "the series are")
    }
}

impl std::fmt::Display for Series {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Series {
    type Err = InputError;

    /// Reads a series name; an unknown name gets a "did you mean".
    fn from_str(text: &str) -> Result<Series, InputError> {
        Series::find(text).ok_or_else(|| {
            InputError::single(Diagnostic::new(format!("unknown series `{text}`")).with_help(Series::help(text)))
        })
    }
}

/// Whose people a figure counts: everyone, or the people of one port (by index in the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Whose {
    /// Everyone at every port (`all`).
    All,
    /// One port.
    Port(usize),
}

impl Whose {
    /// The scope named `name` in `model` (`all` or a port's name), or the help for a name that
    /// is none of them.
    pub(crate) fn resolve(name: &str, model: &Model) -> Result<Whose, String> {
        if name == "all" {
            return Ok(Whose::All);
        }
        if let Some(port) = model.ports.iter().position(|port| port.name == name) {
            return Ok(Whose::Port(port));
        }
        let mut names = vec!["all"];
        names.extend(model.ports.iter().map(|port| port.name.as_str()));
        Err(suggest::help(name, &names, "the scopes are"))
    }

    /// Each replication's daily series of this scope.
    fn daily(self, dailies: &Dailies) -> &[DailySeries] {
        match self {
            Whose::All => &dailies.total,
            Whose::Port(port) => &dailies.by_port[port],
        }
    }
}

/// The daily series of every replication of a run, per port and summed over ports: all that
/// figures are compared with.
///
/// A fit runs the replications itself rather than through `replicate::run`, which also works
/// out every replication's summary statistics and pools their histograms of waits: in the
/// debug build that took twelve times as long as the simulations themselves.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Dailies {
    /// Per port, then per replication.
    pub by_port: Vec<Vec<DailySeries>>,
    /// Summed over ports, per replication.
    pub total: Vec<DailySeries>,
}

impl Dailies {
    /// Runs replications `0..replications` of `model` by `engine` on `pool`, kept in replication
    /// order (so they do not depend on the number of threads); each finished one ticks
    /// `progress`. A cancelled token stops them with [`Error::Interrupted`].
    pub(crate) fn run(
        model: &Model,
        replications: u32,
        engine: Engine,
        pool: &rayon::ThreadPool,
        cancel: &CancelToken,
        progress: &Counter<'_>,
    ) -> Result<Dailies, Error> {
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        let runs: Vec<(Vec<DailySeries>, DailySeries)> = pool.install(|| {
            (0..replications)
                .into_par_iter()
                .map(|r| {
                    let replication = run_replication_with(model, r, engine, cancel)?;
                    let total = replication.total_daily();
                    let ports = replication.ports.into_iter().map(|port| port.daily).collect();
                    progress.tick();
                    Ok((ports, total))
                })
                .collect::<Result<_, Error>>()
        })?;
        let mut dailies = Dailies {
            by_port: model.ports.iter().map(|_| Vec::new()).collect(),
            total: Vec::new(),
        };
        for (ports, total) in runs {
            for (series, daily) in dailies.by_port.iter_mut().zip(ports) {
                series.push(daily);
            }
            dailies.total.push(total);
        }
        Ok(dailies)
    }

    /// Days per row of the daily series (1 unless the run is very long).
    pub(crate) fn row_days(&self) -> u32 {
        self.total.first().map_or(1, |daily| daily.row_days)
    }
}

/// The value of `series` of `whose` at the end of `day`, one per replication, in replication
/// order.
pub(crate) fn values(dailies: &Dailies, whose: Whose, series: Series, day: u32) -> Vec<f64> {
    whose
        .daily(dailies)
        .iter()
        .map(|daily| series.value(daily, day))
        .collect()
}

/// The whole path of `series` of `whose` (its value at the end of every row of days), one per
/// replication, in replication order.
pub(crate) fn paths(dailies: &Dailies, whose: Whose, series: Series) -> Vec<Vec<f64>> {
    whose.daily(dailies).iter().map(|daily| series.path(daily)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily() -> DailySeries {
        let mut daily = DailySeries::zeros(4);
        daily.arrived = vec![5, 3, 0, 2];
        daily.processed = vec![1, 1, 1, 1];
        daily.abandoned = vec![0, 2, 0, 1];
        daily.on_list[0] = vec![4, 4, 3, 3];
        daily
    }

    #[test]
    fn levels_are_read_at_the_end_of_the_day_and_flows_summed_from_day_0() {
        let daily = daily();
        assert_eq!(Series::OnList.value(&daily, 2), 3.0);
        assert_eq!(Series::Registered.value(&daily, 1), 8.0);
        assert_eq!(Series::Processed.value(&daily, 3), 4.0);
        assert_eq!(Series::Left.value(&daily, 3), 3.0);
        assert_eq!(Series::Registered.path(&daily), vec![5.0, 8.0, 8.0, 10.0]);
        assert_eq!(Series::OnList.path(&daily), vec![4.0, 4.0, 3.0, 3.0]);
    }

    #[test]
    fn names_read_back_and_unknown_ones_get_help() {
        for series in Series::ALL {
            assert_eq!(series.name().parse::<Series>().unwrap(), series);
        }
        assert_eq!(" On_List ".parse::<Series>().unwrap(), Series::OnList);
        let message = "registerd".parse::<Series>().unwrap_err().to_string();
        assert!(message.contains("did you mean `registered`?"), "{message}");
        let message = "waiting".parse::<Series>().unwrap_err().to_string();
        assert!(message.contains("the series are: `on_list`"), "{message}");
    }
}
