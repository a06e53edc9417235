//! What views, exporters and the CLI ask of a timeline, answered once here rather than by
//! matching raw events in each of them.

use crate::crypto::suite;
use crate::driver::Protocol;
use crate::msgs::enums::CipherSuite;
use crate::msgs::handshake::{HandshakePayload, KeyExchange};
use crate::msgs::tls13::has_downgrade_sentinel;

use super::{
    Actor, AlertInfo, Computation, Event, EventKind, Message, Outcome, PremasterEncryption,
    RecordKeys, Timeline, WireRecord,
};

/// The alerts among `events`, with who sent each: an alert sent, or, in a run recorded by one
/// peer (`one_sided`), an alert received, which stands for the peer's.
fn alerts<'a>(
    events: impl Iterator<Item = &'a Event>,
    one_sided: bool,
) -> impl Iterator<Item = (Actor, &'a AlertInfo)> {
    events.filter_map(move |e| match &e.kind {
        EventKind::AlertSent(a) => Some((e.actor, a)),
        EventKind::AlertReceived(a) if one_sided => Some((e.actor.peer(), a)),
        _ => None,
    })
}

impl Outcome {
    /// How a run ended: its first fatal alert; else success if the client received
    /// application data (its request was answered); else it stalled. `one_sided`: the run was
    /// recorded by one peer.
    pub fn of(events: &[Event], one_sided: bool) -> Outcome {
        let fatal = events.iter().find_map(|e| {
            let (sender, alert) = alerts(std::iter::once(e), one_sided).next()?;
            alert.is_fatal().then_some((sender, alert, e.step))
        });
        if let Some((sender, alert, step)) = fatal {
            return Outcome::Alert {
                sender,
                description: alert.description.clone(),
                reason: alert.reason.clone(),
                step,
            };
        }
        let answered = events.iter().any(|e| {
            e.actor == Actor::Client && matches!(e.kind, EventKind::ApplicationData { .. })
        });
        if answered {
            Outcome::Success
        } else {
            Outcome::Stalled
        }
    }
}

/// What crossed the wire in one step.
#[derive(Clone, Debug, Default)]
pub struct Crossing<'a> {
    /// The records: the sender's copies or, in a run recorded by the receiver alone
    /// (`tlslab connect`), the receiver's, which is what crossed the wire all the same.
    pub records: Vec<&'a WireRecord>,
    /// The message they carried, before protection (the sender's copy, else the receiver's).
    pub message: Option<&'a Message>,
}

/// One connection of a run, by the lanes of its ends. A run has one, or two with a man in
/// the middle (client-attacker, attacker-server).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    /// The end that sent ClientHello.
    pub client: Actor,
    pub server: Actor,
}

impl Link {
    /// Whether a step between `from` and `to` crosses this connection.
    pub fn carries(&self, from: Actor, to: Actor) -> bool {
        (from, to) == (self.client, self.server) || (from, to) == (self.server, self.client)
    }
}

impl Timeline {
    /// The connections of the run, in the order their ClientHello crossed the wire.
    pub fn links(&self) -> Vec<Link> {
        let mut links = Vec::new();
        for s in self.steps.iter().filter(|s| s.title == "ClientHello") {
            let link = Link {
                client: s.from,
                server: s.to,
            };
            if !links.contains(&link) {
                links.push(link);
            }
        }
        links
    }

    /// The connection step `step` crosses, if it crosses one.
    pub fn link_of(&self, step: usize) -> Option<Link> {
        let s = self.steps.get(step)?;
        self.links().into_iter().find(|l| l.carries(s.from, s.to))
    }

    /// What `actor` computed on connection `link` up to and including step `step`, in order.
    pub fn computations_on(
        &self,
        step: usize,
        link: Link,
        actor: Actor,
    ) -> impl Iterator<Item = &Computation> {
        self.events_on(step, link)
            .filter_map(move |e| match &e.kind {
                EventKind::Computation(c) if e.actor == actor => Some(c),
                _ => None,
            })
    }

    /// The events on connection `link` up to and including step `step`.
    pub fn events_on(&self, step: usize, link: Link) -> impl Iterator<Item = &Event> {
        self.events_until(step).filter(move |e| {
            self.steps
                .get(e.step)
                .is_some_and(|s| link.carries(s.from, s.to))
        })
    }

