//! `essor import suppliers|needs` end to end with the real binary: mixed valid and invalid
//! rows, exit codes, idempotence, CSV, and durability under SIGKILL.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use essor::store::Store;

use crate::common::{bin, essor, siret, supplier_line};

fn write(path: &std::path::Path, content: &str) {
    std::fs::write(path, content).unwrap();
}

#[test]
fn mixed_file_imports_every_valid_row_and_reports_each_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good1 = supplier_line(1, "81004");
    let bad_siret = supplier_line(2, "81004").replace(
        &siret(2),
        &format!(
            "{}{}",
            &siret(2)[..13],
            (siret(2).as_bytes()[13] - b'0' + 1) % 10
        ),
    );
    let unknown_commune = supplier_line(3, "99999");
    let bad_cpv = supplier_line(4, "81004").replace("77310000", "77310000-1");
    let bad_lat = supplier_line(5, "81004").replace(
        "\"address\"",
        "\"location\":{\"lat\":123,\"lon\":2},\"address\"",
    );
    let missing_name = supplier_line(6, "81004").replace("\"name\":\"Structure 6\",", "");
    let broken_json = "{\"siret\": \"1234";
    let good7 = supplier_line(7, "31555");
    let duplicate_newer =
        supplier_line(1, "81004").replace("Structure 1", "Structure 1 (nouveau nom)");
    let content = [
        &good1,
        &bad_siret,
        &unknown_commune,
        &bad_cpv,
        &bad_lat,
        &missing_name,
        broken_json,
        "",
        &good7,
        &duplicate_newer,
    ]
    .join("\n");
    let file = dir.path().join("mixed.jsonl");
    write(&file, &content);

    let out = essor(
        &data,
        &["import", "suppliers", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "siret".to_string()),
            (3, "address.commune".to_string()),
            (4, "activities[0].cpv[0]".to_string()),
            (5, "location.lat".to_string()),
            (6, "name".to_string()),
            (7, String::new()),
        ]
    );
    assert_eq!(report["accepted"], 3);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: address.commune: unknown INSEE commune code (99999)"),
        "{stderr}"
    );

    let store = Store::open(&data).unwrap();
    assert_eq!(store.count_suppliers().unwrap(), 2);
    let s1 = store.get_supplier(&siret(1)).unwrap().unwrap().supplier;
    assert_eq!(
        s1.name, "Structure 1 (nouveau nom)",
        "the later row for a SIRET wins"
    );
    assert!(store.get_supplier(&siret(7)).unwrap().is_some());
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let lines: Vec<String> = (1..=50).map(|n| supplier_line(n, "34172")).collect();
    let file = dir.path().join("s.jsonl");
    write(&file, &lines.join("\n"));
    let out = essor(&data, &["import", "suppliers", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let seq1 = Store::open(&data).unwrap().last_seq().unwrap();
    let out = essor(
        &data,
        &["import", "suppliers", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["changed"], 0);
    assert_eq!(report["unchanged"], 50);
    assert_eq!(Store::open(&data).unwrap().last_seq().unwrap(), seq1);
}

#[test]
fn csv_import_maps_flat_columns_and_names_bad_fields() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let csv = format!(
        "siret,name,commune,kinds,ess,labels,cpv,modes,zone,employees,turnover_eur,email,offers\n\
         {},\"Atelier du Lauragais, ESAT\",31555,ESAT|EA,oui,Qualiopi|ISO 14001,77310000|90911200-8,services,radius:30|dept:11,42,1 250 000,contact@atelier.fr,Tonte|Élagage\n\
         {},Mauvaise ligne,31555,XYZ,non,,,,,,,,\n\
         {},Autre,31555,,,,,,,douze,,,\n",
        siret(10),
        siret(11),
        siret(12)
    );
    let file = dir.path().join("s.csv");
    write(&file, &csv);
    let out = essor(
        &data,
        &["import", "suppliers", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rejected"][0]["line"], 3);
    assert_eq!(report["rejected"][0]["field"], "kinds[0]");
    assert_eq!(report["rejected"][1]["line"], 4);
    assert_eq!(report["rejected"][1]["field"], "capacity.employees");

    let s = Store::open(&data)
        .unwrap()
        .get_supplier(&siret(10))
        .unwrap()
        .unwrap()
        .supplier;
    assert_eq!(s.name, "Atelier du Lauragais, ESAT");
    assert_eq!(s.labels, ["Qualiopi", "ISO 14001"]);
    assert_eq!(s.activities[0].cpv, ["77310000-6", "90911200-8"]);
    let zone = s.activities[0].zone.as_ref().unwrap();
    assert_eq!(zone.radius_km, Some(30.0));
    assert_eq!(zone.areas.as_deref(), Some(&["dept:11".to_string()][..]));
    assert_eq!(s.capacity.employees, Some(42));
    assert_eq!(s.capacity.turnover_eur, Some(1_250_000.0));
    assert!(s.ess);
    assert_eq!(s.offers.len(), 2);
}

#[test]
fn csv_with_an_unknown_column_is_a_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.csv");
    write(&file, "siret,name,commune,colour\n");
    let out = essor(
        &dir.path().join("data"),
        &["import", "suppliers", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown CSV column(s) colour"));
}

#[test]
fn missing_file_is_a_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = essor(
        &dir.path().join("data"),
        &["import", "suppliers", "/nonexistent/file.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn needs_import_generates_stable_ids_and_reports_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let need = serde_json::json!({
        "buyer": {"name": "Ville d'Albi"},
        "title": "Entretien des espaces verts",
        "place": {"commune": "81004"},
        "reserved": "L2113-13"
    });
    let bad = serde_json::json!({"buyer": {"name": "X"}, "title": "T", "place": {}});
    let bad_route = serde_json::json!({"buyer": {"name": "X"}, "title": "T", "place": {"commune": "81004"}, "reserved": "L9999"});
    let file = dir.path().join("n.jsonl");
    write(&file, &format!("{need}\n{bad}\n{bad_route}\n"));
    let out = essor(
        &data,
        &["import", "needs", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rejected"][0]["field"], "place");
    assert_eq!(report["rejected"][1]["field"], "reserved");
    let out = essor(
        &data,
        &["import", "needs", file.to_str().unwrap(), "--json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["changed"], 0,
        "re-import keeps the same generated id"
    );
    let store = Store::open(&data).unwrap();
    assert_eq!(store.count_needs().unwrap(), 1);
}

/// A process killed with SIGKILL in the middle of an import keeps every row the store
/// acknowledged (the progress lines say which input line is committed), and the store reopens
/// without repair.
#[test]
fn sigkill_during_import_keeps_every_acknowledged_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let n_rows = 40_000u64;
    let file = dir.path().join("big.jsonl");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for n in 1..=n_rows {
            writeln!(f, "{}", supplier_line(n, "31555")).unwrap();
        }
    }
    let mut child = Command::new(bin())
        .arg("--data")
        .arg(&data)
        .args(["import", "suppliers"])
        .arg(&file)
        .env("ESSOR_PROGRESS_INTERVAL_MS", "1")
        .env("ESSOR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut acked = 0u64;
    let started = Instant::now();
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.split("committed through line ").nth(1) {
            acked = acked.max(rest.trim().parse().unwrap());
        }
        // Kill once a few batches are durable, well before the end.
        if acked >= 3000 || started.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        acked >= 3000,
        "the import reported committed rows before being killed"
    );
    assert!(
        acked < n_rows,
        "the kill happened in the middle of the import"
    );

    let store = Store::open(&data).expect("the store reopens without manual repair");
    for n in 1..=acked {
        assert!(
            store.get_supplier(&siret(n)).unwrap().is_some(),
            "acknowledged row {n} survived"
        );
    }
    let count = store.count_suppliers().unwrap();
    assert!(count >= acked && count <= n_rows);
    // The store still takes writes and the rest of the import completes.
    let out = essor(&data, &["import", "suppliers", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        Store::open(&data).unwrap().count_suppliers().unwrap(),
        n_rows
    );
}
