//! Guards the architecture's boundaries by scanning the sources (rust-analyzer's tidy test):
//! a module doc on every file, each external engine used only by the module that owns it,
//! pure modules free of IO runtimes, no ignored tests.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(sub: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    if root.join(sub).is_dir() {
        rust_files(&root.join(sub), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Lines of code that mention a crate path (`name::`), comments excluded.
fn uses_crate(text: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with("//"))
        .any(|l| {
            l.match_indices(&needle).any(|(i, _)| {
                i == 0
                    || !l.as_bytes()[i - 1].is_ascii_alphanumeric() && l.as_bytes()[i - 1] != b'_'
            })
        })
}

#[test]
fn every_source_file_opens_with_a_module_doc() {
    for (path, text) in sources("src")
        .into_iter()
        .chain(sources("tests"))
        .chain(sources("benches"))
    {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        assert!(
            first.starts_with("//!"),
            "{path} must open with a //! module doc"
        );
    }
}

#[test]
fn engines_are_used_only_by_the_modules_that_own_them() {
    let owners: &[(&str, &[&str])] = &[
        ("tantivy", &["src/index/text"]),
        ("rstar", &["src/index/geo", "src/referential/communes.rs"]),
        ("axum", &["src/api/", "src/web/"]),
        ("rusqlite", &["src/store/"]),
    ];
    for (path, text) in sources("src") {
        for (krate, allowed) in owners {
            if uses_crate(&text, krate) {
                assert!(
                    allowed.iter().any(|a| path.starts_with(a)),
                    "{path} uses {krate}, which only {allowed:?} may use"
                );
            }
        }
    }
}

#[test]
fn pure_modules_do_no_async_and_no_io_runtime() {
    for (path, text) in sources("src") {
        let pure = ["src/model/", "src/matching/", "src/scheduling/"]
            .iter()
            .any(|p| path.starts_with(p));
        if pure {
            for forbidden in ["tokio", "axum", "rusqlite", "tantivy"] {
                assert!(
                    !uses_crate(&text, forbidden),
                    "{path} is pure and must not use {forbidden}"
                );
            }
            assert!(
                !text.contains("async fn"),
                "{path} is pure and must not be async"
            );
        }
    }
}

#[test]
fn no_test_is_ignored_or_expected_to_panic() {
    let ignore = ["#[", "ignore]"].concat();
    let should_panic = ["#[", "should_panic"].concat();
    for (path, text) in sources("src")
        .into_iter()
        .chain(sources("tests"))
        .chain(sources("benches"))
    {
        assert!(!text.contains(&ignore), "{path} ignores a test");
        assert!(!text.contains(&should_panic), "{path} uses should_panic");
    }
}
