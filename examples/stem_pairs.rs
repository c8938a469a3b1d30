//! Word pairs the analyser stems apart though one is the other's plural or feminine: a
//! check for changes to `index/analysis.rs` (see `SNOWBALL_FORMS` there).
//!
//! Usage: `cargo run --release --example stem_pairs -- FILE...` (for instance
//! `src/synth/catalog.rs fixtures/thesaurus.txt fixtures/referential/cpv.csv`). Prints
//! `word -> stem   other -> other stem` for every pair of words of the files whose stems
//! differ.
use std::collections::{BTreeMap, BTreeSet};

/// (ending of a word, ending of its plural or feminine).
const PAIRS: [(&str, &str); 12] = [
    ("", "s"),
    ("", "x"),
    ("", "e"),
    ("", "es"),
    ("e", "es"),
    ("al", "aux"),
    ("el", "elle"),
    ("if", "ive"),
    ("eux", "euse"),
    ("er", "ere"),
    ("on", "onne"),
    ("en", "enne"),
];

fn main() {
    let mut words = BTreeSet::new();
    for file in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{file}: {e}");
                std::process::exit(2);
            }
        };
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            let w = w.to_lowercase();
            if w.chars().count() > 3 && !w.chars().any(|c| c.is_ascii_digit()) {
                words.insert(w);
            }
        }
    }
    let stems: BTreeMap<&str, String> = words
        .iter()
        .filter_map(|w| match essor::index::analysis::stems(w).as_slice() {
            [one] => Some((w.as_str(), one.clone())),
            _ => None,
        })
        .collect();
    let mut seen = BTreeSet::new();
    for (w, s) in &stems {
        for (ending, other) in PAIRS {
            let Some(root) = w.strip_suffix(ending) else {
                continue;
            };
            let o = format!("{root}{other}");
            if let Some(os) = stems.get(o.as_str())
                && os != s
                && seen.insert((w.to_string(), o.clone()))
            {
                println!("{w} -> {s}   {o} -> {os}");
            }
        }
    }
}
