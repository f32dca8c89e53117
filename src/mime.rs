//! STUB (owner: rules helper). MIME Sniffing §parsing-a-mime-type.
#![allow(missing_docs, unused)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mime { type_: String, subtype: String, parameters: Vec<(String, String)> }
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub enum MimeError { Stub }
impl Mime {
    pub fn parse(bytes: &[u8]) -> Result<Mime, MimeError> { todo!() }
    pub fn essence(&self) -> String { todo!() }
}
