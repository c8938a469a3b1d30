//! What the benchmarks share: the cached data sets of generated suppliers under
//! `target/bench-search/synth-n<N>/` (the store generated once, the index rebuilt when it
//! does not open or is not the one recorded in `BUILD`), and the process figures they print.

use std::path::{Path, PathBuf};
use std::time::Instant;

use essor::index::SearchIndex;
use essor::store::Store;
use essor::synth::SupplierOptions;

/// Seed of the generated suppliers.
pub const SEED: u64 = 2026;

/// A field of `/proc/self/status`, in MB (0 where unknown).
pub fn status_mb(name: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The load average over 1, 5 and 15 minutes.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Whether the environment variable is `1`.
pub fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

/// The data directory of `n` generated suppliers.
pub fn data_dir(n: u64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-search")
        .join(format!("synth-n{n}"))
}

/// The store of `n` generated suppliers, generated once.
pub fn cached_store(dir: &Path, n: u64) -> Store {
    let ready = dir.join("STORE_READY");
    if ready.exists() {
        return Store::open(dir).unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let store = Store::open(dir).unwrap();
    let t0 = Instant::now();
    let mut batch = Vec::with_capacity(5000);
    for s in essor::synth::supplier_stream(SEED, n as usize, &SupplierOptions::default()) {
        batch.push(s);
        if batch.len() == 5000 {
            store.put_suppliers(&batch, "bench").unwrap();
            batch.clear();
        }
    }
    store.put_suppliers(&batch, "bench").unwrap();
    eprintln!(
        "[{n}] store generated in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    std::fs::write(&ready, "").unwrap();
    store
}

/// The index of the cached data set and how long its build took (seconds, recorded in
/// `BUILD`), or `None` when it was cached: it is built again when it does not open, is not
/// the one `BUILD` records, or `rebuild` is asked.
pub fn cached_index(dir: &Path, store: &Store, n: u64, rebuild: bool) -> (SearchIndex, f64, bool) {
    let build_file = dir.join("BUILD");
    if !rebuild
        && let Ok(text) = std::fs::read_to_string(&build_file)
        && let Some((generation, secs)) = text.trim().split_once(' ')
        && let Ok(index) = SearchIndex::open(dir)
        && index.snapshot().generation() == generation
    {
        index.sync(store).unwrap();
        let build_secs = secs.parse().unwrap_or(f64::NAN);
        eprintln!(
            "[{n}] cached index in {} (its build took {build_secs:.1} s)",
            dir.display()
        );
        return (index, build_secs, false);
    }
    let _ = std::fs::remove_dir_all(dir.join("search"));
    let index = SearchIndex::open(dir).unwrap();
    let t = Instant::now();
    index.rebuild(store).unwrap();
    let build_secs = t.elapsed().as_secs_f64();
    eprintln!(
        "[{n}] index built from the store in {build_secs:.1} s (peak RSS so far {:.0} MB; load {})",
        status_mb("VmHWM:"),
        load_average()
    );
    std::fs::write(
        &build_file,
        format!("{} {build_secs}\n", index.snapshot().generation()),
    )
    .unwrap();
    (index, build_secs, true)
}
