//! Matching buyer needs to suppliers: query construction, code evidence, score blend,
//! French explanations and warnings, and quality metrics.
//!
//! **Invariant:** pure — no IO, no async. The orchestration that runs the search index lives
//! outside this module; here are only functions of values.

pub mod codes;
pub mod eval;
pub mod text;
