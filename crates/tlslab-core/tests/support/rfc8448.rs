//! RFC 8448 (Example Handshake Traces for TLS 1.3) read from its text
//! (`../shared/vectors/rfc8448.txt`): each `{client}` or `{server}` step with its labelled
//! values, e.g. section 3, `{server} derive secret "tls13 c hs traffic"`, `expanded`.

use std::collections::BTreeMap;

/// One labelled value of a step.
#[derive(Clone, Debug)]
pub struct Value {
    pub section: u8,
    /// "client" or "server".
    pub actor: String,
    /// The step's text after the actor, on one line: `derive secret "tls13 c hs traffic"`.
    pub step: String,
    /// `expanded`, `complete record`, `ClientHello`, `private key`, ...
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Every value of the RFC, in order.
pub fn values() -> Vec<Value> {
    let path = format!(
        "{}/../../../shared/vectors/rfc8448.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&text)
}

fn is_hex_byte(t: &str) -> bool {
    t.len() == 2 && t.chars().all(|c| c.is_ascii_hexdigit())
}

fn parse(text: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let (mut section, mut actor, mut step) = (0u8, String::new(), String::new());
    // A value being read: its name, the bytes it announced, the bytes so far.
    let mut open: Option<(String, usize, Vec<u8>)> = None;
    let mut in_step_title = false;
    for line in text.lines() {
        let trimmed = line.trim();
        // Page furniture between two pages of one value.
        if trimmed.starts_with("Thomson ") || trimmed.starts_with("RFC 8448 ") {
            continue;
        }
        if let Some((name, want, mut got)) = open.take() {
            let tokens: Vec<&str> = trimmed.split_whitespace().collect();
            if !tokens.is_empty() && tokens.iter().all(|t| is_hex_byte(t)) && got.len() < want {
                got.extend(tokens.iter().map(|t| u8::from_str_radix(t, 16).unwrap()));
            }
            if got.len() < want {
                open = Some((name, want, got));
                continue;
            }
            out.push(Value {
                section,
                actor: actor.clone(),
                step: step.clone(),
                name,
                bytes: got,
            });
            if trimmed.is_empty() || trimmed.split_whitespace().all(is_hex_byte) {
                continue;
            }
        }
        // "3.  Simple 1-RTT Handshake" starts a section.
        if let Some((n, _)) = line.split_once(".  ")
            && !line.starts_with(' ')
            && let Ok(n) = n.parse::<u8>()
        {
            section = n;
            continue;
        }
        if let Some(rest) = trimmed
            .strip_prefix("{client}")
            .map(|r| ("client", r))
            .or_else(|| trimmed.strip_prefix("{server}").map(|r| ("server", r)))
        {
            actor = rest.0.to_string();
            step = rest.1.trim().trim_end_matches(':').to_string();
            in_step_title = !rest.1.trim_end().ends_with(':') && !rest.1.contains('(');
            continue;
        }
        if in_step_title && !trimmed.is_empty() && !trimmed.contains("octets") {
            step = format!("{step} {}", trimmed.trim_end_matches(':'));
            in_step_title = !trimmed.ends_with(':');
            continue;
        }
        in_step_title = false;
        // "name (N octets):  hex hex ..." or "hash (0 octets):  (empty)" or "salt:  0 (all zero octets)".
        if let Some((name, rest)) = trimmed.split_once(" octets):") {
            let Some((name, n)) = name.rsplit_once(" (") else {
                continue;
            };
            let Ok(want) = n.parse::<usize>() else {
                continue;
            };
            let got: Vec<u8> = rest
                .split_whitespace()
                .filter(|t| is_hex_byte(t))
                .map(|t| u8::from_str_radix(t, 16).unwrap())
                .collect();
            if got.len() >= want {
                out.push(Value {
                    section,
                    actor: actor.clone(),
                    step: step.clone(),
                    name: name.to_string(),
                    bytes: got,
                });
            } else {
                open = Some((name.to_string(), want, got));
            }
        }
    }
    out
}

/// The values of one section, looked up by step (its start) and name.
pub struct Trace(Vec<Value>);

impl Trace {
    pub fn section(n: u8) -> Trace {
        Trace(values().into_iter().filter(|v| v.section == n).collect())
    }

    /// The `nth` value named `name` in a step of `actor` starting with `step`.
    pub fn nth(&self, actor: &str, step: &str, name: &str, nth: usize) -> Vec<u8> {
        self.0
            .iter()
            .filter(|v| v.actor == actor && v.step.starts_with(step) && v.name == name)
            .nth(nth)
            .unwrap_or_else(|| panic!("no {actor} {step:?} {name:?} #{nth} in {:?}", self.names()))
            .bytes
            .clone()
    }

    pub fn get(&self, actor: &str, step: &str, name: &str) -> Vec<u8> {
        self.nth(actor, step, name, 0)
    }

    fn names(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for v in &self.0 {
            *m.entry(format!("{} {} / {}", v.actor, v.step, v.name))
                .or_insert(0) += 1;
        }
        m
    }
}
