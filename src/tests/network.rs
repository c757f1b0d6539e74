//! Networks against queueing theory, and the rules the network engine keeps.
//!
//! As in `theory.rs`, each stochastic check asserts that the theoretical value lies inside the
//! simulated 99.9% Student-t interval across independent replications (one observation per
//! replication), so no tolerance is chosen by hand. Time is scaled so that a service takes
//! about a tenth of a day. Warm-ups and horizons follow the M/M/1 case of `theory.rs` (the
//! queues here are no more loaded, so they relax at least as fast).

use super::{Case, Interval, model_from};
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

impl Case {
    fn network<'a>(&self, run: &'a Replication) -> &'a NetworkStats {
        run.network
            .as_ref()
            .expect("a network's replication has its statistics")
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
        .assert_covers(
            "tandem M/M/1 → M/M/1 mean sojourn 1/(μ₁−λ) + 1/(μ₂−λ) (days)",
            1.0 / a + 1.0 / b,
        );
    for t in [0.5, 1.0, 2.0] {
        let theory = (b * (-a * t).exp() - a * (-b * t).exp()) / (b - a);
        case.interval(|run| {
            let times = &case.network(run).end_to_end[processed];
            times.count_above_days(t) as f64 / times.people as f64
        })
        .assert_covers(&format!("tandem P(sojourn > {t} days), hypoexponential"), theory);
    }
    let rho2 = lambda / mu2;
    case.node_wait(1).assert_covers(
        "tandem second queue Wq = ρ₂/(μ₂−λ) (Burke: Poisson input)",
        rho2 / (mu2 - lambda),
    );
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
            (0..=3usize)
                .map(|from| network.flow(from.checked_sub(1), node))
                .sum::<u64>() as f64
                / days
        })
        .assert_covers(
            &format!("Jackson stage {name}: arrivals a day λ from the traffic equations"),
            lambda,
        );
        case.node_wait(node).assert_covers(
            &format!("Jackson stage {name}: Wq = ρ/(μ−λ) per visit (days)"),
            rho / (mu - lambda),
        );
        case.node_list(node).assert_covers(
            &format!(
                "Jackson stage {name}: on the list ρ²/(1−ρ), so ρ/(1−ρ) = {:.4} in the system",
                rho / (1.0 - rho)
            ),
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
        case.node_wait(node).assert_covers(
            &format!("split port {name}: Wq = ρ/(μ−λ) at λ = 8 (days)"),
            rho / (mu - lambda),
        );
        case.node_list(node).assert_covers(
            &format!("split port {name}: on the list ρ²/(1−ρ)"),
            rho * rho / (1.0 - rho),
        );
    }
}

/// Two quota ports, each calling 10 people at midnight, and 20 people a day (exactly: a
/// cumulative curve) who go to the port whose posted wait, `info_delay_days` old, is the
/// shortest. Posted waits change once a day, so a whole day's arrivals go to the same port, and
/// the daily choices follow from the counts alone: [`expected_choices`] works them out by hand.
fn stale_information(info_delay_days: u32) -> Model {
    const DAYS: u32 = 60;
    let curve: Vec<String> = (0..=DAYS)
        .map(|day| format!("{{ at = {day}, people = {} }}", 20 * day))
        .collect();
    let port = |name: &str| {
        format!("[[ports]]\nname = \"{name}\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 10\n\n")
    };
    model_from(&format!(
        "{}{}{}[[streams]]\nname = \"arrivals\"\nports = [\"a\", \"b\"]\n\
         choice = {{ rule = \"shortest_quoted_wait\", info_delay_days = {info_delay_days} }}\n\
         kind = \"wave\"\ncurve = [{}]\n",
        run_table("stale", DAYS, 0, 1),
        port("a"),
        port("b"),
        curve.join(", ")
    ))
}

/// The port (0 or 1) that each day's 20 arrivals choose, worked out day by day: at midnight the
/// wait is posted (names on the list over the mean processed a day in the last 30 days), then
/// each port calls 10 people, then the day's people choose on the post `delay` days old.
fn expected_choices(days: usize, delay: usize) -> Vec<usize> {
    let mut names = [0u64; 2];
    let mut posted = vec![[0.0f64; 2]; days];
    let mut processed = vec![[0u64; 2]; days];
    let mut choices = Vec::new();
    for day in 0..days {
        for port in 0..2 {
            let first = day.saturating_sub(30);
            let served: u64 = processed[first..day].iter().map(|p| p[port]).sum();
            posted[day][port] = match (names[port], served) {
                (0, _) => 0.0,
                (_, 0) => f64::INFINITY,
                (waiting, served) => waiting as f64 / (served as f64 / (day - first) as f64),
            };
            processed[day][port] = names[port].min(10);
            names[port] -= processed[day][port];
        }
        let seen = posted[day.saturating_sub(delay)];
        let chosen = usize::from(seen[1] < seen[0]);
        names[chosen] += 20;
        choices.push(chosen);
    }
    choices
}

