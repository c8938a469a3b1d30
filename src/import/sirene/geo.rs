//! Pass over the geolocation file (`GeolocalisationEtablissement_Sirene_pour_etudes_statistiques`,
//! `;`-separated): WGS84 points of the establishments of kept units.
//!
//! The file's `y_latitude`/`x_longitude` columns are used when present; otherwise the
//! projected `x`/`y` are converted with the row's own `epsg` (Lambert-93 or an overseas UTM).
//! Only rows whose SIREN is in the kept-unit table are retained, as a sorted vector of
//! (SIRET, latitude, longitude) in 1e-7 degrees (16 bytes a point, 1 cm resolution), looked up
//! by binary search. What this module does not do: decide whether a point may be published
//! (the establishment pass drops points of non-diffusible establishments) or check it
//! against the commune.

use csv::ByteRecord;

use super::SireneReport;
use super::columns::{SireneCsv, number, raw, siret_number};
use super::proj::Projection;
use super::units::UnitTable;
use crate::error::{Error, Result};
use crate::import::Progress;
use crate::model::GeoPoint;

const SCALE: f64 = 1e7;

/// Points by SIRET.
#[derive(Debug, Default)]
pub struct GeoTable {
    points: Vec<(u64, i32, i32)>,
}

impl GeoTable {
    pub fn get(&self, siret: u64) -> Option<GeoPoint> {
        let i = self.points.binary_search_by_key(&siret, |p| p.0).ok()?;
        let (_, lat, lon) = self.points[i];
        Some(GeoPoint {
            lat: f64::from(lat) / SCALE,
            lon: f64::from(lon) / SCALE,
        })
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
}

/// Read the geolocation file, keeping the points of kept units.
pub(super) fn load(
    f: &mut SireneCsv,
    units: &UnitTable,
    progress: bool,
    report: &mut SireneReport,
) -> Result<GeoTable> {
    let siret_col = f.require("siret")?;
    let lat_col = f.col("y_latitude");
    let lon_col = f.col("x_longitude");
    let (x_col, y_col, epsg_col) = (f.col("x"), f.col("y"), f.col("epsg"));
    if (lat_col.is_none() || lon_col.is_none())
        && (x_col.is_none() || y_col.is_none() || epsg_col.is_none())
    {
        return Err(Error::Malformed {
            message: "geo file: needs y_latitude and x_longitude, or x, y and epsg columns".into(),
            field: Some("y_latitude".into()),
        });
    }
    let mut progress = progress.then(|| Progress::new("sirene: geolocation", f.size));
    let mut points = Vec::new();
    let mut rec = ByteRecord::new();
    let counts = report.geo.get_or_insert_with(Default::default);
    loop {
        match f.reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Io(_)) => {
                return Err(Error::Io(std::io::Error::other(format!("geo file: {e}"))));
            }
            Err(_) => {
                counts.read += 1;
                *report
                    .warnings
                    .entry("geo file: unreadable row skipped".into())
                    .or_default() += 1;
                continue;
            }
        }
        counts.read += 1;
        if let Some(p) = progress.as_mut()
            && counts.read % 8192 == 0
        {
            p.update(f.position(), counts.read, 0);
        }
        let Some(siret) = raw(&rec, Some(siret_col)).and_then(siret_number) else {
            continue;
        };
        if !units.contains((siret / 100_000) as u32) {
            continue;
        }
        let point = match (number(&rec, lat_col), number(&rec, lon_col)) {
            (Some(lat), Some(lon)) => GeoPoint::new(lat, lon).ok(),
            _ => {
                let epsg = number(&rec, epsg_col)
                    .map(|e| e as u32)
                    .and_then(Projection::from_epsg);
                match (epsg, number(&rec, x_col), number(&rec, y_col)) {
                    (Some(p), Some(x), Some(y)) => p.inverse(x, y),
                    _ => None,
                }
            }
        };
        match point {
            Some(p) => points.push((
                siret,
                (p.lat * SCALE).round() as i32,
                (p.lon * SCALE).round() as i32,
            )),
            None => {
                *report
                    .warnings
                    .entry("geo file: row without usable coordinates".into())
                    .or_default() += 1
            }
        }
    }
    points.sort_by_key(|p| p.0);
    // A repeated SIRET keeps its first point.
    points.dedup_by_key(|p| p.0);
    points.shrink_to_fit();
    let counts = report.geo.get_or_insert_with(Default::default);
    counts.kept = points.len() as u64;
    if let Some(p) = progress.as_mut() {
        p.update(f.position(), counts.read, 0);
        p.finish();
    }
    Ok(GeoTable { points })
}
