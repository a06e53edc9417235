//! Handshake messages (RFC 5246 section 7.4) and the hello extensions this crate speaks.
//!
//! Each message has `encode` and a decoder that records every field's span. Extensions the
//! crate does not understand are kept as [`Extension::Unknown`] so they can be shown.

use super::enums::{CipherSuite, ExtensionType, HandshakeType, SignatureScheme};
use crate::codec::{DecodeResult, Reader, Writer};
use crate::timeline::Field;

/// ProtocolVersion for TLS 1.2 (RFC 5246 section 6.2.1).
pub const TLS12: [u8; 2] = [3, 3];

/// The hello extensions (RFC 5246 section 7.4.1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Extension {
    /// RFC 6066 section 3: the host name the client wants to reach.
    ServerName(String),
    /// RFC 5246 section 7.4.1.4.1.
    SignatureAlgorithms(Vec<SignatureScheme>),
    /// RFC 5746 section 3.2: `renegotiated_connection`, empty on an initial handshake.
    RenegotiationInfo(Vec<u8>),
    /// RFC 7627 section 5.1: always empty.
    ExtendedMasterSecret,
    Unknown(ExtensionType, Vec<u8>),
}

impl Extension {
    pub fn typ(&self) -> ExtensionType {
        match self {
            Extension::ServerName(_) => ExtensionType::ServerName,
            Extension::SignatureAlgorithms(_) => ExtensionType::SignatureAlgorithms,
            Extension::RenegotiationInfo(_) => ExtensionType::RenegotiationInfo,
            Extension::ExtendedMasterSecret => ExtensionType::ExtendedMasterSecret,
            Extension::Unknown(t, _) => *t,
        }
    }

    fn encode(&self, w: &mut Writer) {
        w.u16(self.typ().to_wire());
        w.vector(2, |w| match self {
            // ServerNameList with one host_name entry (name_type 0).
            Extension::ServerName(name) => w.vector(2, |w| {
                w.u8(0);
                w.opaque(2, name.as_bytes());
            }),
            Extension::SignatureAlgorithms(schemes) => w.vector(2, |w| {
                for s in schemes {
                    w.u16(s.to_wire());
                }
            }),
            Extension::RenegotiationInfo(data) => w.opaque(1, data),
            Extension::ExtendedMasterSecret => {}
            Extension::Unknown(_, data) => w.bytes(data),
        });
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        r.group("extension", |r| {
            let typ = ExtensionType::from_wire(r.u16("extension_type")?);
            r.describe_last(typ.name());
            r.vector("extension_data", 2, |r| match typ {
                // RFC 6066 section 3: a server acknowledges server_name with an empty
                // extension, kept as an empty Unknown.
                ExtensionType::ServerName if r.is_empty() => {
                    Ok(Extension::Unknown(typ, Vec::new()))
                }
                ExtensionType::ServerName => {
                    let names = r.vector("server_name_list", 2, |r| {
                        r.until_empty(|r| {
                            r.group("server_name", |r| {
                                let name_type = r.u8("name_type")?;
                                let name = r.opaque("host_name", 2)?;
                                let text = String::from_utf8_lossy(name).into_owned();
                                r.describe_last(text.clone());
                                Ok((name_type, text))
                            })
                        })
                    })?;
                    // Only host_name (0) is defined; take the first one.
                    Ok(names
                        .into_iter()
                        .find(|(t, _)| *t == 0)
                        .map(|(_, n)| Extension::ServerName(n))
                        .unwrap_or(Extension::Unknown(typ, Vec::new())))
                }
                ExtensionType::SignatureAlgorithms => {
                    let schemes = r.vector("supported_signature_algorithms", 2, |r| {
                        r.until_empty(|r| {
                            let s = SignatureScheme::from_wire(r.u16("scheme")?);
                            r.describe_last(s.name());
                            Ok(s)
                        })
                    })?;
                    Ok(Extension::SignatureAlgorithms(schemes))
                }
                ExtensionType::RenegotiationInfo => Ok(Extension::RenegotiationInfo(
                    r.opaque("renegotiated_connection", 1)?.to_vec(),
                )),
                ExtensionType::ExtendedMasterSecret => Ok(Extension::ExtendedMasterSecret),
                _ => Ok(Extension::Unknown(typ, r.rest("data")?.to_vec())),
            })
        })
    }
}

fn encode_extensions(w: &mut Writer, extensions: &[Extension]) {
    // RFC 5246 section 7.4.1.2: the extensions block is omitted entirely when empty.
    if !extensions.is_empty() {
        w.vector(2, |w| extensions.iter().for_each(|e| e.encode(w)));
    }
}

