//! Invariants over random scenarios (in progress).
