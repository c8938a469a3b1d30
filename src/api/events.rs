//! Purchasing-event routes: events, participants, wishes, suggestions, the schedule and its
//! on-site changes (move, add, lock, cancel, absences, re-optimisation, waiting list),
//! agendas (JSON, printable HTML, ICS), the organisers' table sheet and the CSV export.
//!
//! Who may do what:
//! - **Public** (no token): the list of events and each event's public settings (name,
//!   venue, date, slots, tables): an event is an announcement. Nothing about who comes.
//! - **Manage** (admin, or the organiser token of this event): everything below. An
//!   organiser token scoped to event E may also create E (`POST /events` with `"id": "E"`).
//! - **Self-service**: a buyer token registers itself as a buyer (bringing only needs it
//!   owns) and becomes that participant's owner; a supplier token registers the SIRET it
//!   may edit. Owners may read and patch their registration, post, list and withdraw their
//!   own wishes, and read their own agenda. They never see the schedule, others' wishes or
//!   others' registrations.
//!
//! Errors are the API's JSON errors and always name the field: path parameters (`id`,
//! `pid`, `from`, `to`), body fields, query parameters, or `authorization` for 403s.
//! What this module does not do: business rules (`events::planner`, `events::service`).

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{JsonBody, JsonValue, QueryParams};
use super::{AppState, Auth, Principal, Role, blocking};
use crate::error::{Error, ErrorCode};
use crate::events::agenda::{self, Agenda};
use crate::events::model::{self as ev, Event, EventSchedule, Participant, WaitingPair, Wish};
use crate::events::planner::{AbsenceKind, CandidatePair, Replan};
use crate::events::service::{AbsenceReport, Events};
use crate::model::validate::valid_need_id;
use crate::store::{coll, now_rfc3339};

/// Route templates of this module.
pub mod paths {
    pub const EVENTS: &str = "/api/v1/events";
    pub const EVENT: &str = "/api/v1/events/{id}";
    pub const PARTICIPANTS: &str = "/api/v1/events/{id}/participants";
    pub const PARTICIPANT: &str = "/api/v1/events/{id}/participants/{pid}";
    pub const WISHES: &str = "/api/v1/events/{id}/wishes";
    pub const WISH: &str = "/api/v1/events/{id}/wishes/{from}/{to}";
    pub const SUGGESTIONS: &str = "/api/v1/events/{id}/suggestions";
    pub const SCHEDULE: &str = "/api/v1/events/{id}/schedule";
    pub const TABLES: &str = "/api/v1/events/{id}/tables";
    pub const MEETINGS: &str = "/api/v1/events/{id}/meetings";
    pub const MEETING_MOVE: &str = "/api/v1/events/{id}/meetings/move";
    pub const MEETING_LOCK: &str = "/api/v1/events/{id}/meetings/lock";
    pub const MEETING_CANCEL: &str = "/api/v1/events/{id}/meetings/cancel";
    pub const ABSENCES: &str = "/api/v1/events/{id}/absences";
    pub const REOPTIMIZE: &str = "/api/v1/events/{id}/reoptimize";
    pub const WAITING_LIST: &str = "/api/v1/events/{id}/waiting-list";
    pub const WAITING_LIST_FILL: &str = "/api/v1/events/{id}/waiting-list/fill";
    pub const AGENDAS: &str = "/api/v1/events/{id}/agendas";
    pub const AGENDA: &str = "/api/v1/events/{id}/agendas/{pid}";
}

/// Every event route.
pub fn routes() -> axum::Router<AppState> {
    use paths::*;
    axum::Router::new()
        .route(EVENTS, post(create_event).get(list_events))
        .route(EVENT, get(get_event).put(put_event))
        .route(PARTICIPANTS, post(post_participant).get(list_participants))
        .route(PARTICIPANT, get(get_participant).patch(patch_participant))
        .route(WISHES, post(post_wish).get(list_wishes))
        .route(WISH, axum::routing::delete(delete_wish))
        .route(SUGGESTIONS, get(suggestions))
        .route(SCHEDULE, post(run_schedule).get(get_schedule))
        .route(TABLES, get(table_sheet))
        .route(MEETINGS, post(add_meeting))
        .route(MEETING_MOVE, post(move_meeting))
        .route(MEETING_LOCK, post(lock_meeting))
        .route(MEETING_CANCEL, post(cancel_meeting))
        .route(ABSENCES, post(post_absence))
        .route(REOPTIMIZE, post(reoptimize))
        .route(WAITING_LIST, get(waiting_list))
        .route(WAITING_LIST_FILL, post(fill_waiting_list))
        .route(AGENDAS, get(all_agendas))
        .route(AGENDA, get(participant_agenda))
}

// ---- plumbing ----

