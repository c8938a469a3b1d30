//! Activity nomenclatures: NAF rév. 2 (INSEE) and CPV 2008 (EU), with parent chains and
//! children.
//!
//! Codes are accepted in their usual written forms (`8130Z` or `81.30Z`; `90911200` or
//! `90911200-8`) and always handed back in canonical form (`81.30Z`, `90911200-8`). The CPV
//! check digit is not computed by a published formula: the official list gives it for each
//! code, so "the check digit is right" means "it is the one the list gives".

use std::collections::HashMap;

use serde::Deserialize;

/// Level of a NAF code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NafLevel {
    Section = 1,
    Division = 2,
    Groupe = 3,
    Classe = 4,
    SousClasse = 5,
}

#[derive(Debug, Clone)]
pub struct NafCode {
    /// Canonical form: `A`, `81`, `81.3`, `81.30`, `81.30Z`.
    pub code: String,
    pub level: NafLevel,
    pub label_fr: String,
    pub parent: Option<String>,
    pub section: String,
}

/// A CPV main code.
#[derive(Debug, Clone)]
pub struct CpvCode {
    /// Canonical form with check digit: `90911200-8`.
    pub code: String,
    /// The eight digits: `90911200`.
    pub code8: String,
    /// Depth in the tree, 1 (division) to 7.
    pub level: u8,
    /// Parent's eight digits.
    pub parent8: Option<String>,
    /// `supplies`, `works` or `services`.
    pub kind: String,
    pub label_en: String,
    pub label_fr: Option<String>,
    /// In the eForms list of social and other specific services.
    pub social_service: bool,
}

impl CpvCode {
    /// French label when the official list has one, else the English label.
    pub fn label(&self) -> &str {
        self.label_fr.as_deref().unwrap_or(&self.label_en)
    }

    /// The significant prefix of the code: trailing zeros beyond the division dropped
    /// (`90911200` → `909112`, `45000000` → `45`). A code's descendants share this prefix.
    pub fn significant_prefix(&self) -> &str {
        significant_prefix(&self.code8)
    }

    /// Whether the code is a catch-all of its parent (« Miscellaneous business-related
    /// services », « Other services », « Services de santé divers »): it gathers trades
    /// that have nothing else in common, so it names none of them.
    pub fn is_catch_all(&self) -> bool {
        let en = self.label_en.to_lowercase();
        let fr = self.label_fr.as_deref().unwrap_or("").to_lowercase();
        en.starts_with("miscellaneous")
            || en.starts_with("other ")
            || fr
                .split_whitespace()
                .any(|w| w == "divers" || w == "diverses")
            || fr.starts_with("autres ")
    }
}

/// `90911200` → `909112`; never shorter than the two-digit division.
pub fn significant_prefix(code8: &str) -> &str {
    let trimmed = code8.trim_end_matches('0');
    if trimmed.len() < 2 {
        &code8[..2.min(code8.len())]
    } else {
        trimmed
    }
}

#[derive(Deserialize)]
struct NafRow {
    code: String,
    level: String,
    label_fr: String,
    parent: String,
    section: String,
}

#[derive(Deserialize)]
struct CpvRow {
    code: String,
    code8: String,
    level: u8,
    parent: String,
    kind: String,
    label_en: String,
    label_fr: String,
    eforms_social_service_cpv: String,
}

/// NAF rév. 2, all five levels.
pub struct Naf {
    codes: Vec<NafCode>,
    by_code: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

impl Naf {
    pub(crate) fn parse(csv_text: &str) -> Naf {
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let mut codes = Vec::new();
        for row in rdr.deserialize::<NafRow>() {
            let r = row.expect("embedded naf.csv is well-formed");
            let level = match r.level.as_str() {
                "section" => NafLevel::Section,
                "division" => NafLevel::Division,
                "groupe" => NafLevel::Groupe,
                "classe" => NafLevel::Classe,
                _ => NafLevel::SousClasse,
            };
            codes.push(NafCode {
                code: r.code,
                level,
                label_fr: r.label_fr,
                parent: (!r.parent.is_empty()).then_some(r.parent),
                section: r.section,
            });
        }
        let by_code: HashMap<String, usize> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in codes.iter().enumerate() {
            if let Some(p) = &c.parent {
                children.entry(p.clone()).or_default().push(i);
            }
        }
        Naf {
            codes,
            by_code,
            children,
        }
    }

