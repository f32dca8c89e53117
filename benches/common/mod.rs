//! What the benchmarks share: criterion settings, a recorder that keeps criterion's own per-sample
//! timings so that a bench can print its figure beside a baseline measured in the same run, and
//! the one-line summary format (`name: ours ns, baseline ns, ratio r`).
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};

/// Short but stable settings: these benches compare figures within one run, on a busy machine.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(SAMPLES)
        .configure_from_args()
}

/// Sample size of every group unless [`Group::sample_size`] changes it.
pub const SAMPLES: usize = 30;

/// Per-iteration times (ns) of every sample criterion took, by benchmark id (warm-up calls
/// included; [`Recorder::median`] keeps only the measurement samples, which come last).
#[derive(Default)]
pub struct Recorder {
    samples: RefCell<HashMap<String, Vec<f64>>>,
    sizes: RefCell<HashMap<String, usize>>,
}

impl Recorder {
    /// Benchmarks `routine` as `group/id` through criterion's `iter_custom`, keeping each
    /// sample's time per iteration.
    pub fn bench<F: FnMut()>(&self, group: &mut Group<'_>, id: &str, mut routine: F) {
        let key = format!("{}/{id}", group.name);
        self.sizes.borrow_mut().insert(key.clone(), group.samples);
        group
            .inner
            .bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    for _ in 0..iters {
                        routine();
                    }
                    let elapsed = start.elapsed();
                    self.samples
                        .borrow_mut()
                        .entry(key.clone())
                        .or_default()
                        .push(elapsed.as_nanos() as f64 / iters.max(1) as f64);
                    elapsed
                })
            });
    }

    /// Like [`Recorder::bench`] for a routine that needs a fresh input each time: `setup` builds
    /// inputs in untimed batches of up to 1024.
    pub fn bench_batched<I, S, F>(
        &self,
        group: &mut Group<'_>,
        id: &str,
        mut setup: S,
        mut routine: F,
    ) where
        S: FnMut() -> I,
        F: FnMut(I),
    {
        let key = format!("{}/{id}", group.name);
        self.sizes.borrow_mut().insert(key.clone(), group.samples);
        group
            .inner
            .bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter_custom(|iters| {
                    let mut elapsed = Duration::ZERO;
                    let mut left = iters;
                    while left > 0 {
                        let n = left.min(1024);
                        let inputs: Vec<I> = (0..n).map(|_| setup()).collect();
                        let start = Instant::now();
                        for input in inputs {
                            routine(input);
                        }
                        elapsed += start.elapsed();
                        left -= n;
                    }
                    self.samples
                        .borrow_mut()
                        .entry(key.clone())
                        .or_default()
                        .push(elapsed.as_nanos() as f64 / iters.max(1) as f64);
                    elapsed
                })
            });
    }

    /// The median time per iteration of `group/id` over its measurement samples (the last
    /// sample-size ones: criterion's warm-up calls come first), in ns; NaN when it did not run
    /// (e.g. filtered out on the command line).
    pub fn median(&self, key: &str) -> f64 {
        let samples = self.samples.borrow();
        let Some(v) = samples.get(key) else {
            return f64::NAN;
        };
        let n = self.sizes.borrow().get(key).copied().unwrap_or(SAMPLES);
        let mut v = v[v.len().saturating_sub(n)..].to_vec();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }
}

/// A criterion group and its name (the recorder's key prefix).
pub struct Group<'a> {
    /// The group's name.
    pub name: String,
    /// Its sample size.
    samples: usize,
    /// The criterion group.
    pub inner: BenchmarkGroup<'a, WallTime>,
}

/// Starts a criterion group named `name`.
pub fn group<'a>(c: &'a mut Criterion, name: &str) -> Group<'a> {
    Group {
        name: name.to_owned(),
        samples: SAMPLES,
        inner: c.benchmark_group(name),
    }
}

impl Group<'_> {
    /// Sets the group's sample size (criterion's and the recorder's).
    pub fn sample_size(&mut self, n: usize) {
        self.samples = n;
        self.inner.sample_size(n);
    }
}

/// Formats nanoseconds with a sensible precision.
pub fn ns(v: f64) -> String {
    if v.is_nan() {
        "n/a".to_owned()
    } else if v >= 1_000_000.0 {
        format!("{:.2} ms", v / 1_000_000.0)
    } else if v >= 10_000.0 {
        format!("{:.1} µs", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0} ns")
    } else {
        format!("{v:.1} ns")
    }
}

/// Prints the one-line summary `summary NAME: OURS, LABEL BASE, ratio R (target ≤ T)`.
pub fn summary(name: &str, ours: f64, label: &str, base: f64, target: Option<f64>) {
    let ratio = ours / base;
    let verdict = match target {
        Some(t) if ratio <= t => format!(" (target ≤ {t}: met)"),
        Some(t) => format!(" (target ≤ {t}: MISSED)"),
        None => String::new(),
    };
    println!(
        "summary {name}: {}, {label} {}, ratio {ratio:.2}{verdict}",
        ns(ours),
        ns(base)
    );
}
