//! The flow chart of a network: a Sankey-style diagram from arrivals through the ports and
//! stages to where journeys ended, each band as wide as the people per run it carries.
//!
//! Columns: arrivals; the ports; the stages by their depth in the network (the longest chain of
//! forward moves that reaches them from a port); and the ends. A band that skips columns passes
//! through a slot of its own in each column it crosses, so that it never runs over a node. Moves
//! back to an earlier column or sideways (re-listing from port to port, feedback to an earlier
//! stage, a stage to itself) are not drawn but listed in a note, with their people.

use super::canvas::{Align, Canvas, Drawn, Rect};
use super::layout::{self, Frame, LegendItem, Swatch};
use super::style::{BLUE, GREEN, INK, LIGHT, MUTED, ORANGE, VERMILLION, size};
use crate::format::thousands;
use crate::results::{Folder, NetworkSummary};
use plotters::prelude::DrawingBackend;
use plotters::style::RGBColor;

/// Where a journey ended, as the chart groups and colours ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum EndKind {
    /// A final outcome (or processed at the last place).
    Outcome,
    /// Left a list unprocessed.
    Left,
    /// Arrived and did not join a list.
    DidNotJoin,
    /// Still in the network at the end of the run.
    Pending,
}

impl EndKind {
    fn of(name: &str, network: &NetworkSummary) -> EndKind {
        match name {
            "pending" => EndKind::Pending,
            "did_not_join" => EndKind::DidNotJoin,
            _ if network.end_to_end.abandoned_by_outcome.iter().any(|(o, _)| o == name) => EndKind::Left,
            _ => EndKind::Outcome,
        }
    }

    fn color(self) -> RGBColor {
        match self {
            EndKind::Outcome => GREEN,
            EndKind::Left => VERMILLION,
            EndKind::DidNotJoin => LIGHT,
            EndKind::Pending => ORANGE,
        }
    }

    fn legend(self) -> &'static str {
        match self {
            EndKind::Outcome => "Reached an outcome",
            EndKind::Left => "Left a list",
            EndKind::DidNotJoin => "Did not join",
            EndKind::Pending => "Still in the network at the end",
        }
    }
}

/// What a place of the diagram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Arrivals,
    Port,
    Stage,
    End(EndKind),
}

/// A column of the diagram: arrivals, a port or stage, or an end.
#[derive(Debug, Clone, PartialEq)]
struct Place {
    name: String,
    role: Role,
    column: usize,
    /// People per run through it: the larger of those coming in and going out.
    people: f64,
    /// For an end, the mean time from first joining a list, days.
    time_days: Option<f64>,
}

/// People per run moving between two places (indexes into the places).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Link {
    from: usize,
    to: usize,
    people: f64,
}

/// The diagram before it is laid out in pixels.
#[derive(Debug, Clone, PartialEq)]
struct Diagram {
    places: Vec<Place>,
    /// Links to a later column, drawn.
    drawn: Vec<Link>,
    /// Links back or sideways, listed in a note.
    listed: Vec<Link>,
    columns: usize,
}

