//! The import worker (see `tlslab_web::import_worker`).

fn main() {
    tlslab_web::import_worker::start();
}
