//! Ranking-quality metrics against graded ground truth: nDCG@k, precision@k, recall@k, capped
//! recall@k, MRR.
//!
//! Grades are non-negative integers (0 = not relevant). Gains are `2^grade − 1` (the usual
//! exponential gain); a result counts as relevant for precision, recall and MRR when its grade
//! is at least 1. Pure: no IO.

use std::collections::HashMap;

/// Discounted cumulative gain of the first `k` grades in ranked order.
fn dcg(grades: impl IntoIterator<Item = u32>, k: usize) -> f64 {
    grades
        .into_iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| (2f64.powi(g as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@k of a ranking (ids best first) against graded truth. A need with no relevant item
/// scores 1 when the ranking is empty and 0 otherwise.
pub fn ndcg_at(ranking: &[&str], truth: &HashMap<String, u32>, k: usize) -> f64 {
    let mut ideal: Vec<u32> = truth.values().copied().filter(|g| *g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg = dcg(ideal, k);
    if idcg == 0.0 {
        return if ranking.is_empty() { 1.0 } else { 0.0 };
    }
    dcg(
        ranking
            .iter()
            .map(|id| truth.get(*id).copied().unwrap_or(0)),
        k,
    ) / idcg
}

/// Relevant items of the truth (grade at least 1).
fn relevant_count(truth: &HashMap<String, u32>) -> usize {
    truth.values().filter(|g| **g > 0).count()
}

/// Relevant items among the first `k` results.
fn hits_in_top(ranking: &[&str], truth: &HashMap<String, u32>, k: usize) -> usize {
    ranking
        .iter()
        .take(k)
        .filter(|id| truth.get(**id).is_some_and(|g| *g > 0))
        .count()
}

/// Share of the first `k` results that are relevant (denominator `k`, or fewer when the
/// truth has fewer than `k` relevant items, so a perfect ranking scores 1).
pub fn precision_at(ranking: &[&str], truth: &HashMap<String, u32>, k: usize) -> f64 {
    let denom = k.min(relevant_count(truth));
    if denom == 0 {
        return if ranking.is_empty() { 1.0 } else { 0.0 };
    }
    hits_in_top(ranking, truth, k) as f64 / denom as f64
}

/// Share of the relevant items found in the first `k` results.
pub fn recall_at(ranking: &[&str], truth: &HashMap<String, u32>, k: usize) -> f64 {
    match relevant_count(truth) {
        0 => 1.0,
        n => hits_in_top(ranking, truth, k) as f64 / n as f64,
    }
}

/// Capped recall (BEIR's R_cap@k): the relevant items found in the first `k` results divided
/// by `min(k, relevant)`, so a need with more than `k` relevant items can still score 1 —
/// plain recall@k cannot reach 1 there by construction.
pub fn recall_cap_at(ranking: &[&str], truth: &HashMap<String, u32>, k: usize) -> f64 {
    match relevant_count(truth) {
        0 => 1.0,
        n => hits_in_top(ranking, truth, k) as f64 / n.min(k) as f64,
    }
}

/// The best recall@k any ranking can reach: `min(k, relevant) / relevant` (1 without relevant
/// items). A need with more relevant items than `k` caps plain recall@k below 1 whatever
/// the ranking, so a mean recall@k is read against the mean of this.
pub fn recall_ceiling_at(truth: &HashMap<String, u32>, k: usize) -> f64 {
    match relevant_count(truth) {
        0 => 1.0,
        n => n.min(k) as f64 / n as f64,
    }
}

/// Reciprocal rank of the first relevant result (0 when none).
pub fn reciprocal_rank(ranking: &[&str], truth: &HashMap<String, u32>) -> f64 {
    ranking
        .iter()
        .position(|id| truth.get(*id).is_some_and(|g| *g > 0))
        .map(|p| 1.0 / (p + 1) as f64)
        .unwrap_or(0.0)
}

/// The metrics of one query.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct QueryMetrics {
    pub ndcg_at_10: f64,
    pub precision_at_10: f64,
    pub recall_at_50: f64,
    /// Hits in the top 50 / min(50, relevant) (see [`recall_cap_at`]).
    pub recall_cap_at_50: f64,
    /// The best recall@50 any ranking could reach ([`recall_ceiling_at`]).
    pub recall_ceiling_at_50: f64,
    pub mrr: f64,
}

impl QueryMetrics {
    pub fn of(ranking: &[&str], truth: &HashMap<String, u32>) -> QueryMetrics {
        QueryMetrics {
            ndcg_at_10: ndcg_at(ranking, truth, 10),
            precision_at_10: precision_at(ranking, truth, 10),
            recall_at_50: recall_at(ranking, truth, 50),
            recall_cap_at_50: recall_cap_at(ranking, truth, 50),
            recall_ceiling_at_50: recall_ceiling_at(truth, 50),
            mrr: reciprocal_rank(ranking, truth),
        }
    }
}

/// Mean of several queries' metrics.
pub fn mean(ms: &[QueryMetrics]) -> QueryMetrics {
    if ms.is_empty() {
        return QueryMetrics::default();
    }
    let n = ms.len() as f64;
    QueryMetrics {
        ndcg_at_10: ms.iter().map(|m| m.ndcg_at_10).sum::<f64>() / n,
        precision_at_10: ms.iter().map(|m| m.precision_at_10).sum::<f64>() / n,
        recall_at_50: ms.iter().map(|m| m.recall_at_50).sum::<f64>() / n,
        recall_cap_at_50: ms.iter().map(|m| m.recall_cap_at_50).sum::<f64>() / n,
        recall_ceiling_at_50: ms.iter().map(|m| m.recall_ceiling_at_50).sum::<f64>() / n,
        mrr: ms.iter().map(|m| m.mrr).sum::<f64>() / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(pairs: &[(&str, u32)]) -> HashMap<String, u32> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn a_perfect_ranking_scores_one_everywhere() {
        let t = truth(&[("a", 2), ("b", 1), ("c", 0)]);
        let m = QueryMetrics::of(&["a", "b"], &t);
        assert!((m.ndcg_at_10 - 1.0).abs() < 1e-12);
        assert_eq!(
            (m.precision_at_10, m.recall_at_50, m.recall_cap_at_50, m.mrr),
            (1.0, 1.0, 1.0, 1.0)
        );
        assert_eq!(m.recall_ceiling_at_50, 1.0);
    }

    #[test]
    fn ndcg_prefers_higher_grades_first() {
        let t = truth(&[("a", 2), ("b", 1)]);
        assert!(ndcg_at(&["a", "b"], &t, 10) > ndcg_at(&["b", "a"], &t, 10));
        // Hand-computed: dcg = 1/log2(2) + 3/log2(3); idcg = 3 + 1/log2(3).
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((ndcg_at(&["b", "a"], &t, 10) - expected).abs() < 1e-12);
    }

    #[test]
    fn misses_lower_recall_precision_and_mrr() {
        let t = truth(&[("a", 1), ("b", 1)]);
        let m = QueryMetrics::of(&["x", "a"], &t);
        assert_eq!(m.recall_at_50, 0.5);
        assert_eq!(m.precision_at_10, 0.5);
        assert_eq!(m.mrr, 0.5);
    }

    #[test]
    fn capped_recall_divides_by_at_most_k() {
        // 60 relevant items, the first 50 of them returned: plain recall 50/60, capped 1.
        let t: HashMap<String, u32> = (0..60).map(|i| (format!("s{i}"), 1)).collect();
        let ids: Vec<String> = (0..60).map(|i| format!("s{i}")).collect();
        let ranking: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert!((recall_at(&ranking, &t, 50) - 50.0 / 60.0).abs() < 1e-12);
        assert_eq!(recall_cap_at(&ranking, &t, 50), 1.0);
        // No ranking of 50 does better than 50/60 there.
        assert!((recall_ceiling_at(&t, 50) - 50.0 / 60.0).abs() < 1e-12);
        // 40 hits among the first 50 (ten misses in front): capped 40/50.
        let mut with_misses: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
        with_misses.extend(ids.iter().cloned());
        let ranking: Vec<&str> = with_misses.iter().map(String::as_str).collect();
        assert!((recall_cap_at(&ranking, &t, 50) - 0.8).abs() < 1e-12);
        // Fewer relevant items than k: capped recall equals recall.
        let t = truth(&[("a", 1), ("b", 2), ("c", 0)]);
        let m = QueryMetrics::of(&["a", "x"], &t);
        assert_eq!((m.recall_at_50, m.recall_cap_at_50), (0.5, 0.5));
        assert_eq!(m.recall_ceiling_at_50, 1.0);
    }

    #[test]
    fn empty_truth_rewards_an_empty_answer() {
        let t = truth(&[]);
        assert_eq!(ndcg_at(&[], &t, 10), 1.0);
        assert_eq!(ndcg_at(&["x"], &t, 10), 0.0);
    }
}
