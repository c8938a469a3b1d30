//! Field provenance: how a register import updates a profile without overwriting what the
//! SSE company wrote itself.
//!
//! **The rule.** For every register-managed field (see [`RegisterFields`]), the import keeps,
//! per SIRET, the value it last wrote (in `store::coll::SUPPLIER_META`, under the `sirene`
//! key, written in the same atomic batch as the profile). On the next import:
//! - if the profile's current value equals the value the register last wrote, nobody touched
//!   it since: it takes the new register value (the register changed, or not);
//! - if it differs, the company (or an administrator) edited it: it is left alone;
//! - if there is no record of a previous register value (the profile was created by the
//!   company or a supplier import), only empty fields (absent, `false`, empty list) take the
//!   register value; anything already filled is the company's.
//!
//! The record is then updated to the new register values in every case, so a field the
//! company edited stays the company's until it sets it back to exactly the register's
//! value. Fields the register does not know (description, offers, activities, contact,
//! labels, ESUS…) are never touched. Structure kinds: the register only contributes
//! *inferred* kinds (`Supplier::inferred_kinds`); kinds the company declared itself (in
//! `kinds` but not in `inferred_kinds`) are never removed, and the inferred set follows the
//! rule above as one field. Closing follows the same rule: the register closes a profile
//! (`closed: true`) when the establishment ceased, and reopens it if it reappears active,
//! unless the company changed that flag itself. A profile deleted from the store after an
//! import is not re-created by later imports: its register record stays behind as the mark
//! of that decision (`writer.rs`). Pure: no IO.

use serde::{Deserialize, Serialize};

use crate::model::{Address, GeoPoint, Kind, Supplier};

/// The profile fields the register manages, as the import writes them (validated and
/// normalised).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RegisterFields {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default)]
    pub ess: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_form: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub naf: Option<String>,
    pub address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    /// `capacity.founded`: the year the legal unit was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded: Option<i32>,
    #[serde(default)]
    pub inferred_kinds: Vec<Kind>,
    #[serde(default)]
    pub closed: bool,
}

/// What the import keeps per SIRET in `supplier_meta`, under the `sirene` key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterRecord {
    /// Layout version of this record.
    pub v: u32,
    /// The values the last import wrote.
    pub fields: RegisterFields,
}

/// Key of the register record inside a `supplier_meta` document.
pub const META_KEY: &str = "sirene";

/// One register-managed field, by its profile name.
fn pick<T: PartialEq + Clone>(
    current: &T,
    last: Option<&T>,
    new: &T,
    empty: bool,
    preserved: &mut Vec<&'static str>,
    name: &'static str,
) -> T {
    let take_new = match last {
        Some(l) => current == l,
        None => empty,
    };
    if take_new {
        new.clone()
    } else {
        if current != new {
            preserved.push(name);
        }
        current.clone()
    }
}

/// The result of applying a register row to a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub supplier: Supplier,
    /// Fields whose company value was kept although the register says otherwise.
    pub preserved: Vec<&'static str>,
}

/// A new profile from register values alone.
pub fn new_profile(siret: &str, reg: &RegisterFields) -> Supplier {
    let blank = Supplier {
        siret: siret.to_string(),
        ..Supplier::default()
    };
    merge(&blank, None, reg).supplier
}

