//! The postMessage API for host pages that embed the app in an iframe.
//!
//! Messages are objects with `source: "tlslab"`, `version: 1` and a `type`. The app announces
//! `ready` (with the scenario and the number of steps), each `step` change, and `end` when the
//! last step is shown (with the alert, if any), and in a quiz each `answer` (the question's id,
//! the choice from 1, whether it was right). It accepts `goto` (`step` or `chapter`), `play`,
//! `pause`, `setScenario` (`scenario`: an id), `setProtocol` (`protocol`: `tls12-rsa` or
//! `tls12-ecdhe`) and `setView` (any of `present`, `quiz`,
//! `spoilers`: booleans; `level`: `full` or `intro`). Anything else is logged and ignored. Steps
//! are numbered as the page shows them, from 1, as in links.

use serde::{Deserialize, Serialize};
use tlslab_core::timeline::Outcome;
use wasm_bindgen::JsValue;

pub const VERSION: u32 = 1;
pub const SOURCE: &str = "tlslab";

/// What the app tells its host.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Announcement {
    Ready {
        scenario: String,
        steps: usize,
    },
    Step {
        step: usize,
        /// The beat within the step, from 1, and how many it has.
        beat: usize,
        beats: usize,
        title: String,
        chapter: u8,
    },
    End {
        outcome: String,
        alert: Option<String>,
        sender: Option<String>,
    },
    Answer {
        question: String,
        /// The step the question came before, from 1.
        step: usize,
        /// The choice made, from 1 as on screen.
        choice: usize,
        correct: bool,
    },
}

impl Announcement {
    /// `end`: how the run ended, with the alert and who sent it, if any.
    pub fn end(outcome: &Outcome) -> Announcement {
        let (outcome, alert, sender) = match outcome {
            Outcome::Success => ("success", None, None),
            Outcome::Alert {
                description,
                sender,
                ..
            } => (
                "alert",
                Some(description.clone()),
                Some(crate::view::actor_name(*sender).to_string()),
            ),
            Outcome::Stalled => ("stalled", None, None),
        };
        Announcement::End {
            outcome: outcome.into(),
            alert,
            sender,
        }
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    source: &'static str,
    version: u32,
    #[serde(flatten)]
    message: &'a Announcement,
}

/// What a host may ask.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum Command {
    Goto {
        version: u32,
        #[serde(default)]
        step: Option<usize>,
        #[serde(default)]
        chapter: Option<u8>,
    },
    Play {
        version: u32,
    },
    Pause {
        version: u32,
    },
    SetScenario {
        version: u32,
        scenario: String,
    },
    SetProtocol {
        version: u32,
        protocol: String,
    },
    /// Two protocols side by side (`"tls12-rsa,tls13"`), as `compare=` in a link.
    SetCompare {
        version: u32,
        compare: String,
    },
    SetView {
        version: u32,
        #[serde(default)]
        present: Option<bool>,
        #[serde(default)]
        level: Option<String>,
        #[serde(default)]
        quiz: Option<bool>,
        #[serde(default)]
        spoilers: Option<bool>,
    },
}

impl Command {
    fn version(&self) -> u32 {
        match self {
            Command::Goto { version, .. }
            | Command::Play { version }
            | Command::Pause { version }
            | Command::SetScenario { version, .. }
            | Command::SetProtocol { version, .. }
            | Command::SetCompare { version, .. }
            | Command::SetView { version, .. } => *version,
        }
    }

    /// Reads a message from a host; `Err` says why it is ignored.
    pub fn parse(data: JsValue) -> Result<Command, String> {
        let command: Command = serde_wasm_bindgen::from_value(data)
            .map_err(|e| format!("not a tlslab command: {e}"))?;
        if command.version() != VERSION {
            return Err(format!(
                "unsupported version {} (this app speaks {VERSION})",
                command.version()
            ));
        }
        Ok(command)
    }
}

/// Posts to the embedding page, if there is one.
pub fn announce(message: &Announcement) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    if parent == window {
        return;
    }
    let envelope = Envelope {
        source: SOURCE,
        version: VERSION,
        message,
    };
    // Plain objects (not Maps), so hosts read `event.data.type` directly.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    if let Ok(value) = envelope.serialize(&serializer) {
        // The app's state is public (it is in the URL); any host may listen.
        let _ = parent.post_message(&value, "*");
    }
}

/// Says on the console why a host's message did nothing.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&format!("tlslab: {message}").into());
}
