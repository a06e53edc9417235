//! The seven chapters of the popular explanation, and what really crosses the wire in each,
//! written from the run's own messages (RFC 5246 unless another RFC is named, and RFC 8446 in
//! [`tls13`]): every sentence is true of the run on screen, whatever its protocol, suite,
//! settings and scenario.

mod tls13;

pub use tls13::NO_PREMASTER;

use crate::view::{certificate::chain_as_sent, lane_title};
use tlslab_core::crypto::suite::{SuiteParams, params_named};
use tlslab_core::driver::Protocol;
use tlslab_core::msgs::handshake::KeyExchange;
use tlslab_core::timeline::{
    CertCheck, Chapter, Computation, EventKind, Field, Link, Message, Timeline,
};

pub struct ChapterInfo {
    pub chapter: Chapter,
    pub number: u8,
    pub title: &'static str,
    /// The simplified story, as it is usually told.
    pub simple: &'static str,
}

pub const CHAPTERS: [ChapterInfo; 7] = [
    ChapterInfo {
        chapter: Chapter::ClientHello,
        number: 1,
        title: "Client hello",
        simple: "The client says hello: the TLS versions and cipher suites it supports, and a random number.",
    },
    ChapterInfo {
        chapter: Chapter::ServerHello,
        number: 2,
        title: "Server hello",
        simple: "The server answers with the cipher suite it picked, its own random number and its certificate.",
    },
    ChapterInfo {
        chapter: Chapter::Authentication,
        number: 3,
        title: "Authentication",
        simple: "The client checks the server's certificate with its issuer.",
    },
    ChapterInfo {
        chapter: Chapter::Premaster,
        number: 4,
        title: "Premaster secret",
        simple: "The client makes a random secret and encrypts it with the server's public key.",
    },
    ChapterInfo {
        chapter: Chapter::ClientFinished,
        number: 5,
        title: "Client switches keys",
        simple: "The client sends Finished, encrypted with the premaster secret.",
    },
    ChapterInfo {
        chapter: Chapter::ServerFinished,
        number: 6,
        title: "Server switches keys",
        simple: "The server sends its Finished, and the handshake is complete.",
    },
    ChapterInfo {
        chapter: Chapter::ApplicationData,
        number: 7,
        title: "Application data",
        simple: "Now everything is encrypted with the session key.",
    },
];

impl ChapterInfo {
    /// The simplified story of this chapter for `protocol`: with ECDHE the usual story of the
    /// premaster is a Diffie-Hellman exchange, not an encrypted secret.
    pub fn simple_for(&self, protocol: Protocol) -> &'static str {
        match (self.chapter, protocol) {
            (Chapter::Premaster, Protocol::Tls12Ecdhe) => {
                "Client and server swap Diffie-Hellman public values; each combines the other's with its own secret and gets the same premaster."
            }
            _ => self.simple,
        }
    }
}

pub fn chapter_info(chapter: Chapter) -> &'static ChapterInfo {
    let index = CHAPTERS
        .iter()
        .position(|s| s.chapter == chapter)
        .unwrap_or(0);
    &CHAPTERS[index]
}

/// What one connection's messages say about the run.
struct Facts<'t> {
    t: &'t Timeline,
    link: Link,
    client_hello: Option<&'t Message>,
    server_hello: Option<&'t Message>,
    checks: Vec<&'t CertCheck>,
    key_block: Option<&'t tlslab_core::timeline::KeyBlock>,
    key_block_len: Option<usize>,
}

/// The first message titled `title` that crossed connection `link`.
fn message<'t>(t: &'t Timeline, link: Link, title: &str) -> Option<&'t Message> {
    t.events.iter().find_map(|e| match &e.kind {
        EventKind::MessageSent(m) | EventKind::MessageReceived(m)
            if m.title == title
                && t.steps
                    .get(e.step)
                    .is_some_and(|s| link.carries(s.from, s.to)) =>
        {
            Some(m)
        }
        _ => None,
    })
}

