//! The text index (tantivy): schema, documents, writer with sequence-stamped commits,
//! snapshots, per-segment columns, query compilation (fuzzy, prefix, thesaurus, codes) and a
//! small evaluation engine over postings that scores a document the same way whichever plan
//! reached it.
//!
//! Fields: `name` (name and brand), `trade` (offer titles, activity labels, CPV and NAF
//! labels, kinds), `body` (description, offer descriptions, references, labels) hold French
//! stems (`index/analysis.rs`), space-joined and split by tantivy's whitespace tokenizer so
//! indexing and querying share one analyser. `words` holds the folded surface words, as the
//! vocabulary for typo tolerance and prefix search. `codes` holds every prefix of the CPV and
//! NAF codes. `filters` holds filter terms (kinds, ESS, ESUS, labels, legal-form family, modes,
//! address areas) used to drive filtered queries. Numbers (`index/facts.rs`) are fast fields;
//! the supplier itself is stored as JSON (read with `pread`, not mapped: `text/directory.rs`).
//!
//! Scoring (per document, independent of how it was reached): for each query concept, the
//! best matching alternative (the typed words, or a thesaurus expression) scores
//! `weight × Σ parts`, a part scores its best variant (exact 1.0, prefix 0.8, typo 0.7 or 0.5;
//! typos only for words no profile says),
//! and a variant scores `Σ fields boost × BM25` (name 3, trade 1.5, body 1) or a constant for a
//! code. The text score is the sum over concepts.
//!
//! This is the only tantivy user. It does not plan queries, rank with geography or explain in
//! French (`index/mod.rs`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use tantivy::columnar::{Column, StrColumn};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25Weight;
use tantivy::schema::document::Value;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, Searcher,
    SegmentReader, TERMINATED, TantivyDocument, TantivyError, Term,
};

use super::analysis::{self, CodeToken, Thesaurus};
use super::bits::{Bits, Memo, TermDocs};
use super::facts::{self, AreaKey, Facts};
use super::geo::GeoDoc;
use crate::error::{Error, Result};
use crate::model::geo::GeoPoint;
use crate::model::supplier::Supplier;
use crate::referential::Referential;
use crate::store::Seq;

mod directory;
use directory::HybridDirectory;
use tantivy::Directory;

fn ierr(e: impl std::fmt::Display) -> Error {
    Error::Index(e.to_string())
}

/// Heap bytes a decoded profile takes per byte of its JSON, rounded up: measured 1.95 on
/// 40,000 generated profiles (strings, vectors, `Arc` and allocator rounding), so the
/// profile cache is charged what it really holds.
const PROFILE_HEAP_PER_JSON_BYTE: usize = 2;

/// Field boosts.
const BOOST_NAME: f32 = 3.0;
const BOOST_TRADE: f32 = 1.5;
const BOOST_BODY: f32 = 1.0;
/// Score of a code match (CPV or NAF typed in the query).
const CODE_SCORE: f32 = 4.0;
/// Variant weights.
const W_EXACT: f32 = 1.0;
const W_PREFIX: f32 = 0.8;
const W_TYPO1: f32 = 0.7;
const W_TYPO2: f32 = 0.5;
/// Weight of a thesaurus expansion relative to the typed words.
const W_SYNONYM: f32 = 0.6;
/// Bounds of a per-word weight written in the query (`tonte^2.5`).
pub const MIN_WORD_WEIGHT: f32 = 0.1;
pub const MAX_WORD_WEIGHT: f32 = 10.0;
/// Most vocabulary words a typo or prefix expansion may bring per query word.
const MAX_EXPANSIONS: usize = 10;

#[derive(Debug, Clone, Copy)]
struct Fields {
    siret: Field,
    name: Field,
    trade: Field,
    body: Field,
    codes: Field,
    words: Field,
    filters: Field,
    doc: Field,
    sid: Field,
    kinds: Field,
    flags: Field,
    commune: Field,
    city: Field,
    epci: Field,
    dept: Field,
    region: Field,
    naf: Field,
    acts: Field,
    lat: Field,
    lon: Field,
    compl: Field,
    labels: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let scored = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let bare = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("whitespace")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let fast = NumericOptions::default().set_fast();
    let fields = Fields {
        siret: b.add_text_field("siret", STRING),
        name: b.add_text_field("name", scored.clone()),
        trade: b.add_text_field("trade", scored.clone()),
        body: b.add_text_field("body", scored),
        codes: b.add_text_field("codes", bare.clone()),
        words: b.add_text_field("words", bare.clone()),
        filters: b.add_text_field("filters", bare),
        doc: b.add_bytes_field("doc", STORED),
        sid: b.add_u64_field("sid", fast.clone()),
        kinds: b.add_u64_field("kinds", fast.clone()),
        flags: b.add_u64_field("flags", fast.clone()),
        commune: b.add_u64_field("commune", fast.clone()),
        city: b.add_u64_field("city", fast.clone()),
        epci: b.add_u64_field("epci", fast.clone()),
        dept: b.add_u64_field("dept", fast.clone()),
        region: b.add_u64_field("region", fast.clone()),
        naf: b.add_u64_field("naf", fast.clone()),
        acts: b.add_u64_field("acts", fast.clone()),
        lat: b.add_f64_field("lat", fast.clone()),
        lon: b.add_f64_field("lon", fast.clone()),
        compl: b.add_f64_field("compl", fast),
        labels: b.add_text_field("labels", TextOptions::default().set_fast("raw")),
    };
    (b.build(), fields)
}

/// Version of what a generation holds that its tantivy schema does not say: how texts are
/// analysed into the stored terms (folding, stop words, stems: `index/analysis.rs`), what
/// goes into each field, how facts are encoded in fast fields. Bump it with any such change:
/// a generation of another version is never searched (its terms would not match the
/// queries' any more) but rebuilt from the store ([`SearchIndex::open`](super::SearchIndex::open)).
/// 1: until stop 27 (no marker file); 2: plural and feminine `-er` words stem alike;
/// 3: so do other plurals and feminines Snowball missed (`analysis::SNOWBALL_FORMS`).
pub const FORMAT_VERSION: u32 = 3;

/// The file of a generation directory that records its [`FORMAT_VERSION`].
const FORMAT_FILE: &str = "essor-format";

/// Why the generation in `dir` cannot be used by this program (another [`FORMAT_VERSION`] or
/// tantivy schema, or it does not open), or `None` when it can. A directory without an index
/// is not stale.
pub fn stale_format(dir: &Path) -> Option<String> {
    if !dir.join("meta.json").exists() {
        return None;
    }
    match TextIndex::open_checked(dir) {
        Ok(Ok(_)) => None,
        Ok(Err(why)) => Some(why),
        Err(e) => Some(e.to_string()),
    }
}

/// The [`FORMAT_VERSION`] a generation directory records (1 when it records none).
fn recorded_format(dir: &Path) -> u32 {
    std::fs::read_to_string(dir.join(FORMAT_FILE))
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(1)
}

/// A tantivy index directory of one generation.
pub struct TextIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// What is derived in memory from each segment, by segment id, shared by snapshots.
    seg_text: Mutex<HashMap<u128, Arc<SegText>>>,
}

/// Why a writer could not be had.
pub enum WriterError {
    /// Another process holds the index writer (e.g. a server while a CLI runs).
    Locked,
    Other(Error),
}

impl TextIndex {
    /// Open the index in `dir`, creating it when the directory holds none.
    pub fn open_or_create(dir: &Path) -> Result<TextIndex> {
        TextIndex::open_checked(dir)?
            .map_err(|why| Error::Index(format!("{why}; run `essor reindex`")))
    }

    /// Open the index in `dir`, creating it when the directory holds none; `Ok(Err(why))`
    /// when it holds one this program cannot use: of another [`FORMAT_VERSION`] or tantivy
    /// schema, or that does not open (a generation to rebuild, not an error to stop on).
    pub fn open_checked(dir: &Path) -> Result<std::result::Result<TextIndex, String>> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let exists = dir.join("meta.json").exists();
        let directory = HybridDirectory::open(dir).map_err(ierr)?;
        let index = if exists {
            let recorded = recorded_format(dir);
            if recorded != FORMAT_VERSION {
                return Ok(Err(format!(
                    "index format {recorded} differs from this program's ({FORMAT_VERSION})"
                )));
            }
            match Index::open(directory) {
                Ok(index) => index,
                Err(e) => return Ok(Err(format!("index does not open: {e}"))),
            }
        } else {
            let settings = IndexSettings {
                docstore_compression: tantivy::store::Compressor::Lz4,
                docstore_blocksize: 8192,
                ..IndexSettings::default()
            };
            // Before the index: a marker without `meta.json` is of no index.
            directory.atomic_write(
                Path::new(FORMAT_FILE),
                format!("{FORMAT_VERSION}\n").as_bytes(),
            )?;
            Index::create(directory, schema.clone(), settings).map_err(ierr)?
        };
        if index.schema() != schema {
            return Ok(Err("index schema differs from this program's".into()));
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(64)
            .try_into()
            .map_err(ierr)?;
        Ok(Ok(TextIndex {
            index,
            reader,
            fields,
            seg_text: Mutex::new(HashMap::new()),
        }))
    }

