//! Synthetic data: realistic French SSE suppliers, public buyers' needs written in buyers'
//! own words, and the ground truth that says which suppliers are right for each need.
//!
//! Used by the demo (`fixtures/demo/`), tests, benchmarks (10k to 2.8M suppliers) and the
//! matching-quality evaluation. Everything is deterministic: the same seed gives the same
//! values, byte for byte, through our own `util::Rng` (never a dependency's generator, never
//! the clock, never a `HashMap` iteration order). "Now" is [`REFERENCE_UNIX_S`]
//! (2026-03-01T00:00:00Z): `updated_at` stamps spread over the three years before it.
//!
//! - [`generate_suppliers`] / [`supplier_stream`]: suppliers, lazily for large sizes.
//! - [`generate_needs`]: needs plus ground truth ([`truth::NeedTruth`]).
//! - [`truth`]: the contract's hard rules computed exactly, and the relevance grades (read
//!   its module documentation for the definition).
//! - [`catalog`]: the thirty trades, their codes and both vocabularies.
//! - [`fresh`]: a held-out buyer wording of every trade, for an evaluation nobody tuned on.
//! - [`sirene`]: a separate generator of SIRENE-format stock files, for the importer.
//!
//! What this module does not do: IO for suppliers and needs (the `essor fixtures` command
//! writes the files).

pub mod buyers;
pub mod catalog;
pub mod fresh;
pub mod needs;
pub mod places;
pub mod sirene;
pub mod stats;
pub mod structures;
pub mod suppliers;
pub mod text;
pub mod truth;

use crate::model::supplier::Supplier;

pub use needs::{
    Fact, NeedSet, Style, TruthBase, Wording, generate_needs_from, generate_needs_worded,
};
pub use suppliers::{SupplierStream, ZoneKind, generate_supplier};
pub use truth::{HardRules, NeedTruth, Violation};

/// Options of the supplier generator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SupplierOptions {
    /// Region code (`76` = Occitanie) towards which communes are weighted.
    pub region: Option<String>,
    /// Share of suppliers drawn from `region` only (the rest from all of France, where the
    /// region also gets its population share). Ignored without `region`.
    pub region_share: f64,
}

impl SupplierOptions {
    /// Weighted towards one region.
    pub fn weighted_towards(region: &str, share: f64) -> SupplierOptions {
        SupplierOptions {
            region: Some(region.to_string()),
            region_share: share,
        }
    }
}

/// `n` suppliers of `seed`, communes drawn from all of France by population.
pub fn generate_suppliers(seed: u64, n: usize) -> Vec<Supplier> {
    supplier_stream(seed, n, &SupplierOptions::default()).collect()
}

/// `n` suppliers of `seed` with options.
pub fn generate_suppliers_with(seed: u64, n: usize, opts: &SupplierOptions) -> Vec<Supplier> {
    supplier_stream(seed, n, opts).collect()
}

/// The same suppliers as [`generate_suppliers_with`], one at a time (constant memory).
pub fn supplier_stream(seed: u64, n: usize, opts: &SupplierOptions) -> SupplierStream {
    SupplierStream::new(seed, n, opts.clone())
}

/// `m` needs of `seed` against `suppliers`, with their ground truth (same order).
pub fn generate_needs(seed: u64, m: usize, suppliers: &[Supplier]) -> NeedSet {
    generate_needs_with(seed, m, suppliers, Wording::Catalog)
}

/// [`generate_needs`] worded from the catalogue's buyer tables or the held-out ones.
pub fn generate_needs_with(
    seed: u64,
    m: usize,
    suppliers: &[Supplier],
    wording: Wording,
) -> NeedSet {
    generate_needs_worded(seed, m, &TruthBase::from_suppliers(suppliers), wording)
}

/// The reference "now" of generated data: 2026-03-01T00:00:00Z, in Unix seconds.
pub const REFERENCE_UNIX_S: u64 = days_from_civil(2026, 3, 1) as u64 * 86_400;

/// A seed for item `index` of stream `stream` (SplitMix64 finaliser over the three).
pub fn sub_seed(seed: u64, stream: u64, index: u64) -> u64 {
    let mut z = seed
        ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a number of days since 1970-01-01.
pub const fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 UTC timestamp of Unix seconds: `2025-07-14T09:32:11Z`.
pub fn timestamp_rfc3339(unix_s: u64) -> String {
    let days = (unix_s / 86_400) as i64;
    let secs = unix_s % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests;
