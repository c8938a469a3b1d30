//! A generator of SIRENE-format test files: `StockUniteLegale_utf8.csv`,
//! `StockEtablissement_utf8.csv` and the geolocation file
//! `GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv`, with the real INSEE
//! column names (from `fixtures/referential/sirene_columns.csv`), in several vintages of
//! column order.
//!
//! The population is realistic in shape: SSE units (associations, including insertion and
//! intermediary associations, cooperatives, mutuals, foundations, SSE companies, ESAT run by
//! associations) among many non-SSE ones (individual entrepreneurs, SARL, SAS, public ESAT);
//! real communes weighted by population, with Paris/Lyon/Marseille arrondissement codes and
//! the overseas départements; ceased units and establishments; units under partial diffusion
//! (`[ND]` names and addresses); establishments abroad; activities in an older nomenclature;
//! names with commas and quotes; coordinates in the row's projection in the stock file
//! (Lambert-93, or the overseas UTM zone) and in the geolocation file (with a per-row `epsg`),
//! some only projected, some missing, a few garbage. A few establishments of SSE units are
//! under partial diffusion although the real register reserves that to natural persons: they
//! exercise the importer's rules on kept rows.
//!
//! **Determinism:** each unit draws from its own generator seeded by (seed, index), so the
//! same seed gives the same bytes, and every epoch of a seed describes the same population.
//! **Epochs:** `epoch` 0 is the base register; later epochs are later monthly files of the
//! same population in which some establishments cease, units are renamed or lose their SSE
//! flag, streets are renumbered, activities change and new establishments open (all decided
//! at epoch 0).
//! Rows are written as they are generated (three buffered writers), so memory stays flat at
//! any size. What this module does not do: supplier profiles or buyer needs (the other
//! generators in `synth/`).

use std::borrow::Cow;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{Error, Result};
use crate::import::sirene::proj::Projection;
use crate::model::GeoPoint;
use crate::model::ids::{complete_siren, complete_siret};
use crate::referential::{Commune, CommuneKind, Referential};
use crate::util::Rng;

/// File names, as INSEE publishes them.
pub const UNITS_FILE: &str = "StockUniteLegale_utf8.csv";
pub const ESTABLISHMENTS_FILE: &str = "StockEtablissement_utf8.csv";
pub const GEO_FILE: &str = "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv";

const COLUMNS_CSV: &str = include_str!("../../fixtures/referential/sirene_columns.csv");

/// Column layout of the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Vintage {
    /// Before NAF 2025: the stock columns without `activitePrincipaleNAF25…`; geolocation
    /// with `plg_qp`.
    V2021,
    /// With the NAF 2025 columns; geolocation with `plg_qp24`.
    V2025,
    /// The 2025 columns in an order drawn from the seed (read-by-name stress test).
    Shuffled,
}

