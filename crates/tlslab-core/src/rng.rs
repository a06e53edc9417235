//! The core's only source of randomness: a deterministic generator seeded by the caller.
//!
//! HMAC_DRBG-style construction over SHA-256 (NIST SP 800-90A, without reseeding): the same
//! seed gives the same stream, so a run, its bytes and a deep link to it are reproducible. The
//! caller chooses the seed: fresh OS randomness for real connections, a number for demos.

use core::convert::Infallible;
use hmac::{Hmac, KeyInit, Mac};
use rand_core::{TryCryptoRng, TryRng};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Where a peer's randomness comes from. The core never reads the OS random source itself.
pub trait RandomSource {
    fn fill(&mut self, out: &mut [u8]);
}

/// Adapts a [`RandomSource`] to the `rand_core` traits that the RSA crate asks for.
pub struct CryptoRngAdapter<'a>(pub &'a mut dyn RandomSource);

impl TryRng for CryptoRngAdapter<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.0.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.0.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for CryptoRngAdapter<'_> {}

/// A deterministic cryptographic random generator.
#[derive(Clone)]
pub struct Drbg {
    key: [u8; 32],
    value: [u8; 32],
}

impl Drbg {
    /// A generator whose whole output is determined by `seed`.
    pub fn from_seed(seed: &[u8]) -> Self {
        let mut drbg = Drbg {
            key: [0; 32],
            value: [1; 32],
        };
        drbg.update(seed);
        drbg
    }

    /// A generator for a numeric seed (the form used in URLs and on the command line).
    pub fn from_u64(seed: u64) -> Self {
        Self::from_seed(&seed.to_be_bytes())
    }

    /// An independent generator derived from this one, for a named purpose (for example each
    /// peer gets its own, so adding a draw to one does not shift the other's bytes).
    pub fn fork(&mut self, purpose: &str) -> Self {
        let mut seed = [0u8; 32];
        self.fill(&mut seed);
        let mut input = seed.to_vec();
        input.extend_from_slice(purpose.as_bytes());
        Self::from_seed(&input)
    }

    /// `n` fresh bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = vec![0; n];
        self.fill(&mut out);
        out
    }

    /// Fills `out` with the next bytes of the stream.
    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(32) {
            self.value = hmac(&self.key, &[&self.value]);
            chunk.copy_from_slice(&self.value[..chunk.len()]);
        }
        self.update(&[]);
    }

    fn update(&mut self, data: &[u8]) {
        self.key = hmac(&self.key, &[&self.value, &[0x00], data]);
        self.value = hmac(&self.key, &[&self.value]);
        if !data.is_empty() {
            self.key = hmac(&self.key, &[&self.value, &[0x01], data]);
            self.value = hmac(&self.key, &[&self.value]);
        }
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

impl RandomSource for Drbg {
    fn fill(&mut self, out: &mut [u8]) {
        Drbg::fill(self, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_other_seed_other_stream() {
        assert_eq!(Drbg::from_u64(7).bytes(100), Drbg::from_u64(7).bytes(100));
        assert_ne!(Drbg::from_u64(7).bytes(32), Drbg::from_u64(8).bytes(32));
        let mut a = Drbg::from_u64(7);
        let first = a.bytes(32);
        assert_ne!(first, a.bytes(32), "the stream advances");
    }
}
