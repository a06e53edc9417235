//! Checks shared by the export tests and the interop tests: what tshark makes of a capture, and
//! whether each "reproduce it yourself" command prints the value the core computed.
// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::Path;
use std::process::{Command, Stdio};
use tlslab_core::export::reproduce::{self, Recipe};
use tlslab_core::timeline::Timeline;

const SETUP_HINT: &str =
    "run `./x setup` (it installs the Debian packages tshark, openssl, xxd, python3-cryptography)";

/// Runs `program args`, failing the test (not skipping it) when the program is missing.
fn output(program: &str, args: &[&str], dir: &Path) -> std::process::Output {
    match Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("`{program}` is not installed; {SETUP_HINT}")
        }
        Err(e) => panic!("cannot run `{program}`: {e}"),
    }
}

/// How tshark is to decrypt a capture.
pub enum Secrets<'a> {
    None,
    /// An NSS key log.
    KeyLog(&'a Path),
    /// The server's RSA private key (PEM), which is all RSA key exchange needs.
    RsaKey(&'a Path),
}

/// tshark's full dissection of `pcap` (with checksum validation), decrypting with `keylog`.
pub fn tshark(pcap: &Path, keylog: Option<&Path>) -> String {
    tshark_with(pcap, keylog.map_or(Secrets::None, Secrets::KeyLog))
}

/// tshark's full dissection of `pcap` (with checksum validation), decrypting with `secrets`.
pub fn tshark_with(pcap: &Path, secrets: Secrets) -> String {
    let mut args = vec![
        "-r".to_string(),
        pcap.display().to_string(),
        "-o".into(),
        "ip.check_checksum:TRUE".into(),
        "-o".into(),
        "tcp.check_checksum:TRUE".into(),
        // `openssl s_server -www` answers HTTP/1.0 without Content-Length: its body ends with
        // the connection, which tshark would otherwise wait for before showing the response.
        "-o".into(),
        "http.desegment_body:FALSE".into(),
        "-V".into(),
    ];
    match secrets {
        Secrets::None => {}
        Secrets::KeyLog(k) => {
            args.extend(["-o".into(), format!("tls.keylog_file:{}", k.display())])
        }
        // The "RSA keys list" table: key file, password.
        Secrets::RsaKey(k) => args.extend([
            "-o".into(),
            format!("uat:rsa_keys:\"{}\",\"\"", k.display()),
        ]),
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = output("tshark", &args, Path::new("."));
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The response `tlslab serve` and the in-memory server send, as tshark shows it.
pub const TLSLAB_RESPONSE: [&str; 2] = ["HTTP/1.1 200 OK\\r\\n", "Hello from tlslab"];

/// What a decrypted handshake looks like in tshark's dissection: every handshake message, both
/// Finished messages, the HTTP request and the `response`, every checksum good.
pub fn assert_decrypted(dissection: &str, what: &str, response: &[&str]) {
    for needle in [
        "Handshake Type: Client Hello (1)",
        "Handshake Type: Server Hello (2)",
        "Handshake Type: Certificate (11)",
        "Handshake Type: Server Hello Done (14)",
        "Handshake Type: Client Key Exchange (16)",
        "GET / HTTP/1.1\\r\\n",
    ]
    .iter()
    .chain(response)
    {
        assert!(
            dissection.contains(needle),
            "{what}: tshark shows no {needle:?}"
        );
    }
    let finished = dissection.matches("Handshake Type: Finished (20)").count();
    assert_eq!(
        finished, 2,
        "{what}: tshark decrypts {finished} Finished messages, not 2"
    );
    assert_checksums_good(dissection, what);
}

/// The same for TLS 1.3, whose flight after ServerHello is encrypted: EncryptedExtensions,
/// Certificate, CertificateVerify and both Finished show only with the key log.
pub fn assert_decrypted13(dissection: &str, what: &str, response: &[&str]) {
    for needle in [
        "Handshake Type: Client Hello (1)",
        "Handshake Type: Server Hello (2)",
        "Handshake Type: Encrypted Extensions (8)",
        "Handshake Type: Certificate (11)",
        "Handshake Type: Certificate Verify (15)",
        "GET / HTTP/1.1\\r\\n",
    ]
    .iter()
    .chain(response)
    {
        assert!(
            dissection.contains(needle),
            "{what}: tshark shows no {needle:?}"
        );
    }
    let finished = dissection.matches("Handshake Type: Finished (20)").count();
    assert_eq!(
        finished, 2,
        "{what}: tshark decrypts {finished} Finished messages, not 2"
    );
    assert_checksums_good(dissection, what);
}

/// Without the key log the handshake is readable up to ChangeCipherSpec, and nothing after it.
pub fn assert_encrypted(dissection: &str, what: &str) {
    assert!(
        dissection.contains("Handshake Type: Client Hello (1)"),
        "{what}"
    );
    for needle in [
        "GET / HTTP",
        "HTTP/1.",
        "Hello from tlslab",
        "Finished (20)",
    ] {
        assert!(
            !dissection.contains(needle),
            "{what}: {needle:?} readable without the key log"
        );
    }
    for needle in ["Encrypted Application Data:", "Encrypted Handshake Message"] {
        assert!(dissection.contains(needle), "{what}: no {needle:?}");
    }
    assert_checksums_good(dissection, what);
}

fn assert_checksums_good(dissection: &str, what: &str) {
    let good = dissection.matches("hecksum Status: Good").count()
        + dissection.matches("checksum status: Good").count();
    assert!(good > 0, "{what}: checksums were not validated");
    for bad in [
        "hecksum Status: Bad",
        "checksum status: Bad",
        "Malformed",
        "[TCP ACKed unseen",
        "[TCP Previous segment not captured",
    ] {
        assert!(!dissection.contains(bad), "{what}: tshark reports {bad:?}");
    }
}

/// Runs every recipe of `t` in `dir`, with the private key it reads written there: the
/// OpenSSL command in a shell and the Python program with a `python3` that has the
/// `cryptography` package; each must print the value the core computed. Returns how many
/// recipes of each title ran.
pub fn run_recipes(t: &Timeline, dir: &Path) -> BTreeMap<String, usize> {
    let python = python_with_cryptography();
    let mut ran = BTreeMap::new();
    for i in 0..t.events.len() {
        for r in reproduce::recipes(t, i) {
            if let Some(key) = &r.key {
                let pem = key
                    .pem
                    .as_deref()
                    .expect("the runs tested use the demo keys");
                std::fs::write(dir.join(key.name), pem).expect("write the key");
            }
            check(&r, "sh", &["-c", &r.openssl], dir, i);
            check(&r, python, &["-c", &r.python], dir, i);
            *ran.entry(r.title.clone()).or_default() += 1;
        }
    }
    ran
}

/// Runs one recipe's command and program in `dir`; both must print what it says.
pub fn check_recipe(r: &Recipe, dir: &Path) {
    check(r, "sh", &["-c", &r.openssl], dir, 0);
    check(r, python_with_cryptography(), &["-c", &r.python], dir, 0);
}

fn check(r: &Recipe, program: &str, args: &[&str], dir: &Path, event: usize) {
    let out = output(program, args, dir);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && printed.trim() == r.prints.hex(),
        "event {event}, {}: `{program}` printed {:?} (stderr {:?}), the core computed {}\n{}",
        r.title,
        printed.trim(),
        String::from_utf8_lossy(&out.stderr),
        r.prints.hex(),
        args.last().unwrap_or(&""),
    );
}

/// The first Python 3 with the `cryptography` package: the one on PATH (what a reader runs),
/// else Debian's (installed by `./x setup` with python3-cryptography).
fn python_with_cryptography() -> &'static str {
    ["python3", "/usr/bin/python3"]
        .into_iter()
        .find(|python| {
            Command::new(python)
                .args(["-c", "import cryptography"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .unwrap_or_else(|| panic!("no python3 with the cryptography package; {SETUP_HINT}"))
}
