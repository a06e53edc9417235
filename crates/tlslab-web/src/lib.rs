//! The tlslab web app: renders the timeline of a real TLS handshake (TLS 1.2 or 1.3) that the
//! core computes in a Web Worker. The app computes nothing about TLS itself.

pub mod beats;
pub mod compare;
pub mod embed;
pub mod glossary;
pub mod hooks;
pub mod import_worker;
pub mod importer;
pub mod protocol;
pub mod quiz;
pub mod runner;
pub mod state;
pub mod story;
pub mod url;
pub mod view;
pub mod worker;
