//! Matching the name the client asked for against the names in the certificate (RFC 6125).
//!
//! The *reference identifier* is the host name the client wants to reach (`example.com`); the
//! *presented identifiers* are the certificate's subjectAltName dNSName entries (DNS-IDs), or,
//! only if the certificate has no subjectAltName at all, its subject common name (CN-ID).
//!
//! RFC 6125 section 6.4.1: "the client MUST match the reference identifier against the
//! presented identifier ... by comparing the DNS domain name portions ... case-insensitively."
//!
//! RFC 6125 section 6.4.3 (wildcards), as profiled here:
//! 1. "The client SHOULD NOT attempt to match a presented identifier in which the wildcard
//!    character comprises a label other than the left-most label": here the wildcard must be
//!    the *entire* left-most label (`*.example.com`); `f*.example.com`, `a.*.example.com` never
//!    match.
//! 2. "If the wildcard character is the only character of the left-most label in the presented
//!    identifier, the client SHOULD NOT compare against anything but the left-most label of the
//!    reference identifier": `*` matches exactly one, non-empty label.
//! 3. As browsers (and the CA/Browser Forum) do, a wildcard needs at least two labels after it:
//!    `*.com` matches nothing.

use serde::{Deserialize, Serialize};

/// The outcome of comparing one presented identifier with the reference identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameMatch {
    /// The names are equal, ignoring ASCII case and a trailing dot.
    Exact,
    /// `*.rest` where `rest` equals the reference's labels after its first one.
    Wildcard,
    /// Different names.
    Different,
    /// `*` covers exactly one label: `*.example.com` does not match `a.b.example.com`.
    WildcardSpansLabels,
    /// `*` must be followed by something: `*.example.com` does not match `example.com`.
    WildcardNeedsALabel,
    /// The wildcard is not the whole left-most label (`f*.example.com`, `a.*.example.com`).
    WildcardNotLeftmostLabel,
    /// A wildcard over fewer than three labels (`*.com`) is never honoured.
    WildcardTooBroad,
    /// The reference or presented identifier is not a usable DNS name (empty label, non-ASCII).
    Malformed,
}

impl NameMatch {
    pub fn matched(self) -> bool {
        matches!(self, NameMatch::Exact | NameMatch::Wildcard)
    }

    /// One sentence for the UI.
    pub fn describe(self) -> &'static str {
        match self {
            NameMatch::Exact => "matches exactly (case-insensitive)",
            NameMatch::Wildcard => "matches: the wildcard stands for exactly the first label",
            NameMatch::Different => "does not match",
            NameMatch::WildcardSpansLabels => {
                "does not match: a wildcard covers exactly one label, not several"
            }
            NameMatch::WildcardNeedsALabel => {
                "does not match: the wildcard must stand for one non-empty label"
            }
            NameMatch::WildcardNotLeftmostLabel => {
                "not honoured: a wildcard must be the entire left-most label"
            }
            NameMatch::WildcardTooBroad => {
                "not honoured: a wildcard needs at least three labels (*.com is never valid)"
            }
            NameMatch::Malformed => "not a valid DNS name (empty label or non-ASCII character)",
        }
    }
}

/// Compares one presented DNS-ID with the reference identifier.
pub fn match_dns_name(presented: &str, reference: &str) -> NameMatch {
    let (Some(presented), Some(reference)) = (labels(presented), labels(reference)) else {
        return NameMatch::Malformed;
    };
    if reference.iter().any(|l| l.contains('*')) {
        return NameMatch::Malformed;
    }
    let Some((first, rest)) = presented.split_first() else {
        return NameMatch::Malformed;
    };
    if rest.iter().any(|l| l.contains('*')) || (first.contains('*') && *first != "*") {
        return NameMatch::WildcardNotLeftmostLabel;
    }
    if *first != "*" {
        return if eq_labels(&presented, &reference) {
            NameMatch::Exact
        } else {
            NameMatch::Different
        };
    }
    if presented.len() < 3 {
        return NameMatch::WildcardTooBroad;
    }
    // `*` replaces exactly the reference's first label.
    match reference.len().checked_sub(rest.len()) {
        Some(1) if eq_labels(rest, &reference[1..]) => NameMatch::Wildcard,
        Some(0) if eq_labels(rest, &reference) => NameMatch::WildcardNeedsALabel,
        Some(n) if n > 1 && eq_labels(rest, &reference[n..]) => NameMatch::WildcardSpansLabels,
        _ => NameMatch::Different,
    }
}

/// Splits an ASCII DNS name into labels, ignoring one trailing dot (`example.com.`); `None` for
/// an empty name, an empty label, or a non-ASCII character (U-labels must be sent as A-labels).
fn labels(name: &str) -> Option<Vec<&str>> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || !name.is_ascii() {
        return None;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(labels)
}

fn eq_labels(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use NameMatch::*;

    #[test]
    fn rfc_6125_rules() {
        let cases = [
            ("example.com", "example.com", Exact),
            ("Example.COM", "example.com", Exact),
            ("example.com.", "EXAMPLE.com", Exact),
            ("example.com", "www.example.com", Different),
            ("www.example.com", "example.com", Different),
            ("*.example.com", "a.example.com", Wildcard),
            ("*.example.com", "A.Example.Com", Wildcard),
            ("*.example.com", "example.com", WildcardNeedsALabel),
            ("*.example.com", "a.b.example.com", WildcardSpansLabels),
            ("*.example.com", "a.example.org", Different),
            ("*.com", "example.com", WildcardTooBroad),
            ("*.com", "com", WildcardTooBroad),
            ("*", "com", WildcardTooBroad),
            (
                "f*.example.com",
                "foo.example.com",
                WildcardNotLeftmostLabel,
            ),
            (
                "a.*.example.com",
                "a.b.example.com",
                WildcardNotLeftmostLabel,
            ),
            (
                "*.*.example.com",
                "a.b.example.com",
                WildcardNotLeftmostLabel,
            ),
            ("example.com", "*.example.com", Malformed),
            ("exa..mple.com", "exa..mple.com", Malformed),
            ("", "", Malformed),
            ("bücher.example", "bücher.example", Malformed),
        ];
        for (presented, reference, expected) in cases {
            assert_eq!(
                match_dns_name(presented, reference),
                expected,
                "{presented} vs {reference}"
            );
        }
    }
}
