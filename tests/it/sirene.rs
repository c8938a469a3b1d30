//! The SIRENE import on generated SIRENE-format files: what is kept, how rows map to
//! profiles, non-diffusible rows, coordinates and projections, column vintages, re-imports
//! over profiles the companies edited, rejected rows, and the command line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use essor::import::sirene::proj::Projection;
use essor::import::sirene::{SireneFiles, SireneOptions, SireneReport, import_sirene};
use essor::model::{self, GeoPoint, Kind, Supplier};
use essor::referential::Referential;
use essor::store::Store;
use essor::synth::sirene::{SireneSynthOptions, SireneSynthStats, Vintage, generate};

const SEED: u64 = 11;
const UNITS: usize = 1500;

type Row = HashMap<String, String>;

fn gen_files(dir: &Path, epoch: u32, vintage: Vintage) -> SireneSynthStats {
    generate(
        &SireneSynthOptions {
            units: UNITS,
            seed: SEED,
            epoch,
            vintage,
        },
        dir,
    )
    .unwrap()
}

fn opts() -> SireneOptions {
    SireneOptions {
        progress: false,
        batch_size: 97,
        ..SireneOptions::default()
    }
}

fn import(store: &Store, f: &SireneSynthStats, with_geo: bool, o: &SireneOptions) -> SireneReport {
    let files = SireneFiles {
        units: &f.units_path,
        establishments: &f.establishments_path,
        geo: with_geo.then_some(f.geo_path.as_path()),
    };
    import_sirene(store, &files, o).unwrap()
}