fn decode_extensions(r: &mut Reader) -> DecodeResult<Vec<Extension>> {
    if r.is_empty() {
        return Ok(Vec::new());
    }
    r.vector("extensions", 2, |r| r.until_empty(Extension::decode))
}

/// The first extension type that appears twice: RFC 5246 section 7.4.1.4 forbids that.
pub fn duplicate_extension(extensions: &[Extension]) -> Option<ExtensionType> {
    extensions
        .iter()
        .enumerate()
        .find(|(i, e)| extensions[..*i].iter().any(|p| p.typ() == e.typ()))
        .map(|(_, e)| e.typ())
}

fn find(extensions: &[Extension], typ: ExtensionType) -> Option<&Extension> {
    extensions.iter().find(|e| e.typ() == typ)
}

/// RFC 5246 section 7.4.1.2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    pub client_version: [u8; 2],
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<CipherSuite>,
    pub compression_methods: Vec<u8>,
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    pub fn extension(&self, typ: ExtensionType) -> Option<&Extension> {
        find(&self.extensions, typ)
    }

    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.client_version);
        w.bytes(&self.random);
        w.opaque(1, &self.session_id);
        w.vector(2, |w| {
            self.cipher_suites.iter().for_each(|s| w.u16(s.to_wire()))
        });
        w.opaque(1, &self.compression_methods);
        encode_extensions(w, &self.extensions);
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let client_version = version(r, "client_version")?;
        let random = random(r)?;
        let session_id = session_id(r)?;
        let cipher_suites = r.vector("cipher_suites", 2, |r| {
            r.until_empty(|r| {
                let s = CipherSuite::from_wire(r.u16("cipher_suite")?);
                r.describe_last(s.name());
                Ok(s)
            })
        })?;
        r.require(
            !cipher_suites.is_empty(),
            "cipher_suites",
            "CipherSuite cipher_suites<2..2^16-2> is empty",
        )?;
        let compression_methods = r.opaque("compression_methods", 1)?.to_vec();
        r.require(
            !compression_methods.is_empty(),
            "compression_methods",
            "CompressionMethod compression_methods<1..2^8-1> is empty",
        )?;
        let extensions = decode_extensions(r)?;
        Ok(ClientHello {
            client_version,
            random,
            session_id,
            cipher_suites,
            compression_methods,
            extensions,
        })
    }
}

/// RFC 5246 section 7.4.1.3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    pub server_version: [u8; 2],
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: CipherSuite,
    pub compression_method: u8,
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    pub fn extension(&self, typ: ExtensionType) -> Option<&Extension> {
        find(&self.extensions, typ)
    }

    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.server_version);
        w.bytes(&self.random);
        w.opaque(1, &self.session_id);
        w.u16(self.cipher_suite.to_wire());
        w.u8(self.compression_method);
        encode_extensions(w, &self.extensions);
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let server_version = version(r, "server_version")?;
        let random = random(r)?;
        let session_id = session_id(r)?;
        let cipher_suite = CipherSuite::from_wire(r.u16("cipher_suite")?);
        r.describe_last(cipher_suite.name());
        let compression_method = r.u8("compression_method")?;
        let extensions = decode_extensions(r)?;
        Ok(ServerHello {
            server_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions,
        })
    }
}

fn version(r: &mut Reader, name: &str) -> DecodeResult<[u8; 2]> {
    let v = r.u16(name)?.to_be_bytes();
    r.describe_last(match v {
        [3, 1] => "TLS 1.0 (3,1)".to_string(),
        [3, 2] => "TLS 1.1 (3,2)".to_string(),
        [3, 3] => "TLS 1.2 (3,3)".to_string(),
        [a, b] => format!("({a},{b})"),
    });
    Ok(v)
}

/// `opaque SessionID<0..32>` (RFC 5246 section 7.4.1.2).
fn session_id(r: &mut Reader) -> DecodeResult<Vec<u8>> {
    let id = r.opaque("session_id", 1)?.to_vec();
    r.require(
        id.len() <= 32,
        "session_id",
        "SessionID longer than 32 bytes",
    )?;
    Ok(id)
}

fn random(r: &mut Reader) -> DecodeResult<[u8; 32]> {
    let mut random = [0; 32];
    random.copy_from_slice(r.bytes("random", 32)?);
    Ok(random)
}

/// RFC 5246 section 7.4.4: the server asks for a client certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    pub certificate_types: Vec<u8>,
    pub signature_algorithms: Vec<SignatureScheme>,
    /// DER-encoded DistinguishedNames of acceptable CAs.
    pub certificate_authorities: Vec<Vec<u8>>,
}

