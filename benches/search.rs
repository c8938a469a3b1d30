//! Benchmarks of the search core (issue 3) on realistic generated data (`essor::synth`):
//! index build time from the store, query latency percentiles (p50, p99, mean, max) over
//! thousands of realistic buyer queries per class — text only, geography only, text +
//! geography + filter (the goal), text with facets, text + geography + filter with facets —
//! throughput of the text + geography + filter mix on every core, write-to-searchable latency
//! while searches run, and memory (RSS). Criterion then times each class as usual.
//!
//! It does not check results (the tests do) nor time the HTTP layer.
//!
//! Sizes: 10,000 and 220,000 suppliers by default; 2,800,000 too with `ESSOR_BENCH_HUGE=1`;
//! `ESSOR_BENCH_SIZES=10000,220000` picks sizes. Data directories (store and index) are cached
//! under `target/bench-search/synth-n<N>/`: the store is generated once; the index is rebuilt
//! when it does not open (schema changed) or with `ESSOR_BENCH_REBUILD=1` (which measures the
//! build again). `ESSOR_BENCH_ROUNDS=500` sets the queries per class (default 3,000, 1,000 at
//! 2.8M); `ESSOR_BENCH_NO_CRITERION=1` skips the criterion part; `ESSOR_BENCH_QUICK=1` runs
//! the latency percentiles only (no throughput, freshness or criterion: for profiling);
//! `ESSOR_BENCH_CLASSES=Text,Geo` limits the query classes (names as printed);
//! `ESSOR_BENCH_SLOWEST=20` prints the twenty slowest queries of each class with their plan.
//! `ESSOR_BENCH_DIGEST=1` also prints, per class, a digest of every answer (total, plan,
//! hits with their scores, distances, reasons and facets): an optimisation must not change it.
//!
//! Run: `cargo bench --bench search` (add `-- --quick` for shorter criterion runs).

use std::path::PathBuf;
use std::time::{Duration, Instant};

mod common;

use common::{SEED, cached_index, cached_store, data_dir, env_flag, load_average, status_mb};
use criterion::{Criterion, criterion_group, criterion_main};
use essor::index::{Filters, GeoClause, PlaceRef, SearchIndex, SearchQuery};
use essor::model::need::Reserved;
use essor::model::supplier::Kind;
use essor::referential::Referential;
use essor::store::Store;
use essor::synth::SupplierOptions;
use essor::synth::places::World;
use essor::util::Rng;

fn rss_mb() -> (f64, f64) {
    (status_mb("VmRSS:"), status_mb("VmHWM:"))
}

/// The resident memory by kind: the process's own (heap) and the mapped index files' pages
/// (the page cache the kernel may drop and share; counted in RSS all the same).
fn rss_split() -> String {
    format!(
        "{:.0} MB anonymous + {:.0} MB mapped files",
        status_mb("RssAnon:"),
        status_mb("RssFile:")
    )
}

/// CPU time used by the calling thread so far, in seconds (from `/proc`, 10 ms ticks).
fn thread_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 14th
    // and 15th fields of the line.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

struct Dataset {
    dir: PathBuf,
    store: Store,
    index: SearchIndex,
    build_secs: f64,
    n: u64,
}

fn dataset(n: u64) -> Dataset {
    let dir = data_dir(n);
    let store = cached_store(&dir, n);
    let (index, build_secs, _) = cached_index(&dir, &store, n, env_flag("ESSOR_BENCH_REBUILD"));
    Dataset {
        dir,
        store,
        index,
        build_secs,
        n,
    }
}

/// What buyers type: trade words, short phrases, a typo, a prefix being typed, a code.
const TEXTS: &[&str] = &[
    "espaces verts",
    "entretien espaces verts",
    "tonte",
    "débroussaillage",
    "élagage",
    "abattage arbres",
    "paysagiste",
    "nettoyage",
    "nettoyage locaux",
    "nettoyage de bureaux",
    "ménage",
    "vitrerie",
    "nettoyage vitres",
    "nettoyage fin de chantier",
    "traiteur",
    "restauration collective",
    "repas",
    "plateaux repas",
    "buffet",
    "blanchisserie",
    "linge",
    "pressing",
    "imprimerie",
    "impression",
    "reprographie",
    "mise sous pli",
    "numérisation",
    "archivage",
    "recyclage",
    "DEEE",
    "reconditionnement informatique",
    "menuiserie",
    "menuiserie bois",
    "peinture",
    "peinture bâtiment",
    "déménagement",
    "livraison vélo",
    "maraîchage",
    "légumes bio",
    "couture",
    "vêtements de travail",
    "événementiel",
    "accueil",
    "site internet",
    "lavage véhicules",
    "restauration de meubles",
    "textile",
    "formation",
    "conditionnement",
    "entretien bâtiment",
    "réparation vélos",
    "biodéchets",
    "nettoyaje",
    "blanchiserie",
    "imprim",
    "menuis",
    "90910000",
    "7731",
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Text,
    Geo,
    TextGeoFilter,
    TextFacets,
    TextGeoFilterFacets,
}

