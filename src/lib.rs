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

/// The allocator of every program built on essor (the server, the CLI, tests, benches).
/// Searches allocate and free many short-lived buffers on several threads; with glibc's
/// malloc about 8% of a search went to its bookkeeping (consolidation, chunk unlinking) and
/// to faulting in fresh pages for larger buffers (see the search benchmark).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod api;
pub mod cli;
pub mod import;
pub mod index;
pub mod matching;
pub mod scheduling;
pub mod synth;
pub mod web;
