//! Goal-seeking: the smallest (or largest) value of a parameter at which a goal such as
//! "p90 wait at most 30 days" holds, by a monotone search over a grid of values.
//!
//! Every value tried runs the same replications (common random numbers), and in each the goal
//! either holds or not. The share of replications where it holds rises (or falls) with the
//! parameter. The **answer** is the first value of the grid at which it holds in at least half
//! of the replications; the **uncertainty** is the range from the first value where it holds in
//! at least 5% of them to the first where it holds in at least 95%.
//!
//! The search first tries a few values spread over the range, which tells which way the goal
//! goes and whether the metric is monotone there, then bisects towards the three boundaries
//! (50%, 5%, 95%), trying the midpoints of all three together. A search that finds the goal
//! met nowhere, met everywhere, or the metric going both up and down, refuses with a
//! [`Refusal`] that says so.

use crate::analysis::{Metric, clear_sign, format_metric};
use crate::error::Error;
use crate::stats::summary::Estimate;
use std::collections::BTreeMap;

/// Which side of a threshold the metric must be on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// The metric must be at most this.
    AtMost(f64),
    /// The metric must be at least this.
    AtLeast(f64),
}

/// A goal on one metric, checked in each replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// The metric.
    pub metric: Metric,
    /// The threshold.
    pub bound: Bound,
}

impl Goal {
    /// Whether a replication's value meets the goal (a list that never emptied counts as
    /// emptying later than any day); an undefined value never does.
    pub fn met(&self, value: f64) -> bool {
        match self.bound {
            Bound::AtMost(limit) => value <= limit,
            Bound::AtLeast(limit) => value >= limit,
        }
    }

    /// `wait p90 ≤ 30`.
    pub fn describe(&self) -> String {
        let (sign, limit) = match self.bound {
            Bound::AtMost(limit) => ("≤", limit),
            Bound::AtLeast(limit) => ("≥", limit),
        };
        let limit = if limit.fract() == 0.0 {
            format!("{limit}")
        } else {
            format_metric(self.metric, limit)
        };
        let unit = if self.metric.in_days() { " days" } else { "" };
        format!("{} {sign} {limit}{unit}", self.metric.label())
    }
}

/// Evenly spaced values of the parameter: `low`, `low + step`, … (`count` of them).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// First value.
    pub low: f64,
    /// Distance between values.
    pub step: f64,
    /// Number of values.
    pub count: usize,
    /// Decimal places values are rounded to (`None`: not rounded).
    pub places: Option<u32>,
}

impl Grid {
    /// The grid from `low` to `high` (included when it falls on a step).
    pub fn new(low: f64, high: f64, step: f64, places: Option<u32>) -> Grid {
        let count = if high > low && step > 0.0 {
            // A tiny step saturates the count (and is then refused), never wraps it.
            (((high - low) / step + 1e-9).floor() as usize).saturating_add(1)
        } else {
            1
        };
        Grid {
            low,
            step,
            count,
            places,
        }
    }

    /// The `i`-th value.
    pub fn value(&self, i: usize) -> f64 {
        let raw = self.low + i as f64 * self.step;
        match self.places {
            Some(places) => {
                let scale = 10f64.powi(places as i32);
                (raw * scale).round() / scale
            }
            None => raw,
        }
    }

    /// The last value.
    pub fn high(&self) -> f64 {
        self.value(self.count - 1)
    }
}

/// The results at one value of the parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Index in the grid.
    pub index: usize,
    /// The parameter's value.
    pub value: f64,
    /// The metric in each replication, as the goal sees it.
    pub values: Vec<f64>,
    /// Replications in which the goal holds.
    pub met: usize,
}

impl Evaluation {
    /// Share of replications in which the goal holds.
    pub fn share(&self) -> f64 {
        if self.values.is_empty() {
            0.0
        } else {
            self.met as f64 / self.values.len() as f64
        }
    }

