//! corsgate: what a browser decides for CORS and the same-origin policy, without I/O.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

pub mod cache;
pub mod check;
pub mod classify;
pub mod error;
pub mod expose;
pub mod fetch;
pub mod forbidden;
pub mod guard;
pub mod header;
pub mod method;
pub mod mime;
pub mod origin;
pub mod policy;
pub mod preflight;
pub mod range;
pub mod redirect;
pub mod replay;
pub mod request;
pub mod safelist;
