//! The durable source of truth: suppliers, needs, events, tokens and the audit log.
//!
//! Two layers. [`Backend`] is the narrow interface a storage engine implements: keyed JSON
//! documents in named collections, atomic batches of writes, a global monotonic sequence
//! number stamped on every change (deletions leave tombstones), change feeds by sequence, and
//! an append-only audit log. [`Store`] is the typed API the rest of the program uses, built only
//! on [`Backend`], so a PostgreSQL backend for multi-node deployments needs to implement the
//! trait and nothing else. The embedded default is SQLite (`store/sqlite.rs`).
//!
//! **Invariant:** a write method returns only once the change is durable (fsynced).
//! **Invariant:** sequence numbers only grow; every put or delete gets a new one, so derived
//! indexes catch up by asking for `changes_since(last_applied)`.
//! What this module does not do: validation (callers pass validated values) or search.

pub mod sqlite;

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Need, Supplier};

/// A store sequence number. 0 means "nothing yet".
pub type Seq = i64;

/// Names of the collections.
pub mod coll {
    pub const SUPPLIERS: &str = "suppliers";
    pub const NEEDS: &str = "needs";
    /// Per-supplier metadata that is not part of the public profile (field provenance,
    /// register data), keyed by SIRET.
    pub const SUPPLIER_META: &str = "supplier_meta";
    pub const TOKENS: &str = "tokens";
    pub const EVENTS: &str = "events";
    /// Keyed `{event_id}/{participant_id}`.
    pub const PARTICIPANTS: &str = "participants";
    /// Keyed `{event_id}/{wish_id}`.
    pub const WISHES: &str = "wishes";
    /// Keyed `{event_id}`: the event's current schedule.
    pub const SCHEDULES: &str = "schedules";
    /// Per-need metadata that is not part of the public need (who owns it), keyed by need id.
    pub const NEED_META: &str = "need_meta";
}

/// A stored document, or a tombstone when `body` is `None`.
#[derive(Debug, Clone)]
pub struct Doc {
    pub key: String,
    pub seq: Seq,
    /// RFC 3339 time of the last write.
    pub updated_at: String,
    pub body: Option<Vec<u8>>,
}

/// One write in an atomic batch.
#[derive(Debug, Clone)]
pub enum Op {
    /// Insert or replace. With `skip_if_same`, a document whose stored body is byte-identical
    /// is left alone (no new sequence number): re-importing the same data changes nothing.
    Put {
        coll: &'static str,
        key: String,
        body: Vec<u8>,
        updated_at: Option<String>,
        skip_if_same: bool,
    },
    /// Replace with a tombstone (kept so that change feeds report the deletion).
    Delete { coll: &'static str, key: String },
}

/// What a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Sequence number of the last change made (the store's sequence after the batch).
    pub seq: Seq,
    /// Number of documents actually changed.
    pub changed: usize,
    /// Number of puts skipped because nothing changed.
    pub unchanged: usize,
}

/// One line of the audit log: who changed what, when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    #[serde(default)]
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    /// `admin:3f2a…`, `supplier:12002701600357`, `cli`, `import:suppliers.jsonl`…
    pub actor: String,
    /// `put`, `patch`, `delete`, `import`, `token.create`, …
    pub action: String,
    pub coll: String,
    pub key: String,
}

