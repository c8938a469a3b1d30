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
use super::{AppState, Auth, blocking, not_available, paths};
use crate::model::area::Area;
use crate::model::ids::Siret;
use crate::model::{self, GeoPoint, Kind, Reserved, Supplier};
use crate::referential::Referential;

/// Largest `per_page`.
pub const MAX_PER_PAGE: u64 = 100;
/// Deepest page reachable (`page * per_page`), to bound the work of one request.
pub const MAX_RESULT_WINDOW: u64 = 10_000;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best text and filter match first (the default).
    #[default]
    Relevance,
    /// Nearest to `near` first.
    Distance,
}

/// Query parameters of the supplier search (the CLI's filters, plus paging and sorting).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text (French): what the supplier does, its name, its offers.
    pub q: Option<String>,
    /// Centre of a geographic search, `lat,lon` in WGS84 degrees (with `radius_km`).
    #[param(value_type = Option<String>, example = "43.6045,1.4440")]
    pub near: Option<GeoPoint>,
    /// Radius around `near`, in kilometres.
    pub radius_km: Option<f64>,
    /// Only suppliers that serve this place: `commune:CODE` (INSEE code).
    #[param(example = "commune:31555")]
    pub serves: Option<String>,
    /// Structure types, comma-separated: any of them (`EA,ESAT`).
    #[param(value_type = Option<String>, example = "EA,ESAT")]
    pub kinds: Vec<Kind>,
    /// Only suppliers eligible for this reserved-contract route.
    #[param(value_type = Option<String>, example = "L2113-12")]
    pub reserved: Option<Reserved>,
    /// CPV codes, comma-separated: suppliers with any of them or a code below them.
    #[param(value_type = Option<String>, example = "90910000")]
    pub cpv: Vec<String>,
    /// Page number, from 1.
    #[param(minimum = 1)]
    pub page: Option<u64>,
    /// Results per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
    /// `relevance` (default) or `distance` (needs `near`).
    #[param(value_type = Option<Sort>)]
    pub sort: Option<Sort>,
    /// Whether to compute facet counts (default true).
    pub facets: Option<bool>,
}

impl SearchParams {
    /// Parse and check the query string; errors name the parameter.
    pub fn parse(mut q: QueryParams) -> ApiResult<SearchParams> {
        let r = Referential::get();
        let mut p = SearchParams {
            q: q.take("q")?,
            ..Default::default()
        };
        if let Some(text) = &p.q
            && text.chars().count() > 500
        {
            return Err(ApiError::invalid("q", "must have at most 500 characters"));
        }
        if let Some(near) = q.take("near")? {
            let (lat, lon) = near
                .split_once(',')
                .and_then(|(a, b)| {
                    Some((a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?))
                })
                .ok_or_else(|| {
                    ApiError::invalid("near", "must be lat,lon in degrees (43.6045,1.4440)")
                })?;
            p.near = Some(
                GeoPoint::new(lat, lon).map_err(|(_, reason)| ApiError::invalid("near", reason))?,
            );
        }
        p.radius_km = q.take_f64("radius_km", 0.0, model::validate::MAX_RADIUS_KM)?;
        if p.radius_km.is_some() && p.near.is_none() {
            return Err(ApiError::invalid("near", "radius_km needs near=lat,lon"));
        }
        if let Some(serves) = q.take("serves")? {
            match Area::parse(&serves) {
                Ok(Area::Commune(code)) => match r.commune(&code) {
                    Some(c) => p.serves = Some(format!("commune:{}", c.code)),
                    None => {
                        return Err(ApiError::invalid(
                            "serves",
                            format!("unknown INSEE commune code ({code})"),
                        ));
                    }
                },
                _ => {
                    return Err(ApiError::invalid(
                        "serves",
                        "must be commune:CODE (an INSEE commune code)",
                    ));
                }
            }
        }
        for k in q.take_list("kinds") {
            match Kind::parse(&k) {
                Some(kind) if !p.kinds.contains(&kind) => p.kinds.push(kind),
                Some(_) => {}
                None => {
                    return Err(ApiError::invalid(
                        "kinds",
                        format!(
                            "unknown structure type ({k}); expected EI AI ACI ETTI EITI GEIQ EA EATT ESAT SEP"
                        ),
                    ));
                }
            }
        }
        if let Some(res) = q.take("reserved")? {
            p.reserved = Some(Reserved::parse(&res).ok_or_else(|| {
                ApiError::invalid(
                    "reserved",
                    "must be L2113-12, L2113-13, L2113-12-13, L2113-13-1 or L2113-15",
                )
            })?);
        }
        for c in q.take_list("cpv") {
            match r.cpv.resolve(&c) {
                Ok(code) => p.cpv.push(code.code.clone()),
                Err(e) => return Err(ApiError::invalid("cpv", format!("{} ({c})", e.reason()))),
            }
        }
        p.page = q.take_int("page", 1, MAX_RESULT_WINDOW)?;
        p.per_page = q.take_int("per_page", 1, MAX_PER_PAGE)?;
        if p.page.unwrap_or(1) * p.per_page.unwrap_or(20) > MAX_RESULT_WINDOW {
            return Err(ApiError::invalid(
                "page",
                format!("page × per_page must be at most {MAX_RESULT_WINDOW}"),
            ));
        }
        p.sort = match q.take("sort")?.as_deref() {
            None => None,
            Some("relevance") => Some(Sort::Relevance),
            Some("distance") => Some(Sort::Distance),
            Some(_) => return Err(ApiError::invalid("sort", "must be relevance or distance")),
        };
        if p.sort == Some(Sort::Distance) && p.near.is_none() {
            return Err(ApiError::invalid(
                "sort",
                "sort=distance needs near=lat,lon",
            ));
        }
        p.facets = q.take_bool("facets")?;
        q.finish()?;
        Ok(p)
    }
}

/// Search suppliers
///
/// Free text, geography (`near` + `radius_km`, `serves`) and filters (`kinds`, `reserved`,
/// `cpv`), with paging, sorting and facet counts. No token needed.
#[utoipa::path(
    get, path = paths::SUPPLIERS, tag = "suppliers", operation_id = "search_suppliers",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of results", body = serde_json::Value),
        (status = 400, description = "Malformed or unknown query parameter", body = ErrorBody),
        (status = 422, description = "Invalid parameter value (the field names the parameter)", body = ErrorBody),
        (status = 501, description = "The search index is not available in this build", body = ErrorBody),
    )
)]
pub async fn search(State(_state): State<AppState>, q: QueryParams) -> ApiResult<Response> {
    let _params = SearchParams::parse(q)?;
    Err(not_available(
        "supplier search (the search index is not built into this version yet)",
    ))
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
    let actor = principal.actor();
    let (created, stored) = blocking(move || -> ApiResult<_> {
        let supplier = supplier_from_body(body, &siret)?;
        let existed = store.get_supplier(&siret)?.is_some();
        store.put_supplier(&supplier, &actor, if existed { "put" } else { "create" })?;
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
        store.put_supplier(&supplier, &actor, "patch")?;
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
    let actor = principal.actor();
    blocking(move || store.delete_supplier(&siret, &actor)).await?;
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
