//! "Did you mean …?" suggestions and the conversion of TOML parse errors into diagnostics.

use crate::error::{Diagnostic, SourceFile};

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

/// The words between backticks in a message, in order.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A diagnostic for a TOML syntax or structure error, with a suggestion where one helps.
pub(crate) fn toml_error(source: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim();
    let mut diagnostic = match error.span() {
        Some(span) => {
            let end = span.end.min(source.text.len());
            let start = span.start.min(end);
            Diagnostic::at(source, start..end, message)
        }
        None => Diagnostic::new(format!("{}: {message}", source.name)),
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let words = backticked(rest);
        if let Some((unknown, expected)) = words.split_first() {
            diagnostic.message = format!("unknown key `{unknown}`");
            diagnostic.label = Some("not a key here".to_owned());
            diagnostic.help = Some(if expected.is_empty() {
                "nothing more can be written here".to_owned()
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
                other => format!("add `{other} = …` here"),
            });
        }
    } else if message.starts_with("invalid type: string") && message.contains("date") {
        diagnostic.help = Some("write dates without quotes, e.g. 2018-11-15".to_owned());
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

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