fn read_rows(path: &Path) -> Vec<Row> {
    let delimiter = if path.to_string_lossy().contains("Geolocalisation") {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The generated register, as the tests read it back.
struct Register {
    units: HashMap<String, Row>,
    estabs: Vec<Row>,
    geo: HashMap<String, Row>,
}

impl Register {
    fn read(f: &SireneSynthStats) -> Register {
        Register {
            units: read_rows(&f.units_path)
                .into_iter()
                .map(|r| (r["siren"].clone(), r))
                .collect(),
            estabs: read_rows(&f.establishments_path),
            geo: read_rows(&f.geo_path)
                .into_iter()
                .map(|r| (r["siret"].clone(), r))
                .collect(),
        }
    }

    fn unit(&self, e: &Row) -> &Row {
        &self.units[&e["siren"]]
    }

    fn by_siret(&self) -> HashMap<String, &Row> {
        self.estabs
            .iter()
            .map(|e| (e["siret"].clone(), e))
            .collect()
    }

    /// Active, domestic establishments of SSE units: the profiles an import must create.
    fn expected_sirets(&self) -> BTreeMap<String, &Row> {
        self.estabs
            .iter()
            .filter(|e| self.unit(e)["economieSocialeSolidaireUniteLegale"] == "O")
            .filter(|e| {
                e["etatAdministratifEtablissement"] == "A"
                    && !e["codeCommuneEtablissement"].is_empty()
            })
            .map(|e| (e["siret"].clone(), e))
            .collect()
    }
}

fn all_suppliers(store: &Store) -> BTreeMap<String, Supplier> {
    let mut out = BTreeMap::new();
    store
        .for_each_supplier(|mut s, _| {
            s.updated_at = None;
            out.insert(s.siret.clone(), s);
            Ok(())
        })
        .unwrap();
    out
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn keeps_the_active_establishments_of_sse_units_and_nothing_else() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let store = Store::open(&dir.path().join("d")).unwrap();
    let report = import(&store, &f, true, &opts());
    let expected = reg.expected_sirets();
    let got = all_suppliers(&store);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(expected.len() > 500, "{}", expected.len());
    assert_eq!(report.created, expected.len() as u64);
    assert_eq!(report.rejected_rows, 0, "{:?}", report.rejected);
    assert_eq!(report.establishments.read, reg.estabs.len() as u64);
    assert_eq!(report.units.read, reg.units.len() as u64);
    // Ceased establishments of SSE units exist in the files and were not created.
    let ceased = reg
        .estabs
        .iter()
        .filter(|e| {
            reg.unit(e)["economieSocialeSolidaireUniteLegale"] == "O"
                && e["etatAdministratifEtablissement"] == "F"
        })
        .filter(|e| !e["codeCommuneEtablissement"].is_empty())
        .count();
    assert!(ceased > 100);
    assert_eq!(
        report.skipped["closed establishment not in the store"],
        ceased as u64
    );
    assert!(report.skipped["establishment abroad"] > 0);
    // Non-SSE units (individuals, companies, SSE-looking units the register does not flag)
    // are left out.
    let non_sse = reg
        .units
        .values()
        .filter(|u| u["economieSocialeSolidaireUniteLegale"] != "O")
        .count();
    assert!(non_sse > 500);
    assert!(got.values().all(|s| s.ess && !s.closed));
    assert_eq!(report.units.kept, (reg.units.len() - non_sse) as u64);
}

#[test]
fn profiles_carry_the_register_values() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let store = Store::open(&dir.path().join("d")).unwrap();
    import(&store, &f, true, &opts());
    let got = all_suppliers(&store);
    let (
        mut quoted,
        mut arrondissements,
        mut bis,
        mut avenues,
        mut esat,
        mut aci,
        mut ai,
        mut etti,
        mut brands,
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0);
    for (siret, e) in reg.expected_sirets() {
        let s = &got[&siret];
        let u = reg.unit(e);
        let denomination = &u["denominationUniteLegale"];
        assert_eq!(&s.name, denomination, "{siret}");
        if denomination.contains('"') && denomination.contains(',') {
            quoted += 1;
        }
        assert_eq!(
            s.legal_form.as_deref(),
            Some(u["categorieJuridiqueUniteLegale"].as_str())
        );
        let naf = if e["nomenclatureActivitePrincipaleEtablissement"] == "NAFRev2" {
            Some(e["activitePrincipaleEtablissement"].as_str())
        } else {
            None
        };
        assert_eq!(s.naf.as_deref(), naf, "{siret}");
        assert_eq!(s.address.commune, e["codeCommuneEtablissement"]);
        assert_eq!(
            s.address.postcode.as_deref(),
            Some(e["codePostalEtablissement"].as_str())
        );
        assert_eq!(
            s.address.city.as_deref(),
            Some(e["libelleCommuneEtablissement"].as_str())
        );
        assert_eq!(
            s.capacity.founded,
            u["dateCreationUniteLegale"][..4].parse().ok()
        );
        if s.address.commune.starts_with("751") {
            arrondissements += 1;
            assert!(s.address.city.as_deref().unwrap().starts_with("PARIS "));
        }
        if e["statutDiffusionEtablissement"] == "O" {
            let street = s.address.street.as_deref().unwrap();
            assert!(
                street.starts_with(&format!("{} ", e["numeroVoieEtablissement"])),
                "{street}"
            );
            assert!(street.ends_with(&e["libelleVoieEtablissement"]), "{street}");
            if e["indiceRepetitionEtablissement"] == "B" {
                bis += 1;
                assert!(street.contains(" BIS "), "{street}");
            }
            if e["typeVoieEtablissement"] == "AV" {
                avenues += 1;
                assert!(street.contains(" AVENUE "), "{street}");
            }
        }
        let usual = [
            &e["denominationUsuelleEtablissement"],
            &e["enseigne1Etablissement"],
        ]
        .into_iter()
        .find(|v| !v.is_empty() && *v != "[ND]");
        assert_eq!(
            s.brand.as_ref(),
            usual.filter(|v| *v != denomination),
            "{siret}"
        );
        brands += usize::from(s.brand.is_some());
        // Kinds are inferred only from register signals, and marked as inferred.
        assert_eq!(s.kinds, s.inferred_kinds);
        let lf = u["categorieJuridiqueUniteLegale"].as_str();
        let mut expected_kinds = Vec::new();
        if lf == "9221" {
            expected_kinds.extend([Kind::EI, Kind::ACI]);
            aci += 1;
        }
        if lf == "9222" {
            expected_kinds.push(Kind::AI);
            ai += 1;
        }
        match naf {
            Some("88.10C") => {
                expected_kinds.push(Kind::ESAT);
                esat += 1;
            }
            Some("78.20Z") => {
                expected_kinds.push(Kind::ETTI);
                etti += 1;
            }
            _ => {}
        }
        expected_kinds.sort();
        assert_eq!(s.kinds, expected_kinds, "{siret}");
        // Every profile is valid by the model's own rules.
        let mut again = s.clone();
        model::validate_supplier(&mut again).unwrap();
    }
    for (what, n) in [
        ("quoted", quoted),
        ("arrondissements", arrondissements),
        ("bis", bis),
        ("avenues", avenues),
        ("esat", esat),
        ("aci", aci),
        ("ai", ai),
        ("etti", etti),
        ("brands", brands),
    ] {
        assert!(n > 0, "no {what} in the sample");
    }
}

#[test]
fn non_diffusible_establishments_publish_neither_street_nor_coordinates() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let store = Store::open(&dir.path().join("d")).unwrap();
    import(&store, &f, true, &opts());
    let got = all_suppliers(&store);
    let mut hidden = 0;
    for (siret, e) in reg.expected_sirets() {
        if e["statutDiffusionEtablissement"] != "P" {
            continue;
        }
        hidden += 1;
        // The files hide the street; the geolocation file even carries a point, which must
        // not be published either.
        assert_eq!(e["libelleVoieEtablissement"], "[ND]");
        assert!(
            reg.geo
                .get(&siret)
                .is_some_and(|g| !g["y_latitude"].is_empty())
        );
        let s = &got[&siret];
        assert_eq!(s.address.street, None, "{siret}");
        assert_eq!(s.location, None, "{siret}");
        assert_eq!(s.address.commune, e["codeCommuneEtablissement"]);
        assert!(s.address.postcode.is_some());
        assert!(!serde_json::to_string(s).unwrap().contains("[ND]"));
    }
    assert!(hidden > 3, "{hidden}");
    assert!(
        got.values()
            .all(|s| !serde_json::to_string(s).unwrap().contains("[ND]"))
    );
}

