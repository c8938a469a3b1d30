//! The single integration-test binary: one module per area.

mod api;
mod common;
mod import;
mod model;
mod sirene;
mod smoke;
mod tidy;
