//! Search indexes derived from the store: text (tantivy) and geography (rstar).
pub mod analysis;
