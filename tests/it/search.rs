//! The search core end to end: French analysis, filters, the serves rule, planner agreement,
//! geography against brute force, consistency with the store (sync, rebuild, crash), and the
//! `essor search` / `essor reindex` commands.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use essor::index::{
    BBox, Filters, GeoClause, GeoMatch, PerimeterSpec, PlaceRef, PlanHint, SearchIndex,
    SearchQuery, SearchResults, Sort, parse_cpv,
};
use essor::model::area::Area;
use essor::model::geo::GeoPoint;
use essor::model::ids::complete_siret;
use essor::model::need::Reserved;
use essor::model::supplier::{Activity, Address, Kind, Mode, Offer, Supplier, Zone};
use essor::model::validate_supplier;
use essor::referential::Referential;
use essor::store::Store;
use essor::util::Rng;
use proptest::prelude::*;

fn siret(i: u64) -> String {
    complete_siret(&format!("{:013}", 1_000_000_000_000u64 + i))
}

fn supplier(i: u64, name: &str, description: &str, commune: &str) -> Supplier {
    Supplier {
        siret: siret(i),
        name: name.into(),
        description: description.into(),
        address: Address {
            commune: commune.into(),
            ..Address::default()
        },
        ..Supplier::default()
    }
}

fn put(store: &Store, mut s: Supplier) -> Supplier {
    validate_supplier(&mut s).unwrap_or_else(|e| panic!("invalid test supplier {}: {e}", s.name));
    store.put_supplier(&s, "test", "put").unwrap();
    s
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    index: SearchIndex,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        Fixture {
            _dir: dir,
            store,
            index,
        }
    }

    fn path(&self) -> &Path {
        self._dir.path()
    }

    fn put(&self, s: Supplier) -> Supplier {
        put(&self.store, s)
    }

    fn sync(&self) {
        self.index.sync(&self.store).unwrap();
    }

    fn search(&self, q: &SearchQuery) -> SearchResults {
        self.index.search(q).unwrap()
    }

    fn names(&self, text: &str) -> Vec<String> {
        let q = SearchQuery {
            text: text.into(),
            per_page: 100,
            ..SearchQuery::default()
        };
        self.search(&q).hits.into_iter().map(|h| h.name).collect()
    }
}

fn text(t: &str) -> SearchQuery {
    SearchQuery {
        text: t.into(),
        per_page: 1000,
        ..SearchQuery::default()
    }
}

fn french_fixture() -> Fixture {
    let f = Fixture::new();
    f.put(supplier(
        1,
        "Les Jardins de Cocagne",
        "Entretien d'espace vert et tonte de pelouses pour les communes.",
        "81004",
    ));
    f.put(supplier(
        2,
        "Arbres et Cie",
        "Taille et elagage des arbres, abattage.",
        "31555",
    ));
    f.put(supplier(
        3,
        "Propreté Service",
        "Nettoyage de bureaux et de locaux administratifs.",
        "34172",
    ));
    f.put(supplier(
        4,
        "Atelier Fil",
        "Couture, retouches et confection de rideaux.",
        "69123",
    ));
    let mut s = supplier(
        5,
        "Eau Claire",
        "Prestations sur les réseaux d'eau.",
        "13055",
    );
    s.activities = vec![Activity {
        label: Some("Assainissement".into()),
        cpv: vec!["90911200-8".into()],
        ..Activity::default()
    }];
    f.put(s);
    f.put(supplier(
        6,
        "Bureau d'études",
        "Conseil en organisation pour l'entretien du patrimoine.",
        "75056",
    ));
    f.sync();
    f
}

#[test]
fn plural_and_singular_match_each_other() {
    let f = french_fixture();
    assert_eq!(f.names("espaces verts"), ["Les Jardins de Cocagne"]);
}

#[test]
fn accents_and_case_are_ignored() {
    let f = french_fixture();
    assert_eq!(f.names("Élagage"), ["Arbres et Cie"]);
    assert_eq!(f.names("ÉLAGAGE des ARBRES"), ["Arbres et Cie"]);
}

#[test]
fn elided_articles_are_ignored() {
    let f = french_fixture();
    let hits = f.names("l'entretien");
    assert!(
        hits.contains(&"Les Jardins de Cocagne".to_string()),
        "{hits:?}"
    );
    assert!(hits.contains(&"Bureau d'études".to_string()), "{hits:?}");
    assert_eq!(f.names("l’entretien"), hits);
}

#[test]
fn a_one_letter_typo_in_a_seven_letter_word_still_finds_it() {
    let f = french_fixture();
    assert_eq!(f.names("coutire"), ["Atelier Fil"]);
    assert_eq!(
        f.names("cuoture"),
        ["Atelier Fil"],
        "a transposition is one edit"
    );
    // Four letters: no typo tolerance.
    assert!(f.names("taile").contains(&"Arbres et Cie".to_string()));
    assert!(f.names("eauz").is_empty());
}

#[test]
fn cpv_prefix_in_the_text_matches_every_level() {
    let f = french_fixture();
    for code in ["9091", "90", "909112", "90911200", "90911200-8"] {
        assert_eq!(f.names(code), ["Eau Claire"], "{code}");
    }
    assert!(f.names("9092").is_empty());
}

#[test]
fn thesaurus_expands_trades() {
    let f = french_fixture();
    assert_eq!(f.names("ménage"), ["Propreté Service"]);
    assert_eq!(f.names("paysagiste"), ["Les Jardins de Cocagne"]);
    // The typed word ranks above its synonyms.
    f.put(supplier(7, "Ménage Plus", "Ménage à domicile.", "81004"));
    f.sync();
    assert_eq!(f.names("ménage"), ["Ménage Plus", "Propreté Service"]);
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let f = french_fixture();
    assert_eq!(f.names("nettoy"), ["Propreté Service"]);
    // Not once a space follows.
    assert!(f.names("nettoy ").is_empty());
}

#[test]
fn every_word_must_match() {
    let f = french_fixture();
    assert_eq!(f.names("tonte pelouses"), ["Les Jardins de Cocagne"]);
    assert!(f.names("tonte rideaux").is_empty());
}

