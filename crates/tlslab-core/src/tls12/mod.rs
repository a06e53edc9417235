//! TLS 1.2 (RFC 5246): the client and server state machines and the key schedule they share.
//! Both run on a [`CommonState`] (record layer, transcript, events).

pub mod client;
pub mod key_schedule;
pub mod server;

pub use client::ClientConfig;
pub use server::ServerConfig;

use crate::common::CommonState;
use crate::crypto::ecdhe::{self, EphemeralKey};
use crate::crypto::prf;
use crate::crypto::suite::SuiteParams;
use crate::error::TlsError;
use crate::msgs::enums::{AlertDescription, NamedGroup};
use crate::msgs::handshake::HandshakePayload;
use crate::timeline::KeyBlock;
use crate::timeline::{Computation, ValueName};
use subtle::ConstantTimeEq;

/// Which end of an ECDH exchange a side is, which names its key and share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EcdhSide {
    Client,
    Server,
}

impl EcdhSide {
    /// (our private scalar, our public share).
    fn names(self) -> (ValueName, ValueName) {
        match self {
            EcdhSide::Client => (ValueName::ClientEphemeralKey, ValueName::ClientShare),
            EcdhSide::Server => (ValueName::ServerEphemeralKey, ValueName::ServerShare),
        }
    }
}

/// How every handshake starts, TLS 1.2 or 1.3: what each side holds before it (recorded as
/// `Held`) and the client's random.
impl CommonState {
    /// The client holds its trust anchors and draws its 32-byte random (RFC 5246 section
    /// 7.4.1.2, RFC 8446 section 4.1.2), recorded and learned.
    pub(crate) fn start_client(&mut self, trust_anchors: &[Vec<u8>]) -> [u8; 32] {
        for anchor in trust_anchors {
            self.hold(ValueName::TrustAnchor, anchor);
        }
        let mut random = [0u8; 32];
        self.rng.fill(&mut random);
        self.compute(Computation::Random {
            name: ValueName::ClientRandom,
            value: random.to_vec().into(),
        });
        self.learn(ValueName::ClientRandom, &random);
        random
    }

    /// The server holds its private key (d stands for the whole key in the who-knows-what
    /// view) and its own certificate.
    pub(crate) fn start_server(&mut self, config: &ServerConfig) {
        use rsa::traits::PrivateKeyParts;
        let d = config.private_key.d().to_be_bytes_trimmed_vartime();
        self.hold(ValueName::ServerPrivateKey, &d);
        if let Some(own) = config.certificate_chain.first() {
            self.hold(ValueName::ServerCertificate, own);
        }
    }
}

/// The key schedule and Finished as a side runs them: each value computed once, by
/// [`key_schedule`], and recorded as it is computed.
impl CommonState {
    /// The master secret and the key block from the premaster. With the extended master
    /// secret, the seed is the session hash: the transcript through ClientKeyExchange
    /// (RFC 7627 sections 3-4).
    pub(crate) fn derive_keys(
        &mut self,
        premaster: &[u8],
        client_random: &[u8],
        server_random: &[u8],
        extended: bool,
        params: &'static SuiteParams,
    ) -> Result<([u8; 48], KeyBlock), TlsError> {
        let session_hash = extended.then(|| {
            let (hash, computation) = self.transcript.hash(params.prf, "session_hash");
            self.compute(computation);
            hash
        });
        let derived = key_schedule::derive(
            premaster,
            client_random,
            server_random,
            session_hash.as_deref(),
            params,
        )
        .ok_or_else(|| {
            TlsError::new(
                AlertDescription::InternalError,
                "key block of the wrong length",
            )
        })?;
        let [master_computation, key_block_computation] = derived.computations;
        self.compute(master_computation);
        self.learn(ValueName::MasterSecret, &derived.master_secret);
        self.compute(key_block_computation);
        self.learn(ValueName::KeyBlock, &derived.key_block);
        Ok((derived.master_secret, derived.keys))
    }

