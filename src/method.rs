//! STUB (owner: rules helper). Fetch §methods.
#![allow(missing_docs, unused)]
use std::borrow::Cow;
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub enum MethodError { NotAToken, Forbidden }
pub fn is_cors_safelisted_method(m: &[u8]) -> bool { todo!() }
pub fn is_forbidden_method(m: &[u8]) -> bool { todo!() }
pub fn normalize(m: &[u8]) -> Cow<'_, [u8]> { todo!() }
pub fn parse_method(m: &[u8]) -> Result<http::Method, MethodError> { todo!() }
