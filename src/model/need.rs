//! The buyer need, exactly as in the contract, section 2, and the reserved-contract routes.
//!
//! Wire types only; validation against the referentials is `model::validate`, the legal
//! eligibility rule is `model::eligibility`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::supplier::Mode;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Legal route of a reserved contract (Code de la commande publique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Reserved {
    /// Reserved to EA, EATT and ESAT (disabled workers).
    #[serde(rename = "L2113-12")]
    L2113_12,
    /// Reserved to SIAE: EI, AI, ACI, ETTI, EITI.
    #[serde(rename = "L2113-13")]
    L2113_13,
    /// Reserved to either of the two above.
    #[serde(rename = "L2113-12-13")]
    L2113_12_13,
    /// Reserved to equivalent structures (SEP).
    #[serde(rename = "L2113-13-1")]
    L2113_13_1,
    /// Reserved to ESS companies or ESUS-approved companies.
    #[serde(rename = "L2113-15")]
    L2113_15,
}

impl Reserved {
    pub const ALL: [Reserved; 5] = [
        Reserved::L2113_12,
        Reserved::L2113_13,
        Reserved::L2113_12_13,
        Reserved::L2113_13_1,
        Reserved::L2113_15,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reserved::L2113_12 => "L2113-12",
            Reserved::L2113_13 => "L2113-13",
            Reserved::L2113_12_13 => "L2113-12-13",
            Reserved::L2113_13_1 => "L2113-13-1",
            Reserved::L2113_15 => "L2113-15",
        }
    }

    pub fn parse(s: &str) -> Option<Reserved> {
        let t = s.trim().to_ascii_uppercase();
        Reserved::ALL.into_iter().find(|r| r.as_str() == t)
    }

    /// French description of who may bid.
    pub fn label_fr(self) -> &'static str {
        match self {
            Reserved::L2113_12 => "réservé aux EA, EATT et ESAT",
            Reserved::L2113_13 => "réservé aux SIAE",
            Reserved::L2113_12_13 => "réservé aux EA, ESAT et SIAE",
            Reserved::L2113_13_1 => "réservé aux structures équivalentes",
            Reserved::L2113_15 => "réservé aux entreprises de l'ESS",
        }
    }
}

/// The public buyer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Buyer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
}

/// Where the contract is performed: either `commune` or `lat` + `lon`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Place {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// Optional widening of the place: exactly one of `radius_km`, `areas`, `national`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Perimeter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<bool>,
}

/// A buyer's need. `id` is the key, generated when absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Need {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub buyer: Buyer,
    pub title: String,
    /// French free text; may be a pasted tender notice.
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub cpv: Vec<String>,
    pub place: Place,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perimeter: Option<Perimeter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved: Option<Reserved>,
    #[serde(default)]
    pub social_clause: bool,
    #[serde(default)]
    pub modes: Vec<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_eur: Option<f64>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// A closed need no longer appears in reverse matching.
    #[serde(default, skip_serializing_if = "is_false")]
    pub closed: bool,
    /// RFC 3339, set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// RFC 3339, set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}
