//! The supplier generator: one realistic French SSE establishment per index, from the trade
//! catalogue, a structure profile and a commune drawn by population.
//!
//! Supplier `i` of seed `s` depends only on `(s, i)` and the options, so the stream can be
//! produced lazily, in any chunking, and still give the same bytes. Output is already in the
//! normalised form `model::validate_supplier` produces (canonical CPV and NAF, sorted kinds and
//! modes), so validating a generated supplier changes nothing. What this module does not do:
//! write files (the CLI does) or know about needs.

use crate::model::geo::GeoPoint;
use crate::model::ids::{complete_siren, complete_siret};
use crate::model::supplier::{
    Activity, Address, Capacity, Contact, Mode, Offer, Reference, Supplier, Zone,
};
use crate::referential::{Commune, CommuneKind, Referential};
use crate::util::Rng;

use super::buyers::{local_buyer, public_buyer};
use super::catalog::{Reach, TRADES, Trade};
use super::places::{World, jitter, spread_km};
use super::structures::{Profile, Structure, sample_profile};
use super::text::{
    a_city, capitalize, city_display, de_city, fill, fill_number, in_dept, in_region, join_fr,
    pick_distinct, pick_str, slug,
};
use super::{REFERENCE_UNIX_S, SupplierOptions, sub_seed, timestamp_rfc3339};

const STREAM_SUPPLIER: u64 = 0x5u64;

/// How a zone was built, for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneKind {
    Default,
    Radius,
    Departements,
    Epci,
    Communes,
    Region,
    National,
    Mixed,
}

impl ZoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Default => "default (own département)",
            ZoneKind::Radius => "radius",
            ZoneKind::Departements => "départements",
            ZoneKind::Epci => "EPCI",
            ZoneKind::Communes => "communes",
            ZoneKind::Region => "region",
            ZoneKind::National => "national",
            ZoneKind::Mixed => "radius + département",
        }
    }

    /// Classify an existing zone (for statistics over generated data).
    pub fn of(zone: Option<&Zone>) -> ZoneKind {
        let Some(z) = zone else {
            return ZoneKind::Default;
        };
        if z.is_national() {
            return ZoneKind::National;
        }
        let areas = z.areas.as_deref().unwrap_or_default();
        match (
            z.radius_km.is_some(),
            areas.first().map(|a| a.split(':').next().unwrap_or("")),
        ) {
            (true, Some(_)) => ZoneKind::Mixed,
            (true, None) => ZoneKind::Radius,
            (false, Some("dept")) => ZoneKind::Departements,
            (false, Some("epci")) => ZoneKind::Epci,
            (false, Some("commune")) => ZoneKind::Communes,
            (false, Some("region")) => ZoneKind::Region,
            _ => ZoneKind::Default,
        }
    }
}

fn canonical_cpv(code8: &str) -> String {
    Referential::get()
        .cpv
        .get(code8)
        .map(|c| c.code.clone())
        .unwrap_or_else(|| panic!("catalogue CPV {code8} exists"))
}

/// The unique SIRET of supplier `index` (an affine bijection of the index onto 70 million
/// SIREN prefixes, offset by the seed).
fn siret_for(seed: u64, index: u64, rng: &mut Rng) -> String {
    const SPACE: u64 = 70_000_000;
    const MULT: u64 = 48_271; // coprime with 2, 5 and 7: a bijection modulo SPACE
    let offset = sub_seed(seed, 0x51, 0) % SPACE;
    let prefix8 = 30_000_000 + (index.wrapping_mul(MULT) % SPACE + offset) % SPACE;
    let siren = complete_siren(&prefix8.to_string());
    let nic = [1u64, 1, 1, 2, 2, 3, 4][rng.index(7)];
    complete_siret(&format!("{siren}{nic:04}"))
}

fn zone_radius(rng: &mut Rng, reach: Reach) -> f64 {
    let choices: &[f64] = match reach {
        Reach::Local => &[5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0],
        Reach::Regional => &[20.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0],
        Reach::National => &[30.0, 50.0, 80.0, 100.0, 150.0, 200.0],
    };
    *rng.pick(choices)
}

