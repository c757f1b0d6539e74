//! Stopping a run from outside: a token the caller keeps a clone of (a Ctrl-C handler, a UI's
//! stop button, a deadline) and the engine checks every 65,536 events.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Asks a run to stop. Clones share one flag; a run given the token returns
/// [`Error::Interrupted`](crate::Error::Interrupted) soon after [`cancel`](Self::cancel), never
/// a partial result. A token stays cancelled: use a new one for the next run.
#[derive(Debug, Clone, Default)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every run holding this token (or a clone of it) to stop.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
}

/// A replication (or a drawing) was stopped by its [`CancelToken`] before it finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cancelled;

impl From<Cancelled> for crate::error::Error {
    fn from(_: Cancelled) -> Self {
        crate::error::Error::Interrupted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_flag_and_new_tokens_start_clear() {
        let token = CancelToken::new();
        let handler = token.clone();
        assert!(!token.is_cancelled());
        handler.cancel();
        assert!(token.is_cancelled());
        assert!(!CancelToken::new().is_cancelled());
    }
}
