//! Interoperability over loopback with two independent TLS stacks, both directions, every suite:
//!
//! - `tlslab connect` against `openssl s_server -www` and `gnutls-serv --http`;
//! - `openssl s_client` and `gnutls-cli` against `tlslab serve --once`;
//! - with and without the extended master secret (RFC 7627);
//! - `--suites` picking the suite when the peer allows all three;
//! - failures that must fail: a wrong server name, a client that does not trust the root.
//!
//! OpenSSL and GnuTLS are not optional: when they are missing the tests fail and say to run
//! `./x setup`, which installs them.
//!
//! Every child process runs under a guard that kills it when the test ends, every wait has a
//! deadline, and every failure message carries the command lines, exit statuses, stdout and
//! stderr of the processes involved.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tlslab_core::timeline::{Outcome, Timeline};

#[path = "support/export_checks.rs"]
mod export_checks;
#[path = "support/procs.rs"]
mod procs;
use procs::{Proc, SETUP_HINT, args, path_str, reports, start_server};

const TLSLAB: &str = env!("CARGO_BIN_EXE_tlslab");
/// How long one client run (handshake, request, response, close) may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// What the external clients send.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
const GREETING: &str = "Hello from tlslab";

// ---------------------------------------------------------------------------------------------
// Suites

struct Suite {
    iana: &'static str,
    openssl: &'static str,
    /// GnuTLS's key exchange item: +RSA, or +ECDHE-RSA (RFC 8422).
    gnutls_kx: &'static str,
    /// GnuTLS priority items selecting exactly this suite (checked with `gnutls-cli --list`).
    gnutls_cipher_mac: &'static str,
    /// How GnuTLS describes a session with this suite.
    gnutls_description: &'static str,
}

const SUITES: [Suite; 8] = [
    Suite {
        iana: "TLS_RSA_WITH_AES_128_GCM_SHA256",
        openssl: "AES128-GCM-SHA256",
        gnutls_kx: "+RSA",
        gnutls_cipher_mac: "+AES-128-GCM:-MAC-ALL:+AEAD",
        gnutls_description: "(TLS1.2-X.509)-(RSA)-(AES-128-GCM)",
    },
    Suite {
        iana: "TLS_RSA_WITH_AES_128_CBC_SHA256",
        openssl: "AES128-SHA256",
        gnutls_kx: "+RSA",
        gnutls_cipher_mac: "+AES-128-CBC:-MAC-ALL:+SHA256",
        gnutls_description: "(TLS1.2-X.509)-(RSA)-(AES-128-CBC)-(SHA256)",
    },
    Suite {
        iana: "TLS_RSA_WITH_AES_128_CBC_SHA",
        openssl: "AES128-SHA",
        gnutls_kx: "+RSA",
        gnutls_cipher_mac: "+AES-128-CBC:-MAC-ALL:+SHA1",
        gnutls_description: "(TLS1.2-X.509)-(RSA)-(AES-128-CBC)-(SHA1)",
    },
    // The SHA-384 PRF and transcript hash (RFC 5288 section 3).
    Suite {
        iana: "TLS_RSA_WITH_AES_256_GCM_SHA384",
        openssl: "AES256-GCM-SHA384",
        gnutls_kx: "+RSA",
        gnutls_cipher_mac: "+AES-256-GCM:-MAC-ALL:+AEAD",
        gnutls_description: "(TLS1.2-X.509)-(RSA)-(AES-256-GCM)",
    },
    // ECDHE (RFC 8422) on x25519, the first group both sides list, the server's share signed
    // with RSA-PSS, which both list first.
    Suite {
        iana: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        openssl: "ECDHE-RSA-AES128-GCM-SHA256",
        gnutls_kx: "+ECDHE-RSA",
        gnutls_cipher_mac: "+AES-128-GCM:-MAC-ALL:+AEAD",
        gnutls_description: "(TLS1.2-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-128-GCM)",
    },
    Suite {
        iana: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        openssl: "ECDHE-RSA-AES256-GCM-SHA384",
        gnutls_kx: "+ECDHE-RSA",
        gnutls_cipher_mac: "+AES-256-GCM:-MAC-ALL:+AEAD",
        gnutls_description: "(TLS1.2-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)",
    },
    Suite {
        iana: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        openssl: "ECDHE-RSA-AES128-SHA",
        gnutls_kx: "+ECDHE-RSA",
        gnutls_cipher_mac: "+AES-128-CBC:-MAC-ALL:+SHA1",
        gnutls_description: "(TLS1.2-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(AES-128-CBC)-(SHA1)",
    },
    // RFC 7905: the nonce is the write IV XOR the sequence number.
    Suite {
        iana: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        openssl: "ECDHE-RSA-CHACHA20-POLY1305",
        gnutls_kx: "+ECDHE-RSA",
        gnutls_cipher_mac: "+CHACHA20-POLY1305:-MAC-ALL:+AEAD",
        gnutls_description: "(TLS1.2-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-(CHACHA20-POLY1305)",
    },
];

/// Every suite tlslab implements, OpenSSL spelling.
const OPENSSL_ALL: &str = "AES128-GCM-SHA256:AES128-SHA256:AES128-SHA:AES256-GCM-SHA384:\
                           ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:\
                           ECDHE-RSA-CHACHA20-POLY1305";