/// The narrow interface of a storage engine.
pub trait Backend: Send + Sync {
    /// Apply a batch atomically and durably; record the audit entries in the same transaction.
    fn apply(&self, ops: Vec<Op>, audit: Vec<AuditEntry>) -> Result<Applied>;
    /// A live document (tombstones are `None`).
    fn get(&self, coll: &str, key: &str) -> Result<Option<Doc>>;
    /// Live documents whose key starts with `prefix`, by key.
    fn scan_prefix(&self, coll: &str, prefix: &str) -> Result<Vec<Doc>>;
    /// Changes (puts and tombstones) with `seq > after`, in sequence order, at most `limit`.
    fn changes_since(&self, coll: &str, after: Seq, limit: usize) -> Result<Vec<Doc>>;
    /// The highest sequence number given so far.
    fn last_seq(&self) -> Result<Seq>;
    /// Number of live documents.
    fn count(&self, coll: &str) -> Result<u64>;
    /// Audit entries with `id > after`, oldest first.
    fn audit_since(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>>;
    /// Make everything durable and release resources (called on shutdown).
    fn flush(&self) -> Result<()>;
}

/// A supplier as stored, with its sequence number.
#[derive(Debug, Clone)]
pub struct StoredSupplier {
    pub supplier: Supplier,
    pub seq: Seq,
}

/// A change to a supplier, for index catch-up.
#[derive(Debug, Clone)]
pub enum SupplierChange {
    Upsert(Box<Supplier>, Seq),
    Delete(String, Seq),
}

impl SupplierChange {
    pub fn seq(&self) -> Seq {
        match self {
            SupplierChange::Upsert(_, s) | SupplierChange::Delete(_, s) => *s,
        }
    }
}

/// The current time as RFC 3339 (UTC, second precision).
pub fn now_rfc3339() -> String {
    let ts = jiff::Timestamp::now();
    ts.round(jiff::Unit::Second).unwrap_or(ts).to_string()
}

/// The typed store used by the rest of the program.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Internal(format!("encode: {e}")))
}

fn decode<T: serde::de::DeserializeOwned>(coll: &str, key: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| Error::Store(format!("corrupt document {coll}/{key}: {e}")))
}

