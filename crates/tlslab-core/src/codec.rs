//! Reading and writing the TLS presentation language (RFC 5246 section 4).
//!
//! [`Reader`] records the byte span of every field it reads, so the field tree that annotates a
//! hex dump is produced by the same code that decoded the bytes and cannot disagree with it.

use crate::timeline::Field;

/// Why some bytes could not be decoded. Maps to the decode_error alert (RFC 5246 section 7.2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The field being read when decoding failed.
    pub field: String,
    /// Offset in the decoded buffer where the problem was found.
    pub offset: usize,
    pub problem: &'static str,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.problem, self.offset, self.field
        )
    }
}

pub type DecodeResult<T> = Result<T, DecodeError>;

/// Byte fields up to this length carry their hex as the field's value.
pub const SHOWN_BYTES: usize = 64;

/// A cursor over a byte buffer that builds a field tree as it reads.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Where this reader's view ends (a length-prefixed vector limits its contents).
    end: usize,
    fields: Vec<Field>,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            end: buf.len(),
            fields: Vec::new(),
        }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The fields read so far, in order.
    pub fn into_fields(self) -> Vec<Field> {
        self.fields
    }

    fn error(&self, field: &str, problem: &'static str) -> DecodeError {
        DecodeError {
            field: field.to_string(),
            offset: self.pos,
            problem,
        }
    }

    fn take(&mut self, name: &str, n: usize) -> DecodeResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(self.error(name, "truncated"));
        }
        let bytes = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(bytes)
    }

    fn push(&mut self, name: &str, start: usize, value: Option<String>) {
        self.fields.push(Field {
            name: name.to_string(),
            start,
            len: self.pos - start,
            value,
            children: Vec::new(),
        });
    }

    /// Reads a big-endian unsigned integer of `width` bytes (1 to 3).
    fn uint(&mut self, name: &str, width: usize) -> DecodeResult<u32> {
        let start = self.pos;
        let v = self
            .take(name, width)?
            .iter()
            .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
        self.push(name, start, Some(v.to_string()));
        Ok(v)
    }

    pub fn u8(&mut self, name: &str) -> DecodeResult<u8> {
        // A one-byte read fits in u8.
        self.uint(name, 1).map(|v| v as u8)
    }

    pub fn u16(&mut self, name: &str) -> DecodeResult<u16> {
        // A two-byte read fits in u16.
        self.uint(name, 2).map(|v| v as u16)
    }

    pub fn u24(&mut self, name: &str) -> DecodeResult<u32> {
        self.uint(name, 3)
    }

    pub fn u32(&mut self, name: &str) -> DecodeResult<u32> {
        self.uint(name, 4)
    }

    /// Reads `n` raw bytes, shown as hex when short (long ones, such as certificates, are
    /// already visible through the field's span).
    pub fn bytes(&mut self, name: &str, n: usize) -> DecodeResult<&'a [u8]> {
        let start = self.pos;
        let b = self.take(name, n)?;
        let value = (b.len() <= SHOWN_BYTES).then(|| crate::bytes::to_hex(b));
        self.push(name, start, value);
        Ok(b)
    }

    /// Reads everything left in the current view.
    pub fn rest(&mut self, name: &str) -> DecodeResult<&'a [u8]> {
        self.bytes(name, self.remaining())
    }

    /// Replaces the display value of the field read last (for example with a constant's name).
    pub fn describe_last(&mut self, value: impl Into<String>) {
        if let Some(f) = self.fields.last_mut() {
            f.value = Some(value.into());
        }
    }

    /// Reads a structure: the fields `read` records become the children of one field `name`.
    pub fn group<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Self) -> DecodeResult<T>,
    ) -> DecodeResult<T> {
        let start = self.pos;
        let outer = core::mem::take(&mut self.fields);
        let result = read(self);
        let children = core::mem::replace(&mut self.fields, outer);
        let value = result?;
        self.fields.push(Field {
            name: name.to_string(),
            start,
            len: self.pos - start,
            value: None,
            children,
        });
        Ok(value)
    }

    /// Reads a vector with a `len_width`-byte length prefix (RFC 5246 section 4.3): `read` sees
    /// exactly the vector's contents and must consume all of them.
    pub fn vector<T>(
        &mut self,
        name: &str,
        len_width: usize,
        read: impl FnOnce(&mut Self) -> DecodeResult<T>,
    ) -> DecodeResult<T> {
        self.group(name, |r| {
            let len = r.uint("length", len_width)? as usize;
            if r.remaining() < len {
                return Err(r.error(name, "length exceeds the remaining bytes"));
            }
            let outer_end = r.end;
            r.end = r.pos + len;
            let result = read(r);
            let leftover = r.remaining();
            r.end = outer_end;
            let value = result?;
            if leftover != 0 {
                return Err(r.error(name, "bytes left over inside a vector"));
            }
            Ok(value)
        })
    }

    /// Reads a length-prefixed opaque vector.
    pub fn opaque(&mut self, name: &str, len_width: usize) -> DecodeResult<&'a [u8]> {
        self.vector(name, len_width, |r| r.rest("data"))
    }

    /// Reads items until the current view is exhausted.
    pub fn until_empty<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> DecodeResult<T>,
    ) -> DecodeResult<Vec<T>> {
        let mut items = Vec::new();
        while !self.is_empty() {
            items.push(item(self)?);
        }
        Ok(items)
    }

    /// Fails with `problem` unless `ok` (for bounds the presentation language states, such as
    /// `opaque SessionID<0..32>`).
    pub fn require(&self, ok: bool, field: &str, problem: &'static str) -> DecodeResult<()> {
        if ok {
            Ok(())
        } else {
            Err(self.error(field, problem))
        }
    }

    /// Fails unless every byte has been read.
    pub fn expect_end(&self, what: &str) -> DecodeResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.error(what, "unexpected trailing bytes"))
        }
    }
}

