//! `essor search`: search suppliers from the command line (contract section 3).
//!
//! Opens the store at `--data`, catches the search index up, runs one query and prints the
//! results: French text by default, exactly one JSON document with `--json`
//! (`{"total", "results": [{"siret", "name", "score", "distance_km"?, "reasons"}]}`).
//! Bad arguments are errors (exit 2). Query semantics live in `index/`, not here.

use std::path::Path;

use anyhow::{Context, anyhow, bail};
use serde::Serialize;

use super::Outcome;
use crate::index::{self, BBox, Filters, GeoClause, PlaceRef, SearchIndex, SearchQuery, Sort};
use crate::model::geo::GeoPoint;
use crate::model::need::Reserved;
use crate::model::supplier::{Kind, Mode};
use crate::referential::LegalFamily;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Free text (French): trades, products, names, CPV or NAF codes.
    pub query: Option<String>,
    /// Suppliers located near a point: `LAT,LON` (needs --radius-km).
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub near: Option<String>,
    /// Radius around --near, in kilometres.
    #[arg(long, value_name = "N")]
    pub radius_km: Option<f64>,
    /// Suppliers whose activity zone covers a place: `commune:CODE` or `LAT,LON`.
    #[arg(long, value_name = "commune:CODE", allow_hyphen_values = true)]
    pub serves: Option<String>,
    /// Suppliers located in a map box: `SOUTH,WEST,NORTH,EAST` (west > east crosses the
    /// antimeridian).
    #[arg(long, value_name = "S,W,N,E", allow_hyphen_values = true)]
    pub in_view: Option<String>,
    /// Structure types, comma-separated (EI AI ACI ETTI EITI GEIQ EA EATT ESAT SEP).
    #[arg(long, value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Reserved-contract route (L2113-12, L2113-13, L2113-12-13, L2113-13-1, L2113-15).
    #[arg(long)]
    pub reserved: Option<String>,
    /// CPV codes or prefixes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub cpv: Vec<String>,
    /// NAF codes at any level, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub naf: Vec<String>,
    /// Labels, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub labels: Vec<String>,
    /// Legal-form families (association, cooperative, mutuelle, fondation, societe, public,
    /// autre), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub legal_family: Vec<String>,
    /// Modes (goods, services, staffing), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub modes: Vec<String>,
    /// Only ESS members.
    #[arg(long)]
    pub ess: bool,
    /// Only ESUS-approved structures.
    #[arg(long)]
    pub esus: bool,
    /// Address département codes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub departement: Vec<String>,
    /// Address region codes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub region: Vec<String>,
    /// Address commune INSEE codes, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub commune: Vec<String>,
    /// `relevance` (default) or `distance`.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// Number of results shown.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Page of results (1-based).
    #[arg(long, default_value_t = 1)]
    pub page: usize,
    /// Also count facets (in the JSON output).
    #[arg(long)]
    pub facets: bool,
    #[arg(long)]
    pub json: bool,
}

