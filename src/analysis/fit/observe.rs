//! What a recorded figure is compared with: one series of one scope on one day, read from each
//! replication of a run ([`Dailies`]).
//!
//! A new series is one more [`Series`] with its name, its description and one arm of
//! [`Series::counts`]; a new scope is one more [`Whose`] with one arm of [`Whose::daily`] and
//! of [`Whose::resolve`], and its daily series kept in [`Dailies`].

use crate::cancel::CancelToken;
use crate::engine::{Engine, run_replication_with};
use crate::error::{Diagnostic, Error, InputError};
use crate::model::Model;
use crate::replicate::Counter;
use crate::stats::{DailySeries, NumberSeries};
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
    /// Names on the list at the end of the day: people on it, and people who gave up but whose
    /// names stay listed until called.
    NamesOnList,
    /// The last list number handed out by the end of the day (ports with list numbers).
    NumbersIssued,
    /// The last list number called by the end of the day (ports with list numbers).
    NowServing,
}

/// One replication's series of one scope: its daily series, and its list numbers when the
/// scope is a port that hands them out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScopeDaily<'a> {
    daily: &'a DailySeries,
    numbers: Option<&'a NumberSeries>,
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
    pub const ALL: [Series; 7] = [
        Series::OnList,
        Series::Registered,
        Series::Processed,
        Series::Left,
        Series::NamesOnList,
        Series::NumbersIssued,
        Series::NowServing,
    ];

    /// The name in observations files, tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Series::OnList => "on_list",
            Series::Registered => "registered",
            Series::Processed => "processed",
            Series::Left => "left",
            Series::NamesOnList => "names_on_list",
            Series::NumbersIssued => "numbers_issued",
            Series::NowServing => "now_serving",
        }
    }

    /// Whether it is a port's list numbers (which only a port with `list_numbers` has).
    pub fn is_list_number(self) -> bool {
        matches!(self, Series::NumbersIssued | Series::NowServing)
    }

    /// What it counts, for axis titles and messages.
    pub fn describe(self) -> &'static str {
        match self {
            Series::OnList => "people on the list at the end of the day",
            Series::Registered => "people who joined the list since day 0",
            Series::Processed => "people processed since day 0",
            Series::Left => "people who left unprocessed since day 0",
            Series::NamesOnList => "names on the list at the end of the day, with those of people who left",
            Series::NumbersIssued => "the last list number handed out by the end of the day",
            Series::NowServing => "the last list number called by the end of the day",
        }
    }

    /// The day-by-day counts of the series in one replication, and how they are read (no
    /// counts for list numbers of a scope without them, which reading the observations refuses).
    fn counts(self, scope: ScopeDaily<'_>) -> (&[u64], Reading) {
        let daily = scope.daily;
        match self {
            Series::OnList => (&daily.on_list[0], Reading::Level),
            Series::Registered => (&daily.arrived, Reading::Cumulative),
            Series::Processed => (&daily.processed, Reading::Cumulative),
            Series::Left => (&daily.abandoned, Reading::Cumulative),
            Series::NamesOnList => (&daily.names_on_list, Reading::Level),
            Series::NumbersIssued => (scope.numbers.map_or(&[][..], |n| &n.issued), Reading::Level),
            Series::NowServing => (scope.numbers.map_or(&[][..], |n| &n.now_serving), Reading::Level),
        }
    }

    /// The value at the end of `day` in one replication. Runs longer than the daily series
    /// keep day by day (see `stats::MAX_SERIES_ROWS`) are read at the end of the row of days
    /// holding `day`.
    pub(crate) fn value(self, scope: ScopeDaily<'_>, day: u32) -> f64 {
        let row_days = scope.daily.row_days;
        let (counts, reading) = self.counts(scope);
        let Some(last) = counts.len().checked_sub(1) else {
            return 0.0;
        };
        let row = ((day / row_days.max(1)) as usize).min(last);
        match reading {
            Reading::Level => counts[row] as f64,
            Reading::Cumulative => counts[..=row].iter().sum::<u64>() as f64,
        }
    }

    /// The value at the end of every row of days of one replication.
    pub(crate) fn path(self, scope: ScopeDaily<'_>) -> Vec<f64> {
        let (counts, reading) = self.counts(scope);
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

    /// The series' names, quoted: `` `on_list`, `registered`, … and `now_serving` ``.
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

/// Whose people a figure counts: everyone, the people of one port, or of one stream (by index
/// in the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Whose {
    /// Everyone at every port (`all`).
    All,
    /// One port.
    Port(usize),
    /// One stream.
    Stream(usize),
}

impl Whose {
    /// The scope named `name` in `model` (`all`, a port's name or a stream's name), or the help
    /// for a name that is none of them.
    pub(crate) fn resolve(name: &str, model: &Model) -> Result<Whose, String> {
        if name == "all" {
            return Ok(Whose::All);
        }
        if let Some(port) = model.ports.iter().position(|port| port.name == name) {
            return Ok(Whose::Port(port));
        }
        if let Some(stream) = model.streams.iter().position(|stream| stream.name == name) {
            return Ok(Whose::Stream(stream));
        }
        let mut names = vec!["all"];
        names.extend(model.ports.iter().map(|port| port.name.as_str()));
        names.extend(model.streams.iter().map(|stream| stream.name.as_str()));
        Err(suggest::help(name, &names, "the scopes are"))
    }