impl Suite {
    fn gnutls_priority(&self, ems: bool) -> String {
        let mut p = format!(
            "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:{}:-CIPHER-ALL:{}",
            self.gnutls_kx, self.gnutls_cipher_mac
        );
        if !ems {
            // GnuTLS calls RFC 7627 "session hash".
            p.push_str(":%NO_SESSION_HASH");
        }
        p
    }
}

fn ems_label(ems: bool) -> &'static str {
    if ems { "with EMS" } else { "without EMS" }
}

// ---------------------------------------------------------------------------------------------
// Tools and files

/// Fails the test (does not skip it) when a peer program is missing.
fn require(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("`{program}` is not installed; {SETUP_HINT}")
        }
        Err(e) => panic!("cannot run `{program}`: {e}; {SETUP_HINT}"),
    }
}

fn require_openssl() {
    require("openssl", &["version"]);
}

fn require_gnutls() {
    require("gnutls-serv", &["--version"]);
    require("gnutls-cli", &["--version"]);
}

/// The files `tlslab pki` writes, plus what the peers need made from them.
struct Pki {
    ca: PathBuf,
    chain: PathBuf,
    key: PathBuf,
    /// The leaf alone and the intermediate alone: `s_server -cert_chain` sends every
    /// certificate in its file, so giving it chain.pem would send the leaf twice.
    leaf: PathBuf,
    intermediate: PathBuf,
    /// An OpenSSL configuration that turns off the extended master secret in s_client, which
    /// has no command-line switch for it.
    no_ems_conf: PathBuf,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("interop-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the PKI directory");
        let mut p = Proc::spawn(
            "tlslab pki",
            TLSLAB,
            &args(&["pki", "--out", path_str(&dir)]),
            &[],
        );
        match p.wait_exit(RUN_TIMEOUT) {
            Ok(s) if s.success() => {}
            Ok(_) => panic!("tlslab pki failed\n{}", p.report()),
            Err(e) => panic!("tlslab pki: {e}\n{}", p.report()),
        }
        let chain = dir.join("chain.pem");
        let text = std::fs::read_to_string(&chain).expect("read chain.pem");
        let end = "-----END CERTIFICATE-----";
        let certs: Vec<String> = text
            .split_inclusive(end)
            .filter(|c| c.contains("-----BEGIN CERTIFICATE-----"))
            .map(|c| format!("{}\n", c.trim()))
            .collect();
        assert_eq!(
            certs.len(),
            2,
            "chain.pem should hold the leaf and the intermediate:\n{text}"
        );
        let leaf = dir.join("leaf.pem");
        let intermediate = dir.join("intermediate.pem");
        std::fs::write(&leaf, &certs[0]).expect("write leaf.pem");
        std::fs::write(&intermediate, &certs[1]).expect("write intermediate.pem");
        let no_ems_conf = dir.join("openssl-no-ems.cnf");
        std::fs::write(
            &no_ems_conf,
            "openssl_conf = openssl_init\n\
             [openssl_init]\nssl_conf = ssl_module\n\
             [ssl_module]\nsystem_default = tls_defaults\n\
             [tls_defaults]\nOptions = -ExtendedMasterSecret\n",
        )
        .expect("write the OpenSSL configuration");
        Pki {
            ca: dir.join("ca.pem"),
            chain,
            key: dir.join("leaf.key"),
            leaf,
            intermediate,
            no_ems_conf,
        }
    })
}

fn openssl_s_server(cipher: &str) -> (Proc, u16) {
    openssl_s_server_with(&["-tls1_2", "-cipher", cipher])
}

