//! Validated domain types: what the engine simulates. Built only by [`crate::validate`].
//!
//! Time is measured in integer ticks of one second ([`TICKS_PER_DAY`] per day) from day 0,
//! so that events at the same instant compare exactly and ties are broken by a documented rule.

pub(crate) mod calendar;
pub(crate) mod dist;
pub(crate) mod network;

pub use calendar::Date;
pub(crate) use dist::Dist;

/// Engine time unit: one second.
pub(crate) type Ticks = i64;

/// Ticks in one day.
pub(crate) const TICKS_PER_DAY: Ticks = 86_400;

/// A moment of simulated time in days from the start of day 0 (`Day(2.5)` is noon on day 2),
/// so that a time is never taken for a count of people or a length of time.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Day(pub f64);

/// Converts days to ticks, rounding to the nearest second (halves away from zero).
#[inline]
pub(crate) fn days_to_ticks(days: f64) -> Ticks {
    // `f64::round` is a libm call on baseline x86-64; this is the same rounding inline.
    // The cast saturates, so huge values clamp instead of wrapping.
    let ticks = days * TICKS_PER_DAY as f64;
    (if ticks >= 0.0 { ticks + 0.5 } else { ticks - 0.5 }) as Ticks
}

/// [`days_to_ticks`] of a value known not to be negative (a time on or after day 0), or
/// whose negative results are clamped to 0 anyway: one branch fewer on the hot paths.
#[inline(always)]
pub(crate) fn non_negative_days_to_ticks(days: f64) -> Ticks {
    (days * TICKS_PER_DAY as f64 + 0.5) as Ticks
}

/// Converts ticks to days.
#[inline]
pub(crate) fn ticks_to_days(ticks: Ticks) -> f64 {
    ticks as f64 / TICKS_PER_DAY as f64
}

/// A validated scenario: what the engine simulates. Only validation makes one (from a
/// [`Scenario`](crate::Scenario) or a [`ScenarioBuilder`](crate::ScenarioBuilder)), and its
/// fields are private, so every `Model` is one that validation accepted.
#[derive(Debug, Clone)]
pub struct Model {
    /// The name of the built-in scenario it came from, if it is one.
    pub(crate) built_in: Option<&'static str>,
    /// Short name.
    pub(crate) name: String,
    /// Longer description (may be empty).
    pub(crate) description: String,
    /// Calendar date of day 0, if given.
    pub(crate) start_date: Option<Date>,
    /// Simulated days; the run covers [0, horizon_days).
    pub(crate) horizon_days: u32,
    /// Seed of all random streams.
    pub(crate) seed: u64,
    /// Number of replications.
    pub(crate) replications: u32,
    /// People who joined before this day are left out of per-person statistics.
    pub(crate) warm_up_days: u32,
    /// Waits (whole days, increasing) whose shares are reported.
    pub(crate) share_over_days: Vec<u32>,
    /// Class names, highest priority first (at least one).
    pub(crate) classes: Vec<String>,
    /// Named outcomes of people who leave the list unprocessed.
    pub(crate) outcomes: Vec<String>,
    /// Ports, then the network's stages (node `network.first_stage + i` is stage `i`).
    pub(crate) ports: Vec<Port>,
    /// Stages, routing and port choice (empty for a scenario of independent ports).
    pub(crate) network: network::Network,
    /// Arrival streams.
    pub(crate) streams: Vec<Stream>,
    /// Dated policy changes and closures, for reports and charts.
    pub(crate) markers: Vec<Marker>,
    /// The scenario text it was validated from (after any changes): what was run.
    pub(crate) text: std::sync::Arc<str>,
    /// The changes made to the scenario's text before validation (`path = value`, in order),
    /// for provenance: a reader who reruns the file as shipped gets other numbers.
    pub(crate) changes: Vec<String>,
    /// Things validation accepted that the user may want to know, in the order found.
    pub(crate) notes: Vec<crate::error::Note>,
}

impl Model {
    /// The scenario's short name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its longer description (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Calendar date of day 0, if the scenario gives one.
    pub fn start_date(&self) -> Option<Date> {
        self.start_date
    }

    /// Simulated days: the run covers days `[0, horizon_days)`.
    pub fn horizon_days(&self) -> u32 {
        self.horizon_days
    }

    /// Seed of every random stream.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Replications run unless the run options say otherwise.
    pub fn replications(&self) -> u32 {
        self.replications
    }

