//! The timeline: an ordered record of everything a run did, the contract with the UI.
//!
//! Every value a viewer shows is in here, computed by the protocol code; the UI renders it and
//! computes nothing. Bytes serialize as lowercase hex.

use crate::bytes::Bytes;
use crate::codec::Field;
use crate::crypto::record_cipher::Protection;
use crate::crypto::rsa_kx::PremasterEncryption;
use crate::crypto::suite::KeyBlock;
use crate::pki::CertCheck;
use crate::scenario::{NetworkRole, Scenario};
use serde::{Deserialize, Serialize};

/// Who did something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Client,
    Server,
    /// A passive eavesdropper or an active attacker between the two.
    Network,
}

impl Actor {
    /// The other end of the connection (the network's peer is taken to be the client).
    pub fn peer(self) -> Actor {
        match self {
            Actor::Client => Actor::Server,
            Actor::Server | Actor::Network => Actor::Client,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Event {
    pub actor: Actor,
    /// Index into [`Timeline::steps`] of the step this event belongs to.
    pub step: usize,
    /// Which of `actor`'s messages the event is about, from which `step` is derived.
    #[serde(skip)]
    pub about: Option<About>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The message an event is about. A connection counts its own messages: preparing its `n`th
/// message to send, or processing the `n`th it received. The driver, which knows who is
/// connected to whom, turns both into `Message`: the `n`th message sent by connection
/// `sender`, which is how the sender's and the receiver's halves of a step meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum About {
    Sent(usize),
    Received(usize),
    Message {
        sender: usize,
        n: usize,
    },
    /// The `k`th moment of the story that is not a message (see `EventKind::Episode`).
    Episode(usize),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A message `actor` built, before record protection: its bytes and their field tree.
    MessageSent(Message),
    /// A record leaving `actor`, exactly as it crosses the wire.
    RecordSent(WireRecord),
    /// A record arriving at `actor`, with how it was opened when it was protected.
    RecordReceived(WireRecord),
    /// A message `actor` decoded from what arrived.
    MessageReceived(Message),
    Computation(Computation),
    CertificateCheck(CertCheck),
    /// `actor` sent an alert: fatal ones end the connection (RFC 5246 section 7.2).
    AlertSent(AlertInfo),
    AlertReceived(AlertInfo),
    /// RFC 5246 section 7.4.9: both Finished messages verified.
    HandshakeComplete {
        cipher_suite: String,
        extended_master_secret: bool,
    },
    /// Decrypted application data delivered to `actor`.
    ApplicationData {
        data: Bytes,
        text: String,
    },
    /// `actor` now holds this value (for the network actor: a passive observer read it).
    Learned(Known),
    /// The network changed a message in transit.
    Tampered {
        what: String,
        before: Bytes,
        after: Bytes,
    },
    /// A moment of the story that is not a message, such as a key leaking later.
    Episode {
        title: String,
        text: String,
    },
}

/// A protocol message (handshake, ChangeCipherSpec, alert or application data).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Message {
    /// "ClientHello", "ChangeCipherSpec", "Alert", "ApplicationData", ...
    pub title: String,
    pub content_type: String,
    pub bytes: Bytes,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireRecord {
    pub content_type: String,
    /// The whole record: header and fragment.
    pub bytes: Bytes,
    pub fields: Field,
    /// Present when the record was encrypted and authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protection: Option<Protection>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AlertInfo {
    pub level: String,
    /// The RFC name, e.g. `unknown_ca`.
    pub description: String,
    /// Why it was sent, in words (empty for alerts received).
    pub reason: String,
}

/// A computation with its inputs and outputs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "computation", rename_all = "snake_case")]
pub enum Computation {
    /// A 32-byte hello random (RFC 5246 section 7.4.1.2).
    Random { name: String, value: Bytes },
    /// The server's choice among the client's suites (section 7.4.1.3).
    SuiteSelected {
        cipher_suite: String,
        offered: Vec<String>,
        extended_master_secret: bool,
    },
    /// The client encrypts the premaster with the server's public key (section 7.4.7.1).
    PremasterEncrypted(PremasterEncryption),
    /// The server decrypts it. Whether the padding was valid is deliberately not observable:
    /// on any failure the server goes on with a random premaster (section 7.4.7.1).
    PremasterDecrypted { ciphertext: Bytes, premaster: Bytes },
    /// The transcript hash over the handshake messages so far (sections 7.4.9, RFC 7627 3).
    TranscriptHash {
        purpose: String,
        messages: Vec<String>,
        input: Bytes,
        hash: Bytes,
    },
    /// master_secret = PRF(pre_master_secret, label, seed)[0..47] (section 8.1, RFC 7627 4).
    MasterSecret {
        extended: bool,
        premaster: Bytes,
        label: String,
        seed: Bytes,
        master_secret: Bytes,
    },
    /// key_block = PRF(master_secret, "key expansion", server_random + client_random) (6.3).
    KeyBlock {
        label: String,
        seed: Bytes,
        key_block: Bytes,
        keys: KeyBlock,
    },
    /// verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (7.4.9).
    VerifyData {
        label: String,
        handshake_hash: Bytes,
        verify_data: Bytes,
        /// When checking a received Finished: what the peer sent, and whether it matched.
        #[serde(skip_serializing_if = "Option::is_none")]
        received: Option<Bytes>,
        #[serde(skip_serializing_if = "Option::is_none")]
        matches: Option<bool>,
    },
    /// ChangeCipherSpec switched one direction to the new keys (section 7.1).
    CipherStateChanged {
        direction: String,
        cipher_suite: String,
    },
}

/// One secret (or public value) someone holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Known {
    pub name: String,
    pub value: Bytes,
}

/// Who knows what after a step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Knowledge {
    pub client: Vec<Known>,
    pub server: Vec<Known>,
    /// A passive observer of the wire.
    pub observer: Vec<Known>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    /// Handshake done, request answered, connection closed cleanly.
    Success,
    /// A fatal alert ended it; `step` is the alert's own step.
    Alert {
        sender: Actor,
        description: String,
        reason: String,
        step: usize,
    },
    /// Neither side could make progress (should not happen; reported rather than looped).
    Stalled,
}

/// The six chapters of the simplified story, used as the UI's table of contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chapter {
    ClientHello = 1,
    ServerHello = 2,
    Authentication = 3,
    Premaster = 4,
    ClientFinished = 5,
    ServerFinished = 6,
}