#[test]
fn individuals_under_partial_diffusion_never_get_their_names_published() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let store = Store::open(&dir.path().join("d")).unwrap();
    let o = SireneOptions {
        legal_forms: vec!["1000".into()],
        ..opts()
    };
    let report = import(&store, &f, true, &o);
    let got = all_suppliers(&store);
    let (mut named, mut hidden) = (0, 0);
    for e in &reg.estabs {
        let u = reg.unit(e);
        if u["categorieJuridiqueUniteLegale"] != "1000"
            || e["etatAdministratifEtablissement"] != "A"
        {
            continue;
        }
        if u["statutDiffusionUniteLegale"] == "P" {
            hidden += 1;
            assert!(
                !got.contains_key(&e["siret"]),
                "a profile without a publishable name was created"
            );
        } else {
            named += 1;
            let s = &got[&e["siret"]];
            assert_eq!(
                s.name,
                format!("{} {}", u["prenomUsuelUniteLegale"], u["nomUniteLegale"])
            );
            assert!(!s.ess);
            assert!(s.kinds.is_empty());
        }
    }
    assert!(named > 50 && hidden > 5, "{named} {hidden}");
    assert_eq!(
        report.skipped["non-diffusible: no publishable name"],
        hidden
    );
}

#[test]
fn selected_activities_keep_non_sse_esat() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let store = Store::open(&dir.path().join("d")).unwrap();
    let o = SireneOptions {
        naf: vec!["8810C".into()],
        ..opts()
    };
    let report = import(&store, &f, true, &o);
    let got = all_suppliers(&store);
    let mut public_esat = 0;
    for e in &reg.estabs {
        let u = reg.unit(e);
        let active =
            e["etatAdministratifEtablissement"] == "A" && !e["codeCommuneEtablissement"].is_empty();
        if u["economieSocialeSolidaireUniteLegale"] == "O" || !active {
            continue;
        }
        // A non-SSE unit: kept only for its establishments doing 88.10C, or entirely when its
        // own main activity is 88.10C.
        let esat = e["activitePrincipaleEtablissement"] == "88.10C";
        let kept = esat || u["activitePrincipaleUniteLegale"] == "88.10C";
        assert_eq!(got.contains_key(&e["siret"]), kept, "{}", e["siret"]);
        if esat {
            let s = &got[&e["siret"]];
            assert!(!s.ess);
            assert_eq!(s.kinds, vec![Kind::ESAT]);
            assert_eq!(s.inferred_kinds, vec![Kind::ESAT]);
            public_esat += usize::from(u["categorieJuridiqueUniteLegale"] == "7366");
        }
    }
    assert!(public_esat > 0);
    assert_eq!(report.created as usize, got.len());
}