/// `openssl s_server` with `version` (the protocol and cipher options) and the demo chain.
fn openssl_s_server_with(version: &[&str]) -> (Proc, u16) {
    let pki = pki();
    let version: Vec<String> = args(version);
    start_server(
        &format!("openssl s_server {}", version.join(" ")),
        "openssl",
        move |port| {
            let mut a = args(&["s_server", "-accept", &format!("127.0.0.1:{port}")]);
            a.extend(version.iter().cloned());
            a.extend(args(&[
                "-cert",
                path_str(&pki.leaf),
                "-cert_chain",
                path_str(&pki.intermediate),
                "-key",
                path_str(&pki.key),
                "-www",
            ]));
            a
        },
        |_| "ACCEPT".into(),
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// gnutls-serv has no listen-address option: it binds the wildcard addresses (IPv4 and IPv6)
/// of the port. By default it sends a CertificateRequest, which the tlslab client answers with
/// an empty Certificate (RFC 5246 section 7.4.6).
fn gnutls_serv(priority: &str) -> (Proc, u16) {
    let pki = pki();
    let priority = priority.to_string();
    start_server(
        &format!("gnutls-serv --priority {priority}"),
        "gnutls-serv",
        move |port| {
            args(&[
                "--http",
                "-p",
                &port.to_string(),
                "--x509certfile",
                path_str(&pki.chain),
                "--x509keyfile",
                path_str(&pki.key),
                "--priority",
                &priority,
            ])
        },
        |port| format!("HTTP Server listening on IPv4 0.0.0.0 port {port}...done"),
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// `Err` (with the report) when it does not start: a case failure, not a harness failure.
fn tlslab_serve(suites: Option<&str>) -> Result<(Proc, u16), String> {
    let pki = pki();
    let suites = suites.map(str::to_string);
    start_server(
        "tlslab serve --once",
        TLSLAB,
        move |port| {
            let mut a = args(&[
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--cert",
                path_str(&pki.chain),
                "--key",
                path_str(&pki.key),
                "--once",
            ]);
            if let Some(s) = &suites {
                a.extend(args(&["--suites", s]));
            }
            a
        },
        |port| format!(" on 127.0.0.1:{port}"),
        false,
    )
}

/// Runs `tlslab connect` to completion.
fn tlslab_connect(port: u16, extra: &[&str]) -> Proc {
    let pki = pki();
    let mut a = args(&[
        "connect",
        &format!("127.0.0.1:{port}"),
        "--cafile",
        path_str(&pki.ca),
    ]);
    a.extend(args(extra));
    let mut p = Proc::spawn(
        &format!("tlslab connect {}", extra.join(" ")),
        TLSLAB,
        &a,
        &[],
    );
    p.close_stdin();
    if let Err(e) = p.wait_exit(RUN_TIMEOUT) {
        eprintln!("{e}");
    }
    p
}

/// Runs an external client: writes the request, keeps stdin open until the client exits (a
/// client that sees EOF on stdin may send close_notify before the response arrives), bounded.
fn run_client(label: &str, program: &str, a: Vec<String>, env: &[(&str, &Path)]) -> Proc {
    run_client_sending(label, program, a, env, REQUEST)
}

fn run_client_sending(
    label: &str,
    program: &str,
    a: Vec<String>,
    env: &[(&str, &Path)],
    request: &[u8],
) -> Proc {
    let mut p = Proc::spawn(label, program, &a, env);
    p.write_stdin(request);
    if let Err(e) = p.wait_exit(RUN_TIMEOUT) {
        eprintln!("{e}");
    }
    p
}

fn openssl_s_client(port: u16, cipher: &str, ca: bool, ems: bool) -> Proc {
    let pki = pki();
    let mut a = args(&[
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-tls1_2",
        "-cipher",
        cipher,
        "-verify_return_error",
        "-servername",
        "example.com",
        "-verify_hostname",
        "example.com",
        "-ign_eof",
    ]);
    if ca {
        a.extend(args(&["-CAfile", path_str(&pki.ca)]));
    } else {
        // No trust at all, not even the system store: verification must fail.
        a.extend(args(&["-no-CAfile", "-no-CApath", "-no-CAstore"]));
    }
    let env: Vec<(&str, &Path)> = if ems {
        vec![]
    } else {
        vec![("OPENSSL_CONF", pki.no_ems_conf.as_path())]
    };
    run_client(
        &format!("openssl s_client -cipher {cipher}"),
        "openssl",
        a,
        &env,
    )
}

fn gnutls_cli(port: u16, priority: &str, ca: bool) -> Proc {
    let pki = pki();
    let mut a = args(&[
        "--priority",
        priority,
        "-p",
        &port.to_string(),
        "--sni-hostname",
        "example.com",
        "--verify-hostname",
        "example.com",
    ]);
    if ca {
        a.extend(args(&["--x509cafile", path_str(&pki.ca)]));
    }
    a.push("127.0.0.1".into());
    run_client(
        &format!("gnutls-cli --priority {priority}"),
        "gnutls-cli",
        a,
        &[],
    )
}

// ---------------------------------------------------------------------------------------------
// Checks

/// Collects what went wrong in each case so one failing suite does not hide the others.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn case(&mut self, name: &str, started: Instant, result: Result<(), String>) {
        match result {
            Ok(()) => eprintln!("ok    {name} ({:.2}s)", started.elapsed().as_secs_f64()),
            Err(e) => {
                eprintln!("FAIL  {name}");
                self.0.push(format!("=== {name}: {e}"));
            }
        }
    }

    fn finish(self) {
        if !self.0.is_empty() {
            panic!(
                "{} case(s) failed:\n\n{}",
                self.0.len(),
                self.0.join("\n\n")
            );
        }
    }
}

/// `Err` with the reports of `procs` unless `ok`.
fn expect(ok: bool, what: impl AsRef<str>, procs: &[&Proc]) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("{}\n{}", what.as_ref(), reports(procs)))
    }
}

fn exited_ok(p: &Proc) -> bool {
    p.status.is_some_and(|s| s.success())
}

/// A clean failure: exit status 1 (`tlslab` returns that for errors; 101 would be a panic).
fn exited_with_error(p: &Proc) -> bool {
    p.status.and_then(|s| s.code()) == Some(1)
}

fn contains_all(text: &str, needles: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = needles
        .iter()
        .copied()
        .filter(|n| !text.contains(n))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("missing {missing:?}"))
    }
}

/// tlslab connect against a server that answers with a page describing the session.
fn check_connect(client: &Proc, server: &Proc, page_needles: &[&str]) -> Result<(), String> {
    let procs = [client, server];
    expect(exited_ok(client), "tlslab connect did not exit 0", &procs)?;
    contains_all(&client.stdout(), page_needles)
        .or_else(|e| expect(false, format!("tlslab connect's output: {e}"), &procs))
}

/// An external client against `tlslab serve --once`: both must succeed.
fn check_served(client: &Proc, server: &mut Proc, client_needles: &[&str]) -> Result<(), String> {
    let server_result = server.wait_exit(RUN_TIMEOUT);
    let procs = [client, &*server];
    expect(exited_ok(client), "the client did not exit 0", &procs)?;
    contains_all(&client.stdout(), client_needles)
        .or_else(|e| expect(false, format!("the client's output: {e}"), &procs))?;
    if let Err(e) = server_result {
        return expect(false, e, &procs);
    }
    expect(
        exited_ok(server),
        "tlslab serve --once did not exit 0",
        &procs,
    )
}

