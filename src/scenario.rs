//! Raw scenario files: the serde types a TOML file parses into, with source spans.
//!
//! Nothing here is checked beyond TOML syntax, key names and value types;
//! [`crate::validate`] turns a [`RawScenario`] into a [`crate::model::Model`].
//! Every field that validation may reject is wrapped in [`Spanned`] so the
//! error can point at the offending line and column.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::fmt;

/// A value with the byte range it came from in the scenario file.
pub(crate) type S<T> = Spanned<T>;

/// The top level of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    /// Format version; must be 1.
    pub schema: S<i64>,
    /// Run settings.
    pub run: RawRun,
    /// Priority classes, highest priority first. Optional: one class `all` when absent.
    #[serde(default)]
    pub classes: Vec<RawClass>,
    /// Processing points (ports of entry), at least one.
    pub ports: S<Vec<RawPort>>,
    /// Arrival streams, at least one.
    pub streams: S<Vec<RawStream>>,
    /// Queues after the ports (same keys as ports, plus a few of their own).
    #[serde(default)]
    pub stages: Option<S<Vec<RawPort>>>,
    /// `[network]`: the final outcomes that routing may send people to.
    #[serde(default)]
    pub network: Option<S<RawNetwork>>,
}

/// `[network]`: settings of the network as a whole.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNetwork {
    /// Names of the final outcomes, e.g. `["granted", "denied", "removed"]`.
    pub outcomes: S<Vec<S<String>>>,
}

/// `[run]`: what to simulate and for how long.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRun {
    /// Short name shown in reports and charts.
    pub name: S<String>,
    /// Longer description.
    #[serde(default)]
    pub description: Option<String>,
    /// Calendar date of day 0 (a TOML date), so outputs can show dates.
    #[serde(default)]
    pub start_date: Option<S<toml::value::Datetime>>,
    /// Length of the simulated period, in days.
    pub horizon_days: S<f64>,
    /// Seed of every random stream.
    pub seed: S<i64>,
    /// Default number of replications.
    #[serde(default)]
    pub replications: Option<S<i64>>,
    /// People who join the list before this day are left out of per-person statistics.
    #[serde(default)]
    pub warm_up_days: Option<S<f64>>,
    /// Waits (days) whose shares are reported: the share of people processed who waited more.
    #[serde(default)]
    pub share_over_days: Option<S<Vec<S<f64>>>>,
}

/// `[[classes]]`: a priority class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClass {
    /// Class name, unique.
    pub name: S<String>,
    /// Patience of this class; overrides the stream's.
    #[serde(default)]
    pub patience_days: Option<RawDist>,
    /// What giving up does to the names of this class; overrides the stream's.
    #[serde(default)]
    pub on_give_up: Option<S<String>>,
}

/// `[[ports]]` or `[[stages]]`: one processing point (or stage) with its own list. The keys
/// `waits_in`, `patience_days` and `outcome` belong to stages only (validation says so).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPort {
    /// Port or stage name, unique across both; streams and routing refer to it.
    pub name: S<String>,
    /// `fifo` (default), `lifo`, `priority` or `mixed`.
    #[serde(default)]
    pub discipline: Option<S<String>>,
    /// With `mixed`: the share of each day's slots given to the longest-waiting; the rest is a lottery.
    #[serde(default)]
    pub oldest_share: Option<S<f64>>,
    /// How the port processes people.
    pub capacity: RawCapacity,
    /// List numbers handed out to those who sign (optional).
    #[serde(default)]
    pub list_numbers: Option<S<RawListNumbers>>,
    /// Where people go once processed here (network scenarios).
    #[serde(default)]
    pub after: Option<S<RawAfter>>,
    /// Stages only: `us` (default) or `mexico`, where people wait.
    #[serde(default)]
    pub waits_in: Option<S<String>>,
    /// Stages only: how long people wait at the stage before giving up.
    #[serde(default)]
    pub patience_days: Option<RawDist>,
    /// Stages only: the final outcome of those who give up at the stage (default `gave_up`).
    #[serde(default)]
    pub outcome: Option<S<String>>,
}

