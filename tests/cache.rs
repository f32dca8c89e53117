//! Fetch §cors-preflight-cache: unit tests, a model test against a literal transcription of the
//! standard's list semantics, bound tests, and Chromium's preflight_cache_unittest.cc vectors.

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache, ENTRY_OVERHEAD};
use corsgate::header::parse_token_list;
use corsgate::request::PartitionKey;
use proptest::prelude::*;
use serde_json::Value;
use std::time::{Duration, Instant};

const BIG: CacheConfig = CacheConfig {
    max_entries: usize::MAX,
    max_bytes: usize::MAX,
};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn key<'a>(p: &'a PartitionKey, origin: &'a str, url: &'a str) -> CacheKey<'a> {
    CacheKey {
        partition: p,
        origin: origin.as_bytes(),
        url,
    }
}

/// The bytes of a (partition key, origin, URL), which each of its entries holds.
fn group_bytes(p: &PartitionKey, origin: &str, url: &str) -> usize {
    p.as_bytes().len() + origin.len() + url.len()
}

#[test]
fn create_then_update_keeps_one_entry_and_refreshes_expiry() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    c.insert_method(t0, k, false, b"PUT", secs(5));
    assert_eq!(c.len(), 1);
    // Step 7.12: a method cache entry match exists → its max-age is set, no new entry.
    c.insert_method(t0 + secs(4), k, false, b"PUT", secs(5));
    assert_eq!(c.len(), 1);
    assert!(
        c.method_match(t0 + secs(8), k, false, b"PUT"),
        "refresh counts from the update"
    );
    assert!(!c.method_match(t0 + secs(9), k, false, b"PUT"));
    // Methods are byte-exact.
    c.insert_method(t0 + secs(10), k, false, b"PUT", secs(5));
    assert!(!c.method_match(t0 + secs(10), k, false, b"put"));
    assert!(!c.method_match(t0 + secs(10), k, false, b"PATCH"));
    assert_eq!(
        c.bytes(),
        group_bytes(&p, "https://a.example", "https://b.example/x") + ENTRY_OVERHEAD + 3
    );
}

#[test]
fn credentials_match_both_ways() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");

    // An entry with credentials false matches only requests whose credentials mode is not include.
    let mut c = PreflightCache::new(BIG);
    c.insert_method(t0, k, false, b"PUT", secs(5));
    assert!(c.method_match(t0, k, false, b"PUT"));
    assert!(!c.method_match(t0, k, true, b"PUT"));
    // So an include request does not update it but creates a credentials-true entry.
    c.insert_method(t0, k, true, b"PUT", secs(5));
    assert_eq!(c.len(), 2);
    assert!(c.method_match(t0, k, true, b"PUT"));

    // An entry with credentials true matches both, and a non-include insert updates it.
    let mut c = PreflightCache::new(BIG);
    c.insert_header(t0, k, true, b"X-A", secs(5));
    assert!(c.header_match(t0, k, true, b"x-a"));
    assert!(c.header_match(t0, k, false, b"x-a"));
    c.insert_header(t0 + secs(3), k, false, b"x-a", secs(5));
    assert_eq!(c.len(), 1);
    assert!(
        c.header_match(t0 + secs(7), k, true, b"X-A"),
        "the credentials-true entry was refreshed"
    );
}

#[test]
fn wildcard_method_entry() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    c.insert_method(t0, k, false, b"*", secs(5));
    assert!(c.method_match(t0, k, false, b"DELETE"));
    assert!(c.method_match(t0, k, false, b"anything"));
    assert!(
        !c.method_match(t0, k, true, b"DELETE"),
        "credentials false entry"
    );
    // A later PUT insert updates the `*` entry (it is a method cache entry match for PUT).
    c.insert_method(t0, k, false, b"PUT", secs(5));
    assert_eq!(c.len(), 1);
}

