//! Cross-cutting request handling: request ids, structured request logs, metrics, per-request
//! timeouts, load shedding, CORS, panic catching, and the JSON 404/405 fallbacks.
//!
//! Load shedding: at most `max_concurrency` requests are answered at once; one more is refused
//! at once with 503 `overloaded` and `Retry-After`, instead of queueing until everything times
//! out. The operations routes (`healthz`, `readyz`, `metrics`) are exempt so probes and
//! scrapes still work under overload. What this module does not do: authentication
//! (`Auth` in `api/mod.rs`) or body limits (axum's `DefaultBodyLimit`, set by the router).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::error::ApiError;
use super::{AppState, paths};
use crate::error::ErrorCode;

/// Header carrying the request id, echoed in every response.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

const ALLOWED_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
const ALLOWED_HEADERS: &str = "authorization, content-type, x-request-id";
const EXPOSED_HEADERS: &str = "x-request-id, retry-after, location, www-authenticate";

fn new_request_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| {
        let mut b = [0u8; 4];
        crate::util::random_bytes(&mut b);
        hex::encode(b)
    });
    format!("{prefix}-{:08x}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A client-given request id is kept when it is short and plain; otherwise one is generated.
fn request_id_of(req: &Request) -> String {
    req.headers()
        .get(&X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_string)
        .unwrap_or_else(new_request_id)
}

fn is_exempt_from_shedding(route: &str) -> bool {
    route == paths::HEALTHZ || route == paths::READYZ || route == paths::METRICS
}

fn add_cors(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSED_HEADERS),
    );
}

/// The outermost layer: everything that happens to every request.
pub async fn observe(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let request_id = request_id_of(&req);
    let id_value =
        HeaderValue::from_str(&request_id).unwrap_or_else(|_| HeaderValue::from_static("invalid"));
    req.headers_mut()
        .insert(X_REQUEST_ID.clone(), id_value.clone());
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let path = req.uri().path().to_string();
    let span = tracing::info_span!("request", id = %request_id, method = %method, route = %route);
    async move {
        let is_preflight = method == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        let mut resp = if is_preflight {
            let mut r = StatusCode::NO_CONTENT.into_response();
            let h = r.headers_mut();
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOWED_METHODS),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOWED_HEADERS),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("86400"),
            );
            r
        } else if is_exempt_from_shedding(&route) {
            next.run(req).await
        } else {
            match state.limiter().clone().try_acquire_owned() {
                Err(_) => {
                    state.metrics().record_shed();
                    tracing::warn!("overloaded: request shed");
                    ApiError::overloaded(1).into_response()
                }
                Ok(_permit) => {
                    let _in_flight = state.metrics().start();
                    let limit = if route == paths::IMPORT_SUPPLIERS {
                        state.config().import_timeout
                    } else {
                        state.config().request_timeout
                    };
                    match tokio::time::timeout(limit, next.run(req)).await {
                        Ok(r) => r,
                        Err(_) => {
                            tracing::warn!(
                                timeout_ms = limit.as_millis() as u64,
                                "request timed out"
                            );
                            ApiError::new(ErrorCode::Timeout, "request timed out").into_response()
                        }
                    }
                }
            }
        };
        resp.headers_mut().insert(X_REQUEST_ID.clone(), id_value);
        add_cors(&mut resp);
        let status = resp.status().as_u16();
        let elapsed = start.elapsed();
        state
            .metrics()
            .record(method.as_str(), &route, status, elapsed);
        tracing::info!(path = %path, status, latency_us = elapsed.as_micros() as u64, "answered");
        resp
    }
    .instrument(span)
    .await
}

/// Unknown route: JSON 404.
pub async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!("no route for {}", req.uri().path()))
}

/// Known route, wrong method: JSON 405 (axum adds the `Allow` header).
pub async fn method_not_allowed(req: Request) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "method {} not allowed on {}",
            req.method(),
            req.uri().path()
        ),
    )
}

fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = err.downcast_ref::<&str>() {
        s.to_string()
    } else {
        "unknown panic payload".to_string()
    };
    ApiError::internal(format!("handler panicked: {detail}")).into_response()
}

/// Turns a panicking handler into a logged JSON 500.
pub fn catch_panic_layer()
-> tower_http::catch_panic::CatchPanicLayer<fn(Box<dyn std::any::Any + Send + 'static>) -> Response>
{
    tower_http::catch_panic::CatchPanicLayer::custom(
        panic_response as fn(Box<dyn std::any::Any + Send + 'static>) -> Response,
    )
}
