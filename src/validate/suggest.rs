//! "Did you mean …?" suggestions and the conversion of TOML parse errors into diagnostics.

use crate::error::{Diagnostic, SourceFile};
use std::ops::Range;

/// Edit distance (insertions, deletions, substitutions) between two strings, by characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `input`: within two edits (and fewer edits than `input` has
/// characters, so that short inputs do not match everything), or a prefix either way.
pub(crate) fn closest<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let input = input.trim().to_lowercase();
    let length = input.chars().count();
    let mut best: Option<(usize, &'c str)> = None;
    for &candidate in candidates {
        let lower = candidate.to_lowercase();
        let distance = levenshtein(&input, &lower);
        if distance == 0 {
            return Some(candidate);
        }
        if distance <= 2 && distance < length && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    if best.is_some() {
        return best.map(|(_, candidate)| candidate);
    }
    candidates.iter().copied().find(|candidate| {
        let lower = candidate.to_lowercase();
        (length >= 2 && lower.starts_with(&input)) || (lower.len() >= 3 && input.starts_with(&lower))
    })
}

/// `did you mean `x`?` when a candidate is close, otherwise the list of valid choices.
pub(crate) fn help(input: &str, candidates: &[&str], what: &str) -> String {
    match closest(input, candidates) {
        Some(candidate) => format!("did you mean `{candidate}`?"),
        None => format!("{what}: {}", quoted_list(candidates)),
    }
}

/// `a`, `b` and `c`.
pub(crate) fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The keys at the top level of a scenario file.
const TOP_LEVEL: [&str; 7] = ["schema", "run", "classes", "ports", "streams", "stages", "network"];

/// The words between backticks in a message, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A diagnostic for a TOML syntax or structure error, with a suggestion where one helps.
/// The byte range of the line with the most dots and brackets: where a key or value nests
/// deepest.
fn most_nested_line(text: &str) -> std::ops::Range<usize> {
    let mut best = (0, 0..0);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let depth = line.chars().filter(|c| matches!(c, '.' | '[' | '{')).count();
        if depth > best.0 {
            best = (depth, start..start + line.trim_end().len());
        }
        start += line.len();
    }
    best.1
}

pub(crate) fn toml_error(source: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim();
    let span = error
        .span()
        .map(|span| {
            let end = span.end.min(source.text.len());
            span.start.min(end)..end
        })
        // Errors about nesting too deep come without a place: point at the most nested line.
        .or_else(|| message.contains("recursion").then(|| most_nested_line(&source.text)));
    let mut diagnostic = match &span {
        Some(span) => Diagnostic::at(source, span.clone(), message),
        None => Diagnostic::new(message),
    };
    if message.contains("recursion") {
        diagnostic.message = "keys or values nest too deeply here for backlog to read".to_owned();
        diagnostic.help = Some(
            "a scenario nests only a few tables deep (e.g. `ports.capacity.schedule`): check the dots and brackets"
                .to_owned(),
        );
    } else if let Some(rest) = message.strip_prefix("unknown field ") {
        let words = backticked(rest);
        if let Some((unknown, expected)) = words.split_first() {
            diagnostic.message = format!("unknown key `{unknown}`");
            diagnostic.label = Some("not a key here".to_owned());
            diagnostic.help = Some(if expected.is_empty() {
                "nothing more can be written here".to_owned()
            } else if TOP_LEVEL.contains(unknown) && !expected.contains(&"schema") {
                format!(
                    "`{unknown}` belongs at the top of the file: keys written after a [table] header belong to that table, so move it above the first header"
                )
            } else {
                help(unknown, expected, "the keys allowed here are")
            });
        }
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        if let Some(&missing) = backticked(rest).first() {
            diagnostic.message = format!("missing key `{missing}`");
            diagnostic.help = Some(match missing {
                "schema" => "add `schema = 1` at the top of the file".to_owned(),
                "run" => "add a [run] table with `name`, `horizon_days` and `seed`".to_owned(),
                "ports" => "add at least one [[ports]] table".to_owned(),
                "streams" => "add at least one [[streams]] table".to_owned(),
                "capacity" => {
                    "add a [ports.capacity] table after the port, with `kind = \"quota\"` or `kind = \"officers\"`"
                        .to_owned()
                }
                other => format!("add `{other} = …` here"),
            });
        }
    } else if let Some((found, expected)) = wrong_type(message) {
        let written = span
            .as_ref()
            .and_then(|span| source.text.get(span.clone()))
            .unwrap_or("");
        let key = span.as_ref().and_then(|span| key_before(&source.text, span.start));
        let expected = expected_in_words(expected);
        let found = found_in_words(found, written);
        diagnostic.message = match key {
            Some(key) => format!("`{key}` must be {expected}, found {found}"),
            None => format!("expected {expected} here, found {found}"),
        };
        diagnostic.help = type_help(key.unwrap_or("key"), &expected, written);
    } else if let Some(span) = &span {
        syntax_help(&mut diagnostic, message, &source.text, span.clone());
    }
    if diagnostic.location.is_none() {
        diagnostic.message = format!("{}: {}", source.name, diagnostic.message);
    }
    diagnostic
}