#[test]
fn header_names_case_insensitive_and_wildcard_never_authorization() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    c.insert_header(t0, k, false, b"X-Foo", secs(5));
    assert!(c.header_match(t0, k, false, b"x-FOO"));
    assert!(!c.header_match(t0, k, false, b"x-bar"));
    c.insert_header(t0, k, false, b"*", secs(5));
    assert_eq!(c.len(), 2);
    assert!(c.header_match(t0, k, false, b"x-bar"));
    assert!(!c.header_match(t0, k, false, b"Authorization"));
    assert!(!c.header_match(t0, k, false, b"AUTHORIZATION"));
    assert!(!c.header_match_with(t0, k, false, b"authorization", false));
    assert!(
        c.header_match_with(t0, k, false, b"authorization", true),
        "engine knob"
    );
    // Inserting Authorization: `*` is not a match, so a new entry is created ...
    c.insert_header(t0, k, false, b"Authorization", secs(5));
    assert_eq!(c.len(), 3);
    assert!(c.header_match(t0, k, false, b"authorization"));
    // ... while with the knob the `*` entry is a match and is refreshed instead.
    let mut c = PreflightCache::new(BIG);
    c.insert_header(t0, k, false, b"*", secs(5));
    c.insert_header_with(t0, k, false, b"Authorization", secs(5), true);
    assert_eq!(c.len(), 1);
    // An explicit Authorization entry matches regardless of the knob.
    let mut c = PreflightCache::new(BIG);
    c.insert_header(t0, k, false, b"authorization", secs(5));
    assert!(c.header_match(t0, k, false, b"Authorization"));
    // Stored lowercased: bytes count the name once.
    assert_eq!(
        c.bytes(),
        group_bytes(&p, "https://a.example", "https://b.example/x") + ENTRY_OVERHEAD + 13
    );
}

#[test]
fn methods_and_headers_are_separate_kinds() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    c.insert_method(t0, k, false, b"X", secs(5));
    assert!(!c.header_match(t0, k, false, b"X"));
    c.insert_header(t0, k, false, b"*", secs(5));
    assert!(!c.method_match(t0, k, false, b"PUT"));
    assert_eq!(c.len(), 2);
}

#[test]
fn key_parts_all_matter() {
    let t0 = Instant::now();
    let p1 = PartitionKey::new("https://top.example");
    let p2 = PartitionKey::new("https://other-top.example");
    let mut c = PreflightCache::new(BIG);
    c.insert_method(
        t0,
        key(&p1, "https://a.example", "https://b.example/x"),
        false,
        b"PUT",
        secs(5),
    );
    assert!(c.method_match(
        t0,
        key(&p1, "https://a.example", "https://b.example/x"),
        false,
        b"PUT"
    ));
    assert!(!c.method_match(
        t0,
        key(&p2, "https://a.example", "https://b.example/x"),
        false,
        b"PUT"
    ));
    assert!(!c.method_match(
        t0,
        key(&p1, "https://c.example", "https://b.example/x"),
        false,
        b"PUT"
    ));
    assert!(!c.method_match(
        t0,
        key(&p1, "https://a.example", "https://b.example/y"),
        false,
        b"PUT"
    ));
    // Origin/URL boundary: the concatenation is the same, the pair is not.
    assert!(!c.method_match(
        t0,
        key(&p1, "https://a.examplehttps://b", ".example/x"),
        false,
        b"PUT"
    ));
    assert_eq!(c.group_count(), 1);
}

#[test]
fn clear_removes_exactly_one_group() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let q = PartitionKey::new("q");
    let k = key(&p, "https://a.example", "https://b.example/x");
    let other_url = key(&p, "https://a.example", "https://b.example/y");
    let other_part = key(&q, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    for kk in [k, other_url, other_part] {
        c.insert_method(t0, kk, true, b"PUT", secs(5));
        c.insert_method(t0, kk, false, b"PATCH", secs(5));
        c.insert_header(t0, kk, false, b"x-a", secs(5));
    }
    assert_eq!((c.len(), c.group_count()), (9, 3));
    c.clear(k);
    assert_eq!((c.len(), c.group_count()), (6, 2));
    assert!(!c.method_match(t0, k, false, b"PATCH"));
    assert!(c.method_match(t0, other_url, false, b"PATCH"));
    assert!(c.header_match(t0, other_part, false, b"x-a"));
    c.clear(k); // clearing an absent group is a no-op
    c.clear(other_url);
    c.clear(other_part);
    assert!(c.is_empty());
    assert_eq!((c.bytes(), c.group_count()), (0, 0));
}

