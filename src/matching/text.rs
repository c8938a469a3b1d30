//! From a need's title and description to a short list of weighted query words.
//!
//! A pasted tender notice is long and mostly boilerplate ("le présent marché a pour objet…",
//! "lot", "titulaire", "pouvoir adjudicateur"). Ranking on all of it would favour suppliers
//! whose profiles happen to repeat procedure words. So the words are tokenized (elisions
//! removed, accents folded), procedure boilerplate and French stop words dropped, and the rest
//! weighted by where they appear (the title counts more), how often, how informative they
//! are in the supplier corpus (inverse document frequency, supplied by the caller) and, for
//! title words, by their role in the title's noun phrase (French is head-initial: "Uniformes
//! du personnel de restauration" buys uniforms, and a thing's "du"/"de la"/"des" complement
//! says whose, see [`title_roles`]); only the best few are kept. A commune's full compound
//! name ("– Saint-Laurent-des-Arbres") is blanked out first ([`without_compound_places`]). The same
//! reading of a noun phrase ([`phrase_parts`]: nouns, adjectives, purpose
//! and recipient complements, « pour », « auprès de », « aux » after a verb of supplying,
//! « nos clients : ») tells the score which words of a supplier's activity label or free
//! text say its trade and which its customers.
//! CPV codes written in the text ("CPV 77310000-6") are extracted too.
//! French stemming, synonyms and typo tolerance are the search index's job, not this one's.
//! Pure: no IO.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::vocabulary::Vocabulary;
use crate::index::analysis::{Thesaurus, stem, stems, tokens};
use crate::normalize::fold;

const BOILERPLATE: &str = include_str!("../../fixtures/matching/boilerplate.txt");

/// French function words (folded), dropped from queries.
const STOP_WORDS: &[&str] = &[
    "a",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "cet",
    "cette",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "est",
    "et",
    "etre",
    "il",
    "ils",
    "je",
    "la",
    "le",
    "les",
    "leur",
    "leurs",
    "lui",
    "ma",
    "mais",
    "me",
    "meme",
    "mes",
    "moi",
    "mon",
    "ne",
    "nos",
    "notre",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "pour",
    "qu",
    "que",
    "qui",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "ta",
    "te",
    "tes",
    "toi",
    "ton",
    "tu",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
    "y",
    "sont",
    "ont",
    "sera",
    "seront",
    "doit",
    "doivent",
    "peut",
    "peuvent",
    // Modal verbs say what the buyer wants to happen, not what: « quelqu'un qui puisse
    // remettre en état… », « il faudrait… ».
    "puisse",
    "puissent",
    "pourra",
    "pourront",
    "pourrait",
    "pourraient",
    "pouvez",
    "pourriez",
    "faut",
    "faudra",
    "faudrait",
    "devra",
    "devront",
    "devrait",
    "devraient",
    "voudrions",
    "voudrait",
    "tout",
    "tous",
    "toute",
    "toutes",
    "afin",
    "ainsi",
    "selon",
    "entre",
    "lors",
    "sans",
    "sous",
    "vers",
    "chez",
    "dont",
    "ci",
    "apres",
    "avant",
    "aupres",
    "cas",
    "fait",
    "faire",
    "ensemble",
    "chaque",
    "autre",
    "autres",
    "plus",
    "moins",
    "tres",
    "bien",
    "etc",
    "notamment",
    "compris",
    "relatif",
    "relative",
    "relatifs",
    "relatives",
    "concernant",
    "ayant",
    "avoir",
    "suivant",
    "suivante",
    "suivants",
    "suivantes",
    "ledit",
    "ladite",
    "lesdits",
    "lesdites",
    "celui",
    "celle",
    "ceux",
    "celles",
    "aucun",
    "aucune",
    "egalement",
    "lequel",
    "laquelle",
    "lesquels",
    "lesquelles",
    "soit",
    "sein",
    "cadre",
    "titre",
    "mise",
    "mis",
    "place",
    "besoin",
    "nombre",
    "ans",
    "an",
    "annee",
    "annees",
    "mois",
    "jours",
    "jour",
    "heure",
    "heures",
    "euros",
    "euro",
    "ht",
    "ttc",
    "n",
    "no",
    "numero",
    "site",
    "sites",
    "ville",
    "departement",
    "region",
    "secteur",
    "zone",
    "zones",
    "lieu",
    "lieux",
    "adresse",
    "tel",
    "mail",
    "www",
    "http",
    "https",
    "fr",
    "com",
    // English words of untranslated CPV labels pasted into notices.
    "and",
    "the",
    "for",
    "with",
    "other",
    "related",
];

fn boilerplate() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        BOILERPLATE
            .lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(fold)
            .chain(STOP_WORDS.iter().map(|s| s.to_string()))
            .collect()
    })
}

/// Whether a folded word carries no information about the trade.
pub fn is_uninformative(word: &str) -> bool {
    let digits = word.bytes().filter(u8::is_ascii_digit).count();
    // Numbers, and article or reference numbers (`l2113`, `r2123`, `dc1`); words under
    // three letters, unless the trade thesaurus knows them (« PC »).
    (word.len() < 3 && !Thesaurus::get().is_term(word))
        || digits == word.len()
        || digits >= 2
        || boilerplate().contains(word)
}

/// Folded words of a text, elisions removed (`l'entretien` → `entretien`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        // Elision: keep what follows the apostrophe (l', d', qu', j', n', s', c', m', t').
        let w = raw.rsplit(['\'', '’']).next().unwrap_or(raw);
        let f = fold(w);
        for part in f.split(' ') {
            if !part.is_empty() {
                out.push(part.to_string());
            }
        }
    }
    out
}

/// A query word with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedWord {
    /// Folded surface form (the index applies stemming and synonyms).
    pub word: String,
    pub weight: f64,
    /// The word appears in the need's title.
    pub in_title: bool,
}

/// Most words kept from a need.
pub const MAX_QUERY_WORDS: usize = 12;

/// A crude grouping key so that singular and plural count as one word when weighting
/// (`verts`/`vert`, `travaux`/`travail` are left to the index's stemmer).
fn group_key(w: &str) -> &str {
    if w.len() > 4 && (w.ends_with('s') || w.ends_with('x')) {
        &w[..w.len() - 1]
    } else {
        w
    }
}

/// `text` with every occurrence of `name` (ignoring case) blanked out.
pub fn without_name(text: &str, name: &str) -> String {
    let name = name.trim();
    if name.chars().count() < 3 {
        return text.to_string();
    }
    let (lower, lower_name) = (text.to_lowercase(), name.to_lowercase());
    // Lower-casing may change byte lengths (rare letters): then only exact occurrences.
    let (hay, needle) = if lower.len() == text.len() && lower_name.len() == name.len() {
        (lower.as_str(), lower_name.as_str())
    } else {
        (text, name)
    };
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in hay.match_indices(needle) {
        if at < last || !text.is_char_boundary(at) || !text.is_char_boundary(at + needle.len()) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push(' ');
        last = at + needle.len();
    }
    out.push_str(&text[last..]);
    out
}

