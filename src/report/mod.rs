//! What is printed for people to read: the summary table (with its network section), and the
//! trace of one replication.

pub(crate) mod network;
pub(crate) mod table;

pub(crate) use table::summary_lines;
pub(crate) mod trace;

/// A result printed three ways: a table for people, CSV and JSON for programs (what
/// `--format table|csv|json` chooses). Implemented by the summary of a run and by the results of
/// a sweep, a comparison and a goal search.
pub trait Render {
    /// As a table for people to read, ending in a newline.
    fn to_table(&self) -> String;
    /// As CSV.
    fn to_csv(&self) -> String;
    /// As pretty-printed JSON, ending in a newline.
    fn to_json(&self) -> String;
}