#[test]
fn coordinates_come_from_the_geolocation_file_else_from_the_projected_columns_within_a_metre() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let r = Referential::get();

    // With the geolocation file: its WGS84 point, exactly.
    let with_geo = Store::open(&dir.path().join("with")).unwrap();
    let report = import(&with_geo, &f, true, &opts());
    let got = all_suppliers(&with_geo);
    // Without: the stock file's Lambert-93 or UTM columns, converted.
    let without = Store::open(&dir.path().join("without")).unwrap();
    let report_without = import(&without, &f, false, &opts());
    let converted = all_suppliers(&without);

    let mut checked: BTreeMap<u32, usize> = BTreeMap::new();
    let (mut projected_only, mut missing, mut garbage) = (0, 0, 0);
    for (siret, e) in reg.expected_sirets() {
        if e["statutDiffusionEtablissement"] == "P" {
            continue;
        }
        let commune = r.commune(&e["codeCommuneEtablissement"]).unwrap();
        let geo = reg.geo.get(&siret);
        let truth = geo
            .filter(|g| !g["y_latitude"].is_empty())
            .map(|g| GeoPoint {
                lat: g["y_latitude"].parse().unwrap(),
                lon: g["x_longitude"].parse().unwrap(),
            });
        let s = &got[&siret];
        let c = &converted[&siret];
        match (truth, e["coordonneeLambertAbscisseEtablissement"].as_str()) {
            (Some(t), x) if !x.is_empty() => {
                let p = s.location.unwrap();
                assert!(
                    (p.lat - t.lat).abs() < 1e-9 && (p.lon - t.lon).abs() < 1e-9,
                    "{siret}"
                );
                let q = c
                    .location
                    .unwrap_or_else(|| panic!("{siret}: no location from the stock columns"));
                let d_m = q.distance_km(&t) * 1000.0;
                assert!(d_m < 1.0, "{siret} in {}: {d_m} m", commune.dept);
                let epsg = Projection::for_departement(&commune.dept).unwrap().epsg();
                *checked.entry(epsg).or_default() += 1;
                assert_eq!(geo.unwrap()["epsg"], epsg.to_string());
            }
            (None, "1000.0") => {
                garbage += 1;
                assert_eq!(s.location, None, "{siret}: garbage must not be published");
            }
            (None, "") => {
                missing += 1;
                assert_eq!(s.location, None);
                assert_eq!(c.location, None);
            }
            (None, _) => {
                // Either only the projected columns in the geolocation file, or only the stock
                // columns: both give the same conversion.
                projected_only += 1;
                let p = s.location.unwrap();
                assert!(p.distance_km(&c.location.unwrap()) * 1000.0 < 0.01);
                assert!(p.distance_km(&r.communes.centre(commune).unwrap()) < 20.0);
            }
            (Some(_), _) => panic!("a geolocation point without stock coordinates"),
        }
    }
    for epsg in [2154, 5490, 2972, 2975, 4471] {
        assert!(
            checked.get(&epsg).copied().unwrap_or(0) > 0,
            "no establishment checked in EPSG:{epsg}: {checked:?}"
        );
    }
    assert!(
        projected_only > 0 && missing > 0 && garbage > 0,
        "{projected_only} {missing} {garbage}"
    );
    assert!(
        report.locations.geo > 0
            && report.locations.lambert > 0
            && report.locations.commune_centre > 0
    );
    assert_eq!(report_without.locations.geo, 0);
    assert!(report.warnings["Lambert coordinates far from the commune: ignored"] >= garbage as u64);
}

#[test]
fn column_order_and_vintage_do_not_change_the_result() {
    let dir = tmp();
    let mut results = Vec::new();
    for (i, vintage) in [Vintage::V2021, Vintage::V2025, Vintage::Shuffled]
        .into_iter()
        .enumerate()
    {
        let f = gen_files(&dir.path().join(format!("f{i}")), 0, vintage);
        let header = std::fs::read_to_string(&f.establishments_path)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string();
        let store = Store::open(&dir.path().join(format!("d{i}"))).unwrap();
        let report = import(&store, &f, true, &opts());
        assert_eq!(report.rejected_rows, 0);
        results.push((header, all_suppliers(&store)));
    }
    assert!(!results[0].0.contains("NAF25") && results[1].0.contains("NAF25"));
    assert_ne!(results[1].0, results[2].0, "the shuffled layout differs");
    assert!(!results[0].1.is_empty());
    assert_eq!(results[0].1, results[1].1);
    assert_eq!(results[1].1, results[2].1);
}