/// `[ports.after]` / `[stages.after]`: routing on leaving a node by being processed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAfter {
    /// Shares by next stage or final outcome name, summing to 1.
    pub to: S<BTreeMap<String, S<f64>>>,
    /// Time between leaving this node and joining the next.
    #[serde(default)]
    pub delay_days: Option<RawDist>,
}

/// `list_numbers = { first = …, people_per_number = … }`: numbers handed out in order of signing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawListNumbers {
    /// Number of the first group to sign in the run (default 1).
    #[serde(default)]
    pub first: Option<S<i64>>,
    /// People one number covers (default: one number per group).
    #[serde(default)]
    pub people_per_number: Option<S<i64>>,
}

/// `[ports.capacity]`: either a daily quota (`kind = "quota"`) or officers (`kind = "officers"`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapacity {
    /// `quota` or `officers`.
    pub kind: S<String>,
    // --- quota form ---
    /// People (or groups) called from the list each processing day.
    #[serde(default)]
    pub quota_per_day: Option<S<f64>>,
    /// Time of day of the call, in hours after midnight.
    #[serde(default)]
    pub call_time_hours: Option<S<f64>>,
    /// `fixed` (default) or `poisson` (the day's quota is Poisson around the nominal one).
    #[serde(default)]
    pub randomness: Option<S<String>>,
    /// Share of called groups who are absent.
    #[serde(default)]
    pub no_show_share: Option<S<f64>>,
    /// What happens to absent groups: `drop` (default) or `back` (to the end of the list).
    #[serde(default)]
    pub no_show: Option<S<String>>,
    /// Whether exactly `no_show_share` of the called are absent, rather than each at random.
    #[serde(default)]
    pub no_show_exact: Option<S<bool>>,
    /// What the quota counts: `people` (default) or `groups` processed, or `calls` or
    /// `people_called` (absent names use up the quota).
    #[serde(default)]
    pub counts: Option<S<String>>,
    // --- officers form ---
    /// Officers on duty.
    #[serde(default)]
    pub officers: Option<S<i64>>,
    /// Time one officer spends on one claim (group).
    #[serde(default)]
    pub service_days: Option<RawDist>,
    /// Start of the daily shift, hours after midnight.
    #[serde(default)]
    pub shift_start_hours: Option<S<f64>>,
    /// End of the daily shift, hours after midnight.
    #[serde(default)]
    pub shift_end_hours: Option<S<f64>>,
    // --- both forms ---
    /// Weekdays the port processes (`mon` … `sun`); all by default.
    #[serde(default)]
    pub weekdays: Option<S<Vec<S<String>>>>,
    /// Days the port is closed.
    #[serde(default)]
    pub closures: Vec<RawClosure>,
    /// Dated changes of `quota_per_day` or `officers`.
    #[serde(default)]
    pub schedule: Vec<RawCapacityChange>,
}

/// A closure: one day (`on`) or an inclusive range (`from` … `to`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawClosure {
    /// A single closed day.
    #[serde(default)]
    pub on: Option<S<DayOrDate>>,
    /// First closed day.
    #[serde(default)]
    pub from: Option<S<DayOrDate>>,
    /// Last closed day (inclusive).
    #[serde(default)]
    pub to: Option<S<DayOrDate>>,
    /// Why (shown in reports and chart markers).
    #[serde(default)]
    pub label: Option<S<String>>,
}

/// A dated change of capacity, in force from `from` until the next change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCapacityChange {
    /// Day or date the change takes effect.
    pub from: S<DayOrDate>,
    /// New quota (quota form).
    #[serde(default)]
    pub quota_per_day: Option<S<f64>>,
    /// New number of officers (officers form).
    #[serde(default)]
    pub officers: Option<S<i64>>,
    /// Why (shown in reports and chart markers).
    #[serde(default)]
    pub label: Option<S<String>>,
}

