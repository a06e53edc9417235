//! Handshake messages (RFC 5246 section 7.4) and the hello extensions this crate speaks.
//!
//! Each message has `encode` and a decoder that records every field's span. Extensions the
//! crate does not understand are kept as [`Extension::Unknown`] so they can be shown.

use super::enums::{
    CipherSuite, EcPointFormat, ExtensionType, HandshakeType, NamedGroup, SignatureScheme,
};
use super::tls13::{
    self, Certificate as Certificate13, CertificateRequest as CertificateRequest13,
    CertificateVerify, HELLO_RETRY_REQUEST_RANDOM, KeyShare, NewSessionTicket, SupportedVersions,
};
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
    /// RFC 8422 section 5.1.1 (RFC 7919 calls it supported_groups): the groups for ECDHE,
    /// most preferred first.
    SupportedGroups(Vec<NamedGroup>),
    /// RFC 8422 section 5.1.2: the point formats the sender can parse.
    EcPointFormats(Vec<EcPointFormat>),
    /// RFC 8446 section 4.2.1.
    SupportedVersions(SupportedVersions),
    /// RFC 8446 section 4.2.8.
    KeyShare(KeyShare),
    /// RFC 8446 section 4.2.2: `opaque cookie<1..2^16-1>`, from a HelloRetryRequest.
    Cookie(Vec<u8>),
    /// RFC 8446 section 4.2.9: `PskKeyExchangeMode ke_modes<1..255>`.
    PskKeyExchangeModes(Vec<u8>),
    Unknown(ExtensionType, Vec<u8>),
}

/// The message an extension block belongs to: supported_versions and key_share are written
/// differently in each (RFC 8446 sections 4.2.1 and 4.2.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionContext {
    ClientHello,
    ServerHello,
    HelloRetryRequest,
    /// EncryptedExtensions, a certificate entry, a ticket: neither extension belongs there,
    /// and either is kept as Unknown for the state machine to refuse.
    Other,
}

impl Extension {
    pub fn typ(&self) -> ExtensionType {
        match self {
            Extension::ServerName(_) => ExtensionType::ServerName,
            Extension::SignatureAlgorithms(_) => ExtensionType::SignatureAlgorithms,
            Extension::RenegotiationInfo(_) => ExtensionType::RenegotiationInfo,
            Extension::ExtendedMasterSecret => ExtensionType::ExtendedMasterSecret,
            Extension::SupportedGroups(_) => ExtensionType::SupportedGroups,
            Extension::EcPointFormats(_) => ExtensionType::EcPointFormats,
            Extension::SupportedVersions(_) => ExtensionType::SupportedVersions,
            Extension::KeyShare(_) => ExtensionType::KeyShare,
            Extension::Cookie(_) => ExtensionType::Cookie,
            Extension::PskKeyExchangeModes(_) => ExtensionType::PskKeyExchangeModes,
            Extension::Unknown(t, _) => *t,
        }
    }

