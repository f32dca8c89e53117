//! The caller's clock: the type of every `now` argument.
//!
//! The core never reads a clock (every instant is an argument), so the only thing it needs of
//! time is a monotonic reading it can compare and add a [`Duration`] to (a preflight cache entry's
//! expiry, Fetch §cors-preflight-cache). Where the standard library has a clock, [`Instant`] is
//! [`std::time::Instant`]. On `wasm32-unknown-unknown` it has none (`std::time::Instant::now`
//! panics there and no other constructor exists), so there [`Instant`] is [`Timestamp`]: a reading
//! the caller builds from its own clock (`performance.now()` in JavaScript), as the duration since
//! an origin it chose.

use std::ops::{Add, AddAssign, Sub};
use std::time::Duration;

/// The type of every `now` argument: [`std::time::Instant`] where the standard library has a
/// clock, [`Timestamp`] on `wasm32-unknown-unknown`.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub type Instant = std::time::Instant;

/// The type of every `now` argument: [`std::time::Instant`] where the standard library has a
/// clock, [`Timestamp`] on `wasm32-unknown-unknown`.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub type Instant = Timestamp;

/// A reading of a monotonic clock the caller owns, as the time elapsed since an origin the
/// caller chose (for a JavaScript host, `performance.now()` milliseconds). It has the part of
/// [`std::time::Instant`]'s API the core uses, and unlike it can be built without a system clock.
///
/// ```
/// use std::time::Duration;
/// use corsgate::time::Timestamp;
///
/// let t0 = Timestamp::from_millis(1_000.0);
/// let t1 = t0 + Duration::from_secs(5);
/// assert_eq!(t1.duration_since(t0), Duration::from_secs(5));
/// assert_eq!(t0.saturating_duration_since(t1), Duration::ZERO);
/// assert_eq!(Timestamp::from_millis(f64::NAN), Timestamp::ORIGIN);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(Duration);

impl Timestamp {
    /// The clock's origin (zero elapsed).
    pub const ORIGIN: Timestamp = Timestamp(Duration::ZERO);

    /// The reading `elapsed` after the clock's origin.
    pub const fn from_elapsed(elapsed: Duration) -> Self {
        Timestamp(elapsed)
    }

    /// The reading `ms` milliseconds after the clock's origin, as JavaScript clocks give it. A
    /// negative or NaN value is the origin; a value past [`Duration::MAX`] saturates to it.
    pub fn from_millis(ms: f64) -> Self {
        if ms.is_nan() || ms <= 0.0 {
            return Self::ORIGIN;
        }
        Timestamp(Duration::try_from_secs_f64(ms / 1000.0).unwrap_or(Duration::MAX))
    }

    /// The time elapsed since the clock's origin.
    pub const fn elapsed_since_origin(self) -> Duration {
        self.0
    }

    /// `self + d`, or `None` past the latest representable reading.
    pub fn checked_add(&self, d: Duration) -> Option<Timestamp> {
        self.0.checked_add(d).map(Timestamp)
    }

    /// `self - d`, or `None` before the origin.
    pub fn checked_sub(&self, d: Duration) -> Option<Timestamp> {
        self.0.checked_sub(d).map(Timestamp)
    }

    /// The time from `earlier` to `self`, zero when `earlier` is later.
    pub fn saturating_duration_since(&self, earlier: Timestamp) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// The time from `earlier` to `self`, zero when `earlier` is later (as
    /// [`std::time::Instant::duration_since`] does since Rust 1.60).
    pub fn duration_since(&self, earlier: Timestamp) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;

    /// # Panics
    ///
    /// Past the latest representable reading, as [`std::time::Instant`]'s `+` does; the core
    /// itself only adds with [`Timestamp::checked_add`].
    fn add(self, d: Duration) -> Timestamp {
        self.checked_add(d)
            .expect("overflow when adding a duration to a Timestamp")
    }
}

impl AddAssign<Duration> for Timestamp {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Timestamp> for Timestamp {
    type Output = Duration;

    fn sub(self, earlier: Timestamp) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_map_to_durations_and_bad_readings_to_the_origin() {
        assert_eq!(
            Timestamp::from_millis(1500.0).elapsed_since_origin(),
            Duration::from_millis(1500)
        );
        assert_eq!(
            Timestamp::from_millis(0.25).elapsed_since_origin(),
            Duration::from_micros(250)
        );
        for bad in [-1.0, f64::NAN, f64::NEG_INFINITY, -0.0] {
            assert_eq!(Timestamp::from_millis(bad), Timestamp::ORIGIN, "{bad}");
        }
        assert_eq!(
            Timestamp::from_millis(f64::INFINITY).elapsed_since_origin(),
            Duration::MAX
        );
        assert_eq!(
            Timestamp::from_millis(1e300).elapsed_since_origin(),
            Duration::MAX
        );
    }

    #[test]
    fn arithmetic_is_checked_and_ordered() {
        let t = Timestamp::from_elapsed(Duration::from_secs(10));
        assert!(t < t + Duration::from_nanos(1));
        assert_eq!(
            t.checked_sub(Duration::from_secs(4)),
            Some(Timestamp::from_elapsed(Duration::from_secs(6)))
        );
        assert_eq!(t.checked_sub(Duration::from_secs(11)), None);
        assert_eq!(
            Timestamp::from_elapsed(Duration::MAX).checked_add(Duration::from_nanos(1)),
            None
        );
        let mut u = t;
        u += Duration::from_millis(50);
        assert_eq!(u - t, Duration::from_millis(50));
        assert_eq!(t - u, Duration::ZERO);
    }
}
