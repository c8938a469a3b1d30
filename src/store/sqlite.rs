//! The embedded SQLite backend (bundled library, WAL mode, `synchronous=FULL`).
//!
//! One writer connection behind a mutex; readers take connections from a small pool, so a
//! long write never blocks them (WAL gives each reader a consistent snapshot). A commit
//! returns only after the WAL is fsynced, so an acknowledged write survives a crash or a
//! SIGKILL. Schema changes are numbered migrations tracked by `PRAGMA user_version`; the
//! data format version is stored in the `meta` table and checked on open.
//! This is the only module that talks to SQLite.

use std::path::{Path, PathBuf};

use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{Applied, AuditEntry, Backend, Doc, Op, Seq, now_rfc3339};
use crate::error::{Error, Result};

/// File name of the store inside the data directory.
pub const FILE_NAME: &str = "store.sqlite";

/// Version of the document formats written by this program. Opening a store written by a
/// newer version is refused rather than risking silent misreads.
pub const FORMAT_VERSION: i64 = 1;

/// Schema migrations, applied in order; entry `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: documents with sequence numbers and tombstones, metadata, audit log.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE docs (
         coll TEXT NOT NULL,
         key TEXT NOT NULL,
         seq INTEGER NOT NULL,
         updated_at TEXT NOT NULL,
         body BLOB,
         PRIMARY KEY (coll, key)
     ) WITHOUT ROWID;
     CREATE INDEX docs_by_seq ON docs (coll, seq);
     CREATE TABLE audit (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         at TEXT NOT NULL,
         actor TEXT NOT NULL,
         action TEXT NOT NULL,
         coll TEXT NOT NULL,
         key TEXT NOT NULL
     );
     INSERT INTO meta (key, value) VALUES ('seq', '0');",
];

fn store_err(e: rusqlite::Error) -> Error {
    Error::Store(e.to_string())
}