/// The path parameters of a route, checked: `id` is an event id, `pid`, `from` and `to`
/// participant ids.
#[derive(Debug)]
pub struct EventPath(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for EventPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let axum::extract::Path(map) =
            axum::extract::Path::<HashMap<String, String>>::from_request_parts(parts, state)
                .await
                .map_err(|r| {
                    ApiError::malformed(None, format!("bad path parameter: {}", r.body_text()))
                })?;
        for (k, v) in &map {
            let ok = if k == "id" {
                valid_need_id(v)
            } else {
                valid_participant_id(v)
            };
            if !ok {
                let what = if k == "id" {
                    "must be 1 to 100 characters among letters, digits, '-', '_' and '.'"
                } else {
                    "must be 1 to 40 characters among letters, digits, '-' and '_'"
                };
                return Err(ApiError::invalid(k.as_str(), what));
            }
        }
        Ok(EventPath(map))
    }
}

impl EventPath {
    fn get(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }

    fn id(&self) -> String {
        self.get("id")
    }
}

fn valid_participant_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The API error of a service error, with the field named: conflicts carry it as
/// `field: reason`; not-found resources are named by their path parameter.
pub fn api_error(e: Error) -> ApiError {
    match e {
        Error::Conflict { message } => match message.split_once(": ") {
            Some((field, reason))
                if !field.is_empty()
                    && field.bytes().all(|b| {
                        b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.[]".contains(&b)
                    }) =>
            {
                ApiError::new(ErrorCode::Conflict, format!("conflict: {reason}")).with_field(field)
            }
            _ => ApiError::new(ErrorCode::Conflict, format!("conflict: {message}")),
        },
        Error::NotFound { kind, id } => {
            let field = match kind {
                "participant" => "pid",
                "wish" => "to",
                _ => "id",
            };
            ApiError::new(ErrorCode::NotFound, format!("{kind} not found: {id}")).with_field(field)
        }
        other => other.into(),
    }
}

/// Run service work off the executor, mapping its errors with [`api_error`].
async fn run<T, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    blocking(f).await
}

trait OrApi<T> {
    fn api(self) -> ApiResult<T>;
}

impl<T> OrApi<T> for crate::Result<T> {
    fn api(self) -> ApiResult<T> {
        self.map_err(api_error)
    }
}

fn forbidden(message: impl Into<String>) -> ApiError {
    ApiError::forbidden(message).with_field("authorization")
}

fn require_organiser(p: &Principal, event_id: &str) -> ApiResult<()> {
    if p.can_organise(event_id) {
        Ok(())
    } else {
        Err(forbidden(format!(
            "only an admin or the organiser of event {event_id} may do this"
        )))
    }
}

/// Whether a buyer or supplier token owns a registration (see the module doc).
pub(crate) fn owns(p: &Principal, part: &Participant) -> bool {
    match p.role {
        Role::Buyer => {
            part.role == ev::Role::Buyer && part.registered_by.as_deref() == Some(&p.token_id)
        }
        Role::Supplier => {
            part.role == ev::Role::Supplier
                && part
                    .siret
                    .as_deref()
                    .is_some_and(|s| p.can_edit_supplier(s))
        }
        Role::Admin | Role::Organiser => false,
    }
}

fn may_see(p: &Principal, event_id: &str, part: &Participant) -> bool {
    p.can_organise(event_id) || owns(p, part)
}

fn events(state: &AppState) -> Events {
    Events::new(state.store().clone())
}

/// A self-registering buyer may only bring needs its token owns.
fn check_needs_owned(state: &AppState, p: &Principal, part: &Participant) -> ApiResult<()> {
    for (i, need) in part.needs.iter().enumerate() {
        let meta = state
            .store()
            .get_doc::<super::needs::NeedMeta>(coll::NEED_META, need)?;
        if meta.is_some_and(|m| m.owner != p.token_id) {
            return Err(
                ApiError::forbidden(format!("need {need} belongs to another buyer"))
                    .with_field(format!("needs[{i}]")),
            );
        }
    }
    Ok(())
}

fn with_type(body: String, content_type: &'static str, attachment: Option<String>) -> Response {
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response();
    if let Some(name) = attachment
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

fn take_format(q: &mut QueryParams, allowed: &[&str]) -> ApiResult<String> {
    let f = q.take("format")?.unwrap_or_else(|| allowed[0].to_string());
    if allowed.contains(&f.as_str()) {
        Ok(f)
    } else {
        Err(ApiError::invalid(
            "format",
            format!("must be one of {}", allowed.join(", ")),
        ))
    }
}

// ---- events ----

/// The events, by date.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<Event>,
}

