//! French text analysis shared by indexing and querying: tokenisation with byte offsets,
//! elision (`l'`, `d'`, `qu'`… also with `’`), lowercasing and accent folding, French stop
//! words, Snowball French stemming; detection of CPV and NAF codes in query text; the trade
//! thesaurus (`fixtures/thesaurus.txt`); and highlighted snippets.
//!
//! Everything is pure and deterministic: the same text always gives the same tokens, at index
//! time and at query time. Words are folded *before* stemming, so `Élagage` and `elagage`
//! share a stem whatever accents people type. This module knows nothing of tantivy
//! (`index/text.rs`) and does not decide how terms are weighted.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::normalize::fold;

/// Words longer than this (in bytes, after folding) are not indexed: they are noise
/// (URLs, pasted identifiers) and would bloat the term dictionary.
pub const MAX_WORD_BYTES: usize = 40;

/// One analysed word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The word lowercased and without accents (`élagage` → `elagage`).
    pub surface: String,
    /// Its French stem (`elagage` → `elag`).
    pub stem: String,
    /// Byte range of the word in the analysed text.
    pub start: usize,
    pub end: usize,
}

const ELISIONS: &[&str] = &[
    "l", "d", "qu", "j", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '‘' | '`' | '´')
}

/// French stop words, folded. Based on the Snowball French list, without the words that carry
/// meaning in a trade description (`sans`, `sous`, `contre`).
const STOP_WORDS: &[&str] = &[
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au", "aura", "aurai", "auraient", "aurais",
    "aurait", "auras", "aurez", "auriez", "aurions", "aurons", "auront", "aux", "avaient", "avais",
    "avait", "avec", "avez", "aviez", "avions", "avons", "ayant", "ayez", "ayons", "c", "ce",
    "ceci", "cela", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle", "elles", "en",
    "es", "est", "et", "etaient", "etais", "etait", "etant", "ete", "etee", "etees", "etes",
    "etiez", "etions", "etre", "eu", "eue", "eues", "eurent", "eus", "eut", "eux", "fut", "il",
    "ils", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me",
    "meme", "memes", "mes", "moi", "mon", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont",
    "ou", "par", "pas", "pour", "qu", "que", "quel", "quelle", "quelles", "quels", "qui", "s",
    "sa", "se", "sera", "serai", "seraient", "serais", "serait", "seras", "serez", "seriez",
    "serions", "serons", "seront", "ses", "soi", "soient", "sois", "soit", "sommes", "son", "sont",
    "soyez", "soyons", "suis", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une",
    "vos", "votre", "vous", "y",
];

/// Whether a folded word is a French stop word.
pub fn is_stop_word(folded: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().copied().collect())
        .contains(folded)
}

/// The French stem of a folded word.
pub fn stem(folded: &str) -> String {
    thread_local! {
        static STEMMER: rust_stemmers::Stemmer =
            rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French);
    }
    // Words repeat across profiles: an index build stems the same few thousand words
    // millions of times, so each thread remembers its recent stems.
    thread_local! {
        static SEEN: std::cell::RefCell<super::bits::FxHashMap<Box<str>, Box<str>>> =
            Default::default();
    }
    const SEEN_MAX: usize = 1 << 16;
    if folded.bytes().all(|b| b.is_ascii_digit()) {
        return folded.to_string();
    }
    SEEN.with(|seen| {
        if let Some(s) = seen.borrow().get(folded) {
            return s.to_string();
        }
        let s = STEMMER.with(|s| s.stem(&snowball_form(folded)).into_owned());
        let mut seen = seen.borrow_mut();
        if seen.len() >= SEEN_MAX {
            seen.clear();
        }
        seen.insert(folded.into(), s.as_str().into());
        s
    })
}

