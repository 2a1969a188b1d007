//! Hashing and the flat open-addressing index the engine looks filters up in.
//!
//! Keys are 32-bit FNV-1a hashes of tokens, hosts or domains (never 0: 0 marks an empty slot).
//! A [`FlatIndex`] maps a key to a run of `u32` postings (filter ids) and is three plain arrays,
//! so a snapshot stores it as is and loading it is a copy, not a rebuild. Collisions are harmless:
//! every candidate filter is verified in full.

use std::collections::BTreeMap;

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// FNV-1a over bytes, never 0.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u32 {
    let mut h = FNV_OFFSET;
    for &b in bytes {
        h = (h ^ u32::from(b)).wrapping_mul(FNV_PRIME);
    }
    nonzero(h)
}

/// Incremental form of [`hash_bytes`], for hashing tokens while scanning a URL.
#[derive(Clone, Copy)]
pub struct Hasher(u32);

impl Hasher {
    #[inline]
    pub fn new() -> Self {
        Hasher(FNV_OFFSET)
    }
    #[inline]
    pub fn push(&mut self, b: u8) {
        self.0 = (self.0 ^ u32::from(b)).wrapping_mul(FNV_PRIME);
    }
    #[inline]
    pub fn finish(self) -> u32 {
        nonzero(self.0)
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

#[inline]
fn nonzero(h: u32) -> u32 {
    if h == 0 {
        1
    } else {
        h
    }
}

/// Key → postings, open addressing with linear probing over a power-of-two table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatIndex {
    pub(crate) keys: Vec<u32>,
    pub(crate) starts: Vec<u32>,
    pub(crate) lens: Vec<u32>,
    pub(crate) postings: Vec<u32>,
}

impl FlatIndex {
    /// Builds from key → ids (ids kept in the order given).
    pub fn build(map: &BTreeMap<u32, Vec<u32>>) -> FlatIndex {
        let cap = (map.len() * 2).next_power_of_two().max(2);
        let mut index = FlatIndex {
            keys: vec![0; cap],
            starts: vec![0; cap],
            lens: vec![0; cap],
            postings: Vec::with_capacity(map.values().map(Vec::len).sum()),
        };
        let mask = cap - 1;
        for (&key, ids) in map {
            let mut slot = Self::slot(key, mask);
            while index.keys[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            index.keys[slot] = key;
            index.starts[slot] = index.postings.len() as u32;
            index.lens[slot] = ids.len() as u32;
            index.postings.extend_from_slice(ids);
        }
        index
    }

    #[inline]
    fn slot(key: u32, mask: usize) -> usize {
        (key.wrapping_mul(0x9e37_79b1) >> 7) as usize & mask
    }

    /// The postings stored under `key` (empty when absent).
    #[inline]
    pub fn get(&self, key: u32) -> &[u32] {
        if self.keys.is_empty() {
            return &[];
        }
        let mask = self.keys.len() - 1;
        let mut slot = Self::slot(key, mask);
        loop {
            let k = self.keys[slot];
            if k == key {
                let start = self.starts[slot] as usize;
                return &self.postings[start..start + self.lens[slot] as usize];
            }
            if k == 0 {
                return &[];
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.iter().filter(|&&k| k != 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks the invariants a snapshot must hold before it is trusted.
    pub(crate) fn validate(&self, max_id: u32) -> bool {
        let cap = self.keys.len();
        (cap == 0 || cap.is_power_of_two())
            && self.starts.len() == cap
            && self.lens.len() == cap
            && (0..cap).all(|i| {
                let end = u64::from(self.starts[i]) + u64::from(self.lens[i]);
                end <= self.postings.len() as u64
            })
            && self.postings.iter().all(|&id| id < max_id)
            && (cap == 0 || self.keys.contains(&0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_nonzero_and_incremental() {
        let mut h = Hasher::new();
        for &b in b"google" {
            h.push(b);
        }
        assert_eq!(h.finish(), hash_bytes(b"google"));
        assert_ne!(hash_bytes(b""), 0);
    }

    #[test]
    fn index_round_trip() {
        let mut map = BTreeMap::new();
        for k in 1..500u32 {
            map.insert(hash_bytes(&k.to_le_bytes()), vec![k, k + 1]);
        }
        let index = FlatIndex::build(&map);
        for k in 1..500u32 {
            assert_eq!(index.get(hash_bytes(&k.to_le_bytes())), &[k, k + 1]);
        }
        assert!(index.get(hash_bytes(b"absent")).is_empty());
        assert_eq!(index.len(), 499);
        assert!(index.validate(501));
        assert!(FlatIndex::default().get(5).is_empty());
    }
}
