//! Need routes: post, read, replace and delete a buyer's need; ranked matches for a stored
//! need, for an ad-hoc need (nothing stored), and the open needs a supplier could answer.
//!
//! Ownership: the token that creates a need owns it (stored in `need_meta`, written in the same
//! transaction as the need); only its owner or an admin may replace or delete it. Needs
//! imported from the command line have no owner and only admins may change them.
//!
//! Matching: the three matching routes check their input completely (the need exists, the
//! body is a valid need, the supplier exists), then run the matching engine
//! (`crate::engine`) on the blocking pool against the current index snapshot.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{JsonBody, PathParam, QueryParams};
use super::suppliers::parse_siret;
use super::{AppState, Auth, Principal, blocking, paths};
use crate::error::ErrorCode;
use crate::model::validate::valid_need_id;
use crate::model::{self, Need};
use crate::store::{AuditEntry, Store, coll, now_rfc3339};

/// Default and largest number of matches returned.
pub const DEFAULT_MATCH_LIMIT: u64 = 20;
pub const MAX_MATCH_LIMIT: u64 = 100;

/// Who owns a need (not part of the public need).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedMeta {
    /// Id of the token that created it.
    pub owner: String,
}

pub use crate::engine::{MatchResult, MatchResults, NeedMatch};

/// Open needs, best first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NeedMatches {
    pub results: Vec<NeedMatch>,
}

fn parse_need_id(id: &str) -> ApiResult<String> {
    let id = id.trim();
    if valid_need_id(id) {
        Ok(id.to_string())
    } else {
        Err(ApiError::invalid(
            "id",
            "must be 1 to 100 characters among letters, digits, '-', '_' and '.'",
        ))
    }
}

fn need_location(id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("/api/v1/needs/{id}"))
        .unwrap_or_else(|_| HeaderValue::from_static("/api/v1/needs"))
}

/// Write a validated need with an id, and its owner when given, in one transaction.
fn write_need(
    store: &Store,
    mut n: Need,
    owner: Option<&str>,
    actor: &str,
    action: &str,
) -> ApiResult<Need> {
    let id =
        n.id.clone()
            .ok_or_else(|| ApiError::internal("need without id"))?;
    let existing = store.get_need(&id)?;
    n.created_at = existing
        .and_then(|e| e.created_at)
        .or_else(|| Some(now_rfc3339()));
    n.updated_at = None;
    let mut ops = vec![Store::need_op(&n, false)?];
    if let Some(owner) = owner {
        ops.push(Store::doc_op(
            coll::NEED_META,
            &id,
            &NeedMeta {
                owner: owner.to_string(),
            },
        )?);
    }
    store.apply(ops, vec![AuditEntry::new(actor, action, coll::NEEDS, &id)])?;
    store
        .get_need(&id)?
        .ok_or_else(|| ApiError::internal("need vanished after write"))
}

fn check_may_edit(store: &Store, principal: &Principal, id: &str) -> ApiResult<()> {
    let meta = store.get_doc::<NeedMeta>(coll::NEED_META, id)?;
    let allowed = match &meta {
        Some(m) => principal.can_edit_need(&m.owner),
        None => principal.is_admin(),
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "this token may not change the need {id}"
        )))
    }
}

fn validated(mut n: Need) -> ApiResult<Need> {
    model::validate_need(&mut n)?;
    Ok(n)
}

