//! STUB (owner: response helper). Fetch §concept-cors-check.
#![allow(missing_docs, unused)]
use crate::error::NetworkError;
use crate::request::CredentialsMode;
use http::HeaderMap;
pub fn cors_check(
    headers: &HeaderMap,
    origin: &[u8],
    credentials: CredentialsMode,
) -> Result<(), NetworkError> {
    todo!()
}
