//! Scoring one supplier for one need: hard rules, the score blend, French explanations and
//! warnings.
//!
//! # Hard rules (a supplier failing one is never returned)
//! - open (not a ceased establishment);
//! - eligible for the need's reserved route (`model::eligibility`);
//! - offers one of the need's modes, when the need lists some (on every candidate activity
//!   whose modes count, see below);
//! - the contract's geography rule (`model::geography::qualifies`): serves the place through
//!   a *relevant* activity's zone (any activity's when none is relevant), or is located in the
//!   need's perimeter — applied conservatively, see below;
//! - some evidence that it does the work: words, CPV or trade NAF.
//!
//! An activity is *relevant* when its strength (see [`relevant_activities`]: CPV codes on the
//! branch, class or group of a need code; the need's informative words in its label or its
//! codes' labels) is within half of the strongest activity's. Which activity is the relevant
//! one is a judgement the engine can get wrong (a need coded "prepared meals" may be answered
//! by a supplier's "collective catering" activity under other codes), and the rule "one
//! relevant activity's zone covers the place" would then let an unrelated activity's zone (a
//! national mailing service next to a local gardening one) qualify the supplier. So the
//! engine asks more: every activity that *may* be the relevant one must cover the place and,
//! when the need lists modes, offer one of them. An activity is ruled out only when it is
//! [`surely_irrelevant`] — the need has CPV codes (its own or inferred), the activity declares
//! codes, none of them is under a need code (at CPV group level) or in a CPV group that the
//! corpus's activities declare together with one (`MatchPlan::related_groups`; for a coded
//! need the engine adds the groups of what its best text matches do, and those declared
//! with them, since buyers and suppliers may code one trade differently), and neither its
//! label nor its codes' labels say any of the need's words or synonyms. That holds for
//! inferred codes too, and for an activity without a label (its codes' labels speak for it
//! when the referential has them in French; with the buyer's codes of an allotted need,
//! which may name only some of its lots, an activity with neither a label nor a French
//! code label cannot be judged and stays a candidate; with weakly inferred codes, fewer than
//! 3 in 10 of the best text matches agreeing, only a label that names another trade
//! family rules an activity out). With inferred
//! codes this is a heuristic: the inference may be of the wrong trade, and a truly relevant
//! activity coded far from it whose label says none of the need's words would be ruled
//! out. It caused no violation on 42 generated sets, where a stricter rule (rule out only
//! labelled activities, and only when another activity is strongly relevant and says the
//! need's words) cost 0.02–0.04 of R_cap@50. When one activity is *identified* — strongly
//! relevant by its codes and either its label (or its codes' labels) saying the need's
//! specific words — a thing of the need, a trade term of one family of the thesaurus
//! (« tonte », not « réparations »), or two of its words, not one generic action noun
//! such as « entretien » or « taille », which
//! other trades' work shares (`says_the_need`; the held-out buyer wording found two
//! violations without it) — or a code that is the
//! buyer's own (a class or finer) or below it (`coded_as_the_need`) — an activity is also
//! ruled out when it plainly does something
//! else: no code on the branch of a need code, and neither its codes nor its words make it
//! even weakly relevant (`plainly_elsewhere`). An activity without a label is ruled out that
//! way only when none of its codes is under a group the trade's activities commonly declare
//! with the need's codes (`MatchPlan::core_groups`); one without codes only when its label
//! does not even mention the need (each need word's own synonyms included). A sibling
//! speciality is ruled out too: a label that names, with a multi-word expression of the
//! thesaurus, a speciality the need does not mention, and says nothing else of the need
//! (« Nettoyage après travaux » for « nettoyage des locaux »), gives way to an identified
//! activity coded in one of the trade's core groups that says one of the need's own words
//! it does not (« Nettoyage de bureaux et locaux »), see [`names_another_speciality`];
//! synonyms do not count there, since the need may word the speciality's trade otherwise,
//! and an activity known by its words only may be another trade's (« Hôtes et hôtesses
//! d'accueil » for the meals of an « accueil de loisirs »). A sibling speciality with a
//! code under a coarse buyer code (a group: « Déménagement de bureaux »,
//! 98392000, for 98300000) gives way only to an activity coded as the need; and under
//! weakly inferred codes, which do not know the trade's core groups, none gives way. None of these
//! rules out an activity whose label the need's trade writes: the corpus's suppliers who
//! write it mostly declare it with a code of the trade (`MatchPlan::trade_labels`, learnt
//! under the class of a buyer code of a class or finer, see [`labelled_as_the_trade`]):
//! « Conciergerie et gardiennage d'immeubles », coded 79993100 or not at all, is a
//! building-maintenance activity whatever its words say. Of the candidates left, a
//! labelled one that does not even mention the need and has no code in the need's group
//! (a buyer code's, or the most voted inferred one's) has no zone or modes that count
//! when another activity is identified by the buyer's words or code and the need is not
//! allotted ([`zone_activities`]): it is a candidate only through a group the need's codes
//! reach. The modes of a candidate far weaker than a strong one (below half of it; beside
//! an uncoded candidate, a code only under a coarse buyer code, a group or a division,
//! does not make one strong), that is not the need's by what it is (the same tests) and
//! has no code in a group the trade commonly declares (`MatchPlan::core_groups`), do not
//! count either, with or without an
//! identified activity ([`mode_activities`]): a mode is mostly the trade's, a zone the
//! supplier's choice per activity. Otherwise, with the need's own
//! codes, a supplier that passes this passes the contract's rule whichever activity is the
//! truly relevant one; the price is recall on suppliers whose activities have different
//! zones, measured by `essor eval`. With inferred codes of the wrong trade it may not:
//! `scripts/eval-wide.sh` finds such violations on held-out sets.
//! Relevance still chooses the activity named in the reasons and the geographic fit `G`.
//!
//! # Score
//! `score = R × (0.70 + 0.12·G + 0.06·D + 0.06·P + 0.06·F)`, or with a social clause
//! `R × (0.62 + 0.10·G + 0.05·D + 0.05·P + 0.04·F + 0.14·S)`, where
//! - `R = (1 − (1 − 0.9·T)·(1 − C)) × (0.9 + 0.1·A)` is the relevance: a noisy-or of the two
//!   kinds of evidence (below [`MIN_RELEVANCE`] the supplier is not returned), times the
//!   per-activity evidence `A`, how strongly the best activity's own label (or its codes'
//!   labels) says the need's words (0.5 for an activity without a label: unknown), so that a
//!   supplier one of whose activities names the trade ranks before one whose profile only
//!   mentions its words here and there;
//!   `T` the text evidence (the weighted share of the need's informative words found in the
//!   profile — a word of its trade texts counts 1, of its free text 0.75, and so does a
//!   word its trade texts say only on the side, in another role than the need's title
//!   gives it: a noun naming what the need buys said only in a purpose complement or as an
//!   adjective, « légumes pour la restauration collective » for « Repas », a title
//!   adjective said only of another noun, see `said_on_the_side`; a head noun of the
//!   title naming a thing that all its texts, trade and free, say only in purpose or
//!   recipient complements, of its customers, counts 0.3: « légumes livrés aux cantines
//!   pour les repas des écoles » for « Repas du centre de loisirs », see
//!   `with_trade_roles`; a multi-word expression of the need's words that the index
//!   matched with its words anywhere in the profile counts only when one sentence says it
//!   whole, its words in order at most two words apart — « Création et entretien de
//!   jardins » and « fête locale » do not say « entretien des locaux »: its words then
//!   count each where it is said, see `with_whole_expressions`; and a noun of the title in
//!   « -al », « -el » that the supplier says only as the feminine adjective of its stem,
//!   « fête locale » for « locaux », does not count, see `without_feminine_clashes` —,
//!   0.75, plus the index's
//!   BM25 relative to the best candidate, 0.25; × 0.6 — × 0.8
//!   when the need's codes are only inferred — for a supplier without code evidence all of
//!   whose activities declare codes outside the need's related groups: its words likely mean
//!   something else, see `other_trade`; × 0.8 for a supplier, with no more than inferred code
//!   evidence, whose codes under the inferred groups all sit in sibling categories that the
//!   best text matches do not declare — same words, another object, "nettoyage de véhicules"
//!   for a need of "propreté des bâtiments", see `sibling_sense`), `C` the code
//!   evidence (the best CPV relation: exact 1, narrower 0.95, same class 0.7, broader 0.6, same
//!   group 0.45, same division 0.2 — but a code below a *coarse* need code counts only as that
//!   level's siblings: below a division 0.2, a group 0.45, a class 0.7, see
//!   `CpvRelation::strength_for`, except that below a division a code in a group the need's
//!   words point to (`MatchPlan::refined_groups`: the groups the best text matches agree
//!   on) counts as below a group, 0.45, and a trade NAF of such a group as one of a group
//!   need code; and a sibling (same class or group) counts only as the same
//!   division, 0.2, unless it is of one trade with the need code — same category, or a
//!   category the corpus's suppliers of the need code's category declare with lift ≥ 2
//!   (`MatchPlan::akin_senses`) —, since CPV classes are often catch-alls, relocation beside
//!   tailoring, see `CpvRelation::strength_between`; a trade NAF corresponding to the
//!   need's CPV 0.5, scaled down the same way for coarse need codes). When the need gives
//!   no code, the codes inferred from the best text matches count 0.35 of
//!   that, at most 0.2 (their NAF codes 0.175): enough to recall a supplier whose words
//!   differ from the buyer's, too little to outrank one that says them. A code of a
//!   neighbouring trade (`MatchPlan::neighbour_classes`, learnt from the corpus) counts
//!   0.14, just enough to be listed after the need's own trade;
//! - `G` the geographic fit: an explicit zone of a relevant activity 1, an explicit zone of
//!   another activity 0.85, the default zone (own département) 0.75, only located in the
//!   perimeter 0.65;
//! - `D = exp(−d / 30 km)`, the distance decay from the supplier to the place;
//! - `P` the profile completeness, `F` its freshness (1 up to a year, then falling to 0 over
//!   two more years);
//! - `S` the social-clause fit: an SIAE or GEIQ 1, an EA/EATT/ESAT 0.8, insertion staff 0.7,
//!   another SSE structure 0.3.
//!
//! Relevance dominates by construction: proximity, completeness and freshness only reorder
//! suppliers whose evidence is comparable. Pure: no IO.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use parking_lot::RwLock;

use super::codes::{CpvRelation, cpv_relation, is_administrative_naf};
use super::text::{PhrasePart, WeightedWord, phrase_parts};
use crate::index::analysis::{Thesaurus, stem, stems, stems_shared};
use crate::model::eligibility::{Basis, supplier_eligibility};
use crate::model::geography::{
    GeoQualification, InPerimeter, ResolvedPlace, ZoneCover, in_perimeter, qualifies, serves,
    supplier_point,
};
use crate::model::{Kind, Need, Supplier};
use crate::referential::Referential;

/// How a need word was found in a profile (from the text index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordMatchKind {
    Exact,
    Prefix,
    Typo,
    Synonym,
}

impl WordMatchKind {
    fn factor(self) -> f64 {
        match self {
            WordMatchKind::Exact => 1.0,
            WordMatchKind::Prefix => 0.8,
            WordMatchKind::Typo => 0.7,
            WordMatchKind::Synonym => 0.8,
        }
    }
}

/// One need word found in a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct WordMatch {
    /// The need's word (folded) or expression.
    pub query: String,
    /// What it matched in the profile.
    pub matched: String,
    pub kind: WordMatchKind,
    /// Found in the name or a trade field (activity labels, offers, codes' labels) rather than
    /// only in free text.
    pub in_trade: bool,
    /// Said in the profile only on the side, in purpose complements that name its customers
    /// (« légumes livrés aux cantines » for a need of meals, see [`with_trade_roles`]): weak
    /// evidence, [`ASIDE_TEXT`]. Set by the score, never by the index.
    pub aside: bool,
}

/// What the text index found for a supplier.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextEvidence {
    pub words: Vec<WordMatch>,
    /// The index's text score divided by the best among the candidates, in [0, 1].
    pub relative_score: f64,
}

/// A multi-word thesaurus expansion of a need word: its stems and the word's relative weight.
pub type Expression = (Vec<String>, f64);

/// What a need is matched with: its informative words, CPV codes and the trade NAF codes that
/// correspond to them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchPlan {
    pub words: Vec<WeightedWord>,
    /// Canonical CPV codes (`77310000-6`): the need's and those written in its text.
    pub cpv: Vec<String>,
    pub naf: Vec<&'static str>,
    /// CPV codes inferred from what the best text matches do when the need gives none
    /// (pseudo-relevance feedback, see `engine`): they let activities be judged by their
    /// codes, never count as the need's own codes in the score or the reasons.
    pub inferred_cpv: Vec<String>,
    /// CPV prefixes (a group's three digits, or a division's two for a coarse need code) an
    /// activity relevant to the need may declare codes under: those of the need's codes (or,
    /// failing them, of the inferred ones) and the groups that the corpus's activities
    /// declare together with them. Empty when unknown: then no activity is ruled out by its
    /// codes.
    pub related_groups: Vec<String>,
    /// The related groups that activities of the trade commonly declare with the need's
    /// codes (`engine::core_groups`, at least 10 % of them), the need's own included; for a
    /// coded need, the groups of what its best text matches do join them (`engine`). An
    /// activity without a label is judged by its codes: one under a core group may be the
    /// relevant one ([`plainly_elsewhere`]). Empty when unknown: then it may always be.
    pub core_groups: Vec<String>,
    /// Keys ([`label_key`]) of the activity labels of the need's trade, learnt from the
    /// corpus (`engine::trade_labels`): the suppliers who write one mostly declare it with a
    /// code under a core group of the need's codes (its own, or failing them the inferred
    /// ones). An activity with such a label may be the relevant one whatever its own codes
    /// and words ([`labelled_as_the_trade`]). Empty when unknown.
    pub trade_labels: HashSet<String>,
    /// CPV classes (four digits) of neighbouring trades, learnt from the corpus (suppliers of
    /// the need's codes declare them much more often than others): a supplier with a code
    /// under one gets [`NEIGHBOUR_CODE_EVIDENCE`], enough to be listed after those that do
    /// the need's trade.
    pub neighbour_classes: Vec<String>,
    /// CPV senses (categories) of the need codes' groups that the corpus's suppliers of a
    /// need code's own category also declare much more often than others (learnt, see
    /// `engine::akin_senses`): siblings of one trade with it. A sibling code of another
    /// category not in them counts only as the same division
    /// ([`CpvRelation::strength_between`], [`MatchPlan::sibling_akin`]). Empty when not
    /// learnt: then only siblings of the need code's own category count as such.
    pub akin_senses: Vec<String>,
    /// For a need coded only with a whole division (`79000000`: law, marketing, consulting,
    /// printing…), the CPV groups (three digits) under it that the need's words point to:
    /// those the best text matches' relevant activities agree on (the vote of
    /// `engine::infer_cpv`), kept when under a division need code. The division names a
    /// family of trades; its words say which ones. A supplier code in one counts as the
    /// same group ([`REFINED_CODE_EVIDENCE`]) rather than as any code of the division, and a
    /// trade NAF of one as a NAF of a group code. Empty when the need's codes are finer.
    pub refined_groups: Vec<String>,
    /// Trade NAF codes corresponding to the [`refined_groups`](Self::refined_groups).
    pub refined_naf: Vec<&'static str>,
    /// For a coded need, the CPV groups (three digits) that its best text matches agree
    /// on (the vote of `engine::infer_cpv`): what its words say it buys. A catch-all need
    /// code names an activity's trade only under one of them ([`coded_as_the_need`]).
    /// Empty when unknown or for a need without codes.
    pub voted_groups: Vec<String>,
    /// For a coded need, the CPV senses (categories, see [`cpv_sense`]) under the
    /// [`voted_groups`](Self::voted_groups) that the relevant activities of its best text
    /// matches agree on (`engine::infer_senses`). When known, a catch-all need code names an
    /// activity's trade only in one of them: « Miscellaneous business-related services »
    /// (79990000) holds reception (79992) and caretaking (79993) alike. Learnt only when a
    /// need code is a catch-all.
    pub voted_senses: Vec<String>,
    /// Trade NAF codes corresponding to the inferred CPV codes.
    pub inferred_naf: Vec<&'static str>,
    /// Senses of the inferred codes: the CPV categories (at most five significant digits,
    /// fewer for a code of a class) that the best text matches' relevant activities declare
    /// under the inferred groups, kept when several agree. Siblings in the same group that
    /// they do not declare ("nettoyage de véhicules" beside "nettoyage de locaux") are the
    /// need's words in another sense ([`sibling_sense`]). Empty when unknown.
    pub inferred_senses: Vec<String>,
    /// How many of the best text matches agree on the most voted inferred group, as a
    /// share of them (0 to 1; an allotted need's best lot): low when the need's words are
    /// every trade's (« Prestations d'entretien »). 0 when nothing was inferred.
    pub inferred_support: f64,
    /// Stems of the words and of their single-word thesaurus expansions, each with the
    /// relative weight (0 to 1) of the word it comes from, for activity relevance.
    pub stems: HashMap<String, f64>,
    /// The multi-word thesaurus expansions of the words (« entretien des locaux » for
    /// « nettoyage »), each with its stems and the relative weight of the word it comes
    /// from. A text says one only when it says all its stems: its generic words alone
    /// (« entretien ») are not the need's.
    pub expressions: Vec<Expression>,
    /// Stems a text may say to mention the need at all ([`mentions_the_need`]): those of
    /// [`stems`](Self::stems), the key stem of each of the [`expressions`](Self::expressions),
    /// and each word's own expansions (their key stems), even where the word is part of a
    /// longer expression the thesaurus matched instead (« repas » in « livraison de repas »
    /// still means « restauration collective »).
    pub mentioned: HashSet<String>,
    /// Stems of the nouns the need's title names what it buys with (`text::title_nouns`):
    /// a supplier's trade texts that say one of them only on the side do not say it of
    /// their trade ([`said_on_the_side`]).
    pub named: HashSet<String>,
    /// Stems of the title's head nouns (`text::title_heads`), what the need buys: a supplier
    /// whose texts say one only in purpose complements names a customer with it
    /// (`WordMatch::aside`).
    pub heads: HashSet<String>,
    /// The adjectives of the need's title, each with the noun it qualifies (stems,
    /// `text::title_qualifiers`).
    pub qualifiers: HashMap<String, String>,
    /// The need names two lots or more (`text::lot_texts`): it buys several trades.
    pub allotted: bool,
}

impl MatchPlan {
    /// Stems of the need's own words, without their thesaurus expansions.
    pub fn own_stems(&self) -> HashSet<String> {
        self.words.iter().map(|w| stem(&w.word)).collect()
    }

    /// Total weight of the words.
    pub fn total_weight(&self) -> f64 {
        self.words.iter().map(|w| w.weight).sum()
    }

