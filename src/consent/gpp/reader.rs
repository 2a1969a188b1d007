//! The bit reader of GPP segments: URL-safe base64 to bits, fixed-width fields, 2-bit values,
//! Fibonacci-coded numbers, and the header.

use super::{GppError, HEADER_TYPE, HEADER_VERSION};

/// The largest section id accepted: ids are small numbers (the specification assigns 1 to 24 in
/// 2025); anything past `u32` is refused rather than wrapped.
const MAX_SECTION_ID: u64 = u32::MAX as u64;

/// The 6-bit values of one segment's characters (no separators allowed: callers split first).
pub(super) fn sextets(at: &str, segment: &str) -> Result<Vec<u8>, GppError> {
    segment
        .chars()
        .enumerate()
        .map(|(index, ch)| match ch {
            'A'..='Z' => Ok(ch as u8 - b'A'),
            'a'..='z' => Ok(ch as u8 - b'a' + 26),
            '0'..='9' => Ok(ch as u8 - b'0' + 52),
            '-' => Ok(62),
            '_' => Ok(63),
            _ => Err(GppError::InvalidChar { at: at.to_owned(), ch, index }),
        })
        .collect()
}

/// Reads the fields of one segment, left to right.
pub(super) struct Reader<'a> {
    /// Where the segment is, for errors: `header`, `section 2 (usnat (id 7)) core segment`, …
    at: &'a str,
    sextets: &'a [u8],
    /// The next bit to read.
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(super) fn new(at: &'a str, sextets: &'a [u8]) -> Self {
        Reader { at, sextets, pos: 0 }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    fn len(&self) -> usize {
        self.sextets.len() * 6
    }

    pub(super) fn invalid(&self, field: &str, bit: usize, reason: String) -> GppError {
        GppError::Invalid { at: self.at.to_owned(), field: field.to_owned(), bit, reason }
    }

    /// Fails unless `n` more bits are there.
    fn need(&self, n: usize, field: &str) -> Result<(), GppError> {
        let available = self.len().saturating_sub(self.pos);
        if n <= available {
            return Ok(());
        }
        Err(GppError::Truncated { at: self.at.to_owned(), field: field.to_owned(), bit: self.pos, needed: n, available })
    }

    fn bit(&self, i: usize) -> bool {
        self.sextets.get(i / 6).is_some_and(|s| (s >> (5 - i % 6)) & 1 == 1)
    }

    /// An unsigned number of `n` bits (at most 64).
    pub(super) fn num(&mut self, n: usize, field: &str) -> Result<u64, GppError> {
        self.need(n, field)?;
        let start = self.pos;
        self.pos += n;
        Ok((start..start + n).fold(0u64, |acc, i| (acc << 1) | u64::from(self.bit(i))))
    }

    /// A number of at most 8 bits.
    pub(super) fn small(&mut self, n: usize, field: &str) -> Result<u8, GppError> {
        let bit = self.pos;
        let value = self.num(n, field)?;
        u8::try_from(value).map_err(|_| self.invalid(field, bit, format!("{value} is out of range")))
    }

    pub(super) fn flag(&mut self, field: &str) -> Result<bool, GppError> {
        self.num(1, field).map(|b| b == 1)
    }

    /// A 2-bit value of the US sections: 0, 1 or 2 (3 is undefined).
    pub(super) fn tri(&mut self, field: &str) -> Result<u8, GppError> {
        let bit = self.pos;
        match self.small(2, field)? {
            3 => Err(self.invalid(field, bit, "value 3 is undefined (0 not applicable, 1 or 2)".to_owned())),
            v => Ok(v),
        }
    }

    /// `n` 2-bit values; `field` names the list, errors name the element (1-based).
    pub(super) fn tris(&mut self, n: usize, field: &str) -> Result<Vec<u8>, GppError> {
        self.need(2 * n, field)?;
        (1..=n).map(|i| self.tri(&format!("{field} {i}"))).collect()
    }

    /// A Fibonacci-coded positive number: bit `i` (from 0) adds the `i+1`-th Fibonacci number
    /// (1, 2, 3, 5, …), and the code ends at the first two consecutive 1 bits (the second one is
    /// the terminator). Only the header uses them, so errors are [`GppError::Fibonacci`].
    fn fibonacci(&mut self) -> Result<u64, GppError> {
        let start = self.pos;
        let (mut value, mut fib, mut next) = (0u64, 1u64, 2u64);
        let mut previous = false;
        loop {
            if self.pos >= self.len() {
                return Err(GppError::Fibonacci { bit: start, reason: "the number has no terminating \"11\" before the end".to_owned() });
            }
            let bit = self.bit(self.pos);
            self.pos += 1;
            if bit && previous {
                return Ok(value);
            }
            if bit {
                value += fib;
            }
            if value > MAX_SECTION_ID || self.pos - start > 64 {
                return Err(GppError::Fibonacci { bit: start, reason: format!("the number is larger than {MAX_SECTION_ID}") });
            }
            previous = bit;
            (fib, next) = (next, fib.saturating_add(next));
        }
    }
}

/// Decodes the header: its type and version, then its section ids as inclusive ranges, ascending
/// and disjoint (each start is past the previous end: offsets are at least 1).
pub(super) fn header(header: &str) -> Result<Vec<(u32, u32)>, GppError> {
    if header.is_empty() {
        return Err(GppError::Malformed { at: "header".to_owned(), reason: "the header is empty".to_owned() });
    }
    let sextets = sextets("header", header)?;
    let mut r = Reader::new("header", &sextets);
    let found = r.small(6, "type")?;
    if found != HEADER_TYPE {
        return Err(GppError::HeaderType { found });
    }
    let found = r.small(6, "version")?;
    if found != HEADER_VERSION {
        return Err(GppError::HeaderVersion { found });
    }
    let entries = r.num(12, "section ids: number of entries")?;
    let mut ranges = Vec::new();
    let mut last = 0u64;
    for entry in 1..=entries {
        let is_range = r.flag(&format!("section ids: entry {entry}"))?;
        let start = last + r.fibonacci()?;
        last = if is_range { start + r.fibonacci()? } else { start };
        let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(last)) else {
            return Err(GppError::Fibonacci { bit: r.pos(), reason: format!("section id {last} is larger than {MAX_SECTION_ID}") });
        };
        ranges.push((start, end));
    }
    Ok(ranges)
}