#[test]
fn reimporting_the_same_files_changes_nothing() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let store = Store::open(&dir.path().join("d")).unwrap();
    let first = import(&store, &f, true, &opts());
    let seq = store.last_seq().unwrap();
    let second = import(&store, &f, true, &opts());
    assert_eq!((second.created, second.updated, second.closed), (0, 0, 0));
    assert_eq!(second.unchanged, first.created);
    assert_eq!(store.last_seq().unwrap(), seq, "no new sequence number");
    assert_eq!(second.seq, seq);
}

#[test]
fn a_deleted_profile_is_not_re_created_by_the_next_import() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let store = Store::open(&dir.path().join("d")).unwrap();
    import(&store, &f, true, &opts());
    let siret = all_suppliers(&store).into_keys().next().unwrap();
    store.delete_supplier(&siret, "admin").unwrap();
    let report = import(&store, &f, true, &opts());
    assert!(store.get_supplier(&siret).unwrap().is_none());
    assert_eq!(report.created, 0);
    assert_eq!(
        report.skipped["deleted since an earlier import: not re-created"],
        1
    );
}

/// Rows equal except for the register's processing dates.
fn same_but_dates(a: &Row, b: &Row) -> bool {
    a.iter()
        .all(|(k, v)| k.starts_with("dateDernierTraitement") || b.get(k) == Some(v))
}

/// Profiles as a company edits them: through the store, like the API does.
fn company_edit(store: &Store, siret: &str, edit: impl FnOnce(&mut Supplier)) {
    let mut s = store.get_supplier(siret).unwrap().unwrap().supplier;
    edit(&mut s);
    model::validate_supplier(&mut s).unwrap();
    store
        .put_supplier(&s, &format!("supplier:{siret}"), "put")
        .unwrap();
}