/// `(found, expected)` of serde's "invalid type: {found}, expected {expected}" (and "invalid value").
fn wrong_type(message: &str) -> Option<(&str, &str)> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let at = rest.rfind(", expected ")?;
    Some((&rest[..at], &rest[at + ", expected ".len()..]))
}

/// The key written just before a value at `offset`: `key = value`, or `key = value` inside `{ … }`.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?.trim_end().strip_suffix('=')?.trim_end();
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_key(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = before.get(start..)?;
    (!key.is_empty()).then_some(key)
}

/// What serde expected, in words: `f64` → "a number", `i64` → "a whole number", and so on.
fn expected_in_words(expected: &str) -> String {
    match expected {
        "f64" | "f32" => "a number".to_owned(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "isize" => {
            "a whole number".to_owned()
        }
        "a string" | "a borrowed string" => "text in double quotes".to_owned(),
        "a sequence" => "a list in square brackets".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a map" => "a table".to_owned(),
        other if other.starts_with("struct ") => "a table".to_owned(),
        other => other.to_owned(),
    }
}

/// What serde found, in words, using what is written where it can (`string "x"` → `the text "x"`).
fn found_in_words(found: &str, written: &str) -> String {
    let written = written.trim();
    let shown = if written.chars().count() > 40 {
        format!("{}…", written.chars().take(40).collect::<String>())
    } else {
        written.to_owned()
    };
    if found.starts_with("string ") {
        format!("the text {shown}")
    } else if found.starts_with("floating point ") || found.starts_with("integer ") || found.starts_with("boolean ") {
        format!("`{shown}`")
    } else if found == "sequence" {
        format!("a list: `{shown}`")
    } else if found == "map" && written.starts_with(|c: char| c.is_ascii_digit()) {
        format!("the date `{shown}`")
    } else if found == "map" {
        "a table".to_owned()
    } else {
        found.to_owned()
    }
}

/// How to write a value of the expected kind, given what was written.
fn type_help(key: &str, expected: &str, written: &str) -> Option<String> {
    let written = written.trim();
    let unquoted = written.trim_matches(|c| c == '"' || c == '\'');
    let quoted = unquoted.len() + 2 == written.len() && written.len() >= 2;
    let number = unquoted.trim().parse::<f64>().ok().filter(|n| n.is_finite());
    let leading_number: String = unquoted
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    match expected {
        "a number" | "a whole number" if quoted && number.is_some() => {
            Some(format!("remove the quotes: `{key} = {}`", unquoted.trim()))
        }
        "a number"
        | "a whole number"
        | "a number or a distribution table such as { dist = \"exponential\", mean = 60 }"
            if quoted && !leading_number.is_empty() && leading_number.parse::<f64>().is_ok() =>
        {
            Some(format!(
                "write just the number, without quotes or units (the unit is in the key's name): `{key} = {leading_number}`"
            ))
        }
        "a number" | "a whole number" if quoted => {
            Some("write numbers in digits and without quotes, e.g. `30`".to_owned())
        }
        "a whole number" if written.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) => {
            Some("this number is too large: the largest allowed is 9,223,372,036,854,775,807".to_owned())
        }
        "a whole number" if written.contains(['.', 'e', 'E']) => {
            Some("write a whole number, without a decimal point".to_owned())
        }
        "a whole number" => Some(format!("write a whole number in digits, e.g. `{key} = 10`")),
        "a number" => Some(format!("write a number in digits, e.g. `{key} = 10`")),
        "text in double quotes" => Some(format!("write `{key} = \"{unquoted}\"`")),
        "true or false" => Some("write `true` or `false`, without quotes".to_owned()),
        "a list in square brackets" if key == "ports" || key == "streams" || key == "classes" => Some(format!(
            "write each of the {key} as a [[{key}]] table (see docs/scenario-format.md)"
        )),
        "a list in square brackets" if quoted && unquoted.contains(',') => {
            let items: Vec<String> = unquoted.split(',').map(|item| format!("\"{}\"", item.trim())).collect();
            Some(format!(
                "write each item in quotes, inside square brackets: `{key} = [{}]`",
                items.join(", ")
            ))
        }
        "a list in square brackets" => Some("write a list in square brackets, e.g. `[1, 2, 3]`".to_owned()),
        "a table" => Some(format!("write a table in braces: `{key} = {{ name = value, … }}`")),
        _ if expected.contains("date") && quoted => Some("write dates without quotes, e.g. 2018-11-15".to_owned()),
        _ => None,
    }
}

