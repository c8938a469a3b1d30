//! Benchmarks of the synthetic data generators: suppliers per second (alone and serialised to
//! JSON Lines, as `essor fixtures` does) and needs with their ground truth against 10k
//! suppliers. Fixed seeds; run with `cargo bench --bench synth`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use essor::synth::{
    SupplierOptions, TruthBase, generate_needs_from, generate_supplier, generate_suppliers,
};

fn suppliers(c: &mut Criterion) {
    let opts = SupplierOptions::weighted_towards("76", 0.6);
    // Warm the shared referential and geography outside the measurement.
    black_box(generate_supplier(1, 0, &opts));
    let mut g = c.benchmark_group("synth_suppliers");
    g.sample_size(20);
    const N: u64 = 2_000;
    g.throughput(Throughput::Elements(N));
    g.bench_function(BenchmarkId::new("generate", N), |b| {
        b.iter(|| {
            for i in 0..N {
                black_box(generate_supplier(7, i, &opts));
            }
        })
    });
    g.bench_function(BenchmarkId::new("generate_and_serialise", N), |b| {
        let mut buf = Vec::with_capacity(4 << 20);
        b.iter(|| {
            buf.clear();
            for i in 0..N {
                serde_json::to_writer(&mut buf, &generate_supplier(7, i, &opts)).unwrap();
                buf.push(b'\n');
            }
            black_box(buf.len())
        })
    });
    g.finish();
}

fn needs(c: &mut Criterion) {
    let base = TruthBase::from_suppliers(&generate_suppliers(3, 10_000));
    let mut g = c.benchmark_group("synth_needs");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100));
    g.bench_function("100_needs_with_truth_vs_10k_suppliers", |b| {
        b.iter(|| black_box(generate_needs_from(3, 100, &base)))
    });
    g.finish();
}

criterion_group!(benches, suppliers, needs);
criterion_main!(benches);
