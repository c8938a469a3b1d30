//! French communes (COG 2026), with their département, region, EPCI, postcodes and centre, and
//! the lookups autocomplete and geography need: by code, by name prefix, by postcode, nearest
//! to a point.
//!
//! Paris, Lyon and Marseille arrondissements are communes of type `ARM` with a parent city;
//! they inherit the parent's EPCI. The nearest-commune lookup uses an R-tree over the centres
//! as unit vectors, so it is exact for great-circle distance everywhere (antimeridian, poles).

use std::collections::HashMap;

use rstar::{AABB, PointDistance, RTree, RTreeObject};
use serde::Deserialize;

use crate::model::geo::GeoPoint;
use crate::normalize::fold;

/// Commune or municipal arrondissement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommuneKind {
    Commune,
    /// Arrondissement of Paris, Lyon or Marseille.
    Arrondissement,
}

#[derive(Debug, Clone)]
pub struct Commune {
    /// INSEE code (5 characters; `2A004` in Corsica).
    pub code: String,
    pub name: String,
    pub kind: CommuneKind,
    pub dept: String,
    pub region: String,
    /// The city an arrondissement belongs to (`75056` for `75101`).
    pub parent: Option<String>,
    pub postcodes: Vec<String>,
    pub population: u32,
    /// Centroid of the commune outline; `None` for the few communes without coordinates.
    pub center: Option<GeoPoint>,
    /// SIREN of the EPCI (inherited from the parent city for arrondissements).
    pub epci: Option<String>,
    pub(crate) folded: String,
}

#[derive(Deserialize)]
struct CommuneRow {
    insee: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    dept: String,
    region: String,
    parent_commune: String,
    postcodes: String,
    population: Option<u32>,
    lat: Option<f64>,
    lon: Option<f64>,
    epci_siren: String,
}

struct CentrePoint {
    xyz: [f64; 3],
    idx: usize,
}

impl RTreeObject for CentrePoint {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for CentrePoint {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        (0..3).map(|i| (self.xyz[i] - p[i]).powi(2)).sum()
    }
}

/// All communes and their lookup structures.
pub struct Communes {
    list: Vec<Commune>,
    by_code: HashMap<String, usize>,
    by_postcode: HashMap<String, Vec<usize>>,
    /// Indices sorted by folded name, for prefix ranges.
    by_name: Vec<usize>,
    centres: RTree<CentrePoint>,
}

