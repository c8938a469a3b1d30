//! Public buyers near a commune, named the way they sign their notices (« Ville d'Albi »,
//! « CA de l'Albigeois », « Département du Tarn », « CHU de Toulouse »…), with a SIREN when
//! one is known (EPCI) or a plausible generated one.
//!
//! Used for need buyers and for supplier references. What this module does not do: claim
//! that these organisations exist or bought anything; generated SIRENs are form-valid only.

use crate::model::ids::complete_siren;
use crate::referential::{Commune, Referential};
use crate::util::Rng;

use super::text::{city_display, de_city, de_dept};

/// A buyer's display name and optional SIREN.
#[derive(Debug, Clone)]
pub struct PublicBuyer {
    pub name: String,
    pub siren: Option<String>,
    /// A short family tag (`commune`, `epci`, `departement`, …), for statistics.
    pub family: &'static str,
}

const LYCEE_NAMES: &[&str] = &[
    "Jean Jaurès",
    "Victor Hugo",
    "Jules Ferry",
    "Marie Curie",
    "Louise Michel",
    "Jean Moulin",
    "Simone Veil",
    "Condorcet",
    "Pierre Mendès France",
    "Olympe de Gouges",
];

/// A public buyer located at or near `c`.
pub fn public_buyer(rng: &mut Rng, c: &Commune) -> PublicBuyer {
    let r = Referential::get();
    let city_c = r.communes.city_of(c);
    let city = city_display(&city_c.name).to_string();
    let pop = city_c.population;
    let family = {
        // commune, EPCI, département, region, hospital, CCAS, school, social landlord
        let w = [
            45.0,
            20.0,
            10.0,
            4.0,
            if pop >= 10_000 { 6.0 } else { 0.0 },
            if pop >= 2_000 { 5.0 } else { 0.0 },
            if pop >= 3_000 { 5.0 } else { 0.0 },
            if pop >= 10_000 { 5.0 } else { 0.0 },
        ];
        rng.weighted(&w)
    };
    match family {
        1 => {
            if let Some(e) = c.epci.as_deref().and_then(|e| r.epci(e)) {
                return PublicBuyer {
                    name: e.name.clone(),
                    siren: Some(e.siren.clone()),
                    family: "epci",
                };
            }
            commune_buyer(rng, &city, c, gen_siren)
        }
        2 => {
            let name = r
                .departement(&c.dept)
                .map(|d| format!("Département {}", de_dept(&d.code, &d.name)))
                .unwrap_or_else(|| format!("Département {}", c.dept));
            PublicBuyer {
                name,
                siren: rng.chance(0.5).then(|| gen_siren(rng, &c.dept)),
                family: "departement",
            }
        }
        3 => {
            let name = r
                .region(&c.region)
                .map(|g| format!("Région {}", g.name))
                .unwrap_or_else(|| "Région".to_string());
            PublicBuyer {
                name,
                siren: None,
                family: "region",
            }
        }
        4 => {
            let name = if city_c.population >= 150_000 {
                format!("CHU {}", de_city(&city))
            } else {
                format!("Centre hospitalier {}", de_city(&city))
            };
            PublicBuyer {
                name,
                siren: rng.chance(0.4).then(|| gen_siren(rng, &c.dept)),
                family: "hopital",
            }
        }
        5 => PublicBuyer {
            name: format!("CCAS {}", de_city(&city)),
            siren: None,
            family: "ccas",
        },
        6 => {
            let kind = if rng.chance(0.5) {
                "Lycée"
            } else {
                "Collège"
            };
            PublicBuyer {
                name: format!("{kind} {} – {city}", rng.pick(LYCEE_NAMES)),
                siren: None,
                family: "etablissement_scolaire",
            }
        }
        7 => PublicBuyer {
            name: format!("{city} Habitat"),
            siren: rng.chance(0.3).then(|| gen_siren(rng, &c.dept)),
            family: "bailleur_social",
        },
        _ => commune_buyer(rng, &city, c, gen_siren),
    }
}

/// A commune or, one time in three, its EPCI: the buyers closest to the ground.
pub fn local_buyer(rng: &mut Rng, c: &Commune) -> PublicBuyer {
    let r = Referential::get();
    if rng.chance(0.33)
        && let Some(e) = c.epci.as_deref().and_then(|e| r.epci(e))
    {
        return PublicBuyer {
            name: e.name.clone(),
            siren: Some(e.siren.clone()),
            family: "epci",
        };
    }
    let city = city_display(&r.communes.city_of(c).name).to_string();
    commune_buyer(rng, &city, c, gen_siren)
}

/// The town hall of `c`'s commune.
pub fn town_hall(rng: &mut Rng, c: &Commune) -> PublicBuyer {
    let r = Referential::get();
    let city = city_display(&r.communes.city_of(c).name).to_string();
    commune_buyer(rng, &city, c, gen_siren)
}

fn gen_siren(rng: &mut Rng, dept: &str) -> String {
    // Public bodies' SIRENs start with 2; the département code gives them a local flavour.
    let d: String = dept.chars().filter(char::is_ascii_digit).take(2).collect();
    let prefix = format!("2{:0>2}{:05}", d, rng.below(100_000));
    complete_siren(&prefix)
}

fn commune_buyer(
    rng: &mut Rng,
    city: &str,
    c: &Commune,
    gen_siren: impl Fn(&mut Rng, &str) -> String,
) -> PublicBuyer {
    let forms = ["Ville {de}", "Mairie {de}", "Commune {de}"];
    let name = rng.pick(&forms).replace("{de}", &de_city(city));
    PublicBuyer {
        name,
        siren: rng.chance(0.4).then(|| gen_siren(rng, &c.dept)),
        family: "commune",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ids::siren_error;

    #[test]
    fn buyers_have_names_and_valid_sirens() {
        let r = Referential::get();
        let mut rng = Rng::new(2);
        for code in ["81004", "31555", "75115", "97411", "2A004"] {
            for _ in 0..50 {
                let b = public_buyer(&mut rng, r.commune(code).unwrap());
                assert!(!b.name.is_empty());
                if let Some(s) = b.siren {
                    assert!(siren_error(&s).is_none(), "{s}");
                }
            }
        }
    }
}
