//! The map of France as inline SVG, drawn on the server from the bundled département
//! outlines (no online tiles): metropolitan France (with Corsica) in a main panel that zooms
//! to what it shows, and the five overseas départements (Guadeloupe, Martinique, Guyane,
//! La Réunion, Mayotte) as fixed insets below it. On top: numbered markers (links to the
//! result cards) and intervention zones (départements hatched, communes as dots, radii as
//! circles).
//!
//! Outlines are projected once (equirectangular, scaled by the cosine of the mid latitude)
//! and simplified per view (Ramer–Douglas–Peucker at under a pixel), so a zoomed map keeps
//! its detail and a full map stays light. What this module does not do: interaction (the
//! page's script adds the marker popups) or any data lookup besides the referential.

use std::collections::HashSet;
use std::fmt::Write;
use std::sync::OnceLock;

use crate::model::GeoPoint;
use crate::referential::{DEPARTEMENTS_GEOJSON, Referential};

use super::html::esc;

/// Width of the drawing in SVG units.
const WIDTH: f64 = 1000.0;
/// Height of the metropolitan panel.
const METRO_H: f64 = 950.0;
/// Metropolitan projection: west edge, north edge, units per degree of latitude.
const METRO_W_LON: f64 = -5.5;
const METRO_N_LAT: f64 = 51.3;
const METRO_COS: f64 = 0.688_355; // cos(46.5°)
const METRO_K: f64 = WIDTH / (15.3 * METRO_COS);
/// Insets: a row below the metropolitan panel.
const INSET_TOP: f64 = METRO_H + 16.0;
const INSET_W: f64 = 190.0;
const INSET_H: f64 = 170.0;
const INSET_GAP: f64 = (WIDTH - 5.0 * INSET_W) / 4.0;
const TOTAL_H: f64 = INSET_TOP + INSET_H + 4.0;
/// Smallest zoomed view, in metropolitan units (about 100 km).
const MIN_VIEW_W: f64 = 90.0;

/// The overseas départements drawn as insets, in order.
const INSETS: [(&str, &str); 5] = [
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Frame {
    Metro,
    Inset(usize),
}

/// A projection from degrees to the units of one frame.
#[derive(Debug, Clone, Copy)]
struct Proj {
    west: f64,
    north: f64,
    k: f64,
    cos: f64,
    /// Offset inside the frame (centring an inset).
    dx: f64,
    dy: f64,
}

impl Proj {
    fn xy(&self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.west) * self.cos * self.k + self.dx,
            (self.north - lat) * self.k + self.dy,
        ]
    }
}

struct Dept {
    code: String,
    frame: Frame,
    /// Rings in frame units.
    rings: Vec<Vec<[f64; 2]>>,
    bbox: [f64; 4],
}

struct Inset {
    proj: Proj,
    /// Degrees: south, west, north, east (with a margin) to place markers.
    bounds: [f64; 4],
}

struct Geo {
    depts: Vec<Dept>,
    insets: Vec<Inset>,
    /// The full map's outlines, rendered once.
    full_metro: String,
    inset_paths: Vec<String>,
}

const METRO_PROJ: Proj = Proj {
    west: METRO_W_LON,
    north: METRO_N_LAT,
    k: METRO_K,
    cos: METRO_COS,
    dx: 0.0,
    dy: 0.0,
};

fn rings_of(geometry: &serde_json::Value) -> Vec<Vec<[f64; 2]>> {
    fn ring(v: &serde_json::Value) -> Vec<[f64; 2]> {
        v.as_array()
            .map(|pts| {
                pts.iter()
                    .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                    .collect()
            })
            .unwrap_or_default()
    }
    let mut out = Vec::new();
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => {
            for r in coords.as_array().into_iter().flatten() {
                out.push(ring(r));
            }
        }
        Some("MultiPolygon") => {
            for poly in coords.as_array().into_iter().flatten() {
                for r in poly.as_array().into_iter().flatten() {
                    out.push(ring(r));
                }
            }
        }
        Some("GeometryCollection") => {
            for g in geometry["geometries"].as_array().into_iter().flatten() {
                out.extend(rings_of(g));
            }
        }
        _ => {}
    }
    out.retain(|r| r.len() >= 3);
    out
}

