//! Supplier routes: search, and read, create or replace (PUT), merge-patch (PATCH, RFC 7396)
//! and delete one profile.
//!
//! Writes need a token that may edit that SIRET (admin, or a supplier token for the SIRET or
//! its SIREN); every write is validated exactly like an import row and recorded in the audit
//! log in the same transaction. What this module does not do: ranking (the search index does).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{JsonValue, PathParam, QueryParams};
use super::{AppState, Auth, blocking, paths};
use crate::index::{self, BBox, GeoClause, PlaceRef, SearchQuery, Sort};
use crate::model::ids::Siret;
use crate::model::{self, GeoPoint, Kind, Mode, Reserved, Supplier};
use crate::referential::{LegalFamily, Referential};

/// Largest `per_page`.
pub const MAX_PER_PAGE: u64 = 100;
/// Deepest page reachable (`page * per_page`), to bound the work of one request.
pub const MAX_RESULT_WINDOW: u64 = 10_000;

/// Query parameters of the supplier search: the CLI's filters, plus paging, sorting, facets
/// and snippets. Lists are comma-separated (or the parameter repeated); a list matches any
/// of its values, and all given parameters must match. Documentation only: the handler
/// parses the query string itself so that every error names its parameter.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free French text: trades, products, names, CPV or NAF codes.
    pub q: Option<String>,
    /// Suppliers located near a point, `lat,lon` in WGS84 degrees (with `radius_km`).
    #[param(example = "43.6045,1.4440")]
    pub near: Option<String>,
    /// Radius around `near`, in kilometres.
    pub radius_km: Option<f64>,
    /// Suppliers whose activity zone covers a place: `commune:CODE` (INSEE) or `lat,lon`.
    #[param(example = "commune:31555")]
    pub serves: Option<String>,
    /// Suppliers located in a map box: `south,west,north,east` (west > east crosses the
    /// antimeridian). `near`, `serves` and `bbox` exclude each other.
    #[param(example = "43.5,1.3,43.7,1.6")]
    pub bbox: Option<String>,
    /// Structure types (EI AI ACI ETTI EITI GEIQ EA EATT ESAT SEP).
    #[param(example = "EA,ESAT")]
    pub kinds: Option<String>,
    /// Only suppliers eligible for this reserved-contract route.
    #[param(value_type = Option<Reserved>)]
    pub reserved: Option<String>,
    /// CPV codes or prefixes (`45`, `4544`, `90911200-8`): suppliers with a code below one
    /// of them, or above it (weaker).
    #[param(example = "90910000")]
    pub cpv: Option<String>,
    /// NAF codes at any level (`81`, `81.3`, `8130Z`).
    pub naf: Option<String>,
    /// Labels and certifications (case and accents ignored).
    pub labels: Option<String>,
    /// Legal-form families: association, cooperative, mutuelle, fondation, societe, public, autre.
    pub legal_family: Option<String>,
    /// Modes: goods, services, staffing.
    pub modes: Option<String>,
    /// Only SSE members (`true`) or only non-members (`false`).
    pub ess: Option<bool>,
    /// Only ESUS-approved structures (`true`) or only others (`false`).
    pub esus: Option<bool>,
    /// Address département codes.
    pub departement: Option<String>,
    /// Address region codes.
    pub region: Option<String>,
    /// Address commune INSEE codes (a city code covers its arrondissements).
    pub commune: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Results per page, 1 to 100 (default 20); page × per_page at most 10000.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
    /// `relevance` (default) or `distance` (needs `near` or `serves`).
    #[param(value_type = Option<Sort>)]
    pub sort: Option<String>,
    /// Count facets over all matches (default false).
    pub facets: Option<bool>,
    /// Highlighted extracts of the profiles (default false).
    pub snippets: Option<bool>,
}

fn point_param(name: &str, v: &str) -> ApiResult<GeoPoint> {
    let (lat, lon) = v
        .split_once(',')
        .and_then(|(a, b)| Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?)))
        .ok_or_else(|| ApiError::invalid(name, "must be lat,lon in degrees (43.6045,1.4440)"))?;
    GeoPoint::new(lat, lon).map_err(|(_, reason)| ApiError::invalid(name, reason))
}

