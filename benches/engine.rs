//! Benchmarks of the engine's core: the event queue, the reference workloads (W1 by the
//! direct recursion and by the event loop), one replication of the M/M/c validation model and
//! of the default scenario, and a batch of replications.
//!
//! `cargo bench` measures; `cargo test --benches` (run by CI) executes each once.
//! Compare a change against main: `cargo bench -- --save-baseline main` on main, then
//! `cargo bench -- --baseline main` on the branch.

use backlog::commands::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME};
use backlog::engine::queue::{EventKind, EventQueue};
use backlog::engine::{Method, run_replication, run_replication_with, uses_direct_recursion};
use backlog::replicate::{RunOptions, run};
use backlog::validate::load_str;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn event_queue(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue");
    const EVENTS: u64 = 10_000;
    group.throughput(Throughput::Elements(EVENTS));
    group.bench_function("push_pop_interleaved_64_pending", |b| {
        b.iter(|| {
            let mut queue = EventQueue::with_capacity(64);
            let mut time = 0i64;
            for i in 0..64u16 {
                queue.push(i64::from(i) * 997 % 1_000, EventKind::ServiceDone { port: i });
            }
            for i in 0..EVENTS {
                let (t, kind) = queue.pop().unwrap_or((time, EventKind::Call { port: 0 }));
                time = t;
                queue.push(time + (i as i64 * 7_919) % 10_000, kind);
            }
            black_box(queue.len())
        })
    });
    group.bench_function("ties_at_one_tick", |b| {
        b.iter(|| {
            let mut queue = EventQueue::with_capacity(EVENTS as usize);
            for i in 0..EVENTS {
                queue.push(42, EventKind::ServiceDone { port: (i % 100) as u16 });
            }
            let mut count = 0;
            while queue.pop().is_some() {
                count += 1;
            }
            black_box(count)
        })
    });
    group.finish();
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
        let model = load_str(name, text, Path::new("benches/workloads"))
            .expect("workload is valid")
            .model;
        group.throughput(Throughput::Elements(people));
        group.bench_function(name, |b| b.iter(|| black_box(run_replication(&model, 0).events)));
        if uses_direct_recursion(&model) {
            // W1 takes the direct recursion; the event loop on it stays measured too.
            group.bench_function(format!("{name}_event_loop"), |b| {
                b.iter(|| black_box(run_replication_with(&model, 0, Method::EventLoop).events))
            });
        }
    }
    group.finish();
}

fn engine(c: &mut Criterion) {
    let mmc_text = include_str!("../scenarios/mmc.toml");
    let mmc = load_str("mmc.toml", mmc_text, Path::new("scenarios"))
        .expect("scenarios/mmc.toml is valid")
        .model;
    let customers = (mmc.horizon_days as f64 * 4.5) as u64;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(customers));
    group.bench_function("mmc_one_replication", |b| {
        b.iter(|| black_box(run_replication(&mmc, 0).events))
    });
    let default = load_str(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO, Path::new("."))
        .expect("default scenario is valid")
        .model;
    group.throughput(Throughput::Elements(1));
    group.bench_function("tijuana_2018_one_replication", |b| {
        b.iter(|| black_box(run_replication(&default, 0).events))
    });
    group.bench_function("tijuana_2018_16_replications", |b| {
        let options = RunOptions {
            replications: Some(16),
            threads: None,
            progress: false,
            ..RunOptions::default()
        };
        b.iter(|| black_box(run(&default, &options).map(|r| r.events).unwrap_or(0)))
    });
    group.finish();
}

criterion_group!(benches, event_queue, engine, workloads);
criterion_main!(benches);
