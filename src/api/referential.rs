//! Referential routes: commune autocomplete, CPV and NAF lookup (with parents and children),
//! départements, regions and their outlines as GeoJSON. All public, all read-only.
//!
//! Lookups that scan the nomenclatures run in `spawn_blocking` (a CPV label search folds
//! thousands of labels). The GeoJSON outlines are embedded in the binary and served as they
//! are, with a long cache lifetime. What this module does not do: any data of its own (it is
//! a view of `referential/`).

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{PathParam, QueryParams};
use super::{blocking, paths};
use crate::model::GeoPoint;
use crate::referential::{CommuneKind, CpvCode, CpvError, NafCode, NafLevel, Referential};

/// Default and largest number of suggestions.
pub const DEFAULT_LIMIT: u64 = 10;
pub const MAX_LIMIT: u64 = 100;

/// A commune or a municipal arrondissement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommuneOut {
    /// INSEE code.
    pub code: String,
    pub name: String,
    /// `commune` or `arrondissement` (Paris, Lyon, Marseille).
    pub kind: &'static str,
    /// The city of an arrondissement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub dept: String,
    pub dept_name: String,
    pub region: String,
    pub region_name: String,
    pub postcodes: Vec<String>,
    pub population: u32,
    /// Centre (centroid of the outline); absent for the few communes without coordinates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub center: Option<GeoPoint>,
    /// SIREN of the EPCI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epci: Option<String>,
}

/// A CPV 2008 code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CpvOut {
    /// With check digit: `90911200-8`.
    pub code: String,
    /// The eight digits.
    pub code8: String,
    /// French label when the official list has one, else English.
    pub label: String,
    pub label_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_fr: Option<String>,
    /// Depth in the tree, 1 (division) to 7.
    pub level: u8,
    /// `supplies`, `works` or `services`.
    pub kind: String,
    /// In the eForms list of social and other specific services.
    pub social_service: bool,
}

/// A CPV code with its ancestors (nearest first) and direct children.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CpvDetail {
    #[serde(flatten)]
    pub code: CpvOut,
    pub parents: Vec<CpvOut>,
    pub children: Vec<CpvOut>,
}

/// A NAF rév. 2 code at any level.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NafOut {
    /// `A`, `81`, `81.3`, `81.30`, `81.30Z`.
    pub code: String,
    /// `section`, `division`, `groupe`, `classe` or `sous-classe`.
    pub level: &'static str,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    pub section: String,
}

