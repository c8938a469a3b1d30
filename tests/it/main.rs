//! The single integration-test binary.

mod api;
mod smoke;
