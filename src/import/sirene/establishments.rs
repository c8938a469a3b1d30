//! One row of the establishments file (`StockEtablissement`) → the register values of a
//! supplier profile.
//!
//! - **Name:** the unit's denomination (or, for an individual entrepreneur, the person's
//!   usual first name and name), else the establishment's usual name or sign; the
//!   establishment's usual name or sign becomes the `brand` when it differs from the name.
//! - **Activity:** `activitePrincipaleEtablissement` when it is a NAF rév. 2 sous-classe
//!   (`81.30Z`), else the unit's; codes of older nomenclatures are dropped.
//! - **Address:** street from number + repetition index + street type + street name (the
//!   complement when there is no street), postcode, city, commune (INSEE code; Paris, Lyon and
//!   Marseille arrondissement codes are valid communes).
//! - **Location:** the geolocation file's WGS84 point, else the stock file's
//!   `coordonneeLambert*` converted from the row's projection (its `epsg` column when the file
//!   has one, else the projection of the commune's département), else none (the commune's
//!   centre applies). A point farther than 100 km from the commune's centre (250 km in Guyane,
//!   whose communes are huge) is treated as an error in the file and dropped.
//! - **Kinds**, inferred only where the register supports it and marked in
//!   `inferred_kinds`: legal form 9221 (association d'insertion par l'économique) → ACI and EI
//!   (the register does not say which of the two), 9222 (association intermédiaire) → AI,
//!   activity 88.10C (aide par le travail) → ESAT, activity 78.20Z (travail temporaire) of an
//!   SSE unit → ETTI.
//! - **Diffusion:** `[ND]` cells are never read. An establishment under partial diffusion
//!   (`statutDiffusionEtablissement` = P) gets neither street nor coordinates, from any file,
//!   even when a file carries them: only what the register publishes for such rows (commune,
//!   postcode, activity) is kept.
//!
//! What this module does not do: store access or merging with an existing profile.

use csv::ByteRecord;

use super::columns::{SireneCsv, is_hidden, number, raw, siret_number, text};
use super::geo::GeoTable;
use super::merge::{RegisterFields, new_profile};
use super::proj::Projection;
use super::units::{ESS, ESTAB_NAF, KEEP_ALL, KNOWN, UnitRef, naf_rev2};
use super::{Filters, SireneReport};
use crate::error::{FieldError, Result};
use crate::model::ids::siret_error;
use crate::model::{self, Address, GeoPoint, Kind};
use crate::referential::{Commune, Referential};

/// Name given to an existing profile whose register name became non-diffusible.
pub const HIDDEN_NAME: &str = "Nom non diffusible";

/// The columns of the establishments file the import reads.
pub struct Cols {
    pub siren: Option<usize>,
    nic: Option<usize>,
    pub siret: Option<usize>,
    statut: Option<usize>,
    etat: usize,
    enseigne: Option<usize>,
    denomination_usuelle: Option<usize>,
    complement: Option<usize>,
    numero: Option<usize>,
    indice: Option<usize>,
    type_voie: Option<usize>,
    libelle_voie: Option<usize>,
    postcode: Option<usize>,
    city: Option<usize>,
    commune: usize,
    pays: Option<usize>,
    lambert_x: Option<usize>,
    lambert_y: Option<usize>,
    epsg: Option<usize>,
    pub naf: Option<usize>,
    pub naf_nomenclature: Option<usize>,
    pub naf25: Option<usize>,
}

impl Cols {
    pub fn new(f: &SireneCsv) -> Result<Cols> {
        let siret = f.col("siret");
        let (siren, nic) = (f.col("siren"), f.col("nic"));
        if siret.is_none() && (siren.is_none() || nic.is_none()) {
            f.require("siret")?;
        }
        Ok(Cols {
            siren,
            nic,
            siret,
            statut: f.col("statutDiffusionEtablissement"),
            etat: f.require("etatAdministratifEtablissement")?,
            enseigne: f.col("enseigne1Etablissement"),
            denomination_usuelle: f.col("denominationUsuelleEtablissement"),
            complement: f.col("complementAdresseEtablissement"),
            numero: f.col("numeroVoieEtablissement"),
            indice: f.col("indiceRepetitionEtablissement"),
            type_voie: f.col("typeVoieEtablissement"),
            libelle_voie: f.col("libelleVoieEtablissement"),
            postcode: f.col("codePostalEtablissement"),
            city: f.col("libelleCommuneEtablissement"),
            commune: f.require("codeCommuneEtablissement")?,
            pays: f.col("codePaysEtrangerEtablissement"),
            lambert_x: f.col("coordonneeLambertAbscisseEtablissement"),
            lambert_y: f.col("coordonneeLambertOrdonneeEtablissement"),
            epsg: f.col_any(&["epsg", "codeEpsgEtablissement"]),
            naf: f.col("activitePrincipaleEtablissement"),
            naf_nomenclature: f.col("nomenclatureActivitePrincipaleEtablissement"),
            naf25: f.col("activitePrincipaleNAF25Etablissement"),
        })
    }

