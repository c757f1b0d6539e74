//! Finding the most likely parameters and how well the figures pin them down.
//!
//! Every parameter is mapped to the unit interval (`LOW` at 0, `HIGH` at 1), so that the search
//! treats all of them alike. The search is Nelder–Mead (argmin's), started from the scenario's
//! values; a point it tries outside the box costs as much as the nearest point of the box plus a
//! penalty for the distance, so the best point found is always inside.
//!
//! The uncertainty comes from the curvature of the likelihood at the best point: the Fisher
//! information of the Gaussian synthetic likelihood,
//!
//! I_jl = Σᵢ [ ∂μᵢ/∂θ_j · ∂μᵢ/∂θ_l / vᵢ + ½ · ∂vᵢ/∂θ_j · ∂vᵢ/∂θ_l / vᵢ² ],
//!
//! with the derivatives of the simulated means μᵢ and variances vᵢ by central differences (2k + 1
//! evaluations for k parameters), whose inverse is the covariance of the estimates. (The
//! Hessian of −log L by second differences, tried first, was too noisy: with common random
//! numbers the log-likelihood is a fine staircase in the parameters, and its second
//! differences gave standard errors off by factors of two or three from one fit to the next.)

use crate::error::Error;
use argmin::core::{CostFunction, Executor, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;
use argmin_math::{ArgminAdd, ArgminMul, ArgminSub};
use std::cell::RefCell;

/// What the search is evaluating, for the record of evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The first simplex: the scenario's values and a step along each parameter.
    Start,
    /// A point Nelder–Mead tried.
    Search,
    /// A point of the finite-difference stencil of the curvature.
    Curvature,
    /// The estimate, as written into the fitted scenario.
    Fitted,
}

impl Phase {
    /// The name in fit.csv.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Start => "start",
            Phase::Search => "search",
            Phase::Curvature => "curvature",
            Phase::Fitted => "fitted",
        }
    }
}

/// Why an evaluation did not happen.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The evaluations allowed are used up.
    Budget,
    /// A run failed or was cancelled.
    Failed(Error),
}

/// −log L at a point of the unit box.
pub(crate) type Cost<'a> = dyn Fn(&[f64], Phase) -> Result<f64, Stop> + 'a;

/// Step of the first simplex along each parameter, in units of its range.
const START_STEP: f64 = 0.2;

/// The search stops when the costs of the simplex's points differ by less than this (standard
/// deviation, log-likelihood units): far less than any difference that matters.
const COST_TOLERANCE: f64 = 1e-3;

/// Cost added per unit of distance outside the box.
const OUTSIDE_PENALTY: f64 = 1e6;

/// First step of the differences of the curvature, in units of each parameter's range.
pub(crate) const CURVATURE_STEP: f64 = 0.05;

/// A point as argmin's Nelder–Mead sees it: a vector it can add, subtract and scale.
#[derive(Debug, Clone, PartialEq)]
struct Point(Vec<f64>);

impl ArgminAdd<Point, Point> for Point {
    fn add(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a + b).collect())
    }
}

impl ArgminSub<Point, Point> for Point {
    fn sub(&self, other: &Point) -> Point {
        Point(self.0.iter().zip(&other.0).map(|(a, b)| a - b).collect())
    }
}

impl ArgminMul<f64, Point> for Point {
    fn mul(&self, factor: &f64) -> Point {
        Point(self.0.iter().map(|a| a * factor).collect())
    }
}

/// The nearest point of the unit box, and the distance to it.
fn into_box(point: &[f64]) -> (Vec<f64>, f64) {
    let inside: Vec<f64> = point.iter().map(|x| x.clamp(0.0, 1.0)).collect();
    let distance = point
        .iter()
        .zip(&inside)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    (inside, distance)
}

/// The cost function argmin minimises: −log L at the nearest point of the box, plus the
/// penalty; the best point evaluated and the reason of a stop are kept aside.
struct Problem<'a> {
    cost: &'a Cost<'a>,
    best: RefCell<Option<(Vec<f64>, f64)>>,
    stop: RefCell<Option<Stop>>,
}

impl Problem<'_> {
    fn evaluate(&self, point: &[f64], phase: Phase) -> Result<f64, Stop> {
        let (inside, distance) = into_box(point);
        let cost = (self.cost)(&inside, phase)?;
        let mut best = self.best.borrow_mut();
        if best.as_ref().is_none_or(|(_, lowest)| cost < *lowest) {
            *best = Some((inside, cost));
        }
        Ok(cost + OUTSIDE_PENALTY * distance)
    }
}

