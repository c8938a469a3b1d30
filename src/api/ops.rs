//! Operations routes: liveness, readiness, Prometheus metrics, the OpenAPI document, and the
//! placeholder home page.
//!
//! `/` is an honest placeholder in French until the web pages (`web/`) exist: it says what
//! the service is and where the API and its documentation are. What this module does not do:
//! collect metrics (`middleware.rs` does).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
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
/// and shed, store sequence and sizes, index size and lag.
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

const HOME_HTML: &str = r#"<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>essor — achats responsables auprès de l'ESS</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1e1e1e}code{background:#f2f2f2;padding:0 .2em}</style>
</head>
<body>
<h1>essor</h1>
<p>Moteur de recherche et de mise en relation pour les achats publics responsables auprès des
structures de l'économie sociale et solidaire (ESAT, EA, SIAE, entreprises de l'ESS).</p>
<p><strong>Page provisoire :</strong> l'interface web n'est pas encore disponible dans cette
version. Le service répond déjà par son API.</p>
<ul>
<li>API : <code>/api/v1/</code> (par exemple <a href="/api/v1/communes?q=albi"><code>/api/v1/communes?q=albi</code></a>)</li>
<li>Documentation de l'API (OpenAPI 3.1) : <a href="/openapi.json"><code>/openapi.json</code></a></li>
<li>État du service : <a href="/api/v1/healthz"><code>/api/v1/healthz</code></a></li>
</ul>
</body>
</html>
"#;

/// Home page (placeholder until the web interface exists)
#[utoipa::path(get, path = paths::HOME, tag = "operations",
    responses((status = 200, description = "HTML page (French)", body = String, content_type = "text/html")))]
pub async fn home() -> Html<&'static str> {
    Html(HOME_HTML)
}
