//! A run as a capture file: the classic libpcap format with raw IPv4 packets
//! (LINKTYPE_RAW), each TLS record in a TCP segment of its own.
//!
//! The run never touched a network, so the TCP/IP framing is synthetic but exact: a three-way
//! handshake, sequence and acknowledgement numbers that count every byte (RFC 9293 section
//! 3.4), IPv4 and TCP checksums (RFC 791, RFC 9293 section 3.1), and a FIN from each side. The
//! first connection goes from 127.0.0.1:50000 to 127.0.0.1:443; a second one (a man in the
//! middle's own) from port 50001. Timestamps start at the client's clock, one millisecond
//! apart.

use super::wire::links;
use crate::timeline::Timeline;

const CLIENT_ADDR: [u8; 4] = [127, 0, 0, 1];
const SERVER_ADDR: [u8; 4] = [127, 0, 0, 1];
pub const CLIENT_PORT: u16 = 50000;
pub const SERVER_PORT: u16 = 443;
/// LINKTYPE_RAW: each packet starts with its IP header.
const LINKTYPE_RAW: u32 = 101;
const SNAPLEN: u32 = 262_144;
/// The largest TCP payload per packet: the IPv4 length field's limit minus both headers.
const MAX_SEGMENT: usize = 65_535 - 40;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// The run's connections as a pcap file.
pub fn pcap(t: &Timeline) -> Vec<u8> {
    let mut file = Capture::new(t.now);
    let links = links(t);
    let mut tcp: Vec<Tcp> = (0..links.len()).map(Tcp::new).collect();
    let mut order: Vec<(usize, usize)> = links
        .iter()
        .enumerate()
        .flat_map(|(l, link)| (0..link.segments.len()).map(move |s| (l, s)))
        .collect();
    order.sort_by_key(|&(l, s)| links[l].segments[s].order);
    for (l, s) in order {
        let segment = &links[l].segments[s];
        tcp[l].open(&mut file);
        // A record is at most 18 KiB; longer ones come only from an edited timeline file,
        // and still fit the IPv4 length field this way.
        for piece in segment.bytes.chunks(MAX_SEGMENT) {
            tcp[l].send(&mut file, segment.from_client, PSH | ACK, piece);
        }
    }
    for (conn, link) in tcp.iter_mut().zip(&links) {
        if !link.segments.is_empty() {
            conn.close(&mut file);
        }
    }
    file.bytes
}

/// The file being written, with its packet clock.
struct Capture {
    bytes: Vec<u8>,
    micros: u64,
    ip_id: u16,
}

impl Capture {
    fn new(now: u64) -> Self {
        let mut bytes = Vec::new();
        // The global header, little-endian (magic 0xa1b2c3d4: microsecond timestamps).
        bytes.extend(0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend(2u16.to_le_bytes());
        bytes.extend(4u16.to_le_bytes());
        bytes.extend(0i32.to_le_bytes()); // thiszone
        bytes.extend(0u32.to_le_bytes()); // sigfigs
        bytes.extend(SNAPLEN.to_le_bytes());
        bytes.extend(LINKTYPE_RAW.to_le_bytes());
        Capture {
            bytes,
            micros: now.saturating_mul(1_000_000),
            ip_id: 1,
        }
    }

    fn packet(&mut self, ip_packet: &[u8]) {
        // ts_sec is 32 bits: a clock past 2106 is written as the last second it can hold.
        let seconds = u32::try_from(self.micros / 1_000_000).unwrap_or(u32::MAX);
        let len = ip_packet.len() as u32; // at most 40 + one record, far below 2^32
        self.bytes.extend(seconds.to_le_bytes());
        self.bytes
            .extend(((self.micros % 1_000_000) as u32).to_le_bytes());
        self.bytes.extend(len.to_le_bytes());
        self.bytes.extend(len.to_le_bytes());
        self.bytes.extend(ip_packet);
        // A clock read from a file may be anything; saturate rather than overflow.
        self.micros = self.micros.saturating_add(1000);
        self.ip_id = self.ip_id.wrapping_add(1);
    }
}

/// One TCP connection's state: the next sequence number each side sends.
struct Tcp {
    client_port: u16,
    /// Next sequence number from the client and from the server.
    next: [u32; 2],
    open: bool,
}

impl Tcp {
    fn new(index: usize) -> Self {
        // Fixed initial sequence numbers keep captures byte-for-byte reproducible.
        let isn = 0x1000_0000u32.wrapping_mul(index as u32 + 1);
        Tcp {
            client_port: CLIENT_PORT.wrapping_add(index as u16),
            next: [isn, isn.wrapping_add(0x0800_0000)],
            open: false,
        }
    }

