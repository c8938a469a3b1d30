//! The demo's purchasing event: a morning of business meetings in Occitanie, built from the
//! demo data set so organisers see a real schedule at once. Buyers bring the demo's needs in
//! the region; the suppliers registered are those the matching engine ranks best for them;
//! a few wishes are added, then the scheduler runs. Everything goes through the events
//! service, exactly as an organiser's API calls would.
//!
//! Deterministic: the same data set gives the same event (needs in store order, suppliers by
//! rank then SIRET).

use std::collections::BTreeSet;

use crate::events::model::{Event, PairWeights, Participant, Role, Slot, Wish, WishKind};
use crate::events::service::Events;
use crate::index::SearchIndex;
use crate::model::Place;
use crate::model::geography::resolve_place;
use crate::referential::Referential;
use crate::store::Store;

/// The demo event's id (`/evenements/semaine-achat-responsable-occitanie`).
pub const DEMO_EVENT: &str = "semaine-achat-responsable-occitanie";
/// Occitanie's region code.
const REGION: &str = "76";
const BUYERS: usize = 8;
/// Suppliers registered per buyer need, best first (shared suppliers count once).
const PER_NEED: usize = 3;
const ACTOR: &str = "demo";

fn slots() -> Vec<Slot> {
    // Twenty-minute meetings with five minutes to change tables, 09:00 to 12:00.
    (0..7)
        .map(|i| {
            let start = 9 * 60 + i * 25;
            let end = start + 20;
            Slot {
                start: format!("{:02}:{:02}", start / 60, start % 60),
                end: format!("{:02}:{:02}", end / 60, end % 60),
            }
        })
        .collect()
}

/// Create and schedule the demo event unless it exists. Returns whether it was created.
pub fn seed_demo_event(store: &Store, index: &SearchIndex) -> crate::Result<bool> {
    let events = Events::new(store.clone());
    if events.get_event(DEMO_EVENT)?.is_some() {
        return Ok(false);
    }
    let r = Referential::get();
    let in_region =
        |place: &Place| resolve_place(place, r).is_some_and(|p| p.commune.region == REGION);
    // One buyer per organisation, with its first open need in the region.
    let mut seen = BTreeSet::new();
    let needs: Vec<_> = store
        .all_needs()?
        .into_iter()
        .filter(|n| !n.closed && n.id.is_some())
        .filter(|n| in_region(&n.place))
        .filter(|n| seen.insert(n.buyer.name.clone()))
        .take(BUYERS)
        .collect();
    if needs.is_empty() {
        return Ok(false);
    }
    events.create_event(
        Event {
            id: Some(DEMO_EVENT.into()),
            name: "Semaine de l'achat responsable en Occitanie — rendez-vous d'affaires".into(),
            venue: "Toulouse, Hôtel de Région".into(),
            date: "2027-03-18".into(),
            slots: slots(),
            num_tables: 6,
            max_meetings_buyer: 5,
            max_meetings_supplier: 3,
            min_meetings: 1,
            shortfall_penalty: 1000,
            weights: PairWeights::default(),
            min_suggestion_score: 0.35,
            created_at: None,
        },
        ACTOR,
    )?;
    let mut registered: BTreeSet<String> = BTreeSet::new();
    let mut wishes = Vec::new();
    for (i, need) in needs.iter().enumerate() {
        let bid = format!("b{}", i + 1);
        events.add_participant(
            DEMO_EVENT,
            Participant {
                id: Some(bid.clone()),
                organisation: Some(need.buyer.name.clone()),
                needs: need.id.iter().cloned().collect(),
                ..Participant::new(Role::Buyer, format!("Service achats — {}", need.buyer.name))
            },
            None,
            ACTOR,
        )?;
        let ranked = crate::engine::match_need(index, need, PER_NEED)?;
        for (rank, m) in ranked.results.iter().enumerate() {
            if registered.insert(m.siret.clone()) {
                events.add_participant(
                    DEMO_EVENT,
                    Participant {
                        siret: Some(m.siret.clone()),
                        ..Participant::new(Role::Supplier, "")
                    },
                    None,
                    ACTOR,
                )?;
            }
            // Each buyer asks for its best match by name.
            if rank == 0 {
                wishes.push((bid.clone(), m.siret.clone()));
            }
        }
    }
    let participants = events.participants(DEMO_EVENT)?;
    for (buyer, siret) in wishes {
        let Some(to) = participants
            .iter()
            .find(|p| p.siret.as_deref() == Some(siret.as_str()))
            .and_then(|p| p.id.clone())
        else {
            continue;
        };
        events.add_wish(
            DEMO_EVENT,
            Wish {
                from: buyer,
                to,
                kind: WishKind::Meet,
            },
            ACTOR,
        )?;
    }
    events.run_schedule(DEMO_EVENT, index, 1, ACTOR)?;
    Ok(true)
}