/// `text` without the full hyphenated commune names it writes (`Saint-Laurent-des-Arbres`,
/// `d'Aix-en-Provence`, `Gif-sur-Yvette`): a title "Fourniture de repas pour l'EHPAD –
/// Saint-Laurent-des-Arbres" says where, and the place is the geography's job. Single words
/// of a place that also name a trade stay (`vocabulary::is_place_only`), since alone they
/// are ambiguous, but a commune's whole compound name is not: its parts ("Arbres", "Bel",
/// "Air") would otherwise rank tree surgeons for a meal contract.
pub fn without_compound_places(text: &str) -> String {
    let v = super::vocabulary::Vocabulary::get();
    let is_run_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '\'' | '’');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_run_char) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let len = tail.find(|c: char| !is_run_char(c)).unwrap_or(tail.len());
        let run = &tail[..len];
        // An elided article or preposition before the name ("d'Aix-en-Provence") is not
        // part of it; a name may itself start with one ("L'Isle-Jourdain").
        let bare = match run.char_indices().find(|&(_, c)| c == '\'' || c == '’') {
            Some((at, c)) if at <= 2 => &run[at + c.len_utf8()..],
            _ => run,
        };
        if v.is_compound_place(run.trim_matches('-')) || v.is_compound_place(bare.trim_matches('-'))
        {
            out.push(' ');
        } else {
            out.push_str(run);
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// `text` with the grounds of a site named as such: in « entretien des extérieurs », the
/// plural noun « les extérieurs » is a site's outdoor areas, which the thesaurus knows as
/// « espaces extérieurs » (green spaces). The adjective is another matter: « entretien
/// extérieur des véhicules » is washing the outside of vehicles. So the noun counts only
/// plural, after « entretien des » or « entretien les », and not with a complement naming
/// a vehicle (« des extérieurs de la mairie » are its grounds, « des extérieurs des
/// véhicules » their bodywork).
pub fn with_grounds_named(text: &str) -> String {
    let words: Vec<(usize, &str)> = text
        .char_indices()
        .filter(|&(i, c)| {
            c.is_alphabetic()
                && text[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|p| !p.is_alphabetic())
        })
        .map(|(i, _)| {
            let len = text[i..]
                .find(|c: char| !c.is_alphabetic())
                .unwrap_or(text.len() - i);
            (i, &text[i..i + len])
        })
        .collect();
    let folded: Vec<String> = words
        .iter()
        .map(|(_, w)| crate::normalize::fold(w))
        .collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for k in 2..folded.len() {
        let of_a_vehicle = folded
            .get(k + 1)
            .is_some_and(|n| matches!(n.as_str(), "de" | "des" | "du" | "d"))
            && folded.get(k + 2).is_some_and(|n| {
                matches!(
                    n.trim_end_matches(['s', 'x']),
                    "vehicule" | "voiture" | "camion" | "bu" | "car" | "engin" | "bateau"
                )
            });
        let grounds = folded[k] == "exterieurs"
            && matches!(folded[k - 1].as_str(), "des" | "les")
            && matches!(folded[k - 2].as_str(), "entretien" | "entretenir")
            && !of_a_vehicle;
        if grounds {
            let at = words[k].0;
            out.push_str(&text[last..at]);
            out.push_str("espaces ");
            last = at;
        }
    }
    out.push_str(&text[last..]);
    out
}

const SENSES: &str = include_str!("../../fixtures/matching/senses.txt");

/// A trade said over a sentence (`fixtures/matching/senses.txt`).
struct Sense {
    /// Stems of the action words.
    actions: HashSet<String>,
    /// Stems of the object words.
    objects: HashSet<String>,
    /// Folded words of the trade expression.
    trade: Vec<String>,
}

fn senses() -> &'static [Sense] {
    static SET: OnceLock<Vec<Sense>> = OnceLock::new();
    SET.get_or_init(|| {
        SENSES
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (cues, trade) = l.split_once("=>")?;
                let (actions, objects) = cues.split_once('|')?;
                let stems_of = |t: &str| words(t).iter().map(|w| stem(w)).collect();
                Some(Sense {
                    actions: stems_of(actions),
                    objects: stems_of(objects),
                    trade: words(trade)
                        .into_iter()
                        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
                        .collect(),
                })
            })
            .collect()
    })
}

/// Verbs by which a need's author asks for something (« la mairie cherche… »): the word
/// just before one says who asks. Not « demande » nor « besoin », nouns as often (« locaux
/// à la demande »).
const REQUEST_VERBS: &[&str] = &[
    "cherche",
    "recherche",
    "souhaite",
    "voudrait",
    "aimerait",
    "sollicite",
];

/// The trade expressions a need says over a sentence: an action word and an object word of
/// one rule of `fixtures/matching/senses.txt` in the title or in one sentence of the
/// description ("Quelqu'un pour entretenir les blouses et tenues des agents" → blanchisserie).
/// Each comes with whether the title said it. A word alone is often ambiguous ("entretenir":
/// any upkeep; "blouses": workwear making), the pair is not; the thesaurus only knows
/// expressions of consecutive words.
pub fn sense_expressions(title: &str, description: &str) -> Vec<(Vec<String>, bool)> {
    let mut out: Vec<(Vec<String>, bool)> = Vec::new();
    let request: Vec<String> = REQUEST_VERBS.iter().map(|v| stem(v)).collect();
    let sentences = std::iter::once((title, true)).chain(
        description
            .split(['.', '\n', '!', '?', ';'])
            .map(|s| (s, false)),
    );
    for (sentence, in_title) in sentences {
        let ws: Vec<String> = words(sentence).iter().map(|w| stem(w)).collect();
        if ws.is_empty() {
            continue;
        }
        let said: HashSet<&String> = ws.iter().collect();
        // Who asks is not what is to be done: in « la mairie cherche quelqu'un pour
        // nettoyer le cimetière », « mairie » is no object of « nettoyer ».
        let asks = |i: usize| ws[i + 1..].iter().take(2).any(|w| request.contains(w));
        let objects: HashSet<&String> = ws
            .iter()
            .enumerate()
            .filter(|&(i, _)| !asks(i))
            .map(|(_, w)| w)
            .collect();
        for sense in senses() {
            if said.iter().any(|s| sense.actions.contains(*s))
                && objects.iter().any(|s| sense.objects.contains(*s))
            {
                match out.iter_mut().find(|(t, _)| *t == sense.trade) {
                    Some((_, t)) => *t |= in_title,
                    None => out.push((sense.trade.clone(), in_title)),
                }
            }
        }
    }
    out
}

/// `words` with the trade expressions the need says over a sentence ([`sense_expressions`])
/// appended, each word as heavy as the need's heaviest word (it names the trade), after the
/// need's own words so that their expressions stay together; words already there are not
/// repeated.
pub fn with_senses(
    mut words: Vec<WeightedWord>,
    title: &str,
    description: &str,
) -> Vec<WeightedWord> {
    let heaviest = words.iter().map(|w| w.weight).fold(0.0, f64::max);
    let weight = if heaviest > 0.0 { heaviest } else { 1.0 };
    for (trade, in_title) in sense_expressions(title, description) {
        for w in trade {
            if words.iter().any(|x| group_key(&x.word) == group_key(&w)) {
                continue;
            }
            words.push(WeightedWord {
                word: w,
                weight,
                in_title,
            });
        }
    }
    words
}

/// The lots of an allotted need: the text of each « Lot n°1 : … » (also « Lot 1 – … »,
/// « LOT N° 2. … ») at the start of a line or sentence of the description, up to the end
/// of its line. Empty when the description names fewer than two lots: a single lot is the
/// need itself. An allotted need buys several trades (laundry and workwear); each lot says
/// one of them in its own words.
pub fn lot_texts(description: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in description.lines() {
        for sentence_start in
            std::iter::once(line).chain(line.match_indices(". ").map(|(i, _)| &line[i + 2..]))
        {
            if let Some(text) = lot_heading(sentence_start) {
                out.push(text.to_string());
                break;
            }
        }
    }
    if out.len() >= 2 { out } else { Vec::new() }
}

