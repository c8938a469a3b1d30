//! Map projections of the SIRENE coordinates: Lambert-93 (EPSG:2154) for mainland France and
//! Corsica, and the UTM projections of the overseas départements and collectivities, to and
//! from WGS84 latitude/longitude.
//!
//! Lambert conformal conic follows IGN's algorithms (note NT/G 71: ALG0001–0004 and ALG0054);
//! transverse Mercator uses Krüger's series to sixth order in the third flattening (Karney
//! 2011, "Transverse Mercator with an accuracy of a few nanometers"), exact to well under a
//! millimetre within a UTM zone. All the French frames involved (RGF93, RGAF09, RGFG95,
//! RGR92, RGM04, RGSPM06) are realisations of ITRS on the GRS80 ellipsoid, which agree with
//! WGS84 to a few centimetres: no datum shift is applied, and none is needed at the metre
//! level. What this module does not do: old NTF/Lambert zone systems (with their datum
//! shift), or heights.
//!
//! # Units
//! Angles in degrees at the public interface, radians inside; projected coordinates in metres.

use crate::model::GeoPoint;

/// An ellipsoid: semi-major axis in metres and first eccentricity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipsoid {
    pub a: f64,
    pub e: f64,
}

impl Ellipsoid {
    /// From semi-major axis (m) and inverse flattening.
    pub fn from_inverse_flattening(a: f64, inv_f: f64) -> Ellipsoid {
        let f = 1.0 / inv_f;
        Ellipsoid {
            a,
            e: (f * (2.0 - f)).sqrt(),
        }
    }

    /// GRS80 (RGF93 and the overseas ITRS frames).
    pub fn grs80() -> Ellipsoid {
        Ellipsoid::from_inverse_flattening(6_378_137.0, 298.257_222_101)
    }

    fn flattening(&self) -> f64 {
        1.0 - (1.0 - self.e * self.e).sqrt()
    }
}

/// Isometric latitude of a latitude (IGN ALG0001), radians.
pub fn isometric_latitude(phi: f64, e: f64) -> f64 {
    let s = phi.sin();
    s.atanh() - e * (e * s).atanh()
}

/// Latitude of an isometric latitude (IGN ALG0002), radians; fixed-point iteration to 1e-12.
pub fn latitude_from_isometric(l: f64, e: f64) -> f64 {
    let el = l.exp();
    let mut phi = 2.0 * el.atan() - std::f64::consts::FRAC_PI_2;
    for _ in 0..50 {
        let es = e * phi.sin();
        let next = 2.0 * (((1.0 + es) / (1.0 - es)).powf(e / 2.0) * el).atan()
            - std::f64::consts::FRAC_PI_2;
        let done = (next - phi).abs() < 1e-12;
        phi = next;
        if done {
            break;
        }
    }
    phi
}

/// Lambert conformal conic, in IGN's parametrisation (n, C, Xs, Ys, λc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lambert {
    pub e: f64,
    /// Exponent of the projection.
    pub n: f64,
    /// Projection constant, metres.
    pub c: f64,
    /// Projected coordinates of the pole, metres.
    pub xs: f64,
    pub ys: f64,
    /// Longitude of the origin, radians (from Greenwich).
    pub lon0: f64,
}

impl Lambert {
    /// The secant case (two standard parallels, EPSG method 9802), as IGN's ALG0054: angles in
    /// radians, false easting and northing `x0`, `y0` at the origin (`lat0`, `lon0`).
    pub fn secant(
        ell: Ellipsoid,
        lon0: f64,
        lat0: f64,
        lat1: f64,
        lat2: f64,
        x0: f64,
        y0: f64,
    ) -> Lambert {
        let e = ell.e;
        let big_n = |phi: f64| ell.a / (1.0 - e * e * phi.sin().powi(2)).sqrt();
        let (l1, l2) = (isometric_latitude(lat1, e), isometric_latitude(lat2, e));
        let n = ((big_n(lat2) * lat2.cos()) / (big_n(lat1) * lat1.cos())).ln() / (l1 - l2);
        let c = big_n(lat1) * lat1.cos() / n * (n * l1).exp();
        let ys = if (lat0 - std::f64::consts::FRAC_PI_2).abs() < 1e-9 {
            y0
        } else {
            y0 + c * (-n * isometric_latitude(lat0, e)).exp()
        };
        Lambert {
            e,
            n,
            c,
            xs: x0,
            ys,
            lon0,
        }
    }

