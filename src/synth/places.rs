//! Geography for the generators: communes drawn by population from the real referential
//! (optionally weighted towards one region), points jittered around commune centres,
//! neighbouring départements, and the communes of an EPCI.
//!
//! Built once from `Referential::get()` and shared. Every collection that is iterated is
//! ordered (vectors, `BTreeMap`), never a `HashMap`, so that sampling is reproducible.
//! What this module does not do: decide whether a supplier serves a place (`synth::truth`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::geo::GeoPoint;
use crate::referential::{Commune, CommuneKind, Referential};
use crate::util::Rng;

/// A weighted set of communes (indices into `Referential::communes.all()`).
#[derive(Debug, Default)]
pub struct Sampler {
    idx: Vec<u32>,
    cum: Vec<f64>,
}

impl Sampler {
    fn push(&mut self, i: usize, w: f64) {
        let last = self.cum.last().copied().unwrap_or(0.0);
        self.idx.push(i as u32);
        self.cum.push(last + w);
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    /// An index into `communes.all()`, drawn with probability proportional to its weight.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cum.last().expect("non-empty sampler");
        let x = rng.f64() * total;
        let pos = self
            .cum
            .partition_point(|c| *c <= x)
            .min(self.idx.len() - 1);
        self.idx[pos] as usize
    }
}

/// The generators' view of French geography.
pub struct World {
    pub all: Sampler,
    pub by_region: BTreeMap<String, Sampler>,
    pub by_dept: BTreeMap<String, Sampler>,
    /// Communes (type COM) of each EPCI, in referential order.
    pub epci_members: BTreeMap<String, Vec<u32>>,
    /// Other départements whose centre lies within 160 km, nearest first.
    pub dept_neighbours: BTreeMap<String, Vec<String>>,
    /// Centre of each département (its chef-lieu's centre).
    pub dept_centre: BTreeMap<String, GeoPoint>,
}

impl World {
    /// The shared world, built on first use.
    pub fn get() -> &'static World {
        static WORLD: OnceLock<World> = OnceLock::new();
        WORLD.get_or_init(World::build)
    }

    fn build() -> World {
        let r = Referential::get();
        let communes = r.communes.all();
        let usable_dept = |d: &str| {
            r.departement(d)
                .is_some_and(|dep| dep.zone == "metro" || dep.zone == "drom")
        };
        // Cities split into arrondissements are drawn through their arrondissements only.
        let mut split_cities: Vec<&str> = communes
            .iter()
            .filter_map(|c| c.parent.as_deref())
            .collect();
        split_cities.sort_unstable();
        split_cities.dedup();

        let mut all = Sampler::default();
        let mut by_region: BTreeMap<String, Sampler> = BTreeMap::new();
        let mut by_dept: BTreeMap<String, Sampler> = BTreeMap::new();
        let mut epci_members: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, c) in communes.iter().enumerate() {
            if c.kind == CommuneKind::Commune
                && let Some(e) = &c.epci
            {
                epci_members.entry(e.clone()).or_default().push(i as u32);
            }
            if c.center.is_none()
                || !usable_dept(&c.dept)
                || split_cities.binary_search(&c.code.as_str()).is_ok()
            {
                continue;
            }
            let w = f64::from(c.population.max(1)).powf(0.75);
            all.push(i, w);
            by_region.entry(c.region.clone()).or_default().push(i, w);
            by_dept.entry(c.dept.clone()).or_default().push(i, w);
        }

        let mut dept_centre = BTreeMap::new();
        for d in r.departements() {
            if let Some(p) = r.commune(&d.chef_lieu).and_then(|c| r.communes.centre(c))
                && usable_dept(&d.code)
            {
                dept_centre.insert(d.code.clone(), p);
            }
        }
        let mut dept_neighbours = BTreeMap::new();
        for (code, p) in &dept_centre {
            let mut near: Vec<(f64, &String)> = dept_centre
                .iter()
                .filter(|(c, _)| *c != code)
                .map(|(c, q)| (p.distance_km(q), c))
                .filter(|(d, _)| *d < 160.0)
                .collect();
            near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
            dept_neighbours.insert(
                code.clone(),
                near.into_iter().map(|(_, c)| c.clone()).collect(),
            );
        }
        World {
            all,
            by_region,
            by_dept,
            epci_members,
            dept_neighbours,
            dept_centre,
        }
    }

    /// A commune drawn by population; with probability `region_share` from `region` only.
    pub fn sample_commune(
        &self,
        rng: &mut Rng,
        region: Option<&str>,
        region_share: f64,
    ) -> &'static Commune {
        let sampler = match region.and_then(|code| self.by_region.get(code)) {
            Some(s) if rng.chance(region_share) => s,
            _ => &self.all,
        };
        &Referential::get().communes.all()[sampler.sample(rng)]
    }

    /// A commune of département `dept` drawn by population (`None` for an unknown or
    /// unusable département).
    pub fn sample_in_dept(&self, rng: &mut Rng, dept: &str) -> Option<&'static Commune> {
        let s = self.by_dept.get(dept)?;
        Some(&Referential::get().communes.all()[s.sample(rng)])
    }

    /// A commune of region `region` drawn by population.
    pub fn sample_in_region(&self, rng: &mut Rng, region: &str) -> Option<&'static Commune> {
        let s = self.by_region.get(region)?;
        Some(&Referential::get().communes.all()[s.sample(rng)])
    }

    /// Up to `k` communes of the same EPCI as `c`, nearest to `p` first (`c` itself excluded).
    pub fn epci_neighbours(&self, c: &Commune, p: GeoPoint, k: usize) -> Vec<&'static Commune> {
        let r = Referential::get();
        let all = r.communes.all();
        let Some(members) = c.epci.as_ref().and_then(|e| self.epci_members.get(e)) else {
            return Vec::new();
        };
        let city = c.parent.as_deref().unwrap_or(&c.code);
        let mut near: Vec<(f64, &'static Commune)> = members
            .iter()
            .map(|&i| &all[i as usize])
            .filter(|m| m.code != city)
            .filter_map(|m| m.center.map(|q| (p.distance_km(&q), m)))
            .collect();
        let by_distance = |a: &(f64, &Commune), b: &(f64, &Commune)| {
            a.0.total_cmp(&b.0).then(a.1.code.cmp(&b.1.code))
        };
        if near.len() > k && k > 0 {
            near.select_nth_unstable_by(k - 1, by_distance);
            near.truncate(k);
        }
        near.sort_by(by_distance);
        near.into_iter().take(k).map(|(_, m)| m).collect()
    }
}

