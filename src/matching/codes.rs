//! Code evidence: how close a supplier's CPV and NAF codes are to a need's CPV codes.
//!
//! CPV codes form a tree written in their digits: division (2 digits), group (3), class (4),
//! category (5), then finer levels. A need's code matches supplier codes *below* it fully (a
//! need for `90910000` is answered by `90911200`), codes *above* it more weakly (a supplier
//! declaring the whole division `90000000` may or may not do window cleaning), and siblings by
//! the depth of their common prefix: same class > same group > same division — when they are
//! of one trade with the need code: a sibling in a catch-all class ("autres services" 9839:
//! relocation, tailoring, upholstering) is no closer than the same division
//! ([`CpvRelation::strength_between`]; the caller judges kinship from the corpus).
//!
//! Suppliers that declared only a NAF code are reached through a hand-curated CPV → NAF
//! correspondence (`fixtures/matching/cpv_naf.csv`). Administrative NAF codes — those that
//! describe the structure's status rather than its trade, such as 88.10C for an ESAT or
//! 78.30Z for an inclusion staffing structure — are never taken as evidence of a trade.
//! Pure: no IO.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::referential::codes::significant_prefix;

/// How a supplier code relates to a need code, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpvRelation {
    /// Same code.
    Exact,
    /// The supplier's code is below the need's (more specific).
    Narrower,
    /// Same class (first four digits).
    SameClass,
    /// The supplier's code is above the need's (more general).
    Broader,
    /// Same group (first three digits).
    SameGroup,
    /// Same division (first two digits).
    SameDivision,
}

impl CpvRelation {
    /// Strength of the evidence, in (0, 1].
    pub fn strength(self) -> f64 {
        match self {
            CpvRelation::Exact => 1.0,
            CpvRelation::Narrower => 0.95,
            CpvRelation::SameClass => 0.7,
            CpvRelation::Broader => 0.6,
            CpvRelation::SameGroup => 0.45,
            CpvRelation::SameDivision => 0.2,
        }
    }

    /// Strength of the evidence for need code `n`: [`strength`](Self::strength), except that
    /// a code *below* a coarse need code counts as much as sharing the need code's level: a
    /// need coded with a whole division (`90000000`: sewage, refuse, cleaning and
    /// environmental services) or group (`98300000`: miscellaneous services) names a family
    /// of trades, not the trade, and a supplier anywhere under it is no closer to it than a
    /// sibling of that level. So below a division 0.2 (as the same division), below a group
    /// 0.45 (as the same group), below a class 0.7 (as the same class); below a category or
    /// finer code 0.95. Otherwise every supplier of the family would get the evidence of an
    /// exact code and the words that say the trade could no longer rank them.
    pub fn strength_for(self, n: &str) -> f64 {
        if self != CpvRelation::Narrower {
            return self.strength();
        }
        match significant_prefix(code8(n)).len() {
            0..=2 => CpvRelation::SameDivision.strength(),
            3 => CpvRelation::SameGroup.strength(),
            4 => CpvRelation::SameClass.strength(),
            _ => self.strength(),
        }
    }

    /// Strength of the evidence for need code `n` of a supplier code that is `akin` to it or
    /// not: [`strength_for`](Self::strength_for), except that a *sibling* (same class or
    /// same group) that is not of one trade with the need code (the caller judges it from the
    /// corpus's co-declarations, `MatchPlan::sibling_akin`) counts only as the same division. CPV
    /// classes and groups are often catch-alls ("autres services" 9839: relocation,
    /// tailoring, upholstering): a sibling code there says a neighbouring line of the
    /// nomenclature, not a neighbouring trade.
    pub fn strength_between(self, n: &str, akin: bool) -> f64 {
        let st = self.strength_for(n);
        if matches!(self, CpvRelation::SameClass | CpvRelation::SameGroup) && !akin {
            st.min(CpvRelation::SameDivision.strength())
        } else {
            st
        }
    }

    /// French qualifier for explanations: « CPV 77310000 (exact) ».
    pub fn label_fr(self) -> &'static str {
        match self {
            CpvRelation::Exact => "exact",
            CpvRelation::Narrower => "plus précis",
            CpvRelation::SameClass => "même classe",
            CpvRelation::Broader => "plus général",
            CpvRelation::SameGroup => "même groupe",
            CpvRelation::SameDivision => "même division",
        }
    }
}

