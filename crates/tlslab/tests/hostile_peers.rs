//! Hostile peers over loopback against `tlslab serve`: malformed records, messages out of order,
//! forged flights, a stalling peer and a long run of connections sending random bytes. After
//! each, a well-formed client (an in-process `Connection` over a `TcpStream`) must still be
//! served. Each hostile connection's answer is read to the end and its plaintext alert record
//! decoded; the test checks the alert (or the silent close) RFC 5246 prescribes.
//!
//! `TLSLAB_HOSTILE_RANDOM=N` sets how many random-bytes connections to make (default 1000, about
//! 3 s). Figures are printed (see them with `--nocapture`).

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use tlslab_core::Connection;
use tlslab_core::msgs::enums::{AlertDescription, ContentType, HandshakeType};
use tlslab_core::msgs::handshake::TLS12;
use tlslab_core::record::{Alert, Deframer, MAX_CIPHERTEXT};
use tlslab_core::rng::Drbg;

// The flight builders `tlslab-core/tests/hostile.rs` uses in memory.
#[path = "../../tlslab-core/tests/support/flights.rs"]
mod flights;
use flights::{
    ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, HANDSHAKE, VERIFY_DATA_OF_THE_WRONG_LENGTH,
    demo_client_config, demo_premaster, handshake, handshake_messages, record,
};

#[path = "support/procs.rs"]
mod procs;
use procs::{Proc, args, start_server};

const TLSLAB: &str = env!("CARGO_BIN_EXE_tlslab");

/// How long we wait for the server's answer to one hostile connection.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// The idle timeout the server is started with (`serve --idle-timeout`; the default is 10 s).
const SERVER_IDLE_TIMEOUT: Duration = Duration::from_secs(5);

// ---- the server ----

/// `tlslab serve` on a free port, its output captured; killed when dropped.
struct Server {
    process: Proc,
    addr: SocketAddr,
}

impl Server {
    fn start() -> Server {
        let idle = SERVER_IDLE_TIMEOUT.as_secs().to_string();
        let (process, port) = start_server(
            "tlslab serve",
            TLSLAB,
            |port| {
                let listen = format!("127.0.0.1:{port}");
                args(&["serve", "--listen", &listen, "--idle-timeout", &idle])
            },
            |port| format!("serving TLS 1.3 and TLS 1.2 on 127.0.0.1:{port}"),
            // A connection that sends nothing and closes costs the server one short read.
            true,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Server {
            process,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(ANSWER_TIMEOUT)).expect("timeout");
        s.set_write_timeout(Some(ANSWER_TIMEOUT)).expect("timeout");
        s.set_nodelay(true).expect("nodelay");
        s
    }

    /// Panics unless the server process is still running.
    fn assert_alive(&mut self) {
        if let Some(status) = self.process.try_status() {
            panic!("tlslab serve exited: {status}\n{}", self.process.report());
        }
    }
}

// ---- what the server answered ----

#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// A plaintext alert record (level, description), then the close.
    Alert(u8, AlertDescription),
    /// Closed without an alert (other records, if any, before it are ignored).
    Closed,
    /// The connection was reset before any alert arrived.
    Reset,
    /// Nothing within the timeout.
    Silent,
}

impl Answer {
    fn label(&self) -> String {
        match self {
            Answer::Alert(level, d) => format!("alert {d:?} (level {level})"),
            other => format!("{other:?}"),
        }
    }
}

/// Reads until EOF (or reset, or timeout) and returns the first plaintext alert found in the
/// records received, else how the connection ended.
fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    let ending = loop {
        match stream.read(&mut buf) {
            Ok(0) => break Answer::Closed,
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                break Answer::Silent;
            }
            Err(_) => break Answer::Reset,
        }
    };
    let mut deframer = Deframer::default();
    deframer.push(&received);
    while let Ok(Some((rec, _))) = deframer.next_record() {
        if rec.content_type == ContentType::Alert
            && let Ok((alert, _)) = Alert::decode(&rec.fragment)
        {
            return Answer::Alert(rec.fragment[0], alert.description);
        }
    }
    ending
}

/// Sends `bytes`, half-closes (so a server waiting for more sees the end), reads the answer.
fn send_and_read(server: &Server, bytes: &[u8]) -> Answer {
    let mut s = server.connect();
    if s.write_all(bytes).is_err() {
        return read_answer(&mut s);
    }
    let _ = s.shutdown(Shutdown::Write);
    read_answer(&mut s)
}

