//! "Reproduce it yourself": for a computation in a run, an OpenSSL 3 command line and a short
//! Python 3 program, filled in with the run's values, that print what the core computed.
//!
//! Commands are POSIX shell pipelines: `xxd -r -p` turns the run's hex into bytes, OpenSSL
//! computes, `xxd -p` prints lowercase hex. Python uses its standard library for the PRF and
//! hashes, and the `cryptography` package for RSA, ECDH, AES and ChaCha20-Poly1305.

use super::wire::{connections, link_of, same_pair};
use crate::bytes::Bytes;
use crate::crypto::prf::PrfHash;
use crate::crypto::suite;
use crate::pki::{demo, pem};
use crate::timeline::{
    Actor, CbcRecord, Computation, Event, EventKind, GcmRecord, KeyBlock, MacAlgorithm,
    MasterSecretDerivation, PremasterEncryption, Protection, Timeline,
};

/// The file name the commands expect the server's private key in (PEM).
pub const KEY_FILE: &str = "server.key";

/// One way to recompute a value of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipe {
    pub title: String,
    /// What is recomputed, from which inputs, under which RFC section.
    pub explanation: String,
    /// A shell command line using OpenSSL 3; prints `prints` as lowercase hex.
    pub openssl: String,
    /// A Python 3 program printing the same hex.
    pub python: String,
    /// The private key the command reads, if it reads one.
    pub key: Option<KeyFile>,
    pub prints: Bytes,
}

/// A private key a command reads from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    /// The file name the command expects.
    pub name: &'static str,
    /// Whose key it is, in words ("the demo server's").
    pub whose: &'static str,
    /// The key (PKCS#8 PEM) when it is one of the demo keys; a real server's key is not known.
    pub pem: Option<String>,
}

/// The demo keys a run's premaster can be encrypted to: the server's, and (with a man in the
/// middle) the attacker's.
const DEMO_KEYS: [(&str, &str, &[u8]); 2] = [
    (KEY_FILE, "the demo server's", demo::LEAF_KEY),
    ("attacker.key", "the attacker's", demo::ATTACKER_LEAF_KEY),
];

/// The demo server's private key, saved as [`KEY_FILE`].
pub fn demo_server_key() -> KeyFile {
    demo_key(DEMO_KEYS[0])
}

fn demo_key((name, whose, der): (&'static str, &'static str, &[u8])) -> KeyFile {
    KeyFile {
        name,
        whose,
        // Encoding a fixed, valid DER as PEM cannot fail.
        pem: pem::encode("PRIVATE KEY", der).ok(),
    }
}

/// The private key that goes with an RSA `modulus`. A private key's DER holds the modulus
/// verbatim (RFC 8017 appendix A.1.2), so the demo key whose DER contains it is the one. A
/// modulus shorter than 1024 bits (only in an edited file) is nobody's we know.
pub fn key_for_modulus(modulus: &[u8]) -> KeyFile {
    let demo = DEMO_KEYS.iter().find(|(_, _, der)| {
        modulus.len() >= 128 && der.windows(modulus.len()).any(|w| w == modulus)
    });
    match demo {
        Some(&entry) => demo_key(entry),
        None => KeyFile {
            name: KEY_FILE,
            whose: "the server's",
            pem: None,
        },
    }
}

/// The PRF labels of TLS 1.2 (RFC 5246 sections 6.3, 7.4.9, 8.1; RFC 7627 section 4). A label
/// goes into a command as text, so only these fixed strings are ever written there: a label
/// read from an imported file could otherwise carry shell or Python code.
const PRF_LABELS: [&str; 5] = [
    "master secret",
    "extended master secret",
    "key expansion",
    "client finished",
    "server finished",
];

fn known_label(label: &str) -> Option<&'static str> {
    PRF_LABELS.iter().copied().find(|&l| l == label)
}

/// Hex on the standard output, then a newline.
const PRINT_HEX: &str = "| xxd -p | tr -d '\\n'; echo";