/// Endings Snowball's French stemmer does not bring to their singular or masculine, for a
/// folded word, and the form it stems like that singular. Snowball reads accents, which
/// folding has removed, and keeps a final `s` after a vowel. So « dossier » gives `dossi`
/// but « dossiers » `dossier`; « paysagère » `paysager` but « paysager » `paysag`;
/// « reconditionné » `recondition` but « reconditionnée » `reconditionne`; « vélo » `velo`
/// but « vélos » `velos`; « envoi » `envoi` but « envois » `envois`. Measured on the
/// catalogue's and the thesaurus's words (pairs of a word and its plural or feminine that
/// stem apart): left are a few adjectives (« petit », « petite ») and words in `-eux`,
/// whose adjectives (« dangereux », « dangereuse ») Snowball already joins.
const SNOWBALL_FORMS: [(&str, &str); 8] = [
    ("eres", "er"),
    ("ers", "er"),
    ("ere", "er"),
    ("ees", "e"),
    ("ee", "e"),
    ("ois", "oi"),
    ("os", "o"),
    ("us", "u"),
];

/// A folded word with its plural or feminine ending ([`SNOWBALL_FORMS`]) given as the
/// singular's, so that it stems like its singular or masculine; other words as they are.
/// Words of four letters or fewer (« vers », « mère », « bois », « plus ») keep their
/// ending.
fn snowball_form(folded: &str) -> std::borrow::Cow<'_, str> {
    if folded.len() > 4 {
        for (ending, base) in SNOWBALL_FORMS {
            if let Some(root) = folded.strip_suffix(ending) {
                return format!("{root}{base}").into();
            }
        }
    }
    folded.into()
}

/// Split a text into its raw alphanumeric runs with byte offsets, dropping elided articles
/// (`l'entretien` gives `entretien`). Combining marks stay inside the word.
fn raw_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let wordy = c.is_alphanumeric()
            || (start.is_some() && unicode_normalization::char::is_combining_mark(c));
        if wordy {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            let elided = is_apostrophe(c)
                && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric())
                && ELISIONS.contains(&fold(&text[s..i]).as_str());
            if !elided {
                out.push((s, i));
            }
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Analyse a text: words folded, elisions and stop words removed, stems computed. Single
/// letters and over-long words are dropped; digits are kept as they are.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for (start, end) in raw_words(text) {
        let surface = fold(&text[start..end]).replace(' ', "");
        if surface.is_empty() || surface.len() > MAX_WORD_BYTES || is_stop_word(&surface) {
            continue;
        }
        if surface.chars().count() < 2 && !surface.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let stem = stem(&surface);
        out.push(Token {
            surface,
            stem,
            start,
            end,
        });
    }
    out
}

/// The stems of a text, in order (duplicates kept).
pub fn stems(text: &str) -> Vec<String> {
    tokens(text).into_iter().map(|t| t.stem).collect()
}

/// Bytes of text stems [`stems_shared`] remembers.
const SHARED_STEMS_BUDGET: usize = 16 << 20;

/// [`stems`] of a text the matching rules read again and again, remembered (least recently
/// used dropped past [`SHARED_STEMS_BUDGET`]): a supplier's labels and descriptions are read
/// for every need it is a candidate of, and one activity label is written by many suppliers.
/// Analysis (folding, elisions, stemming) was a quarter of a match's time. Not for the index
/// build, whose texts are read once.
pub fn stems_shared(text: &str) -> std::sync::Arc<[String]> {
    static READ: std::sync::LazyLock<super::bits::Memo<String, std::sync::Arc<[String]>>> =
        std::sync::LazyLock::new(|| super::bits::Memo::new(SHARED_STEMS_BUDGET));
    let read = READ.get_or_try(text, || {
        let st: std::sync::Arc<[String]> = stems(text).into();
        let cost = 64 + text.len() + st.iter().map(|x| x.len() + 24).sum::<usize>();
        Ok::<_, std::convert::Infallible>((st, cost))
    });
    match read {
        Ok(st) => st,
        Err(never) => match never {},
    }
}

/// A CPV or NAF code (or prefix of one) typed in free text, normalised for the `codes`
/// field: CPV as its significant digits (`90911200-8` → `909112`), NAF without the dot
/// (`81.30Z` → `8130Z`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeToken {
    /// Digits only, 2 to 8 of them: a CPV prefix, and, with 2 to 4 digits, also a NAF prefix.
    Digits { digits: String, written: String },
    /// A NAF code with its letter or dot (`81.30Z`, `8130Z`, `81.3`).
    Naf { code: String, written: String },
}