    pub(super) fn encode(&self, w: &mut Writer) {
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
            Extension::SupportedGroups(groups) => w.vector(2, |w| {
                for g in groups {
                    w.u16(g.to_wire());
                }
            }),
            Extension::EcPointFormats(formats) => w.vector(1, |w| {
                for f in formats {
                    w.u8(f.to_wire());
                }
            }),
            Extension::SupportedVersions(v) => v.encode(w),
            Extension::KeyShare(k) => k.encode(w),
            Extension::Cookie(cookie) => w.opaque(2, cookie),
            Extension::PskKeyExchangeModes(modes) => w.opaque(1, modes),
            Extension::Unknown(_, data) => w.bytes(data),
        });
    }

    pub(super) fn decode(r: &mut Reader, context: ExtensionContext) -> DecodeResult<Self> {
        let hello = context != ExtensionContext::Other;
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
                ExtensionType::SupportedGroups => {
                    let groups = r.vector("named_group_list", 2, |r| {
                        r.until_empty(|r| {
                            let g = NamedGroup::from_wire(r.u16("named_group")?);
                            r.describe_last(g.name());
                            Ok(g)
                        })
                    })?;
                    Ok(Extension::SupportedGroups(groups))
                }
                ExtensionType::EcPointFormats => {
                    let formats = r.vector("ec_point_format_list", 1, |r| {
                        r.until_empty(|r| {
                            let f = EcPointFormat::from_wire(r.u8("ec_point_format")?);
                            r.describe_last(f.name());
                            Ok(f)
                        })
                    })?;
                    Ok(Extension::EcPointFormats(formats))
                }
                ExtensionType::SupportedVersions if hello => Ok(Extension::SupportedVersions(
                    SupportedVersions::decode(r, context)?,
                )),
                ExtensionType::KeyShare if hello => {
                    Ok(Extension::KeyShare(KeyShare::decode(r, context)?))
                }
                ExtensionType::Cookie => {
                    let cookie = r.opaque("cookie", 2)?.to_vec();
                    r.require(!cookie.is_empty(), "cookie", "cookie<1..2^16-1> is empty")?;
                    Ok(Extension::Cookie(cookie))
                }
                ExtensionType::PskKeyExchangeModes => {
                    let modes = r.opaque("ke_modes", 1)?.to_vec();
                    r.require(!modes.is_empty(), "ke_modes", "ke_modes<1..255> is empty")?;
                    Ok(Extension::PskKeyExchangeModes(modes))
                }
                _ => Ok(Extension::Unknown(typ, r.rest("data")?.to_vec())),
            })
        })
    }
}

pub(super) fn encode_extensions(w: &mut Writer, extensions: &[Extension]) {
    // RFC 5246 section 7.4.1.2: the extensions block is omitted entirely when empty.
    if !extensions.is_empty() {
        w.vector(2, |w| extensions.iter().for_each(|e| e.encode(w)));
    }
}

/// A hello's extensions block, absent when empty (RFC 5246 section 7.4.1.2).
pub(super) fn decode_extensions(
    r: &mut Reader,
    context: ExtensionContext,
) -> DecodeResult<Vec<Extension>> {
    if r.is_empty() {
        return Ok(Vec::new());
    }
    r.vector("extensions", 2, |r| {
        r.until_empty(|r| Extension::decode(r, context))
    })
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

/// How the premaster secret is agreed, which decides what a ClientKeyExchange carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyExchange {
    /// RFC 5246 section 7.4.7.1: the client encrypts it to the server's RSA key.
    Rsa,
    /// RFC 8422: both sides compute it from ephemeral ECDH shares.
    Ecdhe,
    /// TLS 1.3: the suite names no key exchange; (EC)DHE shares travel in key_share (RFC 8446
    /// section 4.2.8), and there is no ClientKeyExchange.
    KeyShare,
}

/// RFC 8422 section 5.4: the server's ephemeral ECDH share, and its signature over the randoms
/// and that share (RFC 5246 section 7.4.3: `digitally-signed struct { client_random,
/// server_random, params }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// ECParameters: `curve_type` named_curve (3), then the group.
    pub group: NamedGroup,
    /// ECPoint `point<1..2^8-1>`: the server's public share.
    pub public: Vec<u8>,
    /// RFC 5246 section 4.7: the SignatureAndHashAlgorithm used.
    pub scheme: SignatureScheme,
    pub signature: Vec<u8>,
}

/// RFC 8422 section 5.4: ECCurveType named_curve, the only one still allowed (section 5.1.1).
pub const NAMED_CURVE: u8 = 3;

impl ServerKeyExchange {
    /// The encoded ServerECDHParams: what the signature covers after the two randoms.
    pub fn params(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(NAMED_CURVE);
        w.u16(self.group.to_wire());
        w.opaque(1, &self.public);
        w.buf
    }

    /// What the server signs (RFC 8422 section 5.4): client_random + server_random + params.
    pub fn signed_content(&self, client_random: &[u8], server_random: &[u8]) -> Vec<u8> {
        [client_random, server_random, &self.params()].concat()
    }

    fn encode(&self, w: &mut Writer) {
        w.bytes(&self.params());
        w.u16(self.scheme.to_wire());
        w.opaque(2, &self.signature);
    }

