//! The single integration-test binary.
mod sirene;