/// Recognise a code among the whitespace-separated words of a query.
pub fn code_token(word: &str) -> Option<CodeToken> {
    let w = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '"'));
    let written = w.to_string();
    // CPV with check digit: 8 digits, dash, 1 digit.
    if let Some((d, c)) = w.split_once('-')
        && d.len() == 8
        && d.bytes().all(|b| b.is_ascii_digit())
        && c.len() == 1
        && c.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(CodeToken::Digits {
            digits: crate::referential::codes::significant_prefix(d).to_string(),
            written,
        });
    }
    if (2..=8).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_digit()) {
        let digits = if w.len() == 8 {
            crate::referential::codes::significant_prefix(w).to_string()
        } else {
            w.to_string()
        };
        return Some(CodeToken::Digits { digits, written });
    }
    // NAF: 2 digits, optional dot, up to 2 digits, optional letter.
    let compact: String = w
        .chars()
        .filter(|c| *c != '.')
        .collect::<String>()
        .to_ascii_uppercase();
    let b = compact.as_bytes();
    let naf_shape = b.len() >= 3
        && b.len() <= 5
        && b[..2].iter().all(u8::is_ascii_digit)
        && (w.contains('.') || b.last().is_some_and(u8::is_ascii_alphabetic))
        && {
            let digits_end = b
                .iter()
                .position(|c| !c.is_ascii_digit())
                .unwrap_or(b.len());
            digits_end <= 4
                && b[digits_end..].iter().all(u8::is_ascii_alphabetic)
                && b.len() - digits_end <= 1
                && (digits_end == 4 || b.len() == digits_end)
        };
    if naf_shape && w.chars().filter(|c| *c == '.').count() <= 1 {
        return Some(CodeToken::Naf {
            code: compact,
            written,
        });
    }
    None
}

/// The terms of the `codes` field for a CPV code: every prefix of its eight digits from the
/// division on, so `45`, `454`, `4544` … `45442100` all match `45442100-3`.
pub fn cpv_code_terms(code8: &str, out: &mut Vec<String>) {
    for len in 2..=code8.len().min(8) {
        out.push(format!("c{}", &code8[..len]));
    }
}

/// The terms of the `codes` field for a NAF sous-classe (`81.30Z`): `81`, `813`, `8130`,
/// `8130Z`.
pub fn naf_code_terms(naf: &str, out: &mut Vec<String>) {
    let compact: String = naf
        .chars()
        .filter(|c| *c != '.')
        .collect::<String>()
        .to_ascii_uppercase();
    for len in 2..=compact.len() {
        out.push(format!("n{}", &compact[..len]));
    }
}

// ---------------------------------------------------------------------------------------------
// Thesaurus

/// One entry of a synonym group, analysed.
#[derive(Debug, Clone)]
pub struct ThesaurusEntry {
    /// As written in the file (`espaces verts`).
    pub display: String,
    pub stems: Vec<String>,
    pub group: usize,
}

/// The French trade thesaurus: groups of equivalent expressions, one group per line of
/// `fixtures/thesaurus.txt`, entries separated by commas.
#[derive(Debug, Default)]
pub struct Thesaurus {
    entries: Vec<ThesaurusEntry>,
    groups: Vec<Vec<usize>>,
    /// First stem of an entry → entries starting with it.
    by_first: HashMap<String, Vec<usize>>,
    /// Per group, the stems of its expressions that are not on their own a term of another
    /// group (`chanti`, `travaux` for « nettoyage de chantier », « nettoyage après travaux »,
    /// not the cleaning group's `nettoi`): saying one may name the group.
    specific: Vec<Vec<String>>,
    /// Per group, its section: the trade family whose `# Heading` line comes before it in
    /// the file (« Espaces verts, nature, agriculture » for « tonte » and « massifs
    /// fleuris » alike).
    section_of: Vec<usize>,
    /// Per section, the stems of all its expressions.
    section_stems: Vec<HashSet<String>>,
}

/// A thesaurus match in a sequence of query stems.
#[derive(Debug, Clone)]
pub struct ThesaurusMatch {
    pub start: usize,
    pub len: usize,
    /// The groups of the matched expression.
    pub groups: Vec<usize>,
    /// The other entries of the matched groups (never the matched expression itself).
    pub alternatives: Vec<ThesaurusEntry>,
}

const THESAURUS_TXT: &str = include_str!("../../fixtures/thesaurus.txt");