const CLASSES: [Class; 5] = [
    Class::Text,
    Class::Geo,
    Class::TextGeoFilter,
    Class::TextFacets,
    Class::TextGeoFilterFacets,
];

fn random_text(rng: &mut Rng) -> String {
    if rng.chance(0.25) {
        // A buyer keyword of a random trade, as written in needs.
        let t = rng.pick(essor::synth::catalog::TRADES);
        let usable: Vec<&str> = t
            .buyer_keywords
            .iter()
            .copied()
            .filter(|k| {
                k.chars()
                    .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
            })
            .collect();
        if !usable.is_empty() {
            return usable[rng.index(usable.len())].to_string();
        }
    }
    TEXTS[rng.index(TEXTS.len())].to_string()
}

fn random_geo(rng: &mut Rng) -> GeoClause {
    let r = Referential::get();
    let c = World::get().sample_commune(rng, None, 0.0);
    let near = rng.chance(0.6);
    let near = match std::env::var("ESSOR_BENCH_GEO").as_deref() {
        Ok("near") => true,
        Ok("serves") => false,
        _ => near,
    };
    if near {
        GeoClause::Near {
            point: r
                .communes
                .centre(c)
                .expect("sampled communes have a centre"),
            radius_km: rng.range_f64(10.0, 50.0).round(),
        }
    } else {
        GeoClause::Serves {
            place: PlaceRef::Commune(c.code.clone()),
            perimeter: None,
        }
    }
}

fn random_filter(rng: &mut Rng) -> Filters {
    match rng.below(10) {
        0..=3 => {
            let kinds = [
                vec![Kind::ESAT, Kind::EA],
                vec![Kind::ACI],
                vec![Kind::EI, Kind::ACI],
                vec![Kind::ESAT],
                vec![Kind::AI, Kind::ETTI],
            ];
            Filters {
                kinds: rng.pick(&kinds).clone(),
                ..Filters::default()
            }
        }
        4..=7 => Filters {
            reserved: Some(*rng.pick(&[
                Reserved::L2113_12,
                Reserved::L2113_13,
                Reserved::L2113_12_13,
                Reserved::L2113_15,
            ])),
            ..Filters::default()
        },
        _ => Filters {
            ess: Some(true),
            ..Filters::default()
        },
    }
}