#[test]
fn reimport_keeps_company_edits_updates_register_fields_and_closes_ceased_establishments() {
    let dir = tmp();
    let f0 = gen_files(&dir.path().join("f0"), 0, Vintage::V2025);
    let f1 = gen_files(&dir.path().join("f1"), 1, Vintage::V2025);
    let (r0, r1) = (Register::read(&f0), Register::read(&f1));
    let store = Store::open(&dir.path().join("d")).unwrap();
    import(&store, &f0, true, &opts());
    let before = all_suppliers(&store);
    let next = r1.by_siret();

    // Classify the profiles by what the newer register file does to them.
    let (mut renumbered, mut renamed, mut ceased, mut untouched) = (vec![], vec![], vec![], vec![]);
    for (siret, e0) in r0.expected_sirets() {
        let e1 = next[&siret];
        let (u0, u1) = (r0.unit(e0), r1.unit(e1));
        if e1["etatAdministratifEtablissement"] == "F" {
            ceased.push(siret);
        } else if u0["denominationUniteLegale"] != u1["denominationUniteLegale"] {
            renamed.push(siret);
        } else if e0["numeroVoieEtablissement"] != e1["numeroVoieEtablissement"]
            && e0["statutDiffusionEtablissement"] == "O"
        {
            renumbered.push(siret);
        } else if same_but_dates(e0, e1) && same_but_dates(u0, u1) {
            untouched.push(siret);
        }
    }
    assert!(
        renumbered.len() >= 2 && renamed.len() >= 2 && ceased.len() >= 2 && untouched.len() >= 2,
        "{} {} {} {}",
        renumbered.len(),
        renamed.len(),
        ceased.len(),
        untouched.len()
    );

    // The companies edit their profiles.
    let (a, b) = (&renumbered[0], &renamed[0]);
    company_edit(&store, a, |s| {
        s.name = "Les Ateliers Solidaires".into();
        s.description = "Menuiserie et second œuvre, chantiers d'insertion.".into();
        s.kinds.push(Kind::EA);
    });
    company_edit(&store, b, |s| s.name = "Nom choisi par la structure".into());
    let moved = &untouched[0];
    company_edit(&store, moved, |s| {
        s.location = Some(GeoPoint {
            lat: 45.0,
            lon: 5.0,
        })
    });
    let closed_edited = &ceased[0];
    company_edit(&store, closed_edited, |s| {
        s.description = "Toujours là.".into()
    });

    let report = import(&store, &f1, true, &opts());
    let after = all_suppliers(&store);

    // a: the company's name, description and declared kind survive; the register's new street
    // number arrives.
    let sa = &after[a];
    assert_eq!(sa.name, "Les Ateliers Solidaires");
    assert!(sa.description.starts_with("Menuiserie"));
    assert!(sa.kinds.contains(&Kind::EA) && !sa.inferred_kinds.contains(&Kind::EA));
    let street = sa.address.street.as_deref().unwrap();
    assert!(
        street.starts_with(&format!("{} ", next[a.as_str()]["numeroVoieEtablissement"])),
        "{street}"
    );
    assert_ne!(sa.address, before[a].address);
    // b: renamed in the register but the company chose its own name.
    assert_eq!(after[b].name, "Nom choisi par la structure");
    // Other renamed units that nobody edited take the register's new name.
    for s in &renamed[1..] {
        let e1 = next[s.as_str()];
        assert_eq!(after[s].name, r1.unit(e1)["denominationUniteLegale"], "{s}");
        assert_ne!(after[s].name, before[s].name);
    }
    // The company's own pin stays.
    assert_eq!(
        after[moved].location,
        Some(GeoPoint {
            lat: 45.0,
            lon: 5.0
        })
    );
    // Ceased establishments are closed, the company's text kept.
    for s in &ceased {
        assert!(after[s].closed, "{s}");
    }
    assert_eq!(after[closed_edited].description, "Toujours là.");
    assert_eq!(report.closed, ceased.len() as u64);
    assert!(report.preserved_edits >= 3, "{}", report.preserved_edits);
    // Establishments that opened since are created.
    let new: Vec<String> = r1
        .expected_sirets()
        .into_keys()
        .filter(|s| !before.contains_key(s))
        .collect();
    assert!(!new.is_empty());
    assert!(new.iter().all(|s| after.contains_key(s)));
    assert_eq!(report.created, new.len() as u64);
    // Units the register no longer flags as SSE: their profiles are updated, not dropped.
    let mut left_sse = 0;
    for (siret, e0) in r0.expected_sirets() {
        let e1 = next[siret.as_str()];
        if r1.unit(e1)["economieSocialeSolidaireUniteLegale"] != "O"
            && e1["etatAdministratifEtablissement"] == "A"
        {
            left_sse += 1;
            assert!(before[&siret].ess && !after[&siret].ess, "{siret}");
            assert!(!after[&siret].closed);
            assert_eq!(r0.unit(e0)["economieSocialeSolidaireUniteLegale"], "O");
        }
    }
    assert!(left_sse > 0);
    // Untouched profiles stay byte-identical.
    for s in &untouched[1..] {
        assert_eq!(after[s], before[s], "{s}");
    }
    // A third import of the same newer file changes nothing, edits included.
    let again = import(&store, &f1, true, &opts());
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(all_suppliers(&store), after);
}

#[test]
fn a_profile_the_company_created_itself_is_only_completed_and_closed() {
    let dir = tmp();
    let f0 = gen_files(&dir.path().join("f0"), 0, Vintage::V2025);
    let f1 = gen_files(&dir.path().join("f1"), 1, Vintage::V2025);
    let (r0, r1) = (Register::read(&f0), Register::read(&f1));
    let next = r1.by_siret();
    let (siret, e0) = r0
        .expected_sirets()
        .into_iter()
        .find(|(s, e)| {
            next[s.as_str()]["etatAdministratifEtablissement"] == "F"
                && e["statutDiffusionEtablissement"] == "O"
        })
        .unwrap();
    let store = Store::open(&dir.path().join("d")).unwrap();
    let mut own: Supplier = serde_json::from_value(serde_json::json!({
        "siret": siret,
        "name": "Notre atelier",
        "address": {"commune": e0["codeCommuneEtablissement"]},
        "description": "Profil créé par la structure."
    }))
    .unwrap();
    model::validate_supplier(&mut own).unwrap();
    store.put_supplier(&own, "supplier", "put").unwrap();

    let report = import(&store, &f0, true, &opts());
    let s = store.get_supplier(&siret).unwrap().unwrap().supplier;
    assert_eq!(s.name, "Notre atelier");
    assert_eq!(
        s.address.street, None,
        "the company's address is the company's"
    );
    assert_eq!(s.description, "Profil créé par la structure.");
    assert!(s.ess, "empty register fields are filled");
    assert_eq!(
        s.legal_form.as_deref(),
        Some(r0.unit(e0)["categorieJuridiqueUniteLegale"].as_str())
    );
    assert!(!s.closed);
    assert!(report.updated >= 1);

    import(&store, &f1, true, &opts());
    let s = store.get_supplier(&siret).unwrap().unwrap().supplier;
    assert!(s.closed);
    assert_eq!(s.name, "Notre atelier");
}

