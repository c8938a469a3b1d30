//! Reference data: communes, départements, regions, EPCI, legal forms, NAF and CPV.
//!
//! The data is real (COG 2026, NAF rév. 2, CPV 2008; see `fixtures/referential/PROVENANCE.md`)
//! and embedded in the binary, so the program never reads files at run time for it. It is
//! parsed once, on first use, into [`Referential`], which is immutable and shared.
//! What this module does not do: spatial indexing of suppliers (`index/geo.rs`) or text
//! search (`index/text.rs`).

pub mod codes;
pub mod communes;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

pub use codes::{Cpv, CpvCode, CpvError, Naf, NafCode, NafLevel};
pub use communes::{Commune, CommuneKind, Communes};

use crate::model::area::Area;
use crate::model::geo::GeoPoint;

const COMMUNES_CSV: &str = include_str!("../../fixtures/referential/communes.csv");
const DEPARTEMENTS_CSV: &str = include_str!("../../fixtures/referential/departements.csv");
const REGIONS_CSV: &str = include_str!("../../fixtures/referential/regions.csv");
const EPCI_CSV: &str = include_str!("../../fixtures/referential/epci.csv");
const NAF_CSV: &str = include_str!("../../fixtures/referential/naf.csv");
const CPV_CSV: &str = include_str!("../../fixtures/referential/cpv.csv");
const LEGAL_FORMS_CSV: &str = include_str!("../../fixtures/referential/categories_juridiques.csv");
/// Département outlines (GeoJSON FeatureCollection, WGS84, simplified to about 1 km).
pub const DEPARTEMENTS_GEOJSON: &str =
    include_str!("../../fixtures/referential/departements.geojson");
/// Region outlines (GeoJSON FeatureCollection, WGS84, simplified to about 1 km).
pub const REGIONS_GEOJSON: &str = include_str!("../../fixtures/referential/regions.geojson");

#[derive(Debug, Clone, Deserialize)]
pub struct Departement {
    pub code: String,
    pub name: String,
    pub region: String,
    pub chef_lieu: String,
    /// `metro`, `drom` or `com`.
    pub zone: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub chef_lieu: String,
    pub zone: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Epci {
    pub siren: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// INSEE legal form (catégorie juridique, niveau III).
#[derive(Debug, Clone, Deserialize)]
pub struct LegalForm {
    pub code: String,
    pub label: String,
    pub ess_family_by_statute: String,
    pub is_scop: String,
    pub is_iae_association: String,
}

/// Family of legal forms, used for the search facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegalFamily {
    Association,
    Cooperative,
    Mutuelle,
    Fondation,
    Societe,
    Public,
    Autre,
}

impl LegalFamily {
    pub const ALL: [LegalFamily; 7] = [
        LegalFamily::Association,
        LegalFamily::Cooperative,
        LegalFamily::Mutuelle,
        LegalFamily::Fondation,
        LegalFamily::Societe,
        LegalFamily::Public,
        LegalFamily::Autre,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LegalFamily::Association => "association",
            LegalFamily::Cooperative => "cooperative",
            LegalFamily::Mutuelle => "mutuelle",
            LegalFamily::Fondation => "fondation",
            LegalFamily::Societe => "societe",
            LegalFamily::Public => "public",
            LegalFamily::Autre => "autre",
        }
    }

    pub fn parse(s: &str) -> Option<LegalFamily> {
        LegalFamily::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
    }

    pub fn label_fr(self) -> &'static str {
        match self {
            LegalFamily::Association => "Association",
            LegalFamily::Cooperative => "Coopérative",
            LegalFamily::Mutuelle => "Mutuelle",
            LegalFamily::Fondation => "Fondation",
            LegalFamily::Societe => "Société commerciale",
            LegalFamily::Public => "Organisme public",
            LegalFamily::Autre => "Autre",
        }
    }
}

/// All reference data, parsed once.
pub struct Referential {
    pub communes: Communes,
    pub naf: Naf,
    pub cpv: Cpv,
    departements: Vec<Departement>,
    dept_by_code: HashMap<String, usize>,
    regions: Vec<Region>,
    region_by_code: HashMap<String, usize>,
    epcis: HashMap<String, Epci>,
    legal_forms: HashMap<String, LegalForm>,
}

fn parse_csv<T: for<'de> Deserialize<'de>>(text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .expect("embedded referential csv is well-formed")
}

