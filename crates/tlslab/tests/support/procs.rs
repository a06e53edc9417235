//! Child processes for the tests that run `tlslab` and other TLS programs over loopback
//! (`interop.rs`, `hostile_peers.rs`): a process with captured output, killed when dropped; a
//! free port; a server started on a fresh port and waited for, with a deadline.
// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a server may take to start listening.
pub const START_TIMEOUT: Duration = Duration::from_secs(10);
pub const SETUP_HINT: &str =
    "run `./x setup` (it installs the Debian packages openssl and gnutls-bin)";

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

pub fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A port nobody in this test process has used, found by binding 127.0.0.1:0 and letting go.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut used = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local address").port();
        if !used.contains(&port) {
            used.push(port);
            return port;
        }
    }
}

/// A child process with captured output; killed when dropped if it is still running.
pub struct Proc {
    label: String,
    command_line: String,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
    /// How it exited, once it has.
    pub status: Option<ExitStatus>,
}

pub fn capture(mut from: impl Read + Send + 'static) -> (Arc<Mutex<Vec<u8>>>, JoinHandle<()>) {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let to = Arc::clone(&buf);
    let handle = thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match from.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => to
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&chunk[..n]),
            }
        }
    });
    (buf, handle)
}

impl Proc {
    pub fn spawn(label: &str, program: &str, args: &[String], env: &[(&str, &Path)]) -> Proc {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                panic!("`{program}` is not installed; {SETUP_HINT}")
            }
            Err(e) => panic!("cannot start `{program}`: {e}"),
        };
        let (stdout, r1) = capture(child.stdout.take().expect("piped stdout"));
        let (stderr, r2) = capture(child.stderr.take().expect("piped stderr"));
        let env_text: String = env
            .iter()
            .map(|(k, v)| format!("{k}={} ", v.display()))
            .collect();
        Proc {
            label: label.to_string(),
            command_line: format!("{env_text}{program} {}", args.join(" ")),
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            readers: vec![r1, r2],
            status: None,
        }
    }

    pub fn write_stdin(&mut self, data: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut() {
            // A client that already died has closed its end; its report will say why.
            let _ = stdin.write_all(data).and_then(|()| stdin.flush());
        }
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    /// Waits for the process to exit; kills it when `timeout` passes first.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        let result = loop {
            if let Some(s) = self.try_status() {
                break Ok(s);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                self.status = self.child.wait().ok();
                break Err(format!(
                    "{} did not exit within {timeout:?}; killed it",
                    self.label
                ));
            }
            thread::sleep(Duration::from_millis(10));
        };
        self.close_stdin();
        // Let the readers drain the pipes, boundedly.
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && self.readers.iter().any(|r| !r.is_finished()) {
            thread::sleep(Duration::from_millis(5));
        }
        result
    }

    /// Waits until stdout or stderr contains `needle`.
    pub fn wait_for_output(&mut self, needle: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if self.stdout().contains(needle) || self.stderr().contains(needle) {
                return Ok(());
            }
            if let Some(s) = self.try_status() {
                // One last look: the output may have landed just before the exit.
                thread::sleep(Duration::from_millis(50));
                if self.stdout().contains(needle) || self.stderr().contains(needle) {
                    return Ok(());
                }
                return Err(format!(
                    "{} exited ({s}) before printing {needle:?}",
                    self.label
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{} did not print {needle:?} within {timeout:?}",
                    self.label
                ));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    pub fn report(&self) -> String {
        let status = match self.status {
            Some(s) => s.to_string(),
            None => "still running".into(),
        };
        format!(
            "----- {}: {status}\n$ {}\n----- stdout:\n{}\n----- stderr:\n{}\n",
            self.label,
            self.command_line,
            tail(&self.stdout()),
            tail(&self.stderr())
        )
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.try_status().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last few kilobytes of an output, without the PEM blobs s_client prints.
pub fn tail(text: &str) -> String {
    let mut out = String::new();
    let mut in_pem = false;
    for line in text.lines() {
        if line.starts_with("-----BEGIN") {
            in_pem = true;
            out.push_str(line);
            out.push_str("\n(...)\n");
        } else if line.starts_with("-----END") {
            in_pem = false;
        }
        if !in_pem {
            out.push_str(line);
            out.push('\n');
        }
    }
    const MAX: usize = 6000;
    if out.len() > MAX {
        let mut cut = out.len() - MAX;
        while !out.is_char_boundary(cut) {
            cut += 1;
        }
        format!("(... {cut} bytes cut ...)\n{}", &out[cut..])
    } else {
        out
    }
}

pub fn reports(procs: &[&Proc]) -> String {
    procs.iter().map(|p| p.report()).collect()
}

/// Starts a server on a fresh port and waits until it is ready: until it prints `ready(port)`
/// (which all three servers do once bound), then, when `probe`, until a TCP connect succeeds.
/// `tlslab serve --once` must not be probed: the probe would be its one connection.
/// Retries on another port when the port turned out to be taken (gnutls-serv then keeps
/// running on its other address family, so "in use" is looked for in the output too).
pub fn start_server(
    label: &str,
    program: &str,
    make_args: impl Fn(u16) -> Vec<String>,
    ready: impl Fn(u16) -> String,
    probe: bool,
) -> Result<(Proc, u16), String> {
    const IN_USE: &str = "already in use";
    let mut attempt = 0;
    loop {
        attempt += 1;
        let port = free_port();
        let ready = ready(port);
        let mut server = Proc::spawn(label, program, &make_args(port), &[]);
        let deadline = Instant::now() + START_TIMEOUT;
        let mut exited = false;
        let outcome = loop {
            let out = format!("{}{}", server.stdout(), server.stderr());
            if out.contains(IN_USE) {
                break Err(format!("{label}: port {port} is taken"));
            }
            if out.contains(&ready) {
                break Ok(());
            }
            if exited {
                break Err(format!("{label} exited before printing {ready:?}"));
            }
            if server.try_status().is_some() {
                // One more look: the output may have landed just before the exit.
                exited = true;
                thread::sleep(Duration::from_millis(50));
                continue;
            }
            if Instant::now() >= deadline {
                break Err(format!(
                    "{label} did not print {ready:?} within {START_TIMEOUT:?}"
                ));
            }
            thread::sleep(Duration::from_millis(10));
        };
        if let Err(e) = outcome {
            if e.ends_with("is taken") && attempt < 3 {
                continue; // `server` is dropped, so killed
            }
            return Err(format!("{e}\n{}", server.report()));
        }
        if probe {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let deadline = Instant::now() + START_TIMEOUT;
            loop {
                if TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok() {
                    break;
                }
                if server.try_status().is_some() || Instant::now() >= deadline {
                    return Err(format!(
                        "{label} does not accept connections on {addr}\n{}",
                        server.report()
                    ));
                }
                thread::sleep(Duration::from_millis(20));
            }
        }
        if server.try_status().is_some() {
            return Err(format!(
                "{label} exited right after starting\n{}",
                server.report()
            ));
        }
        return Ok((server, port));
    }
}
