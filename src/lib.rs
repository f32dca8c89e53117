//! corsgate: what a browser decides for CORS and the same-origin policy, exact to the WHATWG
//! Fetch Standard, without I/O.
//!
//! The crate is deterministic and sans-I/O: it has no networking code, reads no clock and
//! spawns nothing. An embedder (an HTTP client, a headless browser, a crawler, a test tool) asks
//! what to send, sends it, hands back the response head, and is told what script may see — or
//! which rule failed and the exact header the server must send.
//!
//! # Design overview
//!
//! ```text
//!  FetchRequest ──► UserAgent::start ──► Fetch ──poll()──► Action::Send(Outgoing) ──► (caller's I/O)
//!                                          ▲                                              │
//!                                          ├──────── handle_response(ua, now, head) ◄─────┤
//!                                          └──── handle_network_failure(ua, failure) ◄────┘
//!                                   poll() ──► Action::Done(Ok(Response) | Err(Blocked))
//! ```
//!
//! [`UserAgent`] holds a [`Policy`] (the Fetch Standard, or Chromium, Firefox or WebKit where
//! they differ) and the preflight cache shared by its fetches. A [`Fetch`] never borrows it:
//! each call lends it. Leaves are pure functions over bytes: [`origin`], [`header`], [`method`],
//! [`mime`], [`range`], [`safelist`], [`forbidden`], [`guard`]; [`classify()`] decides one hop;
//! [`preflight`], [`check`], [`expose`] judge responses; [`cache`] remembers preflights;
//! [`redirect`] holds the redirect rules; [`fetch`] sequences them.
//!
//! # Example
//!
//! ```
//! use std::time::Instant;
//! use corsgate::{Action, FetchRequest, Policy, UserAgent};
//!
//! let mut ua = UserAgent::new(Policy::spec());
//! let request = FetchRequest::builder()
//!     .origin("https://app.example")
//!     .url("https://api.example/items")
//!     .method("PUT")
//!     .build()
//!     .unwrap();
//! let mut fetch = ua.start(Instant::now(), request).unwrap();
//!
//! // A PUT is not CORS-safelisted: the first thing to send is a preflight.
//! let Action::Send(out) = fetch.poll() else { unreachable!() };
//! assert_eq!(out.request.method(), http::Method::OPTIONS);
//! assert_eq!(out.request.headers()["access-control-request-method"], "PUT");
//!
//! // The server answers without Access-Control-Allow-Methods: the preflight fails.
//! let head = http::Response::builder()
//!     .status(204)
//!     .header("access-control-allow-origin", "https://app.example")
//!     .body(())
//!     .unwrap();
//! fetch.handle_response(&mut ua, Instant::now(), head).unwrap();
//! let Action::Done(Err(blocked)) = fetch.poll() else { unreachable!() };
//! assert!(blocked.to_string().contains("Access-Control-Allow-Methods: PUT"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod cache;
pub mod check;
pub mod classify;
pub mod corp;
pub mod error;
pub mod expose;
pub mod fetch;
pub mod forbidden;
pub mod guard;
mod hash;
pub mod header;
pub mod metadata;
pub mod method;
pub mod mime;
pub mod origin;
pub mod policy;
pub mod preflight;
pub mod range;
pub mod redirect;
pub mod replay;
pub mod request;
pub mod requirements;
pub mod safelist;
#[cfg(any(feature = "psl-data", test))]
#[cfg_attr(not(feature = "psl-data"), allow(dead_code))]
mod suffix_list;
pub mod time;
pub mod wire;

pub use cache::{CacheConfig, PreflightCache};
pub use classify::{classify, Branch, PreflightReasons};
pub use error::{Blocked, Exchange, FailureKind, Fix, NetworkError, NetworkFailure, Stage};
pub use expose::{FilteredResponse, ResponseType};
pub use fetch::{
    Action, DropReason, DroppedHeader, Event, Fetch, Outgoing, RequestError, RequestKind, Response,
    ResponseHead, StateKind, UsageError, UserAgent,
};
pub use origin::{Origin, OriginParseError};
pub use policy::Policy;
#[allow(deprecated)]
pub use request::Request;
pub use request::{
    BuildError, CredentialsMode, FetchRequest, Mode, PartitionKey, RedirectMode, RequestBuilder,
    ResponseTainting,
};
pub use time::Timestamp;
pub use wire::{WireHeaders, WireRequest};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
