//! `summary.json`: the [`Summary`] serialised.

use super::Summary;

/// The summary as pretty-printed JSON, ending in a newline.
pub(crate) fn to_json(summary: &Summary) -> String {
    // Serialising plain structs of numbers and strings cannot fail.
    let mut text = serde_json::to_string_pretty(summary).unwrap_or_else(|error| unreachable!("{error}"));
    text.push('\n');
    text
}
