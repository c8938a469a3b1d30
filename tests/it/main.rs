//! The single integration-test binary: one module per area.

mod api;
mod common;
mod events;
mod fixtures;
mod import;
mod matching;
mod model;
mod scheduling;
mod search;
mod sirene;
mod smoke;
mod tidy;
mod web;