#[test]
fn hits_explain_matched_words_and_highlight_them() {
    let f = french_fixture();
    let q = SearchQuery {
        snippets: true,
        ..text("élagage arbres")
    };
    let res = f.search(&q);
    let h = &res.hits[0];
    assert_eq!(h.reasons[0], "mots : élagage, arbres");
    assert!(
        h.snippets
            .iter()
            .any(|s| s.to_html().contains("<mark>elagage</mark>")),
        "{:?}",
        h.snippets
    );
    assert_eq!(h.supplier.siret, h.siret);
}

#[test]
fn closed_suppliers_never_appear() {
    let f = french_fixture();
    let mut s = supplier(8, "Fermé Couture", "Couture.", "81004");
    s.closed = true;
    f.put(s);
    f.sync();
    assert_eq!(f.names("couture"), ["Atelier Fil"]);
    assert!(f.index.supplier(&siret(8)).unwrap().is_none());
    let all = f.search(&SearchQuery::default());
    assert_eq!(all.total, 6);
}

#[test]
fn no_text_and_no_filter_lists_every_supplier_and_total_counts_all() {
    let f = french_fixture();
    let res = f.search(&SearchQuery {
        per_page: 2,
        ..SearchQuery::default()
    });
    assert_eq!(res.total, 6);
    assert_eq!(res.hits.len(), 2);
    let page3 = f.search(&SearchQuery {
        per_page: 2,
        page: 3,
        ..SearchQuery::default()
    });
    assert_eq!(page3.hits.len(), 2);
    assert!(
        page3
            .hits
            .iter()
            .all(|h| !res.hits.iter().any(|g| g.siret == h.siret))
    );
}

#[test]
fn deletes_and_updates_are_applied_by_sync() {
    let f = french_fixture();
    f.store.delete_supplier(&siret(4), "test").unwrap();
    let mut s = supplier(
        3,
        "Propreté Service",
        "Blanchisserie industrielle.",
        "34172",
    );
    s.kinds = vec![Kind::ESAT];
    f.put(s);
    let report = f.index.sync(&f.store).unwrap();
    assert_eq!(report.applied, 2);
    assert_eq!(report.seq, f.store.last_seq().unwrap());
    assert!(f.names("couture").is_empty());
    assert!(f.names("administratifs").is_empty());
    assert_eq!(f.names("pressing"), ["Propreté Service"]);
}

// ---- filters ----

fn filters_fixture() -> Fixture {
    let f = Fixture::new();
    let mut a = supplier(
        10,
        "ESAT du Tarn",
        "Conditionnement et blanchisserie.",
        "81004",
    );
    a.kinds = vec![Kind::ESAT];
    a.legal_form = Some("9220".into());
    a.labels = vec!["Qualiopi".into()];
    a.naf = Some("88.10C".into());
    a.activities = vec![Activity {
        cpv: vec!["98311000".into()],
        modes: vec![Mode::Services],
        ..Activity::default()
    }];
    f.put(a);
    let mut b = supplier(11, "Chantier Vert", "Espaces verts.", "31555");
    b.kinds = vec![Kind::ACI];
    b.ess = true;
    b.activities = vec![Activity {
        cpv: vec!["77310000".into()],
        modes: vec![Mode::Services],
        ..Activity::default()
    }];
    f.put(b);
    let mut c = supplier(12, "Coop Bois", "Menuiserie.", "75107");
    c.ess = true;
    c.esus = true;
    c.legal_form = Some("5458".into());
    c.labels = vec!["Écolabel".into()];
    c.activities = vec![Activity {
        cpv: vec!["45000000".into()],
        modes: vec![Mode::Goods],
        ..Activity::default()
    }];
    f.put(c);
    f.sync();
    f
}

fn filtered(f: &Fixture, filters: Filters) -> Vec<String> {
    let q = SearchQuery {
        filters,
        per_page: 100,
        ..SearchQuery::default()
    };
    let mut v: Vec<String> = f.search(&q).hits.into_iter().map(|h| h.name).collect();
    v.sort();
    v
}

#[test]
fn filters_select_and_combine() {
    let f = filters_fixture();
    assert_eq!(
        filtered(
            &f,
            Filters {
                kinds: vec![Kind::ESAT, Kind::ACI],
                ..Filters::default()
            }
        ),
        ["Chantier Vert", "ESAT du Tarn"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                reserved: Some(Reserved::L2113_12),
                ..Filters::default()
            }
        ),
        ["ESAT du Tarn"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                reserved: Some(Reserved::L2113_15),
                ..Filters::default()
            }
        ),
        ["Chantier Vert", "Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                ess: Some(true),
                esus: Some(true),
                ..Filters::default()
            }
        ),
        ["Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                labels: vec!["ecolabel".into()],
                ..Filters::default()
            }
        ),
        ["Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                naf: vec!["881".into()],
                ..Filters::default()
            }
        ),
        ["ESAT du Tarn"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                modes: vec![Mode::Goods],
                ..Filters::default()
            }
        ),
        ["Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                legal_families: vec![essor::referential::LegalFamily::Cooperative],
                ..Filters::default()
            }
        ),
        ["Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                regions: vec!["76".into()],
                ..Filters::default()
            }
        ),
        ["Chantier Vert", "ESAT du Tarn"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                departements: vec!["81".into()],
                ..Filters::default()
            }
        ),
        ["ESAT du Tarn"]
    );
    // A city code covers its arrondissements.
    assert_eq!(
        filtered(
            &f,
            Filters {
                communes: vec!["75056".into()],
                ..Filters::default()
            }
        ),
        ["Coop Bois"]
    );
    assert_eq!(
        filtered(
            &f,
            Filters {
                kinds: vec![Kind::ESAT],
                regions: vec!["11".into()],
                ..Filters::default()
            }
        ),
        Vec::<String>::new()
    );
}

#[test]
fn cpv_filter_matches_below_and_weakly_above() {
    let f = filters_fixture();
    let q = |c: &str| Filters {
        cpv: vec![parse_cpv(c).unwrap()],
        ..Filters::default()
    };
    assert_eq!(filtered(&f, q("773")), ["Chantier Vert"]);
    // The supplier's 45000000 is above 45442100: a weaker match, explained.
    let res = f.search(&SearchQuery {
        filters: q("45442100"),
        ..SearchQuery::default()
    });
    assert_eq!(res.hits[0].name, "Coop Bois");
    assert!(
        res.hits[0]
            .reasons
            .contains(&"CPV 45000000 (code plus général)".to_string()),
        "{:?}",
        res.hits[0].reasons
    );
    assert!(parse_cpv("90911200-3").is_err());
    assert!(parse_cpv("99").is_err());
    assert!(parse_cpv("4").is_err());
}