    /// The store sequence recorded by the last commit (0 for a new index).
    pub fn committed_seq(&self) -> Result<Seq> {
        let metas = self.index.load_metas().map_err(ierr)?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or(0))
    }

    /// A writer with `num_threads` indexing threads sharing `memory_bytes`.
    pub fn writer(
        &self,
        num_threads: usize,
        memory_bytes: usize,
    ) -> std::result::Result<TextWriter, WriterError> {
        match self
            .index
            .writer_with_num_threads::<TantivyDocument>(num_threads, memory_bytes)
        {
            Ok(w) => Ok(TextWriter {
                w,
                fields: self.fields,
                pending: 0,
            }),
            Err(TantivyError::LockFailure(..)) => Err(WriterError::Locked),
            Err(e) => Err(WriterError::Other(ierr(e))),
        }
    }

    /// Reload the reader and take a snapshot of what is committed now.
    pub fn snapshot(&self) -> Result<TextSnapshot> {
        self.reader.reload().map_err(ierr)?;
        let searcher = self.reader.searcher();
        let mut registry = self.seg_text.lock();
        let mut keep = HashMap::new();
        let mut texts = Vec::new();
        for r in searcher.segment_readers() {
            let key = segment_key(r);
            let t = registry
                .get(&key)
                .cloned()
                .unwrap_or_else(|| Arc::new(SegText::new(r.max_doc())));
            keep.insert(key, t.clone());
            texts.push(t);
        }
        *registry = keep;
        drop(registry);
        TextSnapshot::new(searcher, self.fields, texts)
    }
}

/// The single writer of an index.
pub struct TextWriter {
    w: IndexWriter<TantivyDocument>,
    fields: Fields,
    pending: usize,
}

impl TextWriter {
    /// Insert or replace a supplier; a closed supplier is removed (it never appears).
    pub fn upsert(&mut self, s: &Supplier) -> Result<()> {
        self.delete(&s.siret);
        if !s.closed {
            let doc = document(&self.fields, s, Referential::get())?;
            self.w.add_document(doc).map_err(ierr)?;
        }
        Ok(())
    }

    /// Add a supplier known to be absent from the index (a rebuild into a fresh
    /// generation): no delete is queued, where [`TextWriter::upsert`] queues one per
    /// supplier for the commit to apply.
    pub fn add_new(&mut self, s: &Supplier) -> Result<()> {
        if !s.closed {
            let doc = document(&self.fields, s, Referential::get())?;
            self.w.add_document(doc).map_err(ierr)?;
        }
        Ok(())
    }

    pub fn delete(&mut self, siret: &str) {
        self.w
            .delete_term(Term::from_field_text(self.fields.siret, siret));
        self.pending += 1;
    }

    /// Make everything added so far durable and visible to new snapshots, recording the
    /// store sequence it reflects.
    pub fn commit(&mut self, seq: Seq) -> Result<()> {
        let mut prepared = self.w.prepare_commit().map_err(ierr)?;
        prepared.set_payload(&seq.to_string());
        prepared.commit().map_err(ierr)?;
        self.pending = 0;
        Ok(())
    }

    /// Wait for background merges (after a bulk build).
    pub fn finish(self) -> Result<()> {
        self.w.wait_merging_threads().map_err(ierr)
    }
}

fn push_stems(out: &mut String, words: &mut BTreeSet<String>, text: &str) {
    for t in analysis::tokens(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.stem);
        words.insert(t.surface);
    }
}

/// The tantivy document of a validated supplier.
fn document(f: &Fields, s: &Supplier, r: &Referential) -> Result<TantivyDocument> {
    let facts = Facts::of(s, r);
    let mut words = BTreeSet::new();
    let mut name = String::new();
    push_stems(&mut name, &mut words, &s.name);
    if let Some(b) = &s.brand {
        push_stems(&mut name, &mut words, b);
    }
    let mut trade = String::new();
    for o in &s.offers {
        push_stems(&mut trade, &mut words, &o.title);
    }
    let mut codes: Vec<String> = Vec::new();
    let mut seen_cpv = HashSet::new();
    for a in &s.activities {
        if let Some(l) = &a.label {
            push_stems(&mut trade, &mut words, l);
        }
        for c in &a.cpv {
            let code8 = c.get(..8).unwrap_or(c);
            if seen_cpv.insert(code8.to_string()) {
                analysis::cpv_code_terms(code8, &mut codes);
                if let Some(cpv) = r.cpv.get(code8) {
                    push_stems(&mut trade, &mut words, cpv.label());
                }
            }
        }
    }
    if let Some(naf) = &s.naf {
        analysis::naf_code_terms(naf, &mut codes);
        if let Some(n) = r.naf.get(naf) {
            push_stems(&mut trade, &mut words, &n.label_fr);
        }
    }
    for k in &s.kinds {
        push_stems(&mut trade, &mut words, k.as_str());
        push_stems(&mut trade, &mut words, k.label_fr());
    }
    let mut body = String::new();
    push_stems(&mut body, &mut words, &s.description);
    for o in &s.offers {
        push_stems(&mut body, &mut words, &o.description);
    }
    for rf in &s.references {
        push_stems(&mut body, &mut words, &rf.client);
        push_stems(&mut body, &mut words, &rf.description);
    }
    for l in &s.labels {
        push_stems(&mut body, &mut words, l);
    }
    codes.sort();
    codes.dedup();

    let mut filters: Vec<String> = Vec::new();
    for k in &s.kinds {
        filters.push(kind_term(k.as_str()));
    }
    if s.ess {
        filters.push("ess".into());
    }
    if s.esus {
        filters.push("esus".into());
    }
    for l in &s.labels {
        filters.push(label_term(l));
    }
    if let Some(fam) = facts::flags_family(facts.flags) {
        filters.push(family_term(fam));
    }
    for m in crate::model::supplier::Mode::ALL {
        if facts::flags_modes(facts.flags) & facts::mode_bit(m) != 0 {
            filters.push(mode_term(m.as_str()));
        }
    }
    for k in facts::address_keys(
        facts.commune,
        facts.city,
        facts.epci,
        facts.dept,
        facts.region,
    ) {
        if k != u64::MAX {
            filters.push(area_term(k));
        }
    }
    filters.sort();
    filters.dedup();

    let mut d = TantivyDocument::default();
    d.add_text(f.siret, &s.siret);
    d.add_text(f.name, &name);
    d.add_text(f.trade, &trade);
    d.add_text(f.body, &body);
    d.add_text(f.codes, codes.join(" "));
    d.add_text(f.words, words.into_iter().collect::<Vec<_>>().join(" "));
    d.add_text(f.filters, filters.join(" "));
    d.add_bytes(
        f.doc,
        &serde_json::to_vec(s).map_err(|e| Error::Internal(format!("encode supplier: {e}")))?,
    );
    d.add_u64(f.sid, facts.sid);
    d.add_u64(f.kinds, facts.kinds);
    d.add_u64(f.flags, facts.flags);
    d.add_u64(f.commune, facts.commune);
    d.add_u64(f.city, facts.city);
    if let Some(e) = facts.epci {
        d.add_u64(f.epci, e);
    }
    d.add_u64(f.dept, facts.dept);
    d.add_u64(f.region, facts.region);
    if let Some(n) = facts.naf {
        d.add_u64(f.naf, n);
    }
    for w in &facts.acts {
        d.add_u64(f.acts, *w);
    }
    if let Some(p) = facts.location {
        d.add_f64(f.lat, p.lat);
        d.add_f64(f.lon, p.lon);
    }
    d.add_f64(f.compl, facts.completeness);
    for l in &s.labels {
        d.add_text(f.labels, l);
    }
    Ok(d)
}

// ---- filter terms ----

pub fn kind_term(kind: &str) -> String {
    format!("k:{kind}")
}

pub fn label_term(label: &str) -> String {
    format!("l:{}", crate::normalize::fold(label).replace(' ', "_"))
}

pub fn family_term(idx: usize) -> String {
    format!("f:{idx}")
}

pub fn mode_term(mode: &str) -> String {
    format!("m:{mode}")
}

pub fn area_term(k: AreaKey) -> String {
    format!("a:{k:x}")
}

/// A term usable to drive a query: a filter term or a code term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DriverTerm {
    Filter(String),
    /// `c…` or `n…` as in the `codes` field.
    Code(String),
}

// ---- snapshots and segments ----

/// A consistent view of the committed index.
#[derive(Clone)]
pub struct TextSnapshot {
    searcher: Searcher,
    fields: Fields,
    segments: Vec<SegmentData>,
    /// Unique per snapshot: compiled queries depend on the statistics of the whole snapshot
    /// (IDF, average field lengths), so what is cached per segment from a compiled query is
    /// keyed by it too.
    id: u64,
    /// Queries compiled on this snapshot, by mode and text.
    compiled: Arc<Memo<String, Arc<CompiledText>>>,
}

static NEXT_SNAPSHOT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn segment_key(reader: &SegmentReader) -> u128 {
    u128::from_str_radix(&reader.segment_id().uuid_string(), 16).unwrap_or(0)
}

/// What is derived in memory from an immutable segment, computed on first use and kept
/// within memory budgets: its vocabulary (for typo and prefix expansion), expansions and
/// document frequencies already looked up, decoded postings, decoded profiles.
pub struct SegText {
    vocab: OnceLock<Vocab>,
    expansions: Memo<(String, u8, bool), Arc<Vec<String>>>,
    dfs: Memo<(u8, String), u64>,
    postings: Memo<(u8, String), Arc<Posting>>,
    suppliers: Memo<u32, Arc<Supplier>>,
    /// The text sets of recent queries (keyed by their text and mode): the same trade words
    /// come back again and again from buyers, and their sets are costly to combine.
    sets: Memo<String, Arc<TextSets>>,
}