/// Create an event
///
/// Admins create any event; an organiser token scoped to event E creates E (the body must
/// then give `"id": "E"`). Slot times are Europe/Paris local times (`HH:MM`).
#[utoipa::path(
    post, path = paths::EVENTS, tag = "events",
    request_body = Event,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the event as stored", body = Event,
            headers(("location" = String, description = "URL of the event"))),
        (status = 400, description = "Malformed JSON, wrong type or unknown field (the field is named)", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin, nor the organiser of this event id", body = ErrorBody),
        (status = 409, description = "An event with this id exists", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn create_event(
    State(state): State<AppState>,
    Auth(principal): Auth,
    JsonBody(event): JsonBody<Event>,
) -> ApiResult<Response> {
    if !principal.is_admin() {
        let scoped = principal.role == Role::Organiser
            && event.id.as_deref().map(str::trim) == principal.event.as_deref();
        if !scoped {
            return Err(forbidden(
                "only admins, and the organiser of the event id given in the body, create events",
            ));
        }
    }
    let svc = events(&state);
    let actor = principal.actor();
    let stored = run(move || svc.create_event(event, &actor).api()).await?;
    let id = stored.id.clone().unwrap_or_default();
    let location = HeaderValue::from_str(&format!("{}/{id}", paths::EVENTS))
        .unwrap_or_else(|_| HeaderValue::from_static(paths::EVENTS));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(stored),
    )
        .into_response())
}

/// List events (public)
#[utoipa::path(
    get, path = paths::EVENTS, tag = "events",
    responses((status = 200, description = "Every event, by date", body = EventList))
)]
pub async fn list_events(State(state): State<AppState>) -> ApiResult<Json<EventList>> {
    let svc = events(&state);
    let events = run(move || svc.list_events().api()).await?;
    Ok(Json(EventList { events }))
}

/// Read an event (public)
#[utoipa::path(
    get, path = paths::EVENT, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn get_event(State(state): State<AppState>, path: EventPath) -> ApiResult<Json<Event>> {
    let svc = events(&state);
    let id = path.id();
    Ok(Json(run(move || svc.require_event(&id).api()).await?))
}

/// Replace an event's settings
///
/// Refused (409, naming the field) when the planned meetings would no longer fit.
#[utoipa::path(
    put, path = paths::EVENT, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = Event,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The event as stored", body = Event),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "The planned meetings do not fit the change", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn put_event(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(event): JsonBody<Event>,
) -> ApiResult<Json<Event>> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let svc = events(&state);
    let actor = principal.actor();
    Ok(Json(
        run(move || svc.update_event(&id, event, &actor).api()).await?,
    ))
}

// ---- participants ----

/// The participants a caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantList {
    pub participants: Vec<Participant>,
}

/// Register a participant
///
/// Organisers register anyone. A buyer token registers itself (`role: buyer`, only needs it
/// owns) and owns the registration; a supplier token registers the SIRET it may edit. A
/// supplier must exist in the directory; its name defaults to the directory's.
#[utoipa::path(
    post, path = paths::PARTICIPANTS, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = Participant,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered; the participant as stored", body = Participant,
            headers(("location" = String, description = "URL of the participant"))),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "This token may not register this participant", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "Already registered (`siret`) or id taken (`id`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A value breaks a rule, unknown SIRET or need (the field is named)", body = ErrorBody),
    )
)]
pub async fn post_participant(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(p): JsonBody<Participant>,
) -> ApiResult<Response> {
    let id = path.id();
    let organiser = principal.can_organise(&id);
    let registered_by = if organiser {
        None
    } else {
        match (principal.role, p.role) {
            (Role::Buyer, ev::Role::Buyer) => Some(principal.token_id.clone()),
            (Role::Supplier, ev::Role::Supplier) => {
                let siret = crate::model::ids::Siret::parse(p.siret.as_deref().unwrap_or_default())
                    .map_err(|r| ApiError::invalid("siret", r))?;
                if !principal.can_edit_supplier(siret.as_str()) {
                    return Err(ApiError::forbidden(
                        "a supplier token registers only the SIRET it may edit",
                    )
                    .with_field("siret"));
                }
                None
            }
            (Role::Buyer | Role::Supplier, _) => {
                return Err(ApiError::forbidden(
                    "a buyer token registers buyers, a supplier token suppliers",
                )
                .with_field("role"));
            }
            _ => {
                return Err(forbidden(format!(
                    "only an admin, the organiser of event {id}, or the participant itself may register"
                )));
            }
        }
    };
    if !organiser && p.absent_from_slot.is_some() {
        return Err(
            ApiError::forbidden("absences are recorded by the organiser")
                .with_field("absent_from_slot"),
        );
    }
    let st = state.clone();
    let svc = events(&state);
    let actor = principal.actor();
    let stored = run(move || {
        if !organiser {
            check_needs_owned(&st, &principal, &p)?;
        }
        svc.add_participant(&id, p, registered_by.as_deref(), &actor)
            .api()
    })
    .await?;
    let location = HeaderValue::from_str(&format!(
        "/api/v1/events/{}/participants/{}",
        path.id(),
        stored.pid()
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(paths::EVENTS));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(stored),
    )
        .into_response())
}

