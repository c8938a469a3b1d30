//! Benchmarks of the search core on generated data: index build time from the store, query
//! latency (median and p99) for text only, geography only, text + geography + filters, and
//! with facets, write-to-searchable latency while searches run, and memory (RSS).
//!
//! Sizes: 10,000 and 220,000 suppliers always; 2,800,000 when `ESSOR_BENCH_HUGE=1` (its
//! build takes long). Built data directories are cached under `target/bench-search/` between
//! runs (delete them to rebuild). `ESSOR_BENCH_SIZES=10000,220000` picks sizes.
//!
//! Run: `cargo bench --bench search` (add `-- --quick` for shorter criterion runs).
//!
//! TEMPORARY: the data comes from `temp_synth` below, a small generator written for these
//! benchmarks while `essor::synth` (the project's realistic generator) is not in `main` yet.
//! Replace it with `essor::synth` once that lands. It does not try to be what the real one is.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use essor::index::{Filters, GeoClause, PlaceRef, SearchIndex, SearchQuery};
use essor::model::geo::GeoPoint;
use essor::model::supplier::Kind;
use essor::referential::Referential;
use essor::store::Store;
use essor::util::Rng;

/// TEMPORARY generator (see the module doc): suppliers by trade, located by population.
mod temp_synth {
    use essor::model::geo::GeoPoint;
    use essor::model::ids::complete_siret;
    use essor::model::supplier::{
        Activity, Address, Capacity, Contact, Kind, Mode, Offer, Reference, Supplier, Zone,
    };
    use essor::referential::{Commune, Referential};
    use essor::util::Rng;

