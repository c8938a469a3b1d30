//! The API's own extractors, so that malformed input is answered in the same JSON error format
//! as everything else (axum's built-in rejections are plain text).
//!
//! - [`JsonBody`]: checks the media type (415), reads the body within the size limit (413),
//!   decodes with field paths (400 naming the field; unknown fields are rejected because the
//!   model denies them).
//! - [`JsonValue`]: same, into a raw `serde_json::Value` (merge patches, PUT bodies completed
//!   from the path).
//! - [`PathParam`]: one path segment, percent-decoded.
//! - [`QueryParams`]: the query string as pairs, with typed getters that name the parameter
//!   and a final check that rejects unknown parameters.
//!
//! What this module does not do: validation of domain values (that is `model::validate_*`).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;

use super::error::{ApiError, ApiResult};
use crate::error::ErrorCode;
use crate::model;

/// Media types accepted as JSON bodies.
fn is_json_media_type(ct: &str, allow_merge_patch: bool) -> bool {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/")
            && essence.ends_with("+json")
            && (allow_merge_patch || essence != "application/merge-patch+json"))
}

fn check_media_type(req: &Request, allow_merge_patch: bool) -> ApiResult<()> {
    let ct = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    match ct {
        Some(ct) if is_json_media_type(ct, allow_merge_patch) => Ok(()),
        Some(ct) => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("unsupported content type {ct:?}: send application/json"),
        )
        .with_field("content-type")),
        None => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "missing content type: send application/json",
        )
        .with_field("content-type")),
    }
}

/// Read the whole body within the router's body limit.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> ApiResult<Bytes> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(ErrorCode::PayloadTooLarge, "request body too large")
        } else {
            ApiError::malformed(
                None,
                format!("cannot read request body: {}", rejection.body_text()),
            )
        }
    })
}

/// A JSON request body decoded into a model type.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        check_media_type(&req, false)?;
        let bytes = read_body(req, state).await?;
        model::parse_json::<T>(&bytes)
            .map(JsonBody)
            .map_err(ApiError::from)
    }
}

/// A JSON request body as a raw value (syntax checked, shape not). Also accepts
/// `application/merge-patch+json`.
#[derive(Debug)]
pub struct JsonValue(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for JsonValue {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        check_media_type(&req, true)?;
        let bytes = read_body(req, state).await?;
        model::parse_json::<serde_json::Value>(&bytes)
            .map(JsonValue)
            .map_err(ApiError::from)
    }
}

/// The single path parameter of a route, percent-decoded.
#[derive(Debug)]
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        match axum::extract::Path::<String>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(s)) => Ok(PathParam(s)),
            Err(rejection) => Err(ApiError::malformed(
                None,
                format!("bad path parameter: {}", rejection.body_text()),
            )),
        }
    }
}

/// The query string as name/value pairs. Getters remove what they read; [`QueryParams::finish`]
/// rejects whatever is left, so a mistyped parameter is an error rather than silently ignored.
#[derive(Debug, Default)]
pub struct QueryParams {
    pairs: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> ApiResult<Self> {
        match axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri) {
            Ok(axum::extract::Query(pairs)) => Ok(QueryParams { pairs }),
            Err(rejection) => Err(ApiError::malformed(
                None,
                format!("bad query string: {}", rejection.body_text()),
            )),
        }
    }
}

impl QueryParams {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> QueryParams {
        QueryParams { pairs }
    }

    /// The value of a parameter given at most once; an empty value counts as absent.
    pub fn take(&mut self, name: &str) -> ApiResult<Option<String>> {
        let mut found: Option<String> = None;
        let mut count = 0;
        self.pairs.retain(|(k, v)| {
            if k == name {
                count += 1;
                found = Some(v.clone());
                false
            } else {
                true
            }
        });
        if count > 1 {
            return Err(ApiError::malformed(
                Some(name),
                format!("query parameter {name} given {count} times"),
            ));
        }
        Ok(found
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty()))
    }

    /// A comma-separated list (the parameter may also be repeated).
    pub fn take_list(&mut self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.pairs.retain(|(k, v)| {
            if k == name {
                out.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(str::to_string),
                );
                false
            } else {
                true
            }
        });
        out
    }

    /// An integer in `[min, max]`.
    pub fn take_int(&mut self, name: &str, min: u64, max: u64) -> ApiResult<Option<u64>> {
        let Some(v) = self.take(name)? else {
            return Ok(None);
        };
        match v.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::invalid(
                name,
                format!("must be an integer between {min} and {max}"),
            )),
        }
    }

    /// A finite number in `[min, max]`.
    pub fn take_f64(&mut self, name: &str, min: f64, max: f64) -> ApiResult<Option<f64>> {
        let Some(v) = self.take(name)? else {
            return Ok(None);
        };
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= min && x <= max => Ok(Some(x)),
            _ => Err(ApiError::invalid(
                name,
                format!("must be a number between {min} and {max}"),
            )),
        }
    }

    /// A boolean (`true`/`false`, `1`/`0`).
    pub fn take_bool(&mut self, name: &str) -> ApiResult<Option<bool>> {
        let Some(v) = self.take(name)? else {
            return Ok(None);
        };
        match v.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(ApiError::invalid(name, "must be true or false")),
        }
    }

    /// Reject any parameter nobody read.
    pub fn finish(self) -> ApiResult<()> {
        match self.pairs.into_iter().next() {
            None => Ok(()),
            Some((k, _)) => Err(ApiError::malformed(
                Some(&k),
                format!("unknown query parameter {k}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        assert!(is_json_media_type("application/json", false));
        assert!(is_json_media_type("application/json; charset=utf-8", false));
        assert!(is_json_media_type("application/merge-patch+json", true));
        assert!(!is_json_media_type("application/merge-patch+json", false));
        assert!(!is_json_media_type("text/plain", true));
    }

    #[test]
    fn query_getters_name_the_parameter_and_reject_leftovers() {
        let mut q =
            QueryParams::from_pairs(vec![("page".into(), "0".into()), ("x".into(), "1".into())]);
        assert_eq!(
            q.take_int("page", 1, 10).unwrap_err().field.as_deref(),
            Some("page")
        );
        assert_eq!(q.finish().unwrap_err().field.as_deref(), Some("x"));
        let mut q = QueryParams::from_pairs(vec![
            ("kinds".into(), "EA, ESAT".into()),
            ("kinds".into(), "EI".into()),
        ]);
        assert_eq!(q.take_list("kinds"), ["EA", "ESAT", "EI"]);
        assert!(q.finish().is_ok());
    }
}