/// SQLite implementation of [`Backend`].
pub struct SqliteBackend {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(store_err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(store_err)?;
    Ok(())
}

impl SqliteBackend {
    /// Open or create the database file, run migrations and check the format version.
    pub fn open(path: &Path) -> Result<SqliteBackend> {
        let conn = Connection::open(path).map_err(store_err)?;
        configure(&conn)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(store_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store(format!("cannot enable WAL mode (got {mode})")));
        }
        // FULL: the WAL is fsynced at every commit, so a returned write is durable.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(store_err)?;
        migrate(&conn)?;
        Ok(SqliteBackend {
            path: path.to_path_buf(),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    fn with_reader<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = match self.readers.lock().pop() {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(store_err)?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        let mut pool = self.readers.lock();
        if pool.len() < 16 {
            pool.push(conn);
        }
        out
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(store_err)?;
    if version as usize > MIGRATIONS.len() {
        return Err(Error::Store(format!(
            "store schema version {version} is newer than this program supports ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.unchecked_transaction().map_err(store_err)?;
        tx.execute_batch(sql).map_err(store_err)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(store_err)?;
        tx.commit().map_err(store_err)?;
    }
    let fv: Option<String> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'format_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(store_err)?;
    match fv {
        None => {
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('format_version', ?1)",
                params![FORMAT_VERSION.to_string()],
            )
            .map_err(store_err)?;
        }
        Some(v) => {
            let v: i64 = v
                .parse()
                .map_err(|_| Error::Store(format!("bad format_version {v:?}")))?;
            if v > FORMAT_VERSION {
                return Err(Error::Store(format!(
                    "store format version {v} is newer than this program supports ({FORMAT_VERSION})"
                )));
            }
        }
    }
    Ok(())
}

fn row_to_doc(r: &rusqlite::Row<'_>) -> rusqlite::Result<Doc> {
    Ok(Doc {
        key: r.get(0)?,
        seq: r.get(1)?,
        updated_at: r.get(2)?,
        body: r.get(3)?,
    })
}

/// Smallest string greater than every string starting with `prefix` (None: no bound).
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

impl Backend for SqliteBackend {
    fn apply(&self, ops: Vec<Op>, audit: Vec<AuditEntry>) -> Result<Applied> {
        let mut conn = self.writer.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(store_err)?;
        let mut seq: Seq = tx
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'",
                [],
                |r| r.get(0),
            )
            .map_err(store_err)?;
        let now = now_rfc3339();
        let mut applied = Applied::default();
        {
            let mut get_body = tx
                .prepare_cached("SELECT body FROM docs WHERE coll = ?1 AND key = ?2")
                .map_err(store_err)?;
            let mut put = tx
                .prepare_cached(
                    "INSERT INTO docs (coll, key, seq, updated_at, body) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (coll, key) DO UPDATE SET seq = excluded.seq,
                         updated_at = excluded.updated_at, body = excluded.body",
                )
                .map_err(store_err)?;
            for op in ops {
                match op {
                    Op::Put {
                        coll,
                        key,
                        body,
                        updated_at,
                        skip_if_same,
                    } => {
                        if skip_if_same {
                            let existing: Option<Option<Vec<u8>>> = get_body
                                .query_row(params![coll, key], |r| r.get(0))
                                .optional()
                                .map_err(store_err)?;
                            if let Some(Some(old)) = existing
                                && old == body
                            {
                                // Same content: a dump restored with its timestamps, or a
                                // re-import, must not create a change.
                                applied.unchanged += 1;
                                continue;
                            }
                        }
                        seq += 1;
                        let at = updated_at.unwrap_or_else(|| now.clone());
                        put.execute(params![coll, key, seq, at, body])
                            .map_err(store_err)?;
                        applied.changed += 1;
                    }
                    Op::Delete { coll, key } => {
                        let existing: Option<Option<Vec<u8>>> = get_body
                            .query_row(params![coll, key], |r| r.get(0))
                            .optional()
                            .map_err(store_err)?;
                        if matches!(existing, Some(Some(_))) {
                            seq += 1;
                            put.execute(params![coll, key, seq, now, Option::<Vec<u8>>::None])
                                .map_err(store_err)?;
                            applied.changed += 1;
                        }
                    }
                }
            }
            let mut ins = tx
                .prepare_cached(
                    "INSERT INTO audit (at, actor, action, coll, key) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(store_err)?;
            for a in &audit {
                ins.execute(params![a.at, a.actor, a.action, a.coll, a.key])
                    .map_err(store_err)?;
            }
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'seq'",
            params![seq.to_string()],
        )
        .map_err(store_err)?;
        tx.commit().map_err(store_err)?;
        applied.seq = seq;
        Ok(applied)
    }

    fn get(&self, coll: &str, key: &str) -> Result<Option<Doc>> {
        self.with_reader(|c| {
            let mut st = c
                .prepare_cached("SELECT key, seq, updated_at, body FROM docs WHERE coll = ?1 AND key = ?2 AND body IS NOT NULL")
                .map_err(store_err)?;
            st.query_row(params![coll, key], row_to_doc).optional().map_err(store_err)
        })
    }

    fn scan_prefix(&self, coll: &str, prefix: &str) -> Result<Vec<Doc>> {
        self.with_reader(|c| {
            let upper = prefix_upper_bound(prefix);
            let mut st = c
                .prepare_cached(
                    "SELECT key, seq, updated_at, body FROM docs
                     WHERE coll = ?1 AND key >= ?2 AND (?3 IS NULL OR key < ?3) AND body IS NOT NULL
                     ORDER BY key",
                )
                .map_err(store_err)?;
            let rows = st
                .query_map(params![coll, prefix, upper], row_to_doc)
                .map_err(store_err)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
                .map_err(store_err)
        })
    }

    fn changes_since(&self, coll: &str, after: Seq, limit: usize) -> Result<Vec<Doc>> {
        self.with_reader(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT key, seq, updated_at, body FROM docs WHERE coll = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                )
                .map_err(store_err)?;
            let rows = st.query_map(params![coll, after, limit as i64], row_to_doc).map_err(store_err)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(store_err)
        })
    }

    fn last_seq(&self) -> Result<Seq> {
        self.with_reader(|c| {
            c.query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'",
                [],
                |r| r.get(0),
            )
            .map_err(store_err)
        })
    }

    fn count(&self, coll: &str) -> Result<u64> {
        self.with_reader(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM docs WHERE coll = ?1 AND body IS NOT NULL",
                params![coll],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(store_err)
        })
    }

    fn audit_since(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.with_reader(|c| {
            let mut st = c
                .prepare_cached("SELECT id, at, actor, action, coll, key FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2")
                .map_err(store_err)?;
            let rows = st
                .query_map(params![after, limit as i64], |r| {
                    Ok(AuditEntry {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        coll: r.get(4)?,
                        key: r.get(5)?,
                    })
                })
                .map_err(store_err)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(store_err)
        })
    }

    fn flush(&self) -> Result<()> {
        let conn = self.writer.lock();
        // Fold the WAL back into the main file so the directory is self-contained.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(store_err)?;
        self.readers.lock().clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(key: &str, body: &str) -> Op {
        Op::Put {
            coll: "t",
            key: key.into(),
            body: body.as_bytes().to_vec(),
            updated_at: None,
            skip_if_same: true,
        }
    }

    #[test]
    fn sequence_grows_and_identical_puts_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let b = SqliteBackend::open(&dir.path().join(FILE_NAME)).unwrap();
        let a = b.apply(vec![put("a", "1"), put("b", "2")], vec![]).unwrap();
        assert_eq!((a.seq, a.changed), (2, 2));
        let a = b.apply(vec![put("a", "1"), put("b", "3")], vec![]).unwrap();
        assert_eq!((a.seq, a.changed, a.unchanged), (3, 1, 1));
        let a = b
            .apply(
                vec![Op::Delete {
                    coll: "t",
                    key: "a".into(),
                }],
                vec![],
            )
            .unwrap();
        assert_eq!(a.seq, 4);
        assert!(b.get("t", "a").unwrap().is_none());
        let ch = b.changes_since("t", 2, 10).unwrap();
        assert_eq!(
            ch.iter()
                .map(|d| (d.key.as_str(), d.seq, d.body.is_some()))
                .collect::<Vec<_>>(),
            [("b", 3, true), ("a", 4, false)]
        );
        assert_eq!(b.count("t").unwrap(), 1);
    }

    #[test]
    fn scan_prefix_returns_only_matching_keys() {
        let dir = tempfile::tempdir().unwrap();
        let b = SqliteBackend::open(&dir.path().join(FILE_NAME)).unwrap();
        b.apply(
            vec![
                put("e1/a", "1"),
                put("e1/b", "2"),
                put("e10/a", "3"),
                put("e2/a", "4"),
            ],
            vec![],
        )
        .unwrap();
        let keys: Vec<String> = b
            .scan_prefix("t", "e1/")
            .unwrap()
            .into_iter()
            .map(|d| d.key)
            .collect();
        assert_eq!(keys, ["e1/a", "e1/b"]);
        assert_eq!(b.scan_prefix("t", "").unwrap().len(), 4);
    }

    #[test]
    fn reopening_keeps_data_and_refuses_newer_formats() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            let b = SqliteBackend::open(&path).unwrap();
            b.apply(
                vec![put("a", "1")],
                vec![AuditEntry::new("cli", "put", "t", "a")],
            )
            .unwrap();
        }
        let b = SqliteBackend::open(&path).unwrap();
        assert_eq!(b.last_seq().unwrap(), 1);
        assert_eq!(b.audit_since(0, 10).unwrap()[0].actor, "cli");
        b.writer
            .lock()
            .execute(
                "UPDATE meta SET value = '99' WHERE key = 'format_version'",
                [],
            )
            .unwrap();
        drop(b);
        assert!(SqliteBackend::open(&path).is_err());
    }
}
