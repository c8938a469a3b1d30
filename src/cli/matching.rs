//! `essor match` and `essor eval`: rank suppliers for a need; measure matching quality
//! against generated ground truth.
//!
//! `eval` loads a data set (a fixtures directory with `suppliers.jsonl`, `needs.jsonl` and
//! `needs_truth.jsonl`, or one generated in memory from a seed) into a temporary store and
//! index, runs every need, and reports nDCG@10, precision@10, recall@50, capped recall@50
//! (hits in the top 50 / min(50, relevant)) and MRR in total, per
//! trade and per wording style, plus the share of top-10 results that break a hard rule.
//! Beside recall@50 it reports the best recall@50 any ranking could reach (a need with
//! more than 50 relevant suppliers caps it below 1).
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use super::Outcome;
use crate::engine;
use crate::index::SearchIndex;
use crate::matching::eval::{QueryMetrics, mean, recall_cap_at};
use crate::model::{self, Need, Supplier};
use crate::store::Store;
use crate::synth::truth::{self, NeedTruth};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Need file (JSON, contract section 2).
    #[arg(long)]
    pub need: PathBuf,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A directory with suppliers.jsonl, needs.jsonl and needs_truth.jsonl.
    #[arg(long, conflicts_with = "seed")]
    pub dir: Option<PathBuf>,
    /// Generate the data set in memory from this seed instead.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Suppliers to generate (with --seed).
    #[arg(long, default_value_t = 2000)]
    pub suppliers: usize,
    /// Needs to generate (with --seed).
    #[arg(long, default_value_t = 100)]
    pub needs: usize,
    /// Buyer wording of the generated needs (with --seed): `catalog`, the vocabulary matching
    /// is developed against, or `fresh`, a held-out vocabulary nobody tunes on.
    #[arg(long, value_enum, default_value_t = WordingArg::Catalog)]
    pub wording: WordingArg,
    /// Region the generated suppliers are weighted towards (with --seed).
    #[arg(long, default_value = "76")]
    pub region: String,
    #[arg(long, default_value_t = 0.6)]
    pub region_share: f64,
    /// Print each need's figures too.
    #[arg(long)]
    pub verbose: bool,
    /// Diagnose misses and violations on stderr (developer aid).
    #[arg(long)]
    pub diagnose: bool,
    #[arg(long)]
    pub json: bool,
}

