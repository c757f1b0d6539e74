//! Scenarios built in code. A [`ScenarioBuilder`] writes the scenario as TOML and validates it
//! like a file, so a built model obeys every rule a file does, and its `scenario.toml` and
//! provenance are those of the text it wrote.
//!
//! ```
//! use backlog::{Capacity, Dist, Port, ScenarioBuilder, Stream};
//!
//! let model = ScenarioBuilder::new("two ports", 90)
//!     .seed(7)
//!     .port(Port::new("a", Capacity::quota(40.0)))
//!     .port(Port::new("b", Capacity::officers(3, Dist::Exponential { mean: 0.1 })))
//!     .stream(Stream::poisson("to_a", "a", 35.0).patience(Dist::Exponential { mean: 60.0 }))
//!     .stream(Stream::poisson("to_b", "b", 25.0))
//!     .build()?;
//! assert_eq!(model.port_names(), ["a", "b"]);
//! # Ok::<(), backlog::Error>(())
//! ```

use crate::error::{Diagnostic, Error, InputError};
use crate::model::{Date, Day, Model};
use crate::source::Scenario;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, Value, value};

/// A distribution of days or people, as the scenario format's distributions.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always `value`.
    Fixed(f64),
    /// Exponential with this mean.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// Triangular.
    Triangular {
        /// Lower end.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper end.
        max: f64,
    },
    /// Normal truncated at 0.
    Normal {
        /// Mean (before truncation).
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Log-normal with this mean and standard deviation of the value itself.
    LogNormal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Gamma with this shape and scale.
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
    },
    /// These values with these weights.
    Empirical {
        /// Values.
        values: Vec<f64>,
        /// Weights, one per value.
        weights: Vec<f64>,
    },
}

impl Dist {
    fn to_value(&self) -> Value {
        let number = |key, number: f64| (key, Value::from(number));
        let (name, fields) = match self {
            Dist::Fixed(number) => return Value::from(*number),
            Dist::Exponential { mean } => ("exponential", vec![number("mean", *mean)]),
            Dist::Uniform { min, max } => ("uniform", vec![number("min", *min), number("max", *max)]),
            Dist::Triangular { min, mode, max } => (
                "triangular",
                vec![number("min", *min), number("mode", *mode), number("max", *max)],
            ),
            Dist::Normal { mean, sd } => ("normal", vec![number("mean", *mean), number("sd", *sd)]),
            Dist::LogNormal { mean, sd } => ("lognormal", vec![number("mean", *mean), number("sd", *sd)]),
            Dist::Gamma { shape, scale } => ("gamma", vec![number("shape", *shape), number("scale", *scale)]),
            Dist::Empirical { values, weights } => (
                "empirical",
                vec![
                    ("values", Value::Array(numbers(values))),
                    ("weights", Value::Array(numbers(weights))),
                ],
            ),
        };
        // `dist` first, as people write it.
        let mut table = InlineTable::new();
        table.insert("dist", Value::from(name));
        for (key, entry) in fields {
            table.insert(key, entry);
        }
        Value::InlineTable(table)
    }
}

fn numbers(values: &[f64]) -> Array {
    values.iter().copied().collect()
}

/// How a port processes people.
#[derive(Debug, Clone, PartialEq)]
pub enum Capacity {
    /// A number of people called from the list once a day (at midnight).
    Quota {
        /// People per day.
        per_day: f64,
    },
    /// Officers working around the clock, one claim each at a time.
    Officers {
        /// Officers on duty.
        officers: u32,
        /// Time one officer spends on one group, days.
        service_days: Dist,
    },
}

impl Capacity {
    /// `per_day` people called each day.
    pub fn quota(per_day: f64) -> Capacity {
        Capacity::Quota { per_day }
    }

    /// `officers` officers taking `service_days` per claim.
    pub fn officers(officers: u32, service_days: Dist) -> Capacity {
        Capacity::Officers { officers, service_days }
    }
}

/// Who is taken from a port's list next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Discipline {
    /// First in, first out.
    Fifo,
    /// Last in, first out.
    Lifo,
    /// By class, in the order classes were added; first in, first out within a class.
    Priority,
    /// A share of places to the longest-waiting, the rest by lottery.
    Mixed {
        /// Share of places to the longest-waiting, 0 to 1.
        oldest_share: f64,
    },
}

/// A port: a list and how it is served.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    name: String,
    capacity: Capacity,
    discipline: Discipline,
}

impl Port {
    /// A first-in, first-out port.
    pub fn new(name: impl Into<String>, capacity: Capacity) -> Port {
        Port {
            name: name.into(),
            capacity,
            discipline: Discipline::Fifo,
        }
    }

