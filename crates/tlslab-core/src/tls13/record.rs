//! TLS 1.3 record protection (RFC 8446 section 5.2): every protected record is sent as
//! application_data, its real type hidden inside with optional zero padding:
//!
//! ```text
//! struct {
//!     opaque content[TLSPlaintext.length];
//!     ContentType type;
//!     uint8 zeros[length_of_padding];
//! } TLSInnerPlaintext;
//! ```
//!
//! [`RecordProtector`] seals and opens the inner plaintext with the traffic key and IV; this
//! module builds and reads it.

use crate::crypto::suite::{DirectionKeys, SuiteParams};
use crate::crypto::{CipherError, RecordProtector};
use crate::msgs::enums::ContentType;
use crate::tls13::key_schedule::TrafficKeys;

/// The record version every TLS 1.3 record carries (section 5.1: legacy_record_version
/// 0x0303 for all records but the first ClientHello).
pub const LEGACY_RECORD_VERSION: [u8; 2] = [3, 3];

/// A protector for one direction, from a traffic secret's key and IV (section 7.3).
pub fn protector(params: &'static SuiteParams, keys: TrafficKeys) -> RecordProtector {
    RecordProtector::new(
        params,
        DirectionKeys {
            mac_key: Vec::new(),
            enc_key: keys.key,
            fixed_iv: keys.iv,
        },
    )
}

/// TLSInnerPlaintext for `content` of type `typ`, with `padding` zero bytes.
pub fn inner_plaintext(content: &[u8], typ: ContentType, padding: usize) -> Vec<u8> {
    let mut inner = Vec::with_capacity(content.len() + 1 + padding);
    inner.extend_from_slice(content);
    inner.push(typ.to_wire());
    inner.resize(inner.len() + padding, 0);
    inner
}

/// Why an opened record has no content: "If a receiving implementation does not find a
/// non-zero octet in the cleartext, it MUST terminate the connection with an
/// unexpected_message alert" (section 5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoContentType;

/// The content and its real type: the type is the last non-zero byte, the zeros after it
/// padding (section 5.4).
pub fn split_inner(inner: &[u8]) -> Result<(&[u8], ContentType), NoContentType> {
    let at = inner.iter().rposition(|&b| b != 0).ok_or(NoContentType)?;
    Ok((&inner[..at], ContentType::from_wire(inner[at])))
}

/// Seals `content` of type `typ` as one protected record's fragment (the header is
/// application_data, version 0x0303).
pub fn seal(
    protector: &mut RecordProtector,
    content: &[u8],
    typ: ContentType,
    padding: usize,
) -> Result<Vec<u8>, CipherError> {
    let inner = inner_plaintext(content, typ, padding);
    // AEAD sealing draws no randomness.
    let mut none = crate::rng::Drbg::from_u64(0);
    Ok(protector
        .seal(
            ContentType::ApplicationData,
            LEGACY_RECORD_VERSION,
            &inner,
            &mut none,
        )?
        .fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_the_last_non_zero_byte() {
        let inner = inner_plaintext(b"hi", ContentType::Handshake, 3);
        assert_eq!(inner, [b'h', b'i', 22, 0, 0, 0]);
        assert_eq!(
            split_inner(&inner),
            Ok((&b"hi"[..], ContentType::Handshake))
        );
        assert_eq!(split_inner(&[0, 0, 0]), Err(NoContentType));
        assert_eq!(split_inner(&[]), Err(NoContentType));
        // Content may end in zeros of its own: only what follows the type is padding.
        let inner = inner_plaintext(&[0, 0], ContentType::ApplicationData, 0);
        assert_eq!(
            split_inner(&inner),
            Ok((&[0u8, 0][..], ContentType::ApplicationData))
        );
    }
}
