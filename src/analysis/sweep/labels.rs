//! Human labels of swept parameters, from the keys docs/scenario-format.md documents: the last
//! key(s) of a dotted path give what the parameter is and its unit, the names in the path
//! (ports, streams, classes, as the user wrote them) whose it is.
//!
//! `ports.san_ysidro.capacity.quota_per_day` → `Quota, people a day (port san_ysidro)`; a path
//! the table does not know is shown as written.

use toml_edit::{DocumentMut, Item};

/// What a swept parameter is, in words, with its unit and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamLabel {
    /// What it is, capitalised (`Quota`), or the path itself when the table does not know it.
    pub name: String,
    /// Its unit (`people a day`, `days`, `0 to 1`); `None` for counts named by the name
    /// (`Officers`), categories (`Order of service`) and seeds, which have none.
    pub unit: Option<String>,
    /// Whose it is, with names as written: `port san_ysidro`, `stream caravan, 2nd rate piece`.
    pub owner: Option<String>,
    /// Whether the name comes from the table (else it is the user's path, never recased).
    known: bool,
}

impl ParamLabel {
    /// Axis title: `Quota, people a day (port san_ysidro)`.
    pub(crate) fn axis_title(&self) -> String {
        let mut text = self.name.clone();
        if let Some(unit) = &self.unit {
            text.push_str(", ");
            text.push_str(unit);
        }
        if let Some(owner) = &self.owner {
            text.push_str(&format!(" ({owner})"));
        }
        text
    }

    /// The parameter inside a sentence: `quota (port san_ysidro)`.
    pub(crate) fn phrase(&self) -> String {
        let name = self.phrase_without_owner();
        match &self.owner {
            Some(owner) => format!("{name} ({owner})"),
            None => name,
        }
    }

    /// The parameter inside a sentence, without whose it is: `quota`.
    pub(crate) fn phrase_without_owner(&self) -> String {
        if self.known {
            lower_first(&self.name)
        } else {
            self.name.clone()
        }
    }

    /// A value with the unit after it where that reads well: `0.5 days`, `100 people a day`;
    /// shares, days of the run and values without a unit as they are.
    pub(crate) fn with_unit(&self, value: &str) -> String {
        match self.unit.as_deref() {
            Some(unit) if Some(unit) != SHARE && Some(unit) != DAY => {
                let one = value.parse::<f64>().is_ok_and(|number| number == 1.0);
                match unit.split_once(' ') {
                    Some((first, rest)) if one => format!("{value} {} {rest}", singular(first)),
                    None if one => format!("{value} {}", singular(unit)),
                    _ => format!("{value} {unit}"),
                }
            }
            _ => value.to_owned(),
        }
    }

    /// Whether the table knows the path.
    #[cfg(test)]
    pub(crate) fn is_known(&self) -> bool {
        self.known
    }
}

/// The label of the parameter at `path`; `scenario` (the base scenario's text) tells what a
/// quota counts and what kind a stream is, where the label depends on it.
pub(crate) fn label(path: &str, scenario: Option<&str>) -> ParamLabel {
    let keys: Vec<&str> = path.split('.').collect();
    let facts = Facts::new(scenario);
    let found = match keys.as_slice() {
        ["run", rest @ ..] => run_key(rest).map(|(name, unit)| (name.to_owned(), unit, None)),
        ["classes", class, rest @ ..] => {
            class_key(rest).map(|(name, unit)| (name, unit, Some(format!("class {class}"))))
        }
        ["ports", port, rest @ ..] => port_key(port, rest, &facts).or_else(|| after_key(&format!("port {port}"), rest)),
        ["stages", stage, rest @ ..] => stage_key(stage, rest, &facts),
        ["streams", stream, rest @ ..] => stream_key(stream, rest, &facts),
        _ => None,
    };
    match found {
        Some((name, unit, owner)) => ParamLabel {
            name,
            unit: unit.map(str::to_owned),
            owner,
            known: true,
        },
        None => ParamLabel {
            name: path.to_owned(),
            unit: None,
            owner: None,
            known: false,
        },
    }
}

