//! Fetch §cors-preflight-cache: the CORS-preflight cache, bounded and with O(1) lookups.
//!
//! The standard's cache is a list of [cache entries](https://fetch.spec.whatwg.org/#cache-entry),
//! each holding one method *or* one header name for a (network partition key, byte-serialized
//! origin, URL, credentials) tuple and a max-age. This module keeps exactly those entries, but
//! indexes them so that no operation scans the list:
//!
//! * **Entries.** Each entry holds its whole key in one allocation (partition key, origin, URL,
//!   then the method or the lowercased header name) and lives in a dense slab (chunks of 128
//!   entries, so the slab's spare room is bounded by a constant).
//! * **Lookup.** An open-addressing hash table (linear probing, backward-shift deletion,
//!   load ≤ 0.8) maps (partition key, origin, URL, credentials, kind, name) to a slab index. Each
//!   slot is 32 bits: an 8-bit *tag* (bits of the entry's hash) beside a 24-bit index, so a probe
//!   that meets another entry's slot rejects it on the tag without reading the entry. Header names
//!   are hashed case-folded (the match is byte-case-insensitive); methods byte-exact.
//! * **Hashing once.** The (partition key, origin, URL) bytes are hashed once per lookup — or
//!   once per decision through a [`PreparedKey`] — and each probe for a method, a header name or
//!   `*` continues that state with only its flags and name. The hash is keyed with 256 random
//!   bits per cache (from `std`'s `RandomState`), so names and URLs chosen by a server or a page
//!   cannot be made to collide on purpose (hash flooding).
//! * **Keys.** A second table maps (partition key, origin, URL) to the entries that share it,
//!   linked in a list, so [`PreflightCache::clear`] and [`PreflightCache::has_match`] cost time
//!   proportional to those entries, and a lookup for a key with no entries stops after one probe.
//! * **Expiry.** An indexed binary min-heap on expiry time finds expired entries in O(log n).
//! * **Recency.** One reference bit per entry (CLOCK): a hit or a refresh sets it.
//!
//! The clock is never read here: every operation that depends on time takes the caller's `now`.
//! An entry is alive while `now < expiry`, where `expiry` = the time it was stored or refreshed +
//! max-age (kept as nanoseconds from the first instant the cache was given, within ±74 000 years).
//!
//! # Bounds and eviction order
//!
//! [`CacheConfig`] bounds the number of entries and the accounted bytes ([`PreflightCache::bytes`]):
//! each entry costs [`ENTRY_OVERHEAD`] + the lengths of its partition key, origin, URL and name.
//! `ENTRY_OVERHEAD` is the most the cache's structures (slab, tables, heap) hold per live entry,
//! so the heap the cache really holds ([`PreflightCache::heap_bytes`], capacities included) never
//! exceeds `bytes()` + [`HEAP_SLACK`]. When an insert takes the cache over a bound:
//!
//! 1. every entry expired at `now` is removed (all of them, not just enough to fit);
//! 2. then a *clock hand* walks the slab in index order from where it last stopped: an entry
//!    whose reference bit is set has it cleared and is passed over (a second chance); the first
//!    one without it is removed; until both bounds hold.
//!
//! Removing an entry moves the slab's last entry into its place (removals in one call go from
//! the highest index down), and the hand then moves past the entry moved in. A new entry goes to
//! the end of the slab with its bit clear. The entry just inserted is never evicted by its own
//! insert: an entry whose own cost exceeds `max_bytes`, or any entry when `max_entries` is 0, is
//! refused (not stored) instead, as is one whose partition key or origin is longer than 65 535
//! bytes, or one beyond 16 777 214 entries. Hence after every call, `len() <= max_entries` and
//! `bytes() <= max_bytes`.
//!
//! Expired entries are otherwise removed lazily: a lookup that meets an expired entry it probes
//! removes it (so an expired entry is never reported as a match), and
//! [`PreflightCache::purge_expired`] removes them all.
//!
//! # Complexity
//!
//! With n entries: lookups are O(1) expected plus O(log n) for each expired entry they remove;
//! inserts are O(log n) (heap) amortized, plus O(log n) per evicted entry (each entry is evicted
//! at most once); `clear` is O(k log k + k log n) for the k entries removed; `len`, `bytes`,
//! `group_count` are O(1). Tables and the heap shrink when entries go, so the structures stay
//! proportional to the live entries.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::time::Duration;

use crate::hash::{absorb, absorb_lower, fold, same_bytes};
use crate::request::PartitionKey;
use crate::time::Instant;

/// Fetch §cors-preflight-cache: accounted bytes per entry, besides the bytes of its key (partition
/// key, origin, URL, name). It is the most heap the cache's structures hold per live entry: the
/// 48-byte slab node, the expiry-heap slot (at most 2 per entry before the heap shrinks), and a
/// slot in each of the two tables (at most 5.72 per entry before a table shrinks), 4 bytes each.
pub const ENTRY_OVERHEAD: usize = 104;

/// Fetch §cors-preflight-cache: the most heap the cache holds beyond [`PreflightCache::bytes`]
/// (its structures' fixed minimum sizes and spare room: two slab chunks of 128 nodes, the
/// smallest tables and heap). [`PreflightCache::heap_bytes`] ≤ `bytes()` + `HEAP_SLACK` ≤
/// `max_bytes` + `HEAP_SLACK` after every call.
pub const HEAP_SLACK: usize = 13 << 10;

