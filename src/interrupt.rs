//! Ctrl-C: a flag the engine and the replication loop check, so a run stops promptly and
//! writes nothing (outputs are only written, atomically, once a run has finished).

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks every running simulation to stop (called from the Ctrl-C handler).
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Whether a stop was asked for.
#[inline]
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
