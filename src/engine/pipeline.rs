//! Two stages of one replication on two cores: a producer fills blocks ahead (arrivals drawn,
//! service times drawn) while a consumer uses them in order.
//!
//! The producer is one task for the whole replication, offered to the thread pool once
//! (`rayon::join`) rather than once a block: when a worker is free it takes the task and
//! keeps a ring of [`AHEAD`] blocks filled, sleeping only when the ring is full, while the
//! consumer waits for its blocks. When no worker is free (one thread, or every thread busy
//! with replications of its own), nobody takes it and the consumer fills each block itself
//! just before using it: one core does one core's work, with no thread spawned. Either way
//! the blocks are filled in order by whoever holds the producer's state, so the results are
//! the same whoever fills them.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

/// Blocks filled ahead and waiting, besides the one in use and the one being filled.
const AHEAD: usize = 2;

/// Blocks used that wait before a worker running the producer task fills them again. A block
/// just used is still in the consumer's caches, and writing it from another core would take
/// each of its cache lines from there first: on W2 at two threads, filling the block used
/// four blocks before rather than the last took the run from 0.176 s to 0.140 s. (The
/// consumer, filling a block itself, takes the last used: it is in its own caches.)
const COOLING: usize = 4;

/// Runs `consume` on every block that `fill` fills from `state`, in order, filling ahead on
/// another worker of the current thread pool when one is free. `fill` returns whether more
/// blocks follow the one it filled; `consume` returns whether to go on (`false` stops the
/// run: no further block is consumed, and the return value is `false`).
pub(super) fn run<S, B, F, C>(state: &mut S, fill: F, mut consume: C) -> bool
where
    S: Send,
    B: Default + Send,
    F: Fn(&mut S, &mut B) -> bool + Sync,
    C: FnMut(&mut B) -> bool + Send,
{
    let shared = Shared {
        producer: Mutex::new(Producer { state, finished: false }),
        ring: Mutex::new(Ring {
            ready: VecDeque::with_capacity(AHEAD + 1),
            spare: VecDeque::with_capacity(AHEAD + 2 + COOLING),
            producing: false,
            exhausted: false,
            stopped: false,
        }),
        space: Condvar::new(),
        filled: Condvar::new(),
    };
    let consumer = || {
        // Stops the producer however the consumer ends (a panic included), so it never waits
        // for space that will not come.
        let _stop = StopOnDrop(&shared);
        while let Some(mut block) = shared.next(&fill) {
            let go_on = consume(&mut block);
            lock(&shared.ring).spare.push_back(block);
            if !go_on {
                return false;
            }
        }
        true
    };
    rayon::join(consumer, || shared.produce(&fill)).0
}

/// The producer's state and whether it has filled its last block.
struct Producer<'s, S> {
    state: &'s mut S,
    finished: bool,
}

/// Blocks filled and waiting, in order, and blocks used (kept to be filled again, the
/// latest used last).
struct Ring<B> {
    ready: VecDeque<B>,
    spare: VecDeque<B>,
    /// A worker runs the producer task: the consumer waits for its blocks rather than
    /// competing with it for the producer's state.
    producing: bool,
    /// The last block is in the ring.
    exhausted: bool,
    /// The consumer has finished or stopped.
    stopped: bool,
}

struct Shared<'s, S, B> {
    /// Held while filling a block and putting it in the ring (always locked before `ring`),
    /// so blocks enter the ring in the order they were filled.
    producer: Mutex<Producer<'s, S>>,
    ring: Mutex<Ring<B>>,
    /// Signalled when a ready block is taken or the consumer stops.
    space: Condvar,
    /// Signalled when a block is put in the ring or the producer task ends.
    filled: Condvar,
}

/// A panic on one side shows on the other: the join re-raises the first.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|_| panic!("the other stage of the pipeline panicked"))
}

fn wait<'a, T>(condvar: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    condvar
        .wait(guard)
        .unwrap_or_else(|_| panic!("the other stage of the pipeline panicked"))
}

