//! STUB (owner: origin helper). Origins: URL Standard §origin, HTML §origin.
#![allow(missing_docs, unused)]
use url::Url;

/// An origin: opaque, or a tuple (scheme, host, port, domain).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    Opaque(OpaqueOrigin),
    Tuple(TupleOrigin),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OpaqueOrigin(u64);
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TupleOrigin {
    scheme: String,
    host: url::Host<String>,
    port: Option<u16>,
    domain: Option<String>,
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub struct OriginHeaderError;

impl Origin {
    pub fn new_opaque() -> Origin {
        todo!()
    }
    pub fn of_url(url: &Url) -> Origin {
        todo!()
    }
    pub fn is_opaque(&self) -> bool {
        todo!()
    }
    pub fn serialize(&self) -> String {
        todo!()
    }
    pub fn parse_header(value: &[u8]) -> Result<Origin, OriginHeaderError> {
        todo!()
    }
    pub fn same_origin(&self, other: &Origin) -> bool {
        todo!()
    }
    pub fn same_origin_domain(&self, other: &Origin) -> bool {
        todo!()
    }
    pub fn same_site(&self, other: &Origin) -> bool {
        todo!()
    }
    pub fn schemelessly_same_site(&self, other: &Origin) -> bool {
        todo!()
    }
}