/// The text after a lot heading (« Lot n°1 : », « LOT 2 – », « Lot N° 3. ») at the start
/// of `s`, when there is one.
fn lot_heading(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let rest = s.get(..3).filter(|h| h.eq_ignore_ascii_case("lot"))?;
    let mut rest = s[rest.len()..].trim_start();
    for number_sign in ["n°", "N°", "no ", "No ", "numéro"] {
        if let Some(r) = rest.strip_prefix(number_sign) {
            rest = r.trim_start();
            break;
        }
    }
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let rest = rest[digits..].trim_start();
    let rest = rest
        .strip_prefix([':', '–', '-', '.', '—'])
        .map(str::trim)?;
    (!rest.is_empty()).then_some(rest)
}

/// Headings of notice paragraphs that say who may bid, how offers are judged or how to
/// appeal, never what is bought (folded as [`words`] folds them, elisions dropped; matched at the
/// start of a
/// line or sentence).
const CLAUSE_HEADINGS: &[&str] = &[
    "marche reserve",
    "clause sociale",
    "clause insertion",
    "conditions de participation",
    "criteres attribution",
    "criteres de jugement",
    "instance chargee",
    "type de procedure",
    "identification de acheteur",
    "date limite",
    "variantes",
];

/// Phrases that make a whole sentence about the buyer's social requirements (folded).
const CLAUSE_PHRASES: &[&str] = &[
    "marche reserve",
    "est reserve aux",
    "clause sociale",
    "clause insertion",
];

