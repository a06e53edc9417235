//! The glossary: the terms the prose uses, each explained in one line with its RFC, and how a
//! sentence is cut into plain text and terms.

#[derive(Debug, PartialEq)]
pub struct Term {
    /// An id for links and tests.
    pub id: &'static str,
    pub term: &'static str,
    /// How the prose writes it (matched whole words, ignoring case), longest first.
    pub spellings: &'static [&'static str],
    pub text: &'static str,
    pub rfc: &'static str,
}

pub const TERMS: &[Term] = &[
    Term {
        id: "cipher-suite",
        term: "Cipher suite",
        spellings: &["cipher suites", "cipher suite"],
        text: "The set of algorithms both sides use: in TLS 1.2 the key exchange, encryption, integrity and the PRF's hash; in TLS 1.3 only the AEAD and the hash.",
        rfc: "RFC 5246 §7.4.1.2, RFC 8446 §B.4",
    },
    Term {
        id: "random",
        term: "client_random, server_random",
        spellings: &["client_random", "server_random"],
        text: "32 bytes each side sends in its hello, so that every session's keys differ.",
        rfc: "RFC 5246 §7.4.1.2, §7.4.1.3, RFC 8446 §4.1.2",
    },
    Term {
        id: "sni",
        term: "SNI (server_name)",
        spellings: &["server_name", "SNI"],
        text: "The host name the client asks for, sent in the clear in the ClientHello.",
        rfc: "RFC 6066 §3",
    },
    Term {
        id: "certificate-chain",
        term: "Certificate chain",
        spellings: &["certificate chain", "chain"],
        text: "The server's certificate and the intermediates that signed it, leading to a trust anchor.",
        rfc: "RFC 5246 §7.4.2, RFC 8446 §4.4.2",
    },
    Term {
        id: "trust-anchor",
        term: "Trust anchor",
        spellings: &["trust anchor", "trust store"],
        text: "A root certificate the client already trusts, kept in its trust store: a chain must end at one.",
        rfc: "RFC 5280 §6.1",
    },
    Term {
        id: "premaster",
        term: "Premaster secret",
        spellings: &["premaster secret", "premaster"],
        text: "TLS 1.2's secret from the key exchange: 48 bytes the client sends encrypted to the server's key (RSA), or the Diffie-Hellman result both sides compute (ECDHE); every key comes from it. TLS 1.3 has none: its (EC)DHE shared secret goes into HKDF.",
        rfc: "RFC 5246 §7.4.7.1, RFC 8422 §5.10, RFC 8446 §7.1",
    },
    Term {
        id: "prf",
        term: "PRF",
        spellings: &["PRF"],
        text: "TLS 1.2's pseudo-random function: HMAC with the suite's hash, stretched to any length.",
        rfc: "RFC 5246 §5",
    },
    Term {
        id: "master-secret",
        term: "Master secret",
        spellings: &["extended master secret", "master secret"],
        text: "The secret the session's keys come from: in TLS 1.2, 48 bytes the PRF makes from the premaster and both randoms (or, extended, the handshake's hash); in TLS 1.3, the HKDF stage after the handshake secret, which the application traffic secrets come from.",
        rfc: "RFC 5246 §8.1, RFC 7627 §4, RFC 8446 §7.1",
    },
    Term {
        id: "key-block",
        term: "Key block",
        spellings: &["key block"],
        text: "TLS 1.2: the bytes the PRF expands from the master secret, cut into each side's keys.",
        rfc: "RFC 5246 §6.3",
    },
    Term {
        id: "mac",
        term: "MAC",
        spellings: &["HMAC", "MAC"],
        text: "A message authentication code: a keyed checksum that shows the data was not changed and came from a holder of the key.",
        rfc: "RFC 2104, RFC 5246 §6.2.3.1",
    },
    Term {
        id: "aead",
        term: "AEAD",
        spellings: &["AEAD", "GCM"],
        text: "Authenticated encryption (AES-GCM or ChaCha20-Poly1305 here): one algorithm that encrypts and detects any change.",
        rfc: "RFC 5246 §6.2.3.3, RFC 5288, RFC 8446 §5.2",
    },
    Term {
        id: "nonce",
        term: "Nonce",
        spellings: &["nonce"],
        text: "A number used once: each record's input to the AEAD, never repeated under one key.",
        rfc: "RFC 5288 §3, RFC 8446 §5.3",
    },
    Term {
        id: "verify-data",
        term: "verify_data",
        spellings: &["verify_data"],
        text: "What Finished carries: a keyed hash of the whole handshake, which the peer recomputes. TLS 1.2: 12 bytes of the PRF over the master secret; TLS 1.3: an HMAC keyed from the sender's handshake traffic secret.",
        rfc: "RFC 5246 §7.4.9, RFC 8446 §4.4.4",
    },
    Term {
        id: "alert",
        term: "Alert",
        spellings: &["fatal alert", "alert"],
        text: "A two-byte message that closes the connection (close_notify) or reports an error; a fatal one ends it.",
        rfc: "RFC 5246 §7.2, RFC 8446 §6",
    },
    Term {
        id: "key-share",
        term: "Key share",
        spellings: &["key_share", "key share"],
        text: "An ephemeral (EC)DHE public key sent in a hello: a TLS 1.3 client sends its own in the ClientHello, so keys follow after one round trip.",
        rfc: "RFC 8446 §4.2.8",
    },
    Term {
        id: "hkdf",
        term: "HKDF",
        spellings: &["HKDF-Expand-Label", "HKDF-Extract", "HKDF"],
        text: "TLS 1.3's key derivation, built on HMAC: Extract mixes a secret in, Expand-Label derives a labelled secret, key or IV from it.",
        rfc: "RFC 5869, RFC 8446 §7.1",
    },
    Term {
        id: "traffic-secret",
        term: "Traffic secret",
        spellings: &[
            "handshake traffic secret",
            "handshake traffic key",
            "application traffic secret",
            "application traffic key",
        ],
        text: "A TLS 1.3 secret for one direction and one phase, expanded into that direction's key and IV: the handshake ones protect the handshake after ServerHello, the application ones the data.",
        rfc: "RFC 8446 §7.1, §7.3",
    },
    Term {
        id: "transcript-hash",
        term: "Transcript hash",
        spellings: &["Transcript-Hash", "transcript hash"],
        text: "The hash of the handshake messages so far: TLS 1.3 derives its secrets from it and signs it in CertificateVerify.",
        rfc: "RFC 8446 §4.4.1",
    },
];