impl Thesaurus {
    /// Parse the file format: `#` starts a comment, each other non-blank line is a group of
    /// comma-separated expressions.
    pub fn parse(text: &str) -> Thesaurus {
        let mut t = Thesaurus::default();
        let mut lines = text.lines().peekable();
        let mut section = 0;
        while let Some(line) = lines.next() {
            // A heading is a whole-line comment right above a group.
            if line.trim_start().starts_with('#')
                && lines.peek().is_some_and(|next| {
                    !next.trim().is_empty() && !next.trim_start().starts_with('#')
                })
                && !t.groups.is_empty()
            {
                section += 1;
            }
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let group = t.groups.len();
            t.section_of.push(section);
            let mut members = Vec::new();
            for expr in line.split(',') {
                let display = expr.trim().to_string();
                let stems = stems(&display);
                if stems.is_empty() {
                    continue;
                }
                if members.iter().any(|&m: &usize| t.entries[m].stems == stems) {
                    continue;
                }
                let id = t.entries.len();
                t.by_first.entry(stems[0].clone()).or_default().push(id);
                t.entries.push(ThesaurusEntry {
                    display,
                    stems,
                    group,
                });
                members.push(id);
            }
            t.groups.push(members);
        }
        // Single-word terms → their groups.
        let mut term_of: HashMap<&str, HashSet<usize>> = HashMap::new();
        for e in t.entries.iter().filter(|e| e.stems.len() == 1) {
            term_of
                .entry(e.stems[0].as_str())
                .or_default()
                .insert(e.group);
        }
        let sections = t.section_of.last().map_or(0, |&x| x + 1);
        t.section_stems = vec![HashSet::new(); sections];
        for e in &t.entries {
            t.section_stems[t.section_of[e.group]].extend(e.stems.iter().cloned());
        }
        t.specific = t
            .groups
            .iter()
            .enumerate()
            .map(|(g, members)| {
                let mut own: Vec<String> = members
                    .iter()
                    .flat_map(|&m| &t.entries[m].stems)
                    .filter(|st| {
                        term_of
                            .get(st.as_str())
                            .is_none_or(|groups| groups.contains(&g))
                    })
                    .cloned()
                    .collect();
                own.sort();
                own.dedup();
                own
            })
            .collect();
        t
    }

    /// The stems of a group's expressions that are not a term of another group on their
    /// own ([`Thesaurus::find`]'s `groups`).
    pub fn specific_stems(&self, group: usize) -> &[String] {
        self.specific.get(group).map_or(&[], Vec::as_slice)
    }

    /// Whether a stem is a word of an expression of the group's section (its trade family).
    pub fn section_says(&self, group: usize, stem: &str) -> bool {
        self.section_of
            .get(group)
            .and_then(|&x| self.section_stems.get(x))
            .is_some_and(|st| st.contains(stem))
    }

    /// The stems of each expression of a group.
    pub fn group_expressions(&self, group: usize) -> impl Iterator<Item = &[String]> {
        self.groups
            .get(group)
            .into_iter()
            .flatten()
            .map(|&e| self.entries[e].stems.as_slice())
    }

