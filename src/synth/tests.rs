//! Unit tests of the generators as a whole: validity, determinism, uniqueness, trade
//! recovery and the consistency of the ground truth with the hard rules.

use std::collections::HashSet;

use super::*;
use crate::model::validate_need;
use crate::model::validate_supplier;
use crate::referential::Referential;

#[test]
fn reference_time_and_calendar_round_trip() {
    assert_eq!(timestamp_rfc3339(REFERENCE_UNIX_S), "2026-03-01T00:00:00Z");
    assert_eq!(timestamp_rfc3339(0), "1970-01-01T00:00:00Z");
    for d in [-1000, 0, 59, 60, 11_016, 20_513, 40_000] {
        let (y, m, dd) = civil_from_days(d);
        assert_eq!(days_from_civil(y, m, dd), d);
    }
    assert!("2024-02-29T12:00:00Z".parse::<jiff::Timestamp>().is_ok());
    assert_eq!(
        timestamp_rfc3339(days_from_civil(2024, 2, 29) as u64 * 86_400 + 43_200),
        "2024-02-29T12:00:00Z"
    );
}

#[test]
fn thousands_of_generated_suppliers_validate_unchanged_with_unique_sirets() {
    let opts = SupplierOptions::weighted_towards("76", 0.6);
    let suppliers = generate_suppliers_with(11, 4000, &opts);
    let mut sirets = HashSet::new();
    for s in &suppliers {
        let mut v = s.clone();
        if let Err(e) = validate_supplier(&mut v) {
            panic!(
                "{} does not validate: {e:?}\n{}",
                s.siret,
                serde_json::to_string_pretty(s).unwrap()
            );
        }
        assert_eq!(&v, s, "validation changed a generated supplier");
        assert!(
            sirets.insert(s.siret.clone()),
            "duplicate SIRET {}",
            s.siret
        );
    }
}

#[test]
fn same_seed_same_suppliers_and_the_stream_matches_the_vector() {
    let a = generate_suppliers(3, 300);
    let b: Vec<_> = supplier_stream(3, 300, &SupplierOptions::default()).collect();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let c = generate_suppliers(4, 300);
    assert_ne!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&c).unwrap()
    );
    // Supplier i does not depend on how many are generated.
    assert_eq!(generate_suppliers(3, 10)[..], a[..10]);
}

#[test]
fn a_suppliers_trades_are_recovered_from_its_json() {
    let opts = SupplierOptions::default();
    for i in 0..3000u64 {
        let s = generate_supplier(21, i, &opts);
        let links = catalog::classify_supplier(&s);
        assert!(!links.is_empty(), "no trade recovered for {}", s.siret);
        assert_eq!(
            catalog::TRADES[links[0].trade].key,
            suppliers::main_trade_of(21, i).key,
            "supplier {i}"
        );
        // Round trip through JSON changes nothing.
        let back: Supplier = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(catalog::classify_supplier(&back), links);
    }
}

#[test]
fn suppliers_cover_every_trade_kind_and_zone_type() {
    let suppliers = generate_suppliers(5, 5000);
    let mut st = stats::SupplierStats::default();
    for s in &suppliers {
        st.add(s);
    }
    assert_eq!(
        st.per_trade.len(),
        catalog::TRADES.len(),
        "{:?}",
        st.per_trade
    );
    for k in ["ESAT", "EA", "ACI", "EI", "AI", "ETTI", "GEIQ", "(none)"] {
        assert!(
            st.per_kind.get(k).copied().unwrap_or(0) > 20,
            "kind {k}: {:?}",
            st.per_kind
        );
    }
    for z in [
        "default (own département)",
        "radius",
        "départements",
        "EPCI",
        "communes",
        "region",
        "national",
        "radius + département",
        "(no activity)",
    ] {
        assert!(
            st.per_zone.get(z).copied().unwrap_or(0) > 10,
            "zone {z}: {:?}",
            st.per_zone
        );
    }
    assert!(
        st.num_admin_naf > 100,
        "ESATs declaring 88.10C: {}",
        st.num_admin_naf
    );
    assert!(
        st.num_stale > 1000 && st.num_stale < 2500,
        "stale: {}",
        st.num_stale
    );
    assert!(st.num_closed > 0);
}

