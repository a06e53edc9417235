//! Two protocols side by side (`compare=tls12-rsa,tls13`): the same scenario, seed and clock run
//! under each, stepped together or separately, and what the two runs show about each other:
//! round trips, messages and bytes, what is encrypted, and what a key stolen later opens.

use crate::state::Shared;
use tlslab_core::driver::Protocol;
use tlslab_core::scenario::Scenario;
use tlslab_core::timeline::{Actor, EventKind, Outcome, RecordKeys, Timeline, ValueName};
use yew::prelude::*;

/// What the two runs share, and the protocol of each side.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareParams {
    pub pair: [Protocol; 2],
    pub scenario: Scenario,
    pub seed: u64,
    /// The client's clock; none: now.
    pub clock: Option<u64>,
    pub ems: bool,
}

impl CompareParams {
    /// The scenarios that apply to both sides.
    pub fn scenarios(pair: [Protocol; 2]) -> impl Iterator<Item = Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(move |s| pair.iter().all(|p| s.applies_to(*p)))
    }

    /// The same with `protocol` on `side`; if it was on the other side, the two swap.
    pub fn with_side(&self, side: usize, protocol: Protocol) -> CompareParams {
        let mut pair = self.pair;
        if pair[1 - side.min(1)] == protocol {
            pair.swap(0, 1);
        }
        pair[side.min(1)] = protocol;
        self.with_pair(pair)
    }

    /// The same, with `pair`; a scenario that does not apply to both becomes the happy path.
    pub fn with_pair(&self, pair: [Protocol; 2]) -> CompareParams {
        let scenario = Some(self.scenario)
            .filter(|s| pair.iter().all(|p| s.applies_to(*p)))
            .unwrap_or_default();
        CompareParams {
            pair,
            scenario,
            ..self.clone()
        }
    }
}

/// A side's run: computing, drawn, or why it could not run.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    Waiting,
    Ready(Shared),
    Failed(String),
}

impl Slot {
    pub fn timeline(&self) -> Option<&Shared> {
        match self {
            Slot::Ready(t) => Some(t),
            _ => None,
        }
    }
}

/// The view's state. Requests carry `generation * 4 + slot` as their id: slots 0 and 1 are the
/// two runs, 2 and 3 the stolen-key runs that answer "what does a key stolen later open".
#[derive(Clone, Debug, PartialEq)]
pub struct CompareModel {
    pub params: CompareParams,
    pub generation: u64,
    pub runs: [Slot; 2],
    /// Each protocol's stolen-key run, for the table's last row.
    pub leaks: [Slot; 2],
    pub steps: [usize; 2],
    pub together: bool,
}

pub enum CompareAction {
    /// New parameters: a new generation of runs.
    Start(CompareParams),
    Loaded {
        id: u64,
        result: Result<Shared, String>,
    },
    /// Go to `step` on `side`, or on both (stepped together).
    Go {
        side: Option<usize>,
        step: usize,
    },
    /// One step forward (`true`) or back, on `side` or both.
    Move {
        side: Option<usize>,
        forward: bool,
    },
    Together(bool),
}

impl CompareModel {
    pub fn new(params: CompareParams, step: usize) -> CompareModel {
        CompareModel {
            params,
            generation: 1,
            runs: [Slot::Waiting, Slot::Waiting],
            leaks: [Slot::Waiting, Slot::Waiting],
            steps: [step, step],
            together: true,
        }
    }

    /// The last step of `side` (0 before its run arrives).
    fn last(&self, side: usize) -> usize {
        self.runs[side]
            .timeline()
            .map_or(0, |t| t.steps.len().saturating_sub(1))
    }

    fn sides(&self, side: Option<usize>) -> Vec<usize> {
        match side {
            Some(s) if !self.together => vec![s.min(1)],
            _ => vec![0, 1],
        }
    }

    /// Whether both runs are drawn.
    pub fn ready(&self) -> bool {
        self.runs.iter().all(|r| r.timeline().is_some())
    }
}

impl Reducible for CompareModel {
    type Action = CompareAction;

    fn reduce(self: std::rc::Rc<Self>, action: CompareAction) -> std::rc::Rc<Self> {
        let mut m = (*self).clone();
        match action {
            CompareAction::Start(params) => {
                m.params = params;
                m.generation += 1;
                m.runs = [Slot::Waiting, Slot::Waiting];
                m.leaks = [Slot::Waiting, Slot::Waiting];
            }
            CompareAction::Loaded { id, result } => {
                if id / 4 != m.generation {
                    return self;
                }
                let slot = (id % 4) as usize;
                match (slot, result) {
                    (0 | 1, Ok(t)) => {
                        m.steps[slot] = m.steps[slot].min(t.steps.len().saturating_sub(1));
                        m.runs[slot] = Slot::Ready(t);
                    }
                    (0 | 1, Err(e)) => m.runs[slot] = Slot::Failed(e),
                    (_, Ok(t)) => m.leaks[slot - 2] = Slot::Ready(t),
                    (_, Err(e)) => m.leaks[slot - 2] = Slot::Failed(e),
                }
            }
            CompareAction::Go { side, step } => {
                for s in m.sides(side) {
                    m.steps[s] = step.min(m.last(s));
                }
            }
            CompareAction::Move { side, forward } => {
                for s in m.sides(side) {
                    m.steps[s] = if forward {
                        (m.steps[s] + 1).min(m.last(s))
                    } else {
                        m.steps[s].saturating_sub(1)
                    };
                }
            }
            CompareAction::Together(together) => {
                m.together = together;
                if together {
                    let step = m.steps[0].max(m.steps[1]);
                    for s in 0..2 {
                        m.steps[s] = step.min(m.last(s));
                    }
                }
            }
        }
        m.into()
    }
}