    /// Whether supplier code `s` (or its sense, [`cpv_sense`]) is under the group of one of the
    /// [`inferred_cpv`](Self::inferred_cpv) codes.
    pub fn in_inferred_group(&self, s: &str) -> bool {
        let s = super::codes::code8(s);
        self.inferred_cpv.iter().any(|g| {
            super::codes::code8(g)
                .get(..3)
                .is_some_and(|g| s.starts_with(g))
        })
    }

    /// Whether a code of sense `c` ([`cpv_sense`]) is in one of the
    /// [`inferred_senses`](Self::inferred_senses) ([`in_sense`]).
    pub fn in_inferred_sense(&self, c: &str) -> bool {
        self.inferred_senses.iter().any(|v| in_sense(c, v))
    }

    /// Whether supplier code `s` is under one of the [`refined_groups`](Self::refined_groups).
    pub fn in_refined_group(&self, s: &str) -> bool {
        let s = super::codes::code8(s);
        self.refined_groups
            .iter()
            .any(|g| s.starts_with(g.as_str()))
    }

    /// Whether supplier code `s`, a sibling of need code `n` (same class or group), is of
    /// one trade with it: both are in one category (five digits: "travaux de peinture de
    /// bâtiments" beside "travaux de remise en peinture"), or its category is among the
    /// corpus's [`akin_senses`](Self::akin_senses) for the need's codes.
    pub fn sibling_akin(&self, n: &str, s: &str) -> bool {
        let sense = cpv_sense(s);
        let nested = |a: &str| a.starts_with(sense) || sense.starts_with(a);
        nested(cpv_sense(n)) || self.akin_senses.iter().any(|a| nested(a))
    }
}

/// Why a supplier is relevant, by kind of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeEvidence {
    pub relation: CpvRelation,
    /// Its strength for the need code it relates to ([`CpvRelation::strength_for`]).
    pub strength: f64,
    /// The supplier's code (canonical).
    pub supplier_code: String,
}

/// The parts of a score, for explanations and tuning.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Components {
    pub text: f64,
    pub code: f64,
    pub relevance: f64,
    pub geo: f64,
    pub distance: f64,
    pub completeness: f64,
    pub freshness: f64,
    pub social: f64,
}

/// A supplier that passes every hard rule, with its score and explanations.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub score: f64,
    pub distance_km: Option<f64>,
    /// Why it matched, in French.
    pub reasons: Vec<String>,
    /// What the buyer should check, in French.
    pub warnings: Vec<String>,
    pub components: Components,
    /// The activities relevant to the need.
    pub relevant_activities: Vec<usize>,
}

/// Code evidence from inferred CPV codes counts this much of the need's own codes', and
/// at most [`INFERRED_CODE_CAP`]: the inference (what the best text matches do) is often
/// right, sometimes not. Same-group inferred evidence (0.16) is enough to list a supplier
/// known only by its codes; an exact inferred code never outranks words that match.
const INFERRED_CODE_WEIGHT: f64 = 0.35;
const INFERRED_CODE_CAP: f64 = 0.2;

/// Code evidence of a supplier that declares a code of a neighbouring trade
/// (`MatchPlan::neighbour_classes`): just above [`MIN_RELEVANCE`].
pub const NEIGHBOUR_CODE_EVIDENCE: f64 = 0.14;

/// Code evidence of a supplier code under one of a division need code's
/// `MatchPlan::refined_groups`: that of a code below a group need code.
pub const REFINED_CODE_EVIDENCE: f64 = 0.45;

/// Share of the relevance that depends on an activity's own label saying the need's words
/// (see the module doc, `A`).
const ACTIVITY_WORDS_WEIGHT: f64 = 0.1;
/// `A` of an activity without a label: unknown, so neither evidence for nor against.
const UNLABELLED_SAID: f64 = 0.5;

/// Text evidence of a supplier whose activities all declare codes of trades unrelated to
/// the need's codes ([`other_trade`]) counts this much: its words likely mean something
/// else. Weaker when the need's codes are only inferred, which may be wrong.
const OTHER_TRADE_TEXT: f64 = 0.6;
const OTHER_TRADE_TEXT_INFERRED: f64 = 0.8;

/// Whether every activity of the supplier declares CPV codes and none of them is under one
/// of the plan's related groups (learnt from the corpus: the groups an activity of the
/// need's trade may declare) or in a neighbouring trade's class. False when the plan has no
/// related groups (no codes known) or the supplier has no activity.
fn other_trade(plan: &MatchPlan, s: &Supplier) -> bool {
    !plan.related_groups.is_empty()
        && !s.activities.is_empty()
        && s.activities.iter().all(|a| {
            !a.cpv.is_empty()
                && a.cpv.iter().all(|x| {
                    let c = super::codes::code8(x);
                    !plan
                        .related_groups
                        .iter()
                        .chain(&plan.neighbour_classes)
                        .any(|g| c.starts_with(g.as_str()))
                })
        })
}

/// Text evidence of a supplier whose codes under the inferred groups all sit in sibling
/// categories the best text matches do not declare ([`sibling_sense`]) counts this much: the
/// words are the same, the object another (vehicles, not premises).
const SIBLING_SENSE_TEXT: f64 = 0.8;

/// Whether a supplier's code of sense `c` is in the voted sense `v` (significant CPV
/// prefixes of at most five digits): the same, or coarser (a class code covers its voted
/// categories). A finer code is in `v` only when `v` is a whole group (the vote did not
/// refine it): a vote for a class code (`90910000`) does not make all its categories
/// (`90917` vehicles) the need's sense.
pub fn in_sense(c: &str, v: &str) -> bool {
    v.starts_with(c) || (v.len() <= 3 && c.starts_with(v))
}

/// The sense of a CPV code: its significant prefix, cut at the category (five digits).
pub fn cpv_sense(code: &str) -> &str {
    let p = crate::referential::codes::significant_prefix(super::codes::code8(code));
    p.get(..5).unwrap_or(p)
}

/// Whether the need has only inferred codes, the supplier declares codes under an inferred
/// group, and none of them (nor any other of its codes) sits in a sense the best text
/// matches declare: a sibling trade of the same group, whose activity says the need's words
/// about another object.
fn sibling_sense(plan: &MatchPlan, s: &Supplier) -> bool {
    if !plan.cpv.is_empty() || plan.inferred_senses.is_empty() {
        return false;
    }
    let codes: Vec<&str> = s
        .activities
        .iter()
        .flat_map(|a| a.cpv.iter())
        .map(|c| cpv_sense(c))
        .collect();
    codes.iter().any(|c| plan.in_inferred_group(c))
        && !codes.iter().any(|c| plan.in_inferred_sense(c))
}

/// A trade text of a supplier: its own words (an activity label, an offer title) or a
/// referential label many suppliers share (a code's, its NAF code's, a kind's).
enum TradeText<'a> {
    Own(&'a str),
    Label(&'static str),
}

impl<'a> TradeText<'a> {
    fn as_str(&self) -> &'a str {
        match self {
            TradeText::Own(t) => t,
            TradeText::Label(t) => t,
        }
    }
}

/// The texts the index's trade field holds, but the name and brand: activity labels and
/// their codes' labels, the NAF label, the kinds, offer titles.
fn trade_texts(s: &Supplier) -> Vec<TradeText<'_>> {
    let r = Referential::get();
    let mut out = Vec::new();
    for a in &s.activities {
        out.extend(a.label.as_deref().map(TradeText::Own));
        out.extend(
            a.cpv
                .iter()
                .filter_map(|c| r.cpv.resolve(c).ok())
                .map(|c| TradeText::Label(c.label())),
        );
    }
    if let Some(n) = s.naf.as_deref().and_then(|n| r.naf.get(n)) {
        out.push(TradeText::Label(n.label_fr.as_str()));
    }
    out.extend(s.kinds.iter().map(|k| TradeText::Label(k.label_fr())));
    out.extend(s.offers.iter().map(|o| TradeText::Own(o.title.as_str())));
    out
}

/// The supplier's free texts: description, offer descriptions, references' descriptions.
fn body_texts(s: &Supplier) -> impl Iterator<Item = &str> {
    std::iter::once(s.description.as_str())
        .chain(s.offers.iter().map(|o| o.description.as_str()))
        .chain(s.references.iter().map(|r| r.description.as_str()))
}

/// The informative words of the supplier's trade texts ([`trade_texts`]) with their roles
/// in them (`text::phrase_parts`), text by text. Not its name or brand, which are no
/// phrases ("Dupont Nettoyage"): a word said only there stays unknown. Reading them is the
/// costly part of the rule, so the referential's labels, shared by many suppliers, are
/// read once ([`label_parts`]).
fn trade_parts(s: &Supplier) -> Vec<Arc<[PhrasePart]>> {
    trade_texts(s)
        .into_iter()
        .map(|t| match t {
            TradeText::Own(t) => Arc::from(phrase_parts(t)),
            TradeText::Label(l) => label_parts(l),
        })
        .collect()
}

/// `text::phrase_parts` of a referential label (a CPV or NAF label, a kind's), read once per
/// process: the labels are few (about ten thousand) and never change.
fn label_parts(label: &'static str) -> Arc<[PhrasePart]> {
    type Read = HashMap<&'static str, Arc<[PhrasePart]>>;
    static READ: LazyLock<RwLock<Read>> = LazyLock::new(Default::default);
    if let Some(p) = READ.read().get(label) {
        return p.clone();
    }
    let p: Arc<[PhrasePart]> = phrase_parts(label).into();
    READ.write().insert(label, p.clone());
    p
}

/// Whether a need word found in the supplier's trade texts is said there only on the side,
/// in another role than the need's title gives it, so that it does not say the supplier's
/// trade: a noun the title names its object with ([`MatchPlan::named`]) said only inside a
/// purpose complement — « Fourniture de légumes pour la restauration collective » sells
/// vegetables to caterers, not meals — or only as an adjective — « Peinture intérieure et
/// extérieure » paints, it does not keep the grounds (« Entretien des extérieurs »); or an
/// adjective of the title ([`MatchPlan::qualifiers`]) said only of another noun —
/// « Peinture intérieure » is not « nettoyage des surfaces intérieures ».
/// `q` are the stems of the need's word ([`has_a_role`]), `matched` what the index found
/// (a synonym expression, said only with its words in a row, [`says_at`]); false when
/// neither is found in the trade texts (a prefix, a typo, the name): unknown.
fn said_on_the_side(
    plan: &MatchPlan,
    q: &[String],
    matched: &str,
    parts: &[Arc<[PhrasePart]>],
) -> bool {
    let found: Vec<&PhrasePart> = {
        let m = stems(matched);
        parts
            .iter()
            .flat_map(|t| {
                (0..t.len())
                    .filter(|&i| says_at(q, &m, t, i))
                    .map(|i| &t[i])
            })
            .collect()
    };
    if found.is_empty() {
        return false;
    }
    if q.iter().any(|st| plan.named.contains(st)) {
        return found.iter().all(|p| p.purpose || p.qualifies.is_some());
    }
    let nouns: Vec<&String> = q.iter().filter_map(|st| plan.qualifiers.get(st)).collect();
    !nouns.is_empty()
        && found
            .iter()
            .all(|p| p.qualifies.as_ref().is_some_and(|n| !nouns.contains(&n)))
}

/// The stems of a need word when the title gives it a role [`said_on_the_side`] checks (a
/// noun it names its object with, or an adjective); `None` for any other word.
fn has_a_role(plan: &MatchPlan, query: &str) -> Option<Vec<String>> {
    let q = stems(query);
    q.iter()
        .any(|st| plan.named.contains(st) || plan.qualifiers.contains_key(st))
        .then_some(q)
}

/// The informative words of the supplier's free texts ([`body_texts`]) with their roles
/// in them (`text::phrase_parts`).
fn body_parts(s: &Supplier) -> Vec<Arc<[PhrasePart]>> {
    body_texts(s).map(|t| Arc::from(phrase_parts(t))).collect()
}

/// Whether the parts that say a need word (stems `q`, or what the index `matched`: a word,
/// or a multi-word expression said whole, its words in a row) all say it inside a purpose
/// complement — « nos légumes sont livrés aux cantines » names a customer, not the trade.
/// `None` when no part says it.
fn said_only_for(q: &[String], matched: &str, parts: &[Arc<[PhrasePart]>]) -> Option<bool> {
    let m = stems(matched);
    let mut found = None;
    for t in parts {
        for (i, p) in t.iter().enumerate() {
            if says_at(q, &m, t, i) {
                found = Some(found.unwrap_or(true) && p.purpose);
            }
        }
    }
    found
}

/// Whether the part at `i` of a text says a need word: one of its stems `q`, or the start
/// of what the index matched (stems `m`: a word, or an expression whose words come in a
/// row — « collecte » alone does not say « restauration collective »).
fn says_at(q: &[String], m: &[String], t: &[PhrasePart], i: usize) -> bool {
    q.contains(&t[i].stem)
        || (!m.is_empty() && t[i..].iter().map(|p| &p.stem).take(m.len()).eq(m.iter()))
}

/// Text evidence of a need word that names what the need buys but that the supplier's
/// texts say only in purpose complements, of its customers (`WordMatch::aside`): most of
/// its weight goes, as a customer's name is not its trade.
const ASIDE_TEXT: f64 = 0.3;

/// `ev` with the need words that the supplier's trade texts say only on the side
/// ([`said_on_the_side`]) counted as said in its free text, and those that name what the
/// need buys ([`MatchPlan::named`]) but that its texts, trade and free, say only in purpose
/// complements (« Légumes pour la restauration collective », « légumes livrés aux
/// cantines » for « Repas »: whom it sells to) counted as weak evidence
/// (`WordMatch::aside`). The texts are read only when a word said in them has a role in
/// the title: most candidates are left as they are.
fn with_trade_roles<'e>(
    plan: &MatchPlan,
    ev: &'e TextEvidence,
    s: &Supplier,
) -> Cow<'e, TextEvidence> {
    let checked: Vec<(usize, Vec<String>)> = ev
        .words
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((i, has_a_role(plan, &m.query)?)))
        .collect();
    if checked.is_empty() {
        return Cow::Borrowed(ev);
    }
    let trade = trade_parts(s);
    let mut body: Option<Vec<Arc<[PhrasePart]>>> = None;
    let mut out = Cow::Borrowed(ev);
    for (i, q) in checked {
        let m = &ev.words[i];
        let side = m.in_trade && said_on_the_side(plan, &q, &m.matched, &trade);
        if m.in_trade && !side {
            continue;
        }
        let aside = q.iter().any(|st| plan.heads.contains(st))
            && match said_only_for(&q, &m.matched, body.get_or_insert_with(|| body_parts(s))) {
                Some(only) => only,
                // Not in the free text: said only on the side of the trade texts.
                None => side,
            };
        if side || aside {
            let w = &mut out.to_mut().words[i];
            w.in_trade = false;
            w.aside = aside;
        }
    }
    out
}

/// The stems of every text of the supplier the index reads (name, brand, activity labels
/// and their codes' labels, NAF label, kinds, offers, references, description), sentence
/// by sentence: what [`says_whole`] looks for an expression in.
fn sentence_stems(s: &Supplier) -> Vec<(Arc<[String]>, bool)> {
    supplier_texts(s)
        .into_iter()
        .flat_map(|(t, in_trade)| {
            t.split(['.', '\n', ';'])
                .map(move |x| (stems_shared(x), in_trade))
        })
        .filter(|(x, _)| !x.is_empty())
        .collect()
}

/// Every text of the supplier the index reads, each with whether it is a trade text
/// (name, brand, activity labels and their codes' labels, NAF label, kinds, offer titles)
/// or free text (description, offer descriptions, references).
fn supplier_texts(s: &Supplier) -> Vec<(&str, bool)> {
    let names = std::iter::once(s.name.as_str()).chain(s.brand.as_deref());
    names
        .chain(trade_texts(s).iter().map(TradeText::as_str))
        .map(|t| (t, true))
        .chain(body_texts(s).map(|t| (t, false)))
        .collect()
}

/// At most this many words may come between two words of an expression said whole:
/// French coordinates a noun's complements and adjectives, « accueil physique et
/// téléphonique » says « accueil téléphonique », « nettoyage de bureaux et locaux »
/// « nettoyage de locaux ».
const EXPRESSION_GAP: usize = 2;

/// Whether the stems `x` of a sentence say the expression of stems `m` in order, with at
/// most [`EXPRESSION_GAP`] other words between two of its words.
fn says_in_order(m: &[String], x: &[String]) -> bool {
    let Some((first, rest)) = m.split_first() else {
        return false;
    };
    x.iter()
        .enumerate()
        .filter(|(_, w)| *w == first)
        .any(|(i, _)| {
            let mut at = i;
            rest.iter().all(|st| {
                match x[at + 1..]
                    .iter()
                    .take(EXPRESSION_GAP + 1)
                    .position(|w| w == st)
                {
                    Some(j) => {
                        at += j + 1;
                        true
                    }
                    None => false,
                }
            })
        })
}

/// Whether one of the sentences says the expression of stems `m` whole, its words
/// together ([`says_in_order`]; French function words between them aside: « entretien
/// des locaux »), and in which kind of text: `Some(true)` in a trade text, `Some(false)`
/// only in free text.
fn says_whole(m: &[String], sentences: &[(Arc<[String]>, bool)]) -> Option<bool> {
    let mut found = None;
    for (x, in_trade) in sentences {
        if says_in_order(m, x) {
            found = Some(found.unwrap_or(false) || *in_trade);
        }
    }
    found
}

/// `ev` with each multi-word expression of the need's own words the index matched
/// (« entretien des locaux ») kept only when a text of the supplier says it whole, its
/// words in a row. The index matches an expression's words anywhere in the profile:
/// « Création et entretien de jardins » and, in a reference, « sacs pour une fête locale »
/// do not say « entretien des locaux ». Said apart, it becomes its words, each found where
/// the supplier says it (a trade text, or free text). Synonym expressions are kept as the
/// index matched them: requiring them whole cost up to .009 nDCG@10 on the sets, as the
/// thesaurus groups are coarse (« accueil téléphonique » said « accueil physique et
/// téléphonique »).
fn with_whole_expressions<'e>(ev: &'e TextEvidence, s: &Supplier) -> Cow<'e, TextEvidence> {
    // A synonym expression is kept whether said whole or not (see below): only the need's
    // own expressions are looked for, and the supplier's texts read only when there is one.
    let multi = |m: &WordMatch| m.kind != WordMatchKind::Synonym && stems(&m.matched).len() > 1;
    if !ev.words.iter().any(multi) {
        return Cow::Borrowed(ev);
    }
    let sentences = sentence_stems(s);
    let mut words = Vec::with_capacity(ev.words.len());
    for m in &ev.words {
        if !multi(m) {
            words.push(m.clone());
            continue;
        }
        match says_whole(&stems(&m.matched), &sentences) {
            Some(_) => words.push(m.clone()),
            None => {
                for q in m.query.split(' ') {
                    let st = stem(q);
                    let said = says_whole(std::slice::from_ref(&st), &sentences);
                    if said.is_none() && m.kind == WordMatchKind::Exact {
                        continue;
                    }
                    words.push(WordMatch {
                        query: q.to_string(),
                        matched: q.to_string(),
                        in_trade: said.unwrap_or(m.in_trade),
                        ..m.clone()
                    });
                }
            }
        }
    }
    Cow::Owned(TextEvidence {
        words,
        relative_score: ev.relative_score,
    })
}

