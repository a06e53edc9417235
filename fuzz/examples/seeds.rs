//! Writes the committed seed corpora to fuzz/corpus/<target>/ from a real handshake captured
//! with fixed seeds: `cargo run --example seeds` in fuzz/.

use std::fs;
use std::path::Path;

use tlslab_core::driver;
use tlslab_fuzz::{flights, join_chain};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    fs::create_dir_all(&dir).expect("corpus directory");
    fs::write(dir.join(name), bytes).expect("seed file");
}

fn main() {
    let f = flights();
    let pki = driver::demo_pki().expect("demo PKI");
    let (c, s) = (&f.client, &f.server);

    // Deframer: a piece size, then a stream of records.
    write(
        "deframer",
        "client-flights",
        &[[0u8].as_slice(), &c.concat()].concat(),
    );
    write(
        "deframer",
        "server-flights-3",
        &[[3u8].as_slice(), &s.concat()].concat(),
    );
    write("deframer", "oversized-header", &[0, 22, 3, 3, 0x48, 0x01]);

    // Handshake messages: the plaintext ones, without their record header.
    write("handshake_decode", "client_hello", &c[0][5..]);
    let first = &s[0];
    let mut at = 0;
    for i in 0.. {
        if at + 5 > first.len() {
            break;
        }
        let len = usize::from(u16::from_be_bytes([first[at + 3], first[at + 4]]));
        // Each handshake message of the server's first flight.
        let mut frag = &first[at + 5..at + 5 + len];
        while frag.len() >= 4 {
            let mlen =
                4 + (usize::from(frag[1]) << 16 | usize::from(frag[2]) << 8 | usize::from(frag[3]));
            let end = mlen.min(frag.len());
            write(
                "handshake_decode",
                &format!("server-msg-{i}-{}", frag[0]),
                &frag[..end],
            );
            frag = &frag[end..];
        }
        at += 5 + len;
    }

    // Chains.
    write("validate_chain", "demo-chain", &join_chain(&pki.chain()));
    write(
        "validate_chain",
        "attacker-chain",
        &join_chain(&pki.attacker_chain()),
    );
    write(
        "validate_chain",
        "leaf-only",
        &join_chain(&pki.chain()[..1]),
    );

    // The state machines: what the real peer sends, whole and in small pieces.
    write(
        "client",
        "server-flights",
        &[[0u8].as_slice(), &s.concat()].concat(),
    );
    write(
        "client",
        "server-first-flight-7",
        &[[7u8].as_slice(), &s[0]].concat(),
    );
    write(
        "server",
        "client-hello",
        &[[0u8].as_slice(), &c[0]].concat(),
    );
    write(
        "server",
        "client-flights-2",
        &[[0u8].as_slice(), &c[..2].concat()].concat(),
    );
    write(
        "server",
        "client-hello-5",
        &[[5u8].as_slice(), &c[0]].concat(),
    );

    // Structure-aware replays: each side, each flight, a few kinds of change.
    for (victim, n) in [(0u8, c.len()), (1, s.len())] {
        for flight in 0..n as u8 {
            let sel = flight << 1 | victim;
            // The same operations on the ECDHE handshake (same selector layout).
            for target in ["flights", "flights_ecdhe", "flights_tls13"] {
                write(
                    target,
                    &format!("v{victim}-f{flight}-xor"),
                    &[sel, 0, 0, 9, 0x01],
                );
                write(
                    target,
                    &format!("v{victim}-f{flight}-record"),
                    &[sel, 4, 0, 0, 6, 1, 0xff],
                );
            }
        }
    }
    write("flights", "v0-whole-1byte-pieces", &[0, 1 << 3, 0, 0, 0]);
    write(
        "flights_ecdhe",
        "v0-whole-1byte-pieces",
        &[0, 1 << 3, 0, 0, 0],
    );
    println!(
        "client flights: {:?}",
        c.iter().map(Vec::len).collect::<Vec<_>>()
    );
    println!(
        "server flights: {:?}",
        s.iter().map(Vec::len).collect::<Vec<_>>()
    );
}
