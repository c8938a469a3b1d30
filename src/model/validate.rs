//! Validation and normalisation of suppliers and needs against the referentials.
//!
//! Every rule names the field (a JSON path such as `activities[0].cpv[1]`) and the reason.
//! All problems of a value are reported at once, not only the first. On success the value is
//! normalised in place: SIRET without spaces, NAF `81.30Z`, CPV `90911200-8`, areas
//! `dept:2A`, kinds and modes deduplicated, strings trimmed. Pure: no IO.

use crate::error::FieldError;
use crate::model::area::Area;
use crate::model::geo::GeoPoint;
use crate::model::ids::{siren_error, siret_error};
use crate::model::need::{Need, Perimeter, Place};
use crate::model::supplier::{Activity, Supplier, Zone};
use crate::referential::{NafLevel, Referential};

/// Longest name, brand, title or label, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest description of a supplier or offer.
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Longest need description (a pasted tender notice can be long).
pub const MAX_NEED_DESCRIPTION_CHARS: usize = 100_000;
/// Most entries in a list field (offers, references, activities, labels, codes).
pub const MAX_LIST_LEN: usize = 200;
/// Half the Earth's circumference: no radius is larger.
pub const MAX_RADIUS_KM: f64 = 20_040.0;

struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError::new(field, reason));
    }
}

fn trim_in_place(s: &mut String) {
    let t = s.trim();
    if t.len() != s.len() {
        *s = t.to_string();
    }
}

fn trim_opt(s: &mut Option<String>) {
    if let Some(v) = s {
        trim_in_place(v);
        if v.is_empty() {
            *s = None;
        }
    }
}

fn check_len(e: &mut Errors, field: &str, s: &str, min: usize, max: usize) {
    let n = s.chars().count();
    if n < min {
        e.add(
            field,
            if min == 1 {
                "must not be empty".to_string()
            } else {
                format!("must have at least {min} characters")
            },
        );
    } else if n > max {
        e.add(
            field,
            format!("must have at most {max} characters (has {n})"),
        );
    }
}

fn check_list_len<T>(e: &mut Errors, field: &str, v: &[T]) {
    if v.len() > MAX_LIST_LEN {
        e.add(
            field,
            format!("must have at most {MAX_LIST_LEN} entries (has {})", v.len()),
        );
    }
}

fn check_non_negative_i(e: &mut Errors, field: &str, v: Option<i64>) {
    if let Some(x) = v
        && x < 0
    {
        e.add(field, "must be non-negative");
    }
}

fn check_amount(e: &mut Errors, field: &str, v: Option<f64>) {
    if let Some(x) = v
        && (!x.is_finite() || x < 0.0)
    {
        e.add(field, "must be a non-negative number");
    }
}

fn check_radius(e: &mut Errors, field: &str, r: f64, allow_zero: bool) {
    if !r.is_finite() || r < 0.0 || (!allow_zero && r == 0.0) {
        e.add(
            field,
            if allow_zero {
                "must be a non-negative number of kilometres"
            } else {
                "must be a positive number of kilometres"
            },
        );
    } else if r > MAX_RADIUS_KM {
        e.add(field, format!("must be at most {MAX_RADIUS_KM} km"));
    }
}

/// Normalise a list of CPV codes to canonical form, reporting unknown ones.
fn normalize_cpv_list(e: &mut Errors, field: &str, codes: &mut Vec<String>, r: &Referential) {
    check_list_len(e, field, codes);
    let mut out: Vec<String> = Vec::with_capacity(codes.len());
    for (i, c) in codes.iter().enumerate() {
        match r.cpv.resolve(c) {
            Ok(code) => {
                if !out.contains(&code.code) {
                    out.push(code.code.clone());
                }
            }
            Err(err) => e.add(format!("{field}[{i}]"), format!("{} ({c})", err.reason())),
        }
    }
    *codes = out;
}

