//! The generator: small random valid scenarios, drawn as a [`Spec`] and written as TOML text.

use proptest::prelude::*;
use std::fmt::Write as _;

/// A random scenario, before it is written as TOML.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub(super) horizon_days: u32,
    pub(super) seed: u32,
    pub(super) classes: Classes,
    pub(super) ports: Vec<PortSpec>,
    pub(super) streams: Vec<StreamSpec>,
}

/// The classes of a scenario.
#[derive(Debug, Clone)]
pub(super) enum Classes {
    /// No `[[classes]]` table: one class, `all`.
    Implicit,
    /// One declared class, perhaps with its own patience.
    One(Option<Patience>),
    /// Two classes `c0` (higher priority) and `c1`, each perhaps with its own patience.
    /// With `sized`, each stream is all of one class, with odd households for `c0` and even ones
    /// for `c1`, so that a group's class can be read from its size in the trace.
    Two {
        patience: [Option<Patience>; 2],
        sized: bool,
    },
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Patience {
    Fixed(f64),
    Exponential(f64),
}

impl Patience {
    pub(super) fn toml(self) -> String {
        match self {
            Patience::Fixed(days) => format!("{days:?}"),
            Patience::Exponential(mean) => format!("{{ dist = \"exponential\", mean = {mean:?} }}"),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct PortSpec {
    pub(super) discipline: DisciplineSpec,
    pub(super) capacity: CapacitySpec,
    /// Bit k set: weekday k (Monday first) is a processing day; all days when `None`.
    pub(super) weekdays: Option<u8>,
    /// A closure: first day (as a fraction of the horizon) and length in days.
    pub(super) closure: Option<(f64, u32)>,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum DisciplineSpec {
    Fifo,
    Lifo,
    Priority,
    Mixed(f64),
}

#[derive(Debug, Clone)]
pub(super) enum CapacitySpec {
    Quota {
        quota: f64,
        call_hours: f64,
        poisson: bool,
        /// `people`, `groups`, `calls` or `people_called`.
        counts: &'static str,
        /// Share absent, whether they go back, whether the share is exact.
        no_show: Option<(f64, bool, bool)>,
    },
    Officers {
        officers: u32,
        service: Patience,
        shift: Option<(u32, u32)>,
    },
}

#[derive(Debug, Clone)]
pub(super) struct StreamSpec {
    /// Port index (modulo the number of ports).
    pub(super) port: usize,
    pub(super) kind: KindSpec,
    /// People per group, 1–4.
    pub(super) size: u32,
    /// Share of `c0` in quarters (two unsized classes), or the class (sized classes, modulo 2).
    pub(super) class: u8,
    pub(super) patience: Option<Patience>,
    pub(super) join_share: Option<f64>,
    pub(super) outcomes: bool,
    /// Whether the names of those who give up stay listed (written only with patience).
    pub(super) stays_listed: bool,
}

#[derive(Debug, Clone)]
pub(super) enum KindSpec {
    Backlog { people: u32, waited: Option<u32> },
    Wave { people: u32, from: f64, to: f64, shape: u8 },
    Curve { points: Vec<(f64, u32)> },
    Poisson { people_per_day: f64, until: Option<f64> },
}

pub(super) fn patience() -> impl Strategy<Value = Patience> {
    prop_oneof![
        (1..=40u32).prop_map(|quarters| Patience::Fixed(f64::from(quarters) / 4.0)),
        (1..=40u32).prop_map(|halves| Patience::Exponential(f64::from(halves) / 2.0)),
    ]
}

pub(super) fn classes() -> impl Strategy<Value = Classes> {
    prop_oneof![
        Just(Classes::Implicit),
        proptest::option::of(patience()).prop_map(Classes::One),
        (
            proptest::option::of(patience()),
            proptest::option::of(patience()),
            any::<bool>()
        )
            .prop_map(|(a, b, sized)| Classes::Two {
                patience: [a, b],
                sized
            }),
    ]
}

pub(super) fn discipline() -> impl Strategy<Value = DisciplineSpec> {
    prop_oneof![
        Just(DisciplineSpec::Fifo),
        Just(DisciplineSpec::Lifo),
        Just(DisciplineSpec::Priority),
        (0..=4u32).prop_map(|quarters| DisciplineSpec::Mixed(f64::from(quarters) / 4.0)),
    ]
}

pub(super) fn capacity() -> impl Strategy<Value = CapacitySpec> {
    let quota = (
        1..=30u32,
        any::<bool>(),
        prop::sample::select(vec![0.0, 6.0, 9.5, 12.0, 23.75]),
        any::<bool>(),
        prop::sample::select(vec!["people", "groups", "calls", "people_called"]),
        proptest::option::of((1..=5u32, any::<bool>(), any::<bool>())),
    )
        .prop_map(
            |(quota, half, call_hours, poisson, counts, no_show)| CapacitySpec::Quota {
                quota: f64::from(quota) + if half { 0.5 } else { 0.0 },
                call_hours,
                poisson,
                counts,
                no_show: no_show.map(|(tenths, back, exact)| (f64::from(tenths) / 10.0, back, exact)),
            },
        );
    let officers =
        (1..=4u32, patience(), proptest::option::of((0..=12u32, 1..=12u32))).prop_map(|(officers, service, shift)| {
            CapacitySpec::Officers {
                officers,
                // Services of a few hours to a few days.
                service: match service {
                    Patience::Fixed(days) => Patience::Fixed(days / 5.0),
                    Patience::Exponential(mean) => Patience::Exponential(mean / 5.0),
                },
                shift: shift.map(|(start, length)| (start, start + length)),
            }
        });
    prop_oneof![quota, officers]
}

pub(super) fn port() -> impl Strategy<Value = PortSpec> {
    (
        discipline(),
        capacity(),
        proptest::option::weighted(0.3, 1..=127u8),
        proptest::option::weighted(0.3, (0.0..1.0f64, 1..=3u32)),
    )
        .prop_map(|(discipline, capacity, weekdays, closure)| PortSpec {
            discipline,
            capacity,
            weekdays,
            closure,
        })
}

pub(super) fn kind() -> impl Strategy<Value = KindSpec> {
    prop_oneof![
        (0..=150u32, proptest::option::of(0..=40u32)).prop_map(|(people, waited)| KindSpec::Backlog { people, waited }),
        (1..=200u32, 0.0..1.0f64, 0.0..1.0f64, 0..3u8).prop_map(|(people, from, to, shape)| KindSpec::Wave {
            people,
            from,
            to,
            shape
        }),
        proptest::collection::vec((0.0..1.0f64, 0..=80u32), 1..=3).prop_map(|points| KindSpec::Curve { points }),
        (1..=50u32, proptest::option::of(0.0..1.0f64)).prop_map(|(halves, until)| KindSpec::Poisson {
            people_per_day: f64::from(halves) / 2.0,
            until
        }),
    ]
}

pub(super) fn stream() -> impl Strategy<Value = StreamSpec> {
    (
        0..2usize,
        kind(),
        1..=4u32,
        0..=4u8,
        proptest::option::of(patience()),
        proptest::option::weighted(0.3, 1..=4u32),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(port, kind, size, class, patience, join_quarters, outcomes, stays_listed)| StreamSpec {
                port,
                kind,
                size,
                class,
                patience,
                join_share: join_quarters.map(|q| f64::from(q) / 4.0),
                outcomes,
                stays_listed,
            },
        )
}

pub(super) fn spec() -> impl Strategy<Value = Spec> {
    (
        5..=60u32,
        any::<u32>(),
        classes(),
        proptest::collection::vec(port(), 1..=2),
        proptest::collection::vec(stream(), 1..=3),
    )
        .prop_map(|(horizon_days, seed, classes, ports, streams)| Spec {
            horizon_days,
            seed,
            classes,
            ports,
            streams,
        })
}

impl Spec {
    /// The class of a group of `size` people, when it can be told from the trace.
    pub(super) fn class_of_size(&self, size: u32) -> Option<usize> {
        match self.classes {
            Classes::Implicit | Classes::One(_) => Some(0),
            Classes::Two { sized: true, .. } => Some(if size % 2 == 1 { 0 } else { 1 }),
            Classes::Two { sized: false, .. } => None,
        }
    }

    /// A day of the horizon from a fraction of it, in `[0, horizon − 1]`.
    pub(super) fn day(&self, fraction: f64) -> u32 {
        ((fraction * f64::from(self.horizon_days)) as u32).min(self.horizon_days - 1)
    }

    pub(super) fn toml(&self) -> String {
        let mut text = String::new();
        let h = self.horizon_days;
        let _ = write!(
            text,
            "schema = 1\n\n[run]\nname = \"random\"\nhorizon_days = {h}\nseed = {}\nreplications = 2\n",
            self.seed
        );
        match &self.classes {
            Classes::Implicit => {}
            Classes::One(patience) => {
                text.push_str("\n[[classes]]\nname = \"all\"\n");
                if let Some(p) = patience {
                    let _ = writeln!(text, "patience_days = {}", p.toml());
                }
            }
            Classes::Two { patience, .. } => {
                for (index, p) in patience.iter().enumerate() {
                    let _ = writeln!(text, "\n[[classes]]\nname = \"c{index}\"");
                    if let Some(p) = p {
                        let _ = writeln!(text, "patience_days = {}", p.toml());
                    }
                }
            }
        }
        for (index, port) in self.ports.iter().enumerate() {
            let _ = writeln!(text, "\n[[ports]]\nname = \"p{index}\"");
            match port.discipline {
                DisciplineSpec::Fifo => text.push_str("discipline = \"fifo\"\n"),
                DisciplineSpec::Lifo => text.push_str("discipline = \"lifo\"\n"),
                DisciplineSpec::Priority => text.push_str("discipline = \"priority\"\n"),
                DisciplineSpec::Mixed(share) => {
                    let _ = writeln!(text, "discipline = \"mixed\"\noldest_share = {share:?}");
                }
            }
            text.push_str("\n[ports.capacity]\n");
            match &port.capacity {
                CapacitySpec::Quota {
                    quota,
                    call_hours,
                    poisson,
                    counts,
                    no_show,
                } => {
                    let _ = writeln!(
                        text,
                        "kind = \"quota\"\nquota_per_day = {quota:?}\ncall_time_hours = {call_hours:?}"
                    );
                    let randomness = if *poisson { "poisson" } else { "fixed" };
                    let _ = writeln!(text, "randomness = \"{randomness}\"\ncounts = \"{counts}\"");
                    if let Some((share, back, exact)) = no_show {
                        let what = if *back { "back" } else { "drop" };
                        let _ = writeln!(
                            text,
                            "no_show_share = {share:?}\nno_show = \"{what}\"\nno_show_exact = {exact}"
                        );
                    }
                }
                CapacitySpec::Officers {
                    officers,
                    service,
                    shift,
                } => {
                    let _ = writeln!(
                        text,
                        "kind = \"officers\"\nofficers = {officers}\nservice_days = {}",
                        service.toml()
                    );
                    if let Some((start, end)) = shift {
                        let _ = writeln!(text, "shift_start_hours = {start}\nshift_end_hours = {end}");
                    }
                }
            }
            if let Some(mask) = port.weekdays {
                let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let days: Vec<String> = (0..7)
                    .filter(|k| mask & (1 << k) != 0)
                    .map(|k| format!("\"{}\"", names[k]))
                    .collect();
                let _ = writeln!(text, "weekdays = [{}]", days.join(", "));
            }
            if let Some((from, length)) = port.closure {
                let from = self.day(from);
                let to = (from + length - 1).min(h - 1);
                let _ = writeln!(
                    text,
                    "\n[[ports.capacity.closures]]\nfrom = {from}\nto = {to}\nlabel = \"closed\""
                );
            }
        }
        for (index, stream) in self.streams.iter().enumerate() {
            let port = stream.port % self.ports.len();
            let _ = writeln!(text, "\n[[streams]]\nname = \"s{index}\"\nport = \"p{port}\"");
            // With sized classes, the class fixes the parity of the household size, and counts
            // of people are whole numbers of households (no smaller last household).
            let (size, sized_class) = match self.classes {
                Classes::Two { sized: true, .. } => {
                    let class = usize::from(stream.class % 2);
                    let size = if (stream.size % 2 == 1) == (class == 0) {
                        stream.size
                    } else if class == 0 {
                        stream.size - 1
                    } else {
                        stream.size + 1
                    };
                    (size, Some(class))
                }
                _ => (stream.size.min(4), None),
            };
            let whole = |people: u32| {
                if sized_class.is_some() {
                    people - people % size
                } else {
                    people
                }
            };
            match &stream.kind {
                KindSpec::Backlog { people, waited } => {
                    let _ = writeln!(text, "kind = \"backlog\"\npeople = {}", whole(*people));
                    if let Some(max) = waited {
                        let _ = writeln!(
                            text,
                            "waited_days = {{ dist = \"uniform\", min = 0, max = {} }}",
                            max + 1
                        );
                    }
                }
                KindSpec::Wave {
                    people,
                    from,
                    to,
                    shape,
                } => {
                    let start = self.day(from.min(*to));
                    let end = (start + 1 + ((from.max(*to) * f64::from(h)) as u32).saturating_sub(start)).min(h);
                    let shape = ["uniform", "triangular", "normal"][usize::from(*shape)];
                    let _ = writeln!(
                        text,
                        "kind = \"wave\"\npeople = {}\nfrom = {start}\nto = {end}\nshape = \"{shape}\"",
                        whole(*people)
                    );
                }
                KindSpec::Curve { points } => {
                    let mut days: Vec<u32> = points.iter().map(|(at, _)| self.day(*at)).collect();
                    days.sort_unstable();
                    days.dedup();
                    let mut total = 0;
                    let written: Vec<String> = days
                        .iter()
                        .zip(points)
                        .map(|(at, (_, added))| {
                            total += whole(*added);
                            format!("{{ at = {at}, people = {total} }}")
                        })
                        .collect();
                    let _ = writeln!(text, "kind = \"wave\"\ncurve = [{}]", written.join(", "));
                }
                KindSpec::Poisson { people_per_day, until } => {
                    let _ = writeln!(text, "kind = \"poisson\"\npeople_per_day = {people_per_day:?}");
                    if let Some(until) = until {
                        let _ = writeln!(text, "until = {}", self.day(*until) + 1);
                    }
                }
            }
            let _ = writeln!(text, "group_size = {size}");
            match (&self.classes, sized_class) {
                (_, Some(class)) => {
                    let _ = writeln!(text, "class_mix = {{ c{class} = 1.0 }}");
                }
                (Classes::Two { .. }, None) => {
                    let first = f64::from(stream.class) / 4.0;
                    let _ = writeln!(text, "class_mix = {{ c0 = {first:?}, c1 = {:?} }}", 1.0 - first);
                }
                _ => {}
            }
            if let Some(p) = stream.patience {
                let _ = writeln!(text, "patience_days = {}", p.toml());
                if stream.stays_listed {
                    text.push_str("on_give_up = \"stay_listed\"\n");
                }
            }
            if let Some(share) = stream.join_share {
                let _ = writeln!(text, "join_share = {share:?}");
            }
            if stream.outcomes {
                text.push_str("outcomes = { crossed = 0.25, went_home = 0.75 }\n");
            }
        }
        text
    }
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------