fn point(s: &str, what: &str) -> anyhow::Result<GeoPoint> {
    let (lat, lon) = s
        .split_once(',')
        .ok_or_else(|| anyhow!("--{what} must be LAT,LON"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| anyhow!("--{what}: latitude is not a number"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| anyhow!("--{what}: longitude is not a number"))?;
    GeoPoint::new(lat, lon).map_err(|(_, why)| anyhow!("--{what}: {why}"))
}

/// Turn the arguments into a query, rejecting anything invalid.
pub fn query_of(args: &Args) -> anyhow::Result<SearchQuery> {
    let mut f = Filters::default();
    for k in &args.kinds {
        f.kinds.push(Kind::parse(k).ok_or_else(|| anyhow!("--kinds: unknown kind {k:?} (expected EI, AI, ACI, ETTI, EITI, GEIQ, EA, EATT, ESAT or SEP)"))?);
    }
    if let Some(r) = &args.reserved {
        f.reserved = Some(Reserved::parse(r).ok_or_else(|| {
            anyhow!("--reserved: unknown route {r:?} (expected L2113-12, L2113-13, L2113-12-13, L2113-13-1 or L2113-15)")
        })?);
    }
    for c in &args.cpv {
        f.cpv
            .push(index::parse_cpv(c).map_err(|e| anyhow!("--cpv: {e}"))?);
    }
    for n in &args.naf {
        f.naf
            .push(index::parse_naf(n).map_err(|e| anyhow!("--naf: {e}"))?);
    }
    f.labels = args
        .labels
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    for lf in &args.legal_family {
        f.legal_families.push(
            LegalFamily::parse(lf)
                .ok_or_else(|| anyhow!("--legal-family: unknown family {lf:?}"))?,
        );
    }
    for m in &args.modes {
        f.modes.push(Mode::parse(m).ok_or_else(|| {
            anyhow!("--modes: unknown mode {m:?} (expected goods, services or staffing)")
        })?);
    }
    if args.ess {
        f.ess = Some(true);
    }
    if args.esus {
        f.esus = Some(true);
    }
    f.departements = args.departement.clone();
    f.regions = args.region.clone();
    f.communes = args.commune.clone();

    let num_geo = [
        args.near.is_some(),
        args.serves.is_some(),
        args.in_view.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if num_geo > 1 {
        bail!("--near, --serves and --in-view cannot be combined");
    }
    let geo = match (&args.near, args.radius_km, &args.serves, &args.in_view) {
        (Some(_), None, _, _) => bail!("--near needs --radius-km"),
        (None, Some(_), _, _) => bail!("--radius-km needs --near"),
        (Some(p), Some(r), _, _) => Some(GeoClause::Near {
            point: point(p, "near")?,
            radius_km: r,
        }),
        (None, None, Some(s), _) => {
            let place = match s.strip_prefix("commune:") {
                Some(code) => PlaceRef::Commune(code.trim().to_string()),
                None if s.contains(',') => PlaceRef::Point(point(s, "serves")?),
                None => bail!("--serves must be commune:CODE or LAT,LON"),
            };
            Some(GeoClause::Serves {
                place,
                perimeter: None,
            })
        }
        (None, None, None, Some(b)) => {
            let v: Vec<f64> = b
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| anyhow!("--in-view must be four numbers SOUTH,WEST,NORTH,EAST"))?;
            let [south, west, north, east] = v[..] else {
                bail!("--in-view must be four numbers SOUTH,WEST,NORTH,EAST")
            };
            Some(GeoClause::InView {
                bbox: BBox {
                    south,
                    west,
                    north,
                    east,
                },
            })
        }
        (None, None, None, None) => None,
    };
    let sort = match args.sort.as_str() {
        "relevance" => Sort::Relevance,
        "distance" => Sort::Distance,
        other => bail!("--sort: expected relevance or distance, got {other:?}"),
    };
    if args.limit == 0 || args.limit > index::MAX_PER_PAGE {
        bail!("--limit must be between 1 and {}", index::MAX_PER_PAGE);
    }
    let q = SearchQuery {
        text: args.query.clone().unwrap_or_default(),
        filters: f,
        geo,
        sort,
        page: args.page,
        per_page: args.limit,
        facets: args.facets,
        ..SearchQuery::default()
    };
    q.validate().map_err(|e| anyhow!("{e}"))?;
    Ok(q)
}

#[derive(Serialize)]
struct JsonHit<'a> {
    siret: &'a str,
    name: &'a str,
    score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_km: Option<f64>,
    reasons: &'a [String],
}

#[derive(Serialize)]
struct JsonOut<'a> {
    total: u64,
    results: Vec<JsonHit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    facets: Option<&'a index::Facets>,
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<Outcome> {
    let q = query_of(&args)?;
    let store =
        Store::open(data).with_context(|| format!("opening the store in {}", data.display()))?;
    let index = SearchIndex::open(data).context("opening the search index")?;
    let mut report = index
        .sync(&store)
        .context("catching the search index up with the store")?;
    // Another process (a server) holds the index writer: give it a moment to catch up.
    let target = store.last_seq()?;
    for _ in 0..30 {
        if !report.lagging || report.seq >= target {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        report = index.sync(&store)?;
    }
    if report.lagging && report.seq < target {
        tracing::warn!(
            "another process holds the search index writer; results may miss the latest writes"
        );
    }
    let res = index.search(&q)?;
    if args.json {
        let out = JsonOut {
            total: res.total,
            results: res
                .hits
                .iter()
                .map(|h| JsonHit {
                    siret: &h.siret,
                    name: &h.name,
                    score: (h.score * 10_000.0).round() / 10_000.0,
                    distance_km: h.distance_km.map(|d| (d * 1000.0).round() / 1000.0),
                    reasons: &h.reasons,
                })
                .collect(),
            facets: res.facets.as_ref(),
        };
        super::print_json(&out)?;
    } else {
        let shown = res.hits.len();
        match res.total {
            0 => println!("Aucun fournisseur trouvé."),
            1 => println!("1 fournisseur trouvé."),
            n => println!("{n} fournisseurs trouvés ({shown} affichés)."),
        }
        let first = (q.page - 1) * q.per_page;
        for (i, h) in res.hits.iter().enumerate() {
            let dist = h
                .distance_km
                .map(|d| format!(" — {}", index::reasons::distance(d)))
                .unwrap_or_default();
            println!(
                "{:>3}. {} ({}) — score {:.3}{dist}",
                first + i + 1,
                h.name,
                h.siret,
                h.score
            );
            if !h.reasons.is_empty() {
                println!("     {}", h.reasons.join(" ; "));
            }
        }
    }
    Ok(Outcome::Success)
}
