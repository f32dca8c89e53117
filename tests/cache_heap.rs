//! The preflight cache's byte bound is a bound on the heap it really holds (issue: the accounting
//! counted lengths, and real use went ~12 % over `max_bytes`). A counting allocator (this test
//! binary's global allocator, counting this thread's allocations at their requested sizes) is held
//! against `PreflightCache::heap_bytes` (equal) and against `max_bytes` + `HEAP_SLACK` (at most)
//! after every operation, through growth, eviction, mass removal and refill.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use corsgate::cache::{CacheConfig, CacheKey, PreflightCache, HEAP_SLACK};
use corsgate::request::PartitionKey;

struct Counting;

thread_local! {
    /// Live bytes allocated by this thread (requested sizes).
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(n: isize) {
    let _ = LIVE.try_with(|c| c.set(c.get() + n));
}

fn live() -> isize {
    LIVE.with(Cell::get)
}

// SAFETY: every call forwards to the system allocator with the caller's layout and pointer,
// unchanged; the counter has no effect on allocation.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        // SAFETY: forwarded as is (see above).
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        // SAFETY: forwarded as is (see above).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        // SAFETY: forwarded as is (see above).
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn heap_use_stays_within_max_bytes_plus_a_constant() {
    let t0 = Instant::now();
    let partition = PartitionKey::new("https://top.example");
    let mut checked = 0usize;
    for (max_entries, max_bytes) in [
        (usize::MAX, 64 << 10),
        (4096, 4 << 20),
        (100, usize::MAX),
        (usize::MAX, 1 << 20),
    ] {
        // What the cache holds: the live bytes allocated during its calls (the test's own
        // strings are made outside them).
        let mut held: isize = 0;
        let mut cache = PreflightCache::new(CacheConfig {
            max_entries,
            max_bytes,
        });
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut url = String::new();
        let long_name = vec![b'x'; 3000];
        for step in 0..40_000u64 {
            let now = t0 + Duration::from_millis(step);
            // Phases: many small entries; then long URLs and names that evict them by the
            // hundred; then clears and purges that empty the cache; then small ones again.
            let phase = (step / 5_000) % 4;
            url.clear();
            url.push_str("https://api.example/v1/");
            if phase == 1 {
                url.push_str(&"p".repeat(2000));
            }
            url.push_str(&rng.next(if phase == 2 { 50 } else { 20_000 }).to_string());
            let key = CacheKey {
                partition: &partition,
                origin: b"https://app.example",
                url: &url,
            };
            let pick = rng.next(8);
            let name = format!("x-h-{}", rng.next(8));
            let before = live();
            match (phase, pick) {
                (2, 0..=3) => cache.clear(key),
                (2, 4) => {
                    cache.purge_expired(now + Duration::from_secs(3600));
                }
                (1, 0) => cache.insert_header(now, key, false, &long_name, Duration::from_secs(30)),
                (_, 0..=3) => {
                    cache.insert_method(now, key, step % 3 == 0, b"PUT", Duration::from_secs(30))
                }
                (_, 4..=6) => {
                    cache.insert_header(now, key, false, name.as_bytes(), Duration::from_secs(30));
                }
                _ => {
                    cache.method_match(now, key, false, b"PUT");
                }
            }
            held += live() - before;
            let held = held as usize;
            assert_eq!(
                held,
                cache.heap_bytes(),
                "step {step}: allocator vs heap_bytes()"
            );
            assert!(
                held <= cache.bytes() + HEAP_SLACK,
                "step {step}: {held} held, {} accounted, {} entries",
                cache.bytes(),
                cache.len()
            );
            assert!(cache.bytes() <= max_bytes && cache.len() <= max_entries);
            checked += 1;
        }
        let before = live();
        drop(cache);
        assert_eq!(held + live() - before, 0, "everything freed");
    }
    assert_eq!(checked, 160_000);
}
