//! What the fuzz targets share: the demo peers' configuration, a real handshake captured flight
//! by flight with fixed seeds, and the structure-aware mutator that replays those flights to a
//! fresh peer with one of them changed.
//!
//! Peers are deterministic (seeded `Drbg`): a fresh peer created with the same seed as the one
//! captured answers the same flights with the same bytes, so the unchanged flights after the
//! mutated one are exactly what a real peer would have sent. That is how inputs get past the
//! cryptographic checks (Finished, record MACs) and reach the later states: the seeds are real
//! flights, not a test-only crypto provider.

use std::sync::{Arc, OnceLock};

use tlslab_core::Connection;
use tlslab_core::driver::{self, Protocol};

use tlslab_core::rng::Drbg;
use tlslab_core::tls12::ClientConfig;
use tlslab_core::tls12::ServerConfig;

/// 2026-11-26T00:00:00Z: inside the demo certificates' validity.
pub const NOW: u64 = 1_795_651_200;
/// The seed both captured peers (and every victim) draw from.
pub const SEED: u64 = 1;

pub const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
pub const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

pub fn client_config() -> ClientConfig {
    let pki = driver::demo_pki().expect("demo PKI loads");
    ClientConfig::new(driver::SERVER_NAME, pki.trust_anchors(), NOW)
}

/// The demo client offering `protocol`'s suites, as the in-memory runs do (for TLS 1.3, both
/// versions, as browsers).
pub fn client_for(protocol: Protocol) -> Connection {
    let mut config = client_config();
    config.cipher_suites = protocol.suites().to_vec();
    Connection::client(config, Box::new(Drbg::from_u64(SEED).fork("client")))
}

pub fn server_config() -> ServerConfig {
    static CONFIG: OnceLock<ServerConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let pki = driver::demo_pki().expect("demo PKI loads");
            ServerConfig::new(pki.chain(), Arc::new(pki.leaf_key().clone()))
        })
        .clone()
}

pub fn client() -> Connection {
    client_for(Protocol::Tls12Rsa)
}

/// The demo server for `protocol`: TLS 1.2's suites, or TLS 1.3's and TLS 1.2's.
pub fn server_for(protocol: Protocol) -> Connection {
    let mut config = server_config();
    config.cipher_suites = protocol.server_suites();
    Connection::server(config, Box::new(Drbg::from_u64(SEED).fork("server")))
}

pub fn server() -> Connection {
    Connection::server(
        server_config(),
        Box::new(Drbg::from_u64(SEED).fork("server")),
    )
}

/// Drops what a peer wrote and reported, so memory stays bounded over a long run (the
/// connection keeps its events until they are polled).
pub fn drain(conn: &mut Connection) {
    while conn.poll_event().is_some() {}
    let _ = conn.take_output();
    let _ = conn.take_app_data();
}

/// Feeds `bytes` to `conn`, in pieces of `chunk` bytes (0: all at once), draining as it goes.
pub fn feed(conn: &mut Connection, bytes: &[u8], chunk: usize) {
    if chunk == 0 {
        conn.receive(bytes);
        drain(conn);
        return;
    }
    for piece in bytes.chunks(chunk) {
        conn.receive(piece);
        drain(conn);
        if conn.is_closed() {
            return;
        }
    }
}

/// A clean handshake, a request, a response and close_notify: what each side wrote, flight by
/// flight.
pub struct Flights {
    /// ClientHello; ClientKeyExchange + ChangeCipherSpec + Finished; the request;
    /// close_notify.
    pub client: Vec<Vec<u8>>,
    /// ServerHello + Certificate (+ ServerKeyExchange under ECDHE) + ServerHelloDone;
    /// ChangeCipherSpec + Finished; the response + close_notify.
    pub server: Vec<Vec<u8>>,
}

/// The RSA key exchange handshake's flights.
pub fn flights() -> &'static Flights {
    flights_of(Protocol::Tls12Rsa)
}

pub fn flights_of(protocol: Protocol) -> &'static Flights {
    static RSA: OnceLock<Flights> = OnceLock::new();
    static ECDHE: OnceLock<Flights> = OnceLock::new();
    static TLS13: OnceLock<Flights> = OnceLock::new();
    match protocol {
        Protocol::Tls12Rsa => RSA.get_or_init(|| capture(protocol)),
        Protocol::Tls12Ecdhe => ECDHE.get_or_init(|| capture(protocol)),
        Protocol::Tls13 => TLS13.get_or_init(|| capture(protocol)),
    }
}

fn capture(protocol: Protocol) -> Flights {
    let (mut c, mut s) = (client_for(protocol), server_for(protocol));
    let mut f = Flights {
        client: Vec::new(),
        server: Vec::new(),
    };
    let (mut requested, mut answered) = (false, false);
    for _ in 0..16 {
        if c.is_connected() && !requested {
            c.send_application_data(REQUEST).expect("request");
            requested = true;
        }
        let out = c.take_output();
        if !out.is_empty() {
            s.receive(&out);
            f.client.push(out);
        }
        if s.is_connected() && !answered && s.take_app_data() == REQUEST {
            s.send_application_data(RESPONSE).expect("response");
            s.close();
            answered = true;
        }
        let out = s.take_output();
        if out.is_empty() && f.client.len() > 1 && c.take_output().is_empty() {
            break;
        }
        if !out.is_empty() {
            c.receive(&out);
            f.server.push(out);
        }
    }
    assert!(answered, "the captured handshake did not complete");
    assert_eq!(c.take_app_data(), RESPONSE, "the client got the response");
    f
}

