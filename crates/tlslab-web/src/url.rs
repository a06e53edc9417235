//! The page's URL: where a run and a step can be linked to
//! (`?protocol=ID&scenario=ID&seed=N&step=K&suite=NAME&clock=UNIX&ems=0`), or two protocols
//! side by side (`?compare=ID,ID&scenario=ID&seed=N&step=K`), and how the page looks
//! (`theme=light|dark|auto`, `embed=1`, `autoplay=1`, `speed=0.5|1|2|4`) and presents it to a
//! class (`present=1`, `level=intro`, `quiz=1`, `spoilers=0|1`).

use crate::protocol::{MAX_SEED, Suite, pair_id, pair_on_page, protocol_on_page};
use crate::state::{Classroom, Level, RunParams};
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use web_sys::UrlSearchParams;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Link {
    pub seed: Option<u64>,
    pub step: Option<usize>,
    /// The beat within the step, from 0 (`beat=` counts from 1); none: the step's end state.
    pub beat: Option<usize>,
    /// Absent: RSA key exchange, as every link made before `protocol=` existed.
    pub protocol: Option<Protocol>,
    /// Two protocols side by side, for the same scenario and seed.
    pub compare: Option<[Protocol; 2]>,
    pub suite: Option<Suite>,
    pub scenario: Option<Scenario>,
    /// The client's clock, seconds since the Unix epoch.
    pub clock: Option<u64>,
    /// `Some(false)` when the extended master secret is switched off.
    pub ems: Option<bool>,
    pub theme: Theme,
    /// Compact chrome for an iframe.
    pub embed: bool,
    pub autoplay: bool,
    pub speed: Option<f64>,
    pub classroom: Classroom,
    /// Parameters that were present but not understood (they fall back to defaults).
    pub invalid: Vec<String>,
}

/// The colour theme: the reader's system setting unless a page asks otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Auto,
    Light,
    Dark,
}

/// Playback speeds the player offers.
pub const SPEEDS: [f64; 4] = [0.5, 1.0, 2.0, 4.0];