    /// Lambert-93 (EPSG:2154): RGF93 on GRS80, parallels 44° and 49°, origin 46°30'N 3°E at
    /// (700 000, 6 600 000).
    pub fn lambert93() -> Lambert {
        Lambert::secant(
            Ellipsoid::grs80(),
            3f64.to_radians(),
            46.5f64.to_radians(),
            49f64.to_radians(),
            44f64.to_radians(),
            700_000.0,
            6_600_000.0,
        )
    }

    /// Geographic (radians) to projected (metres): IGN ALG0003.
    pub fn forward_rad(&self, lon: f64, lat: f64) -> (f64, f64) {
        let l = isometric_latitude(lat, self.e);
        let r = self.c * (-self.n * l).exp();
        let gamma = self.n * (lon - self.lon0);
        (self.xs + r * gamma.sin(), self.ys - r * gamma.cos())
    }

    /// Projected (metres) to geographic (radians, `(lon, lat)`): IGN ALG0004.
    pub fn inverse_rad(&self, x: f64, y: f64) -> (f64, f64) {
        let (dx, dy) = (x - self.xs, y - self.ys);
        let r = (dx * dx + dy * dy).sqrt();
        // For n < 0 (southern cone) the pole is below the map: flip both axes.
        let gamma = if self.n > 0.0 {
            dx.atan2(-dy)
        } else {
            (-dx).atan2(dy)
        };
        let lon = self.lon0 + gamma / self.n;
        let l = -1.0 / self.n * (r / self.c.abs()).ln();
        (lon, latitude_from_isometric(l, self.e))
    }
}

/// Transverse Mercator by Krüger's series (sixth order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransverseMercator {
    e: f64,
    k0: f64,
    lon0: f64,
    fe: f64,
    fn_: f64,
    /// Rectifying radius times the scale factor.
    k0_a: f64,
    alpha: [f64; 6],
    beta: [f64; 6],
    /// ξ of the latitude of origin (0 for UTM).
    xi0: f64,
}

impl TransverseMercator {
    /// Angles in radians; false easting and northing in metres.
    pub fn new(
        ell: Ellipsoid,
        lon0: f64,
        lat0: f64,
        k0: f64,
        fe: f64,
        fn_: f64,
    ) -> TransverseMercator {
        let f = ell.flattening();
        let n = f / (2.0 - f);
        let (n2, n3, n4, n5, n6) = (n * n, n.powi(3), n.powi(4), n.powi(5), n.powi(6));
        let big_a = ell.a / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
        let alpha = [
            n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0
                + 7891.0 * n6 / 37800.0,
            13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0
                - 1983433.0 * n6 / 1935360.0,
            61.0 * n3 / 240.0 - 103.0 * n4 / 140.0
                + 15061.0 * n5 / 26880.0
                + 167603.0 * n6 / 181440.0,
            49561.0 * n4 / 161280.0 - 179.0 * n5 / 168.0 + 6601661.0 * n6 / 7257600.0,
            34729.0 * n5 / 80640.0 - 3418889.0 * n6 / 1995840.0,
            212378941.0 * n6 / 319334400.0,
        ];
        let beta = [
            n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0
                + 96199.0 * n6 / 604800.0,
            n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0
                - 1118711.0 * n6 / 3870720.0,
            17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
            4397.0 * n4 / 161280.0 - 11.0 * n5 / 504.0 - 830251.0 * n6 / 7257600.0,
            4583.0 * n5 / 161280.0 - 108847.0 * n6 / 3991680.0,
            20648693.0 * n6 / 638668800.0,
        ];
        let mut tm = TransverseMercator {
            e: ell.e,
            k0,
            lon0,
            fe,
            fn_,
            k0_a: k0 * big_a,
            alpha,
            beta,
            xi0: 0.0,
        };
        tm.xi0 = tm.xi_eta(0.0, lat0).0;
        tm
    }