fn bbox_of(rings: &[Vec<[f64; 2]>]) -> [f64; 4] {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for p in rings.iter().flatten() {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

fn geo() -> &'static Geo {
    static GEO: OnceLock<Geo> = OnceLock::new();
    GEO.get_or_init(|| {
        let doc: serde_json::Value =
            serde_json::from_str(DEPARTEMENTS_GEOJSON).unwrap_or(serde_json::Value::Null);
        let mut raw: Vec<(String, Vec<Vec<[f64; 2]>>)> = Vec::new();
        for f in doc["features"].as_array().into_iter().flatten() {
            let code = f["properties"]["code"].as_str().unwrap_or("").to_string();
            raw.push((code, rings_of(&f["geometry"])));
        }
        // Inset projections fit each overseas département in its box.
        let mut insets = Vec::new();
        for (i, (code, _)) in INSETS.iter().enumerate() {
            let rings = raw
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, r)| r.as_slice())
                .unwrap_or(&[]);
            let [w, s, e, n] = if rings.is_empty() {
                [0.0, 0.0, 1.0, 1.0]
            } else {
                bbox_of(rings)
            };
            let cos = ((s + n) / 2.0).to_radians().cos();
            let avail_w = INSET_W - 16.0;
            let avail_h = INSET_H - 34.0;
            let k = (avail_w / ((e - w) * cos)).min(avail_h / (n - s));
            let dx = (INSET_W - (e - w) * cos * k) / 2.0;
            let dy = 8.0 + (avail_h - (n - s) * k) / 2.0;
            let _ = i;
            let margin = 0.3;
            insets.push(Inset {
                proj: Proj {
                    west: w,
                    north: n,
                    k,
                    cos,
                    dx,
                    dy,
                },
                bounds: [s - margin, w - margin, n + margin, e + margin],
            });
        }
        let mut depts = Vec::new();
        for (code, rings) in raw {
            let frame = match INSETS.iter().position(|(c, _)| *c == code) {
                Some(i) => Frame::Inset(i),
                None if code.len() == 2 => Frame::Metro,
                None => continue,
            };
            let proj = match frame {
                Frame::Metro => METRO_PROJ,
                Frame::Inset(i) => insets[i].proj,
            };
            let rings: Vec<Vec<[f64; 2]>> = rings
                .iter()
                .map(|r| r.iter().map(|p| proj.xy(p[0], p[1])).collect())
                .collect();
            let bbox = bbox_of(&rings);
            depts.push(Dept {
                code,
                frame,
                rings,
                bbox,
            });
        }
        let mut g = Geo {
            depts,
            insets,
            full_metro: String::new(),
            inset_paths: Vec::new(),
        };
        g.full_metro = outline_paths(&g, Frame::Metro, &full_view(), &HashSet::new(), false);
        g.inset_paths = (0..INSETS.len())
            .map(|i| {
                outline_paths(
                    &g,
                    Frame::Inset(i),
                    &[0.0, 0.0, INSET_W, INSET_H],
                    &HashSet::new(),
                    false,
                )
            })
            .collect();
        g
    })
}

fn full_view() -> [f64; 4] {
    [0.0, 0.0, WIDTH, METRO_H]
}

/// Squared distance from `p` to the segment `a`–`b`.
fn seg_dist2(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    x * x + y * y
}

