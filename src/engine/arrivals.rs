//! Arrival generators: each stream produces its groups in time order, one at a time, without
//! storing them (except a backlog with waits, drawn whole and sorted by when they started);
//! the feed draws them ahead of the event loop and merges the streams.

use super::rng::{SimRng, keyed_rng};
use crate::model::{Dist, RatePiece, Segment, Shape, Source, Stream, Ticks, days_to_ticks, non_negative_days_to_ticks};
use rand::RngExt;
use rand::distr::Distribution;
use rand_distr::Exp1;
use statrs::function::erf::{erfc, erfc_inv};

/// The next group of a stream, before the per-group draws the engine makes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Pending {
    /// When it reaches the list.
    pub arrival: Ticks,
    /// When its wait started.
    pub joined: Ticks,
    /// People in it.
    pub size: u32,
    /// Class index.
    pub class: u16,
}

/// Bits of the key a radix pass sorts by: 2,048 buckets, whose counts stay in the first-level cache.
const RADIX_BITS: u32 = 11;

/// `groups` in order of when their waits started, those that started at the same tick in the
/// order given: what a stable sort by `joined` gives, by a least-significant-digit radix
/// sort (a backlog of millions sorts in a few passes over the bits its start times span,
/// where a comparison sort took a quarter of a court scenario's time).
fn sort_by_joined(mut groups: Vec<Pending>) -> Vec<Pending> {
    let Some(earliest) = groups.iter().map(|pending| pending.joined).min() else {
        return groups;
    };
    let key = |pending: &Pending| pending.joined.abs_diff(earliest);
    let span = groups.iter().map(key).max().unwrap_or(0);
    let bits = u64::BITS - span.leading_zeros();
    let mut sorted = vec![Pending::default(); groups.len()];
    for shift in (0..bits).step_by(RADIX_BITS as usize) {
        let digit = |pending: &Pending| ((key(pending) >> shift) & ((1 << RADIX_BITS) - 1)) as usize;
        let mut starts = vec![0usize; 1 << RADIX_BITS];
        for pending in &groups {
            starts[digit(pending)] += 1;
        }
        let mut total = 0;
        for start in &mut starts {
            (*start, total) = (total, total + *start);
        }
        for pending in &groups {
            let place = &mut starts[digit(pending)];
            sorted[*place] = *pending;
            *place += 1;
        }
        std::mem::swap(&mut groups, &mut sorted);
    }
    groups
}

/// The arrival state of one stream in one replication.
#[derive(Debug)]
pub(crate) struct StreamGen {
    /// The stream's own random numbers (times, classes, and the engine's per-group draws).
    pub rng: SimRng,
    sizes: SimRng,
    /// The group size when it is fixed (so the hot path skips matching the distribution).
    fixed_size: Option<u32>,
    /// The current segment's group sizes, drawn when its groups were counted (when it has
    /// at most [`KEPT_SIZES_PEOPLE`] people), and the index of the next to use.
    kept_sizes: Vec<u32>,
    next_kept_size: usize,
    /// [`KEPT_SIZES_PEOPLE`] (lowered in tests).
    kept_sizes_people: u64,
    state: State,
}

/// Segments of up to this many people keep the sizes drawn to count their groups (4 MB at
/// most), so each size is drawn once; larger ones draw them again from a copy of the sizes'
/// random numbers, so memory stays flat.
const KEPT_SIZES_PEOPLE: u64 = 1 << 20;

#[derive(Debug)]
enum State {
    /// Spreading segment `segment`'s people over its window in time order.
    Segment {
        segment: usize,
        groups_left: u64,
        people_left: u64,
        position: f64,
    },
    /// A pre-sorted batch (an initial backlog whose people had already waited).
    Buffered {
        groups: Vec<Pending>,
        next: usize,
    },
    Poisson {
        /// The current rate piece (`pieces.len()` when there is none left).
        piece: usize,
        /// Time of the last group, or the current piece's start if that is later.
        t_days: f64,
        /// Mean days between groups in the current piece (a multiply is much cheaper than a divide).
        mean_gap_days: f64,
        /// End of the current piece.
        end_days: f64,
    },
    Records {
        next: usize,
    },
}

