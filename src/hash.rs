//! Hashing and the sorted-key directory the engine looks filters up in.
//!
//! Keys are 32-bit FNV-1a hashes of tokens, hosts or domains. A [`KeyDir`] is two plain arrays,
//! so a snapshot stores it as is and loading it is a copy, not a rebuild. Collisions are harmless:
//! every candidate is verified in full.

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

/// Sorted 32-bit keys with a directory on their top bits: `find(key)` is one directory read and a
/// scan of ~2 keys. Entry `i` means whatever the owner's parallel data at `i` is (a filter id
/// range, or a value array). No empty slots, so it costs 4 bytes per entry plus the directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyDir {
    pub(crate) keys: Vec<u32>,
    /// `dir[b]..dir[b + 1]` are the entries whose key's top `bits` bits are `b`.
    pub(crate) dir: Vec<u32>,
    pub(crate) bits: u32,
}

impl KeyDir {
    /// Builds from keys that are already sorted ascending.
    pub fn from_sorted(keys: Vec<u32>) -> KeyDir {
        debug_assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        let bits = (usize::BITS - keys.len().leading_zeros()).saturating_sub(1).clamp(1, 20);
        let buckets = 1usize << bits;
        let mut dir = Vec::with_capacity(buckets + 1);
        let mut at = 0;
        for b in 0..buckets {
            while at < keys.len() && ((keys[at] as u64) >> (32 - bits)) < b as u64 {
                at += 1;
            }
            dir.push(at as u32);
        }
        dir.push(keys.len() as u32);
        KeyDir { keys, dir, bits }
    }

    /// The entries `lo..hi` holding `key` (empty range when absent).
    #[inline]
    pub fn find(&self, key: u32) -> (usize, usize) {
        if self.keys.is_empty() {
            return (0, 0);
        }
        let b = (key >> (32 - self.bits)) as usize;
        let (mut lo, hi) = (self.dir[b] as usize, self.dir[b + 1] as usize);
        while lo < hi && self.keys[lo] < key {
            lo += 1;
        }
        let mut end = lo;
        while end < hi && self.keys[end] == key {
            end += 1;
        }
        (lo, end)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks the invariants a snapshot must hold before it is trusted.
    pub(crate) fn validate(&self) -> bool {
        if *self == KeyDir::default() {
            return true;
        }
        (1..=20).contains(&self.bits)
            && self.dir.len() == (1usize << self.bits) + 1
            && self.dir.windows(2).all(|w| w[0] <= w[1])
            && self.dir.last().is_some_and(|&l| l as usize == self.keys.len())
            && self.dir.first() == Some(&0)
            && self.keys.windows(2).all(|w| w[0] <= w[1])
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
    fn key_dir_finds_runs() {
        let mut keys: Vec<u32> = (1..2000u32).map(|k| hash_bytes(&k.to_le_bytes())).collect();
        keys.push(keys[7]);
        keys.sort_unstable();
        let dir = KeyDir::from_sorted(keys.clone());
        assert!(dir.validate());
        for k in 1..2000u32 {
            let h = hash_bytes(&k.to_le_bytes());
            let (lo, hi) = dir.find(h);
            assert_eq!(hi - lo, if k == 8 { 2 } else { 1 }, "{k}");
            assert!(keys[lo..hi].iter().all(|&x| x == h));
        }
        assert_eq!(dir.find(hash_bytes(b"absent")).1 - dir.find(hash_bytes(b"absent")).0, 0);
        assert_eq!(KeyDir::default().find(5), (0, 0));
        assert!(KeyDir::from_sorted(vec![]).validate());
        assert_eq!(KeyDir::from_sorted(vec![0, u32::MAX]).find(u32::MAX), (1, 2));
    }
}