impl CertificateRequest {
    fn encode(&self, w: &mut Writer) {
        w.opaque(1, &self.certificate_types);
        w.vector(2, |w| {
            self.signature_algorithms
                .iter()
                .for_each(|s| w.u16(s.to_wire()))
        });
        w.vector(2, |w| {
            self.certificate_authorities
                .iter()
                .for_each(|dn| w.opaque(2, dn))
        });
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let certificate_types = r.opaque("certificate_types", 1)?.to_vec();
        let signature_algorithms = r.vector("supported_signature_algorithms", 2, |r| {
            r.until_empty(|r| {
                let s = SignatureScheme::from_wire(r.u16("scheme")?);
                r.describe_last(s.name());
                Ok(s)
            })
        })?;
        let certificate_authorities = r.vector("certificate_authorities", 2, |r| {
            r.until_empty(|r| Ok(r.opaque("DistinguishedName", 2)?.to_vec()))
        })?;
        Ok(CertificateRequest {
            certificate_types,
            signature_algorithms,
            certificate_authorities,
        })
    }
}

/// The body of a handshake message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandshakePayload {
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    /// RFC 5246 section 7.4.2: ASN.1Cert certificate_list<0..2^24-1>, sender's certificate first.
    Certificate(Vec<Vec<u8>>),
    CertificateRequest(CertificateRequest),
    /// RFC 5246 section 7.4.5: empty.
    ServerHelloDone,
    /// RFC 5246 section 7.4.7.1: the RSA-encrypted premaster secret, as an opaque<0..2^16-1>.
    ClientKeyExchange(Vec<u8>),
    /// RFC 5246 section 7.4.9: verify_data.
    Finished(Vec<u8>),
    /// A message this crate does not take part in, kept whole.
    Unknown(HandshakeType, Vec<u8>),
}

impl HandshakePayload {
    pub fn typ(&self) -> HandshakeType {
        match self {
            Self::ClientHello(_) => HandshakeType::ClientHello,
            Self::ServerHello(_) => HandshakeType::ServerHello,
            Self::Certificate(_) => HandshakeType::Certificate,
            Self::CertificateRequest(_) => HandshakeType::CertificateRequest,
            Self::ServerHelloDone => HandshakeType::ServerHelloDone,
            Self::ClientKeyExchange(_) => HandshakeType::ClientKeyExchange,
            Self::Finished(_) => HandshakeType::Finished,
            Self::Unknown(t, _) => *t,
        }
    }

    /// The message's name as the RFC writes it, e.g. "ClientHello".
    pub fn title(&self) -> String {
        match self.typ() {
            HandshakeType::ClientHello => "ClientHello".into(),
            HandshakeType::ServerHello => "ServerHello".into(),
            HandshakeType::Certificate => "Certificate".into(),
            HandshakeType::CertificateRequest => "CertificateRequest".into(),
            HandshakeType::ServerHelloDone => "ServerHelloDone".into(),
            HandshakeType::ClientKeyExchange => "ClientKeyExchange".into(),
            HandshakeType::Finished => "Finished".into(),
            other => other.name(),
        }
    }

