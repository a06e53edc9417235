//! The one error type of the protocol: a fatal alert to send, and why.

use crate::codec::DecodeError;
use crate::msgs::enums::AlertDescription;

/// A failure that ends the connection with `alert` (RFC 5246 section 7.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsError {
    pub alert: AlertDescription,
    /// A sentence for people: what was wrong, where.
    pub reason: String,
}

impl TlsError {
    pub fn new(alert: AlertDescription, reason: impl Into<String>) -> Self {
        TlsError {
            alert,
            reason: reason.into(),
        }
    }

    pub fn unexpected(what: &str, state: &str) -> Self {
        Self::new(
            AlertDescription::UnexpectedMessage,
            format!("received {what} while {state}"),
        )
    }
}

impl From<DecodeError> for TlsError {
    fn from(e: DecodeError) -> Self {
        TlsError::new(AlertDescription::DecodeError, e.to_string())
    }
}

impl core::fmt::Display for TlsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", self.alert.name(), self.reason)
    }
}

impl std::error::Error for TlsError {}
