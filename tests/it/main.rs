//! The single integration-test binary.
mod fixtures;
