//! SSE structure profiles for the supplier generator: which kinds (ESAT, EA, ACI, …) a
//! structure declares, with a coherent INSEE legal form, SSE/ESUS flags, NAF of the structure,
//! name decoration, a French self-presentation and realistic head counts.
//!
//! The rules encode how these structures really look in SIRENE and on their own web pages:
//! ESATs are mostly run by associations (9220), sometimes by public medico-social bodies
//! (7366), and often declare the administrative NAF 88.10C instead of their trade; AIs are
//! associations 9222 with NAF 78.30Z; SCOPs are 5458/5558/5658; SCICs have no code of their
//! own (5460, 5560 or 5710); a GEIQ is not an SIAE. What this module does not do: choose the
//! trade or the place (see `catalog` and `places`).

use crate::model::supplier::{Kind, Mode};
use crate::util::Rng;

use super::catalog::Trade;

/// The structure type a generated supplier is built around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    Esat,
    Ea,
    Aci,
    Ei,
    Ai,
    Etti,
    Eiti,
    Geiq,
    Scop,
    Scic,
    Association,
    EsusCompany,
}

/// What a profile decided for one supplier.
#[derive(Debug, Clone)]
pub struct Structure {
    pub profile: Profile,
    pub kinds: Vec<Kind>,
    pub inferred_kinds: Vec<Kind>,
    pub legal_form: &'static str,
    pub ess: bool,
    pub esus: bool,
    /// NAF override for the structure (administrative code), when it does not use its trade's.
    pub naf_override: Option<&'static str>,
}

fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, f64)]) -> T {
    let weights: Vec<f64> = items.iter().map(|(_, w)| *w).collect();
    items[rng.weighted(&weights)].0
}

fn is_company(legal: &str) -> bool {
    legal.starts_with('5') && !matches!(legal, "5458" | "5558" | "5658" | "5460" | "5560")
}

