//! Synthetic data generators (suppliers, needs, SIRENE files). Not built yet.
pub mod sirene;
