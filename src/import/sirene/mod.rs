//! `essor import sirene`: the official INSEE SIRENE stock files (legal units, establishments
//! and, optionally, the geolocation file) into supplier profiles.
//!
//! The files are read by column name (their column order differs between vintages) and
//! streamed: memory holds only the units kept and, with a geolocation file, the points of
//! their establishments; the 43 million establishment rows go through once and are written
//! in durable batches. The order is:
//!
//! 1. the SIRENs already in the store (so register changes reach profiles that exist);
//! 2. with `--naf`, a pre-pass over the establishments for units with a selected activity;
//! 3. the units file → the kept units: SSE (`economieSocialeSolidaireUniteLegale` = O), or
//!    with a selected legal form or activity, or already in the store (`units.rs`);
//! 4. the geolocation file, filtered to the kept units (`geo.rs`);
//! 5. the establishments file: each establishment of a kept unit becomes register values
//!    (`establishments.rs`), merged with the stored profile by the field-provenance rule
//!    (`merge.rs`) and written with its register record in one atomic batch (`writer.rs`).
//!
//! Active establishments (`etatAdministratifEtablissement` = A) are created or updated;
//! ceased ones (F) are never created, and an existing profile gets `closed: true`.
//! Non-diffusible data (`statutDiffusion*` = P, cells `[ND]`) is handled as the register
//! requires: only what it publishes is kept, hidden fields are never published (see
//! `establishments.rs`). Coordinates come from the geolocation file's WGS84 columns, else
//! from the stock file's Lambert columns converted from the row's projection (`proj.rs`),
//! else the commune's centre applies.
//!
//! Rows that cannot be imported are reported with file, line, field (the SIRENE column or
//! the profile field) and reason; rows that are valid but cannot give a profile (abroad,
//! ceased and unknown, non-diffusible without a name) are counted by reason.
//! What this module does not do: search indexing (indexes follow the store's sequence).

pub mod columns;
pub mod establishments;
pub mod geo;
pub mod merge;
pub mod proj;
pub mod units;
pub mod writer;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Instant;

use csv::ByteRecord;
use serde::Serialize;

use self::columns::{SireneCsv, siren_number, text};
use self::establishments::{Cols, Mapped};
use crate::error::{Error, FieldError, Result};
use crate::import::{Progress, RowError};
use crate::referential::Referential;
use crate::store::{Store, coll};

pub use merge::{META_KEY, RegisterFields, RegisterRecord};

/// The input files.
#[derive(Debug, Clone, Copy)]
pub struct SireneFiles<'a> {
    /// `StockUniteLegale_utf8.csv`.
    pub units: &'a Path,
    /// `StockEtablissement_utf8.csv`.
    pub establishments: &'a Path,
    /// `GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv`.
    pub geo: Option<&'a Path>,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct SireneOptions {
    /// Who is importing, for the audit log.
    pub actor: String,
    /// Profiles per durable transaction.
    pub batch_size: usize,
    /// Show progress on stderr.
    pub progress: bool,
    /// Also keep units with these legal forms (4-digit INSEE codes), SSE or not.
    pub legal_forms: Vec<String>,
    /// Also keep establishments with these activities (NAF rév. 2 such as `88.10C`, or NAF
    /// 2025 codes as written in the `…NAF25…` columns), and all establishments of units
    /// whose main activity is one of them.
    pub naf: Vec<String>,
    /// Most rejected rows listed in the report (all are counted).
    pub max_listed_rejections: usize,
}

impl Default for SireneOptions {
    fn default() -> Self {
        SireneOptions {
            actor: "cli".into(),
            batch_size: 1000,
            progress: true,
            legal_forms: Vec::new(),
            naf: Vec::new(),
            max_listed_rejections: 100_000,
        }
    }
}

/// The selection options, normalised.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub legal_forms: Vec<String>,
    /// Canonical codes (`88.10C`).
    pub naf: Vec<String>,
}

impl Filters {
    fn new(opts: &SireneOptions) -> Result<Filters> {
        let mut errors = Vec::new();
        let mut legal_forms = Vec::new();
        for (i, lf) in opts.legal_forms.iter().enumerate() {
            let lf = lf.trim();
            if lf.len() != 4 || !lf.bytes().all(|b| b.is_ascii_digit()) {
                errors.push(FieldError::new(
                    format!("legal_forms[{i}]"),
                    format!("must be a 4-digit INSEE catégorie juridique ({lf})"),
                ));
            } else {
                legal_forms.push(lf.to_string());
            }
        }
        let mut naf = Vec::new();
        for (i, code) in opts.naf.iter().enumerate() {
            let canonical = crate::referential::Naf::canonical(code);
            if canonical.is_empty() {
                errors.push(FieldError::new(format!("naf[{i}]"), "must not be empty"));
            } else {
                naf.push(canonical);
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid { errors });
        }
        Ok(Filters { legal_forms, naf })
    }

