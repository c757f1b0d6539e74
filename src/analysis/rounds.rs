//! Searches run in rounds on a batch system (`target` and `fit` with `--rounds DIR`).
//!
//! A search is a sequence of rounds: each round simulates some points (values of the searched
//! parameters) at the same replications, and what the next round simulates depends on what
//! the earlier ones gave. Every round is split like a sweep's simulations (points ×
//! replications in N even blocks, [`Shard::block`]), and each shard's part is kept in the
//! rounds folder: `search.json` says which search it is, `round-0001/shard-K-of-N.json`
//! holds, for each point of round 1, the per-replication values the search judges by (to the
//! bit). The search is deterministic, so replaying it over the stored rounds reaches the same
//! point every time:
//!
//! - a shard (`--shard K/N`) replays up to the first round it has not run, runs its block of
//!   it, and goes on while every shard of that round is in; it stops at a round waiting for
//!   other shards, or when the search is complete;
//! - the coordinator (no `--shard`) replays every stored round and gives the search's results
//!   when all of them are in, or [`Error::Rounds`] (exit code 3) naming the round whose shards
//!   are missing.
//!
//! docs/scale-out.md documents the format and the driver that submits rounds.

use crate::error::{Diagnostic, Error, InputError};
use crate::guard::Limits;
use crate::output::write_file;
use crate::shard::{SHARD_FORMAT_VERSION, Shard, read_file, sha256};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What `search.json` says it is.
const SEARCH_FORMAT_NAME: &str = "backlog-search-rounds";
/// What each round's shard file says it is.
const ROUND_FORMAT_NAME: &str = "backlog-search-round";
/// Missing shards named in a message; the rest are counted.
const NAMED: usize = 10;

/// A rounds folder, and which part of each round this command runs.
///
/// ```
/// let shard: backlog::Shard = "1/4".parse()?;
/// let rounds = backlog::analysis::Rounds::shard("rounds", shard);
/// assert_eq!(rounds.dir(), std::path::Path::new("rounds"));
/// # Ok::<(), backlog::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Rounds {
    dir: PathBuf,
    shard: Option<Shard>,
}

impl Rounds {
    /// The rounds folder `dir`, this command running shard `shard` of each round.
    pub fn shard(dir: impl Into<PathBuf>, shard: Shard) -> Rounds {
        Rounds {
            dir: dir.into(),
            shard: Some(shard),
        }
    }

    /// The rounds folder `dir`, read by the coordinator: it runs nothing itself, and gives
    /// the search's results once every round is in.
    pub fn coordinator(dir: impl Into<PathBuf>) -> Rounds {
        Rounds {
            dir: dir.into(),
            shard: None,
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Opens the folder for the search `command` (`target`, `fit`) described by `key` (what
    /// makes it that search: scenario, changes, parameters, goal, replications): a shard
    /// writes `search.json` when it is not there yet; a `search.json` of another search is
    /// refused.
    pub(crate) fn open(&self, command: &str, key: Json, limits: &Limits) -> Result<Replay<'_>, Error> {
        let path = self.dir.join("search.json");
        let stored = if path.exists() {
            let text = read_file(&self.dir, "search.json", limits)?;
            Some(serde_json::from_str::<SearchManifest>(&text).map_err(|error| {
                bad_rounds(
                    &self.dir,
                    format!("search.json is not a rounds folder's manifest ({error})"),
                )
            })?)
        } else {
            None
        };
        let shards = match (self.shard, &stored) {
            (Some(shard), _) => shard.count(),
            (None, Some(stored)) => stored.shards,
            (None, None) => return Err(Error::Rounds(RoundStop::NotStarted { dir: self.dir.clone() })),
        };
        let manifest = SearchManifest {
            format: SEARCH_FORMAT_NAME.to_owned(),
            shard_format_version: SHARD_FORMAT_VERSION,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            command: command.to_owned(),
            shards,
            key,
        };
        let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        text.push('\n');
        match stored {
            Some(stored) if stored != manifest => return Err(other_search(&self.dir, &stored, &manifest)),
            Some(_) => {}
            None => {
                std::fs::create_dir_all(&self.dir).map_err(|source| Error::Write {
                    path: self.dir.clone(),
                    source,
                })?;
                write_file(&path, text.as_bytes())?;
            }
        }
        Ok(Replay {
            rounds: self,
            search_sha256: sha256(text.as_bytes()),
            shards,
            limits: *limits,
            next: Cell::new(1),
            written: RefCell::new(Vec::new()),
        })
    }
}

/// `search.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SearchManifest {
    format: String,
    shard_format_version: u32,
    version: String,
    command: String,
    shards: u32,
    key: Json,
}

/// `round-NNNN/shard-K-of-N.json`: shard K's block of one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RoundFile {
    format: String,
    /// SHA-256 of `search.json`.
    search_sha256: String,
    round: u32,
    shard: u32,
    shards: u32,
    replications: u32,
    /// The points of the round, as the search names them.
    points: Vec<String>,
    /// The replications of each point this shard ran: `[first, end)`.
    blocks: Vec<[u32; 2]>,
    /// For each point, for each replication of its block, the values the search judges by,
    /// as the bits of each `f64` (so that every value, NaN and infinities included, comes back
    /// exactly).
    values: Vec<Vec<Vec<u64>>>,
}

