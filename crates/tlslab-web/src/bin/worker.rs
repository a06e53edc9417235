//! The handshake worker (see `tlslab_web::worker`).

fn main() {
    tlslab_web::worker::start();
}
