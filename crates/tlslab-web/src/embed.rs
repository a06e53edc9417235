//! The postMessage API for host pages that embed the app in an iframe.
//!
//! Messages are objects with `source: "tlslab"`, `version: 1` and a `type`. The app announces
//! `ready` (with the scenario and the number of steps), each `step` change, and `end` when the
//! last step is shown (with the alert, if any), and in a quiz each `answer` (the question's id,
//! the choice from 1, whether it was right). It accepts `goto` (`step` or `chapter`), `play`,
//! `pause`, `setScenario` (`scenario`: an id), `setProtocol` (`protocol`: `tls12-rsa`,
//! `tls12-ecdhe` or `tls13`), `setCompare` (`compare`: two of those, comma-separated) and
//! `setView` (any of `present`, `quiz`,
//! `spoilers`: booleans; `level`: `full` or `intro`). Anything else is logged and ignored. Steps
//! are numbered as the page shows them, from 1, as in links.

use serde::Serialize;
use tlslab_core::timeline::Outcome;
use wasm_bindgen::{JsCast, JsValue};

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
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Goto {
        step: Option<usize>,
        chapter: Option<u8>,
    },
    Play,
    Pause,
    SetScenario {
        scenario: String,
    },
    SetProtocol {
        protocol: String,
    },
    /// Two protocol ids joined by a comma, as in `compare=` links.
    SetCompare {
        compare: String,
    },
    SetView {
        present: Option<bool>,
        level: Option<String>,
        quiz: Option<bool>,
        spoilers: Option<bool>,
    },
}

impl Command {
    /// Reads a host's message: an object with `version` 1, a known `type` and that type's
    /// fields, nothing else. Read field by field rather than by a serde derive, whose tagged-enum
    /// code weighed more than the rest of this module.
    pub fn parse(data: JsValue) -> Result<Command, String> {
        let fields = Fields::of(data).map_err(|e| format!("not a tlslab command: {e}"))?;
        let command = fields
            .command()
            .map_err(|e| format!("not a tlslab command: {e}"))?;
        match fields.whole::<u32>("version") {
            Ok(Some(VERSION)) => Ok(command),
            Ok(Some(other)) => Err(format!(
                "unsupported version {other} (this app speaks {VERSION})"
            )),
            Ok(None) => Err("not a tlslab command: missing field `version`".into()),
            Err(e) => Err(format!("not a tlslab command: {e}")),
        }
    }
}

/// A host's message as an object's fields.
struct Fields {
    data: JsValue,
    keys: Vec<String>,
}

impl Fields {
    fn of(data: JsValue) -> Result<Fields, String> {
        let object = data
            .dyn_ref::<js_sys::Object>()
            .filter(|_| !data.is_function() && !js_sys::Array::is_array(&data))
            .ok_or("expected an object")?;
        let keys = js_sys::Object::keys(object)
            .iter()
            .filter_map(|k| k.as_string())
            .collect();
        Ok(Fields { data, keys })
    }

    fn command(&self) -> Result<Command, String> {
        let kind = self.string("type")?.ok_or("missing field `type`")?;
        let (command, own): (Command, &[&str]) = match kind.as_str() {
            "goto" => (
                Command::Goto {
                    step: self.whole("step")?,
                    chapter: self.whole("chapter")?,
                },
                &["step", "chapter"],
            ),
            "play" => (Command::Play, &[]),
            "pause" => (Command::Pause, &[]),
            "setScenario" => (
                Command::SetScenario {
                    scenario: self.required("scenario")?,
                },
                &["scenario"],
            ),
            "setProtocol" => (
                Command::SetProtocol {
                    protocol: self.required("protocol")?,
                },
                &["protocol"],
            ),
            "setCompare" => (
                Command::SetCompare {
                    compare: self.required("compare")?,
                },
                &["compare"],
            ),
            "setView" => (
                Command::SetView {
                    present: self.boolean("present")?,
                    level: self.string("level")?,
                    quiz: self.boolean("quiz")?,
                    spoilers: self.boolean("spoilers")?,
                },
                &["present", "level", "quiz", "spoilers"],
            ),
            other => return Err(format!("unknown type `{other}`")),
        };
        let unknown = self
            .keys
            .iter()
            .find(|k| !["type", "version"].contains(&k.as_str()) && !own.contains(&k.as_str()));
        match unknown {
            Some(key) => Err(format!("unknown field `{key}` for `{kind}`")),
            None => Ok(command),
        }
    }

    /// A field's value; absent, undefined and null all read as none.
    fn get(&self, key: &str) -> Option<JsValue> {
        js_sys::Reflect::get(&self.data, &key.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|v| v.as_string().ok_or(format!("`{key}` is not a string")))
            .transpose()
    }

    fn required(&self, key: &str) -> Result<String, String> {
        self.string(key)?.ok_or(format!("missing field `{key}`"))
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|v| v.as_bool().ok_or(format!("`{key}` is not true or false")))
            .transpose()
    }

    /// A whole number that fits `T`.
    fn whole<T: TryFrom<u64>>(&self, key: &str) -> Result<Option<T>, String> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        value
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= u32::MAX as f64)
            .and_then(|n| T::try_from(n as u64).ok())
            .map(Some)
            .ok_or(format!("`{key}` is not a whole number in range"))
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