/// A zone for an activity of a supplier at `home` / `point`, with the French sentence that
/// describes it.
fn make_zone(
    rng: &mut Rng,
    reach: Reach,
    home: &Commune,
    point: GeoPoint,
) -> (Option<Zone>, ZoneKind, String) {
    let r = Referential::get();
    let w = World::get();
    let city = city_display(&home.name);
    let dept = r.departement(&home.dept);
    let dept_name = dept.map(|d| d.name.as_str()).unwrap_or("");
    let weights: [f64; 8] = match reach {
        // default, radius, depts, epci, communes, region, national, mixed
        Reach::Local => [30.0, 28.0, 12.0, 10.0, 7.0, 6.0, 1.0, 6.0],
        Reach::Regional => [26.0, 24.0, 18.0, 4.0, 2.0, 14.0, 5.0, 7.0],
        Reach::National => [18.0, 12.0, 12.0, 2.0, 1.0, 15.0, 35.0, 5.0],
    };
    let kind = [
        ZoneKind::Default,
        ZoneKind::Radius,
        ZoneKind::Departements,
        ZoneKind::Epci,
        ZoneKind::Communes,
        ZoneKind::Region,
        ZoneKind::National,
        ZoneKind::Mixed,
    ][rng.weighted(&weights)];
    let zone = |national: Option<bool>, radius_km: Option<f64>, areas: Option<Vec<String>>| {
        Some(Zone {
            national,
            radius_km,
            areas,
        })
    };
    match kind {
        ZoneKind::Radius => {
            let km = zone_radius(rng, reach);
            (
                zone(None, Some(km), None),
                kind,
                format!(
                    "Nous intervenons dans un rayon de {km} km autour {}.",
                    de_city(city)
                ),
            )
        }
        ZoneKind::Departements => {
            let neigh = w
                .dept_neighbours
                .get(&home.dept)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let k = rng.index(4).min(neigh.len());
            let mut depts = vec![home.dept.clone()];
            depts.extend(neigh[..k].iter().cloned());
            let names: Vec<String> = depts
                .iter()
                .filter_map(|d| r.departement(d))
                .map(|d| format!("{} ({})", d.name, d.code))
                .collect();
            let areas = depts.iter().map(|d| format!("dept:{d}")).collect();
            (
                zone(None, None, Some(areas)),
                kind,
                format!("Zone d'intervention : {}.", join_fr(&names)),
            )
        }
        ZoneKind::Epci => match home.epci.as_deref().and_then(|e| r.epci(e)) {
            Some(e) => (
                zone(None, None, Some(vec![format!("epci:{}", e.siren)])),
                kind,
                format!("Nous intervenons sur le territoire de {}.", e.name),
            ),
            None => make_default(home, dept_name),
        },
        ZoneKind::Communes => {
            let near = w.epci_neighbours(home, point, 2 + rng.index(6));
            let mut areas = vec![format!("commune:{}", home.code)];
            areas.extend(near.iter().map(|c| format!("commune:{}", c.code)));
            let names: Vec<String> = near.iter().map(|c| c.name.clone()).collect();
            let sentence = if names.is_empty() {
                format!("Nous intervenons uniquement {}.", a_city(city))
            } else {
                format!(
                    "Nous intervenons {} et dans les communes voisines : {}.",
                    a_city(city),
                    join_fr(&names)
                )
            };
            (zone(None, None, Some(areas)), kind, sentence)
        }
        ZoneKind::Region => {
            let reg = r.region(&home.region);
            let mut areas = vec![format!("region:{}", home.region)];
            let mut text = reg.map(|g| in_region(&g.code, &g.name)).unwrap_or_default();
            if rng.chance(0.2) {
                // Also a neighbouring region, through the nearest département of another region.
                let other = w
                    .dept_neighbours
                    .get(&home.dept)
                    .into_iter()
                    .flatten()
                    .filter_map(|d| r.departement(d))
                    .find(|d| d.region != home.region);
                if let Some(d) = other
                    && let Some(g) = r.region(&d.region)
                {
                    areas.push(format!("region:{}", g.code));
                    text = format!("{text} et {}", in_region(&g.code, &g.name));
                }
            }
            (
                zone(None, None, Some(areas)),
                kind,
                format!("Nous intervenons partout {text}."),
            )
        }
        ZoneKind::National => (
            zone(Some(true), None, None),
            kind,
            "Nous intervenons partout en France, y compris à distance.".to_string(),
        ),
        ZoneKind::Mixed => {
            let km = zone_radius(rng, reach);
            (
                zone(None, Some(km), Some(vec![format!("dept:{}", home.dept)])),
                kind,
                format!(
                    "Nous intervenons {} et dans un rayon de {km} km autour {}.",
                    in_dept(&home.dept, dept_name),
                    de_city(city)
                ),
            )
        }
        ZoneKind::Default => make_default(home, dept_name),
    }
}