    /// Mean and 95% interval of the metric (over replications where it is finite).
    pub fn estimate(&self) -> Estimate {
        Estimate::from_values(&self.values)
    }

    fn indicators(&self, goal: &Goal) -> Vec<f64> {
        self.values
            .iter()
            .map(|&v| if goal.met(v) { 1.0 } else { 0.0 })
            .collect()
    }
}

/// Which end of the range the answer is sought from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The goal holds more often as the parameter grows: the smallest value meeting it.
    Smallest,
    /// The goal holds more often as the parameter falls: the largest value meeting it.
    Largest,
}

/// A boundary of the uncertainty range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Boundary {
    /// At this value of the grid.
    At(f64),
    /// Already at the end of the range (the boundary may lie beyond it).
    AtEnd(f64),
}

impl Boundary {
    /// The value.
    pub fn value(self) -> f64 {
        match self {
            Boundary::At(v) | Boundary::AtEnd(v) => v,
        }
    }
}

/// A found answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Smallest or largest.
    pub direction: Direction,
    /// The first value (from the side where the goal fails) at which it holds in at least half
    /// of the replications.
    pub answer: f64,
    /// Where it holds in at least 5% of replications.
    pub five: Boundary,
    /// Where it holds in at least 95% of replications.
    pub ninety_five: Boundary,
    /// Every value tried, in increasing order.
    pub evaluations: Vec<Evaluation>,
    /// Replications per value.
    pub replications: usize,
}

impl Answer {
    /// Simulation runs: values tried times replications.
    pub fn runs(&self) -> usize {
        self.evaluations.len() * self.replications
    }

    /// The evaluation at the answer.
    pub fn at_answer(&self) -> Option<&Evaluation> {
        self.evaluations.iter().find(|e| e.value == self.answer)
    }
}

/// Where the metric goes up and where it goes down.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    /// From this value…
    pub from: f64,
    /// …where the mean was this…
    pub from_mean: f64,
    /// …to this value…
    pub to: f64,
    /// …where it was this.
    pub to_mean: f64,
}

/// Why the search gives no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// The metric (or the share meeting the goal) goes up and down within the range.
    NotMonotone {
        /// What was seen to change direction: the metric, or the share meeting the goal.
        what: String,
        /// A clear rise.
        rise: Turn,
        /// A clear fall.
        fall: Turn,
    },
    /// The goal holds in fewer than half of the replications everywhere tried.
    NeverMet {
        /// The most favourable value tried.
        best: Evaluation,
        /// The other end.
        worst: Evaluation,
    },
    /// The goal holds in at least half of the replications even at the least favourable end.
    AlwaysMet {
        /// The least favourable end.
        worst: Evaluation,
    },
}

/// Confidence level at which a change against the direction counts as real: 99.9%, so that
/// the noise of many comparisons does not stop a search on a model that is monotone.
const CLEAR: f64 = 0.999;

/// Values tried first, spread evenly over the range (ends included).
const SCAN: usize = 7;

/// Share levels of the answer and of the two ends of its uncertainty range.
const LEVELS: [f64; 3] = [0.5, 0.05, 0.95];

