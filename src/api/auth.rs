//! API tokens: roles and scopes, creation, hashing, verification, and the first admin token.
//!
//! A token is `essor_<id>_<secret>`: `id` (8 random bytes, hex) names the stored record, the
//! secret is 32 random bytes from the OS (256 bits). Only the SHA-256 of the whole token is
//! stored (collection `tokens`, keyed by id), and the presented token's hash is compared with
//! the stored one in constant time. A token is shown once, when created, and never again.
//!
//! Roles: `admin` (everything), `supplier` (edits the profiles of one SIRET, or of every SIRET
//! of one SIREN), `buyer` (posts needs and edits its own), `organiser` (one event; the checks
//! for event routes are [`Principal::can_organise`]). Reads of public data need no token.
//!
//! The admin token given in `ESSOR_ADMIN_TOKEN` is stored under the fixed id `env-admin`, so
//! any string of at least 32 characters can serve. This module does no HTTP (the extractor
//! in `api/mod.rs` calls [`authenticate`]).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::model::ids::{Siren, Siret};
use crate::model::validate::valid_need_id;
use crate::store::{AuditEntry, Store, coll, now_rfc3339};

/// Key of the token given by the `ESSOR_ADMIN_TOKEN` environment variable.
pub const ENV_ADMIN_ID: &str = "env-admin";
/// Shortest accepted `ESSOR_ADMIN_TOKEN` (characters).
pub const MIN_ENV_TOKEN_CHARS: usize = 32;
const PREFIX: &str = "essor_";

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Supplier,
    Buyer,
    Organiser,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Supplier, Role::Buyer, Role::Organiser];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supplier => "supplier",
            Role::Buyer => "buyer",
            Role::Organiser => "organiser",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// What a new token is for: a role and, for `supplier` and `organiser`, its scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenSpec {
    /// `admin`, `supplier`, `buyer` or `organiser`.
    #[schema(value_type = Role)]
    pub role: String,
    /// Supplier scope: this establishment only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    /// Supplier scope: every establishment of this enterprise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    /// Organiser scope: this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Free note for administrators (who holds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A stored token (never holds the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub id: String,
    /// SHA-256 of the whole token, hex.
    pub hash: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub created_at: String,
    pub created_by: String,
}

/// Who is calling: the verified token's role and scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub token_id: String,
    pub role: Role,
    pub siret: Option<String>,
    pub siren: Option<String>,
    pub event: Option<String>,
}

impl Principal {
    /// The audit log's `actor`: `role:token-id`.
    pub fn actor(&self) -> String {
        format!("{}:{}", self.role.as_str(), self.token_id)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// May create, replace, patch or delete the profile of this SIRET.
    pub fn can_edit_supplier(&self, siret: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Supplier => {
                self.siret.as_deref() == Some(siret)
                    || self
                        .siren
                        .as_deref()
                        .is_some_and(|s| siret.get(..9) == Some(s))
            }
            Role::Buyer | Role::Organiser => false,
        }
    }

