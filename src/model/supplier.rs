//! The supplier profile (one SSE establishment), exactly as in the contract, section 1.
//!
//! These are wire types: they (de)serialise the contract's JSON and reject unknown fields.
//! Checking values against the referentials and normalising codes is `model::validate`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::geo::GeoPoint;

fn is_false(b: &bool) -> bool {
    !*b
}

/// Structure type, from the contract's closed list.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
pub enum Kind {
    /// Entreprise d'insertion (SIAE).
    EI,
    /// Association intermédiaire (SIAE).
    AI,
    /// Atelier et chantier d'insertion (SIAE).
    ACI,
    /// Entreprise de travail temporaire d'insertion (SIAE).
    ETTI,
    /// Entreprise d'insertion par le travail indépendant (SIAE).
    EITI,
    /// Groupement d'employeurs pour l'insertion et la qualification.
    GEIQ,
    /// Entreprise adaptée.
    EA,
    /// Entreprise adaptée de travail temporaire.
    EATT,
    /// Établissement et service d'aide par le travail.
    ESAT,
    /// Structure équivalente (other member states' sheltered or inclusion structures).
    SEP,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::EI,
        Kind::AI,
        Kind::ACI,
        Kind::ETTI,
        Kind::EITI,
        Kind::GEIQ,
        Kind::EA,
        Kind::EATT,
        Kind::ESAT,
        Kind::SEP,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::EI => "EI",
            Kind::AI => "AI",
            Kind::ACI => "ACI",
            Kind::ETTI => "ETTI",
            Kind::EITI => "EITI",
            Kind::GEIQ => "GEIQ",
            Kind::EA => "EA",
            Kind::EATT => "EATT",
            Kind::ESAT => "ESAT",
            Kind::SEP => "SEP",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        let up = s.trim().to_ascii_uppercase();
        Kind::ALL.into_iter().find(|k| k.as_str() == up)
    }

    /// French label shown to people.
    pub fn label_fr(self) -> &'static str {
        match self {
            Kind::EI => "Entreprise d'insertion",
            Kind::AI => "Association intermédiaire",
            Kind::ACI => "Atelier et chantier d'insertion",
            Kind::ETTI => "Entreprise de travail temporaire d'insertion",
            Kind::EITI => "Entreprise d'insertion par le travail indépendant",
            Kind::GEIQ => "Groupement d'employeurs pour l'insertion et la qualification",
            Kind::EA => "Entreprise adaptée",
            Kind::EATT => "Entreprise adaptée de travail temporaire",
            Kind::ESAT => "Établissement et service d'aide par le travail",
            Kind::SEP => "Structure équivalente",
        }
    }

    /// Inclusion through economic activity (SIAE).
    pub fn is_siae(self) -> bool {
        matches!(
            self,
            Kind::EI | Kind::AI | Kind::ACI | Kind::ETTI | Kind::EITI
        )
    }

    /// Sheltered or adapted work for disabled workers.
    pub fn is_disability(self) -> bool {
        matches!(self, Kind::EA | Kind::EATT | Kind::ESAT)
    }

    /// Bit of this kind in a [`KindSet`].
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// What an activity delivers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Goods,
    Services,
    Staffing,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Goods, Mode::Services, Mode::Staffing];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Goods => "goods",
            Mode::Services => "services",
            Mode::Staffing => "staffing",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s.trim())
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            Mode::Goods => "fournitures",
            Mode::Services => "services",
            Mode::Staffing => "mise à disposition de personnel",
        }
    }
}

/// Something the supplier sells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// A past client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub client: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// Postal address; `commune` is the INSEE code and must exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postcode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    pub commune: String,
}

/// Where an activity is delivered. An empty zone (no field set) is invalid; an activity with
/// no zone at all serves the supplier's own département.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<bool>,
    /// Radius around the supplier's location, in kilometres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// `commune:31555`, `dept:31`, `region:76`, `epci:243100518`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub areas: Option<Vec<String>>,
}

impl Zone {
    pub fn is_national(&self) -> bool {
        self.national == Some(true)
    }
}

/// One line of business, with its CPV codes, modes and zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub cpv: Vec<String>,
    #[serde(default)]
    pub modes: Vec<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<Zone>,
}

/// Size and history; all numbers non-negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertion_employees: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turnover_eur: Option<f64>,
    /// Year the structure was founded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<i32>,
}

impl Capacity {
    pub fn is_empty(&self) -> bool {
        self == &Capacity::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

impl Contact {
    pub fn is_empty(&self) -> bool {
        self == &Contact::default()
    }
}

/// One SSE establishment's capability profile. `siret` is the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// 14 digits, Luhn-valid (La Poste: digit sum multiple of 5).
    pub siret: String,
    /// 1 to 200 characters.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default)]
    pub kinds: Vec<Kind>,
    #[serde(default)]
    pub ess: bool,
    #[serde(default)]
    pub esus: bool,
    /// INSEE catégorie juridique (4 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_form: Option<String>,
    /// NAF rév. 2 sous-classe, `81.30Z` (`8130Z` accepted and normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naf: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub offers: Vec<Offer>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub labels: Vec<String>,
    pub address: Address,
    /// WGS84; when absent, the commune's centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default, skip_serializing_if = "Capacity::is_empty")]
    pub capacity: Capacity,
    #[serde(default, skip_serializing_if = "Contact::is_empty")]
    pub contact: Contact,
    /// Kinds that were inferred from register data (legal form, NAF) rather than declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inferred_kinds: Vec<Kind>,
    /// The establishment has ceased (SIRENE `etatAdministratifEtablissement` = F): kept for
    /// history, never returned by search or matching.
    #[serde(default, skip_serializing_if = "is_false")]
    pub closed: bool,
    /// RFC 3339, set by the server on every write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl Supplier {
    /// The SIREN (first nine digits of the SIRET).
    pub fn siren(&self) -> &str {
        self.siret.get(..9).unwrap_or("")
    }

    /// Share of the optional profile sections that are filled, in [0, 1]. Used by ranking:
    /// a buyer learns more from a complete profile.
    pub fn completeness(&self) -> f64 {
        let checks = [
            self.description.chars().count() >= 80,
            !self.offers.is_empty(),
            !self.references.is_empty(),
            !self.activities.is_empty(),
            self.activities.iter().any(|a| !a.cpv.is_empty()),
            self.activities.iter().any(|a| a.zone.is_some()),
            self.capacity.employees.is_some(),
            self.capacity.turnover_eur.is_some(),
            self.contact.email.is_some() || self.contact.phone.is_some(),
            self.contact.website.is_some(),
            !self.labels.is_empty(),
            self.naf.is_some(),
        ];
        checks.iter().filter(|c| **c).count() as f64 / checks.len() as f64
    }

    /// All CPV codes over all activities.
    pub fn all_cpv(&self) -> impl Iterator<Item = &str> {
        self.activities
            .iter()
            .flat_map(|a| a.cpv.iter().map(String::as_str))
    }
}
