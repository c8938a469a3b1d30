//! Admin routes: create API tokens, import suppliers (JSON Lines or CSV body).
//!
//! The import reuses `import::import_suppliers` unchanged: the body is spooled to a file in
//! the scratch directory (never held in memory whole) and imported with the same validation,
//! batching and row-level report as `essor import suppliers`. What this module does not do:
//! token verification (`auth.rs`) or list/revoke tokens (not in this version).

use std::path::PathBuf;
use std::pin::Pin;

use axum::Json;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use serde::Serialize;
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use super::auth::{Role, TokenSpec};
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::JsonBody;
use super::{AppState, Auth, blocking, paths};
use crate::error::ErrorCode;
use crate::import::{ImportOptions, ImportReport};

/// A new token, shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The bearer token. It is not stored and cannot be shown again.
    pub token: String,
    /// Public id of the token (appears in the audit log as `role:id`).
    pub id: String,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub created_at: String,
}

fn require_admin(p: &super::Principal) -> ApiResult<()> {
    if p.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("only admin tokens may do this"))
    }
}

/// Create an API token (admin)
///
/// `supplier` tokens need `siret` or `siren`; `organiser` tokens need `event`; `admin` and
/// `buyer` tokens have no scope. The token is in the answer and nowhere else.
#[utoipa::path(
    post, path = paths::TOKENS, tag = "admin",
    request_body = TokenSpec,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the token is shown once", body = CreatedToken),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Bad role or scope (the field is named)", body = ErrorBody),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    Auth(principal): Auth,
    JsonBody(spec): JsonBody<TokenSpec>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    require_admin(&principal)?;
    let store = state.store().clone();
    let t = blocking(move || super::auth::create_token(&store, &spec, &principal.actor())).await?;
    let r = t.record;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: t.token,
            id: r.id,
            role: r.role,
            siret: r.siret,
            siren: r.siren,
            event: r.event,
            label: r.label,
            created_at: r.created_at,
        }),
    ))
}

/// One rejected row of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowErrorOut {
    /// 1-based line of the body (for CSV the header is line 1).
    pub line: u64,
    /// The offending field (JSON path); empty when the whole row is unreadable.
    pub field: String,
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReportOut {
    /// Rows read (blank lines excluded).
    pub read: u64,
    /// Valid rows.
    pub accepted: u64,
    /// Valid rows that created or changed a profile.
    pub changed: u64,
    /// Valid rows identical to the stored profile.
    pub unchanged: u64,
    /// Every field error of every rejected row.
    pub rejected: Vec<RowErrorOut>,
    /// Number of rejected rows.
    pub rejected_rows: u64,
    /// Store sequence after the import.
    pub seq: i64,
}

impl From<ImportReport> for ImportReportOut {
    fn from(r: ImportReport) -> Self {
        ImportReportOut {
            read: r.read,
            accepted: r.accepted,
            changed: r.changed,
            unchanged: r.unchanged,
            rejected: r
                .rejected
                .into_iter()
                .map(|e| RowErrorOut {
                    line: e.line,
                    field: e.field,
                    reason: e.reason,
                })
                .collect(),
            rejected_rows: r.rejected_rows,
            seq: r.seq,
        }
    }
}

/// Deletes the spooled file however the request ends.
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn import_format(content_type: Option<&str>) -> ApiResult<&'static str> {
    let essence = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/x-ndjson" | "application/jsonl" | "application/jsonlines" | "application/json-lines" | "application/json" => Ok("jsonl"),
        "text/csv" => Ok("csv"),
        "" => Err(ApiError::new(ErrorCode::UnsupportedMediaType, "missing content type: send application/x-ndjson or text/csv")
            .with_field("content-type")),
        other => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("unsupported content type {other:?}: send application/x-ndjson (JSON Lines) or text/csv"),
        )
        .with_field("content-type")),
    }
}

async fn spool_body(body: Body, path: &std::path::Path, limit: u64) -> ApiResult<()> {
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(ApiError::internal)?;
    let mut body = body;
    let mut written: u64 = 0;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame
            .map_err(|e| ApiError::malformed(None, format!("cannot read request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            written += data.len() as u64;
            if written > limit {
                return Err(ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("import body larger than {limit} bytes"),
                ));
            }
            file.write_all(&data).await.map_err(ApiError::internal)?;
        }
    }
    file.flush().await.map_err(ApiError::internal)?;
    Ok(())
}

/// Import suppliers (admin)
///
/// The body is JSON Lines (`application/x-ndjson`, one profile per line) or CSV (`text/csv`,
/// columns as for `essor import suppliers`). Profiles are upserted by SIRET; bad rows are
/// reported with line, field and reason and the rest is imported (200 either way).
#[utoipa::path(
    post, path = paths::IMPORT_SUPPLIERS, tag = "admin",
    request_body(description = "JSON Lines, one supplier profile per line, or CSV", content(
        (String = "application/x-ndjson"),
        (String = "text/csv"),
    )),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The import report", body = ImportReportOut),
        (status = 400, description = "Unreadable body or CSV header", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Neither JSON Lines nor CSV", body = ErrorBody),
    )
)]
pub async fn import_suppliers(
    State(state): State<AppState>,
    Auth(principal): Auth,
    req: Request,
) -> ApiResult<Json<ImportReportOut>> {
    require_admin(&principal)?;
    let ext = import_format(
        req.headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    if let Some(len) = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        && len > state.config().import_body_limit
    {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!(
                "import body larger than {} bytes",
                state.config().import_body_limit
            ),
        ));
    }
    let mut name = [0u8; 8];
    crate::util::random_bytes(&mut name);
    let spool = Spool(
        state
            .config()
            .scratch_dir
            .join(format!("essor-import-{}.{ext}", hex::encode(name))),
    );
    spool_body(req.into_body(), &spool.0, state.config().import_body_limit).await?;
    let store = state.store().clone();
    let opts = ImportOptions {
        actor: principal.actor(),
        progress: false,
        ..ImportOptions::default()
    };
    let st = state.clone();
    let report = blocking(move || {
        let r = crate::import::import_suppliers(&store, &spool.0, &opts);
        drop(spool);
        if let Ok(report) = &r {
            st.make_searchable(report.seq);
        }
        r
    })
    .await?;
    Ok(Json(report.into()))
}
