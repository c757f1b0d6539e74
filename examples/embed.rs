//! backlog as a library: build a two-port scenario in code, run 100 replications with a
//! progress callback and a cancel token, and print the 90th-percentile wait at each port.
//!
//! ```sh
//! cargo run --release --example embed
//! ```

use backlog::{CancelToken, Capacity, Dist, Port, RunOptions, ScenarioBuilder, Stream, simulate};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

fn main() -> Result<(), backlog::Error> {
    // Two ports: one calls 40 people a day from its list, the other has three officers who take
    // about two hours a claim. People who wait too long at the first one give up.
    let model = ScenarioBuilder::new("Two ports", 180)
        .seed(2018)
        .port(Port::new("metered", Capacity::quota(40.0)))
        .port(Port::new(
            "office",
            Capacity::officers(3, Dist::Exponential { mean: 0.08 }),
        ))
        .stream(
            Stream::poisson("walk_ins", "metered", 45.0)
                .group_size(Dist::Empirical {
                    values: vec![1.0, 2.0, 3.0, 4.0],
                    weights: vec![0.6, 0.2, 0.15, 0.05],
                })
                .patience(Dist::Exponential { mean: 60.0 })
                .outcome("crossed", 0.4)
                .outcome("returned", 0.6),
        )
        .stream(Stream::poisson("referrals", "office", 30.0))
        .build()?;

    // The token could be handed to a Ctrl-C handler or a stop button; here it stops the run if
    // it were to go past 1,000 replications, which it never does.
    let cancel = CancelToken::new();
    let stop = cancel.clone();
    let last_reported = Arc::new(AtomicU64::new(0));
    let options = RunOptions::new()
        .replications(100)
        .cancel(cancel)
        .progress(move |progress| {
            if progress.done >= 1_000 {
                stop.cancel();
            }
            // Report every 25 replications (the callback runs on worker threads).
            if progress.done % 25 == 0 && last_reported.fetch_max(progress.done, Ordering::Relaxed) < progress.done {
                eprintln!("{} of {} replications", progress.done, progress.total.unwrap_or(0));
            }
        });
    let results = simulate(&model, &options)?;

    println!("{}: {} replications", model.name(), results.provenance().replications);
    for port in &results.summary().ports {
        let p90 = &port.wait_p90;
        match (p90.mean, p90.ci95_low, p90.ci95_high) {
            (Some(mean), Some(low), Some(high)) => {
                println!(
                    "  {}: p90 wait {mean:.2} days (95% CI {low:.2} to {high:.2})",
                    port.name
                )
            }
            _ => println!("  {}: nobody was processed", port.name),
        }
    }
    Ok(())
}
