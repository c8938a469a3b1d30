//! Importers: files in (JSON Lines, CSV, the official SIRENE stock files), validated model
//! values into the store, with a row-level report.
//!
//! Every importer keeps going past bad rows: a bad row is reported with its line number,
//! field and reason, every good row is written. Rows are written in batches, each one a
//! durable transaction, so a crash loses at most the batch in flight and never a row that was
//! reported as committed. Re-importing the same file changes nothing (identical documents are
//! skipped by the store).
//! What this module does not do: search indexing (indexes follow the store's sequence).

pub mod progress;
pub mod sirene;
pub mod suppliers;

use serde::Serialize;

pub use progress::Progress;
pub use suppliers::{ImportOptions, import_needs, import_suppliers};

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file (for CSV, the header is line 1).
    pub line: u64,
    /// The offending field (JSON path), empty when the whole row is unreadable.
    pub field: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(f, "line {}: {}: {}", self.line, self.field, self.reason)
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Data rows read (blank lines excluded).
    pub read: u64,
    /// Valid rows.
    pub accepted: u64,
    /// Valid rows that changed the store (created or updated).
    pub changed: u64,
    /// Valid rows identical to what the store already had.
    pub unchanged: u64,
    /// Rows rejected, with line, field and reason (every field error of a row is listed).
    pub rejected: Vec<RowError>,
    /// Number of distinct rejected lines.
    pub rejected_rows: u64,
    /// Store sequence after the import.
    pub seq: i64,
}

impl ImportReport {
    /// One-line French-free summary for the terminal.
    pub fn summary(&self) -> String {
        format!(
            "read {} rows: {} accepted ({} changed, {} unchanged), {} rejected",
            self.read, self.accepted, self.changed, self.unchanged, self.rejected_rows
        )
    }
}