#[test]
fn choice_on_stale_posted_waits_swings_between_ports_as_worked_out_by_hand() {
    let mut longest_runs = Vec::new();
    for delay in [0, 5] {
        let model = stale_information(delay);
        let run = crate::engine::run_replication(&model, 0);
        let simulated: Vec<usize> = (0..60)
            .map(|day| {
                let arrived = [run.ports[0].daily.arrived[day], run.ports[1].daily.arrived[day]];
                assert!(
                    arrived.contains(&0) && arrived.iter().sum::<u64>() == 20,
                    "day {day}: {arrived:?}"
                );
                usize::from(arrived[1] > 0)
            })
            .collect();
        let expected = expected_choices(60, delay as usize);
        assert_eq!(simulated, expected, "info delay {delay} days");
        // Everyone goes one way, then the other: the choice alternates.
        assert!(
            expected.windows(2).filter(|pair| pair[0] != pair[1]).count() >= 4,
            "{expected:?}"
        );
        let longest = expected.chunk_by(|a, b| a == b).map(<[usize]>::len).max().unwrap_or(0);
        longest_runs.push(longest);
    }
    // Older information swings further: longer runs of days to the same port.
    assert!(longest_runs[1] > longest_runs[0], "{longest_runs:?}");
}

/// A random small network as scenario text: two ports (quota or officers) that a stream
/// chooses between by `rule`, a screening stage and a court stage with patience and a stream of
/// its own, routing with delays, feedback from the court to screening, and a horizon that
/// leaves people everywhere (on lists, in service, on their way).
#[allow(clippy::too_many_arguments)]
fn random_network(
    seed: u64,
    rule: usize,
    quota_port: bool,
    screening_officers: u32,
    positive: f64,
    feedback: f64,
    delay_days: f64,
    horizon_days: u32,
    warm_up_days: u32,
    relist: bool,
) -> String {
    let relist = if relist {
        "relist = { after_days = 2, probability_per_day = 0.3 }\n"
    } else {
        ""
    };
    let choice = [
        "{ rule = \"shares\", shares = { a = 0.3, b = 0.7 } }",
        "{ rule = \"shortest_quoted_wait\", info_delay_days = 2, travel_days = { b = 1.5 } }",
        "{ rule = \"logit\", sensitivity_per_day = 0.5, info_delay_days = 1 }",
    ][rule % 3];
    let port_a = if quota_port {
        "[ports.capacity]\nkind = \"quota\"\nquota_per_day = 6\nrandomness = \"poisson\"\n".to_owned()
    } else {
        officers("ports", 2, 0.3)
    };
    let decided = 1.0 - feedback;
    let run = format!(
        "schema = 1\n\n[run]\nname = \"random network\"\nhorizon_days = {horizon_days}\nwarm_up_days = {warm_up_days}\nseed = {seed}\nreplications = 2\n\n"
    );
    format!(
        "{}[network]\noutcomes = [\"granted\", \"removed\"]\n\n\
         [[ports]]\nname = \"a\"\n{port_a}[ports.after]\nto = {{ screening = 1.0 }}\ndelay_days = {delay_days}\n\n\
         [[ports]]\nname = \"b\"\n{}[ports.after]\nto = {{ screening = 1.0 }}\n\n\
         [[stages]]\nname = \"screening\"\n{}[stages.after]\nto = {{ court = {positive}, removed = {} }}\n\
         delay_days = {{ dist = \"exponential\", mean = {delay_days} }}\n\n\
         [[stages]]\nname = \"court\"\npatience_days = {{ dist = \"exponential\", mean = 20 }}\n\
         [stages.capacity]\nkind = \"quota\"\nquota_per_day = 5\nweekdays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]\n\
         [stages.after]\nto = {{ granted = {decided}, screening = {feedback} }}\n\n\
         [[streams]]\nname = \"arrivals\"\nports = [\"a\", \"b\"]\nchoice = {choice}\n{relist}kind = \"poisson\"\npeople_per_day = 12\n\
         group_size = {{ dist = \"empirical\", values = [1, 2, 3], weights = [0.5, 0.3, 0.2] }}\njoin_share = 0.9\n\
         patience_days = {{ dist = \"exponential\", mean = 15 }}\n\n\
         [[streams]]\nname = \"pending\"\nport = \"court\"\nkind = \"backlog\"\npeople = 40\n\
         waited_days = {{ dist = \"uniform\", min = 0, max = 30 }}\n",
        run,
        officers("ports", 1, 0.2),
        officers("stages", screening_officers, 0.25),
        1.0 - positive,
    )
}