/// Step `step`'s HTTP request or response in one sentence: sent under `keys`, or passed on by a
/// man in the middle, citing `section`.
fn data_sentence(
    t: &Timeline,
    step: usize,
    (from, to): (&str, &str),
    keys: &str,
    section: &str,
) -> String {
    let Some(s) = t.steps.get(step) else {
        return String::new();
    };
    let to_server = t.link_of(step).is_some_and(|l| s.to == l.server);
    let what = if to_server { "request" } else { "response" };
    if s.from == tlslab_core::timeline::Actor::Network {
        format!(
            "{from} passes on the {what} it decrypted from the other connection, encrypted again for the {to} ({section})."
        )
    } else {
        format!("{from} sends the HTTP {what}, protected with {keys} ({section}).")
    }
}

/// The alert of step `step` in one sentence, citing `sections`: close_notify's, a fatal
/// alert's and any other's (RFC 5246 §7.2.1, §7.2.2, §7.2; RFC 8446 §6.1, §6.2, §6).
fn alert_sentence(t: &Timeline, step: usize, sections: [&str; 3]) -> Option<String> {
    let (sender, a) = t.alert_in(step)?;
    let sender = lane_title(sender, t.network);
    let [close, fatal, other] = sections;
    Some(if a.description == "close_notify" {
        format!(
            "{sender} sends close_notify: it will send nothing more on this connection ({close})."
        )
    } else if a.is_fatal() {
        format!(
            "{sender} sends the fatal alert {}, and the connection ends here ({fatal}).",
            a.description
        )
    } else {
        format!(
            "{sender} sends a {} alert, {} ({other}).",
            a.level, a.description
        )
    })
}

impl<'t> Facts<'t> {
    fn of(t: &'t Timeline, link: Link) -> Self {
        let message = |title: &str| message(t, link, title);
        let last = t.steps.len().saturating_sub(1);
        let checks = t
            .events_on(last, link)
            .filter_map(|e| match &e.kind {
                EventKind::CertificateCheck(c) if e.actor == link.client => Some(c),
                _ => None,
            })
            .collect();
        let (key_block, key_block_len) = t
            .computations_on(last, link, link.client)
            .chain(t.computations_on(last, link, link.server))
            .find_map(|c| match c {
                Computation::KeyBlock {
                    key_block, keys, ..
                } => Some((Some(keys), Some(key_block.len()))),
                _ => None,
            })
            .unwrap_or((None, None));
        Facts {
            t,
            link,
            client_hello: message("ClientHello"),
            server_hello: message("ServerHello"),
            checks,
            key_block,
            key_block_len,
        }
    }

    /// Who sent close_notify on this connection, in order.
    fn closers(&self) -> Vec<String> {
        (0..self.t.steps.len())
            .filter(|&i| {
                self.t
                    .steps
                    .get(i)
                    .is_some_and(|st| self.link.carries(st.from, st.to))
            })
            .filter_map(|i| self.t.alert_in(i))
            .filter(|(_, a)| a.description == "close_notify")
            .map(|(sender, _)| lane_title(sender, self.t.network).to_string())
            .collect()
    }

    fn client(&self) -> String {
        lane_title(self.link.client, self.t.network).to_ascii_lowercase()
    }

    fn server(&self) -> String {
        lane_title(self.link.server, self.t.network).to_ascii_lowercase()
    }

    fn extensions(hello: Option<&Message>) -> Vec<String> {
        hello.map_or_else(Vec::new, |m| values(&m.fields, "extension_type"))
    }

    fn host_name(&self) -> Option<String> {
        self.client_hello
            .and_then(|m| values(&m.fields, "host_name").into_iter().next())
    }

    fn offered_suites(&self) -> Vec<String> {
        self.client_hello
            .map_or_else(Vec::new, |m| values(&m.fields, "cipher_suite"))
    }

    fn suite(&self) -> Option<String> {
        self.server_hello
            .and_then(|m| values(&m.fields, "cipher_suite").into_iter().next())
    }

    fn cbc(&self) -> bool {
        self.suite().is_some_and(|s| s.contains("_CBC_"))
    }

