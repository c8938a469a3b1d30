//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations and
//! the model's `ToSchema` derives, served at `/openapi.json`.
//!
//! Besides the per-route responses written next to each handler, every operation gets the
//! answers any request may receive (500 internal error; 503 overloaded or timed out, with
//! `Retry-After` when overloaded), and the bearer scheme is declared once. The test suite checks
//! the document with an independent validator (`openapi-spec-validator`). What this module
//! does not do: decide routes (`api::routes` does; a test checks both agree).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{admin, auth, error, events, needs, ops, referential, suppliers};
use crate::events::model as ev;
use crate::model;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "essor API",
        description = "Search and matching of social and solidarity economy (SSE) suppliers for responsible public purchasing.\n\n\
Errors are always JSON: `{\"code\", \"message\", \"field\"?}`. Unknown routes answer 404 `not_found`, wrong methods 405 \
`method_not_allowed` (with `Allow`), oversized bodies 413 `payload_too_large`. Every response carries `x-request-id` \
(the client's when it sent a plain one). Writes need `Authorization: Bearer TOKEN`; public reads need no token.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        suppliers::search, suppliers::get_supplier, suppliers::put_supplier, suppliers::patch_supplier, suppliers::delete_supplier,
        needs::post_need, needs::get_need, needs::put_need, needs::delete_need, needs::need_matches, needs::adhoc_match,
        needs::supplier_needs,
        referential::communes, referential::cpv_search, referential::cpv_code, referential::naf_search, referential::naf_code,
        referential::departements, referential::regions, referential::departements_geojson, referential::regions_geojson,
        admin::create_token, admin::import_suppliers,
        ops::healthz, ops::readyz, ops::metrics, ops::openapi, ops::home,
        events::create_event, events::list_events, events::get_event, events::put_event,
        events::post_participant, events::list_participants, events::get_participant, events::patch_participant,
        events::post_wish, events::list_wishes, events::delete_wish, events::suggestions,
        events::run_schedule, events::get_schedule, events::table_sheet,
        events::add_meeting, events::move_meeting, events::lock_meeting, events::cancel_meeting,
        events::post_absence, events::reoptimize, events::waiting_list, events::fill_waiting_list,
        events::participant_agenda, events::all_agendas,
    ),
    components(schemas(
        error::ErrorBody, error::FieldErrorBody,
        model::Supplier, model::Need, model::Kind, model::Mode, model::Reserved, model::GeoPoint,
        crate::index::Sort, suppliers::SearchPage, suppliers::SupplierHit, needs::MatchResults, needs::MatchResult, needs::NeedMatches, needs::NeedMatch,
        auth::Role, auth::TokenSpec, admin::CreatedToken, admin::ImportReportOut, admin::RowErrorOut,
        ops::Health, ops::Readiness,
        ev::Event, ev::Slot, ev::PairWeights, ev::Role, ev::Participant, ev::Wish, ev::WishKind, ev::MeetingStatus,
        ev::EventMeeting, ev::WaitingPair, ev::EventSchedule, crate::events::agenda::Agenda, crate::events::agenda::AgendaEntry,
        crate::events::planner::CandidatePair, crate::events::planner::Replan, crate::events::planner::AbsenceKind,
        crate::events::service::AbsenceReport,
        events::EventList, events::ParticipantList, events::WishList, events::PairList, events::AddMeeting, events::MoveMeeting,
        events::LockMeeting, events::MeetingRef, events::Absence, events::FromSlot, events::WaitingList, events::AgendaList,
    )),
    modifiers(&Common),
    tags(
        (name = "suppliers", description = "SSE supplier profiles and their search"),
        (name = "needs", description = "Buyers' needs and matching"),
        (name = "referential", description = "Communes, départements, regions, CPV and NAF"),
        (name = "admin", description = "Tokens and imports (admin tokens only)"),
        (name = "events", description = "Purchasing events: registration, wishes, the meeting schedule, on-site changes, agendas"),
        (name = "operations", description = "Probes, metrics and this document"),
    ),
)]
pub struct ApiDoc;

/// Bearer scheme and the answers every operation may give.
struct Common;

const INTERNAL: &str = "InternalError";
const UNAVAILABLE: &str = "Unavailable";

impl Modify for Common {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("essor token")
                    .description(Some(
                        "A token from `essor token create` or `POST /api/v1/tokens`",
                    ))
                    .build(),
            ),
        );
        let json_error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        components.responses.insert(
            INTERNAL.into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("Internal error (the message says only \"internal error\"; the cause is logged with the request id)")
                    .content("application/json", json_error())
                    .build(),
            ),
        );
        components.responses.insert(
            UNAVAILABLE.into(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("Overloaded (`overloaded`, retry after `Retry-After` seconds) or timed out (`timeout`)")
                    .header(
                        "retry-after",
                        HeaderBuilder::new()
                            .schema(Some(utoipa::openapi::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer)))
                            .description(Some("Seconds to wait before retrying (overload only)"))
                            .build(),
                    )
                    .content("application/json", json_error())
                    .build(),
            ),
        );
        for item in doc.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                op.responses
                    .responses
                    .entry("500".into())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(INTERNAL)));
                op.responses
                    .responses
                    .entry("503".into())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(UNAVAILABLE)));
            }
        }
    }
}

/// The document as JSON text.
pub fn document_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serialises")
}