fn make_default(home: &Commune, dept_name: &str) -> (Option<Zone>, ZoneKind, String) {
    let city = city_display(&home.name);
    (
        None,
        ZoneKind::Default,
        format!(
            "Basés {}, nous intervenons {}.",
            a_city(city),
            in_dept(&home.dept, dept_name)
        ),
    )
}

fn activity_modes(rng: &mut Rng, t: &Trade, profile: Profile) -> Vec<Mode> {
    let mut modes: Vec<Mode> = if t.modes.len() > 1 {
        match rng.weighted(&[0.6, 0.25, 0.15]) {
            0 => t.modes.to_vec(),
            1 => vec![t.modes[0]],
            _ => vec![t.modes[t.modes.len() - 1]],
        }
    } else {
        t.modes.to_vec()
    };
    if let Some(m) = profile.extra_mode()
        && rng.chance(0.7)
    {
        modes.push(m);
    }
    modes.sort();
    modes.dedup();
    modes
}

fn activity_cpv(rng: &mut Rng, t: &Trade) -> Vec<String> {
    let first = *rng.pick(t.own_cpv);
    let mut codes = vec![canonical_cpv(first)];
    let pool: Vec<&str> = t
        .own_cpv
        .iter()
        .chain(t.extra_cpv)
        .copied()
        .filter(|c| *c != first)
        .collect();
    let extra = rng.weighted(&[0.45, 0.35, 0.2]);
    for c in pick_distinct(rng, &pool, extra) {
        codes.push(canonical_cpv(c));
    }
    codes
}

fn phone(rng: &mut Rng, home: &Commune) -> String {
    let prefix = match home.dept.as_str() {
        "971" => "05 90".to_string(),
        "972" => "05 96".to_string(),
        "973" => "05 94".to_string(),
        "974" => "02 62".to_string(),
        "976" => "02 69".to_string(),
        d => {
            let p = match home.region.as_str() {
                "11" => "01",
                "24" | "28" | "52" | "53" => "02",
                "27" | "32" | "44" => "03",
                "84" | "93" | "94" => "04",
                "76" if matches!(d, "11" | "30" | "34" | "48" | "66") => "04",
                _ => "05",
            };
            let p = if rng.chance(0.15) { "06" } else { p };
            format!("{p} {:02}", rng.below(100))
        }
    };
    format!(
        "{prefix} {:02} {:02} {:02}",
        rng.below(100),
        rng.below(100),
        rng.below(100)
    )
}

const STREETS: &[&str] = &[
    "rue des Lilas",
    "avenue Jean Jaurès",
    "rue de la République",
    "boulevard Victor Hugo",
    "chemin du Moulin",
    "rue des Écoles",
    "rue Pasteur",
    "avenue de la Gare",
    "rue des Artisans",
    "allée du Stade",
    "rue Louise Michel",
    "impasse des Tanneurs",
    "rue Gambetta",
    "avenue du Général de Gaulle",
    "rue Jean Moulin",
    "chemin des Vignes",
    "rue de l'Industrie",
    "rue Marie Curie",
    "avenue Émile Zola",
    "allée des Peupliers",
    "route de la Plaine",
    "rue du Four",
];

fn street(rng: &mut Rng, home: &Commune) -> String {
    if home.population < 800 && rng.chance(0.35) {
        return format!(
            "Lieu-dit {}",
            rng.pick(&[
                "La Borde",
                "Le Moulin",
                "Les Granges",
                "La Font",
                "Le Bourg",
                "Les Prés"
            ])
        );
    }
    if rng.chance(0.15) {
        return format!(
            "ZA {}, {} rue de l'Artisanat",
            rng.pick(&[
                "du Moulin",
                "des Portes",
                "de la Plaine",
                "du Causse",
                "des Sablons"
            ]),
            1 + rng.below(40)
        );
    }
    let num = 1 + rng.below(120);
    let bis = if rng.chance(0.06) { " bis" } else { "" };
    format!("{num}{bis} {}", rng.pick(STREETS))
}

