//! What the referentials know about words: which words name trades (they appear in CPV or
//! NAF labels, or in the trade thesaurus) and which name places (communes, départements,
//! regions). Used to weight a need's words when the supplier corpus is small or unknown, and
//! to keep place names out of the text query (the place is the geography's job: "Fleurance"
//! in a notice must not favour a supplier named after the town).
//!
//! Built once from the embedded referentials. Pure: no IO. It does not decide relevance by
//! itself; `text::select_words` combines it with the corpus statistics.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::index::analysis::{Thesaurus, stem, stems};
use crate::normalize::fold;
use crate::referential::Referential;

/// Word knowledge from the referentials.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// Stem → number of CPV and NAF labels that contain it.
    code_labels: HashMap<String, u32>,
    /// Number of labels counted.
    num_labels: u32,
    /// Stems that appear in the trade thesaurus.
    thesaurus: HashSet<String>,
    /// Folded single-word place names (`fleurance`, `gers`, `occitanie`, `garonne`).
    places: HashSet<String>,
    /// Folded hyphenated commune names (`saint laurent des arbres`, `gif sur yvette`).
    compound_places: HashSet<String>,
}

/// How a word relates to trades.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TradeSense {
    /// In the trade thesaurus: a trade word by construction.
    Thesaurus,
    /// In the CPV or NAF labels, in this share of them (small is specific).
    CodeLabel(f64),
    /// Known to no referential.
    Unknown,
}

impl Vocabulary {
    /// The vocabulary of the embedded referentials.
    pub fn get() -> &'static Vocabulary {
        static V: OnceLock<Vocabulary> = OnceLock::new();
        V.get_or_init(Vocabulary::build)
    }

    fn build() -> Vocabulary {
        let r = Referential::get();
        let mut v = Vocabulary::default();
        let count = |label: &str, v: &mut Vocabulary| {
            let set: HashSet<String> = stems(label).into_iter().collect();
            for s in set {
                *v.code_labels.entry(s).or_default() += 1;
            }
            v.num_labels += 1;
        };
        for c in r.cpv.all() {
            count(c.label(), &mut v);
        }
        for n in r.naf.all() {
            count(&n.label_fr, &mut v);
        }
        for e in Thesaurus::get().entries() {
            v.thesaurus.extend(e.stems.iter().cloned());
        }
        for c in r.communes.all() {
            let f = fold(&c.name);
            if !f.contains([' ', '-', '\'']) {
                v.places.insert(f);
            } else {
                if c.name.contains('-') {
                    v.compound_places.insert(f.clone());
                }
                // The parts of compound names (`Gif-sur-Yvette`, `Aubigny-en-Artois`); words
                // the code labels or the thesaurus know stay trade words (`is_place_only`).
                for w in super::text::words(&c.name) {
                    if w.len() >= 4 {
                        v.places.insert(w);
                    }
                }
            }
        }
        let named = r
            .departements()
            .iter()
            .map(|d| d.name.as_str())
            .chain(r.regions().iter().map(|g| g.name.as_str()));
        for name in named {
            for w in super::text::words(name) {
                if w.len() >= 4 {
                    v.places.insert(w);
                }
            }
        }
        v
    }

    /// How a folded word relates to trades.
    pub fn trade_sense(&self, folded: &str) -> TradeSense {
        self.stem_sense(&stem(folded))
    }

    /// How a stem relates to trades. A stem found in many code labels is generic even when
    /// the thesaurus has it ("services", "maintenance").
    pub fn stem_sense(&self, s: &str) -> TradeSense {
        let share = self
            .code_labels
            .get(s)
            .map(|&n| f64::from(n) / f64::from(self.num_labels.max(1)));
        match share {
            Some(x) if x >= 0.01 => TradeSense::CodeLabel(x),
            _ if self.thesaurus.contains(s) => TradeSense::Thesaurus,
            Some(x) => TradeSense::CodeLabel(x),
            None => TradeSense::Unknown,
        }
    }

    /// How much a stem shared by a need and an activity label says they are the same
    /// trade: 1 for specific trade words, less for generic or unknown ones.
    pub fn specificity(&self, s: &str) -> f64 {
        match self.stem_sense(s) {
            TradeSense::Thesaurus => 1.0,
            TradeSense::CodeLabel(share) if share < 0.01 => 1.0,
            TradeSense::CodeLabel(_) => 0.3,
            TradeSense::Unknown => 0.6,
        }
    }

    /// Whether a folded word is a place name and nothing else the referentials know.
    pub fn is_place_only(&self, folded: &str) -> bool {
        self.places.contains(folded) && self.trade_sense(folded) == TradeSense::Unknown
    }

    /// Whether a hyphenated run of a text (`Saint-Laurent-des-Arbres`, folded or not) is a
    /// commune's full name: then all its words name the place, even those that also name
    /// trades ("Arbres", "Air" in "Saint-Germain-du-Bel-Air").
    pub fn is_compound_place(&self, run: &str) -> bool {
        run.contains('-') && self.compound_places.contains(&fold(run))
    }

    /// A prior weight for a word from what it says about trades: thesaurus words and
    /// specific code-label words weigh more than generic label words ("produits",
    /// "services"), which weigh more than words no referential knows.
    pub fn prior(&self, folded: &str) -> f64 {
        match self.trade_sense(folded) {
            TradeSense::Thesaurus => 1.6,
            TradeSense::CodeLabel(share) if share < 0.002 => 1.4,
            TradeSense::CodeLabel(share) if share < 0.01 => 1.1,
            TradeSense::CodeLabel(_) => 0.6,
            TradeSense::Unknown => 0.7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_words_outweigh_generic_and_unknown_words() {
        let v = Vocabulary::get();
        assert_eq!(v.trade_sense("paysagiste"), TradeSense::Thesaurus);
        assert!(v.prior("blanchisserie") > v.prior("produits"));
        assert!(v.prior("nettoyage") > v.prior("souhaite"));
    }

    #[test]
    fn place_names_are_recognised_unless_they_name_a_trade() {
        let v = Vocabulary::get();
        assert!(v.is_place_only("fleurance"));
        assert!(v.is_place_only("gers"));
        assert!(v.is_place_only("occitanie"));
        assert!(!v.is_place_only("nettoyage"));
        assert!(v.is_compound_place("Saint-Laurent-des-Arbres"));
        assert!(v.is_compound_place("Gif-sur-Yvette"));
        assert!(
            !v.is_compound_place("Saint Laurent"),
            "only hyphenated names"
        );
        assert!(!v.is_compound_place("accord-cadre"));
        assert!(
            !v.is_place_only("jardin"),
            "Jardin (Isère) is also a trade word"
        );
    }
}
