//! Networks against queueing theory, and the rules the network engine keeps.
//!
//! As in `theory.rs`, each stochastic check asserts that the theoretical value lies inside the
//! simulated 99.9% Student-t interval across independent replications (one observation per
//! replication), so no tolerance is chosen by hand. Time is scaled so that a service takes
//! about a tenth of a day. Warm-ups and horizons follow the M/M/1 case of `theory.rs` (the
//! queues here are no more loaded, so they relax at least as fast).

use super::{Interval, model_from, replications};
use crate::model::Model;
use crate::model::network::Ends;
use crate::stats::Replication;
use crate::stats::network::NetworkStats;
use std::sync::OnceLock;

/// Officers working round the clock, `officers` of them, with exponential service of mean
/// `mean_days`, as the capacity table of a port or stage.
fn officers(table: &str, officers: u32, mean_days: f64) -> String {
    format!(
        "[{table}.capacity]\nkind = \"officers\"\nofficers = {officers}\nservice_days = {{ dist = \"exponential\", mean = {mean_days} }}\nshift_start_hours = 0\nshift_end_hours = 24\n"
    )
}

/// The `[run]` table of the theory cases.
fn run_table(name: &str, horizon_days: u32, warm_up_days: u32, replications: u32) -> String {
    format!(
        "schema = 1\n\n[run]\nname = \"{name}\"\nhorizon_days = {horizon_days}\nwarm_up_days = {warm_up_days}\nseed = 2024\nreplications = {replications}\n\n"
    )
}

/// A model and its replications.
struct Case {
    model: Model,
    runs: Vec<Replication>,
}

impl Case {
    fn run(text: &str) -> Case {
        let model = model_from(text);
        let runs = replications(&model, model.replications);
        Case { model, runs }
    }

    fn network<'a>(&self, run: &'a Replication) -> &'a NetworkStats {
        run.network.as_ref().expect("a network's replication has its statistics")
    }

    fn ends(&self) -> Ends {
        Ends::new(&self.model.network, &self.model.outcomes)
    }

    /// Interval of a per-replication value.
    fn interval(&self, value: impl Fn(&Replication) -> f64) -> Interval {
        Interval::t999(&self.runs.iter().map(value).collect::<Vec<_>>())
    }

    /// Interval of the mean wait on node `node`'s list of people processed there.
    fn node_wait(&self, node: usize) -> Interval {
        let outcomes = self.model.outcomes.len();
        self.interval(|run| run.port_people(node, outcomes).processed.mean_days())
    }

    /// Interval of the mean list length of node `node` at day-ends after the warm-up.
    fn node_list(&self, node: usize) -> Interval {
        let from = self.model.warm_up_days as usize;
        self.interval(|run| {
            let on_list = &run.ports[node].daily.on_list[0][from..];
            on_list.iter().sum::<u64>() as f64 / on_list.len() as f64
        })
    }
}

/// A tandem of two M/M/1 queues: λ = 7.5/day into a port with μ₁ = 10/day, whose processed
/// people all go on to a stage with μ₂ = 12.5/day. By Burke's theorem the port's departures
/// are Poisson, so the stage is an M/M/1 queue too and the sojourn through both is the sum of
/// two independent exponential sojourns, of rates μ₁ − λ and μ₂ − λ.
fn tandem() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let text = format!(
            "{}[[ports]]\nname = \"first\"\n{}[ports.after]\nto = {{ second = 1.0 }}\n\n[[stages]]\nname = \"second\"\n{}\n[[streams]]\nname = \"arrivals\"\nport = \"first\"\nkind = \"poisson\"\npeople_per_day = 7.5\n",
            run_table("tandem", 3000, 60, 30),
            officers("ports", 1, 0.1),
            officers("stages", 1, 0.08),
        );
        Case::run(&text)
    })
}

#[test]
fn a_tandem_of_two_m_m_1_queues_sums_two_independent_sojourns() {
    let case = tandem();
    let (lambda, mu1, mu2) = (7.5, 10.0, 12.5);
    let (a, b) = (mu1 - lambda, mu2 - lambda);
    let processed = case.ends().processed;
    case.interval(|run| case.network(run).end_to_end[processed].mean_days())
        .assert_covers("tandem M/M/1 → M/M/1 mean sojourn 1/(μ₁−λ) + 1/(μ₂−λ) (days)", 1.0 / a + 1.0 / b);
    for t in [0.5, 1.0, 2.0] {
        let theory = (b * (-a * t).exp() - a * (-b * t).exp()) / (b - a);
        case.interval(|run| {
            let times = &case.network(run).end_to_end[processed];
            times.count_above_days(t) as f64 / times.people as f64
        })
        .assert_covers(&format!("tandem P(sojourn > {t} days), hypoexponential"), theory);
    }
    let rho2 = lambda / mu2;
    case.node_wait(1)
        .assert_covers("tandem second queue Wq = ρ₂/(μ₂−λ) (Burke: Poisson input)", rho2 / (mu2 - lambda));
}