    /// Whether an activity (NAF rév. 2, or a NAF 2025 code) is selected.
    pub fn naf_matches(&self, rev2: Option<&str>, naf25: Option<&str>) -> bool {
        if self.naf.is_empty() {
            return false;
        }
        let hit = |c: &str| {
            let c = crate::referential::Naf::canonical(c);
            self.naf.contains(&c)
        };
        rev2.is_some_and(hit) || naf25.is_some_and(hit)
    }
}

/// Rows read and kept in one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassCounts {
    pub read: u64,
    pub kept: u64,
    pub secs: f64,
}

/// Where profile locations came from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LocationCounts {
    /// WGS84 point of the geolocation file.
    pub geo: u64,
    /// Stock file's projected coordinates, converted.
    pub lambert: u64,
    /// None usable or publishable: the commune's centre applies.
    pub commune_centre: u64,
}

/// One rejected row, with its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SireneRowError {
    /// `units`, `establishments` or `geo`.
    pub file: &'static str,
    #[serde(flatten)]
    pub error: RowError,
}

impl std::fmt::Display for SireneRowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} file, {}", self.file, self.error)
    }
}

/// What a SIRENE import did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SireneReport {
    /// Legal units read, and kept (SSE or selected).
    pub units: PassCounts,
    /// Geolocation rows read, and points kept (establishments of kept units).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<PassCounts>,
    /// Establishment rows read, and kept (establishments of kept units).
    pub establishments: PassCounts,
    /// Profiles created.
    pub created: u64,
    /// Profiles changed (including closings).
    pub updated: u64,
    /// Profiles the register left as they were.
    pub unchanged: u64,
    /// Profiles closed because their establishment ceased.
    pub closed: u64,
    /// Fields the company edited that the import left alone although the register differs.
    pub preserved_edits: u64,
    pub locations: LocationCounts,
    /// Valid rows that give no profile, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Values dropped from otherwise good rows, by reason.
    pub warnings: BTreeMap<String, u64>,
    /// Rejected rows with file, line, field and reason (at most `max_listed_rejections`).
    pub rejected: Vec<SireneRowError>,
    /// Number of rejected rows.
    pub rejected_rows: u64,
    /// Store sequence after the import.
    pub seq: i64,
    pub elapsed_secs: f64,
    /// Establishment rows read per second.
    pub establishments_rows_per_sec: f64,
    #[serde(skip)]
    max_listed: usize,
}

impl SireneReport {
    fn reject(&mut self, file: &'static str, line: u64, errors: Vec<FieldError>) {
        self.rejected_rows += 1;
        for e in errors {
            if self.rejected.len() < self.max_listed {
                self.rejected.push(SireneRowError {
                    file,
                    error: RowError {
                        line,
                        field: e.field,
                        reason: e.reason,
                    },
                });
            }
        }
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }

    fn warn(&mut self, reason: &str) {
        *self.warnings.entry(reason.to_string()).or_default() += 1;
    }

    /// A few lines for the terminal.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "units: {} read, {} kept\n",
            self.units.read, self.units.kept
        );
        if let Some(g) = &self.geo {
            out += &format!(
                "geolocation: {} rows read, {} points kept\n",
                g.read, g.kept
            );
        }
        out += &format!(
            "establishments: {} read, {} kept ({:.0} rows/s): {} created, {} updated, {} unchanged, {} closed, {} company edits preserved\n",
            self.establishments.read,
            self.establishments.kept,
            self.establishments_rows_per_sec,
            self.created,
            self.updated,
            self.unchanged,
            self.closed,
            self.preserved_edits
        );
        out += &format!(
            "locations: {} from the geolocation file, {} converted from Lambert/UTM, {} at the commune centre\n",
            self.locations.geo, self.locations.lambert, self.locations.commune_centre
        );
        for (reason, n) in &self.skipped {
            out += &format!("skipped: {n} × {reason}\n");
        }
        for (reason, n) in &self.warnings {
            out += &format!("warning: {n} × {reason}\n");
        }
        out += &format!("rejected: {} rows", self.rejected_rows);
        out
    }
}