/// Post a need
///
/// The body is a need (contract section 2). Without `id` one is generated; with an `id` that
/// already exists the answer is 409 (use PUT to replace). The calling token owns the need.
#[utoipa::path(
    post, path = paths::NEEDS, tag = "needs",
    request_body = Need,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the need as stored", body = Need,
            headers(("location" = String, description = "URL of the need"))),
        (status = 400, description = "Malformed JSON, wrong type or unknown field (the field is named)", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Only buyer and admin tokens post needs", body = ErrorBody),
        (status = 409, description = "A need with this id exists", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn post_need(
    State(state): State<AppState>,
    Auth(principal): Auth,
    JsonBody(need): JsonBody<Need>,
) -> ApiResult<Response> {
    if !principal.can_post_needs() {
        return Err(ApiError::forbidden(
            "only buyer and admin tokens may post needs",
        ));
    }
    let mut need = validated(need)?;
    let store = state.store().clone();
    let stored = blocking(move || -> ApiResult<Need> {
        match &need.id {
            Some(id) if store.get_need(id)?.is_some() => {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("need {id} already exists; PUT /api/v1/needs/{id} replaces it"),
                )
                .with_field("id"));
            }
            Some(_) => {}
            None => need.id = Some(Store::new_need_id()),
        }
        write_need(
            &store,
            need,
            Some(&principal.token_id),
            &principal.actor(),
            "create",
        )
    })
    .await?;
    let location = need_location(stored.id.as_deref().unwrap_or_default());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(stored),
    )
        .into_response())
}

