//! STUB (owner: response helper). Fetch §concept-filtered-response.
#![allow(missing_docs, unused)]
use crate::request::{CredentialsMode, ResponseTainting};
use http::HeaderMap;
pub fn visible_header_names(
    headers: &HeaderMap,
    tainting: ResponseTainting,
    credentials: CredentialsMode,
) -> Vec<String> {
    todo!()
}