#[test]
fn expiry_uses_the_callers_clock() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let k = key(&p, "https://a.example", "https://b.example/x");
    let mut c = PreflightCache::new(BIG);
    c.insert_method(t0, k, false, b"PUT", secs(5));
    c.insert_method(t0, k, false, b"PATCH", secs(10));
    assert!(c.method_match(t0 + Duration::from_millis(4999), k, false, b"PUT"));
    assert!(
        !c.method_match(t0 + secs(5), k, false, b"PUT"),
        "alive while now < stored + max-age"
    );
    assert_eq!(c.len(), 1, "the probed expired entry is removed");
    assert_eq!(c.purge_expired(t0 + secs(9)), 0);
    assert_eq!(c.purge_expired(t0 + secs(10)), 1);
    assert!(c.is_empty());
    assert_eq!(c.bytes(), 0);
    // An insert that finds only an expired entry creates a fresh one.
    c.insert_method(t0, k, false, b"PUT", secs(1));
    c.insert_method(t0 + secs(2), k, false, b"PUT", secs(1));
    assert_eq!(c.len(), 1);
    assert!(c.method_match(t0 + Duration::from_millis(2500), k, false, b"PUT"));
    // A zero max-age never creates an entry; it does expire a matching one.
    c.insert_method(t0 + secs(2), k, false, b"GET", Duration::ZERO);
    assert_eq!(c.len(), 1);
    c.insert_method(t0 + secs(2), k, false, b"PUT", Duration::ZERO);
    assert!(!c.method_match(t0 + secs(2), k, false, b"PUT"));
    // A huge max-age saturates instead of panicking.
    c.insert_method(t0, k, false, b"GET", Duration::MAX);
    assert!(c.method_match(t0 + secs(1 << 40), k, false, b"GET"));
}

#[test]
fn entry_bound_evicts_by_clock() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let urls = ["u0", "u1", "u2", "u3", "u4"];
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: 3,
        max_bytes: usize::MAX,
    });
    for u in &urls[..3] {
        c.insert_method(t0, key(&p, "o", u), false, b"PUT", secs(60));
    }
    // A hit gives u0 a second chance: the hand passes it (clearing its bit) and evicts u1.
    assert!(c.method_match(t0, key(&p, "o", "u0"), false, b"PUT"));
    c.insert_method(t0, key(&p, "o", "u3"), false, b"PUT", secs(60));
    assert_eq!(c.len(), 3);
    assert!(!c.method_match(t0, key(&p, "o", "u1"), false, b"PUT"));
    assert!(c.method_match(t0, key(&p, "o", "u0"), false, b"PUT"));
    // An update (refresh) also counts as use: u2 and u0 are passed over, u3's PUT (never used
    // since it was stored) goes.
    c.insert_method(t0, key(&p, "o", "u2"), false, b"PUT", secs(60));
    c.insert_method(t0, key(&p, "o", "u3"), false, b"PATCH", secs(60));
    assert!(!c.method_match(t0, key(&p, "o", "u3"), false, b"PUT"));
    assert!(c.method_match(t0, key(&p, "o", "u3"), false, b"PATCH"));
    assert!(c.method_match(t0, key(&p, "o", "u2"), false, b"PUT"));
    // u0's bit was cleared by the last sweep and it was not used since: it goes.
    c.insert_method(t0, key(&p, "o", "u4"), false, b"PUT", secs(60));
    assert!(!c.method_match(t0, key(&p, "o", "u0"), false, b"PUT"));
    assert_eq!(c.len(), 3);
}

