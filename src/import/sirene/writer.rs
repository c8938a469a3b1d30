//! Writing register records to the store in durable batches: each profile is merged with
//! what the store holds (see `merge.rs` for the provenance rule) and written together with
//! its register record in one atomic `Store::apply`.
//!
//! Within a batch a SIRET appears at most once (a repeat flushes the batch first), so every
//! merge reads the latest state. What this module does not do: parse files.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::SireneReport;
use super::establishments::{LocationSource, Record};
use super::merge::{META_KEY, RegisterFields, RegisterRecord, merge, new_profile};
use crate::error::{Error, Result};
use crate::model;
use crate::store::{AuditEntry, Op, Store, coll};

/// Layout version of the register record.
const RECORD_VERSION: u32 = 1;

pub struct Writer<'a> {
    store: &'a Store,
    actor: &'a str,
    batch_size: usize,
    ops: Vec<Op>,
    pending: HashSet<String>,
    num_profiles: usize,
    last_line: u64,
    /// The last input line whose effects are durably committed.
    pub committed_line: u64,
}

impl<'a> Writer<'a> {
    pub fn new(store: &'a Store, actor: &'a str, batch_size: usize) -> Writer<'a> {
        Writer {
            store,
            actor,
            batch_size: batch_size.max(1),
            ops: Vec::new(),
            pending: HashSet::new(),
            num_profiles: 0,
            last_line: 0,
            committed_line: 0,
        }
    }

    /// Merge one register record into the store (in the current batch).
    pub fn write(&mut self, line: u64, rec: Record, report: &mut SireneReport) -> Result<()> {
        if self.pending.contains(&rec.siret) {
            self.flush(report)?;
        }
        self.last_line = line;
        let existing = self.store.get_supplier(&rec.siret)?.map(|s| s.supplier);
        let mut meta: Map<String, Value> = self
            .store
            .get_doc::<Value>(coll::SUPPLIER_META, &rec.siret)?
            .and_then(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default();
        let last: Option<RegisterFields> = meta
            .get(META_KEY)
            .and_then(|v| serde_json::from_value::<RegisterRecord>(v.clone()).ok())
            .map(|r| r.fields);

        enum Outcome {
            Created,
            Updated { closing: bool },
            Unchanged,
        }
        let (mut supplier, outcome, preserved) = match &existing {
            None => {
                if rec.only_if_known {
                    return Ok(());
                }
                report.establishments.kept += 1;
                if last.is_some() {
                    // The register record outlives the profile: someone deleted it after an
                    // earlier import, and a deletion is a decision the register must not undo.
                    report.skip("deleted since an earlier import: not re-created");
                    return Ok(());
                }
                if rec.fields.closed {
                    report.skip("closed establishment not in the store");
                    return Ok(());
                }
                if rec.name_hidden {
                    report.skip("non-diffusible: no publishable name");
                    return Ok(());
                }
                (new_profile(&rec.siret, &rec.fields), Outcome::Created, 0)
            }
            Some(current) => {
                report.establishments.kept += 1;
                let merged = merge(current, last.as_ref(), &rec.fields);
                let mut before = current.clone();
                before.updated_at = None;
                let outcome = if merged.supplier == before {
                    Outcome::Unchanged
                } else {
                    Outcome::Updated {
                        closing: merged.supplier.closed && !current.closed,
                    }
                };
                (merged.supplier, outcome, merged.preserved.len() as u64)
            }
        };
        if let Err(e) = model::validate_supplier(&mut supplier) {
            // Register values were validated on their own; a failure here comes from the
            // combination with the stored profile, which is then left as it is.
            report.reject("establishments", line, model::field_errors(&e));
            return Ok(());
        }
        report.preserved_edits += preserved;
        match rec.location_source {
            LocationSource::Geo => report.locations.geo += 1,
            LocationSource::Lambert => report.locations.lambert += 1,
            LocationSource::CommuneCentre => report.locations.commune_centre += 1,
        }
        let changed = match outcome {
            Outcome::Created => {
                report.created += 1;
                true
            }
            Outcome::Updated { closing } => {
                report.updated += 1;
                report.closed += u64::from(closing);
                true
            }
            Outcome::Unchanged => {
                report.unchanged += 1;
                false
            }
        };
        if changed {
            self.ops.push(Store::supplier_op(&supplier, true)?);
            self.num_profiles += 1;
        }
        let record = RegisterRecord {
            v: RECORD_VERSION,
            fields: rec.fields,
        };
        meta.insert(
            META_KEY.to_string(),
            serde_json::to_value(&record).map_err(|e| Error::Internal(format!("encode: {e}")))?,
        );
        let body = serde_json::to_vec(&Value::Object(meta))
            .map_err(|e| Error::Internal(format!("encode: {e}")))?;
        self.ops.push(Op::Put {
            coll: coll::SUPPLIER_META,
            key: rec.siret.clone(),
            body,
            updated_at: None,
            skip_if_same: true,
        });
        self.pending.insert(rec.siret);
        if self.pending.len() >= self.batch_size {
            self.flush(report)?;
        }
        Ok(())
    }

    /// Commit the current batch durably.
    pub fn flush(&mut self, report: &mut SireneReport) -> Result<()> {
        if self.ops.is_empty() {
            self.committed_line = self.last_line;
            return Ok(());
        }
        let audit = if self.num_profiles > 0 {
            vec![AuditEntry::new(
                self.actor,
                "import",
                coll::SUPPLIERS,
                &format!("sirene: {} profiles", self.num_profiles),
            )]
        } else {
            vec![]
        };
        let applied = self.store.apply(std::mem::take(&mut self.ops), audit)?;
        if applied.changed > 0 {
            report.seq = applied.seq;
        }
        self.pending.clear();
        self.num_profiles = 0;
        self.committed_line = self.last_line;
        Ok(())
    }
}