// ---------------------------------------------------------------------------------------------
// tlslab as the client

/// `tlslab connect`, offering the extended master secret and not, to a server `start(suite)`
/// starts for each suite: the page it prints must hold every one of `needles(suite, ems)`. Each
/// case is named `"{what}, suite, with(out) EMS"`; every failing one is reported at the end.
fn tlslab_connect_every_suite(
    what: &str,
    start: impl Fn(&Suite) -> (Proc, u16),
    needles: impl Fn(&Suite, bool) -> Vec<String>,
) {
    let mut failures = Failures::default();
    for suite in &SUITES {
        let (server, port) = start(suite);
        for ems in [true, false] {
            let started = Instant::now();
            // The client offers ECDHE only when asked (its default is the RSA suites).
            let mut extra = vec!["--suites", suite.iana];
            if !ems {
                extra.push("--no-ems");
            }
            let client = tlslab_connect(port, &extra);
            let needles = needles(suite, ems);
            let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
            failures.case(
                &format!("{what}, {}, {}", suite.iana, ems_label(ems)),
                started,
                check_connect(&client, &server, &needles),
            );
        }
    }
    failures.finish();
}

#[test]
fn tlslab_connect_to_openssl_s_server() {
    require_openssl();
    tlslab_connect_every_suite(
        "tlslab connect -> openssl s_server",
        |suite| openssl_s_server(suite.openssl),
        |suite, ems| {
            vec![
                "Protocol  : TLSv1.2".into(),
                format!("Cipher    : {}", suite.openssl),
                format!("Extended master secret: {}", if ems { "yes" } else { "no" }),
            ]
        },
    );
}

/// `tlslab connect --timeline --pcap --keylog` against OpenSSL: the recorded timeline imports,
/// tshark decrypts OpenSSL's real records with our key log, and every reproduce-it-yourself
/// command recomputes the client's values from what OpenSSL sent.
#[test]
fn tlslab_connect_records_a_run_against_openssl_s_server() {
    require_openssl();
    let mut failures = Failures::default();
    for suite in &SUITES {
        let (server, port) = openssl_s_server(suite.openssl);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "recorded-{}-{}",
            std::process::id(),
            suite.openssl
        ));
        std::fs::create_dir_all(&dir).expect("create the recording directory");
        let file = |name: &str| dir.join(name).to_str().expect("UTF-8 path").to_string();
        let started = Instant::now();
        let client = tlslab_connect(
            port,
            &[
                "--suites",
                suite.iana,
                "--timeline",
                &file("run.json"),
                "--pcap",
                &file("run.pcap"),
                "--keylog",
                &file("run.keys"),
            ],
        );
        let result = check_connect(&client, &server, &["Cipher    : "]).and_then(|()| {
            let json = std::fs::read_to_string(dir.join("run.json")).map_err(|e| e.to_string())?;
            let t = Timeline::import(&json).map_err(|e| e.to_string())?;
            let titles: Vec<&str> = t.steps.iter().map(|s| s.title.as_str()).collect();
            expect(
                t.outcome == Outcome::Success && t.recorded.is_some(),
                format!("recorded outcome {:?}, steps {titles:?}", t.outcome),
                &[&client, &server],
            )?;
            let what = format!("recorded against openssl s_server, {}", suite.iana);
            let text = export_checks::tshark(&dir.join("run.pcap"), Some(&dir.join("run.keys")));
            export_checks::assert_decrypted(&text, &what, &["HTTP/1.0 200 ok\\r\\n"]);
            let ran = export_checks::run_recipes(&t, &dir);
            // An ECDHE premaster is never sent, so no key decrypts it.
            let rsa = suite.gnutls_kx == "+RSA";
            expect(
                ran.contains_key("Premaster secret decryption") == rsa
                    && ran.contains_key("verify_data"),
                format!("recipes run: {ran:?}"),
                &[&client, &server],
            )
        });
        failures.case(
            &format!(
                "tlslab connect --timeline -> openssl s_server, {}",
                suite.iana
            ),
            started,
            result,
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    failures.finish();
}

#[test]
fn tlslab_connect_to_gnutls_serv() {
    require_gnutls();
    tlslab_connect_every_suite(
        "tlslab connect -> gnutls-serv",
        // The server allows the extended master secret; the client offers it or not.
        |suite| gnutls_serv(&suite.gnutls_priority(true)),
        // The page shows the session; it says nothing about the extended master secret.
        |suite, _| {
            vec![
                "GnuTLS</a></H1>".into(),
                "Server Name: example.com".into(),
                "<TD>Protocol version:</TD><TD>TLS1.2</TD>".into(),
                suite.gnutls_description.into(),
            ]
        },
    );
}

// ---------------------------------------------------------------------------------------------
// tlslab as the server

