//! The core over TCP: `pki`, `serve` and `connect`.
//!
//! The core is sans-IO; this module is the IO: it moves bytes between a socket and a peer,
//! with timeouts so a stalled peer cannot hold a connection forever.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tlslab_core::Connection;
use tlslab_core::driver::{Protocol, demo_pki};
use tlslab_core::http;
use tlslab_core::msgs::enums::CipherSuite;
use tlslab_core::msgs::handshake::KeyExchange;
use tlslab_core::pki::pem;
use tlslab_core::rng::Drbg;
use tlslab_core::timeline::{ConnectionEvent, EventKind, Timeline};
use tlslab_core::tls12::ClientConfig;
use tlslab_core::tls12::ServerConfig;

/// How long a peer may stay silent before we give up on it (`serve --idle-timeout`).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole connection may take: a client trickling one byte before each idle timeout
/// would otherwise hold its connection slot forever.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(30);
/// Smallest RSA key accepted from files given on the command line.
const MIN_KEY_BITS: usize = 1024;

pub fn write_pki(out: &Path) -> Result<(), String> {
    let pki = demo_pki().map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(
        "ca.pem",
        &pem::cert_to_pem(pki.root_cert()).map_err(|e| e.to_string())?,
    )?;
    write(
        "chain.pem",
        &pem::certs_to_pem(&pki.chain()).map_err(|e| e.to_string())?,
    )?;
    write(
        "leaf.key",
        &pem::private_key_to_pem(pki.leaf_key()).map_err(|e| e.to_string())?,
    )?;
    eprintln!("wrote ca.pem, chain.pem and leaf.key to {}", out.display());
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The end of a connection as the user sees it.
#[derive(Default)]
struct Ending {
    /// A fatal alert we sent or received, with its reason.
    alert: Option<String>,
    /// Every event, when a timeline is to be written.
    events: Option<Vec<ConnectionEvent>>,
}

/// Flushes the peer's output, then reads once and feeds the peer. Returns false at EOF.
fn pump(
    stream: &mut TcpStream,
    peer: &mut Connection,
    ending: &mut Ending,
) -> Result<bool, String> {
    flush(stream, peer, ending)?;
    if peer.is_closed() {
        return Ok(false);
    }
    let mut buf = [0u8; 16 * 1024];
    match stream.read(&mut buf) {
        Ok(0) => Ok(false),
        Ok(n) => {
            peer.receive(&buf[..n]);
            flush(stream, peer, ending)?;
            Ok(true)
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            Err("peer went silent: timed out".into())
        }
        Err(e) => Err(format!("read: {e}")),
    }
}

fn flush(stream: &mut TcpStream, peer: &mut Connection, ending: &mut Ending) -> Result<(), String> {
    while let Some(e) = peer.poll_event() {
        match &e.kind {
            EventKind::AlertSent(a) if a.is_fatal() => {
                ending.alert = Some(format!("sent alert {}: {}", a.description, a.reason));
            }
            EventKind::AlertReceived(a) if a.is_fatal() => {
                ending.alert = Some(format!("received alert {} from the peer", a.description));
            }
            _ => {}
        }
        if let Some(events) = &mut ending.events {
            events.push(e);
        }
    }
    let out = peer.take_output();
    if !out.is_empty() {
        // A peer that hung up after its alert may already be gone; what we sent is moot then.
        if let Err(e) = stream.write_all(&out)
            && ending.alert.is_none()
        {
            return Err(format!("write: {e}"));
        }
    }
    Ok(())
}

fn rng() -> Result<Box<Drbg>, String> {
    Ok(Box::new(Drbg::from_seed(&crate::os_seed()?)))
}

/// How `serve` shares itself between clients.
pub struct ServeLimits {
    pub idle_timeout: Duration,
    /// Connections served at once; a slow client holds one of them, not the server.
    pub max_connections: usize,
}

pub fn serve(
    listen: &str,
    files: Option<(PathBuf, PathBuf)>,
    suites: Option<Vec<CipherSuite>>,
    once: bool,
    limits: ServeLimits,
) -> Result<(), String> {
    let (chain, key) = match files {
        Some((cert, key)) => (
            pem::certs_from_pem(&read(&cert)?).map_err(|e| format!("{}: {e}", cert.display()))?,
            pem::private_key_from_pem(&read(&key)?, MIN_KEY_BITS)
                .map_err(|e| format!("{}: {e}", key.display()))?,
        ),
        None => {
            let pki = demo_pki().map_err(|e| e.to_string())?;
            (pki.chain(), pki.leaf_key().clone())
        }
    };
    let mut config = ServerConfig::new(chain, Arc::new(key));
    // Both versions unless told otherwise, as servers today: TLS 1.3's suites, then TLS 1.2's.
    config.cipher_suites = suites.unwrap_or_else(|| Protocol::Tls13.server_suites());
    let listener = TcpListener::bind(listen).map_err(|e| format!("bind {listen}: {e}"))?;
    let version = match tlslab_core::tls13::split_suites(&config.cipher_suites) {
        (tls13, _) if tls13.is_empty() => "TLS 1.2",
        (_, tls12) if tls12.is_empty() => "TLS 1.3",
        _ => "TLS 1.3 and TLS 1.2",
    };
    eprintln!("tlslab: serving {version} on {listen}");
    let idle = limits.idle_timeout;
    if once {
        let (stream, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
        return serve_one(stream, config, idle);
    }
    let slots = Slots::new(limits.max_connections);
    loop {
        // A slot first, then a client: while all are busy, new clients wait in the kernel's
        // accept queue rather than in an accepted connection nobody reads.
        let slot = slots.take();
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("tlslab: accept: {e}");
                continue;
            }
        };
        let config = config.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("serve {peer}"))
            .spawn(move || {
                let _slot = slot;
                match serve_one(stream, config, idle) {
                    Ok(()) => eprintln!("tlslab: {peer}: done"),
                    Err(e) => eprintln!("tlslab: {peer}: failed: {e}"),
                }
            });
        // Without a thread the connection (and its slot) is dropped: the client sees a close.
        if let Err(e) = spawned {
            eprintln!("tlslab: {peer}: no thread to serve it: {e}");
        }
    }
}