/// The outcome of the search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    /// The best point evaluated, in the unit box.
    pub best: Vec<f64>,
    /// −log L there.
    pub cost: f64,
    /// Whether Nelder–Mead converged (else the evaluations allowed ran out).
    pub converged: bool,
}

/// Minimises `cost` over the unit box by Nelder–Mead from `start`.
///
/// The first simplex (`start` and a step of [`START_STEP`] along each parameter, inwards) is
/// evaluated here, before argmin is called, so that argmin's own first evaluations (whose
/// errors it cannot return) find them done. Running out of evaluations ends the search with
/// the best point so far; a failed run ends it with the error.
pub(crate) fn minimise(cost: &Cost<'_>, start: &[f64]) -> Result<Found, Error> {
    let problem = Problem {
        cost,
        best: RefCell::new(None),
        stop: RefCell::new(None),
    };
    let mut simplex = vec![Point(start.to_vec())];
    for j in 0..start.len() {
        let mut vertex = start.to_vec();
        vertex[j] = if vertex[j] + START_STEP <= 1.0 {
            vertex[j] + START_STEP
        } else {
            vertex[j] - START_STEP
        };
        simplex.push(Point(vertex));
    }
    for vertex in &simplex {
        match problem.evaluate(&vertex.0, Phase::Start) {
            Ok(_) => {}
            Err(Stop::Budget) => return best_so_far(&problem, false),
            Err(Stop::Failed(error)) => return Err(error),
        }
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(COST_TOLERANCE)
        .map_err(|error| Error::Search(format!("Nelder–Mead could not start: {error}")))?;
    let outcome = Executor::new(&problem, solver)
        .configure(|state| state.max_iters(u64::MAX))
        .run();
    let converged = match outcome {
        Ok(result) => matches!(
            result.state().get_termination_reason(),
            Some(TerminationReason::SolverConverged)
        ),
        Err(_) => match problem.stop.borrow_mut().take() {
            Some(Stop::Failed(error)) => return Err(error),
            Some(Stop::Budget) => false,
            None => return Err(Error::Search("Nelder–Mead stopped without a reason".to_owned())),
        },
    };
    best_so_far(&problem, converged)
}

fn best_so_far(problem: &Problem<'_>, converged: bool) -> Result<Found, Error> {
    match problem.best.borrow_mut().take() {
        Some((best, cost)) => Ok(Found { best, cost, converged }),
        None => Err(Error::Search(
            "the search ran out of evaluations before it evaluated any point".to_owned(),
        )),
    }
}

/// argmin runs a reference to the problem, so that the best point and the reason of a stop
/// can be read after it returns.
impl CostFunction for &Problem<'_> {
    type Param = Point;
    type Output = f64;

    fn cost(&self, point: &Point) -> Result<f64, argmin::core::Error> {
        self.evaluate(&point.0, Phase::Search).map_err(|stop| {
            *self.stop.borrow_mut() = Some(stop);
            argmin::core::Error::msg("the search stopped")
        })
    }
}

/// Each figure's simulated mean μᵢ and variance vᵢ (as the likelihood has it) at a point of
/// the unit box.
pub(crate) type Moments<'a> = dyn Fn(&[f64], Phase) -> Result<Vec<(f64, f64)>, Stop> + 'a;

/// The curvature of the likelihood at a point: the Fisher information (in units of each
/// parameter's range) and, when it is positive definite, its inverse.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Curvature {
    /// The Fisher information, unit-box coordinates.
    pub information: Vec<Vec<f64>>,
    /// Its inverse, the covariance of the estimates in unit-box coordinates (`None` when the
    /// information is not positive definite: the figures do not pin the parameters down).
    pub covariance: Option<Vec<Vec<f64>>>,
    /// The steps of the differences, unit-box coordinates.
    pub steps: Vec<f64>,
}

/// The smallest step of the differences of a parameter that is not a whole number, in units of
/// its range.
const MIN_STEP: f64 = 1e-3;

/// A step of a parameter: a whole number of grid spacings (at least one) for whole-number
/// parameters (`spacing`: one unit, in units of the range), else as it is; at most half the
/// range.
fn on_grid(step: f64, spacing: Option<f64>) -> f64 {
    match spacing {
        Some(s) => ((step / s).round().max(1.0) * s).min(0.5),
        None => step.clamp(MIN_STEP, 0.5),
    }
}

