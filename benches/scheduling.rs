//! Solve time of the meeting scheduler on the reference instances (`fixtures/sched`), from
//! parsed instance to schedule with tables, at the default effort. Run with
//! `cargo bench --bench scheduling`; it measures only, the quality goals are tested in
//! `tests/it/scheduling.rs`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use essor::scheduling::{Instance, Options, solve};

const INSTANCES: [&str; 6] = [
    "small-s2",
    "small-tight-s2",
    "medium-s2",
    "medium-tight-s2",
    "large-s2",
    "large-tight-s2",
];

fn load(name: &str) -> Instance {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sched")
        .join(format!("{name}.json"));
    Instance::from_json(&std::fs::read(path).expect("fixture exists")).expect("fixture is valid")
}

fn bench_solve(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for name in INSTANCES {
        let instance = load(name);
        let solution = solve(&instance, &Options::default()).expect("solvable");
        eprintln!(
            "{name}: objective {} bound {} gap {:.4} % meetings {} work {}",
            solution.objective,
            solution.upper_bound,
            100.0 * solution.gap(),
            solution.meetings.len(),
            solution.stats.work
        );
        group.bench_function(name, |b| {
            b.iter(|| solve(black_box(&instance), &Options::default()).expect("solvable"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_solve);
criterion_main!(benches);