#[test]
fn generated_needs_validate_unchanged_and_their_truth_agrees_with_the_hard_rules() {
    let suppliers = generate_suppliers_with(8, 3000, &SupplierOptions::weighted_towards("76", 0.6));
    let set = generate_needs(8, 200, &suppliers);
    assert_eq!(set.needs.len(), 200);
    let by_siret: std::collections::HashMap<&str, &Supplier> =
        suppliers.iter().map(|s| (s.siret.as_str(), s)).collect();
    let mut styles = HashSet::new();
    let mut with_answers = 0;
    for (n, t) in set.needs.iter().zip(&set.truth) {
        let mut v = n.clone();
        if let Err(e) = validate_need(&mut v) {
            panic!("{:?} does not validate: {e:?}", n.id);
        }
        assert_eq!(&v, n, "validation changed a generated need");
        assert_eq!(n.id.as_deref(), Some(t.need_id.as_str()));
        styles.insert(t.style.clone());
        with_answers += usize::from(!t.relevant.is_empty());
        for j in &t.relevant {
            let s = by_siret[j.siret.as_str()];
            let keys: Vec<&str> = if j.grade == 2 {
                t.trades.iter().map(String::as_str).collect()
            } else {
                t.related_trades.iter().map(String::as_str).collect()
            };
            let counted = truth::activities_of_trades(s, &keys);
            // A grade needs a trade link and all hard rules satisfied for it.
            let rules = truth::check(n, s, &counted);
            assert!(
                rules.all_pass(),
                "{} graded {} for {} but {:?}",
                j.siret,
                j.grade,
                t.need_id,
                rules.violations()
            );
        }
        assert!(
            t.relevant
                .windows(2)
                .all(|w| (w[0].grade, &w[1].siret) >= (w[1].grade, &w[0].siret))
        );
    }
    assert_eq!(styles.len(), Style::ALL.len(), "{styles:?}");
    assert!(
        with_answers > 150,
        "only {with_answers} needs have a relevant supplier"
    );
}

#[test]
fn needs_are_deterministic_and_depend_on_the_seed() {
    let suppliers = generate_suppliers(2, 800);
    let a = generate_needs(2, 40, &suppliers);
    let b = generate_needs(2, 40, &suppliers);
    assert_eq!(a.needs, b.needs);
    assert_eq!(a.truth, b.truth);
    let c = generate_needs(3, 40, &suppliers);
    assert_ne!(a.needs, c.needs);
}

#[test]
fn buyer_words_differ_from_supplier_words() {
    // The buyer titles of a trade are not copies of its activity labels or offer titles.
    for t in catalog::TRADES {
        for title in t.buyer_titles {
            let f = crate::normalize::fold(title);
            assert!(
                !t.activity_labels
                    .iter()
                    .any(|l| crate::normalize::fold(l) == f),
                "{}: {title}",
                t.key
            );
            assert!(
                !t.offers.iter().any(|(o, _)| crate::normalize::fold(o) == f),
                "{}: {title}",
                t.key
            );
        }
    }
}

#[test]
fn region_weighting_concentrates_suppliers() {
    let r = Referential::get();
    let suppliers = generate_suppliers_with(1, 2000, &SupplierOptions::weighted_towards("76", 0.6));
    let in_76 = suppliers
        .iter()
        .filter(|s| {
            r.commune(&s.address.commune)
                .is_some_and(|c| c.region == "76")
        })
        .count();
    assert!((1200..1500).contains(&in_76), "{in_76}");
}

/// Every buyer-wording string of the catalogue, folded.
fn catalog_buyer_words() -> HashSet<String> {
    catalog::TRADES
        .iter()
        .flat_map(|t| {
            t.buyer_titles
                .iter()
                .chain(t.buyer_objects)
                .chain(t.buyer_details)
                .chain(t.buyer_keywords)
                .chain(t.colloquial)
                .chain(t.ambiguous_titles)
        })
        .map(|s| crate::normalize::fold(s))
        .collect()
}

