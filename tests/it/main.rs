//! The single integration-test binary.
mod scheduling;