impl StreamGen {
    /// The generator of `stream` in replication `replication`.
    pub(crate) fn new(stream: &Stream, seed: u64, replication: u32) -> Self {
        let mut generator = StreamGen {
            rng: keyed_rng(seed, replication, "stream", &stream.name, 0),
            sizes: keyed_rng(seed, replication, "stream-sizes", &stream.name, 0),
            fixed_size: match stream.group_size {
                Dist::Fixed(size) => Some(size as u32),
                _ => None,
            },
            kept_sizes: Vec::new(),
            next_kept_size: 0,
            kept_sizes_people: KEPT_SIZES_PEOPLE,
            state: State::Records { next: 0 },
        };
        match &stream.source {
            Source::Segments { segments, waited_days } => {
                generator.start_segment(stream, segments, 0, seed, replication);
                if let Some(waited) = waited_days {
                    let groups = generator.buffer_all(stream, segments, waited, seed, replication);
                    generator.state = State::Buffered { groups, next: 0 };
                }
            }
            Source::Poisson { pieces } => {
                let (piece, t_days, mean_gap_days, end_days) = enter_piece(pieces, 0, (0, 0.0, 0.0, 0.0));
                generator.state = State::Poisson {
                    piece,
                    t_days,
                    mean_gap_days,
                    end_days,
                };
            }
            Source::Records { .. } => {}
        }
        generator
    }

    /// Positions the generator at the start of segment `index`, counting its groups.
    ///
    /// The count draws the segment's group sizes, which the generator then uses in the same
    /// order: kept from the count when there are few enough, otherwise drawn again from a
    /// copy of the size stream. Either way arrival times can be drawn in order without
    /// storing the groups.
    fn start_segment(&mut self, stream: &Stream, segments: &[Segment], index: usize, seed: u64, replication: u32) {
        let part = 1 + index as u64;
        self.sizes = keyed_rng(seed, replication, "stream-sizes", &stream.name, part);
        self.kept_sizes.clear();
        self.next_kept_size = 0;
        let (groups, people) = match segments.get(index) {
            Some(segment) if segment.people <= self.kept_sizes_people && self.fixed_size.is_none() => {
                let kept = &mut self.kept_sizes;
                let groups = count_groups(segment.people, &stream.group_size, &mut self.sizes, |size| {
                    kept.push(size);
                });
                (groups, segment.people)
            }
            Some(segment) => {
                let mut counting = self.sizes.clone();
                (
                    count_groups(segment.people, &stream.group_size, &mut counting, |_| {}),
                    segment.people,
                )
            }
            None => (0, 0),
        };
        self.state = State::Segment {
            segment: index,
            groups_left: groups,
            people_left: people,
            position: 0.0,
        };
    }

    /// Draws every group of a backlog at once and sorts it by when their waits started.
    fn buffer_all(
        &mut self,
        stream: &Stream,
        segments: &[Segment],
        waited: &Dist,
        seed: u64,
        replication: u32,
    ) -> Vec<Pending> {
        let mut groups = Vec::new();
        while let Some(mut pending) = self.next_from_segments(stream, segments, seed, replication) {
            pending.joined = pending.arrival - days_to_ticks(waited.sample(&mut self.rng));
            groups.push(pending);
        }
        sort_by_joined(groups)
    }

    /// Draws the next group into `out`; `false` (leaving `out` as it was) when the stream is
    /// exhausted.
    ///
    /// Writing into the caller's slot instead of returning the group keeps the hot Poisson
    /// path free of a copy through the stack, which cost a store-forwarding stall per arrival.
    #[inline(always)]
    pub(crate) fn next_into(&mut self, stream: &Stream, seed: u64, replication: u32, out: &mut Pending) -> bool {
        match &stream.source {
            Source::Segments { segments, .. } => {
                let next = match &mut self.state {
                    State::Buffered { groups, next } => {
                        let pending = groups.get(*next).copied();
                        *next += 1;
                        pending
                    }
                    _ => self.next_from_segments(stream, segments, seed, replication),
                };
                next.map(|pending| *out = pending).is_some()
            }
            Source::Poisson { pieces } => self.poisson_block(pieces, stream, 1, |arrival, size, class, _| {
                *out = Pending {
                    arrival,
                    joined: arrival,
                    size,
                    class,
                };
                true
            }),
            Source::Records { records } => {
                let State::Records { next } = &mut self.state else {
                    return false;
                };
                let Some(record) = records.get(*next) else {
                    return false;
                };
                *next += 1;
                *out = Pending {
                    arrival: record.arrival,
                    joined: record.joined,
                    size: record.size,
                    class: record.class,
                };
                true
            }
        }
    }