/// List participants
///
/// Organisers see everyone; a buyer or supplier token sees only its own registrations.
#[utoipa::path(
    get, path = paths::PARTICIPANTS, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Participants in natural id order", body = ParticipantList),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not allowed for this token", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn list_participants(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Json<ParticipantList>> {
    let id = path.id();
    if !matches!(principal.role, Role::Buyer | Role::Supplier) {
        require_organiser(&principal, &id)?;
    }
    let svc = events(&state);
    let participants = run(move || {
        svc.require_event(&id).api()?;
        let all = svc.participants(&id).api()?;
        Ok(all
            .into_iter()
            .filter(|p| may_see(&principal, &id, p))
            .collect())
    })
    .await?;
    Ok(Json(ParticipantList { participants }))
}

/// Load a participant the caller may see (404 when missing, 403 when not theirs).
fn visible_participant(
    svc: &Events,
    principal: &Principal,
    event_id: &str,
    pid: &str,
) -> ApiResult<Participant> {
    if !principal.can_organise(event_id) && !matches!(principal.role, Role::Buyer | Role::Supplier)
    {
        return Err(forbidden(format!(
            "only an admin, the organiser of event {event_id}, or the participant itself may do this"
        )));
    }
    svc.require_event(event_id).api()?;
    let p = svc.require_participant(event_id, pid).api()?;
    if !may_see(principal, event_id, &p) {
        return Err(forbidden(format!(
            "this token may not act for participant {pid}"
        )));
    }
    Ok(p)
}

/// Read a participant
#[utoipa::path(
    get, path = paths::PARTICIPANT, tag = "events",
    params(("id" = String, Path, description = "Event id"), ("pid" = String, Path, description = "Participant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registration", body = Participant),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not the organiser nor the participant", body = ErrorBody),
        (status = 404, description = "No such event or participant", body = ErrorBody),
        (status = 422, description = "Not a valid id", body = ErrorBody),
    )
)]
pub async fn get_participant(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Json<Participant>> {
    let (id, pid) = (path.id(), path.get("pid"));
    let svc = events(&state);
    Ok(Json(
        run(move || visible_participant(&svc, &principal, &id, &pid)).await?,
    ))
}

/// Change a registration (JSON merge patch)
///
/// RFC 7396 merge patch on the stored registration, validated like a new one. Id, role and
/// SIRET cannot change; only organisers set `absent_from_slot`. A change the planned
/// meetings no longer fit is refused with 409 naming the field.
#[utoipa::path(
    patch, path = paths::PARTICIPANT, tag = "events",
    params(("id" = String, Path, description = "Event id"), ("pid" = String, Path, description = "Participant id")),
    request_body(content = Object, description = "RFC 7396 merge patch", content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The registration as stored", body = Participant),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not the organiser nor the participant", body = ErrorBody),
        (status = 404, description = "No such event or participant", body = ErrorBody),
        (status = 409, description = "The planned meetings do not fit the change", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "A value breaks a rule (the field is named)", body = ErrorBody),
    )
)]
pub async fn patch_participant(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonValue(patch): JsonValue,
) -> ApiResult<Json<Participant>> {
    let (id, pid) = (path.id(), path.get("pid"));
    if !patch.is_object() {
        return Err(ApiError::malformed(
            None,
            "a merge patch must be a JSON object",
        ));
    }
    let st = state.clone();
    let svc = events(&state);
    let stored = run(move || {
        let old = visible_participant(&svc, &principal, &id, &pid)?;
        let organiser = principal.can_organise(&id);
        let mut doc = serde_json::to_value(&old).map_err(ApiError::internal)?;
        super::suppliers::merge_patch(&mut doc, &patch);
        if let Some(o) = doc.as_object_mut() {
            // Server-managed: kept from the stored registration whatever the patch says.
            o.remove("registered_by");
        }
        let bytes = serde_json::to_vec(&doc).map_err(ApiError::internal)?;
        let mut new: Participant = crate::model::parse_json(&bytes)?;
        if !organiser {
            if new.absent_from_slot != old.absent_from_slot {
                return Err(
                    ApiError::forbidden("absences are recorded by the organiser")
                        .with_field("absent_from_slot"),
                );
            }
            check_needs_owned(&st, &principal, &new)?;
        }
        new.registered_by = None;
        svc.update_participant(&id, &pid, new, &principal.actor())
            .api()
    })
    .await?;
    Ok(Json(stored))
}

// ---- wishes ----

/// Wishes the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct WishList {
    pub wishes: Vec<Wish>,
}

