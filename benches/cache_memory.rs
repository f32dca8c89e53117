//! Preflight-cache memory per entry, counted by a global allocator in this bench binary, against
//! the bytes of each entry's key and value as the standard defines a cache entry (Fetch
//! §concept-cache: network partition key, byte-serialized origin, URL, credentials, method or
//! header name; value: its max-age, stored as an `Instant` expiry). Target: ≤ 1.5×.
//!
//! Three layouts: one entry per (origin, URL) (a preflight that allowed one method), four
//! (a method and three header names, a typical preflight result), and sixteen.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache};
use corsgate::request::PartitionKey;

/// Counts live heap bytes (requested sizes, so allocator slack is not counted).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call forwards to the system allocator with the caller's layout and pointer,
// unchanged; the counter has no effect on allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is (see above).
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is (see above).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as is (see above).
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const ORIGIN: &str = "https://app.example";
const HEADERS: [&str; 15] = [
    "content-type",
    "authorization",
    "x-request-id",
    "x-client-version",
    "x-csrf-token",
    "x-api-key",
    "x-b3-traceid",
    "x-requested-with",
    "if-match",
    "x-amz-date",
    "x-goog-api-client",
    "x-custom-a",
    "x-custom-b",
    "x-custom-c",
    "x-custom-d",
];

/// (entries per (origin, URL), number of (origin, URL) groups).
const LAYOUTS: [(usize, usize); 3] = [(1, 100_000), (4, 25_000), (16, 6_250)];

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here: always run.
    let partition = PartitionKey::new("https://app.example");
    let now = Instant::now();
    let age = Duration::from_secs(600);
    let value_bytes = std::mem::size_of::<Instant>();
    println!("cache memory (live heap bytes from a counting allocator; value = {value_bytes}-byte Instant expiry)");
    for (per_group, groups) in LAYOUTS {
        let urls: Vec<String> = (0..groups)
            .map(|i| format!("https://api.example.com/v1/items/{i}?fields=name,price"))
            .collect();
        let before = LIVE.load(Ordering::Relaxed);
        let mut cache = PreflightCache::new(CacheConfig {
            max_entries: usize::MAX,
            max_bytes: usize::MAX,
        });
        let mut key_value = 0usize;
        for u in &urls {
            let key = CacheKey {
                partition: &partition,
                origin: ORIGIN.as_bytes(),
                url: u,
            };
            let common = partition.as_bytes().len() + ORIGIN.len() + u.len() + 1 + value_bytes;
            cache.insert_method(now, key, true, b"PUT", age);
            key_value += common + 3;
            for h in HEADERS.iter().take(per_group - 1) {
                cache.insert_header(now, key, true, h.as_bytes(), age);
                key_value += common + h.len();
            }
        }
        let used = LIVE.load(Ordering::Relaxed) - before;
        let n = cache.len();
        assert_eq!(n, per_group * groups);
        let ours = used as f64 / n as f64;
        let raw = key_value as f64 / n as f64;
        let ratio = ours / raw;
        let verdict = if ratio <= 1.5 { "met" } else { "MISSED" };
        println!(
            "summary cache_memory/{per_group}_per_url: {ours:.0} B/entry, key+value {raw:.0} B/entry, ratio {ratio:.2} (target ≤ 1.5: {verdict}); accounted bytes() {:.0} B/entry",
            cache.bytes() as f64 / n as f64
        );
        drop(cache);
    }
}
