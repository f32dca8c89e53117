//! A keyed multiply-fold hash (the wyhash/foldhash construction: 128-bit products of 16-byte
//! blocks xored with secret words, folded to 64 bits), for tables whose keys come from servers
//! and pages: keyed with random words per table, so colliding keys cannot be chosen (hash
//! flooding), and several times cheaper than SipHash on short keys. Used by the preflight cache
//! (`cache`) and the exposed-name set (`expose`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// The 128-bit product of `a` and `b`, its halves xored: the mixing step of keyed
/// multiply-based hashes (wyhash, foldhash).
pub(crate) fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a).wrapping_mul(u128::from(b));
    (p as u64) ^ ((p >> 64) as u64)
}

fn word(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok())
        .map_or(0, u64::from_le_bytes)
}

fn half(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok())
        .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Each byte of `w` ASCII-lowercased (SWAR: the bytes `A`–`Z` gain 0x20; others, including
/// those ≥ 0x80, are unchanged).
#[inline]
pub(crate) fn lower_word(w: u64) -> u64 {
    let low7 = w & !HI;
    // Per byte (no carries between bytes: each low-7-bit byte plus at most 0x3F stays < 0x100):
    // the high bit is set when the byte's low 7 bits are ≥ 'A', resp. > 'Z'.
    let ge_a = low7 + (0x80 - u64::from(b'A')) * LO;
    let gt_z = low7 + (0x80 - u64::from(b'Z') - 1) * LO;
    let upper = ge_a & !gt_z & !w & HI;
    w | (upper >> 2)
}

/// The two words a block of `bytes` mixes in, read through `map` (identity or [`lower_word`]).
/// Reads overlap (the last 8 bytes, the last 4, the middle byte), so the words determine the
/// bytes only together with their number: callers mix lengths in.
#[inline]
fn pair(bytes: &[u8], map: impl Fn(u64) -> u64) -> (u64, u64) {
    let n = bytes.len();
    if n >= 8 {
        (map(word(bytes, 0)), map(word(bytes, n - 8)))
    } else if n >= 4 {
        (map(half(bytes, 0)), map(half(bytes, n - 4)))
    } else if let (Some(&a), Some(&b), Some(&c)) = (bytes.first(), bytes.get(n / 2), bytes.last()) {
        (
            map((u64::from(a) << 16) | (u64::from(b) << 8) | u64::from(c)),
            0,
        )
    } else {
        (0, 0)
    }
}

/// Mixes `bytes` into `h`: each 16-byte block, then the last 16 bytes (overlapping the
/// previous block; a part of at most 16 bytes is read in one overlapping pair), each word read
/// through `map`. Callers mix lengths in first; an empty part leaves `h` as it is.
#[inline]
fn absorb_with(seed: u64, mut h: u64, bytes: &[u8], map: impl Fn(u64) -> u64 + Copy) -> u64 {
    let n = bytes.len();
    if n <= 16 {
        if n == 0 {
            return h;
        }
        let (a, b) = pair(bytes, map);
        return fold(a ^ seed, b ^ h);
    }
    let mut at = 0;
    while at + 16 < n {
        h = fold(map(word(bytes, at)) ^ seed, map(word(bytes, at + 8)) ^ h);
        at += 16;
    }
    fold(map(word(bytes, n - 16)) ^ seed, map(word(bytes, n - 8)) ^ h)
}

/// Mixes `bytes` into `h` (see [`absorb_with`]: callers mix lengths in).
#[inline]
pub(crate) fn absorb(seed: u64, h: u64, bytes: &[u8]) -> u64 {
    absorb_with(seed, h, bytes, |w| w)
}

/// [`absorb`] of the ASCII-lowercased bytes, without copying them.
#[inline]
pub(crate) fn absorb_lower(seed: u64, h: u64, bytes: &[u8]) -> u64 {
    absorb_with(seed, h, bytes, lower_word)
}

/// `a == b`, or with `fold_case` `a.eq_ignore_ascii_case(b)` where `b` is lowercase already, a
/// word at a time (for the short keys of the tables here, without a call to `memcmp`).
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8], fold_case: bool) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n == 0 {
        return true;
    }
    let map = |w: u64| if fold_case { lower_word(w) } else { w };
    if n < 8 {
        let (x, y) = (pair(a, map), pair(b, |w| w));
        return x == y;
    }
    let mut at = 0;
    while at + 8 < n {
        if map(word(a, at)) != word(b, at) {
            return false;
        }
        at += 8;
    }
    map(word(a, n - 8)) == word(b, n - 8)
}