/// Where a search run in rounds stopped before giving its results.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RoundStop {
    /// Round `round` waits for the shards `missing` of `shards` (the first few; `more` others);
    /// `written` are the rounds this command ran its shard of.
    Waiting {
        /// The round, from 1.
        round: u32,
        /// N.
        shards: u32,
        /// The first missing shards.
        missing: Vec<u32>,
        /// How many more are missing.
        more: usize,
        /// The rounds this command ran its shard of.
        written: Vec<u32>,
    },
    /// Every round the search needs is in (`rounds` of them); the coordinator gives the
    /// results.
    Complete {
        /// How many rounds the search took.
        rounds: u32,
        /// The rounds this command ran its shard of.
        written: Vec<u32>,
    },
    /// No shard has run yet: the folder has no `search.json`.
    NotStarted {
        /// The rounds folder.
        dir: PathBuf,
    },
}

impl RoundStop {
    /// Whether the search is complete (the coordinator can give its results).
    pub fn is_complete(&self) -> bool {
        matches!(self, RoundStop::Complete { .. })
    }
}

impl std::fmt::Display for RoundStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ran = |written: &[u32]| match written {
            [] => String::new(),
            [one] => format!("ran its shard of round {one}; "),
            [first, .., last] => format!("ran its shard of rounds {first} to {last}; "),
        };
        match self {
            RoundStop::Waiting {
                round,
                shards,
                missing,
                more,
                written,
            } => {
                let mut list: Vec<String> = missing.iter().map(|k| format!("{k}/{shards}")).collect();
                if *more > 0 {
                    list.push(format!("and {more} more"));
                }
                let (noun, them) = if list.len() == 1 {
                    ("shard", "it")
                } else {
                    ("shards", "them")
                };
                write!(
                    f,
                    "{}round {round} waits for {noun} {} of the search: run {them} with --shard K/{shards}",
                    ran(written),
                    list.join(", ")
                )
            }
            RoundStop::Complete { rounds, written } => write!(
                f,
                "{}every round of the search is in ({rounds} rounds): run the command with --rounds and without --shard for its results",
                ran(written)
            ),
            RoundStop::NotStarted { dir } => write!(
                f,
                "no round of the search has run in `{}`: run round 1 with --shard K/N",
                dir.display()
            ),
        }
    }
}

/// A search being replayed over its rounds folder.
#[derive(Debug)]
pub(crate) struct Replay<'a> {
    rounds: &'a Rounds,
    search_sha256: String,
    shards: u32,
    limits: Limits,
    /// The next round's number.
    next: Cell<u32>,
    /// The rounds this command ran its shard of.
    written: RefCell<Vec<u32>>,
}

/// Values per point, per replication: what `compute` gives and a round returns.
pub(crate) type PointValues = Vec<Vec<Vec<f64>>>;

