//! `essor import suppliers|needs`: JSON Lines and CSV files into the store.
//!
//! JSON Lines: one contract object per line (blank lines skipped). CSV (suppliers only):
//! comma-separated with a header, UTF-8, columns by name in any order:
//!
//! | column | maps to |
//! |---|---|
//! | `siret`, `name`, `commune` | required; `commune` is `address.commune` |
//! | `brand`, `legal_form`, `naf`, `description`, `updated_at` | same-named fields |
//! | `kinds`, `labels` | lists separated by `\|` (`ESAT\|EA`) |
//! | `ess`, `esus` | `true/false`, `1/0`, `oui/non` |
//! | `street`, `postcode`, `city` | `address.*` |
//! | `lat`, `lon` | `location` |
//! | `offers`, `references` | `\|`-separated titles (client names), or a JSON array of objects |
//! | `activity_label`, `cpv`, `modes`, `zone` | one activity; `cpv` and `modes` `\|`-separated; `zone` is `national`, `radius:30` and/or areas such as `dept:31\|region:76` |
//! | `activities` | the full JSON array instead of the four columns above |
//! | `employees`, `insertion_employees`, `turnover_eur`, `founded` | `capacity.*` |
//! | `email`, `phone`, `website` | `contact.*` |
//!
//! Each row goes through the same JSON decoding and validation as the API, so errors name
//! the same fields (`capacity.employees`, `activities[0].cpv[1]`). Needs without an `id` get
//! one derived from their content, so re-importing the same file does not duplicate them.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::{ImportReport, Progress, RowError};
use crate::error::{Error, Result};
use crate::model::{self, Need, Supplier};
use crate::store::Store;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Who is importing, for the audit log (`cli`, `api:admin:…`).
    pub actor: String,
    /// Rows per durable transaction.
    pub batch_size: usize,
    /// Show progress on stderr.
    pub progress: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            actor: "cli".into(),
            batch_size: 1000,
            progress: true,
        }
    }
}

/// Counts bytes read, for the progress bar.
struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// File format, from the extension or the first non-blank byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    Csv,
}

fn detect_format(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jsonl" | "ndjson" | "json" => return Ok(Format::JsonLines),
        "csv" => return Ok(Format::Csv),
        _ => {}
    }
    let mut head = [0u8; 512];
    let n = File::open(path)?.read(&mut head)?;
    let first = head[..n]
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    Ok(if first == Some(b'{') {
        Format::JsonLines
    } else {
        Format::Csv
    })
}

/// Collects valid rows and writes them in durable batches.
struct Batcher<'a, T> {
    store: &'a Store,
    rows: Vec<T>,
    last_line: u64,
    committed_line: u64,
    opts: &'a ImportOptions,
    report: ImportReport,
}

impl<'a, T> Batcher<'a, T> {
    fn new(store: &'a Store, opts: &'a ImportOptions) -> Self {
        Batcher {
            store,
            rows: Vec::with_capacity(opts.batch_size),
            last_line: 0,
            committed_line: 0,
            opts,
            report: ImportReport::default(),
        }
    }

    fn reject(&mut self, line: u64, errors: Vec<crate::error::FieldError>) {
        self.report.rejected_rows += 1;
        for e in errors {
            self.report.rejected.push(RowError {
                line,
                field: e.field,
                reason: e.reason,
            });
        }
    }

    fn push(
        &mut self,
        line: u64,
        row: T,
        write: impl Fn(&Store, &[T], &str) -> Result<crate::store::Applied>,
    ) -> Result<()>
    where
        T: Keyed,
    {
        self.rows.push(row);
        self.last_line = line;
        self.report.accepted += 1;
        if self.rows.len() >= self.opts.batch_size {
            self.flush(write)?;
        }
        Ok(())
    }

    fn flush(
        &mut self,
        write: impl Fn(&Store, &[T], &str) -> Result<crate::store::Applied>,
    ) -> Result<()>
    where
        T: Keyed,
    {
        if self.rows.is_empty() {
            return Ok(());
        }
        // Within a batch the last row for a key wins; writing only that one keeps a re-import
        // of a file with repeated keys from producing changes.
        let mut seen = std::collections::HashSet::new();
        let mut keep: Vec<bool> = self
            .rows
            .iter()
            .rev()
            .map(|r| seen.insert(r.key().to_string()))
            .collect();
        keep.reverse();
        let mut i = 0;
        self.rows.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        let applied = write(self.store, &self.rows, &self.opts.actor)?;
        self.report.changed += applied.changed as u64;
        self.report.unchanged += applied.unchanged as u64;
        if applied.seq > 0 {
            self.report.seq = applied.seq;
        }
        self.committed_line = self.last_line;
        self.rows.clear();
        Ok(())
    }
}