    /// Serves the list in another order.
    pub fn discipline(mut self, discipline: Discipline) -> Port {
        self.discipline = discipline;
        self
    }
}

/// When a stream's people arrive.
#[derive(Debug, Clone, PartialEq)]
enum Arrivals {
    Poisson { people_per_day: f64 },
    Backlog { people: u64, waited_days: Option<Dist> },
    Wave { people: u64, from: Day, to: Day },
}

/// A stream of arrivals at one port.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    name: String,
    port: String,
    arrivals: Arrivals,
    group_size: Option<Dist>,
    join_share: Option<f64>,
    patience_days: Option<Dist>,
    class_mix: Vec<(String, f64)>,
    outcomes: Vec<(String, f64)>,
}

impl Stream {
    fn new(name: impl Into<String>, port: impl Into<String>, arrivals: Arrivals) -> Stream {
        Stream {
            name: name.into(),
            port: port.into(),
            arrivals,
            group_size: None,
            join_share: None,
            patience_days: None,
            class_mix: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    /// Random arrivals at `people_per_day`.
    pub fn poisson(name: impl Into<String>, port: impl Into<String>, people_per_day: f64) -> Stream {
        Stream::new(name, port, Arrivals::Poisson { people_per_day })
    }

    /// `people` on the list at day 0, who had already waited `waited_days` (none when `None`).
    pub fn backlog(name: impl Into<String>, port: impl Into<String>, people: u64, waited_days: Option<Dist>) -> Stream {
        Stream::new(name, port, Arrivals::Backlog { people, waited_days })
    }

    /// `people` arriving uniformly between `from` and `to` (exclusive).
    pub fn wave(name: impl Into<String>, port: impl Into<String>, people: u64, from: Day, to: Day) -> Stream {
        Stream::new(name, port, Arrivals::Wave { people, from, to })
    }

    /// People per group (households); one when not set.
    pub fn group_size(mut self, size: Dist) -> Stream {
        self.group_size = Some(size);
        self
    }

    /// Share of arriving groups who join the list.
    pub fn join_share(mut self, share: f64) -> Stream {
        self.join_share = Some(share);
        self
    }

    /// How long a group waits before giving up (nobody gives up when not set).
    pub fn patience(mut self, patience_days: Dist) -> Stream {
        self.patience_days = Some(patience_days);
        self
    }

    /// Share of groups of class `class` (needed for every stream when there are classes).
    pub fn class_share(mut self, class: impl Into<String>, share: f64) -> Stream {
        self.class_mix.push((class.into(), share));
        self
    }

    /// Share of groups who give up that go to outcome `outcome`.
    pub fn outcome(mut self, outcome: impl Into<String>, share: f64) -> Stream {
        self.outcomes.push((outcome.into(), share));
        self
    }
}

/// Builds a scenario in code; [`build`](Self::build) validates it into a [`Model`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioBuilder {
    name: String,
    description: String,
    start_date: Option<Date>,
    horizon_days: u32,
    seed: u64,
    replications: u32,
    warm_up_days: u32,
    classes: Vec<(String, Option<Dist>)>,
    ports: Vec<Port>,
    streams: Vec<Stream>,
}

impl ScenarioBuilder {
    /// A scenario named `name` over `horizon_days` days, seed 1, 100 replications.
    pub fn new(name: impl Into<String>, horizon_days: u32) -> ScenarioBuilder {
        ScenarioBuilder {
            name: name.into(),
            description: String::new(),
            start_date: None,
            horizon_days,
            seed: 1,
            replications: 100,
            warm_up_days: 0,
            classes: Vec::new(),
            ports: Vec::new(),
            streams: Vec::new(),
        }
    }

    /// A longer description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The calendar date of day 0.
    pub fn start_date(mut self, date: Date) -> Self {
        self.start_date = Some(date);
        self
    }

    /// The seed of every random stream: at most 2^63 − 1, the largest integer a scenario file
    /// holds ([`build`](Self::build) refuses a larger one).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Replications run unless the run options say otherwise.
    pub fn replications(mut self, replications: u32) -> Self {
        self.replications = replications;
        self
    }

    /// Leaves people who join before this day out of per-person statistics.
    pub fn warm_up_days(mut self, days: u32) -> Self {
        self.warm_up_days = days;
        self
    }

    /// Adds a class (the first added is served first under priority), with its own patience.
    pub fn class(mut self, name: impl Into<String>, patience_days: Option<Dist>) -> Self {
        self.classes.push((name.into(), patience_days));
        self
    }

    /// Adds a port.
    pub fn port(mut self, port: Port) -> Self {
        self.ports.push(port);
        self
    }