    /// Canonical form of a NAF code as written by people or SIRENE: `8130Z`, `81.30z`,
    /// ` 81.30Z ` all give `81.30Z`. Does not check existence.
    pub fn canonical(code: &str) -> String {
        let t: String = code.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.to_ascii_uppercase();
        if t.contains('.') || t.len() <= 2 || !t[..2].bytes().all(|b| b.is_ascii_digit()) {
            return t;
        }
        format!("{}.{}", &t[..2], &t[2..])
    }

    /// Look a code up at any level, in any accepted form.
    pub fn get(&self, code: &str) -> Option<&NafCode> {
        self.by_code
            .get(&Naf::canonical(code))
            .map(|&i| &self.codes[i])
    }

    /// The code and its ancestors, from the code itself up to its section.
    pub fn ancestors(&self, code: &str) -> Vec<&NafCode> {
        let mut out = Vec::new();
        let mut cur = self.get(code);
        while let Some(c) = cur {
            out.push(c);
            cur = c.parent.as_deref().and_then(|p| self.get(p));
        }
        out
    }

    /// Direct children of a code.
    pub fn children(&self, code: &str) -> Vec<&NafCode> {
        self.children
            .get(&Naf::canonical(code))
            .map(|v| v.iter().map(|&i| &self.codes[i]).collect())
            .unwrap_or_default()
    }

    pub fn all(&self) -> &[NafCode] {
        &self.codes
    }

    /// Codes whose label or code contains the folded query (for lookups and pickers).
    pub fn search(&self, query: &str, limit: usize) -> Vec<&NafCode> {
        let q = crate::normalize::fold(query);
        let canon = Naf::canonical(query);
        let mut out: Vec<&NafCode> = self
            .codes
            .iter()
            .filter(|c| {
                c.code.starts_with(&canon) || crate::normalize::fold(&c.label_fr).contains(&q)
            })
            .collect();
        out.sort_by_key(|c| (!c.code.starts_with(&canon), std::cmp::Reverse(c.level)));
        out.truncate(limit);
        out
    }
}

/// CPV 2008 main vocabulary.
pub struct Cpv {
    codes: Vec<CpvCode>,
    by_code8: HashMap<String, usize>,
    children: HashMap<String, Vec<usize>>,
}

/// Why a CPV code was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpvError {
    Malformed,
    Unknown,
    BadCheckDigit,
}

impl CpvError {
    pub fn reason(self) -> &'static str {
        match self {
            CpvError::Malformed => "must be 8 digits, optionally followed by -D (check digit)",
            CpvError::Unknown => "unknown CPV code",
            CpvError::BadCheckDigit => "wrong CPV check digit",
        }
    }
}