/// Rows with a store key.
trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Supplier {
    fn key(&self) -> &str {
        &self.siret
    }
}

impl Keyed for Need {
    fn key(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

fn write_suppliers(store: &Store, rows: &[Supplier], actor: &str) -> Result<crate::store::Applied> {
    store.put_suppliers(rows, actor)
}

fn write_needs(store: &Store, rows: &[Need], actor: &str) -> Result<crate::store::Applied> {
    store.put_needs(rows, actor)
}

fn open_counting(path: &Path) -> Result<(BufReader<CountingReader<File>>, Option<u64>)> {
    let file = File::open(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })?;
    let size = file.metadata().ok().map(|m| m.len());
    Ok((
        BufReader::with_capacity(
            1 << 16,
            CountingReader {
                inner: file,
                count: 0,
            },
        ),
        size,
    ))
}

fn parse_supplier(bytes: &[u8]) -> std::result::Result<Supplier, Vec<crate::error::FieldError>> {
    let mut s: Supplier = model::parse_json(bytes).map_err(|e| model::field_errors(&e))?;
    model::validate_supplier(&mut s).map_err(|e| model::field_errors(&e))?;
    Ok(s)
}

fn supplier_from_value(v: Value) -> std::result::Result<Supplier, Vec<crate::error::FieldError>> {
    let mut s: Supplier = model::from_value(v).map_err(|e| model::field_errors(&e))?;
    model::validate_supplier(&mut s).map_err(|e| model::field_errors(&e))?;
    Ok(s)
}

/// Iterate over the non-blank lines of a JSON Lines file, with 1-based line numbers.
fn for_each_json_line(
    reader: &mut BufReader<CountingReader<File>>,
    mut f: impl FnMut(u64, &[u8], u64) -> Result<()>,
) -> Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let mut bytes = buf.as_slice();
        if line_no == 1 && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            bytes = &bytes[3..];
        }
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let pos = reader.get_ref().count;
        f(line_no, bytes, pos)?;
    }
}

/// Import suppliers from a JSON Lines or CSV file.
pub fn import_suppliers(store: &Store, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
    let format = detect_format(path)?;
    let (mut reader, size) = open_counting(path)?;
    let mut progress = opts
        .progress
        .then(|| Progress::new("import suppliers", size));
    let mut b = Batcher::<Supplier>::new(store, opts);
    match format {
        Format::JsonLines => {
            for_each_json_line(&mut reader, |line, bytes, pos| {
                b.report.read += 1;
                match parse_supplier(bytes) {
                    Ok(s) => b.push(line, s, write_suppliers)?,
                    Err(errs) => b.reject(line, errs),
                }
                if let Some(p) = progress.as_mut() {
                    p.update(pos, b.report.read, b.committed_line);
                }
                Ok(())
            })?;
        }
        Format::Csv => {
            let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
            let headers: Vec<String> = rdr
                .headers()
                .map_err(|e| Error::Malformed {
                    message: format!("line 1: cannot read CSV header: {e}"),
                    field: None,
                })?
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect();
            check_csv_headers(&headers)?;
            let mut record = csv::StringRecord::new();
            loop {
                let line = rdr.position().line() + 1;
                let more = match rdr.read_record(&mut record) {
                    Ok(more) => more,
                    Err(e) => {
                        b.report.read += 1;
                        let line = e.position().map(|p| p.line()).unwrap_or(line);
                        b.reject(
                            line,
                            vec![crate::error::FieldError::new(
                                "",
                                format!("unreadable CSV row: {e}"),
                            )],
                        );
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            break;
                        }
                        continue;
                    }
                };
                if !more {
                    break;
                }
                let line = record.position().map(|p| p.line()).unwrap_or(line);
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                b.report.read += 1;
                match csv_row_to_value(&headers, &record)
                    .map_err(|e| vec![e])
                    .and_then(supplier_from_value)
                {
                    Ok(s) => b.push(line, s, write_suppliers)?,
                    Err(errs) => b.reject(line, errs),
                }
                if let Some(p) = progress.as_mut() {
                    let pos = rdr.get_ref().get_ref().count;
                    p.update(pos, b.report.read, b.committed_line);
                }
            }
        }
    }
    b.flush(write_suppliers)?;
    if let Some(p) = &progress {
        p.finish();
    }
    if b.report.seq == 0 {
        b.report.seq = store.last_seq()?;
    }
    Ok(b.report)
}

