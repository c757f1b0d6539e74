//! Line breaking for chart text: between the parts of a list first (`·`, `;`, `|`), then
//! between words, and never inside a date (`9 Jul 2019`, `Jan 25 2019`, `July 2019`).

/// Where a line may break after a part: a list separator is a better break than a space.
const SEPARATORS: [&str; 3] = [" · ", "; ", " | "];

const MONTHS: [&str; 24] = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Sept",
];

/// A word without the brackets and punctuation around it.
fn bare(word: &str) -> &str {
    word.trim_start_matches(['(', '['])
        .trim_end_matches([')', ']', ',', ';', '.', ':'])
}

fn is_month(word: &str) -> bool {
    MONTHS.contains(&bare(word))
}

fn is_day(word: &str) -> bool {
    let word = bare(word);
    word.len() <= 2 && word.parse::<u8>().is_ok_and(|day| (1..=31).contains(&day))
}

fn is_year(word: &str) -> bool {
    let word = bare(word);
    word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a line must not break between `before` and `after`: inside a date such as
/// `9 Jul 2019`, `Jan 25 2019` or `July 2019`.
fn glued(before: &str, after: &str) -> bool {
    (is_day(before) && is_month(after)) || (is_month(before) && (is_day(after) || is_year(after))) || {
        // The year of `Jul 25 2019` and `9 Jul 2019` follows a day or month of a date.
        is_day(before) && is_year(after)
    }
}

/// The words of `text`, with the words of a date kept together as one.
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last: Option<&str> = None;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match (out.last_mut(), last) {
            (Some(unit), Some(before)) if glued(before, word) => {
                unit.push(' ');
                unit.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
        last = Some(word);
    }
    out
}

/// The parts of `text` between list separators, each keeping its separator (trimmed at the end).
fn parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some((at, sep)) = SEPARATORS
        .iter()
        .filter_map(|sep| rest.find(sep).map(|at| (at, sep)))
        .min_by_key(|(at, _)| *at)
    {
        let end = at + sep.trim_end().len();
        parts.push(&rest[..end]);
        rest = &rest[at + sep.len()..];
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts
}

/// Appends `piece` to `lines`, filling the last line while `fits` says the result fits.
fn push_piece(lines: &mut Vec<String>, piece: &str, fits: &dyn Fn(&str) -> bool) {
    if let Some(line) = lines.last_mut() {
        let candidate = format!("{line} {piece}");
        if fits(&candidate) {
            *line = candidate;
            return;
        }
    }
    lines.push(piece.to_owned());
}

/// Splits `text` into lines that `fits` accepts: whole list parts where they fit, else words,
/// never a date. A word or date wider than a line stays whole, on a line of its own.
pub(in crate::chart) fn wrap_by(text: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts(text) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if fits(part) {
            push_piece(&mut lines, part, fits);
            continue;
        }
        // Too long for any line: its words fill the last line, then lines of their own.
        for word in words(part) {
            push_piece(&mut lines, &word, fits);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap_at(text: &str, chars: usize) -> Vec<String> {
        wrap_by(text, &|line: &str| line.chars().count() <= chars)
    }

    #[test]
    fn dates_are_never_split() {
        let text = "Tijuana 2019 (Remain in Mexico) · 20 simulated runs · 1 Jan 2019 – 9 Jul 2019";
        for width in 8..80 {
            let lines = wrap_at(text, width);
            for date in ["1 Jan 2019", "9 Jul 2019"] {
                assert!(lines.iter().any(|line| line.contains(date)), "{width}: {lines:?}");
            }
        }
        assert_eq!(
            words("cut to 20/day (Jan 25 2019)").last().map(String::as_str),
            Some("(Jan 25 2019)")
        );
        assert_eq!(
            words("under 5/day (July 2019)").last().map(String::as_str),
            Some("(July 2019)")
        );
    }

    #[test]
    fn lists_break_between_their_parts_first() {
        let text = "Simulated with backlog v0.1.0; scenario Title 42 exceptions 2021; seed 20210101; 20 replications";
        assert_eq!(
            wrap_at(text, 60),
            vec![
                "Simulated with backlog v0.1.0;",
                "scenario Title 42 exceptions 2021; seed 20210101;",
                "20 replications"
            ]
        );
        // A part longer than a line is broken between its words.
        assert_eq!(
            wrap_at("a · one two three four", 9),
            vec!["a · one", "two three", "four"]
        );
        assert!(wrap_at("", 10).is_empty());
    }

    #[test]
    fn nothing_is_lost() {
        let text = "Orange: the 6,107 people a run still waiting at the end, by how long they had waited so far.";
        for width in 1..100 {
            assert_eq!(wrap_at(text, width).join(" "), text);
        }
    }
}
