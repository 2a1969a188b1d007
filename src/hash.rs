//! Hashing and the sorted-key directory the engine looks filters up in.
//!
//! Keys are 32-bit FNV-1a hashes of tokens, hosts or domains. A [`KeyDir`] is two plain arrays,
//! so a snapshot stores it as is and loading it is a copy, not a rebuild. Collisions are harmless:
//! every candidate is verified in full.

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

/// A fast 32-bit hash of a short byte string (tokens, hosts, domains), eight bytes at a time;
/// never 0. Not for untrusted adversarial keys: collisions only cost a wasted candidate check.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u32 {
    let mut h = SEED ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(MUL);
        h ^= h >> 29;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Byte by byte: a variable-length copy would be a `memcpy` call per token.
        let w = rest.iter().rev().fold(0u64, |w, &b| (w << 8) | u64::from(b));
        h = (h ^ w).wrapping_mul(MUL);
        h ^= h >> 29;
    }
    let h = (h ^ (h >> 32)) as u32;
    if h == 0 {
        1
    } else {
        h
    }
}

/// Sorted 32-bit keys with a directory on their top bits: `find(key)` is one directory read and a
/// scan of a few adjacent keys. Entry `i` means whatever the owner's parallel data at `i` is (a filter id
/// range, or a value array). No empty slots, so it costs 4 bytes per entry plus the directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyDir {
    pub(crate) keys: Vec<u32>,
    /// `dir[b]..dir[b + 1]` are the entries whose key's top `bits` bits are `b`.
    pub(crate) dir: Vec<u32>,
    pub(crate) bits: u32,
    /// A one-hash Bloom filter on the keys' low bits (about four bits per key): most absent keys
    /// — the common case, most URL tokens index nothing — cost one bit test.
    pub(crate) bloom: Vec<u64>,
}

impl KeyDir {
    /// Builds from keys that are already sorted ascending.
    pub fn from_sorted(keys: Vec<u32>) -> KeyDir {
        debug_assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        // About eight keys per bucket: a short scan of adjacent words, and a small directory.
        let bits = (usize::BITS - keys.len().leading_zeros()).saturating_sub(3).clamp(1, 20);
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
        let mut bloom = vec![0u64; (keys.len() * 4).next_power_of_two().max(64) / 64];
        let mask = bloom.len() * 64 - 1;
        for &k in &keys {
            let b = k as usize & mask;
            bloom[b >> 6] |= 1 << (b & 63);
        }
        KeyDir { keys, dir, bits, bloom }
    }

    /// The entries `lo..hi` holding `key` (empty range when absent).
    #[inline(always)]
    pub fn find(&self, key: u32) -> (usize, usize) {
        if self.keys.is_empty() {
            return (0, 0);
        }
        let bit = key as usize & (self.bloom.len() * 64 - 1);
        if self.bloom[bit >> 6] & (1 << (bit & 63)) == 0 {
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
            && self.bloom.len().is_power_of_two()
            && self.keys.iter().all(|&k| {
                let b = k as usize & (self.bloom.len() * 64 - 1);
                self.bloom[b >> 6] & (1 << (b & 63)) != 0
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_differ_and_are_nonzero() {
        assert_ne!(hash_bytes(b""), 0);
        assert_ne!(hash_bytes(b"google"), hash_bytes(b"googlf"));
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"google-analytics"), hash_bytes(b"google-analyticz"));
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