/// A counting semaphore over connection slots.
struct Slots {
    busy: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

/// One taken slot, given back when dropped (when its connection's thread ends, however).
struct Slot(Arc<Slots>);

impl Slots {
    fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            busy: Mutex::new(0),
            freed: Condvar::new(),
            max: max.max(1),
        })
    }

    fn take(self: &Arc<Self>) -> Slot {
        // A poisoned lock only means a thread panicked while counting; the count is still good.
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        while *busy >= self.max {
            busy = self.freed.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy += 1;
        Slot(Arc::clone(self))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut busy = self.0.busy.lock().unwrap_or_else(|e| e.into_inner());
        *busy -= 1;
        self.0.freed.notify_one();
    }
}

fn serve_one(mut stream: TcpStream, config: ServerConfig, idle: Duration) -> Result<(), String> {
    stream
        .set_read_timeout(Some(idle))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(idle))
        .map_err(|e| e.to_string())?;
    let mut server = Connection::server(config, rng()?);
    let mut ending = Ending::default();
    let mut request = Vec::new();
    let mut answered = false;
    let started = std::time::Instant::now();
    while pump(&mut stream, &mut server, &mut ending)? {
        if started.elapsed() > CONNECTION_DEADLINE {
            return Err(format!(
                "the client took longer than {}s",
                CONNECTION_DEADLINE.as_secs()
            ));
        }
        request.extend(server.take_app_data());
        if !answered && http::request_complete(&request) {
            if server.is_closed() {
                // RFC 5246 section 7.2.1: after the peer's close_notify, pending writes are
                // discarded; the client half-closed before it could read an answer.
                return Err("the client sent close_notify right after its request".into());
            }
            answered = true;
            server
                .send_application_data(&http::response(http::GREETING))
                .map_err(|e| e.to_string())?;
            server.close();
            flush(&mut stream, &mut server, &mut ending)?;
            break;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Write);
    match ending.alert {
        Some(a) => Err(a),
        None if answered => Ok(()),
        None => Err("the client left before sending a request".into()),
    }
}

pub fn connect(
    address: &str,
    server_name: &str,
    cafile: Option<PathBuf>,
    suites: Option<Vec<CipherSuite>>,
    request: Option<String>,
    extended_master_secret: bool,
    files: crate::trace::Files,
) -> Result<(), String> {
    let anchors = match cafile {
        Some(path) => {
            pem::certs_from_pem(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => demo_pki().map_err(|e| e.to_string())?.trust_anchors(),
    };
    let now = crate::now();
    let mut config = ClientConfig::new(server_name, anchors, now);
    config.offer_extended_master_secret = extended_master_secret;
    // Every RSA key exchange suite by default, so recordings tell the usual story
    // (`--suites` or `--protocol` asks for ECDHE or TLS 1.3).
    config.cipher_suites = suites.unwrap_or_else(|| {
        CipherSuite::SUPPORTED
            .into_iter()
            .filter(|s| tlslab_core::crypto::params(*s).is_some_and(|p| p.kx == KeyExchange::Rsa))
            .collect()
    });
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
    stream
        .set_read_timeout(Some(IDLE_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut client = Connection::client(config, rng()?);
    let mut ending = Ending {
        alert: None,
        events: files.any().then(Vec::new),
    };
    let result = talk(&mut stream, &mut client, &mut ending, server_name, request);
    // The files are written however the connection ended: a failed handshake is worth
    // looking at too.
    if let Some(mut events) = ending.events.take() {
        // Events still queued (say, after a read error) belong in the record.
        while let Some(e) = client.poll_event() {
            events.push(e);
        }
        let written = files.write(&Timeline::recorded_by_client(
            events,
            now,
            server_name,
            address,
        ));
        // Both failures matter; the connection's comes first.
        match (&result, written) {
            (Err(e), Err(w)) => return Err(format!("{e}; also, {w}")),
            (Ok(_), Err(w)) => return Err(w),
            (_, Ok(())) => {}
        }
    }
    let body = result?;
    std::io::stdout()
        .write_all(&body)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The client's conversation: the handshake, the request, the response's body.
fn talk(
    stream: &mut TcpStream,
    client: &mut Connection,
    ending: &mut Ending,
    server_name: &str,
    request: Option<String>,
) -> Result<Vec<u8>, String> {
    let request = request
        .map(|r| r.replace("\\r\\n", "\r\n").into_bytes())
        .unwrap_or_else(|| http::request(server_name, "/"));
    let mut sent = false;
    let mut response = Vec::new();
    loop {
        let open = pump(stream, client, ending)?;
        if client.is_connected() && !sent {
            sent = true;
            client
                .send_application_data(&request)
                .map_err(|e| e.to_string())?;
            flush(stream, client, ending)?;
        }
        response.extend(client.take_app_data());
        if !open {
            break;
        }
    }
    if let Some(a) = ending.alert.take() {
        return Err(a);
    }
    if !sent {
        return Err("the server closed the connection during the handshake".into());
    }
    Ok(http::response_body(&response).unwrap_or(&response).to_vec())
}
