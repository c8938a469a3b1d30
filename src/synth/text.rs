//! Small French text helpers for the generators: prepositions with elision before city and
//! département names, capitalisation, template filling, and a few seeded pickers.
//!
//! Deliberately tiny and rule-based: this is not a grammar engine, only what the fixture
//! templates need so that generated text reads like real French (« d'Albi », « au Mans »,
//! « de la Haute-Garonne »).

use crate::util::Rng;

/// Whether a name starts with a vowel sound for elision purposes (`d'Albi`, `l'Hérault`).
fn starts_with_vowel(s: &str) -> bool {
    matches!(
        s.chars().next(),
        Some(
            'A' | 'E'
                | 'I'
                | 'O'
                | 'U'
                | 'Y'
                | 'É'
                | 'È'
                | 'Ê'
                | 'Î'
                | 'Ô'
                | 'Â'
                | 'a'
                | 'e'
                | 'i'
                | 'o'
                | 'u'
                | 'é'
        )
    )
}

/// « de » before a city name: `d'Albi`, `du Mans`, `des Sables-d'Olonne`, `de Toulouse`.
pub fn de_city(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("du {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("des {rest}")
    } else if starts_with_vowel(name) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// « à » before a city name: `à Albi`, `au Mans`, `aux Sables-d'Olonne`.
pub fn a_city(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("Le ") {
        format!("au {rest}")
    } else if let Some(rest) = name.strip_prefix("Les ") {
        format!("aux {rest}")
    } else {
        format!("à {name}")
    }
}

/// The « de » form of a département name, with its article: `du Tarn`, `de la Haute-Garonne`,
/// `de l'Hérault`, `des Landes`, `de Paris`.
pub fn de_dept(code: &str, name: &str) -> String {
    let form = match code {
        "01" | "02" | "03" | "07" | "09" | "10" | "11" | "12" | "27" | "34" | "36" | "38"
        | "60" | "61" | "89" | "91" => "de l'",
        "04" | "05" | "06" | "08" | "13" | "22" | "40" | "64" | "65" | "66" | "78" | "79"
        | "88" | "92" => "des ",
        "14" | "15" | "18" | "25" | "29" | "30" | "32" | "39" | "45" | "46" | "56" | "59"
        | "62" | "63" | "67" | "68" | "69" | "81" | "83" | "90" | "94" | "95" => "du ",
        "16" | "17" | "19" | "2A" | "2B" | "21" | "23" | "24" | "26" | "31" | "33" | "42"
        | "43" | "44" | "48" | "50" | "51" | "52" | "53" | "55" | "57" | "58" | "70" | "72"
        | "73" | "74" | "76" | "80" | "85" | "86" | "87" | "93" | "971" | "972" | "973" => "de la ",
        "28" | "35" | "37" => "d'",
        _ => "de ",
    };
    format!("{form}{name}")
}

/// « dans/en » form of a département: `dans le Tarn`, `en Haute-Garonne`, `dans l'Hérault`,
/// `dans les Landes`, `à Paris`.
pub fn in_dept(code: &str, name: &str) -> String {
    let de = de_dept(code, name);
    if let Some(rest) = de.strip_prefix("du ") {
        format!("dans le {rest}")
    } else if let Some(rest) = de.strip_prefix("de la ") {
        format!("en {rest}")
    } else if let Some(rest) = de.strip_prefix("de l'") {
        format!("dans l'{rest}")
    } else if let Some(rest) = de.strip_prefix("des ") {
        format!("dans les {rest}")
    } else if let Some(rest) = de.strip_prefix("d'") {
        format!("en {rest}")
    } else if code == "75" {
        "à Paris".to_string()
    } else if code == "974" || code == "976" {
        format!("à {name}")
    } else {
        format!("en {}", de.trim_start_matches("de "))
    }
}

/// « en/dans » form of a region: `en Occitanie`, `dans le Grand Est`, `à La Réunion`.
pub fn in_region(code: &str, name: &str) -> String {
    match code {
        "32" => "dans les Hauts-de-France".to_string(),
        "44" => "dans le Grand Est".to_string(),
        "52" => "dans les Pays de la Loire".to_string(),
        "04" => "à La Réunion".to_string(),
        "06" => "à Mayotte".to_string(),
        _ => format!("en {name}"),
    }
}

/// The display name of a commune: arrondissements lose their « Arrondissement » suffix
/// (`Paris 15e Arrondissement` → `Paris 15e`).
pub fn city_display(name: &str) -> &str {
    name.strip_suffix(" Arrondissement").unwrap_or(name)
}

/// First character upper-cased.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// First character lower-cased (for a noun phrase that continues a sentence).
pub fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Replace `{key}` placeholders with values; unknown placeholders are left as they are.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A plausible number for the `{n}` of a template, from the word that follows it
/// (`{n} hectares`, `{n} repas`, `{n} m²`…), with French thousands separators.
pub fn plausible_number(rng: &mut Rng, template: &str) -> String {
    let after = template.split_once("{n}").map(|(_, a)| a).unwrap_or("");
    let word = after
        .trim_start()
        .split([' ', '.', ',', ')'])
        .next()
        .unwrap_or("");
    let (lo, hi): (u64, u64) = match word {
        "hectares" => (2, 40),
        "m²" => (300, 12_000),
        "repas" => (80, 2_500),
        "kg" => (50, 1_500),
        "tonnes" => (2, 300),
        "plis" | "exemplaires" => (1_000, 60_000),
        "fois" => (2, 12),
        "interventions" => (6, 40),
        "mètres" => (20, 900),
        "sujets" => (40, 2_500),
        "agents" => (10, 450),
        "appels" => (30, 400),
        "postes" | "ordinateurs" => (10, 600),
        "véhicules" => (8, 180),
        "cycles" | "vélos" => (10, 300),
        "bornes" | "conteneurs" => (5, 120),
        "kits" | "trousses" => (100, 5_000),
        "stagiaires" => (20, 600),
        "pages" => (50, 2_000),
        "manifestations" | "prestations" => (5, 60),
        "logements" => (20, 900),
        "bâtiments" | "sites" => (3, 60),
        "blocs-portes" => (5, 120),
        "pièces" => (5, 200),
        "points" => (5, 40),
        "salles" => (3, 40),
        "fenêtres" => (10, 200),
        "platanes" => (10, 400),
        "registres" => (20, 800),
        "fauteuils" => (6, 80),
        "invités" => (60, 800),
        "exposants" => (20, 200),
        "démarches" => (5, 40),
        "cantines" => (3, 30),
        "tenues" => (20, 400),
        "visiteurs" => (20, 400),
        _ => (5, 100),
    };
    thousands(lo + rng.below(hi - lo + 1))
}

/// Fill the `{n}` of a template with a [`plausible_number`].
pub fn fill_number(rng: &mut Rng, template: &str) -> String {
    if !template.contains("{n}") {
        return template.to_string();
    }
    let n = plausible_number(rng, template);
    fill(template, &[("n", &n)])
}

/// A uniformly chosen string of a static list.
pub fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.index(items.len())]
}