/// Fetch §cors-preflight-cache: the bounds of a [`PreflightCache`] (the standard lets a user agent
/// remove entries early, "Cache entries may be removed before that moment arrives").
///
/// ```
/// let c = corsgate::cache::CacheConfig::default();
/// assert_eq!((c.max_entries, c.max_bytes), (4096, 4 << 20));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// The largest number of cache entries held (one per method or header name).
    pub max_entries: usize,
    /// The largest number of accounted bytes held (see [`ENTRY_OVERHEAD`]).
    pub max_bytes: usize,
}

impl Default for CacheConfig {
    /// 4096 entries and 4 MiB, the bounds of `Policy::spec()`.
    fn default() -> Self {
        CacheConfig {
            max_entries: 4096,
            max_bytes: 4 << 20,
        }
    }
}

/// Fetch §concept-cache-match: the equality part of a cache entry match — the request's network
/// partition key, its byte-serialized origin (`null` for an opaque origin), and its current URL,
/// serialized.
#[derive(Debug, Clone, Copy)]
pub struct CacheKey<'a> {
    /// Fetch §network-partition-key: the result of determining the request's partition key.
    pub partition: &'a PartitionKey,
    /// Fetch §byte-serializing-a-request-origin: the request's byte-serialized origin.
    pub origin: &'a [u8],
    /// The request's current URL, serialized.
    pub url: &'a str,
}

/// A [`CacheKey`] hashed once, for several lookups (the method and every header name of one
/// decision): [`PreflightCache::prepare`].
#[derive(Debug, Clone, Copy)]
pub struct PreparedKey<'a> {
    key: CacheKey<'a>,
    state: u64,
    /// The first seed of the cache that prepared it: a key prepared by another cache is hashed
    /// again instead of missing.
    seed: u64,
}

impl<'a> PreparedKey<'a> {
    /// The key it was prepared from.
    pub fn key(&self) -> CacheKey<'a> {
        self.key
    }
}

/// No index (end of a list).
const NIL: u32 = u32::MAX;
/// Entry flag: the entry's credentials field is true.
const F_CRED: u8 = 1;
/// Entry flag: the entry holds a header name (otherwise a method).
const F_HEADER: u8 = 2;
/// Entry flag: the CLOCK reference bit (set by a hit or a refresh).
const F_REF: u8 = 4;
/// The flags that are part of an entry's identity.
const F_KEY: u8 = F_CRED | F_HEADER;

/// Slab chunks hold `1 << CHUNK_BITS` entries.
const CHUNK_BITS: u32 = 7;
const CHUNK: usize = 1 << CHUNK_BITS;
/// A table slot is a tag (the top 8 bits) and index + 1 (the low 24 bits; 0 is an empty slot).
const IDX_BITS: u32 = 24;
const IDX_MASK: u32 = (1 << IDX_BITS) - 1;
/// The most entries held: every index + 1 fits the slot's 24 bits.
const MAX_LEN: usize = IDX_MASK as usize - 1;
/// Expiry range, in nanoseconds from the epoch: a signed 72-bit number (about ±74 000 years).
const EXPIRY_MAX: i128 = (1 << 71) - 1;

// ----- hashing -----

/// Four random words keying the hash (per cache).
#[derive(Clone, Copy)]
struct Seeds([u64; 4]);

impl Seeds {
    fn random() -> Seeds {
        let state = RandomState::new();
        let mut out = [0u64; 4];
        for (i, o) in (0u64..).zip(out.iter_mut()) {
            *o = state.hash_one(i);
        }
        Seeds(out)
    }
}

/// The hash state of a (partition key, origin, URL) triple: the lengths first, then each part
/// absorbed in place (no copy into one buffer; the last block of each part read overlapping).
fn key_state(seeds: &Seeds, p: &[u8], o: &[u8], u: &[u8]) -> u64 {
    let [s0, s1, s2, _] = seeds.0;
    let lens = ((o.len() as u64) << 32) ^ (u.len() as u64);
    let h = fold(s0 ^ p.len() as u64, s1 ^ lens);
    absorb(s2, absorb(s2, absorb(s2, h, p), o), u)
}

fn finish(seeds: &Seeds, h: u64) -> u32 {
    let h = fold(h ^ seeds.0[3], seeds.0[1]);
    (h ^ (h >> 32)) as u32
}

/// The hash of the key-table slot of a triple.
fn key_hash(seeds: &Seeds, state: u64) -> u32 {
    finish(seeds, state ^ seeds.0[2])
}

/// An entry's hash: the key's state continued with the flags and the name (ASCII-lowercased for
/// header names).
fn entry_hash(seeds: &Seeds, state: u64, flags: u8, name: &[u8], fold_case: bool) -> u32 {
    let [s0, _, _, s3] = seeds.0;
    let h = fold(
        state ^ s3,
        s0 ^ (u64::from(flags) << 56) ^ name.len() as u64,
    );
    finish(
        seeds,
        if fold_case {
            absorb_lower(s0, h, name)
        } else {
            absorb(s0, h, name)
        },
    )
}

// ----- entries -----

/// One cache entry: its whole key in one allocation.
#[derive(Debug)]
struct Entry {
    /// Partition key, origin, URL, then the method (byte-exact) or header name (lowercased).
    key: Box<[u8]>,
    /// The low 64 bits of the expiry (nanoseconds from the cache's epoch); `expiry_hi` the rest.
    expiry_lo: u64,
    heap_pos: u32,
    /// The other entries with the same (partition key, origin, URL).
    key_prev: u32,
    key_next: u32,
    name_len: u32,
    p_len: u16,
    o_len: u16,
    flags: u8,
    expiry_hi: i8,
}