/// Round a coordinate to 5 decimals (about one metre): short, stable JSON.
pub fn round5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// A point about `sigma_km` (normal in each axis, capped at 3 sigma) away from `p`.
pub fn jitter(rng: &mut Rng, p: GeoPoint, sigma_km: f64) -> GeoPoint {
    let dy = (rng.normal() * sigma_km).clamp(-3.0 * sigma_km, 3.0 * sigma_km);
    let dx = (rng.normal() * sigma_km).clamp(-3.0 * sigma_km, 3.0 * sigma_km);
    let lat = (p.lat + dy / 111.2).clamp(-89.9, 89.9);
    let lon = p.lon + dx / (111.2 * lat.to_radians().cos().max(0.05));
    let lon = if lon > 180.0 {
        lon - 360.0
    } else if lon < -180.0 {
        lon + 360.0
    } else {
        lon
    };
    GeoPoint {
        lat: round5(lat),
        lon: round5(lon),
    }
}

/// A typical spread of addresses around a commune centre, from its population.
pub fn spread_km(c: &Commune) -> f64 {
    0.5 + 0.45 * f64::from(c.population.max(1)).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_is_reproducible_and_respects_the_region_share() {
        let w = World::get();
        let draw = |seed| {
            let mut rng = Rng::new(seed);
            (0..2000)
                .map(|_| w.sample_commune(&mut rng, Some("76"), 0.6).code.clone())
                .collect::<Vec<_>>()
        };
        let a = draw(3);
        assert_eq!(a, draw(3));
        let in_76 = a
            .iter()
            .filter(|c| Referential::get().commune(c).unwrap().region == "76")
            .count();
        // 60 % forced plus the region's share of the rest (about 9 %).
        assert!((1200..1500).contains(&in_76), "{in_76}");
    }

    #[test]
    fn split_cities_are_drawn_through_their_arrondissements() {
        let w = World::get();
        let mut rng = Rng::new(1);
        for _ in 0..5000 {
            let c = w.sample_in_dept(&mut rng, "75").unwrap();
            assert_ne!(c.code, "75056");
        }
    }

    #[test]
    fn neighbours_of_the_tarn_include_haute_garonne() {
        let w = World::get();
        assert!(w.dept_neighbours["81"].iter().any(|d| d == "31"));
        assert!(w.dept_neighbours["971"].is_empty());
    }

    #[test]
    fn jitter_stays_near() {
        let mut rng = Rng::new(9);
        let p = GeoPoint {
            lat: 43.6,
            lon: 1.44,
        };
        for _ in 0..1000 {
            assert!(jitter(&mut rng, p, 2.0).distance_km(&p) < 9.0);
        }
    }
}