    /// A key pair on `group` for this handshake (RFC 8422 sections 5.4 and 5.7), recorded and
    /// learned under `side`'s names.
    pub(crate) fn ecdh_key_pair(
        &mut self,
        group: NamedGroup,
        side: EcdhSide,
    ) -> Result<EphemeralKey, TlsError> {
        let key = ecdhe::generate(group, self.rng.as_mut())
            .map_err(|e| TlsError::new(AlertDescription::InternalError, e.to_string()))?;
        self.compute(Computation::EcdhKeyPair {
            group: group.name(),
            private: key.private.clone().into(),
            public: key.public.clone().into(),
        });
        let (private, share) = side.names();
        self.learn(private, &key.private);
        self.learn(share, &key.public);
        Ok(key)
    }

    /// The shared secret from our key and the peer's share (RFC 8422 section 5.10), recorded
    /// and learned as `learned_as` (TLS 1.2's premaster, TLS 1.3's shared secret). A share that is not a point of the group, or an X25519 result of all zeros,
    /// ends the handshake (section 5.11).
    pub(crate) fn ecdh_premaster(
        &mut self,
        key: &EphemeralKey,
        peer_share: &[u8],
        learned_as: ValueName,
    ) -> Result<Vec<u8>, TlsError> {
        let premaster = ecdhe::shared_secret(key.group, &key.private, peer_share)
            .map_err(|e| TlsError::new(AlertDescription::IllegalParameter, e.to_string()))?;
        self.compute(Computation::EcdhSharedSecret {
            group: key.group.name(),
            peer_public: peer_share.into(),
            premaster: premaster.clone().into(),
        });
        self.learn(learned_as, &premaster);
        Ok(premaster)
    }

    /// Computes our verify_data for `label` ("client finished" or "server finished") and sends
    /// it in a Finished message (RFC 5246 section 7.4.9).
    pub(crate) fn send_finished(
        &mut self,
        params: &SuiteParams,
        master: &[u8],
        label: &[u8],
    ) -> Result<(), TlsError> {
        let (hash, verify_data) = self.verify_data(params, master, label);
        self.compute(Computation::VerifyData {
            label: key_schedule::label_text(label),
            handshake_hash: hash.clone().into(),
            verify_data: verify_data.to_vec().into(),
            received: None,
            matches: None,
        });
        self.send_handshake(&HandshakePayload::Finished(verify_data.to_vec()))
    }

    /// Checks the peer's Finished against the verify_data we compute for `label`, then adds it
    /// to the transcript.
    pub(crate) fn check_finished(
        &mut self,
        params: &SuiteParams,
        master: &[u8],
        label: &[u8],
        received: Vec<u8>,
    ) -> Result<(), TlsError> {
        if received.len() != prf::VERIFY_DATA_LEN {
            return Err(TlsError::new(
                AlertDescription::DecodeError,
                format!(
                    "Finished carries {} bytes of verify_data, not 12",
                    received.len()
                ),
            ));
        }
        let (hash, expected) = self.verify_data(params, master, label);
        let matches = bool::from(expected.ct_eq(received.as_slice()));
        self.compute(Computation::VerifyData {
            label: key_schedule::label_text(label),
            handshake_hash: hash.clone().into(),
            verify_data: expected.to_vec().into(),
            received: Some(received.clone().into()),
            matches: Some(matches),
        });
        if !matches {
            return Err(TlsError::new(
                AlertDescription::DecryptError,
                format!(
                    "the peer's Finished does not match our transcript ({})",
                    key_schedule::label_text(label)
                ),
            ));
        }
        let finished = HandshakePayload::Finished(received).encode();
        self.transcript.add("Finished", &finished);
        Ok(())
    }

    /// verify_data for `label` over the transcript so far, with the recorded transcript hash.
    fn verify_data(
        &mut self,
        params: &SuiteParams,
        master: &[u8],
        label: &[u8],
    ) -> (Vec<u8>, [u8; 12]) {
        let purpose = key_schedule::label_text(label).replace(' ', "_");
        let (hash, computation) = self.transcript.hash(params.prf, &purpose);
        self.compute(computation);
        let verify_data = prf::verify_data(params.prf, master, label, &hash);
        (hash, verify_data)
    }
}