/// Import needs from a JSON Lines file.
pub fn import_needs(store: &Store, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
    let (mut reader, size) = open_counting(path)?;
    let mut progress = opts.progress.then(|| Progress::new("import needs", size));
    let mut b = Batcher::<Need>::new(store, opts);
    for_each_json_line(&mut reader, |line, bytes, pos| {
        b.report.read += 1;
        let parsed = model::parse_json::<Need>(bytes)
            .and_then(|mut n| model::validate_need(&mut n).map(|_| n))
            .map_err(|e| model::field_errors(&e));
        match parsed {
            Ok(mut n) => {
                if n.id.is_none() {
                    n.id = Some(content_id(&n));
                }
                if n.created_at.is_none() {
                    n.created_at = Some(crate::store::now_rfc3339());
                }
                // Keep the first creation time so a re-import is byte-identical.
                if let Some(existing) = store.get_need(n.id.as_deref().unwrap_or_default())? {
                    n.created_at = existing.created_at;
                }
                b.push(line, n, write_needs)?
            }
            Err(errs) => b.reject(line, errs),
        }
        if let Some(p) = progress.as_mut() {
            p.update(pos, b.report.read, b.committed_line);
        }
        Ok(())
    })?;
    b.flush(write_needs)?;
    if let Some(p) = &progress {
        p.finish();
    }
    if b.report.seq == 0 {
        b.report.seq = store.last_seq()?;
    }
    Ok(b.report)
}

/// A stable id for a need that has none: a hash of its content.
fn content_id(n: &Need) -> String {
    let mut clean = n.clone();
    clean.created_at = None;
    clean.updated_at = None;
    let bytes = serde_json::to_vec(&clean).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    format!("n-{}", hex::encode(&digest[..8]))
}

const CSV_COLUMNS: &[&str] = &[
    "siret",
    "name",
    "brand",
    "kinds",
    "ess",
    "esus",
    "legal_form",
    "naf",
    "description",
    "offers",
    "references",
    "labels",
    "street",
    "postcode",
    "city",
    "commune",
    "lat",
    "lon",
    "activity_label",
    "cpv",
    "modes",
    "zone",
    "activities",
    "employees",
    "insertion_employees",
    "turnover_eur",
    "founded",
    "email",
    "phone",
    "website",
    "updated_at",
];

fn check_csv_headers(headers: &[String]) -> Result<()> {
    let unknown: Vec<&str> = headers
        .iter()
        .map(String::as_str)
        .filter(|h| !h.is_empty() && !CSV_COLUMNS.contains(h))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Malformed {
            message: format!(
                "line 1: unknown CSV column(s) {} (known: {})",
                unknown.join(", "),
                CSV_COLUMNS.join(", ")
            ),
            field: Some(unknown[0].to_string()),
        });
    }
    for required in ["siret", "name", "commune"] {
        if !headers.iter().any(|h| h == required) {
            return Err(Error::Malformed {
                message: format!("line 1: missing required CSV column {required}"),
                field: Some(required.into()),
            });
        }
    }
    Ok(())
}

fn split_list(s: &str) -> Vec<Value> {
    s.split('|')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Value::String(x.to_string()))
        .collect()
}

fn parse_bool(col: &str, s: &str) -> std::result::Result<Value, crate::error::FieldError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(Value::Bool(false)),
        "true" | "1" | "oui" | "yes" | "o" | "y" | "vrai" => Ok(Value::Bool(true)),
        "false" | "0" | "non" | "no" | "n" | "faux" => Ok(Value::Bool(false)),
        _ => Err(crate::error::FieldError::new(
            col,
            format!("must be true or false ({s})"),
        )),
    }
}