    /// Adds a stream.
    pub fn stream(mut self, stream: Stream) -> Self {
        self.streams.push(stream);
        self
    }

    /// The scenario as TOML, as a file would hold it (a seed above 2^63 − 1 is written as
    /// 2^63 − 1: a file cannot hold it).
    pub fn to_toml(&self) -> String {
        let mut doc = DocumentMut::new();
        doc.insert("schema", value(1));
        let mut run = Table::new();
        run.insert("name", value(self.name.as_str()));
        if !self.description.is_empty() {
            run.insert("description", value(self.description.as_str()));
        }
        if let Some(date) = self.start_date {
            if let Ok(date) = date.to_string().parse::<toml_edit::Datetime>() {
                run.insert("start_date", value(date));
            }
        }
        run.insert("horizon_days", value(i64::from(self.horizon_days)));
        run.insert("seed", value(i64::try_from(self.seed).unwrap_or(i64::MAX)));
        run.insert("replications", value(i64::from(self.replications)));
        if self.warm_up_days > 0 {
            run.insert("warm_up_days", value(i64::from(self.warm_up_days)));
        }
        doc.insert("run", Item::Table(run));
        let array = |tables: Vec<Table>| {
            let mut array = toml_edit::ArrayOfTables::new();
            for table in tables {
                array.push(table);
            }
            Item::ArrayOfTables(array)
        };
        if !self.classes.is_empty() {
            let classes = self.classes.iter().map(|(name, patience)| {
                let mut table = Table::new();
                table.insert("name", value(name.as_str()));
                if let Some(patience) = patience {
                    table.insert("patience_days", Item::Value(patience.to_value()));
                }
                table
            });
            doc.insert("classes", array(classes.collect()));
        }
        doc.insert("ports", array(self.ports.iter().map(port_table).collect()));
        doc.insert("streams", array(self.streams.iter().map(stream_table).collect()));
        doc.to_string()
    }