#[test]
fn byte_bound_counts_each_entrys_key_and_evicts() {
    let t0 = Instant::now();
    let p = PartitionKey::new("pk");
    // Each entry holds its whole key: the triple's bytes and its name.
    let e = ENTRY_OVERHEAD + group_bytes(&p, "o", "u0") + 3;
    // Room for two 3-byte entries, not three.
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: usize::MAX,
        max_bytes: 2 * e,
    });
    c.insert_method(t0, key(&p, "o", "u0"), false, b"PUT", secs(60));
    c.insert_method(t0, key(&p, "o", "u0"), false, b"GET", secs(60));
    assert_eq!(c.bytes(), 2 * e);
    c.insert_method(t0, key(&p, "o", "u0"), false, b"DEL", secs(60));
    assert_eq!((c.len(), c.bytes()), (2, 2 * e));
    assert!(
        !c.method_match(t0, key(&p, "o", "u0"), false, b"PUT"),
        "the clock evicted the first unused entry"
    );
    // Another triple's entry costs the same: one more goes (GET, unused; DEL was just used).
    assert!(c.method_match(t0, key(&p, "o", "u0"), false, b"DEL"));
    c.insert_method(t0, key(&p, "o", "u1"), false, b"PUT", secs(60));
    assert_eq!((c.len(), c.group_count(), c.bytes()), (2, 2, 2 * e));
    assert!(!c.method_match(t0, key(&p, "o", "u0"), false, b"GET"));
}

#[test]
fn expired_entries_are_evicted_before_the_clock() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: 3,
        max_bytes: usize::MAX,
    });
    c.insert_method(t0, key(&p, "o", "a"), false, b"PUT", secs(100));
    c.insert_method(t0, key(&p, "o", "b"), false, b"PUT", secs(1));
    c.insert_method(t0, key(&p, "o", "c"), false, b"PUT", secs(100));
    // b was used, but is expired at the time of the next insert; a is first for the hand.
    assert!(c.method_match(t0, key(&p, "o", "b"), false, b"PUT"));
    c.insert_method(t0 + secs(2), key(&p, "o", "d"), false, b"PUT", secs(100));
    assert_eq!(c.len(), 3);
    assert!(c.method_match(t0 + secs(2), key(&p, "o", "a"), false, b"PUT"));
    // When nothing is expired, the clock applies: a was used, so d (moved into b's place) goes.
    c.insert_method(t0 + secs(2), key(&p, "o", "e"), false, b"PUT", secs(100));
    assert!(!c.method_match(t0 + secs(2), key(&p, "o", "d"), false, b"PUT"));
    for k in ["a", "c", "e"] {
        assert!(
            c.method_match(t0 + secs(2), key(&p, "o", k), false, b"PUT"),
            "{k}"
        );
    }
}

#[test]
fn zero_entry_bound_stores_nothing() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: 0,
        max_bytes: usize::MAX,
    });
    c.insert_method(t0, key(&p, "o", "u"), false, b"PUT", secs(5));
    assert!(c.is_empty());
    assert!(!c.method_match(t0, key(&p, "o", "u"), false, b"PUT"));
}

#[test]
fn million_inserts_under_a_64k_byte_bound() {
    let t0 = Instant::now();
    let p = PartitionKey::new("https://top.example");
    let max_bytes = 64 << 10;
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: usize::MAX,
        max_bytes,
    });
    let mut url = String::new();
    for i in 0..1_000_000u32 {
        url.clear();
        url.push_str("https://b.example/");
        url.push_str(&(i / 4).to_string());
        let k = key(&p, "https://a.example", &url);
        let now = t0 + Duration::from_millis(u64::from(i));
        if i % 2 == 0 {
            c.insert_method(
                now,
                k,
                i % 3 == 0,
                &i.to_be_bytes(),
                secs(1 + u64::from(i % 7)),
            );
        } else {
            c.insert_header(now, k, false, &i.to_le_bytes(), secs(3));
        }
        assert!(c.bytes() <= max_bytes, "bound broken after insert {i}");
        if i % 1024 == 0 {
            assert!(c.header_match(now, k, false, &i.wrapping_sub(1).to_le_bytes()) || i % 4 == 0);
        }
    }
    assert!(c.len() > 100, "the cache holds entries: {}", c.len());
    assert!(c.group_count() <= c.len());
}