/// A name, its unit and whose it is.
type Found = Option<(String, Option<&'static str>, Option<String>)>;

const DAYS: Option<&str> = Some("days");
const DAY: Option<&str> = Some("day of the run");
const SHARE: Option<&str> = Some("0 to 1");
const HOURS: Option<&str> = Some("hours after midnight");

fn run_key(keys: &[&str]) -> Option<(&'static str, Option<&'static str>)> {
    Some(match keys {
        ["name"] => ("Scenario name", None),
        ["description"] => ("Description", None),
        ["start_date"] => ("Start date", None),
        ["horizon_days"] => ("Length of the run", DAYS),
        // A seed is a label for a set of random numbers: no unit on purpose.
        ["seed"] => ("Seed", None),
        ["replications"] => ("Replications", None),
        ["warm_up_days"] => ("Warm-up", DAYS),
        ["share_over_days"] => ("Waits whose shares are reported", DAYS),
        _ => return None,
    })
}

fn class_key(keys: &[&str]) -> Option<(String, Option<&'static str>)> {
    match keys {
        ["name"] => Some(("Class name".to_owned(), None)),
        ["on_give_up"] => Some(("What giving up does".to_owned(), None)),
        ["patience_days", rest @ ..] => distribution("patience", DAYS, rest),
        _ => None,
    }
}

fn port_key(port: &str, keys: &[&str], facts: &Facts) -> Found {
    let owner = |extra: Option<String>| {
        Some(match extra {
            Some(extra) => format!("port {port}, {extra}"),
            None => format!("port {port}"),
        })
    };
    let plain = |name: &str, unit: Option<&'static str>| Some((name.to_owned(), unit, owner(None)));
    match keys {
        ["name"] => plain("Port name", None),
        ["discipline"] => plain("Order of service", None),
        ["oldest_share"] => plain("Share of places for the longest-waiting", SHARE),
        ["list_numbers"] => plain("List numbers", None),
        ["list_numbers", "first"] => plain("First list number", None),
        ["list_numbers", "people_per_number"] => plain("People per list number", None),
        ["capacity"] => plain("Capacity", None),
        ["capacity", "kind"] => plain("Form of capacity", None),
        ["capacity", "quota_per_day"] => plain("Quota", Some(facts.quota_unit(port))),
        ["capacity", "counts"] => plain("What the quota counts", None),
        ["capacity", "call_time_hours"] => plain("Time of the daily call", HOURS),
        ["capacity", "randomness"] => plain("Day-to-day randomness of the quota", None),
        ["capacity", "no_show_share"] => plain("Share of called groups who are absent", SHARE),
        ["capacity", "no_show"] => plain("What happens to absent groups", None),
        ["capacity", "no_show_exact"] => plain("Exactly the no-show share absent", None),
        ["capacity", "officers"] => plain("Officers", None),
        ["capacity", "service_days", rest @ ..] => {
            distribution("service time", DAYS, rest).map(|(name, unit)| (name, unit, owner(None)))
        }
        ["capacity", "shift_start_hours"] => plain("Start of the shift", HOURS),
        ["capacity", "shift_end_hours"] => plain("End of the shift", HOURS),
        ["capacity", "weekdays"] => plain("Processing weekdays", None),
        ["capacity", "closures"] => plain("Closures", None),
        ["capacity", "schedule"] => plain("Schedule of capacity", None),
        ["capacity", "closures", index, key] => {
            let (name, unit) = match *key {
                "on" => ("Closed day", DAY),
                "from" => ("First closed day", DAY),
                "to" => ("Last closed day", DAY),
                "label" => ("Label of the closure", None),
                _ => return None,
            };
            Some((name.to_owned(), unit, owner(Some(entry(index, "closure")?))))
        }
        ["capacity", "schedule", index, key] => {
            let (name, unit) = match *key {
                "from" => ("Start of the change", DAY),
                "quota_per_day" => ("Quota", Some(facts.quota_unit(port))),
                "officers" => ("Officers", None),
                "label" => ("Label of the change", None),
                _ => return None,
            };
            Some((name.to_owned(), unit, owner(Some(entry(index, "schedule entry")?))))
        }
        _ => None,
    }
}

fn stream_key(stream: &str, keys: &[&str], facts: &Facts) -> Found {
    let owner = |extra: Option<String>| {
        Some(match extra {
            Some(extra) => format!("stream {stream}, {extra}"),
            None => format!("stream {stream}"),
        })
    };
    let plain = |name: &str, unit: Option<&'static str>| Some((name.to_owned(), unit, owner(None)));
    let dist =
        |name: &str, unit, rest: &[&str]| distribution(name, unit, rest).map(|(name, unit)| (name, unit, owner(None)));
    match keys {
        ["name"] => plain("Stream name", None),
        ["port"] => plain("Port", None),
        ["kind"] => plain("Kind of stream", None),
        ["group_size", rest @ ..] => dist("group size", Some("people"), rest),
        ["class_mix"] => plain("Class mix", None),
        ["class_mix", class] => plain(&format!("Share of class {class}"), SHARE),
        ["join_share"] => plain("Share who join the list", SHARE),
        ["patience_days", rest @ ..] => dist("patience", DAYS, rest),
        ["outcomes"] => plain("Outcomes of giving up", None),
        ["outcomes", outcome] => plain(&format!("Share of those who give up who go to {outcome}"), SHARE),
        ["on_give_up"] => plain("What giving up does", None),
        ["people"] => plain(
            match facts.stream_kind(stream).as_deref() {
                Some("backlog") => "People on the list at day 0",
                Some("wave") => "People arriving in the wave",
                _ => "People",
            },
            None,
        ),
        ["waited_days", rest @ ..] => dist("time already waited at day 0", DAYS, rest),
        ["file"] => plain("File", None),
        ["from"] => plain("Start of the wave", DAY),
        ["to"] => plain("End of the wave", DAY),
        ["shape"] => plain("Shape of the wave", None),
        ["peak"] => plain("Peak of the wave", DAY),
        ["curve"] => plain("Arrival curve", None),
        ["curve", index, key] => {
            let (name, unit) = match *key {
                "at" => ("Day of the curve point", DAY),
                "people" => ("People arrived by the curve point", None),
                _ => return None,
            };
            Some((name.to_owned(), unit, owner(Some(entry(index, "curve point")?))))
        }
        ["people_per_day"] => plain("Arrivals", Some("people a day")),
        ["rates"] => plain("Arrival rates", None),
        ["rates", index, key] => {
            let (name, unit) = match *key {
                "from" => ("Start of the rate piece", DAY),
                "people_per_day" => ("Arrivals", Some("people a day")),
                _ => return None,
            };
            Some((name.to_owned(), unit, owner(Some(entry(index, "rate piece")?))))
        }
        ["until"] => plain("End of the stream", DAY),
        ["ports"] => plain("Ports chosen between", None),
        ["choice", "rule"] => plain("Rule of port choice", None),
        ["choice", "shares", port] => plain(&format!("Share who choose {port}"), SHARE),
        ["choice", "info_delay_days"] => plain("Age of the posted waits", DAYS),
        ["choice", "travel_days"] => plain("Travel times", DAYS),
        ["choice", "travel_days", port] => plain(&format!("Travel time to {port}"), DAYS),
        // The unit of a sensitivity is "per day of wait": its name says so.
        ["choice", "sensitivity_per_day"] => plain("Sensitivity of the choice to a day more of wait", None),
        ["relist", "after_days"] => plain("Wait before moving to another list", DAYS),
        ["relist", "probability_per_day"] => plain("Probability of moving to another list", Some("a day")),
        _ => None,
    }
}

/// A key of a stage: a port's keys, the stage's own, and routing (whose: `stage court`).
fn stage_key(stage: &str, keys: &[&str], facts: &Facts) -> Found {
    let owner = format!("stage {stage}");
    let plain = |name: &str, unit: Option<&'static str>| Some((name.to_owned(), unit, Some(owner.clone())));
    match keys {
        ["waits_in"] => plain("Where people wait", None),
        ["outcome"] => plain("Outcome of giving up", None),
        ["patience_days", rest @ ..] => {
            distribution("patience", DAYS, rest).map(|(name, unit)| (name, unit, Some(owner.clone())))
        }
        _ => port_key(stage, keys, facts)
            .map(|(name, unit, _)| (name.replace("Port name", "Stage name"), unit, Some(owner.clone())))
            .or_else(|| after_key(&owner, keys)),
    }
}

/// A key of the routing (`after`) of a port or stage; `owner` is `port x` or `stage y`.
fn after_key(owner: &str, keys: &[&str]) -> Found {
    let owner = Some(owner.to_owned());
    match keys {
        ["after", "to", target] => Some((format!("Share of those processed who go to {target}"), SHARE, owner)),
        ["after", "delay_days", rest @ ..] => {
            distribution("delay before the next stage", DAYS, rest).map(|(name, unit)| (name, unit, owner))
        }
        _ => None,
    }
}

/// A distribution's label (`service time`), or one of its parameters' (`Mean service time`).
/// A bare number is a fixed value, so the key alone is the value itself, not a mean.
fn distribution(what: &str, unit: Option<&'static str>, keys: &[&str]) -> Option<(String, Option<&'static str>)> {
    let (prefix, unit) = match keys {
        [] | ["value"] => ("", unit),
        ["mean"] => ("Mean ", unit),
        ["sd"] => ("Standard deviation of ", unit),
        ["min"] => ("Least ", unit),
        ["max"] => ("Most ", unit),
        ["mode"] => ("Most likely ", unit),
        ["scale"] => ("Scale of ", unit),
        ["shape"] => ("Shape of ", None),
        ["dist"] => ("Distribution of ", None),
        _ => return None,
    };
    let name = format!("{prefix}{what}");
    Some((upper_first(&name), unit))
}

/// `days` → `day`, for a value of 1.
fn singular(unit: &str) -> &str {
    match unit {
        "people" => "person",
        _ => unit.strip_suffix('s').unwrap_or(unit),
    }
}

/// `2` → `3rd closure`: entries are addressed from 0, counted from 1.
fn entry(index: &str, what: &str) -> Option<String> {
    let n: u64 = index.parse().ok()?;
    let n = n + 1;
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    Some(format!("{n}{suffix} {what}"))
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_lowercase().chain(chars).collect())
}