    /// The port whose list numbers this scope has: its own port, or the only port of the model.
    pub(crate) fn numbered_port(self, model: &Model) -> Option<usize> {
        let port = match self {
            Whose::Port(port) => port,
            Whose::All if model.ports.len() == 1 => 0,
            _ => return None,
        };
        model.ports[port].list_numbers.is_some().then_some(port)
    }

    /// Replication `r`'s series of this scope.
    fn daily(self, dailies: &Dailies, r: usize) -> ScopeDaily<'_> {
        let numbers = |port: usize| dailies.numbers_by_port[port].get(r).and_then(Option::as_ref);
        match self {
            Whose::All => ScopeDaily {
                daily: &dailies.total[r],
                numbers: (dailies.by_port.len() == 1).then(|| numbers(0)).flatten(),
            },
            Whose::Port(port) => ScopeDaily {
                daily: &dailies.by_port[port][r],
                numbers: numbers(port),
            },
            Whose::Stream(stream) => ScopeDaily {
                daily: &dailies.by_stream[stream][r],
                numbers: None,
            },
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
    /// Per stream, then per replication.
    pub by_stream: Vec<Vec<DailySeries>>,
    /// List numbers per port, then per replication (`None` at ports without them).
    pub numbers_by_port: Vec<Vec<Option<NumberSeries>>>,
}

/// One replication's series: per port with its list numbers, summed over ports, per stream.
type Kept = (Vec<(DailySeries, Option<NumberSeries>)>, DailySeries, Vec<DailySeries>);

impl Dailies {
    /// Runs the replications `replications` of `model` by `engine` on `pool`, kept in
    /// replication order (so they do not depend on the number of threads); each finished one
    /// ticks `progress`. A cancelled token stops them with [`Error::Interrupted`].
    pub(crate) fn run(
        model: &Model,
        replications: std::ops::Range<u32>,
        engine: Engine,
        pool: &rayon::ThreadPool,
        cancel: &CancelToken,
        progress: &Counter<'_>,
    ) -> Result<Dailies, Error> {
        if cancel.is_cancelled() {
            return Err(Error::Interrupted);
        }
        let runs: Vec<Kept> = pool.install(|| {
            replications
                .into_par_iter()
                .map(|r| {
                    let mut replication = run_replication_with(model, r, engine, cancel)?;
                    let total = replication.total_daily();
                    let taken = replication.take_streams(&model.slots().of_stream, model.outcomes.len());
                    let streams = model
                        .streams
                        .iter()
                        .zip(taken)
                        .map(|(stream, taken)| match taken {
                            Some(result) => result.daily,
                            None => replication.ports[stream.port].daily.clone(),
                        })
                        .collect();
                    let ports = replication
                        .ports
                        .into_iter()
                        .map(|port| (port.daily, port.numbers))
                        .collect();
                    progress.tick();
                    Ok((ports, total, streams))
                })
                .collect::<Result<_, Error>>()
        })?;
        let mut dailies = Dailies {
            by_port: model.ports.iter().map(|_| Vec::new()).collect(),
            total: Vec::new(),
            by_stream: model.streams.iter().map(|_| Vec::new()).collect(),
            numbers_by_port: model.ports.iter().map(|_| Vec::new()).collect(),
        };
        for (ports, total, streams) in runs {
            for ((series, numbers), (daily, numbered)) in
                dailies.by_port.iter_mut().zip(&mut dailies.numbers_by_port).zip(ports)
            {
                series.push(daily);
                numbers.push(numbered);
            }
            for (series, daily) in dailies.by_stream.iter_mut().zip(streams) {
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
    (0..dailies.total.len())
        .map(|r| series.value(whose.daily(dailies, r), day))
        .collect()
}

/// The whole path of `series` of `whose` (its value at the end of every row of days), one per
/// replication, in replication order.
pub(crate) fn paths(dailies: &Dailies, whose: Whose, series: Series) -> Vec<Vec<f64>> {
    (0..dailies.total.len())
        .map(|r| series.path(whose.daily(dailies, r)))
        .collect()
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
        daily.names_on_list = vec![4, 5, 5, 5];
        daily
    }

    #[test]
    fn levels_are_read_at_the_end_of_the_day_and_flows_summed_from_day_0() {
        let daily = daily();
        let numbers = NumberSeries {
            issued: vec![10, 12, 12, 13],
            now_serving: vec![0, 1, 2, 2],
        };
        let numbered = ScopeDaily {
            daily: &daily,
            numbers: Some(&numbers),
        };
        assert_eq!(Series::NumbersIssued.value(numbered, 1), 12.0);
        assert_eq!(Series::NowServing.path(numbered), vec![0.0, 1.0, 2.0, 2.0]);
        assert_eq!(Series::NamesOnList.value(numbered, 3), 5.0);
        let daily = ScopeDaily {
            daily: &daily,
            numbers: None,
        };
        assert_eq!(Series::OnList.value(daily, 2), 3.0);
        assert_eq!(Series::Registered.value(daily, 1), 8.0);
        assert_eq!(Series::Processed.value(daily, 3), 4.0);
        assert_eq!(Series::Left.value(daily, 3), 3.0);
        assert_eq!(Series::Registered.path(daily), vec![5.0, 8.0, 8.0, 10.0]);
        assert_eq!(Series::OnList.path(daily), vec![4.0, 4.0, 3.0, 3.0]);
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