    /// Draws up to `limit` groups of a Poisson stream with rate pieces `pieces`, exactly as
    /// that many calls of [`StreamGen::next_into`] would, handing each group's arrival, size and class
    /// to `take` with the stream's random numbers (for the draws the engine makes on arrival,
    /// which come next in the stream's order). Returns `false` when the stream has no more
    /// groups or `take` returned `false` (the group it was handed is drawn all the same).
    #[inline(always)]
    pub(crate) fn poisson_block(
        &mut self,
        pieces: &[RatePiece],
        stream: &Stream,
        limit: usize,
        take: impl FnMut(Ticks, u32, u16, &mut SimRng) -> bool,
    ) -> bool {
        self.poisson_loop::<false>(pieces, stream, limit, take)
    }

    /// [`StreamGen::poisson_block`] for a caller that makes no draw of its own on arrival:
    /// a stream whose groups all have one size and one class then draws them in a loop that
    /// asks nothing about each. (Callers that draw on arrival keep the one loop: the choice
    /// inside it cost them up to 8%.)
    #[inline(always)]
    pub(crate) fn poisson_block_no_draws(
        &mut self,
        pieces: &[RatePiece],
        stream: &Stream,
        limit: usize,
        take: impl FnMut(Ticks, u32, u16, &mut SimRng) -> bool,
    ) -> bool {
        if self.fixed_size.is_some() && stream.class_cumulative.len() <= 1 {
            self.poisson_loop::<true>(pieces, stream, limit, take)
        } else {
            self.poisson_loop::<false>(pieces, stream, limit, take)
        }
    }

    /// The Poisson loop; `ONE_KIND`: every group has the fixed size and the first class.
    #[inline(always)]
    fn poisson_loop<const ONE_KIND: bool>(
        &mut self,
        pieces: &[RatePiece],
        stream: &Stream,
        limit: usize,
        mut take: impl FnMut(Ticks, u32, u16, &mut SimRng) -> bool,
    ) -> bool {
        let State::Poisson {
            piece,
            t_days,
            mean_gap_days,
            end_days,
        } = &mut self.state
        else {
            return false;
        };
        // The state stays in locals for the whole block, the random numbers' too (in place,
        // they would be stored and loaded around every group written out by `take`).
        let (mut current, mut t, mut mean_gap, mut end) = (*piece, *t_days, *mean_gap_days, *end_days);
        let fixed_size = self.fixed_size;
        let one_size = fixed_size.unwrap_or(1);
        let mut rng = self.rng.clone();
        let mut more = true;
        let mut drawn = 0;
        while drawn < limit {
            if current >= pieces.len() {
                more = false;
                break;
            }
            let gap: f64 = Exp1.sample(&mut rng);
            let next = t + gap * mean_gap;
            if next >= end {
                // Memoryless: the next piece starts afresh at its own start.
                (current, t, mean_gap, end) = enter_piece(pieces, current + 1, (current, end, mean_gap, end));
                continue;
            }
            t = next;
            // Never before day 0: the time starts there and only grows.
            let arrival = non_negative_days_to_ticks(t);
            let (size, class) = if ONE_KIND {
                (one_size, 0)
            } else {
                let size = match fixed_size {
                    Some(size) => size,
                    None => draw_size(&stream.group_size, &mut self.sizes),
                };
                (size, draw_class(&stream.class_cumulative, &mut rng))
            };
            drawn += 1;
            if !take(arrival, size, class, &mut rng) {
                more = false;
                break;
            }
        }
        (*piece, *t_days, *mean_gap_days, *end_days) = (current, t, mean_gap, end);
        self.rng = rng;
        more
    }

    fn next_from_segments(
        &mut self,
        stream: &Stream,
        segments: &[Segment],
        seed: u64,
        replication: u32,
    ) -> Option<Pending> {
        loop {
            let State::Segment {
                segment,
                groups_left,
                people_left,
                position,
            } = &mut self.state
            else {
                return None;
            };
            let index = *segment;
            let current = segments.get(index)?;
            if *groups_left == 0 {
                self.start_segment(stream, segments, index + 1, seed, replication);
                continue;
            }
            // The next of `groups_left` ordered uniforms on [position, 1): drawn in any case,
            // so that the stream's later numbers are the same, but needed only by a window of
            // some length (a batch at one instant, such as a backlog, has every group at its start).
            let e: f64 = Exp1.sample(&mut self.rng);
            let width_days = current.end_days - current.start_days;
            if width_days > 0.0 {
                *position += (1.0 - *position) * -(-e / *groups_left as f64).exp_m1();
            }
            *groups_left -= 1;
            let size = if *groups_left == 0 {
                saturating_u32(*people_left)
            } else {
                let size = match self.kept_sizes.get(self.next_kept_size) {
                    Some(&size) => {
                        self.next_kept_size += 1;
                        size
                    }
                    None => draw_size(&stream.group_size, &mut self.sizes),
                };
                size.min(saturating_u32(*people_left))
            };
            *people_left -= u64::from(size);
            let arrival = if width_days > 0.0 {
                days_to_ticks(current.start_days + width_days * shape_quantile(current.shape, *position))
            } else {
                days_to_ticks(current.start_days)
            };
            let class = draw_class(&stream.class_cumulative, &mut self.rng);
            return Some(Pending {
                arrival,
                joined: arrival,
                size,
                class,
            });
        }
    }
}

