//! The contract's geography rule, as plain functions: when a supplier *serves* a place, and
//! when it is *located in* a need's perimeter (contract section 2).
//!
//! - A supplier serves a place when an activity zone covers it: national; or the place's
//!   commune (or, for an arrondissement, its city), EPCI, département or region is in `areas`;
//!   or the place lies within `radius_km` of the supplier's location (great-circle). An
//!   activity without a zone, or a supplier without activities, serves its own département.
//! - When some activities are relevant to the need, only their zones count; otherwise any.
//! - A supplier located inside the need's perimeter qualifies too: within `radius_km` of the
//!   place, in one of the perimeter's `areas`, or anywhere for a national perimeter.
//! - A place given as a point belongs to the commune whose centre is nearest.
//!
//! This is the reference implementation: indexes answer the same questions faster and are
//! tested against it. Pure: no IO.

use crate::model::area::Area;
use crate::model::geo::GeoPoint;
use crate::model::need::{Need, Perimeter, Place};
use crate::model::supplier::{Activity, Supplier, Zone};
use crate::referential::{Commune, Referential};

/// A place resolved against the referential: its commune and a point.
#[derive(Debug, Clone, Copy)]
pub struct ResolvedPlace<'a> {
    pub commune: &'a Commune,
    /// The given point, or the commune's centre; `None` for the few communes without one.
    pub point: Option<GeoPoint>,
}

/// Resolve a need's place. `None` when the commune is unknown (validated needs always
/// resolve).
pub fn resolve_place<'a>(place: &Place, r: &'a Referential) -> Option<ResolvedPlace<'a>> {
    match (&place.commune, place.lat, place.lon) {
        (Some(code), _, _) => {
            let commune = r.commune(code)?;
            Some(ResolvedPlace {
                commune,
                point: r.communes.centre(commune),
            })
        }
        (None, Some(lat), Some(lon)) => {
            let point = GeoPoint::new(lat, lon).ok()?;
            Some(ResolvedPlace {
                commune: r.commune_at(point)?,
                point: Some(point),
            })
        }
        _ => None,
    }
}

/// Resolve a commune code as a place (its centre as the point).
pub fn place_of_commune<'a>(code: &str, r: &'a Referential) -> Option<ResolvedPlace<'a>> {
    let commune = r.commune(code)?;
    Some(ResolvedPlace {
        commune,
        point: r.communes.centre(commune),
    })
}

/// Where a supplier is: its `location`, else its commune's centre.
pub fn supplier_point(s: &Supplier, r: &Referential) -> Option<GeoPoint> {
    s.location.or_else(|| {
        r.commune(&s.address.commune)
            .and_then(|c| r.communes.centre(c))
    })
}

/// Why a zone covers a place.
#[derive(Debug, Clone, PartialEq)]
pub enum ZoneCover {
    National,
    /// The place is in this area of the zone.
    Area(Area),
    /// The place is this many km from the supplier, within the zone's radius.
    Radius {
        distance_km: f64,
        radius_km: f64,
    },
    /// The activity has no zone and the place is in the supplier's own département.
    OwnDepartement(String),
}

/// Whether a zone (or the default zone when `None`) of a supplier covers a place.
pub fn zone_covers(
    s: &Supplier,
    zone: Option<&Zone>,
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<ZoneCover> {
    let Some(zone) = zone else {
        let own = r.commune(&s.address.commune)?;
        return (own.dept == place.commune.dept)
            .then(|| ZoneCover::OwnDepartement(own.dept.clone()));
    };
    if zone.is_national() {
        return Some(ZoneCover::National);
    }
    if let Some(areas) = &zone.areas {
        for a in areas {
            if let Ok(area) = Area::parse(a)
                && r.area_contains(&area, place.commune)
            {
                return Some(ZoneCover::Area(area));
            }
        }
    }
    if let (Some(radius_km), Some(p), Some(sp)) =
        (zone.radius_km, place.point, supplier_point(s, r))
    {
        let d = sp.distance_km(&p);
        if d <= radius_km {
            return Some(ZoneCover::Radius {
                distance_km: d,
                radius_km,
            });
        }
    }
    None
}

/// Which activity (index, `None` for a supplier without activities) serves the place, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub activity: Option<usize>,
    pub cover: ZoneCover,
}