/// `[[streams]]`: people arriving at one port.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStream {
    /// Stream name, unique; it keys the stream's random numbers.
    pub name: S<String>,
    /// Name of the port (or stage) this stream joins; or `ports` with `choice`.
    #[serde(default)]
    pub port: Option<S<String>>,
    /// `backlog`, `wave`, `poisson` or `trace`.
    pub kind: S<String>,
    // --- backlog and wave ---
    /// Number of people (backlog, wave).
    #[serde(default)]
    pub people: Option<S<f64>>,
    /// How long backlog people had already waited at day 0.
    #[serde(default)]
    pub waited_days: Option<RawDist>,
    /// CSV snapshot of a real list (backlog) or trace of arrivals (trace).
    #[serde(default)]
    pub file: Option<S<String>>,
    // --- wave ---
    /// First day of the wave window.
    #[serde(default)]
    pub from: Option<S<DayOrDate>>,
    /// End of the wave window (exclusive).
    #[serde(default)]
    pub to: Option<S<DayOrDate>>,
    /// `uniform` (default), `triangular` or `normal`.
    #[serde(default)]
    pub shape: Option<S<String>>,
    /// Peak of a triangular wave (default: the middle of the window).
    #[serde(default)]
    pub peak: Option<S<DayOrDate>>,
    /// Cumulative arrival curve: people who had arrived by each point.
    #[serde(default)]
    pub curve: Option<S<Vec<RawCurvePoint>>>,
    // --- poisson ---
    /// Constant arrival rate, people per day.
    #[serde(default)]
    pub people_per_day: Option<S<f64>>,
    /// Piecewise-constant rate schedule.
    #[serde(default)]
    pub rates: Option<S<Vec<RawRate>>>,
    /// End of a Poisson stream (default: the horizon).
    #[serde(default)]
    pub until: Option<S<DayOrDate>>,
    // --- all kinds ---
    /// People per group (household); groups arrive, wait and are processed together.
    #[serde(default)]
    pub group_size: Option<RawDist>,
    /// Share of each class among arriving groups, by class name.
    #[serde(default)]
    pub class_mix: Option<S<BTreeMap<String, S<f64>>>>,
    /// Share of arriving groups who join the list at all.
    #[serde(default)]
    pub join_share: Option<S<f64>>,
    /// How long a group waits before giving up.
    #[serde(default)]
    pub patience_days: Option<RawDist>,
    /// What giving up does to the name: `leave_list` (default) or `stay_listed`.
    #[serde(default)]
    pub on_give_up: Option<S<String>>,
    /// Where people who give up go, with shares summing to 1.
    #[serde(default)]
    pub outcomes: Option<S<BTreeMap<String, S<f64>>>>,
    // --- networks (after the older keys, so that lists of allowed keys keep their order) ---
    /// Ports the stream's groups choose between (instead of `port`).
    #[serde(default)]
    pub ports: Option<S<Vec<S<String>>>>,
    /// How groups choose between `ports`.
    #[serde(default)]
    pub choice: Option<S<RawChoice>>,
    /// Moving from one port's list to another's after a long wait.
    #[serde(default)]
    pub relist: Option<S<RawRelist>>,
}

/// `choice = { rule = …, … }`: how a group picks one of the stream's `ports`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChoice {
    /// `shares`, `shortest_quoted_wait` or `logit`.
    pub rule: S<String>,
    /// Shares by port (rule `shares`).
    #[serde(default)]
    pub shares: Option<S<BTreeMap<String, S<f64>>>>,
    /// Age of the posted waits people see, days (`shortest_quoted_wait`, `logit`).
    #[serde(default)]
    pub info_delay_days: Option<S<f64>>,
    /// Travel time to each port, days (`shortest_quoted_wait`, `logit`).
    #[serde(default)]
    pub travel_days: Option<S<BTreeMap<String, S<f64>>>>,
    /// Logit sensitivity to the quoted wait plus travel time, per day (`logit`).
    #[serde(default)]
    pub sensitivity_per_day: Option<S<f64>>,
}

/// `relist = { after_days = …, probability_per_day = … }`: moving to another port's list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRelist {
    /// Wait at one port after which a group may move.
    pub after_days: S<f64>,
    /// Probability per day of moving, once past `after_days`.
    pub probability_per_day: S<f64>,
}

/// A point of a cumulative arrival curve.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCurvePoint {
    /// Day or date.
    pub at: S<DayOrDate>,
    /// People arrived by then, in total.
    pub people: S<f64>,
}

