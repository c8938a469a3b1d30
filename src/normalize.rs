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
    if s.is_ascii() {
        fold_ascii(s)
    } else {
        fold_unicode(s)
    }
}

fn fold_unicode(s: &str) -> String {
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

/// [`fold`] of an ASCII text: no decomposition or diacritics to handle, same result.
fn fold_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(b.to_ascii_lowercase() as char);
        } else {
            pending_space = !out.is_empty();
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
    use super::{fold, fold_ascii, fold_unicode};

    #[test]
    fn the_ascii_fast_path_folds_like_the_general_one() {
        let mut rng = crate::util::Rng::new(7);
        for _ in 0..20_000 {
            let len = rng.below(24) as usize;
            let s: String = (0..len).map(|_| rng.below(128) as u8 as char).collect();
            assert_eq!(fold_ascii(&s), fold_unicode(&s), "{s:?}");
        }
    }

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("  L'Haÿ-les-Roses "), "l hay les roses");
        assert_eq!(fold("ŒUVRE d’ART"), "oeuvre d art");
        assert_eq!(fold("Île-de-France"), "ile de france");
        assert_eq!(fold(""), "");
    }
}
