//! `backlog check`: a short human description of a model.

use super::{Capacity, Counts, Discipline, Model, ticks_to_days};
use crate::format::thousands;
use crate::guard::expected_people;

impl Model {
    /// A short description: ports, capacity, streams and their totals (what `backlog check`
    /// prints).
    pub fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "{}: ok", self.name);
        let period = match self.start_date {
            Some(date) => format!("{} days from {date}", self.horizon_days),
            None => format!("{} days", self.horizon_days),
        };
        let _ = writeln!(
            out,
            "  {period}; seed {}; {}",
            self.seed,
            crate::format::replications(self.replications)
        );
        if self.classes.len() > 1 {
            let _ = writeln!(out, "  classes (highest priority first): {}", self.classes.join(", "));
        }
        for (index, port) in self.ports.iter().enumerate() {
            let capacity = match &port.capacity {
                Capacity::Quota(quota) => {
                    let days = quota.quota_by_day.iter().filter(|&&q| q > 0.0).count();
                    let total: f64 = quota.quota_by_day.iter().sum();
                    let counts = match quota.counts {
                        Counts::People => "people processed",
                        Counts::Groups => "groups processed",
                        Counts::Calls => "calls, absent names included",
                        Counts::PeopleCalled => "people called, absent names included",
                    };
                    format!(
                        "daily quota on {days} of {} days, {} places in all (counting {counts})",
                        self.horizon_days,
                        thousands(total)
                    )
                }
                Capacity::Officers(officers) => {
                    let most = officers.officers_by_day.max();
                    format!(
                        "up to {most} officers, claims taking {:.2} days on average, shift {:.1}-{:.1} h",
                        officers.service_days.mean(),
                        ticks_to_days(officers.shift_start) * 24.0,
                        ticks_to_days(officers.shift_end) * 24.0
                    )
                }
            };
            let discipline = match port.discipline {
                Discipline::Fifo => "first in, first out".to_owned(),
                Discipline::Lifo => "last in, first out".to_owned(),
                Discipline::Priority => "priority by class".to_owned(),
                Discipline::Mixed { oldest_share } => {
                    format!(
                        "{:.0}% of places to the longest-waiting, the rest by lottery",
                        oldest_share * 100.0
                    )
                }
            };
            let numbers = match port.list_numbers {
                Some(numbers) => match numbers.people_per_number {
                    Some(people) => format!("; list numbers from {}, one per {people} people", numbers.first),
                    None => format!("; list numbers from {}, one per group", numbers.first),
                },
                None => String::new(),
            };
            let node = if self.is_stage(index) { "stage" } else { "port" };
            let _ = writeln!(out, "  {node} {}: {discipline}; {capacity}{numbers}", port.name);
        }
        for (index, stream) in self.streams.iter().enumerate() {
            let people = expected_people(stream, self);
            let _ = writeln!(
                out,
                "  stream {} -> {}: about {} people{}",
                stream.name,
                match &self.network.choices.get(index).and_then(Option::as_ref) {
                    Some(choice) => choice
                        .ports
                        .iter()
                        .map(|&port| self.ports[port].name.as_str())
                        .collect::<Vec<_>>()
                        .join(" | "),
                    None => self.ports[stream.port].name.clone(),
                },
                thousands(people),
                if stream.join_share < 1.0 {
                    format!(" ({:.0}% join the list)", stream.join_share * 100.0)
                } else {
                    String::new()
                },
            );
            if stream.stays_listed_by_class.iter().any(|&stays| stays) {
                let _ = writeln!(out, "    names of those who give up stay listed until called");
            }
        }
        if !self.network.is_empty() {
            let streams: Vec<(&str, usize)> = self
                .streams
                .iter()
                .map(|stream| (stream.name.as_str(), stream.port))
                .collect();
            let _ = writeln!(out, "  network:");
            let _ = writeln!(out, "{}", self.network.describe(&self.port_names(), &streams, "    "));
        }
        out
    }
}