/// `text` without its procedure clauses: a paragraph that starts with one of
/// [`CLAUSE_HEADINGS`] ("Marché réservé : …", "Conditions de participation : …", "Critères
/// d'attribution : …") and any other sentence stating a reserved route or a social clause.
/// Those sentences say who may bid and how offers are judged — the need's `reserved` and
/// `social_clause` fields, which the hard rules and the reasons already use — not what is
/// bought; their words ("établissements et services d'aide par le travail", "heures de
/// travail", "insertion professionnelle") would rank every ESAT or insertion structure, of
/// any trade, above the suppliers of the trade the need's codes name.
pub fn without_procedure_clauses(text: &str) -> String {
    let key = |s: &str| words(s).join(" ");
    let heading = |k: &str| CLAUSE_HEADINGS.iter().any(|h| k.starts_with(h));
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if heading(&key(line)) {
            continue;
        }
        for sentence in line.split_inclusive(". ") {
            let k = key(sentence);
            if !(heading(&k) || CLAUSE_PHRASES.iter().any(|p| k.contains(p))) {
                let kept = without_constraint(sentence);
                out.push_str(kept);
                if kept.len() < sentence.len() {
                    out.push_str(". ");
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Openings of a clause that says what the work must not disturb, not what is bought
/// (lowercase): « … un week-end pour ne pas perturber l'accueil du public ».
const CONSTRAINT_OPENINGS: &[&str] = &[
    " pour ne pas ",
    " afin de ne pas ",
    " de façon à ne pas ",
    " de manière à ne pas ",
    " sans perturber ",
    " sans gêner ",
    " sans gener ",
];

/// A sentence without its constraint clause ([`CONSTRAINT_OPENINGS`] to the sentence's end).
fn without_constraint(sentence: &str) -> &str {
    let lower = sentence.to_lowercase();
    if lower.len() != sentence.len() {
        return sentence;
    }
    match CONSTRAINT_OPENINGS
        .iter()
        .filter_map(|o| lower.find(o))
        .min()
    {
        Some(at) if sentence.is_char_boundary(at) => &sentence[..at],
        _ => sentence,
    }
}

/// Weight factors of a title word by its role in the title's noun phrase
/// ([`title_roles`]): the head noun and its first complement name what is bought; an
/// adjective qualifies it, a later complement says whose or where. Measured with `essor
/// eval` on the demo and seeds 4242, 5151, 6161, 913, 1, 2, 3, 101, 303: 0.85/0.6 raises
/// nDCG@10 on every set; lighter factors (0.5 for adjectives) lose on some, and can drop
/// an activity below the relevance threshold that the conservative hard rules need.
const HEAD_ROLE: f64 = 1.0;
const QUALIFIER_ROLE: f64 = 0.85;
const LATE_ROLE: f64 = 0.6;
/// The role of a complement that says whose a thing is ("Repas du centre de loisirs"), and
/// of the complements after it: 0.3 beat 0.6 on the ten sets (+.0016 nDCG@10 summed, at
/// most −.0006 on one), as the owner's rare words ("loisirs") otherwise outweigh the head.
const OWNER_ROLE: f64 = 0.3;

/// Whether a folded noun names an action or a state — a trade's work — rather than a thing.
/// French action nouns are mostly derived with a suffix (`nettoyage`, `livraison`,
/// `location`, `enlèvement`, `fourniture`, `maintenance`, `blanchisserie`, `propreté`); the
/// others are verbs turned nouns without one (`entretien`, `remise`, `tri`, `collecte`),
/// listed here with the procedure heads (`prestations`, `travaux`). With an action head the
/// first complement is what is worked on ("Entretien des extérieurs"); with a thing
/// ("Repas du centre de loisirs") a complement with a definite article says whose it is.
pub(crate) fn is_action_noun(w: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "age", "tion", "sion", "aison", "ment", "ure", "ance", "ence", "erie", "te",
    ];
    const CONVERTED: &[&str] = &[
        "entretien",
        "remise",
        "reprise",
        "mise",
        "taille",
        "collecte",
        "tri",
        "transport",
        "transfert",
        "reemploi",
        "accueil",
        "tonte",
        "vente",
        "achat",
        "pose",
        "depose",
        "suivi",
        "controle",
        "releve",
        "etude",
        "conseil",
        "audit",
        "diagnostic",
        "aide",
        "soutien",
        "appui",
        "logistique",
        "hygiene",
        "reprographie",
        "assistance",
        "travaux",
        "service",
        "marche",
        "lot",
        "accord",
        "cadre",
        "vidange",
        "analyse",
        "garde",
        "coupe",
        "fauche",
        "expertise",
        "visite",
        "prise",
    ];
    // Things whose names end like action nouns.
    const THINGS: &[&str] = &[
        "vetement",
        "equipement",
        "batiment",
        "logement",
        "chaussure",
        "voiture",
        "structure",
        "fromage",
        "epicerie",
        "carte",
        "plante",
        "boite",
        "veste",
        "tente",
    ];
    let singular = w.strip_suffix('s').unwrap_or(w);
    CONVERTED.contains(&singular)
        || (!THINGS.contains(&singular) && SUFFIXES.iter().any(|s| singular.ends_with(s)))
}

/// Prepositions that open a complement of the noun before them (folded; the elided `d'` is
/// kept as `d` by [`phrase_words`]).
const PREPOSITIONS: &[&str] = &[
    "de", "d", "du", "des", "a", "au", "aux", "pour", "en", "sur", "avec", "dans", "par", "sans",
    "sous", "chez", "contre", "apres", "avant", "entre", "vers", "selon", "lors", "pendant",
];

/// Determiners: the word after one is a noun, not an adjective of the word before.
const DETERMINERS: &[&str] = &["le", "la", "les", "un", "une", "l"];

/// Folded words of a phrase as [`words`] gives them, but with the elided article or
/// preposition kept as a word of its own (`d'entretien` → `d`, `entretien`): it says where
/// a complement starts.
fn phrase_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
        if let Some((elided, _)) = raw.rsplit_once(['\'', '’'])
            && elided.chars().count() <= 2
        {
            out.extend(words(elided));
        }
        out.extend(words(raw));
    }
    out
}

/// The phrases of a title or a label: a comma, a semicolon, a colon, a parenthesis, a
/// slash, a full stop, a line break or a dash between words ("–", or "-" with spaces
/// around it) ends one; a hyphen inside a word ("accord-cadre", "lave-linge") does not.
fn phrases(text: &str) -> Vec<String> {
    text.replace(" - ", " – ")
        .split([',', ';', ':', '(', ')', '–', '—', '/', '\n', '.'])
        .map(str::to_string)
        .collect()
}

/// The words of one phrase ([`phrase_words`]) and, for each, the index of the multi-word
/// thesaurus expression it belongs to, if any ("espaces verts" is one noun).
fn phrase_expressions(phrase: &str) -> (Vec<String>, Vec<Option<usize>>) {
    let toks = phrase_words(phrase);
    // The thesaurus reads the analysed tokens (stop words out): map them to `toks`.
    let analysed = tokens(phrase);
    let mut at = Vec::with_capacity(analysed.len());
    let mut i = 0;
    for t in &analysed {
        while i < toks.len() && toks[i] != t.surface {
            i += 1;
        }
        at.push(i);
        i += 1;
    }
    let tstems: Vec<String> = analysed.into_iter().map(|t| t.stem).collect();
    let mut expr: Vec<Option<usize>> = vec![None; toks.len()];
    for (k, m) in Thesaurus::get().find(&tstems).into_iter().enumerate() {
        if m.len >= 2 {
            for &j in &at[m.start..m.start + m.len] {
                if let Some(e) = expr.get_mut(j) {
                    e.get_or_insert(k);
                }
            }
        }
    }
    (toks, expr)
}

/// The role factor of each informative word of a title (by [`group_key`]), from the shape
/// of a French noun phrase, which is head-initial: "Uniformes du personnel de restauration"
/// buys uniforms; "personnel" and "restauration" say whose. The title is cut into segments
/// at prepositions; the first segment with an informative word holds the head (a procedure
/// head such as "Prestations de" is skipped), the next one its first complement; in a
/// segment, the first word is its noun and the words after it (without a determiner
/// between) its adjectives. Nouns of the head segment and of the first complement get
/// [`HEAD_ROLE`], their adjectives [`QUALIFIER_ROLE`], every word of a later complement
/// [`LATE_ROLE`]; every word of the first complement and after it gets [`OWNER_ROLE`] when
/// the title starts with its head, the head names a thing, not an action
/// ([`is_action_noun`]), and the complement is one of "de" with a definite article:
/// "Repas du centre de loisirs", "Uniformes du personnel" say whose the meals or uniforms
/// are, while "Entretien des extérieurs" and "vêtements de travail" say what. Coordination ("et",
/// "ou") keeps the level (a second head, or a second
/// complement of the same noun); each of its [`phrases`] is read on its own. Words of a
/// multi-word thesaurus expression ("espaces verts") take the role of
/// the expression's best word: the expression is one noun. A word said at several places
/// keeps its best role.
pub fn title_roles(title: &str) -> HashMap<String, f64> {
    let mut out: HashMap<String, f64> = HashMap::new();
    for phrase in phrases(title) {
        let (toks, expr) = phrase_expressions(&phrase);
        let mut level: Option<usize> = None; // None until the head segment is found
        let mut pending = false; // a preposition was read since the last noun
        let mut coordinated = false;
        let mut noun_next = true;
        // The head is a thing, not an action (`is_action_noun`).
        let mut thing_head = false;
        // The complement being opened is one of "de" with a definite article ("du", "de
        // la", "des"), not of purpose ("pour les réunions").
        let mut definite = false;
        let mut of = false;
        // Only a title that starts with its head noun: before it, a procedure head or a
        // verb phrase ("Remise en état des murs", "Quelqu'un pour entretenir la salle des
        // fêtes") may be what the complement depends on.
        let first = toks
            .iter()
            .position(|w| !DETERMINERS.contains(&w.as_str()))
            .unwrap_or(0);
        // The first complement says whose the head thing is: "Repas du centre de loisirs".
        let mut owner = false;
        let mut roles: Vec<Option<f64>> = vec![None; toks.len()];
        for (i, w) in toks.iter().enumerate() {
            let w = w.as_str();
            if w == "et" || w == "ou" {
                coordinated = true;
                noun_next = true;
                continue;
            }
            if PREPOSITIONS.contains(&w) {
                if !coordinated {
                    pending = true;
                    definite = matches!(w, "du" | "des");
                    of = matches!(w, "de" | "d");
                }
                noun_next = true;
                continue;
            }
            if DETERMINERS.contains(&w) {
                definite |= pending && of && matches!(w, "la" | "l" | "les");
                noun_next = true;
                continue;
            }
            coordinated = false;
            let informative = !is_uninformative(w);
            match level {
                None if informative => {
                    level = Some(0);
                    pending = false;
                    thing_head = i == first && !is_action_noun(w);
                }
                None => {
                    // A procedure head ("Prestations"): the next word heads the phrase.
                    pending = false;
                    continue;
                }
                Some(l) if pending => {
                    level = Some(l + 1);
                    owner |= l == 0 && thing_head && definite;
                    pending = false;
                }
                Some(_) => {}
            }
            let l = level.unwrap_or(0);
            let role = if l >= 1 && owner {
                OWNER_ROLE
            } else if l >= 2 {
                LATE_ROLE
            } else if noun_next {
                HEAD_ROLE
            } else {
                QUALIFIER_ROLE
            };
            noun_next = false;
            if informative {
                roles[i] = Some(role);
            }
        }
        // An expression is one noun: its words take its best role.
        for i in 0..toks.len() {
            let Some(k) = expr[i] else { continue };
            let best = (0..toks.len())
                .filter(|&j| expr[j] == Some(k))
                .filter_map(|j| roles[j])
                .fold(0.0, f64::max);
            if let Some(r) = roles[i].as_mut() {
                *r = r.max(best);
            }
        }
        for (w, r) in toks.iter().zip(roles) {
            if let Some(r) = r {
                let e = out.entry(group_key(w).to_string()).or_insert(0.0);
                *e = e.max(r);
            }
        }
    }
    out
}

/// One informative word of a noun phrase, as [`phrase_parts`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PhrasePart {
    /// Stem of the word.
    pub stem: String,
    /// For an adjective, the stem of the noun it qualifies; `None` for a noun.
    pub qualifies: Option<String>,
    /// Inside a purpose complement ("pour …", "destiné à …"): whom or what the thing is
    /// for, not what it is.
    pub purpose: bool,
}

/// Words that open a purpose complement (folded): « pour les cantines », « destinés aux
/// écoles », « auprès des collectivités ».
const PURPOSE_WORDS: &[&str] = &[
    "pour",
    "destine",
    "destinee",
    "destines",
    "destinees",
    "aupres",
];

/// Nouns that open a purpose complement after "à" or "au": « à destination des EHPAD »,
/// « à l'attention des », « au profit des », « au service des communes ».
const PURPOSE_LOCUTIONS: &[&str] = &["destination", "attention", "intention", "profit", "service"];

/// Verbs of supplying (folded stems): after one of their forms, « à », « au », « aux »
/// name whom the thing goes to, the customer — « légumes livrés aux cantines », « nous
/// vendons aux collectivités » —, not what it is.
const SUPPLY_VERBS: &[&str] = &[
    "livr", "fourni", "vend", "propos", "distribu", "adress", "reserv", "dedi", "adapt", "servi",
    "servon", "apport", "factur",
];

