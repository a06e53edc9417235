//! The recorder: the one place events get their actor and their step.
//!
//! A connection counts its own messages ([`MessageRef`]); the recorder knows which connection
//! talks to which, so it names every message globally (the `n`th message connection `sender`
//! sent). That is how the sender's half of a step (preparing the message) meets the receiver's
//! half (processing it). A step is one message crossing the wire, or one episode.

use super::{
    Actor, Chapter, ConnectionEvent, Event, EventKind, Knowledge, MessageRef, Step, Timeline,
};
use std::collections::HashMap;

/// Which message (or moment) an event is about, across the whole run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Message {
        sender: usize,
        n: usize,
    },
    /// The `k`th moment of the story that is not a message (see `EventKind::Episode`).
    Episode(usize),
    /// What a side holds before the run begins: it belongs to the first step.
    Held,
}

/// A connection of the run.
#[derive(Clone, Copy, Debug)]
struct Party {
    /// The lane it is drawn in.
    lane: Actor,
    /// The connection it talks to (`None` until linked).
    peer: Option<usize>,
    /// Whether it is the server side of its connection.
    server_side: bool,
}

/// Collects a run's events in the order they happened; [`Recorder::finish`] groups them into
/// steps.
#[derive(Default)]
pub struct Recorder {
    parties: Vec<Party>,
    entries: Vec<(Key, Actor, EventKind)>,
    episodes: usize,
}

impl Recorder {
    /// A connection drawn in `lane`; returns its number.
    pub fn connection(&mut self, lane: Actor, server_side: bool) -> usize {
        self.parties.push(Party {
            lane,
            peer: None,
            server_side,
        });
        self.parties.len() - 1
    }

    /// Connections `a` and `b` talk to each other.
    pub fn link(&mut self, a: usize, b: usize) {
        for (one, other) in [(a, b), (b, a)] {
            if let Some(p) = self.parties.get_mut(one) {
                p.peer = Some(other);
            }
        }
    }

    /// An event connection `connection` reported, drawn in its lane.
    pub fn record(&mut self, connection: usize, event: ConnectionEvent) {
        let Some(party) = self.parties.get(connection) else {
            return;
        };
        let key = match event.about {
            MessageRef::Sent(n) => Key::Message {
                sender: connection,
                n,
            },
            MessageRef::Received(n) => Key::Message {
                sender: party.peer.unwrap_or(usize::MAX),
                n,
            },
            MessageRef::Held => Key::Held,
        };
        self.entries.push((key, party.lane, event.kind));
    }

    /// Something the network did to, or read from, connection `sender`'s `n`th message.
    pub fn on_wire(&mut self, sender: usize, n: usize, kind: EventKind) {
        self.entries
            .push((Key::Message { sender, n }, Actor::Network, kind));
    }

    /// A moment of the story that is not a message: an `EventKind::Episode` first, then what
    /// `actor` did in it.
    pub fn episode(&mut self, actor: Actor, kinds: impl IntoIterator<Item = EventKind>) {
        let key = Key::Episode(self.episodes);
        self.episodes += 1;
        for kind in kinds {
            self.entries.push((key, actor, kind));
        }
    }

    /// The steps, and the events each stamped with its step.
    pub fn finish(self) -> (Vec<Step>, Vec<Event>) {
        let mut steps: Vec<Step> = Vec::new();
        let mut index_of = HashMap::new();
        // Each connection has its own chapter (see `Chapter::of`); with a man in the middle
        // there are two handshakes, each telling the story from the start.
        let mut chapter_of_link = HashMap::<(usize, usize), Chapter>::new();
        let mut latest_chapter = Chapter::ClientHello;
        for (key, actor, kind) in &self.entries {
            if index_of.contains_key(key) {
                continue;
            }
            let (title, from, to, chapter) = match (kind, *key) {
                // A step starts where its message was sent or, in a run recorded by one peer
                // only, where the message first shows up: received.
                (
                    EventKind::MessageSent(m) | EventKind::MessageReceived(m),
                    Key::Message { sender, .. },
                ) => {
                    let Some(party) = self.parties.get(sender) else {
                        continue;
                    };
                    let peer = party.peer.unwrap_or(usize::MAX);
                    let to = self.parties.get(peer).map_or(party.lane.peer(), |p| p.lane);
                    let link = chapter_of_link
                        .entry((sender.min(peer), sender.max(peer)))
                        .or_insert(Chapter::ClientHello);
                    *link = Chapter::of(party.server_side, &m.title, *link);
                    (m.title.clone(), party.lane, to, *link)
                }
                (EventKind::Episode { title, .. }, Key::Episode(_)) => {
                    (title.clone(), *actor, *actor, latest_chapter)
                }
                _ => continue,
            };
            latest_chapter = chapter;
            index_of.insert(*key, steps.len());
            steps.push(Step {
                title,
                from,
                to,
                chapter,
                events: Vec::new(),
                knowledge: Knowledge::default(),
            });
        }
        // An event whose message never made a step (none in a whole run) joins the latest.
        let mut latest = 0;
        let mut events = Vec::with_capacity(self.entries.len());
        for (i, (key, actor, kind)) in self.entries.into_iter().enumerate() {
            let step = match key {
                Key::Held => 0,
                _ => index_of.get(&key).copied().unwrap_or(latest),
            };
            latest = latest.max(step);
            if let Some(s) = steps.get_mut(step) {
                s.events.push(i);
            }
            events.push(Event { actor, step, kind });
        }
        accumulate_knowledge(&mut steps, &events);
        (steps, events)
    }
}

/// Knowledge accumulates in step order: each step starts from what the previous one ended with
/// and adds what was learned during it. A holder keeps every distinct value: a man in the
/// middle holds two of each (one per connection).
fn accumulate_knowledge(steps: &mut [Step], events: &[Event]) {
    let mut knowledge = Knowledge::default();
    for s in steps {
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
                if !holder.contains(k) {
                    holder.push(k.clone());
                }
            }
        }
        s.knowledge = knowledge.clone();
    }
}

impl Timeline {
    /// A run that one client recorded against a real server at `server` (host:port), from the
    /// client connection's own events, in order.
    pub fn recorded_by_client(
        events: Vec<ConnectionEvent>,
        now: u64,
        server_name: &str,
        server: &str,
    ) -> Timeline {
        let mut recorder = Recorder::default();
        let client = recorder.connection(Actor::Client, false);
        let real_server = recorder.connection(Actor::Server, true);
        recorder.link(client, real_server);
        for e in events {
            recorder.record(client, e);
        }
        let (steps, events) = recorder.finish();
        Timeline {
            format: Timeline::FORMAT,
            seed: 0,
            now,
            server_name: server_name.into(),
            scenario: crate::scenario::Scenario::Happy,
            network: crate::scenario::NetworkRole::Observer,
            outcome: super::Outcome::of(&events, true),
            steps,
            events,
            recorded: Some(super::Recording {
                server: server.into(),
            }),
        }
    }
}