    /// May post needs.
    pub fn can_post_needs(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Buyer)
    }

    /// May change or delete a need owned by the token `owner`.
    pub fn can_edit_need(&self, owner: &str) -> bool {
        self.is_admin() || (self.role == Role::Buyer && self.token_id == owner)
    }

    /// May manage event `event_id` (its participants, wishes and schedule).
    pub fn can_organise(&self, event_id: &str) -> bool {
        self.is_admin() || (self.role == Role::Organiser && self.event.as_deref() == Some(event_id))
    }

    fn from_record(r: &TokenRecord) -> Principal {
        Principal {
            token_id: r.id.clone(),
            role: r.role,
            siret: r.siret.clone(),
            siren: r.siren.clone(),
            event: r.event.clone(),
        }
    }
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Check a spec and normalise its scope; errors name the field.
pub fn check_spec(spec: &TokenSpec) -> Result<(Role, TokenSpec)> {
    let role = Role::parse(&spec.role).ok_or_else(|| {
        Error::invalid("role", "must be one of admin, supplier, buyer, organiser")
    })?;
    let mut out = TokenSpec {
        role: role.as_str().to_string(),
        label: spec.label.clone(),
        ..Default::default()
    };
    if let Some(l) = &out.label
        && l.chars().count() > 200
    {
        return Err(Error::invalid("label", "must have at most 200 characters"));
    }
    let scopes = [
        spec.siret.is_some(),
        spec.siren.is_some(),
        spec.event.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    match role {
        Role::Admin | Role::Buyer => {
            if scopes > 0 {
                let field = if spec.siret.is_some() {
                    "siret"
                } else if spec.siren.is_some() {
                    "siren"
                } else {
                    "event"
                };
                return Err(Error::invalid(
                    field,
                    format!("a {} token has no scope", role.as_str()),
                ));
            }
        }
        Role::Supplier => {
            if spec.event.is_some() {
                return Err(Error::invalid(
                    "event",
                    "a supplier token is scoped by siret or siren",
                ));
            }
            match (&spec.siret, &spec.siren) {
                (Some(s), None) => {
                    out.siret = Some(
                        Siret::parse(s)
                            .map_err(|r| Error::invalid("siret", r))?
                            .to_string(),
                    )
                }
                (None, Some(s)) => {
                    out.siren = Some(
                        Siren::parse(s)
                            .map_err(|r| Error::invalid("siren", r))?
                            .to_string(),
                    )
                }
                (Some(_), Some(_)) => {
                    return Err(Error::invalid("siren", "give siret or siren, not both"));
                }
                (None, None) => {
                    return Err(Error::invalid(
                        "siret",
                        "a supplier token needs a siret or a siren",
                    ));
                }
            }
        }
        Role::Organiser => {
            if spec.siret.is_some() || spec.siren.is_some() {
                let field = if spec.siret.is_some() {
                    "siret"
                } else {
                    "siren"
                };
                return Err(Error::invalid(
                    field,
                    "an organiser token is scoped by event",
                ));
            }
            match &spec.event {
                Some(e) if valid_need_id(e.trim()) => out.event = Some(e.trim().to_string()),
                Some(_) => {
                    return Err(Error::invalid(
                        "event",
                        "must be 1 to 100 characters among letters, digits, '-', '_' and '.'",
                    ));
                }
                None => return Err(Error::invalid("event", "an organiser token needs an event")),
            }
        }
    }
    Ok((role, out))
}

/// A freshly created token: the secret (shown once) and its record.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub record: TokenRecord,
}

/// Create a token from a spec, store its hash (audited in the same transaction) and return
/// the token, which is never retrievable again.
pub fn create_token(store: &Store, spec: &TokenSpec, actor: &str) -> Result<NewToken> {
    let (role, spec) = check_spec(spec)?;
    let mut id = [0u8; 8];
    let mut secret = [0u8; 32];
    crate::util::random_bytes(&mut id);
    crate::util::random_bytes(&mut secret);
    let id = hex::encode(id);
    let token = format!("{PREFIX}{id}_{}", hex::encode(secret));
    let record = TokenRecord {
        id: id.clone(),
        hash: hash_token(&token),
        role,
        siret: spec.siret,
        siren: spec.siren,
        event: spec.event,
        label: spec.label,
        created_at: now_rfc3339(),
        created_by: actor.to_string(),
    };
    let op = Store::doc_op(coll::TOKENS, &id, &record)?;
    store.apply(
        vec![op],
        vec![AuditEntry::new(actor, "token.create", coll::TOKENS, &id)],
    )?;
    Ok(NewToken { token, record })
}

/// The principal a presented token stands for, or `None` when it is unknown or wrong.
pub fn authenticate(store: &Store, token: &str) -> Result<Option<Principal>> {
    let token = token.trim();
    if token.is_empty() || token.len() > 512 {
        return Ok(None);
    }
    let presented = hash_token(token);
    let mut candidates: Vec<&str> = Vec::with_capacity(2);
    if let Some(rest) = token.strip_prefix(PREFIX)
        && let Some((id, _)) = rest.split_once('_')
        && id.len() == 16
        && id.bytes().all(|b| b.is_ascii_hexdigit())
    {
        candidates.push(id);
    }
    candidates.push(ENV_ADMIN_ID);
    for id in candidates {
        if let Some(record) = store.get_doc::<TokenRecord>(coll::TOKENS, id)?
            && bool::from(record.hash.as_bytes().ct_eq(presented.as_bytes()))
        {
            return Ok(Some(Principal::from_record(&record)));
        }
    }
    Ok(None)
}