/// Post a wish
///
/// A buyer wishes to meet a supplier or the reverse (`kind: meet`, the default), or asks
/// not to be scheduled with them (`kind: do_not_meet`). A new wish about the same
/// counterpart replaces the old one. Organisers post for anyone; owners for themselves.
#[utoipa::path(
    post, path = paths::WISHES, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = Wish,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = Wish),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "This token may not wish for `from`", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Unknown participant, or not a buyer-supplier pair (the field is named)", body = ErrorBody),
    )
)]
pub async fn post_wish(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(wish): JsonBody<Wish>,
) -> ApiResult<Response> {
    let id = path.id();
    let svc = events(&state);
    let stored = run(move || {
        check_may_wish(&svc, &principal, &id, &wish.from)?;
        svc.add_wish(&id, wish, &principal.actor()).api()
    })
    .await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

fn check_may_wish(
    svc: &Events,
    principal: &Principal,
    event_id: &str,
    from: &str,
) -> ApiResult<()> {
    if principal.can_organise(event_id) {
        return Ok(());
    }
    if !matches!(principal.role, Role::Buyer | Role::Supplier) {
        return Err(forbidden(format!(
            "only an admin, the organiser of event {event_id}, or the participant itself may do this"
        )));
    }
    svc.require_event(event_id).api()?;
    match svc.participant(event_id, from).api()? {
        Some(p) if owns(principal, &p) => Ok(()),
        Some(_) => Err(ApiError::forbidden(format!(
            "this token may not act for participant {from}"
        ))
        .with_field("from")),
        None => Err(ApiError::invalid(
            "from",
            format!("unknown participant {from}"),
        )),
    }
}

/// List wishes
///
/// Organisers see every wish; a participant token sees the wishes it made.
#[utoipa::path(
    get, path = paths::WISHES, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Wishes by author then counterpart", body = WishList),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not allowed for this token", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn list_wishes(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Json<WishList>> {
    let id = path.id();
    if !matches!(principal.role, Role::Buyer | Role::Supplier) {
        require_organiser(&principal, &id)?;
    }
    let svc = events(&state);
    let wishes = run(move || {
        svc.require_event(&id).api()?;
        let all = svc.wishes(&id).api()?;
        if principal.can_organise(&id) {
            return Ok(all);
        }
        let mine: Vec<String> = svc
            .participants(&id)
            .api()?
            .into_iter()
            .filter(|p| owns(&principal, p))
            .map(|p| p.pid().to_string())
            .collect();
        Ok(all.into_iter().filter(|w| mine.contains(&w.from)).collect())
    })
    .await?;
    Ok(Json(WishList { wishes }))
}

/// Withdraw a wish
#[utoipa::path(
    delete, path = paths::WISH, tag = "events",
    params(
        ("id" = String, Path, description = "Event id"),
        ("from" = String, Path, description = "Participant who made the wish"),
        ("to" = String, Path, description = "The counterpart"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "This token may not act for `from`", body = ErrorBody),
        (status = 404, description = "No such event or wish", body = ErrorBody),
        (status = 422, description = "Not a valid id", body = ErrorBody),
    )
)]
pub async fn delete_wish(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<StatusCode> {
    let (id, from, to) = (path.id(), path.get("from"), path.get("to"));
    let svc = events(&state);
    run(move || {
        check_may_wish(&svc, &principal, &id, &from)?;
        svc.remove_wish(&id, &from, &to, &principal.actor()).api()
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- suggestions and the schedule ----

/// The pairs that may meet.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairList {
    pub pairs: Vec<CandidatePair>,
}

/// Pairs that may meet (organisers)
///
/// What the next schedule run would work from: pairs suggested by the matching engine for
/// the buyers' needs (score at least the event's `min_suggestion_score`) or wished by a
/// side, minus "do not meet" pairs, each with its weight.
#[utoipa::path(
    get, path = paths::SUGGESTIONS, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pairs in natural order", body = PairList),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn suggestions(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Json<PairList>> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let st = state.clone();
    let svc = events(&state);
    let pairs = run(move || svc.candidate_pairs(&id, st.index()).api()).await?;
    Ok(Json(PairList { pairs }))
}

/// Run the schedule (organisers)
///
/// Computes the schedule from the pairs (see the suggestions route), the participants'
/// availability and caps, and the event's fairness target; locked meetings of the previous
/// schedule are kept, everything else is planned afresh. The answer gives the objective,
/// its weight and shortfall terms, and the upper bound no schedule can beat.
#[utoipa::path(
    post, path = paths::SCHEDULE, tag = "events",
    params(
        ("id" = String, Path, description = "Event id"),
        ("effort" = Option<u32>, Query, description = "Search effort (0 to 10, default 1)", minimum = 0, maximum = 10),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new schedule, stored", body = EventSchedule),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 409, description = "A locked meeting no longer fits (field `meetings`)", body = ErrorBody),
        (status = 422, description = "Invalid id or effort", body = ErrorBody),
    )
)]
pub async fn run_schedule(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    mut q: QueryParams,
) -> ApiResult<Json<EventSchedule>> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let effort = q.take_int("effort", 0, 10)?.unwrap_or(1) as u32;
    q.finish()?;
    let st = state.clone();
    let svc = events(&state);
    let actor = principal.actor();
    Ok(Json(
        run(move || svc.run_schedule(&id, st.index(), effort, &actor).api()).await?,
    ))
}

