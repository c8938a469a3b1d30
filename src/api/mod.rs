//! The HTTP API (contract section 4): routes under `/api/v1`, the OpenAPI document at
//! `/openapi.json`, and the server around them (limits, load shedding, request ids, metrics,
//! graceful shutdown). The only axum user.
//!
//! Shape: [`router`] builds the whole application from an [`AppState`]; tests drive it in
//! process with `oneshot`, `essor serve` hands it to [`serve`]. Handlers live in one file per
//! area (`suppliers.rs`, `needs.rs`, `events.rs`, `referential.rs`, `ops.rs`, `admin.rs`); the
//! cross-cutting parts are `error.rs` (the JSON error format), `extract.rs` (our own
//! extractors), `auth.rs` (tokens), `middleware.rs` and `metrics.rs`.
//!
//! **Invariant:** handlers never block the async executor: every store call runs in
//! [`blocking`] (`spawn_blocking`); searches and matches run on the per-core query workers
//! ([`AppState::queries`], `pool.rs`), in arrival order.
//! **Invariant:** a write answered 2xx is durable (the store fsyncs before returning).
//! What this module does not do: business rules (model, matching), storage (store), or the
//! web pages (`web/`, whose routes are merged in `routes`).

pub mod admin;
pub mod auth;
pub mod error;
pub mod events;
pub mod extract;
pub mod metrics;
pub mod middleware;
pub mod needs;
pub mod openapi;
pub mod ops;
pub mod pool;
pub mod referential;
pub mod suppliers;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::routing::{get, post};
use tokio::sync::Semaphore;

pub use auth::{Principal, Role};
pub use error::{ApiError, ApiResult, ErrorBody};

use crate::error::ErrorCode;
use crate::index::SearchIndex;
use crate::store::{Seq, Store};

/// Limits and timeouts of the server.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Largest JSON request body, in bytes.
    pub body_limit: usize,
    /// Largest import body (JSON Lines), in bytes.
    pub import_body_limit: u64,
    /// Time allowed to answer one request.
    pub request_timeout: Duration,
    /// Time allowed for one import request.
    pub import_timeout: Duration,
    /// Requests answered at once; beyond it the server answers 503 with `Retry-After`.
    pub max_concurrency: usize,
    /// Where import bodies are spooled before being imported.
    pub scratch_dir: PathBuf,
    /// Workers running searches and matches ([`pool::ComputePool`]); 0 means one per core.
    pub query_threads: usize,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            body_limit: 1 << 20,
            import_body_limit: 1 << 30,
            request_timeout: Duration::from_secs(30),
            import_timeout: Duration::from_secs(3600),
            max_concurrency: 512,
            scratch_dir: std::env::temp_dir(),
            query_threads: 0,
        }
    }
}

/// How writes become searchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexSync {
    /// A background [`crate::index::Refresher`] syncs the index; after a write the handler
    /// waits (at most [`SEARCHABLE_WITHIN`]) until searches reflect it.
    Refresher,
    /// No refresher: the handler syncs the index itself after each write (tests, tools).
    Inline,
}

/// A write answered 2xx is searchable by then, or at the latest this long after.
pub const SEARCHABLE_WITHIN: Duration = Duration::from_secs(1);

/// Everything handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    index: SearchIndex,
    sync: IndexSync,
    /// The store sequence at start: the server is ready once the index has reached it.
    ready_at_seq: Seq,
    config: ApiConfig,
    metrics: metrics::Metrics,
    limiter: Arc<Semaphore>,
    queries: pool::ComputePool,
    openapi: axum::body::Bytes,
}