/// Make sure an admin can log in. With `env_token` (from `ESSOR_ADMIN_TOKEN`), store its hash
/// as the `env-admin` token (replacing an older one) and return `None`. Without it, when no
/// admin token exists yet, create one and return it so the caller prints it, once; on later
/// starts nothing is created or printed.
pub fn bootstrap_admin(store: &Store, env_token: Option<&str>) -> Result<Option<String>> {
    if let Some(t) = env_token.map(str::trim).filter(|t| !t.is_empty()) {
        if t.chars().count() < MIN_ENV_TOKEN_CHARS {
            return Err(Error::invalid(
                "ESSOR_ADMIN_TOKEN",
                format!(
                    "must have at least {MIN_ENV_TOKEN_CHARS} characters (use a random string)"
                ),
            ));
        }
        let hash = hash_token(t);
        let existing = store.get_doc::<TokenRecord>(coll::TOKENS, ENV_ADMIN_ID)?;
        if existing.as_ref().is_some_and(|r| {
            bool::from(r.hash.as_bytes().ct_eq(hash.as_bytes())) && r.role == Role::Admin
        }) {
            return Ok(None);
        }
        let record = TokenRecord {
            id: ENV_ADMIN_ID.to_string(),
            hash,
            role: Role::Admin,
            siret: None,
            siren: None,
            event: None,
            label: Some("ESSOR_ADMIN_TOKEN".into()),
            created_at: now_rfc3339(),
            created_by: "env".into(),
        };
        let op = Store::doc_op(coll::TOKENS, ENV_ADMIN_ID, &record)?;
        store.apply(
            vec![op],
            vec![AuditEntry::new(
                "env",
                "token.create",
                coll::TOKENS,
                ENV_ADMIN_ID,
            )],
        )?;
        return Ok(None);
    }
    let any_admin = store
        .scan_docs::<TokenRecord>(coll::TOKENS, "")?
        .into_iter()
        .any(|(_, r)| r.role == Role::Admin);
    if any_admin {
        return Ok(None);
    }
    let t = create_token(
        store,
        &TokenSpec {
            role: "admin".into(),
            label: Some("first admin".into()),
            ..Default::default()
        },
        "bootstrap",
    )?;
    Ok(Some(t.token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        (dir, s)
    }

    #[test]
    fn created_tokens_authenticate_and_are_stored_only_hashed() {
        let (_d, s) = store();
        let t = create_token(
            &s,
            &TokenSpec {
                role: "supplier".into(),
                siren: Some("120027016".into()),
                ..Default::default()
            },
            "cli",
        )
        .unwrap();
        assert!(t.token.starts_with("essor_") && t.token.len() >= 6 + 16 + 1 + 64);
        let p = authenticate(&s, &t.token).unwrap().unwrap();
        assert_eq!(p.role, Role::Supplier);
        assert!(p.can_edit_supplier("12002701600357"));
        assert!(!p.can_edit_supplier("35600000000015"));
        let stored = s
            .get_doc::<serde_json::Value>(coll::TOKENS, &t.record.id)
            .unwrap()
            .unwrap()
            .to_string();
        assert!(
            !stored.contains(&t.token[6 + 17..]),
            "the secret must not be stored"
        );
        let mut wrong = t.token.clone();
        wrong.pop();
        wrong.push('x');
        assert!(authenticate(&s, &wrong).unwrap().is_none());
        assert!(authenticate(&s, "nonsense").unwrap().is_none());
        assert_eq!(s.audit_since(0, 10).unwrap()[0].action, "token.create");
    }

    #[test]
    fn specs_are_checked_field_by_field() {
        let bad = |spec: TokenSpec| check_spec(&spec).unwrap_err().field().map(str::to_string);
        assert_eq!(
            bad(TokenSpec {
                role: "king".into(),
                ..Default::default()
            })
            .as_deref(),
            Some("role")
        );
        assert_eq!(
            bad(TokenSpec {
                role: "supplier".into(),
                ..Default::default()
            })
            .as_deref(),
            Some("siret")
        );
        assert_eq!(
            bad(TokenSpec {
                role: "supplier".into(),
                siret: Some("123".into()),
                ..Default::default()
            })
            .as_deref(),
            Some("siret")
        );
        assert_eq!(
            bad(TokenSpec {
                role: "organiser".into(),
                ..Default::default()
            })
            .as_deref(),
            Some("event")
        );
        assert_eq!(
            bad(TokenSpec {
                role: "buyer".into(),
                event: Some("e1".into()),
                ..Default::default()
            })
            .as_deref(),
            Some("event")
        );
    }

    #[test]
    fn first_admin_token_is_created_once_and_env_token_works() {
        let (_d, s) = store();
        let first = bootstrap_admin(&s, None).unwrap().expect("a first token");
        assert!(authenticate(&s, &first).unwrap().unwrap().is_admin());
        assert!(
            bootstrap_admin(&s, None).unwrap().is_none(),
            "never printed again"
        );
        assert!(bootstrap_admin(&s, Some("short")).is_err());
        let env = "a-long-operator-chosen-secret-of-40-chars!!";
        assert!(bootstrap_admin(&s, Some(env)).unwrap().is_none());
        assert_eq!(
            authenticate(&s, env).unwrap().unwrap().token_id,
            ENV_ADMIN_ID
        );
    }
}