/// Appends the TLS presentation language to a byte vector.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn u24(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes()[1..]);
    }

    pub fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    /// Writes a vector with a `len_width`-byte length prefix around what `write` appends.
    /// Contents too long for the prefix are a bug in the caller; lengths are checked by
    /// `debug_assert` and truncated to the prefix width otherwise.
    pub fn vector(&mut self, len_width: usize, write: impl FnOnce(&mut Self)) {
        let at = self.buf.len();
        self.buf.extend(core::iter::repeat_n(0, len_width));
        write(self);
        let len = self.buf.len() - at - len_width;
        debug_assert!(
            len < 1 << (8 * len_width),
            "vector too long for its length prefix"
        );
        let be = (len as u64).to_be_bytes();
        self.buf[at..at + len_width].copy_from_slice(&be[8 - len_width..]);
    }

    pub fn opaque(&mut self, len_width: usize, data: &[u8]) {
        self.vector(len_width, |w| w.bytes(data));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_record_spans_and_reject_bad_lengths() {
        let buf = [0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x07];
        let mut r = Reader::new(&buf);
        let data = r.opaque("payload", 2).unwrap();
        assert_eq!(data, &[0xaa, 0xbb, 0xcc]);
        assert_eq!(r.u8("tail").unwrap(), 7);
        r.expect_end("test").unwrap();
        let fields = r.into_fields();
        assert_eq!((fields[0].start, fields[0].len), (0, 5));
        assert_eq!(fields[0].children[0].name, "length");
        assert_eq!(
            (fields[0].children[1].start, fields[0].children[1].len),
            (2, 3)
        );
        assert_eq!((fields[1].start, fields[1].len), (5, 1));

        assert!(Reader::new(&[0x00, 0x04, 1, 2, 3]).opaque("x", 2).is_err());
        // A reader inside a vector must consume it all.
        let mut r = Reader::new(&[0x02, 1, 2]);
        assert!(r.vector("v", 1, |r| r.u8("one")).is_err());
    }

    #[test]
    fn writer_prefixes_lengths() {
        let mut w = Writer::new();
        w.vector(3, |w| w.opaque(1, &[9, 9]));
        assert_eq!(w.buf, vec![0, 0, 3, 2, 9, 9]);
    }
}
