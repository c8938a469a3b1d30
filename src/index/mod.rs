//! Search indexes derived from the store: text (tantivy) and geography (rstar). Not built yet.