/// What the comparison table says of one run, every figure read from its timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// Round trips before the client's first application data; none if it sent none.
    pub round_trips: Option<usize>,
    /// Messages that crossed the wire (episodes not counted).
    pub messages: usize,
    /// Bytes of every record sent, headers included.
    pub bytes: usize,
    /// Messages protected under handshake or application keys.
    pub encrypted: usize,
    /// Handshake messages protected (not counting application data and alerts).
    pub encrypted_handshake: usize,
    /// How the server's certificate crossed: in the clear or encrypted (none: not sent).
    pub certificate: Option<RecordKeys>,
    /// "success" or the alert that ended it.
    pub outcome: String,
}

impl Summary {
    pub fn of(t: &Timeline) -> Summary {
        let crossing: Vec<usize> = (0..t.steps.len())
            .filter(|&i| t.steps[i].from != t.steps[i].to)
            .collect();
        let bytes = t
            .events
            .iter()
            .map(|e| match &e.kind {
                EventKind::RecordSent(r) => r.bytes.len(),
                // A run recorded by the client holds only the records it received.
                EventKind::RecordReceived(r)
                    if t.recorded.is_some() && e.actor == Actor::Client =>
                {
                    r.bytes.len()
                }
                _ => 0,
            })
            .sum();
        let protected = |i: &&usize| t.keys_of(**i) != RecordKeys::Clear;
        let handshake = |i: &&usize| {
            !matches!(t.steps[**i].title.as_str(), "ApplicationData" | "Alert")
                && t.alert_in(**i).is_none()
        };
        Summary {
            round_trips: t.round_trips_before_data(),
            messages: crossing.len(),
            bytes,
            encrypted: crossing.iter().filter(protected).count(),
            encrypted_handshake: crossing.iter().filter(protected).filter(handshake).count(),
            certificate: crossing
                .iter()
                .find(|&&i| t.steps[i].title == "Certificate" && t.steps[i].from != Actor::Client)
                .map(|&i| t.keys_of(i)),
            outcome: match &t.outcome {
                Outcome::Success => "success".into(),
                Outcome::Alert {
                    description,
                    sender,
                    ..
                } => format!("{} sends {description}", crate::view::actor_name(*sender)),
                Outcome::Stalled => "stalled".into(),
            },
        }
    }
}

/// Whether the observer of a stolen-key run, holding the leaked key, ends up with the
/// session's master secret: true for RSA key exchange, false for ECDHE and TLS 1.3.
pub fn leak_opens(stolen: &Timeline) -> bool {
    stolen.steps.last().is_some_and(|s| {
        s.knowledge
            .observer
            .iter()
            .any(|k| k.name == ValueName::MasterSecret)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslab_core::driver::{RunConfig, run};

    fn timeline(protocol: Protocol, scenario: Scenario) -> Timeline {
        let mut config = RunConfig::new(5, 1_795_651_200);
        config.protocol = protocol;
        config.scenario = scenario;
        run(&config).expect("the demo PKI loads")
    }

    /// The figures the table shows, for the three handshakes on the happy path.
    #[test]
    fn the_summary_counts_what_crossed_the_wire() {
        let rsa = Summary::of(&timeline(Protocol::Tls12Rsa, Scenario::Happy));
        let tls13 = Summary::of(&timeline(Protocol::Tls13, Scenario::Happy));
        assert_eq!((rsa.round_trips, tls13.round_trips), (Some(2), Some(1)));
        assert_eq!(rsa.certificate, Some(RecordKeys::Clear));
        assert_eq!(tls13.certificate, Some(RecordKeys::Handshake));
        // TLS 1.2 protects only Finished among handshake messages; TLS 1.3 everything after
        // ServerHello but the dummy change_cipher_spec.
        assert_eq!(rsa.encrypted_handshake, 2);
        assert_eq!(tls13.encrypted_handshake, 5);
        assert!(rsa.bytes > 1000 && tls13.bytes > 1000);
        assert_eq!(rsa.outcome, "success");
    }

    /// RSA: the leaked key opens the recording; ECDHE and TLS 1.3: it does not.
    #[test]
    fn only_rsa_key_exchange_falls_to_a_stolen_key() {
        let opens = |p| leak_opens(&timeline(p, Scenario::StolenKey));
        assert!(opens(Protocol::Tls12Rsa));
        assert!(!opens(Protocol::Tls12Ecdhe));
        assert!(!opens(Protocol::Tls13));
    }
}
