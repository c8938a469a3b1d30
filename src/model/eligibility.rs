//! Who may bid for a reserved contract: the one eligibility rule of the product.
//!
//! - L2113-12: EA, EATT, ESAT (sheltered and adapted work);
//! - L2113-13: SIAE, i.e. EI, AI, ACI, ETTI, EITI (a GEIQ is not an SIAE);
//! - L2113-12-13: either of the above;
//! - L2113-13-1: equivalent structures (SEP);
//! - L2113-15: ESS companies (statute or agreement) or ESUS-approved companies.
//!
//! Kinds inferred from register data count like declared ones: the buyer sees that they were
//! inferred in the explanation, the rule does not second-guess the data.

use super::need::Reserved;
use super::supplier::{Kind, Supplier};

/// Why a supplier is eligible for a reserved route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// It is a structure of this kind.
    Kind(Kind),
    /// It belongs to the SSE.
    Ess,
    /// It holds the ESUS agreement.
    Esus,
}

impl Basis {
    /// The French explanation, e.g. « ESAT : éligible L2113-12 ».
    pub fn explain(self, route: Reserved) -> String {
        let who = match self {
            Basis::Kind(k) => k.as_str(),
            Basis::Ess => "entreprise de l'ESS",
            Basis::Esus => "agrément ESUS",
        };
        format!("{who} : éligible {}", route.as_str())
    }
}

/// The basis on which a structure with these attributes may bid for `route`, or `None` when
/// it may not. Declared kinds are preferred over the ESS flags when several bases apply.
pub fn eligibility(route: Reserved, kinds: &[Kind], ess: bool, esus: bool) -> Option<Basis> {
    let kind_in = |pred: fn(Kind) -> bool| kinds.iter().copied().find(|k| pred(*k));
    match route {
        Reserved::L2113_12 => kind_in(Kind::is_disability).map(Basis::Kind),
        Reserved::L2113_13 => kind_in(Kind::is_siae).map(Basis::Kind),
        Reserved::L2113_12_13 => kind_in(|k| k.is_disability() || k.is_siae()).map(Basis::Kind),
        Reserved::L2113_13_1 => kind_in(|k| k == Kind::SEP).map(Basis::Kind),
        Reserved::L2113_15 => {
            if ess {
                Some(Basis::Ess)
            } else if esus {
                Some(Basis::Esus)
            } else {
                None
            }
        }
    }
}

/// [`eligibility`] for a supplier profile.
pub fn supplier_eligibility(route: Reserved, s: &Supplier) -> Option<Basis> {
    eligibility(route, &s.kinds, s.ess, s.esus)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elig(route: Reserved, kinds: &[Kind], ess: bool, esus: bool) -> bool {
        eligibility(route, kinds, ess, esus).is_some()
    }

    #[test]
    fn l2113_12_admits_ea_eatt_esat_only() {
        for k in [Kind::EA, Kind::EATT, Kind::ESAT] {
            assert!(elig(Reserved::L2113_12, &[k], false, false), "{k:?}");
        }
        for k in [
            Kind::EI,
            Kind::AI,
            Kind::ACI,
            Kind::ETTI,
            Kind::EITI,
            Kind::GEIQ,
            Kind::SEP,
        ] {
            assert!(!elig(Reserved::L2113_12, &[k], true, true), "{k:?}");
        }
        assert!(!elig(Reserved::L2113_12, &[], true, true));
    }

    #[test]
    fn l2113_13_admits_the_five_siae_types_but_not_geiq() {
        for k in [Kind::EI, Kind::AI, Kind::ACI, Kind::ETTI, Kind::EITI] {
            assert!(elig(Reserved::L2113_13, &[k], false, false), "{k:?}");
        }
        for k in [Kind::GEIQ, Kind::EA, Kind::EATT, Kind::ESAT, Kind::SEP] {
            assert!(!elig(Reserved::L2113_13, &[k], true, true), "{k:?}");
        }
    }

    #[test]
    fn l2113_12_13_admits_either_family() {
        for k in [
            Kind::EA,
            Kind::EATT,
            Kind::ESAT,
            Kind::EI,
            Kind::AI,
            Kind::ACI,
            Kind::ETTI,
        ] {
            assert!(elig(Reserved::L2113_12_13, &[k], false, false), "{k:?}");
        }
        assert!(elig(Reserved::L2113_12_13, &[Kind::EITI], false, false));
        assert!(!elig(Reserved::L2113_12_13, &[Kind::GEIQ], true, true));
        assert!(!elig(Reserved::L2113_12_13, &[Kind::SEP], true, true));
    }

    #[test]
    fn l2113_13_1_admits_equivalent_structures_only() {
        assert!(elig(Reserved::L2113_13_1, &[Kind::SEP], false, false));
        assert!(!elig(
            Reserved::L2113_13_1,
            &[Kind::ESAT, Kind::EI],
            true,
            true
        ));
    }

    #[test]
    fn l2113_15_admits_ess_or_esus_whatever_the_kind() {
        assert!(elig(Reserved::L2113_15, &[], true, false));
        assert!(elig(Reserved::L2113_15, &[], false, true));
        assert!(!elig(
            Reserved::L2113_15,
            &[Kind::ESAT, Kind::EI],
            false,
            false
        ));
        assert_eq!(
            eligibility(Reserved::L2113_15, &[], true, true),
            Some(Basis::Ess)
        );
    }

    #[test]
    fn a_structure_of_several_kinds_is_eligible_through_the_matching_one() {
        let kinds = [Kind::GEIQ, Kind::ACI];
        assert_eq!(
            eligibility(Reserved::L2113_13, &kinds, false, false),
            Some(Basis::Kind(Kind::ACI))
        );
    }

    #[test]
    fn explanation_is_french_and_names_the_route() {
        assert_eq!(
            Basis::Kind(Kind::ESAT).explain(Reserved::L2113_12),
            "ESAT : éligible L2113-12"
        );
        assert_eq!(
            Basis::Ess.explain(Reserved::L2113_15),
            "entreprise de l'ESS : éligible L2113-15"
        );
    }
}