/// A piece of a Poisson rate schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRate {
    /// Day or date the rate takes effect.
    pub from: S<DayOrDate>,
    /// Arrival rate, people per day.
    pub people_per_day: S<f64>,
}

/// A probability distribution: a bare number (fixed) or a table with `dist = "…"`.
#[derive(Debug)]
pub(crate) struct RawDist {
    /// Where the whole distribution was written.
    pub span: std::ops::Range<usize>,
    /// Its fields.
    pub fields: RawDistFields,
}

/// The fields of a distribution table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDistFields {
    /// `fixed`, `exponential`, `uniform`, `triangular`, `normal`, `lognormal`, `gamma`, `empirical`.
    pub dist: Option<S<String>>,
    /// Fixed value.
    pub value: Option<S<f64>>,
    /// Mean (exponential, normal, lognormal, gamma).
    pub mean: Option<S<f64>>,
    /// Standard deviation (normal, lognormal, gamma).
    pub sd: Option<S<f64>>,
    /// Lower bound (uniform, triangular).
    pub min: Option<S<f64>>,
    /// Mode (triangular).
    pub mode: Option<S<f64>>,
    /// Upper bound (uniform, triangular).
    pub max: Option<S<f64>>,
    /// Shape (gamma).
    pub shape: Option<S<f64>>,
    /// Scale (gamma).
    pub scale: Option<S<f64>>,
    /// Values (empirical).
    pub values: Option<S<Vec<f64>>>,
    /// Weights of the values (empirical); equal when absent.
    pub weights: Option<S<Vec<f64>>>,
}

impl<'de> Deserialize<'de> for RawDist {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<DistInput>::deserialize(deserializer)?;
        let span = spanned.span();
        let fields = match spanned.into_inner() {
            DistInput::Number(value) => RawDistFields {
                dist: Some(Spanned::new(span.clone(), "fixed".to_owned())),
                value: Some(Spanned::new(span.clone(), value)),
                ..RawDistFields::default()
            },
            DistInput::Table(fields) => *fields,
        };
        Ok(RawDist { span, fields })
    }
}

enum DistInput {
    Number(f64),
    Table(Box<RawDistFields>),
}

impl<'de> Deserialize<'de> for DistInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = DistInput;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a distribution table such as { dist = \"exponential\", mean = 60 }")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DistInput, E> {
                Ok(DistInput::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DistInput, E> {
                Ok(DistInput::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DistInput, E> {
                Ok(DistInput::Number(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistInput, A::Error> {
                RawDistFields::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|fields| DistInput::Table(Box::new(fields)))
            }
        }
        deserializer.deserialize_any(DistVisitor)
    }
}

/// A point in time written as a day number (days after day 0) or a TOML date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum DayOrDate {
    /// Days after day 0; may be fractional.
    Day(f64),
    /// A calendar date; needs `run.start_date`.
    Date(toml::value::Date),
}

impl<'de> Deserialize<'de> for DayOrDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DayVisitor;
        impl<'de> Visitor<'de> for DayVisitor {
            type Value = DayOrDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a day number or a date such as 2018-11-15")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Day(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Day(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DayOrDate, E> {
                Ok(DayOrDate::Day(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DayOrDate, A::Error> {
                let datetime = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                date_only(&datetime).map(DayOrDate::Date).ok_or_else(|| {
                    de::Error::custom(format!(
                        "expected a date such as 2018-11-15, found `{datetime}` (times of day are not supported here)"
                    ))
                })
            }
        }
        deserializer.deserialize_any(DayVisitor)
    }
}

/// The date of a TOML datetime that is a plain local date, if it is one.
pub(crate) fn date_only(datetime: &toml::value::Datetime) -> Option<toml::value::Date> {
    match (datetime.date, datetime.time, datetime.offset) {
        (Some(date), None, None) => Some(date),
        _ => None,
    }
}

/// Parses scenario text into raw types; errors carry the byte span TOML reported.
pub(crate) fn parse(text: &str) -> Result<RawScenario, toml::de::Error> {
    toml::from_str(text)
}
