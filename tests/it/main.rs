//! The single integration-test binary: one module per area.

mod common;
mod import;
mod model;
mod sirene;
mod tidy;
