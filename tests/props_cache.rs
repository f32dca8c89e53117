//! Model-based laws of the bounded CORS-preflight cache (Fetch §cors-preflight-cache, with the
//! user agent's right to remove entries early). `tests/cache.rs` compares the cache with the
//! standard's unbounded list and checks the bounds alone; this file adds a reference model *with*
//! the bounds, so that eviction itself is checked:
//!
//! * `matches_a_bounded_clock_reference`: a plain `Vec` in the cache's slab order with the
//!   documented eviction (all expired entries first, then CLOCK: a hand that clears reference
//!   bits and evicts the first entry without one; a removal moves the last entry into the hole;
//!   oversized entries refused) agrees with the cache on every lookup, on `len()` and on
//!   `bytes()` after every operation.
//! * `hits_imply_an_unexpired_matching_insert`: under any bounds, every hit is backed by an
//!   insert (or refresh) that matches the lookup and has not expired, and the cache never holds
//!   more entries than there are such live inserts; while nothing was ever evicted, the cache
//!   answers as the standard's list (bounds only ever remove). After an eviction the cache's list
//!   is not the standard's: an insert the standard would fold into a `*` entry the cache has
//!   dropped creates an entry of its own (the regression seed of 2026-12-05).

use std::time::{Duration, Instant};

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache, ENTRY_OVERHEAD};
use corsgate::request::PartitionKey;
use proptest::prelude::*;

const ORIGINS: [&str; 3] = [
    "null",
    "https://a.example",
    "https://app.example.co.uk:8443",
];
const URLS: [&str; 3] = [
    "https://api.example/",
    "https://api.example/v1/items?q=1",
    "https://b.example/a/very/long/path/that/costs/more/bytes/in/the/cache/accounting",
];
const METHODS: [&[u8]; 5] = [
    b"PUT",
    b"put",
    b"*",
    b"DELETE",
    b"X-LONG-CUSTOM-METHOD-NAME-BEYOND-22",
];
const HEADERS: [&[u8]; 6] = [
    b"x-a",
    b"X-A",
    b"authorization",
    b"*",
    b"content-type",
    b"x-a-header-name-longer-than-twenty-two-bytes",
];

/// A key index: partition (2) × origin (3) × URL (3).
fn key_parts(k: usize) -> (usize, &'static str, &'static str) {
    (k % 2, ORIGINS[(k / 2) % 3], URLS[(k / 6) % 3])
}

#[derive(Debug, Clone)]
enum Op {
    Insert {
        k: usize,
        include: bool,
        header: bool,
        n: usize,
        age: u64,
        knob: bool,
    },
    Match {
        k: usize,
        include: bool,
        header: bool,
        n: usize,
        knob: bool,
    },
    Clear {
        k: usize,
    },
    Purge,
    Advance {
        ms: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..18usize, any::<bool>(), any::<bool>(), 0..6usize, 0..5u64, any::<bool>()).prop_map(
            |(k, include, header, n, age, knob)| Op::Insert { k, include, header, n, age, knob }
        ),
        4 => (0..18usize, any::<bool>(), any::<bool>(), 0..6usize, any::<bool>())
            .prop_map(|(k, include, header, n, knob)| Op::Match { k, include, header, n, knob }),
        1 => (0..18usize).prop_map(|k| Op::Clear { k }),
        1 => Just(Op::Purge),
        2 => (0..3000u64).prop_map(|ms| Op::Advance { ms }),
    ]
}

fn name(header: bool, n: usize) -> &'static [u8] {
    if header {
        HEADERS[n % HEADERS.len()]
    } else {
        METHODS[n % METHODS.len()]
    }
}

/// One entry of the reference: the standard's cache entry plus its CLOCK reference bit.
#[derive(Debug, Clone)]
struct RefEntry {
    k: usize,
    credentials: bool,
    header: bool,
    name: Vec<u8>,
    expiry: Instant,
    referenced: bool,
}

/// The reference: entries in the cache's slab order, and the clock hand.
struct Reference {
    entries: Vec<RefEntry>,
    parts: [PartitionKey; 2],
    hand: usize,
}

impl Reference {
    /// Each entry holds its whole key: partition key, origin, URL and name.
    fn cost(&self, k: usize, name: &[u8]) -> usize {
        let (p, o, u) = key_parts(k);
        ENTRY_OVERHEAD + self.parts[p].as_bytes().len() + o.len() + u.len() + name.len()
    }

    fn bytes(&self) -> usize {
        self.entries.iter().map(|e| self.cost(e.k, &e.name)).sum()
    }

    /// Removes these positions, highest first, each by moving the last entry into the hole;
    /// returns where position `keep` ends up.
    fn remove_all(&mut self, mut doomed: Vec<usize>, mut keep: usize) -> usize {
        doomed.sort_unstable_by(|a, b| b.cmp(a));
        for i in doomed {
            if self.entries.len() - 1 == keep {
                keep = i;
            }
            self.entries.swap_remove(i);
        }
        keep
    }