impl Replay<'_> {
    /// The next round, of `points` (as the search names them) at `replications` each, every
    /// replication giving `width` values: read from the folder when every shard of it is
    /// there; this command's shard run with `compute` (given each point's block of
    /// replications) and written first when it is missing. Stops with [`Error::Rounds`] when
    /// other shards of the round are missing.
    pub(crate) fn round(
        &self,
        points: &[String],
        replications: u32,
        width: usize,
        compute: impl FnOnce(&[Range<u32>]) -> Result<PointValues, Error>,
    ) -> Result<PointValues, Error> {
        let round = self.next.get();
        self.next.set(round + 1);
        let folder = self.rounds.dir.join(format!("round-{round:04}"));
        let count = u32::try_from(points.len()).unwrap_or(u32::MAX);
        let blocks = |shard: Shard| -> Vec<Range<u32>> {
            (0..count)
                .map(|point| shard.block(replications, count, point))
                .collect()
        };
        if let Some(shard) = self.rounds.shard {
            let name = file_name(shard);
            if !folder.join(&name).exists() {
                let ranges = blocks(shard);
                let values = compute(&ranges)?;
                let file = RoundFile {
                    format: ROUND_FORMAT_NAME.to_owned(),
                    search_sha256: self.search_sha256.clone(),
                    round,
                    shard: shard.index(),
                    shards: shard.count(),
                    replications,
                    points: points.to_vec(),
                    blocks: ranges.iter().map(|range| [range.start, range.end]).collect(),
                    values: values
                        .iter()
                        .map(|point| point.iter().map(|v| v.iter().map(|x| x.to_bits()).collect()).collect())
                        .collect(),
                };
                std::fs::create_dir_all(&folder).map_err(|source| Error::Write {
                    path: folder.clone(),
                    source,
                })?;
                let mut text = serde_json::to_string(&file).unwrap_or_default();
                text.push('\n');
                write_file(&folder.join(&name), text.as_bytes())?;
                self.written.borrow_mut().push(round);
            }
        }
        let mut missing = Vec::new();
        let mut more = 0;
        let mut files = Vec::new();
        for k in 0..self.shards {
            let shard = Shard::new(k, self.shards)?;
            let name = file_name(shard);
            if !folder.join(&name).exists() {
                if missing.len() < NAMED {
                    missing.push(k);
                } else {
                    more += 1;
                }
                continue;
            }
            if missing.is_empty() {
                files.push((shard, name));
            }
        }
        if !missing.is_empty() {
            return Err(Error::Rounds(RoundStop::Waiting {
                round,
                shards: self.shards,
                missing,
                more,
                written: self.written.borrow().clone(),
            }));
        }
        let mut merged: PointValues = points.iter().map(|_| Vec::new()).collect();
        for (shard, name) in files {
            let text = read_file(&folder, &name, &self.limits)?;
            let bad = |problem: String| bad_rounds(&folder.join(&name), problem);
            let file: RoundFile =
                serde_json::from_str(&text).map_err(|error| bad(format!("not a round's file ({error})")))?;
            let expected_blocks: Vec<[u32; 2]> = blocks(shard).iter().map(|range| [range.start, range.end]).collect();
            if file.format != ROUND_FORMAT_NAME
                || file.search_sha256 != self.search_sha256
                || (file.round, file.shard, file.shards) != (round, shard.index(), shard.count())
            {
                return Err(bad(
                    "it is not this shard's file of this round of this search".to_owned()
                ));
            }
            if file.points != points || file.replications != replications {
                return Err(bad(format!(
                    "round {round} of the search now tries {} at {replications} replications, and the file holds {} at {}: the rounds folder is of another search",
                    points.join(", "),
                    file.points.join(", "),
                    file.replications
                )));
            }
            let fits = file.blocks == expected_blocks
                && file.values.len() == points.len()
                && file.values.iter().zip(&file.blocks).all(|(point, [first, end])| {
                    point.len() == (end - first) as usize && point.iter().all(|v| v.len() == width)
                });
            if !fits {
                return Err(bad("its replications or values do not fit the round".to_owned()));
            }
            for (into, point) in merged.iter_mut().zip(file.values) {
                into.extend(
                    point
                        .into_iter()
                        .map(|values| values.into_iter().map(f64::from_bits).collect::<Vec<f64>>()),
                );
            }
        }
        Ok(merged)
    }

    /// For a shard at the end of the search: the stop that says so (it leaves the results to
    /// the coordinator). `None` for the coordinator.
    pub(crate) fn complete(&self) -> Option<Error> {
        self.rounds.shard.map(|_| {
            Error::Rounds(RoundStop::Complete {
                rounds: self.next.get() - 1,
                written: self.written.borrow().clone(),
            })
        })
    }
}

/// `shard-K-of-N.json`.
fn file_name(shard: Shard) -> String {
    format!("shard-{}-of-{}.json", shard.index(), shard.count())
}

fn bad_rounds(path: &Path, problem: impl std::fmt::Display) -> Error {
    Error::Input(InputError::single(
        Diagnostic::new(format!("`{}` is not a usable rounds folder: {problem}", path.display()))
            .with_help("remove the folder (or give another) and run the search's rounds again"),
    ))
}

