//! `--trace FILE`: every event of one replication as CSV, for checking the model by hand.

use crate::cancel::CancelToken;
use crate::engine::{Trace, TraceEvent, run_replication_traced};
use crate::error::Error;
use crate::model::{Model, Ticks, ticks_to_days};
use crate::output::{Streamed, write_streamed};
use std::io::Write;
use std::path::Path;

/// Writes every event of replication `replication` of `model` to the CSV file `path` (plain
/// CSV: a header, then a line per event); `cancel` stops it with [`Error::Interrupted`].
pub fn write_trace(model: &Model, replication: u32, path: &Path, cancel: &CancelToken) -> Result<(), Error> {
    // The trace goes straight to the file: a long one never sits in memory.
    let written = write_streamed(path, |out| -> Result<(), TraceError> {
        let mut trace = CsvTrace::new(out, model);
        run_replication_traced(model, replication, &mut trace, cancel).map_err(|_| TraceError::Cancelled)?;
        trace.finish().map_err(TraceError::Io)?;
        Ok(())
    });
    match written {
        Ok(()) => Ok(()),
        Err(Streamed::Failed(error)) => Err(error),
        Err(Streamed::Stopped(TraceError::Cancelled)) => Err(Error::Interrupted),
        Err(Streamed::Stopped(TraceError::Io(source))) => Err(Error::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Why writing a trace stopped.
enum TraceError {
    Cancelled,
    Io(std::io::Error),
}

/// Writes trace lines to `out`; the first write error is kept and later lines are skipped.
pub(crate) struct CsvTrace<'m, W: Write> {
    out: W,
    model: &'m Model,
    error: Option<std::io::Error>,
}

impl<'m, W: Write> CsvTrace<'m, W> {
    /// A trace writer for `model`; writes the header at once.
    pub(crate) fn new(mut out: W, model: &'m Model) -> Self {
        let error = writeln!(out, "time_days,event,port,group,people,list_people").err();
        CsvTrace { out, model, error }
    }

    /// Flushes and returns the writer, or the first error.
    pub(crate) fn finish(mut self) -> Result<W, std::io::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Trace for CsvTrace<'_, W> {
    fn record(&mut self, time: Ticks, event: TraceEvent, port: usize, group: u32, people: u32, list_people: u64) {
        if self.error.is_some() {
            return;
        }
        let port = self.model.ports.get(port).map_or("", |p| p.name.as_str());
        if let Err(error) = writeln!(
            self.out,
            "{:.6},{},{port},{group},{people},{list_people}",
            ticks_to_days(time),
            event.name()
        ) {
            self.error = Some(error);
        }
    }
}