#[test]
fn rejected_rows_name_file_line_and_field_and_the_rest_is_imported() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2021);
    let reg = Register::read(&f);
    // Two broken establishment rows of an SSE unit, appended at the end of the file.
    let (siret, good) = reg.expected_sirets().into_iter().next().unwrap();
    let text = std::fs::read_to_string(&f.establishments_path).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let num_lines = text.lines().count() as u64;
    let row = |changes: &[(&str, &str)]| -> String {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record(header.iter().map(|h| {
            changes
                .iter()
                .find(|c| c.0 == *h)
                .map(|c| c.1.to_string())
                .unwrap_or_else(|| good[*h].clone())
        }))
        .unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    };
    let mut bad_siret = siret.clone();
    bad_siret.replace_range(
        13..,
        &(((siret.as_bytes()[13] - b'0' + 1) % 10).to_string()),
    );
    let bad_nic = bad_siret[9..].to_string();
    let extra = row(&[
        ("codeCommuneEtablissement", "99999"),
        ("nic", "99994"),
        (
            "siret",
            &essor::model::ids::complete_siret(&format!("{}9999", &siret[..9])),
        ),
    ]) + &row(&[("siret", &bad_siret), ("nic", &bad_nic)]);
    std::fs::write(&f.establishments_path, text + &extra).unwrap();
    // And a unit row whose SIREN is not one.
    let mut units = std::fs::read_to_string(&f.units_path).unwrap();
    let unit_lines = units.lines().count() as u64;
    let first_unit = units.lines().nth(1).unwrap().to_string();
    units += &first_unit.replacen(&first_unit[..9], "12345", 1);
    units.push('\n');
    std::fs::write(&f.units_path, units).unwrap();

    let store = Store::open(&dir.path().join("d")).unwrap();
    let report = import(&store, &f, true, &opts());
    assert_eq!(report.rejected_rows, 3, "{:?}", report.rejected);
    let listed: Vec<(&str, u64, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.file, r.error.line, r.error.field.as_str()))
        .collect();
    assert!(
        listed.contains(&("establishments", num_lines + 1, "codeCommuneEtablissement")),
        "{listed:?}"
    );
    assert!(
        listed.contains(&("establishments", num_lines + 2, "siret")),
        "{listed:?}"
    );
    assert!(
        listed.contains(&("units", unit_lines + 1, "siren")),
        "{listed:?}"
    );
    assert!(report.rejected.iter().any(|r| {
        r.error
            .reason
            .contains("unknown INSEE commune code (99999)")
    }));
    assert!(
        report
            .rejected
            .iter()
            .any(|r| r.error.reason.contains("Luhn"))
    );
    assert_eq!(report.created as usize, reg.expected_sirets().len());
    let text = report.summary();
    assert!(text.contains("rejected: 3 rows"), "{text}");
}

fn essor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_essor"))
}

fn run_import(data: &Path, f: &SireneSynthStats, extra: &[&str]) -> std::process::Output {
    let mut cmd = essor();
    cmd.arg("--data")
        .arg(data)
        .args(["import", "sirene", "--units"])
        .arg(&f.units_path);
    cmd.arg("--establishments")
        .arg(&f.establishments_path)
        .arg("--geo")
        .arg(&f.geo_path)
        .args(extra);
    cmd.env("ESSOR_LOG", "warn").output().unwrap()
}