/// Read the schedule (organisers), as JSON or CSV
#[utoipa::path(
    get, path = paths::SCHEDULE, tag = "events",
    params(
        ("id" = String, Path, description = "Event id"),
        ("format" = Option<String>, Query, description = "`json` (default) or `csv`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The schedule", content(
            (EventSchedule = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 422, description = "Invalid id or format", body = ErrorBody),
    )
)]
pub async fn get_schedule(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    mut q: QueryParams,
) -> ApiResult<Response> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let format = take_format(&mut q, &["json", "csv"])?;
    q.finish()?;
    let svc = events(&state);
    let name = format!("planning-{id}.csv");
    let (event, participants, schedule) = run(move || {
        let event = svc.require_event(&id).api()?;
        let schedule = svc.require_schedule(&id).api()?;
        Ok((event, svc.participants(&id).api()?, schedule))
    })
    .await?;
    if format == "csv" {
        let csv = agenda::schedule_csv(&event, &participants, &schedule);
        return Ok(with_type(csv, "text/csv; charset=utf-8", Some(name)));
    }
    Ok(Json(schedule).into_response())
}

/// The table sheet (organisers): for each slot, who sits at which table (printable HTML)
#[utoipa::path(
    get, path = paths::TABLES, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Printable HTML in French", body = String, content_type = "text/html"),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn table_sheet(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Response> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let svc = events(&state);
    let html = run(move || {
        let event = svc.require_event(&id).api()?;
        let schedule = svc.require_schedule(&id).api()?;
        let participants = svc.participants(&id).api()?;
        Ok(agenda::table_sheet_html(&event, &participants, &schedule))
    })
    .await?;
    Ok(with_type(html, "text/html; charset=utf-8", None))
}

// ---- on-site changes ----

/// Place a pair by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMeeting {
    /// Buyer participant id.
    pub buyer: String,
    /// Supplier participant id.
    pub supplier: String,
    pub slot: u32,
    /// 0-based table; the buyer's usual table, else the lowest free one, when absent.
    #[serde(default)]
    pub table: Option<u32>,
    #[serde(default)]
    pub locked: bool,
}

/// Move a planned meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveMeeting {
    pub buyer: String,
    pub supplier: String,
    /// Target slot.
    pub slot: u32,
    /// 0-based table; the meeting's own table when free, else another free one, when absent.
    #[serde(default)]
    pub table: Option<u32>,
}

/// Lock or unlock a planned meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockMeeting {
    pub buyer: String,
    pub supplier: String,
    /// `true` (default) locks, `false` unlocks.
    #[serde(default = "yes")]
    pub locked: bool,
}

fn yes() -> bool {
    true
}

/// A planned meeting, by its pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRef {
    pub buyer: String,
    pub supplier: String,
}

/// A participant misses the rest of the day.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// Participant id.
    pub participant: String,
    /// First slot missed.
    pub from_slot: u32,
    pub kind: AbsenceKind,
    /// Re-optimise the rest of the day at once (default true).
    #[serde(default = "yes")]
    pub reoptimize: bool,
    /// First slot the re-optimisation may change (default `from_slot`); earlier slots are
    /// history.
    #[serde(default)]
    pub replan_from_slot: Option<u32>,
}

/// From which slot a change may act.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromSlot {
    /// First slot that may change; earlier slots are history.
    pub from_slot: u32,
}

async fn organiser_change<T, F>(
    state: &AppState,
    principal: Principal,
    path: &EventPath,
    f: F,
) -> ApiResult<T>
where
    F: FnOnce(&Events, &str, &str) -> crate::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let id = path.id();
    require_organiser(&principal, &id)?;
    let svc = events(state);
    run(move || f(&svc, &id, &principal.actor()).api()).await
}

/// Place a pair by hand (organisers)
///
/// Typically a pair from the waiting list. Both sides must be available, free in the slot
/// and under their caps, and not excluded by a "do not meet" wish.
#[utoipa::path(
    post, path = paths::MEETINGS, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = AddMeeting,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed schedule", body = EventSchedule),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 409, description = "Busy, unavailable, taken table, cap reached or excluded (the field is named)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Unknown participant, slot or table (the field is named)", body = ErrorBody),
    )
)]
pub async fn add_meeting(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<AddMeeting>,
) -> ApiResult<Json<EventSchedule>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.add_meeting(id, &b.buyer, &b.supplier, b.slot, b.table, b.locked, actor)
    })
    .await
    .map(Json)
}

/// Move a meeting (organisers)
///
/// To another slot and/or table, checked: both sides available and free in the slot, the
/// table free. The meeting's lock is kept.
#[utoipa::path(
    post, path = paths::MEETING_MOVE, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = MoveMeeting,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed schedule", body = EventSchedule),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 409, description = "Busy, unavailable or taken table (the field is named)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "No such planned meeting, slot or table (the field is named)", body = ErrorBody),
    )
)]
pub async fn move_meeting(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<MoveMeeting>,
) -> ApiResult<Json<EventSchedule>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.move_meeting(id, &b.buyer, &b.supplier, b.slot, b.table, actor)
    })
    .await
    .map(Json)
}