/// The eight digits of a CPV code written either way (`90911200-8` → `90911200`).
pub fn code8(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

/// How supplier code `s` relates to need code `n` (both 8-digit or canonical forms), or
/// `None` when they do not share a division.
pub fn cpv_relation(n: &str, s: &str) -> Option<CpvRelation> {
    let (n, s) = (code8(n), code8(s));
    if n.len() != 8 || s.len() != 8 {
        return None;
    }
    if n == s {
        return Some(CpvRelation::Exact);
    }
    let (np, sp) = (significant_prefix(n), significant_prefix(s));
    if sp.starts_with(np) {
        return Some(CpvRelation::Narrower);
    }
    if np.starts_with(sp) {
        // A division-level declaration is too coarse to say much.
        return Some(if sp.len() <= 2 {
            CpvRelation::SameDivision
        } else {
            CpvRelation::Broader
        });
    }
    let common = n.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count();
    match common {
        c if c >= 4 => Some(CpvRelation::SameClass),
        3 => Some(CpvRelation::SameGroup),
        2 => Some(CpvRelation::SameDivision),
        _ => None,
    }
}

/// The best relation between any need code and any supplier code, with the supplier code.
pub fn best_cpv_match<'a>(
    need: &[String],
    supplier: impl IntoIterator<Item = &'a str>,
) -> Option<(CpvRelation, &'a str, usize)> {
    let mut best: Option<(CpvRelation, &'a str, usize)> = None;
    for s in supplier {
        for (i, n) in need.iter().enumerate() {
            if let Some(rel) = cpv_relation(n, s)
                && best.is_none_or(|(b, _, _)| rel < b)
            {
                best = Some((rel, s, i));
            }
        }
    }
    best
}

/// NAF sous-classes that describe a structure's status or support function rather than a
/// trade a buyer purchases: never evidence that a supplier does the need's work.
pub const ADMINISTRATIVE_NAF: &[&str] = &[
    "88.10A", // aide à domicile (often the registration of social structures)
    "88.10B", // accueil ou accompagnement sans hébergement d'adultes handicapés
    "88.10C", // aide par le travail (ESAT)
    "88.99A", // autre accueil ou accompagnement sans hébergement d'enfants et d'adolescents
    "88.99B", // action sociale sans hébergement n.c.a. (ACI and many associations)
    "78.10Z", // agences de placement
    "78.20Z", // travail temporaire (ETTI) — the trade is the staff's work, not staffing
    "78.30Z", // autre mise à disposition de ressources humaines (AI, GEIQ)
    "94.99Z", // autres organisations fonctionnant par adhésion volontaire
    "94.11Z", // organisations patronales et consulaires
    "70.10Z", // activités des sièges sociaux
    "64.20Z", // activités des sociétés holding
    "84.11Z", // administration publique générale
];

/// Whether a NAF code is administrative (see [`ADMINISTRATIVE_NAF`]).
pub fn is_administrative_naf(naf: &str) -> bool {
    ADMINISTRATIVE_NAF.contains(&naf)
}

const CPV_NAF_CSV: &str = include_str!("../../fixtures/matching/cpv_naf.csv");

fn cpv_naf_table() -> &'static HashMap<String, Vec<&'static str>> {
    static TABLE: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<String, Vec<&'static str>> = HashMap::new();
        for line in CPV_NAF_CSV.lines().skip(1) {
            let mut parts = line.splitn(3, ',');
            let (Some(prefix), Some(naf)) = (parts.next(), parts.next()) else {
                continue;
            };
            let v = t.entry(prefix.to_string()).or_default();
            if !v.contains(&naf) {
                v.push(naf);
            }
        }
        t
    })
}