impl Chapter {
    /// Where a message titled `title` falls in the story, from a client or a server.
    fn of(server_side: bool, title: &str) -> Chapter {
        match (server_side, title) {
            (_, "ClientHello") => Chapter::ClientHello,
            (_, "ServerHello") => Chapter::ServerHello,
            (true, "Certificate" | "CertificateRequest" | "ServerHelloDone") => {
                Chapter::Authentication
            }
            (_, "ClientKeyExchange") => Chapter::Premaster,
            (false, "ChangeCipherSpec" | "Finished") => Chapter::ClientFinished,
            (true, "ChangeCipherSpec" | "Finished") => Chapter::ServerFinished,
            _ => Chapter::ClientHello,
        }
    }
}

/// A connection in a run, as `group_steps` needs to know it.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The lane it is drawn in.
    pub lane: Actor,
    /// The connection it talks to.
    pub peer: usize,
    /// Whether it is the server side of its connection.
    pub server_side: bool,
}

/// One message crossing the wire, with everything both sides did about it: the sender's
/// preparation and the receiver's processing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub title: String,
    pub from: Actor,
    pub to: Actor,
    pub chapter: Chapter,
    /// Indices into [`Timeline::events`].
    pub events: Vec<usize>,
    /// Who knows what once this step is done.
    pub knowledge: Knowledge,
}

