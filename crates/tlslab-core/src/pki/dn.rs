//! Distinguished names as strings, RFC 4514 section 2.
//!
//! x509-cert's `Display` for `Name` looks each attribute type up in const-oid's database of every
//! known OID, which puts that whole database in the worker's wasm. RFC 4514 section 3 names the
//! few types a string may use by name; every other type is written in dotted form with its value
//! as hex DER (section 2.3), so a short table is all the RFC asks for.

use core::fmt::Write;
use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::oid::ObjectIdentifier;
use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// RFC 4514 section 3: the attribute types a string names by their short name.
const SHORT_NAMES: [(ObjectIdentifier, &str); 9] = [
    (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
    (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
    (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
    (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
    (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
    (ObjectIdentifier::new_unwrap("2.5.4.9"), "STREET"),
    (
        ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25"),
        "DC",
    ),
    (
        ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1"),
        "UID",
    ),
];

/// The RFC 4514 string form of a name ("CN=example.com,O=tlslab"): the RDNs last to first
/// (section 2.1), the attributes of one RDN joined by '+' (section 2.2).
pub fn to_string(name: &Name) -> String {
    let rdns: Vec<_> = name.iter_rdn().collect();
    let mut out = String::new();
    for (i, rdn) in rdns.into_iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            attribute(&mut out, atv);
        }
    }
    out
}

/// One `type=value` pair (section 2.3).
fn attribute(out: &mut String, atv: &AttributeTypeAndValue) {
    let short = SHORT_NAMES.iter().find(|(oid, _)| *oid == atv.oid);
    match (short, string_value(atv)) {
        (Some((_, short)), Some(value)) => {
            out.push_str(short);
            out.push('=');
            escape(out, value);
        }
        _ => {
            // Writing to a String never fails.
            let _ = write!(out, "{}=#", atv.oid);
            for byte in atv.value.to_der().unwrap_or_default() {
                let _ = write!(out, "{byte:02x}");
            }
        }
    }
}

/// The value as text, for the string types a directory uses.
fn string_value(atv: &AttributeTypeAndValue) -> Option<&str> {
    let value = &atv.value;
    match value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(value).ok().map(|s| s.as_str()),
        _ => None,
    }
}

/// Section 2.4: a leading '#' or space, a trailing space, the special characters and control
/// characters are escaped.
fn escape(out: &mut String, value: &str) {
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x00'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\{:02x}", c as u8);
            }
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::str::FromStr;

    /// The same strings as x509-cert's `Display`, which looks names up in const-oid's database.
    #[test]
    fn matches_x509_cert_display() {
        for s in [
            "CN=example.com,O=tlslab",
            "CN=a\\,b+OU=x,O=\\#hash,C=DE",
            "CN=\\ padded\\ ,L=Berlin,ST=Berlin,STREET=Main 1,DC=example,UID=u1",
            "CN=quote\\\"s\\;and\\<\\>",
        ] {
            let name = Name::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(to_string(&name), name.to_string(), "{s}");
        }
    }

    /// A type outside RFC 4514's table is written as its OID and the value's DER in hex, where
    /// x509-cert would use the database's name ("SERIALNUMBER=12345").
    #[test]
    fn other_types_in_dotted_form() {
        let name = Name::from_str("2.5.4.5=#13053132333435,CN=serial").unwrap();
        assert_eq!(to_string(&name), "2.5.4.5=#13053132333435,CN=serial");
    }
}