/// Apply new register values to a profile, given the values the last import wrote
/// (`None` when the profile never came from the register). The result has no
/// `updated_at` (the store sets it).
pub fn merge(current: &Supplier, last: Option<&RegisterFields>, new: &RegisterFields) -> Merged {
    let mut s = current.clone();
    s.updated_at = None;
    let mut p = Vec::new();
    let fresh = current.name.is_empty() && current.address.commune.is_empty();
    s.name = pick(
        &current.name,
        last.map(|l| &l.name),
        &new.name,
        current.name.is_empty(),
        &mut p,
        "name",
    );
    s.brand = pick(
        &current.brand,
        last.map(|l| &l.brand),
        &new.brand,
        current.brand.is_none(),
        &mut p,
        "brand",
    );
    s.ess = pick(
        &current.ess,
        last.map(|l| &l.ess),
        &new.ess,
        !current.ess,
        &mut p,
        "ess",
    );
    s.legal_form = pick(
        &current.legal_form,
        last.map(|l| &l.legal_form),
        &new.legal_form,
        current.legal_form.is_none(),
        &mut p,
        "legal_form",
    );
    s.naf = pick(
        &current.naf,
        last.map(|l| &l.naf),
        &new.naf,
        current.naf.is_none(),
        &mut p,
        "naf",
    );
    s.address = pick(
        &current.address,
        last.map(|l| &l.address),
        &new.address,
        fresh,
        &mut p,
        "address",
    );
    s.location = pick(
        &current.location,
        last.map(|l| &l.location),
        &new.location,
        current.location.is_none(),
        &mut p,
        "location",
    );
    s.capacity.founded = pick(
        &current.capacity.founded,
        last.map(|l| &l.founded),
        &new.founded,
        current.capacity.founded.is_none(),
        &mut p,
        "capacity.founded",
    );
    s.closed = pick(
        &current.closed,
        last.map(|l| &l.closed),
        &new.closed,
        !current.closed,
        &mut p,
        "closed",
    );

    // Kinds: the company's declared kinds are never touched; the inferred set is one field.
    let declared: Vec<Kind> = current
        .kinds
        .iter()
        .copied()
        .filter(|k| !current.inferred_kinds.contains(k))
        .collect();
    let mut inferred = pick(
        &current.inferred_kinds,
        last.map(|l| &l.inferred_kinds),
        &new.inferred_kinds,
        current.inferred_kinds.is_empty(),
        &mut p,
        "inferred_kinds",
    );
    inferred.retain(|k| !declared.contains(k));
    let mut kinds = declared;
    kinds.extend(inferred.iter().copied());
    kinds.sort();
    kinds.dedup();
    inferred.sort();
    inferred.dedup();
    s.kinds = kinds;
    s.inferred_kinds = inferred;
    Merged {
        supplier: s,
        preserved: p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(name: &str, commune: &str) -> RegisterFields {
        RegisterFields {
            name: name.into(),
            ess: true,
            legal_form: Some("9220".into()),
            naf: Some("88.10C".into()),
            address: Address {
                street: Some("1 RUE HAUTE".into()),
                postcode: Some("81000".into()),
                city: Some("ALBI".into()),
                commune: commune.into(),
            },
            location: Some(GeoPoint {
                lat: 43.9,
                lon: 2.1,
            }),
            inferred_kinds: vec![Kind::ESAT],
            ..RegisterFields::default()
        }
    }

    #[test]
    fn a_new_profile_takes_every_register_value() {
        let r = reg("ESAT DU TARN", "81004");
        let s = new_profile("12002701600357", &r);
        assert_eq!(s.name, "ESAT DU TARN");
        assert_eq!(s.kinds, vec![Kind::ESAT]);
        assert_eq!(s.inferred_kinds, vec![Kind::ESAT]);
        assert_eq!(s.address.commune, "81004");
        assert!(s.ess && !s.closed);
    }

    #[test]
    fn untouched_fields_follow_the_register_and_edited_ones_stay() {
        let r1 = reg("ESAT DU TARN", "81004");
        let mut s = new_profile("12002701600357", &r1);
        s.name = "Les Ateliers du Tarn".into();
        s.description = "Nous faisons de la sous-traitance.".into();
        let mut r2 = reg("ESAT DU TARN ET GARONNE", "81004");
        r2.naf = Some("88.10B".into());
        r2.closed = true;
        let m = merge(&s, Some(&r1), &r2);
        assert_eq!(m.supplier.name, "Les Ateliers du Tarn");
        assert_eq!(m.supplier.naf.as_deref(), Some("88.10B"));
        assert!(m.supplier.closed);
        assert_eq!(m.supplier.description, "Nous faisons de la sous-traitance.");
        assert_eq!(m.preserved, vec!["name"]);
        // A company value set back to the register's value is the register's again.
        let mut s2 = m.supplier.clone();
        s2.name = r2.name.clone();
        let mut r3 = r2.clone();
        r3.name = "ESAT 81".into();
        assert_eq!(merge(&s2, Some(&r2), &r3).supplier.name, "ESAT 81");
    }

    #[test]
    fn without_a_register_record_only_empty_fields_are_filled() {
        let s = Supplier {
            siret: "12002701600357".into(),
            name: "Régie de quartier".into(),
            address: Address {
                commune: "81004".into(),
                ..Address::default()
            },
            ess: true,
            kinds: vec![Kind::ACI],
            ..Supplier::default()
        };
        let mut r = reg("REGIE DE QUARTIER ALBI", "81065");
        r.ess = false;
        r.closed = true;
        let m = merge(&s, None, &r);
        assert_eq!(m.supplier.name, "Régie de quartier");
        assert_eq!(m.supplier.address.commune, "81004");
        assert!(m.supplier.ess, "the company's claim stays");
        assert_eq!(m.supplier.naf.as_deref(), Some("88.10C"));
        assert!(m.supplier.location.is_some());
        assert!(m.supplier.closed, "a ceased establishment is closed");
        assert_eq!(m.supplier.kinds, vec![Kind::ACI, Kind::ESAT]);
        assert_eq!(m.supplier.inferred_kinds, vec![Kind::ESAT]);
    }

    #[test]
    fn declared_kinds_survive_and_a_removed_inferred_kind_stays_removed() {
        let r1 = reg("ASSO", "81004");
        let mut s = new_profile("12002701600357", &r1);
        // The company removes the inferred ESAT kind and declares EA.
        s.kinds = vec![Kind::EA];
        s.inferred_kinds = vec![];
        let m = merge(&s, Some(&r1), &r1);
        assert_eq!(m.supplier.kinds, vec![Kind::EA]);
        assert!(m.supplier.inferred_kinds.is_empty());
        // The company confirms an inferred kind: it becomes declared, not inferred.
        let mut s = new_profile("12002701600357", &r1);
        s.inferred_kinds.clear();
        let mut r2 = r1.clone();
        r2.inferred_kinds = vec![];
        let m = merge(&s, Some(&r1), &r2);
        assert_eq!(m.supplier.kinds, vec![Kind::ESAT]);
        assert!(m.supplier.inferred_kinds.is_empty());
    }

    #[test]
    fn hidden_register_values_are_withdrawn_when_they_came_from_the_register() {
        let r1 = reg("ASSO", "81004");
        let s = new_profile("12002701600357", &r1);
        let mut r2 = r1.clone();
        r2.address.street = None;
        r2.location = None;
        let m = merge(&s, Some(&r1), &r2);
        assert_eq!(m.supplier.address.street, None);
        assert_eq!(m.supplier.location, None);
    }
}
