//! Geographic points and great-circle distances.
//!
//! Coordinates never travel as bare tuples: [`GeoPoint`] has named `lat` and `lon` fields and a
//! validating constructor. Distances are great-circle (haversine on a sphere of the mean Earth
//! radius), never raw degrees. Spatial indexing is not here (see `index/geo.rs`).
//!
//! # Units
//! Latitude and longitude in WGS84 degrees; distances in kilometres.

use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), in kilometres.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A WGS84 point: `lat` in [-90, 90], `lon` in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// A point, or the name of the coordinate that is out of range.
    pub fn new(lat: f64, lon: f64) -> Result<Self, (&'static str, &'static str)> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(("lat", "latitude must be between -90 and 90"));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(("lon", "longitude must be between -180 and 180"));
        }
        Ok(GeoPoint { lat, lon })
    }

    /// Why this point is invalid, with the offending field name.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        GeoPoint::new(self.lat, self.lon).map(|_| ())
    }

    /// Great-circle distance in kilometres.
    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        haversine_km(*self, *other)
    }

    /// The point as a unit vector in Earth-centred Cartesian coordinates. Euclidean (chord)
    /// distance between unit vectors is a monotonic function of great-circle distance, which
    /// makes exact nearest and radius queries possible in an ordinary 3-D R-tree.
    pub fn to_unit_vector(&self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
    }
}

/// Haversine great-circle distance in kilometres.
pub fn haversine_km(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Chord length (on the unit sphere) that corresponds to a great-circle distance.
pub fn chord_for_km(km: f64) -> f64 {
    let angle = (km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    2.0 * (angle / 2.0).sin()
}

/// Great-circle distance for a chord length on the unit sphere.
pub fn km_for_chord(chord: f64) -> f64 {
    2.0 * (chord / 2.0).min(1.0).asin() * EARTH_RADIUS_KM
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toulouse_to_montpellier_is_about_196_km() {
        let toulouse = GeoPoint::new(43.6045, 1.4440).unwrap();
        let montpellier = GeoPoint::new(43.6108, 3.8767).unwrap();
        let d = toulouse.distance_km(&montpellier);
        assert!((d - 196.0).abs() < 2.0, "{d}");
    }

    #[test]
    fn distance_across_the_antimeridian_is_short() {
        let a = GeoPoint::new(-17.0, 179.9).unwrap();
        let b = GeoPoint::new(-17.0, -179.9).unwrap();
        assert!(a.distance_km(&b) < 25.0);
    }

    #[test]
    fn out_of_range_coordinates_name_the_field() {
        assert_eq!(GeoPoint::new(123.0, 1.0).unwrap_err().0, "lat");
        assert_eq!(GeoPoint::new(1.0, 181.0).unwrap_err().0, "lon");
        assert_eq!(GeoPoint::new(f64::NAN, 1.0).unwrap_err().0, "lat");
    }

    #[test]
    fn chord_and_distance_round_trip() {
        for km in [0.0, 1.0, 50.0, 1000.0, 15000.0] {
            assert!((km_for_chord(chord_for_km(km)) - km).abs() < 1e-6);
        }
    }
}