impl Profile {
    pub const ALL: [Profile; 12] = [
        Profile::Esat,
        Profile::Ea,
        Profile::Aci,
        Profile::Ei,
        Profile::Ai,
        Profile::Etti,
        Profile::Eiti,
        Profile::Geiq,
        Profile::Scop,
        Profile::Scic,
        Profile::Association,
        Profile::EsusCompany,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Esat => "esat",
            Profile::Ea => "ea",
            Profile::Aci => "aci",
            Profile::Ei => "ei",
            Profile::Ai => "ai",
            Profile::Etti => "etti",
            Profile::Eiti => "eiti",
            Profile::Geiq => "geiq",
            Profile::Scop => "scop",
            Profile::Scic => "scic",
            Profile::Association => "association",
            Profile::EsusCompany => "esus_company",
        }
    }

    /// Draw the structure's legal identity.
    pub fn structure(self, rng: &mut Rng) -> Structure {
        let mut inferred_kinds = Vec::new();
        let (kinds, legal_form, naf_override): (Vec<Kind>, &'static str, Option<&'static str>) =
            match self {
                Profile::Esat => {
                    let legal = weighted(rng, &[("9220", 0.75), ("7366", 0.15), ("9300", 0.10)]);
                    // The known trap: many ESATs declare the administrative « aide par le travail ».
                    let naf = rng.chance(0.55).then_some("88.10C");
                    (vec![Kind::ESAT], legal, naf)
                }
                Profile::Ea => {
                    let legal = weighted(
                        rng,
                        &[
                            ("9220", 0.40),
                            ("5710", 0.35),
                            ("5499", 0.20),
                            ("5458", 0.05),
                        ],
                    );
                    let kinds = if rng.chance(0.08) {
                        vec![Kind::EA, Kind::EATT]
                    } else {
                        vec![Kind::EA]
                    };
                    (kinds, legal, None)
                }
                Profile::Aci => {
                    let legal = weighted(rng, &[("9220", 0.6), ("9221", 0.4)]);
                    let kinds = if rng.chance(0.10) {
                        vec![Kind::AI, Kind::ACI]
                    } else {
                        vec![Kind::ACI]
                    };
                    let naf = weighted(
                        rng,
                        &[(None, 0.7), (Some("88.99B"), 0.2), (Some("94.99Z"), 0.1)],
                    );
                    (kinds, legal, naf)
                }
                Profile::Ei => {
                    let legal = weighted(
                        rng,
                        &[
                            ("5710", 0.40),
                            ("5499", 0.25),
                            ("9221", 0.20),
                            ("5458", 0.10),
                            ("5460", 0.05),
                        ],
                    );
                    let kinds = if rng.chance(0.10) {
                        vec![Kind::EI, Kind::ETTI]
                    } else {
                        vec![Kind::EI]
                    };
                    (kinds, legal, None)
                }
                Profile::Ai => {
                    if rng.chance(0.2) {
                        inferred_kinds.push(Kind::AI);
                    }
                    (vec![Kind::AI], "9222", rng.chance(0.7).then_some("78.30Z"))
                }
                Profile::Etti => {
                    let legal = weighted(rng, &[("5710", 0.5), ("5499", 0.3), ("9220", 0.2)]);
                    (vec![Kind::ETTI], legal, Some("78.20Z"))
                }
                Profile::Eiti => {
                    let legal = weighted(rng, &[("9220", 0.5), ("5710", 0.5)]);
                    (vec![Kind::EITI], legal, None)
                }
                Profile::Geiq => {
                    let legal = weighted(rng, &[("9223", 0.6), ("9220", 0.4)]);
                    (vec![Kind::GEIQ], legal, Some("78.30Z"))
                }
                Profile::Scop => {
                    let legal = weighted(rng, &[("5458", 0.75), ("5558", 0.15), ("5658", 0.10)]);
                    let kinds = if rng.chance(0.08) {
                        vec![Kind::EI]
                    } else {
                        vec![]
                    };
                    (kinds, legal, None)
                }
                Profile::Scic => {
                    let legal = weighted(rng, &[("5460", 0.6), ("5560", 0.3), ("5710", 0.1)]);
                    let kinds = weighted(rng, &[(0u8, 0.75), (1, 0.15), (2, 0.10)]);
                    let kinds = match kinds {
                        1 => vec![Kind::EI],
                        2 => vec![Kind::ACI],
                        _ => vec![],
                    };
                    (kinds, legal, None)
                }
                Profile::Association => (vec![], "9220", None),
                Profile::EsusCompany => {
                    let legal = weighted(rng, &[("5710", 0.6), ("5499", 0.4)]);
                    (vec![], legal, None)
                }
            };
        let company = is_company(legal_form);
        let (ess, esus) = match self {
            // A public ESAT is not an SSE company; nor does it hold the ESUS agreement.
            Profile::Esat => (legal_form != "7366", false),
            // Commercial EA/EI: some have the SSE statute of the 2014 law, many the ESUS
            // agreement (SIAE and EA hold it by right, but not all declare it).
            Profile::Ea | Profile::Ei | Profile::Etti | Profile::Eiti if company => {
                (rng.chance(0.35), rng.chance(0.5))
            }
            Profile::EsusCompany => (rng.chance(0.6), true),
            Profile::Scop | Profile::Scic => (true, rng.chance(0.35)),
            _ => (true, rng.chance(0.08)),
        };
        let mut kinds = kinds;
        kinds.sort();
        Structure {
            profile: self,
            kinds,
            inferred_kinds,
            legal_form,
            ess,
            esus,
            naf_override,
        }
    }

    /// Modes a structure of this profile adds to its activities (staffing for the
    /// structures that place workers).
    pub fn extra_mode(self) -> Option<Mode> {
        match self {
            Profile::Ai | Profile::Etti | Profile::Geiq => Some(Mode::Staffing),
            _ => None,
        }
    }

    /// How likely a structure of this profile has a second line of business.
    pub fn p_secondary(self) -> f64 {
        match self {
            Profile::Esat => 0.6,
            Profile::Aci => 0.35,
            Profile::Ea => 0.3,
            Profile::Ai | Profile::Etti | Profile::Geiq => 0.3,
            _ => 0.15,
        }
    }

    /// Trades structures of this profile often run besides their main one (keys).
    pub fn typical_trades(self) -> &'static [&'static str] {
        match self {
            Profile::Esat => &[
                "green_spaces",
                "laundry",
                "packaging",
                "cleaning",
                "catering",
                "mailing",
                "scanning_archiving",
                "waterless_car_wash",
                "printing",
                "event_catering",
            ],
            Profile::Aci => &[
                "market_gardening",
                "green_spaces",
                "textile_reuse",
                "building_maintenance",
                "bicycle_repair",
                "furniture_restoration",
                "painting",
                "biowaste_collection",
            ],
            Profile::Ea => &[
                "cleaning",
                "packaging",
                "scanning_archiving",
                "reception",
                "laundry",
                "mailing",
                "green_spaces",
                "it_refurbishment",
            ],
            Profile::Ei | Profile::Eiti => &[
                "cleaning",
                "green_spaces",
                "moving",
                "building_maintenance",
                "weee_recycling",
                "painting",
            ],
            Profile::Ai | Profile::Etti | Profile::Geiq => &[
                "cleaning",
                "green_spaces",
                "moving",
                "building_maintenance",
                "reception",
                "catering",
            ],
            _ => &[],
        }
    }

    /// Decorate a trade name stem the way structures of this profile name themselves.
    pub fn decorate_name(self, rng: &mut Rng, stem: &str) -> String {
        let forms: &[(&str, f64)] = match self {
            Profile::Esat => &[
                ("ESAT {s}", 0.6),
                ("{s}", 0.25),
                ("Établissement {s}", 0.15),
            ],
            Profile::Ea => &[
                ("{s}", 0.6),
                ("{s} Entreprise Adaptée", 0.25),
                ("EA {s}", 0.15),
            ],
            Profile::Aci => &[
                ("{s}", 0.45),
                ("Chantier d'insertion {s}", 0.3),
                ("Association {s}", 0.25),
            ],
            Profile::Ei => &[("{s}", 0.7), ("{s} Insertion", 0.3)],
            Profile::Ai => &[("{s}", 0.4), ("Association intermédiaire {s}", 0.6)],
            Profile::Etti => &[("{s} Intérim Solidaire", 0.5), ("{s} Intérim", 0.5)],
            Profile::Eiti => &[("{s}", 1.0)],
            Profile::Geiq => &[("GEIQ {s}", 1.0)],
            Profile::Scop => &[("{s}", 0.5), ("{s} SCOP", 0.3), ("SCOP {s}", 0.2)],
            Profile::Scic => &[("SCIC {s}", 0.6), ("{s} SCIC", 0.4)],
            Profile::Association => &[("{s}", 0.6), ("Association {s}", 0.4)],
            Profile::EsusCompany => &[("{s}", 1.0)],
        };
        let form = weighted(rng, forms);
        form.replace("{s}", stem)
    }

    /// A French sentence presenting the structure (first sentence of its description).
    pub fn intro(
        self,
        rng: &mut Rng,
        name: &str,
        s: &Structure,
        founded: i32,
        employees: i64,
    ) -> String {
        let opts: &[&str] = match self {
            Profile::Esat => &[
                "{name} est un établissement et service d'aide par le travail (ESAT) qui accompagne {n} travailleurs en situation de handicap.",
                "ESAT géré par une association de parents, {name} offre depuis {year} un travail adapté et un accompagnement médico-social à {n} personnes.",
                "Nos {n} travailleurs d'ESAT mettent leur savoir-faire au service des entreprises et des collectivités.",
            ],
            Profile::Ea => &[
                "{name} est une entreprise adaptée : plus de la moitié de nos {n} salariés sont des personnes en situation de handicap.",
                "Entreprise adaptée créée en {year}, {name} emploie {n} personnes dont une majorité reconnues travailleurs handicapés.",
                "Entreprise adaptée, nous conjuguons performance économique et emploi durable de personnes en situation de handicap.",
            ],
            Profile::Aci => &[
                "{name} est un atelier et chantier d'insertion conventionné par l'État : nous accompagnons des personnes éloignées de l'emploi vers un retour durable au travail.",
                "Chantier d'insertion porté par une association loi 1901, {name} salarie chaque année une trentaine de personnes en parcours d'insertion.",
                "Structure d'insertion par l'activité économique depuis {year}, notre chantier conjugue production, formation et accompagnement socioprofessionnel.",
            ],
            Profile::Ei => &[
                "{name} est une entreprise d'insertion : nous proposons à des personnes en difficulté un emploi, une formation et un accompagnement personnalisé.",
                "Entreprise d'insertion créée en {year}, {name} compte {n} salariés dont une majorité en parcours d'insertion.",
                "Entreprise d'insertion conventionnée, nous répondons aux marchés publics avec clause sociale comme aux marchés réservés.",
            ],
            Profile::Ai => &[
                "Association intermédiaire, {name} met à disposition des particuliers, des entreprises et des collectivités des personnes en recherche d'emploi.",
                "{name} est une association intermédiaire conventionnée : nous mettons à disposition du personnel pour des missions ponctuelles ou régulières.",
            ],
            Profile::Etti => &[
                "{name} est une entreprise de travail temporaire d'insertion (ETTI) : nos missions d'intérim sont le tremplin vers un emploi durable.",
                "Entreprise de travail temporaire d'insertion, nous déléguons du personnel formé et accompagné auprès des entreprises et collectivités.",
            ],
            Profile::Eiti => &[
                "{name} est une entreprise d'insertion par le travail indépendant : nous accompagnons des travailleurs indépendants en parcours d'insertion.",
            ],
            Profile::Geiq => &[
                "{name} est un groupement d'employeurs pour l'insertion et la qualification : nous recrutons et formons en alternance pour le compte de nos entreprises adhérentes.",
                "Groupement d'employeurs pour l'insertion et la qualification, {name} met à disposition des salariés en contrat de professionnalisation.",
            ],
            Profile::Scop => &[
                "{name} est une société coopérative et participative (SCOP) : nos {n} salariés sont majoritaires au capital et élisent leur dirigeant.",
                "Coopérative de salariés créée en {year}, {name} réinvestit l'essentiel de ses résultats dans l'entreprise.",
            ],
            Profile::Scic => &[
                "{name} est une société coopérative d'intérêt collectif (SCIC) associant salariés, usagers, collectivités et partenaires.",
                "Coopérative d'intérêt collectif créée en {year}, {name} réunit autour d'un même projet salariés, clients et collectivités locales.",
            ],
            Profile::Association => &[
                "{name} est une association loi 1901 de l'économie sociale et solidaire, créée en {year}.",
                "Association d'utilité sociale, {name} développe depuis {year} des activités au service du territoire.",
            ],
            Profile::EsusCompany => &[
                "{name} est une entreprise agréée ESUS (entreprise solidaire d'utilité sociale) créée en {year}.",
                "Entreprise à impact social, {name} emploie {n} personnes et réinvestit ses bénéfices dans son projet.",
            ],
        };
        let mut t = rng.pick(opts).to_string();
        if s.legal_form == "7366" {
            t = "{name} est un ESAT public rattaché à un établissement médico-social, qui accompagne {n} travailleurs.".to_string();
        }
        t.replace("{name}", name)
            .replace("{n}", &employees.max(3).to_string())
            .replace("{year}", &founded.to_string())
    }

    /// Head count range and the share of insertion or disabled workers.
    pub fn staff(self, rng: &mut Rng) -> (i64, Option<i64>) {
        let (lo, hi, share): (i64, i64, Option<(f64, f64)>) = match self {
            Profile::Esat => (15, 140, Some((0.75, 0.9))),
            Profile::Ea => (8, 120, Some((0.55, 0.85))),
            Profile::Aci => (8, 45, Some((0.7, 0.9))),
            Profile::Ei => (5, 80, Some((0.5, 0.8))),
            Profile::Ai => (3, 60, Some((0.8, 0.95))),
            Profile::Etti => (5, 90, Some((0.7, 0.9))),
            Profile::Eiti => (3, 20, Some((0.6, 0.9))),
            Profile::Geiq => (4, 60, Some((0.6, 0.9))),
            Profile::Scop => (3, 60, None),
            Profile::Scic => (3, 40, None),
            Profile::Association => (2, 40, None),
            Profile::EsusCompany => (2, 50, None),
        };
        // Log-uniform: many small structures, a few large ones.
        let n = ((lo as f64).ln() + rng.f64() * ((hi as f64).ln() - (lo as f64).ln()))
            .exp()
            .round() as i64;
        let ins = share.map(|(a, b)| ((n as f64) * rng.range_f64(a, b)).round() as i64);
        (n, ins)
    }

    /// Founding year range.
    pub fn founded(self, rng: &mut Rng) -> i32 {
        let (lo, hi) = match self {
            Profile::Esat => (1965, 2015),
            Profile::Ea | Profile::Aci | Profile::Ai | Profile::Association => (1980, 2022),
            Profile::Geiq | Profile::Etti => (1990, 2022),
            Profile::Eiti => (2019, 2024),
            Profile::Scic => (2002, 2024),
            _ => (1985, 2024),
        };
        rng.range_i64(lo, hi) as i32
    }
}