impl Vintage {
    pub fn parse(s: &str) -> Option<Vintage> {
        match s.trim().to_ascii_lowercase().as_str() {
            "2021" | "v2021" => Some(Vintage::V2021),
            "2025" | "v2025" => Some(Vintage::V2025),
            "shuffled" => Some(Vintage::Shuffled),
            _ => None,
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SireneSynthOptions {
    /// Number of legal units (establishments are about twice as many).
    pub units: usize,
    pub seed: u64,
    /// 0 for the base register, 1, 2… for later files of the same population.
    pub epoch: u32,
    pub vintage: Vintage,
}

impl Default for SireneSynthOptions {
    fn default() -> Self {
        SireneSynthOptions {
            units: 1000,
            seed: 1,
            epoch: 0,
            vintage: Vintage::V2025,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SireneSynthStats {
    pub units: u64,
    pub sse_units: u64,
    pub establishments: u64,
    pub active_establishments: u64,
    pub geo_rows: u64,
    pub hidden_establishments: u64,
    pub overseas_establishments: u64,
    pub units_path: PathBuf,
    pub establishments_path: PathBuf,
    pub geo_path: PathBuf,
}

// ---------------------------------------------------------------------------------------
// Word lists.

const FIRST_NAMES: &[&str] = &[
    "MARIE", "JEAN", "PIERRE", "SOPHIE", "NICOLAS", "ISABELLE", "KARIM", "FATIMA", "LUC",
    "CAMILLE", "THOMAS", "JULIE", "MOHAMED", "NATHALIE", "ERIC", "AMINATA", "HELENE", "YANN",
];
const LAST_NAMES: &[&str] = &[
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY",
    "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "N'DIAYE", "LE GALL", "PAYET",
    "HOARAU",
];
const ASSOCIATION_STEMS: &[&str] = &[
    "LES PAPILLONS BLANCS",
    "LE RELAIS",
    "ENTRAIDE ET PARTAGE",
    "LES JARDINS DE COCAGNE",
    "ACCUEIL ET SOLIDARITE",
    "ENVIE",
    "EMMAUS",
    "LA RESSOURCERIE",
    "AIDE A DOMICILE EN MILIEU RURAL",
    "SPORT POUR TOUS",
    "CULTURE ET LOISIRS",
    "REGIE DE QUARTIER",
    "INSERTION ET DEVELOPPEMENT",
    "TREMPLIN",
    "LE PONT",
    "ARC EN CIEL",
    "ADAPEI",
    "LA CLE DES CHAMPS",
    "LES AMIS DE LA NATURE",
    "SOLIDARITE PAYSANS",
    "MAISON DES JEUNES ET DE LA CULTURE",
];
const ESAT_STEMS: &[&str] = &[
    "LES ATELIERS",
    "DU VAL",
    "LA FERME",
    "LES ERABLES",
    "LE MOULIN",
    "HORIZONS",
    "LES TROIS CHENES",
];
const TRADES: &[&str] = &[
    "MENUISERIE",
    "ELECTRICITE",
    "IMPRIMERIE",
    "INFORMATIQUE",
    "BATIMENT",
    "TRANSPORTS",
    "BOULANGERIE",
    "GARAGE",
    "CONSEIL",
    "PAYSAGE",
    "NETTOYAGE",
    "TRAITEUR",
];
const STREETS: &[&str] = &[
    "DE LA REPUBLIQUE",
    "JEAN JAURES",
    "DU GENERAL DE GAULLE",
    "VICTOR HUGO",
    "DES ECOLES",
    "DE LA GARE",
    "PASTEUR",
    "DU 8 MAI 1945",
    "DES TILLEULS",
    "DE L'EGLISE",
    "DU MOULIN",
    "DES ARTISANS",
    "JULES FERRY",
    "DU STADE",
    "DE LA LIBERTE",
    "DES LILAS",
];
const STREET_TYPES: &[(&str, f64)] = &[
    ("RUE", 45.0),
    ("AV", 12.0),
    ("BD", 6.0),
    ("CHE", 8.0),
    ("PL", 5.0),
    ("RTE", 8.0),
    ("ALL", 4.0),
    ("IMP", 4.0),
    ("QUAI", 1.0),
    ("ZI", 3.0),
    ("LD", 2.0),
    ("", 2.0),
];
const EFFECTIFS: &[&str] = &[
    "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Association,
    InsertionAssociation,
    IntermediaryAssociation,
    PublicUtilityAssociation,
    LocalLawAssociation,
    Scop,
    ScopSa,
    Mutual,
    Foundation,
    SseCompany,
    PublicEsat,
    Individual,
    Sarl,
    Sas,
}

const UNIT_KINDS: &[(UnitKind, f64)] = &[
    (UnitKind::Association, 30.0),
    (UnitKind::InsertionAssociation, 1.5),
    (UnitKind::IntermediaryAssociation, 1.0),
    (UnitKind::PublicUtilityAssociation, 1.0),
    (UnitKind::LocalLawAssociation, 0.5),
    (UnitKind::Scop, 1.5),
    (UnitKind::ScopSa, 0.7),
    (UnitKind::Mutual, 0.3),
    (UnitKind::Foundation, 0.5),
    (UnitKind::SseCompany, 1.0),
    (UnitKind::PublicEsat, 0.4),
    (UnitKind::Individual, 28.0),
    (UnitKind::Sarl, 18.0),
    (UnitKind::Sas, 15.0),
];

impl UnitKind {
    fn legal_form(self) -> &'static str {
        match self {
            UnitKind::Association => "9220",
            UnitKind::InsertionAssociation => "9221",
            UnitKind::IntermediaryAssociation => "9222",
            UnitKind::PublicUtilityAssociation => "9230",
            UnitKind::LocalLawAssociation => "9260",
            UnitKind::Scop => "5458",
            UnitKind::ScopSa => "5558",
            UnitKind::Mutual => "8210",
            UnitKind::Foundation => "9300",
            UnitKind::SseCompany | UnitKind::Sas => "5710",
            UnitKind::PublicEsat => "7366",
            UnitKind::Individual => "1000",
            UnitKind::Sarl => "5499",
        }
    }

    fn sse(self) -> bool {
        !matches!(
            self,
            UnitKind::PublicEsat | UnitKind::Individual | UnitKind::Sarl | UnitKind::Sas
        )
    }

    fn activities(self) -> &'static [&'static str] {
        match self {
            UnitKind::Association
            | UnitKind::PublicUtilityAssociation
            | UnitKind::LocalLawAssociation => &[
                "88.99B", "94.99Z", "88.10C", "85.59A", "93.12Z", "81.30Z", "38.11Z", "56.10A",
                "87.30A", "88.91A",
            ],
            UnitKind::InsertionAssociation => &["81.30Z", "88.99B", "38.32Z", "01.13Z", "10.71C"],
            UnitKind::IntermediaryAssociation => &["78.30Z"],
            UnitKind::Scop | UnitKind::ScopSa => {
                &["43.21A", "62.01Z", "71.12B", "41.20A", "16.23Z", "49.32Z"]
            }
            UnitKind::Mutual => &["65.12Z", "86.90E"],
            UnitKind::Foundation => &["88.99B", "94.99Z", "87.30A"],
            UnitKind::SseCompany => &["78.20Z", "38.11Z", "81.21Z", "55.20Z"],
            UnitKind::PublicEsat => &["87.20A"],
            UnitKind::Individual => &["43.22A", "47.11B", "96.02A", "62.02A", "86.90E", "01.13Z"],
            UnitKind::Sarl | UnitKind::Sas => &[
                "47.11F", "56.10A", "62.01Z", "41.20A", "78.20Z", "43.21A", "81.21Z",
            ],
        }
    }
}

// ---------------------------------------------------------------------------------------
// The population plan of one unit, drawn once for every epoch.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coords {
    /// Stock Lambert columns and a geolocation row with WGS84 and projected columns.
    Full,
    /// A geolocation row with only the projected columns (and its epsg); stock Lambert too.
    GeoProjectedOnly,
    /// Only the stock Lambert columns.
    StockOnly,
    /// No coordinates anywhere.
    Missing,
    /// Nonsense stock coordinates and no geolocation row.
    Garbage,
}

struct EstabPlan {
    nic: String,
    siret: String,
    siege: bool,
    commune: &'static Commune,
    postcode: String,
    point: Option<GeoPoint>,
    coords: Coords,
    hidden: bool,
    abroad: bool,
    ceased_at_start: bool,
    cease_epoch: Option<u32>,
    appear_epoch: u32,
    numero: u32,
    renumber: Option<(u32, u32)>,
    indice: &'static str,
    type_voie: &'static str,
    street: &'static str,
    complement: &'static str,
    usual_name: Option<String>,
    naf: &'static str,
    naf_change: Option<(u32, &'static str)>,
    old_nomenclature: bool,
    created: String,
    effectif: &'static str,
}

struct UnitPlan {
    siren: String,
    kind: UnitKind,
    ess: &'static str,
    /// The register withdraws the SSE flag from this epoch on.
    ess_lost_epoch: Option<u32>,
    hidden: bool,
    ceased_at_start: bool,
    cease_epoch: Option<u32>,
    denomination: Option<String>,
    rename: Option<(u32, String)>,
    person: Option<(&'static str, &'static str, &'static str)>,
    sigle: Option<String>,
    naf: &'static str,
    created: String,
    effectif: &'static str,
    association_id: Option<String>,
    establishments: Vec<EstabPlan>,
}

fn upper_ascii(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

/// SIRENE's postal label of a commune: `PARIS 7` for an arrondissement, the folded
/// capitalised name otherwise.
fn sirene_city(r: &Referential, c: &Commune) -> String {
    if c.kind == CommuneKind::Arrondissement
        && let Some(city) = r.communes.get(c.parent.as_deref().unwrap_or_default())
    {
        let n: u32 = c.code[2..].parse().unwrap_or(0) % 100;
        return format!("{} {n}", upper_ascii(&city.name));
    }
    upper_ascii(&c.name)
}

/// Communes SIRENE uses, with cumulative weights (population; overseas boosted so that
/// small files still have some).
struct CommunePicker {
    communes: Vec<&'static Commune>,
    cumulative: Vec<f64>,
}

impl CommunePicker {
    fn new(r: &'static Referential) -> CommunePicker {
        let mut communes = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for c in r.communes.all() {
            // Cities split into arrondissements are registered by arrondissement; no SIRENE
            // establishments in the Pacific collectivities.
            if matches!(c.code.as_str(), "75056" | "69123" | "13055") || c.dept.starts_with("98") {
                continue;
            }
            let boost = if c.dept.len() == 3 { 4.0 } else { 1.0 };
            total += f64::from(c.population.max(50)) * boost;
            communes.push(c);
            cumulative.push(total);
        }
        CommunePicker {
            communes,
            cumulative,
        }
    }

    fn pick(&self, rng: &mut Rng) -> &'static Commune {
        let x = rng.f64() * self.cumulative.last().copied().unwrap_or(0.0);
        let i = self
            .cumulative
            .partition_point(|&w| w <= x)
            .min(self.communes.len() - 1);
        self.communes[i]
    }
}

fn date(rng: &mut Rng, from_year: i64, to_year: i64) -> String {
    format!(
        "{}-{:02}-{:02}",
        rng.range_i64(from_year, to_year),
        rng.range_i64(1, 12),
        rng.range_i64(1, 28)
    )
}

fn unit_rng(seed: u64, index: u64) -> Rng {
    Rng::new(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03)
            ^ 0x5349_5245_4E45,
    )
}

fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let w: Vec<f64> = items.iter().map(|x| x.1).collect();
    items[rng.weighted(&w)].0
}

fn plan_unit(seed: u64, index: u64, picker: &CommunePicker, r: &'static Referential) -> UnitPlan {
    let mut rng = unit_rng(seed, index);
    let kind = weighted(&mut rng, UNIT_KINDS);
    let siren = complete_siren(&format!("{:08}", 30_000_000 + index));
    let sse = kind.sse();
    let ess = if sse {
        if rng.chance(0.03) { "N" } else { "O" }
    } else if rng.chance(0.05) {
        ""
    } else {
        "N"
    };
    let hidden = kind == UnitKind::Individual && rng.chance(0.15);
    let ceased_at_start = rng.chance(0.15);
    let cease_epoch = (!ceased_at_start && rng.chance(0.03)).then(|| 1 + rng.below(2) as u32);
    let home = picker.pick(&mut rng);
    let city = sirene_city(r, home);
    let person = (kind == UnitKind::Individual).then(|| {
        (
            *rng.pick(FIRST_NAMES),
            *rng.pick(LAST_NAMES),
            if rng.chance(0.5) { "M" } else { "F" },
        )
    });
    let mut denomination = match kind {
        UnitKind::Individual => None,
        UnitKind::Association
        | UnitKind::PublicUtilityAssociation
        | UnitKind::LocalLawAssociation
        | UnitKind::InsertionAssociation
        | UnitKind::IntermediaryAssociation => {
            let prefix = *rng.pick(&["ASSOCIATION ", "ASS ", ""]);
            Some(format!("{prefix}{} {city}", rng.pick(ASSOCIATION_STEMS)))
        }
        UnitKind::Scop | UnitKind::ScopSa => Some(format!(
            "{} {} SCOP",
            rng.pick(TRADES),
            rng.pick(LAST_NAMES)
        )),
        UnitKind::Mutual => Some(format!("MUTUELLE {city}")),
        UnitKind::Foundation => Some(format!("FONDATION {}", rng.pick(LAST_NAMES))),
        UnitKind::SseCompany => Some(format!("{} SOLIDAIRE {city}", rng.pick(TRADES))),
        UnitKind::PublicEsat => Some(format!("ETABLISSEMENT PUBLIC MEDICO-SOCIAL {city}")),
        UnitKind::Sarl | UnitKind::Sas => {
            Some(format!("{} {}", rng.pick(TRADES), rng.pick(LAST_NAMES)))
        }
    };
    // Names with the CSV separator and quotes inside.
    if sse && rng.chance(0.05) {
        denomination = Some(format!(
            "ASSOCIATION \"{}\", ANTENNE DE {city}",
            rng.pick(ASSOCIATION_STEMS)
        ));
    }
    let rename = (denomination.is_some() && rng.chance(0.05)).then(|| {
        (
            1 + rng.below(2) as u32,
            format!("{} {}", rng.pick(ASSOCIATION_STEMS), city),
        )
    });
    let sigle = (sse && rng.chance(0.2)).then(|| format!("A{}", rng.below(1000)));
    let naf = *rng.pick(kind.activities());
    let created = date(&mut rng, 1950, 2024);
    let effectif = *rng.pick(EFFECTIFS);
    let association_id = matches!(
        kind,
        UnitKind::Association
            | UnitKind::InsertionAssociation
            | UnitKind::IntermediaryAssociation
            | UnitKind::PublicUtilityAssociation
            | UnitKind::LocalLawAssociation
    )
    .then(|| format!("W{:09}", rng.below(1_000_000_000)));

    let n = match rng.f64() {
        x if x < 0.75 => 1,
        x if x < 0.88 => 2,
        x if x < 0.95 => rng.range_i64(3, 5) as usize,
        x if x < 0.99 => rng.range_i64(6, 15) as usize,
        _ => rng.range_i64(16, 40) as usize,
    };
    // New establishments open in later epochs.
    let extra = usize::from(rng.chance(0.05));
    let mut establishments = Vec::with_capacity(n + extra);
    for k in 0..n + extra {
        let nic4 = format!("{:04}", k + 1);
        let siret = complete_siret(&format!("{siren}{nic4}"));
        let nic = siret[9..].to_string();
        let siege = k == 0;
        let commune = if siege || rng.chance(0.5) {
            home
        } else {
            picker.pick(&mut rng)
        };
        let postcode = if commune.postcodes.is_empty() {
            format!("{}000", &commune.dept[..2])
        } else {
            rng.pick(&commune.postcodes).clone()
        };
        let point = r.communes.centre(commune).map(|c| {
            let lat = (c.lat + rng.normal() * 0.006).clamp(-89.0, 89.0);
            let lon = c.lon + rng.normal() * 0.006 / lat.to_radians().cos();
            GeoPoint { lat, lon }
        });
        let coords = match rng.f64() {
            x if x < 0.80 => Coords::Full,
            x if x < 0.86 => Coords::GeoProjectedOnly,
            x if x < 0.92 => Coords::StockOnly,
            x if x < 0.98 => Coords::Missing,
            _ => Coords::Garbage,
        };
        let est_hidden = hidden || (sse && rng.chance(0.02));
        let abroad = sse && !siege && rng.chance(0.01);
        let ceased_here = !siege && rng.chance(0.25);
        let est_cease = (!ceased_here && rng.chance(0.08)).then(|| 1 + rng.below(2) as u32);
        let appear_epoch = if k >= n { 1 + rng.below(2) as u32 } else { 0 };
        let numero = rng.range_i64(1, 250) as u32;
        let renumber = rng
            .chance(0.05)
            .then(|| (1 + rng.below(2) as u32, rng.range_i64(251, 400) as u32));
        let indice = if rng.chance(0.05) {
            *rng.pick(&["B", "T"])
        } else {
            ""
        };
        let type_voie = weighted(&mut rng, STREET_TYPES);
        let street = *rng.pick(STREETS);
        let complement = if rng.chance(0.1) {
            *rng.pick(&["BATIMENT A", "ZONE ARTISANALE DES PRES", "CHEZ M. MARTIN"])
        } else {
            ""
        };
        let usual_name = rng.chance(0.2).then(|| match kind {
            UnitKind::Association | UnitKind::PublicUtilityAssociation if rng.chance(0.5) => {
                format!("ESAT {} {}", rng.pick(ESAT_STEMS), sirene_city(r, commune))
            }
            _ => format!("{} {}", rng.pick(TRADES), sirene_city(r, commune)),
        });
        let naf = if kind == UnitKind::PublicEsat
            || (usual_name
                .as_deref()
                .is_some_and(|u| u.starts_with("ESAT ")))
        {
            "88.10C"
        } else {
            naf
        };
        let naf_change = rng
            .chance(0.03)
            .then(|| (1 + rng.below(2) as u32, *rng.pick(kind.activities())));
        let old_nomenclature = ceased_here && rng.chance(0.1);
        let created = date(&mut rng, 1970, 2024);
        let effectif = *rng.pick(EFFECTIFS);
        establishments.push(EstabPlan {
            nic,
            siret,
            siege,
            commune,
            postcode,
            point,
            coords,
            hidden: est_hidden,
            abroad,
            ceased_at_start: ceased_here,
            cease_epoch: est_cease,
            appear_epoch,
            numero,
            renumber,
            indice,
            type_voie,
            street,
            complement,
            usual_name,
            naf,
            naf_change,
            old_nomenclature,
            created,
            effectif,
        });
    }
    let ess_lost_epoch = (ess == "O" && rng.chance(0.02)).then(|| 1 + rng.below(2) as u32);
    UnitPlan {
        siren,
        kind,
        ess,
        ess_lost_epoch,
        hidden,
        ceased_at_start,
        cease_epoch,
        denomination,
        rename,
        person,
        sigle,
        naf,
        created,
        effectif,
        association_id,
        establishments,
    }
}

// ---------------------------------------------------------------------------------------
// Rows of one epoch.

/// One row of the units file, by field.
struct UnitRow<'a> {
    p: &'a UnitPlan,
    epoch: u32,
}

/// One row of the establishments file, by field.
struct EstabRow<'a> {
    u: &'a UnitPlan,
    e: &'a EstabPlan,
    epoch: u32,
    x: String,
    y: String,
}

/// One row of the geolocation file.
struct GeoRow<'a> {
    e: &'a EstabPlan,
    x: String,
    y: String,
    epsg: String,
    lat: String,
    lon: String,
}