/// Endings of a verb form after a [`SUPPLY_VERBS`] stem: participles (« livrés »,
/// « fournies », « vendus ») and the present's plural persons (« livrons », « livrent »).
const SUPPLY_ENDINGS: &[&str] = &[
    "", "e", "es", "ee", "ees", "s", "ie", "ies", "u", "us", "ue", "ues", "ons", "ent", "ssons",
    "ssent", "ez",
];

fn is_supply_verb(w: &str) -> bool {
    SUPPLY_VERBS.iter().any(|v| {
        w.strip_prefix(v)
            .is_some_and(|rest| SUPPLY_ENDINGS.contains(&rest))
    })
}

/// Whether a sentence's part before a colon announces its customers (« nos clients : »,
/// « clientèle : », « références : »): what follows names them, not the trade.
fn announces_customers(before: &str) -> bool {
    words(before).last().is_some_and(|w| {
        matches!(
            w.as_str(),
            "client" | "clients" | "clientele" | "references" | "beneficiaires"
        )
    })
}

/// The informative words of a text (a need's title, a supplier's activity label or
/// description) with their role in its French noun phrases, read as [`title_roles`] reads
/// a title: a word right after a noun (no preposition or determiner between) is an
/// adjective of that noun, and so is a word coordinated with an adjective ("intérieure et
/// extérieure"); every other word is a noun. Words of a multi-word thesaurus expression
/// ("espaces verts", "restauration collective") are one noun.
///
/// A purpose complement says whom or what the thing is for — its customer —, not what it
/// is; it runs to the end of the phrase ([`phrases`]). French opens one with a preposition
/// of purpose or recipient: « pour » (« Fourniture de légumes pour la restauration
/// collective » sells vegetables), « destiné(e)s à », « auprès de », a locution « à
/// destination de », « à l'attention de », « au profit de », « au service de »; or « à »,
/// « au », « aux » right after a verb of supplying (« légumes livrés aux cantines »,
/// « nous vendons aux collectivités »), where « à » names the recipient (after another
/// word it may say a manner or a place: « peinture à l'eau »). A list announced by « nos
/// clients : » or « références : » names customers to the end of its sentence.
pub fn phrase_parts(text: &str) -> Vec<PhrasePart> {
    let mut out = Vec::new();
    for sentence in text.split(['.', '\n']) {
        let (own, customers) = match sentence.split_once(':') {
            Some((before, after)) if announces_customers(before) => (before, Some(after)),
            _ => (sentence, None),
        };
        for phrase in phrases(own) {
            phrase_parts_into(&phrase, false, &mut out);
        }
        for phrase in customers.map(phrases).unwrap_or_default() {
            phrase_parts_into(&phrase, true, &mut out);
        }
    }
    out
}

/// [`phrase_parts`] of one phrase, appended to `out`; `purpose` when the whole phrase is
/// a purpose complement.
fn phrase_parts_into(phrase: &str, mut purpose: bool, out: &mut Vec<PhrasePart>) {
    let (toks, expr) = phrase_expressions(phrase);
    let mut noun: Option<String> = None;
    let mut noun_next = true;
    let mut coordinated = false;
    let mut last_adjective = false;
    for (i, w) in toks.iter().enumerate() {
        let w = w.as_str();
        if w == "et" || w == "ou" {
            coordinated = true;
            continue;
        }
        let before = i.checked_sub(1).map(|j| toks[j].as_str());
        let opens = PURPOSE_WORDS.contains(&w)
            || (PURPOSE_LOCUTIONS.contains(&w) && matches!(before, Some("a" | "l" | "au")))
            || (matches!(w, "a" | "au" | "aux") && before.is_some_and(is_supply_verb));
        purpose |= opens;
        if PREPOSITIONS.contains(&w) || DETERMINERS.contains(&w) || opens {
            noun_next = true;
            coordinated = false;
            last_adjective = false;
            continue;
        }
        let st = stem(w);
        let adjective = expr[i].is_none()
            && noun.is_some()
            && if coordinated {
                last_adjective
            } else {
                !noun_next
            };
        coordinated = false;
        noun_next = false;
        last_adjective = adjective;
        let qualifies = if adjective {
            noun.clone()
        } else {
            // An expression is one noun, named by its first word.
            if !(expr[i].is_some() && i > 0 && expr[i - 1] == expr[i] && noun.is_some()) {
                noun = Some(st.clone());
            }
            None
        };
        if !is_uninformative(w) {
            out.push(PhrasePart {
                stem: st,
                qualifies,
                purpose,
            });
        }
    }
}

/// Stems of the words a need's title names its object with: the nouns of its head and
/// first complement ([`title_roles`] gives them [`HEAD_ROLE`]), not their adjectives or a
/// later complement, nor a complement saying whose a thing is ("Repas du centre de loisirs"
/// → `rep`; "Accueil du centre de loisirs" → `accueil`, `centr`, `lois`).
pub fn title_nouns(title: &str) -> HashSet<String> {
    // Stem the words themselves: a role's key drops a plural's last letter, and the stem
    // of "travau" is not that of "travaux".
    let roles = title_roles(title);
    phrase_words(title)
        .into_iter()
        .filter(|w| roles.get(group_key(w)).is_some_and(|&r| r >= HEAD_ROLE))
        .map(|w| stem(&w))
        .collect()
}

/// Stems of a need's title's head nouns, what it buys ([`title_nouns`] of the head
/// segment only, before the first preposition or determiner, coordinated heads included)
/// that name a thing: "Repas du centre de loisirs" → `rep`, "Déjeuners et goûters" →
/// `dejeun`, `gout`. An action noun ([`is_action_noun`]) is left out: said in a purpose
/// complement it names the work done, the supplier's trade (« nous intervenons pour
/// l'entretien et la maintenance des parcs »), not a customer; nor is the first complement
/// of one, what is worked on ("Habillement des agents"), which suppliers rightly say as
/// whom they work for.
pub fn title_heads(title: &str) -> HashSet<String> {
    let nouns = title_nouns(title);
    let mut out = HashSet::new();
    for phrase in phrases(title) {
        let mut started = false;
        let mut noun_next = true;
        for w in phrase_words(&phrase) {
            if w == "et" || w == "ou" {
                noun_next = true;
                continue;
            }
            if PREPOSITIONS.contains(&w.as_str()) || DETERMINERS.contains(&w.as_str()) {
                if started {
                    break;
                }
                continue;
            }
            if !started && is_uninformative(&w) {
                continue;
            }
            started = true;
            let st = stem(&w);
            if noun_next && nouns.contains(&st) && !is_action_noun(&w) {
                out.insert(st);
            }
            noun_next = false;
        }
    }
    out
}

/// The adjectives of a need's title, each with the noun it qualifies (stems, see
/// [`phrase_parts`]): "surfaces intérieures" → `interieur` → `surfac`.
pub fn title_qualifiers(title: &str) -> HashMap<String, String> {
    phrase_parts(title)
        .into_iter()
        .filter(|p| !p.purpose)
        .filter_map(|p| Some((p.stem, p.qualifies?)))
        .collect()
}