/// A NAF code with its ancestors (nearest first) and direct children.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NafDetail {
    #[serde(flatten)]
    pub code: NafOut,
    pub parents: Vec<NafOut>,
    pub children: Vec<NafOut>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartementOut {
    pub code: String,
    pub name: String,
    pub region: String,
    /// INSEE code of the chef-lieu commune.
    pub chef_lieu: String,
    /// `metro`, `drom` or `com`.
    pub zone: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionOut {
    pub code: String,
    pub name: String,
    pub chef_lieu: String,
    pub zone: String,
}

fn commune_out(r: &Referential, c: &crate::referential::Commune) -> CommuneOut {
    CommuneOut {
        code: c.code.clone(),
        name: c.name.clone(),
        kind: match c.kind {
            CommuneKind::Commune => "commune",
            CommuneKind::Arrondissement => "arrondissement",
        },
        parent: c.parent.clone(),
        dept: c.dept.clone(),
        dept_name: r
            .departement(&c.dept)
            .map(|d| d.name.clone())
            .unwrap_or_default(),
        region: c.region.clone(),
        region_name: r
            .region(&c.region)
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        postcodes: c.postcodes.clone(),
        population: c.population,
        center: c.center,
        epci: c.epci.clone(),
    }
}

fn cpv_out(c: &CpvCode) -> CpvOut {
    CpvOut {
        code: c.code.clone(),
        code8: c.code8.clone(),
        label: c.label().to_string(),
        label_en: c.label_en.clone(),
        label_fr: c.label_fr.clone(),
        level: c.level,
        kind: c.kind.clone(),
        social_service: c.social_service,
    }
}

fn naf_out(c: &NafCode) -> NafOut {
    NafOut {
        code: c.code.clone(),
        level: match c.level {
            NafLevel::Section => "section",
            NafLevel::Division => "division",
            NafLevel::Groupe => "groupe",
            NafLevel::Classe => "classe",
            NafLevel::SousClasse => "sous-classe",
        },
        label: c.label_fr.clone(),
        parent: c.parent.clone(),
        section: c.section.clone(),
    }
}

/// `q` (optional unless `required`) and `limit`; nothing else.
fn lookup_params(mut q: QueryParams, required: bool) -> ApiResult<(Option<String>, usize)> {
    let text = q.take("q")?;
    let limit = q.take_int("limit", 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT) as usize;
    q.finish()?;
    if let Some(t) = &text
        && t.chars().count() > 200
    {
        return Err(ApiError::invalid("q", "must have at most 200 characters"));
    }
    if required && text.is_none() {
        return Err(ApiError::invalid("q", "must not be empty"));
    }
    Ok((text, limit))
}

/// Commune autocomplete
///
/// By name prefix (accents, case and hyphens ignored; most populous first), then by a later
/// word of the name; digits search postcodes and INSEE codes.
#[utoipa::path(
    get, path = paths::COMMUNES, tag = "referential",
    params(
        ("q" = String, Query, description = "Name prefix, postcode or INSEE code prefix", example = "saint etien"),
        ("limit" = Option<u64>, Query, description = "Most suggestions (1 to 100, default 10)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Suggestions, best first", body = Vec<CommuneOut>),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 422, description = "Missing q or bad limit", body = ErrorBody),
    )
)]
pub async fn communes(q: QueryParams) -> ApiResult<Json<Vec<CommuneOut>>> {
    let (text, limit) = lookup_params(q, true)?;
    let text = text.unwrap_or_default();
    let out = blocking(move || -> ApiResult<Vec<CommuneOut>> {
        let r = Referential::get();
        Ok(r.communes
            .search(&text, limit)
            .into_iter()
            .map(|c| commune_out(r, c))
            .collect())
    })
    .await?;
    Ok(Json(out))
}

/// CPV lookup
///
/// Codes starting with the digits given, or whose French or English label contains the
/// words; without `q`, the divisions (top level).
#[utoipa::path(
    get, path = paths::CPV, tag = "referential",
    params(
        ("q" = Option<String>, Query, description = "Code prefix or words of the label", example = "espaces verts"),
        ("limit" = Option<u64>, Query, description = "Most results (1 to 100, default 10)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Matching codes, broadest first", body = Vec<CpvOut>),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 422, description = "Bad limit", body = ErrorBody),
    )
)]
pub async fn cpv_search(q: QueryParams) -> ApiResult<Json<Vec<CpvOut>>> {
    let (text, limit) = lookup_params(q, false)?;
    let out = blocking(move || -> ApiResult<Vec<CpvOut>> {
        let r = Referential::get();
        Ok(match text {
            Some(t) => r.cpv.search(&t, limit).into_iter().map(cpv_out).collect(),
            None => r
                .cpv
                .all()
                .iter()
                .filter(|c| c.level == 1)
                .take(limit)
                .map(cpv_out)
                .collect(),
        })
    })
    .await?;
    Ok(Json(out))
}

/// One CPV code, with its parents and children
#[utoipa::path(
    get, path = paths::CPV_CODE, tag = "referential",
    params(("code" = String, Path, description = "`90911200` or `90911200-8`", example = "90911200-8")),
    responses(
        (status = 200, description = "The code", body = CpvDetail),
        (status = 404, description = "No such CPV code", body = ErrorBody),
        (status = 422, description = "Malformed code or wrong check digit", body = ErrorBody),
    )
)]
pub async fn cpv_code(PathParam(code): PathParam) -> ApiResult<Json<CpvDetail>> {
    let r = Referential::get();
    let c = match r.cpv.resolve(&code) {
        Ok(c) => c,
        Err(CpvError::Unknown) => {
            return Err(ApiError::not_found(format!("CPV code not found: {code}")));
        }
        Err(e) => {
            return Err(ApiError::invalid(
                "code",
                format!("{} ({code})", e.reason()),
            ));
        }
    };
    Ok(Json(CpvDetail {
        code: cpv_out(c),
        parents: r
            .cpv
            .ancestors(&c.code8)
            .into_iter()
            .skip(1)
            .map(cpv_out)
            .collect(),
        children: r.cpv.children(&c.code8).into_iter().map(cpv_out).collect(),
    }))
}