    /// The complete message: msg_type, the 24-bit length and the body (RFC 5246 section 7.4).
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(self.typ().to_wire());
        w.vector(3, |w| match self {
            Self::ClientHello(m) => m.encode(w),
            Self::ServerHello(m) => m.encode(w),
            Self::Certificate(chain) => w.vector(3, |w| chain.iter().for_each(|c| w.opaque(3, c))),
            Self::CertificateRequest(m) => m.encode(w),
            Self::ServerHelloDone => {}
            Self::ClientKeyExchange(encrypted) => w.opaque(2, encrypted),
            Self::Finished(verify_data) => w.bytes(verify_data),
            Self::Unknown(_, body) => w.bytes(body),
        });
        w.buf
    }

    /// Decodes one complete message (header included) and the field tree of its bytes.
    pub fn decode(bytes: &[u8]) -> DecodeResult<(Self, Field)> {
        let mut r = Reader::new(bytes);
        let payload = r.group("handshake", |r| {
            let typ = HandshakeType::from_wire(r.u8("msg_type")?);
            r.describe_last(typ.name());
            r.vector("body", 3, |r| Self::decode_body(typ, r))
        })?;
        r.expect_end("handshake")?;
        let mut fields = r.into_fields();
        // `group` pushed exactly one field above, so the vector is not empty.
        let mut root = fields.pop().unwrap_or_else(|| unreachable!());
        root.value = Some(payload.title());
        Ok((payload, root))
    }

    fn decode_body(typ: HandshakeType, r: &mut Reader) -> DecodeResult<Self> {
        Ok(match typ {
            HandshakeType::ClientHello => Self::ClientHello(ClientHello::decode(r)?),
            HandshakeType::ServerHello => Self::ServerHello(ServerHello::decode(r)?),
            HandshakeType::Certificate => {
                Self::Certificate(r.vector("certificate_list", 3, |r| {
                    r.until_empty(|r| Ok(r.opaque("ASN.1Cert", 3)?.to_vec()))
                })?)
            }
            HandshakeType::CertificateRequest => {
                Self::CertificateRequest(CertificateRequest::decode(r)?)
            }
            HandshakeType::ServerHelloDone => Self::ServerHelloDone,
            HandshakeType::ClientKeyExchange => {
                Self::ClientKeyExchange(r.opaque("EncryptedPreMasterSecret", 2)?.to_vec())
            }
            HandshakeType::Finished => Self::Finished(r.rest("verify_data")?.to_vec()),
            other => Self::Unknown(other, r.rest("body")?.to_vec()),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::msgs::enums::ExtensionType;

    pub(crate) fn samples() -> Vec<HandshakePayload> {
        vec![
            HandshakePayload::ClientHello(ClientHello {
                client_version: TLS12,
                random: [7; 32],
                session_id: vec![],
                cipher_suites: vec![
                    CipherSuite::TLS_RSA_WITH_AES_128_GCM_SHA256,
                    CipherSuite::Unknown(0x1301),
                ],
                compression_methods: vec![0],
                extensions: vec![
                    Extension::ServerName("example.com".into()),
                    Extension::SignatureAlgorithms(vec![SignatureScheme::RsaPkcs1Sha256]),
                    Extension::RenegotiationInfo(vec![]),
                    Extension::ExtendedMasterSecret,
                    Extension::Unknown(ExtensionType::Unknown(0x4242), vec![1, 2, 3]),
                ],
            }),
            HandshakePayload::ServerHello(ServerHello {
                server_version: TLS12,
                random: [9; 32],
                session_id: vec![1; 32],
                cipher_suite: CipherSuite::TLS_RSA_WITH_AES_128_CBC_SHA,
                compression_method: 0,
                extensions: vec![Extension::RenegotiationInfo(vec![])],
            }),
            HandshakePayload::Certificate(vec![vec![0x30, 0x03, 1, 2, 3], vec![0x30, 0x00]]),
            HandshakePayload::CertificateRequest(CertificateRequest {
                certificate_types: vec![1, 64],
                signature_algorithms: vec![SignatureScheme::RsaPkcs1Sha256],
                certificate_authorities: vec![vec![0x30, 0x00]],
            }),
            HandshakePayload::ServerHelloDone,
            HandshakePayload::ClientKeyExchange(vec![0xab; 256]),
            HandshakePayload::Finished(vec![0x11; 12]),
        ]
    }

    #[test]
    fn every_message_round_trips_and_every_truncation_fails() {
        for msg in samples() {
            let bytes = msg.encode();
            let (decoded, fields) = HandshakePayload::decode(&bytes).unwrap();
            assert_eq!(decoded, msg);
            assert_eq!(decoded.encode(), bytes);
            assert_eq!((fields.start, fields.len), (0, bytes.len()));
            for cut in 0..bytes.len() {
                assert!(
                    HandshakePayload::decode(&bytes[..cut]).is_err(),
                    "{} truncated to {cut} bytes decoded",
                    msg.title()
                );
            }
        }
    }

    #[test]
    fn fields_point_at_their_bytes() {
        let msg = &samples()[0];
        let bytes = msg.encode();
        let (_, root) = HandshakePayload::decode(&bytes).unwrap();
        let random = root.find("random").unwrap();
        assert_eq!(&bytes[random.start..random.start + random.len], &[7; 32]);
        let sni = root.find("host_name").unwrap();
        assert_eq!(sni.value.as_deref(), Some("example.com"));
        let extensions = root.find("extensions").unwrap();
        let names: Vec<_> = extensions.children[1..]
            .iter()
            .map(|e| e.find("extension_type").unwrap().value.clone().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "server_name",
                "signature_algorithms",
                "renegotiation_info",
                "extended_master_secret",
                "unknown(0x4242)"
            ]
        );
    }

    #[test]
    fn a_message_with_trailing_bytes_is_rejected() {
        let mut bytes = HandshakePayload::ServerHelloDone.encode();
        bytes.push(0);
        assert!(HandshakePayload::decode(&bytes).is_err());
    }
}
