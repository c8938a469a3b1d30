//! Operations routes: liveness, readiness, Prometheus metrics, the OpenAPI document, and the
//! placeholder home page.
//!
//! `/` is an honest placeholder in French until the web pages (`web/`) exist: it says what
//! the service is and where the API and its documentation are. What this module does not do:
//! collect metrics (`middleware.rs` does).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::error::{ApiResult, ErrorBody};
use super::metrics::Gauges;
use super::{AppState, blocking, paths};

/// Liveness.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: &'static str,
    pub version: &'static str,
}

/// Readiness: whether searches reflect the store.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    /// The search index has caught up with the store as it was when the server started.
    pub ready: bool,
    /// Last sequence number of the store.
    pub store_seq: i64,
    /// Store sequence the search index reflects.
    pub index_seq: i64,
    /// Store changes not yet searchable.
    pub lag: i64,
    /// Suppliers in the search index.
    pub index_documents: u64,
}

/// Liveness probe
#[utoipa::path(get, path = paths::HEALTHZ, tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Readiness probe
///
/// Ready once the store answers and the search index has caught up with it.
#[utoipa::path(get, path = paths::READYZ, tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Not ready yet (the index is catching up)", body = Readiness),
    ))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Response> {
    let st = state.clone();
    let r = blocking(move || -> crate::Result<Readiness> {
        let store_seq = st.store().last_seq()?;
        let snap = st.index().snapshot();
        let index_seq = snap.seq();
        Ok(Readiness {
            ready: index_seq >= st.ready_at_seq(),
            store_seq,
            index_seq,
            lag: (store_seq - index_seq).max(0),
            index_documents: snap.num_suppliers(),
        })
    })
    .await?;
    let status = if r.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    Ok((status, Json(r)).into_response())
}

/// Prometheus metrics
///
/// Request counts and latency histograms per method and route template, requests in flight
/// and shed, query workers and their queue, store sequence and sizes, index size and lag.
#[utoipa::path(get, path = paths::METRICS, tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 500, description = "The store could not be read", body = ErrorBody),
    ))]
pub async fn metrics(State(state): State<AppState>) -> ApiResult<Response> {
    let st = state.clone();
    let gauges = blocking(move || -> crate::Result<Gauges> {
        let snap = st.index().snapshot();
        Ok(Gauges {
            store_seq: st.store().last_seq()?,
            num_suppliers: st.store().count_suppliers()?,
            num_needs: st.store().count_needs()?,
            index_docs: Some(snap.num_suppliers()),
            index_seq: Some(snap.seq()),
            query_queue: st.queries().queued() as u64,
            query_workers: st.queries().threads() as u64,
        })
    })
    .await?;
    let text = state.metrics().render(&gauges);
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

/// The OpenAPI 3.1 document of this API
#[utoipa::path(get, path = paths::OPENAPI, tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 document", body = Object)))]
pub async fn openapi(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        state.openapi_json(),
    )
        .into_response()
}

/// The web interface's supplier search page (French HTML)
///
/// A GET form rendered on the server (see `web/`): the same filters as the search route, as
/// French query parameters, with results, facets, a map and CSV/GeoJSON exports.
#[utoipa::path(get, path = paths::HOME, tag = "operations",
    responses((status = 200, description = "The search page (HTML, French)", body = String, content_type = "text/html")))]
// Documentation only: `web::routes` serves the page; this entry puts it in /openapi.json.
#[allow(dead_code)]
pub async fn home() {}