/// An external client against a fresh `tlslab serve --once`, for every suite with and without
/// the extended master secret: `case(suite, ems)` runs one, each is named `"{what}, suite,
/// with(out) EMS"`, and every failing one is reported at the end.
fn against_tlslab_serve_every_suite(what: &str, case: impl Fn(&Suite, bool) -> Result<(), String>) {
    let mut failures = Failures::default();
    for suite in &SUITES {
        for ems in [true, false] {
            let name = format!("{what}, {}, {}", suite.iana, ems_label(ems));
            let started = Instant::now();
            failures.case(&name, started, case(suite, ems));
        }
    }
    failures.finish();
}

#[test]
fn openssl_s_client_to_tlslab_serve() {
    require_openssl();
    against_tlslab_serve_every_suite("openssl s_client -> tlslab serve", |suite, ems| {
        let (mut server, port) = tlslab_serve(None)?;
        let client = openssl_s_client(port, suite.openssl, true, ems);
        let cipher = format!("Cipher is {}", suite.openssl);
        let ems_line = format!("Extended master secret: {}", if ems { "yes" } else { "no" });
        let needles = [
            "Verification: OK",
            "Verified peername: example.com",
            "Verify return code: 0 (ok)",
            "Secure Renegotiation IS supported",
            "Protocol  : TLSv1.2",
            cipher.as_str(),
            ems_line.as_str(),
            "HTTP/1.1 200 OK",
            GREETING,
        ];
        check_served(&client, &mut server, &needles)
    });
}

/// A hand-typed request ends its lines with a bare LF, which RFC 9112 section 2.2 lets a
/// recipient accept: `tlslab serve` answers it rather than waiting for CR LF CR LF.
#[test]
fn a_request_with_bare_line_feeds_is_answered() {
    require_openssl();
    let (mut server, port) = tlslab_serve(None).expect("tlslab serve starts");
    let a = args(&[
        "s_client",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-CAfile",
        path_str(&pki().ca),
        "-quiet",
        "-ign_eof",
    ]);
    let request = b"GET / HTTP/1.1\nHost: example.com\n\n";
    let client = run_client_sending("openssl s_client, bare LF", "openssl", a, &[], request);
    check_served(&client, &mut server, &["HTTP/1.1 200 OK", GREETING]).unwrap();
}

#[test]
fn gnutls_cli_to_tlslab_serve() {
    require_gnutls();
    against_tlslab_serve_every_suite("gnutls-cli -> tlslab serve", |suite, ems| {
        let (mut server, port) = tlslab_serve(None)?;
        let client = gnutls_cli(port, &suite.gnutls_priority(ems), true);
        let description = format!("- Description: {}", suite.gnutls_description);
        let needles = [
            "- Status: The certificate is trusted.",
            description.as_str(),
            "- Handshake was completed",
            "HTTP/1.1 200 OK",
            GREETING,
        ];
        check_served(&client, &mut server, &needles)?;
        let negotiated = client.stdout().contains("extended master secret");
        expect(
            negotiated == ems,
            format!("gnutls-cli says extended master secret negotiated: {negotiated}"),
            &[&client, &server],
        )
    });
}

// ---------------------------------------------------------------------------------------------
// TLS 1.3 (issue 16): each suite both ways with OpenSSL and GnuTLS; secp256r1 from clients that
// offer only it (the tlslab client's share is on x25519, its first group).

const TLS13_SUITES: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

/// GnuTLS's name of a TLS 1.3 suite's cipher.
fn gnutls_cipher13(iana: &str) -> &'static str {
    match iana {
        "TLS_AES_256_GCM_SHA384" => "AES-256-GCM",
        "TLS_CHACHA20_POLY1305_SHA256" => "CHACHA20-POLY1305",
        _ => "AES-128-GCM",
    }
}

#[test]
fn tls13_tlslab_connect_to_openssl_and_gnutls() {
    require_openssl();
    require_gnutls();
    let mut failures = Failures::default();
    for suite in TLS13_SUITES {
        let started = Instant::now();
        let (server, port) = openssl_s_server_with(&["-tls1_3", "-ciphersuites", suite]);
        let client = tlslab_connect(port, &["--suites", suite]);
        let cipher = format!("Cipher    : {suite}");
        let needles = ["Protocol  : TLSv1.3", cipher.as_str()];
        failures.case(
            &format!("tlslab connect -> openssl s_server -tls1_3, {suite}"),
            started,
            check_connect(&client, &server, &needles),
        );
        let started = Instant::now();
        let (server, port) = gnutls_serv("NORMAL:-VERS-ALL:+VERS-TLS1.3");
        let client = tlslab_connect(port, &["--suites", suite]);
        let description = format!(
            "(TLS1.3-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-({})",
            gnutls_cipher13(suite)
        );
        failures.case(
            &format!("tlslab connect -> gnutls-serv TLS 1.3 (with a CertificateRequest), {suite}"),
            started,
            check_connect(&client, &server, &["TLS1.3", description.as_str()]),
        );
    }
    // A forced HelloRetryRequest: the tlslab client's share is on x25519, these servers take
    // only secp256r1 (which the client also supports).
    let started = Instant::now();
    let (server, port) = openssl_s_server_with(&["-tls1_3", "-groups", "P-256"]);
    let client = tlslab_connect(port, &["--suites", "TLS_AES_128_GCM_SHA256"]);
    failures.case(
        "tlslab connect -> openssl s_server -groups P-256 (HelloRetryRequest)",
        started,
        check_connect(
            &client,
            &server,
            &["Protocol  : TLSv1.3", "Shared groups: secp256r1"],
        ),
    );
    let started = Instant::now();
    let (server, port) = gnutls_serv("NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1");
    let client = tlslab_connect(port, &["--suites", "TLS_AES_128_GCM_SHA256"]);
    failures.case(
        "tlslab connect -> gnutls-serv secp256r1 only (HelloRetryRequest)",
        started,
        check_connect(
            &client,
            &server,
            &["(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)"],
        ),
    );
    failures.finish();
}

