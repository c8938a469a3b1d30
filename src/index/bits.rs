//! Dense bit sets over the documents of one index segment, and the small memo cache that keeps
//! derived per-segment data (decoded postings, vocabulary expansions, profiles) within a memory
//! budget.
//!
//! A search combines its clauses as bit sets (`index/mod.rs`): the documents alive in the
//! snapshot, those the text matches, those each filter's terms select, those the geography
//! may select; the intersection is then verified document by document with the exact rules.
//! A bit set over a 220,000-document segment is 27 KB, so an intersection costs microseconds.
//! This module knows nothing of tantivy or of what the bits mean.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

/// A fast non-cryptographic hasher (the multiply-rotate hash of rustc, "FxHash") for the
/// in-memory maps of the hot paths, whose keys come from the index, not from attackers
/// choosing collisions.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

const FX_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(FX_SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub type FxHashSet<K> = std::collections::HashSet<K, BuildHasherDefault<FxHasher>>;

/// A set of document ids below `len`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: u32,
}

impl Bits {
    /// The empty set over `len` documents.
    pub fn empty(len: u32) -> Bits {
        Bits {
            words: vec![0; (len as usize).div_ceil(64)],
            len,
        }
    }

    /// Every document below `len`.
    pub fn full(len: u32) -> Bits {
        let mut b = Bits {
            words: vec![u64::MAX; (len as usize).div_ceil(64)],
            len,
        };
        b.clear_tail();
        b
    }

    /// The set of the given documents (each below `len`).
    pub fn from_docs(len: u32, docs: impl IntoIterator<Item = u32>) -> Bits {
        let mut b = Bits::empty(len);
        for d in docs {
            b.insert(d);
        }
        b
    }

    fn clear_tail(&mut self) {
        let tail = self.len % 64;
        if tail != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1u64 << tail) - 1;
        }
    }

    /// Number of documents the set ranges over (not the number of members).
    pub fn universe(&self) -> u32 {
        self.len
    }

    #[inline]
    pub fn insert(&mut self, doc: u32) {
        self.words[(doc / 64) as usize] |= 1 << (doc % 64);
    }

    #[inline]
    pub fn contains(&self, doc: u32) -> bool {
        self.words
            .get((doc / 64) as usize)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    /// Keep only the members of `other`.
    pub fn and(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= *b);
    }

    /// Add the members of `other`.
    pub fn or(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= *b);
    }

    /// Remove the members of `other`.
    pub fn and_not(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= !*b);
    }

    /// Number of members.
    pub fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    /// Number of members of the intersection with `other`.
    pub fn count_and(&self, other: &Bits) -> u64 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The members, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let base = (i as u32) * 64;
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let t = w.trailing_zeros();
                w &= w - 1;
                Some(base + t)
            })
        })
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.words.len() * 8
    }
}

/// The documents carrying one term: a bit set when they are many, a sorted list otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermDocs {
    Dense(Bits),
    Sparse(Vec<u32>),
}

impl TermDocs {
    /// The better representation of sorted documents below `len`.
    pub fn from_sorted(len: u32, docs: Vec<u32>) -> TermDocs {
        if docs.len() as u64 * 32 > u64::from(len) {
            TermDocs::Dense(Bits::from_docs(len, docs))
        } else {
            let mut docs = docs;
            docs.shrink_to_fit();
            TermDocs::Sparse(docs)
        }
    }

    #[inline]
    pub fn contains(&self, doc: u32) -> bool {
        match self {
            TermDocs::Dense(b) => b.contains(doc),
            TermDocs::Sparse(v) => v.binary_search(&doc).is_ok(),
        }
    }

    /// Add the documents to `bits`.
    pub fn or_into(&self, bits: &mut Bits) {
        match self {
            TermDocs::Dense(b) => bits.or(b),
            TermDocs::Sparse(v) => v.iter().for_each(|d| bits.insert(*d)),
        }
    }