/// Masculine endings of French nouns in « -al » and « -el » (« local », « locaux »,
/// « matériel », « personnels »), and the feminine endings of the adjectives of the same
/// stem (« locale », « matérielle »), which never name the thing.
const MASCULINE_NOUN_ENDINGS: &[&str] = &["al", "aux", "el", "els"];
const FEMININE_ENDINGS: &[&str] = &["ale", "ales", "elle", "elles"];

/// Whether a supplier word `said` (folded) is only the feminine adjective of the noun
/// `need` names its object with: « fête locale » does not say « locaux », nor « aide
/// matérielle » « matériel »; « local », « locaux » do.
fn feminine_of(need: &str, said: &str) -> bool {
    MASCULINE_NOUN_ENDINGS.iter().any(|e| need.ends_with(e))
        && FEMININE_ENDINGS.iter().any(|e| said.ends_with(e))
}

/// `ev` without the nouns of the need's title (`MatchPlan::named`) that the supplier's
/// texts say only as the feminine adjective of the same stem ([`feminine_of`]): the French
/// stemmer folds « locaux » and « locale » into one stem, but « Entretien des locaux »
/// buys the upkeep of premises, and « sacs pour une fête locale » says nothing of them.
fn without_feminine_clashes<'e>(
    plan: &MatchPlan,
    ev: &'e TextEvidence,
    s: &Supplier,
) -> Cow<'e, TextEvidence> {
    let suspect = |m: &WordMatch| {
        m.kind == WordMatchKind::Exact
            && !m.query.contains(' ')
            && MASCULINE_NOUN_ENDINGS.iter().any(|e| m.query.ends_with(e))
            && plan.named.contains(&stem(&m.query))
    };
    if !ev.words.iter().any(suspect) {
        return Cow::Borrowed(ev);
    }
    let said: Vec<crate::index::analysis::Token> = supplier_texts(s)
        .into_iter()
        .flat_map(|(t, _)| crate::index::analysis::tokens(t))
        .collect();
    let clash = |m: &WordMatch| {
        let st = stem(&m.query);
        let mut forms = said.iter().filter(|t| t.stem == st).peekable();
        forms.peek().is_some() && forms.all(|t| feminine_of(&m.query, &t.surface))
    };
    let words: Vec<WordMatch> = ev
        .words
        .iter()
        .filter(|m| !(suspect(m) && clash(m)))
        .cloned()
        .collect();
    if words.len() == ev.words.len() {
        return Cow::Borrowed(ev);
    }
    Cow::Owned(TextEvidence {
        words,
        relative_score: ev.relative_score,
    })
}

/// Below this relevance a supplier is not returned (no real evidence).
pub const MIN_RELEVANCE: f64 = 0.12;

/// Text evidence `T` in [0, 1].
pub fn text_score(plan: &MatchPlan, ev: Option<&TextEvidence>) -> f64 {
    let Some(ev) = ev else { return 0.0 };
    let total = plan.total_weight();
    if total <= 0.0 || ev.words.is_empty() {
        return 0.0;
    }
    let mut covered = 0.0;
    for w in &plan.words {
        let best = ev
            .words
            .iter()
            .filter(|m| m.query == w.word || m.query.split(' ').any(|q| q == w.word))
            .map(|m| {
                m.kind.factor()
                    * if m.aside {
                        ASIDE_TEXT
                    } else if m.in_trade {
                        1.0
                    } else {
                        0.75
                    }
            })
            .fold(0.0, f64::max);
        covered += w.weight * best;
    }
    let coverage = (covered / total).min(1.0);
    0.75 * coverage + 0.25 * ev.relative_score.clamp(0.0, 1.0)
}

/// How strongly a text (an activity label, a CPV label) says the need's trade: the relative
/// weights of the distinct plan stems it contains, summed, at most 1.
fn text_strength(text: &str, plan: &MatchPlan) -> f64 {
    if plan.stems.is_empty() {
        return 0.0;
    }
    let v = super::vocabulary::Vocabulary::get();
    said_plan_stems(plan, &stems_shared(text))
        .iter()
        .map(|(s, w)| w * v.specificity(s))
        .sum::<f64>()
        .min(1.0)
}

/// The plan stems a text (its stems) says, each with its relative weight: the words and
/// single-word expansions it contains, and the multi-word expansions it says all the
/// stems of, each counted once by its longest stem.
fn said_plan_stems(plan: &MatchPlan, text: &[String]) -> HashMap<String, f64> {
    let mut found: HashMap<String, f64> = text
        .iter()
        .filter_map(|s| plan.stems.get(s).map(|&w| (s.clone(), w)))
        .collect();
    for (e, w) in &plan.expressions {
        if says_all_of(text, e)
            && let Some(key) = expression_key(e)
        {
            let f = found.entry(key.clone()).or_insert(0.0);
            *f = f.max(*w);
        }
    }
    found
}

/// Whether a text (its stems) says every stem of an expression.
fn says_all_of(text: &[String], expression: &[String]) -> bool {
    expression.iter().all(|x| text.contains(x))
}

/// The stem an expression counts by: its longest, most specific one.
fn expression_key(expression: &[String]) -> Option<&String> {
    expression.iter().max_by_key(|x| x.len())
}

/// An activity counts as relevant when its strength reaches this share of the best
/// activity's strength (and [`MIN_ACTIVITY_STRENGTH`]): a supplier that cleans buildings
/// under a CPV code of the need and also mows lawns ("entretien") is relevant for cleaning
/// through its cleaning activity only, so only that activity's zone answers "where".
const RELATIVE_ACTIVITY_STRENGTH: f64 = 0.5;
const MIN_ACTIVITY_STRENGTH: f64 = 0.2;

/// An activity this strong by its codes (or words), and as strong by what its label says or
/// coded as the need (`coded_as_the_need`), identifies the relevant activity well enough to
/// rule out the others that are [`plainly_elsewhere`].
const STRONG_ACTIVITY_STRENGTH: f64 = 0.7;

/// Strength of an activity whose code is in the group of a code inferred from the best text
/// matches. The inference may be of the wrong trade ("réparer" → computer repair): an
/// activity surely irrelevant to the inferred codes is also one whose label and codes' labels
/// say none of the need's words (see [`surely_irrelevant`]), which is what keeps a wrong
/// inference from ruling out the truly relevant activity.
const INFERRED_ACTIVITY_STRENGTH: f64 = 0.8;

/// Codes inferred with less support than this ([`MatchPlan::inferred_support`]: fewer than
/// 3 in 10 of the best text matches agree) may be of another trade than the need's: on the
/// tuning sets, inference below it found one of the truth's groups for 3 needs in 4, above
/// it for 99 in 100. They still rank, but no activity is ruled out by them.
const WEAK_INFERENCE: f64 = 0.3;

/// Whether the plan knows the groups of the need's trade well enough to rule an activity
/// out by its codes: the need's own codes, or codes inferred with enough support.
fn trade_groups_known(plan: &MatchPlan) -> bool {
    !plan.cpv.is_empty() || plan.inferred_support >= WEAK_INFERENCE
}

/// Codes inferred with at least this support (half of the best text matches agree on the
/// most voted group) name the need's trade firmly enough for an activity coded in one of
/// their groups, in a sense the best text matches declare, to be identified as the relevant
/// one ([`inferred_as_the_need`]).
const FIRM_INFERENCE: f64 = 0.5;

/// Whether a need without codes has firmly inferred ones ([`FIRM_INFERENCE`]) and one of
/// the activity's codes is under an inferred group, in one of the inferred senses when they
/// are known: an unlabelled 909 activity for « nettoyage des locaux » is the relevant one,
/// though the English labels of its codes say none of the need's words.
fn inferred_as_the_need(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    plan.cpv.is_empty() && plan.inferred_support >= FIRM_INFERENCE && in_an_inferred_sense(plan, a)
}

/// Indices of the supplier's activities relevant to the need, and the best code evidence.
///
/// Each activity gets a strength: 1 when one of its CPV codes is the need's, a narrower or a
/// broader one, 0.7 in the same CPV group; otherwise how strongly its label and the labels of
/// its CPV codes say the need's words (see [`text_strength`]). The relevant activities are
/// those within [`RELATIVE_ACTIVITY_STRENGTH`] of the strongest.
pub fn relevant_activities(plan: &MatchPlan, s: &Supplier) -> (Vec<usize>, Option<CodeEvidence>) {
    let (strengths, best) = activity_strengths(plan, s);
    (relevant_of(&strengths), best)
}

/// The activities within [`RELATIVE_ACTIVITY_STRENGTH`] of the strongest.
fn relevant_of(strengths: &[f64]) -> Vec<usize> {
    let top = strengths.iter().copied().fold(0.0, f64::max);
    let threshold = (top * RELATIVE_ACTIVITY_STRENGTH).max(MIN_ACTIVITY_STRENGTH);
    strengths
        .iter()
        .enumerate()
        .filter(|&(_, &x)| x >= threshold)
        .map(|(i, _)| i)
        .collect()
}

/// The strength of each activity (see [`relevant_activities`]) and the best code evidence.
pub fn activity_strengths(plan: &MatchPlan, s: &Supplier) -> (Vec<f64>, Option<CodeEvidence>) {
    let r = crate::referential::Referential::get();
    let mut best: Option<CodeEvidence> = None;
    let mut strengths: Vec<f64> = Vec::with_capacity(s.activities.len());
    for a in &s.activities {
        let mut strength: f64 = 0.0;
        for code in &a.cpv {
            for n in &plan.cpv {
                if let Some(rel) = cpv_relation(n, code) {
                    if rel < CpvRelation::SameGroup {
                        strength = strength.max(1.0);
                    } else if rel == CpvRelation::SameGroup {
                        strength = strength.max(0.7);
                    }
                    let akin = plan.sibling_akin(n, code);
                    let mut st = rel.strength_between(n, akin);
                    // Below a division need code, a group its words point to counts as the
                    // need's group.
                    if rel == CpvRelation::Narrower && plan.in_refined_group(code) {
                        st = st.max(REFINED_CODE_EVIDENCE);
                    }
                    // A sibling of another trade is said as what it counts for.
                    let rel = if matches!(rel, CpvRelation::SameClass | CpvRelation::SameGroup)
                        && !akin
                    {
                        CpvRelation::SameDivision
                    } else {
                        rel
                    };
                    if best
                        .as_ref()
                        .is_none_or(|b| st > b.strength || (st == b.strength && rel < b.relation))
                    {
                        best = Some(CodeEvidence {
                            relation: rel,
                            strength: st,
                            supplier_code: code.clone(),
                        });
                    }
                }
            }
        }
        for code in &a.cpv {
            for n in &plan.inferred_cpv {
                if cpv_relation(n, code).is_some_and(|rel| rel <= CpvRelation::SameGroup) {
                    strength = strength.max(INFERRED_ACTIVITY_STRENGTH);
                }
            }
        }
        if strength < 1.0 {
            if let Some(l) = a.label.as_deref() {
                strength = strength.max(text_strength(l, plan));
            }
            for code in &a.cpv {
                if let Ok(c) = r.cpv.resolve(code) {
                    strength = strength.max(0.8 * text_strength(c.label(), plan));
                }
            }
        }
        strengths.push(strength);
    }
    (strengths, best)
}

/// Whether an activity is surely not the one relevant to the need: the plan has codes, the
/// activity declares codes and none of them is under one of the plan's related groups,
/// and neither its label nor its codes' labels say any of the need's words (or their
/// synonyms).
pub fn surely_irrelevant(plan: &MatchPlan, a: &crate::model::Activity, r: &Referential) -> bool {
    if plan.related_groups.is_empty() || a.cpv.is_empty() {
        return false;
    }
    // Weakly inferred codes may be another trade's: only an activity whose label names a
    // trade family (thesaurus section) that uses none of the need's words is surely another
    // trade's. « Propreté et hygiène des locaux » may be what « Prestations d'entretien »
    // means (« entretien des locaux » is cleaning's); « Effacement sécurisé de données »
    // names no family the thesaurus knows, so it cannot be judged.
    if !trade_groups_known(plan) && !of_another_family(plan, a) {
        return false;
    }
    // The buyer's codes of an allotted need may name only some of its lots (event
    // services, not the catering of another lot), so an activity is judged by its words
    // too; without a label, and with codes whose labels the referential has only in
    // English, it has none to be judged by. Inferred codes with enough support name the
    // trade as the buyer's would (on four tuning seeds, both wordings, those with 3 in 10
    // of the best text matches agreeing found one of the truth's groups for 285 needs in
    // 296): an unlabelled activity far from all of them is another trade's (a call
    // centre's 795 beside web design). Weakly inferred ones were dealt with above.
    if plan.allotted
        && a.label.is_none()
        && !a
            .cpv
            .iter()
            .any(|c| r.cpv.resolve(c).is_ok_and(|c| c.label_fr.is_some()))
    {
        return false;
    }
    let far = a.cpv.iter().all(|x| {
        let c = super::codes::code8(x);
        !plan
            .related_groups
            .iter()
            .any(|g| c.starts_with(g.as_str()))
    });
    if !far {
        return false;
    }
    let mentions = |t: &str| mentions_the_need(plan, t);
    if a.label.as_deref().is_some_and(mentions) {
        return false;
    }
    !a.cpv
        .iter()
        .any(|c| r.cpv.resolve(c).is_ok_and(|c| mentions(c.label())))
}

/// Whether the trade families (thesaurus sections) a label names use one of the need's own
/// words in any of their expressions; `None` when it names none the thesaurus knows.
fn family_says_the_need(plan: &MatchPlan, label: &str) -> Option<bool> {
    let th = Thesaurus::get();
    let found = th.find(&stems_shared(label));
    if found.is_empty() {
        return None;
    }
    let own = plan.own_stems();
    Some(found.iter().any(|m| {
        m.groups
            .iter()
            .any(|&g| own.iter().any(|x| th.section_says(g, x)))
    }))
}

/// The key an activity label is known by across the corpus: its stems, in order, so that
/// case, accents and inflection do not split one label (« Conciergerie et gardiennage
/// d'immeubles » and « conciergerie et gardiennage d'immeuble »).
pub fn label_key(label: &str) -> String {
    stems_shared(label).join(" ")
}

/// Whether an activity's label is one the corpus's suppliers of the need's trade write
/// ([`MatchPlan::trade_labels`]): then it may be the relevant one, however little its
/// words say of the need and wherever its own codes are. « Conciergerie et gardiennage
/// d'immeubles », coded 79993100, is a building-maintenance activity, and « Ressourcerie
/// et boutique solidaire », without codes, a waste one: ruling either out let another
/// activity's zone qualify the supplier (violations on held-out sets).
pub fn labelled_as_the_trade(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    !plan.trade_labels.is_empty()
        && a.label
            .as_deref()
            .is_some_and(|l| plan.trade_labels.contains(&label_key(l)))
}

/// Whether an activity's label names a trade family that uses none of the need's words
/// (false without a label, or with one the thesaurus does not know).
fn of_another_family(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.label
        .as_deref()
        .is_some_and(|l| family_says_the_need(plan, l) == Some(false))
}

/// Whether a text says any of the need's words or their synonyms. Lenient, as the rules
/// that rule an activity out must be sure: a multi-word expansion is mentioned by its
/// longest word alone.
fn mentions_the_need(plan: &MatchPlan, text: &str) -> bool {
    stems_shared(text)
        .iter()
        .any(|st| plan.mentioned.contains(st))
}

/// Whether a stem is long enough to name something, or a term the thesaurus knows (« pc »).
fn is_word_stem(s: &str) -> bool {
    s.len() >= 3 || Thesaurus::get().is_term(s)
}

/// The [`MatchPlan::mentioned`] stems of a need's words, given the plan's vocabulary
/// ([`plan_vocabulary`]).
pub fn mentioned_vocabulary(
    words: &[WeightedWord],
    stems_of: &HashMap<String, f64>,
    expressions: &[Expression],
) -> HashSet<String> {
    let mut out: HashSet<String> = stems_of.keys().cloned().collect();
    out.extend(
        expressions
            .iter()
            .filter_map(|(e, _)| expression_key(e))
            .cloned(),
    );
    for w in words {
        let st = stem(&w.word);
        let own = Thesaurus::get().find(std::slice::from_ref(&st));
        let expansions = own
            .iter()
            .flat_map(|m| &m.alternatives)
            .filter_map(|alt| expression_key(&alt.stems))
            .cloned();
        out.extend(
            expansions
                .chain(std::iter::once(st))
                .filter(|s| is_word_stem(s)),
        );
    }
    out
}

/// Whether an activity's label or one of its codes' labels says what the need is about: a
/// thing of the need (« vitres », « haies »), an action noun that is on its own a term of
/// one trade family of the thesaurus (« tonte », « élagage »), or two of its words. One
/// shared generic action noun (« entretien », « taille », « collecte ») is work other
/// trades do too: « Entretien de flottes de vélos » does not say that the supplier's
/// relevant activity is the one for « Interventions d'entretien dans les équipements ».
/// So is a term that other families' expressions start with (`is_specific_term`):
/// « réparations », a handyman's term, says « Maintenance et réparation informatique »
/// no more than « nettoyage » says premises rather than vehicles.
fn says_the_need(plan: &MatchPlan, a: &crate::model::Activity, r: &Referential) -> bool {
    let says = |t: &str| {
        let tokens = crate::index::analysis::tokens(t);
        let all: Vec<String> = tokens.iter().map(|x| x.stem.clone()).collect();
        let said: Vec<&crate::index::analysis::Token> = tokens
            .iter()
            .filter(|x| plan.stems.contains_key(&x.stem))
            .collect();
        said.iter().any(|x| {
            !super::text::is_action_noun(&x.surface) || Thesaurus::get().is_specific_term(&x.stem)
        }) || said.iter().map(|x| &x.stem).collect::<HashSet<_>>().len() >= 2
            || plan.expressions.iter().any(|(e, _)| says_all_of(&all, e))
    };
    a.label.as_deref().is_some_and(says)
        || a.cpv
            .iter()
            .filter_map(|c| r.cpv.resolve(c).ok())
            .any(|c| says(c.label()))
}

/// How strongly an activity's label and its codes' labels say the need's words.
pub fn said_strength(plan: &MatchPlan, a: &crate::model::Activity, r: &Referential) -> f64 {
    let label = a.label.as_deref().map_or(0.0, |l| text_strength(l, plan));
    a.cpv
        .iter()
        .filter_map(|c| r.cpv.resolve(c).ok())
        .map(|c| 0.8 * text_strength(c.label(), plan))
        .fold(label, f64::max)
}