/// The curvature at `at` with steps `steps`: central differences around the nearest point at
/// least one step inside the box (the point itself unless it is within a step of a bound), on
/// the grid of whole units of whole-number parameters (`spacings`).
fn curvature_with(
    moments: &Moments<'_>,
    at: &[f64],
    steps: &[f64],
    spacings: &[Option<f64>],
) -> Result<Curvature, Stop> {
    let k = at.len();
    let center: Vec<f64> = at
        .iter()
        .zip(steps)
        .zip(spacings)
        .map(|((&x, &h), spacing)| {
            let x = x.clamp(h, 1.0 - h);
            spacing.map_or(x, |s| (x / s).round() * s)
        })
        .collect();
    let variances: Vec<f64> = moments(&center, Phase::Curvature)?.iter().map(|&(_, v)| v).collect();
    // For each parameter, each figure's derivatives of (μ, v).
    let mut derivatives: Vec<Vec<(f64, f64)>> = Vec::with_capacity(k);
    for j in 0..k {
        let mut point = center.clone();
        point[j] = center[j] + steps[j];
        let plus = moments(&point, Phase::Curvature)?;
        point[j] = center[j] - steps[j];
        let minus = moments(&point, Phase::Curvature)?;
        derivatives.push(
            plus.iter()
                .zip(&minus)
                .map(|(p, m)| ((p.0 - m.0) / (2.0 * steps[j]), (p.1 - m.1) / (2.0 * steps[j])))
                .collect(),
        );
    }
    let information: Vec<Vec<f64>> = (0..k)
        .map(|j| {
            (0..k)
                .map(|l| {
                    derivatives[j]
                        .iter()
                        .zip(&derivatives[l])
                        .zip(&variances)
                        .map(|((dj, dl), v)| dj.0 * dl.0 / v + 0.5 * dj.1 * dl.1 / (v * v))
                        .sum()
                })
                .collect()
        })
        .collect();
    Ok(Curvature {
        covariance: inverse_positive_definite(&information),
        information,
        steps: steps.to_vec(),
    })
}

/// Evaluations [`curvature`] may make with `k` parameters: two passes of the centre and a
/// point either side along each parameter.
pub(crate) fn curvature_evaluations(k: usize) -> usize {
    2 * (1 + 2 * k)
}

/// The curvature at `at`: first with steps of [`CURVATURE_STEP`]; then, where that step is
/// wider than the standard deviation it implies (so that the means may not be straight over
/// it), again with steps of one standard deviation. Whole-number parameters (those with a
/// `spacing`) step by whole units.
pub(crate) fn curvature(moments: &Moments<'_>, at: &[f64], spacings: &[Option<f64>]) -> Result<Curvature, Stop> {
    let first_steps: Vec<f64> = spacings.iter().map(|&s| on_grid(CURVATURE_STEP, s)).collect();
    let first = curvature_with(moments, at, &first_steps, spacings)?;
    let Some(covariance) = &first.covariance else {
        return Ok(first);
    };
    let narrower: Vec<f64> = first_steps
        .iter()
        .zip(spacings)
        .enumerate()
        .map(|(j, (&h, &s))| on_grid(covariance[j][j].sqrt().min(h), s))
        .collect();
    if narrower == first_steps {
        return Ok(first);
    }
    let second = curvature_with(moments, at, &narrower, spacings)?;
    Ok(if second.covariance.is_some() { second } else { first })
}

