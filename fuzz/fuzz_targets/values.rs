//! Valid-looking scenarios with extreme values: the bytes choose the form of each part
//! (quota or officers, discipline, stream kinds, distributions) and its numbers, favouring
//! edges (0, tiny, huge, just below a bound). Most come out valid, so this target spends its
//! time in the engine rather than in the TOML parser; a scenario that comes out invalid must
//! still give diagnostics.

#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use std::path::Path;

/// Reads choices and numbers from the fuzzer's bytes (zeros once they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        first
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    fn pick<'w>(&mut self, words: &[&'w str]) -> &'w str {
        words[usize::from(self.byte()) % words.len()]
    }

    fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    /// A number in [lo, hi], often an edge.
    fn num(&mut self, lo: f64, hi: f64) -> f64 {
        if lo >= hi {
            return hi;
        }
        let value = match self.byte() % 12 {
            0 => lo,
            1 => hi,
            2 => lo + (hi - lo) * 0.5,
            3 => 1.0,
            4 => 1e-9,
            5 => hi - 1e-9,
            6 => lo + 1.0,
            7 => 0.0,
            _ => lo + (hi - lo) * (f64::from(self.u32()) / f64::from(u32::MAX)),
        };
        value.clamp(lo, hi)
    }

    /// A whole number in [lo, hi], often an edge.
    fn whole(&mut self, lo: f64, hi: f64) -> f64 {
        self.num(lo, hi).round()
    }

    /// A duration distribution (days) with parameters up to `max`; a fixed value is at least `min`.
    fn dist(&mut self, min: f64, max: f64) -> String {
        // Now and then as long as the format allows: 10,000,000 days.
        let max = if self.byte() < 32 { 1e7 } else { max };
        match self.byte() % 8 {
            0 => format!("{:?}", self.num(min, max)),
            1 => format!("{{ dist = \"exponential\", mean = {:?} }}", self.num(1e-6, max)),
            2 => {
                let min = self.num(0.0, max);
                format!(
                    "{{ dist = \"uniform\", min = {min:?}, max = {:?} }}",
                    min + self.num(1e-6, max)
                )
            }
            3 => {
                let min = self.num(0.0, max);
                let span = self.num(1e-6, max);
                let mode = min + span * self.num(0.0, 1.0);
                format!(
                    "{{ dist = \"triangular\", min = {min:?}, mode = {mode:?}, max = {:?} }}",
                    min + span
                )
            }
            4 => format!(
                "{{ dist = \"normal\", mean = {:?}, sd = {:?} }}",
                self.num(1e-6, max),
                self.num(1e-6, max)
            ),
            5 => format!(
                "{{ dist = \"lognormal\", mean = {:?}, sd = {:?} }}",
                self.num(1e-6, max),
                self.num(1e-6, max)
            ),
            6 => format!(
                "{{ dist = \"gamma\", shape = {:?}, scale = {:?} }}",
                self.num(1e-3, 50.0),
                self.num(1e-6, max)
            ),
            _ => format!(
                "{{ dist = \"empirical\", values = [{:?}, {:?}], weights = [{:?}, 1] }}",
                self.num(0.0, max),
                self.num(0.0, max),
                self.num(0.0, 10.0)
            ),
        }
    }

    /// A day number within [0, horizon], whole or not.
    fn day(&mut self, horizon: f64, whole: bool) -> f64 {
        if whole {
            self.whole(0.0, horizon)
        } else {
            self.num(0.0, horizon)
        }
    }
}

