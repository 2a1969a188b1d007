//! The engine's binary snapshot: what the extension ships instead of raw lists.
//!
//! Layout (all integers little-endian; `str` = u32 byte length + UTF-8; `vec<T>` = u32 count +
//! items; `keydir` = vec<u32> keys, vec<u32> directory, u32 bits, vec<u64> bloom), documented in
//! `docs/snapshot-format.md`:
//!
//! ```text
//! header   magic "TLEDGER\0" (8) | version u32 | payload length u64 | checksum u64
//! payload  arena str | lists | filters vec<8-byte record> | 2 × group | domain refs |
//!          domain hashes | externals + ext arena | geometry | regex ids |
//!          tracker filters | trackers
//! ```
//!
//! The checksum is a 64-bit multiply-xor hash over the payload (8 bytes at a time): an integrity
//! check against truncation and corruption, not a signature. Loading validates every reference
//! (spans inside the arena on character boundaries, ids in range, index shape) so a damaged or
//! hostile snapshot is an error, never a panic; the caller keeps its previous engine.

use std::sync::OnceLock;

use super::compiled::{self, CFilter};
use super::{DomainIndex, DomainRef, Engine, KeyedRun, ListInfo, TrackerPattern, Vendor, NONE};
use crate::hash::KeyDir;

pub const MAGIC: &[u8; 8] = b"TLEDGER\0";
/// Bump on any layout change; older snapshots are then refused with [`SnapshotError::Version`].
pub const VERSION: u32 = 8;
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

