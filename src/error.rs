//! STUB (owner: response helper). The error enums.
#![allow(missing_docs, unused)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkError {
    #[error("stub")]
    Stub,
}