/// Names that say nothing of the trade, as many ESATs and associations have.
const GENERIC_STEMS: &[&str] = &[
    "L'Envol",
    "Passerelle",
    "Horizon",
    "Le Tremplin",
    "Trait d'Union",
    "L'Escale",
    "La Ruche",
    "Archipel",
    "Le Phare",
    "Les Ateliers du Lien",
    "Élan Solidaire",
    "Cap Avenir",
    "Les Compagnons",
    "La Courte Échelle",
    "Le Pont",
    "Ensemble",
    "Les Ateliers de l'Espoir",
    "Les Tilleuls",
    "La Source",
    "Le Grain de Sel",
    "Les Genêts",
    "Mosaïque",
    "Tournesol",
    "Les Ateliers du Val",
    "La Clé",
    "Le Colibri",
    "Boussole",
    "L'Étape",
    "Les Ateliers du Pays",
];

/// A name stem: the trade's or a generic one, often with the place in it, so that names are
/// varied and not always telling.
fn name_stem(rng: &mut Rng, t: &Trade, profile: Profile, home: &Commune) -> String {
    let city = city_display(&home.name);
    let generic_p = match profile {
        Profile::Esat | Profile::Aci | Profile::Association | Profile::Ai | Profile::Ea => 0.35,
        _ => 0.1,
    };
    let template = if rng.chance(generic_p) {
        *rng.pick(GENERIC_STEMS)
    } else {
        *rng.pick(t.names)
    };
    if template.contains('{') {
        return fill(template, &[("city", city), ("de_city", &de_city(city))]);
    }
    let dept = Referential::get()
        .departement(&home.dept)
        .map(|d| d.name.as_str())
        .unwrap_or("");
    match rng.weighted(&[0.45, 0.3, 0.1, 0.15]) {
        0 => template.to_string(),
        1 => format!("{template} {city}"),
        2 if !dept.is_empty() => format!("{template} {dept}"),
        _ => format!("{template} {}", de_city(city)),
    }
}

fn updated_at(rng: &mut Rng) -> String {
    const DAY: u64 = 86_400;
    let age_days = match rng.weighted(&[0.45, 0.25, 0.30]) {
        0 => rng.below(180),
        1 => 180 + rng.below(185),
        _ => 365 + rng.below(730),
    };
    let s = REFERENCE_UNIX_S - age_days * DAY - rng.below(DAY);
    timestamp_rfc3339(s)
}

fn pick_secondary(rng: &mut Rng, main: usize, profile: Profile) -> Option<usize> {
    let t = &TRADES[main];
    let mut pool: Vec<&str> = t.related.to_vec();
    pool.extend(profile.typical_trades());
    pool.retain(|k| *k != t.key);
    if pool.is_empty() {
        return None;
    }
    let k = rng.pick(&pool);
    super::catalog::trade_index(k)
}