/// Lock or unlock a meeting (organisers)
///
/// Locked meetings are kept exactly by later schedule runs.
#[utoipa::path(
    post, path = paths::MEETING_LOCK, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = LockMeeting,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed schedule", body = EventSchedule),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "No such planned meeting (field `supplier`)", body = ErrorBody),
    )
)]
pub async fn lock_meeting(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<LockMeeting>,
) -> ApiResult<Json<EventSchedule>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.lock_meeting(id, &b.buyer, &b.supplier, b.locked, actor)
    })
    .await
    .map(Json)
}

/// Cancel a meeting (organisers)
///
/// The meeting stays in the schedule as `cancelled`; its slot and table are freed and the
/// pair is not offered again by refills or re-optimisation.
#[utoipa::path(
    post, path = paths::MEETING_CANCEL, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = MeetingRef,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed schedule", body = EventSchedule),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "No such planned meeting (field `supplier`)", body = ErrorBody),
    )
)]
pub async fn cancel_meeting(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<MeetingRef>,
) -> ApiResult<Json<EventSchedule>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.cancel_meeting(id, &b.buyer, &b.supplier, actor)
    })
    .await
    .map(Json)
}

/// Record a no-show or a late cancellation (organisers)
///
/// The participant becomes unavailable from `from_slot` on and its meetings from there
/// (locked ones included) become `no_show` or `cancelled`. Then, unless `reoptimize` is
/// false, the rest of the day is re-optimised from `replan_from_slot`: past and kept
/// meetings do not move, freed capacity is refilled from the waiting list.
#[utoipa::path(
    post, path = paths::ABSENCES, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = Absence,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What changed, and the schedule", body = AbsenceReport),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 409, description = "The stored schedule no longer fits the participants (field `meetings`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Unknown participant or slot (the field is named)", body = ErrorBody),
    )
)]
pub async fn post_absence(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<Absence>,
) -> ApiResult<Json<AbsenceReport>> {
    if let Some(r) = b.replan_from_slot
        && r < b.from_slot
    {
        return Err(ApiError::invalid(
            "replan_from_slot",
            "must not be before from_slot",
        ));
    }
    let replan = b
        .reoptimize
        .then_some(b.replan_from_slot.unwrap_or(b.from_slot));
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.mark_absent(id, &b.participant, b.from_slot, b.kind, replan, actor)
    })
    .await
    .map(Json)
}

/// Re-optimise the rest of the day (organisers)
///
/// Every planned meeting stays where it is; slots before `from_slot` are closed; freed
/// capacity (cancellations, absences) is refilled from the waiting list, best gain first
/// (weight, plus the fairness penalty it saves).
#[utoipa::path(
    post, path = paths::REOPTIMIZE, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = FromSlot,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new meetings and the schedule", body = Replan),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 409, description = "The stored schedule no longer fits the participants (field `meetings`)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "No such slot (field `from_slot`)", body = ErrorBody),
    )
)]
pub async fn reoptimize(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<FromSlot>,
) -> ApiResult<Json<Replan>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.reoptimize(id, b.from_slot, actor)
    })
    .await
    .map(Json)
}

/// The waiting list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingList {
    /// Pairs without a meeting, best weight first.
    pub waiting_list: Vec<WaitingPair>,
}

/// Read the waiting list (organisers)
#[utoipa::path(
    get, path = paths::WAITING_LIST, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Pairs without a meeting, best weight first", body = WaitingList),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 422, description = "Not a valid event id", body = ErrorBody),
    )
)]
pub async fn waiting_list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
) -> ApiResult<Json<WaitingList>> {
    organiser_change(&state, principal, &path, |svc, id, _| {
        svc.require_event(id)?;
        svc.require_schedule(id)
    })
    .await
    .map(|s| {
        Json(WaitingList {
            waiting_list: s.waiting_list,
        })
    })
}

/// Refill freed slots from the waiting list (organisers)
///
/// Pairs are taken best weight first; each goes to the earliest slot from `from_slot` on
/// where both sides are available and free, under their caps, with a free table. Nothing
/// planned moves.
#[utoipa::path(
    post, path = paths::WAITING_LIST_FILL, tag = "events",
    params(("id" = String, Path, description = "Event id")),
    request_body = FromSlot,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new meetings and the schedule", body = Replan),
        (status = 400, description = "Malformed JSON, wrong type or unknown field", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event, or never scheduled", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "No such slot (field `from_slot`)", body = ErrorBody),
    )
)]
pub async fn fill_waiting_list(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    JsonBody(b): JsonBody<FromSlot>,
) -> ApiResult<Json<Replan>> {
    organiser_change(&state, principal, &path, move |svc, id, actor| {
        svc.fill_waiting_list(id, b.from_slot, actor)
    })
    .await
    .map(Json)
}