impl SegText {
    fn new(max_doc: u32) -> SegText {
        let n = max_doc as usize;
        SegText {
            vocab: OnceLock::new(),
            expansions: Memo::new(20_000),
            dfs: Memo::new(200_000),
            // Bytes: ~35 MB at 220,000 documents (about 1,300 dense posting bit sets).
            postings: Memo::new((n * 160).clamp(1 << 16, 96 << 20)),
            // Heap bytes of decoded profiles: ~70 MB at 220,000 documents (some 10,000
            // profiles; see `PROFILE_HEAP_PER_JSON_BYTE`).
            suppliers: Memo::new((n * 320).clamp(1 << 17, 128 << 20)),
            // Bytes: a three-word query's sets take about 4 bytes per document.
            sets: Memo::new((n * 200).clamp(1 << 20, 128 << 20)),
        }
    }
}

/// The words of a segment's vocabulary field, sorted, with what makes typo search fast: word
/// ids by length in characters and a signature of each word's letters.
#[derive(Default)]
struct Vocab {
    bytes: Vec<u8>,
    starts: Vec<u32>,
    sigs: Vec<u64>,
    by_len: Vec<Vec<u32>>,
}

/// A 64-bit signature of a word's letters counted up to twice (`a`, `a` again, …; other
/// characters hashed into the last 12 bits). An edit adds at most one signature element and
/// removes at most one, so two words within `d` edits differ by at most `d` set bits each way.
fn letter_signature(word: &str) -> u64 {
    let mut seen = [0u8; 27];
    let mut sig = 0u64;
    for c in word.chars() {
        let (slot, base) = match c {
            'a'..='z' => ((c as u32 - 'a' as u32) as usize, c as u32 - 'a' as u32),
            _ => (26, 0),
        };
        let k = seen[slot];
        seen[slot] = seen[slot].saturating_add(1);
        let bit = if slot < 26 {
            match k {
                0 => base,
                1 => 26 + base,
                _ => continue,
            }
        } else {
            52 + (c as u32).wrapping_mul(7).wrapping_add(u32::from(k)) % 12
        };
        sig |= 1 << bit;
    }
    sig
}

impl Vocab {
    fn build(reader: &SegmentReader, field: Field) -> Result<Vocab> {
        let inv = reader.inverted_index(field).map_err(ierr)?;
        let mut stream = inv.terms().stream().map_err(ierr)?;
        let mut v = Vocab::default();
        while stream.advance() {
            if let Ok(w) = std::str::from_utf8(stream.key()) {
                v.push(w);
            }
        }
        Ok(v)
    }