/// An open Jackson network with feedback. People come in through a port so fast (μ = 1,000 a
/// day) that its departures are the Poisson arrivals again (Burke), at λ₀ = 4/day, and go to
/// stage A (μ = 10/day); from A half go on to stage B (μ = 5/day) and half are done; from B a
/// quarter go back to A and the rest are done. The traffic equations λ_A = λ₀ + λ_B/4,
/// λ_B = λ_A/2 give λ_A = 4/0.875 and λ_B = λ_A/2; by Jackson's theorem each stage is then an
/// M/M/1 queue at those rates: ρ/(1−ρ) in the system, of whom ρ²/(1−ρ) on the list, and a
/// wait on the list of ρ/(μ−λ) at each visit.
fn jackson() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let text = format!(
            "{}[network]\noutcomes = [\"done\"]\n\n[[ports]]\nname = \"door\"\n{}[ports.after]\nto = {{ a = 1.0 }}\n\n\
             [[stages]]\nname = \"a\"\n{}[stages.after]\nto = {{ b = 0.5, done = 0.5 }}\n\n\
             [[stages]]\nname = \"b\"\n{}[stages.after]\nto = {{ a = 0.25, done = 0.75 }}\n\n\
             [[streams]]\nname = \"arrivals\"\nport = \"door\"\nkind = \"poisson\"\npeople_per_day = 4\n",
            run_table("jackson", 3000, 60, 30),
            officers("ports", 1, 0.001),
            officers("stages", 1, 0.1),
            officers("stages", 1, 0.2),
        );
        Case::run(&text)
    })
}

#[test]
fn an_open_jackson_network_with_feedback_matches_the_traffic_equations() {
    let case = jackson();
    let lambda_a = 4.0 / 0.875;
    let lambda_b = lambda_a / 2.0;
    // Flows count the people who entered after the warm-up.
    let days = f64::from(case.model.horizon_days - case.model.warm_up_days);
    for (node, name, lambda, mu) in [(1, "A", lambda_a, 10.0), (2, "B", lambda_b, 5.0)] {
        let rho: f64 = lambda / mu;
        case.interval(|run| {
            let network = case.network(run);
            (0..=3usize).map(|from| network.flow(from.checked_sub(1), node)).sum::<u64>() as f64 / days
        })
        .assert_covers(&format!("Jackson stage {name}: arrivals a day λ from the traffic equations"), lambda);
        case.node_wait(node)
            .assert_covers(&format!("Jackson stage {name}: Wq = ρ/(μ−λ) per visit (days)"), rho / (mu - lambda));
        case.node_list(node).assert_covers(
            &format!("Jackson stage {name}: on the list ρ²/(1−ρ), so ρ/(1−ρ) = {:.4} in the system", rho / (1.0 - rho)),
            rho * rho / (1.0 - rho),
        );
    }
}

/// Poisson arrivals at 16 a day split at random, half and half, between two M/M/1 ports with
/// μ = 10/day: each port sees Poisson arrivals at 8 a day, so is exactly an M/M/1 queue.
fn split() -> &'static Case {
    static CASE: OnceLock<Case> = OnceLock::new();
    CASE.get_or_init(|| {
        let text = format!(
            "{}[[ports]]\nname = \"left\"\n{}\n[[ports]]\nname = \"right\"\n{}\n\
             [[streams]]\nname = \"arrivals\"\nports = [\"left\", \"right\"]\nchoice = {{ rule = \"shares\", shares = {{ left = 0.5, right = 0.5 }} }}\nkind = \"poisson\"\npeople_per_day = 16\n",
            run_table("split", 3000, 60, 30),
            officers("ports", 1, 0.1),
            officers("ports", 1, 0.1),
        );
        Case::run(&text)
    })
}

#[test]
fn random_splitting_of_poisson_arrivals_gives_two_m_m_1_queues() {
    let case = split();
    let (lambda, mu) = (8.0, 10.0);
    let rho = lambda / mu;
    for (node, name) in [(0, "left"), (1, "right")] {
        case.node_wait(node)
            .assert_covers(&format!("split port {name}: Wq = ρ/(μ−λ) at λ = 8 (days)"), rho / (mu - lambda));
        case.node_list(node)
            .assert_covers(&format!("split port {name}: on the list ρ²/(1−ρ)"), rho * rho / (1.0 - rho));
    }
}
