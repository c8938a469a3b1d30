//! The single integration-test binary: one module per area.

mod api;
mod common;
mod import;
mod model;
mod smoke;
mod tidy;