/// Ramer–Douglas–Peucker with an explicit stack; keeps the end points.
fn simplify(pts: &[[f64; 2]], tol: f64) -> Vec<[f64; 2]> {
    if pts.len() < 3 {
        return pts.to_vec();
    }
    let tol2 = tol * tol;
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0usize, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut far, mut far_d) = (a, 0.0);
        for (i, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = seg_dist2(*p, pts[a], pts[b]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > tol2 {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    pts.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

fn fmt_num(out: &mut String, x: f64, decimals: usize) {
    let _ = write!(out, "{x:.decimals$}");
    if decimals > 0 {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
}

fn ring_path(out: &mut String, ring: &[[f64; 2]], decimals: usize) {
    for (i, p) in ring.iter().enumerate() {
        out.push(if i == 0 { 'M' } else { 'L' });
        fmt_num(out, p[0], decimals);
        out.push(' ');
        fmt_num(out, p[1], decimals);
    }
    out.push('Z');
}

fn decimals_for(tol: f64) -> usize {
    if tol >= 2.0 {
        0
    } else if tol >= 0.2 {
        1
    } else {
        2
    }
}

/// `<path>` elements of one frame's départements that meet `view`; those in `zone` are
/// drawn as part of the intervention zone.
fn outline_paths(
    g: &Geo,
    frame: Frame,
    view: &[f64; 4],
    zone: &HashSet<String>,
    all_zone: bool,
) -> String {
    let tol = (view[2] / WIDTH * 0.8).max(0.02);
    let decimals = decimals_for(tol);
    let (x0, y0, x1, y1) = (view[0], view[1], view[0] + view[2], view[1] + view[3]);
    let mut out = String::new();
    for d in g.depts.iter().filter(|d| d.frame == frame) {
        let b = d.bbox;
        if b[2] < x0 || b[0] > x1 || b[3] < y0 || b[1] > y1 {
            continue;
        }
        let in_zone = all_zone || zone.contains(&d.code);
        let _ = write!(
            out,
            "<path class=\"{}\" data-dep=\"{}\"{} d=\"",
            if in_zone { "dep zone" } else { "dep" },
            d.code,
            if in_zone {
                match frame {
                    Frame::Metro => " style=\"fill:url(#hatch-m)\"",
                    Frame::Inset(_) => " style=\"fill:url(#hatch-i)\"",
                }
            } else {
                ""
            }
        );
        for r in &d.rings {
            let s = simplify(r, tol);
            if s.len() >= 3 {
                ring_path(&mut out, &s, decimals);
            }
        }
        out.push_str("\"/>");
    }
    out
}

/// Where a point goes: the metropolitan panel or an inset, with its position there.
fn place(p: GeoPoint) -> Option<(Frame, [f64; 2])> {
    let g = geo();
    for (i, inset) in g.insets.iter().enumerate() {
        let [s, w, n, e] = inset.bounds;
        if p.lat >= s && p.lat <= n && p.lon >= w && p.lon <= e {
            return Some((Frame::Inset(i), inset.proj.xy(p.lon, p.lat)));
        }
    }
    let xy = METRO_PROJ.xy(p.lon, p.lat);
    (xy[0] >= -50.0 && xy[0] <= WIDTH + 50.0 && xy[1] >= -50.0 && xy[1] <= METRO_H + 50.0)
        .then_some((Frame::Metro, xy))
}

/// A numbered point on the map that links to something (a result card, a profile).
#[derive(Debug, Clone)]
pub struct Marker {
    pub point: GeoPoint,
    /// Short text drawn in the marker (the result's number).
    pub label: String,
    /// Accessible name of the link.
    pub title: String,
    pub href: String,
    /// `data-card` of the card the script shows on click.
    pub card: Option<String>,
}

/// Where a supplier works, drawn as a hatched area.
#[derive(Debug, Clone, Default)]
pub struct ZoneOverlay {
    pub national: bool,
    /// Département codes, whole.
    pub depts: HashSet<String>,
    /// Communes and EPCI members, as dots.
    pub dots: Vec<GeoPoint>,
    /// Radii around a point, in kilometres.
    pub circles: Vec<(GeoPoint, f64)>,
}

impl ZoneOverlay {
    pub fn is_empty(&self) -> bool {
        !self.national && self.depts.is_empty() && self.dots.is_empty() && self.circles.is_empty()
    }
}

/// What to draw.
pub struct MapSpec<'a> {
    /// HTML id of the figure.
    pub id: &'a str,
    /// Accessible name of the map.
    pub label: &'a str,
    pub markers: &'a [Marker],
    pub zones: Option<&'a ZoneOverlay>,
    /// Zoom the metropolitan panel to the markers and zones (else: all of France).
    pub zoom: bool,
}

/// Points (on the sphere) of a circle of `radius_km` around `c`.
fn circle_points(c: GeoPoint, radius_km: f64) -> Vec<(f64, f64)> {
    let r = radius_km / 6371.0;
    let (lat1, lon1) = (c.lat.to_radians(), c.lon.to_radians());
    (0..72)
        .map(|i| {
            let brg = (i as f64) * 5.0_f64.to_radians();
            let lat2 = (lat1.sin() * r.cos() + lat1.cos() * r.sin() * brg.cos()).asin();
            let lon2 =
                lon1 + (brg.sin() * r.sin() * lat1.cos()).atan2(r.cos() - lat1.sin() * lat2.sin());
            (lon2.to_degrees(), lat2.to_degrees())
        })
        .collect()
}

/// Metropolitan view box fitted to what is drawn there, at the panel's aspect ratio.
fn zoom_view(markers: &[Marker], zones: Option<&ZoneOverlay>) -> [f64; 4] {
    let g = geo();
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let mut add = |xy: [f64; 2]| {
        b[0] = b[0].min(xy[0]);
        b[1] = b[1].min(xy[1]);
        b[2] = b[2].max(xy[0]);
        b[3] = b[3].max(xy[1]);
    };
    for m in markers {
        if let Some((Frame::Metro, xy)) = place(m.point) {
            add(xy);
        }
    }
    if let Some(z) = zones {
        if z.national {
            return full_view();
        }
        for d in g.depts.iter().filter(|d| d.frame == Frame::Metro) {
            if z.depts.contains(&d.code) {
                add([d.bbox[0], d.bbox[1]]);
                add([d.bbox[2], d.bbox[3]]);
            }
        }
        for p in &z.dots {
            if let Some((Frame::Metro, xy)) = place(*p) {
                add(xy);
            }
        }
        for (c, r) in &z.circles {
            if let Some((Frame::Metro, _)) = place(*c) {
                for (lon, lat) in circle_points(*c, *r) {
                    add(METRO_PROJ.xy(lon, lat));
                }
            }
        }
    }
    if b[0] > b[2] {
        return full_view();
    }
    let (mut w, mut h) = ((b[2] - b[0]) * 1.3, (b[3] - b[1]) * 1.3);
    w = w.max(MIN_VIEW_W);
    h = h.max(MIN_VIEW_W * METRO_H / WIDTH);
    // Keep the panel's aspect ratio.
    if w / h > WIDTH / METRO_H {
        h = w * METRO_H / WIDTH;
    } else {
        w = h * WIDTH / METRO_H;
    }
    if w >= WIDTH {
        return full_view();
    }
    let cx = (b[0] + b[2]) / 2.0;
    let cy = (b[1] + b[3]) / 2.0;
    [cx - w / 2.0, cy - h / 2.0, w, h]
}

fn marker_svg(out: &mut String, m: &Marker, xy: [f64; 2], r: f64) {
    let font = r * 1.15;
    let card = m
        .card
        .as_deref()
        .map(|c| format!(" data-card=\"{}\"", esc(c)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<a class=\"marker\" href=\"{}\"{card} aria-label=\"{}\"><circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\" stroke-width=\"{:.2}\"/>\
<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"{:.2}\" text-anchor=\"middle\" dominant-baseline=\"central\" aria-hidden=\"true\">{}</text></a>",
        esc(&m.href),
        esc(&m.title),
        xy[0],
        xy[1],
        r,
        r * 0.18,
        xy[0],
        xy[1],
        font,
        esc(&m.label)
    );
}

fn zone_extras(out: &mut String, z: &ZoneOverlay, frame: Frame, scale: f64) {
    let proj = match frame {
        Frame::Metro => METRO_PROJ,
        Frame::Inset(i) => geo().insets[i].proj,
    };
    for (c, r) in &z.circles {
        if place(*c).map(|(f, _)| f) != Some(frame) {
            continue;
        }
        let _ = write!(
            out,
            "<path class=\"zone-circle\" style=\"fill:url(#hatch-{})\" d=\"",
            if frame == Frame::Metro { "m" } else { "i" }
        );
        let pts: Vec<[f64; 2]> = circle_points(*c, *r)
            .into_iter()
            .map(|(lon, lat)| proj.xy(lon, lat))
            .collect();
        ring_path(out, &pts, 2);
        out.push_str("\"/>");
    }
    for p in &z.dots {
        if let Some((f, xy)) = place(*p)
            && f == frame
        {
            let _ = write!(
                out,
                "<circle class=\"zone-dot\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\"/>",
                xy[0],
                xy[1],
                4.0 * scale
            );
        }
    }
}

fn hatch(id: &str, size: f64) -> String {
    format!(
        "<pattern id=\"{id}\" width=\"{size:.3}\" height=\"{size:.3}\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"{size:.3}\" height=\"{size:.3}\" class=\"hatch-bg\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"{size:.3}\" class=\"hatch-line\" stroke-width=\"{:.3}\"/></pattern>",
        size * 0.3
    )
}

/// The map as an inline `<svg>` inside a `<figure>`-less wrapper (the page adds the caption).
pub fn render(spec: &MapSpec<'_>) -> String {
    let g = geo();
    let view = if spec.zoom {
        zoom_view(spec.markers, spec.zones)
    } else {
        full_view()
    };
    let scale = view[2] / WIDTH;
    let empty = HashSet::new();
    let (zone_set, all_zone) = match spec.zones {
        Some(z) => (&z.depts, z.national),
        None => (&empty, false),
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<svg class=\"map\" id=\"{}\" viewBox=\"0 0 {WIDTH} {TOTAL_H}\" role=\"group\" aria-label=\"{}\" data-view=\"{:.1} {:.1} {:.1} {:.1}\">",
        esc(spec.id),
        esc(spec.label),
        view[0],
        view[1],
        view[2],
        view[3]
    );
    let _ = write!(
        out,
        "<defs>{}{}</defs>",
        hatch("hatch-m", 8.0 * scale),
        hatch("hatch-i", 6.0)
    );
    // Metropolitan panel.
    let _ = write!(
        out,
        "<svg x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{METRO_H}\" viewBox=\"{:.2} {:.2} {:.2} {:.2}\" preserveAspectRatio=\"xMidYMid meet\" class=\"panel\">\
<rect class=\"sea\" x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\"/><g aria-hidden=\"true\">",
        view[0], view[1], view[2], view[3], view[0], view[1], view[2], view[3]
    );
    if !spec.zoom && zone_set.is_empty() && !all_zone {
        out.push_str(&g.full_metro);
    } else {
        out.push_str(&outline_paths(g, Frame::Metro, &view, zone_set, all_zone));
    }
    if let Some(z) = spec.zones {
        zone_extras(&mut out, z, Frame::Metro, scale);
    }
    out.push_str("</g>");
    let r = 15.0 * scale;
    for m in spec.markers.iter().rev() {
        if let Some((Frame::Metro, xy)) = place(m.point) {
            marker_svg(&mut out, m, xy, r);
        }
    }
    out.push_str("</svg>");
    // Insets.
    for (i, (_, name)) in INSETS.iter().enumerate() {
        let x = i as f64 * (INSET_W + INSET_GAP);
        let _ = write!(
            out,
            "<svg x=\"{x:.1}\" y=\"{INSET_TOP}\" width=\"{INSET_W}\" height=\"{INSET_H}\" viewBox=\"0 0 {INSET_W} {INSET_H}\" class=\"inset\">\
<rect class=\"inset-frame\" x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\"/><g aria-hidden=\"true\">",
            INSET_W - 1.0,
            INSET_H - 1.0
        );
        if zone_set.is_empty() && !all_zone {
            out.push_str(&g.inset_paths[i]);
        } else {
            out.push_str(&outline_paths(
                g,
                Frame::Inset(i),
                &[0.0, 0.0, INSET_W, INSET_H],
                zone_set,
                all_zone,
            ));
        }
        if let Some(z) = spec.zones {
            zone_extras(&mut out, z, Frame::Inset(i), 0.6);
        }
        let _ = write!(
            out,
            "<text class=\"inset-name\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></g>",
            INSET_W / 2.0,
            INSET_H - 9.0,
            esc(name)
        );
        for m in spec.markers.iter().rev() {
            if let Some((Frame::Inset(j), xy)) = place(m.point)
                && j == i
            {
                marker_svg(&mut out, m, xy, 9.0);
            }
        }
        out.push_str("</svg>");
    }
    out.push_str("</svg>");
    out
}

/// The zones of a supplier's activities as an overlay (contract section 1: an activity
/// without a zone serves the supplier's own département).
pub fn supplier_zones(s: &crate::model::Supplier) -> ZoneOverlay {
    use crate::model::Area;
    let r = Referential::get();
    let mut z = ZoneOverlay::default();
    let home = r.commune(&s.address.commune);
    let loc = crate::model::geography::supplier_point(s, r);
    let mut default_zone = s.activities.is_empty();
    for a in &s.activities {
        let Some(zone) = &a.zone else {
            default_zone = true;
            continue;
        };
        if zone.is_national() {
            z.national = true;
        }
        if let (Some(rad), Some(p)) = (zone.radius_km, loc)
            && rad > 0.0
        {
            z.circles.push((p, rad));
        }
        for area in zone.areas.iter().flatten() {
            match Area::parse(area) {
                Ok(Area::Dept(d)) => {
                    z.depts.insert(d);
                }
                Ok(Area::Region(reg)) => {
                    for d in r.departements().iter().filter(|d| d.region == reg) {
                        z.depts.insert(d.code.clone());
                    }
                }
                Ok(Area::Commune(c)) => {
                    if let Some(p) = r.commune(&c).and_then(|c| r.communes.centre(c)) {
                        z.dots.push(p);
                    }
                }
                Ok(Area::Epci(e)) => {
                    for c in r
                        .communes
                        .all()
                        .iter()
                        .filter(|c| c.epci.as_deref() == Some(e.as_str()))
                    {
                        if let Some(p) = c.center {
                            z.dots.push(p);
                        }
                    }
                }
                Err(_) => {}
            }
        }
    }
    if default_zone && let Some(c) = home {
        z.depts.insert(c.dept.clone());
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplification_keeps_the_ends_and_drops_collinear_points() {
        let pts = [[0.0, 0.0], [1.0, 0.001], [2.0, 0.0], [3.0, 5.0]];
        let s = simplify(&pts, 0.1);
        assert_eq!(s, vec![[0.0, 0.0], [2.0, 0.0], [3.0, 5.0]]);
    }

    #[test]
    fn paris_is_in_the_metropolitan_panel_and_saint_denis_de_la_reunion_in_an_inset() {
        let (f, xy) = place(GeoPoint::new(48.8566, 2.3522).unwrap()).unwrap();
        assert_eq!(f, Frame::Metro);
        assert!(xy[0] > 400.0 && xy[0] < 650.0 && xy[1] > 100.0 && xy[1] < 350.0);
        let (f, _) = place(GeoPoint::new(-20.88, 55.45).unwrap()).unwrap();
        assert_eq!(f, Frame::Inset(3));
    }

    #[test]
    fn the_map_draws_every_metropolitan_departement_and_the_five_insets() {
        let m = Marker {
            point: GeoPoint::new(43.6045, 1.444).unwrap(),
            label: "1".into(),
            title: "1. Toulouse".into(),
            href: "#r1".into(),
            card: None,
        };
        let svg = render(&MapSpec {
            id: "carte",
            label: "Carte",
            markers: &[m],
            zones: None,
            zoom: false,
        });
        assert_eq!(svg.matches("class=\"dep\"").count(), 96 + 5);
        assert_eq!(svg.matches("class=\"marker\"").count(), 1);
        assert!(svg.len() < 400_000, "full map is {} bytes", svg.len());
    }

    #[test]
    fn zooming_fits_the_markers_and_culls_far_departements() {
        let ms: Vec<Marker> = [(43.6045, 1.444), (43.93, 2.15)]
            .iter()
            .map(|&(lat, lon)| Marker {
                point: GeoPoint::new(lat, lon).unwrap(),
                label: "1".into(),
                title: "x".into(),
                href: "#x".into(),
                card: None,
            })
            .collect();
        let v = zoom_view(&ms, None);
        assert!(v[2] < 300.0);
        let svg = render(&MapSpec {
            id: "c",
            label: "c",
            markers: &ms,
            zones: None,
            zoom: true,
        });
        assert!(svg.contains("data-dep=\"31\""));
        assert!(!svg.contains("data-dep=\"59\""));
    }
}