/// A TLS 1.3 run against OpenSSL recorded by `tlslab connect`: the timeline imports, tshark
/// decrypts OpenSSL's records with the TLS 1.3 key log lines, and every recipe holds, the
/// HKDF steps (`openssl kdf ... HKDF`) among them.
#[test]
fn tls13_tlslab_connect_records_a_run_against_openssl() {
    require_openssl();
    let mut failures = Failures::default();
    for suite in TLS13_SUITES {
        let started = Instant::now();
        let (server, port) = openssl_s_server_with(&["-tls1_3", "-ciphersuites", suite]);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("recorded13-{}-{suite}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the recording directory");
        let file = |name: &str| dir.join(name).to_str().expect("UTF-8 path").to_string();
        let client = tlslab_connect(
            port,
            &[
                "--suites",
                suite,
                "--timeline",
                &file("run.json"),
                "--pcap",
                &file("run.pcap"),
                "--keylog",
                &file("run.keys"),
            ],
        );
        let result = check_connect(&client, &server, &["Protocol  : TLSv1.3"]).and_then(|()| {
            let json = std::fs::read_to_string(dir.join("run.json")).map_err(|e| e.to_string())?;
            let t = Timeline::import(&json).map_err(|e| e.to_string())?;
            expect(
                t.outcome == Outcome::Success && t.recorded.is_some(),
                format!("recorded outcome {:?}", t.outcome),
                &[&client, &server],
            )?;
            let keys = std::fs::read_to_string(dir.join("run.keys")).map_err(|e| e.to_string())?;
            expect(
                keys.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET ")
                    && keys.contains("SERVER_TRAFFIC_SECRET_0 "),
                format!("the key log: {keys}"),
                &[&client, &server],
            )?;
            let what = format!("TLS 1.3 recorded against openssl s_server, {suite}");
            let text = export_checks::tshark(&dir.join("run.pcap"), Some(&dir.join("run.keys")));
            export_checks::assert_decrypted13(&text, &what, &["HTTP/1.0 200 ok\\r\\n"]);
            let hidden = export_checks::tshark(&dir.join("run.pcap"), None);
            expect(
                !hidden.contains("Encrypted Extensions") && !hidden.contains("GET / HTTP"),
                "without the key log tshark reads past ServerHello",
                &[&client, &server],
            )?;
            // Every step of the key schedule recomputed by OpenSSL and Python.
            let ran = export_checks::run_recipes(&t, &dir);
            let wanted = [
                "HKDF-Extract (early secret)",
                "HKDF-Extract (handshake secret)",
                "HKDF-Extract (master secret)",
                "HKDF-Expand-Label (\"c hs traffic\")",
                "HKDF-Expand-Label (\"s ap traffic\")",
                "HKDF-Expand-Label (\"key\")",
                "HKDF-Expand-Label (\"finished\")",
                "ECDH shared secret (x25519)",
            ];
            expect(
                wanted.iter().all(|w| ran.contains_key(*w)),
                format!("recipes run: {ran:?}"),
                &[&client, &server],
            )
        });
        failures.case(
            &format!("tlslab connect --timeline -> openssl s_server -tls1_3, {suite}"),
            started,
            result,
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    failures.finish();
}

/// Both versions on one side (RFC 8446 section 4.2.1): `tlslab connect --protocol tls13`
/// offers TLS 1.3 and TLS 1.2 and speaks whichever the server chooses; `tlslab serve` by
/// default answers a TLS 1.3 client in TLS 1.3 and a TLS 1.2 client in TLS 1.2 (with the
/// downgrade sentinel, which a TLS 1.2 client does not look for).
#[test]
fn one_side_speaking_both_versions_meets_each_version() {
    require_openssl();
    require_gnutls();
    let mut failures = Failures::default();
    let pki = pki();
    let cases: [(&str, Vec<&str>, &str); 2] = [
        ("openssl s_server (both)", vec![], "Protocol  : TLSv1.3"),
        (
            "openssl s_server -tls1_2",
            vec!["-tls1_2"],
            "Protocol  : TLSv1.2",
        ),
    ];
    for (name, options, needle) in cases {
        let started = Instant::now();
        let (server, port) = openssl_s_server_with(&options);
        let client = tlslab_connect(port, &["--protocol", "tls13"]);
        failures.case(
            &format!("tlslab connect --protocol tls13 -> {name}"),
            started,
            check_connect(&client, &server, &[needle]),
        );
    }
    let started = Instant::now();
    let (server, port) = gnutls_serv("NORMAL:-VERS-ALL:+VERS-TLS1.2");
    let client = tlslab_connect(port, &["--protocol", "tls13"]);
    failures.case(
        "tlslab connect --protocol tls13 -> gnutls-serv TLS 1.2 only",
        started,
        check_connect(&client, &server, &["TLS1.2", "(ECDHE-X25519)"]),
    );
    // OpenSSL offering both versions (its default) gets TLS 1.3 from the default server.
    let started = Instant::now();
    let run = || {
        let (mut server, port) = tlslab_serve(None)?;
        let a = args(&[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-CAfile",
            path_str(&pki.ca),
            "-servername",
            "example.com",
            "-ign_eof",
        ]);
        let client = run_client("openssl s_client", "openssl", a, &[]);
        check_served(
            &client,
            &mut server,
            &["New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256", GREETING],
        )
    };
    failures.case("openssl s_client (both) -> tlslab serve", started, run());
    // GnuTLS offering both versions, likewise.
    let started = Instant::now();
    let run = || {
        let (mut server, port) = tlslab_serve(None)?;
        let client = gnutls_cli(port, "NORMAL", true);
        check_served(&client, &mut server, &["TLS1.3", GREETING])
    };
    failures.case("gnutls-cli (both) -> tlslab serve", started, run());
    failures.finish();
}

#[test]
fn tls13_openssl_and_gnutls_clients_to_tlslab_serve() {
    require_openssl();
    require_gnutls();
    let mut failures = Failures::default();
    for suite in TLS13_SUITES {
        for group in ["X25519", "P-256"] {
            let name = format!("openssl s_client -tls1_3 -groups {group} -> tlslab serve, {suite}");
            let started = Instant::now();
            let result = tlslab_serve(Some(suite)).and_then(|(mut server, port)| {
                let a = args(&[
                    "s_client",
                    "-connect",
                    &format!("127.0.0.1:{port}"),
                    "-tls1_3",
                    "-ciphersuites",
                    suite,
                    "-groups",
                    group,
                    "-verify_return_error",
                    "-servername",
                    "example.com",
                    "-verify_hostname",
                    "example.com",
                    "-CAfile",
                    path_str(&pki().ca),
                    "-ign_eof",
                ]);
                let client = run_client(&name, "openssl", a, &[]);
                let cipher = format!("Cipher is {suite}");
                let needles = [
                    "Verify return code: 0 (ok)",
                    "New, TLSv1.3",
                    cipher.as_str(),
                    "HTTP/1.1 200 OK",
                    GREETING,
                ];
                check_served(&client, &mut server, &needles)
            });
            failures.case(&name, started, result);
        }
        // OpenSSL's share on ffdhe2048, which tlslab serve does not take: our
        // HelloRetryRequest asks for x25519, and a second ClientHello brings it.
        let name = format!(
            "openssl s_client -groups ffdhe2048:X25519 -> tlslab serve (HelloRetryRequest), {suite}"
        );
        let started = Instant::now();
        let result = tlslab_serve(Some(suite)).and_then(|(mut server, port)| {
            let a = args(&[
                "s_client",
                "-connect",
                &format!("127.0.0.1:{port}"),
                "-tls1_3",
                "-ciphersuites",
                suite,
                "-groups",
                "ffdhe2048:X25519",
                "-msg",
                "-servername",
                "example.com",
                "-CAfile",
                path_str(&pki().ca),
                "-ign_eof",
            ]);
            let client = run_client(&name, "openssl", a, &[]);
            check_served(&client, &mut server, &["New, TLSv1.3", "HTTP/1.1 200 OK"])?;
            let hellos = client.stdout().matches("], ClientHello").count();
            expect(
                hellos == 2,
                format!("{hellos} ClientHellos, not 2"),
                &[&client, &server],
            )
        });
        failures.case(&name, started, result);
        let name = format!("gnutls-cli TLS 1.3 -> tlslab serve, {suite}");
        let started = Instant::now();
        let result = tlslab_serve(Some(suite)).and_then(|(mut server, port)| {
            let client = gnutls_cli(port, "NORMAL:-VERS-ALL:+VERS-TLS1.3", true);
            let description = format!(
                "- Description: (TLS1.3-X.509)-(ECDHE-X25519)-(RSA-PSS-RSAE-SHA256)-({})",
                gnutls_cipher13(suite)
            );
            let needles = [
                "- Status: The certificate is trusted.",
                description.as_str(),
                "- Handshake was completed",
                "HTTP/1.1 200 OK",
                GREETING,
            ];
            check_served(&client, &mut server, &needles)
        });
        failures.case(&name, started, result);
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// --suites: the peer allows all three suites, tlslab's list decides

#[test]
fn suites_option_picks_the_suite() {
    require_openssl();
    let mut failures = Failures::default();
    let (server, port) = openssl_s_server(OPENSSL_ALL);
    for suite in &SUITES {
        let started = Instant::now();
        let client = tlslab_connect(port, &["--suites", suite.iana]);
        let cipher = format!("Cipher    : {}", suite.openssl);
        failures.case(
            &format!("tlslab connect --suites {} -> openssl s_server", suite.iana),
            started,
            check_connect(&client, &server, &[cipher.as_str()]),
        );
    }
    drop(server);
    for suite in &SUITES {
        let started = Instant::now();
        let run = || {
            let (mut server, port) = tlslab_serve(Some(suite.iana))?;
            let client = openssl_s_client(port, OPENSSL_ALL, true, true);
            let cipher = format!("Cipher is {}", suite.openssl);
            check_served(&client, &mut server, &[cipher.as_str(), GREETING])
        };
        failures.case(
            &format!("openssl s_client -> tlslab serve --suites {}", suite.iana),
            started,
            run(),
        );
    }
    failures.finish();
}

// ---------------------------------------------------------------------------------------------
// Failures that must fail

#[test]
fn tlslab_connect_rejects_a_wrong_server_name() {
    require_openssl();
    let (mut server, port) = openssl_s_server(OPENSSL_ALL);
    let client = tlslab_connect(port, &["--servername", "wrong.example.org"]);
    let procs = [&client, &server];
    assert!(
        exited_with_error(&client),
        "tlslab connect should exit 1\n{}",
        reports(&procs)
    );
    assert!(
        client.stderr().contains("bad_certificate")
            && client.stderr().contains("wrong.example.org"),
        "tlslab connect should report sending bad_certificate for wrong.example.org\n{}",
        reports(&procs)
    );
    assert!(
        !client.stdout().contains("Cipher"),
        "no page may be printed\n{}",
        reports(&procs)
    );
    // The alert reached OpenSSL.
    let seen = server.wait_for_output("alert bad certificate", Duration::from_secs(5));
    assert!(
        seen.is_ok(),
        "{}\n{}",
        seen.unwrap_err(),
        reports(&[&client, &server])
    );
}

/// An external client without the root, against `tlslab serve --once`: the client fails the
/// verification (its output says every one of `verification_failed`), no response is
/// delivered, and the server exits 1 reporting the alert the client sent (`alert`).
#[track_caller]
fn assert_aborts_without_the_root(
    client_name: &str,
    run_client: impl FnOnce(u16) -> Proc,
    verification_failed: &[&str],
    alert: &str,
) {
    let (mut server, port) = tlslab_serve(None).unwrap_or_else(|e| panic!("{e}"));
    let client = run_client(port);
    let server_result = server.wait_exit(RUN_TIMEOUT);
    let procs = [&client, &server];
    assert!(
        server_result.is_ok(),
        "{}\n{}",
        server_result.unwrap_err(),
        reports(&procs)
    );
    let out = format!("{}{}", client.stdout(), client.stderr());
    assert!(
        client.status.is_some_and(|s| !s.success()),
        "{client_name} should fail\n{}",
        reports(&procs)
    );
    assert!(
        verification_failed.iter().all(|v| out.contains(v)),
        "{client_name} should fail the verification ({verification_failed:?})\n{}",
        reports(&procs)
    );
    assert!(
        !out.contains(GREETING),
        "no response may be delivered\n{}",
        reports(&procs)
    );
    assert!(
        exited_with_error(&server) && server.stderr().contains(&format!("received alert {alert}")),
        "tlslab serve --once should exit 1 reporting the {alert} alert\n{}",
        reports(&procs)
    );
}

#[test]
fn openssl_s_client_without_the_root_aborts() {
    require_openssl();
    // OpenSSL maps "unable to get local issuer certificate" to the unknown_ca alert.
    assert_aborts_without_the_root(
        "s_client",
        |port| openssl_s_client(port, OPENSSL_ALL, false, true),
        &[
            "unable to get local issuer certificate",
            "certificate verify failed",
        ],
        "unknown_ca",
    );
}

#[test]
fn gnutls_cli_without_the_root_aborts() {
    require_gnutls();
    // GnuTLS answers a failed verification with bad_certificate.
    let priority = SUITES[0].gnutls_priority(true);
    assert_aborts_without_the_root(
        "gnutls-cli",
        |port| gnutls_cli(port, &priority, false),
        &["The certificate is NOT trusted", "issuer is unknown"],
        "bad_certificate",
    );
}

// ---------------------------------------------------------------------------------------------
// ECDHE on secp256r1: both peers restricted to P-256, both directions

#[test]
fn ecdhe_on_secp256r1_both_directions_with_openssl() {
    require_openssl();
    let mut failures = Failures::default();
    // OpenSSL as the server, told to use P-256 only.
    let pki = pki();
    let started = Instant::now();
    let (server, port) = start_server(
        "openssl s_server -groups P-256",
        "openssl",
        move |port| {
            args(&[
                "s_server",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-tls1_2",
                "-cipher",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "-groups",
                "P-256",
                "-cert",
                path_str(&pki.leaf),
                "-cert_chain",
                path_str(&pki.intermediate),
                "-key",
                path_str(&pki.key),
                "-www",
            ])
        },
        |_| "ACCEPT".into(),
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let client = tlslab_connect(port, &["--suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]);
    failures.case(
        "tlslab connect -> openssl s_server -groups P-256",
        started,
        check_connect(
            &client,
            &server,
            &["Cipher    : ECDHE-RSA-AES128-GCM-SHA256"],
        ),
    );
    drop(server);
    // OpenSSL as the client, offering P-256 only.
    let started = Instant::now();
    let run = || {
        let (mut server, port) = tlslab_serve(None)?;
        let a = args(&[
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-tls1_2",
            "-cipher",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "-groups",
            "P-256",
            "-CAfile",
            path_str(&pki.ca),
            "-servername",
            "example.com",
            "-ign_eof",
        ]);
        let client = run_client("openssl s_client -groups P-256", "openssl", a, &[]);
        check_served(
            &client,
            &mut server,
            &[
                "Server Temp Key: ECDH, prime256v1, 256 bits",
                "Cipher is ECDHE-RSA-AES256-GCM-SHA384",
                GREETING,
            ],
        )
    };
    failures.case(
        "openssl s_client -groups P-256 -> tlslab serve",
        started,
        run(),
    );
    failures.finish();
}