/// A Poisson generator's rate piece, time, mean days between groups and piece end (as in
/// [`State::Poisson`]).
type PoissonAt = (usize, f64, f64, f64);

/// Moves a Poisson generator at `at` to the first piece from `index` on with a positive rate
/// (past the last piece when there is none), and its time to at least that piece's start.
///
/// By value rather than through references: a reference to the drawing loop's locals, handed
/// out of line, would keep them in memory for every group.
#[inline(never)]
fn enter_piece(pieces: &[RatePiece], index: usize, at: PoissonAt) -> PoissonAt {
    let (_, t_days, mean_gap_days, end_days) = at;
    let mut piece = index;
    while let Some(current) = pieces.get(piece) {
        if current.groups_per_day > 0.0 {
            return (
                piece,
                t_days.max(current.start_days),
                1.0 / current.groups_per_day,
                current.end_days,
            );
        }
        piece += 1;
    }
    (piece, t_days, mean_gap_days, end_days)
}

/// Groups of `people` people, drawing their sizes from `sizes` (unless fixed) and handing
/// each to `drawn`.
fn count_groups(people: u64, group_size: &Dist, sizes: &mut SimRng, mut drawn: impl FnMut(u32)) -> u64 {
    if let Dist::Fixed(size) = group_size {
        let size = (*size as u64).max(1);
        return people.div_ceil(size);
    }
    let mut left = people;
    let mut groups = 0;
    while left > 0 {
        let size = draw_size(group_size, sizes);
        drawn(size);
        left = left.saturating_sub(u64::from(size));
        groups += 1;
    }
    groups
}

fn saturating_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A group size: whole and at least 1 (validation guarantees whole values).
#[inline]
fn draw_size(group_size: &Dist, rng: &mut SimRng) -> u32 {
    match group_size {
        Dist::Fixed(size) => *size as u32,
        // Out of line: sizes that are drawn are empirical, which is out of line anyway.
        other => (other.sample_other(rng) as u32).max(1),
    }
}

/// A class index from cumulative shares.
#[inline]
pub(crate) fn draw_class(cumulative: &[f64], rng: &mut SimRng) -> u16 {
    if cumulative.len() <= 1 {
        return 0;
    }
    let u: f64 = rng.random();
    cumulative.iter().position(|&c| u < c).unwrap_or(cumulative.len() - 1) as u16
}