    pub struct Trade {
        pub name: &'static str,
        pub words: &'static [&'static str],
        pub cpv: &'static [&'static str],
        pub naf: &'static str,
        pub mode: Mode,
    }

    pub const TRADES: &[Trade] = &[
        Trade {
            name: "Jardins",
            words: &[
                "entretien des espaces verts",
                "tonte de pelouses",
                "taille de haies",
                "élagage et abattage",
                "débroussaillage",
                "création de massifs",
            ],
            cpv: &["77310000", "77314000", "77211400"],
            naf: "81.30Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Propreté",
            words: &[
                "nettoyage de locaux",
                "entretien de bureaux",
                "lavage de vitres",
                "nettoyage industriel",
                "remise en état après travaux",
            ],
            cpv: &["90910000", "90911200", "90919200"],
            naf: "81.21Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Blanchisserie",
            words: &[
                "blanchisserie",
                "lavage et repassage du linge",
                "pressing",
                "location de linge plat",
                "traitement des tenues professionnelles",
            ],
            cpv: &["98311000", "98310000"],
            naf: "96.01A",
            mode: Mode::Services,
        },
        Trade {
            name: "Traiteur",
            words: &[
                "traiteur",
                "restauration collective",
                "plateaux repas",
                "portage de repas",
                "buffets et cocktails",
            ],
            cpv: &["55520000", "55523100", "15000000"],
            naf: "56.21Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Imprimerie",
            words: &[
                "imprimerie",
                "reprographie",
                "impression numérique",
                "façonnage",
                "routage et mise sous pli",
            ],
            cpv: &["79810000", "79820000", "79521000"],
            naf: "18.12Z",
            mode: Mode::Goods,
        },
        Trade {
            name: "Déménagement",
            words: &[
                "déménagement de bureaux",
                "manutention",
                "transfert de mobilier",
                "stockage et archivage",
                "logistique",
            ],
            cpv: &["98392000", "63120000", "60130000"],
            naf: "49.42Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Menuiserie",
            words: &[
                "menuiserie bois",
                "fabrication de mobilier",
                "agencement",
                "palettes et caisses",
                "ébénisterie",
            ],
            cpv: &["45421000", "39100000"],
            naf: "16.23Z",
            mode: Mode::Goods,
        },
        Trade {
            name: "Bâtiment",
            words: &[
                "peinture en bâtiment",
                "second œuvre",
                "petits travaux de rénovation",
                "plâtrerie",
                "revêtements de sols",
            ],
            cpv: &["45442100", "45262500"],
            naf: "43.34Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Recyclerie",
            words: &[
                "collecte et recyclage",
                "déchets d'équipements électriques",
                "ressourcerie",
                "réemploi de mobilier",
                "tri des déchets",
            ],
            cpv: &["90510000", "90514000"],
            naf: "38.32Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Couture",
            words: &[
                "couture",
                "retouches",
                "confection textile",
                "fabrication de sacs",
                "broderie",
            ],
            cpv: &["18000000", "98393000"],
            naf: "14.13Z",
            mode: Mode::Goods,
        },
        Trade {
            name: "Numérique",
            words: &[
                "reconditionnement informatique",
                "ordinateurs reconditionnés",
                "maintenance informatique",
                "saisie de données",
                "numérisation de documents",
            ],
            cpv: &["30213000", "50312000", "79999000"],
            naf: "95.11Z",
            mode: Mode::Goods,
        },
        Trade {
            name: "Conditionnement",
            words: &[
                "conditionnement",
                "mise sous film",
                "assemblage",
                "sous-traitance industrielle",
                "étiquetage",
            ],
            cpv: &["79992000"],
            naf: "82.92Z",
            mode: Mode::Services,
        },
        Trade {
            name: "Maraîchage",
            words: &[
                "maraîchage biologique",
                "paniers de légumes",
                "légumerie",
                "production de fruits",
            ],
            cpv: &["03221000", "15000000"],
            naf: "01.13Z",
            mode: Mode::Goods,
        },
        Trade {
            name: "Intérim",
            words: &[
                "mise à disposition de personnel",
                "intérim d'insertion",
                "travail temporaire",
                "remplacement de personnel",
            ],
            cpv: &["79620000"],
            naf: "78.20Z",
            mode: Mode::Staffing,
        },
        Trade {
            name: "Accueil",
            words: &[
                "accueil et standard",
                "centre d'appels",
                "secrétariat",
                "gestion administrative",
            ],
            cpv: &["79512000"],
            naf: "82.20Z",
            mode: Mode::Services,
        },
    ];

    const FORMS: &[&str] = &[
        "9220", "9220", "9220", "9221", "9222", "5458", "5710", "5499", "9300",
    ];
    const LABELS: &[&str] = &[
        "Qualiopi",
        "RGE",
        "Ecocert",
        "Écolabel",
        "Imprim'Vert",
        "ISO 14001",
        "Lucie",
    ];

    /// Communes with a centre, and their cumulative population for weighted picks.
    pub struct Places {
        pub communes: Vec<&'static Commune>,
        cumulative: Vec<f64>,
    }

    impl Places {
        pub fn new() -> Places {
            let r = Referential::get();
            let communes: Vec<&Commune> = r
                .communes
                .all()
                .iter()
                .filter(|c| c.center.is_some())
                .collect();
            let mut cumulative = Vec::with_capacity(communes.len());
            let mut acc = 0.0;
            for c in &communes {
                acc += f64::from(c.population.max(50));
                cumulative.push(acc);
            }
            Places {
                communes,
                cumulative,
            }
        }

        pub fn pick(&self, rng: &mut Rng) -> &'static Commune {
            let x = rng.f64() * self.cumulative.last().copied().unwrap_or(1.0);
            let i = self
                .cumulative
                .partition_point(|c| *c < x)
                .min(self.communes.len() - 1);
            self.communes[i]
        }
    }

    pub fn supplier(rng: &mut Rng, i: u64, places: &Places) -> Supplier {
        let r = Referential::get();
        let c = places.pick(rng);
        let t = &TRADES[rng.index(TRADES.len())];
        let kinds: Vec<Kind> = match rng.below(20) {
            0..=9 => vec![*rng.pick(&[Kind::ACI, Kind::EI, Kind::AI, Kind::ETTI, Kind::EITI])],
            10..=15 => vec![*rng.pick(&[Kind::ESAT, Kind::EA, Kind::EATT])],
            16 => vec![Kind::GEIQ],
            17 => vec![Kind::ACI, Kind::EI],
            _ => vec![],
        };
        let prefix = match kinds.first() {
            Some(Kind::ESAT) => "ESAT",
            Some(Kind::EA) => "Entreprise adaptée",
            Some(Kind::ACI) => "Chantier d'insertion",
            _ => "Atelier",
        };
        let name = format!("{prefix} {} {} {i}", t.name, c.name);
        let w = |rng: &mut Rng| t.words[rng.index(t.words.len())];
        let other = &TRADES[rng.index(TRADES.len())];
        let description = format!(
            "{} propose {}, {} et {} aux collectivités, bailleurs et entreprises du territoire. \
             Notre équipe de salariés en parcours assure aussi {}. Intervention rapide, devis gratuit.",
            name,
            w(rng),
            w(rng),
            w(rng),
            other.words[rng.index(other.words.len())]
        );
        let mut s = Supplier {
            siret: complete_siret(&format!("{:013}", 3_000_000_000_000u64 + i * 7)),
            name,
            kinds,
            ess: rng.chance(0.7),
            esus: rng.chance(0.2),
            legal_form: Some(FORMS[rng.index(FORMS.len())].to_string()),
            naf: Some(t.naf.to_string()),
            description,
            address: Address {
                commune: c.code.clone(),
                city: Some(c.name.clone()),
                ..Address::default()
            },
            ..Supplier::default()
        };
        if rng.chance(0.6) {
            s.offers = (0..rng.range_i64(1, 3))
                .map(|_| Offer {
                    title: w(rng).to_string(),
                    description: format!("Prestation de {} sur devis.", w(rng)),
                })
                .collect();
        }
        if rng.chance(0.4) {
            s.references = vec![Reference {
                client: format!("Mairie de {}", c.name),
                description: w(rng).to_string(),
                year: Some(2023),
            }];
        }
        for l in LABELS {
            if rng.chance(0.06) {
                s.labels.push(l.to_string());
            }
        }
        if rng.chance(0.5) {
            let p = r.communes.centre(c).unwrap_or(GeoPoint {
                lat: 46.0,
                lon: 2.0,
            });
            s.location = GeoPoint::new(
                (p.lat + rng.range_f64(-0.02, 0.02)).clamp(-90.0, 90.0),
                (p.lon + rng.range_f64(-0.02, 0.02)).clamp(-180.0, 180.0),
            )
            .ok();
        }
        let n_acts = rng.below(3);
        for k in 0..n_acts {
            let tt = if k == 0 {
                t
            } else {
                &TRADES[rng.index(TRADES.len())]
            };
            let zone = match rng.below(10) {
                0..=3 => Some(Zone {
                    areas: Some(vec![format!("dept:{}", c.dept)]),
                    ..Zone::default()
                }),
                4..=6 => Some(Zone {
                    radius_km: Some(rng.range_f64(15.0, 80.0).round()),
                    ..Zone::default()
                }),
                7 => Some(Zone {
                    areas: Some(vec![format!("region:{}", c.region)]),
                    ..Zone::default()
                }),
                8 => Some(Zone {
                    national: Some(true),
                    ..Zone::default()
                }),
                _ => None,
            };
            s.activities.push(Activity {
                label: Some(tt.words[rng.index(tt.words.len())].to_string()),
                cpv: vec![tt.cpv[rng.index(tt.cpv.len())].to_string()],
                modes: vec![tt.mode],
                zone,
            });
        }
        if rng.chance(0.5) {
            s.capacity = Capacity {
                employees: Some(rng.range_i64(3, 200)),
                insertion_employees: None,
                turnover_eur: rng.chance(0.5).then(|| rng.range_f64(1e5, 5e6).round()),
                founded: None,
            };
        }
        if rng.chance(0.7) {
            s.contact = Contact {
                email: Some(format!("contact{i}@example.org")),
                phone: None,
                website: rng.chance(0.4).then(|| format!("https://example.org/{i}")),
            };
        }
        s
    }
}