/// Whether an activity plainly does something else than the need, once another activity of
/// the supplier is identified as the relevant one (see [`candidate_activities`]): its label
/// says what it does, none of its codes is on the branch of a need code, its strength is
/// below [`RELATIVE_ACTIVITY_STRENGTH`] and its label and codes' labels say less than
/// [`MIN_ACTIVITY_STRENGTH`] of the need's words. An activity without a label is judged by
/// its codes only: it stays a candidate when one of them is under a core group of the need's
/// codes (`MatchPlan::core_groups`), which the trade's activities commonly declare with them
/// (an unlabelled 55511000 canteen activity for a need coded 15894200, prepared meals), not
/// merely under a related group a few activities declare (the catch-all 799 of a mailing
/// need, whose packaging activity is another trade).
/// An activity without codes is judged by its label only, so it must not even mention the
/// need ([`mentions_the_need`], lenient): « Restauration collective » says the need's
/// « repas » only through a word too ambiguous (« restauration » of furniture) to weigh
/// much, and ruling it out let a caterer's national buffet activity qualify it for a
/// collective-catering need its own zone does not cover (a violation on held-out sets).
/// Its label must also name a trade family (thesaurus section) that uses none of the
/// need's words ([`family_says_the_need`]): a label the thesaurus does not know
/// (« Effacement sécurisé de données » for the collection of e-waste) cannot be judged.
fn plainly_elsewhere(
    plan: &MatchPlan,
    a: &crate::model::Activity,
    strength: f64,
    r: &Referential,
) -> bool {
    let on_branch = on_a_need_branch(plan, a);
    // Without core groups (unknown), an unlabelled activity cannot be judged.
    let in_core =
        plan.core_groups.is_empty() || !trade_groups_known(plan) || in_core_group(plan, a);
    (a.label.is_some() || !in_core)
        && !on_branch
        && strength < RELATIVE_ACTIVITY_STRENGTH
        && said_strength(plan, a, r) < MIN_ACTIVITY_STRENGTH
        && (!a.cpv.is_empty()
            || (of_another_family(plan, a)
                && !a
                    .label
                    .as_deref()
                    .is_some_and(|l| mentions_the_need(plan, l))))
}

/// Whether one of the activity's codes is on the branch of one of the buyer's codes: the
/// need's code, below it or above it.
fn on_a_need_branch(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.cpv.iter().any(|code| {
        plan.cpv
            .iter()
            .any(|n| cpv_relation(n, code).is_some_and(|rel| rel < CpvRelation::SameGroup))
    })
}

/// Whether one of the activity's codes is under an inferred group, in one of the inferred
/// senses when they are known, however weak the inference: « Façonnage et reliure »,
/// 79521000, for a printing need whose best text matches vote for 798 first and for
/// reprography (7952) in 795 next.
fn in_an_inferred_sense(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.cpv.iter().any(|code| {
        plan.in_inferred_group(code)
            && (plan.inferred_senses.is_empty() || plan.in_inferred_sense(cpv_sense(code)))
    })
}

/// Whether one of the activity's codes is in the CPV group of a buyer code, or, for a need
/// without codes, in the group of the most voted inferred code: the trade the codes name,
/// as surely as codes can (« Effacement sécurisé de données », 90514000, for e-waste
/// collection whose inferred groups are 905 and 302).
fn in_the_need_group(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.cpv.iter().any(|code| {
        if plan.cpv.is_empty() {
            plan.inferred_cpv.first().is_some_and(|g| {
                super::codes::code8(g)
                    .get(..3)
                    .is_some_and(|g| super::codes::code8(code).starts_with(g))
            })
        } else {
            plan.cpv
                .iter()
                .any(|n| cpv_relation(n, code).is_some_and(|rel| rel <= CpvRelation::SameGroup))
        }
    })
}

/// Whether one of the activity's codes is under a coarse buyer code (a group or a
/// division, where [`coded_as_the_need`] names no trade): « Déménagement de bureaux »,
/// 98392000, under 98300000. Not above a code: « Remise en état de logements », 90910000,
/// is no more the buyer's 90919000 than « Propreté et hygiène des locaux » with the same
/// code.
fn under_a_coarse_need_code(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.cpv.iter().any(|code| {
        plan.cpv.iter().any(|n| {
            crate::referential::codes::significant_prefix(super::codes::code8(n)).len() < 4
                && cpv_relation(n, code)
                    .is_some_and(|rel| matches!(rel, CpvRelation::Exact | CpvRelation::Narrower))
        })
    })
}

/// Whether one of the activity's codes is a need code of a class or finer, or below one:
/// the buyer's own code names the activity's trade. A catch-all need code
/// (`79990000`, « Miscellaneous business-related services », over reception and archiving
/// alike) names it only when the need's words point to the activity's group too
/// ([`MatchPlan::voted_groups`]), and to its line of the group when the best text matches
/// agree on some ([`MatchPlan::voted_senses`]): alone, it names none.
fn coded_as_the_need(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    let r = Referential::get();
    a.cpv.iter().any(|code| {
        let voted = || {
            let c = super::codes::code8(code);
            if plan.voted_senses.is_empty() {
                plan.voted_groups.iter().any(|g| c.starts_with(g.as_str()))
            } else {
                let sense = cpv_sense(c);
                plan.voted_senses.iter().any(|v| in_sense(sense, v))
            }
        };
        plan.cpv.iter().any(|n| {
            crate::referential::codes::significant_prefix(super::codes::code8(n)).len() >= 4
                && cpv_relation(n, code)
                    .is_some_and(|rel| matches!(rel, CpvRelation::Exact | CpvRelation::Narrower))
                && (!r.cpv.resolve(n).is_ok_and(|c| c.is_catch_all()) || voted())
        })
    })
}

/// The activities that may be the relevant one: every activity that is not
/// [`surely_irrelevant`] (all of them when that leaves none; see the module doc), less those
/// [`plainly_elsewhere`] when one activity is identified as the relevant one (strength at
/// least [`STRONG_ACTIVITY_STRENGTH`], and so is its said strength with [`says_the_need`],
/// or it is [`coded_as_the_need`]). `relevant` orders them, so
/// that the reasons name a relevant activity first.
pub fn candidate_activities(
    plan: &MatchPlan,
    s: &Supplier,
    relevant: &[usize],
    strengths: &[f64],
    r: &Referential,
) -> Vec<usize> {
    // An activity whose label the trade's suppliers write is never ruled out.
    let labelled: Vec<bool> = s
        .activities
        .iter()
        .map(|a| labelled_as_the_trade(plan, a))
        .collect();
    let possible: Vec<usize> = (0..s.activities.len())
        .filter(|&i| labelled[i] || !surely_irrelevant(plan, &s.activities[i], r))
        .collect();
    // An activity surely irrelevant to the need's codes (its own or inferred) is never the
    // relevant one, even when no other activity is strong.
    let mut pool: Vec<usize> = if possible.is_empty() {
        (0..s.activities.len()).collect()
    } else {
        possible
    };
    // An activity that belongs to the need's trade by its codes and either says the need's
    // words or has the buyer's own code identifies the relevant activity: the supplier's
    // other activities that neither code nor say anything of the need are not candidates.
    let by_the_need = pool
        .iter()
        .any(|&i| identified_by_the_need(plan, &s.activities[i], strengths.get(i).copied(), r));
    let identified = by_the_need
        || pool
            .iter()
            .any(|&i| identified_by_inference(plan, &s.activities[i], strengths.get(i).copied()));
    if identified {
        pool.retain(|&i| {
            let a = &s.activities[i];
            if labelled[i] {
                return true;
            }
            // Identified by inferred codes alone, which may be of another trade however
            // many agree (« Maintenance des extérieurs communaux » → painting, for its
            // « extérieure »), an activity is ruled out only when its label names a trade
            // family that uses none of the need's words, as under weak inference.
            !(plainly_elsewhere(plan, a, strengths.get(i).copied().unwrap_or(1.0), r)
                && (by_the_need || of_another_family(plan, a)))
        });
    }
    // The closer activity must be coded in a core group of the trade, which weakly inferred
    // codes do not know: « Demande de devis » to clean a school after painting works
    // inferred building work with support 0.2, and « Entretien ménager » made the truly
    // relevant « Remise en état de logements » give way.
    if identified && trade_groups_known(plan) {
        // A sibling speciality gives way to an identified activity that says more of the
        // need's own words: « Nettoyage après travaux » beside « Nettoyage de bureaux et
        // locaux » for a need of « nettoyage des locaux ». Synonyms do not count: the
        // need's words may be those of the speciality's trade in other terms.
        let label = |i: usize| s.activities[i].label.as_deref();
        let sibling: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|&i| label(i).is_some_and(|l| names_another_speciality(plan, l)))
            .collect();
        if !sibling.is_empty() {
            let own_words = plan.own_stems();
            let coded = |i: usize| coded_as_the_need(plan, &s.activities[i]);
            // The closer activity must be coded in the trade too: by its words alone it may
            // be another trade's (« Hôtes et hôtesses d'accueil » for the meals of an
            // « accueil de loisirs »).
            let closer: Vec<(bool, HashSet<String>)> = pool
                .iter()
                .copied()
                .filter(|i| !sibling.contains(i))
                .filter(|&i| {
                    identified_by_the_need(plan, &s.activities[i], strengths.get(i).copied(), r)
                })
                .filter(|&i| in_core_group(plan, &s.activities[i]))
                .filter_map(|i| {
                    let said = stems_shared(label(i)?)
                        .iter()
                        .filter(|x| own_words.contains(*x))
                        .cloned()
                        .collect();
                    Some((coded(i), said))
                })
                .collect();
            pool.retain(|&i| {
                let Some(l) = label(i).filter(|_| sibling.contains(&i)) else {
                    return true;
                };
                let own = stems_shared(l);
                // An activity with the buyer's own code is the need's trade whatever it
                // names (« Entretien des vêtements de travail », 98315000, for « traitement
                // des textiles »), unless the closer activity has it too. Under a coarse
                // buyer code (a group, 98300000), no activity has it in that sense, but one
                // on its branch is still what the buyer coded: « Déménagement de bureaux »,
                // 98392000, gives way to no activity that is not coded as the need.
                let coded_i = coded(i) || under_a_coarse_need_code(plan, &s.activities[i]);
                !closer
                    .iter()
                    .any(|(c, said)| (*c || !coded_i) && said.iter().any(|x| !own.contains(x)))
            });
        }
    }
    let mut candidates: Vec<usize> = relevant
        .iter()
        .copied()
        .filter(|i| pool.contains(i))
        .collect();
    for i in pool {
        if !candidates.contains(&i) {
            candidates.push(i);
        }
    }
    candidates
}

/// Whether one of an activity's codes is under one of the plan's core groups (false when
/// they are unknown).
fn in_core_group(plan: &MatchPlan, a: &crate::model::Activity) -> bool {
    a.cpv.iter().any(|code| {
        let c = super::codes::code8(code);
        plan.core_groups.iter().any(|g| c.starts_with(g.as_str()))
    })
}

/// Whether an activity's label names, with a multi-word expression of the thesaurus, a
/// speciality the need does not mention, and says nothing else of the need: its words of
/// the need are those of the speciality's name (« Nettoyage après travaux », « Tonte et
/// taille de haies » for a need of « nettoyage des locaux », « élagage »). Such an activity
/// is a sibling trade of the need's, not the need's own.
fn names_another_speciality(plan: &MatchPlan, label: &str) -> bool {
    let th = Thesaurus::get();
    let st = stems_shared(label);
    let mut named = vec![false; st.len()];
    let mut other = false;
    for m in th.find(&st) {
        if m.len < 2 || m.groups.iter().any(|&g| speciality_mentioned(plan, g)) {
            continue;
        }
        other = true;
        for n in &mut named[m.start..m.start + m.len] {
            *n = true;
        }
    }
    other
        && st
            .iter()
            .zip(&named)
            .all(|(x, &n)| n || !plan.mentioned.contains(x))
}

/// Whether the need mentions a thesaurus group: one of the stems only that group's
/// expressions have, or one of its expressions among the plan's expansions.
fn speciality_mentioned(plan: &MatchPlan, group: usize) -> bool {
    let th = Thesaurus::get();
    th.specific_stems(group)
        .iter()
        .any(|x| plan.mentioned.contains(x))
        || th
            .group_expressions(group)
            .any(|e| plan.expressions.iter().any(|(x, _)| x.as_slice() == e))
}

/// Whether an activity of this strength identifies itself as the relevant one by a firmly
/// inferred code ([`inferred_as_the_need`]) when nothing the buyer wrote identifies one
/// ([`identified_by_the_need`]).
fn identified_by_inference(
    plan: &MatchPlan,
    a: &crate::model::Activity,
    strength: Option<f64>,
) -> bool {
    strength.is_some_and(|x| x >= STRONG_ACTIVITY_STRENGTH) && inferred_as_the_need(plan, a)
}

/// Whether an activity identifies itself as the relevant one by what the buyer wrote: its
/// words ([`said_as_the_need`]) or the buyer's own code ([`coded_as_the_need`]), not codes
/// inferred from other suppliers. Only such an activity makes a sibling speciality give way:
/// « Taille et soins aux arbres », coded in the inferred 773 but saying little of a
/// flower-bed need, must not rule out « Entretien d'espaces verts ».
fn identified_by_the_need(
    plan: &MatchPlan,
    a: &crate::model::Activity,
    strength: Option<f64>,
    r: &Referential,
) -> bool {
    said_as_the_need(plan, a, strength, r)
        || (strength.is_some_and(|x| x >= STRONG_ACTIVITY_STRENGTH) && coded_as_the_need(plan, a))
}

/// Whether an activity of this strength identifies itself as the relevant one by its words:
/// strong, and its label or its codes' labels say the need's specific words as strongly
/// ([`says_the_need`]).
fn said_as_the_need(
    plan: &MatchPlan,
    a: &crate::model::Activity,
    strength: Option<f64>,
    r: &Referential,
) -> bool {
    strength.is_some_and(|x| x >= STRONG_ACTIVITY_STRENGTH)
        && said_strength(plan, a, r) >= STRONG_ACTIVITY_STRENGTH
        && says_the_need(plan, a, r)
}

/// The candidate activities whose zones and modes count: all of them, unless the need buys
/// one trade (an allotted need's lots may name several: the activity that says one lot's
/// words is not the one of another lot) and one activity is identified as the relevant
/// one, by what the buyer wrote ([`identified_by_the_need`]) while coded in the need's
/// group or an inferred sense, or by a label the trade writes ([`labelled_as_the_trade`]).
/// Then a labelled candidate that does not even mention the need ([`mentions_the_need`],
/// lenient: « Restauration collective » for a meal need), says almost nothing of it (below
/// [`MIN_ACTIVITY_STRENGTH`]), and has no code in the need's group ([`in_the_need_group`])
/// nor in an inferred sense ([`in_an_inferred_sense`]) is a candidate only because one of
/// its codes is in a group the need's codes (or inferred ones) reach: « Publipostage »,
/// coded 79571000 in the second inferred group, 795, beside « Façonnage et reliure » for a
/// need of « tirage des affiches et flyers » (798 first). The contract counts the zone of
/// the activity that matches the need, so its zone does not count. An activity without a
/// label cannot be judged by its words and always counts.
pub fn zone_activities(
    plan: &MatchPlan,
    s: &Supplier,
    candidates: &[usize],
    strengths: &[f64],
    r: &Referential,
) -> Vec<usize> {
    if plan.allotted || candidates.len() < 2 {
        return candidates.to_vec();
    }
    let counted: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| may_be_the_need(plan, &s.activities[i], r))
        .collect();
    if counted.len() == candidates.len() {
        return counted;
    }
    // The identified activity must be where the codes say the need is, too: the buyer's
    // words may be another trade's (« entretien des textiles » says « textiles » of
    // workwear sewing, while the laundry beside it says neither).
    let identified = candidates.iter().any(|&i| {
        let a = &s.activities[i];
        labelled_as_the_trade(plan, a)
            || (identified_by_the_need(plan, a, strengths.get(i).copied(), r)
                && (in_the_need_group(plan, a) || in_an_inferred_sense(plan, a)))
    });
    if identified {
        counted
    } else {
        candidates.to_vec()
    }
}

/// Whether a candidate activity may be the need's by what it is, whatever the others are:
/// unlabelled (its words cannot be judged), labelled as the trade, coded in the need's group
/// or an inferred sense, or a label that mentions the need or says some of it. The other
/// candidates are candidates only through a group the need's codes reach (see
/// [`zone_activities`]). Cheapest tests first: this runs for every assessed supplier with
/// two candidates or more.
fn may_be_the_need(plan: &MatchPlan, a: &crate::model::Activity, r: &Referential) -> bool {
    a.label.is_none()
        || labelled_as_the_trade(plan, a)
        || in_the_need_group(plan, a)
        || in_an_inferred_sense(plan, a)
        || a.label
            .as_deref()
            .is_some_and(|l| mentions_the_need(plan, l))
        || said_strength(plan, a, r) >= MIN_ACTIVITY_STRENGTH
}