const ND: &str = "[ND]";

impl UnitRow<'_> {
    fn ceased(&self) -> bool {
        self.p.ceased_at_start || self.p.cease_epoch.is_some_and(|e| e <= self.epoch)
    }

    fn denomination(&self) -> Option<&str> {
        match &self.p.rename {
            Some((e, n)) if *e <= self.epoch => Some(n),
            _ => self.p.denomination.as_deref(),
        }
    }

    fn person(&self, i: usize) -> Cow<'_, str> {
        match self.p.person {
            None => Cow::Borrowed(""),
            Some(_) if self.p.hidden => Cow::Borrowed(ND),
            Some(p) => Cow::Borrowed(match i {
                0 => p.0,
                1 => p.1,
                _ => p.2,
            }),
        }
    }

    fn date_traitement(&self) -> String {
        format!("2025-{:02}-01T03:12:45", 1 + self.epoch % 12)
    }
}

impl EstabRow<'_> {
    fn ceased(&self) -> bool {
        let unit = UnitRow {
            p: self.u,
            epoch: self.epoch,
        };
        unit.ceased()
            || self.e.ceased_at_start
            || self.e.cease_epoch.is_some_and(|c| c <= self.epoch)
    }

    fn hidden_or<'s>(&self, v: impl Into<Cow<'s, str>>) -> Cow<'s, str> {
        if self.e.hidden {
            Cow::Borrowed(ND)
        } else {
            v.into()
        }
    }

    fn numero(&self) -> u32 {
        match self.e.renumber {
            Some((ep, n)) if ep <= self.epoch => n,
            _ => self.e.numero,
        }
    }

    fn naf(&self) -> &'static str {
        if self.e.old_nomenclature {
            return "85.3K";
        }
        match self.e.naf_change {
            Some((ep, n)) if ep <= self.epoch && self.e.naf != "88.10C" => n,
            _ => self.e.naf,
        }
    }
}