fn fatal(d: AlertDescription) -> Answer {
    Answer::Alert(2, d)
}

// ---- a well-formed client ----

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A full handshake and HTTP exchange; the response body must be the server's greeting.
fn good_client(server: &Server, seed: u64) -> Result<(), String> {
    let mut s = server.connect();
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .map_err(|e| e.to_string())?;
    let mut client = Connection::client(demo_client_config(now()), Box::new(Drbg::from_u64(seed)));
    let mut sent = false;
    let mut response = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        response.extend(client.take_app_data());
        // After the server's close_notify our reply is moot: the server has already gone.
        if client.is_closed() {
            break;
        }
        let out = client.take_output();
        if !out.is_empty() {
            s.write_all(&out).map_err(|e| format!("write: {e}"))?;
        }
        if client.is_connected() && !sent {
            client
                .send_application_data(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
                .map_err(|e| e.to_string())?;
            sent = true;
            continue;
        }
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => client.receive(&buf[..n]),
            Err(e) => return Err(format!("read: {e}")),
        }
    }
    let text = String::from_utf8_lossy(&response);
    if sent && text.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(format!("no 200 response (sent request: {sent}): {text:?}"))
    }
}

fn assert_served(server: &mut Server, seed: u64, after: &str) {
    server.assert_alive();
    if let Err(e) = good_client(server, seed) {
        panic!(
            "a good client was not served after {after}: {e}\n{}",
            server.process.report()
        );
    }
}

// ---- building flights ----

/// A real ClientHello record (from an in-process client).
fn real_client_hello(seed: u64) -> Vec<u8> {
    let mut c = Connection::client(demo_client_config(now()), Box::new(Drbg::from_u64(seed)));
    c.take_output()
}

/// Sends a real ClientHello and reads the server's first flight up to ServerHelloDone.
fn hello_exchange(s: &mut TcpStream, ch_record: &[u8]) -> Vec<Vec<u8>> {
    s.write_all(ch_record).expect("send ClientHello");
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let msgs = handshake_messages(&got);
        if msgs
            .last()
            .is_some_and(|m| m[0] == HandshakeType::ServerHelloDone.to_wire())
        {
            return msgs;
        }
        let n = s.read(&mut buf).expect("server's first flight");
        assert!(n > 0, "server closed before ServerHelloDone");
        got.extend_from_slice(&buf[..n]);
    }
}

/// The client's second flight built by hand after `ch_record` and the server's first flight,
/// as a real client would (our own premaster, encrypted to the demo leaf key), with the
/// verify_data `tamper_verify_data` makes of the right one.
fn forged_second_flight(
    ch_record: &[u8],
    server_msgs: &[Vec<u8>],
    tamper_verify_data: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    flights::forge_client_flight(
        &ch_record[5..],
        server_msgs,
        &demo_premaster(TLS12),
        tamper_verify_data,
    )
}

// ---- the tests ----

/// What to send after the server's first flight, built from the ClientHello record sent and
/// the server's handshake messages.
type SecondFlight = Box<dyn Fn(&[u8], &[Vec<u8>]) -> Vec<u8>>;

/// Tallies answers by label.
#[derive(Default)]
struct Tally(BTreeMap<String, usize>);

impl Tally {
    fn add(&mut self, a: &Answer) {
        *self.0.entry(a.label()).or_default() += 1;
    }
}