    /// Append a word (words must come in byte order).
    fn push(&mut self, w: &str) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        let id = self.sigs.len() as u32;
        self.bytes.extend_from_slice(w.as_bytes());
        self.starts.push(self.bytes.len() as u32);
        self.sigs.push(letter_signature(w));
        let len = w.chars().count();
        if self.by_len.len() <= len {
            self.by_len.resize(len + 1, Vec::new());
        }
        self.by_len[len].push(id);
    }

    fn word(&self, id: usize) -> &str {
        let b = &self.bytes[self.starts[id] as usize..self.starts[id + 1] as usize];
        std::str::from_utf8(b).unwrap_or_default()
    }

    fn num_words(&self) -> usize {
        self.sigs.len()
    }

    /// The first `max` words (in byte order) starting with `prefix`.
    fn prefixed(&self, prefix: &str, max: usize) -> Vec<String> {
        let first = {
            let (mut lo, mut hi) = (0, self.num_words());
            while lo < hi {
                let mid = (lo + hi) / 2;
                if self.word(mid).as_bytes() < prefix.as_bytes() {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            lo
        };
        (first..self.num_words())
            .map(|i| self.word(i))
            .take_while(|w| w.starts_with(prefix))
            .take(max)
            .map(str::to_string)
            .collect()
    }

    /// Every word within `distance` edits of `word` (adjacent transpositions count as one).
    fn fuzzy(&self, word: &str, distance: u8) -> Vec<String> {
        let d = usize::from(distance);
        let len = word.chars().count();
        let sig = letter_signature(word);
        let mut out = Vec::new();
        for l in len.saturating_sub(d)..=len + d {
            let Some(ids) = self.by_len.get(l) else {
                continue;
            };
            for &id in ids {
                let s = self.sigs[id as usize];
                if (sig & !s).count_ones() as usize > d || (s & !sig).count_ones() as usize > d {
                    continue;
                }
                let w = self.word(id as usize);
                if edit_distance(w, word) <= d {
                    out.push(w.to_string());
                }
            }
        }
        out
    }
}

/// The documents of a segment carrying a term, and the largest frequency of the term in one
/// of them (1 for fields without frequencies).
pub struct Posting {
    docs: TermDocs,
    /// Number of documents.
    len: u64,
    /// Documents where the term occurs more than once.
    multi: TermDocs,
    /// The frequency in each of `multi`'s documents, by document (every other document of
    /// `docs` has the term once): with the field lengths, all exact scoring needs, so scoring
    /// a few candidates never opens or seeks tantivy's postings.
    multi_tf: Vec<(u32, u32)>,
    max_tf: u32,
}

impl Posting {
    /// Whether `doc` carries the term, and its frequency there. `cur` remembers where the
    /// previous document was found in the sorted lists: documents asked in ascending order
    /// are found by galloping forward from there (any order stays correct).
    #[inline]
    fn seek(&self, doc: u32, cur: &mut Cursor) -> Option<u32> {
        let present = match &self.docs {
            TermDocs::Dense(b) => b.contains(doc),
            TermDocs::Sparse(v) => gallop(v, |d| *d, &mut cur.docs, doc).is_some(),
        };
        if !present {
            return None;
        }
        if let TermDocs::Dense(b) = &self.multi
            && !b.contains(doc)
        {
            return Some(1);
        }
        Some(gallop(&self.multi_tf, |e| e.0, &mut cur.multi, doc).map_or(1, |i| self.multi_tf[i].1))
    }
}

/// Positions in a [`Posting`]'s sorted lists.
#[derive(Clone, Copy, Default)]
struct Cursor {
    docs: usize,
    multi: usize,
}

/// The index of `doc` in `v` (sorted by `key`), searched from `*cur` forward by doubling
/// steps (from the start when `doc` lies before `*cur`); `*cur` becomes the first position
/// not before `doc`.
#[inline]
fn gallop<T>(v: &[T], key: impl Fn(&T) -> u32, cur: &mut usize, doc: u32) -> Option<usize> {
    let mut lo = (*cur).min(v.len());
    if lo > 0 && key(&v[lo - 1]) >= doc {
        lo = 0;
    }
    let mut hi = lo;
    let mut step = 1;
    while hi < v.len() && key(&v[hi]) < doc {
        lo = hi + 1;
        hi = lo + step;
        step *= 2;
    }
    let hi = hi.min(v.len());
    let i = lo + v[lo..hi].partition_point(|e| key(e) < doc);
    *cur = i;
    (i < v.len() && key(&v[i]) == doc).then_some(i)
}

/// Index of a field in the per-segment caches.
fn field_code(f: TextField) -> u8 {
    match f {
        TextField::Name => 0,
        TextField::Trade => 1,
        TextField::Body => 2,
        TextField::Code => 3,
    }
}
const FILTERS_CODE: u8 = 4;

/// The columns of one segment.
#[derive(Clone)]
pub struct SegmentData {
    reader: SegmentReader,
    text: Arc<SegText>,
    /// Documents not deleted in this snapshot.
    alive: Arc<Bits>,
    /// Field lengths of `name`, `trade`, `body`.
    norms: [Option<FieldNormReader>; 3],
    sid: Column<u64>,
    kinds: Column<u64>,
    flags: Column<u64>,
    commune: Column<u64>,
    city: Column<u64>,
    epci: Column<u64>,
    dept: Column<u64>,
    region: Column<u64>,
    naf: Column<u64>,
    acts: Column<u64>,
    lat: Column<f64>,
    lon: Column<f64>,
    compl: Column<f64>,
    labels: Option<StrColumn>,
}

impl SegmentData {
    fn new(reader: &SegmentReader, text: Arc<SegText>) -> Result<SegmentData> {
        let ff = reader.fast_fields();
        let u = |n: &str| -> Result<Column<u64>> {
            Ok(ff
                .column_opt::<u64>(n)
                .map_err(ierr)?
                .unwrap_or_else(|| Column::build_empty_column(reader.max_doc())))
        };
        let f = |n: &str| -> Result<Column<f64>> {
            Ok(ff
                .column_opt::<f64>(n)
                .map_err(ierr)?
                .unwrap_or_else(|| Column::build_empty_column(reader.max_doc())))
        };
        let alive = match reader.alive_bitset() {
            None => Bits::full(reader.max_doc()),
            Some(a) => Bits::from_docs(reader.max_doc(), a.iter_alive()),
        };
        let norm = |f: &str| {
            reader
                .schema()
                .get_field(f)
                .ok()
                .and_then(|f| reader.get_fieldnorms_reader(f).ok())
        };
        Ok(SegmentData {
            reader: reader.clone(),
            text,
            alive: Arc::new(alive),
            norms: [norm("name"), norm("trade"), norm("body")],
            sid: u("sid")?,
            kinds: u("kinds")?,
            flags: u("flags")?,
            commune: u("commune")?,
            city: u("city")?,
            epci: u("epci")?,
            dept: u("dept")?,
            region: u("region")?,
            naf: u("naf")?,
            acts: u("acts")?,
            lat: f("lat")?,
            lon: f("lon")?,
            compl: f("compl")?,
            labels: ff.str("labels").map_err(ierr)?,
        })
    }

    /// A stable identity of the segment (tantivy segment id), for caches.
    pub fn key(&self) -> u128 {
        segment_key(&self.reader)
    }

    /// Field length ids (BM25) of `name`, `trade` and `body`.
    pub fn fieldnorm_ids(&self, doc: u32) -> [u8; 3] {
        self.norms
            .each_ref()
            .map(|n| n.as_ref().map_or(0, |n| n.fieldnorm_id(doc)))
    }

    /// The documents alive in this snapshot.
    pub fn alive(&self) -> &Bits {
        &self.alive
    }

    /// Documents of the segment carrying a term (deleted ones included), decoded once.
    fn docs(&self, code: u8, field: Field, term: &str) -> Result<Arc<Posting>> {
        let key = (code, term.to_string());
        self.text.postings.get_or_try(&key, || {
            let mut docs = Vec::new();
            let mut max_tf = 1;
            let mut multi = Vec::new();
            let mut multi_tf = Vec::new();
            let inv = self.reader.inverted_index(field).map_err(ierr)?;
            let freqs = code < field_code(TextField::Code);
            let option = if freqs {
                IndexRecordOption::WithFreqs
            } else {
                IndexRecordOption::Basic
            };
            if let Some(mut block) = inv
                .read_block_postings(&Term::from_field_text(field, term), option)
                .map_err(ierr)?
            {
                loop {
                    let d = block.docs();
                    if d.is_empty() {
                        break;
                    }
                    docs.extend_from_slice(d);
                    if freqs {
                        for (doc, tf) in d.iter().zip(block.freqs()) {
                            if *tf > 1 {
                                multi.push(*doc);
                                multi_tf.push((*doc, *tf));
                                max_tf = max_tf.max(*tf);
                            }
                        }
                    }
                    block.advance();
                }
            }
            let len = docs.len() as u64;
            let docs = TermDocs::from_sorted(self.max_doc(), docs);
            let multi = TermDocs::from_sorted(self.max_doc(), multi);
            multi_tf.shrink_to_fit();
            let cost = docs.heap_bytes() + multi.heap_bytes() + multi_tf.len() * 8 + 96;
            Ok((
                Arc::new(Posting {
                    docs,
                    len,
                    multi,
                    multi_tf,
                    max_tf,
                }),
                cost,
            ))
        })
    }

    /// Documents of the segment carrying a term (deleted ones included), remembered.
    fn doc_freq(&self, code: u8, field: Field, term: &str) -> Result<u64> {
        let key = (code, term.to_string());
        self.text.dfs.get_or_try(&key, || {
            let inv = self.reader.inverted_index(field).map_err(ierr)?;
            let df = inv
                .doc_freq(&Term::from_field_text(field, term))
                .map_err(ierr)?;
            Ok((u64::from(df), 1))
        })
    }

    fn vocab(&self, field: Field) -> Result<&Vocab> {
        if let Some(v) = self.text.vocab.get() {
            return Ok(v);
        }
        let v = Vocab::build(&self.reader, field)?;
        Ok(self.text.vocab.get_or_init(|| v))
    }

    pub fn max_doc(&self) -> u32 {
        self.reader.max_doc()
    }

    pub fn num_docs(&self) -> u32 {
        self.reader.num_docs()
    }

    pub fn is_alive(&self, doc: u32) -> bool {
        !self.reader.is_deleted(doc)
    }

    pub fn sid(&self, doc: u32) -> u64 {
        self.sid.first(doc).unwrap_or(0)
    }

    pub fn kinds(&self, doc: u32) -> u64 {
        self.kinds.first(doc).unwrap_or(0)
    }

    pub fn flags(&self, doc: u32) -> u64 {
        self.flags.first(doc).unwrap_or(0)
    }

    pub fn dept(&self, doc: u32) -> AreaKey {
        self.dept.first(doc).unwrap_or(0)
    }

    pub fn region(&self, doc: u32) -> AreaKey {
        self.region.first(doc).unwrap_or(0)
    }

    pub fn naf(&self, doc: u32) -> Option<u64> {
        self.naf.first(doc)
    }

    /// Address areas: commune, city, EPCI (`u64::MAX` when none), département, region.
    pub fn address(&self, doc: u32) -> [AreaKey; 5] {
        facts::address_keys(
            self.commune.first(doc).unwrap_or(0),
            self.city.first(doc).unwrap_or(0),
            self.epci.first(doc),
            self.dept(doc),
            self.region(doc),
        )
    }

    pub fn completeness(&self, doc: u32) -> f64 {
        self.compl.first(doc).unwrap_or(0.0)
    }

    pub fn location(&self, doc: u32) -> Option<GeoPoint> {
        match (self.lat.first(doc), self.lon.first(doc)) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        }
    }

    /// Activity words of a document into `out` (cleared first).
    pub fn acts(&self, doc: u32, out: &mut Vec<u64>) {
        out.clear();
        out.extend(self.acts.values_for_doc(doc));
    }

    /// Label ordinals of a document (segment-local).
    pub fn label_ords(&self, doc: u32, out: &mut Vec<u64>) {
        out.clear();
        if let Some(l) = &self.labels {
            out.extend(l.term_ords(doc));
        }
    }

    /// The label of a segment-local ordinal.
    pub fn label_str(&self, ord: u64) -> Option<String> {
        let mut s = String::new();
        match &self.labels {
            Some(l) if l.ord_to_str(ord, &mut s).ok()? => Some(s),
            _ => None,
        }
    }

    /// Segment-local ordinals of labels whose folded form is one of `folded`.
    pub fn label_ords_matching(&self, folded: &[String]) -> Vec<u64> {
        let Some(l) = &self.labels else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for ord in 0..l.num_terms() as u64 {
            if let Some(s) = self.label_str(ord)
                && folded.contains(&crate::normalize::fold(&s))
            {
                out.push(ord);
            }
        }
        out
    }

    /// Every document's geographic facts, for building the segment's geo index.
    pub fn geo_docs(&self, mut f: impl FnMut(GeoDoc<'_>)) {
        let mut acts = Vec::new();
        for doc in 0..self.max_doc() {
            self.acts(doc, &mut acts);
            f(GeoDoc {
                doc,
                location: self.location(doc),
                own_dept: self.dept(doc),
                address: self.address(doc),
                acts: &acts,
            });
        }
    }
}

impl TextSnapshot {
    fn new(searcher: Searcher, fields: Fields, texts: Vec<Arc<SegText>>) -> Result<TextSnapshot> {
        let segments = searcher
            .segment_readers()
            .iter()
            .zip(texts)
            .map(|(r, t)| SegmentData::new(r, t))
            .collect::<Result<Vec<_>>>()?;
        Ok(TextSnapshot {
            searcher,
            fields,
            segments,
            id: NEXT_SNAPSHOT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            compiled: Arc::new(Memo::new(4096)),
        })
    }

    pub fn segments(&self) -> &[SegmentData] {
        &self.segments
    }

    /// Live documents.
    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Live documents whose `name`, `trade` or `body` field holds every stem of `word`.
    pub fn word_doc_freq(&self, word: &str) -> Result<u64> {
        let mut stems: Vec<String> = analysis::tokens(word).into_iter().map(|t| t.stem).collect();
        stems.sort();
        stems.dedup();
        if stems.is_empty() {
            return Ok(0);
        }
        let mut total = 0;
        for seg in &self.segments {
            let mut all = seg.alive().clone();
            for st in &stems {
                let mut any = Bits::empty(seg.max_doc());
                for f in [TextField::Name, TextField::Trade, TextField::Body] {
                    seg.docs(field_code(f), self.field_of(f), st)?
                        .docs
                        .or_into(&mut any);
                }
                all.and(&any);
            }
            total += all.count();
        }
        Ok(total)
    }

    /// The stored supplier of a document (decoded profiles are remembered per segment).
    pub fn supplier(&self, seg: u32, doc: u32) -> Result<Arc<Supplier>> {
        self.segments[seg as usize]
            .text
            .suppliers
            .get_or_try(&doc, || {
                let d: TantivyDocument =
                    self.searcher.doc(DocAddress::new(seg, doc)).map_err(ierr)?;
                let bytes = d
                    .get_first(self.fields.doc)
                    .and_then(|v| v.as_bytes())
                    .ok_or_else(|| ierr("stored document without body"))?;
                let s: Supplier = serde_json::from_slice(bytes)
                    .map_err(|e| ierr(format!("corrupt stored supplier: {e}")))?;
                Ok((Arc::new(s), bytes.len() * PROFILE_HEAP_PER_JSON_BYTE + 256))
            })
    }

    /// Where a live supplier is, by SIRET.
    pub fn find(&self, siret: &str) -> Result<Option<(u32, u32)>> {
        let term = Term::from_field_text(self.fields.siret, siret);
        for (ord, seg) in self.segments.iter().enumerate() {
            let inv = seg.reader.inverted_index(self.fields.siret).map_err(ierr)?;
            if let Some(mut p) = inv
                .read_postings(&term, IndexRecordOption::Basic)
                .map_err(ierr)?
            {
                let mut doc = p.doc();
                while doc != TERMINATED {
                    if seg.is_alive(doc) {
                        return Ok(Some((ord as u32, doc)));
                    }
                    doc = p.advance();
                }
            }
        }
        Ok(None)
    }

    fn driver_field<'t>(&self, t: &'t DriverTerm) -> (u8, Field, &'t str) {
        match t {
            DriverTerm::Filter(s) => (FILTERS_CODE, self.fields.filters, s),
            DriverTerm::Code(s) => (field_code(TextField::Code), self.fields.codes, s),
        }
    }

    /// An upper bound of the documents carrying any of the terms.
    pub fn estimate(&self, terms: &[DriverTerm]) -> Result<u64> {
        let mut n = 0;
        for t in terms {
            let (code, field, term) = self.driver_field(t);
            for seg in &self.segments {
                n += seg.doc_freq(code, field, term)?;
            }
        }
        Ok(n)
    }

    /// The documents of a segment carrying any of the terms (deleted included).
    pub fn driver_bits(&self, seg: u32, terms: &[DriverTerm]) -> Result<Bits> {
        let sd = &self.segments[seg as usize];
        let mut bits = Bits::empty(sd.max_doc());
        for t in terms {
            let (code, field, term) = self.driver_field(t);
            sd.docs(code, field, term)?.docs.or_into(&mut bits);
        }
        Ok(bits)
    }

    /// Whether some profile says this surface word (folded).
    fn knows(&self, word: &str) -> Result<bool> {
        for seg in &self.segments {
            if seg
                .vocab(self.fields.words)?
                .prefixed(word, 1)
                .first()
                .map(String::as_str)
                == Some(word)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Surface words of the vocabulary within `distance` edits of `word`, or starting with it
    /// when `prefix` (at most `MAX_EXPANSIONS`, shortest and lexicographically first). Each
    /// segment contributes its words within `distance` and its first `4 × MAX_EXPANSIONS`
    /// words with the prefix (in byte order).
    fn expand(&self, word: &str, distance: u8, prefix: bool) -> Result<Vec<String>> {
        let mut found: BTreeSet<(usize, String)> = BTreeSet::new();
        let key = (word.to_string(), distance, prefix);
        for seg in &self.segments {
            let words = seg.text.expansions.get_or_try(&key, || {
                let v = seg.vocab(self.fields.words)?;
                let mut out = Vec::new();
                if prefix {
                    out.extend(v.prefixed(word, 4 * MAX_EXPANSIONS));
                }
                if distance > 0 {
                    out.extend(v.fuzzy(word, distance));
                }
                Ok::<_, Error>((Arc::new(out), 1))
            })?;
            for w in words.iter() {
                found.insert((w.len(), w.clone()));
            }
        }
        Ok(found
            .into_iter()
            .take(MAX_EXPANSIONS)
            .map(|(_, w)| w)
            .collect())
    }

    /// Compile free text into concepts, expansions and per-field terms with BM25 weights.
    pub fn compile(&self, text: &str, mode: TextMode) -> Result<Arc<CompiledText>> {
        // Buyers repeat the same trade words: a compiled query is remembered (one entry each,
        // 4,096 at most) for the life of the snapshot.
        let key = format!("{mode:?}\u{1}{text}");
        self.compiled.get_or_try(&key, || {
            Ok((Arc::new(self.compile_uncached(text, mode)?), 1))
        })
    }

    fn compile_uncached(&self, text: &str, mode: TextMode) -> Result<CompiledText> {
        let mut b = Builder {
            snap: self,
            pairs: Vec::new(),
            pair_ids: HashMap::new(),
            stats: HashMap::new(),
        };
        // The last word is being typed (a prefix) unless followed by a space or weighted.
        let mut ends_open = !text.ends_with(char::is_whitespace);
        // Split codes from words, keeping order; words written `word^2.5` carry a weight
        // (byte range in the run, weight).
        enum Item {
            Code(CodeToken, f32),
            Words(String, Vec<(usize, usize, f32)>),
        }
        let mut items: Vec<Item> = Vec::new();
        for raw in text.split_whitespace() {
            let (w, weight) = split_weight(raw);
            if weight.is_some() && !text.ends_with(char::is_whitespace) {
                ends_open = false;
            } else if !text.ends_with(char::is_whitespace) {
                ends_open = true;
            }
            match analysis::code_token(w) {
                Some(c) => items.push(Item::Code(c, weight.unwrap_or(1.0))),
                None => {
                    if !matches!(items.last(), Some(Item::Words(..))) {
                        items.push(Item::Words(String::new(), Vec::new()));
                    }
                    if let Some(Item::Words(s, weights)) = items.last_mut() {
                        if !s.is_empty() {
                            s.push(' ');
                        }
                        let start = s.len();
                        s.push_str(w);
                        if let Some(x) = weight {
                            weights.push((start, s.len(), x));
                        }
                    }
                }
            }
        }
        let last_is_words = matches!(items.last(), Some(Item::Words(..)));
        let mut concepts = Vec::new();
        let mut relevance_stems = Vec::new();
        let n_items = items.len();
        for (ii, item) in items.into_iter().enumerate() {
            match item {
                Item::Code(c, weight) => {
                    let mut concept = b.code_concept(&c)?;
                    concept.weight = weight;
                    concepts.push(concept);
                }
                Item::Words(run, weights) => {
                    let toks = analysis::tokens(&run);
                    // The weight of a concept: the largest weight among its words.
                    let weight_of = |span: &[analysis::Token]| {
                        span.iter()
                            .filter_map(|t| {
                                weights
                                    .iter()
                                    .find(|(s, e, _)| t.start >= *s && t.end <= *e)
                                    .map(|(_, _, x)| *x)
                            })
                            .fold(None, |a: Option<f32>, x| Some(a.map_or(x, |a| a.max(x))))
                            .unwrap_or(1.0)
                    };
                    let stems: Vec<String> = toks.iter().map(|t| t.stem.clone()).collect();
                    let matches = Thesaurus::get().find(&stems);
                    let mut i = 0;
                    let mut mi = 0;
                    while i < toks.len() {
                        let is_last_tok =
                            ii + 1 == n_items && last_is_words && ends_open && i + 1 == toks.len();
                        if mi < matches.len() && matches[mi].start == i {
                            let m = &matches[mi];
                            let span = &toks[i..i + m.len];
                            let span_last = ii + 1 == n_items
                                && last_is_words
                                && ends_open
                                && i + m.len == toks.len();
                            let mut concept =
                                b.word_concept(&run, span, span_last, &m.alternatives)?;
                            concept.weight = weight_of(span);
                            concepts.push(concept);
                            for alt in &m.alternatives {
                                relevance_stems.extend(alt.stems.iter().cloned());
                            }
                            relevance_stems.extend(span.iter().map(|t| t.stem.clone()));
                            i += m.len;
                            mi += 1;
                        } else {
                            let span = &toks[i..i + 1];
                            let mut concept = b.word_concept(&run, span, is_last_tok, &[])?;
                            concept.weight = weight_of(span);
                            concepts.push(concept);
                            relevance_stems.push(toks[i].stem.clone());
                            i += 1;
                        }
                    }
                }
            }
        }
        for c in &mut concepts {
            c.estimate = c.pair_ids().map(|p| b.pairs[p].df).sum();
        }
        // Evaluate the most selective concepts first: fewer postings read when they miss.
        let mut order: Vec<usize> = (0..concepts.len()).collect();
        order.sort_by_key(|&i| (concepts[i].estimate, i));
        let total_docs = self
            .searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum::<u64>();
        let lead: Vec<usize> = match mode {
            TextMode::All => concepts
                .iter()
                .min_by_key(|c| c.estimate)
                .map(|c| {
                    let mut v: Vec<usize> = c.pair_ids().collect();
                    v.sort();
                    v.dedup();
                    v
                })
                .unwrap_or_default(),
            TextMode::Any => (0..b.pairs.len()).collect(),
        };
        let estimate = lead
            .iter()
            .map(|&p| b.pairs[p].df)
            .sum::<u64>()
            .min(total_docs);
        relevance_stems.sort();
        relevance_stems.dedup();
        let avg_fieldnorm = [TextField::Name, TextField::Trade, TextField::Body]
            .map(|f| b.stats.get(&self.field_of(f)).map_or(1.0, |s| s.1));
        Ok(CompiledText {
            concepts,
            order,
            pairs: b.pairs,
            mode,
            estimate,
            relevance_stems,
            avg_fieldnorm,
            key: format!("{}\u{1}{mode:?}\u{1}{text}", self.id),
        })
    }

    /// The evaluator of a compiled query on one segment, from the segment's decoded postings
    /// (shared with the text sets) and field lengths.
    pub fn matcher<'a>(&self, ct: &'a CompiledText, seg: u32) -> Result<SegMatcher<'a>> {
        let sd = &self.segments[seg as usize];
        let mut presence = Vec::with_capacity(ct.pairs.len());
        for pair in &ct.pairs {
            presence.push(sd.docs(
                field_code(pair.field),
                self.field_of(pair.field),
                &pair.term,
            )?);
        }
        let norm_of = ct
            .pairs
            .iter()
            .map(|pair| match pair.field {
                TextField::Code => None,
                f => {
                    let i = field_code(f) as usize;
                    sd.norms[i].is_some().then_some(i)
                }
            })
            .collect();
        Ok(SegMatcher {
            ct,
            presence,
            norm_of,
            norms: [0; 3],
            cursors: vec![Cursor::default(); ct.pairs.len()],
            cache: vec![(TERMINATED, 0.0); ct.pairs.len()],
            scores: vec![0.0; ct.concepts.len()],
        })
    }

    /// The documents of a segment matching the text, as bit sets made from the segment's
    /// decoded postings (deleted documents included), with what bounds each document's text
    /// score.
    pub fn text_sets(&self, ct: &CompiledText, seg: u32) -> Result<Arc<TextSets>> {
        self.segments[seg as usize]
            .text
            .sets
            .get_or_try(&ct.key, || {
                let sets = self.make_text_sets(ct, seg)?;
                let cost = sets.heap_bytes() + ct.key.len() + 64;
                Ok((Arc::new(sets), cost))
            })
    }

    fn make_text_sets(&self, ct: &CompiledText, seg: u32) -> Result<TextSets> {
        let sd = &self.segments[seg as usize];
        let n = sd.max_doc();
        let mut postings = Vec::with_capacity(ct.pairs.len());
        for pair in &ct.pairs {
            postings.push(sd.docs(
                field_code(pair.field),
                self.field_of(pair.field),
                &pair.term,
            )?);
        }
        let mut concepts = Vec::with_capacity(ct.concepts.len());
        for c in &ct.concepts {
            // Per field, the most frequent term's document count: a term far rarer is "rare"
            // (its high IDF must not loosen the bound of every other document).
            let mut max_len = [0u64; 4];
            for p in c.pair_ids() {
                let f = ct.pairs[p].field as usize;
                max_len[f] = max_len[f].max(postings[p].len);
            }
            let is_rare = |p: usize| postings[p].len * 8 < max_len[ct.pairs[p].field as usize];
            let mut bits = Bits::empty(n);
            let mut field_bits: [Option<Bits>; 4] = Default::default();
            let mut rare_bits: [Option<Bits>; 4] = Default::default();
            let mut multi_bits: [Option<Bits>; 4] = Default::default();
            let mut max_tf_all = [1u32; 4];
            let mut max_tf_common = [1u32; 4];
            for alt in &c.alts {
                let mut alt_bits: Option<Bits> = None;
                for part in &alt.parts {
                    let mut part_bits = Bits::empty(n);
                    for v in &part.variants {
                        for &p in &v.pairs {
                            let fi = ct.pairs[p].field as usize;
                            let posting = &postings[p];
                            posting.docs.or_into(&mut part_bits);
                            posting
                                .docs
                                .or_into(field_bits[fi].get_or_insert_with(|| Bits::empty(n)));
                            max_tf_all[fi] = max_tf_all[fi].max(posting.max_tf);
                            if is_rare(p) {
                                posting
                                    .docs
                                    .or_into(rare_bits[fi].get_or_insert_with(|| Bits::empty(n)));
                            } else {
                                max_tf_common[fi] = max_tf_common[fi].max(posting.max_tf);
                                posting
                                    .multi
                                    .or_into(multi_bits[fi].get_or_insert_with(|| Bits::empty(n)));
                            }
                        }
                    }
                    alt_bits = Some(match alt_bits {
                        None => part_bits,
                        Some(mut a) => {
                            a.and(&part_bits);
                            a
                        }
                    });
                }
                if let Some(a) = alt_bits {
                    bits.or(&a);
                }
            }
            let m_all = concept_bound(ct, c, |_| true);
            let m_common = concept_bound(ct, c, |p| !is_rare(p));
            let mut bounds = Vec::new();
            for (fi, fb) in field_bits.into_iter().enumerate() {
                let Some(fb) = fb else { continue };
                if m_all[fi] <= 0.0 {
                    continue;
                }
                // BM25's frequency factor tf / (tf + norm) grows with tf and shrinks as the
                // field lengthens: bound it per field length with the largest frequency that
                // can occur.
                let table = |m: f32, max_tf: u32| {
                    let mut t = Box::new([m; 256]);
                    if fi < 3 {
                        let avg = ct.avg_fieldnorm[fi];
                        let tf = max_tf as f32;
                        for (id, x) in t.iter_mut().enumerate() {
                            let norm = bm25_norm(FieldNormReader::id_to_fieldnorm(id as u8), avg);
                            *x = m * (tf / (tf + norm));
                        }
                    }
                    t
                };
                let rare = rare_bits[fi]
                    .take()
                    .map(|b| (b, table(m_all[fi], max_tf_all[fi])));
                let multi = multi_bits[fi]
                    .take()
                    .filter(|b| !b.is_empty())
                    .map(|b| (b, table(m_common[fi], max_tf_common[fi])));
                let single = table(m_common[fi], 1);
                let best = |t: Option<&[f32; 256]>| {
                    t.map_or(0.0, |t| t.iter().fold(0f32, |a, &b| a.max(b)))
                };
                let best = [
                    best(rare.as_ref().map(|r| &*r.1)),
                    best(multi.as_ref().map(|m| &*m.1)),
                    best(Some(&single)),
                ];
                bounds.push(FieldBound {
                    bits: fb,
                    field: fi,
                    rare,
                    multi,
                    single,
                    best,
                });
            }
            concepts.push(ConceptSet {
                bits,
                fields: bounds,
            });
        }
        let mut matched = match ct.mode {
            TextMode::All if !concepts.is_empty() => Bits::full(n),
            _ => Bits::empty(n),
        };
        for c in &concepts {
            match ct.mode {
                TextMode::All => matched.and(&c.bits),
                TextMode::Any => matched.or(&c.bits),
            }
        }
        Ok(TextSets { matched, concepts })
    }

    fn field_of(&self, f: TextField) -> Field {
        match f {
            TextField::Name => self.fields.name,
            TextField::Trade => self.fields.trade,
            TextField::Body => self.fields.body,
            TextField::Code => self.fields.codes,
        }
    }
}

