//! The same seven chapters told for TLS 1.3 (RFC 8446 unless another RFC is named): what each
//! of the usual story's steps became, from the run's own messages. Chapter 4 no longer exists,
//! and the server finishes (chapter 6) before the client (chapter 5).

use super::{Facts, alert_sentence, data_sentence, list, message, values};
use tlslab_core::timeline::{Actor, Chapter, Computation, EventKind, Link, Message, Timeline};

/// What chapter 4 of the usual story became: nothing crosses the wire for it.
pub const NO_PREMASTER: &str = "Chapter 4 does not exist in TLS 1.3: no premaster is made, encrypted or sent, and RSA key exchange is gone (RFC 8446 §1.2). The key shares in the two hellos (chapters 1 and 2) give both sides the same shared secret, which never crosses the wire (§4.2.8, §7.4). And the server finishes first: chapter 6 comes before chapter 5 (§2).";

/// The last 8 bytes of a TLS 1.3 server's random when it answers with TLS 1.2 (§4.1.3).
const DOWNGRD_01: &str = "444f574e47524401";

impl Facts<'_> {
    /// Whether the client offered TLS 1.3: supported_versions in its ClientHello (§4.2.1).
    pub(super) fn offers_tls13(&self) -> bool {
        Self::extensions(self.client_hello)
            .iter()
            .any(|e| e == "supported_versions")
    }

    /// The first message on this connection titled `title`.
    fn message(&self, title: &str) -> Option<&Message> {
        message(self.t, self.link, title)
    }

    /// Whether `actor` checked the Finished it received, and how it came out (`None`: it
    /// never got that far, or, in a recording, its side was not recorded).
    fn finished_checked(&self, actor: Actor) -> Option<bool> {
        let last = self.t.steps.len().saturating_sub(1);
        self.t
            .computations_on(last, self.link, actor)
            .find_map(|c| match c {
                Computation::VerifyData {
                    received: Some(_),
                    matches,
                    ..
                } => Some(matches.unwrap_or(false)),
                _ => None,
            })
    }

    /// Whether the client derived the master secret (after the server's Finished, §7.1).
    fn client_master(&self) -> bool {
        let last = self.t.steps.len().saturating_sub(1);
        self.t
            .computations_on(last, self.link, self.link.client)
            .any(|c| matches!(c, Computation::HkdfExtract { name, .. } if name == "master"))
    }

    /// Whether a change_cipher_spec crossed in `chapter`: the dummy of middlebox
    /// compatibility mode (Appendix D.4).
    fn compat_ccs(&self, chapter: Chapter) -> bool {
        self.t.steps.iter().enumerate().any(|(i, st)| {
            st.chapter == chapter
                && st.title == "ChangeCipherSpec"
                && self.link.carries(st.from, st.to)
                && self.t.alert_in(i).is_none()
        })
    }

    /// The key pair `actor` used last (after a HelloRetryRequest, the client's second).
    fn key_pair(&self, actor: Actor) -> Option<(String, usize)> {
        let last = self.t.steps.len().saturating_sub(1);
        self.t
            .computations_on(last, self.link, actor)
            .filter_map(|c| match c {
                Computation::EcdhKeyPair { group, public, .. } => {
                    Some((group.clone(), public.len()))
                }
                _ => None,
            })
            .last()
    }

    /// The AEAD protecting every record after ServerHello (§5.2), by the suite.
    fn aead(&self) -> &'static str {
        match self.suite() {
            Some(s) if s.contains("CHACHA20") => "ChaCha20-Poly1305 (RFC 8439)",
            Some(_) => self.params().map_or("AES-GCM", |p| p.bulk.name()),
            None => "the suite's AEAD",
        }
    }

    /// Hash.length of the suite's hash, in bytes.
    fn hash_len(&self) -> usize {
        if self.prf_hash().contains("384") {
            48
        } else {
            32
        }
    }
}

/// Where a TLS 1.2 server's random says it speaks TLS 1.3 too (§4.1.3).
fn downgrade_sentinel(server_hello: Option<&Message>) -> bool {
    server_hello
        .and_then(|m| values(&m.fields, "random").into_iter().next())
        .is_some_and(|r| r.ends_with(DOWNGRD_01))
}

/// A group's name with the RFC that defines its arithmetic.
fn group_rfc(group: &str) -> &'static str {
    if group == "x25519" {
        "RFC 7748"
    } else {
        "§7.4.2"
    }
}

