//! The crate's one error type and its closed list of stable error codes.
//!
//! Every fallible library function returns [`Error`]. Each variant maps to one [`ErrorCode`],
//! which fixes the HTTP status and the snake_case `code` clients see. This module does not
//! render HTTP responses (that is `api/`), it only says what the error is.

use std::fmt;

/// One reason a value was rejected: the field (a JSON path such as `activities[0].cpv[1]`)
/// and why, in lowercase English without a trailing period.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same error, with its field nested under `prefix` (`address` + `commune` gives
    /// `address.commune`; `activities[0]` + `cpv` gives `activities[0].cpv`).
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = if self.field.is_empty() {
            prefix.to_string()
        } else if self.field.starts_with('[') {
            format!("{prefix}{}", self.field)
        } else {
            format!("{prefix}.{}", self.field)
        };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

/// The crate's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value is invalid; `errors` holds at least one field error, the first is reported.
    #[error("invalid {}: {}", .errors[0].field, .errors[0].reason)]
    Invalid { errors: Vec<FieldError> },
    /// A request body or file is not well-formed (JSON syntax, wrong type, unknown field).
    #[error("malformed input: {message}")]
    Malformed {
        message: String,
        field: Option<String>,
    },
    #[error("{kind} not found: {id}")]
    NotFound { kind: &'static str, id: String },
    #[error("conflict: {message}")]
    Conflict { message: String },
    #[error("missing or invalid token")]
    Unauthorized,
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    #[error("not available yet: {what}")]
    NotAvailable { what: String },
    /// The durable store failed (disk, corruption, lock); never caused by user input.
    #[error("store error: {0}")]
    Store(String),
    /// A derived index failed; it can be rebuilt from the store.
    #[error("index error: {0}")]
    Index(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Invalid {
            errors: vec![FieldError::new(field, reason)],
        }
    }

    pub fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            kind,
            id: id.into(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid { .. } => ErrorCode::InvalidField,
            Error::Malformed { .. } => ErrorCode::MalformedInput,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::Unauthorized => ErrorCode::Unauthorized,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NotAvailable { .. } => ErrorCode::NotAvailable,
            Error::Store(_) | Error::Index(_) | Error::Io(_) | Error::Internal(_) => {
                ErrorCode::Internal
            }
        }
    }

    /// The field the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { errors } => errors.first().map(|e| e.field.as_str()),
            Error::Malformed { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

/// The closed list of error codes clients can rely on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidField,
    MalformedInput,
    NotFound,
    Conflict,
    Unauthorized,
    Forbidden,
    NotAvailable,
    PayloadTooLarge,
    MethodNotAllowed,
    UnsupportedMediaType,
    Overloaded,
    Timeout,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::MalformedInput => "malformed_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotAvailable => "not_available",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status this code is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidField => 422,
            ErrorCode::MalformedInput => 400,
            ErrorCode::NotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotAvailable => 501,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Overloaded => 503,
            ErrorCode::Timeout => 503,
            ErrorCode::Internal => 500,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