// ---- compiled queries ----

/// How several query words combine.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TextMode {
    /// Every word (or one of its expansions) must match: search.
    #[default]
    All,
    /// At least one word must match; more matches score higher: long texts such as a need.
    Any,
}

/// Which part of the profile a term was found in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    Name,
    Trade,
    Body,
    Code,
}

/// How a query word reached a document term.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    Exact,
    Prefix,
    Typo,
    Synonym,
    Code,
}

struct Pair {
    field: TextField,
    term: String,
    df: u64,
    bm25: Option<Bm25Weight>,
    boost: f32,
}

impl Pair {
    /// An upper bound of the pair's contribution to any document: BM25 with its
    /// term-frequency factor at 1 (it is below 1), or the code score.
    fn max_score(&self) -> f32 {
        match &self.bm25 {
            Some(w) => (self.boost * w.score(0, u32::MAX)).max(self.boost * w.max_score()),
            None => CODE_SCORE,
        }
    }
}

struct Variant {
    stem: String,
    /// The vocabulary word it came from (or the typed word).
    surface: String,
    kind: MatchKind,
    weight: f32,
    pairs: Vec<usize>,
}

struct Part {
    variants: Vec<Variant>,
}

struct Alt {
    weight: f32,
    /// The thesaurus expression, for a synonym alternative.
    synonym: Option<String>,
    parts: Vec<Part>,
}