/// A [`BuildHasher`] of [`FoldHasher`]s keyed with two random words.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FoldBuild([u64; 2]);

impl FoldBuild {
    pub(crate) fn random() -> Self {
        let state = RandomState::new();
        FoldBuild([state.hash_one(0u64), state.hash_one(1u64)])
    }
}

impl BuildHasher for FoldBuild {
    type Hasher = FoldHasher;
    fn build_hasher(&self) -> FoldHasher {
        FoldHasher {
            h: self.0[0],
            seed: self.0[1],
        }
    }
}

/// The streaming form of [`absorb`]: each `write` is absorbed whole with its length; callers
/// write lengths where a prefix could be ambiguous.
pub(crate) struct FoldHasher {
    h: u64,
    seed: u64,
}

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Each write's length too: `absorb` reads overlap.
        self.h = absorb(self.seed, self.h ^ bytes.len() as u64, bytes);
    }
    fn write_u64(&mut self, w: u64) {
        self.h = fold(self.h ^ w, self.seed);
    }
    fn write_usize(&mut self, n: usize) {
        self.h = fold(self.h ^ n as u64, self.seed);
    }
    fn finish(&self) -> u64 {
        fold(self.h ^ self.seed, self.seed.rotate_left(32) | 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_and_deterministic() {
        let (a, b) = (FoldBuild::random(), FoldBuild::random());
        let h = |s: &FoldBuild, x: &[u8]| {
            let mut h = s.build_hasher();
            h.write(x);
            h.write_usize(x.len());
            h.finish()
        };
        assert_eq!(h(&a, b"x-token"), h(&a, b"x-token"));
        assert_ne!(h(&a, b"x-token"), h(&a, b"x-tokem"));
        assert_ne!(
            h(&a, b"x-token"),
            h(&b, b"x-token"),
            "another key, another hash"
        );
        assert_ne!(h(&a, b"ab"), h(&a, b"ab\0"), "lengths count");
    }

    #[test]
    fn lower_word_is_ascii_lowercase() {
        for b in 0..=255u8 {
            for fill in [0u8, b'A', b'z', 0xC1, 0x5B] {
                let mut bytes = [fill; 8];
                bytes[3] = b;
                let got = lower_word(u64::from_le_bytes(bytes)).to_le_bytes();
                assert_eq!(
                    got,
                    bytes.map(|c| c.to_ascii_lowercase()),
                    "{b:#x} among {fill:#x}"
                );
            }
        }
    }

    /// Equal bytes hash alike (case-folded: equal ignoring ASCII case); bytes of the same length
    /// that differ anywhere read as different words (the reads cover every byte).
    #[test]
    fn absorb_reads_every_byte() {
        let seed = 0x9E37_79B9_7F4A_7C15;
        for n in 0..=40usize {
            let base: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            let h = absorb(seed, 7, &base);
            let upper = base.to_ascii_uppercase();
            assert_eq!(absorb_lower(seed, 7, &upper), h, "{n}");
            assert!(same_bytes(&upper, &base, true) && same_bytes(&base, &base, false));
            assert_eq!(same_bytes(&upper, &base, false), n == 0);
            for i in 0..n {
                let mut other = base.clone();
                other[i] ^= 0x40;
                assert_ne!(absorb(seed, 7, &other), h, "{n} bytes, byte {i}");
                assert!(!same_bytes(&other, &base, true) && !same_bytes(&other, &base, false));
            }
            assert!(!same_bytes(
                &base,
                b"abc-longer-than-any-of-these-and-more-still",
                false
            ));
        }
    }
}
