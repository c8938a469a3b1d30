//! Reading the SIRENE CSV files by header name: delimiter sniffing (`,` for the stock files,
//! `;` for the geolocation file), column lookup that ignores a UTF-8 byte-order mark and
//! case, and cell accessors that treat `[ND]` (non-diffusible) and blank cells as absent.
//!
//! Columns are always found by name, never by position: their order differs between
//! vintages, and recent files add columns (`activitePrincipaleNAF25…`, `plg_qp24`).
//! What this module does not do: interpret values (that is `units.rs`, `geo.rs`,
//! `establishments.rs`).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use csv::ByteRecord;

use crate::error::{Error, Result};

/// The marker INSEE writes in place of a value that may not be published.
pub const NON_DIFFUSIBLE: &str = "[ND]";

/// An open SIRENE CSV file with its header.
pub struct SireneCsv {
    pub reader: csv::Reader<BufReader<File>>,
    headers: Vec<String>,
    /// File size in bytes, for progress.
    pub size: Option<u64>,
    /// `units`, `establishments` or `geo`, for messages.
    pub label: &'static str,
}

impl SireneCsv {
    /// Open a file, sniff its delimiter from the header line and read the header.
    pub fn open(path: &Path, label: &'static str) -> Result<SireneCsv> {
        let open = || {
            File::open(path).map_err(|e| {
                Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("{label} file {}: {e}", path.display()),
                ))
            })
        };
        let file = open()?;
        let size = file.metadata().ok().map(|m| m.len());
        let mut first = Vec::new();
        // The header line is short; cap the read so a file without newlines cannot blow up.
        BufReader::new(file)
            .take(1 << 20)
            .read_until(b'\n', &mut first)?;
        let delimiter = if first.iter().filter(|&&b| b == b';').count()
            > first.iter().filter(|&&b| b == b',').count()
        {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .buffer_capacity(1 << 17)
            .from_reader(BufReader::with_capacity(1 << 17, open()?));
        let headers: Vec<String> = reader
            .byte_headers()
            .map_err(|e| Error::Malformed {
                message: format!("{label} file, line 1: cannot read the CSV header: {e}"),
                field: None,
            })?
            .iter()
            .map(|h| {
                let h = String::from_utf8_lossy(h);
                h.trim()
                    .trim_start_matches('\u{feff}')
                    .trim_matches('"')
                    .to_string()
            })
            .collect();
        if headers.iter().all(|h| h.is_empty()) {
            return Err(Error::Malformed {
                message: format!("{label} file is empty (no header line)"),
                field: None,
            });
        }
        Ok(SireneCsv {
            reader,
            headers,
            size,
            label,
        })
    }

    /// Index of a column, by case-insensitive name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Index of the first column found among several names (vintage variants).
    pub fn col_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.col(n))
    }

    /// Index of a column the import cannot do without: a fatal, named error when missing.
    pub fn require(&self, name: &str) -> Result<usize> {
        self.col(name).ok_or_else(|| Error::Malformed {
            message: format!(
                "{} file: missing required column {name} (header has {} columns)",
                self.label,
                self.headers.len()
            ),
            field: Some(name.to_string()),
        })
    }

    /// Bytes consumed so far, for progress.
    pub fn position(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// A raw cell, trimmed; `None` when the column is absent, the cell blank or `[ND]`.
pub fn raw(rec: &ByteRecord, idx: Option<usize>) -> Option<&[u8]> {
    let v = rec.get(idx?)?.trim_ascii();
    if v.is_empty() || v == NON_DIFFUSIBLE.as_bytes() {
        None
    } else {
        Some(v)
    }
}

/// Whether a cell holds the non-diffusible marker.
pub fn is_hidden(rec: &ByteRecord, idx: Option<usize>) -> bool {
    idx.and_then(|i| rec.get(i))
        .is_some_and(|v| v.trim_ascii() == NON_DIFFUSIBLE.as_bytes())
}

/// A text cell; an error when it is not valid UTF-8.
pub fn text(
    rec: &ByteRecord,
    idx: Option<usize>,
) -> std::result::Result<Option<&str>, std::str::Utf8Error> {
    raw(rec, idx).map(std::str::from_utf8).transpose()
}

/// A decimal number cell (`.` or `,` as separator); `None` when absent or unreadable.
pub fn number(rec: &ByteRecord, idx: Option<usize>) -> Option<f64> {
    let b = raw(rec, idx)?;
    let s = std::str::from_utf8(b).ok()?;
    let v = if s.contains(',') {
        s.replace(',', ".").parse().ok()?
    } else {
        s.parse().ok()?
    };
    let v: f64 = v;
    v.is_finite().then_some(v)
}

/// A SIREN (9 digits) as a number.
pub fn siren_number(b: &[u8]) -> Option<u32> {
    if b.len() != 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}

/// A SIRET (14 digits) as a number.
pub fn siret_number(b: &[u8]) -> Option<u64> {
    if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_blank_cells_are_absent() {
        let rec = ByteRecord::from(vec!["  a ", "", "[ND]", " [ND] ", "1,5"]);
        assert_eq!(raw(&rec, Some(0)), Some(&b"a"[..]));
        assert_eq!(raw(&rec, Some(1)), None);
        assert_eq!(raw(&rec, Some(2)), None);
        assert!(is_hidden(&rec, Some(3)));
        assert!(!is_hidden(&rec, Some(0)));
        assert_eq!(raw(&rec, None), None);
        assert_eq!(raw(&rec, Some(9)), None);
        assert_eq!(number(&rec, Some(4)), Some(1.5));
    }

    #[test]
    fn identifiers_parse_as_numbers() {
        assert_eq!(siren_number(b"356000000"), Some(356_000_000));
        assert_eq!(siren_number(b"35600000"), None);
        assert_eq!(siret_number(b"12002701600357"), Some(12_002_701_600_357));
        assert_eq!(siret_number(b"1200270160035a"), None);
    }

    #[test]
    fn delimiter_and_bom_are_handled() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.csv");
        std::fs::write(&p, "\u{feff}siret;x;y\n1;2;3\n").unwrap();
        let mut f = SireneCsv::open(&p, "geo").unwrap();
        assert_eq!(f.col("SIRET"), Some(0));
        assert_eq!(f.col("y"), Some(2));
        let mut rec = ByteRecord::new();
        assert!(f.reader.read_byte_record(&mut rec).unwrap());
        assert_eq!(raw(&rec, f.col("x")), Some(&b"2"[..]));
        assert!(f.require("epsg").unwrap_err().to_string().contains("epsg"));
    }
}