    /// Whether this connection agrees its premaster by ECDHE (RFC 8422): by its suite, or
    /// before one is chosen, by what the client offered.
    fn ecdhe(&self) -> bool {
        self.t.key_exchange() == KeyExchange::Ecdhe
    }

    /// Whether the client checked ServerKeyExchange's signature on this connection, and how
    /// it came out (`None`: it never got that far).
    fn share_signature_checked(&self) -> Option<bool> {
        let last = self.t.steps.len().saturating_sub(1);
        self.t
            .computations_on(last, self.link, self.link.client)
            .find_map(|c| match c {
                Computation::KeyExchangeSignature { verified, .. } => *verified,
                _ => None,
            })
    }

    /// The ECDHE exchange on this connection as its ends computed it: the group, the
    /// signature scheme of ServerKeyExchange and the length of each share.
    fn ecdh(&self) -> Option<Ecdh> {
        let last = self.t.steps.len().saturating_sub(1);
        let of = |actor| {
            self.t
                .computations_on(last, self.link, actor)
                .find_map(|c| match c {
                    Computation::EcdhKeyPair { group, public, .. } => {
                        Some((group.clone(), public.len()))
                    }
                    _ => None,
                })
        };
        let server = of(self.link.server);
        let client = of(self.link.client);
        let scheme = [self.link.server, self.link.client]
            .into_iter()
            .flat_map(|a| self.t.computations_on(last, self.link, a))
            .find_map(|c| match c {
                Computation::KeyExchangeSignature { scheme, .. } => Some(scheme.clone()),
                _ => None,
            });
        let (group, server_share) = server.clone().or(client.clone())?;
        Some(Ecdh {
            group,
            scheme,
            server_share: server.map(|(_, n)| n).unwrap_or(server_share),
            client_share: client.map(|(_, n)| n),
        })
    }

    /// What the negotiated suite fixes (its cipher, its PRF's hash).
    fn params(&self) -> Option<&'static SuiteParams> {
        params_named(&self.suite()?)
    }

    /// The name of the PRF's hash, which also hashes the transcript (RFC 5246 §7.4.9).
    fn prf_hash(&self) -> &'static str {
        self.params().map_or("Hash", |p| p.prf.name())
    }

    fn ems_offered(&self) -> bool {
        Self::extensions(self.client_hello)
            .iter()
            .any(|e| e == "extended_master_secret")
    }

    fn ems_agreed(&self) -> bool {
        Self::extensions(self.server_hello)
            .iter()
            .any(|e| e == "extended_master_secret")
    }

    /// How records are protected under the negotiated suite (RFC 5246 section 6.2.3).
    fn protection(&self) -> String {
        match self.suite() {
            Some(s) if s.contains("_CBC_") => {
                let mac = if s.ends_with("_SHA256") {
                    "HMAC-SHA256"
                } else {
                    "HMAC-SHA1"
                };
                format!(
                    "MAC-then-encrypt: an {mac} over the sequence number, header and data, then AES-128-CBC with a fresh explicit IV (§6.2.3.1-2)"
                )
            }
            Some(s) if s.contains("_CHACHA20_") => "ChaCha20-Poly1305, which encrypts and authenticates in one step (§6.2.3.3, RFC 7905)".into(),
            Some(_) => format!(
                "{}, which encrypts and authenticates in one step (§6.2.3.3, RFC 5288)",
                self.params().map_or("AES-GCM", |p| p.bulk.name())
            ),
            None => "the negotiated suite's record protection (§6.2.3)".into(),
        }
    }
}

/// What an ECDHE exchange used, for the sentences about it.
struct Ecdh {
    group: String,
    scheme: Option<String>,
    server_share: usize,
    /// None when the client never made its key pair (the handshake ended before).
    client_share: Option<usize>,
}