    /// UTM zone `zone` (1–60) on an ellipsoid, north or south hemisphere.
    pub fn utm(ell: Ellipsoid, zone: u8, south: bool) -> TransverseMercator {
        let lon0 = (f64::from(zone) * 6.0 - 183.0).to_radians();
        TransverseMercator::new(
            ell,
            lon0,
            0.0,
            0.9996,
            500_000.0,
            if south { 10_000_000.0 } else { 0.0 },
        )
    }

    /// Gauss–Krüger ξ, η of a point (`dlon` from the central meridian), radians.
    fn xi_eta(&self, dlon: f64, lat: f64) -> (f64, f64) {
        let t = isometric_latitude(lat, self.e).sinh();
        let xi_p = t.atan2(dlon.cos());
        let eta_p = (dlon.sin() / (1.0 + t * t).sqrt()).atanh();
        let (mut xi, mut eta) = (xi_p, eta_p);
        for (j, a) in self.alpha.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
            eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
        }
        (xi, eta)
    }

    /// Geographic (radians) to projected (metres).
    pub fn forward_rad(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (xi, eta) = self.xi_eta(lon - self.lon0, lat);
        (
            self.fe + self.k0_a * eta,
            self.fn_ + self.k0_a * (xi - self.xi0),
        )
    }

    /// Projected (metres) to geographic (radians, `(lon, lat)`).
    pub fn inverse_rad(&self, x: f64, y: f64) -> (f64, f64) {
        let xi = (y - self.fn_) / self.k0_a + self.xi0;
        let eta = (x - self.fe) / self.k0_a;
        let (mut xi_p, mut eta_p) = (xi, eta);
        for (j, b) in self.beta.iter().enumerate() {
            let k = 2.0 * (j as f64 + 1.0);
            xi_p -= b * (k * xi).sin() * (k * eta).cosh();
            eta_p -= b * (k * xi).cos() * (k * eta).sinh();
        }
        let lon = self.lon0 + eta_p.sinh().atan2(xi_p.cos());
        // tan of the conformal latitude; its asinh is the isometric latitude.
        let tau_p = xi_p.sin() / (eta_p.sinh().powi(2) + xi_p.cos().powi(2)).sqrt();
        (lon, latitude_from_isometric(tau_p.asinh(), self.e))
    }
}

/// The projections SIRENE uses, by EPSG code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Projection {
    /// EPSG:2154 RGF93 v1 / Lambert-93: mainland France and Corsica.
    Lambert93,
    /// EPSG:5490 RGAF09 / UTM zone 20N: Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin.
    Utm20nAntilles,
    /// EPSG:2972 RGFG95 / UTM zone 22N: Guyane.
    Utm22nGuyane,
    /// EPSG:2975 RGR92 / UTM zone 40S: La Réunion.
    Utm40sReunion,
    /// EPSG:4471 RGM04 / UTM zone 38S: Mayotte.
    Utm38sMayotte,
    /// EPSG:4467 RGSPM06 / UTM zone 21N: Saint-Pierre-et-Miquelon.
    Utm21nSaintPierre,
}

impl Projection {
    pub const ALL: [Projection; 6] = [
        Projection::Lambert93,
        Projection::Utm20nAntilles,
        Projection::Utm22nGuyane,
        Projection::Utm40sReunion,
        Projection::Utm38sMayotte,
        Projection::Utm21nSaintPierre,
    ];