/// The diagram of a folder's network (`None` without one).
fn diagram(folder: &Folder) -> Option<Diagram> {
    let network = folder.summary.network.as_ref()?;
    let mut places = vec![Place {
        name: "arrivals".to_owned(),
        role: Role::Arrivals,
        column: 0,
        people: 0.0,
        time_days: None,
    }];
    for port in &folder.summary.ports {
        let role = if network.stages.contains(&port.name) {
            Role::Stage
        } else {
            Role::Port
        };
        places.push(Place {
            name: port.name.clone(),
            role,
            column: 1,
            people: 0.0,
            time_days: None,
        });
    }
    let nodes = places.len();
    let mut ends: Vec<Place> = network
        .ends
        .iter()
        .filter(|end| {
            network
                .flows
                .iter()
                .any(|flow| flow.to == end.name && flow.people > 0.0)
        })
        .map(|end| Place {
            name: end.name.clone(),
            role: Role::End(EndKind::of(&end.name, network)),
            column: 0,
            people: 0.0,
            time_days: end.time_days.mean,
        })
        .collect();
    // Ends in the order outcomes, left, did not join, still there (stable within each).
    ends.sort_by_key(|end| match end.role {
        Role::End(kind) => kind,
        _ => EndKind::Outcome,
    });
    places.extend(ends);
    let index = |name: &str, from: bool| -> Option<usize> {
        if from && name == "arrivals" {
            return Some(0);
        }
        let (range, other) = if from {
            (1..nodes, 0..0)
        } else {
            (1..nodes, nodes..places.len())
        };
        range.chain(other).find(|&i| places[i].name == name)
    };
    let links: Vec<Link> = network
        .flows
        .iter()
        .filter(|flow| flow.people > 0.0 && flow.people.is_finite())
        .filter_map(|flow| {
            Some(Link {
                from: index(&flow.from, true)?,
                to: index(&flow.to, false)?,
                people: flow.people,
            })
        })
        .collect();
    let depth = depths(&places[..nodes], &links);
    for (place, depth) in places.iter_mut().zip(&depth) {
        place.column = *depth;
    }
    // Columns that hold nothing (no ports, say) close up.
    let mut used: Vec<usize> = depth.clone();
    used.sort_unstable();
    used.dedup();
    let last = used.len();
    for (i, place) in places.iter_mut().enumerate() {
        place.column = if i < nodes {
            used.iter().position(|&d| d == place.column).unwrap_or(0)
        } else {
            last
        };
    }
    for (i, place) in places.iter_mut().enumerate() {
        let sum = |pick: fn(&Link) -> usize| -> f64 {
            links
                .iter()
                .filter(|link| pick(link) == i)
                .map(|link| link.people)
                .sum()
        };
        place.people = sum(|link| link.to).max(sum(|link| link.from));
    }
    let (drawn, listed) = links
        .iter()
        .partition(|link| places[link.to].column > places[link.from].column);
    Some(Diagram {
        places,
        drawn,
        listed,
        columns: last + 1,
    })
}