#[test]
fn every_trade_has_a_fresh_wording_for_every_field_the_catalogue_fills() {
    assert_eq!(fresh::FRESH.len(), catalog::TRADES.len());
    for (t, f) in catalog::TRADES.iter().zip(fresh::FRESH) {
        assert_eq!(f.key, t.key, "fresh wording out of catalogue order");
        for (field, fresh, ours) in [
            ("titles", f.titles, t.buyer_titles),
            ("objects", f.objects, t.buyer_objects),
            ("details", f.details, t.buyer_details),
            ("keywords", f.keywords, t.buyer_keywords),
            ("colloquial", f.colloquial, t.colloquial),
            ("ambiguous_titles", f.ambiguous_titles, t.ambiguous_titles),
        ] {
            assert_eq!(
                fresh.is_empty(),
                ours.is_empty(),
                "{}: fresh {field} filled where the catalogue's are not, or the reverse",
                t.key
            );
            // Within a table, a number only where the generator fills one.
            for s in fresh {
                assert!(field == "details" || !s.contains('{'), "{}: {s}", t.key);
            }
        }
        assert!(f.titles.len() >= 6 && f.details.len() >= 4, "{}", t.key);
    }
}

#[test]
fn the_fresh_wording_copies_nothing_from_the_catalogue() {
    let catalog = catalog_buyer_words();
    let mut seen = HashSet::new();
    for f in fresh::FRESH {
        for s in f
            .titles
            .iter()
            .chain(f.objects)
            .chain(f.details)
            .chain(f.keywords)
            .chain(f.colloquial)
            .chain(f.ambiguous_titles)
        {
            let folded = crate::normalize::fold(s);
            assert!(
                !catalog.contains(&folded),
                "{}: {s} is the catalogue's",
                f.key
            );
            assert!(
                seen.insert(folded),
                "{}: {s} twice in the fresh wording",
                f.key
            );
        }
    }
}

#[test]
fn a_fresh_worded_need_set_differs_from_the_catalogue_one_only_in_its_texts() {
    let suppliers = generate_suppliers_with(8, 2000, &SupplierOptions::weighted_towards("76", 0.6));
    let base = TruthBase::from_suppliers(&suppliers);
    let ours = generate_needs_worded(8, 120, &base, Wording::Catalog);
    assert_eq!(ours.needs, generate_needs_from(8, 120, &base).needs);
    let fresh = generate_needs_worded(8, 120, &base, Wording::Fresh);
    assert_eq!(fresh.truth, ours.truth);
    // Titles the catalogue gives (its buyer and ambiguous titles and plain requests), folded;
    // one-word ones (« Restauration ») are words, not titles one could copy.
    let catalog_titles: Vec<String> = catalog::TRADES
        .iter()
        .flat_map(|t| {
            t.buyer_titles
                .iter()
                .chain(t.ambiguous_titles)
                .chain(t.colloquial)
        })
        .filter(|s| s.split_whitespace().count() > 1)
        .map(|s| crate::normalize::fold(s))
        .collect();
    for (n, c) in fresh.needs.iter().zip(&ours.needs) {
        let mut v = n.clone();
        validate_need(&mut v).unwrap_or_else(|e| panic!("{:?} does not validate: {e:?}", n.id));
        assert_eq!(&v, n, "validation changed a generated need");
        let title = crate::normalize::fold(&n.title);
        for t in &catalog_titles {
            assert!(!title.contains(t.as_str()), "{:?}: {}", n.id, n.title);
        }
        assert!(!n.description.contains("{n}"), "{:?}", n.id);
        let strip = |x: &crate::model::need::Need| crate::model::need::Need {
            title: String::new(),
            description: String::new(),
            ..x.clone()
        };
        assert_eq!(strip(n), strip(c));
    }
    assert_ne!(fresh.needs, ours.needs);
}