/// What the scenario's text says of its ports and streams, where a label depends on it.
struct Facts {
    document: Option<DocumentMut>,
}

impl Facts {
    fn new(text: Option<&str>) -> Facts {
        Facts {
            document: text.and_then(|text| text.parse().ok()),
        }
    }

    /// The `[[name]]` element called `wanted`.
    fn element(&self, array: &str, wanted: &str) -> Option<&toml_edit::Table> {
        self.document
            .as_ref()?
            .get(array)?
            .as_array_of_tables()?
            .iter()
            .find(|table| table.get("name").and_then(Item::as_str) == Some(wanted))
    }

    /// The unit of a port's quota, from what it counts.
    fn quota_unit(&self, port: &str) -> &'static str {
        let counts = self
            .element("ports", port)
            .and_then(|table| table.get("capacity"))
            .and_then(|capacity| capacity.get("counts"))
            .and_then(Item::as_str);
        match counts {
            Some("groups") => "groups a day",
            Some("calls") => "calls a day",
            Some("people_called") => "people called a day",
            _ => "people a day",
        }
    }

    /// A stream's `kind`.
    fn stream_kind(&self, stream: &str) -> Option<String> {
        let kind = self.element("streams", stream)?.get("kind")?.as_str()?;
        Some(kind.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn title(path: &str) -> String {
        label(path, None).axis_title()
    }

    #[test]
    fn paths_read_as_words_with_units_and_the_names_as_written() {
        assert_eq!(
            title("ports.san_ysidro.capacity.quota_per_day"),
            "Quota, people a day (port san_ysidro)"
        );
        assert_eq!(
            title("ports.San_Ysidro.capacity.officers"),
            "Officers (port San_Ysidro)"
        );
        assert_eq!(title("ports.p.capacity.service_days"), "Service time, days (port p)");
        assert_eq!(
            title("ports.p.capacity.service_days.mean"),
            "Mean service time, days (port p)"
        );
        assert_eq!(
            title("streams.caravan.join_share"),
            "Share who join the list, 0 to 1 (stream caravan)"
        );
        assert_eq!(
            title("classes.general.patience_days.mean"),
            "Mean patience, days (class general)"
        );
        assert_eq!(
            title("streams.Walk_Ins.people_per_day"),
            "Arrivals, people a day (stream Walk_Ins)"
        );
        assert_eq!(title("ports.p.discipline"), "Order of service (port p)");
        assert_eq!(title("run.horizon_days"), "Length of the run, days");
        assert_eq!(title("run.seed"), "Seed");
        assert_eq!(
            title("ports.p.capacity.schedule.2.quota_per_day"),
            "Quota, people a day (port p, 3rd schedule entry)"
        );
        assert_eq!(
            title("streams.s.rates.0.people_per_day"),
            "Arrivals, people a day (stream s, 1st rate piece)"
        );
        assert_eq!(
            title("streams.s.outcomes.returned_home"),
            "Share of those who give up who go to returned_home, 0 to 1 (stream s)"
        );
        assert_eq!(label("ports.p.capacity.quota_per_day", None).phrase(), "quota (port p)");
    }

    #[test]
    fn unknown_paths_are_shown_as_written() {
        for path in ["ports.p.capacity.nonsense", "Weird.Path", "streams.s.curve.x.at", "run"] {
            let label = label(path, None);
            assert!(!label.is_known());
            assert_eq!(label.axis_title(), path);
            assert_eq!(label.phrase(), path, "never recased");
        }
    }

    #[test]
    fn the_scenario_says_what_a_quota_counts_and_what_people_a_stream_brings() {
        let text = "[run]\nname = \"x\"\n[[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\n\
                    counts = \"groups\"\nquota_per_day = 5\n[[streams]]\nname = \"s\"\nport = \"p\"\n\
                    kind = \"backlog\"\npeople = 10\n";
        assert_eq!(
            label("ports.p.capacity.quota_per_day", Some(text)).axis_title(),
            "Quota, groups a day (port p)"
        );
        assert_eq!(
            label("streams.s.people", Some(text)).axis_title(),
            "People on the list at day 0 (stream s)"
        );
        assert_eq!(label("streams.s.people", None).axis_title(), "People (stream s)");
    }

    /// Network keys: a stage is labelled as a port is, with its own keys; routing and choice.
    #[test]
    fn network_keys_have_labels() {
        let title = |path: &str| label(path, None).axis_title();
        assert_eq!(title("stages.court.capacity.officers"), "Officers (stage court)");
        assert_eq!(title("stages.court.name"), "Stage name (stage court)");
        assert_eq!(
            title("stages.court.patience_days.mean"),
            "Mean patience, days (stage court)"
        );
        assert_eq!(
            title("ports.tijuana.after.to.credible_fear"),
            "Share of those processed who go to credible_fear, 0 to 1 (port tijuana)"
        );
        assert_eq!(
            title("stages.credible_fear.after.delay_days.max"),
            "Most delay before the next stage, days (stage credible_fear)"
        );
        assert_eq!(
            title("streams.arrivals.choice.travel_days.mexicali"),
            "Travel time to mexicali, days (stream arrivals)"
        );
        assert_eq!(
            title("streams.arrivals.relist.probability_per_day"),
            "Probability of moving to another list, a day (stream arrivals)"
        );
    }

    /// Every key docs/scenario-format.md documents in its tables of keys has a label, and
    /// every one whose name carries a unit (`_days`, `_per_day`, `_hours`, `_share`) has its
    /// unit in the label.
    #[test]
    fn every_documented_key_has_a_label_and_keys_with_units_keep_them() {
        let docs = include_str!("../../../docs/scenario-format.md");
        let places = [
            "run.",
            "classes.c.",
            "ports.p.",
            "ports.p.capacity.",
            "ports.p.capacity.closures.0.",
            "ports.p.capacity.schedule.0.",
            "streams.s.",
            "ports.p.after.",
            "stages.g.",
            "streams.s.choice.",
            "streams.s.relist.",
        ];
        let labels_of = |key: &str| -> Vec<ParamLabel> {
            places
                .iter()
                .map(|place| label(&format!("{place}{key}"), None))
                .filter(ParamLabel::is_known)
                .collect()
        };
        let mut keys = Vec::new();
        let mut in_key_table = false;
        for line in docs.lines() {
            if line.starts_with("| Key |") {
                in_key_table = true;
                continue;
            }
            if !line.starts_with('|') {
                in_key_table = false;
                continue;
            }
            let first = line.split('|').nth(1).unwrap_or("");
            if in_key_table {
                keys.extend(first.split(',').filter_map(|cell| {
                    let cell = cell.trim();
                    cell.strip_prefix('`')?.strip_suffix('`').map(str::to_owned)
                }));
            }
        }
        assert!(keys.len() > 40, "the docs' tables of keys were found: {keys:?}");
        for key in &keys {
            assert!(!labels_of(key).is_empty(), "`{key}` has no label");
        }
        let mut with_units = 0;
        for word in docs.split('`') {
            let unit = if word.ends_with("_days") {
                "days"
            } else if word.ends_with("_per_day") {
                "a day"
            } else if word.ends_with("_hours") {
                "hours"
            } else if word.ends_with("_share") {
                "0 to 1"
            } else {
                continue;
            };
            if !word.starts_with(|c: char| c.is_ascii_lowercase())
                || !word.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            {
                continue;
            }
            let labels = labels_of(word);
            assert!(!labels.is_empty(), "`{word}` has no label");
            for label in labels {
                let shown = label.axis_title();
                assert!(shown.contains(unit), "`{word}`: {shown}");
            }
            with_units += 1;
        }
        assert!(with_units > 20, "keys with units were found");
    }
}