/// Searches `grid` for the value meeting `goal`. `evaluate` runs the same replications at each
/// of the values it is given and returns, for each value, the metric in each replication as
/// [`Metric::goal_value`] gives it.
pub(super) fn search(
    grid: &Grid,
    goal: &Goal,
    mut evaluate: impl FnMut(&[f64]) -> Result<Vec<Vec<f64>>, Error>,
) -> Result<Result<Answer, Refusal>, Error> {
    let mut tried: BTreeMap<usize, Evaluation> = BTreeMap::new();
    let mut run = |indices: &[usize], tried: &mut BTreeMap<usize, Evaluation>| -> Result<(), Error> {
        let fresh: Vec<usize> = indices.iter().copied().filter(|i| !tried.contains_key(i)).collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let values: Vec<f64> = fresh.iter().map(|&i| grid.value(i)).collect();
        let results = evaluate(&values)?;
        for ((index, value), per_replication) in fresh.into_iter().zip(values).zip(results) {
            let met = per_replication.iter().filter(|&&v| goal.met(v)).count();
            tried.insert(
                index,
                Evaluation {
                    index,
                    value,
                    values: per_replication,
                    met,
                },
            );
        }
        Ok(())
    };

    // 1. A scan over the range.
    let last = grid.count - 1;
    let scan_size = SCAN.min(grid.count);
    let mut scan: Vec<usize> = (0..scan_size)
        .map(|k| {
            if scan_size == 1 {
                0
            } else {
                (k * last + (scan_size - 1) / 2) / (scan_size - 1)
            }
        })
        .collect();
    scan.dedup();
    run(&scan, &mut tried)?;
    let scanned: Vec<&Evaluation> = scan.iter().map(|i| &tried[i]).collect();
    let metric_turns = turns(&scanned, |e| e.values.clone());
    if let (Some(rise), Some(fall)) = metric_turns {
        return Ok(Err(Refusal::NotMonotone {
            what: goal.metric.label().into_owned(),
            rise,
            fall,
        }));
    }
    if let (Some(rise), Some(fall)) = turns(&scanned, |e| e.indicators(goal)) {
        return Ok(Err(Refusal::NotMonotone {
            what: "share of replications meeting the goal".to_owned(),
            rise,
            fall,
        }));
    }

    // 2. Which way the goal goes.
    let first = tried[&0].clone();
    let end = tried[&last].clone();
    let direction = if end.share() > first.share() {
        Direction::Smallest
    } else if end.share() < first.share() {
        Direction::Largest
    } else if first.share() >= 0.5 {
        return Ok(Err(Refusal::AlwaysMet { worst: first }));
    } else {
        return Ok(Err(Refusal::NeverMet {
            best: end,
            worst: first,
        }));
    };
    let (worst, best) = match direction {
        Direction::Smallest => (first, end),
        Direction::Largest => (end, first),
    };
    if best.share() < 0.5 {
        return Ok(Err(Refusal::NeverMet { best, worst }));
    }
    if worst.share() >= 0.5 {
        return Ok(Err(Refusal::AlwaysMet { worst }));
    }

    // 3. Bisection towards each level, in "steps from the worst end" j (0 = worst end).
    let to_index = |j: usize| match direction {
        Direction::Smallest => j,
        Direction::Largest => last - j,
    };
    let share_at = |tried: &BTreeMap<usize, Evaluation>, j: usize| tried[&to_index(j)].share();
    // For each level: (j where the share is below it, j where it reaches it); done when adjacent.
    let mut brackets: Vec<(usize, usize)> = LEVELS
        .iter()
        .map(|&level| bracket(&tried, level, last, &to_index))
        .collect();
    loop {
        let mut pending = Vec::new();
        for (k, &level) in LEVELS.iter().enumerate() {
            loop {
                let (low, high) = brackets[k];
                if high <= low + 1 {
                    break;
                }
                let mid = (low + high) / 2;
                if !tried.contains_key(&to_index(mid)) {
                    pending.push(to_index(mid));
                    break;
                }
                brackets[k] = if share_at(&tried, mid) >= level {
                    (low, mid)
                } else {
                    (mid, high)
                };
            }
        }
        if pending.is_empty() {
            break;
        }
        pending.sort_unstable();
        pending.dedup();
        run(&pending, &mut tried)?;
    }

    // 4. The share meeting the goal must not clearly go the wrong way between values tried.
    let against = Some(direction == Direction::Largest);
    let ordered: Vec<&Evaluation> = tried.values().collect();
    let share_turn = |x: &Evaluation, y: &Evaluation| Turn {
        from: x.value,
        from_mean: x.share(),
        to: y.value,
        to_mean: y.share(),
    };
    if let Some(pair) = ordered
        .windows(2)
        .find(|pair| clear_sign(&pair[0].indicators(goal), &pair[1].indicators(goal), CLEAR) == against)
    {
        let wrong = share_turn(pair[0], pair[1]);
        let (low_end, high_end) = match direction {
            Direction::Smallest => (&worst, &best),
            Direction::Largest => (&best, &worst),
        };
        let right = share_turn(low_end, high_end);
        let (rise, fall) = if wrong.to_mean > wrong.from_mean {
            (wrong, right)
        } else {
            (right, wrong)
        };
        return Ok(Err(Refusal::NotMonotone {
            what: "share of replications meeting the goal".to_owned(),
            rise,
            fall,
        }));
    }

    let at = |k: usize| grid.value(to_index(brackets[k].1));
    // The 5% boundary is at the least favourable end when the goal already holds there in 5%
    // of replications; the 95% one at the most favourable end when it holds there in fewer.
    let five = if worst.share() >= LEVELS[1] {
        Boundary::AtEnd(worst.value)
    } else {
        Boundary::At(at(1))
    };
    let ninety_five = if best.share() < LEVELS[2] {
        Boundary::AtEnd(best.value)
    } else {
        Boundary::At(at(2))
    };
    Ok(Ok(Answer {
        direction,
        answer: at(0),
        five,
        ninety_five,
        replications: first_len(&tried),
        evaluations: tried.into_values().collect(),
    }))
}