#[test]
fn malformed_and_out_of_order_input_gets_the_right_alert_and_the_server_keeps_serving() {
    let mut server = Server::start();
    let ch = real_client_hello(1);
    let ch_msg = &ch[5..];
    let ccs = record(CHANGE_CIPHER_SPEC, &[1]);
    let mut tally = Tally::default();
    let mut served = 0;
    let mut cases = 0;

    // (name, bytes sent in one go, expected answer)
    let one_shot: Vec<(&str, Vec<u8>, Answer)> = vec![
        // A record header announcing more than is ever sent, then the end of the stream.
        (
            "truncated record header",
            vec![HANDSHAKE, 3, 3],
            Answer::Closed,
        ),
        (
            "truncated record",
            ch[..ch.len() - 10].to_vec(),
            Answer::Closed,
        ),
        (
            "ClientHello cut short inside its body (lengths consistent)",
            record(
                HANDSHAKE,
                &handshake(HandshakeType::ClientHello, &ch_msg[4..40]),
            ),
            fatal(AlertDescription::DecodeError),
        ),
        (
            "oversized record (2^14 + 2048 + 1)",
            {
                let mut r = vec![HANDSHAKE, 3, 3];
                r.extend_from_slice(&(MAX_CIPHERTEXT as u16 + 1).to_be_bytes());
                r.extend_from_slice(&[0; 64]);
                r
            },
            fatal(AlertDescription::RecordOverflow),
        ),
        (
            "oversized record (length 0xffff)",
            vec![HANDSHAKE, 3, 3, 0xff, 0xff, 1, 0, 0],
            fatal(AlertDescription::RecordOverflow),
        ),
        (
            "unknown content type 99",
            record(99, ch_msg),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "application data before the handshake",
            record(APPLICATION_DATA, b"GET / HTTP/1.1\r\n\r\n"),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "ChangeCipherSpec before the ClientHello",
            ccs.clone(),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "record version 2.0",
            [vec![HANDSHAKE, 2, 0], ch[3..].to_vec()].concat(),
            fatal(AlertDescription::ProtocolVersion),
        ),
        (
            "Finished as the first message",
            record(HANDSHAKE, &handshake(HandshakeType::Finished, &[0; 12])),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "ClientKeyExchange as the first message",
            record(
                HANDSHAKE,
                &handshake(HandshakeType::ClientKeyExchange, &[0, 2, 1, 2]),
            ),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "handshake message interrupted by ChangeCipherSpec",
            [record(HANDSHAKE, &ch_msg[..20]), ccs.clone()].concat(),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "handshake message interrupted by a warning alert (user_canceled)",
            [record(HANDSHAKE, &ch_msg[..20]), record(ALERT, &[1, 90])].concat(),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "handshake message interrupted by a fatal alert (handshake_failure)",
            [record(HANDSHAKE, &ch_msg[..20]), record(ALERT, &[2, 40])].concat(),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "alert record of three bytes",
            record(ALERT, &[2, 40, 0]),
            fatal(AlertDescription::DecodeError),
        ),
    ];
    for (i, (name, bytes, expected)) in one_shot.into_iter().enumerate() {
        let got = send_and_read(&server, &bytes);
        tally.add(&got);
        cases += 1;
        assert_eq!(got, expected, "{name}");
        assert_served(&mut server, 100 + i as u64, name);
        served += 1;
    }

    // After a real ClientHello and the server's first flight.
    let mut after_hello: Vec<(String, SecondFlight, Answer)> = vec![
        (
            "a second ClientHello".into(),
            Box::new(|_, _| real_client_hello(2)),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "ChangeCipherSpec before the ClientKeyExchange".into(),
            Box::new(|_, _| record(CHANGE_CIPHER_SPEC, &[1])),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "Finished before the ClientKeyExchange".into(),
            Box::new(|_, _| record(HANDSHAKE, &handshake(HandshakeType::Finished, &[0; 12]))),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "the server's own ServerHello sent back".into(),
            Box::new(|_, msgs| record(HANDSHAKE, &msgs[0])),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "application data before the handshake is done".into(),
            Box::new(|_, _| record(APPLICATION_DATA, b"hello")),
            fatal(AlertDescription::UnexpectedMessage),
        ),
        (
            "Finished with wrong verify_data".into(),
            Box::new(|ch, msgs| {
                forged_second_flight(ch, msgs, |mut v| {
                    v[0] ^= 1;
                    v
                })
            }),
            fatal(AlertDescription::DecryptError),
        ),
        (
            "the forged flight is accepted (control)".into(),
            Box::new(|ch, msgs| forged_second_flight(ch, msgs, |v| v)),
            // The server answers with its ChangeCipherSpec and Finished, then waits for a
            // request: our half-close ends it without an alert.
            Answer::Closed,
        ),
    ];
    for (what, tamper) in VERIFY_DATA_OF_THE_WRONG_LENGTH {
        after_hello.push((
            format!("Finished {what}"),
            Box::new(move |ch, msgs| forged_second_flight(ch, msgs, tamper)),
            fatal(AlertDescription::DecodeError),
        ));
    }
    for (i, (name, second, expected)) in after_hello.into_iter().enumerate() {
        let mut s = server.connect();
        let msgs = hello_exchange(&mut s, &ch);
        let _ = s.write_all(&second(&ch, &msgs));
        let _ = s.shutdown(Shutdown::Write);
        let got = read_answer(&mut s);
        tally.add(&got);
        cases += 1;
        assert_eq!(got, expected, "{name}");
        assert_served(&mut server, 200 + i as u64, &name);
        served += 1;
    }
    println!(
        "hostile cases: {cases}; answers: {:#?}; good clients served between them: {served}",
        tally.0
    );
}

