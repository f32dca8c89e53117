//! STUB (owner: rules helper). Fetch §cors-safelisted-request-header and friends.
#![allow(missing_docs, unused)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub enum NotSafelisted { Stub }
pub fn check_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> Result<(), NotSafelisted> { todo!() }
pub fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool { todo!() }
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool { todo!() }
pub fn cors_unsafe_request_header_names<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(headers: I) -> Vec<String> { todo!() }
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_no_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool { todo!() }
pub fn is_cors_safelisted_response_header_name(name: &[u8]) -> bool { todo!() }