impl Link {
    /// Parses a query string; values that do not parse are ignored.
    pub fn parse(query: &str) -> Link {
        let Ok(params) = UrlSearchParams::new_with_str(query) else {
            return Link::default();
        };
        const KNOWN: [&str; 17] = [
            "seed", "step", "beat", "protocol", "compare", "suite", "scenario", "clock", "ems",
            "theme", "embed", "autoplay", "speed", "present", "level", "quiz", "spoilers",
        ];
        let mut invalid: Vec<String> = js_sys::try_iter(&params.keys())
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .filter_map(|k| k.ok().and_then(|k| k.as_string()))
            .filter(|k| !KNOWN.contains(&k.as_str()))
            .collect();
        // A parameter that is present but does not parse is reported, then ignored.
        let mut read = |name: &str, ok: &dyn Fn(&str) -> bool| -> Option<String> {
            let value = params.get(name)?;
            if ok(&value) {
                Some(value)
            } else {
                invalid.push(name.to_string());
                None
            }
        };
        let seed = read("seed", &|v| v.parse::<u64>().is_ok_and(|s| s <= MAX_SEED))
            .and_then(|v| v.parse().ok());
        // `step` is the number on screen, from 1; the model counts from 0.
        let step = read("step", &|v| v.parse::<usize>().is_ok_and(|n| n >= 1))
            .and_then(|v| v.parse::<usize>().ok())
            .map(|n| n - 1);
        let beat = read("beat", &|v| v.parse::<usize>().is_ok_and(|n| n >= 1))
            .and_then(|v| v.parse::<usize>().ok())
            .map(|n| n - 1);
        let protocol =
            read("protocol", &|v| protocol_on_page(v).is_some()).and_then(|v| protocol_on_page(&v));
        let compare =
            read("compare", &|v| pair_on_page(v).is_some()).and_then(|v| pair_on_page(&v));
        let runs = match compare {
            Some(pair) => pair.to_vec(),
            None => vec![protocol.unwrap_or_default()],
        };
        // A suite or a scenario of another protocol is reported like one that does not exist
        // (side by side, each protocol runs its own suites).
        let suite = read("suite", &|v| {
            compare.is_none() && Suite::from_name(v).is_some_and(|s| runs.contains(&s.protocol()))
        })
        .and_then(|v| Suite::from_name(&v));
        let scenario = read("scenario", &|v| {
            Scenario::from_id(v).is_some_and(|s| runs.iter().all(|p| s.applies_to(*p)))
        })
        .and_then(|v| Scenario::from_id(&v));
        let clock = read("clock", &|v| v.parse::<u64>().is_ok()).and_then(|v| v.parse().ok());
        let ems = read("ems", &|v| v == "0" || v == "1").map(|v| v == "1");
        let theme = match read("theme", &|v| matches!(v, "light" | "dark" | "auto")).as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::Auto,
        };
        let mut flag = |name: &str| read(name, &|v| v == "0" || v == "1").map(|v| v == "1");
        let embed = flag("embed").unwrap_or(false);
        let autoplay = flag("autoplay").unwrap_or(false);
        let present = flag("present").unwrap_or(false);
        let quiz = flag("quiz").unwrap_or(false);
        // A quiz keeps the ending for the end unless the link says otherwise.
        let spoilers = flag("spoilers").unwrap_or(!quiz);
        let level = read("level", &|v| Level::from_id(v).is_some())
            .and_then(|v| Level::from_id(&v))
            .unwrap_or_default();
        let speed = read("speed", &|v| {
            v.parse::<f64>().is_ok_and(|s| SPEEDS.contains(&s))
        })
        .and_then(|v| v.parse().ok());
        Link {
            seed,
            step,
            beat,
            protocol,
            compare,
            suite,
            scenario,
            clock,
            ems,
            theme,
            embed,
            autoplay,
            speed,
            classroom: Classroom {
                present,
                level,
                quiz,
                spoilers,
            },
            invalid,
        }
    }

    /// The link to step `step` (at `beat`, or whole) of the run `params` describe (no look, no
    /// speed).
    pub fn to_view(params: &RunParams, step: usize, beat: Option<usize>) -> Link {
        Link {
            seed: Some(params.seed),
            step: Some(step),
            beat,
            protocol: Some(params.protocol),
            suite: params.suite,
            scenario: Some(params.scenario),
            clock: params.clock,
            ems: Some(params.ems),
            ..Link::default()
        }
    }

    /// The comparison of `pair` for the run `params` describe: its seed, clock and extended
    /// master secret, and its scenario where that applies to both protocols.
    pub fn comparing(pair: [Protocol; 2], params: &RunParams) -> Link {
        Link {
            compare: Some(pair),
            scenario: Some(params.scenario).filter(|s| pair.iter().all(|p| s.applies_to(*p))),
            seed: Some(params.seed),
            clock: params.clock,
            ems: Some(params.ems),
            ..Link::default()
        }
    }

    pub fn current() -> Link {
        web_sys::window()
            .and_then(|w| w.location().search().ok())
            .map(|q| Link::parse(&q))
            .unwrap_or_default()
    }

    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(pair) = self.compare {
            parts.push(format!("compare={}", pair_id(pair)));
        }
        // RSA key exchange is what a link without protocol= shows.
        if let Some(protocol) = self.protocol.filter(|p| *p != Protocol::Tls12Rsa) {
            parts.push(format!("protocol={}", protocol.id()));
        }
        if let Some(scenario) = self.scenario.filter(|s| *s != Scenario::Happy) {
            parts.push(format!("scenario={}", scenario.id()));
        }
        if let Some(seed) = self.seed {
            parts.push(format!("seed={seed}"));
        }
        if let Some(step) = self.step {
            parts.push(format!("step={}", step + 1));
        }
        if let Some(beat) = self.beat {
            parts.push(format!("beat={}", beat + 1));
        }
        if let Some(suite) = self.suite {
            parts.push(format!("suite={}", suite.name()));
        }
        if let Some(clock) = self.clock {
            parts.push(format!("clock={clock}"));
        }
        if self.ems == Some(false) {
            parts.push("ems=0".into());
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => parts.push("theme=light".into()),
            Theme::Dark => parts.push("theme=dark".into()),
        }
        if self.embed {
            parts.push("embed=1".into());
        }
        if let Some(speed) = self.speed.filter(|s| *s != 1.0) {
            parts.push(format!("speed={speed}"));
        }
        let c = self.classroom;
        if c.present {
            parts.push("present=1".into());
        }
        if c.level != Level::Full {
            parts.push(format!("level={}", c.level.id()));
        }
        if c.quiz {
            parts.push("quiz=1".into());
        }
        // Only what differs from the default for the mode (a quiz hides spoilers).
        if c.spoilers == c.quiz {
            parts.push(format!("spoilers={}", u8::from(c.spoilers)));
        }
        format!("?{}", parts.join("&"))
    }

    /// Makes the address bar follow the view, so a copied link reproduces it.
    pub fn replace_current(&self) {
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&self.query()),
            );
        }
    }
}