    fn decode(r: &mut Reader) -> DecodeResult<Self> {
        let (group, public) = r.group("params", |r| {
            let curve_type = r.u8("curve_type")?;
            r.require(
                curve_type == NAMED_CURVE,
                "curve_type",
                "only named_curve (3) is allowed",
            )?;
            r.describe_last("named_curve");
            let group = NamedGroup::from_wire(r.u16("namedcurve")?);
            r.describe_last(group.name());
            let public = r.opaque("public", 1)?.to_vec();
            Ok((group, public))
        })?;
        let scheme = SignatureScheme::from_wire(r.u16("signature_algorithm")?);
        r.describe_last(scheme.name());
        let signature = r.opaque("signature", 2)?.to_vec();
        Ok(ServerKeyExchange {
            group,
            public,
            scheme,
            signature,
        })
    }
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
        let extensions = decode_extensions(r, ExtensionContext::ClientHello)?;
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
        let context = if random == HELLO_RETRY_REQUEST_RANDOM {
            ExtensionContext::HelloRetryRequest
        } else {
            ExtensionContext::ServerHello
        };
        let extensions = decode_extensions(r, context)?;
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
    /// RFC 8422 section 5.4 (ECDHE suites only).
    ServerKeyExchange(ServerKeyExchange),
    /// RFC 5246 section 7.4.5: empty.
    ServerHelloDone,
    /// RFC 5246 section 7.4.7.1: the RSA-encrypted premaster secret, as an opaque<0..2^16-1>.
    ClientKeyExchange(Vec<u8>),
    /// RFC 8422 section 5.7: the client's ECDH share, `ECPoint ecdh_Yc` (opaque<1..2^8-1>).
    ClientKeyExchangeEcdh(Vec<u8>),
    /// RFC 5246 section 7.4.9: verify_data.
    Finished(Vec<u8>),
    /// RFC 8446 section 4.3.1.
    EncryptedExtensions(Vec<Extension>),
    /// RFC 8446 section 4.4.2: TLS 1.3's Certificate, each certificate with its extensions.
    Certificate13(Certificate13),
    /// RFC 8446 section 4.3.2: TLS 1.3's CertificateRequest.
    CertificateRequest13(CertificateRequest13),
    /// RFC 8446 section 4.4.3.
    CertificateVerify(CertificateVerify),
    /// RFC 8446 section 4.6.1.
    NewSessionTicket(NewSessionTicket),
    /// RFC 8446 section 4.6.3: request_update, 0 or 1.
    KeyUpdate(u8),
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
            Self::ServerKeyExchange(_) => HandshakeType::ServerKeyExchange,
            Self::ServerHelloDone => HandshakeType::ServerHelloDone,
            Self::ClientKeyExchange(_) | Self::ClientKeyExchangeEcdh(_) => {
                HandshakeType::ClientKeyExchange
            }
            Self::Finished(_) => HandshakeType::Finished,
            Self::EncryptedExtensions(_) => HandshakeType::EncryptedExtensions,
            Self::Certificate13(_) => HandshakeType::Certificate,
            Self::CertificateRequest13(_) => HandshakeType::CertificateRequest,
            Self::CertificateVerify(_) => HandshakeType::CertificateVerify,
            Self::NewSessionTicket(_) => HandshakeType::NewSessionTicket,
            Self::KeyUpdate(_) => HandshakeType::KeyUpdate,
            Self::Unknown(t, _) => *t,
        }
    }

    /// The message's name as the RFC writes it, e.g. "ClientHello".
    pub fn title(&self) -> String {
        match self.typ() {
            HandshakeType::ClientHello => "ClientHello".into(),
            // RFC 8446 section 4.1.3: a ServerHello with this random is a HelloRetryRequest.
            HandshakeType::ServerHello
                if matches!(self, HandshakePayload::ServerHello(sh)
                    if sh.random == crate::msgs::tls13::HELLO_RETRY_REQUEST_RANDOM) =>
            {
                "HelloRetryRequest".into()
            }
            HandshakeType::ServerHello => "ServerHello".into(),
            HandshakeType::Certificate => "Certificate".into(),
            HandshakeType::CertificateRequest => "CertificateRequest".into(),
            HandshakeType::ServerKeyExchange => "ServerKeyExchange".into(),
            HandshakeType::ServerHelloDone => "ServerHelloDone".into(),
            HandshakeType::ClientKeyExchange => "ClientKeyExchange".into(),
            HandshakeType::Finished => "Finished".into(),
            HandshakeType::EncryptedExtensions => "EncryptedExtensions".into(),
            HandshakeType::CertificateVerify => "CertificateVerify".into(),
            HandshakeType::NewSessionTicket => "NewSessionTicket".into(),
            HandshakeType::KeyUpdate => "KeyUpdate".into(),
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
            Self::ServerKeyExchange(m) => m.encode(w),
            Self::ServerHelloDone => {}
            Self::ClientKeyExchange(encrypted) => w.opaque(2, encrypted),
            Self::ClientKeyExchangeEcdh(point) => w.opaque(1, point),
            Self::Finished(verify_data) => w.bytes(verify_data),
            Self::EncryptedExtensions(extensions) => {
                tls13::encode_encrypted_extensions(w, extensions)
            }
            Self::Certificate13(m) => m.encode(w),
            Self::CertificateRequest13(m) => m.encode(w),
            Self::CertificateVerify(m) => m.encode(w),
            Self::NewSessionTicket(m) => m.encode(w),
            Self::KeyUpdate(request) => w.u8(*request),
            Self::Unknown(_, body) => w.bytes(body),
        });
        w.buf
    }

    /// Decodes one complete message (header included) and the field tree of its bytes, a
    /// ClientKeyExchange as RSA key exchange's.
    pub fn decode(bytes: &[u8]) -> DecodeResult<(Self, Field)> {
        Self::decode_in(bytes, KeyExchange::Rsa)
    }

    /// Like [`HandshakePayload::decode`], a ClientKeyExchange read as `kx`'s: its body depends
    /// on the negotiated suite (RFC 5246 section 7.4.7, RFC 8422 section 5.7). With
    /// [`KeyExchange::KeyShare`] the messages are TLS 1.3's (RFC 8446 section 4).
    pub fn decode_in(bytes: &[u8], kx: KeyExchange) -> DecodeResult<(Self, Field)> {
        let mut r = Reader::new(bytes);
        let payload = r.group("handshake", |r| {
            let typ = HandshakeType::from_wire(r.u8("msg_type")?);
            r.describe_last(typ.name());
            r.vector("body", 3, |r| Self::decode_body(typ, kx, r))
        })?;
        r.expect_end("handshake")?;
        let mut fields = r.into_fields();
        // `group` pushed exactly one field above, so the vector is not empty.
        let mut root = fields.pop().unwrap_or_else(|| unreachable!());
        root.value = Some(payload.title());
        Ok((payload, root))
    }

    fn decode_body(typ: HandshakeType, kx: KeyExchange, r: &mut Reader) -> DecodeResult<Self> {
        let tls13 = kx == KeyExchange::KeyShare;
        Ok(match typ {
            HandshakeType::ClientHello => Self::ClientHello(ClientHello::decode(r)?),
            HandshakeType::ServerHello => Self::ServerHello(ServerHello::decode(r)?),
            HandshakeType::Certificate if tls13 => Self::Certificate13(Certificate13::decode(r)?),
            HandshakeType::Certificate => {
                Self::Certificate(r.vector("certificate_list", 3, |r| {
                    r.until_empty(|r| Ok(r.opaque("ASN.1Cert", 3)?.to_vec()))
                })?)
            }
            HandshakeType::CertificateRequest if tls13 => {
                Self::CertificateRequest13(CertificateRequest13::decode(r)?)
            }
            HandshakeType::CertificateRequest => {
                Self::CertificateRequest(CertificateRequest::decode(r)?)
            }
            HandshakeType::ServerKeyExchange => {
                Self::ServerKeyExchange(ServerKeyExchange::decode(r)?)
            }
            HandshakeType::ServerHelloDone => Self::ServerHelloDone,
            HandshakeType::ClientKeyExchange => match kx {
                KeyExchange::Rsa => {
                    Self::ClientKeyExchange(r.opaque("EncryptedPreMasterSecret", 2)?.to_vec())
                }
                KeyExchange::Ecdhe => {
                    let point = r.opaque("ecdh_Yc", 1)?;
                    r.require(!point.is_empty(), "ecdh_Yc", "an ECPoint is 1 to 255 bytes")?;
                    Self::ClientKeyExchangeEcdh(point.to_vec())
                }
                // TLS 1.3 has no ClientKeyExchange: kept whole, for the state machine to refuse.
                KeyExchange::KeyShare => Self::Unknown(typ, r.rest("body")?.to_vec()),
            },
            HandshakeType::Finished => Self::Finished(r.rest("verify_data")?.to_vec()),
            HandshakeType::EncryptedExtensions if tls13 => {
                Self::EncryptedExtensions(tls13::decode_encrypted_extensions(r)?)
            }
            HandshakeType::CertificateVerify if tls13 => {
                Self::CertificateVerify(CertificateVerify::decode(r)?)
            }
            HandshakeType::NewSessionTicket if tls13 => {
                Self::NewSessionTicket(NewSessionTicket::decode(r)?)
            }
            HandshakeType::KeyUpdate if tls13 => Self::KeyUpdate(tls13::decode_key_update(r)?),
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
                    CipherSuite::Unknown(0x0a0a),
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
            HandshakePayload::ServerKeyExchange(ServerKeyExchange {
                group: NamedGroup::X25519,
                public: vec![0x9f; 32],
                scheme: SignatureScheme::RsaPssRsaeSha256,
                signature: vec![0x5a; 256],
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
    fn ecdhe_messages_round_trip_and_every_truncation_fails() {
        let hello = ClientHello {
            client_version: TLS12,
            random: [1; 32],
            session_id: vec![],
            cipher_suites: vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256],
            compression_methods: vec![0],
            extensions: vec![
                Extension::SupportedGroups(vec![NamedGroup::X25519, NamedGroup::Secp256r1]),
                Extension::EcPointFormats(vec![EcPointFormat::Uncompressed]),
            ],
        };
        for msg in [
            HandshakePayload::ClientHello(hello),
            HandshakePayload::ClientKeyExchangeEcdh(vec![4; 65]),
        ] {
            let bytes = msg.encode();
            let (decoded, _) = HandshakePayload::decode_in(&bytes, KeyExchange::Ecdhe).unwrap();
            assert_eq!(decoded, msg);
            for cut in 0..bytes.len() {
                assert!(HandshakePayload::decode_in(&bytes[..cut], KeyExchange::Ecdhe).is_err());
            }
        }
        // An empty ECPoint, and a curve given explicitly (curve_type 1), are refused.
        assert!(HandshakePayload::decode_in(&[16, 0, 0, 1, 0], KeyExchange::Ecdhe).is_err());
        let mut explicit = samples()[4].encode();
        assert_eq!(explicit[0], 12, "the ServerKeyExchange sample");
        explicit[4] = 1;
        assert!(HandshakePayload::decode(&explicit).is_err());
    }

    #[test]
    fn the_signed_content_is_the_randoms_then_the_params() {
        let ske = ServerKeyExchange {
            group: NamedGroup::Secp256r1,
            public: vec![4, 1, 2],
            scheme: SignatureScheme::RsaPkcs1Sha256,
            signature: vec![],
        };
        assert_eq!(ske.params(), [3, 0, 23, 3, 4, 1, 2]);
        assert_eq!(
            ske.signed_content(&[1; 32], &[2; 32]),
            [&[1u8; 32][..], &[2; 32], &[3, 0, 23, 3, 4, 1, 2]].concat()
        );
    }

    #[test]
    fn a_message_with_trailing_bytes_is_rejected() {
        let mut bytes = HandshakePayload::ServerHelloDone.encode();
        bytes.push(0);
        assert!(HandshakePayload::decode(&bytes).is_err());
    }
}