type UnitGetter = for<'a, 'b> fn(&'a UnitRow<'b>) -> Cow<'a, str>;
type EstabGetter = for<'a, 'b> fn(&'a EstabRow<'b>) -> Cow<'a, str>;
type GeoGetter = for<'a, 'b> fn(&'a GeoRow<'b>) -> Cow<'a, str>;

fn b(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

fn unit_getter(name: &str) -> UnitGetter {
    match name {
        "siren" => |r| b(&r.p.siren),
        "statutDiffusionUniteLegale" => |r| b(if r.p.hidden { "P" } else { "O" }),
        "dateCreationUniteLegale" => |r| b(&r.p.created),
        "sigleUniteLegale" => |r| b(r.p.sigle.as_deref().unwrap_or("")),
        "sexeUniteLegale" => |r| r.person(2),
        "prenom1UniteLegale" | "prenomUsuelUniteLegale" => |r| r.person(0),
        "nomUniteLegale" => |r| r.person(1),
        "identifiantAssociationUniteLegale" => |r| b(r.p.association_id.as_deref().unwrap_or("")),
        "trancheEffectifsUniteLegale" => |r| b(r.p.effectif),
        "anneeEffectifsUniteLegale" => |r| b(if r.p.effectif == "NN" { "" } else { "2023" }),
        "dateDernierTraitementUniteLegale" => |r| Cow::Owned(r.date_traitement()),
        "nombrePeriodesUniteLegale" => |r| b(if r.p.rename.is_some() { "2" } else { "1" }),
        "categorieEntreprise" => |r| {
            b(if r.p.kind == UnitKind::Individual {
                ""
            } else {
                "PME"
            })
        },
        "anneeCategorieEntreprise" => |r| {
            b(if r.p.kind == UnitKind::Individual {
                ""
            } else {
                "2022"
            })
        },
        "dateDebut" => |r| b(&r.p.created),
        "etatAdministratifUniteLegale" => |r| b(if r.ceased() { "C" } else { "A" }),
        "denominationUniteLegale" => |r| b(r.denomination().unwrap_or("")),
        "categorieJuridiqueUniteLegale" => |r| b(r.p.kind.legal_form()),
        "activitePrincipaleUniteLegale" | "activitePrincipaleNAF25UniteLegale" => |r| b(r.p.naf),
        "nomenclatureActivitePrincipaleUniteLegale" => |_| b("NAFRev2"),
        "nicSiegeUniteLegale" => |r| {
            b(r.p
                .establishments
                .first()
                .map(|e| e.nic.as_str())
                .unwrap_or(""))
        },
        "economieSocialeSolidaireUniteLegale" => |r| {
            b(if r.p.ess_lost_epoch.is_some_and(|e| e <= r.epoch) {
                "N"
            } else {
                r.p.ess
            })
        },
        "societeMissionUniteLegale" => |r| {
            b(if r.p.kind == UnitKind::SseCompany {
                "O"
            } else {
                "N"
            })
        },
        "caractereEmployeurUniteLegale" => |r| b(if r.p.effectif == "NN" { "N" } else { "O" }),
        "unitePurgeeUniteLegale" => |_| b(""),
        _ => |_| b(""),
    }
}

fn estab_getter(name: &str) -> EstabGetter {
    match name {
        "siren" => |r| b(&r.u.siren),
        "nic" => |r| b(&r.e.nic),
        "siret" => |r| b(&r.e.siret),
        "statutDiffusionEtablissement" => |r| b(if r.e.hidden { "P" } else { "O" }),
        "dateCreationEtablissement" | "dateDebut" => |r| b(&r.e.created),
        "trancheEffectifsEtablissement" => |r| b(r.e.effectif),
        "anneeEffectifsEtablissement" => |r| b(if r.e.effectif == "NN" { "" } else { "2023" }),
        "dateDernierTraitementEtablissement" => |r| {
            Cow::Owned(
                UnitRow {
                    p: r.u,
                    epoch: r.epoch,
                }
                .date_traitement(),
            )
        },
        "etablissementSiege" => |r| b(if r.e.siege { "true" } else { "false" }),
        "nombrePeriodesEtablissement" => |_| b("1"),
        "complementAdresseEtablissement" => {
            |r| r.hidden_or(if r.e.abroad { "" } else { r.e.complement })
        }
        "numeroVoieEtablissement" => |r| {
            if r.e.abroad {
                b("")
            } else {
                r.hidden_or(r.numero().to_string())
            }
        },
        "indiceRepetitionEtablissement" => |r| {
            if r.e.abroad || r.e.indice.is_empty() {
                b("")
            } else {
                r.hidden_or(r.e.indice)
            }
        },
        "typeVoieEtablissement" => |r| {
            if r.e.abroad {
                b("")
            } else {
                r.hidden_or(r.e.type_voie)
            }
        },
        "libelleVoieEtablissement" => |r| {
            if r.e.abroad {
                b("UNTER DEN LINDEN")
            } else {
                r.hidden_or(r.e.street)
            }
        },
        "codePostalEtablissement" => |r| b(if r.e.abroad { "" } else { &r.e.postcode }),
        "libelleCommuneEtablissement" => |r| {
            if r.e.abroad {
                b("")
            } else {
                Cow::Owned(sirene_city(Referential::get(), r.e.commune))
            }
        },
        "libelleCommuneEtrangerEtablissement" => |r| b(if r.e.abroad { "BERLIN" } else { "" }),
        "codeCommuneEtablissement" => |r| b(if r.e.abroad { "" } else { &r.e.commune.code }),
        "codePaysEtrangerEtablissement" => |r| b(if r.e.abroad { "99109" } else { "" }),
        "libellePaysEtrangerEtablissement" => |r| b(if r.e.abroad { "ALLEMAGNE" } else { "" }),
        "coordonneeLambertAbscisseEtablissement" => |r| b(&r.x),
        "coordonneeLambertOrdonneeEtablissement" => |r| b(&r.y),
        "etatAdministratifEtablissement" => |r| b(if r.ceased() { "F" } else { "A" }),
        "enseigne1Etablissement" => |r| match &r.e.usual_name {
            Some(n) if !n.starts_with("ESAT ") => r.hidden_or(n.as_str()),
            _ => b(""),
        },
        "denominationUsuelleEtablissement" => |r| match &r.e.usual_name {
            Some(n) if n.starts_with("ESAT ") => b(n),
            _ => b(""),
        },
        "activitePrincipaleEtablissement" | "activitePrincipaleNAF25Etablissement" => {
            |r| b(r.naf())
        }
        "nomenclatureActivitePrincipaleEtablissement" => |r| {
            b(if r.e.old_nomenclature {
                "NAFRev1"
            } else {
                "NAFRev2"
            })
        },
        "caractereEmployeurEtablissement" => |r| b(if r.e.effectif == "NN" { "N" } else { "O" }),
        _ => |_| b(""),
    }
}

fn geo_getter(name: &str) -> GeoGetter {
    match name {
        "siret" => |r| b(&r.e.siret),
        "x" => |r| b(&r.x),
        "y" => |r| b(&r.y),
        "qualite_xy" => |_| b("11"),
        "epsg" => |r| b(&r.epsg),
        "plg_code_commune" => |r| b(&r.e.commune.code),
        "distance_precision" => |_| b("0"),
        "qualite_qp" | "qualite_iris" | "qualite_zus" | "qualite_qva" => |_| b("1"),
        "y_latitude" => |r| b(&r.lat),
        "x_longitude" => |r| b(&r.lon),
        _ => |_| b(""),
    }
}

/// The column names of a file, in the real INSEE order.
fn real_columns(file: &str) -> Vec<String> {
    let mut rows: Vec<(u32, String)> = csv::Reader::from_reader(COLUMNS_CSV.as_bytes())
        .records()
        .filter_map(|r| r.ok())
        .filter(|r| r.get(0) == Some(file))
        .filter_map(|r| Some((r.get(1)?.parse().ok()?, r.get(2)?.to_string())))
        .collect();
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| r.1).collect()
}