/// SIRENs of every profile in the store, page by page (flat memory).
fn known_sirens(store: &Store) -> Result<HashSet<u32>> {
    let mut out = HashSet::new();
    let mut after = 0;
    loop {
        let page = store
            .backend()
            .changes_since(coll::SUPPLIERS, after, 2000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for doc in page {
            if doc.body.is_some()
                && let Some(s) = doc.key.get(..9).and_then(|s| siren_number(s.as_bytes()))
            {
                out.insert(s);
            }
        }
    }
    Ok(out)
}

/// Pre-pass: SIRENs with an establishment whose activity is selected.
fn estab_naf_sirens(path: &Path, filters: &Filters, progress: bool) -> Result<HashSet<u32>> {
    let mut out = HashSet::new();
    if filters.naf.is_empty() {
        return Ok(out);
    }
    let mut f = SireneCsv::open(path, "establishments")?;
    let c = Cols::new(&f)?;
    let mut progress =
        progress.then(|| Progress::new("sirene: establishments (activity pre-pass)", f.size));
    let mut rec = ByteRecord::new();
    let mut rows = 0u64;
    loop {
        match f.reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(Error::Io(std::io::Error::other(format!(
                    "establishments file: {e}"
                ))));
            }
            // Unreadable rows are reported by the main pass.
            Err(_) => continue,
        }
        rows += 1;
        if let Some(p) = progress.as_mut()
            && rows % 8192 == 0
        {
            p.update(f.position(), rows, 0);
        }
        let naf = text(&rec, c.naf).ok().flatten();
        let nomenclature = text(&rec, c.naf_nomenclature).ok().flatten();
        let naf25 = text(&rec, c.naf25).ok().flatten();
        let rev2 = units::naf_rev2(naf, nomenclature);
        if filters.naf_matches(rev2.as_deref(), naf25)
            && let Some(s) = c.siren_bytes(&rec).and_then(siren_number)
        {
            out.insert(s);
        }
    }
    if let Some(p) = progress.as_mut() {
        p.finish();
    }
    Ok(out)
}

/// Import the SIRENE files into the store.
pub fn import_sirene(
    store: &Store,
    files: &SireneFiles<'_>,
    opts: &SireneOptions,
) -> Result<SireneReport> {
    let started = Instant::now();
    let filters = Filters::new(opts)?;
    let mut report = SireneReport {
        max_listed: opts.max_listed_rejections,
        ..SireneReport::default()
    };
    // Open every file first, so a missing file or column fails before any work.
    let mut units_csv = SireneCsv::open(files.units, "units")?;
    let mut estab_csv = SireneCsv::open(files.establishments, "establishments")?;
    let cols = Cols::new(&estab_csv)?;
    let mut geo_csv = files.geo.map(|g| SireneCsv::open(g, "geo")).transpose()?;
    Referential::get();

    let known = known_sirens(store)?;
    let estab_naf = estab_naf_sirens(files.establishments, &filters, opts.progress)?;

    let t = Instant::now();
    let table = units::load(
        &mut units_csv,
        &filters,
        &known,
        &estab_naf,
        opts.progress,
        &mut report,
    )?;
    report.units.secs = t.elapsed().as_secs_f64();
    drop((known, estab_naf, units_csv));

    let geo = match geo_csv.as_mut() {
        Some(f) => {
            let t = Instant::now();
            let g = geo::load(f, &table, opts.progress, &mut report)?;
            if let Some(c) = report.geo.as_mut() {
                c.secs = t.elapsed().as_secs_f64();
            }
            Some(g)
        }
        None => None,
    };
    drop(geo_csv);

    let t = Instant::now();
    let mut writer = writer::Writer::new(store, &opts.actor, opts.batch_size);
    let mut progress = opts
        .progress
        .then(|| Progress::new("sirene: establishments", estab_csv.size));
    let mut rec = ByteRecord::new();
    loop {
        match estab_csv.reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                report.establishments.read += 1;
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.reject(
                    "establishments",
                    line,
                    vec![FieldError::new("", format!("unreadable CSV row: {e}"))],
                );
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    writer.flush(&mut report)?;
                    return Err(Error::Io(std::io::Error::other(format!(
                        "establishments file: {e}"
                    ))));
                }
                continue;
            }
        }
        report.establishments.read += 1;
        if let Some(p) = progress.as_mut()
            && report.establishments.read % 8192 == 0
        {
            p.update(
                estab_csv.position(),
                report.establishments.read,
                writer.committed_line,
            );
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let Some(siren) = cols.siren_bytes(&rec).and_then(siren_number) else {
            report.reject(
                "establishments",
                line,
                vec![FieldError::new("siren", "must be 9 digits")],
            );
            continue;
        };
        let Some(unit) = table.get(siren) else {
            continue;
        };
        match establishments::map_row(&rec, &cols, unit, geo.as_ref(), &filters, &mut report) {
            Ok(Mapped::Record(r)) => writer.write(line, *r, &mut report)?,
            Ok(Mapped::Skip(reason)) => {
                report.establishments.kept += 1;
                report.skip(reason);
            }
            Ok(Mapped::Ignore) => {}
            Err(errors) => {
                report.establishments.kept += 1;
                report.reject("establishments", line, errors);
            }
        }
    }
    writer.flush(&mut report)?;
    if let Some(p) = progress.as_mut() {
        p.update(
            estab_csv.position(),
            report.establishments.read,
            writer.committed_line,
        );
        p.finish();
    }
    report.establishments.secs = t.elapsed().as_secs_f64();
    report.establishments_rows_per_sec =
        report.establishments.read as f64 / report.establishments.secs.max(1e-9);
    if report.seq == 0 {
        report.seq = store.last_seq()?;
    }
    report.elapsed_secs = started.elapsed().as_secs_f64();
    Ok(report)
}
