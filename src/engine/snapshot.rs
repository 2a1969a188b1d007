//! The engine's binary snapshot: what the extension ships instead of raw lists.
//!
//! Layout (all integers little-endian; `str` = u32 byte length + UTF-8; `vec<u32>` = u32 count +
//! items), documented with field meanings in `docs/snapshot-format.md`:
//!
//! ```text
//! header   magic "TLEDGER\0" (8) | version u32 | payload length u64 | checksum u64
//! payload  strings: str                      the arena every filter span points into
//!          lists: u32 n, then per list: name str, title opt-str, version opt-str,
//!                 sections: u32 n × (file str, vendor u32)
//!          filters: u32 n × 52-byte records (see CFilter)
//!          domain_hashes: vec<u32>
//!          block indexes, exception indexes: 3 × FlatIndex (4 × vec<u32>) + fallback vec<u32>
//!          regex slots: u32
//!          trackers: version str, categories (id str, name str)*, organizations (id, name)*,
//!                    patterns (id str, name str, category u16, organization u32)*,
//!                    domains (domain str, pattern u32)*, domain index FlatIndex,
//!                    vendors (organization str, category str)*
//! ```
//!
//! The checksum is a 64-bit multiply-xor hash over the payload (8 bytes at a time): an integrity
//! check against truncation and corruption, not a signature. Loading validates every reference
//! (spans inside the arena on character boundaries, ids in range, index shape) so a damaged or
//! hostile snapshot is an error, never a panic; the caller keeps its previous engine.

use std::sync::OnceLock;

use super::compiled::{CFilter, Span};
use super::{Engine, Indexes, ListInfo, TrackerPattern, Trackers, Vendor, NONE, NONE16};
use crate::hash::FlatIndex;

pub const MAGIC: &[u8; 8] = b"TLEDGER\0";
/// Bump on any layout change; older snapshots are then refused with [`SnapshotError::Version`].
pub const VERSION: u32 = 1;
const HEADER: usize = 8 + 4 + 8 + 8;

/// Why a snapshot was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SnapshotError {
    #[error("not a Trust Ledger engine snapshot (bad magic)")]
    Magic,
    #[error("snapshot version {found} is not supported (this build reads version {VERSION}); rebuild the snapshot")]
    Version { found: u32 },
    #[error("snapshot is truncated or has trailing bytes (payload {expected} bytes, file has {found})")]
    Length { expected: u64, found: u64 },
    #[error("snapshot checksum mismatch: the file is corrupt")]
    Checksum,
    #[error("snapshot is inconsistent: {0}")]
    Invalid(&'static str),
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(23);
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct W(Vec<u8>);

impl W {
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn len(&mut self, n: usize) {
        self.u32(n as u32);
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
            None => self.0.push(0),
        }
    }
    fn vec(&mut self, v: &[u32]) {
        self.len(v.len());
        for &x in v {
            self.u32(x);
        }
    }
    fn index(&mut self, ix: &FlatIndex) {
        self.vec(&ix.keys);
        self.vec(&ix.starts);
        self.vec(&ix.lens);
        self.vec(&ix.postings);
    }
}

struct R<'a> {
    b: &'a [u8],
    at: usize,
}

type Res<T> = Result<T, SnapshotError>;
const SHORT: SnapshotError = SnapshotError::Invalid("a section runs past the end");

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(SHORT)?;
        let s = self.b.get(self.at..end).ok_or(SHORT)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Res<u8> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Res<u16> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Res<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn count(&mut self, min_item: usize) -> Res<usize> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item) > self.b.len() - self.at {
            return Err(SHORT);
        }
        Ok(n)
    }
    fn str(&mut self) -> Res<String> {
        let n = self.count(1)?;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| SnapshotError::Invalid("a string is not UTF-8"))
    }
    fn opt(&mut self) -> Res<Option<String>> {
        Ok(if self.u8()? == 1 { Some(self.str()?) } else { None })
    }
    fn vec(&mut self) -> Res<Vec<u32>> {
        let n = self.count(4)?;
        let s = self.take(n * 4)?;
        Ok(s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }
    fn index(&mut self) -> Res<FlatIndex> {
        Ok(FlatIndex { keys: self.vec()?, starts: self.vec()?, lens: self.vec()?, postings: self.vec()? })
    }
}