/// A scenario written from the bytes.
fn scenario(b: &mut Bytes) -> String {
    let horizon = b.whole(1.0, 400.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "schema = 1\n\n[run]\nname = \"values\"\nhorizon_days = {horizon}\nseed = {}\n",
        b.u32()
    );
    if b.flag() {
        let _ = writeln!(s, "warm_up_days = {}", b.whole(0.0, horizon - 1.0));
    }
    let classes = 1 + usize::from(b.byte() % 2);
    if classes == 2 {
        s.push_str("\n[[classes]]\nname = \"a\"\n");
        if b.flag() {
            let _ = writeln!(s, "patience_days = {}", b.dist(0.0, 100.0));
        }
        s.push_str("\n[[classes]]\nname = \"b\"\n");
    }
    let ports = 1 + usize::from(b.byte() % 2);
    for port in 0..ports {
        let discipline = b.pick(&["fifo", "lifo", "priority", "mixed"]);
        let _ = write!(s, "\n[[ports]]\nname = \"p{port}\"\ndiscipline = \"{discipline}\"\n");
        if discipline == "mixed" {
            let _ = writeln!(s, "oldest_share = {:?}", b.num(0.0, 1.0));
        }
        let quota = b.flag();
        if quota {
            let _ = write!(
                s,
                "\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = {:?}\ncall_time_hours = {:?}\nrandomness = \"{}\"\n\
                 no_show_share = {:?}\nno_show = \"{}\"\ncounts = \"{}\"\n",
                b.num(0.0, 500.0),
                b.num(0.0, 23.999),
                b.pick(&["fixed", "poisson"]),
                b.num(0.0, 0.999),
                b.pick(&["drop", "back"]),
                b.pick(&["people", "groups"]),
            );
        } else {
            let start = b.num(0.0, 23.0);
            let _ = write!(
                s,
                "\n[ports.capacity]\nkind = \"officers\"\nofficers = {}\nservice_days = {}\nshift_start_hours = {start:?}\nshift_end_hours = {:?}\n",
                b.whole(0.0, 30.0),
                b.dist(1e-6, 5.0),
                b.num(start + 0.01, 24.0),
            );
        }
        if b.flag() {
            let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
            let mask = b.byte() | 1;
            let chosen: Vec<String> = (0..7)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| format!("\"{}\"", days[i]))
                .collect();
            let _ = writeln!(s, "weekdays = [{}]", chosen.join(", "));
        }
        if b.flag() {
            let from = b.day(horizon - 1.0, true);
            let _ = write!(
                s,
                "\n[[ports.capacity.closures]]\nfrom = {from}\nto = {}\n",
                b.whole(from, horizon - 1.0)
            );
        }
        let mut from = 0.0;
        for _ in 0..b.byte() % 3 {
            from = b.whole(from + 1.0, horizon);
            if from >= horizon {
                break;
            }
            let value = if quota {
                format!("quota_per_day = {:?}", b.num(0.0, 500.0))
            } else {
                format!("officers = {}", b.whole(0.0, 30.0))
            };
            let _ = write!(s, "\n[[ports.capacity.schedule]]\nfrom = {from}\n{value}\n");
        }
    }
    let streams = 1 + usize::from(b.byte() % 3);
    for stream in 0..streams {
        let port = usize::from(b.byte()) % ports;
        let kind = b.pick(&["backlog", "wave", "curve", "poisson", "rates"]);
        let written_kind = match kind {
            "curve" => "wave",
            "rates" => "poisson",
            other => other,
        };
        let _ = write!(
            s,
            "\n[[streams]]\nname = \"s{stream}\"\nport = \"p{port}\"\nkind = \"{written_kind}\"\n"
        );
        match kind {
            "backlog" => {
                let _ = writeln!(s, "people = {}", b.whole(0.0, 5000.0));
                if b.flag() {
                    let _ = writeln!(s, "waited_days = {}", b.dist(0.0, 1000.0));
                }
            }
            "wave" => {
                let from = b.day(horizon - 1.0, false);
                let to = b.num(from + 1e-3, horizon);
                let shape = b.pick(&["uniform", "triangular", "normal"]);
                let _ = write!(
                    s,
                    "people = {}\nfrom = {from:?}\nto = {to:?}\nshape = \"{shape}\"\n",
                    b.whole(0.0, 5000.0)
                );
                if shape == "triangular" && b.flag() {
                    let _ = writeln!(s, "peak = {:?}", b.num(from, to));
                }
            }
            "curve" => {
                let mut at = 0.0;
                let mut people = 0.0;
                let mut points = Vec::new();
                for _ in 0..1 + b.byte() % 4 {
                    points.push(format!("{{ at = {at:?}, people = {people} }}"));
                    at = b.num(at + 1e-3, horizon);
                    people += b.whole(0.0, 2000.0);
                    if at > horizon {
                        break;
                    }
                }
                let _ = writeln!(s, "curve = [{}]", points.join(", "));
            }
            "poisson" => {
                let _ = writeln!(s, "people_per_day = {:?}", b.num(0.0, 200.0));
                if b.flag() {
                    let _ = writeln!(s, "until = {:?}", b.num(1e-3, horizon));
                }
            }
            _ => {
                let mut from = 0.0;
                let mut pieces = Vec::new();
                for _ in 0..1 + b.byte() % 3 {
                    pieces.push(format!(
                        "{{ from = {from:?}, people_per_day = {:?} }}",
                        b.num(0.0, 200.0)
                    ));
                    from = b.num(from + 1e-3, horizon - 1e-3);
                    if from >= horizon - 1e-3 {
                        break;
                    }
                }
                let _ = writeln!(s, "rates = [{}]", pieces.join(", "));
            }
        }
        if b.flag() {
            let size = match b.byte() % 3 {
                0 => format!("{}", b.whole(1.0, 8.0)),
                1 => format!(
                    "{{ dist = \"empirical\", values = [1, {}], weights = [{:?}, 1] }}",
                    b.whole(1.0, 1000.0),
                    b.num(0.0, 5.0)
                ),
                _ => "{ dist = \"empirical\", values = [1, 2, 3, 4], weights = [4, 3, 2, 1] }".to_owned(),
            };
            let _ = writeln!(s, "group_size = {size}");
        }
        if classes == 2 {
            let a = b.num(0.0, 1.0);
            let _ = writeln!(s, "class_mix = {{ a = {a:?}, b = {:?} }}", 1.0 - a);
        }
        if b.flag() {
            let _ = writeln!(s, "join_share = {:?}", b.num(1e-6, 1.0));
        }
        if b.flag() {
            let _ = writeln!(s, "patience_days = {}", b.dist(0.0, 200.0));
            if b.flag() {
                let x = b.num(0.0, 1.0);
                let _ = writeln!(s, "outcomes = {{ crossed = {x:?}, went_home = {:?} }}", 1.0 - x);
            }
        }
    }
    s
}

fuzz_target!(|data: &[u8]| {
    let text = scenario(&mut Bytes(data));
    let scenario = backlog::Scenario::from_text("values.toml", text.clone()).with_base_dir(Path::new("."));
    // BACKLOG_FUZZ_SHOW=1 prints each scenario and whether it was valid, to see what is fuzzed.
    if std::env::var_os("BACKLOG_FUZZ_SHOW").is_some() {
        match scenario.load() {
            Ok(_) => eprintln!("valid:\n{text}"),
            Err(error) => eprintln!("invalid:\n{text}\n{error}"),
        }
    }
    common::load_and_check(&scenario);
});