impl Referential {
    /// The shared referential, parsed on first call (about 100 ms).
    pub fn get() -> &'static Referential {
        static REF: OnceLock<Referential> = OnceLock::new();
        REF.get_or_init(Referential::load)
    }

    fn load() -> Referential {
        let departements: Vec<Departement> = parse_csv(DEPARTEMENTS_CSV);
        let regions: Vec<Region> = parse_csv(REGIONS_CSV);
        Referential {
            communes: Communes::parse(COMMUNES_CSV),
            naf: Naf::parse(NAF_CSV),
            cpv: Cpv::parse(CPV_CSV),
            dept_by_code: departements
                .iter()
                .enumerate()
                .map(|(i, d)| (d.code.clone(), i))
                .collect(),
            departements,
            region_by_code: regions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.code.clone(), i))
                .collect(),
            regions,
            epcis: parse_csv::<Epci>(EPCI_CSV)
                .into_iter()
                .map(|e| (e.siren.clone(), e))
                .collect(),
            legal_forms: parse_csv::<LegalForm>(LEGAL_FORMS_CSV)
                .into_iter()
                .map(|l| (l.code.clone(), l))
                .collect(),
        }
    }

    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.communes.get(code)
    }

    pub fn departement(&self, code: &str) -> Option<&Departement> {
        self.dept_by_code
            .get(code.trim())
            .or_else(|| self.dept_by_code.get(&code.trim().to_ascii_uppercase()))
            .map(|&i| &self.departements[i])
    }

    pub fn departements(&self) -> &[Departement] {
        &self.departements
    }

    pub fn region(&self, code: &str) -> Option<&Region> {
        self.region_by_code
            .get(code.trim())
            .map(|&i| &self.regions[i])
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        self.epcis.get(siren.trim())
    }

    pub fn legal_form(&self, code: &str) -> Option<&LegalForm> {
        self.legal_forms.get(code.trim())
    }

    /// Family of a legal form code, for facets (unknown codes are `Autre`).
    pub fn legal_family(&self, code: &str) -> LegalFamily {
        let code = code.trim();
        if let Some(lf) = self.legal_form(code) {
            match lf.ess_family_by_statute.as_str() {
                "association" => return LegalFamily::Association,
                "cooperative" => return LegalFamily::Cooperative,
                "mutuelle" => return LegalFamily::Mutuelle,
                "fondation" => return LegalFamily::Fondation,
                _ => {}
            }
        }
        match code.as_bytes().first() {
            Some(b'9') if code.starts_with("92") => LegalFamily::Association,
            Some(b'9') if code.starts_with("93") => LegalFamily::Fondation,
            Some(b'5') | Some(b'6') => LegalFamily::Societe,
            Some(b'7') | Some(b'4') => LegalFamily::Public,
            _ => LegalFamily::Autre,
        }
    }

    /// Whether an area reference names something that exists.
    pub fn area_exists(&self, area: &Area) -> bool {
        match area {
            Area::Commune(c) => self.commune(c).is_some(),
            Area::Dept(d) => self.departement(d).is_some(),
            Area::Region(r) => self.region(r).is_some(),
            Area::Epci(e) => self.epci(e).is_some(),
        }
    }

    /// The areas that contain a commune: itself, its city (for an arrondissement), its EPCI,
    /// département and region. A zone or perimeter listing any of them covers the commune.
    pub fn areas_containing(&self, commune: &Commune) -> Vec<Area> {
        let mut out = vec![Area::Commune(commune.code.clone())];
        if let Some(p) = &commune.parent {
            out.push(Area::Commune(p.clone()));
        }
        if let Some(e) = &commune.epci {
            out.push(Area::Epci(e.clone()));
        }
        out.push(Area::Dept(commune.dept.clone()));
        out.push(Area::Region(commune.region.clone()));
        out
    }

    /// Whether `area` contains `commune` (the contract's area rule).
    pub fn area_contains(&self, area: &Area, commune: &Commune) -> bool {
        match area {
            Area::Commune(c) => &commune.code == c || commune.parent.as_deref() == Some(c.as_str()),
            Area::Dept(d) => &commune.dept == d,
            Area::Region(r) => &commune.region == r,
            Area::Epci(e) => commune.epci.as_deref() == Some(e.as_str()),
        }
    }

    /// The French name of an area with its code, for explanations: « le Tarn (81) »,
    /// « Occitanie (76) », « Albi (81004) », « CA de l'Albigeois ».
    pub fn area_label(&self, area: &Area) -> String {
        match area {
            Area::Commune(c) => match self.commune(c) {
                Some(com) => format!("{} ({})", com.name, com.code),
                None => c.clone(),
            },
            Area::Dept(d) => match self.departement(d) {
                Some(dep) => format!("{} ({})", dep.name, dep.code),
                None => format!("département {d}"),
            },
            Area::Region(r) => match self.region(r) {
                Some(reg) => format!("{} ({})", reg.name, reg.code),
                None => format!("région {r}"),
            },
            Area::Epci(e) => match self.epci(e) {
                Some(ep) => ep.name.clone(),
                None => format!("EPCI {e}"),
            },
        }
    }

    /// Resolve a place given as a point: the commune whose centre is nearest (contract rule).
    pub fn commune_at(&self, p: GeoPoint) -> Option<&Commune> {
        self.communes.nearest(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commune_lookup_by_code_includes_arrondissements() {
        let r = Referential::get();
        let albi = r.commune("81004").unwrap();
        assert_eq!(albi.name, "Albi");
        assert_eq!(albi.dept, "81");
        assert_eq!(albi.region, "76");
        let paris7 = r.commune("75107").unwrap();
        assert_eq!(paris7.kind, CommuneKind::Arrondissement);
        assert_eq!(paris7.parent.as_deref(), Some("75056"));
        assert_eq!(paris7.epci, r.commune("75056").unwrap().epci);
        assert!(r.commune("2a004").is_some());
        assert!(r.commune("99999").is_none());
    }

    #[test]
    fn autocomplete_ignores_accents_case_and_hyphens() {
        let r = Referential::get();
        let hits = r.communes.search("saint etien", 5);
        assert_eq!(
            hits[0].code,
            "42218",
            "{:?}",
            hits.iter().map(|c| &c.name).collect::<Vec<_>>()
        );
        let hits = r.communes.search("BEZIERS", 3);
        assert_eq!(hits[0].name, "Béziers");
        let hits = r.communes.search("toul", 10);
        assert_eq!(hits[0].name, "Toulouse");
    }

    #[test]
    fn postcode_lookup() {
        let r = Referential::get();
        let hits = r.communes.by_postcode("81000");
        assert!(hits.iter().any(|c| c.code == "81004"));
        assert!(
            r.communes
                .search("81000", 5)
                .iter()
                .any(|c| c.code == "81004")
        );
    }

    #[test]
    fn nearest_commune_to_a_point() {
        let r = Referential::get();
        let capitole = GeoPoint::new(43.6045, 1.4440).unwrap();
        assert_eq!(r.commune_at(capitole).unwrap().code, "31555");
        let eiffel = GeoPoint::new(48.8584, 2.2945).unwrap();
        assert_eq!(r.commune_at(eiffel).unwrap().code, "75107");
    }

    #[test]
    fn departement_and_region_of_a_commune() {
        let r = Referential::get();
        let c = r.commune("34172").unwrap();
        assert_eq!(r.departement(&c.dept).unwrap().name, "Hérault");
        assert_eq!(r.region(&c.region).unwrap().name, "Occitanie");
        assert_eq!(r.departements().len(), 109);
        assert_eq!(r.regions().len(), 26);
    }

    #[test]
    fn areas_cover_arrondissements_through_their_city() {
        let r = Referential::get();
        let paris7 = r.commune("75107").unwrap();
        assert!(r.area_contains(&Area::Commune("75056".into()), paris7));
        assert!(r.area_contains(&Area::Dept("75".into()), paris7));
        assert!(!r.area_contains(&Area::Dept("92".into()), paris7));
        assert!(
            r.areas_containing(paris7)
                .contains(&Area::Commune("75056".into()))
        );
    }

    #[test]
    fn legal_families() {
        let r = Referential::get();
        assert_eq!(r.legal_family("9220"), LegalFamily::Association);
        assert_eq!(r.legal_family("5458"), LegalFamily::Cooperative);
        assert_eq!(r.legal_family("5710"), LegalFamily::Societe);
    }

    #[test]
    fn area_labels_are_french() {
        let r = Referential::get();
        assert_eq!(r.area_label(&Area::Dept("81".into())), "Tarn (81)");
        assert_eq!(r.area_label(&Area::Region("76".into())), "Occitanie (76)");
    }
}
