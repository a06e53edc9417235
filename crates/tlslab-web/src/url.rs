//! The page's URL: where a run and a step can be linked to
//! (`?scenario=ID&seed=N&step=K&suite=NAME&clock=UNIX&ems=0`).

use crate::protocol::MAX_SEED;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::scenario::Scenario;
use web_sys::UrlSearchParams;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub seed: Option<u64>,
    pub step: Option<usize>,
    pub suite: Option<String>,
    pub scenario: Option<Scenario>,
    /// The client's clock, seconds since the Unix epoch.
    pub clock: Option<u64>,
    /// `Some(false)` when the extended master secret is switched off.
    pub ems: Option<bool>,
}

impl Link {
    /// Parses a query string; values that do not parse are ignored.
    pub fn parse(query: &str) -> Link {
        let Ok(params) = UrlSearchParams::new_with_str(query) else {
            return Link::default();
        };
        Link {
            seed: params
                .get("seed")
                .and_then(|s| s.parse().ok())
                .filter(|s| *s <= MAX_SEED),
            step: params.get("step").and_then(|s| s.parse().ok()),
            suite: params
                .get("suite")
                .filter(|s| CipherSuite::from_name(s).is_some()),
            scenario: params.get("scenario").and_then(|s| Scenario::from_id(&s)),
            clock: params.get("clock").and_then(|s| s.parse().ok()),
            ems: params.get("ems").and_then(|s| match s.as_str() {
                "0" => Some(false),
                "1" => Some(true),
                _ => None,
            }),
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
        if let Some(scenario) = self.scenario.filter(|s| *s != Scenario::Happy) {
            parts.push(format!("scenario={}", scenario.id()));
        }
        if let Some(seed) = self.seed {
            parts.push(format!("seed={seed}"));
        }
        if let Some(step) = self.step {
            parts.push(format!("step={step}"));
        }
        if let Some(suite) = &self.suite {
            parts.push(format!("suite={suite}"));
        }
        if let Some(clock) = self.clock {
            parts.push(format!("clock={clock}"));
        }
        if self.ems == Some(false) {
            parts.push("ems=0".into());
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