    fn purge(&mut self, now: Instant, keep: usize) -> usize {
        let doomed = (0..self.entries.len())
            .filter(|&i| i != keep && self.entries[i].expiry <= now)
            .collect();
        self.remove_all(doomed, keep)
    }

    /// The exact identity probe the cache makes: (key, credentials, kind, name) with
    /// case-insensitive header names. An expired entry met this way is removed.
    fn probe(
        &mut self,
        now: Instant,
        k: usize,
        cred: bool,
        header: bool,
        n: &[u8],
    ) -> Option<usize> {
        let i = self.entries.iter().position(|e| {
            e.k == k
                && e.credentials == cred
                && e.header == header
                && if header {
                    e.name.eq_ignore_ascii_case(n)
                } else {
                    e.name == n
                }
        })?;
        if now < self.entries[i].expiry {
            Some(i)
        } else {
            self.entries.swap_remove(i);
            None
        }
    }

    /// §concept-cache-match-method / -header in the cache's probe order: credentials false
    /// before true (a non-"include" request), the name before `*`. Without `refresh`, stops at
    /// the first hit; with it, sets every hit's expiry. A hit sets the reference bit.
    #[allow(clippy::too_many_arguments)]
    fn find(
        &mut self,
        now: Instant,
        k: usize,
        include: bool,
        header: bool,
        n: &[u8],
        knob: bool,
        refresh: Option<Instant>,
    ) -> bool {
        let creds: &[bool] = if include { &[true] } else { &[false, true] };
        let wildcard_ok = !header || knob || !n.eq_ignore_ascii_case(b"authorization");
        let mut found = false;
        for &cred in creds {
            let names: Vec<&[u8]> = if wildcard_ok { vec![n, b"*"] } else { vec![n] };
            for probe in names {
                let Some(i) = self.probe(now, k, cred, header, probe) else {
                    continue;
                };
                self.entries[i].referenced = true;
                match refresh {
                    None => return true,
                    Some(expiry) => {
                        self.entries[i].expiry = expiry;
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
        config: CacheConfig,
        k: usize,
        include: bool,
        header: bool,
        n: &[u8],
        age: Duration,
        knob: bool,
    ) {
        let expiry = now + age;
        if self.find(now, k, include, header, n, knob, Some(expiry)) || age.is_zero() {
            return;
        }
        let stored = if header {
            n.to_ascii_lowercase()
        } else {
            n.to_vec()
        };
        if config.max_entries == 0 || self.cost(k, &stored) > config.max_bytes {
            return;
        }
        self.entries.push(RefEntry {
            k,
            credentials: include,
            header,
            name: stored,
            expiry,
            referenced: false,
        });
        let over =
            |r: &Reference| r.entries.len() > config.max_entries || r.bytes() > config.max_bytes;
        if !over(self) {
            return;
        }
        // All expired entries first, then the clock.
        let mut new = self.purge(now, self.entries.len() - 1);
        while over(self) && self.entries.len() > 1 {
            if self.hand >= self.entries.len() {
                self.hand = 0;
            }
            let h = self.hand;
            if h == new {
                self.hand += 1;
            } else if self.entries[h].referenced {
                self.entries[h].referenced = false;
                self.hand += 1;
            } else {
                new = self.remove_all(vec![h], new);
                self.hand += 1;
            }
        }
    }
}

/// The standard's list (no bounds): what inserts and refreshes promised, with their expiry.
#[derive(Default)]
struct Promises(Vec<RefEntry>);

impl Promises {
    fn matching(
        &self,
        now: Instant,
        k: usize,
        include: bool,
        header: bool,
        n: &[u8],
        knob: bool,
    ) -> Vec<usize> {
        (0..self.0.len())
            .filter(|&i| {
                let e = &self.0[i];
                now < e.expiry
                    && e.k == k
                    && e.header == header
                    && (e.credentials || !include)
                    && if header {
                        e.name.eq_ignore_ascii_case(n)
                            || (e.name == b"*"
                                && (knob || !n.eq_ignore_ascii_case(b"authorization")))
                    } else {
                        e.name == n || e.name == b"*"
                    }
            })
            .collect()
    }
}

fn config() -> impl Strategy<Value = CacheConfig> {
    (0..8usize, 0..1200usize).prop_map(|(max_entries, max_bytes)| CacheConfig {
        max_entries,
        max_bytes,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn matches_a_bounded_clock_reference(config in config(), ops in proptest::collection::vec(op(), 1..150)) {
        let parts = [PartitionKey::default(), PartitionKey::new("partition-b")];
        let mut cache = PreflightCache::new(config);
        let mut model = Reference { entries: Vec::new(), parts: parts.clone(), hand: 0 };
        let mut now = Instant::now();
        for op in ops {
            let key = |k: usize| {
                let (p, o, u) = key_parts(k);
                CacheKey { partition: &parts[p], origin: o.as_bytes(), url: u }
            };
            match op {
                Op::Insert { k, include, header, n, age, knob } => {
                    let n = name(header, n);
                    let age = Duration::from_secs(age);
                    if header {
                        cache.insert_header_with(now, key(k), include, n, age, knob);
                    } else {
                        cache.insert_method(now, key(k), include, n, age);
                    }
                    model.insert(now, config, k, include, header, n, age, knob);
                }
                Op::Match { k, include, header, n, knob } => {
                    let n = name(header, n);
                    let got = if header {
                        cache.header_match_with(now, key(k), include, n, knob)
                    } else {
                        cache.method_match(now, key(k), include, n)
                    };
                    let want = model.find(now, k, include, header, n, knob, None);
                    prop_assert_eq!(got, want, "lookup {:?} {:?}", k, String::from_utf8_lossy(n));
                }
                Op::Clear { k } => {
                    cache.clear(key(k));
                    let doomed = (0..model.entries.len()).filter(|&i| model.entries[i].k == k).collect();
                    model.remove_all(doomed, usize::MAX);
                }
                Op::Purge => {
                    let before = model.entries.len();
                    model.purge(now, usize::MAX);
                    prop_assert_eq!(cache.purge_expired(now), before - model.entries.len());
                }
                Op::Advance { ms } => now += Duration::from_millis(ms),
            }
            prop_assert_eq!(cache.len(), model.entries.len());
            prop_assert_eq!(cache.bytes(), model.bytes());
            prop_assert!(cache.len() <= config.max_entries);
            prop_assert!(cache.bytes() <= config.max_bytes);
        }
    }

    #[test]
    fn hits_imply_an_unexpired_matching_insert(config in config(), ops in proptest::collection::vec(op(), 1..150)) {
        let parts = [PartitionKey::default(), PartitionKey::new("partition-b")];
        let mut cache = PreflightCache::new(config);
        // The standard's (unbounded) list: what the cache holds while nothing was dropped.
        let mut standard = Promises::default();
        // Every insert, refreshed as the standard refreshes matches, but also kept when it
        // refreshed another entry: once the cache has dropped an entry its list is no longer the
        // standard's, and where the standard refreshes a dropped entry (a `*` covering the name)
        // the cache creates a new one. Each live cache entry has its own live insert here (the
        // one that created it, refreshed with it), so this bounds what the cache may hold.
        let mut inserts = Promises::default();
        let mut now = Instant::now();
        // Whether the cache ever held fewer live entries than the standard's list (an eviction or
        // a refusal happened).
        let mut ever_dropped = false;
        for op in ops {
            let key = |k: usize| {
                let (p, o, u) = key_parts(k);
                CacheKey { partition: &parts[p], origin: o.as_bytes(), url: u }
            };
            match op {
                Op::Insert { k, include, header, n, age, knob } => {
                    let n = name(header, n);
                    let age = Duration::from_secs(age);
                    if header {
                        cache.insert_header_with(now, key(k), include, n, age, knob);
                    } else {
                        cache.insert_method(now, key(k), include, n, age);
                    }
                    let entry = RefEntry { k, credentials: include, header, name: n.to_vec(), expiry: now + age, referenced: false };
                    let hits = standard.matching(now, k, include, header, n, knob);
                    for &i in &hits {
                        standard.0[i].expiry = now + age;
                    }
                    if hits.is_empty() && !age.is_zero() {
                        standard.0.push(entry.clone());
                    }
                    for i in inserts.matching(now, k, include, header, n, knob) {
                        inserts.0[i].expiry = now + age;
                    }
                    if !age.is_zero() {
                        inserts.0.push(entry);
                    }
                }
                Op::Match { k, include, header, n, knob } => {
                    let n = name(header, n);
                    let got = if header {
                        cache.header_match_with(now, key(k), include, n, knob)
                    } else {
                        cache.method_match(now, key(k), include, n)
                    };
                    let promised = !inserts.matching(now, k, include, header, n, knob).is_empty();
                    // A hit is always backed by an unexpired matching insert.
                    prop_assert!(!got || promised, "hit without a promise");
                    // Without evictions the bounded cache is the standard's list.
                    if !ever_dropped {
                        prop_assert_eq!(got, !standard.matching(now, k, include, header, n, knob).is_empty());
                    }
                }
                Op::Clear { k } => {
                    cache.clear(key(k));
                    standard.0.retain(|e| e.k != k);
                    inserts.0.retain(|e| e.k != k);
                }
                Op::Purge => {
                    cache.purge_expired(now);
                }
                Op::Advance { ms } => now += Duration::from_millis(ms),
            }
            standard.0.retain(|e| now < e.expiry);
            inserts.0.retain(|e| now < e.expiry);
            // With expired entries purged, the cache holds a subset of the standard's list until
            // it first drops an entry (evicted or refused: the other test checks which one); fewer
            // entries means that happened. It never holds more entries than live inserts.
            cache.purge_expired(now);
            if !ever_dropped {
                prop_assert!(cache.len() <= standard.0.len());
                ever_dropped = cache.len() < standard.0.len();
            }
            prop_assert!(cache.len() <= inserts.0.len());
            prop_assert!(cache.len() <= config.max_entries);
            prop_assert!(cache.bytes() <= config.max_bytes);
        }
    }
}
