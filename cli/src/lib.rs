//! The `corsgate` command's library: JSON for scenarios, and the commands themselves.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod scenario;
