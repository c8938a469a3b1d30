//! Latency of need matching (`essor::engine::match_need`) on realistic generated data: buyer
//! needs from `essor::synth` (the generator `essor eval --seed` uses, with all its wording
//! styles: short titles, plain requests, keyword lists, small towns' plain words, pasted tender
//! notices, code-only notices, ambiguous titles, two-lot notices) against the suppliers of the
//! search benchmark. It prints p50, p99, mean and max per need style and in total, the reverse
//! matching latency (`engine::needs_for_supplier`: a supplier against the open needs), and the
//! memory (RSS). Criterion then times a cycle of needs as usual.
//!
//! It does not check results (the evaluation does: `essor eval`) nor time the HTTP layer.
//!
//! Data: the same cached directories as `benches/search.rs`, `target/bench-search/synth-n<N>/`
//! (suppliers of seed 2026; the store is generated and the index built when missing, and the
//! index rebuilt when it does not open). The needs are generated against the store's suppliers
//! (seed 2027), so every run matches the same needs.
//!
//! Sizes: 10,000 suppliers by default; `ESSOR_BENCH_SIZES=10000,220000` picks sizes.
//! `ESSOR_BENCH_ROUNDS=300` sets the number of needs (default 300) and `ESSOR_BENCH_PASSES=2`
//! the passes over them (default 2; the first warms the caches and is not counted).
//! `ESSOR_BENCH_REVERSE=200` sets the suppliers timed against `ESSOR_BENCH_OPEN_NEEDS=100` open
//! needs in reverse matching (default 200; 0 skips it); the first call, which computes every
//! open need's plan and text hits (kept until the index changes), is timed on its own.
//! Generated deadlines are before today, so these needs are given no deadline.
//! "Reverse under writes" then times `ESSOR_BENCH_REVERSE_WRITES=100` calls (default 100; 0
//! skips it), each after another supplier's profile is written and the index caught up, and
//! as many (at most the sampled suppliers) after the asking supplier's own write; the
//! profiles written are written back as stored at the end. `ESSOR_BENCH_ROUNDS=0` skips
//! forward matching.
//! `ESSOR_BENCH_SLOWEST=10` prints the ten slowest needs with their style and title;
//! `ESSOR_BENCH_NO_CRITERION=1` skips the criterion part.
//!
//! Run: `cargo bench --bench matching` (add `-- --quick` for shorter criterion runs), or
//! `ESSOR_BENCH_SIZES=220000 ESSOR_BENCH_NO_CRITERION=1 cargo bench --bench matching`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

mod common;

use common::{cached_index, cached_store, data_dir, env_flag, load_average, status_mb};
use criterion::{Criterion, criterion_group, criterion_main};
use essor::engine::{match_need, need_side_stats, needs_for_supplier};
use essor::index::SearchIndex;
use essor::model::{Need, Supplier};
use essor::store::Store;
use essor::synth::needs::TruthBase;

/// Seed of the generated needs.
const NEED_SEED: u64 = 2027;
/// Seed of the open needs of reverse matching.
const OPEN_NEED_SEED: u64 = 2028;
/// Results asked for per need (as `essor eval`).
const LIMIT: usize = 50;
/// Suppliers written in turn between reverse-matching calls ("reverse under writes").
const WRITERS: usize = 50;

fn memory() -> String {
    format!(
        "RSS {:.0} MB ({:.0} MB anonymous + {:.0} MB mapped files; peak {:.0} MB)",
        status_mb("VmRSS:"),
        status_mb("RssAnon:"),
        status_mb("RssFile:"),
        status_mb("VmHWM:")
    )
}