/// The header's checksum of a payload (public so that tools and tests can seal a payload).
pub fn checksum(bytes: &[u8]) -> u64 {
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
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
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
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn vec(&mut self, v: &[u32]) {
        self.len(v.len());
        for &x in v {
            self.u32(x);
        }
    }
    fn keydir(&mut self, k: &KeyDir) {
        self.vec(&k.keys);
        self.vec(&k.dir);
        self.u32(k.bits);
        self.len(k.bloom.len());
        for &b in &k.bloom {
            self.0.extend_from_slice(&b.to_le_bytes());
        }
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
    fn u32(&mut self) -> Res<u32> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    /// A count of items at least `min_item` bytes each (so a hostile count cannot allocate more
    /// than the file could hold).
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
    fn keydir(&mut self) -> Res<KeyDir> {
        let (keys, dir, bits) = (self.vec()?, self.vec()?, self.u32()?);
        let bloom = self.records(8, le64)?;
        let k = KeyDir { keys, dir, bits, bloom };
        if k.validate() {
            Ok(k)
        } else {
            Err(SnapshotError::Invalid("an index is malformed"))
        }
    }
    /// `n` records of `size` bytes each, decoded by `f`.
    fn records<T>(&mut self, size: usize, f: impl Fn(&[u8]) -> T) -> Res<Vec<T>> {
        let n = self.count(size)?;
        Ok(self.take(n * size)?.chunks_exact(size).map(f).collect())
    }
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le64(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

fn le16(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}

impl Engine {
    /// Serialises the engine.
    pub fn to_snapshot(&self) -> Vec<u8> {
        let mut w = W(Vec::with_capacity(self.arena.len() + self.filters.len() * 20 + 4096));
        w.str(&self.arena);
        w.len(self.lists.len());
        for l in &self.lists {
            w.str(&l.name);
            w.opt(l.title.as_deref());
            w.opt(l.version.as_deref());
            w.u32(l.start);
            w.vec(&l.line_marks);
            w.len(l.sections.len());
            for (off, file, vendor) in &l.sections {
                w.u32(*off);
                w.str(file);
                w.u32(*vendor);
            }
        }
        w.len(self.filters.len());
        for f in &self.filters {
            w.u32(f.text);
            w.u32(f.meta);
        }
        for g in &self.groups {
            for run in [&g.host, &g.token] {
                w.u32(run.first);
                w.keydir(&run.keys);
            }
            w.vec(&g.token_masks);
            w.len(g.token_offsets.len());
            for &o in &g.token_offsets {
                w.u16(o);
            }
            for ix in [&g.domain, &g.gram] {
                w.keydir(&ix.keys);
                w.vec(&ix.ids);
            }
            w.len(g.gram_bits.len());
            for &b in &g.gram_bits {
                w.0.extend_from_slice(&b.to_le_bytes());
            }
            w.u32(g.fallback.0);
            w.u32(g.fallback.1);
        }
        w.len(self.domain_refs.len());
        for d in &self.domain_refs {
            w.u32(d.id);
            w.u32(d.start);
            w.u16(d.include);
            w.u16(d.exclude);
        }
        w.vec(&self.domain_hashes);
        w.len(self.externals.len());
        for &(id, off, len) in &self.externals {
            w.u32(id);
            w.u32(off);
            w.u32(len);
        }
        w.str(&self.ext_arena);
        w.len(self.geometry.len());
        for &(id, start, len) in &self.geometry {
            w.u32(id);
            w.u16(start);
            w.u16(len);
        }
        w.vec(&self.regex_ids);
        w.len(self.tracker_filters.len());
        for &(id, p) in &self.tracker_filters {
            w.u32(id);
            w.u32(p);
        }
        let t = &self.trackers;
        w.str(&t.version);
        w.str(&t.arena);
        let str2 = |w: &mut W, s: super::Str| {
            w.u32(s.off);
            w.u32(s.len);
        };
        for pairs in [&t.categories, &t.organizations] {
            w.len(pairs.len());
            for &(a, b) in pairs.iter() {
                str2(&mut w, a);
                str2(&mut w, b);
            }
        }
        w.len(t.patterns.len());
        for p in &t.patterns {
            str2(&mut w, p.id);
            str2(&mut w, p.name);
            w.u16(p.category);
            w.u32(p.organization);
        }
        w.len(t.domains.len());
        for &(d, p) in &t.domains {
            str2(&mut w, d);
            w.u32(p);
        }
        w.keydir(&t.domain_keys);
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
        let version = le32(&bytes[8..12]);
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
        let mut e = Engine { arena: r.str()?, ..Engine::default() };
        for _ in 0..r.count(15)? {
            let (name, title, version, start, line_marks) = (r.str()?, r.opt()?, r.opt()?, r.u32()?, r.vec()?);
            let mut sections = Vec::new();
            for _ in 0..r.count(12)? {
                sections.push((r.u32()?, r.str()?, r.u32()?));
            }
            e.lists.push(ListInfo { name, title, version, start, line_marks, sections });
        }
        e.filters = r.records(8, |b| CFilter { text: le32(b), meta: le32(&b[4..]) })?;
        for g in &mut e.groups {
            g.host = KeyedRun { first: r.u32()?, keys: r.keydir()? };
            g.token = KeyedRun { first: r.u32()?, keys: r.keydir()? };
            g.token_masks = r.vec()?;
            g.token_offsets = r.records(2, le16)?;
            g.domain = DomainIndex { keys: r.keydir()?, ids: r.vec()? };
            g.gram = DomainIndex { keys: r.keydir()?, ids: r.vec()? };
            g.gram_bits = r.records(8, le64)?;
            g.fallback = (r.u32()?, r.u32()?);
        }
        e.domain_refs =
            r.records(12, |b| DomainRef { id: le32(b), start: le32(&b[4..]), include: le16(&b[8..]), exclude: le16(&b[10..]) })?;
        e.domain_hashes = r.vec()?;
        e.externals = r.records(12, |b| (le32(b), le32(&b[4..]), le32(&b[8..])))?;
        e.ext_arena = r.str()?;
        e.geometry = r.records(8, |b| (le32(b), le16(&b[4..]), le16(&b[6..])))?;
        e.regex_ids = r.vec()?;
        e.regexes = (0..e.regex_ids.len()).map(|_| OnceLock::new()).collect();
        e.tracker_filters = r.records(8, |b| (le32(b), le32(&b[4..])))?;
        let t = &mut e.trackers;
        t.version = r.str()?;
        t.arena = r.str()?;
        let str2 = |b: &[u8]| super::Str { off: le32(b), len: le32(&b[4..]) };
        t.categories = r.records(16, |b| (str2(b), str2(&b[8..])))?;
        t.organizations = r.records(16, |b| (str2(b), str2(&b[8..])))?;
        t.patterns =
            r.records(22, |b| TrackerPattern { id: str2(b), name: str2(&b[8..]), category: le16(&b[16..]), organization: le32(&b[18..]) })?;
        t.domains = r.records(12, |b| (str2(b), le32(&b[8..])))?;
        t.domain_keys = r.keydir()?;
        for _ in 0..r.count(8)? {
            t.vendors.push(Vendor { organization: r.str()?, category: r.str()? });
        }
        if r.at != payload.len() {
            return Err(SnapshotError::Invalid("trailing bytes after the last section"));
        }
        e.validate()?;
        Ok(e)
    }

    /// Every reference in range, every slice on character boundaries: after this, classifying
    /// cannot index out of bounds.
    fn validate(&self) -> Res<()> {
        let bad = SnapshotError::Invalid;
        let n = self.filters.len();
        let arena = self.arena.as_bytes();
        // Lists: ordered starts within the arena, marks ordered and on line starts.
        let mut prev = 0;
        for l in &self.lists {
            let marks_ok = l.line_marks.first() == Some(&l.start)
                && l.line_marks.windows(2).all(|w| w[0] < w[1])
                && l.line_marks.iter().all(|&m| (m as usize) <= arena.len() && (m == 0 || arena[m as usize - 1] == b'\n'));
            let sections_ok = l.sections.windows(2).all(|w| w[0].0 <= w[1].0)
                && l.sections.iter().all(|s| s.2 == NONE || (s.2 as usize) < self.trackers.vendors.len());
            if l.start < prev || !marks_ok || !sections_ok {
                return Err(bad("a list's line table is malformed"));
            }
            prev = l.start;
        }
        let sorted_ids = |ids: Vec<u32>| ids.windows(2).all(|w| w[0] < w[1]) && ids.last().is_none_or(|&l| (l as usize) < n);
        if !sorted_ids(self.domain_refs.iter().map(|d| d.id).collect())
            || !sorted_ids(self.externals.iter().map(|x| x.0).collect())
            || !sorted_ids(self.geometry.iter().map(|x| x.0).collect())
            || !sorted_ids(self.regex_ids.clone())
            || !sorted_ids(self.tracker_filters.iter().map(|x| x.0).collect())
        {
            return Err(bad("a side table is unsorted or names an unknown filter"));
        }
        if self.domain_refs.iter().any(|d| d.start as usize + usize::from(d.include) + usize::from(d.exclude) > self.domain_hashes.len())
            || self.externals.iter().any(|&(_, off, len)| {
                !self.ext_arena.is_char_boundary(off as usize)
                    || !self.ext_arena.is_char_boundary(off as usize + len as usize)
                    || off as usize + len as usize > self.ext_arena.len()
            })
            || self.tracker_filters.iter().any(|&(_, p)| p as usize >= self.trackers.patterns.len())
        {
            return Err(bad("a side table is out of range"));
        }
        for (id, f) in self.filters.iter().enumerate() {
            let id = id as u32;
            let text_ok = (f.text as usize) < arena.len() && (f.text == 0 || arena[f.text as usize - 1] == b'\n');
            if !text_ok || self.lists.is_empty() {
                return Err(bad("a filter's text is outside the arena"));
            }
            let line = &arena[f.text as usize..];
            let line_len = memchr::memchr(b'\n', line).unwrap_or(line.len());
            let slice_ok = |s: usize, e: usize| {
                s <= e
                    && e <= line_len
                    && self.arena.is_char_boundary(f.text as usize + s)
                    && self.arena.is_char_boundary(f.text as usize + e)
            };
            let pattern_ok = if f.has(compiled::EXTERNAL) {
                self.externals.binary_search_by_key(&id, |x| x.0).is_ok()
            } else if f.has(compiled::GEOMETRY) {
                self.geometry.binary_search_by_key(&id, |x| x.0).is_ok_and(|i| {
                    slice_ok(usize::from(self.geometry[i].1), usize::from(self.geometry[i].1) + usize::from(self.geometry[i].2))
                })
            } else {
                let (s, e) = compiled::derive(line, f.flags());
                slice_ok(s, e)
            };
            let sides_ok = (!f.has(compiled::DOMAINS) || self.domain_refs.binary_search_by_key(&id, |d| d.id).is_ok())
                && (!f.has(compiled::REGEX) || self.regex_ids.binary_search(&id).is_ok())
                && (!f.has(compiled::TRACKER) || self.tracker_filters.binary_search_by_key(&id, |t| t.0).is_ok());
            if !pattern_ok || !sides_ok {
                return Err(bad("a filter's pattern or side data is malformed"));
            }
        }
        let n32 = n as u32;
        for g in &self.groups {
            let run_ok = |r: &KeyedRun| r.first as usize + r.keys.len() <= n;
            if !run_ok(&g.host)
                || !run_ok(&g.token)
                || g.token_masks.len() != g.token.keys.len()
                || g.token_offsets.len() != g.token.keys.len()
                || [&g.domain, &g.gram].iter().any(|ix| ix.ids.len() != ix.keys.len() || ix.ids.iter().any(|&id| id >= n32))
                || (!g.gram.keys.is_empty() && g.gram_bits.len() != 1 << 10)
                || g.fallback.0 as usize + g.fallback.1 as usize > n
            {
                return Err(bad("an index names an unknown filter"));
            }
        }
        let t = &self.trackers;
        let str_ok = |s: super::Str| {
            (s.off as usize)
                .checked_add(s.len as usize)
                .is_some_and(|e| e <= t.arena.len() && t.arena.is_char_boundary(s.off as usize) && t.arena.is_char_boundary(e))
        };
        let strings_ok = t.categories.iter().chain(&t.organizations).all(|&(a, b)| str_ok(a) && str_ok(b))
            && t.patterns.iter().all(|p| str_ok(p.id) && str_ok(p.name))
            && t.domains.iter().all(|&(d, _)| str_ok(d));
        if !strings_ok
            || t.domain_keys.len() != t.domains.len()
            || t.domains.iter().any(|(_, p)| *p as usize >= t.patterns.len())
            || t.patterns.iter().any(|p| {
                usize::from(p.category) >= t.categories.len()
                    || (p.organization != NONE && p.organization as usize >= t.organizations.len())
            })
        {
            return Err(bad("a tracker reference is out of range"));
        }
        Ok(())
    }
}