impl<S, B: Default> Shared<'_, S, B> {
    /// The next block in order: a ready one, the one the producer task is filling, or one
    /// filled here when no worker runs the producer task; `None` after the last.
    fn next(&self, fill: &impl Fn(&mut S, &mut B) -> bool) -> Option<B> {
        let mut ring = lock(&self.ring);
        loop {
            if let Some(block) = ring.ready.pop_front() {
                self.space.notify_one();
                return Some(block);
            }
            if ring.exhausted {
                return None;
            }
            if !ring.producing {
                break;
            }
            ring = wait(&self.filled, ring);
        }
        drop(ring);
        let mut producer = lock(&self.producer);
        let mut ring = lock(&self.ring);
        // The producer task may have started, and filled the block, meanwhile.
        if let Some(block) = ring.ready.pop_front() {
            self.space.notify_one();
            return Some(block);
        }
        if producer.finished {
            return None;
        }
        let mut block = ring.spare.pop_back().unwrap_or_default();
        drop(ring);
        producer.finished = !fill(producer.state, &mut block);
        Some(block)
    }

    /// Fills blocks ahead until the last is filled or the consumer stops.
    fn produce(&self, fill: &impl Fn(&mut S, &mut B) -> bool) {
        {
            let mut ring = lock(&self.ring);
            if ring.stopped {
                return;
            }
            ring.producing = true;
        }
        // However this ends, the consumer stops waiting for it.
        let _done = ProducingOnDrop(self);
        loop {
            let mut block = {
                let mut ring = lock(&self.ring);
                while ring.ready.len() >= AHEAD && !ring.stopped {
                    ring = wait(&self.space, ring);
                }
                if ring.stopped {
                    return;
                }
                if ring.spare.len() > COOLING {
                    ring.spare.pop_front().unwrap_or_default()
                } else {
                    B::default()
                }
            };
            let mut producer = lock(&self.producer);
            if producer.finished {
                return;
            }
            producer.finished = !fill(producer.state, &mut block);
            let finished = producer.finished;
            let mut ring = lock(&self.ring);
            ring.ready.push_back(block);
            ring.exhausted = finished;
            self.filled.notify_one();
            if finished {
                return;
            }
        }
    }
}

struct StopOnDrop<'a, 's, S, B>(&'a Shared<'s, S, B>);

impl<S, B> Drop for StopOnDrop<'_, '_, S, B> {
    fn drop(&mut self) {
        // Not `lock`: this may run while unwinding from a panic.
        let mut ring = self.0.ring.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        ring.stopped = true;
        self.0.space.notify_all();
    }
}

struct ProducingOnDrop<'a, 's, S, B>(&'a Shared<'s, S, B>);

impl<S, B> Drop for ProducingOnDrop<'_, '_, S, B> {
    fn drop(&mut self) {
        let mut ring = self.0.ring.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        ring.producing = false;
        self.0.filled.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fills blocks of `size` numbers counting up from where the last ended, until `last`.
    fn count(next: &mut u64, block: &mut Vec<u64>, size: u64, last: u64) -> bool {
        block.clear();
        while block.len() < size as usize && *next < last {
            block.push(*next);
            *next += 1;
        }
        *next < last
    }

    #[test]
    fn every_block_once_in_order_on_any_pool() {
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            for (size, last) in [(1, 0), (1, 1), (7, 100), (64, 64), (3, 10_000)] {
                let mut next = 0;
                let mut seen = Vec::new();
                let finished = pool.install(|| {
                    run(
                        &mut next,
                        |next, block: &mut Vec<u64>| count(next, block, size, last),
                        |block| {
                            seen.extend_from_slice(block);
                            true
                        },
                    )
                });
                assert!(finished);
                assert_eq!(
                    seen,
                    (0..last).collect::<Vec<_>>(),
                    "{threads} threads, blocks of {size}"
                );
            }
        }
    }

    #[test]
    fn a_stopped_consumer_stops_the_producer() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let mut next = 0;
        let mut blocks = 0;
        let finished = pool.install(|| {
            run(
                &mut next,
                |next, block: &mut Vec<u64>| count(next, block, 10, u64::MAX),
                |_| {
                    blocks += 1;
                    blocks < 5
                },
            )
        });
        assert!(!finished);
        assert_eq!(blocks, 5);
        // The producer fills at most the ring (one more if it raced the consumer) and one more.
        assert!(next <= 10 * (5 + AHEAD as u64 + 2), "{next} drawn");
    }

    #[test]
    fn many_pipelines_side_by_side_on_a_busy_pool() {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let sums: Vec<u64> = pool.install(|| {
            (0..64u64)
                .into_par_iter()
                .map(|r| {
                    let mut next = 0;
                    let mut sum = 0;
                    run(
                        &mut next,
                        |next, block: &mut Vec<u64>| count(next, block, 5, 100 + r),
                        |block| {
                            sum += block.iter().sum::<u64>();
                            true
                        },
                    );
                    sum
                })
                .collect()
        });
        assert_eq!(
            sums,
            (0..64u64).map(|r| (0..100 + r).sum::<u64>()).collect::<Vec<u64>>()
        );
    }
}
