//! `essor fixtures` and the synthetic data set: byte-identical output for the same arguments,
//! valid suppliers and needs, consistent ground truth, and the hard rules of the ground truth
//! checked on hand-made cases.

use std::path::Path;
use std::process::Command;

use essor::model::area::Area;
use essor::model::supplier::{Activity, Address, Kind, Mode, Supplier, Zone};
use essor::model::{Need, Perimeter, Place, Reserved, validate_need, validate_supplier};
use essor::referential::Referential;
use essor::synth::truth::{
    self, GeoQualification as Geo, InPerimeter, NeedTruth, Served, ZoneCover,
};

fn run_fixtures(out: &Path, seed: &str) {
    let status = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args([
            "fixtures",
            "--suppliers",
            "1000",
            "--needs",
            "50",
            "--seed",
            seed,
            "--out",
        ])
        .arg(out)
        .status()
        .expect("run essor");
    assert!(status.success());
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn fixtures_are_byte_identical_for_the_same_seed_and_differ_across_seeds() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    run_fixtures(a.path(), "1");
    run_fixtures(b.path(), "1");
    run_fixtures(c.path(), "2");
    for name in ["suppliers.jsonl", "needs.jsonl", "needs_truth.jsonl"] {
        let (x, y, z) = (
            read(a.path(), name),
            read(b.path(), name),
            read(c.path(), name),
        );
        assert!(!x.is_empty(), "{name} is empty");
        assert!(x == y, "{name} differs between two runs with the same seed");
        assert!(x != z, "{name} is the same for seeds 1 and 2");
    }
}

#[test]
fn the_files_are_the_library_generators_output_whatever_the_batching() {
    // 9000 suppliers span several batches and threads in the command.
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_essor"))
        .args([
            "fixtures",
            "--suppliers",
            "9000",
            "--needs",
            "20",
            "--seed",
            "5",
            "--region",
            "76",
            "--region-share",
            "0.5",
            "--out",
        ])
        .arg(dir.path())
        .status()
        .expect("run essor");
    assert!(status.success());
    let opts = essor::synth::SupplierOptions::weighted_towards("76", 0.5);
    let suppliers = essor::synth::generate_suppliers_with(5, 9000, &opts);
    let expected: String = suppliers
        .iter()
        .map(|s| serde_json::to_string(s).unwrap() + "\n")
        .collect();
    assert!(
        read(dir.path(), "suppliers.jsonl") == expected.as_bytes(),
        "suppliers.jsonl differs from the library's output"
    );
    let set = essor::synth::generate_needs(5, 20, &suppliers);
    let expected: String = set
        .needs
        .iter()
        .map(|n| serde_json::to_string(n).unwrap() + "\n")
        .collect();
    assert!(read(dir.path(), "needs.jsonl") == expected.as_bytes());
    let expected: String = set
        .truth
        .iter()
        .map(|t| serde_json::to_string(t).unwrap() + "\n")
        .collect();
    assert!(read(dir.path(), "needs_truth.jsonl") == expected.as_bytes());
}

#[test]
fn generated_files_validate_and_the_truth_refers_to_them() {
    let dir = tempfile::tempdir().unwrap();
    run_fixtures(dir.path(), "1");
    let r = Referential::get();
    let suppliers_text = String::from_utf8(read(dir.path(), "suppliers.jsonl")).unwrap();
    let mut suppliers = Vec::new();
    for line in suppliers_text.lines() {
        let mut s: Supplier = essor::model::parse_json(line.as_bytes()).unwrap();
        let before = s.clone();
        validate_supplier(&mut s).unwrap_or_else(|e| panic!("{}: {e:?}", s.siret));
        assert_eq!(s, before, "the generator writes normalised suppliers");
        for code in s.all_cpv() {
            assert!(r.cpv.get(code).is_some(), "{code}");
        }
        if let Some(naf) = &s.naf {
            assert!(r.naf.get(naf).is_some(), "{naf}");
        }
        suppliers.push(s);
    }
    assert_eq!(suppliers.len(), 1000);
    let sirets: std::collections::HashSet<&str> =
        suppliers.iter().map(|s| s.siret.as_str()).collect();
    assert_eq!(sirets.len(), 1000, "SIRETs are unique");

    let needs_text = String::from_utf8(read(dir.path(), "needs.jsonl")).unwrap();
    let truth_text = String::from_utf8(read(dir.path(), "needs_truth.jsonl")).unwrap();
    let needs: Vec<Need> = needs_text
        .lines()
        .map(|l| essor::model::parse_json(l.as_bytes()).unwrap())
        .collect();
    let truths: Vec<NeedTruth> = truth_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(needs.len(), 50);
    assert_eq!(truths.len(), 50);
    for (n, t) in needs.iter().zip(&truths) {
        let mut v = n.clone();
        validate_need(&mut v).unwrap_or_else(|e| panic!("{:?}: {e:?}", n.id));
        assert_eq!(&v, n, "the generator writes normalised needs");
        assert_eq!(n.id.as_deref(), Some(t.need_id.as_str()));
        assert!(!t.trades.is_empty());
        for j in &t.relevant {
            assert!(
                sirets.contains(j.siret.as_str()),
                "unknown SIRET {} in the truth",
                j.siret
            );
            assert!(j.grade == 1 || j.grade == 2);
        }
    }
    assert!(
        truths.iter().filter(|t| !t.relevant.is_empty()).count() >= 35,
        "most needs have answers"
    );
}

