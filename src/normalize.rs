//! Text folding shared by lookups and autocomplete: lowercase, accents removed, punctuation
//! turned into single spaces.
//!
//! This is for matching names ("saint etienne" finds "Saint-Étienne"), not the full-text
//! analysis of the search index (stemming, elision and stop words live in `index/`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase, strip diacritics, map `œ`/`æ` to `oe`/`ae`, and collapse every run of
/// non-alphanumeric characters into one space. Trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let lower = c.to_lowercase();
        for l in lower {
            match l {
                'œ' => push(&mut out, "oe", &mut pending_space),
                'æ' => push(&mut out, "ae", &mut pending_space),
                c if c.is_alphanumeric() => {
                    let mut buf = [0u8; 4];
                    push(&mut out, c.encode_utf8(&mut buf), &mut pending_space)
                }
                _ => pending_space = !out.is_empty(),
            }
        }
    }
    out
}

fn push(out: &mut String, s: &str, pending_space: &mut bool) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("  L'Haÿ-les-Roses "), "l hay les roses");
        assert_eq!(fold("ŒUVRE d’ART"), "oeuvre d art");
        assert_eq!(fold("Île-de-France"), "ile de france");
        assert_eq!(fold(""), "");
    }
}