fn rss_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct Dataset {
    dir: PathBuf,
    store: Store,
    index: SearchIndex,
    build_secs: f64,
    n: u64,
}

fn data_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-search")
}

fn dataset(n: u64) -> Dataset {
    let dir = data_root().join(format!("n{n}-v1"));
    let ready = dir.join("READY");
    if let Ok(text) = std::fs::read_to_string(&ready) {
        let store = Store::open(&dir).unwrap();
        let index = SearchIndex::open(&dir).unwrap();
        index.sync(&store).unwrap();
        let build_secs = text.trim().parse().unwrap_or(f64::NAN);
        eprintln!(
            "[{n}] cached data set in {} (build took {build_secs:.1} s)",
            dir.display()
        );
        return Dataset {
            dir,
            store,
            index,
            build_secs,
            n,
        };
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir).unwrap();
    let places = temp_synth::Places::new();
    let mut rng = Rng::new(42);
    let t0 = Instant::now();
    let mut batch = Vec::with_capacity(5000);
    for i in 0..n {
        let mut s = temp_synth::supplier(&mut rng, i, &places);
        essor::model::validate_supplier(&mut s)
            .unwrap_or_else(|e| panic!("generated supplier invalid: {e}"));
        batch.push(s);
        if batch.len() == 5000 {
            store.put_suppliers(&batch, "bench").unwrap();
            batch.clear();
        }
    }
    store.put_suppliers(&batch, "bench").unwrap();
    eprintln!("[{n}] store filled in {:.1} s", t0.elapsed().as_secs_f64());
    let index = SearchIndex::open(&dir).unwrap();
    let t1 = Instant::now();
    index.rebuild(&store).unwrap();
    let build_secs = t1.elapsed().as_secs_f64();
    eprintln!("[{n}] index built from the store in {build_secs:.1} s");
    std::fs::write(&ready, format!("{build_secs}\n")).unwrap();
    Dataset {
        dir,
        store,
        index,
        build_secs,
        n,
    }
}