    /// The SIREN of a row, from its `siren` column or its SIRET.
    pub fn siren_bytes<'r>(&self, rec: &'r ByteRecord) -> Option<&'r [u8]> {
        raw(rec, self.siren).or_else(|| raw(rec, self.siret).and_then(|s| s.get(..9)))
    }
}

/// Where a profile's location came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationSource {
    Geo,
    Lambert,
    /// None in the files (or not publishable): the commune's centre applies.
    CommuneCentre,
}

/// What a row becomes.
#[derive(Debug)]
pub enum Mapped {
    /// Register values for a profile.
    Record(Box<Record>),
    /// The row cannot give a profile, for a reason that is not an error in the file.
    Skip(&'static str),
    /// The row is not wanted (an establishment of a non-selected unit).
    Ignore,
}

/// Register values for one establishment.
#[derive(Debug)]
pub struct Record {
    pub siret: String,
    pub fields: RegisterFields,
    /// The register publishes no name: the profile may be updated, never created.
    pub name_hidden: bool,
    /// The unit was kept only because some of its establishments are in the store: update
    /// this one if it exists, never create it.
    pub only_if_known: bool,
    pub location_source: LocationSource,
}

fn street_type(code: &str) -> &str {
    // INSEE's street-type codes (Sirene), spelled out as on a letter, in capitals like the
    // street names they precede. Unknown codes are kept as written.
    match code.to_ascii_uppercase().as_str() {
        "ALL" => "ALLEE",
        "AV" => "AVENUE",
        "BD" => "BOULEVARD",
        "CAR" => "CARREFOUR",
        "CHE" => "CHEMIN",
        "CHS" => "CHAUSSEE",
        "CITE" => "CITE",
        "COR" => "CORNICHE",
        "CRS" => "COURS",
        "DOM" => "DOMAINE",
        "DSC" => "DESCENTE",
        "ECA" => "ECART",
        "ESP" => "ESPLANADE",
        "FG" => "FAUBOURG",
        "GR" => "GRANDE RUE",
        "HAM" => "HAMEAU",
        "HLE" => "HALLE",
        "IMP" => "IMPASSE",
        "LD" => "LIEU-DIT",
        "LOT" => "LOTISSEMENT",
        "MAR" => "MARCHE",
        "MTE" => "MONTEE",
        "PAS" => "PASSAGE",
        "PL" => "PLACE",
        "PLN" => "PLAINE",
        "PLT" => "PLATEAU",
        "PRO" => "PROMENADE",
        "PRV" => "PARVIS",
        "QUA" => "QUARTIER",
        "QUAI" => "QUAI",
        "RES" => "RESIDENCE",
        "RLE" => "RUELLE",
        "ROC" => "ROCADE",
        "RPT" => "ROND-POINT",
        "RTE" => "ROUTE",
        "RUE" => "RUE",
        "SEN" => "SENTIER",
        "SQ" => "SQUARE",
        "TPL" => "TERRE-PLEIN",
        "TRA" => "TRAVERSE",
        "VLA" => "VILLA",
        "VLGE" => "VILLAGE",
        "VOIE" => "VOIE",
        "ZA" => "ZONE ARTISANALE",
        "ZAC" => "ZAC",
        "ZI" => "ZONE INDUSTRIELLE",
        "ZONE" => "ZONE",
        _ => code,
    }
}

fn repetition(code: &str) -> &str {
    match code.to_ascii_uppercase().as_str() {
        "B" => "BIS",
        "T" => "TER",
        "Q" => "QUATER",
        "C" => "QUINQUIES",
        _ => code,
    }
}

/// Longest distance, in km, between a register point and its commune's centre.
fn max_offset_km(c: &Commune) -> f64 {
    if c.dept == "973" { 250.0 } else { 100.0 }
}

fn plausible(p: GeoPoint, c: &Commune) -> bool {
    match Referential::get().communes.centre(c) {
        Some(centre) => p.distance_km(&centre) <= max_offset_km(c),
        None => true,
    }
}

/// The kinds the register data supports for an establishment.
pub fn inferred_kinds(legal_form: Option<&str>, naf: Option<&str>, ess: bool) -> Vec<Kind> {
    let mut kinds = Vec::new();
    match legal_form {
        Some("9221") => kinds.extend([Kind::ACI, Kind::EI]),
        Some("9222") => kinds.push(Kind::AI),
        _ => {}
    }
    match naf {
        Some("88.10C") => kinds.push(Kind::ESAT),
        Some("78.20Z") if ess => kinds.push(Kind::ETTI),
        _ => {}
    }
    kinds.sort();
    kinds.dedup();
    kinds
}

fn utf8<'r>(
    rec: &'r ByteRecord,
    idx: Option<usize>,
    name: &str,
) -> std::result::Result<Option<&'r str>, FieldError> {
    text(rec, idx).map_err(|_| FieldError::new(name, "invalid UTF-8"))
}

