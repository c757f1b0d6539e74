//! A fit as a table, as CSV (every evaluation: fit.csv) and as JSON (fit.json).

use super::{Fit, FittedParam, VARIANCE_FLOOR};
use crate::analysis::align;
use crate::analysis::target::DayOrDate;
use crate::format::thousands;
use serde_json::{Map, Value as Json, json};

/// A number with at most four significant digits, without trailing zeros: `58.27`, `0.4213`,
/// `18500`.
pub(crate) fn significant(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    if value == 0.0 {
        return "0".to_owned();
    }
    let places = (3 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.places$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// A value of parameter `p` as tables and comments show it.
pub(crate) fn show(p: &FittedParam, value: f64) -> String {
    if p.integer {
        format!("{}", value.round())
    } else {
        significant(value)
    }
}

/// `0.31–0.55`, with `(cut at the range's end)` where it reaches a bound; `–` without one.
fn interval(p: &FittedParam) -> String {
    match (p.ci95_low, p.ci95_high) {
        (Some(low), Some(high)) => {
            let cut = if p.ci95_low_at_bound || p.ci95_high_at_bound {
                " (cut at the range's end)"
            } else {
                ""
            };
            format!("{}–{}{cut}", show(p, low), show(p, high))
        }
        _ => "–".to_owned(),
    }
}

/// The comment on a fitted value in scenario.toml.
pub(crate) fn fitted_comment(p: &FittedParam, observed: &str) -> String {
    let interval = match (p.ci95_low, p.ci95_high) {
        (Some(low), Some(high)) => {
            let cut = if p.ci95_low_at_bound || p.ci95_high_at_bound {
                ", cut at the end of the range"
            } else {
                ""
            };
            format!("95% CI {}-{}{cut}", show(p, low), show(p, high))
        }
        _ => "no 95% CI: the likelihood has no clear peak".to_owned(),
    };
    format!(
        "fitted: {} ({interval}) to {observed} by backlog fit",
        show(p, p.estimate)
    )
}

/// A count of people: `18,500`, or one decimal below 100.
fn people(value: f64) -> String {
    if value.is_finite() && value.abs() < 100.0 && value.fract() != 0.0 {
        format!("{value:.1}")
    } else {
        thousands(value)
    }
}

impl crate::report::Render for Fit {
    /// The parameters with their intervals, then each figure against the fitted scenario.
    fn to_table(&self) -> String {
        let p = &self.provenance;
        let figures = self.observations.len();
        let mut out = format!(
            "{}: fitted to {} ({figures} recorded figure{})\n",
            self.scenario,
            self.observed,
            if figures == 1 { "" } else { "s" }
        );
        out.push_str(&format!(
            "{}; {} at every value tried, the same ones (common random numbers); seed {}; backlog {}\n",
            self.period,
            crate::format::replications(p.replications),
            p.seed,
            p.version
        ));
        let searched = self.evaluations.len();
        out.push_str(&format!(
            "Gaussian synthetic likelihood (Wood 2010); Nelder–Mead over the ranges: {searched} values evaluated, {}; log-likelihood at the estimate {:.2}\n\n",
            if self.converged { "converged" } else { "stopped before converging" },
            self.log_likelihood
        ));
        let mut rows = vec![vec![
            "parameter".to_owned(),
            "estimate".to_owned(),
            "95% interval".to_owned(),
            "range".to_owned(),
            "scenario".to_owned(),
        ]];
        for param in &self.params {
            rows.push(vec![
                param.path.clone(),
                show(param, param.estimate),
                interval(param),
                format!("{}–{}", show(param, param.low), show(param, param.high)),
                param.scenario_value.map_or_else(|| "–".to_owned(), |v| show(param, v)),
            ]);
        }
        out.push_str(&align(&rows));
        if let Some(correlation) = self.correlation.as_ref().filter(|c| c.len() > 1) {
            out.push_str("\nCorrelation of the estimates\n");
            let mut rows = vec![
                std::iter::once(String::new())
                    .chain((1..=self.params.len()).map(|i| format!("[{i}]")))
                    .collect::<Vec<_>>(),
            ];
            for (i, (param, row)) in self.params.iter().zip(correlation).enumerate() {
                let mut cells = vec![format!("[{}] {}", i + 1, param.path)];
                // `+0.00` and `-0.00` read as zero.
                cells.extend(
                    row.iter()
                        .map(|c| format!("{:.2}", if c.abs() < 0.005 { 0.0 } else { *c })),
                );
                rows.push(cells);
            }
            out.push_str(&align(&rows));
        }
        out.push_str("\nRecorded figures against the fitted scenario (mean and 5%–95% of its runs; z: standard deviations of the likelihood)\n");
        let mut rows = vec![
            [
                "when",
                "scope",
                "series",
                "recorded",
                "range",
                "simulated",
                "5%–95%",
                "z",
            ]
            .map(str::to_owned)
            .to_vec(),
        ];
        for o in &self.observations {
            let figure = &o.observation;
            rows.push(vec![
                figure.when_text(),
                figure.scope.clone(),
                figure.series.name().to_owned(),
                people(figure.value),
                match (figure.low, figure.high) {
                    (Some(low), Some(high)) => format!("{}–{}", people(low), people(high)),
                    _ => "–".to_owned(),
                },
                people(o.simulated_mean),
                format!("{}–{}", people(o.simulated_p5), people(o.simulated_p95)),
                format!("{:+.2}", o.z_score),
            ]);
        }
        out.push_str(&align(&rows));
        out
    }

    /// Every set of values evaluated, with its log-likelihood (fit.csv).
    fn to_csv(&self) -> String {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let mut header = vec!["evaluation".to_owned(), "phase".to_owned()];
        header.extend(self.params.iter().map(|p| p.path.clone()));
        header.push("log_likelihood".to_owned());
        let _ = writer.write_record(&header);
        for (i, evaluation) in self.evaluations.iter().enumerate() {
            let mut row = vec![(i + 1).to_string(), evaluation.phase.name().to_owned()];
            row.extend(evaluation.values.iter().map(|v| format!("{v}")));
            row.push(format!("{}", evaluation.log_likelihood));
            let _ = writer.write_record(&row);
        }
        writer
            .into_inner()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// Everything: the method, the parameters, the correlations and each figure (fit.json).
    fn to_json(&self) -> String {
        let mut params = Map::new();
        for p in &self.params {
            params.insert(
                p.path.clone(),
                json!({
                    "estimate": p.estimate,
                    "ci95_low": p.ci95_low,
                    "ci95_high": p.ci95_high,
                    "ci95_low_at_bound": p.ci95_low_at_bound,
                    "ci95_high_at_bound": p.ci95_high_at_bound,
                    "sd": p.sd,
                    "low": p.low,
                    "high": p.high,
                    "integer": p.integer,
                    "scenario_value": p.scenario_value,
                }),
            );
        }
        let correlation = self.correlation.as_ref().map(|matrix| {
            json!({
                "params": self.params.iter().map(|p| p.path.clone()).collect::<Vec<_>>(),
                "matrix": matrix,
            })
        });
        let observations: Vec<Json> = self
            .observations
            .iter()
            .map(|o| {
                let figure = &o.observation;
                let (date, day) = match figure.when {
                    DayOrDate::Date(date) => (Some(date.to_string()), figure.day),
                    DayOrDate::Day(_) => (None, figure.day),
                };
                json!({
                    "line": figure.line,
                    "date": date,
                    "day": day,
                    "scope": figure.scope,
                    "series": figure.series.name(),
                    "observed": figure.value,
                    "low": figure.low,
                    "high": figure.high,
                    "source": figure.source,
                    "note": figure.note,
                    "simulated": {
                        "mean": o.simulated_mean,
                        "sd": o.simulated_sd,
                        "p5": o.simulated_p5,
                        "p95": o.simulated_p95,
                    },
                    "z_score": o.z_score,
                })
            })
            .collect();
        let steps: Map<String, Json> = self
            .params
            .iter()
            .zip(&self.curvature_steps)
            .map(|(p, step)| (p.path.clone(), json!(step * (p.high - p.low))))
            .collect();
        let document = json!({
            "provenance": self.provenance,
            "observed": self.observed,
            "method": {
                "likelihood": "Gaussian synthetic likelihood (Wood 2010), figures independent (diagonal covariance)",
                "variance": "s^2 (1 + 1/R) + ((high - low) / (2 * 1.96))^2, at least variance_floor",
                "variance_floor": VARIANCE_FLOOR,
                "search": "Nelder-Mead (argmin) over the ranges mapped to the unit box, common random numbers",
                "uncertainty": "inverse of the Fisher information of the synthetic likelihood at the estimate (central differences of the simulated means and variances); 95% interval estimate +/- t sd, t the 97.5% quantile of Student's t with R - 1 degrees of freedom, cut at the range",
                "curvature_steps": steps,
                "max_evals": self.max_evals,
                "evaluations": self.evaluations.len(),
                "converged": self.converged,
            },
            "log_likelihood": self.log_likelihood,
            "params": params,
            "correlation": correlation,
            "observations": observations,
            "notes": self.notes,
        });
        let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_four_significant_digits() {
        assert_eq!(significant(58.2736), "58.27");
        assert_eq!(significant(0.421_349), "0.4213");
        assert_eq!(significant(18_500.4), "18500");
        assert_eq!(significant(2.5), "2.5");
        assert_eq!(significant(0.0), "0");
        assert_eq!(significant(-0.5), "-0.5");
    }
}
