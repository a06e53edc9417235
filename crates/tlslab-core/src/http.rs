//! The tiny HTTP/1.1 exchange carried as application data after the handshake.

/// `GET path` for `host`, asking the server to close afterwards.
pub fn request(host: &str, path: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: tlslab\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

/// A 200 response with a plain-text `body`.
pub fn response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Whether `received` holds a complete request head (a request without a body): an empty line
/// ends it (RFC 9112 section 2.1). Lines end with CR LF, or with a bare LF, which section 2.2
/// lets a recipient accept (hand-typed requests and test tools send it).
pub fn request_complete(received: &[u8]) -> bool {
    received.windows(2).any(|w| w == b"\n\n") || received.windows(3).any(|w| w == b"\n\r\n")
}

/// The body of a response: what follows the blank line after the head.
pub fn response_body(response: &[u8]) -> Option<&[u8]> {
    response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| &response[i + 4..])
}

/// The body the demo server answers with.
pub const GREETING: &str = "Hello from tlslab: this response travelled encrypted with the keys you just watched being made.\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response_frame() {
        assert!(request_complete(&request("example.com", "/")));
        assert!(!request_complete(b"GET / HTTP/1.1\r\n"));
        assert!(request_complete(b"GET / HTTP/1.1\nHost: example.com\n\n"));
        assert!(request_complete(
            b"GET / HTTP/1.1\r\nHost: example.com\n\r\n"
        ));
        assert!(!request_complete(b"GET / HTTP/1.1\nHost: example.com\n"));
        assert_eq!(response_body(&response("hi")), Some(&b"hi"[..]));
    }
}
