//! STUB (owner: rules helper). Fetch §forbidden-request-header and friends.
#![allow(missing_docs, unused)]
pub fn is_forbidden_request_header(name: &[u8], value: &[u8]) -> bool { todo!() }
pub fn is_forbidden_response_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_request_body_header_name(name: &[u8]) -> bool { todo!() }
