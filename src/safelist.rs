//! STUB (owner: rules helper). Fetch §cors-safelisted-request-header and friends.
#![allow(missing_docs, unused)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub enum NotSafelisted { Stub }
pub fn check_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> Result<(), NotSafelisted> { todo!() }
pub fn is_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool { todo!() }
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool { todo!() }
pub fn cors_unsafe_request_header_names<'a, I: IntoIterator<Item = (&'a [u8], &'a [u8])>>(headers: I) -> Vec<String> {
    // TEMPORARY (response helper, local tests only; reverted).
    fn unsafe_byte(b: u8) -> bool { (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b) }
    fn ok(name: &[u8], value: &[u8]) -> bool {
        if value.len() > 128 { return false; }
        let n = name.to_ascii_lowercase();
        match &n[..] {
            b"accept" => !value.iter().any(|&b| unsafe_byte(b)),
            b"accept-language" | b"content-language" => value.iter().all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
            b"content-type" => {
                if value.iter().any(|&b| unsafe_byte(b)) { return false; }
                let ess = value.split(|&b| b == b';').next().unwrap_or(b"");
                let ess = crate::header::normalize(ess).to_ascii_lowercase();
                matches!(&ess[..], b"application/x-www-form-urlencoded" | b"multipart/form-data" | b"text/plain")
            }
            _ => false,
        }
    }
    let mut out: Vec<String> = headers.into_iter().filter(|(n, v)| !ok(n, v)).map(|(n, _)| String::from_utf8_lossy(n).to_ascii_lowercase()).collect();
    out.sort(); out.dedup(); out
}
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool { name.eq_ignore_ascii_case(b"authorization") }
pub fn is_privileged_no_cors_request_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_no_cors_safelisted_request_header_name(name: &[u8]) -> bool { todo!() }
pub fn is_no_cors_safelisted_request_header(name: &[u8], value: &[u8]) -> bool { todo!() }
pub fn is_cors_safelisted_response_header_name(name: &[u8]) -> bool { [&b"cache-control"[..], b"content-language", b"content-length", b"content-type", b"expires", b"last-modified", b"pragma"].iter().any(|n| n.eq_ignore_ascii_case(name)) }
