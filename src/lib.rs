//! essor: search, matching and meeting scheduling for responsible public purchasing from the
//! French social and solidarity economy (SSE).
//!
//! The library holds all the logic; `main.rs` only parses the command line. See
//! `ARCHITECTURE.md` for the map of modules and how data flows through them.

pub mod engine;
pub mod error;
pub mod events;
pub mod model;
pub mod normalize;
pub mod referential;
pub mod store;
pub mod util;

pub use error::{Error, ErrorCode, FieldError, Result};

pub mod api;
pub mod cli;
pub mod import;
pub mod index;
pub mod matching;
pub mod scheduling;
pub mod synth;
pub mod web;