/// Read a need
#[utoipa::path(
    get, path = paths::NEED, tag = "needs",
    params(("id" = String, Path, description = "Need id")),
    responses(
        (status = 200, description = "The need", body = Need),
        (status = 404, description = "No such need", body = ErrorBody),
        (status = 422, description = "Not a valid need id", body = ErrorBody),
    )
)]
pub async fn get_need(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> ApiResult<Json<Need>> {
    let id = parse_need_id(&id)?;
    let store = state.store().clone();
    let need = blocking(move || -> ApiResult<Need> {
        store
            .get_need(&id)?
            .ok_or_else(|| ApiError::not_found(format!("need not found: {id}")))
    })
    .await?;
    Ok(Json(need))
}

/// Create or replace a need
///
/// Replacing needs the owner's token or an admin's; creating needs a buyer or admin token
/// (which then owns the need). `id` in the body may be omitted and must otherwise equal the
/// path's.
#[utoipa::path(
    put, path = paths::NEED, tag = "needs",
    params(("id" = String, Path, description = "Need id")),
    request_body = Need,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Replaced; the need as stored", body = Need),
        (status = 201, description = "Created; the need as stored", body = Need,
            headers(("location" = String, description = "URL of the need"))),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "The token does not own this need", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn put_need(
    State(state): State<AppState>,
    Auth(principal): Auth,
    PathParam(id): PathParam,
    JsonBody(mut need): JsonBody<Need>,
) -> ApiResult<Response> {
    let id = parse_need_id(&id)?;
    match need.id.as_deref().map(str::trim) {
        None => need.id = Some(id.clone()),
        Some(given) if given == id => {}
        Some(_) => {
            return Err(ApiError::invalid(
                "id",
                format!("must be the id of the path ({id})"),
            ));
        }
    }
    let store = state.store().clone();
    let (created, stored) = blocking(move || -> ApiResult<(bool, Need)> {
        let exists = store.get_need(&id)?.is_some();
        if exists {
            check_may_edit(&store, &principal, &id)?;
        } else if !principal.can_post_needs() {
            return Err(ApiError::forbidden(
                "only buyer and admin tokens may post needs",
            ));
        }
        let need = validated(need)?;
        let owner = if exists {
            None
        } else {
            Some(principal.token_id.as_str())
        };
        let stored = write_need(
            &store,
            need,
            owner,
            &principal.actor(),
            if exists { "put" } else { "create" },
        )?;
        Ok((!exists, stored))
    })
    .await?;
    if created {
        let location = need_location(stored.id.as_deref().unwrap_or_default());
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

/// Delete a need
#[utoipa::path(
    delete, path = paths::NEED, tag = "needs",
    params(("id" = String, Path, description = "Need id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "The token does not own this need", body = ErrorBody),
        (status = 404, description = "No such need", body = ErrorBody),
        (status = 422, description = "Not a valid need id", body = ErrorBody),
    )
)]
pub async fn delete_need(
    State(state): State<AppState>,
    Auth(principal): Auth,
    PathParam(id): PathParam,
) -> ApiResult<StatusCode> {
    let id = parse_need_id(&id)?;
    let store = state.store().clone();
    blocking(move || -> ApiResult<()> {
        if store.get_need(&id)?.is_none() {
            return Err(ApiError::not_found(format!("need not found: {id}")));
        }
        check_may_edit(&store, &principal, &id)?;
        let ops = vec![
            crate::store::Op::Delete {
                coll: coll::NEEDS,
                key: id.clone(),
            },
            crate::store::Op::Delete {
                coll: coll::NEED_META,
                key: id.clone(),
            },
        ];
        store.apply(
            ops,
            vec![AuditEntry::new(
                &principal.actor(),
                "delete",
                coll::NEEDS,
                &id,
            )],
        )?;
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

fn parse_limit(mut q: QueryParams) -> ApiResult<u64> {
    let limit = q
        .take_int("limit", 1, MAX_MATCH_LIMIT)?
        .unwrap_or(DEFAULT_MATCH_LIMIT);
    q.finish()?;
    Ok(limit)
}

/// Ranked suppliers for a stored need
///
/// Best first, each with the reasons it matches (French). No token needed.
#[utoipa::path(
    get, path = paths::NEED_MATCHES, tag = "needs",
    params(
        ("id" = String, Path, description = "Need id"),
        ("limit" = Option<u64>, Query, description = "Most results (1 to 100, default 20)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Ranked suppliers", body = MatchResults),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 404, description = "No such need", body = ErrorBody),
        (status = 422, description = "Invalid need id or limit", body = ErrorBody),
    )
)]
pub async fn need_matches(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    q: QueryParams,
) -> ApiResult<Json<MatchResults>> {
    let id = parse_need_id(&id)?;
    let limit = parse_limit(q)?;
    let state2 = state.clone();
    let results = blocking(move || -> ApiResult<MatchResults> {
        let need = state2
            .store()
            .get_need(&id)?
            .ok_or_else(|| ApiError::not_found(format!("need not found: {id}")))?;
        Ok(crate::engine::match_need(
            state2.index(),
            &need,
            limit as usize,
        )?)
    })
    .await?;
    Ok(Json(results))
}

/// Ranked suppliers for an ad-hoc need (nothing is stored)
#[utoipa::path(
    post, path = paths::MATCH, tag = "needs",
    params(("limit" = Option<u64>, Query, description = "Most results (1 to 100, default 20)", minimum = 1, maximum = 100)),
    request_body = Need,
    responses(
        (status = 200, description = "Ranked suppliers", body = MatchResults),
        (status = 400, description = "Malformed JSON, wrong type, unknown field or query parameter", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn adhoc_match(
    State(state): State<AppState>,
    q: QueryParams,
    JsonBody(need): JsonBody<Need>,
) -> ApiResult<Json<MatchResults>> {
    let limit = parse_limit(q)?;
    let index = state.index().clone();
    let results = state
        .queries()
        .run(move || -> ApiResult<MatchResults> {
            let need = validated(need)?;
            Ok(crate::engine::match_need(&index, &need, limit as usize)?)
        })
        .await?;
    Ok(Json(results))
}

/// Open needs a supplier could answer
#[utoipa::path(
    get, path = paths::SUPPLIER_NEEDS, tag = "needs",
    params(
        ("siret" = String, Path, description = "SIRET (14 digits)"),
        ("limit" = Option<u64>, Query, description = "Most results (1 to 100, default 20)", minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "Open needs, best first", body = NeedMatches),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 404, description = "No such supplier", body = ErrorBody),
        (status = 422, description = "Invalid SIRET or limit", body = ErrorBody),
    )
)]
pub async fn supplier_needs(
    State(state): State<AppState>,
    PathParam(siret): PathParam,
    q: QueryParams,
) -> ApiResult<Json<NeedMatches>> {
    let siret = parse_siret(&siret)?;
    let limit = parse_limit(q)?;
    let results = blocking(move || -> ApiResult<NeedMatches> {
        let stored = state
            .store()
            .get_supplier(&siret)?
            .ok_or_else(|| ApiError::not_found(format!("supplier not found: {siret}")))?;
        let needs = state.store().all_needs()?;
        Ok(NeedMatches {
            results: crate::engine::needs_for_supplier(
                state.index(),
                &stored.supplier,
                &needs,
                limit as usize,
            ),
        })
    })
    .await?;
    Ok(Json(results))
}
