//! The domain model: supplier profiles, buyer needs, identifiers, places, and the rules that
//! make them valid (contract sections 1 and 2).
//!
//! **Invariant:** pure. No IO, no async, no database or index types. Values arrive through
//! [`parse_json`] and [`validate`]; everything downstream may assume they are normalised.

pub mod area;
pub mod eligibility;
pub mod geo;
pub mod geography;
pub mod ids;
pub mod need;
pub mod supplier;
pub mod validate;

pub use area::Area;
pub use eligibility::{Basis, eligibility, supplier_eligibility};
pub use geo::GeoPoint;
pub use ids::{Siren, Siret};
pub use need::{Buyer, Need, Perimeter, Place, Reserved};
pub use supplier::{
    Activity, Address, Capacity, Contact, Kind, Mode, Offer, Reference, Supplier, Zone,
};

use crate::error::{Error, FieldError};

/// Deserialise JSON into a model type, turning serde's errors into [`Error::Malformed`]
/// that names the JSON path of the offending field (`activities[0].modes[1]`).
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    Err(Error::Malformed {
                        message: format!("invalid JSON: {}", strip_position(&inner.to_string())),
                        field: None,
                    })
                }
                _ => {
                    let message = strip_position(&inner.to_string());
                    Err(Error::Malformed {
                        field: error_field(&path, &message),
                        message,
                    })
                }
            }
        }
    }
}

/// Same as [`parse_json`] for an already parsed JSON value.
pub fn from_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, Error> {
    match serde_path_to_error::deserialize::<_, T>(v) {
        Ok(v) => Ok(v),
        Err(err) => {
            let path = err.path().to_string();
            let message = err.into_inner().to_string();
            Err(Error::Malformed {
                field: error_field(&path, &message),
                message,
            })
        }
    }
}

/// The field an error is about: serde's path, completed with the name of a missing field
/// (serde reports "missing field `name`" at the path of the enclosing object).
fn error_field(path: &str, message: &str) -> Option<String> {
    let base = if path == "." { "" } else { path };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next());
    match (base.is_empty(), missing) {
        (true, Some(m)) => Some(m.to_string()),
        (false, Some(m)) => Some(format!("{base}.{m}")),
        (false, None) => Some(base.to_string()),
        (true, None) => None,
    }
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Validate and normalise a supplier (see `validate::validate_supplier`).
pub fn validate_supplier(s: &mut Supplier) -> Result<(), Error> {
    validate::validate_supplier(s, crate::referential::Referential::get())
        .map_err(|errors| Error::Invalid { errors })
}

/// Validate and normalise a need (see `validate::validate_need`).
pub fn validate_need(n: &mut Need) -> Result<(), Error> {
    validate::validate_need(n, crate::referential::Referential::get())
        .map_err(|errors| Error::Invalid { errors })
}

/// The field errors carried by an error, or one built from its message.
pub fn field_errors(e: &Error) -> Vec<FieldError> {
    match e {
        Error::Invalid { errors } => errors.clone(),
        Error::Malformed { message, field } => vec![FieldError::new(
            field.clone().unwrap_or_default(),
            message.clone(),
        )],
        other => vec![FieldError::new("", other.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_json_path() {
        let err = parse_json::<Supplier>(
            br#"{"siret":"1","name":"x","address":{"commune":"81004"},"kinds":["ESAT","XYZ"]}"#,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("kinds[1]"));
        let err = parse_json::<Supplier>(
            br#"{"siret":"1","name":"x","address":{"commune":"81004"},"color":"red"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = parse_json::<Supplier>(br#"{"siret":"1","name":"x","address":{"commune":"81004"},"capacity":{"employees":"ten"}}"#).unwrap_err();
        assert_eq!(err.field(), Some("capacity.employees"));
        let err = parse_json::<Supplier>(b"{not json").unwrap_err();
        assert!(err.to_string().contains("invalid JSON"), "{err}");
        assert_eq!(err.field(), None);
        let err =
            parse_json::<Supplier>(br#"{"siret":"1","address":{"commune":"81004"}}"#).unwrap_err();
        assert_eq!(err.field(), Some("name"));
        let err = parse_json::<Supplier>(br#"{"siret":"1","name":"x","address":{}}"#).unwrap_err();
        assert_eq!(err.field(), Some("address.commune"));
    }
}
