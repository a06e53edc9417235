//! The compact binary form of a timeline, as the web app's worker hands it to the page.
//!
//! The JSON form (serde) is the file format; it stays as it is for export and import. Between
//! the worker and the page, JSON cost the page a large serde-derived reader (internally tagged
//! enums and `flatten` buffer every event) and a parse on the main thread. This form is the
//! fields in declaration order: integers as LEB128, strings and byte strings with their length
//! first, an enum as its variant's index and then its fields. Both ends are built from the same
//! source, so it needs no version; it is still untrusted input to `unpack`, which fails with an
//! error on anything malformed, never a panic.

use super::*;
use crate::bytes::Bytes;
use crate::scenario::{NetworkRole, Scenario};
use std::borrow::Cow;

impl Timeline {
    /// The timeline in the packed form.
    pub fn pack(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 * 1024);
        Pack::pack(self, &mut out);
        out
    }

    /// Reads a packed timeline; the whole input must be one timeline.
    pub fn unpack(bytes: &[u8]) -> Result<Timeline, ImportError> {
        let mut reader = Reader { bytes, at: 0 };
        let timeline = Pack::unpack(&mut reader)?;
        if reader.at != bytes.len() {
            return Err(reader.error("bytes after the timeline"));
        }
        Ok(timeline)
    }
}

/// A value that has a packed form.
trait Pack: Sized {
    fn pack(&self, out: &mut Vec<u8>);
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError>;
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn error(&self, what: &str) -> ImportError {
        ImportError(format!("packed timeline, byte {}: {what}", self.at))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], ImportError> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| self.error("truncated"))?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    /// LEB128, at most ten bytes and no bits beyond 64.
    fn varint(&mut self) -> Result<u64, ImportError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.error("integer too large"));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.error("integer too long"))
    }

    /// A count of things still to read: each takes at least one byte, so a count larger than
    /// what is left is malformed (and never makes a huge allocation).
    fn count(&mut self) -> Result<usize, ImportError> {
        let n = self.varint()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.bytes.len() - self.at)
            .ok_or_else(|| self.error("length beyond the end"))
    }

    fn variant(&mut self, variants: usize) -> Result<usize, ImportError> {
        let index = self.varint()?;
        usize::try_from(index)
            .ok()
            .filter(|&i| i < variants)
            .ok_or_else(|| self.error("unknown variant"))
    }
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

impl Pack for u64 {
    fn pack(&self, out: &mut Vec<u8>) {
        varint(out, *self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        r.varint()
    }
}

/// Integers narrower than u64, checked on the way in.
macro_rules! pack_narrow {
    ($($ty:ty),*) => {$(
        impl Pack for $ty {
            fn pack(&self, out: &mut Vec<u8>) {
                varint(out, *self as u64);
            }
            fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
                let value = r.varint()?;
                <$ty>::try_from(value).map_err(|_| r.error("integer out of range"))
            }
        }
    )*};
}
pack_narrow!(u32, usize);

impl Pack for bool {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        match r.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(r.error("not a boolean")),
        }
    }
}

impl Pack for Vec<u8> {
    fn pack(&self, out: &mut Vec<u8>) {
        varint(out, self.len() as u64);
        out.extend_from_slice(self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        let len = r.count()?;
        Ok(r.take(len)?.to_vec())
    }
}

impl Pack for Bytes {
    fn pack(&self, out: &mut Vec<u8>) {
        self.0.pack(out);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        Ok(Bytes(Pack::unpack(r)?))
    }
}

fn pack_str(out: &mut Vec<u8>, text: &str) {
    varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

impl Pack for String {
    fn pack(&self, out: &mut Vec<u8>) {
        pack_str(out, self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        let bytes: Vec<u8> = Pack::unpack(r)?;
        String::from_utf8(bytes).map_err(|_| r.error("text that is not UTF-8"))
    }
}

impl Pack for Cow<'static, str> {
    fn pack(&self, out: &mut Vec<u8>) {
        pack_str(out, self);
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        Ok(Cow::Owned(Pack::unpack(r)?))
    }
}

impl<T: Pack> Pack for Option<T> {
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.pack(out);
            }
        }
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        match bool::unpack(r)? {
            false => Ok(None),
            true => Ok(Some(T::unpack(r)?)),
        }
    }
}

/// Lists of anything but bytes (which have their own, faster impl).
macro_rules! pack_list {
    ($($ty:ty),*) => {$(
        impl Pack for Vec<$ty> {
            fn pack(&self, out: &mut Vec<u8>) {
                varint(out, self.len() as u64);
                for item in self {
                    item.pack(out);
                }
            }
            fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
                let len = r.count()?;
                let mut items = Vec::with_capacity(len);
                for _ in 0..len {
                    items.push(Pack::unpack(r)?);
                }
                Ok(items)
            }
        }
    )*};
}
pack_list!(String, usize, Field, Known, Step, Event, CheckInput);