#[test]
fn million_entries_stay_findable() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let mut c = PreflightCache::new(BIG);
    let n = 1_000_000u32;
    for i in 0..n {
        let url = format!("https://b.example/{}", i % 1000);
        c.insert_header(
            t0,
            key(&p, "https://a.example", &url),
            false,
            format!("x-{i}").as_bytes(),
            secs(60),
        );
    }
    assert_eq!((c.len(), c.group_count()), (n as usize, 1000));
    for i in (0..n).step_by(997) {
        let url = format!("https://b.example/{}", i % 1000);
        assert!(c.header_match(
            t0,
            key(&p, "https://a.example", &url),
            false,
            format!("X-{i}").as_bytes()
        ));
        assert!(!c.header_match(
            t0,
            key(&p, "https://a.example", &url),
            false,
            format!("x-{}", i + 1).as_bytes()
        ));
    }
    c.clear(key(&p, "https://a.example", "https://b.example/7"));
    assert_eq!((c.len(), c.group_count()), (n as usize - 1000, 999));
    assert_eq!(c.purge_expired(t0 + secs(60)), n as usize - 1000);
    assert_eq!((c.len(), c.bytes()), (0, 0));
}

#[test]
fn hostile_sizes_never_exceed_the_byte_bound() {
    let t0 = Instant::now();
    let p = PartitionKey::default();
    let huge = vec![b'a'; 1 << 20];
    let huge_url = "u".repeat(1 << 20);
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: 100,
        max_bytes: 64 << 10,
    });
    c.insert_method(t0, key(&p, "o", "small"), false, b"PUT", secs(5));
    let before = c.bytes();
    c.insert_header(t0, key(&p, "o", "small"), false, &huge, secs(5));
    c.insert_method(t0, key(&p, "o", "small"), false, &huge, secs(5));
    c.insert_method(t0, key(&p, "o", &huge_url), false, b"PUT", secs(5));
    assert_eq!(
        (c.len(), c.bytes()),
        (1, before),
        "refused, and nothing evicted for it"
    );
    assert!(!c.header_match(t0, key(&p, "o", "small"), false, &huge));
    // With room, it is stored and accounted.
    let mut c = PreflightCache::new(CacheConfig {
        max_entries: 100,
        max_bytes: 2 << 20,
    });
    c.insert_header(t0, key(&p, "o", "small"), false, &huge, secs(5));
    assert!(c.header_match(t0, key(&p, "o", "small"), false, &huge.to_ascii_uppercase()));
    assert!(c.bytes() > 1 << 20 && c.bytes() <= 2 << 20);
}

// ----- model test: the standard's list, transcribed literally -----

#[derive(Debug, Clone)]
struct ModelEntry {
    key: (Vec<u8>, Vec<u8>, String),
    expiry: Instant,
    credentials: bool,
    method: Option<Vec<u8>>,
    header: Option<Vec<u8>>,
}

#[derive(Default)]
struct Model(Vec<ModelEntry>);