/// Plainer words and a hint for the commonest TOML syntax errors and unreadable values.
fn syntax_help(diagnostic: &mut Diagnostic, message: &str, text: &str, span: Range<usize>) {
    let written = text.get(span.clone()).unwrap_or("").trim();
    let key = key_before(text, span.start);
    let line_start = text
        .get(..span.start)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text
        .get(line_start..)
        .and_then(|rest| rest.lines().next())
        .unwrap_or("");
    let after_digit = text
        .get(..span.start)
        .and_then(|before| before.chars().last())
        .is_some_and(|c| c.is_ascii_digit());
    let (new_message, help): (Option<String>, Option<String>) = if message.starts_with("invalid basic string")
        || message.starts_with("invalid literal string")
    {
        (
            Some("this text has no closing quote".to_owned()),
            Some("text must end with a closing quote on the same line".to_owned()),
        )
    } else if message.starts_with("string values must be quoted") {
        let percent = written.strip_suffix('%').and_then(|n| n.trim().parse::<f64>().ok());
        let slashed_date = written.contains('/') && written.chars().all(|c| c.is_ascii_digit() || c == '/');
        let name = key.map_or_else(|| "this value".to_owned(), |key| format!("`{key}`"));
        match (percent, slashed_date) {
            (Some(percent), _) => (
                Some(format!("{name} cannot be a percentage: `{written}`")),
                Some(match key {
                    Some(key) => format!("write shares as fractions: `{key} = {}`", percent / 100.0),
                    None => format!("write shares as fractions: {} for {written}", percent / 100.0),
                }),
            ),
            (_, true) => (
                Some(format!("{name} is not a date TOML can read: `{written}`")),
                Some("write dates year first, as YYYY-MM-DD and without quotes, e.g. 2018-11-05".to_owned()),
            ),
            _ => (
                Some(format!("text must be in double quotes, but {name} is `{written}`")),
                Some(match key {
                    Some(key) => format!("write `{key} = \"{written}\"`"),
                    None => format!("write `\"{written}\"`"),
                }),
            ),
        }
    } else if message.starts_with("invalid date") || message.starts_with("invalid time") {
        let detail = message.split_once(", ").map_or("", |(_, detail)| detail);
        let name = key.map_or_else(|| "this".to_owned(), |key| format!("`{key}`"));
        (
            Some(format!("{name} is not a real date: `{written}`")),
            (!detail.is_empty()).then(|| format!("check the date ({detail})")),
        )
    } else if let Some(rest) = message.strip_prefix("expected a date such as ") {
        (
            key.map(|key| format!("`{key}` must be a date such as {rest}")),
            Some(
                "write the date alone; for a time of day use a fractional day number (12.375 is 09:00 on day 12)"
                    .to_owned(),
            ),
        )
    } else if message.contains("expected `=`") || message.starts_with("expected `.`, `=`") {
        (None, Some("each line is `key = value`".to_owned()))
    } else if message.starts_with("duplicate key") {
        if line.trim_start().starts_with('[') {
            let header = line.trim();
            (
                Some(format!("the table `{header}` is written twice")),
                Some(format!(
                    "put all the keys of `{header}` under one header; for several tables of one kind write `[[name]]`"
                )),
            )
        } else {
            (
                Some(format!("the key `{written}` is written twice in this table")),
                Some("each key may appear once in a table; remove one of them".to_owned()),
            )
        }
    } else if message.contains("invalid table header") || message.contains("expected `]`") {
        (
            None,
            Some("table headers are `[name]` or, for one of several tables, `[[name]]`".to_owned()),
        )
    } else if message.contains("invalid inline table") || message.contains("expected `}`") {
        (
            None,
            Some("an inline table is written on one line: `{ key = value, key = value }`".to_owned()),
        )
    } else if message.starts_with("unexpected key or value") {
        if text.get(span.start..).is_some_and(|rest| rest.starts_with(',')) && after_digit {
            (
                Some("a number cannot contain a comma".to_owned()),
                Some(
                    "write numbers without thousands separators: `1000` or `1_000`; a decimal point is `.`".to_owned(),
                ),
            )
        } else {
            (
                Some("unexpected text after the value".to_owned()),
                Some(
                    "each line holds one `key = value`; put the rest on a new line, or start a comment with `#`"
                        .to_owned(),
                ),
            )
        }
    } else {
        (None, None)
    };
    if let Some(new_message) = new_message {
        diagnostic.message = new_message;
    }
    if diagnostic.help.is_none() {
        diagnostic.help = help;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagnostic for `text` read as a table with one number `x` and one name `y`.
    fn diagnostic_for(text: &str) -> Diagnostic {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Holder {
            x: f64,
            y: Option<String>,
            n: Option<i64>,
        }
        let source = SourceFile {
            name: "t.toml".into(),
            text: text.into(),
        };
        match toml::from_str::<Holder>(text) {
            Ok(holder) => panic!("{text} was accepted: {holder:?}"),
            Err(error) => toml_error(&source, &error),
        }
    }

    #[test]
    fn wrong_types_in_words() {
        let d = diagnostic_for("x = \"thirty\"\n");
        assert_eq!(d.message, "`x` must be a number, found the text \"thirty\"");
        assert_eq!(d.line_col(), Some((1, 5)));
        let d = diagnostic_for("x = \"30\"\n");
        assert_eq!(d.help.as_deref(), Some("remove the quotes: `x = 30`"));
        let d = diagnostic_for("x = 1\nn = 2.5\n");
        assert_eq!(d.message, "`n` must be a whole number, found `2.5`");
        let d = diagnostic_for("x = 1\ny = 7\n");
        assert_eq!(d.message, "`y` must be text in double quotes, found `7`");
        assert_eq!(d.help.as_deref(), Some("write `y = \"7\"`"));
        let d = diagnostic_for("x = 1\ny = poisson\n");
        assert_eq!(d.message, "text must be in double quotes, but `y` is `poisson`");
        let d = diagnostic_for("x = 80%\n");
        assert_eq!(d.help.as_deref(), Some("write shares as fractions: `x = 0.8`"));
        let d = diagnostic_for("x = 1,000\n");
        assert_eq!(d.message, "a number cannot contain a comma");
        let d = diagnostic_for("y = \"a\"\n");
        assert_eq!(d.message, "missing key `x`");
        let d = diagnostic_for("x = 1\nz = 2\n");
        assert_eq!(d.message, "unknown key `z`");
    }

    #[test]
    fn pieces_of_type_errors() {
        assert_eq!(
            wrong_type("invalid type: string \"a, expected b\", expected f64"),
            Some(("string \"a, expected b\"", "f64"))
        );
        assert_eq!(wrong_type("duplicate key"), None);
        assert_eq!(key_before("a = 1\nb = { c = \"x\"", 16), Some("c"));
        assert_eq!(key_before("é = 1", 4), None);
        assert_eq!(key_before("[x]\n  ", 5), None);
        assert_eq!(expected_in_words("u32"), "a whole number");
        assert_eq!(expected_in_words("struct RawRun"), "a table");
        assert_eq!(found_in_words("map", "2018-11-05"), "the date `2018-11-05`");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("vlue", "value"), 1);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn closest_candidates() {
        let kinds = ["backlog", "wave", "poisson", "trace"];
        assert_eq!(closest("wav", &kinds), Some("wave"));
        assert_eq!(closest("Poison", &kinds), Some("poisson"));
        assert_eq!(closest("x", &kinds), None);
        assert_eq!(closest("monday", &crate::model::calendar::WEEKDAYS), Some("mon"));
        assert_eq!(closest("tri", &["uniform", "triangular", "normal"]), Some("triangular"));
        assert_eq!(
            help("zzz", &["a", "b"], "expected one of"),
            "expected one of: `a` and `b`"
        );
    }
}
