//! Sweeps: the values of one or two parameters (`--values 50,100,150` or `--range 50:300:25`)
//! and the grid of points they make, each point a set of overrides of the scenario.

use crate::analysis::{Metric, Runs};
use crate::error::{Diagnostic, InputError};
use crate::overrides::{self, Change};
use crate::stats::summary::Estimate;
use toml_edit::Value;

/// Most points one sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// One swept parameter and its values, in order.
#[derive(Debug, Clone)]
pub struct Axis {
    /// Dotted path, as for `--set`.
    pub(crate) path: String,
    /// The values.
    pub(crate) values: Vec<Value>,
}

impl Axis {
    /// The dotted path of the parameter.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The values, as written in TOML (`150`, `"lifo"`).
    pub fn values(&self) -> Vec<String> {
        self.values
            .iter()
            .map(|value| value.to_string().trim().to_owned())
            .collect()
    }

    /// The last key of the path (`quota_per_day`), for headings and folder names.
    pub fn short_name(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }
}

fn input(message: impl Into<String>, help: impl Into<String>) -> InputError {
    InputError::single(Diagnostic::new(message).with_help(help))
}

/// Splits at commas that are not inside brackets, braces or quotes.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, ch) in text.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Values written as a comma-separated list: `50,100,150`, `fifo,lifo`, `2018-11-13,2018-11-20`.
pub(super) fn parse_values(text: &str) -> Result<Vec<Value>, InputError> {
    let parts = split_top_level(text);
    if parts.iter().any(|part| part.trim().is_empty()) {
        return Err(input(
            format!("--values `{text}` has an empty value"),
            "write the values separated by commas, e.g. --values 50,100,150",
        ));
    }
    Ok(parts.into_iter().map(overrides::parse_value).collect())
}

/// Decimal places written in a number (`0.25` → 2); `None` for exponents.
fn decimals(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.contains(['e', 'E']) {
        return None;
    }
    Some(text.split_once('.').map_or(0, |(_, fraction)| fraction.len() as u32))
}

fn number(text: &str, what: &str, spec: &str) -> Result<f64, InputError> {
    let value: f64 = text.trim().replace('_', "").parse().map_err(|_| {
        input(
            format!("--range `{spec}`: the {what} `{text}` is not a number"),
            "write --range LOW:HIGH:STEP, e.g. --range 50:300:25",
        )
    })?;
    if !value.is_finite() {
        return Err(input(
            format!("--range `{spec}`: the {what} must be a finite number"),
            "write --range LOW:HIGH:STEP, e.g. --range 50:300:25",
        ));
    }
    Ok(value)
}

/// Evenly spaced numbers from `low` to `high` (included when it falls on a step), as written
/// `LOW:HIGH:STEP`, or `LOW:HIGH` for 11 values. Whole numbers become integers, so that keys
/// that take integers (officers, seeds) can be swept.
pub(super) fn parse_range(spec: &str) -> Result<Vec<Value>, InputError> {
    let parts: Vec<&str> = spec.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(input(
            format!("--range expects LOW:HIGH:STEP, got `{spec}`"),
            "for example --range 50:300:25 (50, 75, … 300)",
        ));
    }
    let low = number(parts[0], "low end", spec)?;
    let high = number(parts[1], "high end", spec)?;
    if high < low {
        return Err(input(
            format!("--range `{spec}`: the high end is below the low end"),
            format!(
                "write it the other way round: --range {}:{}{}",
                parts[1],
                parts[0],
                parts.get(2).map_or(String::new(), |s| format!(":{s}"))
            ),
        ));
    }
    let (step, mut places) = match parts.get(2) {
        Some(step_text) => (number(step_text, "step", spec)?, decimals(step_text)),
        None => {
            let step = (high - low) / 10.0;
            (step, if step.fract() == 0.0 { Some(0) } else { None })
        }
    };
    if step <= 0.0 && high > low {
        return Err(input(
            format!("--range `{spec}`: the step must be above 0"),
            "for example --range 50:300:25",
        ));
    }
    for part in &parts[..2] {
        places = match (places, decimals(part)) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    let count = if high > low {
        ((high - low) / step + 1e-9).floor() as usize + 1
    } else {
        1
    };
    if count > MAX_POINTS {
        return Err(input(
            format!("--range `{spec}` makes {count} values, more than {MAX_POINTS}"),
            "use a larger step",
        ));
    }
    Ok((0..count)
        .map(|i| {
            let raw = low + i as f64 * step;
            let value = match places {
                Some(p) => {
                    let scale = 10f64.powi(p as i32);
                    (raw * scale).round() / scale
                }
                None => raw,
            };
            if places == Some(0) && value.abs() < 9.0e15 {
                Value::from(value as i64)
            } else {
                Value::from(value)
            }
        })
        .collect())
}