impl Entry {
    fn partition(&self) -> &[u8] {
        self.key.get(..usize::from(self.p_len)).unwrap_or_default()
    }
    fn origin(&self) -> &[u8] {
        let p = usize::from(self.p_len);
        self.key
            .get(p..p + usize::from(self.o_len))
            .unwrap_or_default()
    }
    fn url(&self) -> &[u8] {
        let start = usize::from(self.p_len) + usize::from(self.o_len);
        let end = self.key.len().saturating_sub(self.name_len as usize);
        self.key.get(start..end).unwrap_or_default()
    }
    fn name(&self) -> &[u8] {
        let end = self.key.len();
        self.key
            .get(end.saturating_sub(self.name_len as usize)..)
            .unwrap_or_default()
    }
    /// Whether the entry's triple is `key`'s: lengths first, then the bytes a word at a time.
    fn is(&self, key: &CacheKey<'_>) -> bool {
        let (p, o, u) = (key.partition.as_bytes(), key.origin, key.url.as_bytes());
        usize::from(self.p_len) == p.len()
            && usize::from(self.o_len) == o.len()
            && self.key.len() == p.len() + o.len() + u.len() + self.name_len as usize
            && same_bytes(u, self.url(), false)
            && same_bytes(o, self.origin(), false)
            && same_bytes(p, self.partition(), false)
    }
    fn expiry(&self) -> i128 {
        (i128::from(self.expiry_hi) << 64) | i128::from(self.expiry_lo)
    }
    fn set_expiry(&mut self, t: i128) {
        self.expiry_lo = t as u64;
        self.expiry_hi = (t >> 64) as i8;
    }
    fn cost(&self) -> usize {
        ENTRY_OVERHEAD.saturating_add(self.key.len())
    }
    fn state(&self, seeds: &Seeds) -> u64 {
        key_state(seeds, self.partition(), self.origin(), self.url())
    }
}

/// The dense slab: entry `i` is `chunks[i / CHUNK][i % CHUNK]`.
#[derive(Debug, Default)]
struct Slab {
    chunks: Vec<Vec<Entry>>,
    len: usize,
}

impl Slab {
    fn get(&self, i: u32) -> Option<&Entry> {
        self.chunks
            .get((i >> CHUNK_BITS) as usize)?
            .get(i as usize & (CHUNK - 1))
    }
    fn get_mut(&mut self, i: u32) -> Option<&mut Entry> {
        self.chunks
            .get_mut((i >> CHUNK_BITS) as usize)?
            .get_mut(i as usize & (CHUNK - 1))
    }
    fn push(&mut self, e: Entry) {
        let c = self.len >> CHUNK_BITS;
        if c == self.chunks.len() {
            // The first chunk grows as a `Vec` does; later ones are allocated whole.
            self.chunks
                .push(Vec::with_capacity(if c == 0 { 4 } else { CHUNK }));
        }
        if let Some(chunk) = self.chunks.get_mut(c) {
            chunk.push(e);
            self.len += 1;
        }
    }
    fn pop(&mut self) -> Option<Entry> {
        let last = self.len.checked_sub(1)?;
        let e = self.chunks.get_mut(last >> CHUNK_BITS)?.pop()?;
        self.len = last;
        // Keep at most one empty chunk beyond those in use (no allocation churn at a boundary).
        let used = self.len.div_ceil(CHUNK).max(1);
        self.chunks.truncate(used + 1);
        if self.chunks.capacity() > 2 * self.chunks.len() + 4 {
            self.chunks.shrink_to(self.chunks.len() + 2);
        }
        Some(e)
    }
    fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * std::mem::size_of::<Vec<Entry>>()
            + self
                .chunks
                .iter()
                .map(|c| c.capacity() * std::mem::size_of::<Entry>())
                .sum::<usize>()
    }
}

fn entry_hash_of(slab: &Slab, seeds: &Seeds, i: u32) -> u32 {
    slab.get(i).map_or(0, |e| {
        entry_hash(
            seeds,
            e.state(seeds),
            e.flags & F_KEY,
            e.name(),
            e.flags & F_HEADER != 0,
        )
    })
}

fn key_hash_of(slab: &Slab, seeds: &Seeds, i: u32) -> u32 {
    slab.get(i).map_or(0, |e| key_hash(seeds, e.state(seeds)))
}

// ----- tables -----

/// An open-addressing hash table of tagged slab indices (linear probing, backward-shift
/// deletion). Hashes are not stored: growth and deletion recompute them with `hash_of`.
#[derive(Debug, Default)]
struct Table {
    slots: Vec<u32>,
    len: usize,
}

fn tag(hash: u32) -> u32 {
    hash & !IDX_MASK
}

impl Table {
    /// The position of the slot whose tag is `hash`'s and whose index satisfies `eq`.
    fn find(&self, hash: u32, mut eq: impl FnMut(u32) -> bool) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let t = tag(hash);
        let mut i = hash as usize & mask;
        // Terminates: the load factor stays below 1, so an empty slot exists.
        loop {
            let s = *self.slots.get(i)?;
            if s == 0 {
                return None;
            }
            if tag(s) == t && eq((s & IDX_MASK) - 1) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    fn idx_at(&self, pos: usize) -> u32 {
        self.slots
            .get(pos)
            .map_or(NIL, |s| (s & IDX_MASK).wrapping_sub(1))
    }

    fn set_idx(&mut self, pos: usize, idx: u32) {
        if let Some(s) = self.slots.get_mut(pos) {
            *s = tag(*s) | (idx + 1);
        }
    }

    fn insert(&mut self, hash: u32, idx: u32, hash_of: impl Fn(u32) -> u32) {
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.resize((self.slots.len() * 2).max(8), &hash_of);
        }
        self.place(hash, idx);
        self.len += 1;
    }