fn first_len(tried: &BTreeMap<usize, Evaluation>) -> usize {
    tried.values().next().map_or(0, |e| e.values.len())
}

/// The bracket (j below the level, j at or above it) around the first j (from the worst end)
/// where the share reaches `level`, from the values tried so far.
fn bracket(
    tried: &BTreeMap<usize, Evaluation>,
    level: f64,
    last: usize,
    to_index: &impl Fn(usize) -> usize,
) -> (usize, usize) {
    // `to_index` turns grid indices into steps from the worst end as well (it is its own inverse).
    let mut known: Vec<(usize, f64)> = tried.iter().map(|(&i, e)| (to_index(i), e.share())).collect();
    known.sort_by_key(|&(j, _)| j);
    let Some(&(high, _)) = known.iter().find(|&&(_, share)| share >= level) else {
        // Never reached: the boundary is at (or beyond) the favourable end.
        return (last, last);
    };
    if high == 0 {
        return (0, 0);
    }
    let low = known.iter().rev().find(|&&(j, _)| j < high).map_or(0, |&(j, _)| j);
    (low, high)
}

/// A clear rise and a clear fall of the mean of `values` between consecutive evaluations.
fn turns(evaluations: &[&Evaluation], values: impl Fn(&Evaluation) -> Vec<f64>) -> (Option<Turn>, Option<Turn>) {
    let mean = |v: &[f64]| {
        let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if finite.is_empty() {
            f64::NAN
        } else {
            finite.iter().sum::<f64>() / finite.len() as f64
        }
    };
    let (mut rise, mut fall) = (None, None);
    for pair in evaluations.windows(2) {
        let (a, b) = (values(pair[0]), values(pair[1]));
        let turn = Turn {
            from: pair[0].value,
            from_mean: mean(&a),
            to: pair[1].value,
            to_mean: mean(&b),
        };
        match clear_sign(&a, &b, CLEAR) {
            Some(true) if rise.is_none() => rise = Some(turn),
            Some(false) if fall.is_none() => fall = Some(turn),
            _ => {}
        }
    }
    (rise, fall)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goal(limit: f64) -> Goal {
        Goal {
            metric: Metric::FirstEmptyDay,
            bound: Bound::AtMost(limit),
        }
    }

    /// 1,000 people, quota q called at the start of each day: the list is empty at the end of
    /// day ceil(1000 / q) - 1.
    fn empty_day(q: f64) -> f64 {
        if q <= 0.0 {
            f64::INFINITY
        } else {
            (1000.0 / q).ceil() - 1.0
        }
    }

    #[test]
    fn finds_the_smallest_quota_on_a_deterministic_case() {
        let grid = Grid::new(10.0, 1000.0, 1.0, Some(0));
        let mut calls = 0;
        let answer = search(&grid, &goal(4.0), |values| {
            calls += 1;
            Ok(values.iter().map(|&q| vec![empty_day(q)]).collect())
        })
        .unwrap()
        .unwrap();
        assert_eq!(answer.direction, Direction::Smallest);
        assert_eq!(answer.answer, 200.0);
        assert_eq!(answer.five, Boundary::At(200.0));
        assert_eq!(answer.ninety_five, Boundary::At(200.0));
        assert!(
            answer.evaluations.len() < 25,
            "{} values tried",
            answer.evaluations.len()
        );
        assert!(calls < 15, "{calls} batches");
    }

    #[test]
    fn finds_the_largest_value_when_the_goal_falls() {
        // Goal: at least 5 days until the list empties; the largest quota that keeps it so.
        let grid = Grid::new(10.0, 1000.0, 1.0, Some(0));
        let at_least = Goal {
            metric: Metric::FirstEmptyDay,
            bound: Bound::AtLeast(5.0),
        };
        let answer = search(&grid, &at_least, |values| {
            Ok(values.iter().map(|&q| vec![empty_day(q)]).collect())
        })
        .unwrap()
        .unwrap();
        assert_eq!(answer.direction, Direction::Largest);
        // ceil(1000 / q) - 1 >= 5 while q < 200.
        assert_eq!(answer.answer, 199.0);
    }

    #[test]
    fn spreads_the_uncertainty_over_replications() {
        // Replication r empties one day later per 10 replications: thresholds differ.
        let grid = Grid::new(10.0, 1000.0, 1.0, Some(0));
        let answer = search(&grid, &goal(4.0), |values| {
            Ok(values
                .iter()
                .map(|&q| (0..20).map(|r| empty_day(q * (1.0 - 0.01 * r as f64))).collect())
                .collect())
        })
        .unwrap()
        .unwrap();
        // Replication r meets the goal from 200 / (1 - 0.01 r): 200 for r = 0, 220 for r = 9,
        // 244 for r = 18.
        assert_eq!(answer.five, Boundary::At(200.0));
        assert_eq!(answer.answer, 220.0);
        assert_eq!(answer.ninety_five, Boundary::At(244.0));
    }

    #[test]
    fn refuses_goals_out_of_reach_and_non_monotone_metrics() {
        let grid = Grid::new(10.0, 100.0, 1.0, Some(0));
        let refusal = search(&grid, &goal(4.0), |values| {
            Ok(values.iter().map(|&q| vec![empty_day(q)]).collect())
        })
        .unwrap()
        .unwrap_err();
        assert!(matches!(refusal, Refusal::NeverMet { .. }), "{refusal:?}");
        let refusal = search(&grid, &goal(500.0), |values| {
            Ok(values.iter().map(|&q| vec![empty_day(q)]).collect())
        })
        .unwrap()
        .unwrap_err();
        assert!(matches!(refusal, Refusal::AlwaysMet { .. }), "{refusal:?}");
        // A bump in the middle of the range.
        let bump = |q: f64| if (40.0..70.0).contains(&q) { 9.0 } else { 1.0 };
        let wait = Goal {
            metric: Metric::WaitMean,
            bound: Bound::AtMost(5.0),
        };
        let refusal = search(&grid, &wait, |values| {
            Ok(values.iter().map(|&q| vec![bump(q)]).collect())
        })
        .unwrap()
        .unwrap_err();
        assert!(matches!(refusal, Refusal::NotMonotone { .. }), "{refusal:?}");
    }

    #[test]
    fn grids_round_their_values() {
        let grid = Grid::new(0.1, 0.5, 0.1, Some(1));
        assert_eq!(grid.count, 5);
        assert_eq!(grid.value(2), 0.3);
        assert_eq!(grid.high(), 0.5);
        assert_eq!(Grid::new(5.0, 5.0, 1.0, Some(0)).count, 1);
    }
}