struct Concept {
    /// The words as typed.
    display: String,
    alts: Vec<Alt>,
    estimate: u64,
    /// The weight written after the word (`tonte^2.5`), 1 by default.
    weight: f32,
}

impl Concept {
    fn pair_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.alts.iter().flat_map(|a| {
            a.parts
                .iter()
                .flat_map(|p| p.variants.iter().flat_map(|v| v.pairs.iter().copied()))
        })
    }
}

/// A query text compiled against a snapshot.
pub struct CompiledText {
    concepts: Vec<Concept>,
    order: Vec<usize>,
    pairs: Vec<Pair>,
    mode: TextMode,
    estimate: u64,
    relevance_stems: Vec<String>,
    /// Average length of `name`, `trade`, `body` (as BM25 weights saw it).
    avg_fieldnorm: [f32; 3],
    /// What the query was compiled from (mode and text): the key of its cached text sets.
    key: String,
}

impl CompiledText {
    /// Whether the text had any searchable word or code.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// An upper bound of the documents the text can match.
    pub fn estimate(&self) -> u64 {
        self.estimate
    }

    /// Stems of the typed words and their thesaurus expansions: an activity whose label
    /// contains one is relevant to the query.
    pub fn relevance_stems(&self) -> &[String] {
        &self.relevance_stems
    }
}

/// The documents of one segment matching a compiled text, and bounds of their scores.
pub struct TextSets {
    matched: Bits,
    concepts: Vec<ConceptSet>,
}

impl TextSets {
    /// Memory held, in bytes.
    fn heap_bytes(&self) -> usize {
        let table = std::mem::size_of::<[f32; 256]>();
        self.matched.heap_bytes()
            + self
                .concepts
                .iter()
                .map(|c| {
                    c.bits.heap_bytes()
                        + c.fields
                            .iter()
                            .map(|f| {
                                f.bits.heap_bytes()
                                    + table
                                    + f.rare.as_ref().map_or(0, |r| r.0.heap_bytes() + table)
                                    + f.multi.as_ref().map_or(0, |m| m.0.heap_bytes() + table)
                            })
                            .sum::<usize>()
                })
                .sum::<usize>()
    }
}

struct ConceptSet {
    /// Documents where the concept matches.
    bits: Bits,
    fields: Vec<FieldBound>,
}

/// Documents where some term of a concept occurs in one field, and the most the concept can
/// score from that field, by the document's field length id: for documents holding one of
/// the concept's rare terms in the field; else for those holding a term more than once; else
/// (every term present once).
struct FieldBound {
    bits: Bits,
    field: usize,
    rare: Option<(Bits, Box<[f32; 256]>)>,
    multi: Option<(Bits, Box<[f32; 256]>)>,
    single: Box<[f32; 256]>,
    /// The largest entry of the rare, multi and single tables, for bounds that do not
    /// read the document's field lengths.
    best: [f32; 3],
}

impl FieldBound {
    /// The table bounding `doc`, and its index in `best`: rare, multi, single.
    #[inline]
    fn table(&self, doc: u32) -> (&[f32; 256], usize) {
        if let Some((b, t)) = &self.rare
            && b.contains(doc)
        {
            return (t, 0);
        }
        if let Some((b, t)) = &self.multi
            && b.contains(doc)
        {
            return (t, 1);
        }
        (&self.single, 2)
    }
}