    fn resize(&mut self, cap: usize, hash_of: &impl Fn(u32) -> u32) {
        let old = std::mem::replace(&mut self.slots, vec![0; cap]);
        for s in old.into_iter().filter(|&s| s != 0) {
            let idx = (s & IDX_MASK) - 1;
            self.place(hash_of(idx), idx);
        }
    }

    fn place(&mut self, hash: u32, idx: u32) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while let Some(slot) = self.slots.get_mut(i) {
            if *slot == 0 {
                *slot = tag(hash) | (idx + 1);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn remove_at(&mut self, pos: usize, hash_of: impl Fn(u32) -> u32) {
        let Some(mask) = self.slots.len().checked_sub(1) else {
            return;
        };
        // Backward-shift deletion: move later members of the probe run into the hole when their
        // home slot does not lie cyclically in (hole, j].
        let mut hole = pos;
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let s = match self.slots.get(j) {
                Some(&s) if s != 0 => s,
                _ => break,
            };
            let home = hash_of((s & IDX_MASK) - 1) as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                if let Some(h) = self.slots.get_mut(hole) {
                    *h = s;
                }
                hole = j;
            }
        }
        if let Some(h) = self.slots.get_mut(hole) {
            *h = 0;
        }
        self.len -= 1;
        // Shrink below a load of 0.175, to a load of at most 0.35 (hysteresis against growth).
        if self.slots.len() > 8 && self.len * 40 < self.slots.len() * 7 {
            let mut cap = 8;
            while self.len * 20 > cap * 7 {
                cap *= 2;
            }
            self.resize(cap, &hash_of);
        }
    }

    fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u32>()
    }
}
/// Fetch §concept-cache: a user agent's CORS-preflight cache, bounded by a [`CacheConfig`].
///
/// ```
/// use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
/// use corsgate::request::PartitionKey;
/// use std::time::{Duration, Instant};
///
/// let mut cache = PreflightCache::new(CacheConfig::default());
/// let p = PartitionKey::default();
/// let key = CacheKey { partition: &p, origin: b"https://a.example", url: "https://b.example/x" };
/// let t0 = Instant::now();
/// cache.insert_method(t0, key, false, b"PUT", Duration::from_secs(5));
/// assert!(cache.method_match(t0, key, false, b"PUT"));
/// assert!(!cache.method_match(t0, key, true, b"PUT")); // entry's credentials is false
/// assert!(!cache.method_match(t0 + Duration::from_secs(5), key, false, b"PUT")); // expired
/// ```
pub struct PreflightCache {
    config: CacheConfig,
    seeds: Seeds,
    /// The first instant an entry was stored at: expiries are nanoseconds from it.
    epoch: Option<Instant>,
    /// The last instant converted to the epoch's time base, and the result: the lookups of one
    /// decision (and the inserts of one preflight) share one `now`.
    last_now: Option<(Instant, i128)>,
    slab: Slab,
    /// (key, credentials, kind, name) → entry.
    entries: Table,
    /// (partition key, origin, URL) → one entry of that triple's list.
    keys: Table,
    heap: Vec<u32>,
    hand: usize,
    bytes: usize,
    key_bytes: usize,
}