/// Whether the supplier serves the place. `relevant` lists the activities relevant to the
/// need; when it is empty, any activity counts (contract rule). The first covering activity
/// in the order given wins.
pub fn serves(
    s: &Supplier,
    relevant: &[usize],
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<Served> {
    if s.activities.is_empty() {
        return zone_covers(s, None, place, r).map(|cover| Served {
            activity: None,
            cover,
        });
    }
    let check = |i: usize, a: &Activity| {
        zone_covers(s, a.zone.as_ref(), place, r).map(|cover| Served {
            activity: Some(i),
            cover,
        })
    };
    if relevant.is_empty() {
        s.activities
            .iter()
            .enumerate()
            .find_map(|(i, a)| check(i, a))
    } else {
        relevant
            .iter()
            .filter_map(|&i| s.activities.get(i).map(|a| (i, a)))
            .find_map(|(i, a)| check(i, a))
    }
}

/// Why a supplier is inside a need's perimeter.
#[derive(Debug, Clone, PartialEq)]
pub enum InPerimeter {
    National,
    /// The supplier's address is in the place's commune itself (for a city, any of its
    /// arrondissements): the perimeter widens the place, it never excludes it.
    InPlace,
    Area(Area),
    Radius {
        distance_km: f64,
        radius_km: f64,
    },
}

/// Whether the supplier is located in the perimeter around the place.
pub fn in_perimeter(
    s: &Supplier,
    perimeter: &Perimeter,
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<InPerimeter> {
    if perimeter.national == Some(true) {
        return Some(InPerimeter::National);
    }
    let own = r.commune(&s.address.commune)?;
    if own.code == place.commune.code || own.parent.as_deref() == Some(place.commune.code.as_str())
    {
        return Some(InPerimeter::InPlace);
    }
    if let Some(areas) = &perimeter.areas {
        for a in areas {
            if let Ok(area) = Area::parse(a)
                && r.area_contains(&area, own)
            {
                return Some(InPerimeter::Area(area));
            }
        }
    }
    if let (Some(radius_km), Some(p), Some(sp)) =
        (perimeter.radius_km, place.point, supplier_point(s, r))
    {
        let d = sp.distance_km(&p);
        if d <= radius_km {
            return Some(InPerimeter::Radius {
                distance_km: d,
                radius_km,
            });
        }
    }
    None
}

/// The geographic reason a supplier qualifies for a need.
#[derive(Debug, Clone, PartialEq)]
pub enum GeoQualification {
    Serves(Served),
    Located(InPerimeter),
}

/// The contract's full geography rule for a need: serves the place (per relevant activity),
/// or is located in the perimeter.
pub fn qualifies(
    s: &Supplier,
    need: &Need,
    relevant: &[usize],
    place: &ResolvedPlace<'_>,
    r: &Referential,
) -> Option<GeoQualification> {
    if let Some(sv) = serves(s, relevant, place, r) {
        return Some(GeoQualification::Serves(sv));
    }
    need.perimeter
        .as_ref()
        .and_then(|p| in_perimeter(s, p, place, r))
        .map(GeoQualification::Located)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::supplier::Address;

    fn supplier(commune: &str, activities: Vec<Activity>) -> Supplier {
        Supplier {
            siret: "12002701600357".into(),
            name: "S".into(),
            address: Address {
                commune: commune.into(),
                ..Default::default()
            },
            activities,
            ..Default::default()
        }
    }

    fn zone_areas(areas: &[&str]) -> Option<Zone> {
        Some(Zone {
            areas: Some(areas.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        })
    }

    fn place(code: &str) -> ResolvedPlace<'static> {
        place_of_commune(code, Referential::get()).unwrap()
    }

    #[test]
    fn a_supplier_without_activities_serves_its_own_departement() {
        let r = Referential::get();
        let s = supplier("81004", vec![]);
        assert!(matches!(
            serves(&s, &[], &place("81060"), r),
            Some(Served {
                cover: ZoneCover::OwnDepartement(_),
                ..
            })
        ));
        assert!(serves(&s, &[], &place("31555"), r).is_none());
    }

    #[test]
    fn areas_cover_communes_epci_departements_and_regions() {
        let r = Referential::get();
        let albi = r.commune("81004").unwrap();
        let epci = albi.epci.clone().unwrap();
        for area in [
            "commune:81004".to_string(),
            format!("epci:{epci}"),
            "dept:81".into(),
            "region:76".into(),
        ] {
            let s = supplier(
                "34172",
                vec![Activity {
                    zone: zone_areas(&[&area]),
                    ..Default::default()
                }],
            );
            assert!(serves(&s, &[], &place("81004"), r).is_some(), "{area}");
        }
        let s = supplier(
            "34172",
            vec![Activity {
                zone: zone_areas(&["dept:12"]),
                ..Default::default()
            }],
        );
        assert!(serves(&s, &[], &place("81004"), r).is_none());
    }

    #[test]
    fn a_city_area_covers_its_arrondissements() {
        let r = Referential::get();
        let s = supplier(
            "92050",
            vec![Activity {
                zone: zone_areas(&["commune:75056"]),
                ..Default::default()
            }],
        );
        assert!(serves(&s, &[], &place("75111"), r).is_some());
    }

    #[test]
    fn radius_is_great_circle_from_the_supplier() {
        let r = Referential::get();
        let zone = Some(Zone {
            radius_km: Some(80.0),
            ..Default::default()
        });
        let s = supplier(
            "31555",
            vec![Activity {
                zone,
                ..Default::default()
            }],
        );
        assert!(matches!(
            serves(&s, &[], &place("81004"), r),
            Some(Served {
                cover: ZoneCover::Radius { .. },
                ..
            })
        ));
        assert!(
            serves(&s, &[], &place("34172"), r).is_none(),
            "Montpellier is ~200 km from Toulouse"
        );
    }

    #[test]
    fn only_relevant_activities_zones_count_when_there_are_some() {
        let r = Referential::get();
        let s = supplier(
            "31555",
            vec![
                Activity {
                    label: Some("Nettoyage".into()),
                    zone: zone_areas(&["region:76"]),
                    ..Default::default()
                },
                Activity {
                    label: Some("Espaces verts".into()),
                    zone: zone_areas(&["dept:31"]),
                    ..Default::default()
                },
            ],
        );
        assert_eq!(
            serves(&s, &[0], &place("81004"), r).unwrap().activity,
            Some(0)
        );
        assert!(serves(&s, &[1], &place("81004"), r).is_none());
        assert!(serves(&s, &[], &place("81004"), r).is_some());
    }

    #[test]
    fn a_need_in_paris_with_a_1_km_perimeter_includes_a_supplier_in_an_arrondissement() {
        let r = Referential::get();
        // A perimeter area naming the city covers an address in one of its arrondissements.
        let need = Need {
            place: Place {
                commune: Some("92012".into()),
                ..Default::default()
            },
            perimeter: Some(Perimeter {
                areas: Some(vec!["commune:75056".into()]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let s = supplier(
            "75104",
            vec![Activity {
                zone: zone_areas(&["dept:13"]),
                ..Default::default()
            }],
        );
        let p = resolve_place(&need.place, r).unwrap();
        assert!(matches!(
            qualifies(&s, &need, &[], &p, r),
            Some(GeoQualification::Located(InPerimeter::Area(_)))
        ));
        let need = Need {
            place: Place {
                commune: Some("75056".into()),
                ..Default::default()
            },
            ..need
        };
        let p = resolve_place(&need.place, r).unwrap();
        // A 1 km radius around Paris: suppliers in every arrondissement qualify, the 20th as
        // well as the 1st, although most are farther than 1 km from the city's centroid.
        let need = Need {
            perimeter: Some(Perimeter {
                radius_km: Some(1.0),
                ..Default::default()
            }),
            ..need
        };
        for arr in ["75101", "75104", "75116", "75120"] {
            let s = supplier(
                arr,
                vec![Activity {
                    zone: zone_areas(&["dept:13"]),
                    ..Default::default()
                }],
            );
            assert_eq!(
                qualifies(&s, &need, &[], &p, r),
                Some(GeoQualification::Located(InPerimeter::InPlace)),
                "{arr}"
            );
        }
        let s = supplier(
            "92012",
            vec![Activity {
                zone: zone_areas(&["dept:13"]),
                ..Default::default()
            }],
        );
        assert!(
            qualifies(&s, &need, &[], &p, r).is_none(),
            "Boulogne-Billancourt is not in Paris nor within 1 km of the place"
        );
    }

    #[test]
    fn a_point_place_belongs_to_the_nearest_commune() {
        let r = Referential::get();
        let p = resolve_place(
            &Place {
                lat: Some(43.6045),
                lon: Some(1.444),
                commune: None,
            },
            r,
        )
        .unwrap();
        assert_eq!(p.commune.code, "31555");
    }
}