// ---- agendas ----

/// Every participant's agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaList {
    pub agendas: Vec<Agenda>,
}

/// A participant's agenda, as JSON, printable HTML (French) or ICS
///
/// Organisers read any agenda; a participant token reads its own. Before the schedule is
/// run the agenda is empty. ICS (`text/calendar`, RFC 5545) has one event per planned
/// meeting with the counterpart, the table and the place, times in UTC converted from the
/// event's Europe/Paris slot times.
#[utoipa::path(
    get, path = paths::AGENDA, tag = "events",
    params(
        ("id" = String, Path, description = "Event id"),
        ("pid" = String, Path, description = "Participant id"),
        ("format" = Option<String>, Query, description = "`json` (default), `html` or `ics`"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agenda", content(
            (Agenda = "application/json"),
            (String = "text/html"),
            (String = "text/calendar"),
        )),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not the organiser nor the participant", body = ErrorBody),
        (status = 404, description = "No such event or participant", body = ErrorBody),
        (status = 422, description = "Invalid id or format", body = ErrorBody),
    )
)]
pub async fn participant_agenda(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    mut q: QueryParams,
) -> ApiResult<Response> {
    let (id, pid) = (path.id(), path.get("pid"));
    let format = take_format(&mut q, &["json", "html", "ics"])?;
    q.finish()?;
    let svc = events(&state);
    let file = format!("agenda-{id}-{pid}.ics");
    let (a, stamp) = run(move || {
        visible_participant(&svc, &principal, &id, &pid)?;
        let event = svc.require_event(&id).api()?;
        let participants = svc.participants(&id).api()?;
        let schedule = svc.schedule(&id).api()?.unwrap_or_default();
        let stamp = schedule
            .updated_at
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| Some(schedule.computed_at.clone()).filter(|s| !s.is_empty()))
            .unwrap_or_else(now_rfc3339);
        let a = agenda::agenda(&event, &participants, &schedule, &pid).ok_or_else(|| {
            ApiError::not_found(format!("participant not found: {pid}")).with_field("pid")
        })?;
        Ok((a, stamp))
    })
    .await?;
    Ok(match format.as_str() {
        "html" => with_type(
            agenda::agendas_html(&format!("Agenda — {}", a.participant_name), &[a]),
            "text/html; charset=utf-8",
            None,
        ),
        "ics" => with_type(
            agenda::agenda_ics(&a, &stamp),
            "text/calendar; charset=utf-8",
            Some(file),
        ),
        _ => Json(a).into_response(),
    })
}

/// Every agenda (organisers), as JSON or printable HTML, one page per participant
#[utoipa::path(
    get, path = paths::AGENDAS, tag = "events",
    params(
        ("id" = String, Path, description = "Event id"),
        ("format" = Option<String>, Query, description = "`json` (default) or `html`"),
        ("role" = Option<String>, Query, description = "Only `buyer` or only `supplier` agendas"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The agendas, in natural participant order", content(
            (AgendaList = "application/json"),
            (String = "text/html"),
        )),
        (status = 400, description = "Unknown query parameter", body = ErrorBody),
        (status = 401, description = "Missing or invalid token", body = ErrorBody),
        (status = 403, description = "Not an admin nor this event's organiser", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 422, description = "Invalid id, format or role", body = ErrorBody),
    )
)]
pub async fn all_agendas(
    State(state): State<AppState>,
    Auth(principal): Auth,
    path: EventPath,
    mut q: QueryParams,
) -> ApiResult<Response> {
    let id = path.id();
    require_organiser(&principal, &id)?;
    let format = take_format(&mut q, &["json", "html"])?;
    let role = match q.take("role")?.as_deref() {
        None => None,
        Some("buyer") => Some(ev::Role::Buyer),
        Some("supplier") => Some(ev::Role::Supplier),
        Some(_) => return Err(ApiError::invalid("role", "must be buyer or supplier")),
    };
    q.finish()?;
    let svc = events(&state);
    let (event, agendas) = run(move || {
        let event = svc.require_event(&id).api()?;
        let participants = svc.participants(&id).api()?;
        let schedule = svc.schedule(&id).api()?.unwrap_or_default();
        let agendas: Vec<Agenda> = participants
            .iter()
            .filter(|p| role.is_none_or(|r| p.role == r))
            .filter_map(|p| agenda::agenda(&event, &participants, &schedule, p.pid()))
            .collect();
        Ok((event, agendas))
    })
    .await?;
    if format == "html" {
        return Ok(with_type(
            agenda::agendas_html(&format!("Agendas — {}", event.name), &agendas),
            "text/html; charset=utf-8",
            None,
        ));
    }
    Ok(Json(AgendaList { agendas }).into_response())
}
