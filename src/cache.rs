//! Fetch §cors-preflight-cache: the CORS-preflight cache, bounded and with O(1) lookups.
//!
//! The standard's cache is a list of [cache entries](https://fetch.spec.whatwg.org/#cache-entry),
//! each holding one method *or* one header name for a (network partition key, byte-serialized
//! origin, URL, credentials) tuple and a max-age. This module keeps exactly those entries, but
//! indexes them so that no operation scans the list:
//!
//! * **Groups.** The triple (partition key, byte-serialized origin, URL) — the part of a
//!   [cache entry match](https://fetch.spec.whatwg.org/#concept-cache-match) that is pure
//!   equality — is interned once as a *group*; entries refer to it by a 32-bit id. Each group keeps
//!   a doubly linked list of its entries, so [`PreflightCache::clear`] costs time proportional to
//!   the entries it removes.
//! * **Entries.** An entry is found by (group, credentials, method-or-header, name) in an
//!   open-addressing hash table of 32-bit slab indices (linear probing, backward-shift deletion,
//!   load ≤ 0.7, keyed SipHash), so a name is stored once, in the entry itself. Header names are
//!   stored lowercased and hashed case-folded (the match is byte-case-insensitive); methods are
//!   byte-exact.
//! * **Recency.** Entries form an intrusive LRU list (slab indices); a successful match or an
//!   insert/refresh makes an entry most recently used.
//! * **Expiry.** An indexed binary min-heap on expiry time finds expired entries in O(log n).
//!
//! The clock is never read here: every operation that depends on time takes the caller's `now`.
//! An entry is alive while `now < expiry`, where `expiry` = the time it was stored or refreshed +
//! max-age.
//!
//! # Bounds and eviction order
//!
//! [`CacheConfig`] bounds the number of entries and the accounted bytes ([`PreflightCache::bytes`]):
//! each entry costs [`ENTRY_OVERHEAD`] + its name's length, and each group costs
//! [`GROUP_OVERHEAD`] + the lengths of its partition key, origin and URL (group bytes are counted
//! once per group, as they are stored once). When an insert takes the cache over a bound:
//!
//! 1. every entry expired at `now` is removed (all of them, not just enough to fit);
//! 2. then least-recently-used entries are removed until both bounds hold.
//!
//! The entry just inserted is never evicted by its own insert: an entry whose own cost plus its
//! group's exceeds `max_bytes`, or any entry when `max_entries` is 0, is
//! refused (not stored) instead. Hence after every call, `len() <= max_entries` and
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
//! at most once); `clear` is O(k log n) for the k entries removed; `len`, `bytes`, `group_count`
//! are O(1). Slabs and tables keep their high-water-mark capacity (bounded by `max_entries`).

use crate::request::PartitionKey;
use std::collections::hash_map::{DefaultHasher, RandomState};
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

/// Fetch §cors-preflight-cache: accounted bytes per entry, besides its name's bytes. It stands
/// for the entry node (name pointer, expiry, list links, heap position, hash) and its hash-table
/// and heap slots.
pub const ENTRY_OVERHEAD: usize = 80;

/// Fetch §cors-preflight-cache: accounted bytes per group (partition key, origin, URL), besides
/// the bytes of those three. It stands for the group node and its hash-table slot.
pub const GROUP_OVERHEAD: usize = 64;

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
    /// The largest number of accounted bytes held (see [`ENTRY_OVERHEAD`], [`GROUP_OVERHEAD`]).
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

/// No index (end of a list, empty table slot).
const NIL: u32 = u32::MAX;
/// Entry flag: the entry's credentials field is true.
const F_CRED: u8 = 1;
/// Entry flag: the entry holds a header name (otherwise a method).
const F_HEADER: u8 = 2;
/// Entry flag: the slab slot is in use.
const F_LIVE: u8 = 4;
/// The flags that are part of an entry's identity.
const F_KEY: u8 = F_CRED | F_HEADER;

/// Names up to this many bytes are stored inline in the entry (no allocation).
const INLINE: usize = 22;

/// A method or header name: inline when short (almost every real one), boxed otherwise.
#[derive(Debug)]
enum Name {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

impl Name {
    fn new(bytes: &[u8]) -> Name {
        let mut buf = [0u8; INLINE];
        match buf.get_mut(..bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                Name::Inline(bytes.len() as u8, buf)
            }
            None => Name::Heap(bytes.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Name::Inline(len, buf) => buf.get(..usize::from(*len)).unwrap_or_default(),
            Name::Heap(b) => b,
        }
    }