/// Parse and check the query string into an index query; errors name the parameter.
pub fn parse_search(mut q: QueryParams) -> ApiResult<SearchQuery> {
    let mut sq = SearchQuery {
        text: q.take("q")?.unwrap_or_default(),
        ..SearchQuery::default()
    };
    if sq.text.chars().count() > 1000 {
        return Err(ApiError::invalid("q", "must have at most 1000 characters"));
    }
    let f = &mut sq.filters;
    for k in q.take_list("kinds") {
        let kind = Kind::parse(&k).ok_or_else(|| {
            ApiError::invalid("kinds", format!("unknown structure type ({k}); expected EI AI ACI ETTI EITI GEIQ EA EATT ESAT SEP"))
        })?;
        if !f.kinds.contains(&kind) {
            f.kinds.push(kind);
        }
    }
    if let Some(res) = q.take("reserved")? {
        f.reserved = Some(Reserved::parse(&res).ok_or_else(|| {
            ApiError::invalid(
                "reserved",
                "must be L2113-12, L2113-13, L2113-12-13, L2113-13-1 or L2113-15",
            )
        })?);
    }
    for c in q.take_list("cpv") {
        f.cpv
            .push(index::parse_cpv(&c).map_err(|e| ApiError::invalid("cpv", e))?);
    }
    for n in q.take_list("naf") {
        f.naf
            .push(index::parse_naf(&n).map_err(|e| ApiError::invalid("naf", e))?);
    }
    f.labels = q.take_list("labels");
    for lf in q.take_list("legal_family") {
        f.legal_families.push(LegalFamily::parse(&lf).ok_or_else(|| {
            ApiError::invalid("legal_family", format!("unknown family ({lf}); expected association, cooperative, mutuelle, fondation, societe, public or autre"))
        })?);
    }
    for m in q.take_list("modes") {
        f.modes.push(Mode::parse(&m).ok_or_else(|| {
            ApiError::invalid(
                "modes",
                format!("unknown mode ({m}); expected goods, services or staffing"),
            )
        })?);
    }
    f.ess = q.take_bool("ess")?;
    f.esus = q.take_bool("esus")?;
    f.departements = q.take_list("departement");
    f.regions = q.take_list("region");
    f.communes = q.take_list("commune");

    let near = q.take("near")?;
    let radius_km = q.take_f64("radius_km", f64::MIN, f64::MAX)?;
    let serves = q.take("serves")?;
    let bbox = q.take("bbox")?;
    let given: Vec<&str> = [
        ("near", near.is_some()),
        ("serves", serves.is_some()),
        ("bbox", bbox.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, g)| g.then_some(n))
    .collect();
    if given.len() > 1 {
        return Err(ApiError::invalid(
            given[1],
            format!("{} and {} exclude each other", given[0], given[1]),
        ));
    }
    if radius_km.is_some() && near.is_none() {
        return Err(ApiError::invalid("near", "radius_km needs near=lat,lon"));
    }
    sq.geo = if let Some(p) = near {
        let point = point_param("near", &p)?;
        let radius_km =
            radius_km.ok_or_else(|| ApiError::invalid("radius_km", "near needs radius_km"))?;
        Some(GeoClause::Near { point, radius_km })
    } else if let Some(sv) = serves {
        let place = match sv.strip_prefix("commune:") {
            Some(code) => PlaceRef::Commune(code.trim().to_string()),
            None if sv.contains(',') => PlaceRef::Point(point_param("serves", &sv)?),
            None => {
                return Err(ApiError::invalid(
                    "serves",
                    "must be commune:CODE or lat,lon",
                ));
            }
        };
        Some(GeoClause::Serves {
            place,
            perimeter: None,
        })
    } else if let Some(b) = bbox {
        let v: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
        let [south, west, north, east] = v[..] else {
            return Err(ApiError::invalid(
                "bbox",
                "must be south,west,north,east in degrees",
            ));
        };
        Some(GeoClause::InView {
            bbox: BBox {
                south,
                west,
                north,
                east,
            },
        })
    } else {
        None
    };

    sq.page = q.take_int("page", 1, MAX_RESULT_WINDOW)?.unwrap_or(1) as usize;
    sq.per_page = q.take_int("per_page", 1, MAX_PER_PAGE)?.unwrap_or(20) as usize;
    if (sq.page * sq.per_page) as u64 > MAX_RESULT_WINDOW {
        return Err(ApiError::invalid(
            "page",
            format!("page × per_page must be at most {MAX_RESULT_WINDOW}"),
        ));
    }
    sq.sort = match q.take("sort")?.as_deref() {
        None | Some("relevance") => Sort::Relevance,
        Some("distance") => Sort::Distance,
        Some(_) => return Err(ApiError::invalid("sort", "must be relevance or distance")),
    };
    sq.facets = q.take_bool("facets")?.unwrap_or(false);
    sq.snippets = q.take_bool("snippets")?.unwrap_or(false);
    q.finish()?;
    sq.validate()?;
    Ok(sq)
}

