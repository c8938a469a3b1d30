//! Helpers shared by the integration tests: temp data dirs, the real binary, sample data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use essor::model::ids::complete_siret;

/// Path of the real `essor` binary built by cargo for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_essor"))
}

/// Run the real binary with a data directory and arguments.
pub fn essor(data: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env("ESSOR_LOG", "warn")
        .output()
        .expect("the essor binary runs")
}

/// A valid SIRET derived from a number.
pub fn siret(n: u64) -> String {
    complete_siret(&format!("{:013}", 4_000_000_000_000u64 + n * 10))
}

/// A valid supplier JSON line for SIRET number `n`.
pub fn supplier_line(n: u64, commune: &str) -> String {
    serde_json::json!({
        "siret": siret(n),
        "name": format!("Structure {n}"),
        "kinds": ["ACI"],
        "ess": true,
        "description": "Entretien des espaces verts, tonte et débroussaillage.",
        "address": {"commune": commune},
        "activities": [{"label": "Espaces verts", "cpv": ["77310000"], "modes": ["services"]}]
    })
    .to_string()
}
