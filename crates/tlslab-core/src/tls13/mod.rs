//! TLS 1.3 (RFC 8446), built up piece by piece on the engine TLS 1.2 runs on: so far its key
//! schedule and its record protection, proved against RFC 8448.

pub mod key_schedule;
pub mod record;