/// The column of arrivals (0), each port (1) and each stage (2 and on: one after the deepest
/// place that moves people forward to it), with moves that close a loop left out.
fn depths(nodes: &[Place], links: &[Link]) -> Vec<usize> {
    let n = nodes.len();
    // Moves between ports and stages that may set a stage's column: not to a port, not to itself.
    let moves: Vec<(usize, usize)> = links
        .iter()
        .filter(|link| link.from != 0 && link.from < n && link.to < n && link.from != link.to)
        .filter(|link| nodes[link.to].role == Role::Stage)
        .map(|link| (link.from, link.to))
        .collect();
    // Depth-first from the ports, then the other stages, in order: a move to a place still on
    // the path closes a loop.
    let mut state = vec![0u8; n];
    let mut forward: Vec<(usize, usize)> = Vec::new();
    let mut starts: Vec<usize> = (1..n).filter(|&i| nodes[i].role == Role::Port).collect();
    starts.extend((1..n).filter(|&i| nodes[i].role != Role::Port));
    for start in starts {
        if state[start] != 0 {
            continue;
        }
        // (place, next move to look at)
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (place, ref mut next)) = stack.last_mut() {
            let out = moves.iter().filter(|(from, _)| *from == place).nth(*next);
            *next += 1;
            match out {
                Some(&(from, to)) => match state[to] {
                    0 => {
                        forward.push((from, to));
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {}
                    _ => forward.push((from, to)),
                },
                None => {
                    state[place] = 2;
                    stack.pop();
                }
            }
        }
    }
    let mut depth: Vec<usize> = nodes
        .iter()
        .map(|place| match place.role {
            Role::Arrivals => 0,
            Role::Port => 1,
            _ => 2,
        })
        .collect();
    // Longest chains over the forward moves (no loops, so n passes settle it).
    for _ in 0..n {
        let mut changed = false;
        for &(from, to) in &forward {
            if depth[to] < depth[from] + 1 {
                depth[to] = depth[from] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

/// People per run as labels: whole numbers from 10, one decimal below.
fn people(value: f64) -> String {
    if value.abs() >= 9.95 {
        thousands(value)
    } else {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
    }
}

/// How a place is named on the chart.
fn display_name(place: &Place) -> String {
    match (place.role, place.name.as_str()) {
        (Role::Arrivals, _) => "Arrivals".to_owned(),
        (Role::End(EndKind::Pending), _) => "Still in the network".to_owned(),
        (Role::End(EndKind::DidNotJoin), _) => "Did not join".to_owned(),
        (Role::End(_), "processed") => "Processed".to_owned(),
        (_, name) => name.to_owned(),
    }
}

/// The second line of a place's label: its people, and for an end the mean time to it.
fn detail(place: &Place) -> String {
    let count = people(place.people);
    match (place.role, place.time_days) {
        (Role::End(EndKind::Pending), Some(days)) => {
            format!("{count} · {} so far", super::style::days_phrase(days))
        }
        (Role::End(EndKind::DidNotJoin), _) | (_, None) => count,
        (Role::End(_), Some(days)) => format!("{count} · after {}", super::style::days_phrase(days)),
        _ => count,
    }
}

/// The colour of a band: by where it goes.
fn band_color(target: &Place) -> RGBColor {
    match target.role {
        Role::End(kind) => kind.color(),
        _ => BLUE,
    }
}

/// The note listing moves that are not drawn, largest first.
fn listed_note(diagram: &Diagram) -> Option<String> {
    if diagram.listed.is_empty() {
        return None;
    }
    const SHOWN: usize = 5;
    let mut listed = diagram.listed.clone();
    listed.sort_by(|a, b| b.people.total_cmp(&a.people));
    let name = |i: usize| display_name(&diagram.places[i]);
    let mut items: Vec<String> = listed
        .iter()
        .take(SHOWN)
        .map(|link| format!("{} → {} {}", name(link.from), name(link.to), people(link.people)))
        .collect();
    if listed.len() > SHOWN {
        items.push(format!("and {} more (see flows.csv)", listed.len() - SHOWN));
    }
    Some(format!(
        "Not drawn, moves back or sideways (re-listing, feedback), people per run: {}.",
        items.join("; ")
    ))
}

/// One thing stacked in a column: a place, or the slot of a band crossing the column.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Place(usize),
    Pass(usize),
}

/// A stacked slot's vertical extent, pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    y0: f64,
    y1: f64,
}

impl Span {
    fn mid(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// Where a band goes: its top and bottom at the right of its source, through each column it
/// crosses, and at the left of its target.
#[derive(Debug, Clone, Default)]
struct Route {
    start: Option<Span>,
    passes: Vec<(usize, Span)>,
    end: Option<Span>,
}

/// Draws the chart.
pub(super) fn draw<DB: DrawingBackend>(c: &Canvas<DB>, results: &Folder, title: Option<&str>) -> Drawn {
    let diagram = diagram(results);
    let mut legend = Vec::new();
    let mut notes = vec![format!(
        "Band widths are people per run (means over {} runs). Times are means from first joining a list, \
         pooled over runs; for people still in the network, the time so far.",
        thousands(f64::from(results.replications()))
    )];
    if let Some(diagram) = &diagram {
        if diagram
            .drawn
            .iter()
            .any(|link| !matches!(diagram.places[link.to].role, Role::End(_)))
        {
            legend.push(LegendItem::new("On to a port or stage", Swatch::Fill(BLUE, BAND_ALPHA)));
        }
        let mut kinds: Vec<EndKind> = diagram
            .places
            .iter()
            .filter_map(|place| match place.role {
                Role::End(kind) => Some(kind),
                _ => None,
            })
            .collect();
        kinds.dedup();
        for kind in kinds {
            legend.push(LegendItem::new(kind.legend(), Swatch::Fill(kind.color(), BAND_ALPHA)));
        }
        notes.extend(listed_note(diagram));
    }
    let frame = Frame {
        title: title.unwrap_or("How people moved through the network").to_owned(),
        subtitle: super::subtitle(results, "people per run from arrival to where they ended"),
        legend,
        notes,
        source: results.source_line(),
    };
    let body = layout::draw_frame(c, &frame)?;
    match diagram {
        Some(diagram) if !diagram.drawn.is_empty() => draw_diagram(c, &diagram, body),
        _ => c.text(
            "Nobody moved through the network",
            (body.x0 + body.x1) / 2,
            (body.y0 + body.y1) / 2,
            size::SUBTITLE,
            false,
            MUTED,
            Align::Center,
        ),
    }
}

/// Opacity of bands.
const BAND_ALPHA: f64 = 0.45;

/// Lays out and draws the columns, bands and labels in `body`.
fn draw_diagram<DB: DrawingBackend>(c: &Canvas<DB>, diagram: &Diagram, body: Rect) -> Drawn {
    let places = &diagram.places;
    let columns = diagram.columns.max(2);
    // Every column's slots: its places in order, then the bands crossing it.
    let mut stacks: Vec<Vec<Slot>> = vec![Vec::new(); columns];
    for (i, place) in places.iter().enumerate() {
        stacks[place.column.min(columns - 1)].push(Slot::Place(i));
    }
    for (l, link) in diagram.drawn.iter().enumerate() {
        for stack in &mut stacks[places[link.from].column + 1..places[link.to].column] {
            stack.push(Slot::Pass(l));
        }
    }
    let value = |slot: &Slot| match *slot {
        Slot::Place(i) => places[i].people,
        Slot::Pass(l) => diagram.drawn[l].people,
    };
    // One scale for every column: the fullest fits the height. Each place keeps room for its
    // label (two lines) where that leaves the bands at least half as wide as without.
    let height = f64::from(body.height());
    let most = stacks.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64;
    let gap = f64::from(c.px(22.0)).min(height / (3.0 * most));
    let min_bar = f64::from(c.px(1.5));
    let label_h = f64::from(c.line_height(size::LABEL) + c.line_height(size::NOTE) + c.px(4.0));
    let room = |slot: &Slot, scale: f64, label_room: f64| {
        let bar = (value(slot) * scale).max(min_bar);
        match slot {
            Slot::Place(_) => bar.max(label_room - gap),
            Slot::Pass(_) => bar,
        }
    };
    let scale_with = |label_room: f64| {
        stacks
            .iter()
            .filter(|stack| !stack.is_empty())
            .map(|stack| {
                let free = height - gap * (stack.len() as f64 - 1.0);
                let used = |scale: f64| stack.iter().map(|slot| room(slot, scale, label_room)).sum::<f64>();
                let total: f64 = stack.iter().map(value).sum();
                // The largest scale at which the column fits, by bisection (`used` grows with it).
                let (mut low, mut high) = (0.0, free.max(0.0) / total.max(f64::MIN_POSITIVE));
                for _ in 0..50 {
                    let mid = (low + high) / 2.0;
                    if used(mid) <= free { low = mid } else { high = mid }
                }
                low
            })
            .fold(f64::INFINITY, f64::min)
    };
    let plain = scale_with(0.0);
    let labelled = scale_with(label_h);
    let (scale, label_room) = if labelled >= plain / 2.0 {
        (labelled, label_h)
    } else {
        (plain, 0.0)
    };
    let scale = if scale.is_finite() { scale.max(0.0) } else { 0.0 };
    let mut spans: Vec<Vec<Span>> = Vec::with_capacity(columns);
    for stack in &stacks {
        let rooms: Vec<f64> = stack.iter().map(|slot| room(slot, scale, label_room)).collect();
        let used: f64 = rooms.iter().sum::<f64>() + gap * (stack.len() as f64 - 1.0).max(0.0);
        let mut y = f64::from(body.y0) + ((height - used) / 2.0).max(0.0);
        spans.push(
            stack
                .iter()
                .zip(&rooms)
                .map(|(slot, room)| {
                    // The bar in the middle of its room.
                    let bar = (value(slot) * scale).max(min_bar);
                    let top = y + (room - bar) / 2.0;
                    y += room + gap;
                    Span { y0: top, y1: top + bar }
                })
                .collect(),
        );
    }
    let span_of = |i: usize| -> Span {
        let column = places[i].column;
        stacks
            .get(column)
            .and_then(|stack| stack.iter().position(|s| *s == Slot::Place(i)))
            .map_or(Span { y0: 0.0, y1: 0.0 }, |k| spans[column][k])
    };
    // Horizontal: the ends' labels take the right; the rest is spread evenly.
    let bar_w = c.px(12.0);
    let label_gap = c.px(6.0);
    let label_w = |place: &Place| {
        c.measure(&display_name(place), size::LABEL, true)
            .max(c.measure(&detail(place), size::NOTE, false))
    };
    let ends_w = places
        .iter()
        .filter(|place| matches!(place.role, Role::End(_)))
        .map(label_w)
        .max()
        .unwrap_or(0);
    let right = (body.x1 - ends_w - label_gap - bar_w).max(body.x0 + bar_w * columns as i32);
    let x_of = |column: usize| body.x0 + ((right - body.x0) as f64 * column as f64 / (columns - 1) as f64) as i32;
    // Routes: each band's place in its source's outgoing stack and its target's incoming one,
    // ordered by where the band goes next (or came from) so that few bands cross.
    let mut routes: Vec<Route> = vec![Route::default(); diagram.drawn.len()];
    for (l, link) in diagram.drawn.iter().enumerate() {
        routes[l].passes = (places[link.from].column + 1..places[link.to].column)
            .map(|column| {
                let k = stacks[column].iter().position(|s| *s == Slot::Pass(l)).unwrap_or(0);
                (column, spans[column][k])
            })
            .collect();
    }
    for i in 0..places.len() {
        let place_span = span_of(i);
        let next_mid = |l: usize| {
            routes[l]
                .passes
                .first()
                .map_or_else(|| span_of(diagram.drawn[l].to).mid(), |(_, span)| span.mid())
        };
        let previous_mid = |l: usize| {
            routes[l]
                .passes
                .last()
                .map_or_else(|| span_of(diagram.drawn[l].from).mid(), |(_, span)| span.mid())
        };
        let mut out: Vec<usize> = (0..diagram.drawn.len())
            .filter(|&l| diagram.drawn[l].from == i)
            .collect();
        out.sort_by(|&a, &b| next_mid(a).total_cmp(&next_mid(b)));
        let mut into: Vec<usize> = (0..diagram.drawn.len()).filter(|&l| diagram.drawn[l].to == i).collect();
        into.sort_by(|&a, &b| previous_mid(a).total_cmp(&previous_mid(b)));
        let mut y = place_span.y0;
        for l in out {
            let h = diagram.drawn[l].people * scale;
            routes[l].start = Some(Span { y0: y, y1: y + h });
            y += h;
        }
        let mut y = place_span.y0;
        for l in into {
            let h = diagram.drawn[l].people * scale;
            routes[l].end = Some(Span { y0: y, y1: y + h });
            y += h;
        }
    }
    // Bands, then bars, then labels over them.
    for (l, link) in diagram.drawn.iter().enumerate() {
        let route = &routes[l];
        let (Some(start), Some(end)) = (route.start, route.end) else {
            continue;
        };
        let mut points: Vec<(f64, Span)> = vec![(f64::from(x_of(places[link.from].column) + bar_w), start)];
        for (column, span) in &route.passes {
            points.push((f64::from(x_of(*column)), *span));
            points.push((f64::from(x_of(*column) + bar_w), *span));
        }
        points.push((f64::from(x_of(places[link.to].column)), end));
        c.polygon(band_outline(&points), band_color(&places[link.to]), BAND_ALPHA)?;
    }
    for (i, place) in places.iter().enumerate() {
        let span = span_of(i);
        let x = x_of(place.column);
        let color = match place.role {
            Role::Arrivals => MUTED,
            Role::Port | Role::Stage => INK,
            Role::End(kind) => kind.color(),
        };
        c.fill_rect(
            Rect {
                x0: x,
                y0: span.y0.round() as i32,
                x1: x + bar_w,
                y1: (span.y1.round() as i32).max(span.y0.round() as i32 + 1),
            },
            color,
            1.0,
        )?;
    }
    draw_labels(c, diagram, &span_of, &x_of, bar_w + label_gap, body)
}

/// The outline of a band through `points` (x, top and bottom), curving between columns and
/// straight across the columns it passes through.
fn band_outline(points: &[(f64, Span)]) -> Vec<(i32, i32)> {
    const STEPS: usize = 24;
    let mut top: Vec<(f64, f64)> = Vec::new();
    let mut bottom: Vec<(f64, f64)> = Vec::new();
    for pair in points.windows(2) {
        let ((x0, a), (x1, b)) = (pair[0], pair[1]);
        // A pass across a column keeps its height; a move between columns curves.
        let straight = a == b;
        let steps = if straight { 1 } else { STEPS };
        for k in 0..=steps {
            if k == 0 && !top.is_empty() {
                continue;
            }
            let t = k as f64 / steps as f64;
            let s = t * t * (3.0 - 2.0 * t);
            let x = x0 + (x1 - x0) * t;
            top.push((x, a.y0 + (b.y0 - a.y0) * s));
            bottom.push((x, a.y1 + (b.y1 - a.y1) * s));
        }
    }
    let mut outline: Vec<(i32, i32)> = top
        .iter()
        .chain(bottom.iter().rev())
        .map(|&(x, y)| (x.round() as i32, y.round() as i32))
        .collect();
    outline.dedup();
    outline
}

/// Each place's name and people, to the right of its bar: moved apart where they would
/// overlap, and kept within `body`.
fn draw_labels<DB: DrawingBackend>(
    c: &Canvas<DB>,
    diagram: &Diagram,
    span_of: &dyn Fn(usize) -> Span,
    x_of: &dyn Fn(usize) -> i32,
    offset: i32,
    body: Rect,
) -> Drawn {
    let name_h = c.line_height(size::LABEL);
    let label_h = f64::from(name_h + c.line_height(size::NOTE));
    for column in 0..diagram.columns {
        let mut labels: Vec<(usize, f64)> = diagram
            .places
            .iter()
            .enumerate()
            .filter(|(_, place)| place.column == column)
            .map(|(i, _)| (i, span_of(i).mid() - label_h / 2.0))
            .collect();
        labels.sort_by(|a, b| a.1.total_cmp(&b.1));
        spread(&mut labels, label_h, f64::from(body.y0), f64::from(body.y1));
        for (i, y) in labels {
            let place = &diagram.places[i];
            let x = x_of(place.column) + offset;
            let y = y.round() as i32;
            c.text(&display_name(place), x, y, size::LABEL, true, INK, Align::Left)?;
            c.text(&detail(place), x, y + name_h, size::NOTE, false, INK, Align::Left)?;
        }
    }
    Ok(())
}

/// Moves labels `(_, top)`, sorted by top, apart so that none overlaps the next (`height`
/// each), then back up as one where the last would run past `bottom` (never above `top`).
fn spread(labels: &mut [(usize, f64)], height: f64, top: f64, bottom: f64) {
    let mut floor = top;
    for label in labels.iter_mut() {
        label.1 = label.1.max(floor);
        floor = label.1 + height;
    }
    let mut ceiling = bottom;
    for label in labels.iter_mut().rev() {
        label.1 = label.1.min(ceiling - height).max(top);
        ceiling = label.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str, role: Role) -> Place {
        Place {
            name: name.to_owned(),
            role,
            column: 0,
            people: 0.0,
            time_days: None,
        }
    }

    fn link(from: usize, to: usize) -> Link {
        Link { from, to, people: 1.0 }
    }

    /// Ports stand in column 1, stages after the deepest place that moves people on to them;
    /// a loop back (court → screening) or to itself does not push a stage further right.
    #[test]
    fn stages_stand_after_what_feeds_them_and_loops_are_cut() {
        let nodes = [
            place("arrivals", Role::Arrivals),
            place("tijuana", Role::Port),
            place("mexicali", Role::Port),
            place("screening", Role::Stage),
            place("court", Role::Stage),
            place("appeal", Role::Stage),
        ];
        let links = [
            link(0, 1),
            link(0, 2),
            link(0, 4),
            link(1, 3),
            link(2, 3),
            link(1, 2),
            link(3, 4),
            link(4, 3),
            link(4, 5),
            link(5, 5),
            link(5, 4),
        ];
        assert_eq!(depths(&nodes, &links), vec![0, 1, 1, 2, 3, 4]);
        // A stage fed only from outside stands right after the ports.
        assert_eq!(depths(&nodes[..5], &[link(0, 4)]), vec![0, 1, 1, 2, 2]);
    }

    #[test]
    fn labels_are_spread_within_the_body() {
        let mut labels = vec![(0, 10.0), (1, 12.0), (2, 95.0)];
        spread(&mut labels, 10.0, 0.0, 100.0);
        assert_eq!(labels, vec![(0, 10.0), (1, 20.0), (2, 90.0)]);
        let mut crowded = vec![(0, 50.0), (1, 50.0), (2, 50.0)];
        spread(&mut crowded, 40.0, 0.0, 100.0);
        assert!(crowded.iter().all(|(_, y)| *y >= 0.0), "{crowded:?}");
    }

    #[test]
    fn bands_curve_between_columns_and_run_straight_across_them() {
        let span = |y0: f64, y1: f64| Span { y0, y1 };
        let outline = band_outline(&[
            (0.0, span(0.0, 10.0)),
            (100.0, span(50.0, 60.0)),
            (110.0, span(50.0, 60.0)),
            (200.0, span(20.0, 30.0)),
        ]);
        assert_eq!(outline.first(), Some(&(0, 0)));
        assert!(outline.contains(&(100, 50)) && outline.contains(&(110, 50)));
        assert!(outline.contains(&(200, 20)) && outline.contains(&(200, 30)));
        assert_eq!(outline.last(), Some(&(0, 10)));
        assert_eq!(people(12_345.4), "12,345");
        assert_eq!(people(0.25), "0.2");
        assert_eq!(people(3.0), "3");
    }
}