/// `count` queries of a class, from a fixed seed.
fn workload(class: Class, count: usize, seed: u64) -> Vec<SearchQuery> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let base = SearchQuery {
                per_page: 10,
                ..SearchQuery::default()
            };
            match class {
                Class::Text => SearchQuery {
                    text: random_text(&mut rng),
                    ..base
                },
                Class::Geo => SearchQuery {
                    geo: Some(random_geo(&mut rng)),
                    ..base
                },
                Class::TextGeoFilter | Class::TextGeoFilterFacets => SearchQuery {
                    text: random_text(&mut rng),
                    geo: Some(random_geo(&mut rng)),
                    filters: random_filter(&mut rng),
                    facets: class == Class::TextGeoFilterFacets,
                    ..base
                },
                Class::TextFacets => SearchQuery {
                    text: random_text(&mut rng),
                    facets: true,
                    ..base
                },
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Run a workload, one query after the other, and report p50, p99, mean and max.
fn measure(ds: &Dataset, class: Class, rounds: usize) {
    let queries = workload(class, rounds, 7 + class as u64);
    let snap = ds.index.snapshot();
    // Warm the caches with other queries of the class (another seed), as a server that has
    // been answering for a while; the measured queries then miss the caches at the rate the
    // class's variety makes them.
    for q in &workload(class, 500, 1000 + class as u64) {
        snap.search(q).unwrap();
    }
    let mut times = Vec::with_capacity(queries.len());
    let cpu0 = thread_cpu_secs();
    let mut hits = 0usize;
    let mut total = 0u64;
    let mut examined = 0u64;
    let mut drivers: std::collections::BTreeMap<String, usize> = Default::default();
    let digest = env_flag("ESSOR_BENCH_DIGEST");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let slowest_n: usize = std::env::var("ESSOR_BENCH_SLOWEST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for q in &queries {
        let t = Instant::now();
        let res = snap.search(q).unwrap();
        let took = t.elapsed();
        times.push(took);
        if slowest_n > 0 {
            slowest.push((
                took,
                format!(
                    "text {:?} geo {:?} filters {:?} -> driver {:?}, {} examined, {} total",
                    q.text, q.geo, q.filters, res.plan.driver, res.plan.candidates, res.total
                ),
            ));
        }
        if digest {
            use std::hash::Hash;
            let mut hits = res.hits.clone();
            // The profile is the store's: it does not depend on the search path.
            hits.iter_mut().for_each(|h| h.snippets.clear());
            serde_json::to_string(&(&res.total, &hits, &res.facets))
                .unwrap()
                .hash(&mut hasher);
            res.hits
                .iter()
                .map(|h| h.supplier.siret.as_str())
                .collect::<Vec<_>>()
                .hash(&mut hasher);
        }
        hits += res.hits.len();
        total += res.total;
        examined += res.plan.candidates;
        let d = match &res.plan.driver {
            essor::index::Driver::Filter(_) => "filter".to_string(),
            d => format!("{d:?}").to_lowercase(),
        };
        *drivers.entry(d).or_default() += 1;
    }
    let cpu_ms = (thread_cpu_secs() - cpu0) * 1e3 / queries.len() as f64;
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (took, what) in slowest.iter().take(slowest_n) {
        println!("[{}] {class:?} slow {:.3} ms: {what}", ds.n, ms(*took));
    }
    if digest {
        use std::hash::Hasher;
        println!("[{}] {class:?} digest {:016x}", ds.n, hasher.finish());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    println!(
        "[{}] {:<20} n={:<5} p50 {:>7.3} ms  p99 {:>7.3} ms  mean {:>7.3} ms  max {:>8.3} ms  cpu {cpu_ms:.3} ms/query  (avg {:.1} hits of {:.0}; {:.0} examined; drivers {drivers:?}; load {})",
        ds.n,
        format!("{class:?}"),
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(mean),
        ms(*times.last().unwrap()),
        hits as f64 / times.len() as f64,
        total as f64 / times.len() as f64,
        examined as f64 / times.len() as f64,
        load_average(),
    );
}

/// Queries per second of the text + geography + filter mix with one searching thread per
/// core (what the HTTP API can at best serve).
fn throughput(ds: &Dataset, queries_per_thread: usize) {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let t = Instant::now();
    std::thread::scope(|scope| {
        for k in 0..threads {
            let queries = workload(Class::TextGeoFilter, queries_per_thread, 500 + k as u64);
            let index = &ds.index;
            scope.spawn(move || {
                for q in &queries {
                    index.search(q).unwrap();
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    println!(
        "[{}] throughput TextGeoFilter: {:.0} searches/s on {threads} threads ({} searches in {secs:.2} s)",
        ds.n,
        (threads * queries_per_thread) as f64 / secs,
        threads * queries_per_thread
    );
}

/// Write through the store while searches run; time until each write is searchable.
fn freshness(ds: &Dataset, writes: u64) {
    let refresher = ds
        .index
        .start_refresher(ds.store.clone(), Duration::from_millis(100));
    let opts = SupplierOptions::default();
    let mut rng = Rng::new(4242);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let queries = workload(Class::TextGeoFilter, 500, 99);
    let mut lat = Vec::new();
    // Indices past the data set: generated SIRETs are unique per seed, so these are new.
    let extra = |i: u64| essor::synth::generate_supplier(SEED, ds.n + 1_000_000 + i, &opts);
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
            let s = extra(i);
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
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap())
    );
    // Leave the cached data set as it was generated.
    for i in 0..writes {
        let _ = ds.store.delete_supplier(&extra(i).siret, "bench");
    }
    ds.index.sync(&ds.store).unwrap();
}

fn sizes() -> Vec<u64> {
    if let Ok(v) = std::env::var("ESSOR_BENCH_SIZES") {
        return v.split(',').filter_map(|s| s.trim().parse().ok()).collect();
    }
    let mut v = vec![10_000, 220_000];
    if env_flag("ESSOR_BENCH_HUGE") {
        v.push(2_800_000);
    }
    v
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        let ds = dataset(n);
        let t = Instant::now();
        ds.index.snapshot().warm();
        let warm_secs = t.elapsed().as_secs_f64();
        let (rss, hwm) = rss_mb();
        println!(
            "[{n}] build from store {:.1} s; geography warmed in {warm_secs:.2} s; {} searchable; RSS {rss:.0} MB ({}; peak {hwm:.0} MB); load average {}; data in {}",
            ds.build_secs,
            ds.index.snapshot().num_suppliers(),
            rss_split(),
            load_average(),
            ds.dir.display()
        );
        let rounds = std::env::var("ESSOR_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(if n >= 1_000_000 { 1000 } else { 3000 });
        let only = std::env::var("ESSOR_BENCH_CLASSES").unwrap_or_default();
        for class in CLASSES {
            if only.is_empty() || only.split(',').any(|c| c == format!("{class:?}")) {
                measure(&ds, class, rounds);
            }
        }
        if env_flag("ESSOR_BENCH_QUICK") {
            continue;
        }
        throughput(&ds, rounds / 2);
        let (rss, hwm) = rss_mb();
        println!(
            "[{n}] after queries: RSS {rss:.0} MB ({}; peak {hwm:.0} MB); load average {}",
            rss_split(),
            load_average()
        );
        if n <= 220_000 {
            freshness(&ds, 60);
        }
        if env_flag("ESSOR_BENCH_NO_CRITERION") {
            continue;
        }
        let mut group = c.benchmark_group(format!("search_{n}"));
        group
            .sample_size(30)
            .measurement_time(Duration::from_secs(4))
            .warm_up_time(Duration::from_secs(1));
        for class in CLASSES {
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