const TEXTS: &[&str] = &[
    "nettoyage",
    "espaces verts",
    "élagage",
    "traiteur",
    "blanchisserie",
    "imprimerie",
    "déménagement",
    "menuiserie bois",
    "nettoyage de locaux",
    "ménage",
    "reprographie",
    "couture retouches",
    "nettoyaje",
    "recyclage",
    "peinture",
    "entretien",
    "conditionnement",
    "maraîchage",
    "informatique reconditionnée",
    "mise à disposition de personnel",
    "paysagiste",
    "90910000",
    "tonte",
    "restauration collective",
    "logistique",
    "secrétariat",
    "imprim",
    "plateaux repas",
    "pressing",
    "débroussaillage",
];

#[derive(Clone, Copy, Debug)]
enum Class {
    Text,
    Geo,
    TextGeoFilters,
    Facets,
}

fn workload(class: Class, count: usize, seed: u64) -> Vec<SearchQuery> {
    let places = temp_synth::Places::new();
    let r = Referential::get();
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let text = TEXTS[rng.index(TEXTS.len())].to_string();
            let c = places.pick(&mut rng);
            let point = r.communes.centre(c).unwrap_or(GeoPoint {
                lat: 46.0,
                lon: 2.0,
            });
            match class {
                Class::Text => SearchQuery {
                    text,
                    per_page: 10,
                    ..SearchQuery::default()
                },
                Class::Geo => {
                    let geo = if rng.chance(0.5) {
                        GeoClause::Near {
                            point,
                            radius_km: rng.range_f64(5.0, 40.0),
                        }
                    } else {
                        GeoClause::Serves {
                            place: PlaceRef::Commune(c.code.clone()),
                            perimeter: None,
                        }
                    };
                    SearchQuery {
                        geo: Some(geo),
                        per_page: 10,
                        ..SearchQuery::default()
                    }
                }
                Class::TextGeoFilters => {
                    let geo = if rng.chance(0.6) {
                        GeoClause::Near {
                            point,
                            radius_km: rng.range_f64(10.0, 50.0),
                        }
                    } else {
                        GeoClause::Serves {
                            place: PlaceRef::Commune(c.code.clone()),
                            perimeter: None,
                        }
                    };
                    let filters = match rng.below(3) {
                        0 => Filters {
                            kinds: vec![Kind::ESAT, Kind::EA],
                            ..Filters::default()
                        },
                        1 => Filters {
                            reserved: Some(essor::model::need::Reserved::L2113_13),
                            ..Filters::default()
                        },
                        _ => Filters {
                            ess: Some(true),
                            ..Filters::default()
                        },
                    };
                    SearchQuery {
                        text,
                        geo: Some(geo),
                        filters,
                        per_page: 10,
                        ..SearchQuery::default()
                    }
                }
                Class::Facets => SearchQuery {
                    text,
                    per_page: 10,
                    facets: true,
                    ..SearchQuery::default()
                },
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Run a workload, one query after the other, and report median, p99 and mean.
fn measure(ds: &Dataset, class: Class, rounds: usize) -> (Duration, Duration) {
    let queries = workload(class, rounds, 7 + class as u64);
    let snap = ds.index.snapshot();
    for q in queries.iter().take(50) {
        snap.search(q).unwrap();
    }
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in &queries {
        let t = Instant::now();
        let res = snap.search(q).unwrap();
        times.push(t.elapsed());
        hits += res.hits.len();
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "[{}] {:<18} n={:<5} p50 {:>8.3} ms  p99 {:>8.3} ms  mean {:>8.3} ms  max {:>8.3} ms  (avg {:.1} hits)",
        ds.n,
        format!("{class:?}"),
        times.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        mean.as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
        hits as f64 / times.len() as f64
    );
    (p50, p99)
}

/// Write through the store while searches run; time until each write is searchable.
fn freshness(ds: &Dataset, writes: u64) {
    let refresher = ds
        .index
        .start_refresher(ds.store.clone(), Duration::from_millis(100));
    let places = temp_synth::Places::new();
    let mut rng = Rng::new(4242);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let queries = workload(Class::TextGeoFilters, 500, 99);
    let mut lat = Vec::new();
    std::thread::scope(|scope| {
        let searcher = scope.spawn(|| {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                ds.index.search(&queries[(n % 500) as usize]).unwrap();
                n += 1;
            }
            n
        });
        for i in 0..writes {
            let mut s = temp_synth::supplier(&mut rng, ds.n + 1_000_000 + i, &places);
            essor::model::validate_supplier(&mut s).unwrap();
            let t = Instant::now();
            let seq = ds.store.put_supplier(&s, "bench", "put").unwrap();
            assert!(ds.index.wait_for_seq(seq, Duration::from_secs(30)));
            lat.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(30 + rng.below(70)));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let n = searcher.join().unwrap();
        println!("[{}] searches run meanwhile: {n}", ds.n);
    });
    drop(refresher);
    lat.sort();
    println!(
        "[{}] write-to-searchable  n={} p50 {:.0} ms  p99 {:.0} ms  max {:.0} ms",
        ds.n,
        lat.len(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    // Leave the cached data set as it was built.
    for i in 0..writes {
        let s = temp_synth::supplier(&mut Rng::new(0), ds.n + 1_000_000 + i, &places);
        let _ = ds.store.delete_supplier(&s.siret, "bench");
    }
    ds.index.sync(&ds.store).unwrap();
}

fn sizes() -> Vec<u64> {
    if let Ok(v) = std::env::var("ESSOR_BENCH_SIZES") {
        return v.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    }
    let mut v = vec![10_000, 220_000];
    if std::env::var("ESSOR_BENCH_HUGE").is_ok_and(|v| v == "1") {
        v.push(2_800_000);
    }
    v
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        let ds = dataset(n);
        ds.index.snapshot().warm();
        let (rss, hwm) = rss_mb();
        println!(
            "[{n}] build from store {:.1} s; {} searchable; RSS {rss:.0} MB (peak {hwm:.0} MB); data in {}",
            ds.build_secs,
            ds.index.snapshot().num_suppliers(),
            ds.dir.display()
        );
        let rounds = if n >= 1_000_000 { 1000 } else { 3000 };
        for class in [
            Class::Text,
            Class::Geo,
            Class::TextGeoFilters,
            Class::Facets,
        ] {
            measure(&ds, class, rounds);
        }
        let (rss, hwm) = rss_mb();
        println!("[{n}] after queries: RSS {rss:.0} MB (peak {hwm:.0} MB)");
        if n <= 220_000 {
            freshness(&ds, 60);
        }
        let mut group = c.benchmark_group(format!("search_{n}"));
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4))
            .warm_up_time(Duration::from_secs(1));
        for class in [
            Class::Text,
            Class::Geo,
            Class::TextGeoFilters,
            Class::Facets,
        ] {
            let queries = workload(class, 256, 11 + class as u64);
            let snap = ds.index.snapshot();
            let mut i = 0usize;
            group.bench_function(format!("{class:?}"), |b| {
                b.iter(|| {
                    i = (i + 1) % queries.len();
                    snap.search(&queries[i]).unwrap()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
