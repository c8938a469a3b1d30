//! Matching needs to suppliers through the real binary: quality and hard rules measured on the
//! bundled demo set, on a seed and on a buyer wording the engine was never tuned on, each
//! reserved route, the perimeter rule, and the contract's JSON output.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use super::common::essor;
use essor::model::eligibility::supplier_eligibility;
use essor::model::{Need, Supplier};

fn eval(args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["eval", "--json"];
    all.extend_from_slice(args);
    let out = essor(dir.path(), &all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("eval --json prints JSON")
}

/// Regression floors, below the measured figures (see the matching issue's notes); the
/// hard rules are absolute.
#[test]
fn demo_set_ranks_relevant_suppliers_first_and_never_breaks_a_hard_rule() {
    let r = eval(&["--dir", "fixtures/demo"]);
    assert_eq!(r["top10_violations"], 0, "{r:#}");
    assert!(r["top10_results"].as_u64().unwrap() > 500, "{r:#}");
    assert!(r["ndcg_at_10"].as_f64().unwrap() >= 0.905, "{r:#}");
    assert!(r["recall_at_50"].as_f64().unwrap() >= 0.876, "{r:#}");
    assert!(r["recall_cap_at_50"].as_f64().unwrap() >= 0.894, "{r:#}");
    assert!(r["mrr"].as_f64().unwrap() >= 0.954, "{r:#}");
    // The best R@50 a ranking could reach bounds the measured one.
    let ceiling = r["recall_ceiling_at_50"].as_f64().unwrap();
    assert!(
        ceiling <= 1.0 && ceiling >= r["recall_at_50"].as_f64().unwrap(),
        "{r:#}"
    );
    // So does the best R_cap@50 a ranking could reach without breaking a hard rule, when
    // no returned supplier breaks one.
    let within_rules = r["recall_cap_at_50_within_rules"].as_f64().unwrap();
    assert!(
        within_rules <= 1.0 && within_rules >= r["recall_cap_at_50"].as_f64().unwrap(),
        "{r:#}"
    );
}

#[test]
fn an_unseen_seed_never_breaks_a_hard_rule_either() {
    let r = eval(&["--seed", "913", "--suppliers", "1500", "--needs", "60"]);
    assert_eq!(r["top10_violations"], 0, "{r:#}");
    assert!(r["ndcg_at_10"].as_f64().unwrap() >= 0.913, "{r:#}");
    assert!(r["recall_at_50"].as_f64().unwrap() >= 0.901, "{r:#}");
}

/// The same seed worded from the held-out buyer vocabulary (`synth/fresh.rs`), which
/// matching is never tuned on: the floor is the measured figure less 0.01 (0.878 when the
/// wording was written), the hard rules absolute. Never raise it by tuning on these words.
#[test]
fn a_held_out_buyer_wording_is_matched_too_and_never_breaks_a_hard_rule() {
    let r = eval(&[
        "--seed",
        "913",
        "--suppliers",
        "1500",
        "--needs",
        "60",
        "--wording",
        "fresh",
    ]);
    assert_eq!(r["wording"], "fresh", "{r:#}");
    assert_eq!(r["top10_violations"], 0, "{r:#}");
    assert!(r["ndcg_at_10"].as_f64().unwrap() >= 0.868, "{r:#}");
    // The set where this wording first found two violations (a shared « entretien » or
    // « taille » taken for the supplier's relevant activity).
    let r = eval(&["--seed", "3", "--wording", "fresh"]);
    assert_eq!(r["top10_violations"], 0, "{r:#}");
}

#[test]
fn eval_refuses_a_wording_for_needs_read_from_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = essor(
        dir.path(),
        &["eval", "--dir", "fixtures/demo", "--wording", "fresh"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--wording"));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    // `essor eval | head -1`: the reader has gone before the report is printed. Like a Unix
    // tool killed by SIGPIPE, the binary ends with status 141 and no panic report.
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(super::common::bin())
        .arg("--data")
        .arg(dir.path())
        .args(["eval", "--seed", "7", "--suppliers", "150", "--needs", "5"])
        .env("ESSOR_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A store and a synced index of the demo suppliers, in a temporary directory (kept alive
/// by the returned guard).
fn demo_index() -> (
    tempfile::TempDir,
    essor::store::Store,
    essor::index::SearchIndex,
    Vec<Supplier>,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = essor::store::Store::open(dir.path()).unwrap();
    // In SIRET order, so that a test picking "the first supplier such that" picks the same
    // one on every run.
    let mut suppliers: Vec<Supplier> = demo_suppliers().into_values().collect();
    suppliers.sort_by(|a, b| a.siret.cmp(&b.siret));
    store.put_suppliers(&suppliers, "test").unwrap();
    let index = essor::index::SearchIndex::open_synced(dir.path(), &store).unwrap();
    (dir, store, index, suppliers)
}

fn demo_suppliers() -> HashMap<String, Supplier> {
    std::fs::read_to_string("fixtures/demo/suppliers.jsonl")
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Supplier>(l).unwrap())
        .map(|s| (s.siret.clone(), s))
        .collect()
}

fn run_match(data: &Path, need: &Value, limit: usize) -> Value {
    let file = data.join("need.json");
    std::fs::write(&file, need.to_string()).unwrap();
    let out = essor(
        data,
        &[
            "match",
            "--need",
            file.to_str().unwrap(),
            "--limit",
            &limit.to_string(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("match --json prints JSON")
}

fn imported_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = essor(
        dir.path(),
        &["import", "suppliers", "fixtures/demo/suppliers.jsonl"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn every_reserved_route_returns_only_eligible_suppliers_best_first_with_reasons() {
    let dir = imported_demo();
    let suppliers = demo_suppliers();
    for route in [
        "L2113-12",
        "L2113-13",
        "L2113-12-13",
        "L2113-13-1",
        "L2113-15",
    ] {
        let need = json!({
            "buyer": {"name": "Toulouse Métropole"},
            "title": "Entretien des espaces verts",
            "description": "Tonte, taille des haies et débroussaillage des parcs.",
            "place": {"commune": "31555"},
            "reserved": route,
        });
        let v = run_match(dir.path(), &need, 30);
        let results = v["results"].as_array().unwrap();
        let parsed: Need = serde_json::from_value(need.clone()).unwrap();
        let reserved = parsed.reserved.unwrap();
        for (i, m) in results.iter().enumerate() {
            let s = &suppliers[m["siret"].as_str().unwrap()];
            assert!(
                supplier_eligibility(reserved, s).is_some(),
                "{route}: {} is not eligible",
                s.siret
            );
            assert!(!m["reasons"].as_array().unwrap().is_empty());
            assert!(m["name"].is_string() && m["score"].is_number());
            if i > 0 {
                assert!(
                    results[i - 1]["score"].as_f64() >= m["score"].as_f64(),
                    "best first"
                );
            }
        }
        if route != "L2113-13-1" {
            assert!(
                !results.is_empty(),
                "{route}: the demo set has eligible gardeners"
            );
        }
    }
}

#[test]
fn a_supplier_in_a_paris_arrondissement_is_inside_a_1_km_perimeter_around_paris() {
    let dir = tempfile::tempdir().unwrap();
    let siret = super::common::siret(77);
    let supplier = json!({
        "siret": siret, "name": "Régie de quartier Fontaine-au-Roi", "kinds": ["EI"],
        "description": "Nettoyage de bureaux et de parties communes.",
        "address": {"commune": "75111", "city": "Paris"},
        "activities": [{"label": "Nettoyage de locaux", "cpv": ["90911200"], "zone": {"areas": ["dept:13"]}}],
    });
    let file = dir.path().join("s.jsonl");
    std::fs::write(&file, format!("{supplier}\n")).unwrap();
    assert!(
        essor(dir.path(), &["import", "suppliers", file.to_str().unwrap()])
            .status
            .success()
    );
    let mut need = json!({
        "buyer": {"name": "Ville de Paris"},
        "title": "Nettoyage de locaux",
        "description": "Nettoyage des bureaux de la mairie.",
        "place": {"commune": "75056"},
    });
    // Its zone is the Bouches-du-Rhône: it does not serve Paris...
    assert_eq!(run_match(dir.path(), &need, 10)["results"], json!([]));
    // ...but it is located inside a 1 km perimeter around Paris.
    need["perimeter"] = json!({"radius_km": 1.0});
    let v = run_match(dir.path(), &need, 10);
    assert_eq!(v["results"][0]["siret"], siret.as_str(), "{v:#}");
}

/// Reverse matching judges a supplier by the same plan as forward matching, including the
/// codes inferred from the best text matches when the need gives none, and the same text
/// evidence: every supplier that forward matching returns for an open need finds that need,
/// with the same score and through the same activity.
#[test]
fn reverse_matching_agrees_with_forward_matching_on_needs_without_codes() {
    let (_dir, _store, index, _) = demo_index();
    let needs: Vec<Need> = std::fs::read_to_string("fixtures/demo/needs.jsonl")
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Need>(l).unwrap())
        .filter(|n| n.cpv.is_empty())
        .map(|n| Need {
            deadline: None,
            closed: false,
            ..n
        })
        .collect();
    assert!(needs.len() >= 10);
    let mut checked = 0;
    for need in &needs {
        let forward = essor::engine::match_need(&index, need, 6).unwrap();
        for m in &forward.results {
            let back = essor::engine::needs_for_supplier(
                &index,
                &m.supplier,
                std::slice::from_ref(need),
                1,
            );
            let found = back
                .first()
                .unwrap_or_else(|| panic!("{} does not find {:?}", m.siret, need.id));
            assert_eq!(found.score, m.score, "{found:?} vs {m:?}");
            assert_eq!(found.reasons, m.reasons, "{found:?} vs {m:?}");
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked}");
}

/// An uncoded need of this title in Toulouse.
fn toulouse_need(title: &str) -> Need {
    serde_json::from_value(serde_json::json!({
        "buyer": {"name": "Ville"}, "title": title, "description": "",
        "place": {"commune": "31555"},
    }))
    .unwrap()
}

/// Write a profile to the store and bring the index up to date.
fn put_and_sync(store: &essor::store::Store, index: &essor::index::SearchIndex, s: &Supplier) {
    store
        .put_suppliers(std::slice::from_ref(s), "test")
        .unwrap();
    index.sync(store).unwrap();
}

/// Forward matching's result for one supplier, which it must find in its top 50.
fn forward_result(
    index: &essor::index::SearchIndex,
    need: &Need,
    siret: &str,
) -> essor::engine::MatchResult {
    essor::engine::match_need(index, need, 50)
        .unwrap()
        .results
        .into_iter()
        .find(|m| m.siret == siret)
        .expect("forward matching finds it")
}

/// Reverse matching keeps each need's plan and hits across writes; the asking supplier's own
/// profile edit is seen at once, as forward matching sees it.
#[test]
fn reverse_matching_sees_a_profile_edit_at_once() {
    let (_dir, store, index, suppliers) = demo_index();
    let need = toulouse_need("Apiculture et ruches pédagogiques");
    let mut original = suppliers
        .iter()
        .find(|s| !s.closed && s.activities.len() == 1)
        .cloned()
        .unwrap();
    // Its free text says nothing a fuzzy match could take for beekeeping ("agriculture").
    original.description = "Structure d'insertion par l'activité économique.".into();
    original.offers.clear();
    original.references.clear();
    let asked =
        |s: &Supplier| essor::engine::needs_for_supplier(&index, s, std::slice::from_ref(&need), 5);
    let edit = |s: &Supplier| put_and_sync(&store, &index, s);
    // It takes up beekeeping: the need is found (its plan and hits computed now)...
    let mut bees = original.clone();
    bees.activities[0].label = Some("Apiculture : installation de ruches pédagogiques".into());
    bees.activities[0].cpv.clear();
    bees.activities[0].zone =
        Some(serde_json::from_value(serde_json::json!({"national": true})).unwrap());
    edit(&bees);
    let found = asked(&bees);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].reasons.iter().any(|r| r.contains("apiculture")),
        "{found:?}"
    );
    // ... and gives it up: the need is gone at once, though the index kept its hits.
    let mut given_up = bees.clone();
    given_up.activities[0].label = Some("Entretien d'espaces verts".into());
    edit(&given_up);
    assert!(asked(&given_up).is_empty(), "{:?}", asked(&given_up));
}

/// Reverse matching keeps a need's side (plan and words-channel hits) across other
/// suppliers' writes, which only move corpus statistics; sees the asking supplier's own edit
/// at once, its words judged afresh as forward matching judges them; and computes the side
/// again after a rebuild.
#[test]
fn reverse_matching_keeps_need_sides_across_other_suppliers_writes() {
    use essor::engine::need_side_stats;
    let (_dir, store, index, suppliers) = demo_index();
    // A need of its own: the sides are kept per need content, process-wide.
    let need = toulouse_need("Ruchers pédagogiques : apiculture et miel");
    let asked =
        |s: &Supplier| essor::engine::needs_for_supplier(&index, s, std::slice::from_ref(&need), 5);
    let edit = |s: &Supplier| put_and_sync(&store, &index, s);
    // A beekeeper that does not sell honey; another supplier says it does.
    let mut pick = suppliers
        .iter()
        .filter(|s| !s.closed && s.activities.len() == 1)
        .cloned();
    let mut bees = pick.next().unwrap();
    let mut seller = pick.next().unwrap();
    bees.activities[0].label = Some("Apiculture : ruchers pédagogiques".into());
    bees.activities[0].cpv.clear();
    bees.activities[0].zone =
        Some(serde_json::from_value(serde_json::json!({"national": true})).unwrap());
    let seller_description = seller.description.clone();
    seller.description = format!("{seller_description} Vente de miel.");
    edit(&bees);
    edit(&seller);
    let found = asked(&bees);
    assert_eq!(found.len(), 1, "{found:?}");
    // (The thesaurus relates honey to beekeeping: "miel → apiculture".)
    assert!(found[0].reasons[0].contains("miel → "), "{found:?}");
    let kept = need_side_stats(&need).1.expect("the side is kept");
    assert_eq!(
        kept,
        (
            index.snapshot().generation().to_string(),
            index.applied_seq()
        )
    );

    // Another supplier edits its profile: the side is kept, the answer unchanged.
    let mut other = suppliers
        .iter()
        .find(|s| !s.closed && s.siret != bees.siret && s.siret != seller.siret)
        .cloned()
        .unwrap();
    other.description = format!("{} Horaires élargis.", other.description);
    edit(&other);
    assert!(index.applied_seq() > kept.1);
    let again = asked(&bees);
    assert_eq!(need_side_stats(&need).1.as_ref(), Some(&kept));
    assert_eq!(format!("{again:?}"), format!("{found:?}"));

    // It takes up honey (and the seller gives it up, so that the need's words are in as many
    // profiles as when the side was computed: its kept plan is forward matching's too): seen
    // at once, the side still kept, judged as forward matching judges it.
    let mut honey = bees.clone();
    honey.activities[0].label = Some("Apiculture : ruchers pédagogiques et miel".into());
    seller.description = seller_description;
    edit(&honey);
    edit(&seller);
    let mine = asked(&honey);
    assert_eq!(need_side_stats(&need).1.as_ref(), Some(&kept));
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(
        mine[0].reasons[0].ends_with(", miel"),
        "{mine:?} vs {found:?}"
    );
    let f = forward_result(&index, &need, &honey.siret);
    assert_eq!(mine[0].reasons, f.reasons, "{mine:?} vs {f:?}");
    assert!((mine[0].score - f.score).abs() < 2e-3, "{mine:?} vs {f:?}");

    // A rebuild: the side is computed again, on the new generation.
    let (computed, _) = need_side_stats(&need);
    index.rebuild(&store).unwrap();
    assert_ne!(index.snapshot().generation(), kept.0);
    let rebuilt = asked(&honey);
    let (computed_after, now) = need_side_stats(&need);
    assert!(computed_after > computed);
    assert_eq!(
        now,
        Some((
            index.snapshot().generation().to_string(),
            index.applied_seq()
        ))
    );
    let f = forward_result(&index, &need, &honey.siret);
    assert_eq!(rebuilt[0].reasons, f.reasons, "{rebuilt:?} vs {f:?}");
    assert_eq!(rebuilt[0].score, f.score, "{rebuilt:?} vs {f:?}");
}

/// A search restricted to one supplier scores it as the whole search does; the index tells
/// which suppliers were written after a snapshot, and says when it cannot.
#[test]
fn reverse_matching_index_support_search_one_and_writes_since() {
    let (_dir, store, index, suppliers) = demo_index();
    let q = essor::index::SearchQuery {
        text: "nettoyage entretien espaces verts ".into(),
        text_mode: essor::index::TextMode::Any,
        per_page: 50,
        ..Default::default()
    };
    let hits = index.search(&q).unwrap().hits;
    assert!(hits.len() >= 10, "{}", hits.len());
    for h in &hits {
        let one = index
            .search_one(&q, &h.siret)
            .unwrap()
            .expect("found alone");
        assert_eq!(one.siret, h.siret);
        assert_eq!(one.score, h.score, "{}", h.siret);
        assert_eq!(one.matched_terms, h.matched_terms, "{}", h.siret);
    }
    // A supplier the whole search does not find is not found alone either.
    let rare = essor::index::SearchQuery {
        text: "blanchisserie repassage".into(),
        per_page: 400,
        ..q.clone()
    };
    let all = index.search(&rare).unwrap().hits;
    assert!(!all.is_empty() && all.len() < 400, "{}", all.len());
    let missing = suppliers
        .iter()
        .find(|s| !all.iter().any(|h| h.siret == s.siret))
        .expect("a supplier that says none of the words");
    assert!(index.search_one(&rare, &missing.siret).unwrap().is_none());
    assert!(index.search_one(&rare, &all[0].siret).unwrap().is_some());
    assert!(index.search_one(&q, "00000000000000").unwrap().is_none());

    let snap = index.snapshot();
    let (generation, seq) = (snap.generation().to_string(), snap.seq());
    let mut edited = suppliers[0].clone();
    edited.description = format!("{} Nouveau.", edited.description);
    put_and_sync(&store, &index, &edited);
    let w = index.writes_since(&generation, seq, &edited.siret).unwrap();
    assert_eq!((w.suppliers, w.this_supplier), (1, true));
    let w = index
        .writes_since(&generation, seq, &suppliers[1].siret)
        .unwrap();
    assert_eq!((w.suppliers, w.this_supplier), (1, false));
    let w = index
        .writes_since(&generation, index.applied_seq(), &edited.siret)
        .unwrap();
    assert_eq!((w.suppliers, w.this_supplier), (0, false));
    // Every write since the index was created (empty, then caught up with the import)...
    let w = index.writes_since(&generation, 0, &edited.siret).unwrap();
    assert_eq!((w.suppliers, w.this_supplier), (suppliers.len() + 1, true));
    // ...but nothing of another generation.
    index.rebuild(&store).unwrap();
    assert!(
        index
            .writes_since(&generation, seq, &edited.siret)
            .is_none()
    );
}

/// An index that follows writes another index applied (another process, or here a second
/// index on the same directory) cannot tell what they were, but it starts its write log
/// afresh at what it publishes, so caches computed from then on can be reused.
#[test]
fn writes_applied_elsewhere_restart_the_write_log() {
    let (dir, store, writer, suppliers) = demo_index();
    let follower = essor::index::SearchIndex::open(dir.path()).unwrap();
    follower.sync(&store).unwrap();
    assert_eq!(follower.applied_seq(), writer.applied_seq());
    let snap = follower.snapshot();
    let (generation, before) = (snap.generation().to_string(), snap.seq());
    drop(snap);

    let mut edited = suppliers[0].clone();
    edited.description = format!("{} Nouveau.", edited.description);
    put_and_sync(&store, &writer, &edited);
    // The follower finds the edit already committed by the writer, and only publishes it.
    assert_eq!(follower.sync(&store).unwrap().applied, 0);
    let after = follower.applied_seq();
    assert!(after > before);
    // What happened between `before` and `after` was applied elsewhere: unknown...
    assert!(
        follower
            .writes_since(&generation, before, &edited.siret)
            .is_none()
    );
    // ...but from `after` on, the follower knows (nothing written since).
    let w = follower
        .writes_since(&generation, after, &edited.siret)
        .expect("the log restarts at what was published");
    assert_eq!((w.suppliers, w.this_supplier), (0, false));
}

/// An allotted need without codes buys one trade per lot: each lot's words vote for its own
/// codes, so the inference names both trades, not only the lot whose words are the most
/// common in the corpus.
#[test]
fn each_lot_of_an_uncoded_allotted_need_votes_for_its_codes() {
    let (_dir, _store, index, _suppliers) = demo_index();
    let groups = |need: &Need| -> Vec<String> {
        essor::engine::full_plan(&index, need)
            .unwrap()
            .inferred_cpv
            .iter()
            .map(|c| c[..3].to_string())
            .collect()
    };
    let lots = |one: &str, two: &str| -> Need {
        serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"},
            "title": "Marché alloti : entretien des crèches (2 lots)",
            "description": format!(
                "La consultation est allotie comme suit :\nLot n°1 : {one}.\nLot n°2 : {two}."
            ),
            "place": {"commune": "31555"},
        }))
        .unwrap()
    };
    let both = groups(&lots(
        "Nettoyage des locaux et des sanitaires",
        "Tonte des pelouses et taille des haies",
    ));
    assert!(both.iter().any(|g| g == "909"), "{both:?}");
    assert!(both.iter().any(|g| g == "773"), "{both:?}");
    // Each lot alone names its own trade.
    let cleaning = groups(&toulouse_need("Nettoyage des locaux et des sanitaires"));
    assert!(cleaning.iter().any(|g| g == "909"), "{cleaning:?}");
    assert!(!cleaning.iter().any(|g| g == "773"), "{cleaning:?}");
}

/// For a coded need, what its best text matches do is core to its words: an unlabelled
/// activity coded there may be the relevant one. A post-works need coded with a cleaning
/// code has the post-works group among its core groups, which cleaning alone does not give.
#[test]
fn what_a_coded_need_s_best_text_matches_do_is_core_to_it() {
    let (_dir, _store, index, _suppliers) = demo_index();
    let need = |title: &str| -> Need {
        serde_json::from_value(serde_json::json!({
            "buyer": {"name": "Ville"}, "title": title, "cpv": ["90911200-8"],
            "place": {"commune": "31555"},
        }))
        .unwrap()
    };
    let cleaning = essor::engine::plan_for(&index, &need("Nettoyage de fin de chantier"));
    assert!(
        !cleaning.core_groups.iter().any(|g| g == "454"),
        "{:?}",
        cleaning.core_groups
    );
    let full = essor::engine::full_plan(&index, &need("Nettoyage de fin de chantier")).unwrap();
    assert!(
        full.core_groups.iter().any(|g| g == "454"),
        "{:?}",
        full.core_groups
    );
    assert!(
        full.core_groups.iter().any(|g| g == "909"),
        "{:?}",
        full.core_groups
    );
}