/// A struct: its fields in order. Naming every field makes a field added to the struct and
/// forgotten here a build error.
macro_rules! pack_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl Pack for $ty {
            fn pack(&self, out: &mut Vec<u8>) {
                let $ty { $($field),* } = self;
                $($field.pack(out);)*
            }
            fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
                Ok($ty { $($field: Pack::unpack(r)?),* })
            }
        }
    };
}

/// An enum: the variant's index, then its fields. Variants are written `Unit()`,
/// `Tuple(a, b)` or `Struct { a, b }`. The match in `pack` is exhaustive, so a variant added to
/// the enum and forgotten here is a build error; a local enum of the same names numbers them.
macro_rules! pack_enum {
    ($ty:ident { $($variant:ident $fields:tt),* $(,)? }) => {
        const _: () = {
            #[derive(Clone, Copy)]
            enum Index { $($variant),* }
            const ALL: &[Index] = &[$(Index::$variant),*];

            impl Pack for $ty {
                fn pack(&self, out: &mut Vec<u8>) {
                    match self {
                        $(pack_enum!(@pattern $ty $variant $fields) => {
                            varint(out, Index::$variant as u64);
                            pack_enum!(@pack out $fields);
                        })*
                    }
                }
                fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
                    let wanted = r.variant(ALL.len())?;
                    match ALL.get(wanted) {
                        $(Some(Index::$variant) => Ok(pack_enum!(@build r $ty $variant $fields)),)*
                        None => Err(r.error("unknown variant")),
                    }
                }
            }
        };
    };
    (@pattern $ty:ident $variant:ident ()) => { $ty::$variant };
    (@pattern $ty:ident $variant:ident ($($x:ident),+)) => { $ty::$variant($($x),+) };
    (@pattern $ty:ident $variant:ident { $($x:ident),* }) => { $ty::$variant { $($x),* } };
    (@pack $out:ident ()) => {};
    (@pack $out:ident ($($x:ident),+)) => { $($x.pack($out);)+ };
    (@pack $out:ident { $($x:ident),* }) => { $($x.pack($out);)* };
    (@build $r:ident $ty:ident $variant:ident ()) => { $ty::$variant };
    (@build $r:ident $ty:ident $variant:ident ($($x:ident),+)) => {
        $ty::$variant($({ let $x = Pack::unpack($r)?; $x }),+)
    };
    (@build $r:ident $ty:ident $variant:ident { $($x:ident),* }) => {
        $ty::$variant { $($x: Pack::unpack($r)?),* }
    };
}

pack_struct!(Timeline {
    format,
    seed,
    now,
    server_name,
    scenario,
    network,
    steps,
    events,
    outcome,
    recorded
});
pack_struct!(Recording { server });
pack_struct!(Step {
    title,
    from,
    to,
    chapter,
    events,
    knowledge
});
pack_struct!(Knowledge {
    client,
    server,
    observer
});
pack_struct!(Known { name, value });
pack_struct!(Event { actor, step, kind });
pack_struct!(Message {
    title,
    content_type,
    bytes,
    fields
});
pack_struct!(WireRecord {
    content_type,
    bytes,
    fields,
    protection
});
pack_struct!(Field {
    name,
    start,
    len,
    value,
    children
});
pack_struct!(GcmRecord {
    seq_num,
    nonce_explicit,
    nonce,
    additional_data,
    plaintext,
    ciphertext,
    tag
});
pack_struct!(CbcRecord {
    seq_num,
    mac_algorithm,
    iv,
    mac_header,
    mac,
    padding,
    plaintext,
    ciphertext
});
pack_struct!(AlertInfo {
    level,
    description,
    reason
});
pack_struct!(PremasterEncryption {
    premaster,
    pkcs1_block,
    ciphertext,
    modulus_bits,
    modulus,
    public_exponent
});
pack_struct!(MasterSecretDerivation {
    extended,
    premaster,
    label,
    seed,
    master_secret
});
pack_struct!(KeyBlock {
    client_write_mac_key,
    server_write_mac_key,
    client_write_key,
    server_write_key,
    client_write_iv,
    server_write_iv
});
pack_struct!(CertCheck {
    kind,
    certificate,
    rfc,
    inputs,
    passed,
    explanation
});
pack_struct!(CertRef { index, subject });
pack_struct!(CheckInput { name, label, value });

