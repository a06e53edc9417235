//! The page's URL: where a run and a step can be linked to (`?seed=N&step=K&suite=NAME`).

use crate::protocol::MAX_SEED;
use web_sys::UrlSearchParams;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub seed: Option<u64>,
    pub step: Option<usize>,
    pub suite: Option<String>,
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
                .filter(|s| tlslab_core::msgs::enums::CipherSuite::from_name(s).is_some()),
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
        if let Some(seed) = self.seed {
            parts.push(format!("seed={seed}"));
        }
        if let Some(step) = self.step {
            parts.push(format!("step={step}"));
        }
        if let Some(suite) = &self.suite {
            parts.push(format!("suite={suite}"));
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