fn read_need(path: &Path) -> anyhow::Result<Need> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut need: Need =
        model::parse_json(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    model::validate_need(&mut need).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(need)
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let need = read_need(&args.need)?;
    let store = Store::open(data)?;
    let index = SearchIndex::open_synced(data, &store)?;
    let res = engine::match_need(&index, &need, args.limit)?;
    if args.json {
        super::print_json(&res)?;
    } else {
        println!(
            "{} fournisseurs répondent à « {} » ({} affichés)",
            res.total,
            need.title,
            res.results.len()
        );
        for (i, m) in res.results.iter().enumerate() {
            println!(
                "{:>3}. {} — {} (score {:.3})",
                i + 1,
                m.name,
                m.siret,
                m.score
            );
            for r in &m.reasons {
                println!("       · {r}");
            }
            for w in &m.warnings {
                println!("       ! {w}");
            }
        }
    }
    Ok(Outcome::Success)
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .with_context(|| format!("{} line {}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// Figures of one group of needs.
#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    pub needs: usize,
    #[serde(flatten)]
    pub metrics: QueryMetrics,
}

/// The evaluation report.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub source: String,
    /// The buyer wording of generated needs (`catalog` or `fresh`); absent for a directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<&'static str>,
    pub suppliers: usize,
    pub needs: usize,
    /// Needs with at least one relevant supplier (the metrics are means over these).
    pub evaluated: usize,
    #[serde(flatten)]
    pub metrics: QueryMetrics,
    /// Top-10 results breaking a hard rule, and their share.
    pub top10_results: usize,
    pub top10_violations: usize,
    pub violation_share: f64,
    /// The best mean R_cap@50 a ranking can reach without breaking a hard rule as the check
    /// counts them: a supplier graded relevant through a related trade's activity (tree
    /// care for a green-spaces need) whose own-trade activity does not serve the place is
    /// a violation if returned, so it cannot count.
    pub recall_cap_at_50_within_rules: f64,
    pub per_trade: BTreeMap<String, GroupFigures>,
    pub per_style: BTreeMap<String, GroupFigures>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_need: Vec<NeedFigures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NeedFigures {
    pub need_id: String,
    pub trades: Vec<String>,
    pub style: String,
    pub relevant: usize,
    pub returned: usize,
    #[serde(flatten)]
    pub metrics: QueryMetrics,
}

/// The activities a hard-rule check counts for a result: those of the need's intended trades
/// when the supplier has some, else those whose CPV codes are on a need code's branch, else
/// all (the contract's rule, judged independently of the matcher).
fn counted_activities(need: &Need, t: &NeedTruth, s: &Supplier) -> Vec<usize> {
    let trades: Vec<&str> = t.trades.iter().map(String::as_str).collect();
    let by_trade = truth::activities_of_trades(s, &trades);
    if !by_trade.is_empty() {
        return by_trade;
    }
    truth::activities_matching_cpv(s, need)
}

/// Run the evaluation on a data set already in memory.
pub fn evaluate(
    source: &str,
    suppliers: Vec<Supplier>,
    needs: Vec<Need>,
    truths: Vec<NeedTruth>,
    verbose: bool,
    diagnose: bool,
) -> anyhow::Result<EvalReport> {
    let dir = tempfile::Builder::new().prefix("essor-eval-").tempdir()?;
    let store = Store::open(dir.path())?;
    let num_suppliers = suppliers.len();
    let by_siret: HashMap<String, Supplier> = suppliers
        .iter()
        .map(|s| (s.siret.clone(), s.clone()))
        .collect();
    for chunk in suppliers.chunks(2000) {
        store.put_suppliers(chunk, "eval")?;
    }
    let index = SearchIndex::open_synced(dir.path(), &store)?;
    let truth_by_id: HashMap<&str, &NeedTruth> =
        truths.iter().map(|t| (t.need_id.as_str(), t)).collect();

    let mut all = Vec::new();
    let mut per_trade: BTreeMap<String, Vec<QueryMetrics>> = BTreeMap::new();
    let mut per_style: BTreeMap<String, Vec<QueryMetrics>> = BTreeMap::new();
    let mut per_need = Vec::new();
    let (mut top10, mut violations) = (0usize, 0usize);
    let mut within_rules = Vec::new();
    for need in &needs {
        let id = need.id.clone().unwrap_or_default();
        let Some(t) = truth_by_id.get(id.as_str()) else {
            continue;
        };
        let grades: HashMap<String, u32> = t
            .relevant
            .iter()
            .map(|j| (j.siret.clone(), u32::from(j.grade)))
            .collect();
        let res = engine::match_need(&index, need, 50)?;
        let ranking: Vec<&str> = res.results.iter().map(|m| m.siret.as_str()).collect();
        for m in res.results.iter().take(10) {
            top10 += 1;
            if let Some(s) = by_siret.get(&m.siret) {
                let rules = truth::check(need, s, &counted_activities(need, t, s));
                if !rules.all_pass() {
                    violations += 1;
                    if diagnose {
                        let plan = engine::full_plan(&index, need)?;
                        let (strengths, _) = crate::matching::score::activity_strengths(&plan, s);
                        let (rel, _) = crate::matching::score::relevant_activities(&plan, s);
                        let cands = crate::matching::score::candidate_activities(
                            &plan,
                            s,
                            &rel,
                            &strengths,
                            crate::referential::Referential::get(),
                        );
                        eprintln!(
                            "VIOLATION {id} {:?} {} {:?} reasons={:?} relevant={rel:?} strengths={strengths:.2?} candidates={cands:?} inferred={:?} related={:?} counted={:?} activities={:?} stems={:?}",
                            t.trades,
                            m.siret,
                            rules.violations(),
                            m.reasons,
                            plan.inferred_cpv,
                            plan.related_groups,
                            counted_activities(need, t, s),
                            s.activities
                                .iter()
                                .map(|a| (a.label.as_deref(), &a.cpv))
                                .collect::<Vec<_>>(),
                            plan.stems,
                        );
                    }
                }
            }
        }
        if diagnose {
            diagnose_misses(&index, need, t, &ranking, &by_siret);
        }
        if grades.is_empty() {
            continue;
        }
        let m = QueryMetrics::of(&ranking, &grades);
        all.push(m);
        // The best ranking within the rules returns every relevant supplier it may.
        let returnable: Vec<&str> = t
            .relevant
            .iter()
            .filter(|j| j.grade > 0)
            .filter(|j| {
                by_siret.get(&j.siret).is_some_and(|s| {
                    truth::check(need, s, &counted_activities(need, t, s)).all_pass()
                })
            })
            .map(|j| j.siret.as_str())
            .collect();
        within_rules.push(recall_cap_at(&returnable, &grades, 50));
        for trade in &t.trades {
            per_trade.entry(trade.clone()).or_default().push(m);
        }
        per_style.entry(t.style.clone()).or_default().push(m);
        if verbose {
            per_need.push(NeedFigures {
                need_id: id,
                trades: t.trades.clone(),
                style: t.style.clone(),
                relevant: grades.len(),
                returned: res.total,
                metrics: m,
            });
        }
    }
    let group = |m: BTreeMap<String, Vec<QueryMetrics>>| {
        m.into_iter()
            .map(|(k, v)| {
                (
                    k,
                    GroupFigures {
                        needs: v.len(),
                        metrics: mean(&v),
                    },
                )
            })
            .collect()
    };
    Ok(EvalReport {
        source: source.to_string(),
        wording: None,
        suppliers: num_suppliers,
        needs: needs.len(),
        evaluated: all.len(),
        metrics: mean(&all),
        top10_results: top10,
        top10_violations: violations,
        violation_share: if top10 == 0 {
            0.0
        } else {
            violations as f64 / top10 as f64
        },
        recall_cap_at_50_within_rules: if within_rules.is_empty() {
            1.0
        } else {
            within_rules.iter().sum::<f64>() / within_rules.len() as f64
        },
        per_trade: group(per_trade),
        per_style: group(per_style),
        per_need,
    })
}

/// The trades (keys) of a generated supplier, main first.
fn trades_of(s: &Supplier) -> String {
    crate::synth::catalog::classify_supplier(s)
        .iter()
        .map(|l| crate::synth::catalog::TRADES[l.trade].key)
        .collect::<Vec<_>>()
        .join("+")
}

/// Print why relevant suppliers are missing from the top 50, and which irrelevant ones are
/// in the top 10 (developer aid). One line per case, tab-separated, for `sort | uniq -c`:
/// `MISS need trades style grade why supplier-trades detail` where `why` is `ranked_low`
/// (assessed, ranked below 50), `rejected_*` (the hard rules as the engine applies them, or
/// too little evidence) or `not_retrieved` (no channel found it); `INTRUDER need trades style
/// rank supplier-trades components reasons`.
fn diagnose_misses(
    index: &SearchIndex,
    need: &Need,
    t: &NeedTruth,
    ranking: &[&str],
    by_siret: &HashMap<String, Supplier>,
) {
    let r = crate::referential::Referential::get();
    let Some(place) = crate::model::geography::resolve_place(&need.place, r) else {
        return;
    };
    let Ok(plan) = engine::full_plan(index, need) else {
        return;
    };
    let id = need.id.as_deref().unwrap_or_default();
    let trades = t.trades.join("+");
    eprintln!(
        "NEED\t{id}\t{trades}\t{}\ttitle={:?} words={:?} cpv={:?} naf={:?} inferred={:?} support={:.2} senses={:?} refined={:?} neighbours={:?} stems={:?}",
        t.style,
        need.title,
        plan.words
            .iter()
            .map(|w| format!("{}:{:.1}", w.word, w.weight))
            .collect::<Vec<_>>(),
        plan.cpv,
        plan.naf,
        plan.inferred_cpv,
        plan.inferred_support,
        plan.inferred_senses,
        plan.refined_groups,
        plan.neighbour_classes,
        {
            let mut st: Vec<(&String, &f64)> = plan.stems.iter().collect();
            st.sort_by(|a, b| b.1.total_cmp(a.1).then(a.0.cmp(b.0)));
            st.iter()
                .map(|(k, v)| format!("{k}:{v:.2}"))
                .collect::<Vec<_>>()
        }
    );
    if plan.cpv.is_empty() {
        // Whether the inferred groups are the truth's: the groups of the counted
        // activities of the fully relevant suppliers.
        let mut truth_groups: Vec<&str> = t
            .relevant
            .iter()
            .filter(|j| j.grade >= 2)
            .filter_map(|j| by_siret.get(&j.siret))
            .flat_map(|s| {
                counted_activities(need, t, s)
                    .into_iter()
                    .flat_map(|i| s.activities[i].cpv.iter())
                    .filter_map(|c| crate::matching::codes::code8(c).get(..3))
                    .collect::<Vec<_>>()
            })
            .collect();
        truth_groups.sort_unstable();
        truth_groups.dedup();
        let right = plan.inferred_cpv.iter().any(|c| {
            crate::matching::codes::code8(c)
                .get(..3)
                .is_some_and(|g| truth_groups.contains(&g))
        });
        eprintln!(
            "INFER\t{id}\t{}\tsupport={:.2}\tright={right}\tinferred={:?}\ttruth={truth_groups:?}",
            t.style, plan.inferred_support, plan.inferred_cpv
        );
    }
    let full = engine::match_need(index, need, usize::MAX).ok();
    let full_rank: HashMap<&str, (usize, &engine::MatchResult)> = full
        .as_ref()
        .map(|f| {
            f.results
                .iter()
                .enumerate()
                .map(|(i, m)| (m.siret.as_str(), (i, m)))
                .collect()
        })
        .unwrap_or_default();
    let grades: HashMap<&str, u8> = t
        .relevant
        .iter()
        .map(|j| (j.siret.as_str(), j.grade))
        .collect();
    // `ESSOR_DIAG_TOP=N` also prints the top N (10 when not a number).
    let top = std::env::var("ESSOR_DIAG_TOP")
        .ok()
        .map(|v| v.parse::<usize>().unwrap_or(10));
    for (i, siret) in ranking.iter().take(top.unwrap_or(0).max(10)).enumerate() {
        if top.is_some_and(|n| i < n)
            && let (Some(s), Some((_, m))) = (by_siret.get(*siret), full_rank.get(siret))
        {
            eprintln!(
                "TOP\t{id}\t{trades}\t{}\t{}\tg{}\t{}\t{:.3}\tT={:.2} C={:.2} G={:.2} D={:.2}\t{}",
                t.style,
                i + 1,
                grades.get(siret).copied().unwrap_or(0),
                trades_of(s),
                m.score,
                m.components.text,
                m.components.code,
                m.components.geo,
                m.components.distance,
                m.reasons.join(" | ")
            );
        }
        if i >= 10 || grades.contains_key(siret) {
            continue;
        }
        let Some(s) = by_siret.get(*siret) else {
            continue;
        };
        let comp = full_rank.get(siret).map(|(_, m)| m.components);
        let reasons = full_rank
            .get(siret)
            .map(|(_, m)| m.reasons.join(" | "))
            .unwrap_or_default();
        eprintln!(
            "INTRUDER\t{id}\t{trades}\t{}\t{}\t{}\t{:?}\t{reasons}",
            t.style,
            i + 1,
            trades_of(s),
            comp.map(|c| (
                (c.text * 100.0).round() / 100.0,
                (c.code * 100.0).round() / 100.0
            )),
        );
    }
    for j in &t.relevant {
        if ranking.contains(&j.siret.as_str()) {
            continue;
        }
        let Some(s) = by_siret.get(&j.siret) else {
            continue;
        };
        let labels: Vec<&str> = s
            .activities
            .iter()
            .map(|a| a.label.as_deref().unwrap_or("-"))
            .collect();
        let codes: Vec<&str> = s
            .activities
            .iter()
            .flat_map(|a| a.cpv.iter().map(String::as_str))
            .collect();
        let (why, detail) = if let Some((pos, m)) = full_rank.get(j.siret.as_str()) {
            (
                "ranked_low".to_string(),
                format!(
                    "pos={} score={:.3} T={:.2} C={:.2}",
                    pos + 1,
                    m.score,
                    m.components.text,
                    m.components.code
                ),
            )
        } else {
            let ev = crate::matching::local_text_evidence(&plan, s);
            match crate::matching::score::rejection(&plan, need, s, Some(&ev), &place, r) {
                Some(why @ ("geography" | "modes")) => {
                    (format!("rejected_{why}"), geo_detail(&plan, s, &place, r))
                }
                Some(why) => (format!("rejected_{why}"), String::new()),
                None => ("not_retrieved".to_string(), String::new()),
            }
        };
        eprintln!(
            "MISS\t{id}\t{trades}\t{}\tg{}\t{why}\t{}\t{detail} labels={labels:?} cpv={codes:?} naf={:?}",
            t.style,
            j.grade,
            trades_of(s),
            s.naf
        );
    }
}

/// Per activity of a supplier the geography or modes rule rejected: its strength, whether it
/// is surely irrelevant, whether its zone and modes count, whether its zone covers the place,
/// its modes (developer aid).
fn geo_detail(
    plan: &crate::matching::MatchPlan,
    s: &Supplier,
    place: &crate::model::geography::ResolvedPlace<'_>,
    r: &crate::referential::Referential,
) -> String {
    let (strengths, _) = crate::matching::score::activity_strengths(plan, s);
    let counted = crate::matching::score::counted_activities(plan, s, &strengths, r);
    let acts: Vec<String> = s
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            format!(
                "[{i} st={:.2} said={:.2} far={} lab={} counts={} covers={} modes={:?} codes={}]",
                strengths[i],
                crate::matching::score::said_strength(plan, a, r),
                crate::matching::score::surely_irrelevant(plan, a, r),
                crate::matching::score::labelled_as_the_trade(plan, a),
                counted.contains(&i),
                crate::model::geography::serves(s, &[i], place, r).is_some(),
                a.modes,
                a.cpv.len()
            )
        })
        .collect();
    format!(
        "need_cpv={:?} inferred={:?} related={:?} {}",
        plan.cpv,
        plan.inferred_cpv,
        plan.related_groups,
        acts.join(" ")
    )
}