/// One search result: why it matched, and a summary of the profile for lists and maps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierHit {
    pub siret: String,
    pub name: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
    /// Why it matched, in French.
    pub reasons: Vec<String>,
    /// Query words found, with how and where.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matched_terms: Vec<index::MatchedTerm>,
    /// Why it passed the geographic clause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<index::GeoMatch>,
    /// The supplier code that matched the CPV filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpv: Option<index::CpvMatch>,
    /// Highlighted extracts (with `snippets=true`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub snippets: Vec<index::Snippet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    pub kinds: Vec<Kind>,
    pub ess: bool,
    pub esus: bool,
    /// INSEE code of the address commune.
    pub commune: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The supplier's location, or its commune's centre.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

/// One page of search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchPage {
    /// Exact number of matching suppliers.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub results: Vec<SupplierHit>,
    /// Counts over all matches (with `facets=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<index::Facets>,
    /// Store sequence the results reflect.
    pub seq: i64,
}

fn hit_out(h: index::SearchHit) -> SupplierHit {
    let s = &h.supplier;
    let r = Referential::get();
    let location = s.location.or_else(|| {
        r.commune(&s.address.commune)
            .and_then(|c| r.communes.centre(c))
    });
    SupplierHit {
        brand: s.brand.clone(),
        kinds: s.kinds.clone(),
        ess: s.ess,
        esus: s.esus,
        commune: s.address.commune.clone(),
        city: s
            .address
            .city
            .clone()
            .or_else(|| r.commune(&s.address.commune).map(|c| c.name.clone())),
        location,
        labels: s.labels.clone(),
        siret: h.siret,
        name: h.name,
        score: h.score,
        distance_km: h.distance_km,
        reasons: h.reasons,
        matched_terms: h.matched_terms,
        geo: h.geo,
        cpv: h.cpv,
        snippets: h.snippets,
    }
}

/// Search suppliers
///
/// Free text, geography (`near` + `radius_km`, `serves`, `bbox`) and filters, with paging,
/// sorting, facet counts and snippets. Without any parameter every supplier is listed. No
/// token needed. Closed establishments are never returned.
#[utoipa::path(
    get, path = paths::SUPPLIERS, tag = "suppliers", operation_id = "search_suppliers",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of results", body = SearchPage),
        (status = 400, description = "Malformed, repeated or unknown query parameter", body = ErrorBody),
        (status = 422, description = "Invalid parameter value (the field names the parameter)", body = ErrorBody),
    )
)]
pub async fn search(State(state): State<AppState>, q: QueryParams) -> ApiResult<Json<SearchPage>> {
    let query = parse_search(q)?;
    let index = state.index().clone();
    let page = state
        .queries()
        .run(move || -> crate::Result<SearchPage> {
            let res = index.search(&query)?;
            Ok(SearchPage {
                total: res.total,
                page: query.page as u64,
                per_page: query.per_page as u64,
                results: res.hits.into_iter().map(hit_out).collect(),
                facets: res.facets,
                seq: res.seq,
            })
        })
        .await?;
    Ok(Json(page))
}

