//! What is printed for people to read: the summary table, and the trace of one replication.

mod table;
pub(crate) mod trace;
