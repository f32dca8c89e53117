//! corsgate's CORS machine driving real HTTP clients: what a browser would send and let script
//! read, enforced on requests your program makes.
//!
//! Each adapter configures its client itself (no redirect following: the machine decides; every
//! status a response), sends the preflight the machine asks for, sends the request body only with
//! the actual request, retries once on a new connection when a reused keep-alive connection dies
//! before any response byte (as browsers do), and tells the machine about transport failures.
//! The response handed back carries only the headers script could read, and a [`CorsResponse`]
//! extension with the filtered response (type, URL list, whether the preflight came from the
//! cache).
//!
//! - `ureq` feature: [`ureq::Client`] (blocking).
//! - `reqwest` feature: [`reqwest::Client`] (async).
//! - `tower` feature: [`tower::CorsLayer`] over any `Service<http::Request<B>>`.
//!
//! All of them share one [`SharedUserAgent`] (one policy, one preflight cache) across requests,
//! threads and tasks: clone it into each client. Both driver loops ([`drive_blocking`],
//! [`drive_async`]) are public, for a client without an adapter.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod driver;
mod error;

#[cfg(feature = "reqwest")]
pub mod reqwest;
#[cfg(feature = "tower")]
pub mod tower;
#[cfg(feature = "ureq")]
pub mod ureq;

use std::sync::{Arc, Mutex, MutexGuard};

use corsgate::{Policy, UserAgent};

pub use driver::{
    classify_error, drive_async, drive_blocking, drive_blocking_observed, fetch_request, Attempt,
    CorsResponse, Done, Exchanged, FetchOptions, Observed,
};
pub use error::{Error, UsageError};

/// One [`UserAgent`] (policy and preflight cache) shared by every clone: clone it into each
/// client, thread or task, and a preflight one of them made serves the others. The lock is held
/// only around the machine's calls, never while a request is on the wire.
#[derive(Debug, Clone)]
pub struct SharedUserAgent {
    inner: Arc<Mutex<UserAgent>>,
}

impl SharedUserAgent {
    /// A user agent with this policy and an empty cache.
    pub fn new(policy: Policy) -> SharedUserAgent {
        SharedUserAgent::from(UserAgent::new(policy))
    }

    /// Runs `f` with the user agent locked (e.g. to read or clear the cache).
    pub fn with<R>(&self, f: impl FnOnce(&mut UserAgent) -> R) -> R {
        f(&mut self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, UserAgent> {
        // A panic elsewhere while locked leaves the agent consistent (each machine call is
        // complete or not made), so a poisoned lock is used as it is.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl From<UserAgent> for SharedUserAgent {
    fn from(ua: UserAgent) -> SharedUserAgent {
        SharedUserAgent {
            inner: Arc::new(Mutex::new(ua)),
        }
    }
}