    pub fn epsg(self) -> u32 {
        match self {
            Projection::Lambert93 => 2154,
            Projection::Utm20nAntilles => 5490,
            Projection::Utm22nGuyane => 2972,
            Projection::Utm40sReunion => 2975,
            Projection::Utm38sMayotte => 4471,
            Projection::Utm21nSaintPierre => 4467,
        }
    }

    pub fn from_epsg(code: u32) -> Option<Projection> {
        Projection::ALL.into_iter().find(|p| p.epsg() == code)
    }

    /// The projection of the stock file's coordinates in a département or overseas
    /// collectivity (INSEE code: `81`, `2A`, `971`…). `None` where SIRENE has none.
    pub fn for_departement(dept: &str) -> Option<Projection> {
        match dept {
            "971" | "972" | "977" | "978" => Some(Projection::Utm20nAntilles),
            "973" => Some(Projection::Utm22nGuyane),
            "974" => Some(Projection::Utm40sReunion),
            "976" => Some(Projection::Utm38sMayotte),
            "975" => Some(Projection::Utm21nSaintPierre),
            "2A" | "2B" => Some(Projection::Lambert93),
            d if d.len() == 2 && d.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Projection::Lambert93)
            }
            _ => None,
        }
    }

    fn utm(self) -> Option<TransverseMercator> {
        let (zone, south) = match self {
            Projection::Lambert93 => return None,
            Projection::Utm20nAntilles => (20, false),
            Projection::Utm22nGuyane => (22, false),
            Projection::Utm40sReunion => (40, true),
            Projection::Utm38sMayotte => (38, true),
            Projection::Utm21nSaintPierre => (21, false),
        };
        Some(TransverseMercator::utm(Ellipsoid::grs80(), zone, south))
    }

    /// Projected coordinates (metres) of a WGS84 point, `(x, y)` = (easting, northing).
    pub fn forward(self, p: GeoPoint) -> (f64, f64) {
        let (lon, lat) = (p.lon.to_radians(), p.lat.to_radians());
        match self.utm() {
            None => lambert93().forward_rad(lon, lat),
            Some(tm) => tm.forward_rad(lon, lat),
        }
    }

    /// The WGS84 point of projected coordinates, or `None` when they do not give a valid
    /// latitude and longitude (garbage in the file).
    pub fn inverse(self, x: f64, y: f64) -> Option<GeoPoint> {
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        let (lon, lat) = match self.utm() {
            None => lambert93().inverse_rad(x, y),
            Some(tm) => tm.inverse_rad(x, y),
        };
        GeoPoint::new(lat.to_degrees(), lon.to_degrees()).ok()
    }
}