/// Select the informative words of a need. `df` gives the number of supplier profiles that
/// contain a word (`None` when unknown) out of `num_docs`; words absent from every profile are
/// kept only from the title (they may match through typos) or when the thesaurus knows them
/// (they match through their synonyms: "repeindre" said only in a pasted text).
pub fn select_words(
    title: &str,
    description: &str,
    df: impl Fn(&str) -> Option<u64>,
    num_docs: u64,
) -> Vec<WeightedWord> {
    struct Acc {
        word: String,
        tf: f64,
        in_title: bool,
        first: usize,
    }
    let vocabulary = Vocabulary::get();
    // Words of a multi-word trade expression said in the need ("gestion des appels",
    // "centre d'appels") are kept even when they are procedure words on their own ("appel
    // d'offres"): the expression names the trade.
    let protected = expression_stems(title)
        .into_iter()
        .chain(expression_stems(description))
        .collect::<HashSet<String>>();
    let roles = title_roles(title);
    let mut acc: HashMap<String, Acc> = HashMap::new();
    let mut position = 0usize;
    let mut add = |w: String, field_weight: f64, in_title: bool| {
        position += 1;
        if vocabulary.is_place_only(&w)
            || (is_uninformative(&w) && (w.len() < 3 || !protected.contains(&stem(&w))))
        {
            return;
        }
        let key = group_key(&w).to_string();
        let e = acc.entry(key).or_insert(Acc {
            word: w,
            tf: 0.0,
            in_title: false,
            first: position,
        });
        e.tf += field_weight;
        e.in_title |= in_title;
    };
    for w in words(title) {
        add(w, 3.0, true);
    }
    for w in words(description) {
        add(w, 1.0, false);
    }
    let n = num_docs.max(1) as f64;
    let mut out: Vec<(WeightedWord, usize)> = acc
        .into_values()
        .filter_map(|a| {
            let mut d = df(&a.word);
            if d == Some(0) && !a.in_title {
                if Thesaurus::get()
                    .find(std::slice::from_ref(&stem(&a.word)))
                    .is_empty()
                {
                    return None;
                }
                // Found only through its synonyms, whose frequency is not known here.
                d = None;
            }
            let idf = match d {
                Some(d) => (1.0 + n / (d as f64 + 1.0)).ln(),
                None => (1.0 + n).ln() / 2.0,
            };
            // Repetition helps, with diminishing returns.
            let role = roles.get(group_key(&a.word)).copied().unwrap_or(1.0);
            let weight = (1.0 + a.tf.ln_1p())
                * idf
                * vocabulary.prior(&a.word)
                * if a.in_title { 1.5 } else { 1.0 }
                * role;
            Some((
                WeightedWord {
                    word: a.word,
                    weight,
                    in_title: a.in_title,
                },
                a.first,
            ))
        })
        .collect();
    out.sort_by(|(a, pa), (b, pb)| b.weight.total_cmp(&a.weight).then(pa.cmp(pb)));
    out.truncate(MAX_QUERY_WORDS);
    // In the order they appear in the need, so that multi-word expressions stay together
    // in the query (the index's thesaurus matches consecutive words).
    out.sort_by_key(|(_, p)| *p);
    out.into_iter().map(|(w, _)| w).collect()
}

/// Stems of the words of a text that belong to a multi-word thesaurus expression said in it.
fn expression_stems(text: &str) -> Vec<String> {
    let stems = stems(text);
    Thesaurus::get()
        .find(&stems)
        .into_iter()
        .filter(|m| m.len >= 2)
        .flat_map(|m| stems[m.start..m.start + m.len].to_vec())
        .collect()
}

