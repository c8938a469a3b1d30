//! Statistics of a generated data set (suppliers per trade, region, kind and zone type; needs
//! per wording style, reserved route and perimeter; ground-truth sizes), rendered as Markdown
//! for the fixture README and the `essor fixtures` summary.
//!
//! Accumulates one supplier at a time so that it works on a stream. What this module does not
//! do: judge quality; it only counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::need::Need;
use crate::model::supplier::Supplier;
use crate::referential::Referential;

use super::catalog::{self, TRADES};
use super::suppliers::ZoneKind;
use super::truth::NeedTruth;

/// Counters over suppliers.
#[derive(Debug, Default, Clone)]
pub struct SupplierStats {
    pub total: usize,
    /// By main trade (the first one recovered from the profile).
    pub per_trade: BTreeMap<&'static str, usize>,
    /// By region code.
    pub per_region: BTreeMap<&'static str, usize>,
    /// By declared kind; structures without kind count under `(none)`.
    pub per_kind: BTreeMap<&'static str, usize>,
    /// By zone type, over all activities; suppliers without activities count as `(no activity)`.
    pub per_zone: BTreeMap<&'static str, usize>,
    pub per_legal_form: BTreeMap<String, usize>,
    pub num_ess: usize,
    pub num_esus: usize,
    pub num_closed: usize,
    pub num_with_location: usize,
    pub num_admin_naf: usize,
    pub num_multi_activity: usize,
    pub num_stale: usize,
}

impl SupplierStats {
    pub fn add(&mut self, s: &Supplier) {
        let r = Referential::get();
        self.total += 1;
        if let Some(l) = catalog::classify_supplier(s).first() {
            *self.per_trade.entry(TRADES[l.trade].key).or_default() += 1;
        }
        let region = r
            .commune(&s.address.commune)
            .map(|c| c.region.as_str())
            .unwrap_or("");
        *self.per_region.entry(region).or_default() += 1;
        if s.kinds.is_empty() {
            *self.per_kind.entry("(none)").or_default() += 1;
        }
        for k in &s.kinds {
            *self.per_kind.entry(k.as_str()).or_default() += 1;
        }
        if s.activities.is_empty() {
            *self.per_zone.entry("(no activity)").or_default() += 1;
        }
        for a in &s.activities {
            *self
                .per_zone
                .entry(ZoneKind::of(a.zone.as_ref()).as_str())
                .or_default() += 1;
        }
        *self
            .per_legal_form
            .entry(s.legal_form.clone().unwrap_or_else(|| "(none)".to_string()))
            .or_default() += 1;
        self.num_ess += usize::from(s.ess);
        self.num_esus += usize::from(s.esus);
        self.num_closed += usize::from(s.closed);
        self.num_with_location += usize::from(s.location.is_some());
        self.num_admin_naf += usize::from(s.naf.as_deref() == Some("88.10C"));
        self.num_multi_activity += usize::from(s.activities.len() > 1);
        // Stale: not updated in the year before the reference date.
        static STALE_BEFORE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let stale_before = STALE_BEFORE
            .get_or_init(|| super::timestamp_rfc3339(super::REFERENCE_UNIX_S - 365 * 86_400));
        self.num_stale += usize::from(
            s.updated_at
                .as_deref()
                .is_some_and(|u| u < stale_before.as_str()),
        );
    }

    /// Add another set of counters (for counting on several threads).
    pub fn merge(&mut self, o: SupplierStats) {
        fn add<K: Ord>(a: &mut BTreeMap<K, usize>, b: BTreeMap<K, usize>) {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
        }
        self.total += o.total;
        add(&mut self.per_trade, o.per_trade);
        add(&mut self.per_region, o.per_region);
        add(&mut self.per_kind, o.per_kind);
        add(&mut self.per_zone, o.per_zone);
        add(&mut self.per_legal_form, o.per_legal_form);
        self.num_ess += o.num_ess;
        self.num_esus += o.num_esus;
        self.num_closed += o.num_closed;
        self.num_with_location += o.num_with_location;
        self.num_admin_naf += o.num_admin_naf;
        self.num_multi_activity += o.num_multi_activity;
        self.num_stale += o.num_stale;
    }
}

/// Counters over needs and their truth.
#[derive(Debug, Default, Clone)]
pub struct NeedStats {
    pub total: usize,
    pub per_style: BTreeMap<String, usize>,
    pub per_trade: BTreeMap<String, usize>,
    pub per_reserved: BTreeMap<String, usize>,
    pub per_perimeter: BTreeMap<&'static str, usize>,
    pub num_point_places: usize,
    pub num_with_cpv: usize,
    pub num_social_clause: usize,
    pub num_with_modes: usize,
    pub num_without_relevant: usize,
    pub relevant_sizes: Vec<usize>,
}