/// Conservation across the network: everyone who came in is in exactly one place or end.
fn check_conservation(model: &Model, run: &Replication) -> Result<(), String> {
    let network = run.network.as_ref().ok_or("no network statistics")?;
    let nodes = model.ports.len();
    let ends = Ends::new(&model.network, &model.outcomes);
    let places = nodes + ends.names.len();
    let outcomes = model.outcomes.len();
    for node in 0..nodes {
        let into: u64 = (0..=nodes).map(|from| network.flow(from.checked_sub(1), node)).sum();
        let out: u64 = (0..places).map(|to| network.flow(Some(node), to)).sum();
        if into != out {
            return Err(format!("node {node}: {into} came in, {out} went on or ended"));
        }
        let people = run.port_people(node, outcomes);
        let did_not_join = network.flow(Some(node), nodes + ends.did_not_join);
        if people.arrived + people.did_not_join != into || people.did_not_join != did_not_join {
            return Err(format!(
                "node {node}: the port counts {} joined and {} not, the flows {into} in and {did_not_join} not joining",
                people.arrived, people.did_not_join
            ));
        }
        let settled = people.processed.people + people.abandoned.people + people.waiting_at_end.people;
        if settled != people.arrived {
            return Err(format!(
                "node {node}: {} joined but {settled} are accounted for",
                people.arrived
            ));
        }
    }
    let entered: u64 = (0..places).map(|to| network.flow(None, to)).sum();
    let ended: u64 = network.end_to_end.iter().map(|times| times.people).sum();
    if entered != ended {
        return Err(format!(
            "{entered} people came in, {ended} are at an end (pending included)"
        ));
    }
    let everyone = &network.people;
    let by_kind =
        everyone.processed.people + everyone.abandoned.people + everyone.waiting_at_end.people + everyone.did_not_join;
    if everyone.arrived + everyone.did_not_join != entered || by_kind != entered {
        return Err(format!("end to end: {everyone:?} against {entered} who came in"));
    }
    if network.end_to_end.iter().any(|times| times.sum_ticks < 0) {
        return Err("a negative time in the network".to_owned());
    }
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, failure_persistence: None, ..Default::default() })]

    #[test]
    fn everyone_in_a_network_is_in_exactly_one_place_or_end(
        seed in 0u64..1_000_000,
        rule in 0usize..3,
        quota_port: bool,
        screening_officers in 1u32..4,
        positive in 0.0..1.0f64,
        feedback in 0.0..0.5f64,
        delay_days in 0.01..3.0f64,
        horizon_days in 5u32..60,
        warm_up in 0u32..3,
        relist: bool,
    ) {
        let text = random_network(seed, rule, quota_port, screening_officers, positive, feedback, delay_days, horizon_days, warm_up, relist);
        let model = model_from(&text);
        for replication in 0..2 {
            let run = crate::engine::run_replication(&model, replication);
            if let Err(problem) = check_conservation(&model, &run) {
                return Err(proptest::test_runner::TestCaseError::fail(format!("replication {replication}: {problem}\n{text}")));
            }
            proptest::prop_assert_eq!(&run, &crate::engine::run_replication(&model, replication), "replications repeat");
        }
    }
}

/// The same network gives byte-identical results on one thread and on two.
#[test]
fn networks_give_the_same_results_whatever_the_threads() {
    let model = model_from(&random_network(7, 2, true, 2, 0.8, 0.2, 1.0, 90, 5, true));
    let run = |threads: usize| {
        let options = crate::replicate::RunOptions::new().replications(6).threads(threads);
        let results = crate::replicate::simulate(&model, &options).expect("runs");
        serde_json::to_string(results.summary()).expect("serialises")
    };
    let one = run(1);
    assert!(one.contains("\"network\""));
    assert_eq!(one, run(2));
}