/// CPV codes written in a text (`77310000`, `77310000-6`, `CPV : 90911200-8`), in order,
/// without duplicates; existence is the caller's to check.
pub fn cpv_codes_in_text(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 8 {
                let mut code = text[start..i].to_string();
                if i + 1 < bytes.len()
                    && bytes[i] == b'-'
                    && bytes[i + 1].is_ascii_digit()
                    && (i + 2 >= bytes.len() || !bytes[i + 2].is_ascii_digit())
                {
                    code.push('-');
                    code.push(bytes[i + 1] as char);
                }
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_nouns_are_told_from_things_that_end_like_them() {
        for w in [
            "nettoyage",
            "vidanges",
            "analyse",
            "fauche",
            "proprete",
            "entretien",
        ] {
            assert!(is_action_noun(w), "{w}");
        }
        for w in [
            "vetements",
            "equipements",
            "chaussures",
            "repas",
            "uniformes",
            "plantes",
        ] {
            assert!(!is_action_noun(w), "{w}");
        }
    }

    #[test]
    fn the_grounds_of_a_site_are_named_only_by_the_plural_noun() {
        assert_eq!(
            with_grounds_named("Entretien des extérieurs de la mairie"),
            "Entretien des espaces extérieurs de la mairie"
        );
        assert_eq!(
            with_grounds_named("Entretien des extérieurs – groupe scolaire"),
            "Entretien des espaces extérieurs – groupe scolaire"
        );
        assert_eq!(
            with_grounds_named("ENTRETIEN DES EXTÉRIEURS"),
            "ENTRETIEN DES espaces EXTÉRIEURS"
        );
        for other in [
            "Entretien extérieur des véhicules",
            "Peinture des extérieurs",
            "Entretien des extérieurs des véhicules de service",
            "Entretenir l'extérieur du bus",
            "",
            "extérieurs",
        ] {
            assert_eq!(with_grounds_named(other), other);
        }
    }

    #[test]
    fn the_buyer_name_is_blanked_out_of_a_notice() {
        let t = "Identification de l'acheteur : Lycée Pierre Mendès France.\nNettoyage des salles.";
        let out = without_name(t, "LYCÉE Pierre Mendès France");
        assert!(!out.contains("Pierre"), "{out}");
        assert!(out.contains("Nettoyage des salles"), "{out}");
        assert_eq!(without_name("Tonte", ""), "Tonte");
    }

    #[test]
    fn a_full_compound_commune_name_is_blanked_out() {
        let t = "Fourniture de repas pour l'EHPAD – Saint-Laurent-des-Arbres";
        let out = without_compound_places(t);
        assert!(!out.contains("Arbres"), "{out}");
        assert!(out.contains("repas pour l'EHPAD"), "{out}");
        let out = without_compound_places("Livraison à d'Aix-en-Provence, accord-cadre");
        assert!(!out.contains("Provence"), "{out}");
        assert!(out.contains("accord-cadre"), "a compound word stays: {out}");
        // A lone word that is also a place and a trade word stays a trade word.
        assert_eq!(
            without_compound_places("Élagage des arbres"),
            "Élagage des arbres"
        );
    }

    #[test]
    fn elisions_and_accents_are_handled() {
        assert_eq!(
            words("L'entretien d’espaces verts, Élagage"),
            ["entretien", "espaces", "verts", "elagage"]
        );
    }

    #[test]
    fn boilerplate_never_drives_the_query() {
        let notice = "Le présent marché a pour objet des prestations de tonte et de débroussaillage. \
                      Le titulaire du lot n°2 exécutera les prestations conformément au CCTP. \
                      Le pouvoir adjudicateur jugera les offres selon le prix et la valeur technique.";
        let ws = select_words("Marché de prestations", notice, |_| Some(10), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        assert!(
            words.contains(&"tonte") && words.contains(&"debroussaillage"),
            "{words:?}"
        );
        for b in [
            "marche",
            "prestations",
            "titulaire",
            "lot",
            "pouvoir",
            "adjudicateur",
            "offres",
            "prix",
            "cctp",
        ] {
            assert!(!words.contains(&b), "{b} in {words:?}");
        }
    }

    #[test]
    fn a_purchase_noun_is_not_what_is_bought() {
        // Rare in supplier profiles, « acquisition » would otherwise be the heaviest word.
        let ws = select_words("Acquisition de blouses et tuniques", "", |_| Some(2), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(words, ["blouses", "tuniques"]);
        let ws = select_words("Achats de tabliers", "", |_| Some(2), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(words, ["tabliers"]);
    }

    #[test]
    fn a_short_word_the_thesaurus_knows_is_kept() {
        // « PC » names the computers; other two-letter words (« EA », « lot n° 2 ») do not.
        let ws = select_words("Remise en état de vieux PC – EA", "", |_| Some(2), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        assert!(words.contains(&"pc"), "{words:?}");
        assert!(!words.contains(&"ea"), "{words:?}");
        let m = Thesaurus::get().find(&[stem("pc")]);
        assert!(m[0].alternatives.iter().any(|a| a.display == "ordinateur"));
    }

    #[test]
    fn what_the_work_must_not_disturb_is_not_what_is_bought() {
        let d = "Lot n°2 : transferts de mobilier. Les opérations se dérouleront un week-end \
                 pour ne pas perturber l'accueil du public. Environ 40 bureaux.";
        let out = without_procedure_clauses(d);
        assert!(!out.contains("accueil"), "{out}");
        assert!(out.contains("un week-end. Environ 40 bureaux."), "{out}");
        let ws = select_words("Déménagement des services", &out, |_| Some(2), 1000);
        assert!(!ws.iter().any(|w| w.word == "accueil"), "{ws:?}");
        assert!(ws.iter().any(|w| w.word == "mobilier"), "{ws:?}");
    }

    #[test]
    fn clauses_on_who_may_bid_are_not_query_text() {
        let notice = "Objet de la consultation : tonte des pelouses.\n\
                      Marché réservé : le présent marché est réservé aux établissements et services d'aide par le travail.\n\
                      Clause sociale : le titulaire réservera 300 heures de travail à des personnes éloignées de l'emploi.\n\
                      Conditions de participation : chaque candidat produit ses attestations. Le titulaire produira les certificats sociaux.\n\
                      Entretien des massifs. Le marché comporte une clause d'insertion sociale.";
        let kept = without_procedure_clauses(notice);
        let ws = select_words("", &kept, |_| Some(10), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        for w in ["tonte", "pelouses", "entretien", "massifs"] {
            assert!(words.contains(&w), "{w} missing from {words:?}");
        }
        for w in [
            "etablissements",
            "travail",
            "personnes",
            "emploi",
            "sociaux",
            "insertion",
        ] {
            assert!(!words.contains(&w), "{w} in {words:?}");
        }
    }

    #[test]
    fn a_reception_desk_is_told_from_the_acceptance_of_works() {
        // « Réception » is procurement boilerplate (acceptance of works, receipt of offers);
        // with the people or the place received, it is the front desk.
        let accueil = vec![(vec!["accueil".to_string()], true)];
        assert_eq!(
            sense_expressions("Prise en charge de la réception du siège", ""),
            accueil
        );
        assert_eq!(
            sense_expressions("Réception des usagers et gestion des appels", ""),
            accueil
        );
        assert!(sense_expressions("Nettoyage avant réception des travaux", "").is_empty());
        // « Prestations de bouche » is catering, and keeps « bouche » in the query.
        let ws = select_words(
            "Prestations de bouche pour les manifestations",
            "",
            |_| Some(2),
            1000,
        );
        assert!(ws.iter().any(|w| w.word == "bouche"));
        let m = Thesaurus::get().find(&stems("prestations de bouche"));
        assert!(m[0].alternatives.iter().any(|a| a.display == "traiteur"));
    }

    #[test]
    fn the_lots_of_an_allotted_need_are_read_apart() {
        let d = "La consultation est allotie comme suit :\n\
                 Lot n°1 : Nettoyage des textiles des crèches. Deux passages par semaine.\n\
                 Lot n°2 : Fourniture de tenues professionnelles.\n\
                 Les candidats peuvent soumissionner pour un ou plusieurs lots.";
        assert_eq!(
            lot_texts(d),
            [
                "Nettoyage des textiles des crèches. Deux passages par semaine.",
                "Fourniture de tenues professionnelles."
            ]
        );
        let inline = "Objet : deux lots. LOT 1 – Tonte des pelouses\nLot N° 2. Élagage";
        assert_eq!(lot_texts(inline), ["Tonte des pelouses", "Élagage"]);
        // One lot, or « lot » without a number, is no allotment.
        assert!(lot_texts("Lot n°1 : Tonte des pelouses.").is_empty());
        assert!(lot_texts("Lot unique : tonte.\nLotissement 2 : élagage.").is_empty());
    }

    #[test]
    fn a_trade_said_over_a_sentence_joins_the_query() {
        let title = "Quelqu'un pour entretenir les blouses et tenues des agents";
        assert_eq!(
            sense_expressions(title, ""),
            [(vec!["blanchisserie".to_string()], true)]
        );
        let ws = with_senses(select_words(title, "", |_| Some(10), 1000), title, "");
        let heaviest = ws.iter().map(|w| w.weight).fold(0.0, f64::max);
        let added = ws.last().unwrap();
        assert_eq!(
            (added.word.as_str(), added.weight),
            ("blanchisserie", heaviest)
        );
        // Taking clothes away to give them value is textile reuse, not laundry.
        assert_eq!(
            sense_expressions(
                "Enlèvement et valorisation des vêtements de la déchèterie",
                ""
            ),
            [(vec!["reemploi".to_string(), "textile".to_string()], true)]
        );
        // Both words must be in one sentence; a word alone, or in another sentence, says no
        // trade ("habitants" is not "habits", the rules name no such short stems).
        assert!(sense_expressions("Entretien des espaces verts", "").is_empty());
        // Who asks is no object: the town hall looks for someone to clean the cemetery.
        assert!(
            sense_expressions(
                "Demande de devis",
                "Le service technique de la mairie cherche quelqu'un pour nettoyer le cimetière."
            )
            .is_empty()
        );
        assert_eq!(
            sense_expressions("", "La mairie cherche quelqu'un pour nettoyer la mairie.").len(),
            1
        );
        assert!(
            sense_expressions(
                "Recherche prestataire",
                "Il faut débarrasser. Nos ordinateurs sont neufs."
            )
            .is_empty()
        );
        assert!(
            sense_expressions(
                "",
                "Récupérer les restes de la cantine des 1 443 habitants."
            )
            .is_empty()
        );
    }

    #[test]
    fn the_head_of_a_title_outweighs_its_qualifiers() {
        let roles = title_roles("Uniformes du personnel de restauration");
        assert_eq!(roles["uniforme"], HEAD_ROLE);
        assert_eq!(roles["personnel"], OWNER_ROLE, "whose uniforms");
        assert_eq!(roles["restauration"], OWNER_ROLE);
        // A thing's complement with a definite article says whose; an action's says what,
        // and so does a complement without an article.
        let roles = title_roles("Repas du centre de loisirs");
        assert_eq!(roles[group_key("repas")], HEAD_ROLE);
        assert_eq!(roles["centre"], OWNER_ROLE);
        let roles = title_roles("Entretien des extérieurs");
        assert_eq!(roles[group_key("exterieurs")], HEAD_ROLE);
        let roles = title_roles("Location-entretien des vêtements de travail");
        assert_eq!(roles[group_key("vetements")], HEAD_ROLE);
        let roles = title_roles("Propreté des bâtiments");
        assert_eq!(roles[group_key("batiments")], HEAD_ROLE);
        let roles = title_roles("Vêtements de travail");
        assert_eq!(roles["travail"], HEAD_ROLE);
        // Not after a procedure head or a verb, nor for a purpose complement.
        let roles = title_roles("Remise en état des murs et plafonds");
        assert_eq!(roles[group_key("murs")], HEAD_ROLE, "{roles:?}");
        let roles = title_roles("Repas froids livrés pour les réunions");
        assert_eq!(roles[group_key("reunions")], HEAD_ROLE, "{roles:?}");
        // A procedure head is skipped: what follows heads the phrase; an adjective only
        // qualifies it.
        let roles = title_roles("Prestations de restauration événementielle");
        assert_eq!(roles["restauration"], HEAD_ROLE);
        assert_eq!(roles["evenementielle"], QUALIFIER_ROLE);
        assert!(!roles.contains_key("prestation"));
        // An elided preposition opens a complement; a dash starts a new phrase.
        let roles = title_roles("Prestations d'entretien – lot 1");
        assert_eq!(roles["entretien"], HEAD_ROLE);
        let roles = title_roles("Production des documents de communication de la mairie");
        assert_eq!(roles["production"], HEAD_ROLE);
        assert_eq!(roles["communication"], LATE_ROLE);
        // Coordination keeps the level; a thesaurus expression is one noun.
        let roles = title_roles("Nettoyage et entretien des espaces verts");
        for w in ["nettoyage", "entretien", "espace", "vert"] {
            assert_eq!(roles[w], HEAD_ROLE, "{w}: {roles:?}");
        }
        // The weights follow: same frequency, the head weighs more.
        let ws = select_words(
            "Uniformes du personnel de restauration",
            "",
            |_| Some(5),
            1000,
        );
        let w = |x: &str| ws.iter().find(|w| w.word == x).unwrap().weight;
        assert!(w("restauration") < 0.7 * w("uniformes"), "{ws:?}");
    }

    #[test]
    fn a_phrase_is_read_as_nouns_adjectives_and_purpose() {
        let parts = phrase_parts("Fourniture de légumes pour la restauration collective");
        let part = |parts: &[PhrasePart], w: &str| {
            let found = parts.iter().find(|p| p.stem == stem(w)).cloned();
            found.unwrap_or_else(|| panic!("{w} not in {parts:?}"))
        };
        let veg = part(&parts, "legumes");
        assert!(!veg.purpose && veg.qualifies.is_none(), "{parts:?}");
        assert!(part(&parts, "restauration").purpose, "{parts:?}");
        // Recipients: after « auprès de », « à destination de », « à », « aux » after a
        // verb of supplying, or in a list of customers; « à » elsewhere says no recipient.
        let purpose = |text: &str, w: &str| part(&phrase_parts(text), w).purpose;
        let veg = "Légumes bruts livrés aux cantines scolaires";
        assert!(purpose(veg, "cantines") && purpose(veg, "scolaires"));
        assert!(!purpose(veg, "legumes"));
        assert!(purpose("Nous intervenons auprès des crèches", "creches"));
        let meals = "Repas à destination des EHPAD";
        assert!(purpose(meals, "ehpad") && !purpose(meals, "repas"));
        let listed = "Nos clients : cantines, écoles et EHPAD. Nous cuisinons des repas.";
        assert!(purpose(listed, "cantines") && purpose(listed, "ecoles"));
        assert!(!purpose(listed, "repas"));
        assert!(!purpose("Peinture à l'eau des façades", "facades"));
        // The head nouns naming a thing the need buys.
        assert_eq!(
            title_heads("Repas du centre de loisirs"),
            [stem("repas")].into()
        );
        let heads = title_heads("Déjeuners et goûters des crèches");
        assert_eq!(heads, [stem("dejeuners"), stem("gouters")].into());
        assert!(title_heads("Maintenance des aires paysagères").is_empty());
        assert!(title_heads("Habillement des agents techniques").is_empty());
        // Coordinated adjectives qualify the same noun.
        let parts = phrase_parts("Peinture intérieure et extérieure");
        for w in ["interieure", "exterieure"] {
            assert_eq!(
                part(&parts, w).qualifies,
                Some(stem("peinture")),
                "{parts:?}"
            );
        }
        // A noun after a preposition or a determiner; a thesaurus expression is one noun.
        let parts = phrase_parts("Vitrerie et miroiterie intérieure du bâtiment");
        assert_eq!(
            part(&parts, "interieure").qualifies,
            Some(stem("miroiterie"))
        );
        assert!(part(&parts, "batiment").qualifies.is_none());
        assert!(part(&parts, "miroiterie").qualifies.is_none(), "{parts:?}");
        let parts = phrase_parts("Entretien des espaces verts");
        assert!(part(&parts, "verts").qualifies.is_none(), "{parts:?}");
        // The need's side: the nouns its title names its object with, and its adjectives.
        let nouns = title_nouns("Uniformes du personnel de restauration");
        assert!(nouns.contains(&stem("uniformes")), "{nouns:?}");
        // Whose the uniforms or meals are is not what is bought.
        assert!(!nouns.contains(&stem("personnel")), "{nouns:?}");
        assert!(!nouns.contains(&stem("restauration")), "{nouns:?}");
        let nouns = title_nouns("Repas du centre de loisirs");
        assert!(nouns.contains(&stem("repas")), "{nouns:?}");
        assert!(!nouns.contains(&stem("loisirs")), "{nouns:?}");
        // A thesaurus expression is one noun: "centre de loisirs" is the first complement.
        let nouns = title_nouns("Accueil du centre de loisirs");
        for w in ["accueil", "centre", "loisirs"] {
            assert!(nouns.contains(&stem(w)), "{w}: {nouns:?}");
        }
        // Plurals in -aux are stemmed as the words are, not as their trimmed keys.
        let nouns = title_nouns("Travaux de peinture");
        assert!(nouns.contains(&stem("travaux")), "{nouns:?}");
        let nouns = title_nouns("Nettoyage des locaux");
        for w in ["nettoyage", "locaux"] {
            assert!(nouns.contains(&stem(w)), "{w}: {nouns:?}");
        }
        let q = title_qualifiers("Prestation de nettoyage des surfaces intérieures");
        assert_eq!(
            q.get(&stem("interieures")),
            Some(&stem("surfaces")),
            "{q:?}"
        );
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones_and_title_words_count_most() {
        let df = |w: &str| Some(if w == "entretien" { 900 } else { 5 });
        let ws = select_words(
            "Entretien des haies",
            "entretien taille haies entretien",
            df,
            1000,
        );
        let best = ws
            .iter()
            .max_by(|a, b| a.weight.total_cmp(&b.weight))
            .unwrap();
        assert_eq!(best.word, "haies");
        assert!(ws.iter().find(|w| w.word == "entretien").unwrap().weight < best.weight);
    }

    #[test]
    fn procedure_words_of_a_trade_expression_are_kept_in_text_order() {
        let ws = select_words("Gestion des appels entrants", "", |_| Some(5), 1000);
        let words: Vec<&str> = ws.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(words, ["gestion", "appels", "entrants"]);
        let ws = select_words("Réponse à l'appel d'offres", "", |_| Some(5), 1000);
        assert!(!ws.iter().any(|w| w.word == "appel"), "{ws:?}");
    }

    #[test]
    fn at_most_twelve_words_are_kept() {
        let text = (0..40)
            .map(|i: u8| {
                format!(
                    "mot{}{}abc",
                    (b'a' + i / 26) as char,
                    (b'a' + i % 26) as char
                )
            })
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(
            select_words("", &text, |_| Some(1), 100).len(),
            MAX_QUERY_WORDS
        );
    }

    #[test]
    fn cpv_codes_are_found_in_text() {
        assert_eq!(
            cpv_codes_in_text(
                "Code CPV principal : 77310000-6 ; secondaire 90911200, tél 0561234567"
            ),
            ["77310000-6", "90911200"]
        );
    }
}
