//! Matching buyer needs to suppliers: pure ranking and explanations. Not built yet.