/// Chapter 1 of a client offering TLS 1.3: whichever version the server then answers with.
pub(super) fn client_hello(f: &Facts) -> Vec<String> {
    let client = f.client();
    let suites = f.offered_suites();
    let (tls13, tls12): (Vec<String>, Vec<String>) =
        suites.iter().cloned().partition(|s| !s.contains("_WITH_"));
    let versions = f
        .client_hello
        .map_or_else(Vec::new, |m| values(&m.fields, "version"));
    let share = f.t.events.iter().find_map(|e| match &e.kind {
        EventKind::Computation(Computation::EcdhKeyPair { group, public, .. })
            if e.actor == f.link.client =>
        {
            Some((group.clone(), public.len()))
        }
        _ => None,
    });
    let extensions: Vec<String> = Facts::extensions(f.client_hello)
        .iter()
        .map(|e| match e.as_str() {
            "server_name" => format!(
                "server_name with {} (RFC 6066 §3)",
                f.host_name().unwrap_or_else(|| f.t.server_name.clone())
            ),
            "supported_groups" => "supported_groups (§4.2.7)".into(),
            "signature_algorithms" => "signature_algorithms (§4.2.3)".into(),
            "supported_versions" => "supported_versions (§4.2.1)".into(),
            "key_share" => "key_share (§4.2.8)".into(),
            "renegotiation_info" | "extended_master_secret" | "ec_point_formats" => {
                format!("{e}, for a server that answers with TLS 1.2")
            }
            other => other.to_string(),
        })
        .collect();
    let mut s = vec![
        format!(
            "ClientHello (RFC 8446 §4.1.2) carries legacy_version 3,3, frozen at TLS 1.2, a 32-byte random, a legacy_session_id for middleboxes that expect TLS 1.2 (Appendix D.4), {} cipher suite{} and extensions. The versions it offers are in supported_versions instead: {} (§4.2.1).",
            suites.len(),
            if suites.len() == 1 { "" } else { "s" },
            list(&versions)
        ),
        format!(
            "TLS 1.3's suites ({}) name only the AEAD and the hash (Appendix B.4): the key exchange is in key_share{}.",
            list(&tls13),
            if tls12.is_empty() {
                String::new()
            } else {
                format!(
                    "; the TLS 1.2 suites after them ({}) are for older servers",
                    list(&tls12)
                )
            }
        ),
        format!("The extensions: {}.", list(&extensions)),
    ];
    if let Some((group, len)) = share {
        s.push(format!("The {client}'s half of the key exchange is already here: key_share carries an ephemeral {group} public key ({len} bytes), a guess at the group the server will pick, so that keys can follow after one round trip (§2)."));
    }
    s.push("It travels in the clear, like every ClientHello: anyone on the path can read it, the server's name in server_name too.".into());
    s.push("Correction: a TLS 1.3 ClientHello does list the versions, in supported_versions, and it already carries the client's key share.".into());
    s
}

/// Chapter 2 of a client offering TLS 1.3 that got a TLS 1.2 ServerHello (§4.1.3, §4.2.1).
pub(super) fn tls12_answer(f: &Facts) -> Vec<String> {
    let (client, server) = (f.client(), f.server());
    let mut s = vec![format!(
        "ServerHello (RFC 5246 §7.4.1.3) answers with TLS 1.2: it has no supported_versions, so the {server} did not see TLS 1.3 offered or does not speak it, and it picks {}.",
        f.suite().unwrap_or_else(|| "a TLS 1.2 suite".into())
    )];
    if downgrade_sentinel(f.server_hello) {
        s.push(format!("Its server_random ends in 44 4F 57 4E 47 52 44 01, \"DOWNGRD\" and 01: a {server} that speaks TLS 1.3 writes this when it answers with TLS 1.2 (RFC 8446 §4.1.3). The random is covered by the TLS 1.2 signature, so nobody on the path can remove it. The {client} offered TLS 1.3, so the {server} did not see that offer: someone took it out of the ClientHello, and the {client} stops with illegal_parameter."));
    } else {
        s.push(format!("Its server_random carries no downgrade sentinel, so the {client} goes on in TLS 1.2 (RFC 8446 §4.1.3, Appendix D)."));
    }
    s
}