    /// Validates the scenario into a model; problems are reported as in a file, at their place
    /// in the TOML that [`to_toml`](Self::to_toml) gives.
    pub fn build(&self) -> Result<Model, Error> {
        if i64::try_from(self.seed).is_err() {
            return Err(Error::Input(InputError::single(
                Diagnostic::new(format!("{}: the seed {} is too large", self.name, self.seed))
                    .with_help("a scenario's seed is at most 9223372036854775807 (2^63 − 1)"),
            )));
        }
        Scenario::from_text(format!("{} (built in code)", self.name), self.to_toml()).load()
    }
}

fn pairs(entries: &[(String, f64)]) -> Value {
    let mut table = InlineTable::new();
    for (key, share) in entries {
        table.insert(key, Value::from(*share));
    }
    Value::InlineTable(table)
}

fn port_table(port: &Port) -> Table {
    let mut table = Table::new();
    table.insert("name", value(port.name.as_str()));
    let discipline = match port.discipline {
        Discipline::Fifo => "fifo",
        Discipline::Lifo => "lifo",
        Discipline::Priority => "priority",
        Discipline::Mixed { oldest_share } => {
            table.insert("oldest_share", value(oldest_share));
            "mixed"
        }
    };
    table.insert("discipline", value(discipline));
    let mut capacity = Table::new();
    match &port.capacity {
        Capacity::Quota { per_day } => {
            capacity.insert("kind", value("quota"));
            capacity.insert("quota_per_day", value(*per_day));
        }
        Capacity::Officers { officers, service_days } => {
            capacity.insert("kind", value("officers"));
            capacity.insert("officers", value(i64::from(*officers)));
            capacity.insert("service_days", Item::Value(service_days.to_value()));
        }
    }
    table.insert("capacity", Item::Table(capacity));
    table
}

fn stream_table(stream: &Stream) -> Table {
    let mut table = Table::new();
    table.insert("name", value(stream.name.as_str()));
    table.insert("port", value(stream.port.as_str()));
    match &stream.arrivals {
        Arrivals::Poisson { people_per_day } => {
            table.insert("kind", value("poisson"));
            table.insert("people_per_day", value(*people_per_day));
        }
        Arrivals::Backlog { people, waited_days } => {
            table.insert("kind", value("backlog"));
            table.insert("people", value(i64::try_from(*people).unwrap_or(i64::MAX)));
            if let Some(waited) = waited_days {
                table.insert("waited_days", Item::Value(waited.to_value()));
            }
        }
        Arrivals::Wave { people, from, to } => {
            table.insert("kind", value("wave"));
            table.insert("people", value(i64::try_from(*people).unwrap_or(i64::MAX)));
            table.insert("from", value(from.0));
            table.insert("to", value(to.0));
        }
    }
    if let Some(size) = &stream.group_size {
        table.insert("group_size", Item::Value(size.to_value()));
    }
    if let Some(share) = stream.join_share {
        table.insert("join_share", value(share));
    }
    if let Some(patience) = &stream.patience_days {
        table.insert("patience_days", Item::Value(patience.to_value()));
    }
    if !stream.class_mix.is_empty() {
        table.insert("class_mix", Item::Value(pairs(&stream.class_mix)));
    }
    if !stream.outcomes.is_empty() {
        table.insert("outcomes", Item::Value(pairs(&stream.outcomes)));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mm1() -> ScenarioBuilder {
        ScenarioBuilder::new("M/M/1", 200)
            .seed(3)
            .replications(4)
            .port(Port::new(
                "office",
                Capacity::officers(1, Dist::Exponential { mean: 0.1 }),
            ))
            .stream(Stream::poisson("arrivals", "office", 7.5))
    }

    #[test]
    fn a_built_scenario_is_the_same_as_its_text_in_a_file() {
        let builder = mm1();
        let built = builder.build().expect("valid");
        let from_text = Scenario::from_text("mm1.toml", builder.to_toml())
            .load()
            .expect("valid");
        assert_eq!(built.text(), from_text.text());
        assert_eq!((built.horizon_days(), built.seed(), built.replications()), (200, 3, 4));
        let options = crate::RunOptions::new().threads(1);
        let a = crate::simulate(&built, &options).expect("runs");
        let b = crate::simulate(&from_text, &options).expect("runs");
        assert_eq!(a.summary().total, b.summary().total);
    }

    #[test]
    fn every_feature_writes_a_valid_scenario() {
        let model = ScenarioBuilder::new("all", 100)
            .description("every builder option")
            .start_date(Date {
                year: 2019,
                month: 1,
                day: 1,
            })
            .warm_up_days(10)
            .class("vulnerable", None)
            .class(
                "general",
                Some(Dist::Gamma {
                    shape: 2.0,
                    scale: 30.0,
                }),
            )
            .port(Port::new("a", Capacity::quota(30.0)).discipline(Discipline::Mixed { oldest_share: 0.5 }))
            .port(
                Port::new("b", Capacity::officers(2, Dist::LogNormal { mean: 0.5, sd: 0.2 }))
                    .discipline(Discipline::Priority),
            )
            .stream(
                Stream::backlog("list", "a", 500, Some(Dist::Uniform { min: 0.0, max: 30.0 }))
                    .group_size(Dist::Empirical {
                        values: vec![1.0, 2.0],
                        weights: vec![3.0, 1.0],
                    })
                    .class_share("vulnerable", 0.2)
                    .class_share("general", 0.8)
                    .patience(Dist::Triangular {
                        min: 10.0,
                        mode: 40.0,
                        max: 90.0,
                    })
                    .outcome("crossed", 0.4)
                    .outcome("returned", 0.6),
            )
            .stream(
                Stream::wave("wave", "b", 300, Day(5.0), Day(20.0))
                    .join_share(0.5)
                    .class_share("general", 1.0)
                    .patience(Dist::Normal { mean: 20.0, sd: 5.0 }),
            )
            .stream(
                Stream::poisson("steady", "b", 10.0)
                    .class_share("general", 1.0)
                    .group_size(Dist::Fixed(2.0)),
            )
            .build()
            .expect("valid");
        assert_eq!(model.class_names(), ["vulnerable", "general"]);
        assert_eq!(model.stream_names(), ["list", "wave", "steady"]);
        assert!(model.outcomes().contains(&"crossed"));
    }

    #[test]
    fn a_seed_no_file_can_hold_is_refused_not_changed() {
        let fits = mm1()
            .seed(i64::MAX as u64)
            .build()
            .expect("the largest seed a file holds");
        assert_eq!(fits.seed(), i64::MAX as u64);
        let error = mm1().seed(u64::MAX).build().expect_err("too large");
        assert!(
            error.to_string().contains("the seed 18446744073709551615 is too large"),
            "{error}"
        );
        assert_eq!(error.exit_code(), 2);
    }

    #[test]
    fn problems_are_reported_at_their_place_in_the_text() {
        let error = ScenarioBuilder::new("bad", 30)
            .port(Port::new("a", Capacity::quota(-5.0)))
            .stream(Stream::poisson("s", "a", 1.0))
            .build()
            .expect_err("negative quota");
        let message = error.to_string();
        assert!(message.contains("bad (built in code):"), "{message}");
        assert!(message.contains("quota_per_day"), "{message}");
        assert_eq!(error.exit_code(), 2);
    }
}