/// NAF lookup
///
/// Codes starting with the code given (`81.3`, `8130`), or whose label contains the words;
/// without `q`, the sections.
#[utoipa::path(
    get, path = paths::NAF, tag = "referential",
    params(
        ("q" = Option<String>, Query, description = "Code prefix or words of the label", example = "nettoyage"),
        ("limit" = Option<u64>, Query, description = "Most results (1 to 100, default 10)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Matching codes", body = Vec<NafOut>),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 422, description = "Bad limit", body = ErrorBody),
    )
)]
pub async fn naf_search(q: QueryParams) -> ApiResult<Json<Vec<NafOut>>> {
    let (text, limit) = lookup_params(q, false)?;
    let out = blocking(move || -> ApiResult<Vec<NafOut>> {
        let r = Referential::get();
        Ok(match text {
            Some(t) => r.naf.search(&t, limit).into_iter().map(naf_out).collect(),
            None => r
                .naf
                .all()
                .iter()
                .filter(|c| c.level == NafLevel::Section)
                .take(limit)
                .map(naf_out)
                .collect(),
        })
    })
    .await?;
    Ok(Json(out))
}

/// One NAF code, with its parents and children
#[utoipa::path(
    get, path = paths::NAF_CODE, tag = "referential",
    params(("code" = String, Path, description = "`81.30Z` or `8130Z`, any level", example = "81.30Z")),
    responses(
        (status = 200, description = "The code", body = NafDetail),
        (status = 404, description = "No such NAF code", body = ErrorBody),
    )
)]
pub async fn naf_code(PathParam(code): PathParam) -> ApiResult<Json<NafDetail>> {
    let r = Referential::get();
    let c = r
        .naf
        .get(&code)
        .ok_or_else(|| ApiError::not_found(format!("NAF code not found: {code}")))?;
    Ok(Json(NafDetail {
        code: naf_out(c),
        parents: r
            .naf
            .ancestors(&c.code)
            .into_iter()
            .skip(1)
            .map(naf_out)
            .collect(),
        children: r.naf.children(&c.code).into_iter().map(naf_out).collect(),
    }))
}

/// Every département
#[utoipa::path(
    get, path = paths::DEPARTEMENTS, tag = "referential",
    responses((status = 200, description = "The 109 départements (and collectivités)", body = Vec<DepartementOut>))
)]
pub async fn departements() -> Json<Vec<DepartementOut>> {
    let r = Referential::get();
    Json(
        r.departements()
            .iter()
            .map(|d| DepartementOut {
                code: d.code.clone(),
                name: d.name.clone(),
                region: d.region.clone(),
                chef_lieu: d.chef_lieu.clone(),
                zone: d.zone.clone(),
            })
            .collect(),
    )
}

/// Every region
#[utoipa::path(
    get, path = paths::REGIONS, tag = "referential",
    responses((status = 200, description = "The regions", body = Vec<RegionOut>))
)]
pub async fn regions() -> Json<Vec<RegionOut>> {
    let r = Referential::get();
    Json(
        r.regions()
            .iter()
            .map(|x| RegionOut {
                code: x.code.clone(),
                name: x.name.clone(),
                chef_lieu: x.chef_lieu.clone(),
                zone: x.zone.clone(),
            })
            .collect(),
    )
}

fn geojson(body: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Outlines of the départements (GeoJSON)
///
/// A FeatureCollection in WGS84, simplified to about 1 km; properties `code`, `nom`, `region`.
#[utoipa::path(
    get, path = paths::GEO_DEPARTEMENTS, tag = "referential",
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"))
)]
pub async fn departements_geojson() -> Response {
    geojson(crate::referential::DEPARTEMENTS_GEOJSON)
}

/// Outlines of the regions (GeoJSON)
#[utoipa::path(
    get, path = paths::GEO_REGIONS, tag = "referential",
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"))
)]
pub async fn regions_geojson() -> Response {
    geojson(crate::referential::REGIONS_GEOJSON)
}