    fn make_ascii_lowercase(&mut self) {
        match self {
            Name::Inline(_, buf) => buf.make_ascii_lowercase(),
            Name::Heap(b) => b.make_ascii_lowercase(),
        }
    }
}

/// One cache entry; the partition key, origin and URL live in its group.
#[derive(Debug)]
struct Entry {
    /// The method (byte-exact) or header name (lowercased), or `*`.
    name: Name,
    /// Time stored or refreshed + max-age.
    expiry: Instant,
    lru_prev: u32,
    lru_next: u32,
    grp_prev: u32,
    grp_next: u32,
    group: u32,
    heap_pos: u32,
    hash: u32,
    flags: u8,
}

/// An interned (partition key, byte-serialized origin, URL) triple and its entries.
#[derive(Debug)]
struct Group {
    partition: PartitionKey,
    /// Origin bytes followed by URL bytes.
    data: Box<[u8]>,
    origin_len: u32,
    head: u32,
    count: u32,
    hash: u32,
}

impl Group {
    /// Whether this group is `key`'s (partition key, origin, URL).
    fn is(&self, key: CacheKey<'_>) -> bool {
        self.partition.as_bytes() == key.partition.as_bytes()
            && self.origin() == key.origin
            && self.url() == key.url.as_bytes()
    }
    fn origin(&self) -> &[u8] {
        self.data
            .get(..self.origin_len as usize)
            .unwrap_or_default()
    }
    fn url(&self) -> &[u8] {
        self.data
            .get(self.origin_len as usize..)
            .unwrap_or_default()
    }
    fn cost(&self) -> usize {
        group_cost(self.partition.as_bytes().len(), self.data.len())
    }
}

fn group_cost(partition_len: usize, data_len: usize) -> usize {
    GROUP_OVERHEAD
        .saturating_add(partition_len)
        .saturating_add(data_len)
}

/// An open-addressing hash table of slab indices (linear probing, backward-shift deletion).
/// Hashes live in the slab items; callers pass closures that read them.
#[derive(Debug, Default)]
struct Table {
    slots: Vec<u32>,
    len: usize,
}

impl Table {
    fn find(&self, hash: u32, mut eq: impl FnMut(u32) -> bool) -> Option<u32> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = hash as usize & mask;
        // Terminates: the load factor stays below 1, so an empty slot exists.
        loop {
            let v = *self.slots.get(i)?;
            if v == NIL {
                return None;
            }
            if eq(v) {
                return Some(v);
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, hash: u32, idx: u32, hash_of: impl Fn(u32) -> u32) {
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            let cap = (self.slots.len() * 2).max(8);
            let old = std::mem::replace(&mut self.slots, vec![NIL; cap]);
            for v in old.into_iter().filter(|&v| v != NIL) {
                self.place(hash_of(v), v);
            }
        }
        self.place(hash, idx);
        self.len += 1;
    }