    /// The three-way handshake, once.
    fn open(&mut self, file: &mut Capture) {
        if std::mem::replace(&mut self.open, true) {
            return;
        }
        self.send(file, true, SYN, &[]);
        self.send(file, false, SYN | ACK, &[]);
        self.send(file, true, ACK, &[]);
    }

    /// Both sides send FIN, and the last one is acknowledged.
    fn close(&mut self, file: &mut Capture) {
        self.send(file, true, FIN | ACK, &[]);
        self.send(file, false, FIN | ACK, &[]);
        self.send(file, true, ACK, &[]);
    }

    fn send(&mut self, file: &mut Capture, from_client: bool, flags: u8, payload: &[u8]) {
        let (me, peer) = if from_client { (0, 1) } else { (1, 0) };
        let seq = self.next[me];
        // Every flag but a lone SYN acknowledges everything the peer sent so far.
        let ack = if flags & ACK != 0 { self.next[peer] } else { 0 };
        let (src, dst, sport, dport) = if from_client {
            (CLIENT_ADDR, SERVER_ADDR, self.client_port, SERVER_PORT)
        } else {
            (SERVER_ADDR, CLIENT_ADDR, SERVER_PORT, self.client_port)
        };
        let segment = tcp_segment(src, dst, sport, dport, seq, ack, flags, payload);
        let packet = ipv4_packet(src, dst, file.ip_id, &segment);
        file.packet(&packet);
        // SYN and FIN each take one sequence number (RFC 9293 section 3.4).
        let consumed = payload.len() as u32 + u32::from(flags & (SYN | FIN) != 0);
        self.next[me] = seq.wrapping_add(consumed);
    }
}

#[allow(clippy::too_many_arguments)]
fn tcp_segment(
    src: [u8; 4],
    dst: [u8; 4],
    sport: u16,
    dport: u16,
    seq: u32,
    ack: u32,
    flags: u8,
    payload: &[u8],
) -> Vec<u8> {
    let mut s = Vec::with_capacity(20 + payload.len());
    s.extend(sport.to_be_bytes());
    s.extend(dport.to_be_bytes());
    s.extend(seq.to_be_bytes());
    s.extend(ack.to_be_bytes());
    s.push(5 << 4); // data offset: five 32-bit words, no options
    s.push(flags);
    s.extend(65535u16.to_be_bytes()); // window
    s.extend([0, 0]); // checksum, filled in below
    s.extend([0, 0]); // urgent pointer
    s.extend(payload);
    // The checksum covers a pseudo-header of addresses, protocol and TCP length.
    let mut pseudo = Vec::with_capacity(12 + s.len());
    pseudo.extend(src);
    pseudo.extend(dst);
    pseudo.extend([0, 6]);
    pseudo.extend((s.len() as u16).to_be_bytes());
    pseudo.extend(&s);
    let sum = checksum(&pseudo);
    s[16..18].copy_from_slice(&sum.to_be_bytes());
    s
}

fn ipv4_packet(src: [u8; 4], dst: [u8; 4], id: u16, payload: &[u8]) -> Vec<u8> {
    let total = 20 + payload.len();
    let mut p = Vec::with_capacity(total);
    p.push(0x45); // version 4, header length five words
    p.push(0); // DSCP/ECN
    p.extend((total as u16).to_be_bytes()); // at most MAX_SEGMENT + 40 = 65535
    p.extend(id.to_be_bytes());
    p.extend(0x4000u16.to_be_bytes()); // don't fragment
    p.push(64); // TTL
    p.push(6); // TCP
    p.extend([0, 0]); // header checksum, filled in below
    p.extend(src);
    p.extend(dst);
    let sum = checksum(&p);
    p[10..12].copy_from_slice(&sum.to_be_bytes());
    p.extend(payload);
    p
}

/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of the
/// 16-bit words.
fn checksum(data: &[u8]) -> u16 {
    // `chunks(2)` never yields an empty chunk, so `w[0]` exists; an odd last byte is padded
    // with zero. The sum of at most 2^15 words of 2^16 cannot overflow 32 bits.
    let mut sum: u32 = data
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w.get(1).copied().unwrap_or(0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_rfc_1071_example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the checksum is its
        // complement.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
        // A packet with its checksum filled in sums to zero.
        let p = ipv4_packet(CLIENT_ADDR, SERVER_ADDR, 7, b"odd");
        assert_eq!(checksum(&p[..20]), 0);
    }

    #[test]
    fn tcp_checksum_verifies() {
        let s = tcp_segment(CLIENT_ADDR, SERVER_ADDR, 1, 2, 3, 4, ACK, b"hello");
        let mut pseudo = Vec::new();
        pseudo.extend(CLIENT_ADDR);
        pseudo.extend(SERVER_ADDR);
        pseudo.extend([0, 6]);
        pseudo.extend((s.len() as u16).to_be_bytes());
        pseudo.extend(&s);
        assert_eq!(checksum(&pseudo), 0);
    }
}
