//! Benchmarks of the engine's core through the library's API: the reference workloads (W1 by the
//! direct recursion and by the event loop), one replication of the M/M/c validation model and
//! of the default scenario, and a batch of replications.
//!
//! `cargo bench` measures; `cargo test --benches` (run by CI) executes each once.
//! Compare a change against main: `cargo bench -- --save-baseline main` on main, then
//! `cargo bench -- --baseline main` on the branch.

use backlog::{Engine, Model, RunOptions, Scenario, simulate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// The events of `replications` replications of `model` by `engine`, on every core.
fn events(model: &Model, replications: u32, engine: Engine) -> u64 {
    let options = RunOptions::new().replications(replications).engine(engine);
    simulate(model, &options).map_or(0, |results| results.summary().events)
}

/// The reference workloads of docs/performance.md, one replication each.
fn workloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("workloads");
    group.sample_size(10);
    for (name, text, people) in [
        (
            "w1_mmc_1m_customers",
            include_str!("workloads/w1-mmc.toml"),
            1_000_000u64,
        ),
        (
            "w2_metering_x100",
            include_str!("workloads/w2-metering.toml"),
            3_270_000,
        ),
    ] {
        let model = Scenario::from_text(name, text)
            .with_base_dir("benches/workloads")
            .load()
            .expect("workload is valid");
        group.throughput(Throughput::Elements(people));
        group.bench_function(name, |b| b.iter(|| black_box(events(&model, 1, Engine::Auto))));
        if model.uses_direct_recursion() {
            // W1 takes the direct recursion; the event loop on it stays measured too.
            group.bench_function(format!("{name}_event_loop"), |b| {
                b.iter(|| black_box(events(&model, 1, Engine::EventLoop)))
            });
        }
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    let mmc_text = include_str!("../scenarios/mmc.toml");
    let mmc = Scenario::from_text("mmc.toml", mmc_text)
        .with_base_dir("scenarios")
        .load()
        .expect("scenarios/mmc.toml is valid");
    let customers = (f64::from(mmc.horizon_days()) * 4.5) as u64;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(customers));
    group.bench_function("mmc_one_replication", |b| {
        b.iter(|| black_box(events(&mmc, 1, Engine::Auto)))
    });
    let default = Scenario::built_in().load().expect("default scenario is valid");
    group.throughput(Throughput::Elements(1));
    group.bench_function("tijuana_2018_one_replication", |b| {
        b.iter(|| black_box(events(&default, 1, Engine::Auto)))
    });
    group.bench_function("tijuana_2018_16_replications", |b| {
        b.iter(|| black_box(events(&default, 16, Engine::Auto)))
    });
    group.finish();
}

criterion_group!(benches, engine, workloads);
criterion_main!(benches);
