//! Identifier newtypes: SIRET, SIREN, need and event ids, with their check rules.
//!
//! SIREN (9 digits) and SIRET (14 digits = SIREN + NIC) carry a Luhn check digit, except La
//! Poste (SIREN 356000000), whose establishments use "sum of digits is a multiple of 5".
//! This module only checks form; whether the company exists is not its business.

use std::fmt;

use serde::{Deserialize, Serialize};

/// SIREN of La Poste, whose SIRETs do not follow the Luhn rule.
pub const LA_POSTE_SIREN: &str = "356000000";

/// Luhn check over a string of ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why a SIRET or SIREN string is not valid.
pub fn siret_error(s: &str) -> Option<&'static str> {
    if !all_digits(s, 14) {
        return Some("must be exactly 14 digits");
    }
    if &s[..9] == LA_POSTE_SIREN {
        let sum: u32 = s.bytes().map(|b| u32::from(b - b'0')).sum();
        if sum % 5 != 0 {
            return Some("bad check digit (La Poste rule: digit sum must be a multiple of 5)");
        }
        return None;
    }
    if !luhn_valid(s) {
        return Some("bad check digit (Luhn)");
    }
    None
}

/// Why a SIREN string is not valid.
pub fn siren_error(s: &str) -> Option<&'static str> {
    if !all_digits(s, 9) {
        return Some("must be exactly 9 digits");
    }
    if !luhn_valid(s) {
        return Some("bad check digit (Luhn)");
    }
    None
}

/// A valid SIRET (establishment id, 14 digits). Spaces are tolerated on input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Siret(String);

impl Siret {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        match siret_error(&compact) {
            None => Ok(Siret(compact)),
            Some(e) => Err(e),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SIREN of the enterprise this establishment belongs to.
    pub fn siren(&self) -> &str {
        &self.0[..9]
    }
}

impl<'de> Deserialize<'de> for Siret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Siret::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Siret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A valid SIREN (enterprise id, 9 digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Siren(String);

impl Siren {
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if compact == LA_POSTE_SIREN {
            return Ok(Siren(compact));
        }
        match siren_error(&compact) {
            None => Ok(Siren(compact)),
            Some(e) => Err(e),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Siren {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Siren::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Siren {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Complete a 13-digit SIRET prefix with the digit that makes it Luhn-valid (used by the
/// fixture generators; La Poste prefixes get their own rule).
pub fn complete_siret(prefix13: &str) -> String {
    debug_assert!(all_digits(prefix13, 13));
    for d in 0..10u8 {
        let candidate = format!("{prefix13}{d}");
        if siret_error(&candidate).is_none() {
            return candidate;
        }
    }
    unreachable!("one of ten check digits always satisfies Luhn or the La Poste rule")
}

/// Complete an 8-digit SIREN prefix with its Luhn check digit.
pub fn complete_siren(prefix8: &str) -> String {
    debug_assert!(all_digits(prefix8, 8));
    for d in 0..10u8 {
        let candidate = format!("{prefix8}{d}");
        if luhn_valid(&candidate) {
            return candidate;
        }
    }
    unreachable!("one of ten check digits always satisfies Luhn")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sirets_validate() {
        // INSEE's own SIRET, and a La Poste establishment that fails Luhn but passes its rule.
        assert!(siret_error("12002701600357").is_none());
        assert!(siret_error("35600000000015").is_none());
        assert!(!luhn_valid("35600000000015"));
    }

    #[test]
    fn malformed_sirets_are_rejected_with_reason() {
        assert_eq!(siret_error("1234"), Some("must be exactly 14 digits"));
        assert_eq!(
            siret_error("1200270160035a"),
            Some("must be exactly 14 digits")
        );
        assert_eq!(
            siret_error("12002701600358"),
            Some("bad check digit (Luhn)")
        );
        assert!(siret_error("35600000000016").unwrap().contains("La Poste"));
    }

    #[test]
    fn siret_parse_tolerates_spaces() {
        let s = Siret::parse("120 027 016 00357").unwrap();
        assert_eq!(s.as_str(), "12002701600357");
        assert_eq!(s.siren(), "120027016");
    }

    #[test]
    fn siren_rules() {
        assert!(siren_error("120027016").is_none());
        assert!(siren_error("120027017").is_some());
        assert!(Siren::parse(LA_POSTE_SIREN).is_ok());
        assert!(Siren::parse("12345").is_err());
    }

    #[test]
    fn completion_gives_valid_ids() {
        assert!(siret_error(&complete_siret("1200270160035")).is_none());
        assert!(siret_error(&complete_siret("3560000000004")).is_none());
        assert!(siren_error(&complete_siren("12002701")).is_none());
    }
}