    /// People who join before this day are left out of per-person statistics.
    pub fn warm_up_days(&self) -> u32 {
        self.warm_up_days
    }

    /// Names of the ports, in the order of the file.
    pub fn port_names(&self) -> Vec<&str> {
        self.ports.iter().map(|port| port.name.as_str()).collect()
    }

    /// Names of the arrival streams, in the order of the file.
    pub fn stream_names(&self) -> Vec<&str> {
        self.streams.iter().map(|stream| stream.name.as_str()).collect()
    }

    /// Names of the classes, highest priority first.
    pub fn class_names(&self) -> Vec<&str> {
        self.classes.iter().map(String::as_str).collect()
    }

    /// Named outcomes of people who leave the list unprocessed.
    pub fn outcomes(&self) -> Vec<&str> {
        self.outcomes.iter().map(String::as_str).collect()
    }

    /// The scenario text it was validated from (after any changes).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Things validation accepted that the user may want to know, such as dated entries after
    /// the end of the run.
    pub fn notes(&self) -> &[crate::error::Note] {
        &self.notes
    }

    /// Whether [`Engine::Auto`](crate::Engine::Auto) runs it by the direct recursion for FIFO
    /// officers (the same results as the event loop, faster) rather than the event loop.
    pub fn uses_direct_recursion(&self) -> bool {
        crate::engine::uses_direct_recursion(self)
    }

    /// Whether node `node` (an index of `ports`) is a stage of the network, not a port.
    pub(crate) fn is_stage(&self, node: usize) -> bool {
        !self.network.stages.is_empty() && node >= self.network.first_stage
    }

    /// Where the groups of each node count (see [`network::Slots`]).
    pub(crate) fn slots(&self) -> network::Slots {
        let streams: Vec<(usize, u16)> = self.streams.iter().map(|stream| (stream.port, stream.slot)).collect();
        network::Slots::new(&self.network, self.ports.len(), &streams)
    }

    /// Number of streams that join port `port`.
    pub(crate) fn streams_at(&self, port: usize) -> usize {
        self.streams.iter().filter(|stream| stream.port == port).count()
    }

    /// End of the run in ticks.
    pub(crate) fn horizon_ticks(&self) -> Ticks {
        Ticks::from(self.horizon_days) * TICKS_PER_DAY
    }

    /// Date of day `day`, if the scenario has a start date.
    pub fn date_of_day(&self, day: i64) -> Option<Date> {
        self.start_date.map(|start| start.plus_days(day))
    }
}

/// A dated event worth marking on charts: a capacity change or a closure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    /// Port index.
    pub port: usize,
    /// Day it takes effect.
    pub day: u32,
    /// What happened.
    pub label: String,
}

/// A processing point with its own list.
#[derive(Debug, Clone)]
pub(crate) struct Port {
    /// Name.
    pub name: String,
    /// Who is taken from the list next.
    pub discipline: Discipline,
    /// How people are processed.
    pub capacity: Capacity,
    /// List numbers handed out to those who sign, if the scenario tracks them.
    pub list_numbers: Option<ListNumbers>,
}

/// List numbers: handed out in order of signing, one per group or one per block of people.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ListNumbers {
    /// Number of the first group to sign in the run.
    pub first: u64,
    /// People one number covers (`None`: one number per group).
    pub people_per_number: Option<u32>,
}

/// Order in which the list is served.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Discipline {
    /// First in, first out.
    Fifo,
    /// Last in, first out.
    Lifo,
    /// Strict priority by class (class order in the file), FIFO within a class.
    Priority,
    /// A share of slots to the longest-waiting, the rest by lottery among everyone waiting.
    Mixed {
        /// Share of each day's slots (or of officers' picks) given to the longest-waiting.
        oldest_share: f64,
    },
}

/// How a port processes people.
#[derive(Debug, Clone)]
pub(crate) enum Capacity {
    /// Metering: a number called from the list at a set time each processing day.
    Quota(Quota),
    /// Officers working shifts, one claim each at a time.
    Officers(Officers),
}

/// The daily-quota form.
#[derive(Debug, Clone)]
pub(crate) struct Quota {
    /// Nominal quota of each day of the horizon (0 on closed and non-processing days).
    pub quota_by_day: Vec<f64>,
    /// Time of the daily call after midnight.
    pub call_offset: Ticks,
    /// Whether the day's quota is random.
    pub randomness: QuotaRandomness,
    /// Share of called groups who are absent.
    pub no_show_share: f64,
    /// Whether exactly that share is absent (every 1/share-th call), rather than each call
    /// drawing at random.
    pub no_show_exact: bool,
    /// What happens to absent groups.
    pub no_show: NoShow,
    /// What the quota counts.
    pub counts: Counts,
}