/// The inverse of a symmetric matrix by its Cholesky factor, or `None` when the matrix is not
/// positive definite (or not finite).
pub(crate) fn inverse_positive_definite(matrix: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = matrix.len();
    // Lower-triangular L with L Lᵀ = matrix.
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let sum: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = matrix[i][i] - sum;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (matrix[i][j] - sum) / l[j][j];
            }
        }
    }
    // Solve L Lᵀ x = e_c for each column c; the matrix is symmetric, so column c is row c.
    let inverse: Vec<Vec<f64>> = (0..n)
        .map(|c| {
            let mut y = vec![0.0; n];
            for i in 0..n {
                let e = if i == c { 1.0 } else { 0.0 };
                y[i] = (e - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
            }
            let mut x = vec![0.0; n];
            for i in (0..n).rev() {
                x[i] = (y[i] - (i + 1..n).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
            }
            x
        })
        .collect();
    inverse.iter().flatten().all(|v| v.is_finite()).then_some(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A quadratic bowl with its minimum at `center` and Hessian `a`.
    fn bowl(center: Vec<f64>, a: Vec<Vec<f64>>) -> impl Fn(&[f64], Phase) -> Result<f64, Stop> {
        move |x: &[f64], _| {
            let d: Vec<f64> = x.iter().zip(&center).map(|(x, c)| x - c).collect();
            let mut sum = 0.0;
            for (di, row) in d.iter().zip(&a) {
                for (dj, aij) in d.iter().zip(row) {
                    sum += 0.5 * di * aij * dj;
                }
            }
            Ok(sum)
        }
    }

    #[test]
    fn finds_the_minimum_of_a_bowl() {
        let cost = bowl(vec![0.3, 0.7], vec![vec![400.0, 120.0], vec![120.0, 900.0]]);
        let found = minimise(&cost, &[0.5, 0.5]).unwrap();
        assert!(found.converged);
        assert!(
            (found.best[0] - 0.3).abs() < 2e-3 && (found.best[1] - 0.7).abs() < 2e-3,
            "{found:?}"
        );
    }

    #[test]
    fn a_minimum_beyond_the_box_is_found_at_its_edge() {
        let cost = bowl(vec![1.4], vec![vec![10.0]]);
        let found = minimise(&cost, &[0.5]).unwrap();
        assert!((found.best[0] - 1.0).abs() < 1e-3, "{found:?}");
    }

    /// Two figures with means linear in two parameters and fixed variances: the information is
    /// Aᵀ V⁻¹ A, exactly.
    #[test]
    fn the_information_of_linear_means_is_exact() {
        let a = [[30.0, 10.0], [-5.0, 20.0]];
        let v = [4.0, 9.0];
        let moments = |x: &[f64], _: Phase| {
            Ok((0..2)
                .map(|i| (a[i][0] * x[0] + a[i][1] * x[1], v[i]))
                .collect::<Vec<_>>())
        };
        let curvature = curvature(&moments, &[0.4, 0.99], &[None, None]).unwrap();
        for j in 0..2 {
            for l in 0..2 {
                let expected: f64 = (0..2).map(|i| a[i][j] * a[i][l] / v[i]).sum();
                assert!((curvature.information[j][l] - expected).abs() < 1e-9, "{curvature:?}");
            }
        }
        assert!(curvature.covariance.is_some());
    }

    /// A Poisson count with mean 100 λ: information 100/λ from the mean and 1/(2λ²) from the
    /// variance.
    #[test]
    fn a_variance_that_grows_adds_information() {
        let moments = |x: &[f64], _: Phase| Ok(vec![(100.0 * x[0], 100.0 * x[0])]);
        let curvature = curvature(&moments, &[0.5], &[None]).unwrap();
        let expected = 100.0 / 0.5 + 0.5 / 0.25;
        assert!((curvature.information[0][0] - expected).abs() < 1e-9, "{curvature:?}");
    }

    #[test]
    fn whole_number_parameters_step_by_whole_units_around_a_whole_number() {
        // A parameter from 0 to 20 in whole units: a unit is 0.05 of the range.
        let seen = RefCell::new(Vec::new());
        let moments = |x: &[f64], _: Phase| {
            seen.borrow_mut().push(x[0] * 20.0);
            Ok(vec![(3.0 * x[0] * 20.0, 1.0)])
        };
        let curvature = curvature(&moments, &[7.4 / 20.0], &[Some(0.05)]).unwrap();
        assert!(!seen.borrow().is_empty());
        for value in seen.borrow().iter() {
            assert!((value - value.round()).abs() < 1e-9, "{value}");
        }
        assert!((curvature.information[0][0] - 3600.0).abs() < 1e-6, "{curvature:?}");
    }

    #[test]
    fn running_out_of_evaluations_keeps_the_best_point_so_far() {
        let calls = Cell::new(0);
        let inner = bowl(vec![0.2], vec![vec![1.0]]);
        let cost = |x: &[f64], phase: Phase| {
            calls.set(calls.get() + 1);
            if calls.get() > 6 {
                Err(Stop::Budget)
            } else {
                inner(x, phase)
            }
        };
        let found = minimise(&cost, &[0.9]).unwrap();
        assert!(!found.converged);
        assert!(found.best[0] < 0.9, "{found:?}");
        let failing = |_: &[f64], _: Phase| Err(Stop::Failed(Error::Interrupted));
        assert!(matches!(minimise(&failing, &[0.5]), Err(Error::Interrupted)));
    }

    #[test]
    fn flat_or_saddle_curvature_has_no_covariance() {
        assert!(inverse_positive_definite(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
        assert!(inverse_positive_definite(&[vec![0.0]]).is_none());
        let inverse = inverse_positive_definite(&[vec![4.0, 2.0], vec![2.0, 3.0]]).unwrap();
        assert!((inverse[0][0] - 3.0 / 8.0).abs() < 1e-12 && (inverse[1][0] + 2.0 / 8.0).abs() < 1e-12);
    }
}