/// Normalise a list of area references, reporting malformed or unknown ones.
fn normalize_areas(e: &mut Errors, field: &str, areas: &mut Vec<String>, r: &Referential) {
    check_list_len(e, field, areas);
    let mut out: Vec<String> = Vec::with_capacity(areas.len());
    for (i, a) in areas.iter().enumerate() {
        match Area::parse(a) {
            Ok(area) if r.area_exists(&area) => {
                let s = area.to_string();
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            Ok(_) => e.add(format!("{field}[{i}]"), format!("unknown area ({a})")),
            Err(reason) => e.add(format!("{field}[{i}]"), reason),
        }
    }
    *areas = out;
}

fn validate_zone(e: &mut Errors, field: &str, z: &mut Zone, r: &Referential) {
    if let Some(rad) = z.radius_km {
        check_radius(e, &format!("{field}.radius_km"), rad, true);
    }
    if let Some(areas) = &mut z.areas {
        normalize_areas(e, &format!("{field}.areas"), areas, r);
        if areas.is_empty() {
            z.areas = None;
        }
    }
    if z.national != Some(true) && z.radius_km.is_none() && z.areas.is_none() {
        e.add(
            field,
            "a zone must be national, have a radius_km or list areas",
        );
    }
}

fn validate_activity(e: &mut Errors, field: &str, a: &mut Activity, r: &Referential) {
    trim_opt(&mut a.label);
    if let Some(l) = &a.label {
        check_len(e, &format!("{field}.label"), l, 1, MAX_NAME_CHARS);
    }
    normalize_cpv_list(e, &format!("{field}.cpv"), &mut a.cpv, r);
    a.modes.sort();
    a.modes.dedup();
    if let Some(z) = &mut a.zone {
        validate_zone(e, &format!("{field}.zone"), z, r);
    }
}

fn check_point(e: &mut Errors, field: &str, p: &GeoPoint) {
    if let Err((coord, reason)) = p.check() {
        e.add(format!("{field}.{coord}"), reason);
    }
}

/// Check a supplier against every rule of the contract and normalise it. Returns all field
/// errors when any rule fails.
pub fn validate_supplier(s: &mut Supplier, r: &Referential) -> Result<(), Vec<FieldError>> {
    let mut e = Errors(Vec::new());

    s.siret = s.siret.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(reason) = siret_error(&s.siret) {
        e.add("siret", reason);
    }
    trim_in_place(&mut s.name);
    check_len(&mut e, "name", &s.name, 1, MAX_NAME_CHARS);
    trim_opt(&mut s.brand);
    if let Some(b) = &s.brand {
        check_len(&mut e, "brand", b, 1, MAX_NAME_CHARS);
    }
    s.kinds.sort();
    s.kinds.dedup();
    s.inferred_kinds.sort();
    s.inferred_kinds.dedup();
    s.inferred_kinds.retain(|k| s.kinds.contains(k));

    trim_opt(&mut s.legal_form);
    if let Some(lf) = &s.legal_form {
        if lf.len() != 4 || !lf.bytes().all(|b| b.is_ascii_digit()) {
            e.add("legal_form", "must be a 4-digit INSEE catégorie juridique");
        } else if r.legal_form(lf).is_none() {
            e.add("legal_form", format!("unknown catégorie juridique ({lf})"));
        }
    }
    trim_opt(&mut s.naf);
    if let Some(naf) = &s.naf {
        match r.naf.get(naf) {
            Some(code) if code.level == NafLevel::SousClasse => s.naf = Some(code.code.clone()),
            Some(_) => e.add(
                "naf",
                format!("must be a NAF sous-classe such as 81.30Z ({naf})"),
            ),
            None => e.add("naf", format!("unknown NAF rév. 2 code ({naf})")),
        }
    }

    check_len(
        &mut e,
        "description",
        &s.description,
        0,
        MAX_DESCRIPTION_CHARS,
    );
    check_list_len(&mut e, "offers", &s.offers);
    for (i, o) in s.offers.iter_mut().enumerate() {
        trim_in_place(&mut o.title);
        check_len(
            &mut e,
            &format!("offers[{i}].title"),
            &o.title,
            1,
            MAX_NAME_CHARS,
        );
        check_len(
            &mut e,
            &format!("offers[{i}].description"),
            &o.description,
            0,
            MAX_DESCRIPTION_CHARS,
        );
    }
    check_list_len(&mut e, "references", &s.references);
    for (i, rf) in s.references.iter_mut().enumerate() {
        trim_in_place(&mut rf.client);
        check_len(
            &mut e,
            &format!("references[{i}].client"),
            &rf.client,
            1,
            MAX_NAME_CHARS,
        );
        check_len(
            &mut e,
            &format!("references[{i}].description"),
            &rf.description,
            0,
            MAX_DESCRIPTION_CHARS,
        );
        if let Some(y) = rf.year
            && !(1900..=2100).contains(&y)
        {
            e.add(
                format!("references[{i}].year"),
                "must be a year between 1900 and 2100",
            );
        }
    }
    check_list_len(&mut e, "labels", &s.labels);
    for l in s.labels.iter_mut() {
        trim_in_place(l);
    }
    for (i, l) in s.labels.iter().enumerate() {
        check_len(&mut e, &format!("labels[{i}]"), l, 1, 100);
    }
    {
        let mut seen = std::collections::HashSet::new();
        s.labels.retain(|l| seen.insert(l.clone()));
    }

    trim_in_place(&mut s.address.commune);
    match r.commune(&s.address.commune) {
        Some(c) => s.address.commune = c.code.clone(),
        None if s.address.commune.is_empty() => e.add("address.commune", "must not be empty"),
        None => e.add(
            "address.commune",
            format!("unknown INSEE commune code ({})", s.address.commune),
        ),
    }
    trim_opt(&mut s.address.street);
    trim_opt(&mut s.address.city);
    trim_opt(&mut s.address.postcode);
    if let Some(st) = &s.address.street {
        check_len(&mut e, "address.street", st, 1, 300);
    }
    if let Some(c) = &s.address.city {
        check_len(&mut e, "address.city", c, 1, MAX_NAME_CHARS);
    }
    if let Some(p) = &s.address.postcode
        && (p.len() != 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        e.add("address.postcode", "must be 5 digits");
    }
    if let Some(p) = &s.location {
        check_point(&mut e, "location", p);
    }

    check_list_len(&mut e, "activities", &s.activities);
    for (i, a) in s.activities.iter_mut().enumerate() {
        validate_activity(&mut e, &format!("activities[{i}]"), a, r);
    }

    check_non_negative_i(&mut e, "capacity.employees", s.capacity.employees);
    check_non_negative_i(
        &mut e,
        "capacity.insertion_employees",
        s.capacity.insertion_employees,
    );
    check_amount(&mut e, "capacity.turnover_eur", s.capacity.turnover_eur);
    if let Some(y) = s.capacity.founded
        && !(1800..=2100).contains(&y)
    {
        e.add("capacity.founded", "must be a year between 1800 and 2100");
    }

    trim_opt(&mut s.contact.email);
    trim_opt(&mut s.contact.phone);
    trim_opt(&mut s.contact.website);
    if let Some(m) = &s.contact.email
        && (m.len() > 254
            || !m.contains('@')
            || m.starts_with('@')
            || m.ends_with('@')
            || m.contains(char::is_whitespace))
    {
        e.add("contact.email", "must be an email address");
    }
    if let Some(p) = &s.contact.phone
        && (p.len() > 30
            || p.chars().filter(char::is_ascii_digit).count() < 4
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +.-()".contains(c)))
    {
        e.add("contact.phone", "must be a phone number");
    }
    if let Some(w) = &s.contact.website {
        check_len(&mut e, "contact.website", w, 1, 500);
    }
    if let Some(u) = &s.updated_at
        && u.parse::<jiff::Timestamp>().is_err()
    {
        e.add("updated_at", "must be an RFC 3339 timestamp");
    }

    if e.0.is_empty() { Ok(()) } else { Err(e.0) }
}

fn validate_place(e: &mut Errors, p: &mut Place, r: &Referential) {
    match (&p.commune, p.lat, p.lon) {
        (Some(c), None, None) => match r.commune(c) {
            Some(com) => p.commune = Some(com.code.clone()),
            None => e.add("place.commune", format!("unknown INSEE commune code ({c})")),
        },
        (None, Some(lat), Some(lon)) => {
            if let Err((coord, reason)) = GeoPoint::new(lat, lon) {
                e.add(format!("place.{coord}"), reason);
            }
        }
        (None, Some(_), None) => e.add("place.lon", "must be given with lat"),
        (None, None, Some(_)) => e.add("place.lat", "must be given with lon"),
        (None, None, None) => e.add("place", "must give either commune or lat and lon"),
        (Some(_), _, _) => e.add("place", "must give either commune or lat and lon, not both"),
    }
}

fn validate_perimeter(e: &mut Errors, p: &mut Perimeter, r: &Referential) {
    let set = [
        p.radius_km.is_some(),
        p.areas.is_some(),
        p.national.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if set != 1 {
        e.add(
            "perimeter",
            "must give exactly one of radius_km, areas or national",
        );
        return;
    }
    if let Some(rad) = p.radius_km {
        check_radius(e, "perimeter.radius_km", rad, true);
    }
    if let Some(areas) = &mut p.areas {
        normalize_areas(e, "perimeter.areas", areas, r);
    }
}

/// Characters allowed in a need id.
pub fn valid_need_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Check a need against every rule of the contract and normalise it.
pub fn validate_need(n: &mut Need, r: &Referential) -> Result<(), Vec<FieldError>> {
    let mut e = Errors(Vec::new());
    trim_opt(&mut n.id);
    if let Some(id) = &n.id
        && !valid_need_id(id)
    {
        e.add(
            "id",
            "must be 1 to 100 characters among letters, digits, '-', '_' and '.'",
        );
    }
    trim_in_place(&mut n.buyer.name);
    check_len(&mut e, "buyer.name", &n.buyer.name, 1, MAX_NAME_CHARS);
    trim_opt(&mut n.buyer.siret);
    if let Some(s) = &mut n.buyer.siret {
        *s = s.chars().filter(|c| !c.is_whitespace()).collect();
        let reason = if s.len() == 9 {
            siren_error(s)
        } else {
            siret_error(s)
        };
        if let Some(reason) = reason {
            e.add("buyer.siret", reason);
        }
    }
    trim_in_place(&mut n.title);
    check_len(&mut e, "title", &n.title, 1, 300);
    check_len(
        &mut e,
        "description",
        &n.description,
        0,
        MAX_NEED_DESCRIPTION_CHARS,
    );
    normalize_cpv_list(&mut e, "cpv", &mut n.cpv, r);
    validate_place(&mut e, &mut n.place, r);
    if let Some(p) = &mut n.perimeter {
        validate_perimeter(&mut e, p, r);
    }
    n.modes.sort();
    n.modes.dedup();
    check_amount(&mut e, "amount_eur", n.amount_eur);
    trim_opt(&mut n.deadline);
    if let Some(d) = &n.deadline
        && d.parse::<jiff::civil::Date>().is_err()
    {
        e.add("deadline", "must be a date YYYY-MM-DD");
    }
    if e.0.is_empty() { Ok(()) } else { Err(e.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::supplier::{Address, Capacity};

    fn valid_supplier() -> Supplier {
        Supplier {
            siret: "12002701600357".into(),
            name: "Les Jardins de Cocagne".into(),
            address: Address {
                commune: "81004".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn errors_of(mut s: Supplier) -> Vec<String> {
        match validate_supplier(&mut s, Referential::get()) {
            Ok(()) => vec![],
            Err(es) => es.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn a_minimal_supplier_is_valid() {
        assert!(errors_of(valid_supplier()).is_empty());
    }

    #[test]
    fn siret_check_digit_is_enforced() {
        let s = Supplier {
            siret: "12002701600358".into(),
            ..valid_supplier()
        };
        assert_eq!(errors_of(s), ["siret"]);
    }

    #[test]
    fn name_must_be_present_and_not_too_long() {
        assert_eq!(
            errors_of(Supplier {
                name: "  ".into(),
                ..valid_supplier()
            }),
            ["name"]
        );
        assert_eq!(
            errors_of(Supplier {
                name: "x".repeat(201),
                ..valid_supplier()
            }),
            ["name"]
        );
    }

    #[test]
    fn naf_is_normalised_and_checked() {
        let mut s = Supplier {
            naf: Some("8130Z".into()),
            ..valid_supplier()
        };
        validate_supplier(&mut s, Referential::get()).unwrap();
        assert_eq!(s.naf.as_deref(), Some("81.30Z"));
        assert_eq!(
            errors_of(Supplier {
                naf: Some("81.30Y".into()),
                ..valid_supplier()
            }),
            ["naf"]
        );
        assert_eq!(
            errors_of(Supplier {
                naf: Some("81.30".into()),
                ..valid_supplier()
            }),
            ["naf"]
        );
    }

    #[test]
    fn cpv_codes_are_normalised_and_check_digits_enforced() {
        let mut s = valid_supplier();
        s.activities = vec![Activity {
            cpv: vec!["77310000".into(), "90911200-8".into()],
            ..Default::default()
        }];
        validate_supplier(&mut s, Referential::get()).unwrap();
        assert_eq!(s.activities[0].cpv, ["77310000-6", "90911200-8"]);
        s.activities[0].cpv = vec!["77310000".into(), "90911200-3".into()];
        assert_eq!(errors_of(s), ["activities[0].cpv[1]"]);
    }

    #[test]
    fn commune_must_exist_and_arrondissements_are_accepted() {
        let mut s = valid_supplier();
        s.address.commune = "99999".into();
        assert_eq!(errors_of(s.clone()), ["address.commune"]);
        s.address.commune = "75107".into();
        assert!(errors_of(s).is_empty());
    }

    #[test]
    fn coordinates_must_be_in_range() {
        let mut s = valid_supplier();
        s.location = Some(GeoPoint {
            lat: 123.0,
            lon: 2.0,
        });
        assert_eq!(errors_of(s), ["location.lat"]);
    }

    #[test]
    fn capacities_must_be_non_negative() {
        let mut s = valid_supplier();
        s.capacity = Capacity {
            employees: Some(-1),
            turnover_eur: Some(-5.0),
            ..Default::default()
        };
        assert_eq!(
            errors_of(s),
            ["capacity.employees", "capacity.turnover_eur"]
        );
    }

    #[test]
    fn zones_must_cover_something_and_areas_must_exist() {
        let mut s = valid_supplier();
        s.activities = vec![Activity {
            zone: Some(Zone::default()),
            ..Default::default()
        }];
        assert_eq!(errors_of(s.clone()), ["activities[0].zone"]);
        s.activities[0].zone = Some(Zone {
            areas: Some(vec!["dept:31".into(), "dept:00".into()]),
            ..Default::default()
        });
        assert_eq!(errors_of(s.clone()), ["activities[0].zone.areas[1]"]);
        s.activities[0].zone = Some(Zone {
            radius_km: Some(-3.0),
            ..Default::default()
        });
        assert_eq!(errors_of(s), ["activities[0].zone.radius_km"]);
    }

    #[test]
    fn kinds_are_deduplicated() {
        use crate::model::supplier::Kind;
        let mut s = Supplier {
            kinds: vec![Kind::ESAT, Kind::EA, Kind::ESAT],
            ..valid_supplier()
        };
        validate_supplier(&mut s, Referential::get()).unwrap();
        assert_eq!(s.kinds, [Kind::EA, Kind::ESAT]);
    }

    fn valid_need() -> Need {
        Need {
            buyer: crate::model::need::Buyer {
                name: "Ville d'Albi".into(),
                siret: None,
            },
            title: "Entretien des espaces verts".into(),
            place: Place {
                commune: Some("81004".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn need_errors(mut n: Need) -> Vec<String> {
        match validate_need(&mut n, Referential::get()) {
            Ok(()) => vec![],
            Err(es) => es.into_iter().map(|e| e.field).collect(),
        }
    }

    #[test]
    fn need_place_is_commune_or_point() {
        assert!(need_errors(valid_need()).is_empty());
        let mut n = valid_need();
        n.place = Place {
            lat: Some(43.9),
            lon: Some(2.1),
            commune: None,
        };
        assert!(need_errors(n.clone()).is_empty());
        n.place = Place::default();
        assert_eq!(need_errors(n.clone()), ["place"]);
        n.place = Place {
            lat: Some(95.0),
            lon: Some(2.0),
            commune: None,
        };
        assert_eq!(need_errors(n), ["place.lat"]);
    }

    #[test]
    fn need_perimeter_has_exactly_one_form() {
        let mut n = valid_need();
        n.perimeter = Some(Perimeter {
            radius_km: Some(10.0),
            national: Some(true),
            areas: None,
        });
        assert_eq!(need_errors(n.clone()), ["perimeter"]);
        n.perimeter = Some(Perimeter {
            areas: Some(vec!["region:76".into()]),
            ..Default::default()
        });
        assert!(need_errors(n).is_empty());
    }

    #[test]
    fn need_title_amount_and_deadline() {
        let mut n = valid_need();
        n.title = String::new();
        n.amount_eur = Some(-1.0);
        n.deadline = Some("2026-13-01".into());
        assert_eq!(need_errors(n), ["title", "amount_eur", "deadline"]);
    }
}