// ---- Hand-made cases for the hard rules -------------------------------------------------

fn supplier(commune: &str, activities: Vec<Activity>) -> Supplier {
    Supplier {
        siret: "12002701600357".into(),
        name: "Test".into(),
        address: Address {
            commune: commune.into(),
            ..Default::default()
        },
        activities,
        ..Default::default()
    }
}

fn activity(zone: Option<Zone>) -> Activity {
    Activity {
        label: None,
        cpv: vec!["77310000-6".into()],
        modes: vec![Mode::Services],
        zone,
    }
}

fn areas(list: &[&str]) -> Option<Zone> {
    Some(Zone {
        areas: Some(list.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    })
}

fn radius(km: f64) -> Option<Zone> {
    Some(Zone {
        radius_km: Some(km),
        ..Default::default()
    })
}

fn served(activity: usize, cover: ZoneCover) -> Geo {
    Geo::Serves(Served {
        activity: Some(activity),
        cover,
    })
}

fn need_at(commune: &str) -> Need {
    Need {
        id: Some("t".into()),
        buyer: essor::model::Buyer {
            name: "Ville".into(),
            siret: None,
        },
        title: "Besoin".into(),
        place: Place {
            commune: Some(commune.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn need_at_point(lat: f64, lon: f64) -> Need {
    Need {
        place: Place {
            commune: None,
            lat: Some(lat),
            lon: Some(lon),
        },
        ..need_at("75056")
    }
}

#[test]
fn a_need_in_paris_with_a_1_km_perimeter_includes_a_supplier_in_an_arrondissement() {
    // The 15th arrondissement's centre is about 4 km from Paris's centre, and the supplier's
    // only zone is its own arrondissement: it is inside the perimeter because the place (all of
    // Paris) is inside its own widening.
    let s = supplier("75115", vec![activity(areas(&["commune:75115"]))]);
    let mut n = need_at("75056");
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        None,
        "without a perimeter its zone does not cover all of Paris"
    );
    n.perimeter = Some(Perimeter {
        radius_km: Some(1.0),
        ..Default::default()
    });
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        Some(Geo::Located(InPerimeter::InPlace))
    );
    // Boulogne-Billancourt is outside Paris and about 8 km away: not inside a 1 km perimeter.
    let out = supplier("92012", vec![activity(areas(&["commune:92012"]))]);
    assert_eq!(truth::check(&n, &out, &[]).geography, None);
    // A 10 km perimeter includes it by distance.
    n.perimeter = Some(Perimeter {
        radius_km: Some(10.0),
        ..Default::default()
    });
    assert!(matches!(
        truth::check(&n, &out, &[]).geography,
        Some(Geo::Located(InPerimeter::Radius { .. }))
    ));
}

#[test]
fn a_city_zone_covers_a_point_in_one_of_its_arrondissements() {
    // A point near the Eiffel Tower belongs to the 7th arrondissement, which Paris contains.
    let n = need_at_point(48.8584, 2.2945);
    let s = supplier("75111", vec![activity(areas(&["commune:75056"]))]);
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        Some(served(0, ZoneCover::Area(Area::Commune("75056".into()))))
    );
    // An arrondissement's zone does not cover another arrondissement.
    let s = supplier("75111", vec![activity(areas(&["commune:75111"]))]);
    assert_eq!(truth::check(&n, &s, &[]).geography, None);
}

#[test]
fn an_epci_zone_covers_its_member_communes_only() {
    // Toulouse Métropole (243100518) contains Blagnac, not Albi.
    let s = supplier("31555", vec![activity(areas(&["epci:243100518"]))]);
    assert_eq!(
        truth::check(&need_at("31069"), &s, &[]).geography,
        Some(served(0, ZoneCover::Area(Area::Epci("243100518".into()))))
    );
    assert_eq!(truth::check(&need_at("81004"), &s, &[]).geography, None);
}

#[test]
fn a_radius_zone_is_great_circle_from_the_supplier_location_boundary_included() {
    let r = Referential::get();
    let albi = r.communes.centre(r.commune("81004").unwrap()).unwrap();
    let gaillac = r.communes.centre(r.commune("81099").unwrap()).unwrap();
    let d = albi.distance_km(&gaillac);
    assert!((15.0..30.0).contains(&d), "{d}");
    let mut s = supplier("81004", vec![activity(radius(d))]);
    s.location = Some(albi);
    assert!(
        matches!(
            truth::check(&need_at("81099"), &s, &[]).geography,
            Some(Geo::Serves(Served {
                cover: ZoneCover::Radius { .. },
                ..
            }))
        ),
        "on the boundary"
    );
    s.activities[0].zone = radius(d - 0.01);
    assert_eq!(truth::check(&need_at("81099"), &s, &[]).geography, None);
    // Toulouse is about 70 km from Albi.
    s.activities[0].zone = radius(30.0);
    assert_eq!(truth::check(&need_at("31555"), &s, &[]).geography, None);
    // Without a location, the commune's centre is used.
    s.location = None;
    s.activities[0].zone = radius(d + 0.01);
    assert!(truth::check(&need_at("81099"), &s, &[]).geography.is_some());
}

#[test]
fn no_zone_means_the_suppliers_own_departement() {
    let with_activity = supplier("81004", vec![activity(None)]);
    let without_activity = supplier("81004", vec![]);
    let own = ZoneCover::OwnDepartement("81".into());
    assert_eq!(
        truth::check(&need_at("81065"), &with_activity, &[]).geography,
        Some(served(0, own.clone()))
    );
    assert_eq!(
        truth::check(&need_at("81065"), &without_activity, &[]).geography,
        Some(Geo::Serves(Served {
            activity: None,
            cover: own
        }))
    );
    for s in [&with_activity, &without_activity] {
        assert_eq!(truth::check(&need_at("31555"), s, &[]).geography, None);
    }
}

#[test]
fn the_relevant_activity_zone_counts_otherwise_any_zone() {
    // Activity 0 (relevant) works within 5 km of Albi; activity 1 (another trade) nationally.
    let mut s = supplier(
        "81004",
        vec![
            activity(radius(5.0)),
            activity(Some(Zone {
                national: Some(true),
                ..Default::default()
            })),
        ],
    );
    s.location = None;
    let n = need_at("31555");
    assert_eq!(truth::check(&n, &s, &[0]).geography, None);
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        Some(served(1, ZoneCover::National))
    );
}

#[test]
fn a_perimeter_of_areas_or_national_includes_suppliers_located_inside() {
    let s = supplier("31555", vec![activity(areas(&["commune:31555"]))]);
    let mut n = need_at("81004");
    assert_eq!(truth::check(&n, &s, &[]).geography, None);
    n.perimeter = Some(Perimeter {
        areas: Some(vec!["dept:31".into()]),
        ..Default::default()
    });
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        Some(Geo::Located(InPerimeter::Area(Area::Dept("31".into()))))
    );
    n.perimeter = Some(Perimeter {
        areas: Some(vec!["region:84".into()]),
        ..Default::default()
    });
    assert_eq!(truth::check(&n, &s, &[]).geography, None);
    n.perimeter = Some(Perimeter {
        national: Some(true),
        ..Default::default()
    });
    assert_eq!(
        truth::check(&n, &s, &[]).geography,
        Some(Geo::Located(InPerimeter::National))
    );
}