impl Communes {
    pub(crate) fn parse(csv_text: &str) -> Communes {
        let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
        let mut list = Vec::with_capacity(35_100);
        for row in rdr.deserialize::<CommuneRow>() {
            let r = row.expect("embedded communes.csv is well-formed");
            let center = match (r.lat, r.lon) {
                (Some(lat), Some(lon)) => GeoPoint::new(lat, lon).ok(),
                _ => None,
            };
            list.push(Commune {
                folded: fold(&r.name),
                code: r.insee,
                name: r.name,
                kind: if r.kind == "ARM" {
                    CommuneKind::Arrondissement
                } else {
                    CommuneKind::Commune
                },
                dept: r.dept,
                region: r.region,
                parent: (!r.parent_commune.is_empty()).then_some(r.parent_commune),
                postcodes: r
                    .postcodes
                    .split('|')
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect(),
                population: r.population.unwrap_or(0),
                center,
                epci: (!r.epci_siren.is_empty()).then_some(r.epci_siren),
            });
        }
        let by_code: HashMap<String, usize> = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.clone(), i))
            .collect();
        // Arrondissements inherit their city's EPCI.
        for i in 0..list.len() {
            if list[i].epci.is_none()
                && let Some(p) = list[i].parent.as_ref().and_then(|p| by_code.get(p))
            {
                list[i].epci = list[*p].epci.clone();
            }
        }
        let mut by_postcode: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            for p in &c.postcodes {
                by_postcode.entry(p.clone()).or_default().push(i);
            }
        }
        for v in by_postcode.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(list[i].population));
        }
        let mut by_name: Vec<usize> = (0..list.len()).collect();
        by_name.sort_by(|&a, &b| list[a].folded.cmp(&list[b].folded));
        let centres = RTree::bulk_load(
            list.iter()
                .enumerate()
                .filter_map(|(idx, c)| {
                    c.center.map(|p| CentrePoint {
                        xyz: p.to_unit_vector(),
                        idx,
                    })
                })
                .collect(),
        );
        Communes {
            list,
            by_code,
            by_postcode,
            by_name,
            centres,
        }
    }

    /// A commune or arrondissement by INSEE code (`2a004` is accepted for `2A004`).
    pub fn get(&self, code: &str) -> Option<&Commune> {
        let code = code.trim();
        self.by_code
            .get(code)
            .or_else(|| self.by_code.get(&code.to_ascii_uppercase()))
            .map(|&i| &self.list[i])
    }

    pub fn all(&self) -> &[Commune] {
        &self.list
    }

    /// Communes and arrondissements whose postcodes include `postcode`, most populous first.
    pub fn by_postcode(&self, postcode: &str) -> Vec<&Commune> {
        self.by_postcode
            .get(postcode.trim())
            .map(|v| v.iter().map(|&i| &self.list[i]).collect())
            .unwrap_or_default()
    }

    /// Autocomplete: communes whose name starts with the query (accents, case and hyphens
    /// ignored), then communes with a later word starting with it; most populous first in each
    /// group. A query of digits is treated as a postcode or INSEE code prefix.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Commune> {
        let q = fold(query);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        if q.bytes().all(|b| b.is_ascii_digit() || b == b' ') {
            let digits: String = q.chars().filter(|c| !c.is_whitespace()).collect();
            let mut hits: Vec<&Commune> = self
                .list
                .iter()
                .filter(|c| {
                    c.code.starts_with(&digits)
                        || c.postcodes.iter().any(|p| p.starts_with(&digits))
                })
                .collect();
            hits.sort_by_key(|c| std::cmp::Reverse(c.population));
            hits.truncate(limit);
            return hits;
        }
        let start = self
            .by_name
            .partition_point(|&i| self.list[i].folded.as_str() < q.as_str());
        let mut head: Vec<usize> = self.by_name[start..]
            .iter()
            .take_while(|&&i| self.list[i].folded.starts_with(&q))
            .copied()
            .collect();
        head.sort_by_key(|&i| std::cmp::Reverse(self.list[i].population));
        let mut out: Vec<&Commune> = head.iter().take(limit).map(|&i| &self.list[i]).collect();
        if out.len() < limit {
            let needle = format!(" {q}");
            let mut tail: Vec<usize> = (0..self.list.len())
                .filter(|&i| {
                    let f = &self.list[i].folded;
                    !f.starts_with(&q) && f.contains(&needle)
                })
                .collect();
            tail.sort_by_key(|&i| std::cmp::Reverse(self.list[i].population));
            out.extend(tail.iter().take(limit - out.len()).map(|&i| &self.list[i]));
        }
        out
    }

    /// The commune whose centre is nearest (great-circle) to a point. Arrondissements count
    /// as communes here, so a point in Paris gets its arrondissement.
    pub fn nearest(&self, p: GeoPoint) -> Option<&Commune> {
        self.centres
            .nearest_neighbor(p.to_unit_vector())
            .map(|c| &self.list[c.idx])
    }

    /// The city of an arrondissement, or the commune itself.
    pub fn city_of<'a>(&'a self, c: &'a Commune) -> &'a Commune {
        c.parent.as_deref().and_then(|p| self.get(p)).unwrap_or(c)
    }

    /// The commune's centre, or for an arrondissement without one, its city's centre.
    pub fn centre(&self, c: &Commune) -> Option<GeoPoint> {
        c.center.or_else(|| self.city_of(c).center)
    }
}