/// Check a SIRET given in a path; 422 naming `siret` when it cannot be one.
pub fn parse_siret(s: &str) -> ApiResult<String> {
    Siret::parse(s)
        .map(|s| s.to_string())
        .map_err(|reason| ApiError::invalid("siret", reason))
}

fn supplier_location(siret: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("/api/v1/suppliers/{siret}"))
        .unwrap_or_else(|_| HeaderValue::from_static("/api/v1/suppliers"))
}

/// Read one supplier profile
#[utoipa::path(
    get, path = paths::SUPPLIER, tag = "suppliers",
    params(("siret" = String, Path, description = "SIRET (14 digits)", example = "12002701600357")),
    responses(
        (status = 200, description = "The profile as stored", body = Supplier),
        (status = 404, description = "No such supplier", body = ErrorBody),
        (status = 422, description = "Not a valid SIRET", body = ErrorBody),
    )
)]
pub async fn get_supplier(
    State(state): State<AppState>,
    PathParam(siret): PathParam,
) -> ApiResult<Json<Supplier>> {
    let siret = parse_siret(&siret)?;
    let store = state.store().clone();
    let found = blocking(move || store.get_supplier(&siret).map(|s| (s, siret))).await?;
    match found {
        (Some(s), _) => Ok(Json(s.supplier)),
        (None, siret) => Err(ApiError::not_found(format!("supplier not found: {siret}"))),
    }
}

fn require_edit(principal: &super::Principal, siret: &str) -> ApiResult<()> {
    if principal.can_edit_supplier(siret) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "this token may not change the supplier {siret}"
        )))
    }
}

/// Turn a JSON value into a validated supplier whose SIRET is the path's.
fn supplier_from_body(mut body: Value, siret: &str) -> ApiResult<Supplier> {
    let Value::Object(obj) = &mut body else {
        return Err(ApiError::malformed(
            None,
            "the body must be a JSON object (a supplier profile)",
        ));
    };
    match obj.get("siret") {
        None => {
            obj.insert("siret".into(), Value::String(siret.to_string()));
        }
        Some(Value::String(s))
            if Siret::parse(s).map(|x| x.to_string()).as_deref() == Ok(siret) => {}
        Some(Value::String(_)) => {
            return Err(ApiError::invalid(
                "siret",
                format!("must be the siret of the path ({siret})"),
            ));
        }
        Some(_) => {
            return Err(ApiError::malformed(
                Some("siret"),
                "invalid type: expected a string",
            ));
        }
    }
    let mut s: Supplier = model::from_value(body)?;
    model::validate_supplier(&mut s)?;
    Ok(s)
}

/// Create or replace a supplier profile
///
/// The body is a complete profile (contract section 1); `siret` may be omitted and must
/// otherwise equal the path's. Answers 201 when the profile is new, 200 when it replaced one.
#[utoipa::path(
    put, path = paths::SUPPLIER, tag = "suppliers",
    params(("siret" = String, Path, description = "SIRET (14 digits)")),
    request_body(content = Supplier, description = "The complete profile"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced; the profile as stored", body = Supplier),
        (status = 201, description = "Created; the profile as stored", body = Supplier,
            headers(("location" = String, description = "URL of the profile"))),
        (status = 400, description = "Malformed JSON, wrong type or unknown field (the field is named)", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "The token may not edit this SIRET", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn put_supplier(
    State(state): State<AppState>,
    Auth(principal): Auth,
    PathParam(siret): PathParam,
    JsonValue(body): JsonValue,
) -> ApiResult<Response> {
    let siret = parse_siret(&siret)?;
    require_edit(&principal, &siret)?;
    let store = state.store().clone();
    let st = state.clone();
    let actor = principal.actor();
    let (created, stored) = blocking(move || -> ApiResult<_> {
        let supplier = supplier_from_body(body, &siret)?;
        let existed = store.get_supplier(&siret)?.is_some();
        let seq = store.put_supplier(&supplier, &actor, if existed { "put" } else { "create" })?;
        st.make_searchable(seq);
        let stored = store
            .get_supplier(&siret)?
            .ok_or_else(|| ApiError::internal("supplier vanished after write"))?;
        Ok((!existed, stored.supplier))
    })
    .await?;
    let location = supplier_location(&stored.siret);
    if created {
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, location)],
            Json(stored),
        )
            .into_response())
    } else {
        Ok(Json(stored).into_response())
    }
}