/// Structure-aware input for the `flights` target:
///
/// ```text
/// byte 0: bit 0 = victim (0 server: fed the client's flights; 1 client: fed the server's),
///         bits 1-7 = which flight to change (modulo the number of flights)
/// byte 1: bits 0-2 = how (see `mutate`), bits 3-7 = feed in pieces of that many bytes (0: whole)
/// rest:   the mutation's operands
/// ```
///
/// Earlier flights go in unchanged, then the changed one, then the later ones unchanged.
pub fn replay_mutated(data: &[u8]) {
    replay_mutated_in(Protocol::Tls12Rsa, data)
}

/// [`replay_mutated`] on `protocol`'s handshake.
pub fn replay_mutated_in(protocol: Protocol, data: &[u8]) {
    let [selector, how, ref rest @ ..] = *data else {
        return;
    };
    let f = flights_of(protocol);
    let (mut victim, incoming) = if selector & 1 == 0 {
        (server_for(protocol), &f.client)
    } else {
        (client_for(protocol), &f.server)
    };
    let target = usize::from(selector >> 1) % incoming.len();
    let chunk = usize::from(how >> 3);
    for (i, flight) in incoming.iter().enumerate() {
        if i == target {
            feed(&mut victim, &mutate(flight, how & 7, rest), chunk);
        } else {
            feed(&mut victim, flight, chunk);
        }
        if victim.is_closed() {
            break;
        }
    }
}

fn offset(ops: &[u8], len: usize) -> usize {
    match ops {
        [hi, lo, ..] => usize::from(u16::from_be_bytes([*hi, *lo])) % (len + 1),
        _ => 0,
    }
}

/// One flight, changed as `how` says:
///
/// - 0: XOR bytes: operands are (offset u16, value) triples
/// - 1: set bytes: the same triples
/// - 2: cut at an offset (u16), then append the remaining operands
/// - 3: insert the operands after the first two at an offset (u16)
/// - 4, 5: record-aware: in record (operand 0) at fragment offset (operands 1-2), delete
///   (operand 3) bytes and insert the rest; the record's length and, for a plaintext handshake
///   record holding one message, the handshake length are fixed up, so the change reaches the
///   message parsers instead of the deframer
/// - 6, 7: replace the flight with the operands (arbitrary bytes in that state)
pub fn mutate(flight: &[u8], how: u8, ops: &[u8]) -> Vec<u8> {
    let mut m = flight.to_vec();
    match how {
        0 | 1 => {
            for t in ops.chunks_exact(3).take(64) {
                if m.is_empty() {
                    break;
                }
                let at = offset(t, m.len() - 1);
                if how == 0 {
                    m[at] ^= t[2];
                } else {
                    m[at] = t[2];
                }
            }
        }
        2 => {
            m.truncate(offset(ops, m.len()));
            m.extend_from_slice(ops.get(2..).unwrap_or_default());
        }
        3 => {
            let at = offset(ops, m.len());
            let tail = m.split_off(at);
            m.extend_from_slice(ops.get(2..).unwrap_or_default());
            m.extend_from_slice(&tail);
        }
        4 | 5 => return mutate_record(flight, ops),
        _ => return ops.to_vec(),
    }
    m
}

fn mutate_record(flight: &[u8], ops: &[u8]) -> Vec<u8> {
    // Cut the flight into records (header: type, version, u16 length).
    let mut records = Vec::new();
    let mut rest = flight;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let end = (5 + len).min(rest.len());
        records.push(rest[..end].to_vec());
        rest = &rest[end..];
    }
    if records.is_empty() || ops.len() < 4 {
        return flight.to_vec();
    }
    let which = usize::from(ops[0]) % records.len();
    let rec = &mut records[which];
    let mut fragment = rec.split_off(5);
    let old_len = fragment.len();
    let at = offset(&ops[1..], fragment.len());
    let delete = usize::from(ops[3]).min(fragment.len() - at);
    fragment.splice(at..at + delete, ops[4..].iter().copied());
    // A plaintext handshake record holding exactly one message: keep its length consistent.
    if rec[0] == 22 && fragment.len() >= 4 && old_len >= 4 && at >= 4 {
        let body = fragment.len() - 4;
        if body < 1 << 24 {
            fragment[1..4].copy_from_slice(&(body as u32).to_be_bytes()[1..]);
        }
    }
    let len = u16::try_from(fragment.len()).unwrap_or(u16::MAX);
    rec[3..5].copy_from_slice(&len.to_be_bytes());
    rec.extend_from_slice(&fragment);
    records.concat()
}

/// Input for the `validate_chain` target: a chain of DER blobs, each preceded by its u16
/// length; the bytes after the last complete blob form one more certificate.
pub fn split_chain(data: &[u8]) -> Vec<Vec<u8>> {
    let mut chain = Vec::new();
    let mut rest = data;
    while chain.len() < 8 {
        let [hi, lo, ref tail @ ..] = *rest else {
            break;
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        if tail.len() < len {
            break;
        }
        chain.push(tail[..len].to_vec());
        rest = &tail[len..];
    }
    if !rest.is_empty() {
        chain.push(rest.to_vec());
    }
    chain
}

/// The inverse of [`split_chain`], for seeds.
pub fn join_chain(chain: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for cert in chain {
        out.extend_from_slice(&(cert.len() as u16).to_be_bytes());
        out.extend_from_slice(cert);
    }
    out
}