pack_enum!(Actor { Client(), Server(), Network() });
pack_enum!(NetworkRole { Observer(), Attacker() });
pack_enum!(Chapter {
    ClientHello(),
    ServerHello(),
    Authentication(),
    Premaster(),
    ClientFinished(),
    ServerFinished(),
    ApplicationData(),
});
pack_enum!(ValueName {
    ClientRandom(),
    ServerRandom(),
    Premaster(),
    EncryptedPremaster(),
    MasterSecret(),
    KeyBlock(),
    ServerPrivateKey(),
    ServerCertificate(),
    ClientEphemeralKey(),
    ServerEphemeralKey(),
    ClientShare(),
    ServerShare(),
    TrustAnchor(),
    SharedSecret(),
});
pack_enum!(AlertLevel { Warning(), Fatal(), Other(name) });
pack_enum!(MacAlgorithm { HmacSha1(), HmacSha256() });
pack_enum!(CheckKind {
    Parse(),
    Signature(),
    Validity(),
    BasicConstraints(),
    KeyUsage(),
    ExtendedKeyUsage(),
    HostName(),
    TrustAnchor(),
    KeySize(),
});
pack_enum!(CheckValue {
    Text(text),
    Bytes(bytes),
    Number(number),
    Bool(value),
    Time { unix, utc },
    List(items),
});
pack_enum!(Protection { Gcm(record), Cbc(record), ChaCha20Poly1305(record) });
pack_enum!(Outcome {
    Success(),
    Alert { sender, description, reason, step },
    Stalled(),
});
pack_enum!(EventKind {
    MessageSent(message),
    RecordSent(record),
    RecordReceived(record),
    MessageReceived(message),
    Computation(computation),
    CertificateCheck(check),
    AlertSent(alert),
    AlertReceived(alert),
    HandshakeComplete { cipher_suite, extended_master_secret },
    ApplicationData { data, text },
    Learned(known),
    Tampered { what, before, after },
    Episode { title, text },
});
pack_enum!(Computation {
    Random { name, value },
    SuiteSelected { cipher_suite, offered, extended_master_secret },
    PremasterEncrypted(encryption),
    PremasterDecrypted { ciphertext, premaster },
    TranscriptHash { purpose, messages, input, hash },
    MasterSecret(derivation),
    KeyBlock { label, seed, key_block, keys },
    VerifyData { label, handshake_hash, verify_data, received, matches },
    CipherStateChanged { direction, cipher_suite },
    EcdhKeyPair { group, private, public },
    EcdhSharedSecret { group, peer_public, premaster },
    KeyExchangeSignature { scheme, signed, signature, verified },
    HkdfExtract { name, salt, ikm, secret },
    HkdfExpandLabel { label, secret, context, info, output },
    RecordingNotDecrypted { ciphertext, premaster, record, error },
});

/// A scenario by its place in `Scenario::ALL`.
impl Pack for Scenario {
    fn pack(&self, out: &mut Vec<u8>) {
        let index = Scenario::ALL.iter().position(|s| s == self);
        // Every scenario is in ALL (a test in scenario.rs); a missing one would read back as an
        // error, never as another scenario.
        varint(out, index.map_or(u64::MAX, |i| i as u64));
    }
    fn unpack(r: &mut Reader<'_>) -> Result<Self, ImportError> {
        let index = r.variant(Scenario::ALL.len())?;
        Ok(Scenario::ALL[index])
    }
}

#[cfg(test)]
mod tests {
    use crate::driver::{self, Protocol, RunConfig};
    use crate::scenario::Scenario;
    use crate::timeline::Timeline;

    fn runs() -> Vec<Timeline> {
        let mut runs = Vec::new();
        for protocol in [Protocol::Tls12Rsa, Protocol::Tls12Ecdhe, Protocol::Tls13] {
            for scenario in Scenario::ALL {
                let mut config = RunConfig::new(7, 1_795_651_200);
                config.protocol = protocol;
                config.scenario = scenario;
                if let Ok(t) = driver::run(&config) {
                    runs.push(t);
                }
            }
        }
        runs
    }

    /// Every scenario under every protocol reads back as the same timeline: the same JSON.
    #[test]
    fn every_run_round_trips() {
        let runs = runs();
        assert!(runs.len() > 30, "{} runs", runs.len());
        for t in runs {
            let packed = t.pack();
            let back = Timeline::unpack(&packed).unwrap();
            assert_eq!(
                serde_json::to_string(&back).unwrap(),
                serde_json::to_string(&t).unwrap(),
                "{:?}",
                t.scenario
            );
        }
    }

    /// Truncations (every one near the ends, a sample of the rest: a run packs to about
    /// 90 KB) are errors; a flipped byte is an error or a timeline, never a panic.
    #[test]
    fn damaged_input_is_an_error_not_a_panic() {
        let t = driver::run(&RunConfig::new(7, 1_795_651_200)).unwrap();
        let packed = t.pack();
        let near_ends = (0..512).chain(packed.len() - 512..packed.len());
        for len in near_ends.chain((512..packed.len()).step_by(61)) {
            assert!(Timeline::unpack(&packed[..len]).is_err(), "{len}");
        }
        let mut extra = packed.clone();
        extra.push(0);
        assert!(Timeline::unpack(&extra).is_err());
        for at in (0..packed.len()).step_by(53) {
            let mut damaged = packed.clone();
            damaged[at] ^= 0xff;
            let _ = Timeline::unpack(&damaged);
        }
        // A length that claims more than there is never allocates it.
        assert!(Timeline::unpack(&[0xff; 11]).is_err());
    }
}