/// What really crosses the wire in `chapter` of a TLS 1.3 connection.
pub(super) fn wire(t: &Timeline, chapter: Chapter, link: Link) -> Vec<String> {
    let f = Facts::of(t, link);
    let (client, server) = (f.client(), f.server());
    match chapter {
        Chapter::ClientHello => client_hello(&f),
        Chapter::ServerHello => {
            let mut s = Vec::new();
            if let Some(hrr) = f.message("HelloRetryRequest") {
                let s2 = match values(&hrr.fields, "selected_group").into_iter().next() {
                    Some(group) => format!("it accepts none of the groups the {client} sent a share on, and names {group}. The {client} sends its ClientHello again, the same but for a share on {group}"),
                    None => format!("it asks for another ClientHello. The {client} sends it again, changed as the HelloRetryRequest asks"),
                };
                s.push(format!("The {server} first answers with a HelloRetryRequest (§4.1.4): {s2}: one more round trip."));
            }
            let share = f.key_pair(link.server);
            s.push(format!(
                "ServerHello (RFC 8446 §4.1.3) carries a 32-byte random, the suite the {server} chose ({}), supported_versions saying TLS 1.3, and key_share: the {server}'s own ephemeral {}. Its legacy_version stays 3,3.",
                f.suite().unwrap_or_else(|| "none: no ServerHello was sent".into()),
                share.as_ref().map_or("public key".into(), |(g, n)| format!("{g} public key ({n} bytes)"))
            ));
            if let Some((group, _)) = share {
                s.push(format!("Each side combines its own private key with the other's share and gets the same shared secret ({group}, {}), which never crosses the wire. With the transcript hash up to ServerHello it gives each direction a handshake traffic secret (HKDF, §7.1). Every handshake message the {server} sends after ServerHello is encrypted under its own.", group_rfc(&group)));
            }
            if f.compat_ccs(Chapter::ServerHello) {
                s.push("A change_cipher_spec record comes with the hellos: a dummy for middleboxes that expect TLS 1.2, which the receiver drops (Appendix D.4, §5). It switches nothing.".into());
            }
            if let Some(ee) = f.message("EncryptedExtensions") {
                let ext = values(&ee.fields, "extension_type");
                s.push(format!("EncryptedExtensions (§4.3.1), the first encrypted message, carries the extensions that set up no keys: {}.", if ext.is_empty() { "none in this run".into() } else { list(&ext) }));
            }
            s.push(format!("Correction: the certificate is not part of ServerHello, and in TLS 1.3 it no longer travels in the clear: it follows in Certificate, encrypted under the {server}'s handshake traffic key."));
            s
        }
        Chapter::Authentication => {
            let chain = crate::view::certificate::chain_as_sent(&f.checks);
            let subjects: Vec<String> = chain.iter().map(|(_, s)| s.clone()).collect();
            let carried = match subjects.as_slice() {
                [] => format!("carries the chain, the {server}'s own certificate first"),
                [own] => format!("carries one certificate, the {server}'s own ({own})"),
                [own, rest @ ..] => format!("carries {} certificates: the {server}'s own ({own}) first, then {}", subjects.len(), list(rest)),
            };
            let signed = match f.share_signature_checked() {
                Some(true) => format!("The {client} checks it with the certificate's public key: the {server} holds the certificate's private key, and it signed this very handshake."),
                Some(false) => format!("The {client} checks it with the certificate's public key and it does not verify: whoever sent this certificate does not hold its private key, and the {client} stops with decrypt_error (§4.4.3, §6.2)."),
                None => format!("The {client} never checks it in this run: it stops at the certificate first."),
            };
            vec![
                format!("Certificate (RFC 8446 §4.4.2) {carried}, encrypted under the {server}'s handshake traffic key: someone on the path no longer sees which certificate this is."),
                format!("The {client} validates the chain locally, against the root certificates it already trusts (RFC 5280 §6.1): each signature with the issuer's public key, the validity period against its clock, the host name {} against subjectAltName (RFC 6125 §6.4), basicConstraints and keyUsage, which must allow digitalSignature (§4.4.2.2), and the path must end at a trust anchor. It does not contact the issuer, and it skips revocation, having no CRL or OCSP response.", f.host_name().unwrap_or_else(|| t.server_name.clone())),
                format!("CertificateVerify (§4.4.3) carries a signature{} made with the certificate's private key over 64 spaces, the string \"TLS 1.3, server CertificateVerify\", a zero byte and the transcript hash up to Certificate. {signed}", f.ecdh().and_then(|e| e.scheme).map(|s| format!(" ({s})")).unwrap_or_default()),
                "Correction: in TLS 1.2 with RSA key exchange the server proved nothing here; only later, by decrypting the premaster. In TLS 1.3 it signs the transcript before anything else happens.".into(),
            ]
        }
        Chapter::Premaster => vec![NO_PREMASTER.into()],
        Chapter::ServerFinished => vec![
            format!("The {server} finishes first, at the end of its first flight (§2). Finished (§4.4.4) carries verify_data = HMAC(finished_key, Transcript-Hash(ClientHello..CertificateVerify)), {} bytes of {}, where finished_key = HKDF-Expand-Label(server_handshake_traffic_secret, \"finished\", \"\", {}) (§4.4.4).", f.hash_len(), f.prf_hash(), f.hash_len()),
            match f.finished_checked(link.client) {
                Some(true) => format!("The {client} recomputes it over its own transcript, and it matches: both saw the same handshake and derived the same handshake secret."),
                Some(false) => format!("The {client} recomputes it over its own transcript, and it does not match: it stops with decrypt_error (§4.4.4, §6.2)."),
                None => format!("The {client} never checks it in this run: it stopped before, at the message its alert answers."),
            },
            if f.client_master() {
                format!("Both ends now derive the master secret and, from it and the transcript up to this Finished, each direction's application traffic secret (§7.1). The {server} may send application data from here, though it has no assurance yet that the {client} is live: the ClientHello might be a replay (§4.4.4).")
            } else {
                format!("The {client} stopped before deriving the master secret and the application traffic secrets (§7.1).")
            },
            "Correction: no ChangeCipherSpec switches the keys; each side moves to the next keys at fixed points of the handshake (§7.1, §7.3).".into(),
        ],
        Chapter::ClientFinished => {
            let mut s = Vec::new();
            if f.compat_ccs(Chapter::ClientFinished) {
                s.push(format!("The {client}'s dummy change_cipher_spec goes first, for middleboxes; it switches nothing (Appendix D.4)."));
            }
            s.push(format!("The {client}'s Finished (§4.4.4) is an HMAC over the transcript up to the {server}'s Finished, with its own finished_key, encrypted under the {client}'s handshake traffic key. The {server} checks it, and the handshake is complete."));
            // The browser's own connection (a man in the middle's waits for the browser's).
            match t.round_trips_before_data().filter(|_| link.client == Actor::Client) {
                Some(1) => s.push(format!("The {client} sends its first application data right after it, in the same flight: one round trip after its ClientHello, where a full TLS 1.2 handshake takes two (§2).")),
                Some(n) => s.push(format!("The {client} sends its first application data right after it, in the same flight: {n} round trips after its first ClientHello, the HelloRetryRequest costing the one TLS 1.3 saves (§2, §4.1.4).")),
                None => {}
            }
            s.push(format!("Correction: Finished is not encrypted with a premaster; there is none. The {client}'s handshake traffic key comes from the shared secret and the transcript through HKDF (§7.1, §7.3)."));
            s
        }
        Chapter::ApplicationData => {
            let answered = t.steps.iter().any(|st| link.carries(st.from, st.to) && st.title == "ApplicationData" && st.to == link.client);
            let mut s = vec![format!(
                "Application data travels in records protected with {}, under each direction's application traffic key and IV (§7.3). The nonce is the write IV XORed with the record's sequence number, the record header is the additional data, and the real content type is hidden inside the encrypted TLSInnerPlaintext, so every protected record says application_data on the outside (§5.2, §5.3). Here it is an HTTP request for {}{}.",
                f.aead(),
                f.host_name().unwrap_or_else(|| t.server_name.clone()),
                if answered { " and its response" } else { "; no response comes back on this connection" }
            )];
            if t.links().len() > 1 {
                s.push("With two connections, the attacker decrypts each record it receives on one and encrypts it again for the other: it reads and could change everything.".into());
            }
            match f.closers().as_slice() {
                [_, _, ..] => s.push("Each side ends with a close_notify alert (§6.1), protected like the data.".into()),
                [one] => s.push(format!("{one} ends with a close_notify alert (§6.1), protected like the data.")),
                [] => {}
            }
            s.push("Correction: there is no one session key. Each direction has its own application traffic secret, and from it its own key and IV (§7.3); a record replayed, dropped or reordered gets the wrong nonce and fails its check (§5.3).".into());
            s
        }
    }
}