/// Map one establishment row of a kept unit.
pub(super) fn map_row(
    rec: &ByteRecord,
    c: &Cols,
    unit: UnitRef<'_>,
    geo: Option<&GeoTable>,
    filters: &Filters,
    report: &mut SireneReport,
) -> std::result::Result<Mapped, Vec<FieldError>> {
    let r = Referential::get();
    // Activity first: it decides whether a unit selected only through some of its
    // establishments' activity keeps this one.
    let naf_raw = utf8(rec, c.naf, "activitePrincipaleEtablissement").map_err(|e| vec![e])?;
    let nomenclature = utf8(
        rec,
        c.naf_nomenclature,
        "nomenclatureActivitePrincipaleEtablissement",
    )
    .map_err(|e| vec![e])?;
    let naf25 = utf8(rec, c.naf25, "activitePrincipaleNAF25Etablissement").map_err(|e| vec![e])?;
    let own_naf = naf_rev2(naf_raw, nomenclature);
    let keep_all = unit.flags & KEEP_ALL != 0;
    let naf_selected =
        unit.flags & ESTAB_NAF != 0 && filters.naf_matches(own_naf.as_deref(), naf25);
    let only_if_known = !keep_all && !naf_selected;
    if only_if_known && unit.flags & KNOWN == 0 {
        return Ok(Mapped::Ignore);
    }
    if own_naf.is_none() && naf_raw.is_some() {
        report.warn("establishment activity not in NAF rév. 2: dropped");
    }
    let naf = match (&own_naf, naf_raw) {
        (Some(n), _) => Some(n.clone()),
        (None, None) => unit.naf.map(str::to_string),
        (None, Some(_)) => None,
    };

    let siret = match (raw(rec, c.siret), raw(rec, c.siren), raw(rec, c.nic)) {
        (Some(s), _, _) => String::from_utf8_lossy(s).into_owned(),
        (None, Some(sn), Some(nic)) => format!(
            "{}{}",
            String::from_utf8_lossy(sn),
            String::from_utf8_lossy(nic)
        ),
        _ => return Err(vec![FieldError::new("siret", "missing")]),
    };
    if let Some(reason) = siret_error(&siret) {
        return Err(vec![FieldError::new(
            "siret",
            format!("{reason} ({siret})"),
        )]);
    }
    let closed = raw(rec, Some(c.etat)) == Some(b"F");
    let hidden = raw(rec, c.statut) == Some(b"P");

    // Commune.
    if is_hidden(rec, Some(c.commune)) {
        return Ok(Mapped::Skip("non-diffusible: commune not published"));
    }
    let Some(code) = utf8(rec, Some(c.commune), "codeCommuneEtablissement").map_err(|e| vec![e])?
    else {
        if raw(rec, c.pays).is_some() {
            return Ok(Mapped::Skip("establishment abroad"));
        }
        return Err(vec![FieldError::new(
            "codeCommuneEtablissement",
            "missing commune code",
        )]);
    };
    let Some(commune) = r.commune(code) else {
        return Err(vec![FieldError::new(
            "codeCommuneEtablissement",
            format!("unknown INSEE commune code ({code})"),
        )]);
    };

    // Name and brand.
    let usual = utf8(
        rec,
        c.denomination_usuelle,
        "denominationUsuelleEtablissement",
    )
    .map_err(|e| vec![e])?
    .or(utf8(rec, c.enseigne, "enseigne1Etablissement").map_err(|e| vec![e])?);
    let (name, brand, name_hidden) = match (unit.name, usual) {
        (Some(n), Some(u)) if !u.eq_ignore_ascii_case(n) => {
            (n.to_string(), Some(u.to_string()), false)
        }
        (Some(n), _) => (n.to_string(), None, false),
        (None, Some(u)) => (u.to_string(), None, false),
        (None, None) => (HIDDEN_NAME.to_string(), None, true),
    };

    // Address.
    let mut street = None;
    if !hidden {
        let parts = [
            utf8(rec, c.numero, "numeroVoieEtablissement").map_err(|e| vec![e])?,
            utf8(rec, c.indice, "indiceRepetitionEtablissement")
                .map_err(|e| vec![e])?
                .map(repetition),
            utf8(rec, c.type_voie, "typeVoieEtablissement")
                .map_err(|e| vec![e])?
                .map(street_type),
            utf8(rec, c.libelle_voie, "libelleVoieEtablissement").map_err(|e| vec![e])?,
        ];
        let joined = parts
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        street = if joined.is_empty() {
            utf8(rec, c.complement, "complementAdresseEtablissement")
                .map_err(|e| vec![e])?
                .map(str::to_string)
        } else {
            Some(joined)
        };
    }
    let postcode = raw(rec, c.postcode)
        .filter(|p| p.len() == 5 && p.iter().all(u8::is_ascii_digit))
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let city = utf8(rec, c.city, "libelleCommuneEtablissement")
        .map_err(|e| vec![e])?
        .map(str::to_string)
        .or_else(|| Some(commune.name.clone()));

    // Location.
    let mut location = None;
    let mut location_source = LocationSource::CommuneCentre;
    if !hidden {
        let from_geo = geo.and_then(|g| g.get(siret_number(siret.as_bytes())?));
        if let Some(p) = from_geo {
            if plausible(p, commune) {
                location = Some(p);
                location_source = LocationSource::Geo;
            } else {
                report.warn("geolocation far from the commune: ignored");
            }
        }
        if location.is_none()
            && let (Some(x), Some(y)) = (number(rec, c.lambert_x), number(rec, c.lambert_y))
        {
            let projection = match number(rec, c.epsg) {
                Some(code) => Projection::from_epsg(code as u32),
                None => Projection::for_departement(&commune.dept),
            };
            match projection.and_then(|p| p.inverse(x, y)) {
                Some(p) if plausible(p, commune) => {
                    location = Some(p);
                    location_source = LocationSource::Lambert;
                }
                Some(_) => report.warn("Lambert coordinates far from the commune: ignored"),
                None => report.warn("Lambert coordinates without a known projection: ignored"),
            }
        }
    }

    // 1e-7 degree (about 1 cm) is far below the register's precision; rounding there also
    // makes the values survive a JSON round trip exactly, so re-imports compare equal.
    let location = location.map(|p| GeoPoint {
        lat: (p.lat * 1e7).round() / 1e7,
        lon: (p.lon * 1e7).round() / 1e7,
    });
    let ess = unit.flags & ESS != 0;
    let fields = RegisterFields {
        name,
        brand,
        ess,
        legal_form: unit.legal_form.map(str::to_string),
        inferred_kinds: inferred_kinds(unit.legal_form, naf.as_deref(), ess),
        naf,
        address: Address {
            street,
            postcode,
            city,
            commune: commune.code.clone(),
        },
        location,
        founded: unit.founded,
        closed,
    };
    // Validate through the model, exactly as any other profile, and keep the normalised
    // values as the register's.
    let mut s = new_profile(&siret, &fields);
    model::validate_supplier(&mut s).map_err(|e| model::field_errors(&e))?;
    let fields = RegisterFields {
        name: s.name,
        brand: s.brand,
        ess: s.ess,
        legal_form: s.legal_form,
        naf: s.naf,
        address: s.address,
        location: s.location,
        founded: s.capacity.founded,
        inferred_kinds: s.inferred_kinds,
        closed: s.closed,
    };
    Ok(Mapped::Record(Box::new(Record {
        siret: s.siret,
        fields,
        name_hidden,
        only_if_known,
        location_source,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_inferred_only_from_register_signals() {
        assert_eq!(
            inferred_kinds(Some("9221"), None, true),
            vec![Kind::EI, Kind::ACI]
        );
        assert_eq!(
            inferred_kinds(Some("9222"), Some("78.30Z"), true),
            vec![Kind::AI]
        );
        assert_eq!(
            inferred_kinds(Some("9220"), Some("88.10C"), true),
            vec![Kind::ESAT]
        );
        assert_eq!(
            inferred_kinds(Some("7364"), Some("88.10C"), false),
            vec![Kind::ESAT]
        );
        assert_eq!(
            inferred_kinds(Some("5710"), Some("78.20Z"), true),
            vec![Kind::ETTI]
        );
        assert!(inferred_kinds(Some("5710"), Some("78.20Z"), false).is_empty());
        assert!(inferred_kinds(Some("9220"), Some("81.30Z"), true).is_empty());
    }

    #[test]
    fn street_types_and_repetition_indices_are_spelled_out() {
        assert_eq!(street_type("AV"), "AVENUE");
        assert_eq!(street_type("bd"), "BOULEVARD");
        assert_eq!(street_type("XYZ"), "XYZ");
        assert_eq!(repetition("B"), "BIS");
        assert_eq!(repetition("A"), "A");
    }
}