/// Generate supplier `index` of `seed`.
pub fn generate_supplier(seed: u64, index: u64, opts: &SupplierOptions) -> Supplier {
    let r = Referential::get();
    let w = World::get();
    let mut rng = Rng::new(sub_seed(seed, STREAM_SUPPLIER, index));
    let supply: Vec<f64> = TRADES.iter().map(|t| t.supply).collect();
    let main = rng.weighted(&supply);
    let t = &TRADES[main];
    let profile = sample_profile(&mut rng, t);
    let st: Structure = profile.structure(&mut rng);
    let home = w.sample_commune(&mut rng, opts.region.as_deref(), opts.region_share);
    let city = city_display(&home.name).to_string();
    let centre = r
        .communes
        .centre(home)
        .expect("sampled communes have a centre");
    let point = jitter(&mut rng, centre, spread_km(home));
    let siret = siret_for(seed, index, &mut rng);

    let stem = name_stem(&mut rng, t, profile, home);
    let name = profile.decorate_name(&mut rng, &stem);
    let brand = rng
        .chance(0.15)
        .then(|| {
            let other = fill(
                pick_str(&mut rng, t.names),
                &[("city", &city), ("de_city", &de_city(&city))],
            );
            if other == stem {
                format!("{stem} {city}")
            } else {
                other
            }
        })
        .filter(|b| *b != name);

    let (employees, insertion) = profile.staff(&mut rng);
    let founded = profile.founded(&mut rng);
    let naf = match st.naf_override {
        Some(n) => Some(n.to_string()),
        None => rng.chance(0.95).then(|| rng.pick(t.naf).to_string()),
    };

    // Address: arrondissements are sometimes written with the city's code, as some files do.
    let address_commune = match (&home.kind, &home.parent) {
        (CommuneKind::Arrondissement, Some(p)) if rng.chance(0.2) => p.clone(),
        _ => home.code.clone(),
    };
    let address = Address {
        street: rng.chance(0.9).then(|| street(&mut rng, home)),
        postcode: if rng.chance(0.95) {
            home.postcodes.first().cloned()
        } else {
            None
        },
        city: rng.chance(0.95).then(|| city.clone()),
        commune: address_commune,
    };
    let location = rng.chance(0.85).then_some(point);
    let sparse = rng.chance(0.07);

    let mut s = Supplier {
        siret,
        name: name.clone(),
        brand,
        kinds: st.kinds.clone(),
        ess: st.ess,
        esus: st.esus,
        legal_form: rng.chance(0.97).then(|| st.legal_form.to_string()),
        naf,
        address,
        location,
        inferred_kinds: st.inferred_kinds.clone(),
        closed: rng.chance(0.006),
        updated_at: Some(updated_at(&mut rng)),
        ..Default::default()
    };

    if sparse {
        // A thin profile, as imported from a register: little text, no zone.
        s.description = profile.intro(&mut rng, &name, &st, founded, employees);
        if rng.chance(0.6) {
            s.activities = vec![Activity {
                label: None,
                cpv: vec![canonical_cpv(pick_str(&mut rng, t.own_cpv))],
                modes: activity_modes(&mut rng, t, profile),
                zone: None,
            }];
        } else {
            let (title, desc) = rng.pick(t.offers);
            s.offers = vec![Offer {
                title: title.to_string(),
                description: desc.to_string(),
            }];
        }
        if rng.chance(0.5) {
            s.contact.email = Some(format!("contact@{}.fr", slug(&name, 30)));
        }
        return s;
    }

    // Activities: the main trade, sometimes a second one with its own zone.
    let (zone, _, zone_sentence) = make_zone(&mut rng, t.reach, home, point);
    let mut activities = vec![make_activity(&mut rng, t, profile, zone.clone())];
    let secondary = rng
        .chance(profile.p_secondary())
        .then(|| pick_secondary(&mut rng, main, profile))
        .flatten();
    if let Some(sec) = secondary {
        let ts = &TRADES[sec];
        let z = if rng.chance(0.5) {
            zone.clone()
        } else {
            make_zone(&mut rng, ts.reach, home, point).0
        };
        activities.push(make_activity(&mut rng, ts, profile, z));
    }
    s.activities = activities;

    // Description: who we are, what we do, where.
    let mut parts = vec![profile.intro(&mut rng, &name, &st, founded, employees)];
    let k = 1 + rng.index(3);
    for p in pick_distinct(&mut rng, t.pitch, k) {
        parts.push(p.to_string());
    }
    if let Some(sec) = secondary {
        parts.push(format!(
            "Nous proposons aussi : {}.",
            super::text::lowercase_first(TRADES[sec].label)
        ));
        parts.push(rng.pick(TRADES[sec].pitch).to_string());
    }
    parts.push(zone_sentence);
    if rng.chance(0.3) {
        parts.push(
            rng.pick(&[
                "Nous répondons aux marchés publics, y compris avec clause sociale.",
                "Chaque prestation finance l'accompagnement de nos salariés vers l'emploi durable.",
                "Devis gratuit sous 48 heures.",
                "Nos équipes sont encadrées par des professionnels du métier.",
                "Nous pouvons intervenir en cotraitance avec d'autres structures du territoire.",
            ])
            .to_string(),
        );
    }
    s.description = parts.join(" ");

    // Offers and references.
    let k = 2 + rng.index(3);
    s.offers = pick_distinct(&mut rng, t.offers, k)
        .into_iter()
        .map(|(a, b)| Offer {
            title: a.to_string(),
            description: b.to_string(),
        })
        .collect();
    if let Some(sec) = secondary
        && rng.chance(0.7)
    {
        let (a, b) = rng.pick(TRADES[sec].offers);
        s.offers.push(Offer {
            title: a.to_string(),
            description: b.to_string(),
        });
    }
    let num_refs = rng.weighted(&[0.25, 0.35, 0.25, 0.15]);
    for _ in 0..num_refs {
        let client_commune = w.sample_in_dept(&mut rng, &home.dept).unwrap_or(home);
        // Past clients are mostly communes and intercommunalities.
        let client = if rng.chance(0.7) {
            local_buyer(&mut rng, client_commune).name
        } else {
            public_buyer(&mut rng, client_commune).name
        };
        let template = t.works[rng.index(t.works.len())];
        let work = capitalize(&fill_number(&mut rng, template));
        s.references.push(Reference {
            client,
            description: format!("{work}."),
            year: rng.chance(0.8).then(|| rng.range_i64(2016, 2025) as i32),
        });
    }

    // Labels fitting the trade.
    let num_labels = rng.weighted(&[0.4, 0.4, 0.2]);
    s.labels = pick_distinct(&mut rng, t.labels, num_labels)
        .into_iter()
        .map(|l| l.to_string())
        .collect();

    // Capacity and contact.
    s.capacity = Capacity {
        employees: rng.chance(0.8).then_some(employees),
        insertion_employees: insertion.filter(|_| rng.chance(0.7)),
        turnover_eur: rng.chance(0.6).then(|| {
            ((employees as f64) * rng.range_f64(28_000.0, 75_000.0) / 1000.0).round() * 1000.0
        }),
        founded: rng.chance(0.8).then_some(founded),
    };
    let domain = slug(&name, 28);
    let tld = match st.legal_form {
        "5458" | "5558" | "5658" | "5460" | "5560" if rng.chance(0.4) => "coop",
        l if l.starts_with("92") && rng.chance(0.5) => "org",
        _ => "fr",
    };
    s.contact = Contact {
        email: rng.chance(0.85).then(|| {
            format!(
                "{}@{domain}.{tld}",
                rng.pick(&["contact", "accueil", "commercial", "devis", "direction"])
            )
        }),
        phone: rng.chance(0.8).then(|| phone(&mut rng, home)),
        website: rng
            .chance(0.6)
            .then(|| format!("https://www.{domain}.{tld}")),
    };
    s
}