/// Day-to-day randomness of a quota.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum QuotaRandomness {
    /// Exactly the nominal quota (rounded down).
    Fixed,
    /// Poisson with the nominal quota as mean.
    Poisson,
}

/// What happens to a group that is absent when called.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum NoShow {
    /// Removed from the list (counted as leaving with outcome `no_show`).
    Drop,
    /// Sent to the end of the list, keeping its original joining time.
    Back,
}

/// What a quota counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Counts {
    /// People: a group is called only if it fits in what is left of the day's quota.
    People,
    /// Groups (list numbers): each call takes one whole group.
    Groups,
    /// Calls of groups, absent or not: absent names use up calls.
    Calls,
    /// People called, absent or not: absent people use up places.
    PeopleCalled,
}

impl Counts {
    /// Whether absent names use up the quota.
    pub(crate) fn absent_use_quota(self) -> bool {
        matches!(self, Counts::Calls | Counts::PeopleCalled)
    }

    /// What calling `size` people uses up of the quota.
    #[inline]
    pub(crate) fn cost(self, size: u32) -> u64 {
        match self {
            Counts::People | Counts::PeopleCalled => u64::from(size),
            Counts::Groups | Counts::Calls => 1,
        }
    }
}

/// A whole number for each day of the horizon, stored once when it is the same every day:
/// a run of hundreds of thousands of days (queueing-theory checks) then holds no per-day array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ByDay {
    /// `value` on each of `days` days.
    Every {
        /// The value.
        value: u32,
        /// Number of days.
        days: u32,
    },
    /// One value per day.
    Daily(Vec<u32>),
}

impl ByDay {
    /// The value on day `day`, `None` past the last day.
    #[inline]
    pub(crate) fn get(&self, day: usize) -> Option<u32> {
        match self {
            ByDay::Every { value, days } => (day < *days as usize).then_some(*value),
            ByDay::Daily(values) => values.get(day).copied(),
        }
    }

    /// The largest value (0 when there are no days).
    pub(crate) fn max(&self) -> u32 {
        match self {
            ByDay::Every { .. } => self.constant().unwrap_or(0),
            ByDay::Daily(values) => values.iter().copied().max().unwrap_or(0),
        }
    }

    /// Every day's value.
    #[cfg(test)]
    pub(crate) fn to_vec(&self) -> Vec<u32> {
        match self {
            ByDay::Every { value, days } => vec![*value; *days as usize],
            ByDay::Daily(values) => values.clone(),
        }
    }

    /// The value when it is the same on every day (and there is at least one day).
    pub(crate) fn constant(&self) -> Option<u32> {
        match self {
            ByDay::Every { value, days } => (*days > 0).then_some(*value),
            ByDay::Daily(values) => {
                let first = *values.first()?;
                values.iter().all(|&value| value == first).then_some(first)
            }
        }
    }
}

/// The officers form.
#[derive(Debug, Clone)]
pub(crate) struct Officers {
    /// Officers on duty each day of the horizon (0 on closed and non-working days).
    pub officers_by_day: ByDay,
    /// Time one officer spends on one group, in days.
    pub service_days: Dist,
    /// Start of the daily shift after midnight.
    pub shift_start: Ticks,
    /// End of the daily shift after midnight (at most one day).
    pub shift_end: Ticks,
}

impl Officers {
    /// Whether officers work around the clock on every day they work.
    pub(crate) fn is_round_the_clock(&self) -> bool {
        self.shift_start == 0 && self.shift_end == TICKS_PER_DAY
    }
}

/// An arrival stream.
#[derive(Debug, Clone)]
pub(crate) struct Stream {
    /// Name; keys the stream's random numbers.
    pub name: String,
    /// Port index.
    pub port: usize,
    /// Its place among the streams of its port, in file order.
    pub slot: u16,
    /// When groups arrive.
    pub source: Source,
    /// People per group (whole numbers, at least 1).
    pub group_size: Dist,
    /// Cumulative class shares, one per class, last = 1.
    pub class_cumulative: Vec<f64>,
    /// Share of arriving groups who join the list.
    pub join_share: f64,
    /// Patience per class (`None`: that class never leaves).
    pub patience_by_class: Vec<Option<Dist>>,
    /// Per class: whether the names of people who give up stay on the list until called (then
    /// absent), rather than leaving it at once.
    pub stays_listed_by_class: Vec<bool>,
    /// Cumulative shares over `Model::outcomes` for people who leave, last = 1.
    pub outcome_cumulative: Vec<f64>,
}

