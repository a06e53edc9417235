//! What crossed each connection of a run, rebuilt from its timeline alone, so that a run
//! imported from a file exports the same way as one computed here.
//!
//! A connection is a pair of lanes that exchanged messages (with a man in the middle there are
//! two). Its TCP client is the lane that sent the first message on it (the ClientHello).

use crate::bytes::Bytes;
use crate::timeline::{Actor, Computation, Event, EventKind, MasterSecretDerivation, Timeline};

/// One connection and the records that crossed it, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub client: Actor,
    pub server: Actor,
    pub segments: Vec<Segment>,
    /// From the ClientHello the client sent (RFC 5246 section 7.4.1.2), when it is in the run.
    pub client_random: Option<Bytes>,
    /// As the client computed it (RFC 5246 section 8.1), when it got that far.
    pub master_secret: Option<Bytes>,
    /// TLS 1.3: the traffic secrets the client derived, by their NSS key log names.
    pub traffic_secrets: Vec<(&'static str, Bytes)>,
}

/// The NSS key log name of a TLS 1.3 secret, by its HKDF-Expand-Label label.
fn key_log_name(label: &str) -> Option<&'static str> {
    Some(match label {
        "c hs traffic" => "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "s hs traffic" => "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "c ap traffic" => "CLIENT_TRAFFIC_SECRET_0",
        "s ap traffic" => "SERVER_TRAFFIC_SECRET_0",
        "exp master" => "EXPORTER_SECRET",
        _ => return None,
    })
}

/// One record (header and fragment) as it crossed the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub from_client: bool,
    pub bytes: Vec<u8>,
    /// Index of the event it came from: segments of all links sort by it.
    pub order: usize,
}

/// Where the ClientHello's random starts: after the handshake header (type, 24-bit length)
/// and `client_version`.
const RANDOM_AT: usize = 4 + 2;

/// Whether two pairs of lanes are the same connection, whichever way round.
pub fn same_pair(x: (Actor, Actor), y: (Actor, Actor)) -> bool {
    x == y || x == (y.1, y.0)
}

impl Link {
    fn between(a: Actor, b: Actor) -> impl Fn(&Link) -> bool {
        move |l: &Link| same_pair((l.client, l.server), (a, b))
    }

    fn has(&self, actor: Actor) -> bool {
        self.client == actor || self.server == actor
    }
}

/// The connection an event belongs to: the two lanes of its step's message. Episodes (a step
/// from a lane to itself) belong to none.
pub fn link_of(t: &Timeline, event: &Event) -> Option<(Actor, Actor)> {
    let step = t.steps.get(event.step)?;
    (step.from != step.to).then_some((step.from, step.to))
}

/// The connections of `t` as (client, server) lanes, in the order their first messages were
/// sent: the sender of a connection's first message (its ClientHello) is its client.
pub fn connections(t: &Timeline) -> Vec<(Actor, Actor)> {
    let mut out: Vec<(Actor, Actor)> = Vec::new();
    for s in &t.steps {
        let known = out.iter().any(|&c| same_pair(c, (s.from, s.to)));
        if s.from != s.to && !known {
            out.push((s.from, s.to));
        }
    }
    out
}

/// The connections of `t`, each with what crossed it.
///
/// Each direction's records are the ones its sender recorded sending, as the network delivered
/// them (an attacker's change applied). A run recorded by one peer only (`tlslab connect`)
/// has no sender's copy of the other direction; the receiver's copy is used then.
pub fn links(t: &Timeline) -> Vec<Link> {
    let mut links: Vec<Link> = connections(t)
        .into_iter()
        .map(|(client, server)| Link {
            client,
            server,
            segments: Vec::new(),
            client_random: None,
            master_secret: None,
            traffic_secrets: Vec::new(),
        })
        .collect();
    // Per link and direction (client to server, server to client): (sent, received) copies.
    let mut candidates: Vec<[(Vec<Segment>, Vec<Segment>); 2]> =
        links.iter().map(|_| Default::default()).collect();
    for (i, e) in t.events.iter().enumerate() {
        let Some((from, to)) = link_of(t, e) else {
            continue;
        };
        let Some(at) = links.iter().position(Link::between(from, to)) else {
            continue;
        };
        let link = &mut links[at];
        if !link.has(e.actor) {
            continue;
        }
        let is_client = e.actor == link.client;
        match &e.kind {
            EventKind::RecordSent(r) => {
                let bytes = delivered(t, e.step, &r.bytes);
                candidates[at][usize::from(!is_client)].0.push(Segment {
                    from_client: is_client,
                    bytes,
                    order: i,
                });
            }
            EventKind::RecordReceived(r) => {
                candidates[at][usize::from(is_client)].1.push(Segment {
                    from_client: !is_client,
                    bytes: r.bytes.0.clone(),
                    order: i,
                });
            }
            EventKind::MessageSent(m) if is_client && m.title == "ClientHello" => {
                link.client_random = m.bytes.0.get(RANDOM_AT..RANDOM_AT + 32).map(Bytes::from);
            }
            EventKind::Computation(Computation::MasterSecret(MasterSecretDerivation {
                master_secret,
                ..
            })) if is_client => {
                link.master_secret = Some(master_secret.clone());
            }
            EventKind::Computation(Computation::HkdfExpandLabel { label, output, .. })
                if is_client =>
            {
                if let Some(name) = key_log_name(label) {
                    link.traffic_secrets.push((name, output.clone()));
                }
            }
            _ => {}
        }
    }
    for (link, directions) in links.iter_mut().zip(candidates) {
        for (sent, received) in directions {
            link.segments
                .extend(if sent.is_empty() { received } else { sent });
        }
        link.segments.sort_by_key(|s| s.order);
    }
    links
}

/// The bytes the network delivered for a record sent in `step`: changed if an attacker changed
/// them in transit (the `Tampered` event of the same step).
fn delivered(t: &Timeline, step: usize, sent: &Bytes) -> Vec<u8> {
    let tampered = t.step_events(step).find_map(|e| match &e.kind {
        EventKind::Tampered { before, after, .. } if before == sent => Some(after),
        _ => None,
    });
    tampered.unwrap_or(sent).0.clone()
}
