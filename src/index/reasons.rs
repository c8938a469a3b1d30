//! French explanations of why a supplier matched: « mots : tonte, élagage »,
//! « CPV 77310000 », « à 12 km », « intervient dans le Tarn (81) ».
//!
//! Only wording lives here (with the articles French place names take); what matched is
//! decided by `index/facts.rs` and `index/text.rs`. No IO.

use crate::model::area::Area;
use crate::referential::Referential;

use super::facts::{CpvRelation, LocatedMatch, ServesMatch, ServesRule};
use super::text::{MatchKind, MatchedTerm};

/// A distance the French way: `3,4 km` under 10 km, `12 km` above.
pub fn km(d: f64) -> String {
    if d < 10.0 {
        format!("{d:.1} km").replace('.', ",")
    } else {
        format!("{d:.0} km")
    }
}

/// « à 12 km ».
pub fn distance(d: f64) -> String {
    format!("à {}", km(d))
}

/// « mots : tonte, élagage (≈ élaguer), ménage → nettoyage ».
pub fn words(terms: &[MatchedTerm]) -> Option<String> {
    let words: Vec<String> = terms
        .iter()
        .filter(|t| t.kind != MatchKind::Code)
        .map(|t| match t.kind {
            MatchKind::Exact => t.query.clone(),
            MatchKind::Synonym => format!("{} → {}", t.query, t.matched),
            MatchKind::Typo => format!("{} (≈ {})", t.query, t.matched),
            MatchKind::Prefix => format!("{} ({})", t.query, t.matched),
            MatchKind::Code => unreachable!("filtered above"),
        })
        .collect();
    (!words.is_empty()).then(|| format!("mots : {}", words.join(", ")))
}

/// « code 9091 » for codes typed in the text.
pub fn codes(terms: &[MatchedTerm]) -> Option<String> {
    let codes: Vec<&str> = terms
        .iter()
        .filter(|t| t.kind == MatchKind::Code)
        .map(|t| t.query.as_str())
        .collect();
    (!codes.is_empty()).then(|| format!("code {}", codes.join(", ")))
}

/// « CPV 77310000 » or « CPV 77300000 (code plus général) ».
pub fn cpv(code8: u64, rel: CpvRelation) -> String {
    match rel {
        CpvRelation::Below => format!("CPV {code8:08}"),
        CpvRelation::Above => format!("CPV {code8:08} (code plus général)"),
    }
}

/// The article and preposition a département takes: « dans le Tarn », « en Haute-Garonne » is
/// also said but « dans la Haute-Garonne » is always right.
fn dept_phrase(code: &str, name: &str) -> String {
    const FEMININE: &[&str] = &[
        "16", "17", "19", "2A", "2B", "21", "23", "24", "26", "31", "33", "42", "43", "44", "48",
        "50", "51", "52", "53", "54", "55", "57", "58", "70", "71", "72", "73", "74", "76", "77",
        "80", "85", "86", "87", "93", "971", "972", "973", "987", "988",
    ];
    const PLURAL: &[&str] = &[
        "04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92", "986",
    ];
    const BARE: &[&str] = &["75", "974", "975", "976", "977", "978", "984", "989"];
    let starts_vowel = code == "34"
        || name
            .chars()
            .next()
            .is_some_and(|c| "AEIOUYÉÈÊÎÔaeiouy".contains(c));
    if BARE.contains(&code) {
        format!("à {name} ({code})")
    } else if PLURAL.contains(&code) {
        format!("dans les {name} ({code})")
    } else if starts_vowel {
        format!("dans l'{name} ({code})")
    } else if FEMININE.contains(&code) {
        format!("dans la {name} ({code})")
    } else {
        format!("dans le {name} ({code})")
    }
}

fn region_phrase(code: &str, name: &str) -> String {
    match code {
        "32" | "52" => format!("dans les {name} ({code})"),
        "44" => format!("dans le {name} ({code})"),
        "04" | "06" | "975" | "977" | "978" | "984" | "989" => format!("à {name} ({code})"),
        _ => format!("en {name} ({code})"),
    }
}

/// « dans le Tarn (81) », « en Occitanie (76) », « à Albi (81004) », « sur le territoire de
/// CA de l'Albigeois ».
pub fn in_area(r: &Referential, area: &Area) -> String {
    match area {
        Area::Dept(d) => match r.departement(d) {
            Some(dep) => dept_phrase(&dep.code, &dep.name),
            None => format!("dans le département {d}"),
        },
        Area::Region(c) => match r.region(c) {
            Some(reg) => region_phrase(&reg.code, &reg.name),
            None => format!("dans la région {c}"),
        },
        Area::Commune(_) => format!("à {}", r.area_label(area)),
        Area::Epci(_) => format!("sur le territoire de {}", r.area_label(area)),
    }
}

/// « intervient dans le Tarn (81) », « intervient dans un rayon de 50 km (à 12 km) »…
pub fn serves(r: &Referential, m: &ServesMatch, activity_label: Option<&str>) -> String {
    let base = match &m.rule {
        ServesRule::National => "intervient dans toute la France".to_string(),
        ServesRule::Area { area } => format!("intervient {}", in_area(r, area)),
        ServesRule::Radius {
            radius_km,
            distance_km,
        } => {
            format!(
                "intervient dans un rayon de {} ({})",
                km(*radius_km),
                distance(*distance_km)
            )
        }
        ServesRule::OwnDepartement { area } => format!(
            "intervient dans son département, {}",
            in_area(r, area).replacen("dans ", "", 1)
        ),
    };
    match activity_label {
        Some(l) if m.relevant => format!("{base} pour « {l} »"),
        _ => base,
    }
}

/// « situé à 12 km », « situé dans le Tarn (81) ».
pub fn located(r: &Referential, m: &LocatedMatch) -> String {
    match m {
        LocatedMatch::Within { distance_km } => format!("situé {}", distance(*distance_km)),
        LocatedMatch::InArea { area } => format!("situé {}", in_area(r, area)),
        LocatedMatch::National => "situé en France".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_use_a_french_decimal_comma() {
        assert_eq!(distance(3.44), "à 3,4 km");
        assert_eq!(distance(12.4), "à 12 km");
    }

    #[test]
    fn departements_take_their_article() {
        let r = Referential::get();
        assert_eq!(in_area(r, &Area::Dept("81".into())), "dans le Tarn (81)");
        assert_eq!(
            in_area(r, &Area::Dept("31".into())),
            "dans la Haute-Garonne (31)"
        );
        assert_eq!(in_area(r, &Area::Dept("34".into())), "dans l'Hérault (34)");
        assert_eq!(
            in_area(r, &Area::Dept("13".into())),
            "dans les Bouches-du-Rhône (13)"
        );
        assert_eq!(in_area(r, &Area::Region("76".into())), "en Occitanie (76)");
        assert_eq!(in_area(r, &Area::Commune("81004".into())), "à Albi (81004)");
    }

    #[test]
    fn serves_reason_names_the_area() {
        let r = Referential::get();
        let m = ServesMatch {
            activity: Some(0),
            relevant: false,
            rule: ServesRule::Area {
                area: Area::Dept("81".into()),
            },
        };
        assert_eq!(serves(r, &m, None), "intervient dans le Tarn (81)");
        let m = ServesMatch {
            activity: None,
            relevant: false,
            rule: ServesRule::OwnDepartement {
                area: Area::Dept("81".into()),
            },
        };
        assert_eq!(
            serves(r, &m, None),
            "intervient dans son département, le Tarn (81)"
        );
    }
}