/// Where a stream's arrival times come from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// Fixed numbers of people spread over windows (initial backlog, waves, curves).
    Segments {
        /// Consecutive pieces, each with its own count.
        segments: Vec<Segment>,
        /// Time already waited before arrival (initial backlog only).
        waited_days: Option<Dist>,
    },
    /// Poisson arrivals with a piecewise-constant rate.
    Poisson {
        /// Pieces in time order, not overlapping.
        pieces: Vec<RatePiece>,
    },
    /// Recorded groups read from a CSV file, in time order.
    Records {
        /// The groups.
        records: Vec<Record>,
    },
}

/// A fixed number of people arriving over a window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Segment {
    /// Start of the window, days.
    pub start_days: f64,
    /// End of the window, days (equal to the start for a batch at one instant).
    pub end_days: f64,
    /// People arriving in the window.
    pub people: u64,
    /// Shape of the arrival density over the window.
    pub shape: Shape,
}

/// Shape of arrivals over a window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape {
    /// Flat.
    Uniform,
    /// Rising to a peak, then falling; the peak as a fraction of the window.
    Triangular {
        /// Where the peak is, 0..=1 of the window.
        peak_fraction: f64,
    },
    /// Normal centred on the window with a standard deviation of a sixth of it, cut at its ends.
    Normal,
}

impl Shape {
    /// Share of a window's arrivals in its first `fraction` (clamped to 0..=1) of it: the
    /// distribution function of the shape.
    pub(crate) fn share_before(self, fraction: f64) -> f64 {
        let x = fraction.clamp(0.0, 1.0);
        if x <= 0.0 || x >= 1.0 {
            return x;
        }
        match self {
            Shape::Uniform => x,
            Shape::Triangular { peak_fraction: p } => {
                if x < p {
                    x * x / p
                } else {
                    1.0 - (1.0 - x) * (1.0 - x) / (1.0 - p)
                }
            }
            Shape::Normal => {
                use statrs::function::erf::erfc;
                let normal_cdf = |z: f64| 0.5 * erfc(-z / std::f64::consts::SQRT_2);
                let low = normal_cdf(-3.0);
                ((normal_cdf((x - 0.5) * 6.0) - low) / (1.0 - 2.0 * low)).clamp(0.0, 1.0)
            }
        }
    }
}

impl Segment {
    /// Expected people of the segment who arrive before `day`.
    pub(crate) fn expected_before(&self, day: f64) -> f64 {
        let people = self.people as f64;
        if self.end_days <= self.start_days {
            return if self.start_days < day { people } else { 0.0 };
        }
        people
            * self
                .shape
                .share_before((day - self.start_days) / (self.end_days - self.start_days))
    }
}

/// A piece of a Poisson rate schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RatePiece {
    /// Start, days.
    pub start_days: f64,
    /// End, days.
    pub end_days: f64,
    /// Groups per day (the people rate divided by the mean group size).
    pub groups_per_day: f64,
}

/// A recorded group.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Record {
    /// When the group reaches the list.
    pub arrival: Ticks,
    /// When its wait started (earlier than arrival for a snapshot of a list).
    pub joined: Ticks,
    /// People in the group.
    pub size: u32,
    /// Class index.
    pub class: u16,
}

mod describe;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_day_reads_the_same_stored_once_or_daily() {
        let every = ByDay::Every { value: 3, days: 4 };
        let daily = ByDay::Daily(vec![3, 3, 3, 3]);
        for by_day in [&every, &daily] {
            assert_eq!((by_day.get(0), by_day.get(3), by_day.get(4)), (Some(3), Some(3), None));
            assert_eq!((by_day.max(), by_day.constant()), (3, Some(3)));
            assert_eq!((0..4).map(|day| by_day.get(day)).collect::<Vec<_>>(), vec![Some(3); 4]);
        }
        let varying = ByDay::Daily(vec![2, 0, 5]);
        assert_eq!((varying.max(), varying.constant(), varying.get(1)), (5, None, Some(0)));
        let none = ByDay::Every { value: 7, days: 0 };
        assert_eq!((none.max(), none.constant(), none.get(0)), (0, None, None));
    }
}
