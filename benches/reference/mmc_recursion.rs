//! W1 by the FIFO direct recursion: under FIFO each customer starts with whichever officer frees
//! up first, at the later of its arrival and that officer's free time, so the c officers' next
//! free times are all the state there is.

use crate::{Stats, Streams};
use rand_distr::{Distribution, Exp};

/// Simulates M/M/c (arrivals `rate_per_day`, service mean 1 day) over `horizon_days`; the same
/// draws as [`crate::mmc_heap::simulate`], so the same statistics.
pub(crate) fn simulate(officers: u32, rate_per_day: f64, horizon_days: f64, seed: u64) -> Stats {
    let mut rng = Streams::new(seed);
    let gap = Exp::new(rate_per_day).expect("positive rate");
    let service = Exp::new(1.0).expect("positive rate");
    let mut free_days = vec![0.0_f64; officers as usize];
    let mut stats = Stats::default();
    let mut now = gap.sample(&mut rng.arrivals);
    while now < horizon_days {
        stats.arrived += 1;
        let (officer, &free) = free_days
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("at least one officer");
        let start = now.max(free);
        if start < horizon_days {
            stats.record_start(0, start - now);
            let done = start + service.sample(&mut rng.service);
            free_days[officer] = done;
            stats.events += u64::from(done < horizon_days);
        } else {
            // Starts never go back in time under FIFO: everyone from here on waits at the end.
            stats.waiting_at_end += 1;
            stats.waited_at_end_days += horizon_days - now;
        }
        now += gap.sample(&mut rng.arrivals);
    }
    stats.events += stats.arrived;
    stats
}