/// The NAF sous-classes that correspond to a CPV code: those listed for its longest matching
/// prefix in the correspondence table, and for shorter prefixes too (a class inherits its
/// group's codes). Administrative codes never appear.
pub fn naf_for_cpv(cpv: &str) -> Vec<&'static str> {
    let digits = code8(cpv);
    let table = cpv_naf_table();
    let mut out: Vec<&'static str> = Vec::new();
    for len in (2..=digits.len()).rev() {
        if let Some(nafs) = table.get(&digits[..len]) {
            for n in nafs {
                if !out.contains(n) && !is_administrative_naf(n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

/// NAF codes that correspond to any of the need's CPV codes. For a need whose codes are
/// broad (a division such as `90000000`), the codes of the table entries under it count too.
pub fn naf_for_need(cpv: &[String]) -> Vec<&'static str> {
    let table = cpv_naf_table();
    let mut out: Vec<&'static str> = Vec::new();
    for c in cpv {
        let mut add = |n: &'static str| {
            if !out.contains(&n) && !is_administrative_naf(n) {
                out.push(n);
            }
        };
        for n in naf_for_cpv(c) {
            add(n);
        }
        let sig = significant_prefix(code8(c));
        for (prefix, nafs) in table {
            if prefix.starts_with(sig) && prefix.len() > sig.len() {
                for n in nafs {
                    add(n);
                }
            }
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relation_depth_orders_exact_class_group_division() {
        assert_eq!(
            cpv_relation("77310000-6", "77310000"),
            Some(CpvRelation::Exact)
        );
        assert_eq!(
            cpv_relation("90910000", "90911200-8"),
            Some(CpvRelation::Narrower)
        );
        assert_eq!(
            cpv_relation("90911200", "90910000"),
            Some(CpvRelation::Broader)
        );
        assert_eq!(
            cpv_relation("77311000", "77314000"),
            Some(CpvRelation::SameClass)
        );
        assert_eq!(
            cpv_relation("77310000", "77340000"),
            Some(CpvRelation::SameGroup)
        );
        assert_eq!(
            cpv_relation("77310000", "77200000"),
            Some(CpvRelation::SameDivision)
        );
        assert_eq!(cpv_relation("77310000", "90911200"), None);
        assert!(CpvRelation::Exact.strength() > CpvRelation::SameClass.strength());
        assert!(CpvRelation::SameClass.strength() > CpvRelation::SameGroup.strength());
        assert!(CpvRelation::SameGroup.strength() > CpvRelation::SameDivision.strength());
        // Below a coarse need code, as close as that level's siblings.
        let n = CpvRelation::Narrower;
        assert_eq!(n.strength_for("90000000-7"), 0.2);
        assert_eq!(n.strength_for("98300000-6"), 0.45);
        assert_eq!(n.strength_for("90910000-9"), 0.7);
        assert_eq!(n.strength_for("90911000-6"), 0.95);
        assert_eq!(CpvRelation::Exact.strength_for("90000000-7"), 1.0);
    }

    #[test]
    fn a_sibling_of_another_trade_counts_only_as_the_same_division() {
        // "Autres services": relocation beside tailoring, nobody's trade together.
        let rel = cpv_relation("98392000-7", "98393000").unwrap();
        assert_eq!(rel, CpvRelation::SameClass);
        assert_eq!(rel.strength_between("98392000-7", true), 0.7);
        assert_eq!(rel.strength_between("98392000-7", false), 0.2);
        let group = cpv_relation("45442100", "45421000").unwrap();
        assert_eq!(group.strength_between("45442100", false), 0.2);
        assert_eq!(group.strength_between("45442100", true), 0.45);
        // Only siblings are judged: the need's own branch keeps its strength.
        for (n, s) in [
            ("98392000", "98392000"),
            ("90910000", "90911200"),
            ("90911200", "90910000"),
        ] {
            let rel = cpv_relation(n, s).unwrap();
            assert_eq!(rel.strength_between(n, false), rel.strength_for(n));
        }
    }

    #[test]
    fn a_division_level_declaration_is_weak_evidence() {
        assert_eq!(
            cpv_relation("90911200", "90000000"),
            Some(CpvRelation::SameDivision)
        );
    }

    #[test]
    fn best_match_picks_the_strongest_pair() {
        let need = vec!["77310000-6".to_string(), "90911200-8".to_string()];
        let got = best_cpv_match(&need, ["90910000-9", "77311000-3"]);
        assert_eq!(got, Some((CpvRelation::Narrower, "77311000-3", 0)));
    }

    #[test]
    fn cpv_maps_to_trade_naf_but_never_to_administrative_codes() {
        assert!(naf_for_cpv("77310000").contains(&"81.30Z"));
        assert!(naf_for_cpv("90911200").contains(&"81.21Z"));
        assert!(naf_for_cpv("98310000").contains(&"96.01A"));
        let staffing = naf_for_cpv("79620000");
        assert!(!staffing.contains(&"78.30Z") && !staffing.contains(&"78.20Z"));
        assert!(is_administrative_naf("88.10C"));
        assert!(!is_administrative_naf("81.30Z"));
    }

    #[test]
    fn a_broad_need_code_reaches_the_naf_codes_below_it() {
        let nafs = naf_for_need(&["90900000".to_string()]);
        assert!(
            nafs.contains(&"81.21Z") && nafs.contains(&"81.22Z"),
            "{nafs:?}"
        );
    }
}