/// Every combination of the axes' values (the first axis varies slowest), each as the
/// overrides that make that point.
pub(crate) fn grid(axes: &[Axis]) -> Result<Vec<Vec<Change>>, InputError> {
    let total: usize = axes.iter().map(|axis| axis.values.len()).product();
    if total > MAX_POINTS {
        return Err(input(
            format!("the sweep has {total} points, more than {MAX_POINTS}"),
            "use fewer values",
        ));
    }
    let mut points: Vec<Vec<Change>> = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|point| {
                axis.values.iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(Change::new(&axis.path, value.clone()));
                    next
                })
            })
            .collect();
    }
    Ok(points)
}

/// A value as a number, if it is one.
pub(crate) fn numeric(value: &Value) -> Option<f64> {
    value.as_float().or_else(|| value.as_integer().map(|i| i as f64))
}

/// The estimates of one sweep point.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PointSummary {
    /// The swept values as shown (strings without quotes), in axis order.
    pub values: Vec<String>,
    /// Mean and 95% interval of each metric, in [`Metric::ALL`] order, then the shares over
    /// the days asked for.
    pub metrics: Vec<(Metric, Estimate)>,
    /// Replications in which the list emptied.
    pub emptied: usize,
    /// Replications.
    pub replications: usize,
}

impl PointSummary {
    /// Summarises the runs of one point.
    pub(crate) fn new(point: &[Change], runs: &Runs) -> PointSummary {
        PointSummary {
            values: point.iter().map(Change::value_shown).collect(),
            metrics: runs.metrics().into_iter().map(|m| (m, runs.estimate(m))).collect(),
            emptied: runs.emptied(),
            replications: runs.len(),
        }
    }

    /// The estimate of one metric.
    pub(crate) fn estimate(&self, metric: Metric) -> Estimate {
        self.metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .map_or(Estimate::from_values(&[]), |(_, e)| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[Value]) -> Vec<String> {
        values.iter().map(|v| v.to_string().trim().to_owned()).collect()
    }

    #[test]
    fn ranges_are_inclusive_and_round() {
        assert_eq!(texts(&parse_range("50:300:25").unwrap()).len(), 11);
        assert_eq!(texts(&parse_range("50:300:25").unwrap())[10], "300");
        assert_eq!(
            texts(&parse_range("0.1:0.5:0.1").unwrap()),
            ["0.1", "0.2", "0.3", "0.4", "0.5"]
        );
        assert_eq!(texts(&parse_range("1:10:4").unwrap()), ["1", "5", "9"]);
        assert_eq!(texts(&parse_range("0:100").unwrap()).len(), 11);
        assert_eq!(texts(&parse_range("5:5:1").unwrap()), ["5"]);
        assert!(parse_range("300:50:25").is_err());
        assert!(parse_range("50:300:0").is_err());
        assert!(parse_range("50:abc:1").is_err());
        assert!(parse_range("50").is_err());
        assert!(parse_range("0:1000000:1").is_err());
    }

    #[test]
    fn value_lists_keep_tables_whole() {
        let values = parse_values("50, 100,fifo,{ dist = \"fixed\", value = 3 },[1, 2]").unwrap();
        assert_eq!(values.len(), 5);
        assert_eq!(values[0].as_integer(), Some(50));
        assert_eq!(values[2].as_str(), Some("fifo"));
        assert!(values[3].is_inline_table());
        assert!(values[4].is_array());
        assert!(parse_values("1,,2").is_err());
    }

    #[test]
    fn grids_vary_the_first_axis_slowest() {
        let axes = [
            Axis {
                path: "a.x".into(),
                values: parse_values("1,2").unwrap(),
            },
            Axis {
                path: "b.y".into(),
                values: parse_values("3,4,5").unwrap(),
            },
        ];
        let points = grid(&axes).unwrap();
        assert_eq!(points.len(), 6);
        let shown: Vec<String> = points[1].iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["a.x=1", "b.y=4"]);
        assert_eq!(axes[1].short_name(), "y");
    }
}