#[test]
fn the_command_line_generates_identical_files_per_seed_and_imports_them_with_the_contract_exit_codes()
 {
    let dir = tmp();
    let out = |name: &str, seed: &str| -> PathBuf {
        let p = dir.path().join(name);
        let o = essor()
            .args(["fixtures-sirene", "--units", "300", "--seed", seed, "--out"])
            .arg(&p)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        p
    };
    let (a, b, c) = (out("a", "5"), out("b", "5"), out("c", "6"));
    for file in [
        essor::synth::sirene::UNITS_FILE,
        essor::synth::sirene::ESTABLISHMENTS_FILE,
        essor::synth::sirene::GEO_FILE,
    ] {
        let (x, y, z) = (
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            std::fs::read(c.join(file)).unwrap(),
        );
        assert_eq!(x, y, "{file}: same seed, same bytes");
        assert_ne!(x, z, "{file}: another seed, other data");
    }

    let stats = |p: &Path| SireneSynthStats {
        units_path: p.join(essor::synth::sirene::UNITS_FILE),
        establishments_path: p.join(essor::synth::sirene::ESTABLISHMENTS_FILE),
        geo_path: p.join(essor::synth::sirene::GEO_FILE),
        ..SireneSynthStats::default()
    };
    // All good: exit 0, one JSON document on stdout.
    let o = run_import(&dir.path().join("d"), &stats(&a), &["--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["created"].as_u64().unwrap() > 50);
    assert_eq!(report["rejected_rows"], 0);
    assert!(String::from_utf8_lossy(&o.stderr).contains("created"));

    // A rejected row: exit 1, the row on stderr.
    let fb = stats(&b);
    let mut text = std::fs::read_to_string(&fb.establishments_path).unwrap();
    let line = text.lines().nth(1).unwrap().to_string();
    text += &line.replacen(&line[..9], "12345", 1);
    text.push('\n');
    std::fs::write(&fb.establishments_path, text).unwrap();
    let o = run_import(&dir.path().join("d2"), &fb, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rejected: establishments file, line"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // A units file without the SSE flag column cannot be imported: exit 2, nothing written.
    let fc = stats(&c);
    let units = std::fs::read_to_string(&fc.units_path)
        .unwrap()
        .replace("economieSocialeSolidaireUniteLegale", "autreColonne");
    std::fs::write(&fc.units_path, units).unwrap();
    let o = run_import(&dir.path().join("d3"), &fc, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("economieSocialeSolidaireUniteLegale"));
    // Bad options are refused the same way.
    let o = run_import(&dir.path().join("d4"), &stats(&a), &["--legal-forms", "92"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_generator_writes_every_case_the_importer_handles() {
    let dir = tmp();
    let f = gen_files(&dir.path().join("f"), 0, Vintage::V2025);
    let reg = Register::read(&f);
    let has = |pred: &dyn Fn(&Row) -> bool| reg.estabs.iter().any(pred);
    assert!(has(&|e| e["statutDiffusionEtablissement"] == "P"
        && e["coordonneeLambertAbscisseEtablissement"] == "[ND]"));
    assert!(
        reg.units
            .values()
            .any(|u| u["statutDiffusionUniteLegale"] == "P" && u["nomUniteLegale"] == "[ND]")
    );
    assert!(has(&|e| e["etatAdministratifEtablissement"] == "F"));
    assert!(
        reg.units
            .values()
            .any(|u| u["etatAdministratifUniteLegale"] == "C")
    );
    assert!(has(&|e| e["coordonneeLambertAbscisseEtablissement"]
        .is_empty()
        && !e["codeCommuneEtablissement"].is_empty()));
    assert!(has(
        &|e| e["nomenclatureActivitePrincipaleEtablissement"] == "NAFRev1"
    ));
    assert!(has(&|e| !e["codePaysEtrangerEtablissement"].is_empty()));
    let epsgs: HashSet<&str> = reg.geo.values().map(|g| g["epsg"].as_str()).collect();
    for code in ["2154", "5490", "2972", "2975", "4471"] {
        assert!(epsgs.contains(code), "{code}: {epsgs:?}");
    }
    assert!(
        reg.geo
            .values()
            .any(|g| g["y_latitude"].is_empty() && !g["x"].is_empty())
    );
    assert!(
        reg.units
            .values()
            .any(|u| u["economieSocialeSolidaireUniteLegale"] == "N")
    );
    assert!(f.establishments > f.units);
}