    /// The step at which the outcome happens: the fatal alert, or the response reaching the
    /// client, or (stalled) the last step.
    pub fn decisive_step(&self) -> usize {
        let last = self.steps.len().saturating_sub(1);
        match &self.outcome {
            Outcome::Alert { step, .. } => *step,
            Outcome::Success => self
                .events
                .iter()
                .find(|e| {
                    e.actor == Actor::Client && matches!(e.kind, EventKind::ApplicationData { .. })
                })
                .map_or(last, |e| e.step),
            Outcome::Stalled => last,
        }
    }

    /// The events of the steps up to and including `step`.
    pub fn events_until(&self, step: usize) -> impl Iterator<Item = &Event> {
        self.events.iter().filter(move |e| e.step <= step)
    }

    /// What `actor` computed up to and including step `step`, in order.
    pub fn computations_until(
        &self,
        step: usize,
        actor: Actor,
    ) -> impl Iterator<Item = &Computation> {
        self.events_until(step).filter_map(move |e| match &e.kind {
            EventKind::Computation(c) if e.actor == actor => Some(c),
            _ => None,
        })
    }

    /// The cipher suite the run agreed on: the first one a side completed a handshake with, or
    /// a server selected (RFC 5246 section 7.4.1.3), or (in a recording of the client alone) a
    /// ServerHello named.
    pub fn negotiated_suite(&self) -> Option<&str> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::HandshakeComplete { cipher_suite, .. }
            | EventKind::Computation(Computation::SuiteSelected { cipher_suite, .. }) => {
                Some(cipher_suite.as_str())
            }
            EventKind::MessageSent(m) | EventKind::MessageReceived(m)
                if m.title == "ServerHello" =>
            {
                m.fields
                    .iter()
                    .find_map(|f| {
                        if f.name == "cipher_suite" {
                            Some(f)
                        } else {
                            f.find("cipher_suite")
                        }
                    })
                    .and_then(|f| f.value.as_deref())
            }
            _ => None,
        })
    }

    /// Which handshake the run is: the protocol of the suite the server chose, or before a
    /// choice (or without one) what the first ClientHello offers: TLS 1.3 if a TLS 1.3 suite,
    /// else ECDHE if an ECDHE suite, else RSA key exchange. A TLS 1.2 answer with the downgrade
    /// sentinel to a client offering TLS 1.3 is a TLS 1.3 run someone downgraded (RFC 8446
    /// section 4.1.3). Read from the messages, so it holds for recordings and files as much as
    /// for runs made here.
    pub fn protocol(&self) -> Protocol {
        let offered = match self.first_message("ClientHello") {
            Some(HandshakePayload::ClientHello(ch)) => ch.cipher_suites,
            _ => Vec::new(),
        };
        let offers_tls13 = offered.iter().any(|s| CipherSuite::TLS13.contains(s));
        let downgraded = matches!(self.first_message("ServerHello"),
            Some(HandshakePayload::ServerHello(sh)) if has_downgrade_sentinel(&sh.random));
        if offers_tls13 && downgraded {
            return Protocol::Tls13;
        }
        if let Some(chosen) = self
            .negotiated_suite()
            .and_then(CipherSuite::from_name)
            .and_then(Protocol::of_suite)
        {
            return chosen;
        }
        let offers = |kx| {
            offered
                .iter()
                .any(|s| suite::params(*s).is_some_and(|p| p.kx == kx))
        };
        if offers(KeyExchange::KeyShare) {
            Protocol::Tls13
        } else if offers(KeyExchange::Ecdhe) {
            Protocol::Tls12Ecdhe
        } else {
            Protocol::Tls12Rsa
        }
    }

    /// How the run agrees its keys on the wire: by the negotiated suite, or before one is chosen,
    /// by what the client offered ([`Self::protocol`]). A caught downgrade of TLS 1.3 is the
    /// ECDHE of the TLS 1.2 suite the server chose.
    pub fn key_exchange(&self) -> KeyExchange {
        self.negotiated_suite()
            .and_then(CipherSuite::from_name)
            .and_then(suite::params)
            .map_or_else(|| self.protocol().key_exchange(), |p| p.kx)
    }

    /// Whether the run spoke TLS 1.3 (RFC 8446): its suite is TLS 1.3's, or, before one was
    /// chosen, it offered TLS 1.3. (A caught downgrade is a TLS 1.3 run by [`Self::protocol`]
    /// that spoke TLS 1.2 on the wire.)
    pub fn spoke_tls13(&self) -> bool {
        match self.negotiated_suite().and_then(CipherSuite::from_name) {
            Some(suite) => CipherSuite::TLS13.contains(&suite),
            None => self.protocol() == Protocol::Tls13,
        }
    }

    /// Under which keys step `step` crossed the wire: in the clear, or in records protected
    /// under TLS 1.3's handshake traffic keys (from ServerHello to the sender's Finished) or
    /// its application traffic keys (after it), RFC 8446 section 7.3. TLS 1.2 has one set of
    /// write keys, cut from the key block (RFC 5246 section 6.3), for Finished and the data
    /// alike: `Application`.
    pub fn keys_of(&self, step: usize) -> RecordKeys {
        let Some(s) = self.steps.get(step) else {
            return RecordKeys::Clear;
        };
        let protected = self.step_events(step).any(|e| {
            matches!(&e.kind, EventKind::RecordSent(r) | EventKind::RecordReceived(r)
                if r.protection.is_some())
        });
        let finished_before = self.steps[..step]
            .iter()
            .any(|b| b.title == "Finished" && (b.from, b.to) == (s.from, s.to));
        match (protected, self.spoke_tls13() && !finished_before) {
            (false, _) => RecordKeys::Clear,
            (true, true) => RecordKeys::Handshake,
            (true, false) => RecordKeys::Application,
        }
    }

    /// The client's flights, each by its first step: a flight starts when the client sends
    /// after hearing from the other end (with a man in the middle, the attacker).
    pub fn client_flights(&self) -> Vec<usize> {
        let mut flights = Vec::new();
        let mut heard = true;
        for (i, s) in self.steps.iter().enumerate() {
            if s.from == s.to {
                continue;
            }
            if s.from == Actor::Client && heard {
                flights.push(i);
                heard = false;
            } else if s.to == Actor::Client {
                heard = true;
            }
        }
        flights
    }

    /// How many round trips the client waited before it sent its first application data:
    /// one in a full TLS 1.3 handshake, two in TLS 1.2's (RFC 8446 section 2); none when it
    /// sent no data.
    pub fn round_trips_before_data(&self) -> Option<usize> {
        let data = self
            .steps
            .iter()
            .position(|s| s.from == Actor::Client && s.title == "ApplicationData")?;
        Some(
            self.client_flights()
                .iter()
                .filter(|&&f| f <= data)
                .count()
                .saturating_sub(1),
        )
    }

    /// The first handshake message titled `title` that crossed the wire in the clear, decoded.
    fn first_message(&self, title: &str) -> Option<HandshakePayload> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::MessageSent(m) | EventKind::MessageReceived(m) if m.title == title => {
                HandshakePayload::decode(m.bytes.as_ref())
                    .ok()
                    .map(|(msg, _)| msg)
            }
            _ => None,
        })
    }

    /// Every premaster a client encrypted in the run (one per connection that got that far).
    pub fn premaster_encryptions(&self) -> impl Iterator<Item = &PremasterEncryption> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Computation(Computation::PremasterEncrypted(p)) => Some(p),
            _ => None,
        })
    }

    /// The records and the message of step `step`.
    pub fn crossing(&self, step: usize) -> Crossing<'_> {
        let Some(s) = self.steps.get(step) else {
            return Crossing::default();
        };
        let (mut sent, mut received) = (Crossing::default(), Crossing::default());
        for &i in &s.events {
            let Some(e) = self.events.get(i) else {
                continue;
            };
            match &e.kind {
                EventKind::RecordSent(r) if e.actor == s.from => sent.records.push(r),
                EventKind::MessageSent(m) if e.actor == s.from => sent.message = Some(m),
                EventKind::RecordReceived(r) if e.actor == s.to => received.records.push(r),
                EventKind::MessageReceived(m) if e.actor == s.to => received.message = Some(m),
                _ => {}
            }
        }
        Crossing {
            records: if sent.records.is_empty() {
                received.records
            } else {
                sent.records
            },
            message: sent.message.or(received.message),
        }
    }

    /// The alert step `step` carries, with who sent it.
    pub fn alert_in(&self, step: usize) -> Option<(Actor, &AlertInfo)> {
        alerts(self.step_events(step), self.recorded.is_some()).next()
    }

    /// The events of step `step`, in order.
    pub fn step_events(&self, step: usize) -> impl Iterator<Item = &Event> {
        self.steps
            .get(step)
            .into_iter()
            .flat_map(|s| &s.events)
            .filter_map(|&i| self.events.get(i))
    }
}