/// `k` distinct elements (fewer when the slice is shorter), in random order.
pub fn pick_distinct<'a, T>(rng: &mut Rng, items: &'a [T], k: usize) -> Vec<&'a T> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    let k = k.min(items.len());
    for i in 0..k {
        let j = i + rng.index(items.len() - i);
        idx.swap(i, j);
    }
    idx[..k].iter().map(|&i| &items[i]).collect()
}

/// A short slug for e-mail addresses and web sites: ASCII letters and digits, words joined by
/// `-`, at most `max` characters.
pub fn slug(s: &str, max: usize) -> String {
    // French letters folded by hand: the generic Unicode folding is needlessly slow here.
    let mut folded = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => folded.push(c),
            'à' | 'â' | 'ä' | 'á' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' => folded.push('i'),
            'ô' | 'ö' | 'ó' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' => folded.push('y'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            _ => folded.push(' '),
        }
    }
    let mut out = String::with_capacity(max);
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        if out.len() + word.len() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out.push_str("structure");
    }
    out
}

/// Join a list the French way: `a, b et c`.
pub fn join_fr(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} et {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// Format a number with French thousands separators (narrow spaces): `12 500`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepositions_elide_and_contract() {
        assert_eq!(de_city("Albi"), "d'Albi");
        assert_eq!(de_city("Le Mans"), "du Mans");
        assert_eq!(de_city("Les Sables-d'Olonne"), "des Sables-d'Olonne");
        assert_eq!(de_city("Toulouse"), "de Toulouse");
        assert_eq!(a_city("Le Mans"), "au Mans");
        assert_eq!(de_dept("31", "Haute-Garonne"), "de la Haute-Garonne");
        assert_eq!(de_dept("34", "Hérault"), "de l'Hérault");
        assert_eq!(de_dept("40", "Landes"), "des Landes");
        assert_eq!(de_dept("81", "Tarn"), "du Tarn");
        assert_eq!(de_dept("35", "Ille-et-Vilaine"), "d'Ille-et-Vilaine");
        assert_eq!(in_dept("81", "Tarn"), "dans le Tarn");
        assert_eq!(in_dept("31", "Haute-Garonne"), "en Haute-Garonne");
        assert_eq!(in_dept("75", "Paris"), "à Paris");
        assert_eq!(in_dept("974", "La Réunion"), "à La Réunion");
        assert_eq!(in_region("76", "Occitanie"), "en Occitanie");
    }

    #[test]
    fn fill_replaces_known_placeholders_only() {
        assert_eq!(fill("a {x} b {y}", &[("x", "1")]), "a 1 b {y}");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    #[test]
    fn slug_is_ascii_and_bounded() {
        assert_eq!(slug("Les Jardins d'Albi", 30), "les-jardins-d-albi");
        assert!(slug("Établissement très long nom", 10).len() <= 10);
        assert_eq!(slug("Œuvre & Cœur – Ça", 40), "oeuvre-coeur-ca");
    }

    #[test]
    fn numbers_fit_their_unit() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let n: u64 = plausible_number(&mut rng, "{n} hectares de parcs")
                .replace('\u{202f}', "")
                .parse()
                .unwrap();
            assert!((2..=40).contains(&n));
            let n: u64 = plausible_number(&mut rng, "routage à {n} exemplaires.")
                .replace('\u{202f}', "")
                .parse()
                .unwrap();
            assert!(n >= 1000);
        }
    }

    #[test]
    fn thousands_uses_narrow_spaces() {
        assert_eq!(thousands(1_250_000), "1\u{202f}250\u{202f}000");
        assert_eq!(thousands(999), "999");
    }
}