    fn place(&mut self, hash: u32, idx: u32) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while let Some(slot) = self.slots.get_mut(i) {
            if *slot == NIL {
                *slot = idx;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn remove(&mut self, hash: u32, idx: u32, hash_of: impl Fn(u32) -> u32) {
        let Some(mask) = self.slots.len().checked_sub(1) else {
            return;
        };
        let mut hole = hash as usize & mask;
        loop {
            match self.slots.get(hole) {
                Some(&v) if v == idx => break,
                Some(&v) if v != NIL => hole = (hole + 1) & mask,
                _ => return,
            }
        }
        // Backward-shift deletion: move later members of the probe run into the hole when their
        // home slot does not lie cyclically in (hole, j].
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let v = match self.slots.get(j) {
                Some(&v) if v != NIL => v,
                _ => break,
            };
            let home = hash_of(v) as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                if let Some(s) = self.slots.get_mut(hole) {
                    *s = v;
                }
                hole = j;
            }
        }
        if let Some(s) = self.slots.get_mut(hole) {
            *s = NIL;
        }
        self.len -= 1;
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
    hasher: RandomState,
    entries: Vec<Entry>,
    free_entries: Vec<u32>,
    entry_table: Table,
    groups: Vec<Option<Group>>,
    free_groups: Vec<u32>,
    group_table: Table,
    group_count: usize,
    heap: Vec<u32>,
    lru_head: u32,
    lru_tail: u32,
    len: usize,
    bytes: usize,
}

impl fmt::Debug for PreflightCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreflightCache")
            .field("config", &self.config)
            .field("len", &self.len)
            .field("groups", &self.group_count)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

/// `now + d`, saturating at the latest representable instant reachable from `now`.
fn add_saturating(now: Instant, d: Duration) -> Instant {
    let mut d = d;
    loop {
        if let Some(t) = now.checked_add(d) {
            return t;
        }
        d /= 2;
    }
}

/// An entry's hash: the key's SipHash state (`PreflightCache::key_hasher`) continued with the
/// entry's credentials/kind flags and its name (ASCII-lowercased for header names, which match
/// case-insensitively).
fn entry_hash(base: &DefaultHasher, key_flags: u8, name: &[u8], fold_case: bool) -> u32 {
    let mut h = base.clone();
    let mut buf = [0u8; 65];
    if let Some(dst) = buf.get_mut(..1 + name.len()) {
        let (fd, out) = dst.split_at_mut(1);
        fd.copy_from_slice(&[key_flags]);
        out.copy_from_slice(name);
        if fold_case {
            out.make_ascii_lowercase();
        }
        h.write(dst);
        return h.finish() as u32;
    }
    h.write_u8(key_flags);
    if fold_case {
        let mut buf = [0u8; 64];
        for chunk in name.chunks(buf.len()) {
            let out = buf.get_mut(..chunk.len()).unwrap_or_default();
            out.copy_from_slice(chunk);
            out.make_ascii_lowercase();
            h.write(out);
        }
    } else {
        h.write(name);
    }
    h.finish() as u32
}

impl PreflightCache {
    /// Fetch §concept-cache: an empty cache with these bounds.
    pub fn new(config: CacheConfig) -> Self {
        PreflightCache {
            config,
            hasher: RandomState::new(),
            entries: Vec::new(),
            free_entries: Vec::new(),
            entry_table: Table::default(),
            groups: Vec::new(),
            free_groups: Vec::new(),
            group_table: Table::default(),
            group_count: 0,
            heap: Vec::new(),
            lru_head: NIL,
            lru_tail: NIL,
            len: 0,
            bytes: 0,
        }
    }