fn env_usize(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn sizes() -> Vec<u64> {
    std::env::var("ESSOR_BENCH_SIZES").map_or_else(
        |_| vec![10_000],
        |v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect(),
    )
}

struct Dataset {
    index: SearchIndex,
    store: Store,
    /// Other suppliers, written between reverse-matching calls.
    writers: Vec<Supplier>,
    /// The needs, each with its style.
    needs: Vec<(String, Need)>,
    /// Suppliers spread over the store, for reverse matching.
    sample: Vec<Supplier>,
    /// Open needs, for reverse matching.
    open: Vec<Need>,
}

fn dataset(n: u64, rounds: usize, reverse: usize, open: usize) -> Dataset {
    let dir = data_dir(n);
    let store = cached_store(&dir, n);
    let (index, _, _) = cached_index(&dir, &store, n, false);
    let t = Instant::now();
    let mut base = TruthBase::new();
    let step = (n as usize / reverse.max(1)).max(1);
    let mut sample = Vec::with_capacity(reverse);
    let mut writers = Vec::with_capacity(WRITERS);
    let mut i = 0usize;
    store
        .for_each_supplier(|s, _| {
            base.push(&s);
            if i % step == step / 2 && writers.len() < WRITERS && !s.closed {
                writers.push(s.clone());
            }
            if i % step == 0 && sample.len() < reverse {
                sample.push(s);
            }
            i += 1;
            Ok(())
        })
        .unwrap();
    let set = essor::synth::needs::generate_needs_from(NEED_SEED, rounds, &base);
    let needs = set
        .truth
        .into_iter()
        .map(|t| t.style)
        .zip(set.needs)
        .collect();
    let open = essor::synth::needs::generate_needs_from(OPEN_NEED_SEED, open, &base)
        .needs
        .into_iter()
        .map(|mut need| {
            need.closed = false;
            need.deadline = None;
            need
        })
        .collect();
    eprintln!(
        "[{n}] {} suppliers read and needs generated in {:.1} s",
        base.len(),
        t.elapsed().as_secs_f64()
    );
    Dataset {
        index,
        store,
        writers,
        needs,
        sample,
        open,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One line of figures: count, p50, p99, mean and max in milliseconds.
fn line(label: &str, times: &mut [Duration], extra: &str) {
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    println!(
        "  {label:<14} {:>5}  p50 {:>8.2}  p99 {:>8.2}  mean {:>8.2}  max {:>8.2} ms{extra}",
        times.len(),
        ms(percentile(times, 0.5)),
        ms(percentile(times, 0.99)),
        ms(mean),
        ms(*times.last().unwrap()),
    );
}

/// Match every need `passes` times, one after the other; the first pass is not counted.
fn measure(n: u64, ds: &Dataset, passes: usize) {
    let mut by_style: BTreeMap<&str, (Vec<Duration>, usize, usize)> = BTreeMap::new();
    let mut all = Vec::new();
    let mut slowest: Vec<(Duration, &str, &str)> = Vec::new();
    let t0 = Instant::now();
    for pass in 0..passes.max(1) {
        for (style, need) in &ds.needs {
            let t = Instant::now();
            let res = match_need(&ds.index, need, LIMIT).unwrap();
            let took = t.elapsed();
            if pass == 0 && passes > 1 {
                continue;
            }
            let e = by_style.entry(style).or_default();
            e.0.push(took);
            e.1 += res.total;
            e.2 += res.results.len();
            all.push(took);
            slowest.push((took, style, &need.title));
        }
    }
    println!(
        "[{n}] match_need, limit {LIMIT}: {} needs x {} counted pass(es) in {:.1} s (load average {})",
        ds.needs.len(),
        passes.max(2) - 1,
        t0.elapsed().as_secs_f64(),
        load_average()
    );
    for (style, (times, total, shown)) in &mut by_style {
        let k = times.len().max(1);
        let extra = format!("  (mean total {}, shown {})", *total / k, *shown / k);
        line(style, times, &extra);
    }
    line("all", &mut all, "");
    if let Some(k) = env_usize("ESSOR_BENCH_SLOWEST") {
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        for (took, style, title) in slowest.iter().take(k) {
            println!("    {:>8.2} ms  {style:<14} {title}", ms(*took));
        }
    }
}

/// Reverse matching: each sampled supplier against the open needs (two passes, the first warm).
fn measure_reverse(n: u64, ds: &Dataset) {
    if ds.sample.is_empty() || ds.open.is_empty() {
        return;
    }
    let mut times = Vec::with_capacity(ds.sample.len());
    let mut found = 0usize;
    let t0 = Instant::now();
    // The first call computes every open need's plan and hits (kept per index generation);
    // the next ones only assess the supplier against them.
    let cold = Instant::now();
    needs_for_supplier(&ds.index, &ds.sample[0], &ds.open, 20);
    println!(
        "[{n}] needs_for_supplier, first call (every need's plan computed): {:.1} ms",
        cold.elapsed().as_secs_f64() * 1e3
    );
    for s in &ds.sample[..ds.sample.len().min(10)] {
        needs_for_supplier(&ds.index, s, &ds.open, 20);
    }
    for s in &ds.sample {
        let t = Instant::now();
        found += needs_for_supplier(&ds.index, s, &ds.open, 20).len();
        times.push(t.elapsed());
    }
    println!(
        "[{n}] needs_for_supplier, {} open needs, limit 20: {} suppliers in {:.1} s",
        ds.open.len(),
        ds.sample.len(),
        t0.elapsed().as_secs_f64()
    );
    let extra = format!("  (mean found {:.1})", found as f64 / times.len() as f64);
    line("reverse", &mut times, &extra);
}

/// Reverse matching under write traffic: before each call, another supplier's profile is
/// written and the index caught up (as the refresher does), so the call runs on a new store
/// sequence; then, the asking supplier's own profile is written before each call. The
/// written profiles alternate between their stored text and the text with a sentence added,
/// and are written back as stored at the end (only the store's sequence moves).
fn measure_reverse_under_writes(n: u64, ds: &Dataset) {
    let calls = env_usize("ESSOR_BENCH_REVERSE_WRITES").unwrap_or(100);
    if ds.sample.is_empty() || ds.open.is_empty() || ds.writers.is_empty() || calls == 0 {
        return;
    }
    let edited = |s: &Supplier, on: bool| {
        let mut s = s.clone();
        if on {
            s.description.push_str(" Horaires élargis le samedi.");
        }
        s
    };
    let write = |s: &Supplier| {
        let t = Instant::now();
        ds.store
            .put_suppliers(std::slice::from_ref(s), "bench")
            .unwrap();
        ds.index.sync(&ds.store).unwrap();
        t.elapsed()
    };
    let computed = || need_side_stats(&ds.open[0]).0;
    // Sides computed on the current snapshot first, as in a warm service.
    needs_for_supplier(&ds.index, &ds.sample[0], &ds.open, 20);
    let mut times = Vec::with_capacity(calls);
    let mut syncs = Vec::with_capacity(calls);
    let before = computed();
    let mut on = vec![false; ds.writers.len()];
    for i in 0..calls {
        let w = i % ds.writers.len();
        on[w] = !on[w];
        syncs.push(write(&edited(&ds.writers[w], on[w])));
        let s = &ds.sample[i % ds.sample.len()];
        let t = Instant::now();
        needs_for_supplier(&ds.index, s, &ds.open, 20);
        times.push(t.elapsed());
    }
    let sides = computed() - before;
    println!(
        "[{n}] needs_for_supplier under writes: another supplier written before each call \
         ({} open needs, limit 20; {sides} need sides computed over {calls} calls)",
        ds.open.len()
    );
    line("reverse+write", &mut times, "");
    line("write+sync", &mut syncs, "");
    // How far the kept sides let reverse matching drift from forward matching, which
    // computes everything on the current snapshot: the score of every pair reverse matching
    // finds for some sampled suppliers, against forward matching's.
    let (mut pairs, mut unseen, mut max_diff, mut sum_diff) = (0usize, 0usize, 0f64, 0f64);
    // Of the pairs forward matching never retrieved, how many score high enough that they
    // would have been in its top 50: those are forward matching's retrieval misses.
    let mut would_rank = 0usize;
    let forward: Vec<_> = ds
        .open
        .iter()
        .map(|need| match_need(&ds.index, need, usize::MAX).unwrap())
        .collect();
    for s in ds.sample.iter().take(50) {
        for (need, forward) in ds.open.iter().zip(&forward) {
            let Some(back) = needs_for_supplier(&ds.index, s, std::slice::from_ref(need), 1)
                .into_iter()
                .next()
            else {
                continue;
            };
            pairs += 1;
            match forward.results.iter().find(|m| m.siret == s.siret) {
                Some(m) => {
                    let d = (m.score - back.score).abs();
                    max_diff = max_diff.max(d);
                    sum_diff += d;
                }
                None => {
                    unseen += 1;
                    let above = forward
                        .results
                        .iter()
                        .filter(|m| m.score > back.score)
                        .count();
                    if above < 50 {
                        would_rank += 1;
                        eprintln!(
                            "  forward matching missed {} ({}) for {} « {} »: score {:.4}, \
                             would rank {} ({})",
                            s.siret,
                            s.name,
                            need.id.as_deref().unwrap_or("-"),
                            need.title,
                            back.score,
                            above + 1,
                            back.reasons.join(" · ")
                        );
                    }
                }
            }
        }
    }
    println!(
        "  drift after those writes: {pairs} pairs found by reverse matching, {unseen} not among forward \
         matching's results ({would_rank} of them scoring within its top 50); |score difference| \
         mean {:.5}, max {:.5}",
        sum_diff / (pairs - unseen).max(1) as f64,
        max_diff
    );
    // The asking supplier itself written before each call: its words judged afresh.
    let own = calls.min(ds.sample.len());
    let mut times = Vec::with_capacity(own);
    let before = computed();
    for s in &ds.sample[..own] {
        write(&edited(s, true));
        let t = Instant::now();
        needs_for_supplier(&ds.index, &edited(s, true), &ds.open, 20);
        times.push(t.elapsed());
        write(s);
    }
    let sides = computed() - before;
    println!(
        "[{n}] needs_for_supplier after the asking supplier's own write ({sides} need sides \
         computed over {own} calls)"
    );
    line("reverse+own", &mut times, "");
    for (w, on) in ds.writers.iter().zip(on) {
        if on {
            write(w);
        }
    }
}

fn bench(c: &mut Criterion) {
    let rounds = env_usize("ESSOR_BENCH_ROUNDS").unwrap_or(300);
    let passes = env_usize("ESSOR_BENCH_PASSES").unwrap_or(2);
    let open = env_usize("ESSOR_BENCH_OPEN_NEEDS").unwrap_or(100);
    for n in sizes() {
        let reverse = env_usize("ESSOR_BENCH_REVERSE").unwrap_or(200);
        let ds = dataset(n, rounds, reverse, open);
        ds.index.snapshot().warm();
        println!(
            "[{n}] {} searchable; {}; load average {}",
            ds.index.snapshot().num_suppliers(),
            memory(),
            load_average()
        );
        if !ds.needs.is_empty() {
            measure(n, &ds, passes);
        }
        measure_reverse(n, &ds);
        measure_reverse_under_writes(n, &ds);
        println!("[{n}] after matching: {}", memory());
        if env_flag("ESSOR_BENCH_NO_CRITERION") {
            continue;
        }
        let mut group = c.benchmark_group(format!("match_{n}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(5))
            .warm_up_time(Duration::from_secs(1));
        let mut i = 0usize;
        group.bench_function("match_need", |b| {
            b.iter(|| {
                i = (i + 1) % ds.needs.len();
                match_need(&ds.index, &ds.needs[i].1, LIMIT).unwrap()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