/// Groups `events` into steps, one per message sent (and one per episode), and stamps each
/// event with its step. Events about no message join the latest step. `events` carry global
/// `About::Message` keys; `endpoints[i]` describes connection `i`.
pub fn group_steps(events: &mut [Event], endpoints: &[Endpoint]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut index_of = std::collections::HashMap::new();
    // Chapters never go backwards within one connection; with a man in the middle there are
    // two handshakes, each telling the story from the start.
    let mut chapter_of_link = std::collections::HashMap::<(usize, usize), Chapter>::new();
    let mut latest_chapter = Chapter::ClientHello;
    for e in events.iter() {
        let (key, title, from, to, chapter) = match (&e.kind, e.about) {
            // A step starts where its message was sent or, in a run recorded by one peer only,
            // where the message first shows up: received.
            (
                EventKind::MessageSent(m) | EventKind::MessageReceived(m),
                Some(About::Message { sender, n }),
            ) if !index_of.contains_key(&About::Message { sender, n }) => {
                let Some(end) = endpoints.get(sender) else {
                    continue;
                };
                let to = endpoints.get(end.peer).map_or(end.lane.peer(), |p| p.lane);
                let link = chapter_of_link
                    .entry((sender.min(end.peer), sender.max(end.peer)))
                    .or_insert(Chapter::ClientHello);
                *link = (*link).max(Chapter::of(end.server_side, &m.title));
                (
                    About::Message { sender, n },
                    m.title.clone(),
                    end.lane,
                    to,
                    *link,
                )
            }
            (EventKind::Episode { title, .. }, Some(about @ About::Episode(_))) => {
                (about, title.clone(), e.actor, e.actor, latest_chapter)
            }
            _ => continue,
        };
        latest_chapter = chapter;
        index_of.insert(key, steps.len());
        steps.push(Step {
            title,
            from,
            to,
            chapter,
            events: Vec::new(),
            knowledge: Knowledge::default(),
        });
    }
    let mut latest = 0;
    for (i, e) in events.iter_mut().enumerate() {
        let step = e
            .about
            .and_then(|k| index_of.get(&k).copied())
            .unwrap_or(latest);
        latest = latest.max(step);
        e.step = step;
        if let Some(s) = steps.get_mut(step) {
            s.events.push(i);
        }
    }
    // Knowledge accumulates in step order: each step starts from what the previous one ended
    // with and adds what was learned during it.
    let mut knowledge = Knowledge::default();
    for s in &mut steps {
        for &i in &s.events {
            if let Some(Event {
                actor,
                kind: EventKind::Learned(k),
                ..
            }) = events.get(i)
            {
                let holder = match actor {
                    Actor::Client => &mut knowledge.client,
                    Actor::Server => &mut knowledge.server,
                    Actor::Network => &mut knowledge.observer,
                };
                match holder.iter_mut().find(|h| h.name == k.name) {
                    Some(h) => h.value = k.value.clone(),
                    None => holder.push(k.clone()),
                }
            }
        }
        s.knowledge = knowledge.clone();
    }
    steps
}

/// The whole run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Timeline {
    /// Version of this JSON shape.
    pub format: u32,
    pub seed: u64,
    /// The client's clock, seconds since the Unix epoch.
    pub now: u64,
    pub server_name: String,
    pub scenario: Scenario,
    /// What sits on the wire in this scenario (drawn as a third lane).
    pub network: NetworkRole,
    pub steps: Vec<Step>,
    pub events: Vec<Event>,
    pub outcome: Outcome,
    /// Present when the run was recorded against a real server rather than simulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recording>,
}

/// A run recorded by `tlslab connect`: only the client's side is known, and the server's
/// messages appear as the client received them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recording {
    /// The server's address as it was given (host:port).
    pub server: String,
}

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

    /// A run that one client recorded against a real server at `server` (host:port).
    /// `events` are the client connection's own, in order.
    pub fn recorded_by_client(
        mut events: Vec<Event>,
        now: u64,
        server_name: &str,
        server: &str,
    ) -> Timeline {
        // Connection 0 is the client, connection 1 the server it talked to.
        for e in &mut events {
            e.actor = Actor::Client;
            e.about = match e.about {
                Some(About::Sent(n)) => Some(About::Message { sender: 0, n }),
                Some(About::Received(n)) => Some(About::Message { sender: 1, n }),
                other => other,
            };
        }
        let endpoints = [
            Endpoint {
                lane: Actor::Client,
                peer: 1,
                server_side: false,
            },
            Endpoint {
                lane: Actor::Server,
                peer: 0,
                server_side: true,
            },
        ];
        let steps = group_steps(&mut events, &endpoints);
        let fatal = events.iter().find_map(|e| match &e.kind {
            EventKind::AlertSent(a) if a.level == "fatal" => Some((Actor::Client, a, e.step)),
            EventKind::AlertReceived(a) if a.level == "fatal" => Some((Actor::Server, a, e.step)),
            _ => None,
        });
        let answered = events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ApplicationData { .. }));
        let outcome = match fatal {
            Some((sender, alert, step)) => Outcome::Alert {
                sender,
                description: alert.description.clone(),
                reason: alert.reason.clone(),
                step,
            },
            None if answered => Outcome::Success,
            None => Outcome::Stalled,
        };
        Timeline {
            format: Timeline::FORMAT,
            seed: 0,
            now,
            server_name: server_name.into(),
            scenario: Scenario::Happy,
            network: NetworkRole::Observer,
            steps,
            events,
            outcome,
            recorded: Some(Recording {
                server: server.into(),
            }),
        }
    }

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