impl AppState {
    /// State over a store and its search index. Reads the store's sequence (blocking: call
    /// it before serving, not from async code).
    pub fn new(
        store: Store,
        index: SearchIndex,
        sync: IndexSync,
        config: ApiConfig,
    ) -> crate::Result<AppState> {
        let limiter = Arc::new(Semaphore::new(config.max_concurrency.max(1)));
        let openapi = openapi::document_json().into();
        let ready_at_seq = store.last_seq()?;
        let queries = match config.query_threads {
            0 => pool::ComputePool::per_core()?,
            n => pool::ComputePool::new(n)?,
        };
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                index,
                sync,
                ready_at_seq,
                config,
                metrics: metrics::Metrics::default(),
                limiter,
                queries,
                openapi,
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn index(&self) -> &SearchIndex {
        &self.inner.index
    }

    pub fn ready_at_seq(&self) -> Seq {
        self.inner.ready_at_seq
    }

    /// Make a write that reached store sequence `seq` searchable (blocking; call from
    /// [`blocking`]). A failure or a slow refresher is logged, not returned: the write is
    /// durable and the index catches up by itself.
    pub fn make_searchable(&self, seq: Seq) {
        match self.inner.sync {
            IndexSync::Inline => {
                if let Err(e) = self.inner.index.sync(&self.inner.store) {
                    tracing::warn!(error = %e, seq, "search index sync after a write failed");
                }
            }
            IndexSync::Refresher => {
                if !self.inner.index.wait_for_seq(seq, SEARCHABLE_WITHIN) {
                    tracing::warn!(
                        seq,
                        "search index did not reflect a write within the expected time"
                    );
                }
            }
        }
    }

    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    pub(crate) fn limiter(&self) -> &Arc<Semaphore> {
        &self.inner.limiter
    }

    /// The workers for read-only query work (searches, matches): see [`pool`].
    pub fn queries(&self) -> &pool::ComputePool {
        &self.inner.queries
    }

    pub(crate) fn openapi_json(&self) -> axum::body::Bytes {
        self.inner.openapi.clone()
    }
}

/// Run blocking work (store calls, CPU-heavy steps) off the async executor. A panic inside
/// is re-raised here so the panic middleware answers it like any other.
pub async fn blocking<T, E, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    E: Into<ApiError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(Into::into),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(ApiError::internal(format!("blocking task cancelled: {e}"))),
    }
}

/// The caller of a route that needs a token: verified, or the request is answered 401.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else {
            return Err(ApiError::unauthorized("missing bearer token").with_field("authorization"));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| rest.trim().to_string())
            })
            .ok_or_else(|| {
                ApiError::unauthorized("authorization must be: Bearer TOKEN")
                    .with_field("authorization")
            })?;
        let store = state.store().clone();
        match blocking(move || auth::authenticate(&store, &token)).await? {
            Some(p) => Ok(Auth(p)),
            None => Err(ApiError::unauthorized("invalid token").with_field("authorization")),
        }
    }
}

/// Route templates, shared by the router, the OpenAPI document and the tests.
pub mod paths {
    pub const SUPPLIERS: &str = "/api/v1/suppliers";
    pub const SUPPLIER: &str = "/api/v1/suppliers/{siret}";
    pub const SUPPLIER_NEEDS: &str = "/api/v1/suppliers/{siret}/needs";
    pub const NEEDS: &str = "/api/v1/needs";
    pub const NEED: &str = "/api/v1/needs/{id}";
    pub const NEED_MATCHES: &str = "/api/v1/needs/{id}/matches";
    pub const MATCH: &str = "/api/v1/match";
    pub const COMMUNES: &str = "/api/v1/communes";
    pub const CPV: &str = "/api/v1/cpv";
    pub const CPV_CODE: &str = "/api/v1/cpv/{code}";
    pub const NAF: &str = "/api/v1/naf";
    pub const NAF_CODE: &str = "/api/v1/naf/{code}";
    pub const DEPARTEMENTS: &str = "/api/v1/departements";
    pub const REGIONS: &str = "/api/v1/regions";
    pub const GEO_DEPARTEMENTS: &str = "/api/v1/geo/departements.geojson";
    pub const GEO_REGIONS: &str = "/api/v1/geo/regions.geojson";
    pub const TOKENS: &str = "/api/v1/tokens";
    pub const IMPORT_SUPPLIERS: &str = "/api/v1/import/suppliers";
    pub const HEALTHZ: &str = "/api/v1/healthz";
    pub const READYZ: &str = "/api/v1/readyz";
    pub const METRICS: &str = "/api/v1/metrics";
    pub const OPENAPI: &str = "/openapi.json";
    pub const HOME: &str = "/";
}