/// TLS 1.2's PRF, P_<hash> (RFC 5246 section 5), in Python; `digest` is hashlib's name.
fn python_prf(digest: &str) -> String {
    let hash = digest.to_ascii_uppercase();
    format!(
        "import hashlib, hmac

def prf(secret, label, seed, length):  # RFC 5246 section 5: P_{hash}(secret, label + seed)
    seed = label + seed
    out, a = b\"\", seed
    while len(out) < length:
        a = hmac.new(secret, a, hashlib.{digest}).digest()  # A(i) = HMAC(secret, A(i-1))
        out += hmac.new(secret, a + seed, hashlib.{digest}).digest()
    return out[:length]
"
    )
}

/// The PRF's hash in the run (RFC 5246 section 5; RFC 5288 section 3 for the _SHA384 suites),
/// as OpenSSL and hashlib name it.
fn prf_digest(t: &Timeline) -> &'static str {
    match t
        .negotiated_suite()
        .and_then(suite::params_named)
        .map(|p| p.prf)
    {
        Some(PrfHash::Sha384) => "sha384",
        _ => "sha256",
    }
}

/// The recipes for event `index` of `t` (none for events that compute nothing reproducible).
pub fn recipes(t: &Timeline, index: usize) -> Vec<Recipe> {
    let Some(event) = t.events.get(index) else {
        return Vec::new();
    };
    match &event.kind {
        EventKind::Computation(c) => computation(t, index, event, c),
        EventKind::RecordSent(r) | EventKind::RecordReceived(r) => match &r.protection {
            Some(p) => record(t, index, event, p),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn computation(t: &Timeline, index: usize, event: &Event, c: &Computation) -> Vec<Recipe> {
    match c {
        Computation::PremasterEncrypted(p) => vec![premaster_recipe(p)],
        Computation::EcdhSharedSecret {
            group,
            peer_public,
            premaster,
        } => latest_before(t, index, event, |c| match c {
            Computation::EcdhKeyPair { private, .. } => Some(private),
            _ => None,
        })
        .and_then(|private| {
            let side = match event.actor {
                Actor::Client => "client",
                Actor::Server => "server",
                Actor::Network => "attacker",
            };
            let what = if t.spoke_tls13() {
                "The (EC)DHE shared secret, the input of the handshake secret (RFC 8446 section 7.1),"
            } else {
                "The premaster"
            };
            ecdh_recipe(side, what, group, private, peer_public, premaster)
        })
        .into_iter()
        .collect(),
        // The server's decryption reproduces only when it recovered what a client encrypted;
        // when the padding was broken it went on with a random premaster (RFC 5246 section
        // 7.4.7.1) that no command can print.
        Computation::PremasterDecrypted {
            ciphertext,
            premaster,
        } => t
            .premaster_encryptions()
            .find(|p| p.ciphertext == *ciphertext && p.premaster == *premaster)
            .map(premaster_recipe)
            .into_iter()
            .collect(),
        Computation::TranscriptHash {
            purpose,
            input,
            hash,
            ..
        } => {
            // The hash's own length says which it is.
            let digest = match PrfHash::of_digest_len(hash.len()) {
                Some(PrfHash::Sha384) => "sha384",
                _ => "sha256",
            };
            vec![Recipe {
                title: format!("Transcript hash ({purpose})"),
                explanation: if t.spoke_tls13() {
                    format!(
                        "{} over the handshake messages so far, exactly as sent: the suite's \
                         hash, the Transcript-Hash of RFC 8446 section 4.4.1.",
                        digest.replace("sha", "SHA-")
                    )
                } else {
                    format!(
                        "{} over the handshake messages so far, exactly as sent: the PRF's hash \
                         (RFC 5246 section 7.4.9; for the extended master secret, RFC 7627 \
                         section 3).",
                        digest.replace("sha", "SHA-")
                    )
                },
                openssl: format!(
                    "echo {} | xxd -r -p | openssl dgst -{digest} -binary {PRINT_HEX}",
                    input.hex()
                ),
                python: format!(
                    "import hashlib\nprint(hashlib.{digest}(bytes.fromhex(\"{}\")).hexdigest())\n",
                    input.hex()
                ),
                key: None,
                prints: hash.clone(),
            }]
        }
        Computation::MasterSecret(m) => {
            let seed_is = if m.extended {
                "the session hash (RFC 7627 section 4)"
            } else {
                "client_random + server_random (RFC 5246 section 8.1)"
            };
            prf_recipe(
                prf_digest(t),
                "Master secret",
                |label| {
                    format!(
                        "master_secret = PRF(pre_master_secret, \"{label}\", seed)[0..47], \
                         where the seed is {seed_is}."
                    )
                },
                &m.premaster,
                &m.label,
                &m.seed,
                &m.master_secret,
            )
            .into_iter()
            .collect()
        }
        Computation::KeyBlock {
            label,
            seed,
            key_block,
            ..
        } => master_secret_of(t, index, event)
            .and_then(|ms| {
                prf_recipe(
                    prf_digest(t),
                    "Key block",
                    |label| {
                        format!(
                            "key_block = PRF(master_secret, \"{label}\", server_random + \
                             client_random), {} bytes for this suite (RFC 5246 section 6.3).",
                            key_block.len()
                        )
                    },
                    ms,
                    label,
                    seed,
                    key_block,
                )
            })
            .into_iter()
            .collect(),
        Computation::HkdfExtract {
            name,
            salt,
            ikm,
            secret,
        } => vec![hkdf_extract_recipe(prf_digest(t), name, salt, ikm, secret)],
        Computation::HkdfExpandLabel {
            label,
            secret,
            info,
            output,
            ..
        } => vec![hkdf_expand_recipe(
            prf_digest(t),
            label,
            secret,
            info,
            output,
        )],
        Computation::VerifyData {
            handshake_hash,
            verify_data,
            ..
        } if finished_key_of(t, index, event).is_some() => finished_key_of(t, index, event)
            .map(|key| finished13_recipe(prf_digest(t), key, handshake_hash, verify_data))
            .into_iter()
            .collect(),
        Computation::VerifyData {
            label,
            handshake_hash,
            verify_data,
            ..
        } => master_secret_of(t, index, event)
            .and_then(|ms| {
                prf_recipe(
                    prf_digest(t),
                    "verify_data",
                    |label| {
                        format!(
                            "verify_data = PRF(master_secret, \"{label}\", \
                             Hash(handshake_messages))[0..11] (RFC 5246 section 7.4.9)."
                        )
                    },
                    ms,
                    label,
                    handshake_hash,
                    verify_data,
                )
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

fn premaster_recipe(p: &PremasterEncryption) -> Recipe {
    let ct = p.ciphertext.hex();
    let key = key_for_modulus(&p.modulus.0);
    let file = key.name;
    Recipe {
        title: "Premaster secret decryption".into(),
        explanation: format!(
            "RSAES-PKCS1-v1_5 decryption of the EncryptedPreMasterSecret with the private key \
             of the certificate the client encrypted to (RFC 8017 section 7.2.2; RFC 5246 \
             section 7.4.7.1): {} key, saved as {file}. This one key opens every recorded \
             handshake that used it: RSA key exchange has no forward secrecy.",
            key.whose
        ),
        openssl: format!(
            "echo {ct} | xxd -r -p | openssl pkeyutl -decrypt -inkey {file} -pkeyopt \
             rsa_padding_mode:pkcs1 {PRINT_HEX}"
        ),
        python: format!(
            "from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_private_key

key = load_pem_private_key(open(\"{file}\", \"rb\").read(), password=None)
print(key.decrypt(bytes.fromhex(\"{ct}\"), padding.PKCS1v15()).hex())
"
        ),
        key: Some(key),
        prints: p.premaster.clone(),
    }
}

/// The DER prefixes that make a raw private scalar a PKCS#8 key (RFC 5958) and a raw share a
/// SubjectPublicKeyInfo (RFC 5280), for x25519 (RFC 8410) and secp256r1 (RFC 5915, RFC 5480):
/// what `openssl pkeyutl -derive` reads. None for a group we do not speak.
fn ecdh_der_prefixes(group: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match group {
        "x25519" => Some((
            "302e020100300506032b656e04220420",
            "302a300506032b656e032100",
            "from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

key = X25519PrivateKey.from_private_bytes(private)
peer = X25519PublicKey.from_public_bytes(peer_share)
print(key.exchange(peer).hex())
",
        )),
        "secp256r1" => Some((
            // PKCS#8 { 0, ecPublicKey + prime256v1, ECPrivateKey { 1, d } }.
            "3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420",
            "3059301306072a8648ce3d020106082a8648ce3d030107034200",
            "from cryptography.hazmat.primitives.asymmetric import ec

key = ec.derive_private_key(int.from_bytes(private, \"big\"), ec.SECP256R1())
peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), peer_share)
print(key.exchange(ec.ECDH(), peer).hex())
",
        )),
        _ => None,
    }
}

/// The shared secret of an (EC)DHE handshake (RFC 8422 section 5.10), `what` (TLS 1.2's
/// premaster, TLS 1.3's shared secret), as `side` computed it: its ephemeral private key with
/// the peer's share, as PEM files for OpenSSL and raw bytes for Python.
pub fn ecdh_recipe(
    side: &str,
    what: &str,
    group: &str,
    private: &Bytes,
    peer: &Bytes,
    premaster: &Bytes,
) -> Option<Recipe> {
    let (private_prefix, public_prefix, python) = ecdh_der_prefixes(group)?;
    let der = |prefix: &str, value: &Bytes| {
        let mut der = crate::bytes::from_hex(prefix)?;
        der.extend_from_slice(value.as_ref());
        Some(der)
    };
    let pem_of = |label, der: Vec<u8>| {
        pem::encode(label, &der)
            .ok()
            .map(|p| format!("{}\n", p.trim_end()))
    };
    let private_pem = pem_of("PRIVATE KEY", der(private_prefix, private)?)?;
    let peer_pem = pem_of("PUBLIC KEY", der(public_prefix, peer)?)?;
    Some(Recipe {
        title: format!("ECDH shared secret ({group})"),
        explanation: format!(
            "{what} as the {side} computes it: the {group} Diffie-Hellman result of its \
             ephemeral private key and the peer's public share (RFC 8422 section 5.10; RFC 7748 \
             section 6.1 for x25519). The private key never crossed the wire; a real endpoint \
             discards it after the handshake, and this run kept it so you can check. Written as \
             PEM so OpenSSL can read it."
        ),
        openssl: format!(
            "cat > ecdh-private.pem <<'EOF'\n{private_pem}EOF\ncat > ecdh-peer.pem <<'EOF'\n{peer_pem}EOF\n\
             openssl pkeyutl -derive -inkey ecdh-private.pem -peerkey ecdh-peer.pem {PRINT_HEX}"
        ),
        python: format!(
            "private = bytes.fromhex(\"{}\")\npeer_share = bytes.fromhex(\"{}\")\n{python}",
            private.hex(),
            peer.hex()
        ),
        key: None,
        prints: premaster.clone(),
    })
}

/// TLS 1.3's HKDF-Extract (RFC 8446 section 7.1, RFC 5869 section 2.2) with `digest`
/// (hashlib's name). An empty salt is HashLen zero bytes, written out so both tools agree. The
/// name is printed only if it is one of the schedule's three (a file could carry anything).
fn hkdf_extract_recipe(
    digest: &str,
    name: &str,
    salt: &Bytes,
    ikm: &Bytes,
    secret: &Bytes,
) -> Recipe {
    let stage = match name {
        "early" | "handshake" | "master" => name,
        _ => "the",
    };
    let salt = if salt.is_empty() {
        "00".repeat(secret.len())
    } else {
        salt.hex()
    };
    let ikm = ikm.hex();
    Recipe {
        title: format!("HKDF-Extract ({stage} secret)"),
        explanation: format!(
            "The {stage} secret = HKDF-Extract(salt, IKM) = HMAC-{}(salt, IKM) (RFC 8446 \
             section 7.1, RFC 5869 section 2.2).",
            digest.to_ascii_uppercase()
        ),
        openssl: format!(
            "openssl kdf -keylen {} -kdfopt digest:{} -kdfopt mode:EXTRACT_ONLY -kdfopt \
             hexkey:{ikm} -kdfopt hexsalt:{salt} -binary HKDF {PRINT_HEX}",
            secret.len(),
            digest.to_ascii_uppercase()
        ),
        python: format!(
            "import hashlib, hmac\nprint(hmac.new(bytes.fromhex(\"{salt}\"), bytes.fromhex(\"{ikm}\"), hashlib.{digest}).hexdigest())\n"
        ),
        key: None,
        prints: secret.clone(),
    }
}

/// TLS 1.3's HKDF-Expand-Label (RFC 8446 section 7.1): HKDF-Expand with the HkdfLabel
/// structure as its info. The label shown is one of TLS 1.3's, or nothing.
fn hkdf_expand_recipe(
    digest: &str,
    label: &str,
    secret: &Bytes,
    info: &Bytes,
    output: &Bytes,
) -> Recipe {
    const LABELS: [&str; 11] = [
        "derived",
        "c hs traffic",
        "s hs traffic",
        "c ap traffic",
        "s ap traffic",
        "exp master",
        "res master",
        "key",
        "iv",
        "finished",
        "traffic upd",
    ];
    let label = LABELS.iter().find(|l| **l == label).copied().unwrap_or("?");
    let (secret, info, n) = (secret.hex(), info.hex(), output.len());
    Recipe {
        title: format!("HKDF-Expand-Label (\"{label}\")"),
        explanation: format!(
            "HKDF-Expand-Label(secret, \"{label}\", context, {n}) = HKDF-Expand(secret, \
             HkdfLabel, {n}), HkdfLabel being the length, \"tls13 {label}\" and the context \
             (RFC 8446 section 7.1)."
        ),
        openssl: format!(
            "openssl kdf -keylen {n} -kdfopt digest:{} -kdfopt mode:EXPAND_ONLY -kdfopt \
             hexkey:{secret} -kdfopt hexinfo:{info} -binary HKDF {PRINT_HEX}",
            digest.to_ascii_uppercase()
        ),
        python: format!(
            "import hashlib, hmac

def expand(prk, info, length):  # RFC 5869 section 2.3
    out, t, i = b\"\", b\"\", 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.{digest}).digest()
        out, i = out + t, i + 1
    return out[:length]

print(expand(bytes.fromhex(\"{secret}\"), bytes.fromhex(\"{info}\"), {n}).hex())
"
        ),
        key: None,
        prints: output.clone(),
    }
}

/// A value of the TLS 1.2 PRF with `digest` (hashlib's name): OpenSSL's `TLS1-PRF` KDF
/// concatenates its seed options, so the label goes in as text and the seed as hex. None for a
/// label that is not one of TLS 1.2's (only an edited file has one).
fn prf_recipe(
    digest: &str,
    title: &str,
    explanation: impl FnOnce(&str) -> String,
    secret: &Bytes,
    label: &str,
    seed: &Bytes,
    out: &Bytes,
) -> Option<Recipe> {
    let label = known_label(label)?;
    let (secret, seed, n) = (secret.hex(), seed.hex(), out.len());
    Some(Recipe {
        title: title.into(),
        explanation: explanation(label),
        openssl: format!(
            "openssl kdf -keylen {n} -kdfopt digest:{} -kdfopt hexsecret:{secret} -kdfopt \
             'seed:{label}' -kdfopt hexseed:{seed} -binary TLS1-PRF {PRINT_HEX}",
            digest.to_ascii_uppercase()
        ),
        python: format!(
            "{}
print(prf(bytes.fromhex(\"{secret}\"), b\"{label}\", bytes.fromhex(\"{seed}\"), {n}).hex())
",
            python_prf(digest)
        ),
        key: None,
        prints: out.clone(),
    })
}

fn record(t: &Timeline, index: usize, event: &Event, p: &Protection) -> Vec<Recipe> {
    let Some(keys) = key_block_of(t, index, event) else {
        return Vec::new();
    };
    // The record was protected with its sender's write keys (RFC 5246 section 6.3).
    let sent = matches!(event.kind, EventKind::RecordSent(_));
    let sender_is_client = match (link_client(t, event), sent) {
        (Some(client), true) => event.actor == client,
        (Some(client), false) => event.actor != client,
        (None, _) => return Vec::new(),
    };
    let (mac_key, key) = if sender_is_client {
        (&keys.client_write_mac_key, &keys.client_write_key)
    } else {
        (&keys.server_write_mac_key, &keys.server_write_key)
    };
    match p {
        Protection::Gcm(r) => vec![gcm(key, r)],
        Protection::ChaCha20Poly1305(r) => vec![chacha(key, r)],
        Protection::Cbc(r) => vec![cbc(key, r), cbc_mac(mac_key, r)],
    }
}

fn gcm(key: &Bytes, r: &GcmRecord) -> Recipe {
    // AES-128-GCM or AES-256-GCM, as the write key's length says.
    let bits = key.len() * 8;
    let (key, nonce, aad, ct, tag) = (
        key.hex(),
        r.nonce.hex(),
        r.additional_data.hex(),
        r.ciphertext.hex(),
        r.tag.hex(),
    );
    Recipe {
        title: format!("Record decryption (AES-{bits}-GCM)"),
        explanation: "The record's content, decrypted with the sender's write key. The GCM \
                      nonce is the 4-byte write IV (salt) followed by the 8-byte explicit nonce \
                      sent in the record (RFC 5288 section 3). `openssl enc` has no AEAD modes, \
                      but GCM encrypts with AES-CTR whose counter starts at nonce || 00000002 \
                      (NIST SP 800-38D section 7.1), so CTR recovers the plaintext without \
                      checking the tag; the Python version checks the tag over the additional \
                      data seq_num + type + version + length (RFC 5246 section 6.2.3.3)."
            .into(),
        openssl: format!(
            "echo {ct} | xxd -r -p | openssl enc -d -aes-{bits}-ctr -K {key} -iv \
             {nonce}00000002 {PRINT_HEX}"
        ),
        python: format!(
            "from cryptography.hazmat.primitives.ciphers.aead import AESGCM

key = bytes.fromhex(\"{key}\")
nonce = bytes.fromhex(\"{nonce}\")  # salt + explicit nonce
aad = bytes.fromhex(\"{aad}\")  # seq_num + type + version + length
print(AESGCM(key).decrypt(nonce, bytes.fromhex(\"{ct}{tag}\"), aad).hex())
"
        ),
        key: None,
        prints: r.plaintext.clone(),
    }
}

fn chacha(key: &Bytes, r: &GcmRecord) -> Recipe {
    let (key, nonce, aad, ct, tag) = (
        key.hex(),
        r.nonce.hex(),
        r.additional_data.hex(),
        r.ciphertext.hex(),
        r.tag.hex(),
    );
    Recipe {
        title: "Record decryption (ChaCha20-Poly1305)".into(),
        explanation: "The record's content, decrypted with the sender's write key. The nonce is \
                      the 12-byte write IV XOR the sequence number (RFC 7905 section 2); nothing \
                      of it is sent. ChaCha20 encrypts from block counter 1, block 0 making the \
                      Poly1305 key (RFC 8439 section 2.8), so `openssl enc -chacha20` with the \
                      counter 1 (little-endian) before the nonce recovers the plaintext without \
                      checking the tag; the Python version checks the tag over the additional \
                      data seq_num + type + version + length (RFC 5246 section 6.2.3.3)."
            .into(),
        openssl: format!(
            "echo {ct} | xxd -r -p | openssl enc -d -chacha20 -K {key} -iv 01000000{nonce} \
             {PRINT_HEX}"
        ),
        python: format!(
            "from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

key = bytes.fromhex(\"{key}\")
nonce = bytes.fromhex(\"{nonce}\")  # write IV XOR sequence number
aad = bytes.fromhex(\"{aad}\")  # seq_num + type + version + length
print(ChaCha20Poly1305(key).decrypt(nonce, bytes.fromhex(\"{ct}{tag}\"), aad).hex())
"
        ),
        key: None,
        prints: r.plaintext.clone(),
    }
}

fn cbc(key: &Bytes, r: &CbcRecord) -> Recipe {
    let (key, iv, ct) = (key.hex(), r.iv.hex(), r.ciphertext.hex());
    let decrypted = [&r.plaintext.0[..], &r.mac.0, &r.padding.0].concat();
    Recipe {
        title: "Record decryption (AES-128-CBC)".into(),
        explanation: "AES-128-CBC decryption with the sender's write key and the explicit IV \
                      sent at the start of the record (RFC 5246 section 6.2.3.2). It prints the \
                      content, then its MAC, then the padding: padding_length + 1 bytes, each \
                      equal to padding_length, the last one being the padding_length field."
            .into(),
        openssl: format!(
            "echo {ct} | xxd -r -p | openssl enc -d -aes-128-cbc -K {key} -iv {iv} -nopad \
             {PRINT_HEX}"
        ),
        python: format!(
            "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

d = Cipher(algorithms.AES(bytes.fromhex(\"{key}\")), modes.CBC(bytes.fromhex(\"{iv}\"))).decryptor()
print((d.update(bytes.fromhex(\"{ct}\")) + d.finalize()).hex())
"
        ),
        key: None,
        prints: decrypted.into(),
    }
}

fn cbc_mac(mac_key: &Bytes, r: &CbcRecord) -> Recipe {
    let (digest, python_digest) = match r.mac_algorithm {
        MacAlgorithm::HmacSha1 => ("sha1", "sha1"),
        MacAlgorithm::HmacSha256 => ("sha256", "sha256"),
    };
    let (key, input) = (
        mac_key.hex(),
        format!("{}{}", r.mac_header.hex(), r.plaintext.hex()),
    );
    Recipe {
        title: format!("Record MAC (HMAC-{})", digest.to_ascii_uppercase()),
        explanation: "The MAC the record carries: HMAC with the sender's MAC key over seq_num + \
                      type + version + length + content (RFC 5246 section 6.2.3.1), computed \
                      before encryption (MAC-then-encrypt)."
            .into(),
        openssl: format!(
            "echo {input} | xxd -r -p | openssl dgst -{digest} -mac HMAC -macopt hexkey:{key} \
             -binary {PRINT_HEX}"
        ),
        python: format!(
            "import hashlib, hmac

key = bytes.fromhex(\"{key}\")
data = bytes.fromhex(\"{input}\")  # seq_num + type + version + length + content
print(hmac.new(key, data, hashlib.{python_digest}).hexdigest())
"
        ),
        key: None,
        prints: r.mac.clone(),
    }
}

/// The lane that was the client of `event`'s connection.
fn link_client(t: &Timeline, event: &Event) -> Option<Actor> {
    let link = link_of(t, event)?;
    connections(t)
        .into_iter()
        .find(|&c| same_pair(c, link))
        .map(|(client, _)| client)
}

/// The latest computation by `event`'s actor on `event`'s connection that `pick` recognizes,
/// at or before `index`.
fn latest_before<'t, T>(
    t: &'t Timeline,
    index: usize,
    event: &Event,
    pick: impl Fn(&'t Computation) -> Option<T>,
) -> Option<T> {
    // The same connection; or, for work outside any connection (an observer decrypting a
    // recording in an episode), the same step.
    let here = link_of(t, event);
    let same_context = |e: &Event| match (link_of(t, e), here) {
        (Some(l), Some(h)) => same_pair(l, h),
        (None, None) => e.step == event.step,
        _ => false,
    };
    t.events
        .get(..=index)?
        .iter()
        .rev()
        .filter(|e| e.actor == event.actor && same_context(e))
        .find_map(|e| match &e.kind {
            EventKind::Computation(c) => pick(c),
            _ => None,
        })
}

fn master_secret_of<'t>(t: &'t Timeline, index: usize, event: &Event) -> Option<&'t Bytes> {
    latest_before(t, index, event, |c| match c {
        Computation::MasterSecret(MasterSecretDerivation { master_secret, .. }) => {
            Some(master_secret)
        }
        _ => None,
    })
}

/// TLS 1.3: the finished_key derived for this Finished, just before it.
fn finished_key_of<'t>(t: &'t Timeline, index: usize, event: &Event) -> Option<&'t Bytes> {
    latest_before(t, index, event, |c| match c {
        Computation::HkdfExpandLabel { label, output, .. } if label == "finished" => Some(output),
        _ => None,
    })
}

/// TLS 1.3's Finished: an HMAC of the transcript hash with the finished_key.
fn finished13_recipe(digest: &str, key: &Bytes, hash: &Bytes, verify_data: &Bytes) -> Recipe {
    let (key, hash) = (key.hex(), hash.hex());
    Recipe {
        title: "verify_data".into(),
        explanation: format!(
            "verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, \
             CertificateVerify*)) (RFC 8446 section 4.4.4): {} bytes, the finished_key being \
             HKDF-Expand-Label(traffic secret, \"finished\", \"\", Hash.length).",
            verify_data.len()
        ),
        openssl: format!(
            "echo {hash} | xxd -r -p | openssl mac -digest {} -macopt hexkey:{key} -binary \
             HMAC {PRINT_HEX}",
            digest.to_ascii_uppercase()
        ),
        python: format!(
            "import hashlib, hmac

print(hmac.new(bytes.fromhex(\"{key}\"), bytes.fromhex(\"{hash}\"), hashlib.{digest}).hexdigest())
"
        ),
        key: None,
        prints: verify_data.clone(),
    }
}

fn key_block_of<'t>(t: &'t Timeline, index: usize, event: &Event) -> Option<&'t KeyBlock> {
    latest_before(t, index, event, |c| match c {
        Computation::KeyBlock { keys, .. } => Some(keys),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{RunConfig, run};
    use crate::scenario::Scenario;

    fn moduli(scenario: Scenario) -> Vec<Vec<u8>> {
        let mut config = RunConfig::new(1, 1_800_000_000);
        config.scenario = scenario;
        let t = run(&config).unwrap();
        t.premaster_encryptions()
            .map(|p| p.modulus.0.clone())
            .collect()
    }

    #[test]
    fn the_key_is_found_by_its_modulus() {
        let happy = moduli(Scenario::Happy);
        assert_eq!(key_for_modulus(&happy[0]).name, "server.key");
        let mitm: Vec<_> = moduli(Scenario::MitmTrusted)
            .iter()
            .map(|n| key_for_modulus(n).name)
            .collect();
        // The attacker completes its own handshake with the server before answering the client.
        assert_eq!(mitm, ["server.key", "attacker.key"]);
        // A fragment of a key, or a short "modulus" from an edited file, is nobody's we know.
        for n in [&happy[0][..1], &happy[0][..64], &[][..]] {
            let key = key_for_modulus(n);
            assert!(key.pem.is_none() && key.whose == "the server's");
        }
    }
}