/// A rounds folder of another search than this command's.
fn other_search(dir: &Path, stored: &SearchManifest, ours: &SearchManifest) -> Error {
    let why = if stored.command != ours.command {
        format!(
            "it holds the rounds of a `{}`, not of a `{}`",
            stored.command, ours.command
        )
    } else if stored.version != ours.version || stored.shard_format_version != ours.shard_format_version {
        format!(
            "it was written by backlog {} (format {}); this is backlog {} (format {})",
            stored.version, stored.shard_format_version, ours.version, ours.shard_format_version
        )
    } else if stored.shards != ours.shards {
        format!("its rounds are split in {} shards, not {}", stored.shards, ours.shards)
    } else {
        "it holds the rounds of another search (scenario, changes, parameters, goal or replications differ)".to_owned()
    };
    Error::Input(InputError::single(
        Diagnostic::new(format!("`{}` is not this search's rounds folder: {why}", dir.display()))
            .with_help("give each search a rounds folder of its own, and the same flags at every step"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A search of two rounds in 3 shards: each shard runs its block, the round waits until
    /// every shard is in, and the values come back in replication order, to the bit.
    #[test]
    fn rounds_wait_for_every_shard_and_merge_in_replication_order() {
        let dir = tempfile::tempdir().expect("a folder");
        let key = serde_json::json!({"search": "a test"});
        let limits = Limits::default();
        let value = |point: usize, r: u32| vec![point as f64 + f64::from(r) / 10.0, f64::NAN];
        let points = ["a".to_owned(), "b".to_owned()];
        let compute = |ranges: &[Range<u32>]| -> Result<PointValues, Error> {
            Ok(ranges
                .iter()
                .enumerate()
                .map(|(p, range)| range.clone().map(|r| value(p, r)).collect())
                .collect())
        };
        for k in [2, 0] {
            let rounds = Rounds::shard(dir.path(), Shard::new(k, 3).unwrap());
            let replay = rounds.open("target", key.clone(), &limits).expect("opens");
            let error = replay.round(&points, 4, 2, compute).expect_err("waits");
            assert!(
                matches!(error, Error::Rounds(RoundStop::Waiting { round: 1, .. })),
                "{error}"
            );
        }
        let coordinator = Rounds::coordinator(dir.path());
        let waiting = coordinator
            .open("target", key.clone(), &limits)
            .and_then(|replay| replay.round(&points, 4, 2, |_| unreachable!()))
            .expect_err("waits");
        assert!(waiting.to_string().contains("round 1 waits for shard 1/3"), "{waiting}");
        assert_eq!(waiting.exit_code(), 3);
        let last = Rounds::shard(dir.path(), Shard::new(1, 3).unwrap());
        let replay = last.open("target", key.clone(), &limits).expect("opens");
        let values = replay.round(&points, 4, 2, compute).expect("complete");
        for (p, point) in values.iter().enumerate() {
            assert_eq!(point.len(), 4);
            for (r, got) in point.iter().enumerate() {
                assert_eq!(got[0].to_bits(), value(p, r as u32)[0].to_bits());
                assert!(got[1].is_nan());
            }
        }
        let second = replay
            .round(&points[..1], 4, 2, compute)
            .expect_err("waits for round 2");
        assert!(
            second.to_string().contains("ran its shard of rounds 1 to 2"),
            "{second}"
        );
        // The coordinator replays round 1 and stops at round 2.
        let replay = coordinator.open("target", key.clone(), &limits).expect("opens");
        let bits = |values: &PointValues| -> Vec<Vec<Vec<u64>>> {
            values
                .iter()
                .map(|point| point.iter().map(|v| v.iter().map(|x| x.to_bits()).collect()).collect())
                .collect()
        };
        let again = replay.round(&points, 4, 2, |_| unreachable!()).expect("in");
        assert_eq!(bits(&again), bits(&values));
        // Another search, or the same search trying other points, is refused.
        let other = coordinator.open("target", serde_json::json!({"search": "another"}), &limits);
        assert_eq!(other.expect_err("refused").exit_code(), 2);
        let replay = coordinator.open("target", key, &limits).expect("opens");
        let moved = replay.round(&["c".to_owned(), "b".to_owned()], 4, 2, |_| unreachable!());
        assert!(moved.expect_err("refused").to_string().contains("of another search"));
    }

    #[test]
    fn a_coordinator_before_any_shard_says_so() {
        let dir = tempfile::tempdir().expect("a folder");
        let error = Rounds::coordinator(dir.path().join("none"))
            .open("fit", Json::Null, &Limits::default())
            .expect_err("not started");
        assert!(matches!(error, Error::Rounds(RoundStop::NotStarted { .. })));
        assert_eq!(error.exit_code(), 3);
    }
}