    /// Number of documents (deleted ones included).
    pub fn len(&self) -> u64 {
        match self {
            TermDocs::Dense(b) => b.count(),
            TermDocs::Sparse(v) => v.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn heap_bytes(&self) -> usize {
        match self {
            TermDocs::Dense(b) => b.heap_bytes(),
            TermDocs::Sparse(v) => v.capacity() * 4,
        }
    }
}

/// A thread-safe memo of values derived from immutable data, bounded by a total cost (bytes,
/// or entries): past the budget, the least recently used quarter is dropped. Values are
/// shared (`Arc` or cheap clones), so a lookup never holds the lock while the value is used.
pub struct Memo<K, V> {
    inner: Mutex<MemoInner<K, V>>,
    budget: usize,
    tick: AtomicU64,
}

struct MemoInner<K, V> {
    map: FxHashMap<K, (V, usize, u64)>,
    cost: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> Memo<K, V> {
    pub fn new(budget: usize) -> Memo<K, V> {
        Memo {
            inner: Mutex::new(MemoInner {
                map: FxHashMap::default(),
                cost: 0,
            }),
            budget,
            tick: AtomicU64::new(0),
        }
    }

    /// The value for `key`, computing it with `make` (which gives the value and its cost)
    /// when it is not known. `make` runs without the lock held: two threads may compute the
    /// same value, and one result is kept.
    pub fn get_or_try<Q, E>(
        &self,
        key: &Q,
        make: impl FnOnce() -> Result<(V, usize), E>,
    ) -> Result<V, E>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let t = self.tick.fetch_add(1, Ordering::Relaxed);
        if let Some(e) = self.inner.lock().map.get_mut(key) {
            e.2 = t;
            return Ok(e.0.clone());
        }
        let (v, cost) = make()?;
        let mut g = self.inner.lock();
        if cost <= self.budget {
            if g.cost + cost > self.budget {
                Self::evict(&mut g, (self.budget * 3 / 4).saturating_sub(cost));
            }
            if let Some(old) = g.map.insert(key.to_owned(), (v.clone(), cost, t)) {
                g.cost -= old.1;
            }
            g.cost += cost;
        }
        Ok(v)
    }

    /// Drop the least recently used entries until the cost is at most `target`.
    fn evict(g: &mut MemoInner<K, V>, target: usize) {
        let mut by_age: Vec<(u64, K)> = g.map.iter().map(|(k, e)| (e.2, k.clone())).collect();
        by_age.sort_unstable_by_key(|(t, _)| *t);
        for (_, k) in by_age {
            if g.cost <= target {
                break;
            }
            if let Some(e) = g.map.remove(&k) {
                g.cost -= e.1;
            }
        }
    }

    /// Total cost of what is kept.
    pub fn cost(&self) -> usize {
        self.inner.lock().cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_sets_combine_count_and_iterate_in_order() {
        let mut a = Bits::from_docs(130, [0, 5, 64, 129]);
        let b = Bits::from_docs(130, [5, 64, 100]);
        assert_eq!(a.count(), 4);
        assert_eq!(a.count_and(&b), 2);
        let mut u = a.clone();
        u.or(&b);
        assert_eq!(u.iter().collect::<Vec<_>>(), [0, 5, 64, 100, 129]);
        a.and(&b);
        assert_eq!(a.iter().collect::<Vec<_>>(), [5, 64]);
        assert!(!a.contains(0) && a.contains(64) && !a.contains(1000));
        let full = Bits::full(130);
        assert_eq!(full.count(), 130);
        assert_eq!(full.iter().last(), Some(129));
    }

    #[test]
    fn doc_sets_pick_their_representation_and_add_into_bits() {
        let dense = TermDocs::from_sorted(64, (0..10).collect());
        let sparse = TermDocs::from_sorted(6400, vec![3, 4000]);
        assert!(matches!(dense, TermDocs::Dense(_)));
        assert!(matches!(sparse, TermDocs::Sparse(_)));
        let mut b = Bits::empty(6400);
        sparse.or_into(&mut b);
        assert_eq!(b.iter().collect::<Vec<_>>(), [3, 4000]);
        assert_eq!(dense.len(), 10);
        assert!(dense.contains(9) && !dense.contains(10));
        assert!(sparse.contains(4000) && !sparse.contains(4001));
    }

    #[test]
    fn memo_keeps_recent_entries_within_its_budget() {
        let m: Memo<u32, u32> = Memo::new(10);
        for k in 0..30u32 {
            let v = m.get_or_try(&k, || Ok::<_, ()>((k * 2, 1))).unwrap();
            assert_eq!(v, k * 2);
            // Keep touching key 0: it must survive evictions.
            assert_eq!(m.get_or_try(&0, || Ok::<_, ()>((999, 1))).unwrap(), 0);
            assert!(m.cost() <= 10);
        }
        // A value larger than the budget is computed but not kept.
        assert_eq!(m.get_or_try(&100, || Ok::<_, ()>((1, 50))).unwrap(), 1);
        assert!(m.cost() <= 10);
    }
}
