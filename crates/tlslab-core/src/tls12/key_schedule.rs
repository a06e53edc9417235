//! The TLS 1.2 key schedule, the one every party runs: both peers, the observer who later holds
//! the server's key, and the tests that forge flights.
//!
//! ```text
//! with the suite's PRF (P_SHA256, or P_SHA384 for the _SHA384 suites):
//!
//! premaster ──PRF("master secret", client_random + server_random)──> master_secret  (RFC 5246 8.1)
//!           ──PRF("extended master secret", session_hash)─────────> master_secret  (RFC 7627 4)
//! master_secret ──PRF("key expansion", server_random + client_random)──> key_block   (6.3)
//! master_secret ──PRF(finished_label, Hash(handshake_messages))──> verify_data       (7.4.9)
//! ```
//!
//! Each function returns its value together with the [`Computation`] that records it, so the
//! timeline shows exactly what was computed.

use crate::crypto::prf;
use crate::crypto::suite::SuiteParams;
use crate::timeline::KeyBlock;
use crate::timeline::{Computation, MasterSecretDerivation};

/// What a premaster secret turns into.
pub struct Derived {
    pub master_secret: [u8; prf::MASTER_SECRET_LEN],
    /// The raw key block, in the order of RFC 5246 section 6.3.
    pub key_block: Vec<u8>,
    pub keys: KeyBlock,
    /// The master secret and key block computations, in that order.
    pub computations: [Computation; 2],
}

/// The master secret and the key block from `premaster`. With a `session_hash` (the hash of
/// the handshake through ClientKeyExchange) the master secret is RFC 7627's extended one.
/// `None` only if the suite's key block cannot be split, which no implemented suite allows.
pub fn derive(
    premaster: &[u8],
    client_random: &[u8],
    server_random: &[u8],
    session_hash: Option<&[u8]>,
    params: &SuiteParams,
) -> Option<Derived> {
    let (label, seed, master) = match session_hash {
        Some(hash) => (
            prf::LABEL_EXTENDED_MASTER_SECRET,
            hash.to_vec(),
            prf::extended_master_secret(params.prf, premaster, hash),
        ),
        None => (
            prf::LABEL_MASTER_SECRET,
            [client_random, server_random].concat(),
            prf::master_secret(params.prf, premaster, client_random, server_random),
        ),
    };
    let key_block = prf::key_block(
        params.prf,
        &master,
        server_random,
        client_random,
        KeyBlock::len(params),
    );
    let keys = KeyBlock::split(&key_block, params)?;
    let computations = [
        Computation::MasterSecret(MasterSecretDerivation {
            extended: session_hash.is_some(),
            premaster: premaster.into(),
            label: label_text(label),
            seed: seed.into(),
            master_secret: master.to_vec().into(),
        }),
        Computation::KeyBlock {
            label: label_text(prf::LABEL_KEY_EXPANSION),
            seed: [server_random, client_random].concat().into(),
            key_block: key_block.clone().into(),
            keys: keys.clone(),
        },
    ];
    Some(Derived {
        master_secret: master,
        key_block,
        keys,
        computations,
    })
}

/// A PRF label as the timeline writes it.
pub(crate) fn label_text(label: &[u8]) -> String {
    String::from_utf8_lossy(label).into_owned()
}