/// A piece of a sentence: plain text, or a term's words as written.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Term(&'a str, &'static Term),
}

/// Cuts `text` into plain text and terms: the first time each term appears, as a whole word.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let (mut plain_from, mut at) = (0, 0);
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    while at < text.len() {
        let rest = &text[at..];
        // A term starts a word and ends one.
        let found = if word(text[..at].chars().next_back()) {
            None
        } else {
            TERMS
                .iter()
                .filter(|t| !seen.contains(&t.id))
                .flat_map(|t| t.spellings.iter().map(move |s| (t, *s)))
                .filter(|(_, s)| {
                    rest.get(..s.len())
                        .is_some_and(|r| r.eq_ignore_ascii_case(s))
                })
                .filter(|(_, s)| !word(rest[s.len()..].chars().next()))
                .max_by_key(|(_, s)| s.len())
        };
        match found {
            Some((term, spelling)) => {
                if plain_from < at {
                    out.push(Piece::Text(&text[plain_from..at]));
                }
                out.push(Piece::Term(&rest[..spelling.len()], term));
                seen.push(term.id);
                at += spelling.len();
                plain_from = at;
            }
            None => at += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < text.len() {
        out.push(Piece::Text(&text[plain_from..]));
    }
    out
}

/// `text` without its RFC citations: the parentheses that cite an RFC or a section ("(RFC 5246
/// §7.4.1.2)", "(§6.2.1)") and the space before them. For the intro level.
pub fn without_citations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('(') {
        let Some(close) = closing(&rest[open..]).map(|c| open + c) else {
            break;
        };
        let inside = &rest[open + 1..close];
        if cites(inside) {
            out.push_str(rest[..open].trim_end_matches(' '));
        } else {
            out.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Whether `text` cites an RFC or a section.
pub fn cites(text: &str) -> bool {
    text.contains("RFC ") || text.contains('§')
}

/// Where the parenthesis that opens `text` closes.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(&str, &str)> {
        pieces(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Term(words, t) => Some((words, t.id)),
                Piece::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn terms_are_whole_words_the_first_time_the_longest_spelling() {
        assert_eq!(
            terms("The premaster secret, then the master secret; premaster again."),
            [
                ("premaster secret", "premaster"),
                ("master secret", "master-secret")
            ]
        );
        assert_eq!(terms("premaster_secret and the PRFs"), []);
        assert_eq!(
            terms("3 offered Cipher Suites"),
            [("Cipher Suites", "cipher-suite")]
        );
    }

    #[test]
    fn pieces_keep_every_byte_of_the_text() {
        let text = "The client_random — 32 bytes (RFC 5246 §7.4.1.2) — and the nonce.";
        let joined: String = pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(s) | Piece::Term(s, _) => s,
            })
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn citations_go_other_parentheses_stay() {
        assert_eq!(
            without_citations(
                "ClientHello (RFC 5246 §7.4.1.2) offers 3 suites (in order) (§6.2.1)."
            ),
            "ClientHello offers 3 suites (in order)."
        );
        assert_eq!(without_citations("unbalanced (RFC"), "unbalanced (RFC");
    }
}