/// A number when the cell parses as one, else the raw string (so decoding names the field).
fn number_or_string(s: &str) -> Value {
    let t = s.trim().replace(' ', "");
    if let Ok(i) = t.parse::<i64>() {
        return json!(i);
    }
    match t.replace(',', ".").parse::<f64>() {
        Ok(f) if f.is_finite() => json!(f),
        _ => Value::String(s.trim().to_string()),
    }
}

fn list_of_objects(
    col: &str,
    s: &str,
    key: &str,
) -> std::result::Result<Value, crate::error::FieldError> {
    let t = s.trim();
    if t.starts_with('[') {
        return serde_json::from_str(t)
            .map_err(|e| crate::error::FieldError::new(col, format!("invalid JSON: {e}")));
    }
    Ok(Value::Array(
        t.split('|')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| json!({ key: x }))
            .collect(),
    ))
}

fn parse_zone(s: &str) -> std::result::Result<Value, crate::error::FieldError> {
    let mut zone = Map::new();
    let mut areas = Vec::new();
    for part in s.split('|').map(str::trim).filter(|x| !x.is_empty()) {
        if part.eq_ignore_ascii_case("national") {
            zone.insert("national".into(), Value::Bool(true));
        } else if let Some(r) = part.strip_prefix("radius:") {
            zone.insert("radius_km".into(), number_or_string(r));
        } else {
            areas.push(Value::String(part.to_string()));
        }
    }
    if !areas.is_empty() {
        zone.insert("areas".into(), Value::Array(areas));
    }
    Ok(Value::Object(zone))
}

/// Turn a CSV row into the contract's JSON object.
fn csv_row_to_value(
    headers: &[String],
    record: &csv::StringRecord,
) -> std::result::Result<Value, crate::error::FieldError> {
    let mut top = Map::new();
    let mut address = Map::new();
    let mut location = Map::new();
    let mut capacity = Map::new();
    let mut contact = Map::new();
    let mut activity = Map::new();
    for (h, cell) in headers.iter().zip(record.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let h = h.as_str();
        match h {
            "siret" | "name" | "brand" | "legal_form" | "naf" | "description" | "updated_at" => {
                top.insert(h.into(), Value::String(cell.to_string()));
            }
            "kinds" | "labels" => {
                top.insert(h.into(), Value::Array(split_list(cell)));
            }
            "ess" | "esus" => {
                top.insert(h.into(), parse_bool(h, cell)?);
            }
            "offers" => {
                top.insert(h.into(), list_of_objects(h, cell, "title")?);
            }
            "references" => {
                top.insert(h.into(), list_of_objects(h, cell, "client")?);
            }
            "street" | "postcode" | "city" | "commune" => {
                address.insert(h.into(), Value::String(cell.to_string()));
            }
            "lat" | "lon" => {
                location.insert(h.into(), number_or_string(cell));
            }
            "activity_label" => {
                activity.insert("label".into(), Value::String(cell.to_string()));
            }
            "cpv" | "modes" => {
                activity.insert(h.into(), Value::Array(split_list(cell)));
            }
            "zone" => {
                activity.insert("zone".into(), parse_zone(cell)?);
            }
            "activities" => {
                let v: Value = serde_json::from_str(cell)
                    .map_err(|e| crate::error::FieldError::new(h, format!("invalid JSON: {e}")))?;
                top.insert("activities".into(), v);
            }
            "employees" | "insertion_employees" | "turnover_eur" | "founded" => {
                capacity.insert(h.into(), number_or_string(cell));
            }
            "email" | "phone" | "website" => {
                contact.insert(h.into(), Value::String(cell.to_string()));
            }
            _ => {}
        }
    }
    if !activity.is_empty() {
        if top.contains_key("activities") {
            return Err(crate::error::FieldError::new(
                "activities",
                "give either the activities column or activity_label/cpv/modes/zone, not both",
            ));
        }
        top.insert(
            "activities".into(),
            Value::Array(vec![Value::Object(activity)]),
        );
    }
    top.insert("address".into(), Value::Object(address));
    if !location.is_empty() {
        top.insert("location".into(), Value::Object(location));
    }
    if !capacity.is_empty() {
        top.insert("capacity".into(), Value::Object(capacity));
    }
    if !contact.is_empty() {
        top.insert("contact".into(), Value::Object(contact));
    }
    Ok(Value::Object(top))
}