impl Model {
    fn matches(
        e: &ModelEntry,
        now: Instant,
        k: &(Vec<u8>, Vec<u8>, String),
        include: bool,
    ) -> bool {
        now < e.expiry && e.key == *k && (e.credentials || !include)
    }
    fn method_idx(
        &self,
        now: Instant,
        k: &(Vec<u8>, Vec<u8>, String),
        include: bool,
        m: &[u8],
    ) -> Vec<usize> {
        (0..self.0.len())
            .filter(|&i| {
                let e = &self.0[i];
                Self::matches(e, now, k, include)
                    && e.method.as_deref().is_some_and(|em| em == m || em == b"*")
            })
            .collect()
    }
    fn header_idx(
        &self,
        now: Instant,
        k: &(Vec<u8>, Vec<u8>, String),
        include: bool,
        n: &[u8],
        knob: bool,
    ) -> Vec<usize> {
        (0..self.0.len())
            .filter(|&i| {
                let e = &self.0[i];
                Self::matches(e, now, k, include)
                    && e.header.as_deref().is_some_and(|h| {
                        h.eq_ignore_ascii_case(n)
                            || (h == b"*" && (knob || !n.eq_ignore_ascii_case(b"authorization")))
                    })
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
enum Op {
    InsertMethod {
        k: usize,
        include: bool,
        m: usize,
        age: u64,
    },
    InsertHeader {
        k: usize,
        include: bool,
        h: usize,
        age: u64,
        knob: bool,
    },
    MatchMethod {
        k: usize,
        include: bool,
        m: usize,
    },
    MatchHeader {
        k: usize,
        include: bool,
        h: usize,
        knob: bool,
    },
    Clear {
        k: usize,
    },
    Advance {
        ms: u64,
    },
}

const METHODS: [&[u8]; 4] = [b"GET", b"PUT", b"put", b"*"];
const HEADERS: [&[u8]; 6] = [
    b"x-a",
    b"X-A",
    b"authorization",
    b"Authorization",
    b"*",
    b"x-b",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..8usize, any::<bool>(), 0..4usize, 0..4u64)
            .prop_map(|(k, include, m, age)| Op::InsertMethod { k, include, m, age }),
        (0..8usize, any::<bool>(), 0..6usize, 0..4u64, any::<bool>()).prop_map(
            |(k, include, h, age, knob)| Op::InsertHeader {
                k,
                include,
                h,
                age,
                knob
            }
        ),
        (0..8usize, any::<bool>(), 0..4usize).prop_map(|(k, include, m)| Op::MatchMethod {
            k,
            include,
            m
        }),
        (0..8usize, any::<bool>(), 0..6usize, any::<bool>()).prop_map(|(k, include, h, knob)| {
            Op::MatchHeader {
                k,
                include,
                h,
                knob,
            }
        }),
        (0..8usize).prop_map(|k| Op::Clear { k }),
        (0..2500u64).prop_map(|ms| Op::Advance { ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn agrees_with_the_standards_list(ops in proptest::collection::vec(op(), 1..120)) {
        let parts = [PartitionKey::default(), PartitionKey::new("p")];
        let keys: Vec<(usize, &str, &str)> = (0..8)
            .map(|i| (i & 1, if i & 2 == 0 { "null" } else { "https://a" }, if i & 4 == 0 { "u1" } else { "u2" }))
            .collect();
        let t0 = Instant::now();
        let mut now = t0;
        let mut c = PreflightCache::new(BIG);
        let mut m = Model::default();
        for op in ops {
            let ck = |k: usize| { let (p, o, u) = keys[k]; key(&parts[p], o, u) };
            let mk = |k: usize| { let (p, o, u) = keys[k]; (parts[p].as_bytes().to_vec(), o.as_bytes().to_vec(), u.to_string()) };
            match op {
                Op::InsertMethod { k, include, m: mi, age } => {
                    c.insert_method(now, ck(k), include, METHODS[mi], secs(age));
                    let hits = m.method_idx(now, &mk(k), include, METHODS[mi]);
                    for &i in &hits { m.0[i].expiry = now + secs(age); }
                    if hits.is_empty() && age > 0 {
                        m.0.push(ModelEntry { key: mk(k), expiry: now + secs(age), credentials: include, method: Some(METHODS[mi].to_vec()), header: None });
                    }
                }
                Op::InsertHeader { k, include, h, age, knob } => {
                    c.insert_header_with(now, ck(k), include, HEADERS[h], secs(age), knob);
                    let hits = m.header_idx(now, &mk(k), include, HEADERS[h], knob);
                    for &i in &hits { m.0[i].expiry = now + secs(age); }
                    if hits.is_empty() && age > 0 {
                        m.0.push(ModelEntry { key: mk(k), expiry: now + secs(age), credentials: include, method: None, header: Some(HEADERS[h].to_vec()) });
                    }
                }
                Op::MatchMethod { k, include, m: mi } => {
                    let want = !m.method_idx(now, &mk(k), include, METHODS[mi]).is_empty();
                    prop_assert_eq!(c.method_match(now, ck(k), include, METHODS[mi]), want);
                }
                Op::MatchHeader { k, include, h, knob } => {
                    let want = !m.header_idx(now, &mk(k), include, HEADERS[h], knob).is_empty();
                    prop_assert_eq!(c.header_match_with(now, ck(k), include, HEADERS[h], knob), want);
                }
                Op::Clear { k } => {
                    c.clear(ck(k));
                    let kk = mk(k);
                    m.0.retain(|e| e.key != kk);
                }
                Op::Advance { ms } => now += Duration::from_millis(ms),
            }
            // Compare live sizes: purge both, then count.
            c.purge_expired(now);
            m.0.retain(|e| now < e.expiry);
            prop_assert_eq!(c.len(), m.0.len());
        }
    }

    #[test]
    fn bounds_hold_under_random_operations(
        ops in proptest::collection::vec(op(), 1..200),
        max_entries in 0..6usize,
        max_bytes in 0..600usize,
    ) {
        let parts = [PartitionKey::default(), PartitionKey::new("p")];
        let t0 = Instant::now();
        let mut now = t0;
        let mut c = PreflightCache::new(CacheConfig { max_entries, max_bytes });
        for op in ops {
            let ck = |k: usize| key(&parts[k & 1], if k & 2 == 0 { "null" } else { "https://a" }, if k & 4 == 0 { "u1" } else { "u2" });
            match op {
                Op::InsertMethod { k, include, m, age } => c.insert_method(now, ck(k), include, METHODS[m], secs(age + 1)),
                Op::InsertHeader { k, include, h, age, knob } => c.insert_header_with(now, ck(k), include, HEADERS[h], secs(age + 1), knob),
                Op::MatchMethod { k, include, m } => { c.method_match(now, ck(k), include, METHODS[m]); }
                Op::MatchHeader { k, include, h, knob } => { c.header_match_with(now, ck(k), include, HEADERS[h], knob); }
                Op::Clear { k } => c.clear(ck(k)),
                Op::Advance { ms } => now += Duration::from_millis(ms),
            }
            prop_assert!(c.len() <= max_entries);
            prop_assert!(c.bytes() <= max_bytes);
            prop_assert!(c.group_count() <= c.len());
            prop_assert_eq!(c.is_empty(), c.bytes() == 0);
        }
    }
}

// ----- Chromium services/network/cors/preflight_cache_unittest.cc -----

/// Steps where Chromium's cache does something the standard's cache does not: (test, step index,
/// reason). Each must disagree with the vector, or the test fails.
const CHROMIUM_DIVERGENCES: &[(&str, usize, &str)] = &[
    (
        "HandlesOpaqueOrigins",
        3,
        "the standard keys on the byte-serialized origin, `null` for every opaque origin; \
         Chromium keys on the origin object, so distinct opaque origins do not share entries",
    ),
    (
        "PrivateNetworkAccess",
        5,
        "Chromium also keys on the target IP address space; the standard's cache has one \
         entry per (partition, origin, URL, credentials, method), so the three appends share a group",
    ),
    ("PrivateNetworkAccess", 8, "Chromium keys on the target IP address space (public was never stored)"),
    (
        "NetLogCheckCacheExist",
        4,
        "Chromium evicts a cached result that fails a check (method OPTION not allowed); the \
         standard only removes entries whose max-age has passed",
    ),
    ("NetLogCheckCacheExist", 5, "consequence of the previous step: our POST entry is still cached"),
];

/// Maps Chromium's origin and network-isolation-key strings onto ours.
struct Names {
    fresh: usize,
}

impl Names {
    /// Fetch §byte-serializing-a-request-origin: an opaque origin serializes as `null`.
    fn origin(&self, s: &str) -> Vec<u8> {
        if s.starts_with('<') {
            b"null".to_vec()
        } else {
            s.as_bytes().to_vec()
        }
    }
    /// The network partition key is embedder bytes; a "new opaque site" gets a fresh nonce.
    fn partition(&mut self, s: &str) -> PartitionKey {
        if s.contains("<new opaque") {
            self.fresh += 1;
            PartitionKey::new(format!("{s}#{}", self.fresh))
        } else if s == "empty" {
            PartitionKey::default()
        } else {
            PartitionKey::new(s)
        }
    }
}

fn field<'a>(step: &'a Value, template: &'a Value, name: &str) -> &'a Value {
    step.get(name).unwrap_or(&template[name])
}

#[test]
fn chromium_preflight_cache_vectors() {
    let text = std::fs::read_to_string("tests/data/chromium-preflight-cache.json").unwrap();
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    let mut steps_run = 0;
    let mut diverged = Vec::new();
    for v in &vectors {
        let name = v["test"].as_str().unwrap();
        let entry = &v["entry_template"];
        let check = &v["check_template"];
        let t0 = Instant::now();
        let mut now = t0;
        let mut names = Names { fresh: 0 };
        let mut cache = PreflightCache::new(CacheConfig::default());
        for (i, step) in v["steps"].as_array().unwrap().iter().enumerate() {
            steps_run += 1;
            // Fields read below, plus two this mapping deliberately ignores: `netlog_status`
            // (Chromium logging) and `target_ip_address_space` (not part of the standard's key;
            // see CHROMIUM_DIVERGENCES).
            for f in step.as_object().unwrap().keys() {
                assert!(
                    [
                        "op",
                        "origin",
                        "url",
                        "nik",
                        "expected",
                        "seconds",
                        "method",
                        "netlog_status",
                        "target_ip_address_space"
                    ]
                    .contains(&f.as_str()),
                    "{name} step {i}: unmapped field {f}"
                );
            }
            let op = step["op"].as_str().unwrap();
            let ok = match op {
                "append" => {
                    // Chromium stores a whole preflight result; the standard stores one entry per
                    // allowed method and header name (Fetch §cors-preflight-fetch-0 7.12–7.15).
                    let origin = names.origin(step["origin"].as_str().unwrap());
                    let part = names.partition(step["nik"].as_str().unwrap());
                    let k = CacheKey {
                        partition: &part,
                        origin: &origin,
                        url: step["url"].as_str().unwrap(),
                    };
                    let include = field(step, entry, "credentials_mode") == "include";
                    let age = secs(
                        field(step, entry, "max_age")
                            .as_str()
                            .unwrap()
                            .parse()
                            .unwrap(),
                    );
                    let methods = field(step, entry, "allow_methods").as_str().unwrap_or("");
                    for m in parse_token_list(methods.as_bytes()).unwrap() {
                        cache.insert_method(now, k, include, m, age);
                    }
                    let headers = field(step, entry, "allow_headers").as_str().unwrap_or("");
                    for h in parse_token_list(headers.as_bytes()).unwrap() {
                        cache.insert_header(now, k, include, h, age);
                    }
                    true
                }
                "check" => {
                    let origin = names.origin(step["origin"].as_str().unwrap());
                    let part = names.partition(step["nik"].as_str().unwrap());
                    let k = CacheKey {
                        partition: &part,
                        origin: &origin,
                        url: step["url"].as_str().unwrap(),
                    };
                    let include = field(step, check, "credentials_mode") == "include";
                    let method = field(step, check, "method").as_str().unwrap();
                    let mut hit = cache.method_match(now, k, include, method.as_bytes());
                    for h in field(step, check, "headers").as_array().unwrap() {
                        let h = h[0].as_str().or(h.as_str()).unwrap();
                        hit = hit && cache.header_match(now, k, include, h.as_bytes());
                    }
                    hit == step["expected"].as_bool().unwrap()
                }
                // Chromium's cache size counts one entry per (origin, URL, key, …).
                "count" => cache.group_count() as u64 == step["expected"].as_u64().unwrap(),
                "advance_seconds" => {
                    now += secs(step["seconds"].as_u64().unwrap());
                    true
                }
                other => panic!("{name}: unknown op {other}"),
            };
            if !ok {
                diverged.push((name.to_string(), i));
            }
        }
    }
    assert_eq!(vectors.len(), 5, "vector count");
    assert_eq!(steps_run, 47, "step count");
    let expected: Vec<(String, usize)> = CHROMIUM_DIVERGENCES
        .iter()
        .map(|&(n, i, _)| (n.to_string(), i))
        .collect();
    assert_eq!(
        diverged, expected,
        "steps that disagree with Chromium (expected divergences: {CHROMIUM_DIVERGENCES:#?})"
    );
}

#[test]
fn cache_is_send_and_sync() {
    fn check<T: Send + Sync>(_: &T) {}
    check(&PreflightCache::new(CacheConfig::default()));
    assert!(format!("{:?}", PreflightCache::new(CacheConfig::default())).contains("len: 0"));
}