impl Cpv {
    pub(crate) fn parse(csv_text: &str) -> Cpv {
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let mut codes = Vec::new();
        for row in rdr.deserialize::<CpvRow>() {
            let r = row.expect("embedded cpv.csv is well-formed");
            codes.push(CpvCode {
                parent8: (!r.parent.is_empty()).then(|| r.parent[..8].to_string()),
                code: r.code,
                code8: r.code8,
                level: r.level,
                kind: r.kind,
                label_en: r.label_en,
                label_fr: (!r.label_fr.is_empty()).then_some(r.label_fr),
                social_service: r.eforms_social_service_cpv == "1",
            });
        }
        let by_code8: HashMap<String, usize> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code8.clone(), i))
            .collect();
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in codes.iter().enumerate() {
            if let Some(p) = &c.parent8 {
                children.entry(p.clone()).or_default().push(i);
            }
        }
        Cpv {
            codes,
            by_code8,
            children,
        }
    }

    /// Parse and check a CPV code as written (`90911200` or `90911200-8`).
    pub fn resolve(&self, code: &str) -> Result<&CpvCode, CpvError> {
        let t = code.trim();
        let (digits, check) = match t.split_once('-') {
            Some((d, c)) => (d, Some(c)),
            None => (t, None),
        };
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CpvError::Malformed);
        }
        if let Some(c) = check
            && (c.len() != 1 || !c.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(CpvError::Malformed);
        }
        let entry = self
            .by_code8
            .get(digits)
            .map(|&i| &self.codes[i])
            .ok_or(CpvError::Unknown)?;
        if let Some(c) = check
            && !entry.code.ends_with(&format!("-{c}"))
        {
            return Err(CpvError::BadCheckDigit);
        }
        Ok(entry)
    }

    /// Look a code up without insisting on the check digit's presence (still checked when
    /// given).
    pub fn get(&self, code: &str) -> Option<&CpvCode> {
        self.resolve(code).ok()
    }

    /// The code and its ancestors up to the division.
    pub fn ancestors(&self, code: &str) -> Vec<&CpvCode> {
        let mut out = Vec::new();
        let mut cur = self.get(code);
        while let Some(c) = cur {
            out.push(c);
            cur = c
                .parent8
                .as_deref()
                .and_then(|p| self.by_code8.get(p))
                .map(|&i| &self.codes[i]);
        }
        out
    }

    /// Direct children.
    pub fn children(&self, code: &str) -> Vec<&CpvCode> {
        let Some(c) = self.get(code) else {
            return Vec::new();
        };
        self.children
            .get(&c.code8)
            .map(|v| v.iter().map(|&i| &self.codes[i]).collect())
            .unwrap_or_default()
    }

    /// All descendants (the code itself excluded), depth first.
    pub fn descendants(&self, code: &str) -> Vec<&CpvCode> {
        let mut out = Vec::new();
        let mut stack = self.children(code);
        while let Some(c) = stack.pop() {
            stack.extend(self.children(&c.code8));
            out.push(c);
        }
        out
    }

    pub fn all(&self) -> &[CpvCode] {
        &self.codes
    }

    /// Codes whose code starts with the query or whose label contains it (folded).
    pub fn search(&self, query: &str, limit: usize) -> Vec<&CpvCode> {
        let q = crate::normalize::fold(query);
        let digits: String = query.chars().filter(|c| c.is_ascii_digit()).collect();
        let mut out: Vec<&CpvCode> = self
            .codes
            .iter()
            .filter(|c| {
                (!digits.is_empty() && c.code8.starts_with(&digits))
                    || (!q.is_empty()
                        && (crate::normalize::fold(c.label()).contains(&q)
                            || crate::normalize::fold(&c.label_en).contains(&q)))
            })
            .collect();
        out.sort_by_key(|c| (c.level, c.code8.clone()));
        out.truncate(limit);
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::referential::Referential;

    use super::*;

    #[test]
    fn a_catch_all_code_is_told_by_its_label() {
        let r = Referential::get();
        let catch_all = |c: &str| r.cpv.resolve(c).unwrap().is_catch_all();
        assert!(catch_all("79990000"));
        assert!(catch_all("98390000"));
        assert!(catch_all("85140000"));
        assert!(!catch_all("79992000"));
        assert!(!catch_all("90910000"));
    }

    #[test]
    fn naf_accepts_both_written_forms() {
        let r = Referential::get();
        assert_eq!(r.naf.get("8130Z").unwrap().code, "81.30Z");
        assert_eq!(r.naf.get("81.30z").unwrap().code, "81.30Z");
        assert!(r.naf.get("81.30Y").is_none());
        assert_eq!(Naf::canonical("8810C"), "88.10C");
    }

    #[test]
    fn naf_parent_chain_goes_up_to_the_section() {
        let r = Referential::get();
        let chain: Vec<&str> = r
            .naf
            .ancestors("88.10C")
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(chain, ["88.10C", "88.10", "88.1", "88", "Q"]);
        assert!(r.naf.children("81.3").iter().any(|c| c.code == "81.30"));
    }

    #[test]
    fn cpv_accepts_code_with_or_without_check_digit() {
        let r = Referential::get();
        assert_eq!(r.cpv.resolve("90911200").unwrap().code, "90911200-8");
        assert_eq!(r.cpv.resolve("90911200-8").unwrap().code8, "90911200");
        assert_eq!(
            r.cpv.resolve("90911200-3").unwrap_err(),
            CpvError::BadCheckDigit
        );
        assert_eq!(r.cpv.resolve("99999999").unwrap_err(), CpvError::Unknown);
        assert_eq!(r.cpv.resolve("9091").unwrap_err(), CpvError::Malformed);
    }

    #[test]
    fn cpv_tree_navigation() {
        let r = Referential::get();
        let chain: Vec<&str> = r
            .cpv
            .ancestors("90911200")
            .iter()
            .map(|c| c.code8.as_str())
            .collect();
        assert_eq!(chain.first(), Some(&"90911200"));
        assert_eq!(chain.last(), Some(&"90000000"));
        assert!(
            r.cpv
                .descendants("90910000")
                .iter()
                .any(|c| c.code8 == "90911200")
        );
        assert_eq!(significant_prefix("90911200"), "909112");
        assert_eq!(significant_prefix("45000000"), "45");
    }
}