/// The whole application: every route, the JSON 404/405 fallbacks and the middleware.
pub fn router(state: AppState) -> Router {
    with_middleware(routes(), state)
}

/// Every route of the API, without middleware.
pub fn routes() -> Router<AppState> {
    use paths::*;
    Router::new()
        .route(SUPPLIERS, get(suppliers::search))
        .route(
            SUPPLIER,
            get(suppliers::get_supplier)
                .put(suppliers::put_supplier)
                .patch(suppliers::patch_supplier)
                .delete(suppliers::delete_supplier),
        )
        .route(SUPPLIER_NEEDS, get(needs::supplier_needs))
        .route(NEEDS, post(needs::post_need))
        .route(
            NEED,
            get(needs::get_need)
                .put(needs::put_need)
                .delete(needs::delete_need),
        )
        .route(NEED_MATCHES, get(needs::need_matches))
        .route(MATCH, post(needs::adhoc_match))
        .route(COMMUNES, get(referential::communes))
        .route(CPV, get(referential::cpv_search))
        .route(CPV_CODE, get(referential::cpv_code))
        .route(NAF, get(referential::naf_search))
        .route(NAF_CODE, get(referential::naf_code))
        .route(DEPARTEMENTS, get(referential::departements))
        .route(REGIONS, get(referential::regions))
        .route(GEO_DEPARTEMENTS, get(referential::departements_geojson))
        .route(GEO_REGIONS, get(referential::regions_geojson))
        .route(TOKENS, post(admin::create_token))
        .route(
            IMPORT_SUPPLIERS,
            post(admin::import_suppliers).layer(DefaultBodyLimit::disable()),
        )
        .route(HEALTHZ, get(ops::healthz))
        .route(READYZ, get(ops::readyz))
        .route(METRICS, get(ops::metrics))
        .route(OPENAPI, get(ops::openapi))
        .merge(events::routes())
        .merge(crate::web::routes())
}

/// Wrap routes in the API's fallbacks (JSON 404 and 405) and middleware (body limit, panic
/// catching, request ids, logs, metrics, timeouts, load shedding). Public so tests can put
/// their own handlers (a panicking one, a slow one) behind exactly the same stack.
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let body_limit = state.config().body_limit;
    routes
        .fallback(middleware::not_found)
        .method_not_allowed_fallback(middleware::method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::catch_panic_layer())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe,
        ))
        .with_state(state)
}

/// Serve `router(state)` on `listener` until `shutdown` resolves; then stop accepting, let
/// in-flight requests finish (at most `grace`), stop the index refresher, and flush the store.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
    refresher: Option<crate::index::Refresher>,
) -> crate::Result<()> {
    let store = state.store().clone();
    let app = router(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = rx.await;
    })
    .into_future();
    let mut server = tokio::spawn(server);
    tokio::select! {
        res = &mut server => {
            // The server stopped on its own (listener error).
            res.map_err(|e| crate::Error::Internal(format!("server task: {e}")))??;
        }
        () = shutdown => {
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = tx.send(());
            match tokio::time::timeout(grace, &mut server).await {
                Ok(res) => res.map_err(|e| crate::Error::Internal(format!("server task: {e}")))??,
                Err(_) => {
                    tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests still running after the grace period; stopping");
                    server.abort();
                }
            }
        }
    }
    tokio::task::spawn_blocking(move || {
        // Stop index syncing before the store folds its log.
        drop(refresher);
        store.flush()
    })
    .await
    .map_err(|e| crate::Error::Internal(format!("flush task: {e}")))??;
    tracing::info!("store flushed; bye");
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// The error every not-yet-built feature answers with (501).
pub fn not_available(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotAvailable,
        format!("not available yet: {what}"),
    )
}