/// The values of every field named `name` in a message's field tree, in order.
pub fn values(fields: &[Field], name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for f in fields {
        if f.name == name {
            out.extend(f.value.clone());
        }
        out.extend(values(&f.children, name));
    }
    out
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What really crosses the wire in `chapter` of connection `link`, sentence by sentence.
pub fn wire(t: &Timeline, chapter: Chapter, link: Link) -> Vec<String> {
    if t.spoke_tls13() {
        return tls13::wire(t, chapter, link);
    }
    let f = Facts::of(t, link);
    let (client, server) = (f.client(), f.server());
    match chapter {
        // A client offering TLS 1.3 that a server answered with TLS 1.2.
        Chapter::ClientHello if f.offers_tls13() => tls13::client_hello(&f),
        Chapter::ServerHello if f.offers_tls13() => tls13::tls12_answer(&f),
        Chapter::ClientHello => {
            let suites = f.offered_suites();
            let extensions: Vec<String> = Facts::extensions(f.client_hello)
                .iter()
                .map(|e| match e.as_str() {
                    "server_name" => format!(
                        "server_name with {} (RFC 6066 §3)",
                        f.host_name().unwrap_or_else(|| t.server_name.clone())
                    ),
                    "signature_algorithms" => "signature_algorithms (§7.4.1.4.1)".into(),
                    "renegotiation_info" => "an empty renegotiation_info (RFC 5746 §3.4)".into(),
                    "extended_master_secret" => "extended_master_secret (RFC 7627 §5.1)".into(),
                    "supported_groups" => "supported_groups, the curves it can use for ECDHE (RFC 8422 §5.1.1)".into(),
                    "ec_point_formats" => "ec_point_formats, only uncompressed (RFC 8422 §5.1.2)".into(),
                    other => other.to_string(),
                })
                .collect();
            let mut s = vec![
                format!("ClientHello (RFC 5246 §7.4.1.2) carries client_version 3,3 (TLS 1.2), a 32-byte client_random, an empty session_id, {} offered cipher suite{} ({}), the compression methods (only null) and extensions.", suites.len(), if suites.len() == 1 { "" } else { "s" }, list(&suites)),
                format!("The extensions: {}.", list(&extensions)),
            ];
            if !f.ems_offered() {
                s.push(format!("The {client} does not offer extended_master_secret in this run, so the master secret will depend on the randoms alone, not on the whole handshake (RFC 7627 §1, §4)."));
            }
            s.push("It travels in a handshake record (§6.2.1) in the clear: anyone on the path can read it.".into());
            s.push("Correction: a TLS 1.2 ClientHello does not list versions. client_version is the highest version the client supports, and the server answers with the version to use (§7.4.1.2, Appendix E.1).".into());
            s
        }
        Chapter::ServerHello => {
            let agreed: Vec<String> = Facts::extensions(f.server_hello);
            let mut s = vec![format!(
                "ServerHello (RFC 5246 §7.4.1.3) carries a 32-byte server_random, the one suite the {server} chose from the list it received ({}), and the extensions it agrees to: {}.",
                f.suite().unwrap_or_else(|| "none: no ServerHello was sent".into()),
                if agreed.is_empty() { "none".into() } else { list(&agreed) }
            )];
            if f.ems_offered() && f.server_hello.is_some() && !f.ems_agreed() {
                s.push(format!("The {server} does not agree to extended_master_secret, so this session uses the original master secret (RFC 7627 §5.2)."));
            }
            s.push("Correction: the certificate is not part of ServerHello. It follows in a Certificate message of its own, and ServerHelloDone ends the server's flight.".into());
            s
        }
        Chapter::Authentication => {
            let chain = chain_as_sent(&f.checks);
            let subjects: Vec<String> = chain.iter().map(|(_, s)| s.clone()).collect();
            let carried = match subjects.as_slice() {
                [] => format!("carries the chain, the {server}'s own certificate first."),
                [own] => format!("carries one certificate, the {server}'s own ({own}), with no intermediate CA."),
                [own, rest @ ..] => format!("carries {} certificates: the {server}'s own ({own}) first, then {}, each naming the next as its issuer.", subjects.len(), list(rest)),
            };
            let mut s = vec![
                format!("Certificate (RFC 5246 §7.4.2) {carried} ServerHelloDone (§7.4.5) says the {server} is done."),
                format!("Correction: the {client} validates the chain locally, against the root certificates it already trusts (RFC 5280 §6.1). It does not contact the issuer."),
                format!("Each signature is checked with the issuer's public key (RSASSA-PKCS1-v1_5, RFC 8017 §8.2.2), the validity period against the {client}'s clock, the host name {} against subjectAltName (RFC 6125 §6.4), basicConstraints and keyUsage (RFC 5280 §4.2.1), and the path must end at a trust anchor.", f.host_name().unwrap_or_else(|| t.server_name.clone())),
                format!("RFC 5280 §6.1.3 (a)(3) makes \"not revoked\" part of path validation; the {client} here skips it, having no CRL or OCSP response. Browsers rarely fetch CRLs or OCSP during a handshake: they rely on revocation lists pushed with their updates (Chrome's CRLSets, Firefox's CRLite) or on an OCSP response the server staples (RFC 6066 §8)."),
            ];
            if let Some(e) = f.ecdh() {
                let carried = format!(
                    "Between them, ServerKeyExchange (RFC 8422 §5.4) carries the {server}'s ephemeral {} public share ({} bytes) and a signature{} made with the certificate's private key over client_random + server_random + ServerECDHParams (the curve type, the group and the share).",
                    e.group, e.server_share, e.scheme.map(|s| format!(" ({s})")).unwrap_or_default()
                );
                let checked = match f.share_signature_checked() {
                    Some(true) => format!("The {client} checks it with the certificate's public key: this is how the {server} proves it holds that key, and it ties the share to this handshake, so a share swapped on the path is caught."),
                    Some(false) => format!("The {client} checks it with the certificate's public key and it does not verify over the share that arrived: the share was swapped on the path, and the {client} stops with decrypt_error (RFC 5246 §7.2.2)."),
                    None => format!("The {client} never checks it in this run: it stopped before."),
                };
                s.insert(1, format!("{carried} {checked}"));
            }
            s
        }
        Chapter::Premaster if f.ecdhe() => {
            let e = f.ecdh();
            let group = e.as_ref().map_or("ECDH".into(), |e| e.group.clone());
            let share = e.as_ref().and_then(|e| e.client_share).map(|n| format!(" ({n} bytes)")).unwrap_or_default();
            vec![
                format!("ClientKeyExchange (RFC 8422 §5.7) carries the {client}'s own ephemeral {group} public share{share}, in the clear. No secret crosses the wire in either direction."),
                format!("Each side keeps its private key and combines it with the other's public share: {group}(the {client}'s private key, the {server}'s share) = {group}(the {server}'s private key, the {client}'s share) = the premaster (RFC 8422 §5.10{}). Both get the same value without either ever sending it.", if group == "x25519" { "; RFC 7748 §6.1: 32 bytes for x25519, where RSA key exchange has 48" } else { ": the x-coordinate of the shared point, 32 bytes for secp256r1" }),
                format!("Anyone on the path has both shares and still cannot compute the premaster: that is the elliptic-curve Diffie-Hellman problem. The private keys are new for every handshake and a real endpoint discards them after it (this page keeps them so you can check the arithmetic), so the {server}'s certificate key, which only signed its share, cannot decrypt this session later: forward secrecy."),
            ]
        }
        Chapter::Premaster => vec![
            "ClientKeyExchange (RFC 5246 §7.4.7.1) carries the premaster secret: 48 bytes, client_version (03 03) followed by 46 random bytes.".into(),
            format!("It is padded with PKCS#1 v1.5 (00 02, non-zero random padding, 00, the secret; RFC 8017 §7.2.1) to the size of the modulus and encrypted with the RSA public key from the certificate the {client} received."),
            if t.recorded.is_some() {
                format!("The {server} decrypts it (its side was not recorded). A server following §7.4.7.1 does not say when the padding or the length is wrong: it carries on with a random premaster, so an attacker learns nothing (Bleichenbacher's attack).")
            } else {
                format!("The {server} decrypts it. If the padding or the length is wrong it does not say so: it carries on with a random premaster (§7.4.7.1), so an attacker learns nothing (Bleichenbacher's attack).")
            },
        ],
        Chapter::ClientFinished => {
            let master = if f.ems_agreed() {
                "the extended master secret = PRF(premaster, \"extended master secret\", session_hash) (RFC 7627 §4), session_hash being the hash of the handshake messages up to and including ClientKeyExchange (§3)"
            } else {
                "the master secret = PRF(premaster, \"master secret\", client_random + server_random) (RFC 5246 §8.1); this run did not agree to the extended master secret"
            };
            let block = match (f.key_block, f.key_block_len) {
                (Some(k), Some(n)) if !k.client_write_mac_key.is_empty() && k.client_write_iv.is_empty() => format!("then the key block ({n} bytes), cut into the two MAC keys and the two write keys; no write IVs, since each CBC record carries its own (§6.3)"),
                (Some(k), Some(n)) if !k.client_write_mac_key.is_empty() => format!("then the key block ({n} bytes), cut into the two MAC keys, the two write keys and two write IVs, which a TLS 1.2 CBC record never uses: it carries its own IV (§6.2.3.2), and §6.3 generates write IVs only for implicit nonces"),
                (Some(k), Some(n)) if k.client_write_iv.len() == 12 => format!("then the key block ({n} bytes), cut into the two write keys and the two 12-byte write IVs, each XORed with a record's sequence number to make its nonce (§6.3, RFC 7905 §2)"),
                (Some(k), Some(n)) => format!("then the key block ({n} bytes), cut into the two write keys and the two {}-byte write IVs, the implicit part of the GCM nonce (§6.3, RFC 5288 §3)", k.client_write_iv.len()),
                _ => "then the key block, cut in the order of §6.3".into(),
            };
            vec![
                format!("Both ends derive {master}, {block}."),
                format!("ChangeCipherSpec (§7.1) switches the {client}'s sending side to those keys."),
                format!("Correction: Finished (§7.4.9) is protected with the keys derived from the master secret, not with the premaster secret, using {}. It carries verify_data = PRF(master_secret, \"client finished\", {}(all handshake messages so far)), 12 bytes, which the {server} recomputes over its own transcript: they match only if both saw the same handshake and hold the same master secret.", f.protection(), f.prf_hash()),
            ]
        }
        Chapter::ServerFinished => vec![format!(
            "The {server} checks the {client}'s verify_data, then sends its own ChangeCipherSpec and Finished, whose verify_data covers the transcript including the {client}'s Finished (label \"server finished\", RFC 5246 §7.4.9). The {client} checks it: only then is the handshake complete."
        )],
        Chapter::ApplicationData => {
            let on_link = |st: &&tlslab_core::timeline::Step| link.carries(st.from, st.to);
            let answered = t
                .steps
                .iter()
                .filter(on_link)
                .any(|st| st.title == "ApplicationData" && st.to == link.client);
            let mut s = vec![format!(
                "Application data travels in records protected with the write keys (RFC 5246 §6.2.3): {}. Here it is an HTTP request for {}{}.",
                f.protection(),
                f.host_name().unwrap_or_else(|| t.server_name.clone()),
                if answered { " and its response" } else { "; no response comes back on this connection" }
            )];
            if t.links().len() > 1 {
                s.push("With two connections, the attacker decrypts each record it receives on one and encrypts it again for the other: it reads and could change everything.".into());
            }
            let steps: Vec<usize> = (0..t.steps.len())
                .filter(|&i| t.steps.get(i).is_some_and(|st| link.carries(st.from, st.to)))
                .collect();
            let closers = f.closers();
            let fatal = steps
                .iter()
                .filter_map(|&i| t.alert_in(i))
                .any(|(_, a)| a.is_fatal());
            match closers.as_slice() {
                [_, _, ..] => s.push("Each side ends with a close_notify alert (§7.2.1), protected like the data, so nobody can cut the conversation short unnoticed.".into()),
                [one] => s.push(format!("{one} ends with a close_notify alert (§7.2.1), protected like the data.")),
                [] if fatal => s.push("A fatal alert ends the connection instead of close_notify (§7.2.2).".into()),
                [] => {}
            }
            s.push(format!("Correction: there is no one session key. Each direction has its own write key{}, both cut from the key block (§6.3), and each record is protected with an implicit sequence number in its {}, so a record replayed, dropped or reordered fails its check (§6.1, §6.2.3.1, §6.2.3.3).", if f.cbc() { " and its own MAC key" } else { "" }, if f.cbc() { "MAC" } else { "additional data" }));
            s
        }
    }
}

/// One sentence saying what step `step` is, in this run.
pub fn step_sentence(t: &Timeline, step: usize) -> Option<String> {
    let s = t.steps.get(step)?;
    let (from, to) = (
        lane_title(s.from, t.network),
        lane_title(s.to, t.network).to_ascii_lowercase(),
    );
    if t.spoke_tls13() {
        return Some(tls13::step_sentence(t, step, from, &to));
    }
    if let Some(sentence) = alert_sentence(
        t,
        step,
        ["RFC 5246 §7.2.1", "RFC 5246 §7.2.2", "RFC 5246 §7.2"],
    ) {
        return Some(sentence);
    }
    let link = t.link_of(step)?;
    let f = Facts::of(t, link);
    Some(match s.title.as_str() {
        "ClientHello" => {
            let n = f.offered_suites().len();
            format!(
                "{from} opens the connection: ClientHello offers {n} cipher suite{} and carries its client_random, in the clear (RFC 5246 §7.4.1.2).",
                if n == 1 { "" } else { "s" }
            )
        }
        "ServerHello" => format!(
            "{from} picks {} and sends its server_random (RFC 5246 §7.4.1.3).",
            f.suite()
                .unwrap_or_else(|| "the suite named in its ServerHello".into())
        ),
        "Certificate" => format!(
            "{from} sends its certificate chain; the {to} validates it against its own trust store (RFC 5246 §7.4.2, RFC 5280 §6.1)."
        ),
        "ServerHelloDone" => {
            format!("{from} has sent its whole flight and waits for the {to} (RFC 5246 §7.4.5).")
        }
        "ServerKeyExchange" => format!(
            "{from} sends its ephemeral {} public share, signed with its certificate's key over both randoms and the share (RFC 8422 §5.4).",
            f.ecdh().map_or("ECDH".into(), |e| e.group)
        ),
        "ClientKeyExchange" if f.ecdhe() => format!(
            "{from} sends its own ephemeral public share; each side now computes the same premaster from its private key and the other's share, and the premaster never crosses the wire (RFC 8422 §5.7, §5.10)."
        ),
        "ClientKeyExchange" => format!(
            "{from} sends the premaster secret, encrypted with the public key from the {to}'s certificate (RFC 5246 §7.4.7.1)."
        ),
        "ChangeCipherSpec" => format!(
            "{from} switches its sending side to the new keys: what it sends next is protected (RFC 5246 §7.1)."
        ),
        "Finished" => format!(
            "{from} sends Finished, its first protected record: the {to} checks its verify_data against the transcript it saw itself (RFC 5246 §7.4.9)."
        ),
        "ApplicationData" => {
            data_sentence(t, step, (from, &to), "its write keys", "RFC 5246 §6.2.3")
        }
        other => format!("{from} sends {other} to the {to}."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslab_core::driver::{Protocol, RunConfig, run};
    use tlslab_core::scenario::Scenario;

    fn authentication(scenario: Scenario) -> String {
        let mut config = RunConfig::new(4, 1_795_651_200);
        config.protocol = Protocol::Tls12Ecdhe;
        config.scenario = scenario;
        let t = run(&config).expect("the demo PKI loads");
        let link = t.links()[0];
        wire(&t, Chapter::Authentication, link).join(" ")
    }

    /// What chapter 3 says of ServerKeyExchange's signature follows what the client did with
    /// it: checked and valid, checked and refused, or never checked.
    #[test]
    fn the_share_signature_sentence_follows_the_run() {
        assert!(
            authentication(Scenario::Happy).contains("so a share swapped on the path is caught")
        );
        assert!(
            authentication(Scenario::SwappedShare)
                .contains("it does not verify over the share that arrived")
        );
        let expired = authentication(Scenario::Expired);
        assert!(expired.contains("never checks it in this run"), "{expired}");
        assert!(!expired.contains("proves it holds"), "{expired}");
    }
}