#[test]
fn reserved_routes_admit_exactly_the_eligible_structures() {
    let base = supplier("81004", vec![activity(None)]);
    let with = |kinds: &[Kind], ess: bool, esus: bool| Supplier {
        kinds: kinds.to_vec(),
        ess,
        esus,
        ..base.clone()
    };
    let cases: &[(Reserved, Supplier, bool)] = &[
        (Reserved::L2113_12, with(&[Kind::ESAT], true, false), true),
        (Reserved::L2113_12, with(&[Kind::EA], false, false), true),
        (Reserved::L2113_12, with(&[Kind::EI], true, true), false),
        (Reserved::L2113_13, with(&[Kind::ACI], true, false), true),
        (Reserved::L2113_13, with(&[Kind::GEIQ], true, false), false),
        (
            Reserved::L2113_12_13,
            with(&[Kind::ETTI], false, false),
            true,
        ),
        (Reserved::L2113_12_13, with(&[], true, true), false),
        (Reserved::L2113_15, with(&[], true, false), true),
        (Reserved::L2113_15, with(&[], false, true), true),
        (Reserved::L2113_15, with(&[Kind::EA], false, false), false),
    ];
    for (route, s, expected) in cases {
        let n = Need {
            reserved: Some(*route),
            ..need_at("81004")
        };
        let rules = truth::check(&n, s, &[]);
        assert_eq!(
            rules.reserved, *expected,
            "{route:?} {:?} ess={} esus={}",
            s.kinds, s.ess, s.esus
        );
        assert_eq!(rules.all_pass(), *expected);
    }
}

#[test]
fn mode_filters_and_closed_establishments_are_hard_rules() {
    let s = supplier("81004", vec![activity(None)]);
    let n = Need {
        modes: vec![Mode::Goods],
        ..need_at("81004")
    };
    assert_eq!(
        truth::check(&n, &s, &[]).violations(),
        [truth::Violation::Modes]
    );
    let n = Need {
        modes: vec![Mode::Services, Mode::Goods],
        ..need_at("81004")
    };
    assert!(truth::check(&n, &s, &[]).all_pass());
    let closed = Supplier { closed: true, ..s };
    assert_eq!(
        truth::check(&need_at("81004"), &closed, &[]).violations(),
        [truth::Violation::Closed]
    );
}
