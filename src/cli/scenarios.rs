//! `backlog scenarios`: the built-in scenarios, listed with the question each asks, or one
//! printed as shipped.

use super::output::{note, write_stdout};
use backlog::{Error, Scenario};
use std::io::Write;

/// Width the descriptions are wrapped to.
const WIDTH: usize = 88;

/// Lists every built-in scenario: its name, title and description.
pub(super) fn list(stdout: &mut dyn Write) -> Result<(), Error> {
    let mut text = String::from(
        "Built-in scenarios: `backlog run NAME` runs one, `backlog scenarios show NAME` prints its file.\n",
    );
    for name in Scenario::builtin_names() {
        let Some(scenario) = Scenario::builtin(name) else {
            continue;
        };
        let model = scenario.load()?;
        text.push_str(&format!("\n{name:<24} {}\n", model.name()));
        for line in wrap(model.description(), WIDTH - 4) {
            text.push_str(&format!("    {line}\n"));
        }
    }
    write_stdout(stdout, text.as_bytes())
}

/// Prints the built-in scenario `name`, or a CSV file the built-in scenarios read, exactly as
/// shipped; for a scenario that reads CSV files, a note says how to get them too.
pub(super) fn show(name: &str, stdout: &mut dyn Write) -> Result<(), Error> {
    if let Some(text) = Scenario::builtin_file(name) {
        return write_stdout(stdout, text.as_bytes());
    }
    let scenario = Scenario::named(name)?;
    let files = scenario.builtin_files();
    if !files.is_empty() {
        let mut folders: Vec<&str> = files.iter().filter_map(|file| Some(file.rsplit_once('/')?.0)).collect();
        folders.dedup();
        let mut commands: Vec<String> = folders.iter().map(|folder| format!("`mkdir -p {folder}`")).collect();
        commands.extend(
            files
                .iter()
                .map(|file| format!("`backlog scenarios show {file} > {file}`")),
        );
        note(&format!(
            "this scenario reads {} beside it; {} writes {}",
            files.join(" and "),
            commands.join(", then "),
            if files.len() == 1 { "it" } else { "them" }
        ));
    }
    write_stdout(stdout, scenario.text().as_bytes())
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap() {
        assert_eq!(wrap("a bb ccc dd", 6), ["a bb", "ccc dd"]);
        assert!(wrap("", 6).is_empty());
    }
}