/// [`super::step_sentence`] for a TLS 1.3 run, with RFC 8446's sections.
pub(super) fn step_sentence(t: &Timeline, step: usize, from: &str, to: &str) -> String {
    let s = &t.steps[step];
    if let Some(sentence) =
        alert_sentence(t, step, ["RFC 8446 §6.1", "RFC 8446 §6.2", "RFC 8446 §6"])
    {
        return sentence;
    }
    let f = t.link_of(step).map(|link| Facts::of(t, link));
    let retried = t.steps[..step]
        .iter()
        .any(|earlier| earlier.title == "HelloRetryRequest");
    match s.title.as_str() {
        "ClientHello" if retried => format!(
            "{from} answers the HelloRetryRequest with a second ClientHello, the same but for its key share, now on the group the {to} asked for (RFC 8446 §4.1.2, §4.1.4)."
        ),
        "ClientHello" => {
            let n = f.as_ref().map_or(0, |f| f.offered_suites().len());
            format!(
                "{from} opens the connection: ClientHello offers {n} cipher suite{} and carries a key share and its client_random, in the clear (RFC 8446 §4.1.2).",
                if n == 1 { "" } else { "s" }
            )
        }
        "ServerHello" => format!(
            "{from} picks {} and answers with its own key share and server_random, in the clear; its handshake messages after it are encrypted under its handshake traffic key (RFC 8446 §4.1.3, §7.1).",
            f.and_then(|f| f.suite())
                .unwrap_or_else(|| "the suite named in its ServerHello".into())
        ),
        "HelloRetryRequest" => format!(
            "{from} asks the {to} for a key share on another group: a HelloRetryRequest, a ServerHello with a fixed random (RFC 8446 §4.1.4)."
        ),
        "ChangeCipherSpec" => format!(
            "{from} sends a dummy change_cipher_spec, for middleboxes that expect TLS 1.2 (RFC 8446 Appendix D.4); the {to} drops it (§5)."
        ),
        "EncryptedExtensions" => format!(
            "{from} sends the extensions that do not set up keys, encrypted under its handshake traffic key (RFC 8446 §4.3.1)."
        ),
        "Certificate" => format!(
            "{from} sends its certificate chain, encrypted; the {to} validates it against its own trust store (RFC 8446 §4.4.2, RFC 5280 §6.1)."
        ),
        "CertificateVerify" => format!(
            "{from} signs the transcript so far with its certificate's private key, proving it holds that key; {} (RFC 8446 §4.4.3).",
            match f.and_then(|f| f.share_signature_checked()) {
                Some(_) => format!("the {to} checks the signature"),
                None => format!("the {to}, which stopped before, never checks it"),
            }
        ),
        "Finished" => format!(
            "{from} sends Finished, an HMAC over the whole transcript with a key derived from its handshake traffic secret; {} (RFC 8446 §4.4.4).",
            match f.map(|f| (f.finished_checked(s.to), f.t.recorded.is_some())) {
                Some((Some(_), _) | (None, true)) => format!("the {to} checks it"),
                _ => format!("the {to}, which stopped before, never checks it"),
            }
        ),
        "NewSessionTicket" => {
            format!("{from} sends a ticket the {to} could resume with later (RFC 8446 §4.6.1).")
        }
        "KeyUpdate" => format!(
            "{from} moves its sending side to the next application traffic secret (RFC 8446 §4.6.3)."
        ),
        "ApplicationData" => data_sentence(
            t,
            step,
            (from, to),
            "its application traffic key",
            "RFC 8446 §5.2",
        ),
        other => format!("{from} sends {other} to the {to}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tlslab_core::driver::{Protocol, RunConfig, run};
    use tlslab_core::scenario::Scenario;

    fn told(scenario: Scenario, chapter: Chapter) -> String {
        let mut config = RunConfig::new(4, 1_795_651_200);
        config.protocol = Protocol::Tls13;
        config.scenario = scenario;
        let t = run(&config).expect("the demo PKI loads");
        wire(&t, chapter, t.links()[0]).join(" ")
    }

    /// What chapters 6 and 5 say follows how far the client got, and how many round trips
    /// it took; no TLS 1.3 chapter cites TLS 1.2's RFC.
    #[test]
    fn the_finished_chapters_follow_the_run() {
        let happy = told(Scenario::Happy, Chapter::ServerFinished);
        assert!(
            happy.contains("and it matches") && happy.contains("Both ends now derive"),
            "{happy}"
        );
        let expired = told(Scenario::Expired, Chapter::ServerFinished);
        assert!(
            expired.contains("never checks it") && expired.contains("stopped before deriving"),
            "{expired}"
        );
        assert!(told(Scenario::Happy, Chapter::ClientFinished).contains("one round trip after"));
        assert!(told(Scenario::HelloRetry, Chapter::ClientFinished).contains("2 round trips"));
        for scenario in Scenario::ALL
            .into_iter()
            .filter(|s| s.applies_to(Protocol::Tls13))
        {
            for chapter in crate::story::CHAPTERS.iter().map(|c| c.chapter) {
                let text = told(scenario, chapter);
                assert!(
                    !text.contains("RFC 5246") || scenario == Scenario::Downgrade,
                    "{scenario:?} {chapter:?}: {text}"
                );
            }
        }
    }
}
