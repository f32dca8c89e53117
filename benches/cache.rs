//! Preflight-cache lookups (Fetch §concept-cache-match-method) at 10, 10³, 10⁴ and 10⁶ entries:
//! our `PreflightCache` against (a) the floor, a bare `std::collections::HashMap` lookup of a key
//! holding the same bytes (partition, origin, URL, credentials, method), and (b) a linear-scan
//! `Vec` cache, the design of caches that keep a list of entries and walk it. Each entry has its
//! own (origin, URL), the layout that costs a lookup the most. Lookups go to random entries (hits)
//! or to URLs never stored (misses). Targets: hit ≤ 1×, miss ≤ 1.5× the floor.

mod common;

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{group, summary, Recorder};
use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
use corsgate::request::PartitionKey;
use criterion::Criterion;

const ORIGIN: &str = "https://app.example";
const SIZES: [(usize, &str); 4] = [
    (10, "10"),
    (1_000, "1e3"),
    (10_000, "1e4"),
    (1_000_000, "1e6"),
];

fn url(i: usize) -> String {
    format!("https://api.example/v1/items/{i}")
}

fn missing_url(i: usize) -> String {
    format!("https://api.example/v1/missing/{i}")
}

/// The floor's key: every byte of the standard's cache-entry key, in one string.
fn floor_key(partition: &[u8], url: &str, include: bool, method: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(partition.len() + ORIGIN.len() + url.len() + method.len() + 4);
    k.extend_from_slice(partition);
    k.push(0);
    k.extend_from_slice(ORIGIN.as_bytes());
    k.push(0);
    k.extend_from_slice(url.as_bytes());
    k.push(0);
    k.push(u8::from(include));
    k.extend_from_slice(method);
    k
}

/// The baseline design: a list of the standard's cache entries, scanned on every lookup.
struct ListEntry {
    partition: Vec<u8>,
    origin: Vec<u8>,
    url: String,
    credentials: bool,
    method: Vec<u8>,
    expiry: Instant,
}

fn list_match(
    list: &[ListEntry],
    now: Instant,
    partition: &[u8],
    url: &str,
    include: bool,
    method: &[u8],
) -> bool {
    list.iter().any(|e| {
        e.url == url
            && e.origin == ORIGIN.as_bytes()
            && e.partition == partition
            && (e.credentials || !include)
            && (e.method == method || e.method == b"*")
            && now < e.expiry
    })
}

/// A small deterministic generator (xorshift), so lookups are spread over the whole cache.
fn indices(n: usize, count: usize) -> Vec<usize> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..count)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let rec = Recorder::default();
    let now = Instant::now();
    let age = Duration::from_secs(3600);
    let partition = PartitionKey::default();
    let mut rows = Vec::new();
    for (n, label) in SIZES {
        let urls: Vec<String> = (0..n).map(url).collect();
        let misses: Vec<String> = (0..4096).map(missing_url).collect();
        let mut cache = PreflightCache::new(CacheConfig {
            max_entries: n,
            max_bytes: usize::MAX,
        });
        let mut floor: HashMap<Vec<u8>, Instant> = HashMap::with_capacity(n);
        let mut list: Vec<ListEntry> = Vec::with_capacity(n);
        for u in &urls {
            let key = CacheKey {
                partition: &partition,
                origin: ORIGIN.as_bytes(),
                url: u,
            };
            cache.insert_method(now, key, false, b"PUT", age);
            floor.insert(floor_key(partition.as_bytes(), u, false, b"PUT"), now + age);
            list.push(ListEntry {
                partition: partition.as_bytes().to_vec(),
                origin: ORIGIN.as_bytes().to_vec(),
                url: u.clone(),
                credentials: false,
                method: b"PUT".to_vec(),
                expiry: now + age,
            });
        }
        assert_eq!(cache.len(), n);
        // Precomputed lookup keys: the floor gets its whole key for free.
        let order = indices(n, 1 << 16);
        let hit_keys: Vec<Vec<u8>> = order
            .iter()
            .map(|&i| floor_key(partition.as_bytes(), &urls[i], false, b"PUT"))
            .collect();
        let miss_keys: Vec<Vec<u8>> = misses
            .iter()
            .map(|u| floor_key(partition.as_bytes(), u, false, b"PUT"))
            .collect();
        let mask = order.len() - 1;
        // Lookups happen after the inserts, each at another instant than the one before (as
        // one lookup per decision would): the cache's memo of its last time conversion never
        // answers, so every lookup of ours converts its instant.
        let times = [
            now + Duration::from_millis(1),
            now + Duration::from_millis(2),
        ];

        for kind in ["hit", "miss"] {
            let name = format!("cache_{kind}/{label}");
            let mut g = group(c, &name);
            if n >= 10_000 {
                g.sample_size(10);
            }
            let hit = kind == "hit";
            let pick = |j: usize| -> &str {
                if hit {
                    &urls[order[j & mask]]
                } else {
                    &misses[j & 4095]
                }
            };
            let mut j = 0usize;
            rec.bench(&mut g, "ours", || {
                j = j.wrapping_add(1);
                let key = CacheKey {
                    partition: &partition,
                    origin: ORIGIN.as_bytes(),
                    url: pick(j),
                };
                let found = cache.method_match(times[j & 1], key, false, b"PUT");
                debug_assert_eq!(found, hit);
                black_box(found);
            });
            let mut j = 0usize;
            rec.bench(&mut g, "floor", || {
                j = j.wrapping_add(1);
                let k = if hit {
                    &hit_keys[j & mask]
                } else {
                    &miss_keys[j & 4095]
                };
                let t = times[j & 1];
                black_box(floor.get(k.as_slice()).is_some_and(|&e| t < e));
            });
            let mut j = 0usize;
            rec.bench(&mut g, "linear", || {
                j = j.wrapping_add(1);
                black_box(list_match(
                    &list,
                    times[j & 1],
                    partition.as_bytes(),
                    pick(j),
                    false,
                    b"PUT",
                ));
            });
            g.inner.finish();
            rows.push(name);
        }
    }
    println!();
    for name in rows {
        let ours = rec.median(&format!("{name}/ours"));
        let target = Some(if name.starts_with("cache_hit") {
            1.0
        } else {
            1.5
        });
        summary(
            &name,
            ours,
            "floor",
            rec.median(&format!("{name}/floor")),
            target,
        );
        summary(
            &name,
            ours,
            "linear-scan list",
            rec.median(&format!("{name}/linear")),
            None,
        );
    }
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