/// Per field, the most a concept can score from the field's terms accepted by `keep`, before
/// BM25's frequency factor: the best alternative of the sum over its parts of the best
/// variant's weighted term bound.
fn concept_bound(ct: &CompiledText, c: &Concept, keep: impl Fn(usize) -> bool) -> [f32; 4] {
    let mut m = [0f32; 4];
    for alt in &c.alts {
        let mut alt_bound = [0f32; 4];
        for part in &alt.parts {
            let mut part_bound = [0f32; 4];
            for v in &part.variants {
                for &p in &v.pairs {
                    if keep(p) {
                        let fi = ct.pairs[p].field as usize;
                        part_bound[fi] = part_bound[fi].max(v.weight * ct.pairs[p].max_score());
                    }
                }
            }
            for f in 0..4 {
                alt_bound[f] += part_bound[f];
            }
        }
        for f in 0..4 {
            m[f] = m[f].max(alt.weight * alt_bound[f] * c.weight);
        }
    }
    m
}

/// The length normalisation of BM25 for a field length, as tantivy computes it.
fn bm25_norm(fieldnorm: u32, average_fieldnorm: f32) -> f32 {
    const K1: f32 = 1.2;
    const B: f32 = 0.75;
    K1 * (1.0 - B + B * fieldnorm as f32 / average_fieldnorm)
}

impl TextSets {
    /// The matching documents (deleted ones included).
    pub fn matched(&self) -> &Bits {
        &self.matched
    }

    /// An upper bound of [`SegMatcher::score`] for a matching document, given its field
    /// length ids of `name`, `trade`, `body` ([`SegmentData::fieldnorm_ids`]).
    pub fn upper_bound(&self, doc: u32, norms: [u8; 3]) -> f32 {
        self.bound(doc, |fb| {
            let id = norms.get(fb.field).copied().unwrap_or(0);
            fb.table(doc).0[usize::from(id)]
        })
    }

    /// An upper bound of [`TextSets::upper_bound`] for a matching document that does not
    /// need its field lengths (so not its row): the fields it matches in, each at its
    /// shortest.
    pub fn coarse_bound(&self, doc: u32) -> f32 {
        self.bound(doc, |fb| fb.best[fb.table(doc).1])
    }

    /// The sum over the concepts and fields `doc` matches in of `per_field`, with a margin.
    #[inline]
    fn bound(&self, doc: u32, per_field: impl Fn(&FieldBound) -> f32) -> f32 {
        let mut total = 0f32;
        for c in &self.concepts {
            if !c.bits.contains(doc) {
                continue;
            }
            for fb in &c.fields {
                if fb.bits.contains(doc) {
                    total += per_field(fb);
                }
            }
        }
        // Margin for rounding and the different order of floating-point additions.
        total * 1.0001 + 1e-6
    }
}

struct Builder<'a> {
    snap: &'a TextSnapshot,
    pairs: Vec<Pair>,
    pair_ids: HashMap<(TextField, String), usize>,
    stats: HashMap<Field, (u64, f32)>,
}

impl Builder<'_> {
    fn pair(&mut self, field: TextField, term: &str) -> Result<Option<usize>> {
        if let Some(&id) = self.pair_ids.get(&(field, term.to_string())) {
            return Ok(Some(id));
        }
        let f = self.snap.field_of(field);
        let mut df = 0;
        for seg in &self.snap.segments {
            df += seg.doc_freq(field_code(field), f, term)?;
        }
        if df == 0 {
            return Ok(None);
        }
        let (bm25, boost) = match field {
            TextField::Code => (None, 1.0),
            _ => {
                let (n, avg) = match self.stats.get(&f) {
                    Some(s) => *s,
                    None => {
                        let n: u64 = self
                            .snap
                            .searcher
                            .segment_readers()
                            .iter()
                            .map(|s| u64::from(s.max_doc()))
                            .sum();
                        let mut tokens = 0u64;
                        for s in self.snap.searcher.segment_readers() {
                            tokens += s.inverted_index(f).map_err(ierr)?.total_num_tokens();
                        }
                        let avg = if n == 0 {
                            1.0
                        } else {
                            (tokens as f32 / n as f32).max(1.0)
                        };
                        self.stats.insert(f, (n, avg));
                        (n, avg)
                    }
                };
                let boost = match field {
                    TextField::Name => BOOST_NAME,
                    TextField::Trade => BOOST_TRADE,
                    _ => BOOST_BODY,
                };
                (
                    Some(Bm25Weight::for_one_term_without_explain(
                        df.min(n),
                        n.max(df),
                        avg,
                    )),
                    boost,
                )
            }
        };
        let id = self.pairs.len();
        self.pairs.push(Pair {
            field,
            term: term.to_string(),
            df,
            bm25,
            boost,
        });
        self.pair_ids.insert((field, term.to_string()), id);
        Ok(Some(id))
    }

    fn text_pairs(&mut self, stem: &str) -> Result<Vec<usize>> {
        let mut v = Vec::new();
        for f in [TextField::Name, TextField::Trade, TextField::Body] {
            if let Some(p) = self.pair(f, stem)? {
                v.push(p);
            }
        }
        Ok(v)
    }

    fn code_concept(&mut self, c: &CodeToken) -> Result<Concept> {
        let (written, terms) = match c {
            CodeToken::Digits { digits, written } => {
                let mut t = vec![format!("c{digits}")];
                if digits.len() <= 4 {
                    t.push(format!("n{digits}"));
                }
                (written.clone(), t)
            }
            CodeToken::Naf { code, written } => (written.clone(), vec![format!("n{code}")]),
        };
        let mut variants = Vec::new();
        for t in terms {
            let pairs = self.pair(TextField::Code, &t)?.into_iter().collect();
            variants.push(Variant {
                stem: t,
                surface: written.clone(),
                kind: MatchKind::Code,
                weight: 1.0,
                pairs,
            });
        }
        Ok(Concept {
            display: written,
            alts: vec![Alt {
                weight: 1.0,
                synonym: None,
                parts: vec![Part { variants }],
            }],
            estimate: 0,
            weight: 1.0,
        })
    }

    fn word_part(&mut self, tok: &analysis::Token, is_last: bool) -> Result<Part> {
        let mut by_stem: HashMap<String, Variant> = HashMap::new();
        let mut add = |b: &mut Self,
                       stem: String,
                       surface: String,
                       kind: MatchKind,
                       weight: f32|
         -> Result<()> {
            if let Some(v) = by_stem.get_mut(&stem) {
                if weight > v.weight {
                    v.weight = weight;
                    v.kind = kind;
                    v.surface = surface;
                }
                return Ok(());
            }
            let pairs = b.text_pairs(&stem)?;
            by_stem.insert(
                stem.clone(),
                Variant {
                    stem,
                    surface,
                    kind,
                    weight,
                    pairs,
                },
            );
            Ok(())
        };
        add(
            self,
            tok.stem.clone(),
            tok.surface.clone(),
            MatchKind::Exact,
            W_EXACT,
        )?;
        let len = tok.surface.chars().count();
        // A word the corpus itself uses is taken as written: expanding it to its neighbours
        // by spelling (`tables` → `etables`, `portes` → `postes`) adds noise, not recall.
        // Typo tolerance is for the words no profile says.
        let known = || self.snap.knows(&tok.surface);
        let distance = if len >= 9 {
            2
        } else if len >= 5 {
            1
        } else {
            0
        };
        let distance = if distance > 0 && known()? {
            0
        } else {
            distance
        };
        let is_digits = tok.surface.bytes().all(|b| b.is_ascii_digit());
        if !is_digits && (distance > 0 || (is_last && len >= 3)) {
            let prefix = is_last && len >= 3;
            for w in self.snap.expand(&tok.surface, distance, false)? {
                let d = if w == tok.surface {
                    0
                } else {
                    edit_distance(&w, &tok.surface)
                };
                let weight = match d {
                    0 => W_EXACT,
                    1 => W_TYPO1,
                    _ => W_TYPO2,
                };
                add(
                    self,
                    analysis::stem(&w),
                    w,
                    if d == 0 {
                        MatchKind::Exact
                    } else {
                        MatchKind::Typo
                    },
                    weight,
                )?;
            }
            if prefix {
                for w in self.snap.expand(&tok.surface, 0, true)? {
                    let exact = w == tok.surface;
                    add(
                        self,
                        analysis::stem(&w),
                        w,
                        if exact {
                            MatchKind::Exact
                        } else {
                            MatchKind::Prefix
                        },
                        if exact { W_EXACT } else { W_PREFIX },
                    )?;
                }
            }
        }
        let mut variants: Vec<Variant> = by_stem.into_values().collect();
        variants.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.stem.cmp(&b.stem))
        });
        Ok(Part { variants })
    }

    fn word_concept(
        &mut self,
        run: &str,
        toks: &[analysis::Token],
        last_open: bool,
        synonyms: &[analysis::ThesaurusEntry],
    ) -> Result<Concept> {
        let mut parts = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            parts.push(self.word_part(t, last_open && i + 1 == toks.len())?);
        }
        let display = run[toks[0].start..toks[toks.len() - 1].end].to_string();
        let mut alts = vec![Alt {
            weight: 1.0,
            synonym: None,
            parts,
        }];
        for s in synonyms {
            let mut parts = Vec::new();
            for st in &s.stems {
                let pairs = self.text_pairs(st)?;
                parts.push(Part {
                    variants: vec![Variant {
                        stem: st.clone(),
                        surface: st.clone(),
                        kind: MatchKind::Synonym,
                        weight: 1.0,
                        pairs,
                    }],
                });
            }
            alts.push(Alt {
                weight: W_SYNONYM,
                synonym: Some(s.display.clone()),
                parts,
            });
        }
        Ok(Concept {
            display,
            alts,
            estimate: 0,
            weight: 1.0,
        })
    }
}

