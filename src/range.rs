//! STUB (owner: rules helper). Fetch §simple-range-header-value.
#![allow(missing_docs, unused)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stub")]
pub enum RangeError { Stub }
pub fn parse_single_range(value: &[u8], allow_whitespace: bool) -> Result<(Option<u64>, Option<u64>), RangeError> { todo!() }