impl Store {
    /// Open (creating if needed) the embedded SQLite store in a data directory.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir)?;
        let backend = sqlite::SqliteBackend::open(&data_dir.join(sqlite::FILE_NAME))?;
        Ok(Store {
            backend: Arc::new(backend),
        })
    }

    /// Wrap any backend.
    pub fn with_backend(backend: Arc<dyn Backend>) -> Store {
        Store { backend }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    pub fn last_seq(&self) -> Result<Seq> {
        self.backend.last_seq()
    }

    pub fn flush(&self) -> Result<()> {
        self.backend.flush()
    }

    // ---- suppliers ----

    /// Encode a validated supplier for storage: the body carries no `updated_at` (it lives
    /// in the document's own column), so unchanged profiles compare byte-equal.
    pub fn supplier_op(s: &Supplier, skip_if_same: bool) -> Result<Op> {
        let mut body = s.clone();
        let updated_at = body.updated_at.take();
        Ok(Op::Put {
            coll: coll::SUPPLIERS,
            key: s.siret.clone(),
            body: encode(&body)?,
            updated_at,
            skip_if_same,
        })
    }

    fn supplier_from_doc(doc: Doc) -> Result<Option<StoredSupplier>> {
        let Some(body) = doc.body else {
            return Ok(None);
        };
        let mut supplier: Supplier = decode(coll::SUPPLIERS, &doc.key, &body)?;
        supplier.updated_at = Some(doc.updated_at);
        Ok(Some(StoredSupplier {
            supplier,
            seq: doc.seq,
        }))
    }

    /// Insert or replace a validated supplier; `updated_at` is set to now.
    pub fn put_supplier(&self, s: &Supplier, actor: &str, action: &str) -> Result<Seq> {
        let mut s = s.clone();
        s.updated_at = None;
        let op = Store::supplier_op(&s, false)?;
        let audit = AuditEntry::new(actor, action, coll::SUPPLIERS, &s.siret);
        Ok(self.backend.apply(vec![op], vec![audit])?.seq)
    }

    /// Upsert many validated suppliers in one durable transaction (import). A supplier's own
    /// `updated_at` is kept when given (restoring a dump), else set to now; identical
    /// profiles are skipped.
    pub fn put_suppliers(&self, suppliers: &[Supplier], actor: &str) -> Result<Applied> {
        let mut ops = Vec::with_capacity(suppliers.len());
        for s in suppliers {
            ops.push(Store::supplier_op(s, true)?);
        }
        let audit = if suppliers.is_empty() {
            vec![]
        } else {
            vec![AuditEntry::new(
                actor,
                "import",
                coll::SUPPLIERS,
                &format!("{} rows", suppliers.len()),
            )]
        };
        self.backend.apply(ops, audit)
    }

    pub fn get_supplier(&self, siret: &str) -> Result<Option<StoredSupplier>> {
        match self.backend.get(coll::SUPPLIERS, siret)? {
            Some(doc) => Store::supplier_from_doc(doc),
            None => Ok(None),
        }
    }

    /// Delete a supplier; `NotFound` when there is none.
    pub fn delete_supplier(&self, siret: &str, actor: &str) -> Result<Seq> {
        if self.backend.get(coll::SUPPLIERS, siret)?.is_none() {
            return Err(Error::not_found("supplier", siret));
        }
        let op = Op::Delete {
            coll: coll::SUPPLIERS,
            key: siret.to_string(),
        };
        let audit = AuditEntry::new(actor, "delete", coll::SUPPLIERS, siret);
        Ok(self.backend.apply(vec![op], vec![audit])?.seq)
    }

    pub fn count_suppliers(&self) -> Result<u64> {
        self.backend.count(coll::SUPPLIERS)
    }

    /// Supplier changes after `after`, oldest first, at most `limit`.
    pub fn supplier_changes(&self, after: Seq, limit: usize) -> Result<Vec<SupplierChange>> {
        let docs = self.backend.changes_since(coll::SUPPLIERS, after, limit)?;
        let mut out = Vec::with_capacity(docs.len());
        for doc in docs {
            let (key, seq) = (doc.key.clone(), doc.seq);
            match Store::supplier_from_doc(doc)? {
                Some(s) => out.push(SupplierChange::Upsert(Box::new(s.supplier), seq)),
                None => out.push(SupplierChange::Delete(key, seq)),
            }
        }
        Ok(out)
    }

    /// Call `f` on every live supplier, in sequence order, in pages (for rebuilding indexes).
    pub fn for_each_supplier(&self, mut f: impl FnMut(Supplier, Seq) -> Result<()>) -> Result<Seq> {
        let mut after = 0;
        let target = self.last_seq()?;
        loop {
            let page = self.supplier_changes(after, 10_000)?;
            let Some(last) = page.last() else { break };
            after = last.seq();
            for c in page {
                if let SupplierChange::Upsert(s, seq) = c {
                    f(*s, seq)?;
                }
            }
        }
        Ok(target.max(after))
    }

    // ---- needs ----

    /// Encode a need with an id for storage (as [`Store::put_need`] does), for callers that
    /// write it in one batch with other documents.
    pub fn need_op(n: &Need, skip_if_same: bool) -> Result<Op> {
        let key =
            n.id.clone()
                .ok_or_else(|| Error::Internal("need without id".into()))?;
        let mut body = n.clone();
        let updated_at = body.updated_at.take();
        Ok(Op::Put {
            coll: coll::NEEDS,
            key,
            body: encode(&body)?,
            updated_at,
            skip_if_same,
        })
    }

    fn need_from_doc(doc: Doc) -> Result<Option<Need>> {
        let Some(body) = doc.body else {
            return Ok(None);
        };
        let mut n: Need = decode(coll::NEEDS, &doc.key, &body)?;
        n.updated_at = Some(doc.updated_at);
        Ok(Some(n))
    }

    /// A fresh need id: time-ordered and random enough to be unguessable.
    pub fn new_need_id() -> String {
        let now = jiff::Timestamp::now();
        let mut bytes = [0u8; 6];
        crate::util::random_bytes(&mut bytes);
        format!("n-{}-{}", now.as_second(), hex::encode(bytes))
    }

    /// Insert or replace a validated need (an id is generated when absent); returns it as
    /// stored.
    pub fn put_need(&self, n: &Need, actor: &str) -> Result<Need> {
        let mut n = n.clone();
        if n.id.is_none() {
            n.id = Some(Store::new_need_id());
        }
        if n.created_at.is_none() {
            let existing = self.get_need(n.id.as_deref().unwrap_or_default())?;
            n.created_at = Some(
                existing
                    .and_then(|e| e.created_at)
                    .unwrap_or_else(now_rfc3339),
            );
        }
        n.updated_at = None;
        let op = Store::need_op(&n, false)?;
        let audit = AuditEntry::new(
            actor,
            "put",
            coll::NEEDS,
            n.id.as_deref().unwrap_or_default(),
        );
        self.backend.apply(vec![op], vec![audit])?;
        self.get_need(n.id.as_deref().unwrap_or_default())?
            .ok_or_else(|| Error::Internal("need vanished after write".into()))
    }

    /// Upsert many validated needs with ids (import).
    pub fn put_needs(&self, needs: &[Need], actor: &str) -> Result<Applied> {
        let ops = needs
            .iter()
            .map(|n| Store::need_op(n, true))
            .collect::<Result<Vec<_>>>()?;
        let audit = if needs.is_empty() {
            vec![]
        } else {
            vec![AuditEntry::new(
                actor,
                "import",
                coll::NEEDS,
                &format!("{} rows", needs.len()),
            )]
        };
        self.backend.apply(ops, audit)
    }

    pub fn get_need(&self, id: &str) -> Result<Option<Need>> {
        match self.backend.get(coll::NEEDS, id)? {
            Some(doc) => Store::need_from_doc(doc),
            None => Ok(None),
        }
    }

    pub fn delete_need(&self, id: &str, actor: &str) -> Result<Seq> {
        if self.backend.get(coll::NEEDS, id)?.is_none() {
            return Err(Error::not_found("need", id));
        }
        let op = Op::Delete {
            coll: coll::NEEDS,
            key: id.to_string(),
        };
        Ok(self
            .backend
            .apply(
                vec![op],
                vec![AuditEntry::new(actor, "delete", coll::NEEDS, id)],
            )?
            .seq)
    }

    /// Every live need.
    pub fn all_needs(&self) -> Result<Vec<Need>> {
        let mut out = Vec::new();
        for doc in self.backend.scan_prefix(coll::NEEDS, "")? {
            if let Some(n) = Store::need_from_doc(doc)? {
                out.push(n);
            }
        }
        Ok(out)
    }

    pub fn count_needs(&self) -> Result<u64> {
        self.backend.count(coll::NEEDS)
    }

    // ---- generic documents (events, tokens, metadata) ----

    /// A live JSON document of any collection.
    pub fn get_doc<T: serde::de::DeserializeOwned>(
        &self,
        coll: &'static str,
        key: &str,
    ) -> Result<Option<T>> {
        match self.backend.get(coll, key)? {
            Some(Doc { body: Some(b), .. }) => Ok(Some(decode(coll, key, &b)?)),
            _ => Ok(None),
        }
    }

    /// All live documents of a collection whose key starts with `prefix`, with their keys.
    pub fn scan_docs<T: serde::de::DeserializeOwned>(
        &self,
        coll: &'static str,
        prefix: &str,
    ) -> Result<Vec<(String, T)>> {
        self.backend
            .scan_prefix(coll, prefix)?
            .into_iter()
            .filter_map(|d| d.body.map(|b| (d.key, b)))
            .map(|(k, b)| decode(coll, &k, &b).map(|v| (k, v)))
            .collect()
    }

    /// Build a put operation for a JSON document.
    pub fn doc_op<T: Serialize>(coll: &'static str, key: &str, v: &T) -> Result<Op> {
        Ok(Op::Put {
            coll,
            key: key.to_string(),
            body: encode(v)?,
            updated_at: None,
            skip_if_same: false,
        })
    }

    /// Apply a batch of operations atomically, with audit entries.
    pub fn apply(&self, ops: Vec<Op>, audit: Vec<AuditEntry>) -> Result<Applied> {
        self.backend.apply(ops, audit)
    }

    /// Audit entries with `id > after`, oldest first.
    pub fn audit_since(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.backend.audit_since(after, limit)
    }
}

impl AuditEntry {
    pub fn new(actor: &str, action: &str, coll: &str, key: &str) -> AuditEntry {
        AuditEntry {
            id: 0,
            at: now_rfc3339(),
            actor: actor.to_string(),
            action: action.to_string(),
            coll: coll.to_string(),
            key: key.to_string(),
        }
    }
}