/// Maps a uniform position in [0, 1) to a fraction of the window, for a shape.
fn shape_quantile(shape: Shape, u: f64) -> f64 {
    match shape {
        Shape::Uniform => u,
        Shape::Triangular { peak_fraction: p } => {
            if u < p {
                (u * p).sqrt()
            } else {
                1.0 - ((1.0 - u) * (1.0 - p)).sqrt()
            }
        }
        Shape::Normal => {
            // Normal with mean 1/2 and sd 1/6, cut at 0 and 1 (±3 sd).
            let lo = 0.5 * erfc(3.0 / std::f64::consts::SQRT_2);
            let p = lo + u * (1.0 - 2.0 * lo);
            let z = -std::f64::consts::SQRT_2 * erfc_inv(2.0 * p);
            (0.5 + z / 6.0).clamp(0.0, 1.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_radix_sort_is_a_stable_sort_by_start() {
        // Spans of a few ticks (one pass, many ties), of 2^40 (four passes), and of the whole
        // range of ticks, negative starts included.
        let mut state = 99u64;
        let mut draw = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state
        };
        for span in [5u64, 1 << 40, u64::MAX] {
            let groups: Vec<Pending> = (0..3_000u32)
                .map(|index| Pending {
                    arrival: i64::from(index),
                    joined: (draw() % span).wrapping_sub(span / 2) as i64,
                    size: index,
                    class: 0,
                })
                .collect();
            let mut expected = groups.clone();
            expected.sort_by_key(|pending| pending.joined);
            assert_eq!(sort_by_joined(groups), expected, "span {span}");
        }
        assert!(sort_by_joined(Vec::new()).is_empty());
    }

    #[test]
    fn shapes_are_monotone_and_cover_the_window() {
        for shape in [Shape::Uniform, Shape::Triangular { peak_fraction: 0.3 }, Shape::Normal] {
            let mut previous = -1.0;
            for i in 0..=1000 {
                let u = f64::from(i) / 1000.0 * 0.999_999;
                let x = shape_quantile(shape, u);
                assert!(x >= previous && (0.0..=1.0).contains(&x), "{shape:?} {u} {x}");
                previous = x;
            }
            assert!(shape_quantile(shape, 0.0) < 0.01);
            assert!(
                (shape_quantile(shape, 0.5)
                    - if let Shape::Triangular { .. } = shape {
                        1.0 - (0.5f64 * 0.7).sqrt()
                    } else {
                        0.5
                    })
                .abs()
                    < 1e-6
            );
        }
    }

    #[test]
    fn share_before_inverts_the_quantile() {
        for shape in [Shape::Uniform, Shape::Triangular { peak_fraction: 0.3 }, Shape::Normal] {
            for i in 0..=100 {
                let u = f64::from(i) / 100.0 * 0.999;
                let share = shape.share_before(shape_quantile(shape, u));
                assert!((share - u).abs() < 1e-9, "{shape:?}: {u} -> {share}");
            }
            assert_eq!(shape.share_before(-1.0), 0.0);
            assert_eq!(shape.share_before(1.0), 1.0);
        }
        for p in [0.0, 1.0] {
            let shape = Shape::Triangular { peak_fraction: p };
            assert!((0.0..=1.0).contains(&shape.share_before(0.5)), "peak {p}");
        }
        let segment = Segment {
            start_days: 10.0,
            end_days: 20.0,
            people: 1000,
            shape: Shape::Uniform,
        };
        assert_eq!(segment.expected_before(15.0), 500.0);
        assert_eq!(segment.expected_before(30.0), 1000.0);
        let batch = Segment {
            end_days: 10.0,
            ..segment
        };
        assert_eq!(
            (batch.expected_before(10.0), batch.expected_before(10.5)),
            (0.0, 1000.0)
        );
    }

    #[test]
    fn kept_sizes_are_the_sizes_drawn_again() {
        let model = crate::engine::tests::model_from(
            r#"schema = 1
            [run]
            name = "sizes"
            horizon_days = 40
            seed = 3
            [[ports]]
            name = "a"
            capacity = { kind = "quota", quota_per_day = 10 }
            [[streams]]
            name = "wave"
            port = "a"
            kind = "wave"
            curve = [{ at = 0, people = 0 }, { at = 10, people = 700 }, { at = 12, people = 701 }, { at = 30, people = 1034 }]
            group_size = { dist = "empirical", values = [1, 2, 3, 9], weights = [0.5, 0.2, 0.2, 0.1] }
            [[streams]]
            name = "backlog"
            port = "a"
            kind = "backlog"
            people = 500
            waited_days = { dist = "uniform", min = 0, max = 50 }
            group_size = { dist = "empirical", values = [1, 4, 6], weights = [1, 1, 1] }
            "#,
        );
        for stream in &model.streams {
            let all = |kept_sizes_people: u64| {
                let mut generator = StreamGen::new(stream, model.seed, 2);
                generator.kept_sizes_people = kept_sizes_people;
                // The backlog is drawn whole in `new`: start it again with the bound.
                if let Source::Segments { segments, waited_days } = &stream.source {
                    generator.rng = keyed_rng(model.seed, 2, "stream", &stream.name, 0);
                    generator.start_segment(stream, segments, 0, model.seed, 2);
                    if let Some(waited) = waited_days {
                        let groups = generator.buffer_all(stream, segments, waited, model.seed, 2);
                        generator.state = State::Buffered { groups, next: 0 };
                    }
                }
                let mut groups = Vec::new();
                let mut pending = Pending::default();
                while generator.next_into(stream, model.seed, 2, &mut pending) {
                    groups.push(pending);
                }
                groups
            };
            let kept = all(KEPT_SIZES_PEOPLE);
            assert!(kept.len() > 100, "{}: {} groups", stream.name, kept.len());
            assert!(kept.iter().any(|group| group.size > 1));
            assert_eq!(kept, all(0), "{}", stream.name);
        }
    }

    #[test]
    fn counts_groups_exactly() {
        let mut rng = keyed_rng(1, 0, "t", "t", 0);
        assert_eq!(count_groups(1000, &Dist::Fixed(10.0), &mut rng, |_| {}), 100);
        assert_eq!(count_groups(1001, &Dist::Fixed(10.0), &mut rng, |_| {}), 101);
        assert_eq!(count_groups(0, &Dist::Fixed(3.0), &mut rng, |_| {}), 0);
    }
}
