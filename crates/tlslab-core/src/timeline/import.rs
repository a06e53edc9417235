//! Reading a timeline file: untrusted input, checked so that a viewer can index it without
//! further checks.

use super::{EventKind, Outcome, Timeline};

/// Why a timeline file was not accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub String);

impl core::fmt::Display for ImportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Timeline {
    pub const FORMAT: u32 = 1;
    /// The largest timeline file accepted; real runs are well under 1 MiB.
    pub const MAX_IMPORT_BYTES: usize = 16 << 20;
    /// The most events a file may hold: real runs have about 200, and views that relate events
    /// to each other stay fast only for bounded runs.
    pub const MAX_EVENTS: usize = 10_000;

    /// Reads a timeline file (as written by `tlslab trace --json`, `tlslab connect --timeline`
    /// or the web app's export) and checks that it holds together, so that a viewer can index
    /// it without further checks. The file is untrusted: anything wrong is an error, never a
    /// panic.
    pub fn import(json: &str) -> Result<Timeline, ImportError> {
        if json.len() > Self::MAX_IMPORT_BYTES {
            return Err(ImportError(format!(
                "the file is {} bytes; a timeline is at most {} MiB",
                json.len(),
                Self::MAX_IMPORT_BYTES >> 20
            )));
        }
        let t: Timeline = serde_json::from_str(json)
            .map_err(|e| ImportError(format!("not a tlslab timeline: {e}")))?;
        t.check()?;
        Ok(t)
    }

    /// Every index and span in the timeline points inside it.
    pub fn check(&self) -> Result<(), ImportError> {
        let err = |m: String| Err(ImportError(m));
        if self.format != Self::FORMAT {
            return err(format!(
                "timeline format {} is not supported (this version reads format {})",
                self.format,
                Self::FORMAT
            ));
        }
        if self.steps.is_empty() {
            return err("the timeline has no steps".into());
        }
        if self.events.len() > Self::MAX_EVENTS || self.steps.len() > Self::MAX_EVENTS {
            return err(format!(
                "{} events in {} steps; a timeline has at most {} of each",
                self.events.len(),
                self.steps.len(),
                Self::MAX_EVENTS
            ));
        }
        // Each event is listed exactly once, by the step it names.
        let mut listed = vec![false; self.events.len()];
        for (n, s) in self.steps.iter().enumerate() {
            for &i in &s.events {
                match (self.events.get(i), listed.get_mut(i)) {
                    (Some(e), Some(seen)) if e.step == n && !*seen => *seen = true,
                    _ => {
                        return err(format!(
                            "step {n} lists event {i}, which is not one of its events"
                        ));
                    }
                }
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            if !listed[i] {
                return err(format!("event {i} is not listed in its step {}", e.step));
            }
            e.kind
                .check()
                .map_err(|m| ImportError(format!("event {i}: {m}")))?;
        }
        if let Outcome::Alert { step, .. } = self.outcome
            && step >= self.steps.len()
        {
            return err(format!("the outcome names step {step}, past the last step"));
        }
        Ok(())
    }
}

impl EventKind {
    /// Every field span lies inside the bytes it describes.
    fn check(&self) -> Result<(), String> {
        match self {
            EventKind::MessageSent(m) | EventKind::MessageReceived(m) => m
                .fields
                .iter()
                .try_for_each(|f| f.check_within(m.bytes.len())),
            EventKind::RecordSent(r) | EventKind::RecordReceived(r) => {
                r.fields.check_within(r.bytes.len())
            }
            _ => Ok(()),
        }
    }
}
