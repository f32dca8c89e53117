//! STUB (owner: rules helper). The `request-no-cors` Headers guard.
#![allow(missing_docs, unused)]
