//! The single integration-test binary.
mod search;