fn layout(file: &str, vintage: Vintage, seed: u64) -> Vec<String> {
    let mut cols = real_columns(file);
    match vintage {
        Vintage::V2021 => cols.retain(|c| !c.contains("NAF25") && c != "plg_qp24"),
        Vintage::V2025 | Vintage::Shuffled => {
            for c in cols.iter_mut() {
                if c == "plg_qp" {
                    *c = "plg_qp24".into();
                }
            }
        }
    }
    if vintage == Vintage::Shuffled {
        Rng::derive(seed, file).shuffle(&mut cols);
    }
    cols
}

fn writer(path: &Path, delimiter: u8) -> Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).map_err(|e| {
        Error::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })?;
    Ok(csv::WriterBuilder::new()
        .delimiter(delimiter)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(BufWriter::with_capacity(1 << 17, file)))
}

fn csv_err(e: csv::Error) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}

fn write_row<'r>(
    w: &mut csv::Writer<BufWriter<File>>,
    cells: impl Iterator<Item = Cow<'r, str>>,
) -> Result<()> {
    w.write_record(cells.map(|c| c.into_owned()))
        .map_err(csv_err)
}

/// Generate the three files in `out_dir` (created if needed).
pub fn generate(opts: &SireneSynthOptions, out_dir: &Path) -> Result<SireneSynthStats> {
    std::fs::create_dir_all(out_dir)?;
    let r = Referential::get();
    let picker = CommunePicker::new(r);
    let mut stats = SireneSynthStats {
        units_path: out_dir.join(UNITS_FILE),
        establishments_path: out_dir.join(ESTABLISHMENTS_FILE),
        geo_path: out_dir.join(GEO_FILE),
        ..SireneSynthStats::default()
    };
    let unit_cols = layout("StockUniteLegale", opts.vintage, opts.seed);
    let estab_cols = layout("StockEtablissement", opts.vintage, opts.seed);
    let geo_cols = layout(
        "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques",
        opts.vintage,
        opts.seed,
    );
    let unit_get: Vec<UnitGetter> = unit_cols.iter().map(|c| unit_getter(c)).collect();
    let estab_get: Vec<EstabGetter> = estab_cols.iter().map(|c| estab_getter(c)).collect();
    let geo_get: Vec<GeoGetter> = geo_cols.iter().map(|c| geo_getter(c)).collect();

    let mut uw = writer(&stats.units_path, b',')?;
    let mut ew = writer(&stats.establishments_path, b',')?;
    let mut gw = writer(&stats.geo_path, b';')?;
    uw.write_record(&unit_cols).map_err(csv_err)?;
    ew.write_record(&estab_cols).map_err(csv_err)?;
    gw.write_record(&geo_cols).map_err(csv_err)?;

    for i in 0..opts.units as u64 {
        let plan = plan_unit(opts.seed, i, &picker, r);
        let unit = UnitRow {
            p: &plan,
            epoch: opts.epoch,
        };
        write_row(&mut uw, unit_get.iter().map(|g| g(&unit)))?;
        stats.units += 1;
        stats.sse_units += u64::from(plan.ess == "O");
        for e in plan
            .establishments
            .iter()
            .filter(|e| e.appear_epoch <= opts.epoch)
        {
            let projection = Projection::for_departement(&e.commune.dept);
            let projected = match (e.point, projection) {
                (Some(p), Some(proj)) if !e.abroad => Some((proj, proj.forward(p))),
                _ => None,
            };
            let (x, y) = match (e.hidden, e.coords, projected) {
                (true, _, _) => (ND.to_string(), ND.to_string()),
                (false, Coords::Garbage, Some(_)) => ("1000.0".to_string(), "1000.0".to_string()),
                (
                    false,
                    Coords::Full | Coords::GeoProjectedOnly | Coords::StockOnly,
                    Some((_, (x, y))),
                ) => (format!("{x:.1}"), format!("{y:.1}")),
                _ => (String::new(), String::new()),
            };
            let row = EstabRow {
                u: &plan,
                e,
                epoch: opts.epoch,
                x,
                y,
            };
            write_row(&mut ew, estab_get.iter().map(|g| g(&row)))?;
            stats.establishments += 1;
            stats.active_establishments += u64::from(!row.ceased());
            stats.hidden_establishments += u64::from(e.hidden);
            stats.overseas_establishments += u64::from(e.commune.dept.len() == 3 && !e.abroad);
            // The geolocation file: present for the Full and projected-only cases (and for
            // hidden establishments, which the importer must not publish).
            let geo_mode = if e.hidden { Coords::Full } else { e.coords };
            if let (Some((proj, (x, y))), Some(p), Coords::Full | Coords::GeoProjectedOnly) =
                (projected, e.point, geo_mode)
            {
                let (lat, lon) = if geo_mode == Coords::Full {
                    (format!("{:.7}", p.lat), format!("{:.7}", p.lon))
                } else {
                    (String::new(), String::new())
                };
                let g = GeoRow {
                    e,
                    x: format!("{x:.1}"),
                    y: format!("{y:.1}"),
                    epsg: proj.epsg().to_string(),
                    lat,
                    lon,
                };
                write_row(&mut gw, geo_get.iter().map(|f| f(&g)))?;
                stats.geo_rows += 1;
            }
        }
    }
    for w in [&mut uw, &mut ew, &mut gw] {
        // Flushes the CSV buffer and the file's.
        w.flush()?;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_activity_and_legal_form_exists_in_the_referentials() {
        let r = Referential::get();
        for (kind, _) in UNIT_KINDS {
            assert!(r.legal_form(kind.legal_form()).is_some(), "{kind:?}");
            for naf in kind.activities() {
                assert!(r.naf.get(naf).is_some(), "{naf}");
            }
        }
    }

    #[test]
    fn layouts_use_the_real_column_names() {
        let u = layout("StockUniteLegale", Vintage::V2021, 1);
        assert_eq!(u.len(), 34);
        assert_eq!(u[0], "siren");
        let u25 = layout("StockUniteLegale", Vintage::V2025, 1);
        assert!(
            u25.iter()
                .any(|c| c == "activitePrincipaleNAF25UniteLegale")
        );
        let e = layout("StockEtablissement", Vintage::V2025, 1);
        assert_eq!(e.len(), 54);
        let g = layout(
            "GeolocalisationEtablissement_Sirene_pour_etudes_statistiques",
            Vintage::V2025,
            1,
        );
        assert!(g.iter().any(|c| c == "plg_qp24"));
        let s = layout("StockEtablissement", Vintage::Shuffled, 1);
        assert_ne!(s, e);
        let mut sorted_s = s.clone();
        sorted_s.sort();
        let mut sorted_e = e.clone();
        sorted_e.sort();
        assert_eq!(sorted_s, sorted_e);
    }

    #[test]
    fn arrondissements_get_sirene_city_labels() {
        let r = Referential::get();
        assert_eq!(sirene_city(r, r.commune("75107").unwrap()), "PARIS 7");
        assert_eq!(sirene_city(r, r.commune("42218").unwrap()), "SAINT-ETIENNE");
    }
}