fn make_activity(rng: &mut Rng, t: &Trade, profile: Profile, zone: Option<Zone>) -> Activity {
    let label = rng
        .chance(0.8)
        .then(|| rng.pick(t.activity_labels).to_string());
    let cpv = if rng.chance(0.9) || label.is_none() {
        activity_cpv(rng, t)
    } else {
        Vec::new()
    };
    Activity {
        label,
        cpv,
        modes: activity_modes(rng, t, profile),
        zone,
    }
}

/// A lazy, exact-size stream of generated suppliers.
#[derive(Debug, Clone)]
pub struct SupplierStream {
    seed: u64,
    next: u64,
    end: u64,
    opts: SupplierOptions,
}

impl SupplierStream {
    pub fn new(seed: u64, n: usize, opts: SupplierOptions) -> SupplierStream {
        SupplierStream {
            seed,
            next: 0,
            end: n as u64,
            opts,
        }
    }
}

impl Iterator for SupplierStream {
    type Item = Supplier;

    fn next(&mut self) -> Option<Supplier> {
        (self.next < self.end).then(|| {
            let s = generate_supplier(self.seed, self.next, &self.opts);
            self.next += 1;
            s
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next) as usize;
        (n, Some(n))
    }
}

impl ExactSizeIterator for SupplierStream {}

/// Used by tests: the trade a supplier was generated from.
#[cfg(test)]
pub(crate) fn main_trade_of(seed: u64, index: u64) -> &'static Trade {
    let mut rng = Rng::new(sub_seed(seed, STREAM_SUPPLIER, index));
    let supply: Vec<f64> = TRADES.iter().map(|t| t.supply).collect();
    &TRADES[rng.weighted(&supply)]
}