/// The `--wording` value of `essor eval` and `essor fixtures`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WordingArg {
    /// The catalogue's buyer vocabulary (what matching was tuned on).
    Catalog,
    /// The held-out buyer vocabulary of `synth::fresh`.
    Fresh,
}

impl From<WordingArg> for crate::synth::Wording {
    fn from(w: WordingArg) -> Self {
        match w {
            WordingArg::Catalog => crate::synth::Wording::Catalog,
            WordingArg::Fresh => crate::synth::Wording::Fresh,
        }
    }
}

pub fn run_eval(_data: &Path, args: EvalArgs) -> anyhow::Result<Outcome> {
    if args.dir.is_some() && args.wording != WordingArg::Catalog {
        anyhow::bail!(
            "--wording applies to generated needs (--seed): the needs of --dir are worded already"
        );
    }
    let (source, suppliers, needs, truths) = match (&args.dir, args.seed) {
        (Some(dir), _) => (
            dir.display().to_string(),
            read_jsonl::<Supplier>(&dir.join("suppliers.jsonl"))?,
            read_jsonl::<Need>(&dir.join("needs.jsonl"))?,
            read_jsonl::<NeedTruth>(&dir.join("needs_truth.jsonl"))?,
        ),
        (None, Some(seed)) => {
            let opts =
                crate::synth::SupplierOptions::weighted_towards(&args.region, args.region_share);
            let suppliers = crate::synth::generate_suppliers_with(seed, args.suppliers, &opts);
            let set = crate::synth::generate_needs_with(
                seed,
                args.needs,
                &suppliers,
                args.wording.into(),
            );
            (format!("seed {seed}"), suppliers, set.needs, set.truth)
        }
        (None, None) => anyhow::bail!("give --dir DIR or --seed S"),
    };
    let mut report = evaluate(
        &source,
        suppliers,
        needs,
        truths,
        args.verbose,
        args.diagnose,
    )?;
    if args.seed.is_some() {
        report.wording = Some(crate::synth::Wording::from(args.wording).as_str());
    }
    if args.json {
        super::print_json(&report)?;
    } else {
        let m = &report.metrics;
        println!(
            "{}{}: {} suppliers, {} needs ({} evaluated)\n  nDCG@10 {:.3}  P@10 {:.3}  R@50 {:.3} (at most {:.3} in 50 results)  R_cap@50 {:.3} (at most {:.3} within the hard rules)  MRR {:.3}  hard-rule violations in top 10: {}/{} ({:.2} %)",
            report.source,
            report
                .wording
                .map(|w| format!(" ({w} wording)"))
                .unwrap_or_default(),
            report.suppliers,
            report.needs,
            report.evaluated,
            m.ndcg_at_10,
            m.precision_at_10,
            m.recall_at_50,
            m.recall_ceiling_at_50,
            m.recall_cap_at_50,
            report.recall_cap_at_50_within_rules,
            m.mrr,
            report.top10_violations,
            report.top10_results,
            100.0 * report.violation_share
        );
        for (title, groups) in [
            ("per trade", &report.per_trade),
            ("per style", &report.per_style),
        ] {
            println!("  {title}:");
            for (k, g) in groups {
                println!(
                    "    {k:<24} n={:<3} nDCG@10 {:.3}  P@10 {:.3}  R@50 {:.3}  R_cap@50 {:.3}  MRR {:.3}",
                    g.needs,
                    g.metrics.ndcg_at_10,
                    g.metrics.precision_at_10,
                    g.metrics.recall_at_50,
                    g.metrics.recall_cap_at_50,
                    g.metrics.mrr
                );
            }
        }
        for n in &report.per_need {
            println!(
                "    {} {:<22} {:<14} rel={:<3} ret={:<4} nDCG {:.3} R@50 {:.3} R_cap@50 {:.3}",
                n.need_id,
                n.trades.join("+"),
                n.style,
                n.relevant,
                n.returned,
                n.metrics.ndcg_at_10,
                n.metrics.recall_at_50,
                n.metrics.recall_cap_at_50
            );
        }
    }
    Ok(Outcome::Success)
}
