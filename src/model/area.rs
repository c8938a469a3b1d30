//! Area references used in zones and perimeters: `commune:31555`, `dept:31`, `region:76`,
//! `epci:243100518`.
//!
//! Only syntax lives here; whether the area exists is checked against the referential by
//! `model::validate`.

use std::fmt;

/// A parsed area reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Area {
    Commune(String),
    Dept(String),
    Region(String),
    Epci(String),
}

impl Area {
    /// Parse `kind:code`. Codes are upper-cased (`dept:2a` → `dept:2A`).
    pub fn parse(s: &str) -> Result<Area, &'static str> {
        let (kind, code) = s
            .trim()
            .split_once(':')
            .ok_or("must look like dept:31, region:76, commune:31555 or epci:243100518")?;
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("area code must be alphanumeric");
        }
        match kind.trim().to_ascii_lowercase().as_str() {
            "commune" => Ok(Area::Commune(code)),
            "dept" | "departement" => Ok(Area::Dept(code)),
            "region" => Ok(Area::Region(code)),
            "epci" => Ok(Area::Epci(code)),
            _ => Err("unknown area kind (expected commune, dept, region or epci)"),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Area::Commune(c) | Area::Dept(c) | Area::Region(c) | Area::Epci(c) => c,
        }
    }

    pub fn kind_str(&self) -> &'static str {
        match self {
            Area::Commune(_) => "commune",
            Area::Dept(_) => "dept",
            Area::Region(_) => "region",
            Area::Epci(_) => "epci",
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind_str(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_kinds() {
        assert_eq!(
            Area::parse("commune:31555"),
            Ok(Area::Commune("31555".into()))
        );
        assert_eq!(Area::parse("dept:2a"), Ok(Area::Dept("2A".into())));
        assert_eq!(Area::parse("region:76"), Ok(Area::Region("76".into())));
        assert_eq!(
            Area::parse("epci:243100518"),
            Ok(Area::Epci("243100518".into()))
        );
        assert_eq!(Area::parse("dept:31").unwrap().to_string(), "dept:31");
    }

    #[test]
    fn rejects_malformed_areas() {
        assert!(Area::parse("31").is_err());
        assert!(Area::parse("country:FR").is_err());
        assert!(Area::parse("dept:").is_err());
    }
}
