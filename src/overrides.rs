//! Changing values of a scenario's text before validation, keeping the rest of the text
//! (and so line numbers in messages) as written.

use crate::error::{Diagnostic, InputError};
use toml_edit::{DocumentMut, Item, Value};

/// A value to set at a dotted path such as `run.seed`.
#[derive(Debug, Clone)]
pub struct Override {
    /// Dotted path of keys.
    pub path: String,
    /// The new value.
    pub value: Value,
}

impl Override {
    /// An override of an integer value.
    pub fn integer(path: &str, value: i64) -> Self {
        Override {
            path: path.to_owned(),
            value: Value::from(value),
        }
    }
}

/// The scenario text with every override applied, in order.
///
/// Only keys of tables that already exist can be set; the result is validated as a file is.
pub fn apply(text: &str, overrides: &[Override]) -> Result<String, InputError> {
    if overrides.is_empty() {
        return Ok(text.to_owned());
    }
    // A file that isn't valid TOML gets its message from the validator, with its position.
    let Ok(mut document) = text.parse::<DocumentMut>() else {
        return Ok(text.to_owned());
    };
    for change in overrides {
        let mut keys = change.path.split('.').peekable();
        let mut item: &mut Item = document.as_item_mut();
        while let Some(key) = keys.next() {
            let Some(table) = item.as_table_like_mut() else {
                return Err(unknown(change));
            };
            if keys.peek().is_none() {
                table.insert(key, Item::Value(change.value.clone()));
                break;
            }
            item = match table.get_mut(key) {
                Some(next) => next,
                None => return Err(unknown(change)),
            };
        }
    }
    Ok(document.to_string())
}

fn unknown(change: &Override) -> InputError {
    InputError::single(Diagnostic::new(format!(
        "cannot set `{}`: the scenario has no such table",
        change.path
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_values_and_keeps_the_rest() {
        let text = "schema = 1\n# comment\n[run]\nname = \"x\"\nseed = 1\n";
        let changed = apply(
            text,
            &[
                Override::integer("run.seed", 7),
                Override::integer("run.horizon_days", 30),
            ],
        )
        .unwrap();
        assert!(changed.contains("seed = 7"));
        assert!(changed.contains("horizon_days = 30"));
        assert!(changed.contains("# comment"));
        assert!(apply(text, &[Override::integer("nope.seed", 1)]).is_err());
    }
}