    /// Fetch §concept-cache: the bounds this cache was made with.
    pub fn config(&self) -> CacheConfig {
        self.config
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
    /// `include` (§concept-cache-match) has method `method` (byte-exact) or `*`. A hit makes the
    /// entry most recently used; expired entries probed on the way are removed.
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

    /// Whether any live entry for `key` fits a request with this credentials mode
    /// (§concept-cache-match), whatever its method or header name. Engines that keep one result
    /// per (origin, URL) only skip a preflight when such a result exists (see
    /// `Policy::sticky_preflight`). Costs O(entries of the group).
    pub fn has_match(&self, now: Instant, key: CacheKey<'_>, include: bool) -> bool {
        let hash = self.group_hash(key);
        let Some(g) = self.find_group(key, hash) else {
            return false;
        };
        let mut i = self.group(g).map_or(NIL, |gr| gr.head);
        while let Some(e) = self.entries.get(i as usize).filter(|_| i != NIL) {
            if e.expiry > now && (e.flags & F_CRED != 0 || !include) {
                return true;
            }
            i = e.grp_next;
        }
        false
    }

    /// Fetch §concept-cache-clear: remove every entry whose partition key, byte-serialized origin
    /// and URL are `key`'s (whatever its credentials, method or header name).
    pub fn clear(&mut self, key: CacheKey<'_>) {
        let hash = self.group_hash(key);
        let Some(g) = self.find_group(key, hash) else {
            return;
        };
        while let Some(head) = self.group(g).map(|gr| gr.head).filter(|&h| h != NIL) {
            self.remove_entry(head);
        }
    }

    /// Fetch §cors-preflight-cache ("must be removed after the seconds specified in their max-age
    /// field have passed"): remove every entry expired at `now`; returns how many were removed.
    pub fn purge_expired(&mut self, now: Instant) -> usize {
        let mut n = 0;
        while let Some(&top) = self.heap.first() {
            if self
                .entries
                .get(top as usize)
                .is_some_and(|e| e.expiry <= now)
            {
                self.remove_entry(top);
                n += 1;
            } else {
                break;
            }
        }
        n
    }

    /// Fetch §concept-cache: the number of cache entries (one per method or header name).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Fetch §concept-cache: whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fetch §concept-cache: the accounted bytes ([`ENTRY_OVERHEAD`] + name per entry,
    /// [`GROUP_OVERHEAD`] + partition key + origin + URL per group).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Fetch §concept-cache: the number of distinct (partition key, origin, URL) triples that have
    /// at least one entry — what Chromium's cache, which holds one preflight result per
    /// (origin, URL, network isolation key, …), counts as its size.
    pub fn group_count(&self) -> usize {
        self.group_count
    }

    // ----- matching and inserting -----

    /// Probes for a §concept-cache-match-method / -header match; with `refresh`, sets the expiry of
    /// every live match (and reports whether any existed) instead of stopping at the first.
    #[allow(clippy::too_many_arguments)]
    fn find_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        header: bool,
        wildcard_covers_authorization: bool,
        refresh: Option<Instant>,
    ) -> bool {
        // One SipHash pass over the key; each probe finishes a copy with its flags and name, and
        // finds the entry without the group table (benches/cache.rs: hits cost ~2 hashes less).
        let base = self.key_hasher(key);
        let mut group_checked = false;
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
                let Some(i) = self.probe(now, &base, key, cred | kind, n, header) else {
                    // After a first miss, stop early when the key has no entries at all.
                    if !group_checked {
                        group_checked = true;
                        let ghash = base.clone().finish() as u32;
                        if self.find_group(key, ghash).is_none() {
                            return found;
                        }
                    }
                    continue;
                };
                self.lru_touch(i);
                match refresh {
                    None => return true,
                    Some(expiry) => {
                        if let Some(e) = self.entries.get_mut(i as usize) {
                            e.expiry = expiry;
                        }
                        self.heap_fix(i);
                        found = true;
                    }
                }
            }
        }
        found
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
        let expiry = add_saturating(now, max_age);
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
        // with this exact (group, credentials, kind, name), so the new one is unique.
        let mut stored = Name::new(name);
        if header {
            stored.make_ascii_lowercase();
        }
        let base = self.key_hasher(key);
        let ghash = base.clone().finish() as u32;
        let existing = self.find_group(key, ghash);
        let entry_cost = ENTRY_OVERHEAD.saturating_add(stored.as_bytes().len());
        // Refuse what could not stay even if everything else were evicted (its group's bytes are
        // counted whether or not the group exists yet), so the loop in `enforce_bounds` never
        // evicts the entry it was called for.
        let with_group = group_cost(
            key.partition.as_bytes().len(),
            key.origin.len().saturating_add(key.url.len()),
        );
        if self.config.max_entries == 0
            || u32::try_from(key.origin.len()).is_err()
            || entry_cost.saturating_add(with_group) > self.config.max_bytes
            || (self.entries.len() >= (NIL as usize) - 1 && self.free_entries.is_empty())
            || (self.groups.len() >= (NIL as usize) - 1 && self.free_groups.is_empty())
        {
            return;
        }
        let g = match existing {
            Some(g) => g,
            None => self.new_group(key, ghash),
        };
        let flags = F_LIVE | if include { F_CRED } else { 0 } | if header { F_HEADER } else { 0 };
        let hash = entry_hash(&base, flags & F_KEY, stored.as_bytes(), header);
        let entry = Entry {
            name: stored,
            expiry,
            lru_prev: NIL,
            lru_next: NIL,
            grp_prev: NIL,
            grp_next: NIL,
            group: g,
            heap_pos: 0,
            hash,
            flags,
        };
        let i = match self.free_entries.pop() {
            Some(i) => {
                if let Some(slot) = self.entries.get_mut(i as usize) {
                    *slot = entry;
                }
                i
            }
            None => {
                self.entries.push(entry);
                (self.entries.len() - 1) as u32
            }
        };
        let entries = &self.entries;
        self.entry_table
            .insert(hash, i, |v| entries.get(v as usize).map_or(0, |e| e.hash));
        self.heap_push(i);
        self.lru_push_front(i);
        // Link into the group's entry list.
        let old_head = self.group(g).map_or(NIL, |gr| gr.head);
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.grp_next = old_head;
        }
        if let Some(h) = self.entries.get_mut(old_head as usize) {
            h.grp_prev = i;
        }
        if let Some(Some(gr)) = self.groups.get_mut(g as usize) {
            gr.head = i;
            gr.count += 1;
        }
        self.len += 1;
        self.bytes = self.bytes.saturating_add(entry_cost);
        self.enforce_bounds(now);
    }

    /// The live entry with exactly this identity (the key's bytes, credentials, kind, name); an
    /// expired one is removed and not returned. `base` is [`PreflightCache::key_hasher`] of `key`.
    fn probe(
        &mut self,
        now: Instant,
        base: &DefaultHasher,
        key: CacheKey<'_>,
        key_flags: u8,
        name: &[u8],
        header: bool,
    ) -> Option<u32> {
        let hash = entry_hash(base, key_flags, name, header);
        let (entries, groups) = (&self.entries, &self.groups);
        let i = self.entry_table.find(hash, |v| {
            entries.get(v as usize).is_some_and(|e| {
                e.hash == hash
                    && e.flags & F_KEY == key_flags
                    && if header {
                        e.name.as_bytes().eq_ignore_ascii_case(name)
                    } else {
                        e.name.as_bytes() == name
                    }
                    && groups
                        .get(e.group as usize)
                        .and_then(Option::as_ref)
                        .is_some_and(|gr| gr.is(key))
            })
        })?;
        if self.entries.get(i as usize).is_some_and(|e| now < e.expiry) {
            Some(i)
        } else {
            self.remove_entry(i);
            None
        }
    }

    fn over_bounds(&self) -> bool {
        self.len > self.config.max_entries || self.bytes > self.config.max_bytes
    }

    /// Eviction order: all expired entries first, then least recently used ones.
    fn enforce_bounds(&mut self, now: Instant) {
        if !self.over_bounds() {
            return;
        }
        self.purge_expired(now);
        while self.over_bounds() && self.lru_tail != NIL {
            self.remove_entry(self.lru_tail);
        }
    }

    // ----- hashing -----

    // SipHash costs a fixed amount per `write` call besides its per-byte work, and these keys are
    // short: the key is one `write` of a stack buffer when its bytes fit (the choice depends only
    // on the lengths, so a key always hashes the same way), and an entry's hash continues the
    // key's state with its flags and name. benches/cache.rs.

    /// SipHash state after the (partition key, origin, URL) bytes, with their lengths.
    fn key_hasher(&self, key: CacheKey<'_>) -> DefaultHasher {
        let mut h = self.hasher.build_hasher();
        let p = key.partition.as_bytes();
        let (o, u) = (key.origin, key.url.as_bytes());
        let mut buf = [0u8; 256];
        let total = 16usize
            .saturating_add(p.len())
            .saturating_add(o.len())
            .saturating_add(u.len());
        match buf.get_mut(..total) {
            Some(dst) => {
                // The two lengths keep the (partition, origin, URL) split unambiguous.
                let (lens, rest) = dst.split_at_mut(16);
                let (pl, ol) = lens.split_at_mut(8);
                pl.copy_from_slice(&(p.len() as u64).to_le_bytes());
                ol.copy_from_slice(&(o.len() as u64).to_le_bytes());
                let (pd, rest) = rest.split_at_mut(p.len());
                pd.copy_from_slice(p);
                let (od, ud) = rest.split_at_mut(o.len());
                od.copy_from_slice(o);
                ud.copy_from_slice(u);
                h.write(dst);
            }
            None => {
                h.write_usize(p.len());
                h.write(p);
                h.write_usize(o.len());
                h.write(o);
                h.write(u);
            }
        }
        h
    }

    fn group_hash(&self, key: CacheKey<'_>) -> u32 {
        self.key_hasher(key).finish() as u32
    }

    // ----- groups -----

    fn group(&self, g: u32) -> Option<&Group> {
        self.groups.get(g as usize).and_then(Option::as_ref)
    }

    fn find_group(&self, key: CacheKey<'_>, hash: u32) -> Option<u32> {
        let groups = &self.groups;
        self.group_table.find(hash, |g| {
            groups
                .get(g as usize)
                .and_then(Option::as_ref)
                .is_some_and(|gr| gr.hash == hash && gr.is(key))
        })
    }

    fn new_group(&mut self, key: CacheKey<'_>, hash: u32) -> u32 {
        let mut data = Vec::with_capacity(key.origin.len() + key.url.len());
        data.extend_from_slice(key.origin);
        data.extend_from_slice(key.url.as_bytes());
        let group = Group {
            partition: key.partition.clone(),
            data: data.into_boxed_slice(),
            origin_len: key.origin.len() as u32,
            head: NIL,
            count: 0,
            hash,
        };
        self.bytes = self.bytes.saturating_add(group.cost());
        let g = match self.free_groups.pop() {
            Some(g) => {
                if let Some(slot) = self.groups.get_mut(g as usize) {
                    *slot = Some(group);
                }
                g
            }
            None => {
                self.groups.push(Some(group));
                (self.groups.len() - 1) as u32
            }
        };
        let groups = &self.groups;
        self.group_table.insert(hash, g, |v| {
            groups
                .get(v as usize)
                .and_then(Option::as_ref)
                .map_or(0, |gr| gr.hash)
        });
        self.group_count += 1;
        g
    }

    // ----- removal -----

    fn remove_entry(&mut self, i: u32) {
        let Some(e) = self
            .entries
            .get(i as usize)
            .filter(|e| e.flags & F_LIVE != 0)
        else {
            return;
        };
        let (hash, g, gp, gn, cost) = (
            e.hash,
            e.group,
            e.grp_prev,
            e.grp_next,
            ENTRY_OVERHEAD + e.name.as_bytes().len(),
        );
        let entries = &self.entries;
        self.entry_table
            .remove(hash, i, |v| entries.get(v as usize).map_or(0, |e| e.hash));
        self.heap_remove(i);
        self.lru_unlink(i);
        // Unlink from the group's entry list.
        if let Some(p) = self.entries.get_mut(gp as usize) {
            p.grp_next = gn;
        }
        if let Some(n) = self.entries.get_mut(gn as usize) {
            n.grp_prev = gp;
        }
        let mut group_empty = false;
        if let Some(Some(gr)) = self.groups.get_mut(g as usize) {
            if gr.head == i {
                gr.head = gn;
            }
            gr.count -= 1;
            group_empty = gr.count == 0;
        }
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.name = Name::Inline(0, [0; INLINE]);
            e.flags = 0;
        }
        self.free_entries.push(i);
        self.len -= 1;
        self.bytes = self.bytes.saturating_sub(cost);
        if group_empty {
            self.remove_group(g);
        }
    }

    fn remove_group(&mut self, g: u32) {
        let Some(gr) = self.groups.get_mut(g as usize).and_then(Option::take) else {
            return;
        };
        let groups = &self.groups;
        self.group_table.remove(gr.hash, g, |v| {
            groups
                .get(v as usize)
                .and_then(Option::as_ref)
                .map_or(0, |x| x.hash)
        });
        self.bytes = self.bytes.saturating_sub(gr.cost());
        self.free_groups.push(g);
        self.group_count -= 1;
    }

    // ----- LRU list (head = most recently used) -----

    fn lru_push_front(&mut self, i: u32) {
        let old = self.lru_head;
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.lru_prev = NIL;
            e.lru_next = old;
        }
        match self.entries.get_mut(old as usize) {
            Some(h) => h.lru_prev = i,
            None => self.lru_tail = i,
        }
        self.lru_head = i;
    }

    fn lru_unlink(&mut self, i: u32) {
        let Some(e) = self.entries.get(i as usize) else {
            return;
        };
        let (p, n) = (e.lru_prev, e.lru_next);
        match self.entries.get_mut(p as usize) {
            Some(pe) => pe.lru_next = n,
            None => self.lru_head = n,
        }
        match self.entries.get_mut(n as usize) {
            Some(ne) => ne.lru_prev = p,
            None => self.lru_tail = p,
        }
    }

    fn lru_touch(&mut self, i: u32) {
        if self.lru_head != i {
            self.lru_unlink(i);
            self.lru_push_front(i);
        }
    }

    // ----- expiry min-heap (indexed: each entry knows its position) -----

    fn expiry_at(&self, pos: usize) -> Option<Instant> {
        let i = *self.heap.get(pos)?;
        self.entries.get(i as usize).map(|e| e.expiry)
    }

    fn heap_swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        for pos in [a, b] {
            if let Some(&i) = self.heap.get(pos) {
                if let Some(e) = self.entries.get_mut(i as usize) {
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
        if let Some(e) = self.entries.get_mut(i as usize) {
            e.heap_pos = pos as u32;
        }
        self.sift_up(pos);
    }

    fn heap_fix(&mut self, i: u32) {
        if let Some(e) = self.entries.get(i as usize) {
            let pos = self.sift_up(e.heap_pos as usize);
            self.sift_down(pos);
        }
    }

    fn heap_remove(&mut self, i: u32) {
        let Some(pos) = self.entries.get(i as usize).map(|e| e.heap_pos as usize) else {
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
