//! The single integration-test binary: one module per area.

mod api;
mod common;
mod import;
mod model;
mod search;
mod sirene;
mod smoke;
mod tidy;