impl fmt::Debug for PreflightCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreflightCache")
            .field("config", &self.config)
            .field("len", &self.slab.len)
            .field("groups", &self.keys.len)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl PreflightCache {
    /// Fetch §concept-cache: an empty cache with these bounds.
    pub fn new(config: CacheConfig) -> Self {
        PreflightCache {
            config,
            seeds: Seeds::random(),
            epoch: None,
            last_now: None,
            slab: Slab::default(),
            entries: Table::default(),
            keys: Table::default(),
            heap: Vec::new(),
            hand: 0,
            bytes: 0,
            key_bytes: 0,
        }
    }

    /// Fetch §concept-cache: the bounds this cache was made with.
    pub fn config(&self) -> CacheConfig {
        self.config
    }

    /// `key` hashed once, for the `*_prepared` lookups of one decision (a method and every
    /// header name).
    ///
    /// ```
    /// use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
    /// use corsgate::request::PartitionKey;
    /// use std::time::{Duration, Instant};
    /// let mut cache = PreflightCache::new(CacheConfig::default());
    /// let p = PartitionKey::default();
    /// let key = CacheKey { partition: &p, origin: b"https://a.example", url: "https://b.example/" };
    /// let t0 = Instant::now();
    /// cache.insert_header(t0, key, false, b"X-Token", Duration::from_secs(5));
    /// let prepared = cache.prepare(key);
    /// assert!(!cache.method_match_prepared(t0, &prepared, false, b"PUT"));
    /// assert!(cache.header_match_prepared(t0, &prepared, false, b"x-token", false));
    /// ```
    pub fn prepare<'a>(&self, key: CacheKey<'a>) -> PreparedKey<'a> {
        PreparedKey {
            key,
            state: self.state_of(&key),
            seed: self.seeds.0[0],
        }
    }

    fn state_of(&self, key: &CacheKey<'_>) -> u64 {
        key_state(
            &self.seeds,
            key.partition.as_bytes(),
            key.origin,
            key.url.as_bytes(),
        )
    }

    /// The hash state of a prepared key, hashed again if another cache prepared it.
    fn state_of_prepared(&self, key: &PreparedKey<'_>) -> u64 {
        if key.seed == self.seeds.0[0] {
            key.state
        } else {
            self.state_of(&key.key)
        }
    }

    /// Fetch §cors-preflight-fetch-0 steps 7.12–7.13: for `method`, refresh every live entry that
    /// is a method cache entry match (its expiry becomes `now + max_age`), or if there is none,
    /// create a new cache entry with credentials = `include` (the request's credentials mode is
    /// "include").
    ///
    /// A new entry with a zero `max_age` is not stored (it would never match). An entry too large
    /// for the byte bound on its own is refused; see the module docs for eviction.
    pub fn insert_method(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        method: &[u8],
        max_age: Duration,
    ) {
        self.insert(now, key, include, method, false, false, max_age);
    }

    /// Fetch §cors-preflight-fetch-0 steps 7.14–7.15: [`PreflightCache::insert_header_with`] with the
    /// standard's rule that a `*` entry never stands for `Authorization`.
    pub fn insert_header(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        max_age: Duration,
    ) {
        self.insert(now, key, include, name, true, false, max_age);
    }

    /// Fetch §cors-preflight-fetch-0 steps 7.14–7.15: for header `name`, refresh every live entry
    /// that is a header-name cache entry match, or if there is none, create a new cache entry
    /// with credentials = `include`. The name is stored lowercased (matching is
    /// byte-case-insensitive). `wildcard_covers_authorization` is the engine knob of
    /// [`PreflightCache::header_match_with`], so that updating and matching agree.
    pub fn insert_header_with(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        max_age: Duration,
        wildcard_covers_authorization: bool,
    ) {
        self.insert(
            now,
            key,
            include,
            name,
            true,
            wildcard_covers_authorization,
            max_age,
        );
    }

    /// Fetch §concept-cache-match-method: whether a live entry for `key` whose credentials fit
    /// `include` (§concept-cache-match) has method `method` (byte-exact) or `*`. A hit sets the
    /// entry's reference bit; expired entries probed on the way are removed.
    pub fn method_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        method: &[u8],
    ) -> bool {
        self.find_match(now, key, include, method, false, false, None)
    }

    /// Fetch §concept-cache-match-header: [`PreflightCache::header_match_with`] as the standard
    /// has it (`*` never covers `Authorization`).
    pub fn header_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
    ) -> bool {
        self.find_match(now, key, include, name, true, false, None)
    }

    /// Fetch §concept-cache-match-header: whether a live entry for `key` whose credentials fit
    /// `include` has a header name that is a byte-case-insensitive match for `name`, or is `*`
    /// while `name` is not a CORS non-wildcard request-header name (`Authorization`). With
    /// `wildcard_covers_authorization` (an engine deviation, `Policy::wildcard_covers_authorization`)
    /// `*` covers every name.
    pub fn header_match_with(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        wildcard_covers_authorization: bool,
    ) -> bool {
        self.find_match(
            now,
            key,
            include,
            name,
            true,
            wildcard_covers_authorization,
            None,
        )
    }

    /// [`PreflightCache::method_match`] with a key prepared by [`PreflightCache::prepare`].
    pub fn method_match_prepared(
        &mut self,
        now: Instant,
        key: &PreparedKey<'_>,
        include: bool,
        method: &[u8],
    ) -> bool {
        let state = self.state_of_prepared(key);
        self.find(now, &key.key, state, include, method, false, false, None)
    }

    /// [`PreflightCache::header_match_with`] with a key prepared by [`PreflightCache::prepare`].
    pub fn header_match_prepared(
        &mut self,
        now: Instant,
        key: &PreparedKey<'_>,
        include: bool,
        name: &[u8],
        wildcard_covers_authorization: bool,
    ) -> bool {
        let state = self.state_of_prepared(key);
        self.find(
            now,
            &key.key,
            state,
            include,
            name,
            true,
            wildcard_covers_authorization,
            None,
        )
    }

    /// Whether any live entry for `key` fits a request with this credentials mode
    /// (§concept-cache-match), whatever its method or header name. Engines that keep one result
    /// per (origin, URL) only skip a preflight when such a result exists (see
    /// `Policy::sticky_preflight`). Costs O(entries of the key).
    pub fn has_match(&self, now: Instant, key: CacheKey<'_>, include: bool) -> bool {
        let state = self.state_of(&key);
        let Some(mut i) = self.key_head(&key, state) else {
            return false;
        };
        let now = self.rel(now);
        while let Some(e) = self.slab.get(i) {
            if now < e.expiry() && (e.flags & F_CRED != 0 || !include) {
                return true;
            }
            i = e.key_next;
        }
        false
    }

    /// Fetch §concept-cache-clear: remove every entry whose partition key, byte-serialized origin
    /// and URL are `key`'s (whatever its credentials, method or header name).
    pub fn clear(&mut self, key: CacheKey<'_>) {
        let state = self.state_of(&key);
        let Some(head) = self.key_head(&key, state) else {
            return;
        };
        let mut doomed = Vec::new();
        let mut i = head;
        while let Some(e) = self.slab.get(i) {
            doomed.push(i);
            i = e.key_next;
        }
        self.remove_all(doomed, NIL);
    }

    /// Fetch §cors-preflight-cache ("must be removed after the seconds specified in their max-age
    /// field have passed"): remove every entry expired at `now`; returns how many were removed.
    pub fn purge_expired(&mut self, now: Instant) -> usize {
        let now = self.rel(now);
        self.purge(now, NIL)
    }

    /// Fetch §concept-cache: the number of cache entries (one per method or header name).
    pub fn len(&self) -> usize {
        self.slab.len
    }

    /// Fetch §concept-cache: whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.slab.len == 0
    }

    /// Fetch §concept-cache: the accounted bytes: per entry, [`ENTRY_OVERHEAD`] + the lengths of
    /// its partition key, origin, URL and name. A bound on [`PreflightCache::heap_bytes`] up to
    /// [`HEAP_SLACK`].
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The heap the cache holds now, counted as an allocator does (each allocation's requested
    /// size: its structures' capacities, not their lengths, and every entry's key). At most
    /// [`PreflightCache::bytes`] + [`HEAP_SLACK`].
    pub fn heap_bytes(&self) -> usize {
        self.slab.heap_bytes()
            + self.entries.heap_bytes()
            + self.keys.heap_bytes()
            + self.heap.capacity() * std::mem::size_of::<u32>()
            + self.key_bytes
    }

    /// Fetch §concept-cache: the number of distinct (partition key, origin, URL) triples that have
    /// at least one entry — what Chromium's cache, which holds one preflight result per
    /// (origin, URL, network isolation key, …), counts as its size.
    pub fn group_count(&self) -> usize {
        self.keys.len
    }

    // ----- time -----

    /// `t` as signed nanoseconds from the epoch, within the expiry range.
    /// [`PreflightCache::rel`], remembering the last conversion.
    fn rel_mut(&mut self, t: Instant) -> i128 {
        match self.last_now {
            Some((last, rel)) if last == t => rel,
            _ => {
                let rel = self.rel(t);
                self.last_now = Some((t, rel));
                rel
            }
        }
    }

    fn rel(&self, t: Instant) -> i128 {
        let Some(epoch) = self.epoch else {
            return 0;
        };
        let clamp = |d: Duration| d.as_nanos().min(EXPIRY_MAX as u128) as i128;
        if t >= epoch {
            clamp(t.saturating_duration_since(epoch))
        } else {
            -clamp(epoch.saturating_duration_since(t))
        }
    }

    // ----- matching and inserting -----

    #[allow(clippy::too_many_arguments)]
    fn find_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        header: bool,
        wildcard_covers_authorization: bool,
        refresh: Option<i128>,
    ) -> bool {
        let state = self.state_of(&key);
        self.find(
            now,
            &key,
            state,
            include,
            name,
            header,
            wildcard_covers_authorization,
            refresh,
        )
    }

    /// Probes for a §concept-cache-match-method / -header match; with `refresh`, sets the expiry of
    /// every live match (and reports whether any existed) instead of stopping at the first.
    #[allow(clippy::too_many_arguments)]
    fn find(
        &mut self,
        now: Instant,
        key: &CacheKey<'_>,
        state: u64,
        include: bool,
        name: &[u8],
        header: bool,
        wildcard_covers_authorization: bool,
        refresh: Option<i128>,
    ) -> bool {
        if self.slab.len == 0 {
            return false;
        }
        // `now` on the cache's time base, converted when a probe first finds an entry.
        let mut now_rel = None;
        let mut key_checked = false;
        let kind = if header { F_HEADER } else { 0 };
        // §concept-cache-match: entry's credentials is true, or it is false and the request's
        // credentials mode is not "include". (A non-include request probes credentials-false
        // entries first: those are the ones its own preflights create.)
        let creds: &[u8] = if include { &[F_CRED] } else { &[0, F_CRED] };
        // §concept-cache-match-method: method is `method` or `*`.
        // §concept-cache-match-header: header name matches case-insensitively, or is `*` and the
        // name is not a CORS non-wildcard request-header name.
        let wildcard_ok = !header
            || wildcard_covers_authorization
            || !crate::safelist::is_cors_non_wildcard_request_header_name(name);
        let mut found = false;
        for &cred in creds {
            let names: [Option<&[u8]>; 2] =
                [Some(name), if wildcard_ok { Some(b"*") } else { None }];
            for n in names.into_iter().flatten() {
                let Some(i) = self.probe(now, &mut now_rel, key, state, cred | kind, n, header)
                else {
                    // After a first miss, stop early when the key has no entries at all.
                    if !key_checked {
                        key_checked = true;
                        if self.key_head(key, state).is_none() {
                            return found;
                        }
                    }
                    continue;
                };
                let Some(e) = self.slab.get_mut(i) else {
                    continue;
                };
                e.flags |= F_REF;
                match refresh {
                    None => return true,
                    Some(expiry) => {
                        e.set_expiry(expiry);
                        self.heap_fix(i);
                        found = true;
                    }
                }
            }
        }
        found
    }

    /// The live entry with exactly this identity (key, credentials, kind, name); an expired one is
    /// removed and not returned. A probe reads an entry only when its slot's tag matches;
    /// `now_rel` is `now` on the cache's time base, converted on the first entry found.
    #[allow(clippy::too_many_arguments)]
    fn probe(
        &mut self,
        now: Instant,
        now_rel: &mut Option<i128>,
        key: &CacheKey<'_>,
        state: u64,
        flags: u8,
        name: &[u8],
        header: bool,
    ) -> Option<u32> {
        let hash = entry_hash(&self.seeds, state, flags, name, header);
        let slab = &self.slab;
        let pos = self.entries.find(hash, |i| {
            slab.get(i).is_some_and(|e| {
                // The stored name of a header entry is lowercase.
                e.flags & F_KEY == flags && same_bytes(name, e.name(), header) && e.is(key)
            })
        })?;
        let i = self.entries.idx_at(pos);
        let now = match *now_rel {
            Some(t) => t,
            None => *now_rel.insert(self.rel_mut(now)),
        };
        if self.slab.get(i).is_some_and(|e| now < e.expiry()) {
            Some(i)
        } else {
            self.remove(i);
            None
        }
    }

    /// An entry of `key`'s triple, if any.
    fn key_head(&self, key: &CacheKey<'_>, state: u64) -> Option<u32> {
        let slab = &self.slab;
        let pos = self.keys.find(key_hash(&self.seeds, state), |i| {
            slab.get(i).is_some_and(|e| e.is(key))
        })?;
        Some(self.keys.idx_at(pos))
    }

    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        header: bool,
        wildcard_covers_authorization: bool,
        max_age: Duration,
    ) {
        if self.epoch.is_none() {
            self.epoch = Some(now);
            self.last_now = None;
        }
        let now_rel = self.rel_mut(now);
        let age = max_age.as_nanos().min(EXPIRY_MAX as u128) as i128;
        let expiry = (now_rel + age).min(EXPIRY_MAX);
        // Steps 7.12 / 7.14: a match exists → set its max-age (here: its expiry, counted from now).
        if self.find_match(
            now,
            key,
            include,
            name,
            header,
            wildcard_covers_authorization,
            Some(expiry),
        ) {
            return;
        }
        if max_age.is_zero() {
            return;
        }
        // Steps 7.13 / 7.15: create a new cache entry. The probes above removed any expired entry
        // with this exact (key, credentials, kind, name), so the new one is unique.
        let (p, o, u) = (key.partition.as_bytes(), key.origin, key.url.as_bytes());
        let key_len = p.len() + o.len() + u.len() + name.len();
        let cost = ENTRY_OVERHEAD.saturating_add(key_len);
        let (Ok(p_len), Ok(o_len), Ok(name_len)) = (
            u16::try_from(p.len()),
            u16::try_from(o.len()),
            u32::try_from(name.len()),
        ) else {
            return;
        };
        // Refuse what could not stay even if everything else were evicted, so the loop in
        // `enforce_bounds` never evicts the entry it was called for.
        if self.config.max_entries == 0 || cost > self.config.max_bytes || self.slab.len >= MAX_LEN
        {
            return;
        }
        let mut bytes = Vec::with_capacity(key_len);
        bytes.extend_from_slice(p);
        bytes.extend_from_slice(o);
        bytes.extend_from_slice(u);
        bytes.extend_from_slice(name);
        if header {
            if let Some(n) = bytes.get_mut(key_len - name.len()..) {
                n.make_ascii_lowercase();
            }
        }
        let flags = if include { F_CRED } else { 0 } | if header { F_HEADER } else { 0 };
        let state = self.state_of(&key);
        let hash = entry_hash(&self.seeds, state, flags, name, header);
        let head = self.key_head(&key, state);
        let i = self.slab.len as u32;
        let mut entry = Entry {
            key: bytes.into_boxed_slice(),
            expiry_lo: 0,
            heap_pos: 0,
            key_prev: NIL,
            key_next: NIL,
            name_len,
            p_len,
            o_len,
            flags,
            expiry_hi: 0,
        };
        entry.set_expiry(expiry);
        self.slab.push(entry);
        let (slab, seeds) = (&self.slab, &self.seeds);
        self.entries
            .insert(hash, i, |v| entry_hash_of(slab, seeds, v));
        match head {
            // Linked after the triple's first entry (the key table keeps pointing at it).
            Some(h) => {
                let next = self.slab.get(h).map_or(NIL, |e| e.key_next);
                if let Some(e) = self.slab.get_mut(h) {
                    e.key_next = i;
                }
                if let Some(e) = self.slab.get_mut(next) {
                    e.key_prev = i;
                }
                if let Some(e) = self.slab.get_mut(i) {
                    e.key_prev = h;
                    e.key_next = next;
                }
            }
            None => {
                let (slab, seeds) = (&self.slab, &self.seeds);
                self.keys
                    .insert(key_hash(seeds, state), i, |v| key_hash_of(slab, seeds, v));
            }
        }
        self.heap_push(i);
        self.bytes = self.bytes.saturating_add(cost);
        self.key_bytes += key_len;
        self.enforce_bounds(now_rel, i);
    }

    fn over_bounds(&self) -> bool {
        self.slab.len > self.config.max_entries || self.bytes > self.config.max_bytes
    }

    /// Eviction order: all expired entries first, then CLOCK (module docs). `new` is never evicted.
    fn enforce_bounds(&mut self, now: i128, mut new: u32) {
        if !self.over_bounds() {
            return;
        }
        new = self.purge_tracking(now, new).1;
        while self.over_bounds() && self.slab.len > 1 {
            if self.hand >= self.slab.len {
                self.hand = 0;
            }
            let h = self.hand as u32;
            if h == new {
                self.hand += 1;
                continue;
            }
            if let Some(e) = self.slab.get_mut(h).filter(|e| e.flags & F_REF != 0) {
                e.flags &= !F_REF;
                self.hand += 1;
                continue;
            }
            if self.slab.len as u32 - 1 == new {
                new = h;
            }
            self.remove(h);
            // Past the entry that moved into the hole.
            self.hand += 1;
        }
    }

    /// Removes every entry expired at `now` but `keep`; returns how many.
    fn purge(&mut self, now: i128, keep: u32) -> usize {
        self.purge_tracking(now, keep).0
    }

    /// [`PreflightCache::purge`], also returning where `keep` is afterwards.
    fn purge_tracking(&mut self, now: i128, keep: u32) -> (usize, u32) {
        // The expired entries form a subtree at the heap's root.
        let mut doomed = Vec::new();
        let mut stack = vec![0usize];
        while let Some(pos) = stack.pop() {
            let Some(&i) = self.heap.get(pos) else {
                continue;
            };
            if self.slab.get(i).is_some_and(|e| e.expiry() <= now) {
                if i != keep {
                    doomed.push(i);
                }
                stack.extend([2 * pos + 1, 2 * pos + 2]);
            }
        }
        let n = doomed.len();
        (n, self.remove_all(doomed, keep))
    }

    /// Removes these entries, highest index first (so none of them moves before its turn);
    /// returns where `keep` is afterwards.
    fn remove_all(&mut self, mut doomed: Vec<u32>, mut keep: u32) -> u32 {
        doomed.sort_unstable_by(|a, b| b.cmp(a));
        for i in doomed {
            if self.slab.len as u32 - 1 == keep {
                keep = i;
            }
            self.remove(i);
        }
        keep
    }

    // ----- removal -----

    /// Removes entry `i`; the slab's last entry moves into its place.
    fn remove(&mut self, i: u32) {
        let Some(e) = self.slab.get(i) else {
            return;
        };
        let (prev, next, cost, key_len) = (e.key_prev, e.key_next, e.cost(), e.key.len());
        let (slab, seeds) = (&self.slab, &self.seeds);
        // The lookup table.
        if let Some(pos) = self.entries.find(entry_hash_of(slab, seeds, i), |v| v == i) {
            self.entries
                .remove_at(pos, |v| entry_hash_of(slab, seeds, v));
        }
        // The triple's list, and the key table when `i` is the entry it points at.
        if prev == NIL {
            if let Some(pos) = self.keys.find(key_hash_of(slab, seeds, i), |v| v == i) {
                if next == NIL {
                    self.keys.remove_at(pos, |v| key_hash_of(slab, seeds, v));
                } else {
                    self.keys.set_idx(pos, next);
                }
            }
        } else if let Some(p) = self.slab.get_mut(prev) {
            p.key_next = next;
        }
        if let Some(n) = self.slab.get_mut(next) {
            n.key_prev = prev;
        }
        self.heap_remove(i);
        self.bytes = self.bytes.saturating_sub(cost);
        self.key_bytes -= key_len;
        // Move the last entry into the hole: every reference to it follows.
        let last = self.slab.len as u32 - 1;
        if i != last {
            self.relocate(last, i);
        }
        let moved = self.slab.pop();
        if i != last {
            if let (Some(slot), Some(moved)) = (self.slab.get_mut(i), moved) {
                *slot = moved;
            }
        }
        if self.heap.capacity() > 2 * self.heap.len() + 64 {
            self.heap.shrink_to(self.heap.len() + self.heap.len() / 2);
        }
    }

    /// Points every reference to entry `from` at `to` (the entry itself is moved by the caller).
    fn relocate(&mut self, from: u32, to: u32) {
        let Some(e) = self.slab.get(from) else {
            return;
        };
        let (prev, next, heap_pos) = (e.key_prev, e.key_next, e.heap_pos);
        let (slab, seeds) = (&self.slab, &self.seeds);
        if let Some(pos) = self
            .entries
            .find(entry_hash_of(slab, seeds, from), |v| v == from)
        {
            self.entries.set_idx(pos, to);
        }
        if prev == NIL {
            if let Some(pos) = self
                .keys
                .find(key_hash_of(slab, seeds, from), |v| v == from)
            {
                self.keys.set_idx(pos, to);
            }
        } else if let Some(p) = self.slab.get_mut(prev) {
            p.key_next = to;
        }
        if let Some(n) = self.slab.get_mut(next) {
            n.key_prev = to;
        }
        if let Some(h) = self.heap.get_mut(heap_pos as usize) {
            *h = to;
        }
    }

    // ----- expiry min-heap (indexed: each entry knows its position) -----

    fn expiry_at(&self, pos: usize) -> Option<i128> {
        let i = *self.heap.get(pos)?;
        self.slab.get(i).map(Entry::expiry)
    }

    fn heap_swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        for pos in [a, b] {
            if let Some(&i) = self.heap.get(pos) {
                if let Some(e) = self.slab.get_mut(i) {
                    e.heap_pos = pos as u32;
                }
            }
        }
    }

    fn sift_up(&mut self, mut pos: usize) -> usize {
        while pos > 0 {
            let parent = (pos - 1) / 2;
            if self.expiry_at(pos) < self.expiry_at(parent) {
                self.heap_swap(pos, parent);
                pos = parent;
            } else {
                break;
            }
        }
        pos
    }

    fn sift_down(&mut self, mut pos: usize) {
        loop {
            let mut least = pos;
            for child in [2 * pos + 1, 2 * pos + 2] {
                if child < self.heap.len() && self.expiry_at(child) < self.expiry_at(least) {
                    least = child;
                }
            }
            if least == pos {
                return;
            }
            self.heap_swap(pos, least);
            pos = least;
        }
    }

    fn heap_push(&mut self, i: u32) {
        let pos = self.heap.len();
        self.heap.push(i);
        if let Some(e) = self.slab.get_mut(i) {
            e.heap_pos = pos as u32;
        }
        self.sift_up(pos);
    }

    fn heap_fix(&mut self, i: u32) {
        if let Some(e) = self.slab.get(i) {
            let pos = self.sift_up(e.heap_pos as usize);
            self.sift_down(pos);
        }
    }

    fn heap_remove(&mut self, i: u32) {
        let Some(pos) = self.slab.get(i).map(|e| e.heap_pos as usize) else {
            return;
        };
        let Some(last) = self.heap.len().checked_sub(1) else {
            return;
        };
        self.heap_swap(pos, last);
        self.heap.pop();
        if pos < self.heap.len() {
            let pos = self.sift_up(pos);
            self.sift_down(pos);
        }
    }
}
