//! STUB (owner: response helper). Fetch §cors-preflight-fetch.
#![allow(missing_docs, unused)]