#[test]
fn a_stalling_peer_is_timed_out_and_the_server_then_serves_others() {
    let mut server = Server::start();
    // Half a ClientHello, then silence.
    let ch = real_client_hello(1);
    let mut s = server.connect();
    s.set_read_timeout(Some(SERVER_IDLE_TIMEOUT + Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(&ch[..ch.len() / 2]).expect("send");
    let started = Instant::now();
    let got = read_answer(&mut s);
    let waited = started.elapsed();
    assert_eq!(got, Answer::Closed, "the server frees a stalled connection");
    assert!(
        waited >= SERVER_IDLE_TIMEOUT - Duration::from_secs(1)
            && waited < SERVER_IDLE_TIMEOUT + Duration::from_secs(5),
        "closed after {waited:?}"
    );
    assert_served(&mut server, 300, "a stalled peer");
    println!("stalled peer: closed after {waited:?}; a good client was served next");
}

#[test]
fn a_stalling_peer_holds_one_connection_not_the_server() {
    let mut server = Server::start();
    let ch = real_client_hello(2);
    let mut stalled = server.connect();
    stalled.write_all(&ch[..ch.len() / 2]).expect("send");
    // While the stalled connection waits for its idle timeout, others are served at once.
    let started = Instant::now();
    for seed in 400..403 {
        assert_served(&mut server, seed, "a peer that stalls alongside");
    }
    let served_in = started.elapsed();
    assert!(
        served_in < SERVER_IDLE_TIMEOUT,
        "three clients took {served_in:?}, as if they waited for the stalled one"
    );
    stalled
        .set_read_timeout(Some(SERVER_IDLE_TIMEOUT + Duration::from_secs(10)))
        .expect("timeout");
    assert_eq!(read_answer(&mut stalled), Answer::Closed);
    println!("three good clients served in {served_in:?} while a peer stalled");
}

#[test]
fn many_connections_of_random_bytes_then_good_clients_are_still_served() {
    let n: usize = std::env::var("TLSLAB_HOSTILE_RANDOM")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut server = Server::start();
    let mut rng = Drbg::from_u64(2026);
    let mut tally = Tally::default();
    let mut served = 0;
    let ch = real_client_hello(1);
    for i in 0..n {
        // Random bytes; one in four starts like a TLS handshake record, one in four is a real
        // ClientHello with random bytes changed, so some get past the first checks.
        let len = 1 + usize::from(u16::from_be_bytes(rng.bytes(2).try_into().unwrap())) % 2048;
        let mut bytes = rng.bytes(len);
        match i % 4 {
            1 => bytes.splice(0..0, [HANDSHAKE, 3, 3]).for_each(drop),
            2 => {
                let mut c = ch.clone();
                for _ in 0..1 + len % 4 {
                    let at = usize::from(rng.bytes(1)[0]) % c.len();
                    c[at] = rng.bytes(1)[0];
                }
                bytes = c;
            }
            _ => {}
        }
        let got = send_and_read(&server, &bytes);
        // A fatal alert then the close, or the close alone (bytes that never form a complete
        // record, or a changed ClientHello that is still valid), or close_notify answered; a
        // reset is a close whose alert the kernel dropped (counted apart).
        assert!(
            matches!(
                got,
                Answer::Alert(2, _)
                    | Answer::Alert(1, AlertDescription::CloseNotify)
                    | Answer::Closed
                    | Answer::Reset
            ),
            "connection {i}: {got:?} for {bytes:02x?}"
        );
        tally.add(&got);
        if i % 50 == 49 {
            assert_served(&mut server, 1000 + i as u64, "random bytes");
            served += 1;
        }
    }
    assert_served(&mut server, 999, "random bytes");
    served += 1;
    println!(
        "random-bytes connections: {n}; answers: {:#?}; good clients served between them: {served}",
        tally.0
    );
}
