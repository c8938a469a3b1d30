//! Matching buyer needs to suppliers: query construction, code evidence, hard rules, the
//! score blend, French explanations and warnings, and quality metrics.
//!
//! The flow: [`plan`] turns a need into informative words, CPV codes and trade NAF codes; the
//! engine (`engine.rs`, outside this module) retrieves candidates from the search index with
//! them; [`score::assess`] applies the hard rules and scores each candidate with reasons.
//! Reverse matching (the open needs a supplier could answer) applies the same `assess` from
//! the supplier's side, with text evidence computed here ([`local_text_evidence`]).
//!
//! **Invariant:** pure — no IO, no async. The orchestration that runs the search index lives
//! outside this module; here are only functions of values.

pub mod codes;
pub mod eval;
pub mod score;
pub mod text;
pub mod vocabulary;

use std::collections::HashSet;

pub use score::{
    Assessment, Components, MatchPlan, TextEvidence, WordMatch, WordMatchKind, assess, label_key,
};

use crate::index::analysis::{Thesaurus, stem, stems_shared};
use crate::model::{Need, Supplier};
use crate::referential::Referential;

/// Build the match plan of a need. `df(word)` is the number of supplier profiles containing
/// the word (for informativeness), out of `num_docs`.
pub fn plan(need: &Need, df: impl Fn(&str) -> Option<u64>, num_docs: u64) -> MatchPlan {
    let r = Referential::get();
    let mut cpv: Vec<String> = need.cpv.clone();
    for code in text::cpv_codes_in_text(&format!("{}\n{}", need.title, need.description)) {
        if let Ok(c) = r.cpv.resolve(&code)
            && !cpv.contains(&c.code)
        {
            cpv.push(c.code.clone());
        }
    }
    // The buyer's name says who buys, not what: "Lycée Pierre Mendès France", "CC de la
    // Lomagne Gersoise" would otherwise match suppliers by name or place; the notice's
    // clauses on who may bid (reserved route, social clause) say nothing of the trade either.
    // Nor does a commune's full compound name ("– Saint-Laurent-des-Arbres"): the place is
    // the geography's job.
    let title = text::with_grounds_named(&text::without_compound_places(&text::without_name(
        &need.title,
        &need.buyer.name,
    )));
    let description = text::with_grounds_named(&text::without_procedure_clauses(
        &text::without_compound_places(&text::without_name(&need.description, &need.buyer.name)),
    ));
    let words = text::with_senses(
        text::select_words(&title, &description, df, num_docs),
        &title,
        &description,
    );
    let naf = codes::naf_for_need(&cpv);
    let (stems, expressions) = score::plan_vocabulary(&words);
    let mentioned = score::mentioned_vocabulary(&words, &stems, &expressions);
    MatchPlan {
        words,
        cpv,
        naf,
        inferred_cpv: Vec::new(),
        inferred_naf: Vec::new(),
        inferred_senses: Vec::new(),
        inferred_support: 0.0,
        related_groups: Vec::new(),
        core_groups: Vec::new(),
        trade_labels: HashSet::new(),
        neighbour_classes: Vec::new(),
        akin_senses: Vec::new(),
        refined_groups: Vec::new(),
        refined_naf: Vec::new(),
        voted_groups: Vec::new(),
        voted_senses: Vec::new(),
        stems,
        expressions,
        mentioned,
        named: text::title_nouns(&title),
        heads: text::title_heads(&title),
        qualifiers: text::title_qualifiers(&title),
        allotted: text::lot_texts(&need.description).len() >= 2,
    }
}

/// The texts of a supplier that say what it does: its trade texts (name, brand, activity
/// labels, offer titles) and its free texts (description, offer descriptions, references).
fn supplier_texts(s: &Supplier) -> (Vec<&str>, Vec<&str>) {
    let trade = std::iter::once(s.name.as_str())
        .chain(s.brand.as_deref())
        .chain(s.activities.iter().filter_map(|a| a.label.as_deref()))
        .chain(s.offers.iter().map(|o| o.title.as_str()))
        .collect();
    let body = std::iter::once(s.description.as_str())
        .chain(s.offers.iter().map(|o| o.description.as_str()))
        .chain(s.references.iter().map(|r| r.description.as_str()))
        .collect();
    (trade, body)
}

/// The stems of some texts, each text's read once per process ([`stems_shared`]).
fn stem_set(texts: &[&str]) -> HashSet<String> {
    texts
        .iter()
        .flat_map(|t| stems_shared(t).to_vec())
        .collect()
}

/// Text evidence computed without the index, by stems and thesaurus expansions: used for
/// reverse matching, where one supplier is compared with many needs.
pub fn local_text_evidence(plan: &MatchPlan, s: &Supplier) -> TextEvidence {
    let (trade, body) = supplier_texts(s);
    let trade_stems = stem_set(&trade);
    let body_stems = stem_set(&body);
    let thesaurus = Thesaurus::get();
    let mut words = Vec::new();
    for w in &plan.words {
        let st = stem(&w.word);
        if trade_stems.contains(&st) || body_stems.contains(&st) {
            words.push(WordMatch {
                query: w.word.clone(),
                matched: w.word.clone(),
                kind: WordMatchKind::Exact,
                in_trade: trade_stems.contains(&st),
                aside: false,
            });
            continue;
        }
        // A synonym expression all of whose stems appear in the profile.
        for m in thesaurus.find(std::slice::from_ref(&st)) {
            if let Some(alt) = m.alternatives.iter().find(|a| {
                a.stems
                    .iter()
                    .all(|x| trade_stems.contains(x) || body_stems.contains(x))
            }) {
                let in_trade = alt.stems.iter().all(|x| trade_stems.contains(x));
                words.push(WordMatch {
                    query: w.word.clone(),
                    matched: alt.display.clone(),
                    kind: WordMatchKind::Synonym,
                    in_trade,
                    aside: false,
                });
                break;
            }
        }
    }
    let t = TextEvidence {
        words,
        relative_score: 0.0,
    };
    let coverage = score::text_score(plan, Some(&t)) / 0.75;
    TextEvidence {
        relative_score: coverage.min(1.0),
        ..t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activity, Address, Place};

    fn need(title: &str, description: &str) -> Need {
        Need {
            title: title.into(),
            description: description.into(),
            place: Place {
                commune: Some("81004".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn cpv_codes_written_in_a_notice_join_the_plan() {
        let p = plan(
            &need("Espaces verts", "Code CPV : 77310000-6. Tonte."),
            |_| Some(1),
            100,
        );
        assert_eq!(p.cpv, ["77310000-6"]);
        assert!(p.naf.contains(&"81.30Z"));
    }

    #[test]
    fn local_evidence_finds_words_and_synonyms() {
        let s = Supplier {
            name: "Jardins du Tarn".into(),
            address: Address {
                commune: "81004".into(),
                ..Default::default()
            },
            activities: vec![Activity {
                label: Some("Entretien des espaces verts".into()),
                ..Default::default()
            }],
            description: "Nous assurons la tonte des pelouses.".into(),
            ..Default::default()
        };
        let p = plan(&need("Tonte des pelouses", ""), |_| Some(1), 100);
        let ev = local_text_evidence(&p, &s);
        assert!(ev.words.iter().any(|w| w.query == "tonte"), "{ev:?}");
        assert!(score::text_score(&p, Some(&ev)) > 0.5);
    }
}