    /// The embedded thesaurus.
    pub fn get() -> &'static Thesaurus {
        static T: OnceLock<Thesaurus> = OnceLock::new();
        T.get_or_init(|| Thesaurus::parse(THESAURUS_TXT))
    }

    pub fn num_groups(&self) -> usize {
        self.groups.len()
    }

    /// Whether a stem is on its own an expression of a group: a term of a trade
    /// (« tonte », « nettoyage »), not only a word of longer ones (« taille » of « taille de
    /// haies »).
    pub fn is_term(&self, stem: &str) -> bool {
        self.by_first
            .get(stem)
            .is_some_and(|ids| ids.iter().any(|&e| self.entries[e].stems.len() == 1))
    }

    /// Whether a stem names a trade family on its own: a term ([`is_term`](Self::is_term))
    /// that no expression of another family (section of the file) starts with.
    /// « Réparations » is a term of the handyman's group, but it heads « réparation de
    /// vélos » and « réparation automobile » too: it needs its complement to say which
    /// trade. So does « nettoyage »: « nettoyage de vitres » is of its own family, but
    /// « nettoyage de véhicules » of the vehicles'.
    pub fn is_specific_term(&self, stem: &str) -> bool {
        let Some(ids) = self.by_first.get(stem) else {
            return false;
        };
        let sections: Vec<usize> = ids
            .iter()
            .map(|&e| &self.entries[e])
            .filter(|e| e.stems.len() == 1)
            .map(|e| self.section_of[e.group])
            .collect();
        !sections.is_empty()
            && ids
                .iter()
                .all(|&e| sections.contains(&self.section_of[self.entries[e].group]))
    }

    /// Every expression of every group.
    pub fn entries(&self) -> &[ThesaurusEntry] {
        &self.entries
    }

    /// Find expressions in a sequence of stems, longest first, left to right, without
    /// overlaps. Each match lists the other expressions of every group containing it.
    pub fn find(&self, stems: &[String]) -> Vec<ThesaurusMatch> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < stems.len() {
            let mut best: Option<(usize, Vec<usize>)> = None;
            if let Some(cands) = self.by_first.get(&stems[i]) {
                for &e in cands {
                    let es = &self.entries[e].stems;
                    if stems.len() - i >= es.len() && stems[i..i + es.len()] == es[..] {
                        match &mut best {
                            Some((len, ids)) if *len == es.len() => ids.push(e),
                            Some((len, _)) if *len > es.len() => {}
                            _ => best = Some((es.len(), vec![e])),
                        }
                    }
                }
            }
            match best {
                Some((len, ids)) => {
                    let mut alternatives: Vec<ThesaurusEntry> = Vec::new();
                    let matched: Vec<&Vec<String>> =
                        ids.iter().map(|&e| &self.entries[e].stems).collect();
                    for &e in &ids {
                        for &m in &self.groups[self.entries[e].group] {
                            let entry = &self.entries[m];
                            if matched.contains(&&entry.stems)
                                || alternatives.iter().any(|a| a.stems == entry.stems)
                            {
                                continue;
                            }
                            alternatives.push(entry.clone());
                        }
                    }
                    let mut groups: Vec<usize> =
                        ids.iter().map(|&e| self.entries[e].group).collect();
                    groups.sort_unstable();
                    groups.dedup();
                    out.push(ThesaurusMatch {
                        start: i,
                        len,
                        groups,
                        alternatives,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Snippets

/// A short extract of a field with the matched words marked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Snippet {
    /// Which part of the profile: `name`, `description`, `offers`, `references`, `activities`.
    pub field: String,
    /// The extract, plain text.
    pub fragment: String,
    /// Byte ranges of `fragment` to highlight.
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// The fragment as HTML with matched words in `<mark>`; the text is escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.fragment.len() + 16 * self.highlights.len());
        let mut last = 0;
        for &(s, e) in &self.highlights {
            out.push_str(&html_escape(&self.fragment[last..s]));
            out.push_str("<mark>");
            out.push_str(&html_escape(&self.fragment[s..e]));
            out.push_str("</mark>");
            last = e;
        }
        out.push_str(&html_escape(&self.fragment[last..]));
        out
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The best window of about `max_bytes` of `text` around words whose stem is in `stems`
/// (the window with the most distinct matched stems), or `None` when no word matches.
pub fn snippet(
    field: &str,
    text: &str,
    stems: &HashSet<String>,
    max_bytes: usize,
) -> Option<Snippet> {
    let toks: Vec<Token> = tokens(text)
        .into_iter()
        .filter(|t| stems.contains(&t.stem))
        .collect();
    if toks.is_empty() {
        return None;
    }
    // Slide over matched tokens: window starting at token i covers tokens until max_bytes.
    let mut best = (0usize, 0usize, 0usize); // (distinct, i, j_end)
    for i in 0..toks.len() {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut j = i;
        while j < toks.len() && toks[j].end - toks[i].start <= max_bytes {
            seen.insert(&toks[j].stem);
            j += 1;
        }
        if seen.len() > best.0 {
            best = (seen.len(), i, j);
        }
    }
    let (_, i, j) = best;
    let first = &toks[i];
    let last = &toks[j.max(i + 1) - 1];
    let slack = max_bytes.saturating_sub(last.end - first.start);
    let mut start = floor_boundary(text, first.start.saturating_sub(slack / 3));
    let mut end = floor_boundary(text, (last.end + slack - slack / 3).min(text.len()));
    // Extend to word boundaries so no word is cut.
    if start > 0
        && let Some(p) = text[..start].rfind(char::is_whitespace)
        && start - p < 20
    {
        start = p + 1;
    }
    if end < text.len()
        && let Some(p) = text[end..].find(char::is_whitespace)
        && p < 20
    {
        end += p;
    }
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let body = &text[start..end];
    let mut fragment = String::with_capacity(body.len() + 8);
    fragment.push_str(prefix);
    let shift = fragment.len();
    fragment.push_str(body);
    fragment.push_str(suffix);
    let highlights = toks[i..j.max(i + 1)]
        .iter()
        .filter(|t| t.start >= start && t.end <= end)
        .map(|t| (t.start - start + shift, t.end - start + shift))
        .collect();
    Some(Snippet {
        field: field.to_string(),
        fragment,
        highlights,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems_of(s: &str) -> Vec<String> {
        stems(s)
    }

    #[test]
    fn accents_case_and_plural_share_a_stem() {
        assert_eq!(stems_of("Élagage"), stems_of("elagage"));
        assert_eq!(stems_of("espaces verts"), stems_of("espace vert"));
        assert_eq!(stems_of("NETTOYAGE"), stems_of("nettoyage"));
    }

    #[test]
    fn plurals_and_feminines_share_the_singular_s_stem() {
        assert_eq!(stems_of("dossiers"), stems_of("dossier"));
        assert_eq!(stems_of("ateliers"), stems_of("atelier"));
        assert_eq!(stems_of("déchets ménagers"), stems_of("déchet ménager"));
        assert_eq!(stems_of("aires paysagères"), stems_of("aire paysager"));
        assert_eq!(stems_of("paysagère"), stems_of("paysagers"));
        assert_eq!(stems_of("première"), stems_of("premier"));
        // Short words keep their ending: « mère » is not « mer ».
        assert_eq!(snowball_form("mere"), "mere");
        assert_eq!(snowball_form("paysageres"), "paysager");
        assert_eq!(
            stems_of("tablettes reconditionnées"),
            stems_of("tablette reconditionné")
        );
        assert_eq!(stems_of("vélos cargos"), stems_of("vélo cargo"));
        assert_eq!(stems_of("envois"), stems_of("envoi"));
        assert_eq!(stems_of("tissus"), stems_of("tissu"));
        // Other endings are untouched.
        assert_eq!(stems_of("nettoyages"), stems_of("nettoyage"));
    }

    #[test]
    fn elision_is_removed_with_both_apostrophes() {
        assert_eq!(stems_of("l'entretien"), stems_of("entretien"));
        assert_eq!(stems_of("l’entretien"), stems_of("entretien"));
        assert_eq!(
            stems_of("qu'entretien d'espaces"),
            stems_of("entretien espaces")
        );
        // Not an elision: both halves stay.
        assert_eq!(stems_of("aujourd'hui").len(), 2);
    }

    #[test]
    fn stop_words_are_dropped() {
        assert_eq!(
            stems_of("le nettoyage des locaux et de la voirie"),
            stems_of("nettoyage locaux voirie")
        );
    }

    #[test]
    fn tokens_carry_byte_offsets_of_the_original_text() {
        let text = "Entretien d’espaces verts";
        let t = tokens(text);
        assert_eq!(&text[t[1].start..t[1].end], "espaces");
        assert_eq!(t[1].surface, "espaces");
    }

    #[test]
    fn codes_are_recognised_in_query_words() {
        assert_eq!(
            code_token("90911200-8"),
            Some(CodeToken::Digits {
                digits: "909112".into(),
                written: "90911200-8".into()
            })
        );
        assert!(
            matches!(code_token("9091"), Some(CodeToken::Digits { digits, .. }) if digits == "9091")
        );
        assert!(
            matches!(code_token("81.30Z"), Some(CodeToken::Naf { code, .. }) if code == "8130Z")
        );
        assert!(
            matches!(code_token("8130z"), Some(CodeToken::Naf { code, .. }) if code == "8130Z")
        );
        assert!(matches!(code_token("81.3"), Some(CodeToken::Naf { code, .. }) if code == "813"));
        assert_eq!(code_token("nettoyage"), None);
        assert_eq!(code_token("3"), None);
        assert_eq!(code_token("12a4"), None);
    }

    #[test]
    fn code_terms_cover_every_level() {
        let mut v = Vec::new();
        cpv_code_terms("45442100", &mut v);
        assert!(
            v.contains(&"c45".to_string())
                && v.contains(&"c4544".to_string())
                && v.contains(&"c45442100".to_string())
        );
        v.clear();
        naf_code_terms("81.30Z", &mut v);
        assert_eq!(v, ["n81", "n813", "n8130", "n8130Z"]);
    }

    #[test]
    fn thesaurus_matches_multi_word_expressions() {
        let t = Thesaurus::parse("paysagiste, espaces verts\nménage, nettoyage, propreté\n");
        let m = t.find(&stems_of("entretien espaces verts"));
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].start, m[0].len), (1, 2));
        assert_eq!(m[0].alternatives[0].display, "paysagiste");
        let m = t.find(&stems_of("ménage"));
        let alts: Vec<&str> = m[0]
            .alternatives
            .iter()
            .map(|a| a.display.as_str())
            .collect();
        assert_eq!(alts, ["nettoyage", "propreté"]);
    }

    #[test]
    fn a_group_is_named_by_the_stems_only_its_expressions_have() {
        let t = Thesaurus::parse(
            "ménage, nettoyage\nnettoyage après travaux, nettoyage de chantier\ntravaux forestiers\n",
        );
        let m = t.find(&stems_of("nettoyage de chantier"));
        assert_eq!((m[0].len, m[0].groups.as_slice()), (2, &[1][..]));
        // « nettoyage » is the cleaning group's term; « travaux » is in another group's
        // expression only, not one of its terms.
        assert_eq!(
            t.specific_stems(1),
            stems_of("après chantier travaux").as_slice()
        );
        assert_eq!(t.group_expressions(1).count(), 2);
    }

    #[test]
    fn a_heading_starts_a_trade_family() {
        let t = Thesaurus::parse(
            "# The file's own comment\n\n# Espaces verts\ntonte, fauche\nfleurissement, massifs fleuris\n\n# Propreté\nménage, entretien des locaux # cleaning\n",
        );
        let st = |w: &str| stems_of(w).remove(0);
        // « tonte » and « massifs fleuris » are one family, cleaning another.
        assert!(t.section_says(0, &st("massifs")));
        assert!(!t.section_says(0, &st("entretien")));
        assert!(t.section_says(2, &st("entretien")));
        assert!(!t.section_says(2, &st("massifs")));
    }

    #[test]
    fn a_term_other_families_qualify_names_no_trade_alone() {
        let t = Thesaurus::parse(
            "# Bâtiment\nbricolage, petites réparations, réparations\nmaintenance des bâtiments\n\n# Véhicules\nvélos, réparation de vélos\n\n# Propreté\nménage, nettoyage\nnettoyage de vitres, lavage de vitres\n\n# Espaces verts\ntonte, fauche\n",
        );
        let st = |w: &str| stems_of(w).remove(0);
        // « réparations » is the handyman's term, but bicycles' « réparation de vélos »
        // starts with it too: it needs its complement to say the trade.
        assert!(t.is_term(&st("réparations")));
        assert!(!t.is_specific_term(&st("réparations")));
        // « nettoyage » heads an expression of its own family only; « tonte » none.
        assert!(t.is_specific_term(&st("nettoyage")));
        assert!(t.is_specific_term(&st("tonte")));
        // A word of expressions only is no term at all.
        assert!(!t.is_specific_term(&st("maintenance")));
    }

    #[test]
    fn embedded_thesaurus_is_substantial() {
        let t = Thesaurus::get();
        assert!(t.num_groups() >= 40, "{}", t.num_groups());
        let m = t.find(&stems_of("ménage"));
        assert!(m[0].alternatives.iter().any(|a| a.display == "nettoyage"));
    }

    /// The expressions the embedded thesaurus expands a text to.
    fn alternatives(text: &str) -> Vec<String> {
        Thesaurus::get()
            .find(&stems_of(text))
            .into_iter()
            .flat_map(|m| m.alternatives)
            .map(|a| a.display)
            .collect()
    }

    #[test]
    fn the_embedded_thesaurus_joins_a_trade_s_other_ways_of_saying_it() {
        // Each pair was a top-10 violation on held-out data (catalogue wording): the need and
        // the relevant activity named one trade in words the thesaurus did not join, so
        // another activity of the supplier was taken as the relevant one and its zone shown.
        let weee = alternatives("DEEE");
        assert!(
            weee.iter()
                .any(|a| a == "équipements électriques et électroniques"),
            "{weee:?}"
        );
        // « Passer en numérique » is digitising, not IT (« numérique » alone is).
        let digitising = alternatives("passer en numérique les registres");
        assert!(
            digitising.iter().any(|a| a == "numérisation"),
            "{digitising:?}"
        );
        assert!(
            !digitising.iter().any(|a| a == "informatique"),
            "{digitising:?}"
        );
        assert!(
            alternatives("numérique")
                .iter()
                .any(|a| a == "informatique")
        );
        // « Expédition » is shipping goods and sending mail: it names both trades.
        let sending = alternatives("expédition");
        assert!(
            sending.iter().any(|a| a == "préparation de commandes"),
            "{sending:?}"
        );
        assert!(sending.iter().any(|a| a == "mise sous pli"), "{sending:?}");
        // Rejections of the need's own trade for lack of evidence (catalogue wording).
        let clothing = alternatives("habillement des agents");
        assert!(
            clothing.iter().any(|a| a == "vêtements de travail"),
            "{clothing:?}"
        );
        let grounds = alternatives("maintenance des aires paysagères");
        assert!(grounds.iter().any(|a| a == "espaces verts"), "{grounds:?}");
        // « Prestations de bouche » are meals and an event's buffets alike.
        let food = alternatives("prestations de bouche pour les manifestations");
        assert!(food.iter().any(|a| a == "repas"), "{food:?}");
        assert!(food.iter().any(|a| a == "cocktail"), "{food:?}");
    }

    #[test]
    fn printing_is_an_action_and_posters_are_its_objects() {
        // « Tirage des affiches » asks for printing: a designer whose texts say « affiches »
        // (posters it designs) does not print them. Printed objects are synonyms of each
        // other, not of the printing they may be the object of.
        let printing = alternatives("tirage");
        assert!(printing.iter().any(|a| a == "impression"), "{printing:?}");
        assert!(!printing.iter().any(|a| a == "affiches"), "{printing:?}");
        let posters = alternatives("affiches");
        assert!(posters.iter().any(|a| a == "flyers"), "{posters:?}");
        assert!(!posters.iter().any(|a| a == "impression"), "{posters:?}");
    }

    #[test]
    fn outdoor_spaces_are_green_spaces_but_an_outside_is_not() {
        // "Espaces extérieurs" are a site's grounds. The thesaurus compares stems without
        // stop words, so it cannot tell the noun "les extérieurs" (grounds) from the
        // adjective ("entretien extérieur des véhicules"): matching names the grounds first
        // (`matching::text::with_grounds_named`), and the thesaurus keeps to the sure form.
        let t = Thesaurus::get();
        let green = |text: &str| {
            t.find(&stems_of(text))
                .iter()
                .any(|m| m.alternatives.iter().any(|a| a.display == "espaces verts"))
        };
        assert!(green("Entretien des espaces extérieurs"));
        for other in [
            "Peinture extérieure",
            "Entretien extérieur des véhicules",
            "Entretien extérieur des bâtiments",
        ] {
            assert!(!green(other), "{other}");
        }
    }

    #[test]
    fn snippet_marks_matched_words() {
        let text =
            "Nous assurons la tonte, l'élagage et la taille des haies pour les collectivités.";
        let wanted: HashSet<String> = stems_of("élagage tonte").into_iter().collect();
        let s = snippet("description", text, &wanted, 60).unwrap();
        let marked: Vec<&str> = s
            .highlights
            .iter()
            .map(|&(a, b)| &s.fragment[a..b])
            .collect();
        assert_eq!(marked, ["tonte", "élagage"]);
        assert!(s.to_html().contains("<mark>élagage</mark>"));
    }
}
