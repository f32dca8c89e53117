//! STUB (owner: cache helper). Fetch §cors-preflight-cache.
#![allow(missing_docs, unused)]
use crate::request::PartitionKey;
use std::time::{Duration, Instant};
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    pub max_entries: usize,
    pub max_bytes: usize,
}
#[derive(Debug, Clone, Copy)]
pub struct CacheKey<'a> {
    pub partition: &'a PartitionKey,
    pub origin: &'a [u8],
    pub url: &'a str,
}
#[derive(Debug)]
pub struct PreflightCache;
impl PreflightCache {
    pub fn new(config: CacheConfig) -> Self {
        todo!()
    }
    pub fn insert_method(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        method: &[u8],
        max_age: Duration,
    ) {
        todo!()
    }
    pub fn insert_header(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
        max_age: Duration,
    ) {
        todo!()
    }
    pub fn method_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        method: &[u8],
    ) -> bool {
        todo!()
    }
    pub fn header_match(
        &mut self,
        now: Instant,
        key: CacheKey<'_>,
        include: bool,
        name: &[u8],
    ) -> bool {
        todo!()
    }
    pub fn clear(&mut self, key: CacheKey<'_>) {
        todo!()
    }
    pub fn len(&self) -> usize {
        todo!()
    }
    pub fn is_empty(&self) -> bool {
        todo!()
    }
    pub fn bytes(&self) -> usize {
        todo!()
    }
}