impl Engine {
    /// Serialises the engine.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let mut w = W(Vec::with_capacity(self.strings.len() + self.filters.len() * 48 + 1024));
        w.str(&self.strings);
        w.len(self.lists.len());
        for l in &self.lists {
            w.str(&l.name);
            w.opt(l.title.as_deref());
            w.opt(l.version.as_deref());
            w.len(l.sections.len());
            for (file, vendor) in &l.sections {
                w.str(file);
                w.u32(*vendor);
            }
        }
        w.len(self.filters.len());
        for f in &self.filters {
            for v in [f.text.off, f.text.len, f.pattern.off, f.pattern.len, f.host.off, f.host.len] {
                w.u32(v);
            }
            w.u16(f.types);
            w.0.push(f.party);
            w.0.push(f.flags);
            w.u32(f.domains);
            w.u16(f.n_include);
            w.u16(f.n_exclude);
            w.u16(f.list);
            w.u16(f.section);
            w.u32(f.line);
            w.u32(f.tracker);
            w.u32(f.regex);
        }
        w.vec(&self.domain_hashes);
        for ix in [&self.block, &self.exception] {
            w.index(&ix.host);
            w.index(&ix.token);
            w.index(&ix.domain);
            w.vec(&ix.fallback);
        }
        w.len(self.regexes.len());
        let t = &self.trackers;
        w.str(&t.version);
        w.len(t.categories.len());
        for (id, name) in &t.categories {
            w.str(id);
            w.str(name);
        }
        w.len(t.organizations.len());
        for (id, name) in &t.organizations {
            w.str(id);
            w.str(name);
        }
        w.len(t.patterns.len());
        for p in &t.patterns {
            w.str(&p.id);
            w.str(&p.name);
            w.u16(p.category);
            w.u32(p.organization);
        }
        w.len(t.domains.len());
        for (d, p) in &t.domains {
            w.str(d);
            w.u32(*p);
        }
        w.index(&t.domain_index);
        w.len(t.vendors.len());
        for v in &t.vendors {
            w.str(&v.organization);
            w.str(&v.category);
        }
        let payload = w.0;
        let mut out = Vec::with_capacity(HEADER + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// Loads a snapshot, validating it completely.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Engine, SnapshotError> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err(SnapshotError::Magic);
        }
        let word = |at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(w)
        };
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if version != VERSION {
            return Err(SnapshotError::Version { found: version });
        }
        let (len, sum) = (word(12), word(20));
        let payload = &bytes[HEADER..];
        if payload.len() as u64 != len {
            return Err(SnapshotError::Length { expected: len, found: payload.len() as u64 });
        }
        if checksum(payload) != sum {
            return Err(SnapshotError::Checksum);
        }
        let mut r = R { b: payload, at: 0 };
        let strings = r.str()?;
        let mut lists = Vec::new();
        for _ in 0..r.count(10)? {
            let name = r.str()?;
            let (title, version) = (r.opt()?, r.opt()?);
            let mut sections = Vec::new();
            for _ in 0..r.count(8)? {
                sections.push((r.str()?, r.u32()?));
            }
            lists.push(ListInfo { name, title, version, sections });
        }
        let n = r.count(52)?;
        let mut filters = Vec::with_capacity(n);
        for _ in 0..n {
            let span = |r: &mut R| -> Res<Span> { Ok(Span { off: r.u32()?, len: r.u32()? }) };
            filters.push(CFilter {
                text: span(&mut r)?,
                pattern: span(&mut r)?,
                host: span(&mut r)?,
                types: r.u16()?,
                party: r.u8()?,
                flags: r.u8()?,
                domains: r.u32()?,
                n_include: r.u16()?,
                n_exclude: r.u16()?,
                list: r.u16()?,
                section: r.u16()?,
                line: r.u32()?,
                tracker: r.u32()?,
                regex: r.u32()?,
            });
        }
        let domain_hashes = r.vec()?;
        let mut kinds = Vec::with_capacity(2);
        for _ in 0..2 {
            kinds.push(Indexes { host: r.index()?, token: r.index()?, domain: r.index()?, fallback: r.vec()? });
        }
        let n_regex = r.u32()? as usize;
        if n_regex > filters.len() {
            return Err(SnapshotError::Invalid("more regex slots than filters"));
        }
        let mut t = Trackers { version: r.str()?, ..Default::default() };
        for _ in 0..r.count(8)? {
            t.categories.push((r.str()?, r.str()?));
        }
        for _ in 0..r.count(8)? {
            t.organizations.push((r.str()?, r.str()?));
        }
        for _ in 0..r.count(14)? {
            t.patterns.push(TrackerPattern { id: r.str()?, name: r.str()?, category: r.u16()?, organization: r.u32()? });
        }
        for _ in 0..r.count(8)? {
            t.domains.push((r.str()?, r.u32()?));
        }
        t.domain_index = r.index()?;
        for _ in 0..r.count(8)? {
            t.vendors.push(Vendor { organization: r.str()?, category: r.str()? });
        }
        if r.at != payload.len() {
            return Err(SnapshotError::Invalid("trailing bytes after the last section"));
        }
        let exception = kinds.pop().ok_or(SHORT)?;
        let block = kinds.pop().ok_or(SHORT)?;
        let engine = Engine { lists, strings, filters, domain_hashes, block, exception, regexes: (0..n_regex).map(|_| OnceLock::new()).collect(), trackers: t };
        engine.validate()?;
        Ok(engine)
    }

    /// Every reference in range; every span on character boundaries.
    fn validate(&self) -> Res<()> {
        let bad = SnapshotError::Invalid;
        let span_ok = |s: Span| {
            let (a, b) = (s.off as usize, s.off as usize + s.len as usize);
            b <= self.strings.len() && self.strings.is_char_boundary(a) && self.strings.is_char_boundary(b)
        };
        let n = self.filters.len() as u32;
        for f in &self.filters {
            if !(span_ok(f.text) && span_ok(f.pattern) && span_ok(f.host)) {
                return Err(bad("a filter's text is outside the string arena"));
            }
            let end = f.domains as usize + usize::from(f.n_include) + usize::from(f.n_exclude);
            if end > self.domain_hashes.len() {
                return Err(bad("a filter's domains are out of range"));
            }
            let list = self.lists.get(f.list as usize).ok_or(bad("a filter names an unknown list"))?;
            if f.section != NONE16 && usize::from(f.section) >= list.sections.len() {
                return Err(bad("a filter names an unknown section"));
            }
            if f.tracker != NONE && f.tracker as usize >= self.trackers.patterns.len() {
                return Err(bad("a filter names an unknown tracker"));
            }
            if f.regex != NONE && f.regex as usize >= self.regexes.len() {
                return Err(bad("a filter names an unknown regex slot"));
            }
        }
        for ix in [&self.block, &self.exception] {
            if !(ix.host.validate(n) && ix.token.validate(n) && ix.domain.validate(n) && ix.fallback.iter().all(|&id| id < n)) {
                return Err(bad("an index is malformed"));
            }
        }
        let t = &self.trackers;
        if !t.domain_index.validate(t.domains.len() as u32) {
            return Err(bad("the tracker domain index is malformed"));
        }
        let np = t.patterns.len() as u32;
        if t.domains.iter().any(|(_, p)| *p >= np)
            || t.patterns.iter().any(|p| usize::from(p.category) >= t.categories.len() || (p.organization != NONE && p.organization as usize >= t.organizations.len()))
            || self.lists.iter().flat_map(|l| &l.sections).any(|(_, v)| *v != NONE && *v as usize >= t.vendors.len())
        {
            return Err(bad("a tracker reference is out of range"));
        }
        Ok(())
    }
}