impl NeedStats {
    pub fn add(&mut self, n: &Need, t: &NeedTruth) {
        self.total += 1;
        *self.per_style.entry(t.style.clone()).or_default() += 1;
        for tr in &t.trades {
            *self.per_trade.entry(tr.clone()).or_default() += 1;
        }
        *self
            .per_reserved
            .entry(
                n.reserved
                    .map(|r| r.as_str().to_string())
                    .unwrap_or_else(|| "(none)".to_string()),
            )
            .or_default() += 1;
        let p = match &n.perimeter {
            None => "(none)",
            Some(p) if p.national == Some(true) => "national",
            Some(p) if p.radius_km.is_some() => "radius",
            Some(_) => "areas",
        };
        *self.per_perimeter.entry(p).or_default() += 1;
        self.num_point_places += usize::from(n.place.commune.is_none());
        self.num_with_cpv += usize::from(!n.cpv.is_empty());
        self.num_social_clause += usize::from(n.social_clause);
        self.num_with_modes += usize::from(!n.modes.is_empty());
        self.num_without_relevant += usize::from(t.relevant.is_empty());
        self.relevant_sizes.push(t.relevant.len());
    }
}

fn table<K: std::fmt::Display>(
    out: &mut String,
    title: &str,
    rows: impl IntoIterator<Item = (K, usize)>,
    total: usize,
) {
    let mut rows: Vec<(String, usize)> =
        rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let _ = writeln!(out, "\n| {title} | count | share |\n|---|---:|---:|");
    for (k, v) in rows {
        let _ = writeln!(
            out,
            "| {k} | {v} | {:.1} % |",
            100.0 * v as f64 / total.max(1) as f64
        );
    }
}

/// Markdown report of both sets of counters.
pub fn render(s: &SupplierStats, n: &NeedStats) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### Suppliers ({})", s.total);
    let _ = writeln!(
        out,
        "\nESS: {}, ESUS: {}, closed: {}, with a location: {}, ESAT-style NAF 88.10C: {}, several activities: {}, not updated for more than a year: {}.",
        s.num_ess,
        s.num_esus,
        s.num_closed,
        s.num_with_location,
        s.num_admin_naf,
        s.num_multi_activity,
        s.num_stale
    );
    table(
        &mut out,
        "main trade",
        s.per_trade.iter().map(|(k, v)| (*k, *v)),
        s.total,
    );
    let r = Referential::get();
    let region_name = |code: &str| {
        r.region(code)
            .map(|g| format!("{} ({code})", g.name))
            .unwrap_or_else(|| code.to_string())
    };
    table(
        &mut out,
        "region",
        s.per_region.iter().map(|(k, v)| (region_name(k), *v)),
        s.total,
    );
    table(
        &mut out,
        "kind",
        s.per_kind.iter().map(|(k, v)| (*k, *v)),
        s.total,
    );
    let zones: usize = s.per_zone.values().sum();
    table(
        &mut out,
        "zone type (per activity)",
        s.per_zone.iter().map(|(k, v)| (*k, *v)),
        zones,
    );
    table(
        &mut out,
        "legal form",
        s.per_legal_form.iter().map(|(k, v)| (k.as_str(), *v)),
        s.total,
    );
    if n.total > 0 {
        let _ = writeln!(out, "\n### Needs ({})", n.total);
        let mut sizes = n.relevant_sizes.clone();
        sizes.sort_unstable();
        let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "\nPlace given as a point: {}, with CPV codes: {}, social clause: {}, mode filter: {}, without any relevant supplier: {}; relevant suppliers per need: median {median}, max {}.",
            n.num_point_places,
            n.num_with_cpv,
            n.num_social_clause,
            n.num_with_modes,
            n.num_without_relevant,
            sizes.last().copied().unwrap_or(0)
        );
        table(
            &mut out,
            "wording style",
            n.per_style.iter().map(|(k, v)| (k.as_str(), *v)),
            n.total,
        );
        table(
            &mut out,
            "reserved route",
            n.per_reserved.iter().map(|(k, v)| (k.as_str(), *v)),
            n.total,
        );
        table(
            &mut out,
            "perimeter",
            n.per_perimeter.iter().map(|(k, v)| (*k, *v)),
            n.total,
        );
        table(
            &mut out,
            "intended trade",
            n.per_trade.iter().map(|(k, v)| (k.as_str(), *v)),
            n.total,
        );
    }
    out
}