/// The contract's geography rule, asked of every candidate activity (see the module doc).
fn conservative_qualifies(
    need: &Need,
    s: &Supplier,
    candidates: &[usize],
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<GeoQualification> {
    if s.activities.is_empty() {
        return qualifies(s, need, &[], place, r);
    }
    let all_cover = candidates
        .iter()
        .all(|&i| serves(s, &[i], place, r).is_some());
    if all_cover {
        qualifies(s, need, candidates, place, r)
    } else {
        need.perimeter
            .as_ref()
            .and_then(|p| in_perimeter(s, p, place, r))
            .map(GeoQualification::Located)
    }
}

/// Stems of the plan's words and of their single-word thesaurus expansions, each with the
/// weight of its word relative to the heaviest word ([`MatchPlan::stems`]), and the
/// multi-word expansions with theirs ([`MatchPlan::expressions`]).
pub fn plan_vocabulary(words: &[WeightedWord]) -> (HashMap<String, f64>, Vec<Expression>) {
    let max = words
        .iter()
        .map(|w| w.weight)
        .fold(0.0, f64::max)
        .max(1e-12);
    let mut out: HashMap<String, f64> = HashMap::new();
    let mut expressions: Vec<Expression> = Vec::new();
    let mut put = |s: &str, w: f64| {
        if is_word_stem(s) {
            let e = out.entry(s.to_string()).or_insert(0.0);
            *e = e.max(w);
        }
    };
    let seq: Vec<String> = words.iter().map(|w| stem(&w.word)).collect();
    for (st, w) in seq.iter().zip(words) {
        put(st, w.weight / max);
    }
    for m in Thesaurus::get().find(&seq) {
        let w = words[m.start..m.start + m.len]
            .iter()
            .map(|w| w.weight / max)
            .fold(0.0, f64::max);
        for alt in m.alternatives {
            match alt.stems.as_slice() {
                [one] => put(one, w),
                [] => {}
                _ => match expressions.iter_mut().find(|(e, _)| *e == alt.stems) {
                    Some((_, x)) => *x = x.max(w),
                    None => expressions.push((alt.stems, w)),
                },
            }
        }
    }
    (out, expressions)
}

fn social_fit(s: &Supplier) -> (f64, Option<String>) {
    if let Some(k) = s.kinds.iter().find(|k| k.is_siae() || **k == Kind::GEIQ) {
        return (
            1.0,
            Some(format!(
                "clause sociale : structure d'insertion ({})",
                k.as_str()
            )),
        );
    }
    if let Some(k) = s.kinds.iter().find(|k| k.is_disability()) {
        return (
            0.8,
            Some(format!(
                "clause sociale : {} (travailleurs handicapés)",
                k.as_str()
            )),
        );
    }
    if s.capacity.insertion_employees.is_some_and(|n| n > 0) {
        return (
            0.7,
            Some("clause sociale : salariés en insertion".to_string()),
        );
    }
    if s.ess || s.esus {
        return (0.3, None);
    }
    (0.0, None)
}

/// Days between a profile's `updated_at` and `today`.
fn days_since(updated_at: Option<&str>, today: jiff::civil::Date) -> Option<i64> {
    let ts: jiff::Timestamp = updated_at?.parse().ok()?;
    let d = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let span = d.until((jiff::Unit::Day, today)).ok()?;
    Some(i64::from(span.get_days()))
}

fn freshness(days: Option<i64>) -> f64 {
    match days {
        None => 0.5,
        Some(d) if d <= 365 => 1.0,
        Some(d) => (1.0 - (d - 365) as f64 / 730.0).max(0.0),
    }
}

/// French number with thin grouping: 120 000.
pub fn euros(x: f64) -> String {
    let n = x.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    format!("{}{out} €", if n < 0 { "-" } else { "" })
}

fn cpv_reason(ev: &CodeEvidence) -> String {
    let code8 = ev
        .supplier_code
        .split('-')
        .next()
        .unwrap_or(&ev.supplier_code);
    format!("CPV {code8} ({})", ev.relation.label_fr())
}

fn geo_reason(q: &GeoQualification, s: &Supplier, r: &Referential) -> String {
    match q {
        GeoQualification::Serves(sv) => {
            let base = match &sv.cover {
                ZoneCover::National => "intervient dans toute la France".to_string(),
                ZoneCover::Area(a) => {
                    format!("intervient {}", crate::index::reasons::in_area(r, a))
                }
                ZoneCover::Radius { radius_km, .. } => {
                    format!(
                        "intervient dans un rayon de {}",
                        crate::index::reasons::km(*radius_km)
                    )
                }
                ZoneCover::OwnDepartement(d) => format!(
                    "intervient dans son département, {}",
                    crate::index::reasons::in_area(r, &crate::model::Area::Dept(d.clone()))
                        .replacen("dans ", "", 1)
                ),
            };
            match sv
                .activity
                .and_then(|i| s.activities.get(i))
                .and_then(|a| a.label.as_deref())
            {
                Some(l) => format!("{base} pour « {l} »"),
                None => base,
            }
        }
        GeoQualification::Located(l) => match l {
            InPerimeter::National => "situé en France (périmètre national)".to_string(),
            InPerimeter::InPlace => "situé sur la commune du lieu d'exécution".to_string(),
            InPerimeter::Area(a) => format!("situé {}", crate::index::reasons::in_area(r, a)),
            InPerimeter::Radius { radius_km, .. } => {
                format!(
                    "situé dans le périmètre de {}",
                    crate::index::reasons::km(*radius_km)
                )
            }
        },
    }
}

fn words_reason(ev: &TextEvidence) -> Option<String> {
    let mut seen = HashSet::new();
    let words: Vec<String> = ev
        .words
        .iter()
        .filter(|m| seen.insert(m.query.clone()))
        .map(|m| match m.kind {
            WordMatchKind::Exact => m.query.clone(),
            WordMatchKind::Synonym => format!("{} → {}", m.query, m.matched),
            WordMatchKind::Typo | WordMatchKind::Prefix => format!("{} (≈ {})", m.query, m.matched),
        })
        .collect();
    (!words.is_empty()).then(|| format!("mots : {}", words.join(", ")))
}

/// Which step of [`assess`] rejects a supplier (`closed`, `reserved`, `modes`, `geography`,
/// `evidence`), or `None` when it passes (evaluation aid).
pub fn rejection(
    plan: &MatchPlan,
    need: &Need,
    s: &Supplier,
    text: Option<&TextEvidence>,
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<&'static str> {
    if s.closed {
        return Some("closed");
    }
    if let Some(route) = need.reserved
        && supplier_eligibility(route, s).is_none()
    {
        return Some("reserved");
    }
    let (strengths, _) = activity_strengths(plan, s);
    let candidates = counted_activities(plan, s, &strengths, r);
    if !offers_modes(plan, need, s, &candidates, &strengths, r) {
        return Some("modes");
    }
    if conservative_qualifies(need, s, &candidates, place, r).is_none() {
        return Some("geography");
    }
    if assess(plan, need, s, text, place, r, jiff::civil::date(2026, 3, 1)).is_none() {
        return Some("evidence");
    }
    None
}

/// The activities whose zones and modes count for a supplier, given its
/// [`activity_strengths`]: the candidates ([`candidate_activities`]) narrowed by
/// [`zone_activities`].
pub fn counted_activities(
    plan: &MatchPlan,
    s: &Supplier,
    strengths: &[f64],
    r: &Referential,
) -> Vec<usize> {
    let candidates = candidate_activities(plan, s, &relevant_of(strengths), strengths, r);
    zone_activities(plan, s, &candidates, strengths, r)
}

/// The modes rule: with modes asked, every candidate activity whose modes count offers one
/// of them (see the module doc and [`mode_activities`]).
fn offers_modes(
    plan: &MatchPlan,
    need: &Need,
    s: &Supplier,
    candidates: &[usize],
    strengths: &[f64],
    r: &Referential,
) -> bool {
    need.modes.is_empty() || {
        let asked = mode_activities(plan, s, candidates, strengths, r);
        !asked.is_empty()
            && asked.iter().all(|i| {
                s.activities
                    .get(*i)
                    .is_some_and(|a| a.modes.iter().any(|m| need.modes.contains(m)))
            })
    }
}

/// The candidates whose modes count: all of them, unless one candidate is strong (codes or
/// words that say the need, [`STRONG_ACTIVITY_STRENGTH`]) and the need buys one trade. Then
/// a candidate far weaker (below [`RELATIVE_ACTIVITY_STRENGTH`] of the strongest) that is
/// not the need's by what it is ([`may_be_the_need`]) and has no code in a group the need's
/// trade commonly declares ([`in_core_group`]) is a candidate only through a group the
/// need's codes reach: the mode the buyer asks is the strong activity's work. « Assemblage
/// et kitting » (services, 799) beside « Couture et retouches » coded 18113000 does not
/// make a workwear seamstress fail a goods need. Unlike [`zone_activities`], no activity
/// needs to be identified: a far weaker activity outside the trade's core groups is rarely
/// the relevant one, and a mode, unlike a zone, is mostly the trade's (a core group keeps
/// « Façonnage et reliure », 79521000, beside « Publipostage » coded 79824000 for a
/// printing need: the binder is the printer). An uncoded candidate's mode counts, however
/// weak, when every strong one is strong only by a code under a coarse buyer code.
fn mode_activities(
    plan: &MatchPlan,
    s: &Supplier,
    candidates: &[usize],
    strengths: &[f64],
    r: &Referential,
) -> Vec<usize> {
    let strength = |i: usize| strengths.get(i).copied().unwrap_or(0.0);
    let top = candidates.iter().map(|&i| strength(i)).fold(0.0, f64::max);
    if plan.allotted || candidates.len() < 2 || top < STRONG_ACTIVITY_STRENGTH {
        return candidates.to_vec();
    }
    // A code under a coarse buyer code (a group or a division: 55000000 over every meal
    // trade) makes an activity strong without telling which of the trade's activities is
    // the need's: an uncoded one may be under that code too. « Cocktails et pauses
    // gourmandes », 55520000, is no more the need's than an uncoded « Portage de repas à
    // domicile » for a school's meals. One coded elsewhere is placed by its codes.
    let telling = |i: usize| {
        let a = &s.activities[i];
        !under_a_coarse_need_code(plan, a)
            || coded_as_the_need(plan, a)
            || said_strength(plan, a, r) >= STRONG_ACTIVITY_STRENGTH
    };
    let uncoded_counts = candidates.iter().any(|&i| s.activities[i].cpv.is_empty())
        && !candidates
            .iter()
            .any(|&i| strength(i) >= STRONG_ACTIVITY_STRENGTH && telling(i));
    candidates
        .iter()
        .copied()
        .filter(|&i| {
            let a = &s.activities[i];
            strength(i) >= top * RELATIVE_ACTIVITY_STRENGTH
                || in_core_group(plan, a)
                || may_be_the_need(plan, a, r)
                || (a.cpv.is_empty() && uncoded_counts)
        })
        .collect()
}

/// Assess one supplier for one need. `None` when a hard rule fails or there is no evidence.
pub fn assess(
    plan: &MatchPlan,
    need: &Need,
    s: &Supplier,
    text: Option<&TextEvidence>,
    place: &ResolvedPlace<'_>,
    r: &Referential,
    today: jiff::civil::Date,
) -> Option<Assessment> {
    if s.closed {
        return None;
    }
    let basis: Option<Basis> = match need.reserved {
        Some(route) => Some(supplier_eligibility(route, s)?),
        None => None,
    };
    let (strengths, code_ev) = activity_strengths(plan, s);
    let relevant = relevant_of(&strengths);
    let candidates = counted_activities(plan, s, &strengths, r);
    if !offers_modes(plan, need, s, &candidates, &strengths, r) {
        return None;
    }
    let geo = conservative_qualifies(need, s, &candidates, place, r)?;

    // An expression is said only whole; a need word the supplier's trade texts say only
    // on the side counts as free text.
    let whole = text.map(|e| with_whole_expressions(e, s));
    let text = whole
        .as_deref()
        .map(|e| without_feminine_clashes(plan, e, s));
    let text = text.as_deref();
    let t = text_score(plan, text.map(|e| with_trade_roles(plan, e, s)).as_deref());
    let naf_ev = s
        .naf
        .as_deref()
        .filter(|n| !is_administrative_naf(n) && plan.naf.contains(n));
    let c_cpv = code_ev.as_ref().map_or(0.0, |e| e.strength);
    // A trade NAF says as little as a code below the need's when the need's codes are coarse.
    let naf_strength = plan
        .cpv
        .iter()
        .map(|n| 0.5 * CpvRelation::Narrower.strength_for(n) / CpvRelation::Narrower.strength())
        .fold(0.0, f64::max);
    // A trade NAF of a group the words of a division need code point to: as below a group.
    let naf_strength = if s
        .naf
        .as_deref()
        .is_some_and(|n| plan.refined_naf.contains(&n))
    {
        naf_strength.max(0.5 * REFINED_CODE_EVIDENCE / CpvRelation::Narrower.strength())
    } else {
        naf_strength
    };
    let mut c = c_cpv.max(if naf_ev.is_some() { naf_strength } else { 0.0 });
    if plan.cpv.is_empty() && !plan.inferred_cpv.is_empty() {
        let w_inf = INFERRED_CODE_WEIGHT;
        let codes = s
            .activities
            .iter()
            .flat_map(|a| a.cpv.iter().map(String::as_str));
        if let Some((rel, _, _)) = super::codes::best_cpv_match(&plan.inferred_cpv, codes) {
            c = c.max((w_inf * rel.strength()).min(INFERRED_CODE_CAP));
        }
        if s.naf
            .as_deref()
            .is_some_and(|n| !is_administrative_naf(n) && plan.inferred_naf.contains(&n))
        {
            c = c.max(w_inf * 0.5);
        }
    }
    let neighbour_code = (c < NEIGHBOUR_CODE_EVIDENCE)
        .then(|| {
            s.activities.iter().flat_map(|a| a.cpv.iter()).find(|x| {
                let x8 = super::codes::code8(x);
                plan.neighbour_classes
                    .iter()
                    .any(|n| x8.starts_with(n.as_str()))
            })
        })
        .flatten();
    if neighbour_code.is_some() {
        c = NEIGHBOUR_CODE_EVIDENCE;
    }
    // Word sense: the need's codes (or those inferred from what its words mean in the
    // corpus) say which trade its words are about. A supplier without any code evidence
    // whose every activity declares codes of trades unrelated to them says the words in
    // another sense ("restauration" of furniture for a meal need, "confection" of clothes).
    // Within an inferred group, a supplier only of sibling categories that the best text
    // matches do not declare says them about another object (vehicles, not premises).
    let t = if c == 0.0 && other_trade(plan, s) {
        t * if plan.cpv.is_empty() {
            OTHER_TRADE_TEXT_INFERRED
        } else {
            OTHER_TRADE_TEXT
        }
    } else if c <= INFERRED_CODE_CAP && sibling_sense(plan, s) {
        t * SIBLING_SENSE_TEXT
    } else {
        t
    };
    let relevance = 1.0 - (1.0 - 0.9 * t) * (1.0 - c);
    if relevance < MIN_RELEVANCE {
        return None;
    }
    // Per-activity evidence: an activity whose own label says the need's words makes the
    // supplier likelier of the trade than words scattered over its profile.
    let said = s
        .activities
        .iter()
        .map(|a| {
            if a.label.is_some() {
                said_strength(plan, a, r)
            } else {
                UNLABELLED_SAID
            }
        })
        .fold(0.0, f64::max)
        .clamp(0.0, 1.0);
    let relevance = relevance * (1.0 - ACTIVITY_WORDS_WEIGHT + ACTIVITY_WORDS_WEIGHT * said);

    let g = match &geo {
        GeoQualification::Serves(sv) => match (&sv.cover, sv.activity) {
            (ZoneCover::OwnDepartement(_), _) => 0.75,
            (_, Some(i)) if relevant.contains(&i) => 1.0,
            _ => 0.85,
        },
        GeoQualification::Located(_) => 0.65,
    };
    let distance_km = match (supplier_point(s, r), place.point) {
        (Some(a), Some(b)) => Some(a.distance_km(&b)),
        _ => None,
    };
    let d = distance_km.map_or(0.3, |km| (-km / 30.0).exp());
    let p = s.completeness();
    let days = days_since(s.updated_at.as_deref(), today);
    let f = freshness(days);
    let (social, social_reason) = social_fit(s);
    let score = if need.social_clause {
        relevance * (0.62 + 0.10 * g + 0.05 * d + 0.05 * p + 0.04 * f + 0.14 * social)
    } else {
        relevance * (0.70 + 0.12 * g + 0.06 * d + 0.06 * p + 0.06 * f)
    };

    let mut reasons = Vec::new();
    if let Some(ev) = &code_ev
        && ev.relation <= CpvRelation::SameGroup
    {
        reasons.push(cpv_reason(ev));
    }
    if let Some(naf) = naf_ev {
        let label = r
            .naf
            .get(naf)
            .map(|c| c.label_fr.clone())
            .unwrap_or_default();
        reasons.push(format!("NAF {naf} ({label})"));
    }
    if let Some(w) = text.and_then(words_reason) {
        reasons.push(w);
    }
    if reasons.is_empty()
        && let Some(code) = neighbour_code
    {
        reasons.push(format!(
            "CPV {} (métier voisin de celui demandé)",
            super::codes::code8(code)
        ));
    }
    if reasons.is_empty()
        && let Some(ev) = &code_ev
    {
        reasons.push(cpv_reason(ev));
    }
    reasons.push(geo_reason(&geo, s, r));
    if let Some(km) = distance_km {
        reasons.push(crate::index::reasons::distance(km));
    }
    if let (Some(b), Some(route)) = (basis, need.reserved) {
        let inferred = matches!(b, Basis::Kind(k) if s.inferred_kinds.contains(&k));
        reasons.push(if inferred {
            format!("{} (type déduit du registre)", b.explain(route))
        } else {
            b.explain(route)
        });
    }
    if need.social_clause
        && let Some(sr) = social_reason
    {
        reasons.push(sr);
    }

    let mut warnings = Vec::new();
    if let (Some(amount), Some(turnover)) = (need.amount_eur, s.capacity.turnover_eur)
        && turnover > 0.0
        && amount > turnover / 2.0
    {
        warnings.push(format!(
            "montant estimé ({}) supérieur à la moitié du chiffre d'affaires annuel ({}) : envisager l'allotissement ou une candidature groupée",
            euros(amount),
            euros(turnover)
        ));
    }
    if let Some(days) = days
        && days > 365
    {
        let date = s
            .updated_at
            .as_deref()
            .and_then(|u| u.get(..10))
            .unwrap_or("");
        let fr_date = crate::events::agenda::date_fr(date);
        warnings.push(format!(
            "profil non mis à jour depuis plus d'un an (dernière mise à jour le {fr_date})"
        ));
    }

    Some(Assessment {
        score,
        distance_km,
        reasons,
        warnings,
        components: Components {
            text: t,
            code: c,
            relevance,
            geo: g,
            distance: d,
            completeness: p,
            freshness: f,
            social,
        },
        relevant_activities: relevant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sibling_category_is_not_in_a_voted_class_sense() {
        assert_eq!(cpv_sense("90917000-8"), "90917");
        assert_eq!(cpv_sense("90911200-8"), "90911");
        assert_eq!(cpv_sense("90910000-9"), "9091");
        // A class code covers its voted categories; a vote for the class code does not make
        // every category of the class the need's sense; a voted group covers all of it.
        assert!(in_sense("9091", "90911"));
        assert!(in_sense("90911", "90911"));
        assert!(!in_sense("90917", "9091"));
        assert!(!in_sense("90917", "90911"));
        assert!(in_sense("90917", "909"));
    }

    #[test]
    fn a_sibling_code_is_evidence_only_when_of_one_trade_with_the_need_code() {
        let mut plan = MatchPlan {
            cpv: vec!["98392000-7".into()],
            ..MatchPlan::default()
        };
        // Same category: one trade whatever the corpus says.
        assert!(plan.sibling_akin("45442180-2", "45442110"));
        // Another category of a catch-all class: not without the corpus's word.
        assert!(!plan.sibling_akin("98392000-7", "98393000"));
        plan.akin_senses = vec!["98393".into()];
        assert!(plan.sibling_akin("98392000-7", "98393000"));
        assert!(plan.sibling_akin("98392000-7", "98393100"));
        assert!(!plan.sibling_akin("98392000-7", "98394000"));
        assert_eq!(code_of(&plan, "98393000"), Some(0.7));
        assert_eq!(code_of(&plan, "98394000"), Some(0.2));
        // ... and its reason says so: « même division », not « même classe ».
        let ev = activity_strengths(&plan, &coded_supplier("98394000"))
            .1
            .unwrap();
        assert_eq!(ev.relation, CpvRelation::SameDivision);
        assert_eq!(code_of(&plan, "98392000"), Some(1.0));
    }

    #[test]
    fn below_a_division_a_group_the_words_point_to_counts_as_the_need_group() {
        let mut plan = MatchPlan {
            cpv: vec!["79000000-4".into()],
            ..MatchPlan::default()
        };
        // A division names a family of trades: any code below it is only as close as the
        // same division...
        assert_eq!(code_of(&plan, "79811000"), Some(0.2));
        // ... unless the need's words point to its group.
        plan.refined_groups = vec!["798".into()];
        assert_eq!(code_of(&plan, "79811000"), Some(REFINED_CODE_EVIDENCE));
        assert_eq!(code_of(&plan, "79571000"), Some(0.2));
        // A finer need code keeps its own rule (below a class: as the same class).
        plan.cpv = vec!["79810000-5".into()];
        assert_eq!(code_of(&plan, "79811000"), Some(0.7));
    }

    #[test]
    fn a_multi_word_expansion_is_said_only_whole() {
        let words = vec![WeightedWord {
            word: "nettoyage".into(),
            weight: 10.0,
            in_title: true,
        }];
        let (stems_of, expressions) = plan_vocabulary(&words);
        // « entretien des locaux » expands « nettoyage »; its generic word alone does not.
        assert!(!stems_of.contains_key(&stem("entretien")));
        assert!(
            expressions
                .iter()
                .any(|(e, _)| *e == stems("entretien des locaux"))
        );
        let plan = MatchPlan {
            words,
            stems: stems_of,
            expressions,
            ..MatchPlan::default()
        };
        assert_eq!(text_strength("Entretien d'espaces verts", &plan), 0.0);
        assert!(text_strength("Entretien des locaux", &plan) > 0.0);
        assert!(text_strength("Nettoyage de bureaux", &plan) > 0.0);
    }

    #[test]
    fn a_need_word_said_only_on_the_side_of_a_label_is_not_its_trade() {
        use crate::matching::text::{title_heads, title_nouns, title_qualifiers};
        let plan_of = |title: &str| MatchPlan {
            named: title_nouns(title),
            heads: title_heads(title),
            qualifiers: title_qualifiers(title),
            ..MatchPlan::default()
        };
        let side = |plan: &MatchPlan, q: &str, m: &str, label: &str| {
            said_on_the_side(plan, &stems(q), m, &[phrase_parts(label).into()])
        };
        // The need's head noun in the label's purpose complement, or as an adjective.
        let meals = plan_of("Repas du centre de loisirs");
        let veg = "Fourniture de légumes pour la restauration collective";
        assert!(side(&meals, "repas", "restauration collective", veg));
        assert!(!side(
            &meals,
            "repas",
            "restauration collective",
            "Restauration collective"
        ));
        let grounds = plan_of("Entretien des extérieurs");
        assert!(side(
            &grounds,
            "exterieurs",
            "exterieure",
            "Peinture intérieure et extérieure"
        ));
        assert!(!side(
            &grounds,
            "exterieurs",
            "exterieurs",
            "Entretien des extérieurs"
        ));
        // A title adjective said of another noun.
        let inside = plan_of("Prestation de nettoyage des surfaces intérieures");
        let paint = "Peinture intérieure et extérieure";
        assert!(side(&inside, "interieures", "interieure", paint));
        assert!(!side(
            &inside,
            "interieures",
            "interieures",
            "Nettoyage des surfaces intérieures"
        ));
        // An expression's words said apart elsewhere do not say it.
        let texts: [Arc<[PhrasePart]>; 2] = [
            phrase_parts(veg).into(),
            phrase_parts("Collecte des déchets verts").into(),
        ];
        assert!(said_on_the_side(
            &meals,
            &stems("repas"),
            "restauration collective",
            &texts
        ));
        // A need word that is itself a later complement may be said in one.
        let waste = plan_of("Enlèvement des restes de repas des restaurants scolaires");
        let bio = "Collecte des biodéchets pour la restauration collective";
        assert!(!side(&waste, "repas", "restauration collective", bio));
        // Not found in the trade texts (a prefix, a typo): unknown, so not on the side.
        assert!(!side(&meals, "repas", "repa", "Traiteur"));
        // Counted as free text.
        let plan = MatchPlan {
            words: vec![WeightedWord {
                word: "repas".into(),
                weight: 1.0,
                in_title: true,
            }],
            ..meals.clone()
        };
        let ev = TextEvidence {
            words: vec![WordMatch {
                query: "repas".into(),
                matched: "restauration collective".into(),
                kind: WordMatchKind::Exact,
                in_trade: true,
                aside: false,
            }],
            relative_score: 0.0,
        };
        let full = text_score(&plan, Some(&ev));
        let labelled = |label: &str| {
            supplier_json(serde_json::json!([{"label": label, "zone": {"national": true}}]))
        };
        // Said only on the side, there and nowhere else: a customer, weak evidence.
        let side_ev = with_trade_roles(&plan, &ev, &labelled(veg));
        assert!((text_score(&plan, Some(&side_ev)) - ASIDE_TEXT * full).abs() < 1e-9);
        // Its free text saying the head noun of its own trade: free text.
        let described = |label: &str, description: &str| {
            let mut s = labelled(label);
            s.description = description.into();
            s
        };
        let cook = described(veg, "Nous cuisinons les repas des écoles.");
        let free_ev = with_trade_roles(&plan, &ev, &cook);
        assert!((text_score(&plan, Some(&free_ev)) - 0.75 * full).abs() < 1e-9);
        let grower = described(veg, "Nos légumes sont livrés aux cantines pour les repas.");
        let side_ev = with_trade_roles(&plan, &ev, &grower);
        assert!((text_score(&plan, Some(&side_ev)) - ASIDE_TEXT * full).abs() < 1e-9);
        // An expression's words said apart do not say it: « collecte », « restaurants ».
        let collector = described(veg, "Collecte et compostage des restes des restaurants.");
        assert!(with_trade_roles(&plan, &ev, &collector).words[0].aside);
        // A word found only in the free text, said there only of its customers.
        let free = TextEvidence {
            words: vec![WordMatch {
                matched: "repas".into(),
                in_trade: false,
                ..ev.words[0].clone()
            }],
            relative_score: 0.0,
        };
        let grower = described("Maraîchage", "Légumes à destination des repas scolaires.");
        let side_ev = with_trade_roles(&plan, &free, &grower);
        assert!(side_ev.words[0].aside, "{side_ev:?}");
        let cook = described("Traiteur", "Repas livrés aux écoles.");
        assert!(!with_trade_roles(&plan, &free, &cook).words[0].aside);
        let own = with_trade_roles(&plan, &ev, &labelled("Restauration collective"));
        assert!(matches!(own, Cow::Borrowed(_)));
        // A word without a role in the title is left as it is, trade texts unread.
        let plain = MatchPlan {
            named: HashSet::new(),
            ..plan.clone()
        };
        assert!(matches!(
            with_trade_roles(&plain, &ev, &labelled(veg)),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn an_expression_of_the_need_counts_only_said_whole() {
        // In order, French function words aside, a coordinated word or two between.
        let said = |m: &str, text: &str| says_in_order(&stems(m), &stems(text));
        assert!(said(
            "entretien locaux",
            "Entretien des locaux administratifs"
        ));
        assert!(said("nettoyage locaux", "Nettoyage de bureaux et locaux"));
        assert!(said(
            "accueil telephonique",
            "Accueil physique et téléphonique"
        ));
        assert!(!said(
            "entretien locaux",
            "Entretien de jardins, parcs et terrains locaux"
        ));
        assert!(!said("entretien locaux", "Locaux : entretien"));
        let ev = TextEvidence {
            words: vec![WordMatch {
                query: "entretien locaux".into(),
                matched: "entretien locaux".into(),
                kind: WordMatchKind::Exact,
                in_trade: true,
                aside: false,
            }],
            relative_score: 0.5,
        };
        let mut garden =
            supplier_json(serde_json::json!([{"label": "Création et entretien de jardins"}]));
        garden.description = "Sacs en tissu pour une fête locale.".into();
        // Said apart, in a label and in free text: each word where it is said.
        let apart = with_whole_expressions(&ev, &garden);
        let found: Vec<(&str, bool)> = apart
            .words
            .iter()
            .map(|w| (w.query.as_str(), w.in_trade))
            .collect();
        assert_eq!(found, [("entretien", true), ("locaux", false)]);
        // Said whole: as the index found it.
        let cleaner = supplier_json(serde_json::json!([{"label": "Entretien des locaux"}]));
        assert_eq!(with_whole_expressions(&ev, &cleaner).words, ev.words);
        // A synonym expression is the thesaurus's word: kept as found.
        let syn = TextEvidence {
            words: vec![WordMatch {
                matched: "véhicules de service".into(),
                kind: WordMatchKind::Synonym,
                ..ev.words[0].clone()
            }],
            relative_score: 0.5,
        };
        assert_eq!(with_whole_expressions(&syn, &garden).words, syn.words);
    }

    #[test]
    fn a_title_noun_is_not_said_by_the_feminine_adjective_of_its_stem() {
        assert!(feminine_of("locaux", "locale"));
        assert!(feminine_of("materiel", "materielles"));
        assert!(!feminine_of("locaux", "local"));
        assert!(!feminine_of("locaux", "locaux"));
        // Not a noun in « -al », « -el »: the stem's forms are the word's.
        assert!(!feminine_of("tenues", "tenue"));
        let plan = MatchPlan {
            named: crate::matching::text::title_nouns("Entretien des locaux administratifs"),
            ..MatchPlan::default()
        };
        let ev = TextEvidence {
            words: vec![WordMatch {
                query: "locaux".into(),
                matched: "locaux".into(),
                kind: WordMatchKind::Exact,
                in_trade: false,
                aside: false,
            }],
            relative_score: 0.5,
        };
        let mut s = supplier_json(serde_json::json!([{"label": "Couture et retouches"}]));
        s.description = "Sacs en tissu pour une fête locale.".into();
        assert!(without_feminine_clashes(&plan, &ev, &s).words.is_empty());
        s.description = "Sacs en tissu pour une fête locale. Nettoyage de vos locaux.".into();
        assert_eq!(without_feminine_clashes(&plan, &ev, &s).words, ev.words);
        // An adjective of the title keeps every form of its stem: « Produits locaux ».
        let local_food = MatchPlan {
            named: crate::matching::text::title_nouns("Produits locaux"),
            ..MatchPlan::default()
        };
        s.description = "Production locale.".into();
        assert_eq!(
            without_feminine_clashes(&local_food, &ev, &s).words,
            ev.words
        );
    }

    #[test]
    fn euros_are_grouped_the_french_way() {
        assert_eq!(euros(120000.0), "120\u{202f}000 €");
        assert_eq!(euros(950.4), "950 €");
    }

    /// A supplier with one national activity declaring `code`.
    fn coded_supplier(code: &str) -> Supplier {
        supplier_json(serde_json::json!([{"cpv": [code], "zone": {"national": true}}]))
    }

    /// The code evidence's strength of [`coded_supplier`] for `plan`.
    fn code_of(plan: &MatchPlan, code: &str) -> Option<f64> {
        activity_strengths(plan, &coded_supplier(code))
            .1
            .map(|e| e.strength)
    }

    fn supplier_json(activities: serde_json::Value) -> Supplier {
        serde_json::from_value(serde_json::json!({
            "siret": "12002701600357", "name": "Atelier", "kinds": ["ESAT"],
            "description": "Tonte, débroussaillage et publipostage.",
            "address": {"commune": "32013"},
            "activities": activities,
        }))
        .unwrap()
    }

    fn tonte_need(commune: &str) -> Need {
        serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": "Tonte des pelouses",
            "description": "Tonte et débroussaillage des parcs.", "place": {"commune": commune},
        }))
        .unwrap()
    }

    fn assess_plain(need: &Need, s: &Supplier) -> Option<Assessment> {
        let r = Referential::get();
        let plan = super::super::plan(need, |_| None, 1000);
        let ev = super::super::local_text_evidence(&plan, s);
        let place = crate::model::geography::resolve_place(&need.place, r).unwrap();
        let today = jiff::civil::date(2026, 6, 1);
        assess(&plan, need, s, Some(&ev), &place, r, today)
    }

    #[test]
    fn words_said_by_a_supplier_of_an_unrelated_trade_count_less() {
        // A meal need coded 15894210: "restauration" said by a furniture restorer (codes of
        // another trade) is the other sense of the word.
        let need: Need = serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": "Restauration", "cpv": ["15894210-6"],
            "place": {"commune": "32013"},
        }))
        .unwrap();
        let furniture = supplier_json(serde_json::json!([
            {"label": "Restauration de meubles anciens", "cpv": ["39100000-3"],
             "zone": {"national": true}},
        ]));
        let uncoded = supplier_json(serde_json::json!([
            {"label": "Restauration de meubles anciens", "zone": {"national": true}},
        ]));
        let r = Referential::get();
        let mut plan = super::super::plan(&need, |_| None, 1000);
        plan.related_groups = vec!["158".into(), "555".into()];
        assert!(other_trade(&plan, &furniture));
        assert!(
            !other_trade(&plan, &uncoded),
            "no codes: nothing says another trade"
        );
        let place = crate::model::geography::resolve_place(&need.place, r).unwrap();
        let today = jiff::civil::date(2026, 6, 1);
        let t_of = |s: &Supplier| {
            let ev = super::super::local_text_evidence(&plan, s);
            assess(&plan, &need, s, Some(&ev), &place, r, today).map(|a| a.components.text)
        };
        let (far, unknown) = (t_of(&furniture).unwrap(), t_of(&uncoded).unwrap());
        assert!(
            (far - OTHER_TRADE_TEXT * unknown).abs() < 1e-9,
            "{far} {unknown}"
        );
        plan.related_groups.clear();
        assert!(
            !other_trade(&plan, &furniture),
            "no related groups: no judgement"
        );
    }

    #[test]
    fn an_unrelated_activity_zone_never_qualifies_a_supplier_far_from_its_relevant_one() {
        // Mowing in the Gers only, mailing everywhere: a mowing need in Lille is not served.
        let s = supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "zone": {"national": true}},
        ]));
        assert!(assess_plain(&tonte_need("59350"), &s).is_none());
        // In the Gers it is, through the mowing activity.
        let a = assess_plain(&tonte_need("32013"), &s).expect("served in the Gers");
        assert!(
            a.reasons.iter().any(|r| r.contains("Tonte")),
            "{:?}",
            a.reasons
        );
    }

    #[test]
    fn an_activity_that_cannot_be_judged_must_cover_the_place_too() {
        // The second activity has no label and the need no code: it may be the mowing one.
        let s = supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "zone": {"national": true}},
            {"cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
        ]));
        assert!(assess_plain(&tonte_need("59350"), &s).is_none());
        assert!(assess_plain(&tonte_need("32013"), &s).is_some());
    }

    fn coded_tonte_need(commune: &str) -> Need {
        let mut n = tonte_need(commune);
        n.cpv = vec!["77310000-6".into()];
        n
    }

    /// Assess with the plan of a need, adjusted by `adjust` (related groups, inferred codes).
    fn assess_adjusted(
        need: &Need,
        s: &Supplier,
        adjust: impl FnOnce(&mut MatchPlan),
    ) -> Option<Assessment> {
        let r = Referential::get();
        let mut plan = super::super::plan(need, |_| None, 1000);
        adjust(&mut plan);
        let ev = super::super::local_text_evidence(&plan, s);
        let place = crate::model::geography::resolve_place(&need.place, r).unwrap();
        assess(
            &plan,
            need,
            s,
            Some(&ev),
            &place,
            r,
            jiff::civil::date(2026, 6, 1),
        )
    }

    fn assess_with_divisions(need: &Need, s: &Supplier, divisions: &[&str]) -> Option<Assessment> {
        assess_adjusted(need, s, |plan| {
            plan.related_groups = divisions.iter().map(|d| d.to_string()).collect();
        })
    }

    /// Mowing in the Gers, and an activity without a label coded for mailing in the Nord.
    fn mowing_and_unlabelled_mailing() -> Supplier {
        supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]))
    }

    #[test]
    fn an_activity_surely_of_another_trade_need_not_cover_the_place() {
        // Mowing in the Gers, an activity coded for mailing (no label: only its codes say
        // what it does) in the Nord: a coded mowing need in the Gers.
        let s = mowing_and_unlabelled_mailing();
        let need = coded_tonte_need("32013");
        assert!(assess_with_divisions(&need, &s, &["77"]).is_some());
        // Without knowing which divisions go together, every activity must cover the place.
        assert!(assess_with_divisions(&need, &s, &[]).is_none());
        // A division the corpus declares with the need's keeps the activity a candidate.
        assert!(assess_with_divisions(&need, &s, &["77", "79"]).is_none());
        // And the mowing activity's own zone still has to cover the place.
        assert!(assess_with_divisions(&coded_tonte_need("59350"), &s, &["77"]).is_none());
    }

    #[test]
    fn own_codes_rule_out_a_surely_irrelevant_activity_without_a_strong_one() {
        // Tree care (a group the corpus declares with mowing, not the need's own) in the
        // Gers, mailing in the Nord: no activity is strongly relevant, but the need's own code
        // says mailing is surely not its trade.
        let s = supplier_json(serde_json::json!([
            {"cpv": ["77211400-6"], "zone": {"areas": ["dept:32"]}},
            {"cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        let need = coded_tonte_need("32013");
        assert!(assess_with_divisions(&need, &s, &["772", "773"]).is_some());
        // The remaining activity's own zone still has to cover the place.
        assert!(assess_with_divisions(&coded_tonte_need("59350"), &s, &["772", "773"]).is_none());
        // A group declared with the need's keeps the mailing activity a candidate.
        assert!(assess_with_divisions(&need, &s, &["772", "773", "795"]).is_none());
    }

    #[test]
    fn an_activity_that_plainly_does_something_else_need_not_cover_the_place() {
        // The mowing activity is identified (the need's code and words); the mailing one says
        // none of the need's words: it is not a candidate, whatever the related groups.
        let s = supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        let need = coded_tonte_need("32013");
        assert!(assess_with_divisions(&need, &s, &["77", "79"]).is_some());
        assert!(assess_with_divisions(&need, &s, &[]).is_some());
        assert!(assess_with_divisions(&coded_tonte_need("59350"), &s, &["77", "79"]).is_none());
        // When no activity says the need's words nor has the need's code (or one below it),
        // none is identified: both must cover. A broader code names a wider trade.
        let unsaid = supplier_json(serde_json::json!([
            {"label": "Entretien", "cpv": ["77300000-3"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_with_divisions(&need, &unsaid, &["77", "79"]).is_none());
        // The buyer's own code, or one below it, identifies an activity as well as its words.
        let coded = supplier_json(serde_json::json!([
            {"cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_with_divisions(&need, &coded, &["77", "79"]).is_some());
        // Not a code that the need's code names only coarsely (a division): every activity
        // of the division would be below it.
        let mut coarse = coded_tonte_need("32013");
        coarse.cpv = vec!["77000000-0".into()];
        assert!(assess_with_divisions(&coarse, &coded, &["77", "79"]).is_none());
        // An activity without codes is judged by its label only: one that does not even
        // mention the need is plainly elsewhere too.
        let uncoded = supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_with_divisions(&need, &uncoded, &["77", "79"]).is_some());
    }

    #[test]
    fn an_unlabelled_activity_is_judged_by_the_groups_its_trade_commonly_declares() {
        // Mowing identified in the Gers, an unlabelled mailing activity in the Nord whose
        // group the corpus declares with mowing only rarely (related, not core): elsewhere.
        let s = mowing_and_unlabelled_mailing();
        let need = coded_tonte_need("32013");
        let with_core = |core: &[&str]| {
            assess_adjusted(&need, &s, |plan| {
                plan.related_groups = vec!["773".into(), "795".into()];
                plan.core_groups = core.iter().map(|g| g.to_string()).collect();
            })
        };
        assert!(with_core(&["773"]).is_some());
        // A group commonly declared with the need's: the activity may be the relevant one.
        assert!(with_core(&["773", "795"]).is_none());
    }

    #[test]
    fn an_uncoded_activity_that_mentions_the_need_stays_a_candidate() {
        // A caterer's buffets (coded, national) and its collective catering (no code, in
        // the Nord), for a meal need in the Gers. The thesaurus reads « livraison de repas »
        // as one expression (portage de repas), yet « repas » alone means « restauration
        // collective » too: the uncoded activity may be the relevant one and must cover.
        let need = need_in_gers("Confection et livraison de repas en liaison froide");
        let caterer = |collective_zone: &str| {
            supplier_json(serde_json::json!([
                {"label": "Plateaux-repas et buffets", "cpv": ["55520000-1"], "zone": {"national": true}},
                {"label": "Restauration collective", "zone": {"areas": [collective_zone]}},
            ]))
        };
        let plan = super::super::plan(&need, |_| None, 1000);
        assert!(plan.mentioned.contains("collect") || plan.mentioned.contains("restaur"));
        assert!(assess_with_divisions(&need, &caterer("dept:59"), &["555"]).is_none());
        assert!(assess_with_divisions(&need, &caterer("dept:32"), &["555"]).is_some());
    }

    #[test]
    fn a_shared_action_noun_does_not_identify_the_relevant_activity() {
        // « Interventions d'entretien dans les équipements », no code, in the Gers: the bike
        // fleets' « entretien » is work other trades do too, so it does not say that the
        // handyman activity (whose label says none of the need's words) is elsewhere; both
        // must cover the place.
        let need = need_in_gers("Interventions d'entretien dans les équipements");
        let s = supplier_json(serde_json::json!([
            {"label": "Petits travaux et multiservices", "cpv": ["45450000-6"], "zone": {"areas": ["dept:59"]}},
            {"label": "Entretien de flottes de vélos", "cpv": ["34431000-7"], "zone": {"areas": ["dept:32"]}},
        ]));
        assert!(assess_with_divisions(&need, &s, &["45", "34"]).is_none());
        // A thing of the need said by the label does identify it: « haies ».
        let hedges: Need = serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": "Taille des haies de l'école",
            "cpv": ["77300000-3"], "place": {"commune": "32013"},
        }))
        .unwrap();
        let s = supplier_json(serde_json::json!([
            {"label": "Taille de haies", "cpv": ["77340000-5"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_with_divisions(&hedges, &s, &["77"]).is_some());
        // « Taille » alone does not: « Entretien d'espaces verts » may be the relevant one.
        let s = supplier_json(serde_json::json!([
            {"label": "Entretien d'espaces verts", "zone": {"areas": ["dept:59"]}},
            {"label": "Taille et soins aux arbres", "cpv": ["77340000-5"], "zone": {"areas": ["dept:32"]}},
        ]));
        assert!(assess_with_divisions(&hedges, &s, &["77"]).is_none());
    }

    /// An uncoded need in the Gers (Auch).
    fn need_in_gers(title: &str) -> Need {
        described_need_in_gers(title, "")
    }

    /// An uncoded need of this title and description in the Gers (Auch).
    fn described_need_in_gers(title: &str, description: &str) -> Need {
        serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": title, "description": description,
            "place": {"commune": "32013"},
        }))
        .unwrap()
    }

    /// A need of this title and CPV code in Auch (Gers).
    fn coded_need_in_gers(title: &str, cpv: &str) -> Need {
        serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": title, "cpv": [cpv],
            "place": {"commune": "32013"},
        }))
        .unwrap()
    }

    /// The plan adjustment of the CPV groups the engine learns from the corpus: those an
    /// activity of the need's trade may declare, and those it commonly declares.
    fn learnt_groups(
        related: &'static [&'static str],
        core: &'static [&'static str],
    ) -> impl Fn(&mut MatchPlan) {
        move |plan: &mut MatchPlan| {
            plan.related_groups = related.iter().map(|g| g.to_string()).collect();
            plan.core_groups = core.iter().map(|g| g.to_string()).collect();
        }
    }

    /// A supplier with one activity (label, CPV code) in the Gers and one in the Nord.
    fn gers_and_nord(gers: (&str, &str), nord: (&str, &str)) -> Supplier {
        supplier_json(serde_json::json!([
            {"label": gers.0, "cpv": [gers.1], "zone": {"areas": ["dept:32"]}},
            {"label": nord.0, "cpv": [nord.1], "zone": {"areas": ["dept:59"]}},
        ]))
    }

    #[test]
    fn a_trade_term_of_one_family_identifies_the_relevant_activity() {
        // « Tonte » is an action noun, but a term of its own in the thesaurus (mowing), not
        // a generic one like « taille »: the mowing activity is identified, the tree-care one
        // (another group, no word of the need) is plainly elsewhere.
        let need = coded_need_in_gers("Fauche des abords et talus", "77313000-7");
        let s = gers_and_nord(
            ("Tonte et taille de haies", "77314000-4"),
            ("Taille et soins aux arbres", "77211400-6"),
        );
        assert!(Thesaurus::get().is_term(&stem("tonte")));
        assert!(!Thesaurus::get().is_term(&stem("taille")));
        assert!(assess_with_divisions(&need, &s, &["772", "773"]).is_some());
        // A term that other families qualify is not one: « Homme toutes mains » expands to
        // the handyman's « réparations », which IT repair says too (« réparation
        // informatique » is not on the thesaurus, « réparation de vélos » is). The IT
        // activity is not identified, and the caretaking one beside it stays a candidate
        // (held-out set 1805).
        let handyman = coded_need_in_gers("Homme toutes mains pour les écoles", "79900000-3");
        let s = gers_and_nord(
            ("Maintenance et réparation informatique", "30213100-6"),
            ("Conciergerie et gardiennage d'immeubles", "98341140-8"),
        );
        let candidates =
            candidates_adjusted(&handyman, &s, learnt_groups(&["799", "983"], &["799"]));
        assert_eq!(candidates, [0, 1]);
    }

    #[test]
    fn a_sibling_speciality_gives_way_to_the_activity_that_says_the_need() {
        // Office cleaning in the Gers, post-construction cleaning in the Nord, both coded
        // in the cleaning class: for « nettoyage des locaux », the label « Nettoyage après
        // travaux » names a speciality the need does not ask for, and the office cleaning
        // activity says more of the need (« locaux »). Only that one must cover the place.
        let need = coded_need_in_gers("Nettoyage des locaux de la mairie", "90910000-9");
        let s = gers_and_nord(
            ("Nettoyage de bureaux et locaux", "90911200-8"),
            ("Nettoyage après travaux", "90911200-8"),
        );
        let cleaning = |need: &Need, s: &Supplier| {
            assess_adjusted(need, s, |plan| {
                plan.related_groups = vec!["909".into()];
                plan.core_groups = vec!["909".into()];
            })
        };
        assert!(cleaning(&need, &s).is_some());
        // The closer activity must be coded in one of the trade's core groups (unknown
        // here): by its words alone it may be another trade's.
        assert!(assess_with_divisions(&need, &s, &["909"]).is_none());
        // A need that mentions the speciality asks for it: both may be the relevant one.
        let chantier = coded_need_in_gers("Nettoyage des locaux après le chantier", "90910000-9");
        assert!(cleaning(&chantier, &s).is_none());
        // « vitrages » mentions window cleaning as « vitres » does.
        let vitrages = coded_need_in_gers("Entretien des vitrages des bâtiments", "90910000-9");
        let windows = gers_and_nord(
            ("Entretien ménager", "90910000-9"),
            ("Lavage de vitres", "90911300-9"),
        );
        assert!(cleaning(&vitrages, &windows).is_none());
        // The other activity must say more of the need's own words than the speciality's
        // name: « Entretien ménager » says « nettoyage » only through a synonym, which may
        // be the speciality's trade worded otherwise (« remise en état des logements »).
        let menage = gers_and_nord(
            ("Entretien ménager", "90911200-8"),
            ("Nettoyage après travaux", "90911200-8"),
        );
        assert!(cleaning(&need, &menage).is_none());
    }

    #[test]
    fn an_activity_whose_label_says_the_need_words_stays_a_candidate() {
        let s = supplier_json(serde_json::json!([
            {"label": "Tonte et débroussaillage", "cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"label": "Débroussaillage de talus", "cpv": ["45112000-5"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_with_divisions(&coded_tonte_need("32013"), &s, &["77"]).is_none());
    }

    fn assess_inferred(need: &Need, s: &Supplier) -> Option<Assessment> {
        assess_inferred_with(need, s, 0.6)
    }

    /// [`assess`] as if `support` of the best text matches of the uncoded need were grounds
    /// maintenance.
    fn assess_inferred_with(need: &Need, s: &Supplier, support: f64) -> Option<Assessment> {
        assess_adjusted(need, s, |plan| {
            assert!(plan.cpv.is_empty());
            plan.inferred_cpv = vec!["77310000-6".into()];
            plan.inferred_support = support;
            plan.related_groups = vec!["773".into()];
        })
    }

    #[test]
    fn inferred_codes_rule_out_an_activity_whose_words_say_another_trade() {
        // Grounds maintenance in the Gers, mailing in the Nord: an uncoded mowing need in the
        // Gers. No activity says the need's words, but the mailing one is coded far from the
        // inferred trade and its label says nothing of the need: it need not cover the place.
        let labelled = supplier_json(serde_json::json!([
            {"cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"label": "Publipostage", "cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_inferred(&tonte_need("32013"), &labelled).is_some());
        assert!(assess_inferred(&tonte_need("59350"), &labelled).is_none());
        // Without a label, a code whose French label says something else rules it out too.
        let french = supplier_json(serde_json::json!([
            {"cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"cpv": ["79622000-0"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_inferred(&tonte_need("32013"), &french).is_some());
        // A code the referential labels in English only says nothing the need's French
        // words can be compared with. Inferred codes with enough support still name the
        // trade: the activity coded far from them is another trade's.
        let english = supplier_json(serde_json::json!([
            {"cpv": ["77314000-4"], "zone": {"areas": ["dept:32"]}},
            {"cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert!(assess_inferred(&tonte_need("32013"), &english).is_some());
        assert!(assess_inferred(&tonte_need("59350"), &english).is_none());
        assert!(assess_inferred_with(&tonte_need("32013"), &english, WEAK_INFERENCE).is_some());
        // Weakly inferred (fewer than 3 in 10 of the best text matches agree), they may be
        // another trade's: the activity may be the relevant one, it must cover.
        assert!(assess_inferred_with(&tonte_need("32013"), &english, 0.2).is_none());
    }

    #[test]
    fn the_buyer_s_codes_of_one_lot_do_not_rule_out_another_lot_s_unlabelled_activity() {
        // Two lots, buffets and the forum's staging; the buyer coded only the event
        // services. A supplier's unlabelled catering activity (English code labels: its
        // words cannot be judged) may be the one for the buffets: it must serve the place,
        // and its bindery, which says nothing of either lot, does not stand for it.
        let need: Need = serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"},
            "title": "Restauration des jurys et organisation technique du forum",
            "description": "Lot n°1 : buffets et pauses des jurys.\n\
                            Lot n°2 : montage du podium et sonorisation du forum.",
            "cpv": ["79952000-2"], "place": {"commune": "32013"},
        }))
        .unwrap();
        let supplier = |catering_zone: &str| {
            supplier_json(serde_json::json!([
                {"label": "Façonnage et reliure", "cpv": ["79971000-1"],
                 "zone": {"national": true}},
                {"cpv": ["55523000-2"], "zone": {"areas": [catering_zone]}},
            ]))
        };
        let related = |plan: &mut MatchPlan| {
            assert!(plan.allotted);
            plan.related_groups = vec!["799".into(), "983".into()];
        };
        assert!(assess_adjusted(&need, &supplier("dept:59"), related).is_none());
        assert!(assess_adjusted(&need, &supplier("dept:32"), related).is_some());
    }

    /// The candidate activities of a supplier for the plan of a need, adjusted by `adjust`.
    fn candidates_adjusted(
        need: &Need,
        s: &Supplier,
        adjust: impl FnOnce(&mut MatchPlan),
    ) -> Vec<usize> {
        let r = Referential::get();
        let mut plan = super::super::plan(need, |_| None, 1000);
        adjust(&mut plan);
        let (strengths, _) = activity_strengths(&plan, s);
        let relevant = relevant_of(&strengths);
        candidate_activities(&plan, s, &relevant, &strengths, r)
    }

    /// The counted activities ([`counted_activities`]) of a supplier for the plan of a
    /// need, adjusted by `adjust`.
    fn counted_adjusted(
        need: &Need,
        s: &Supplier,
        adjust: impl FnOnce(&mut MatchPlan),
    ) -> Vec<usize> {
        let mut plan = super::super::plan(need, |_| None, 1000);
        adjust(&mut plan);
        let (strengths, _) = activity_strengths(&plan, s);
        counted_activities(&plan, s, &strengths, Referential::get())
    }

    #[test]
    fn a_firmly_inferred_code_identifies_an_unlabelled_activity() {
        // « Nettoyage des locaux », uncoded; most of the best text matches clean premises
        // (909). The supplier's unlabelled 909 activity is in the Gers: the English labels of
        // its codes say none of the need's words, yet the inferred code names its trade, so
        // its workwear laundry in the Nord, which says only « entretien », is another trade.
        let need = need_in_gers("Nettoyage des locaux de la mairie");
        let inferred = |support: f64| {
            move |plan: &mut MatchPlan| {
                plan.inferred_cpv = vec!["90900000-6".into()];
                plan.inferred_support = support;
                plan.inferred_senses = vec!["9091".into()];
                plan.related_groups = vec!["454".into(), "909".into()];
                plan.core_groups = vec!["909".into()];
            }
        };
        let with = |other: serde_json::Value| {
            supplier_json(serde_json::json!([
                {"cpv": ["90910000-9", "90919300-5"], "zone": {"areas": ["dept:32"]}},
                other,
            ]))
        };
        let laundry = with(
            serde_json::json!({"label": "Entretien des vêtements de travail",
            "cpv": ["98311000-6"], "zone": {"areas": ["dept:59"]}}),
        );
        assert_eq!(candidates_adjusted(&need, &laundry, inferred(0.6)), [0]);
        // Inferred with less support, the code may be another trade's: both must cover.
        assert_eq!(candidates_adjusted(&need, &laundry, inferred(0.4)), [0, 1]);
        // A 909 code of another sense (« nettoyage de véhicules » would be 90917) does not
        // name the need's trade.
        let vehicles = supplier_json(serde_json::json!([
            {"cpv": ["90917000-8"], "zone": {"areas": ["dept:32"]}},
            {"label": "Entretien des vêtements de travail", "cpv": ["98311000-6"],
             "zone": {"areas": ["dept:59"]}},
        ]));
        assert_eq!(candidates_adjusted(&need, &vehicles, inferred(0.6)), [0, 1]);
        // An activity without codes is judged by its label: one the thesaurus reads as
        // another trade family (catering) is ruled out; one it does not know cannot be
        // judged and stays.
        let canteen = with(serde_json::json!({"label": "Restauration collective",
            "zone": {"areas": ["dept:59"]}}));
        assert_eq!(candidates_adjusted(&need, &canteen, inferred(0.6)), [0]);
        let unknown = with(
            serde_json::json!({"label": "Effacement sécurisé de données",
            "zone": {"areas": ["dept:59"]}}),
        );
        assert_eq!(candidates_adjusted(&need, &unknown, inferred(0.6)), [0, 1]);
    }

    #[test]
    fn inferred_codes_alone_rule_out_only_what_the_thesaurus_knows_is_another_trade() {
        // « Maintenance des extérieurs communaux »: the best text matches say « extérieure »
        // of painting, and most of them agree on 454, the wrong trade. The painting activity
        // is identified by that inference alone: the unlabelled grounds activity cannot be
        // judged by it and stays a candidate, so it must cover the place too.
        let need = need_in_gers("Maintenance des extérieurs communaux");
        let inferred = |plan: &mut MatchPlan| {
            plan.inferred_cpv = vec!["45400000-1".into()];
            plan.inferred_support = 0.77;
            plan.related_groups = vec!["454".into(), "909".into()];
            plan.core_groups = vec!["454".into()];
        };
        let grounds = supplier_json(serde_json::json!([
            {"label": "Peinture intérieure et extérieure", "cpv": ["45442100-8"],
             "zone": {"areas": ["dept:32"]}},
            {"cpv": ["77313000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert_eq!(candidates_adjusted(&need, &grounds, inferred), [0, 1]);
        // A label of a family that uses none of the need's words is another trade's.
        let mailing = supplier_json(serde_json::json!([
            {"label": "Peinture intérieure et extérieure", "cpv": ["45442100-8"],
             "zone": {"areas": ["dept:32"]}},
            {"label": "Mise sous pli et publipostage", "cpv": ["79571000-7"],
             "zone": {"areas": ["dept:59"]}},
        ]));
        assert_eq!(candidates_adjusted(&need, &mailing, inferred), [0]);
    }

    #[test]
    fn only_the_buyer_s_words_or_code_make_a_sibling_speciality_give_way() {
        // Flower beds, uncoded, inferred 773 firmly. « Taille et soins aux arbres » (Gers)
        // says the need's « taille » but little else; its code in the inferred group
        // identifies it. « Entretien d'espaces verts » (Nord) names a speciality the need
        // does not mention, yet an identification by inferred codes must not make it give
        // way: it may be the relevant activity (it is the need's trade), so it must cover.
        let need = need_in_gers("Plantation des massifs fleuris et taille des arbustes");
        let s = gers_and_nord(
            ("Taille et soins aux arbres", "77340000-5"),
            ("Entretien d'espaces verts", "77314000-4"),
        );
        let candidates = candidates_adjusted(&need, &s, |plan| {
            plan.inferred_cpv = vec!["77300000-3".into()];
            plan.inferred_support = 0.9;
            plan.related_groups = vec!["772".into(), "773".into()];
            plan.core_groups = vec!["773".into()];
        });
        assert_eq!(candidates, [0, 1]);
    }

    #[test]
    fn weakly_inferred_codes_rule_out_only_what_the_thesaurus_knows_is_another_trade() {
        // « Prestations d'entretien », uncoded: few of the best text matches agree (bicycle
        // repair, then green spaces). Cleaning may be what the need means, as « entretien
        // des locaux » is a cleaning expression: it stays a candidate, so it must cover the
        // place too.
        let need = described_need_in_gers(
            "Prestations d'entretien – lot 1",
            "Un cahier de liaison permettra le suivi qualité des prestations.",
        );
        let inferred = |support: f64| {
            move |plan: &mut MatchPlan| {
                plan.inferred_cpv = vec!["34400000-1".into(), "77300000-3".into()];
                plan.inferred_support = support;
                plan.related_groups = vec!["344".into(), "772".into(), "773".into()];
            }
        };
        let with = |label: &str, cpv: &str| gers_and_nord(("Élagage", "77211400-6"), (label, cpv));
        let cleaning = with("Propreté et hygiène des locaux", "90919300-5");
        assert_eq!(candidates_adjusted(&need, &cleaning, inferred(0.6)), [0]);
        assert_eq!(candidates_adjusted(&need, &cleaning, inferred(0.2)), [0, 1]);
        // A label the thesaurus does not know cannot be judged by a weak inference.
        let unknown = with("Effacement sécurisé de données", "90512000-9");
        assert_eq!(candidates_adjusted(&need, &unknown, inferred(0.6)), [0]);
        assert_eq!(candidates_adjusted(&need, &unknown, inferred(0.2)), [0, 1]);
        // One whose trade family uses none of the need's words is another trade's.
        let meals = with("Portage de repas à domicile", "55521100-9");
        assert_eq!(candidates_adjusted(&need, &meals, inferred(0.2)), [0]);
    }

    #[test]
    fn a_sibling_speciality_gives_way_only_when_the_trade_s_groups_are_known() {
        // Cleaning a school after painting works, uncoded: the best text matches vote for
        // building work and cleaning. « Remise en état de logements » names a speciality
        // the need does not mention, and « Entretien ménager » says more of its words; but
        // the closer activity must be in a core group of the trade, which only an
        // inference with enough support knows.
        let need = described_need_in_gers(
            "Demande de devis",
            "Nettoyer l'ancienne école après les travaux de peinture : entretien des locaux.",
        );
        let inferred = |support: f64| {
            move |plan: &mut MatchPlan| {
                plan.inferred_cpv = vec!["45400000-1".into(), "90900000-6".into()];
                plan.inferred_support = support;
                plan.related_groups = vec!["454".into(), "909".into()];
                plan.core_groups = vec!["454".into(), "909".into()];
            }
        };
        let s = gers_and_nord(
            ("Entretien ménager", "90919300-5"),
            ("Remise en état de logements", "45452000-0"),
        );
        assert_eq!(candidates_adjusted(&need, &s, inferred(0.6)), [0]);
        assert_eq!(candidates_adjusted(&need, &s, inferred(0.2)), [0, 1]);
    }

    #[test]
    fn an_activity_that_says_nothing_of_the_need_outside_its_group_has_no_zone_that_counts() {
        // « Tirage des affiches et flyers », uncoded: the best text matches vote for
        // printing (798) first, then for office services (795). « Impression offset et
        // numérique » says the need's words and serves the Gers; « Publipostage », coded
        // 79571000 in the second inferred group, says none of them and serves the Nord. Its
        // zone does not count: the supplier serves the Gers through its printing activity.
        let need = need_in_gers("Tirage des affiches et flyers");
        let inferred = |groups: &'static [&'static str]| {
            move |plan: &mut MatchPlan| {
                plan.inferred_cpv = groups.iter().map(|g| g.to_string()).collect();
                plan.inferred_support = 0.6;
                plan.inferred_senses = vec!["7982".into()];
                plan.related_groups = vec!["795".into(), "798".into()];
                plan.core_groups = vec!["795".into(), "798".into()];
            }
        };
        let printing_first = inferred(&["79800000-2", "79500000-9"]);
        let zones = |s: &Supplier, adjust: &dyn Fn(&mut MatchPlan)| {
            let r = Referential::get();
            let mut plan = super::super::plan(&need, |_| None, 1000);
            adjust(&mut plan);
            let (strengths, _) = activity_strengths(&plan, s);
            let relevant = relevant_of(&strengths);
            let candidates = candidate_activities(&plan, s, &relevant, &strengths, r);
            (
                candidates.clone(),
                zone_activities(&plan, s, &candidates, &strengths, r),
            )
        };
        let s = gers_and_nord(
            ("Impression offset et numérique", "79820000-8"),
            ("Publipostage", "79571000-7"),
        );
        assert_eq!(zones(&s, &printing_first), (vec![0, 1], vec![0]));
        assert!(assess_adjusted(&need, &s, printing_first).is_some());
        // In the most voted inferred group, the code names the trade as surely as codes
        // can: its zone counts, whatever its label says.
        let office_first = inferred(&["79500000-9", "79800000-2"]);
        assert_eq!(zones(&s, &office_first), (vec![0, 1], vec![0, 1]));
        assert!(assess_adjusted(&need, &s, office_first).is_none());
        // In the second inferred group but in an inferred sense (reprography, 79521), an
        // activity counts: the inference, however weak, names its trade.
        let reprography = gers_and_nord(
            ("Impression offset et numérique", "79820000-8"),
            ("Façonnage et reliure", "79521000-2"),
        );
        assert_eq!(zones(&reprography, &printing_first).1, [0]);
        let with_reprography = |plan: &mut MatchPlan| {
            printing_first(plan);
            plan.inferred_senses = vec!["79521".into(), "7982".into()];
            plan.inferred_support = 0.4;
        };
        assert_eq!(
            zones(&reprography, &with_reprography),
            (vec![0, 1], vec![0, 1])
        );
        // An activity that says the need's words counts, and so does one without a label,
        // which cannot be judged by its words.
        let says = gers_and_nord(
            ("Impression offset et numérique", "79820000-8"),
            ("Routage et impression de courriers", "79571000-7"),
        );
        assert_eq!(zones(&says, &printing_first).1, [0, 1]);
        let unlabelled = supplier_json(serde_json::json!([
            {"label": "Impression offset et numérique", "cpv": ["79820000-8"], "zone": {"areas": ["dept:32"]}},
            {"cpv": ["79571000-7"], "zone": {"areas": ["dept:59"]}},
        ]));
        assert_eq!(zones(&unlabelled, &printing_first).1, [0, 1]);
        // An activity that says the need's words but is coded elsewhere than the codes
        // say the need is may be another trade's that shares a word with it: every
        // candidate counts.
        let elsewhere = gers_and_nord(
            ("Impression offset et numérique", "30120000-6"),
            ("Publipostage", "79571000-7"),
        );
        let (candidates, counted) = zones(&elsewhere, &printing_first);
        assert!(candidates.contains(&1), "{candidates:?}");
        assert_eq!(candidates, counted);
        // Without an activity identified by the need's words, every candidate counts.
        let unidentified = gers_and_nord(
            ("Prestations de services", "79820000-8"),
            ("Publipostage", "79571000-7"),
        );
        let (candidates, counted) = zones(&unidentified, &printing_first);
        assert_eq!(candidates, counted);
    }

    #[test]
    fn a_far_weaker_activity_outside_the_trade_s_groups_has_no_mode_that_counts() {
        // « Acquisition de blouses et tuniques », goods, uncoded: the best text matches vote
        // for clothing (181), not firmly. A workwear seamstress (« Couture et retouches », 18113000,
        // goods) also assembles kits (« Assemblage et kitting », 79921000, services), a
        // group declared with the trade's codes but not commonly: the kitting activity is a
        // candidate, far weaker, and its mode does not count.
        let mut need = need_in_gers("Acquisition de blouses et tuniques");
        need.modes = vec![crate::model::Mode::Goods];
        let clothing = |core: &'static [&'static str]| {
            move |plan: &mut MatchPlan| {
                plan.inferred_cpv = vec!["18100000-0".into()];
                plan.inferred_support = 0.4;
                plan.related_groups = vec!["181".into(), "182".into(), "799".into()];
                plan.core_groups = core.iter().map(|g| g.to_string()).collect();
            }
        };
        let seamstress = |kit_label: Option<&str>| {
            supplier_json(serde_json::json!([
                {"label": "Couture et retouches", "cpv": ["18113000-4"], "modes": ["goods"],
                 "zone": {"areas": ["dept:32"]}},
                {"label": kit_label, "cpv": ["79921000-6"], "modes": ["services"],
                 "zone": {"areas": ["dept:32"]}},
            ]))
        };
        let s = seamstress(Some("Assemblage et kitting"));
        assert_eq!(
            counted_adjusted(&need, &s, clothing(&["181", "182"])),
            [0, 1]
        );
        assert!(assess_adjusted(&need, &s, clothing(&["181", "182"])).is_some());
        // In a group the trade's activities commonly declare, the weaker activity may be
        // the trade's own (a binder beside a mailing house for a printing need): its mode
        // counts.
        assert!(assess_adjusted(&need, &s, clothing(&["181", "182", "799"])).is_none());
        // So does the mode of an activity without a label, which cannot be judged by its
        // words, and of one whose label mentions the need.
        assert!(assess_adjusted(&need, &seamstress(None), clothing(&["181"])).is_none());
        let says = seamstress(Some("Kits de blouses et tuniques"));
        assert!(assess_adjusted(&need, &says, clothing(&["181"])).is_none());
        // Without a strong activity, every candidate's mode counts.
        let weak = supplier_json(serde_json::json!([
            {"label": "Couture et retouches", "modes": ["goods"], "zone": {"areas": ["dept:32"]}},
            {"label": "Assemblage et kitting", "cpv": ["79921000-6"], "modes": ["services"],
             "zone": {"areas": ["dept:32"]}},
        ]));
        assert!(assess_adjusted(&need, &weak, clothing(&["181"])).is_none());
    }

    #[test]
    fn a_code_under_a_coarse_buyer_code_does_not_say_whose_mode_counts() {
        // « Prestation de demi-pension du collège », services, coded 55000000 (a
        // division: every meal trade is under it). A caterer's buffets, coded 55520000
        // (services), are strong by that code alone; its meals on wheels, uncoded, say
        // none of the need's words and offer goods only. Either may be the need's: the
        // meals' mode counts too, and the caterer does not offer the service asked.
        let mut need = coded_need_in_gers("Prestation de demi-pension du collège", "55000000-0");
        need.modes = vec![crate::model::Mode::Services];
        let caterer = |buffet_code: &str| {
            supplier_json(serde_json::json!([
                {"label": "Cocktails et pauses gourmandes", "cpv": [buffet_code],
                 "modes": ["services"], "zone": {"areas": ["dept:32"]}},
                {"label": "Portage de repas à domicile", "modes": ["goods"],
                 "zone": {"areas": ["dept:32"]}},
            ]))
        };
        let learnt = |plan: &mut MatchPlan| {
            plan.related_groups = vec!["55".into()];
            plan.core_groups = vec!["555".into()];
        };
        assert!(assess_adjusted(&need, &caterer("55520000-1"), learnt).is_none());
        // A class-level buyer code names the activity's trade: the buffets are the need's
        // and the far weaker, uncoded activity's mode does not count.
        let mut fine = need.clone();
        fine.cpv = vec!["55520000-1".into()];
        assert!(assess_adjusted(&fine, &caterer("55520000-1"), learnt).is_some());
        // An activity coded elsewhere than under the coarse code is placed by its codes:
        // beside the buyer's trade, its mode does not count.
        let laundry = supplier_json(serde_json::json!([
            {"label": "Cocktails et pauses gourmandes", "cpv": ["55520000-1"],
             "modes": ["services"], "zone": {"areas": ["dept:32"]}},
            {"label": "Blanchisserie", "cpv": ["98310000-9"], "modes": ["goods"],
             "zone": {"areas": ["dept:32"]}},
        ]));
        let with_laundry = |plan: &mut MatchPlan| {
            plan.related_groups = vec!["55".into(), "983".into()];
            plan.core_groups = vec!["555".into()];
        };
        assert_eq!(counted_adjusted(&need, &laundry, with_laundry), [0, 1]);
        assert!(assess_adjusted(&need, &laundry, with_laundry).is_some());
    }

    #[test]
    fn a_catch_all_need_code_names_a_trade_only_with_the_need_s_words() {
        // Coded 79990000 (« Miscellaneous business-related services »): archiving
        // (79995100) is under it, and so is reception (79992000), which a switchboard
        // activity declares otherwise. Without words, the code does not say which activity
        // is the relevant one: both stay candidates.
        let need = coded_need_in_gers("Prestations de services récurrentes", "79990000-0");
        let s = gers_and_nord(
            ("Numérisation de documents", "79995100-6"),
            ("Standard téléphonique externalisé", "79511000-9"),
        );
        let voted = |groups: &'static [&'static str]| {
            move |plan: &mut MatchPlan| {
                plan.related_groups = vec!["795".into(), "799".into()];
                plan.voted_groups = groups.iter().map(|g| g.to_string()).collect();
            }
        };
        assert_eq!(candidates_adjusted(&need, &s, voted(&[])), [0, 1]);
        // When the need's best text matches do the archiving group, the code names it.
        assert_eq!(candidates_adjusted(&need, &s, voted(&["799"])), [0]);
        // When they agree on a line of the group too, the code names only an activity on
        // that line: the best text matches of « entretien des bâtiments » do caretaking
        // (79993), under 7999 like reception (79992), and a reception activity is no more
        // the buyer's than the building-maintenance one beside it (1817).
        let senses = |senses: &'static [&'static str]| {
            move |plan: &mut MatchPlan| {
                voted(&["799"])(plan);
                plan.voted_senses = senses.iter().map(|g| g.to_string()).collect();
            }
        };
        assert_eq!(candidates_adjusted(&need, &s, senses(&["79995"])), [0]);
        assert_eq!(candidates_adjusted(&need, &s, senses(&["79993"])), [0, 1]);
        // A code that is not a catch-all names its activities by itself.
        let archiving = coded_need_in_gers("Prestations de services récurrentes", "79995000-5");
        assert_eq!(candidates_adjusted(&archiving, &s, voted(&[])), [0]);
    }

    #[test]
    fn an_activity_with_the_buyer_s_own_code_is_not_a_sibling_speciality() {
        // Laundry coded 98315000: « Entretien des vêtements de travail » names a speciality
        // the need does not mention, and « Confection textile à façon » says its
        // « textiles », but the buyer's own code is the laundry activity's: it stays a
        // candidate.
        let need = coded_need_in_gers("Traitement des textiles de l'établissement", "98315000-4");
        let laundry = |s: &Supplier| {
            candidates_adjusted(&need, s, |plan| {
                plan.related_groups = vec!["983".into()];
                plan.core_groups = vec!["983".into()];
            })
        };
        let s = gers_and_nord(
            ("Confection textile à façon", "98393000-4"),
            ("Entretien des vêtements de travail", "98315000-4"),
        );
        assert!(laundry(&s).contains(&1), "{:?}", laundry(&s));
        // When both have it, the code tells them apart no more: the words do, and the
        // dressmaking activity says more of the need.
        let both = gers_and_nord(
            ("Confection textile à façon", "98315000-4"),
            ("Entretien des vêtements de travail", "98315000-4"),
        );
        assert_eq!(laundry(&both), [0]);
    }

    #[test]
    fn a_label_the_trade_s_suppliers_write_may_be_the_relevant_activity() {
        // Building repairs in the Gers, coded 45450000: an unlabelled activity under the
        // buyer's code identifies itself, and « Conciergerie et gardiennage d'immeubles »
        // (79993100, facilities management) says none of the need's words.
        let need = coded_need_in_gers("Interventions techniques dans les bâtiments", "45450000-6");
        let s = supplier_json(serde_json::json!([
            {"cpv": ["45451000-3"], "zone": {"national": true}},
            {"label": "Conciergerie et gardiennage d'immeubles", "cpv": ["79993100-2"],
             "zone": {"areas": ["dept:59"]}},
        ]));
        let assess_with = |s: &Supplier, labels: &[&str]| {
            let labels: HashSet<String> = labels.iter().map(|l| label_key(l)).collect();
            assess_adjusted(&need, s, |plan| {
                plan.related_groups = vec!["454".into(), "507".into(), "799".into()];
                plan.core_groups = vec!["454".into(), "507".into()];
                // « Other building completion work » is a catch-all: the words say which
                // of its trades.
                plan.voted_groups = vec!["454".into()];
                plan.trade_labels = labels;
            })
        };
        let building = |labels: &[&str]| assess_with(&s, labels);
        // Unknown to the corpus, the caretaking activity plainly does something else: the
        // national building activity qualifies the supplier.
        assert!(building(&[]).is_some());
        // When the trade's suppliers write that label, it may be the relevant activity and
        // must cover the place too, whatever case or inflection it is written in.
        assert!(building(&["conciergerie et gardiennage d'immeuble"]).is_none());
        // Another trade's label changes nothing.
        assert!(building(&["Traiteur événementiel"]).is_some());
        // A label without codes is judged the same way (« Ressourcerie » for waste).
        let uncoded = supplier_json(serde_json::json!([
            {"cpv": ["45451000-3"], "zone": {"national": true}},
            {"label": "Conciergerie et gardiennage d'immeubles", "zone": {"areas": ["dept:59"]}},
        ]));
        let uncoded_building = |labels: &[&str]| assess_with(&uncoded, labels);
        assert!(uncoded_building(&[]).is_some());
        assert!(uncoded_building(&["Conciergerie et gardiennage d'immeubles"]).is_none());
    }

    #[test]
    fn a_sibling_speciality_under_a_coarse_buyer_code_gives_way_only_to_one_coded_as_the_need() {
        // « Dépannages tous corps d'état » coded with the group 98300000: « Déménagement de
        // bureaux » (98392000) is under the buyer's code, a trade the buyer may have meant.
        // « Remise en état de logements » says more of the need's words but is not coded
        // as the need: both may be the relevant activity and must cover the place.
        let need: Need = serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": "Dépannages tous corps d'état",
            "description": "Remise en état de logements entre deux locataires.",
            "cpv": ["98300000-6"], "place": {"commune": "32013"},
        }))
        .unwrap();
        let s = gers_and_nord(
            ("Remise en état de logements", "45452000-0"),
            ("Déménagement de bureaux", "98392000-7"),
        );
        let groups = learnt_groups(&["454", "601", "909", "983"], &["454", "983"]);
        assert!(assess_adjusted(&need, &s, groups).is_none());
        // Above a fine buyer code, a sibling has no more of it than the closer activity.
        let fine = coded_need_in_gers("Prestations de propreté des bâtiments", "90919000-2");
        let s = gers_and_nord(
            ("Propreté et hygiène des locaux", "90910000-9"),
            ("Remise en état de logements", "90910000-9"),
        );
        let groups = learnt_groups(&["454", "909"], &["909"]);
        assert!(assess_adjusted(&fine, &s, groups).is_some());
    }

    #[test]
    fn freshness_falls_after_a_year() {
        assert_eq!(freshness(Some(100)), 1.0);
        assert!(freshness(Some(730)) < 1.0 && freshness(Some(730)) > 0.0);
        assert_eq!(freshness(Some(5000)), 0.0);
    }
}