/// Adding a stage downstream leaves everything upstream as it was under the same seed: the
/// ports' own results do not depend on where their processed people go next.
#[test]
fn a_stage_added_downstream_changes_nothing_upstream() {
    let with = random_network(11, 1, false, 2, 0.9, 0.1, 2.0, 80, 0, false);
    // The same ports and stream, with processing ending at the ports.
    let cut = with.find("[[stages]]").expect("stages");
    let streams = with.find("[[streams]]").expect("streams");
    let without = format!("{}{}", &with[..cut], &with[streams..])
        .replace("[ports.after]\nto = { screening = 1.0 }\ndelay_days = 2\n", "")
        .replace("[ports.after]\nto = { screening = 1.0 }\n", "");
    let without = without[..without.find("[[streams]]\nname = \"pending\"").expect("court stream")].to_owned();
    let (with, without) = (model_from(&with), model_from(&without));
    assert!(
        without.network.routes.iter().all(Option::is_none),
        "{:?}",
        without.network
    );
    for replication in 0..3 {
        let (a, b) = (
            crate::engine::run_replication(&with, replication),
            crate::engine::run_replication(&without, replication),
        );
        // The court's give-up outcome is one more outcome name: the only difference allowed.
        let outcomes = without.outcomes.len();
        let trimmed = |result: &crate::stats::PortResult| {
            let mut result = result.clone();
            for people in result
                .by_class
                .iter_mut()
                .chain(result.streams.iter_mut().map(|stream| &mut stream.people))
            {
                assert!(people.abandoned_by_outcome[outcomes..].iter().all(|&n| n == 0));
                people.abandoned_by_outcome.truncate(outcomes);
            }
            format!("{result:?}")
        };
        for port in 0..2 {
            let (a, b) = (trimmed(&a.ports[port]), format!("{:?}", b.ports[port]));
            let first = a.bytes().zip(b.bytes()).position(|(x, y)| x != y);
            assert!(
                first.is_none() && a.len() == b.len(),
                "replication {replication}, port {port}: the results differ from …{}",
                first.map_or("", |at| &a[at.saturating_sub(300)..(at + 200).min(a.len())])
            );
        }
    }
}

/// Groups that wait long at one port move to the other's list: counted as `moved` at the port
/// they leave (not as having left the network), they flow to the other port, and their time
/// end to end runs from first joining a list.
#[test]
fn groups_that_wait_long_move_to_another_ports_list() {
    let text =
        random_network(3, 0, true, 2, 0.9, 0.0, 0.5, 60, 0, true).replace("quota_per_day = 6", "quota_per_day = 1");
    let model = model_from(&text);
    let moved = model
        .outcomes
        .iter()
        .position(|name| name == "moved")
        .expect("an outcome `moved`");
    let run = crate::engine::run_replication(&model, 0);
    check_conservation(&model, &run).expect("conservation");
    let network = run.network.as_ref().expect("network statistics");
    let people_a = run.port_people(0, model.outcomes.len());
    let moved_from_a = people_a.abandoned_by_outcome[moved];
    assert!(moved_from_a > 0, "people move from the slow port a: {people_a:?}");
    let ends = Ends::new(&model.network, &model.outcomes);
    let pending = network.flow(Some(0), model.ports.len() + ends.pending);
    assert!(network.flow(Some(0), 1) <= moved_from_a && moved_from_a <= network.flow(Some(0), 1) + pending);
    assert_eq!(
        ends.of_leaving[moved],
        ends.names
            .iter()
            .position(|name| name == "moved")
            .expect("an end `moved`")
    );
    assert_eq!(
        network.flow(Some(0), model.ports.len() + ends.of_leaving[moved]),
        0,
        "moving is not an end"
    );
}

/// A group that moves from the only port with a share goes to another port, never back to the
/// one it leaves.
#[test]
fn moving_from_the_only_port_with_a_share_goes_elsewhere() {
    let text = random_network(5, 0, true, 2, 0.9, 0.0, 0.5, 60, 0, true)
        .replace("shares = { a = 0.3, b = 0.7 }", "shares = { a = 1.0, b = 0.0 }")
        .replace("quota_per_day = 6", "quota_per_day = 1");
    let model = model_from(&text);
    let run = crate::engine::run_replication(&model, 0);
    check_conservation(&model, &run).expect("conservation");
    let network = run.network.as_ref().expect("network statistics");
    assert!(network.flow(Some(0), 1) > 0, "people move from a to b");
    assert_eq!(network.flow(Some(0), 0), 0, "nobody moves from a back to a");
}