/// RFC 7396 JSON merge patch: objects merge recursively, `null` removes, anything else
/// replaces (arrays included).
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// Change part of a supplier profile (JSON merge patch)
///
/// The body is an RFC 7396 merge patch applied to the stored profile (send
/// `application/merge-patch+json` or `application/json`); the result is validated like a
/// complete profile. `null` removes a field; arrays are replaced whole.
#[utoipa::path(
    patch, path = paths::SUPPLIER, tag = "suppliers",
    params(("siret" = String, Path, description = "SIRET (14 digits)")),
    request_body(content = Object, description = "RFC 7396 merge patch", content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile as stored after the patch", body = Supplier),
        (status = 400, description = "Malformed JSON, not an object, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "The token may not edit this SIRET", body = ErrorBody),
        (status = 404, description = "No such supplier", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not a JSON media type", body = ErrorBody),
        (status = 422, description = "The patched profile breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn patch_supplier(
    State(state): State<AppState>,
    Auth(principal): Auth,
    PathParam(siret): PathParam,
    JsonValue(patch): JsonValue,
) -> ApiResult<Json<Supplier>> {
    let siret = parse_siret(&siret)?;
    require_edit(&principal, &siret)?;
    if !patch.is_object() {
        return Err(ApiError::malformed(
            None,
            "a merge patch must be a JSON object",
        ));
    }
    let store = state.store().clone();
    let st = state.clone();
    let actor = principal.actor();
    let stored = blocking(move || -> ApiResult<_> {
        let Some(current) = store.get_supplier(&siret)? else {
            return Err(ApiError::not_found(format!("supplier not found: {siret}")));
        };
        let mut doc = serde_json::to_value(&current.supplier).map_err(ApiError::internal)?;
        if let Value::Object(o) = &mut doc {
            o.remove("updated_at");
        }
        merge_patch(&mut doc, &patch);
        let supplier = supplier_from_body(doc, &siret)?;
        let seq = store.put_supplier(&supplier, &actor, "patch")?;
        st.make_searchable(seq);
        store
            .get_supplier(&siret)?
            .ok_or_else(|| ApiError::internal("supplier vanished after write"))
    })
    .await?;
    Ok(Json(stored.supplier))
}

/// Delete a supplier profile
#[utoipa::path(
    delete, path = paths::SUPPLIER, tag = "suppliers",
    params(("siret" = String, Path, description = "SIRET (14 digits)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "The token may not edit this SIRET", body = ErrorBody),
        (status = 404, description = "No such supplier", body = ErrorBody),
        (status = 422, description = "Not a valid SIRET", body = ErrorBody),
    )
)]
pub async fn delete_supplier(
    State(state): State<AppState>,
    Auth(principal): Auth,
    PathParam(siret): PathParam,
) -> ApiResult<StatusCode> {
    let siret = parse_siret(&siret)?;
    require_edit(&principal, &siret)?;
    let store = state.store().clone();
    let st = state.clone();
    let actor = principal.actor();
    blocking(move || -> crate::Result<()> {
        let seq = store.delete_supplier(&siret, &actor)?;
        st.make_searchable(seq);
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}, "l": [3]}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}, "l": [3]}));
        let mut doc = json!({"a": [{"b": "c"}]});
        merge_patch(&mut doc, &json!({"a": [1]}));
        assert_eq!(doc, json!({"a": [1]}));
        let mut doc = json!({"e": null});
        merge_patch(&mut doc, &json!({"a": 1}));
        assert_eq!(doc, json!({"e": null, "a": 1}));
    }
}