fn lambert93() -> &'static Lambert {
    static L93: std::sync::OnceLock<Lambert> = std::sync::OnceLock::new();
    L93.get_or_init(Lambert::lambert93)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dms(d: f64, m: f64, s: f64) -> f64 {
        (d.abs() + m / 60.0 + s / 3600.0).copysign(d).to_radians()
    }

    // IGN, note NT/G 71 « Projection cartographique conique conforme de Lambert »
    // (Algorithmes, 1995), test values of ALG0001: e = 0.08199188998.
    #[test]
    fn isometric_latitude_matches_ign_alg0001_and_alg0002() {
        let e = 0.081_991_889_98;
        for (phi, l) in [
            (0.872_664_626, 1.005_526_536_48),
            (-0.3, -0.302_616_900_60),
            (0.199_989_033_69, 0.2),
        ] {
            assert!((isometric_latitude(phi, e) - l).abs() < 1e-10, "{phi}");
            assert!((latitude_from_isometric(l, e) - phi).abs() < 1e-10, "{l}");
        }
    }

    // IGN NT/G 71, ALG0003 and ALG0004 (NTF Lambert I parameters, Clarke 1880 IGN).
    #[test]
    fn lambert_matches_ign_alg0003_and_alg0004() {
        let p = Lambert {
            e: 0.082_483_256_8,
            n: 0.760_405_966,
            c: 11_603_796.976_7,
            xs: 600_000.0,
            ys: 5_657_616.674,
            lon0: 0.040_792_344_33,
        };
        let (x, y) = p.forward_rad(0.145_512_099, 0.872_664_626);
        assert!(
            (x - 1_029_705.081_8).abs() < 1e-3 && (y - 272_723.851_0).abs() < 1e-3,
            "{x} {y}"
        );
        let (lon, lat) = p.inverse_rad(1_029_705.083, 272_723.849);
        assert!(
            (lon - 0.145_512_099_25).abs() < 1e-10 && (lat - 0.872_664_625_67).abs() < 1e-10,
            "{lon} {lat}"
        );
    }

    // IGN NT/G 71, ALG0054 (secant case): both published cases, northern and southern cone.
    #[test]
    fn secant_parameters_match_ign_alg0054() {
        let ell = Ellipsoid {
            a: 6_378_388.0,
            e: 0.081_991_89,
        };
        // The note gives φ0 = 1.570796327 and φ2 = -0.785398163: π/2 and -π/4 rounded.
        let p = Lambert::secant(
            ell,
            0.076_235_545_39,
            std::f64::consts::FRAC_PI_2,
            0.869_755_744,
            0.893_026_801,
            150_000.0,
            5_400_000.0,
        );
        assert!((p.n - 0.771_642_186_7).abs() < 1e-9, "{}", p.n);
        assert!((p.c - 11_565_915.829_4).abs() < 1e-2, "{}", p.c);
        assert_eq!((p.xs, p.ys), (150_000.0, 5_400_000.0));
        let p = Lambert::secant(
            ell,
            0.0,
            0.0,
            -0.575_958_653,
            -std::f64::consts::FRAC_PI_4,
            0.0,
            0.0,
        );
        assert!((p.n + 0.630_496_33).abs() < 1e-8, "{}", p.n);
        assert!((p.c + 12_453_174.179_5).abs() < 1e-2, "{}", p.c);
        assert!((p.ys + 12_453_174.179_5).abs() < 1e-2, "{}", p.ys);
    }

    // IGN's published constants of Lambert-93 (note NT/G 87 « Lambert-93, projection associée
    // au système géodésique RGF93 »): n = 0.7256077650532670, C = 11 754 255.426096 m,
    // Xs = 700 000 m, Ys = 12 655 612.049876 m.
    #[test]
    fn lambert93_constants_match_ign() {
        let p = Lambert::lambert93();
        assert!((p.n - 0.725_607_765_053_267).abs() < 1e-12, "{}", p.n);
        assert!((p.c - 11_754_255.426_096).abs() < 1e-3, "{}", p.c);
        assert!((p.ys - 12_655_612.049_876).abs() < 1e-3, "{}", p.ys);
        assert_eq!(p.xs, 700_000.0);
    }

    // EPSG:2154 definition: the false origin 46°30'N 3°E is (700 000 m, 6 600 000 m), and the
    // scale is exactly 1 on the standard parallels (so x there is 700 000 on the meridian).
    #[test]
    fn lambert93_origin_is_the_false_origin() {
        let (x, y) = Projection::Lambert93.forward(GeoPoint {
            lat: 46.5,
            lon: 3.0,
        });
        assert!(
            (x - 700_000.0).abs() < 1e-6 && (y - 6_600_000.0).abs() < 1e-6,
            "{x} {y}"
        );
        let p = Projection::Lambert93
            .inverse(700_000.0, 6_600_000.0)
            .unwrap();
        assert!((p.lat - 46.5).abs() < 1e-11 && (p.lon - 3.0).abs() < 1e-11);
    }

    // IOGP Publication 373-7-2 (EPSG Guidance Note 7-2), Lambert Conic Conformal (2SP)
    // example: NAD27 / Texas South Central on Clarke 1866; 28°30'N 96°W gives
    // E = 2 963 503.91 US ft, N = 254 759.80 US ft.
    #[test]
    fn lambert_2sp_matches_the_epsg_guidance_note_example() {
        let ft = 1200.0 / 3937.0;
        let ell = Ellipsoid::from_inverse_flattening(6_378_206.400, 294.978_698_2);
        let p = Lambert::secant(
            ell,
            dms(-99.0, 0.0, 0.0),
            dms(27.0, 50.0, 0.0),
            dms(28.0, 23.0, 0.0),
            dms(30.0, 17.0, 0.0),
            2_000_000.0 * ft,
            0.0,
        );
        let (x, y) = p.forward_rad(dms(-96.0, 0.0, 0.0), dms(28.0, 30.0, 0.0));
        assert!((x / ft - 2_963_503.91).abs() < 0.02, "{}", x / ft);
        assert!((y / ft - 254_759.80).abs() < 0.02, "{}", y / ft);
        let (lon, lat) = p.inverse_rad(2_963_503.91 * ft, 254_759.80 * ft);
        assert!(
            (lon - dms(-96.0, 0.0, 0.0)).abs() < 1e-9 && (lat - dms(28.0, 30.0, 0.0)).abs() < 1e-9
        );
    }

    // IOGP Publication 373-7-2 (EPSG Guidance Note 7-2), Transverse Mercator example:
    // OSGB 1936 / British National Grid on Airy 1830; 50°30'N 0°30'E gives
    // E = 577 274.99 m, N = 69 740.50 m.
    #[test]
    fn transverse_mercator_matches_the_epsg_guidance_note_example() {
        let ell = Ellipsoid::from_inverse_flattening(6_377_563.396, 299.324_964_6);
        let tm = TransverseMercator::new(
            ell,
            dms(-2.0, 0.0, 0.0),
            dms(49.0, 0.0, 0.0),
            0.999_601_271_7,
            400_000.0,
            -100_000.0,
        );
        let (x, y) = tm.forward_rad(dms(0.0, 30.0, 0.0), dms(50.0, 30.0, 0.0));
        assert!(
            (x - 577_274.99).abs() < 0.01 && (y - 69_740.50).abs() < 0.01,
            "{x} {y}"
        );
        let (lon, lat) = tm.inverse_rad(577_274.99, 69_740.50);
        assert!(
            (lon - dms(0.0, 30.0, 0.0)).abs() < 1e-8 && (lat - dms(50.0, 30.0, 0.0)).abs() < 1e-8
        );
    }

    // J. P. Snyder, « Map Projections — A Working Manual », USGS Professional Paper 1395
    // (1987), p. 269: UTM-style transverse Mercator on Clarke 1866, k0 = 0.9996, central
    // meridian 75°W; 40°30'N 73°30'W gives x = 127 106.5 m, y = 4 484 124.4 m.
    #[test]
    fn utm_matches_snyders_worked_example() {
        let ell = Ellipsoid {
            a: 6_378_206.4,
            e: 0.006_768_66f64.sqrt(),
        };
        let tm = TransverseMercator::new(ell, dms(-75.0, 0.0, 0.0), 0.0, 0.9996, 0.0, 0.0);
        let (x, y) = tm.forward_rad(dms(-73.0, 30.0, 0.0), dms(40.0, 30.0, 0.0));
        assert!(
            (x - 127_106.5).abs() < 0.1 && (y - 4_484_124.4).abs() < 0.1,
            "{x} {y}"
        );
    }

    // EPSG definitions of the UTM zones: the central meridian at the equator is
    // (500 000, 0) north and (500 000, 10 000 000) south; zone 20 is centred on 63°W,
    // 22 on 51°W, 38 on 45°E, 40 on 57°E, 21 on 57°W.
    #[test]
    fn utm_zones_are_centred_on_their_meridians() {
        for (proj, lon0, fn_) in [
            (Projection::Utm20nAntilles, -63.0, 0.0),
            (Projection::Utm22nGuyane, -51.0, 0.0),
            (Projection::Utm38sMayotte, 45.0, 10_000_000.0),
            (Projection::Utm40sReunion, 57.0, 10_000_000.0),
            (Projection::Utm21nSaintPierre, -57.0, 0.0),
        ] {
            let (x, y) = proj.forward(GeoPoint {
                lat: 0.0,
                lon: lon0,
            });
            assert!(
                (x - 500_000.0).abs() < 1e-6 && (y - fn_).abs() < 1e-6,
                "{proj:?} {x} {y}"
            );
        }
    }

    #[test]
    fn every_projection_round_trips_to_the_millimetre() {
        let cases = [
            (
                Projection::Lambert93,
                [
                    (48.8462, 2.3464),
                    (43.6045, 1.444),
                    (41.39, 9.16),
                    (51.08, 2.55),
                    (42.33, -1.78),
                ],
            ),
            (
                Projection::Utm20nAntilles,
                [
                    (16.2411, -61.5331),
                    (14.6161, -61.0588),
                    (17.8962, -62.8498),
                    (18.0708, -63.0501),
                    (15.87, -61.27),
                ],
            ),
            (
                Projection::Utm22nGuyane,
                [
                    (4.9372, -52.326),
                    (5.1598, -52.6502),
                    (2.2, -54.0),
                    (3.64, -54.03),
                    (5.5, -54.4),
                ],
            ),
            (
                Projection::Utm40sReunion,
                [
                    (-20.8789, 55.4481),
                    (-21.3393, 55.4781),
                    (-21.0, 55.2),
                    (-21.39, 55.83),
                    (-20.9, 55.6),
                ],
            ),
            (
                Projection::Utm38sMayotte,
                [
                    (-12.7806, 45.2278),
                    (-12.95, 45.1),
                    (-12.64, 45.05),
                    (-12.99, 45.28),
                    (-12.8, 45.15),
                ],
            ),
            (
                Projection::Utm21nSaintPierre,
                [
                    (46.7811, -56.1764),
                    (47.1, -56.38),
                    (46.9, -56.3),
                    (47.0, -56.4),
                    (46.75, -56.17),
                ],
            ),
        ];
        for (proj, points) in cases {
            for (lat, lon) in points {
                let p = GeoPoint { lat, lon };
                let (x, y) = proj.forward(p);
                let q = proj.inverse(x, y).unwrap();
                let d_m = p.distance_km(&q) * 1000.0;
                assert!(d_m < 1e-3, "{proj:?} {lat} {lon}: {d_m} m");
            }
        }
    }

    #[test]
    fn projection_of_a_departement() {
        assert_eq!(
            Projection::for_departement("81"),
            Some(Projection::Lambert93)
        );
        assert_eq!(
            Projection::for_departement("2A"),
            Some(Projection::Lambert93)
        );
        assert_eq!(
            Projection::for_departement("971"),
            Some(Projection::Utm20nAntilles)
        );
        assert_eq!(
            Projection::for_departement("978"),
            Some(Projection::Utm20nAntilles)
        );
        assert_eq!(
            Projection::for_departement("973").map(Projection::epsg),
            Some(2972)
        );
        assert_eq!(
            Projection::for_departement("974").map(Projection::epsg),
            Some(2975)
        );
        assert_eq!(
            Projection::for_departement("976").map(Projection::epsg),
            Some(4471)
        );
        assert_eq!(Projection::for_departement("987"), None);
        assert_eq!(
            Projection::from_epsg(5490),
            Some(Projection::Utm20nAntilles)
        );
        assert!(Projection::Lambert93.inverse(f64::NAN, 1.0).is_none());
    }
}