#[test]
fn facets_count_every_match() {
    let f = filters_fixture();
    let res = f.search(&SearchQuery {
        facets: true,
        per_page: 1,
        ..SearchQuery::default()
    });
    let facets = res.facets.unwrap();
    assert_eq!(res.total, 3);
    let count = |v: &[essor::index::FacetCount], k: &str| {
        v.iter().find(|c| c.value == k).map_or(0, |c| c.count)
    };
    assert_eq!(count(&facets.kinds, "ESAT"), 1);
    assert_eq!(count(&facets.regions, "76"), 2);
    assert_eq!(count(&facets.departements, "75"), 1);
    assert_eq!(count(&facets.labels, "Qualiopi"), 1);
    assert_eq!(count(&facets.modes, "services"), 2);
    assert_eq!(count(&facets.legal_families, "association"), 1);
}

// ---- geography ----

fn zoned(
    i: u64,
    name: &str,
    commune: &str,
    zone: Option<Zone>,
    cpv: &[&str],
    label: Option<&str>,
) -> Supplier {
    let mut s = supplier(i, name, "Prestations.", commune);
    s.activities = vec![Activity {
        label: label.map(String::from),
        cpv: cpv.iter().map(|c| c.to_string()).collect(),
        zone,
        ..Activity::default()
    }];
    s
}

fn serves(f: &Fixture, place: PlaceRef, filters: Filters, text: &str) -> Vec<String> {
    let q = SearchQuery {
        text: text.into(),
        filters,
        geo: Some(GeoClause::Serves {
            place,
            perimeter: None,
        }),
        per_page: 100,
        ..SearchQuery::default()
    };
    let mut v: Vec<String> = f.search(&q).hits.into_iter().map(|h| h.name).collect();
    v.sort();
    v
}

