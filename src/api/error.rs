//! HTTP rendering of errors: every rejection the API makes is `{"code", "message", "field"?}`
//! with the status of its [`ErrorCode`].
//!
//! A 5xx answer says only "internal error"; the cause is logged here with the request id (the
//! request-id span is entered by the middleware). This module does not decide *what* is an
//! error (that is the crate [`Error`] and the handlers), only how it is shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, ErrorCode, FieldError};

/// The error body of every 4xx and 5xx answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code.
    #[schema(value_type = String, example = "invalid_field")]
    pub code: &'static str,
    /// What went wrong, for people (English, lowercase).
    #[schema(example = "invalid siret: bad check digit (Luhn)")]
    pub message: String,
    /// The offending field as a JSON path (`activities[0].cpv[1]`), a query or path parameter
    /// name, or a header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "siret")]
    pub field: Option<String>,
    /// Every field error when a value breaks several rules (`invalid_field` only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

/// One rule a value broke.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub reason: String,
}

impl From<FieldError> for FieldErrorBody {
    fn from(e: FieldError) -> Self {
        FieldErrorBody {
            field: e.field,
            reason: e.reason,
        }
    }
}

/// An error on its way to becoming an HTTP answer.
#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub errors: Vec<FieldError>,
    /// Seconds for a `Retry-After` header (overload).
    pub retry_after: Option<u64>,
    /// Methods for an `Allow` header (405).
    pub allow: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
            retry_after: None,
            allow: None,
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }

    /// 422 naming a field.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ApiError {
        ApiError::from(Error::invalid(field, reason))
    }

    /// 400 naming a field (malformed query parameter, header, body).
    pub fn malformed(field: Option<&str>, message: impl Into<String>) -> ApiError {
        let e = ApiError::new(ErrorCode::MalformedInput, message);
        match field {
            Some(f) => e.with_field(f),
            None => e,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Forbidden, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::NotFound, message)
    }

    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::new(ErrorCode::Internal, cause.to_string())
    }

    pub fn overloaded(retry_after_secs: u64) -> ApiError {
        let mut e = ApiError::new(ErrorCode::Overloaded, "server overloaded, retry later");
        e.retry_after = Some(retry_after_secs);
        e
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let code = e.code();
        let field = e.field().map(str::to_string);
        let errors = match &e {
            Error::Invalid { errors } => errors.clone(),
            _ => Vec::new(),
        };
        ApiError {
            code,
            message: e.to_string(),
            field,
            errors,
            retry_after: None,
            allow: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = if status.is_server_error() && self.code == ErrorCode::Internal {
            // The cause stays in the logs; clients learn nothing about internals.
            tracing::error!(cause = %self.message, "internal error");
            "internal error".to_string()
        } else {
            self.message
        };
        let errors = if self.errors.len() > 1 {
            self.errors.into_iter().map(FieldErrorBody::from).collect()
        } else {
            Vec::new()
        };
        let body = ErrorBody {
            code: self.code.as_str(),
            message,
            field: self.field,
            errors,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        let headers = resp.headers_mut();
        if self.code == ErrorCode::Unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"essor\""),
            );
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Some(allow) = self.allow
            && let Ok(v) = HeaderValue::from_str(&allow)
        {
            headers.insert(header::ALLOW, v);
        }
        resp
    }
}

pub type ApiResult<T> = std::result::Result<T, ApiError>;
