//! The certificate parser and chain validator: an arbitrary chain of DER blobs (each after
//! its u16 length, see `tlslab_fuzz::split_chain`) against the demo trust anchors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tlslab_core::driver;
use tlslab_core::pki::{Policy, validate_chain};

fuzz_target!(|data: &[u8]| {
    let pki = driver::demo_pki().expect("demo PKI loads");
    let chain = tlslab_fuzz::split_chain(data);
    let v = validate_chain(
        &chain,
        &pki.trust_anchors(),
        driver::SERVER_NAME,
        tlslab_fuzz::NOW,
        &Policy::default(),
    );
    // A trusted result needs a chain that really ends at a demo anchor.
    if v.is_trusted() {
        assert!(v.alert().is_none());
    }
});