#[test]
fn serves_follows_the_contract_rule() {
    let f = Fixture::new();
    // Albi (81004), in the Tarn, Occitanie.
    f.put(zoned(
        20,
        "National",
        "75107",
        Some(Zone {
            national: Some(true),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.put(zoned(
        21,
        "Tarn",
        "31555",
        Some(Zone {
            areas: Some(vec!["dept:81".into()]),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.put(zoned(
        22,
        "Rayon",
        "81065",
        Some(Zone {
            radius_km: Some(50.0),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.put(zoned(
        23,
        "Rayon court",
        "31555",
        Some(Zone {
            radius_km: Some(5.0),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.put(supplier(24, "Sans activité Tarn", "", "81065"));
    f.put(zoned(25, "Sans zone Gard", "30189", None, &[], None));
    f.put(zoned(
        26,
        "Paris",
        "75056",
        Some(Zone {
            areas: Some(vec!["commune:75056".into()]),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.sync();
    let albi = PlaceRef::Commune("81004".into());
    assert_eq!(
        serves(&f, albi.clone(), Filters::default(), ""),
        ["National", "Rayon", "Sans activité Tarn", "Tarn"]
    );
    // An arrondissement is covered by its city.
    assert_eq!(
        serves(
            &f,
            PlaceRef::Commune("75107".into()),
            Filters::default(),
            ""
        ),
        ["National", "Paris"]
    );
    // A point belongs to the commune whose centre is nearest (the Eiffel tower: Paris 7e).
    assert_eq!(
        serves(
            &f,
            PlaceRef::Point(GeoPoint::new(48.8584, 2.2945).unwrap()),
            Filters::default(),
            ""
        ),
        ["National", "Paris"]
    );
    let res = f.search(&SearchQuery {
        geo: Some(GeoClause::Serves {
            place: albi,
            perimeter: None,
        }),
        filters: Filters {
            kinds: vec![],
            ..Filters::default()
        },
        text: "".into(),
        per_page: 100,
        ..SearchQuery::default()
    });
    let tarn = res.hits.iter().find(|h| h.name == "Tarn").unwrap();
    assert!(
        tarn.reasons
            .contains(&"intervient dans le Tarn (81)".to_string()),
        "{:?}",
        tarn.reasons
    );
    let rayon = res.hits.iter().find(|h| h.name == "Rayon").unwrap();
    assert!(matches!(rayon.geo, Some(GeoMatch::Serves(ref m)) if m.activity == Some(0)));
    assert!(
        rayon.reasons[0].starts_with("intervient dans un rayon de 50 km (à "),
        "{:?}",
        rayon.reasons
    );
}

#[test]
fn the_relevant_activitys_zone_is_the_one_that_counts() {
    let f = Fixture::new();
    let mut s = supplier(30, "Deux métiers", "Prestations.", "31555");
    s.activities = vec![
        Activity {
            label: Some("Nettoyage de locaux".into()),
            cpv: vec!["90910000".into()],
            zone: Some(Zone {
                areas: Some(vec!["dept:31".into()]),
                ..Zone::default()
            }),
            ..Activity::default()
        },
        Activity {
            label: Some("Espaces verts".into()),
            cpv: vec!["77310000".into()],
            zone: Some(Zone {
                areas: Some(vec!["region:76".into()]),
                ..Zone::default()
            }),
            ..Activity::default()
        },
    ];
    f.put(s);
    f.sync();
    let albi = || PlaceRef::Commune("81004".into());
    let cpv = |c: &str| Filters {
        cpv: vec![parse_cpv(c).unwrap()],
        ..Filters::default()
    };
    // Cleaning is only done in Haute-Garonne: not in Albi.
    assert!(serves(&f, albi(), cpv("9091"), "").is_empty());
    // Green spaces cover the whole region.
    assert_eq!(serves(&f, albi(), cpv("7731"), ""), ["Deux métiers"]);
    // Relevance by label words too.
    assert!(serves(&f, albi(), Filters::default(), "nettoyage").is_empty());
    assert_eq!(
        serves(&f, albi(), Filters::default(), "espaces verts"),
        ["Deux métiers"]
    );
    // Nothing relevant: any zone counts.
    assert_eq!(serves(&f, albi(), Filters::default(), ""), ["Deux métiers"]);
}

#[test]
fn a_perimeter_admits_suppliers_located_inside_it() {
    let f = Fixture::new();
    f.put(zoned(
        40,
        "Toulouse local",
        "31555",
        Some(Zone {
            radius_km: Some(1.0),
            ..Zone::default()
        }),
        &[],
        None,
    ));
    f.sync();
    let q = |perimeter| SearchQuery {
        geo: Some(GeoClause::Serves {
            place: PlaceRef::Commune("81004".into()),
            perimeter,
        }),
        ..SearchQuery::default()
    };
    assert_eq!(f.search(&q(None)).total, 0);
    let res = f.search(&q(Some(PerimeterSpec::RadiusKm(100.0))));
    assert_eq!(res.total, 1);
    assert!(
        res.hits[0].reasons[0].starts_with("situé à "),
        "{:?}",
        res.hits[0].reasons
    );
    assert_eq!(
        f.search(&q(Some(PerimeterSpec::Areas(vec![Area::Region(
            "76".into()
        )]))))
        .total,
        1
    );
    assert_eq!(
        f.search(&q(Some(PerimeterSpec::Areas(vec![Area::Dept(
            "81".into()
        )]))))
        .total,
        0
    );
}

#[test]
fn near_sorts_by_distance_and_explains_it() {
    let f = french_fixture();
    let toulouse = GeoPoint::new(43.6045, 1.4440).unwrap();
    let q = SearchQuery {
        geo: Some(GeoClause::Near {
            point: toulouse,
            radius_km: 250.0,
        }),
        sort: Sort::Distance,
        per_page: 10,
        ..SearchQuery::default()
    };
    let res = f.search(&q);
    let names: Vec<&str> = res.hits.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Arbres et Cie",
            "Les Jardins de Cocagne",
            "Propreté Service"
        ]
    );
    assert!(
        res.hits[1].reasons[0].starts_with("à "),
        "{:?}",
        res.hits[1].reasons
    );
    let d = res.hits[1].distance_km.unwrap();
    assert!((d - 62.0).abs() < 8.0, "{d}");
}

#[test]
fn in_view_handles_boxes_across_the_antimeridian() {
    let f = Fixture::new();
    // Nouméa (98818) and Papeete (98735) lie on either side of 180°? Both east; use a
    // box around Nouvelle-Calédonie crossing it.
    let mut a = supplier(50, "Nouméa", "Services.", "98818");
    a.location = Some(GeoPoint::new(-22.27, 166.45).unwrap());
    f.put(a);
    let mut b = supplier(51, "Wallis", "Services.", "98613");
    b.location = Some(GeoPoint::new(-13.28, -176.17).unwrap());
    f.put(b);
    f.put(supplier(52, "Albi", "Services.", "81004"));
    f.sync();
    let q = |bbox| SearchQuery {
        geo: Some(GeoClause::InView { bbox }),
        per_page: 10,
        ..SearchQuery::default()
    };
    let mut names: Vec<String> = f
        .search(&q(BBox {
            south: -30.0,
            west: 160.0,
            north: -10.0,
            east: -170.0,
        }))
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect();
    names.sort();
    assert_eq!(names, ["Nouméa", "Wallis"]);
    assert_eq!(
        f.search(&q(BBox {
            south: 40.0,
            west: -5.0,
            north: 52.0,
            east: 10.0
        }))
        .total,
        1
    );
}

// ---- random data, oracles and property tests ----

const TRADES: &[&str] = &[
    "nettoyage de locaux",
    "entretien des espaces verts",
    "tonte et élagage",
    "blanchisserie industrielle",
    "traiteur et restauration",
    "menuiserie bois",
    "imprimerie et reprographie",
    "déménagement de bureaux",
    "couture et retouches",
    "recyclage de palettes",
    "peinture en bâtiment",
    "logistique et conditionnement",
    "maraîchage biologique",
    "maintenance informatique",
];
const CPVS: &[&str] = &[
    "90910000", "90911200", "77310000", "77211400", "98311000", "55520000", "45442100", "79810000",
    "45000000", "98300000",
];
const LABELS: &[&str] = &["RGE", "Qualiopi", "Ecocert", "Écolabel"];
const FORMS: &[&str] = &["9220", "5458", "5710", "9300", "9221"];
const NAFS: &[&str] = &["81.30Z", "88.10C", "81.21Z", "96.01A", "18.12Z"];
const DEPTS: &[&str] = &["81", "31", "34", "75", "13", "2A", "971"];

fn test_communes() -> Vec<&'static essor::referential::Commune> {
    Referential::get()
        .communes
        .all()
        .iter()
        .filter(|c| DEPTS.contains(&c.dept.as_str()) && c.center.is_some())
        .collect()
}

fn random_zone(rng: &mut Rng, communes: &[&essor::referential::Commune]) -> Option<Zone> {
    let r = Referential::get();
    match rng.below(8) {
        0 | 1 => None,
        2 => Some(Zone {
            national: Some(true),
            ..Zone::default()
        }),
        3 | 4 => Some(Zone {
            radius_km: Some(rng.range_f64(1.0, 150.0)),
            ..Zone::default()
        }),
        _ => {
            let mut areas = Vec::new();
            for _ in 0..rng.range_i64(1, 3) {
                let c = communes[rng.index(communes.len())];
                areas.push(match rng.below(5) {
                    0 => format!("commune:{}", r.communes.city_of(c).code),
                    1 => format!("dept:{}", c.dept),
                    2 => format!("region:{}", c.region),
                    3 => match &c.epci {
                        Some(e) => format!("epci:{e}"),
                        None => format!("dept:{}", c.dept),
                    },
                    _ => format!("commune:{}", c.code),
                });
            }
            let radius = rng.chance(0.2).then(|| rng.range_f64(1.0, 60.0));
            Some(Zone {
                areas: Some(areas),
                radius_km: radius,
                ..Zone::default()
            })
        }
    }
}

fn random_supplier(rng: &mut Rng, i: u64, communes: &[&essor::referential::Commune]) -> Supplier {
    let c = communes[rng.index(communes.len())];
    let trade = TRADES[rng.index(TRADES.len())];
    let other = TRADES[rng.index(TRADES.len())];
    let mut s = supplier(
        i,
        &format!("Structure {i} {}", trade.split(' ').next().unwrap()),
        "",
        &c.code,
    );
    s.description =
        format!("Nous proposons {trade} et aussi {other} pour les collectivités du territoire.");
    s.offers = vec![Offer {
        title: trade.to_string(),
        description: format!("Prestations de {other}."),
    }];
    if rng.chance(0.5) {
        let centre = c.center.unwrap();
        let lat = (centre.lat + rng.range_f64(-0.2, 0.2)).clamp(-90.0, 90.0);
        let lon = (centre.lon + rng.range_f64(-0.2, 0.2)).clamp(-180.0, 180.0);
        s.location = Some(GeoPoint::new(lat, lon).unwrap());
    }
    for k in Kind::ALL {
        if rng.chance(0.12) {
            s.kinds.push(k);
        }
    }
    s.ess = rng.chance(0.4);
    s.esus = rng.chance(0.15);
    if rng.chance(0.7) {
        s.legal_form = Some(FORMS[rng.index(FORMS.len())].into());
    }
    if rng.chance(0.6) {
        s.naf = Some(NAFS[rng.index(NAFS.len())].into());
    }
    for l in LABELS {
        if rng.chance(0.2) {
            s.labels.push(l.to_string());
        }
    }
    for _ in 0..rng.below(4) {
        let mut cpv = Vec::new();
        for _ in 0..rng.range_i64(0, 2) {
            cpv.push(CPVS[rng.index(CPVS.len())].to_string());
        }
        let mut modes = Vec::new();
        for m in Mode::ALL {
            if rng.chance(0.4) {
                modes.push(m);
            }
        }
        s.activities.push(Activity {
            label: rng
                .chance(0.7)
                .then(|| TRADES[rng.index(TRADES.len())].to_string()),
            cpv,
            modes,
            zone: random_zone(rng, communes),
        });
    }
    s.closed = rng.chance(0.04);
    s
}

/// A store and index of random suppliers, written in several batches with updates and
/// deletes so that the index has several segments and deleted documents.
fn random_fixture(seed: u64, n: u64) -> (Fixture, Vec<Supplier>) {
    let f = Fixture::new();
    let communes = test_communes();
    let mut rng = Rng::new(seed);
    let mut live: std::collections::BTreeMap<String, Supplier> = Default::default();
    for batch in 0..4 {
        for i in 0..n / 4 {
            let s = random_supplier(&mut rng, batch * n + i, &communes);
            let mut v = s.clone();
            validate_supplier(&mut v).unwrap();
            f.store
                .put_suppliers(std::slice::from_ref(&v), "test")
                .unwrap();
            live.insert(v.siret.clone(), v);
        }
        // Update and delete a few.
        let keys: Vec<String> = live.keys().cloned().collect();
        for _ in 0..n / 40 {
            let k = &keys[rng.index(keys.len())];
            if rng.chance(0.5) {
                if live.remove(k).is_some() {
                    f.store.delete_supplier(k, "test").unwrap();
                }
            } else if let Some(old) = live.get(k) {
                let idx: u64 = old.name.split(' ').nth(1).unwrap().parse().unwrap();
                let mut s = random_supplier(&mut rng, idx, &communes);
                validate_supplier(&mut s).unwrap();
                f.store.put_supplier(&s, "test", "put").unwrap();
                live.insert(k.clone(), s);
            }
        }
        f.sync();
    }
    (f, live.into_values().collect())
}

fn random_world_fixture() -> &'static (Fixture, Vec<Supplier>) {
    static F: std::sync::OnceLock<(Fixture, Vec<Supplier>)> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let f = Fixture::new();
        let mut rng = Rng::new(99);
        let mut all = Vec::new();
        for i in 0..3000u64 {
            let (lat, lon) = match i % 4 {
                0 => (rng.range_f64(-90.0, 90.0), rng.range_f64(-180.0, 180.0)),
                1 => (
                    rng.range_f64(-60.0, 60.0),
                    if rng.chance(0.5) {
                        rng.range_f64(175.0, 180.0)
                    } else {
                        rng.range_f64(-180.0, -175.0)
                    },
                ),
                2 => (
                    if rng.chance(0.5) {
                        rng.range_f64(85.0, 90.0)
                    } else {
                        rng.range_f64(-90.0, -85.0)
                    },
                    rng.range_f64(-180.0, 180.0),
                ),
                _ => (rng.range_f64(42.0, 50.0), rng.range_f64(-4.0, 8.0)),
            };
            let mut s = supplier(5000 + i, &format!("Point {i}"), "Services.", "81004");
            s.location = Some(GeoPoint::new(lat, lon).unwrap());
            let s = put(&f.store, s);
            all.push(s);
            if i % 1000 == 999 {
                f.sync();
            }
        }
        f.sync();
        (f, all)
    })
}

fn arb_point() -> impl Strategy<Value = GeoPoint> {
    prop_oneof![
        (-90.0..=90.0f64, -180.0..=180.0f64),
        (
            -60.0..60.0f64,
            prop_oneof![175.0..=180.0f64, -180.0..-175.0f64]
        ),
        (
            prop_oneof![85.0..=90.0f64, -90.0..-85.0f64],
            -180.0..=180.0f64
        ),
        (42.0..50.0f64, -4.0..8.0f64),
    ]
    .prop_map(|(lat, lon)| GeoPoint::new(lat, lon).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn near_equals_a_brute_force_haversine_scan(p in arb_point(), radius in prop_oneof![0.5..50.0f64, 50.0..800.0f64, 800.0..6000.0f64]) {
        let (f, all) = random_world_fixture();
        let mut expected: Vec<(String, f64)> = all
            .iter()
            .filter_map(|s| { let d = s.location.unwrap().distance_km(&p); (d <= radius).then(|| (s.siret.clone(), d)) })
            .collect();
        expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        for plan in [PlanHint::Auto, PlanHint::GeoFirst, PlanHint::Scan] {
            let q = SearchQuery {
                geo: Some(GeoClause::Near { point: p, radius_km: radius }),
                sort: Sort::Distance,
                per_page: 10_000,
                plan,
                ..SearchQuery::default()
            };
            let res = f.search(&q);
            prop_assert_eq!(res.total as usize, expected.len());
            let got: Vec<(String, f64)> = res.hits.iter().map(|h| (h.siret.clone(), h.distance_km.unwrap())).collect();
            prop_assert_eq!(got.iter().map(|g| &g.0).collect::<Vec<_>>(), expected.iter().map(|e| &e.0).collect::<Vec<_>>());
            for (g, e) in got.iter().zip(&expected) {
                prop_assert!((g.1 - e.1).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn in_view_equals_a_brute_force_box_test(
        south in -90.0..90.0f64, height in 0.0..60.0f64, west in -180.0..180.0f64, width in 0.0..120.0f64,
    ) {
        let (f, all) = random_world_fixture();
        let north = (south + height).min(90.0);
        let mut east = west + width;
        if east > 180.0 { east -= 360.0; }
        let bbox = BBox { south, west, north, east };
        let expected: BTreeSet<String> = all.iter().filter(|s| bbox.contains(s.location.unwrap())).map(|s| s.siret.clone()).collect();
        for plan in [PlanHint::GeoFirst, PlanHint::Scan] {
            let q = SearchQuery { geo: Some(GeoClause::InView { bbox }), per_page: 10_000, plan, ..SearchQuery::default() };
            let got: BTreeSet<String> = f.search(&q).hits.into_iter().map(|h| h.siret).collect();
            prop_assert_eq!(&got, &expected);
        }
    }
}

/// The contract's serves rule, applied naively to a profile.
fn oracle_serves(
    s: &Supplier,
    place: &essor::referential::Commune,
    point: GeoPoint,
    cpv: &[String],
) -> bool {
    let r = Referential::get();
    let own = r.commune(&s.address.commune).unwrap();
    if s.activities.is_empty() {
        return own.dept == place.dept;
    }
    let loc = s.location.or_else(|| r.communes.centre(own)).unwrap();
    let sig = |c: &str| essor::referential::codes::significant_prefix(&c[..8]).to_string();
    let relevant = |a: &Activity| {
        a.cpv.iter().any(|c| {
            cpv.iter().any(|q| {
                c[..8].starts_with(q.as_str()) || (q.starts_with(&sig(c)) && sig(c).len() < q.len())
            })
        })
    };
    let acts: Vec<&Activity> = if s.activities.iter().any(relevant) {
        s.activities.iter().filter(|a| relevant(a)).collect()
    } else {
        s.activities.iter().collect()
    };
    acts.iter().any(|a| match &a.zone {
        None => own.dept == place.dept,
        Some(z) => {
            z.is_national()
                || z.areas
                    .iter()
                    .flatten()
                    .any(|x| r.area_contains(&Area::parse(x).unwrap(), place))
                || z.radius_km
                    .is_some_and(|rad| loc.distance_km(&point) <= (rad * 1e6).round() / 1e6)
        }
    })
}

fn serving_fixture() -> &'static (Fixture, Vec<Supplier>) {
    static F: std::sync::OnceLock<(Fixture, Vec<Supplier>)> = std::sync::OnceLock::new();
    F.get_or_init(|| random_fixture(7, 2400))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn serves_equals_a_brute_force_application_of_the_rule(
        pick in 0usize..100_000, as_point in any::<bool>(), jitter in (-0.05..0.05f64, -0.05..0.05f64), cpv_pick in 0usize..20,
    ) {
        let (f, live) = serving_fixture();
        let r = Referential::get();
        let communes = test_communes();
        let c = communes[pick % communes.len()];
        let (place_ref, place, point) = if as_point {
            let centre = c.center.unwrap();
            let p = GeoPoint::new(centre.lat + jitter.0, centre.lon + jitter.1).unwrap();
            let near = r.commune_at(p).unwrap();
            (PlaceRef::Point(p), near, p)
        } else {
            (PlaceRef::Commune(c.code.clone()), c, r.communes.centre(c).unwrap())
        };
        let cpv: Vec<String> = if cpv_pick < CPVS.len() { vec![essor::referential::codes::significant_prefix(CPVS[cpv_pick]).to_string()] } else { vec![] };
        let filters = Filters { cpv: cpv.iter().map(|c| parse_cpv(c).unwrap()).collect(), ..Filters::default() };
        let has_cpv = |s: &Supplier| cpv.is_empty() || s.all_cpv().any(|code| {
            let sig = essor::referential::codes::significant_prefix(&code[..8]).to_string();
            cpv.iter().any(|q| code.starts_with(q.as_str()) || (q.starts_with(&sig) && sig.len() < q.len()))
        });
        let expected: BTreeSet<String> = live
            .iter()
            .filter(|s| !s.closed && has_cpv(s) && oracle_serves(s, place, point, &cpv))
            .map(|s| s.siret.clone())
            .collect();
        for plan in [PlanHint::Auto, PlanHint::GeoFirst, PlanHint::Scan] {
            let q = SearchQuery {
                filters: filters.clone(),
                geo: Some(GeoClause::Serves { place: place_ref.clone(), perimeter: None }),
                per_page: 10_000,
                plan,
                ..SearchQuery::default()
            };
            let got: BTreeSet<String> = f.search(&q).hits.into_iter().map(|h| h.siret).collect();
            prop_assert_eq!(&got, &expected, "plan {:?}", plan);
        }
    }
}

fn arb_query() -> impl Strategy<Value = SearchQuery> {
    let words = prop::sample::subsequence(
        vec![
            "nettoyage",
            "espaces",
            "verts",
            "tonte",
            "élagage",
            "blanchisserie",
            "menuiserie",
            "imprim",
            "couture",
            "ménage",
            "logistique",
            "peintre",
            "90",
            "7731",
            "collectivités",
            "paysagiste",
        ],
        0..3,
    );
    let kinds = prop::sample::subsequence(Kind::ALL.to_vec(), 0..2);
    let geo = prop_oneof![
        Just(None),
        (0usize..1000, 1.0..120.0f64).prop_map(|(i, r)| {
            let cs = test_communes();
            Some(GeoClause::Near {
                point: cs[i % cs.len()].center.unwrap(),
                radius_km: r,
            })
        }),
        (0usize..1000).prop_map(|i| {
            let cs = test_communes();
            Some(GeoClause::Serves {
                place: PlaceRef::Commune(cs[i % cs.len()].code.clone()),
                perimeter: None,
            })
        }),
        Just(Some(GeoClause::InView {
            bbox: BBox {
                south: 43.0,
                west: 1.0,
                north: 44.5,
                east: 4.0
            }
        })),
    ];
    let extra = (0u8..8, 0usize..10, any::<bool>(), any::<bool>());
    (words, kinds, geo, extra).prop_map(
        |(words, kinds, geo, (which, pick, facets, by_distance))| {
            let mut filters = Filters {
                kinds,
                ..Filters::default()
            };
            match which {
                0 => filters.reserved = Some(Reserved::ALL[pick % Reserved::ALL.len()]),
                1 => filters.cpv = vec![parse_cpv(CPVS[pick % CPVS.len()]).unwrap()],
                2 => filters.labels = vec![LABELS[pick % LABELS.len()].to_string()],
                3 => filters.departements = vec![DEPTS[pick % DEPTS.len()].to_string()],
                4 => filters.ess = Some(true),
                5 => filters.naf = vec![NAFS[pick % NAFS.len()].replace('.', "")[..3].to_string()],
                _ => {}
            }
            let sort = if by_distance
                && matches!(geo, Some(GeoClause::Near { .. } | GeoClause::Serves { .. }))
            {
                Sort::Distance
            } else {
                Sort::Relevance
            };
            SearchQuery {
                text: words.join(" "),
                filters,
                geo,
                sort,
                per_page: 10_000,
                facets,
                ..SearchQuery::default()
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_returns_the_same_results(q in arb_query()) {
        let (f, _) = serving_fixture();
        let reference = f.search(&SearchQuery { plan: PlanHint::Scan, ..q.clone() });
        let key = |r: &SearchResults| r.hits.iter().map(|h| (h.siret.clone(), h.score, h.distance_km, h.reasons.clone())).collect::<Vec<_>>();
        for plan in [PlanHint::Auto, PlanHint::GeoFirst, PlanHint::IndexFirst] {
            let res = f.search(&SearchQuery { plan, ..q.clone() });
            prop_assert_eq!(res.total, reference.total, "plan {:?} driver {:?}", plan, res.plan.driver);
            prop_assert_eq!(key(&res), key(&reference), "plan {:?} driver {:?}", plan, res.plan.driver);
            prop_assert_eq!(&res.facets, &reference.facets);
        }
    }
}

#[test]
fn planner_picks_geography_for_small_areas_and_text_when_selective() {
    let (f, _) = serving_fixture();
    let albi = GeoPoint::new(43.9259, 2.14756).unwrap();
    let small = SearchQuery {
        text: "nettoyage".into(),
        geo: Some(GeoClause::Near {
            point: albi,
            radius_km: 3.0,
        }),
        ..SearchQuery::default()
    };
    assert_eq!(f.search(&small).plan.driver, essor::index::Driver::Geo);
    let big = SearchQuery {
        text: "couture".into(),
        geo: Some(GeoClause::Near {
            point: albi,
            radius_km: 2000.0,
        }),
        ..SearchQuery::default()
    };
    assert_eq!(f.search(&big).plan.driver, essor::index::Driver::Text);
}

// ---- consistency with the store ----

#[test]
fn the_refresher_makes_writes_searchable_while_searches_run() {
    let f = french_fixture();
    let refresher = f
        .index
        .start_refresher(f.store.clone(), Duration::from_millis(20));
    let index = f.index.clone();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            let mut n = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let res = index.search(&text("couture")).unwrap();
                assert!(res.total >= 1);
                n += 1;
            }
            n
        });
        for i in 0..20u64 {
            let s = f.put(supplier(
                100 + i,
                &format!("Couture {i}"),
                "Couture.",
                "81004",
            ));
            let seq = f.store.get_supplier(&s.siret).unwrap().unwrap().seq;
            assert!(
                f.index.wait_for_seq(seq, Duration::from_secs(30)),
                "write {i} not visible"
            );
            assert!(f.index.supplier(&s.siret).unwrap().is_some());
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert!(searcher.join().unwrap() > 0);
    });
    drop(refresher);
    assert_eq!(f.names("couture").len(), 21);
}

#[test]
fn rebuild_swaps_a_fresh_generation_and_another_handle_follows() {
    let f = french_fixture();
    let other = SearchIndex::open(f.path()).unwrap();
    let before = f.index.snapshot().generation().to_string();
    let report = f.index.rebuild(&f.store).unwrap();
    assert_eq!(report.seq, f.store.last_seq().unwrap());
    assert_ne!(f.index.snapshot().generation(), before);
    assert_eq!(f.names("couture"), ["Atelier Fil"]);
    // A second handle (another process, say) follows the pointer on its next sync.
    other.sync(&f.store).unwrap();
    assert_eq!(
        other.snapshot().generation(),
        f.index.snapshot().generation()
    );
    let gens: Vec<String> = std::fs::read_dir(f.path().join("search"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    assert_eq!(gens.len(), 1, "{gens:?}");
}

#[test]
fn an_index_of_another_format_is_rebuilt_from_the_store_when_opened() {
    let f = french_fixture();
    let root = f.path().join("search");
    let old = f.index.snapshot().generation().to_string();
    assert_eq!(
        std::fs::read_to_string(root.join(&old).join("essor-format"))
            .unwrap()
            .trim(),
        essor::index::text::FORMAT_VERSION.to_string()
    );
    // A data directory written by an older essor: its generation records format 1 (or
    // nothing), and its terms were analysed otherwise.
    std::fs::write(root.join(&old).join("essor-format"), "1\n").unwrap();
    assert!(essor::index::text::stale_format(&root.join(&old)).is_some());
    let path = f._dir.path();
    drop(f.index);
    let upgraded = SearchIndex::open(path).unwrap();
    let fresh = upgraded.snapshot().generation().to_string();
    assert_ne!(fresh, old, "a stale generation must not be searched");
    assert_eq!(upgraded.snapshot().num_suppliers(), 0);
    upgraded.sync(&f.store).unwrap();
    assert_eq!(upgraded.applied_seq(), f.store.last_seq().unwrap());
    let names: Vec<String> = upgraded
        .search(&text("couture"))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.name)
        .collect();
    assert_eq!(names, ["Atelier Fil"]);
    assert!(!root.join(&old).exists(), "the stale generation is removed");
    assert!(essor::index::text::stale_format(&root.join(&fresh)).is_none());
    // Reopening the rebuilt index keeps it.
    drop(upgraded);
    let again = SearchIndex::open(path).unwrap();
    assert_eq!(again.snapshot().generation(), fresh);
}

/// The queries compared before and after a crash.
fn probe_queries() -> Vec<SearchQuery> {
    let albi = GeoPoint::new(43.9259, 2.14756).unwrap();
    vec![
        SearchQuery {
            per_page: 10_000,
            facets: true,
            ..SearchQuery::default()
        },
        SearchQuery {
            text: "nettoyage".into(),
            per_page: 10_000,
            facets: true,
            ..SearchQuery::default()
        },
        SearchQuery {
            text: "espaces verts".into(),
            per_page: 10_000,
            ..SearchQuery::default()
        },
        SearchQuery {
            geo: Some(GeoClause::Near {
                point: albi,
                radius_km: 60.0,
            }),
            per_page: 10_000,
            ..SearchQuery::default()
        },
        SearchQuery {
            geo: Some(GeoClause::Serves {
                place: PlaceRef::Commune("31555".into()),
                perimeter: None,
            }),
            filters: Filters {
                kinds: vec![Kind::ESAT, Kind::ACI, Kind::EI],
                ..Filters::default()
            },
            per_page: 10_000,
            ..SearchQuery::default()
        },
    ]
}

/// What must not depend on how the index got there: the matches, their distances and
/// geographic reasons, totals and facets (BM25 statistics do count deleted documents until
/// merges, so scores may differ slightly).
fn fingerprint(index: &SearchIndex) -> Vec<String> {
    let mut out = Vec::new();
    for q in probe_queries() {
        let res = index.search(&q).unwrap();
        out.push(format!("total {}", res.total));
        out.push(format!("facets {:?}", res.facets));
        let mut hits: Vec<String> = res
            .hits
            .iter()
            .map(|h| {
                let geo: Vec<&String> = h
                    .reasons
                    .iter()
                    .filter(|r| !r.starts_with("mots"))
                    .collect();
                format!(
                    "{} {:?} {:?}",
                    h.siret,
                    h.distance_km.map(|d| (d * 1e6).round()),
                    geo
                )
            })
            .collect();
        hits.sort();
        out.extend(hits);
    }
    out
}

#[test]
fn crash_writer_child() {
    // Runs only as the child process of `a_sigkill_during_writes_loses_nothing`.
    let Ok(dir) = std::env::var("ESSOR_CRASH_CHILD_DIR") else {
        return;
    };
    let seed: u64 = std::env::var("ESSOR_CRASH_SEED").unwrap().parse().unwrap();
    let store = Store::open(Path::new(&dir)).unwrap();
    let index = SearchIndex::open(Path::new(&dir)).unwrap();
    let communes = test_communes();
    let mut rng = Rng::new(seed);
    let mut out = std::io::stdout();
    for op in 0..100_000u64 {
        let i = rng.below(400);
        if rng.chance(0.15) {
            let _ = store.delete_supplier(&siret(i), "child");
        } else {
            let mut batch = Vec::new();
            for k in 0..rng.range_i64(1, 20) as u64 {
                let mut s = random_supplier(&mut rng, (i + k * 37) % 400, &communes);
                validate_supplier(&mut s).unwrap();
                batch.push(s);
            }
            store.put_suppliers(&batch, "child").unwrap();
        }
        if op % 40 == 39 {
            index.rebuild(&store).unwrap();
        } else if rng.chance(0.8) {
            index.sync(&store).unwrap();
        }
        use std::io::Write;
        writeln!(out, "op {op}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn a_sigkill_during_writes_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng::new(2024);
    for round in 0..5u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "search::crash_writer_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ESSOR_CRASH_CHILD_DIR", dir.path())
            .env("ESSOR_CRASH_SEED", (round + 1).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let kill_after = rng.range_i64(3, 60) as usize;
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seen = 0;
        while seen < kill_after {
            match lines.next() {
                Some(Ok(l)) if l.starts_with("op ") => seen += 1,
                Some(Ok(_)) => {}
                _ => panic!("the writer child stopped early"),
            }
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        let report = index.sync(&store).unwrap();
        assert!(!report.lagging, "the killed writer's lock must be gone");
        assert_eq!(index.applied_seq(), store.last_seq().unwrap());
        let recovered = fingerprint(&index);
        index.rebuild(&store).unwrap();
        let fresh = fingerprint(&index);
        assert_eq!(
            recovered, fresh,
            "round {round}: recovered index differs from a fresh reindex"
        );
        assert!(index.snapshot().num_suppliers() > 0);
    }
}

// ---- command line ----

fn essor(data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_essor"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("ESSOR_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn essor_search_prints_the_contract_json() {
    let f = french_fixture();
    let out = essor(f.path(), &["search", "couture", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["results"][0]["name"], "Atelier Fil");
    assert_eq!(v["results"][0]["siret"], siret(4));
    assert!(v["results"][0]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(v["results"][0]["reasons"][0], "mots : couture");
    assert!(v["results"][0].get("distance_km").is_none());

    let out = essor(f.path(), &["search", "--json", "--limit", "2"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 6, "no text and no filter lists every supplier");
    assert_eq!(v["results"].as_array().unwrap().len(), 2);

    let out = essor(
        f.path(),
        &[
            "search",
            "--near",
            "43.6045,1.4440",
            "--radius-km",
            "100",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["total"], 2,
        "a geographic clause alone lists what it selects"
    );
    assert!(v["results"][0]["distance_km"].as_f64().is_some());

    let out = essor(f.path(), &["search", "--serves", "commune:81004", "--json"]);
    assert!(out.status.success());
    let out = essor(f.path(), &["search", "couture"]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("1 fournisseur trouvé.") && human.contains("Atelier Fil"),
        "{human}"
    );
}

#[test]
fn essor_search_rejects_bad_arguments_with_exit_2() {
    let f = french_fixture();
    for args in [
        &["search", "--near", "43.6,1.44"][..],
        &["search", "--kinds", "XYZ"],
        &["search", "--cpv", "99999999"],
        &["search", "--cpv", "90911200-3"],
        &["search", "--reserved", "L9999"],
        &["search", "--serves", "commune:99999"],
        &["search", "--near", "95,1", "--radius-km", "3"],
        &["search", "--limit", "0"],
    ] {
        let out = essor(f.path(), args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn essor_reindex_rebuilds_and_search_catches_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    put(&store, supplier(60, "Atelier Fil", "Couture.", "81004"));
    // The first search builds the index from the store.
    let out = essor(dir.path(), &["search", "couture", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    // A write the index has not seen: the next search catches up before searching.
    put(
        &store,
        supplier(61, "Nouvelle Couture", "Couture.", "81004"),
    );
    let out = essor(dir.path(), &["search", "couture", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 2);
    let out = essor(dir.path(), &["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    store.delete_supplier(&siret(60), "test").unwrap();
    let out = essor(dir.path(), &["search", "couture", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["results"][0]["name"], "Nouvelle Couture");
}