/// Split a per-word weight off a query word: `tonte^2.5` gives (`tonte`, 2.5). The weight is
/// a number clamped to [`MIN_WORD_WEIGHT`, `MAX_WORD_WEIGHT`]; a `^` not followed by a
/// number is left in the word (the analyser treats it as a separator).
pub fn split_weight(word: &str) -> (&str, Option<f32>) {
    if let Some((w, x)) = word.rsplit_once('^')
        && !w.is_empty()
        && !x.is_empty()
        && x.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && let Ok(v) = x.parse::<f32>()
        && v.is_finite()
    {
        return (w, Some(v.clamp(MIN_WORD_WEIGHT, MAX_WORD_WEIGHT)));
    }
    (word, None)
}

/// Edit distance with adjacent transpositions counting as one edit (optimal string
/// alignment), for short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

/// What matched for one query concept in a document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct MatchedTerm {
    /// The query words as typed (`espaces verts`, `90911200`).
    pub query: String,
    /// The word or expression found in the profile (a vocabulary word for typos and
    /// prefixes, the thesaurus expression for synonyms).
    pub matched: String,
    pub kind: MatchKind,
    /// Where it was found.
    pub fields: Vec<TextField>,
    /// Stems found, for highlighting.
    #[serde(skip)]
    pub stems: Vec<String>,
}

/// Evaluates a compiled query on the documents of one segment (fastest asked in ascending
/// order).
pub struct SegMatcher<'a> {
    ct: &'a CompiledText,
    /// Per pair: the documents carrying it and the frequencies above 1.
    presence: Vec<Arc<Posting>>,
    /// Per pair: the index of its field in the documents' field length ids (`None` for
    /// codes, which score [`CODE_SCORE`]).
    norm_of: Vec<Option<usize>>,
    /// Field length ids of `name`, `trade` and `body` of the document being evaluated.
    norms: [u8; 3],
    /// Per pair: where the last document was found in its lists.
    cursors: Vec<Cursor>,
    /// Per pair: the document last evaluated and its contribution (negative when absent).
    cache: Vec<(u32, f32)>,
    scores: Vec<f32>,
}

impl SegMatcher<'_> {
    /// The contribution of a term pair to `doc`, `None` when absent: BM25 from the term's
    /// frequency in the document and the field's length, exactly as tantivy's postings would
    /// give them.
    fn pair_score(&mut self, p: usize, doc: u32) -> Option<f32> {
        let (cached_doc, cached) = self.cache[p];
        if cached_doc == doc {
            return (cached >= 0.0).then_some(cached);
        }
        let score = self.presence[p].seek(doc, &mut self.cursors[p]).map(|tf| {
            let pair = &self.ct.pairs[p];
            match (&pair.bm25, self.norm_of[p]) {
                (Some(w), Some(i)) => pair.boost * w.score(self.norms[i], tf),
                _ => CODE_SCORE,
            }
        });
        self.cache[p] = (doc, score.unwrap_or(-1.0));
        score
    }

    fn variant_score(&mut self, c: usize, a: usize, pi: usize, vi: usize, doc: u32) -> Option<f32> {
        let n = self.ct.concepts[c].alts[a].parts[pi].variants[vi]
            .pairs
            .len();
        let mut total: Option<f32> = None;
        for k in 0..n {
            let p = self.ct.concepts[c].alts[a].parts[pi].variants[vi].pairs[k];
            if let Some(s) = self.pair_score(p, doc) {
                total = Some(total.unwrap_or(0.0) + s);
            }
        }
        total.map(|t| t * self.ct.concepts[c].alts[a].parts[pi].variants[vi].weight)
    }

    /// Best variant of a part: (score, variant index).
    fn part_score(&mut self, c: usize, a: usize, pi: usize, doc: u32) -> Option<(f32, usize)> {
        let mut best: Option<(f32, usize)> = None;
        for vi in 0..self.ct.concepts[c].alts[a].parts[pi].variants.len() {
            if let Some(s) = self.variant_score(c, a, pi, vi, doc)
                && best.is_none_or(|(b, _)| s > b)
            {
                best = Some((s, vi));
            }
        }
        best
    }

    fn alt_score(&mut self, c: usize, a: usize, doc: u32) -> Option<f32> {
        let mut total = 0.0;
        for pi in 0..self.ct.concepts[c].alts[a].parts.len() {
            total += self.part_score(c, a, pi, doc)?.0;
        }
        Some(total * self.ct.concepts[c].alts[a].weight)
    }

    /// The typed words when they match, else the best thesaurus expression: a synonym never
    /// outranks the words actually typed.
    fn concept_score(&mut self, c: usize, doc: u32) -> Option<(f32, usize)> {
        if let Some(s) = self.alt_score(c, 0, doc) {
            return Some((s, 0));
        }
        let mut best: Option<(f32, usize)> = None;
        for a in 1..self.ct.concepts[c].alts.len() {
            if let Some(s) = self.alt_score(c, a, doc)
                && best.is_none_or(|(b, _)| s > b)
            {
                best = Some((s, a));
            }
        }
        best
    }

    /// The text score of `doc`, or `None` when it does not match; `norms` are its field
    /// length ids (`SegmentData::fieldnorm_ids`).
    pub fn score(&mut self, doc: u32, norms: [u8; 3]) -> Option<f32> {
        self.norms = norms;
        let mut scores = std::mem::take(&mut self.scores);
        scores.iter_mut().for_each(|s| *s = 0.0);
        let mut any = false;
        for k in 0..self.ct.order.len() {
            let c = self.ct.order[k];
            match self.concept_score(c, doc) {
                Some((s, _)) => {
                    scores[c] = s * self.ct.concepts[c].weight;
                    any = true;
                }
                None if self.ct.mode == TextMode::All => {
                    self.scores = scores;
                    return None;
                }
                None => {}
            }
        }
        // Sum in query order so that the result never depends on evaluation order.
        let total = any.then(|| scores.iter().sum());
        self.scores = scores;
        total
    }

    /// What matched in `doc`, concept by concept; `norms` as for [`Self::score`].
    pub fn explain(&mut self, doc: u32, norms: [u8; 3]) -> Vec<MatchedTerm> {
        self.norms = norms;
        let mut out = Vec::new();
        for c in 0..self.ct.concepts.len() {
            let Some((_, a)) = self.concept_score(c, doc) else {
                continue;
            };
            let concept = &self.ct.concepts[c];
            let alt = &concept.alts[a];
            let mut fields = BTreeSet::new();
            let mut stems = Vec::new();
            let mut matched = Vec::new();
            let mut kind = MatchKind::Exact;
            for pi in 0..alt.parts.len() {
                if let Some((_, vi)) = self.part_score(c, a, pi, doc) {
                    let v = &self.ct.concepts[c].alts[a].parts[pi].variants[vi];
                    for &p in &v.pairs {
                        if self.pair_score(p, doc).is_some() {
                            fields.insert(self.ct.pairs[p].field);
                        }
                    }
                    stems.push(v.stem.clone());
                    matched.push(v.surface.clone());
                    kind = kind.max(v.kind);
                }
            }
            let alt = &self.ct.concepts[c].alts[a];
            let matched = match &alt.synonym {
                Some(s) => s.clone(),
                None => matched.join(" "),
            };
            if alt.synonym.is_some() {
                kind = MatchKind::Synonym;
            }
            out.push(MatchedTerm {
                query: concept.display.clone(),
                matched,
                kind,
                fields: fields.into_iter().collect(),
                stems,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{Vocab, edit_distance};

    #[test]
    fn vocabulary_expansion_equals_a_brute_force_scan() {
        let mut rng = crate::util::Rng::new(11);
        let letters = b"aeinrstlocuv";
        let mut words: Vec<String> = (0..3000)
            .map(|_| {
                let n = 3 + rng.index(10);
                (0..n)
                    .map(|_| letters[rng.index(letters.len())] as char)
                    .collect()
            })
            .collect();
        words.extend(["nettoyage", "nettoyages", "élagage", "elagage", "œuvre"].map(String::from));
        words.sort();
        words.dedup();
        let mut v = Vocab::default();
        for w in &words {
            v.push(w);
        }
        for q in words
            .iter()
            .step_by(7)
            .chain(&["nettoyaje".to_string(), "elagae".into()])
        {
            for d in [1u8, 2] {
                let mut got = v.fuzzy(q, d);
                got.sort();
                let want: Vec<String> = words
                    .iter()
                    .filter(|w| edit_distance(w, q) <= usize::from(d))
                    .cloned()
                    .collect();
                assert_eq!(got, want, "{q} within {d}");
            }
            let p = &q[..q.len().min(3)];
            let want: Vec<String> = words
                .iter()
                .filter(|w| w.starts_with(p))
                .take(40)
                .cloned()
                .collect();
            assert_eq!(v.prefixed(p, 40), want, "prefix {p}");
        }
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        assert_eq!(edit_distance("nettoyage", "nettoyaje"), 1);
        assert_eq!(edit_distance("elagage", "elagaeg"), 1);
        assert_eq!(edit_distance("tonte", "tonte"), 0);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