/// A profile for a supplier of `trade`, drawn from the trade's weights.
pub fn sample_profile(rng: &mut Rng, trade: &Trade) -> Profile {
    let weights: Vec<f64> = trade.profiles.iter().map(|(_, w)| f64::from(*w)).collect();
    trade.profiles[rng.weighted(&weights)].0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referential::Referential;

    #[test]
    fn legal_forms_exist_and_flags_are_coherent() {
        let r = Referential::get();
        let mut rng = Rng::new(5);
        for p in Profile::ALL {
            for _ in 0..300 {
                let s = p.structure(&mut rng);
                assert!(
                    r.legal_form(s.legal_form).is_some(),
                    "{p:?} {}",
                    s.legal_form
                );
                if let Some(naf) = s.naf_override {
                    assert!(r.naf.get(naf).is_some(), "{naf}");
                }
                if s.legal_form.starts_with("92") || s.legal_form == "9300" {
                    assert!(s.ess, "associations and foundations are in the SSE");
                }
                if s.legal_form == "7366" {
                    assert!(!s.ess && !s.esus);
                }
                assert!(!s.kinds.contains(&Kind::SEP));
                assert!(s.inferred_kinds.iter().all(|k| s.kinds.contains(k)));
            }
        }
    }

    #[test]
    fn a_geiq_is_never_declared_as_an_siae() {
        let mut rng = Rng::new(6);
        for _ in 0..200 {
            let s = Profile::Geiq.structure(&mut rng);
            assert!(s.kinds.iter().all(|k| !k.is_siae()));
        }
    }
}
