//! The web pages (French UI), served by the same binary as the API: supplier search (home
//! page, with map and exports), supplier profiles and their editing form, the buyer's need
//! page, and the event pages (schedule grid, agendas with ICS and print layout).
//!
//! Pages are rendered on the server and work without script: every search is a GET form,
//! every edit a POST form. `assets/essor.js` (embedded) only enhances them: suggestions as
//! one types, marker popups on the map, the print button. The CSS is embedded too: no
//! front-end build step. Routes are French (`/fournisseurs/{siret}`, `/besoin`,
//! `/evenements`); [`routes`] is merged into the API's router, so the pages share its
//! middleware (limits, request ids, metrics).
//!
//! **Invariant:** page handlers run searches and matches on the API's query workers and
//! store work in `spawn_blocking`, like the API's.
//! What this module does not do: business rules (model, engine), JSON API (`api/`).

pub mod access;
pub mod events;
pub mod html;
pub mod map;
pub mod need;
pub mod search;
pub mod supplier;

use axum::Form;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::api::AppState;
use crate::error::{Error, FieldError};
use crate::events::service::Events;
use html::{FormErrors, Section};

const CSS: &str = include_str!("assets/essor.css");
const JS: &str = include_str!("assets/essor.js");

/// Page paths.
pub mod paths {
    pub const HOME: &str = "/";
    pub const EXPORT_CSV: &str = "/export.csv";
    pub const EXPORT_GEOJSON: &str = "/export.geojson";
    pub const SUGGESTIONS: &str = "/suggestions";
    pub const SUPPLIER: &str = "/fournisseurs/{siret}";
    pub const SUPPLIER_EDIT: &str = "/fournisseurs/{siret}/modifier";
    pub const NEED: &str = "/besoin";
    pub const EVENTS: &str = "/evenements";
    pub const EVENT: &str = "/evenements/{id}";
    pub const EVENT_CSV: &str = "/evenements/{id}/planning.csv";
    pub const EVENT_TABLES: &str = "/evenements/{id}/plan-des-tables";
    pub const EVENT_AGENDAS: &str = "/evenements/{id}/agendas";
    pub const AGENDA: &str = "/evenements/{id}/agenda/{pid}";
    pub const AGENDA_ICS: &str = "/evenements/{id}/agenda/{pid}/ics";
    pub const LOGIN: &str = "/connexion";
    pub const LOGOUT: &str = "/deconnexion";
    pub const CSS: &str = "/static/essor.css";
    pub const JS: &str = "/static/essor.js";
}

/// Every page route; merged into the API's router by `api::routes`.
pub fn routes() -> Router<AppState> {
    use paths::*;
    Router::new()
        .route(HOME, get(home))
        .route(EXPORT_CSV, get(export_csv))
        .route(EXPORT_GEOJSON, get(export_geojson))
        .route(SUGGESTIONS, get(suggest))
        .route(SUPPLIER, get(profile))
        .route(SUPPLIER_EDIT, get(edit_form).post(edit_save))
        .route(NEED, get(need_form).post(need_submit))
        .route(EVENTS, get(events_list))
        .route(EVENT, get(event_page))
        .route(EVENT_CSV, get(event_csv))
        .route(EVENT_TABLES, get(event_tables))
        .route(EVENT_AGENDAS, get(event_agendas))
        .route(AGENDA, get(agenda_page))
        .route(AGENDA_ICS, get(agenda_ics))
        .route(LOGIN, get(access::login_form).post(access::login_submit))
        .route(LOGOUT, axum::routing::post(access::logout))
        .route(paths::CSS, get(css))
        .route(paths::JS, get(js))
}

/// A page's failure, rendered as a French HTML page.
#[derive(Debug)]
pub enum PageError {
    NotFound(String),
    Internal(String),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        match e {
            Error::NotFound { kind, id } => PageError::NotFound(format!("{kind} {id}")),
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, text) = match &self {
            PageError::NotFound(_) => (
                StatusCode::NOT_FOUND,
                "Page introuvable",
                "La page demandée n'existe pas ou plus. Vérifiez l'adresse, ou repartez de la recherche.",
            ),
            PageError::Internal(cause) => {
                tracing::error!(cause = %cause, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Erreur du service",
                    "Le service a rencontré une erreur. Réessayez dans un instant.",
                )
            }
        };
        let body =
            format!("<h1>{title}</h1><p>{text}</p><p><a href=\"/\">Retour à la recherche</a></p>");
        (status, Html(html::page(title, Section::Other, &body))).into_response()
    }
}

type PageResult<T> = Result<T, PageError>;

/// Run blocking work (store, index, matching) off the async executor.
async fn blocking<T, F>(f: F) -> PageResult<T>
where
    F: FnOnce() -> Result<T, PageError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(PageError::Internal(format!("blocking task cancelled: {e}"))),
    }
}

/// Run a search or a match on the API's query workers (`api::pool`), in arrival order like
/// the API's own searches.
async fn query<T, F>(state: &AppState, f: F) -> PageResult<T>
where
    F: FnOnce() -> Result<T, PageError> + Send + 'static,
    T: Send + 'static,
{
    match state.queries().spawn(f).await {
        Ok(r) => r,
        Err(gone) => Err(PageError::Internal(gone.to_string())),
    }
}

fn query_pairs(raw: Option<String>) -> Vec<(String, String)> {
    let raw = raw.unwrap_or_default();
    let uri: axum::http::Uri = format!("/?{raw}").parse().unwrap_or_default();
    axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default()
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

// ---------------------------------------------------------------------------------------------
// Search

async fn home(State(state): State<AppState>, RawQuery(raw): RawQuery) -> PageResult<Html<String>> {
    let form = search::SearchForm::from_pairs(&query_pairs(raw));
    let index = state.index().clone();
    query(&state, move || {
        let (q, errors) = search::build_query(&form, search::PER_PAGE);
        let res = index.search(&q);
        Ok(Html(match res {
            Ok(res) => search::render_page(&form, Some(&res), &errors),
            Err(Error::Invalid { errors: more }) => {
                let mut all = errors;
                all.extend(more);
                search::render_page(&form, None, &all)
            }
            Err(e) => return Err(e.into()),
        }))
    })
    .await
}

async fn export_results(
    state: AppState,
    raw: Option<String>,
) -> PageResult<crate::index::SearchResults> {
    let mut form = search::SearchForm::from_pairs(&query_pairs(raw));
    form.page = 1;
    let index = state.index().clone();
    query(&state, move || {
        let (mut q, _) = search::build_query(&form, search::EXPORT_MAX);
        q.facets = false;
        q.snippets = false;
        Ok(index.search(&q)?)
    })
    .await
}

async fn export_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let res = export_results(state, raw).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fournisseurs-ess.csv\"",
            ),
        ],
        search::export_csv(&res),
    )
        .into_response())
}

async fn export_geojson(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> PageResult<Response> {
    let res = export_results(state, raw).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fournisseurs-ess.geojson\"",
            ),
        ],
        search::export_geojson(&res),
    )
        .into_response())
}

/// `GET /suggestions?q=…&type=trades|communes|cpv|all` → JSON list for the search box.
async fn suggest(RawQuery(raw): RawQuery) -> PageResult<Response> {
    let pairs = query_pairs(raw);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let q: String = get("q").chars().take(100).collect();
    let kind = get("type");
    let list = blocking(move || {
        Ok(if kind == "cpv" {
            cpv_suggestions(&q, 10)
        } else {
            search::suggestions(&q, &kind, 8)
        })
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".into()),
    )
        .into_response())
}

fn cpv_suggestions(q: &str, limit: usize) -> Vec<search::Suggestion> {
    if q.trim().chars().count() < 2 {
        return Vec::new();
    }
    crate::referential::Referential::get()
        .cpv
        .search(q, limit)
        .into_iter()
        .map(|c| search::Suggestion {
            kind: "cpv",
            label: format!("{} — {}", c.code, c.label()),
            value: c.code.clone(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Suppliers

fn valid_siret(s: &str) -> PageResult<String> {
    crate::model::ids::Siret::parse(s)
        .map(|s| s.to_string())
        .map_err(|_| PageError::NotFound(s.to_string()))
}

async fn profile(
    State(state): State<AppState>,
    Path(siret): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult<Html<String>> {
    let siret = valid_siret(&siret)?;
    let saved = query_pairs(raw).iter().any(|(k, _)| k == "enregistre");
    let store = state.store().clone();
    blocking(move || match store.get_supplier(&siret)? {
        Some(s) => Ok(Html(supplier::render_profile(&s.supplier, saved))),
        None => Err(PageError::NotFound(siret)),
    })
    .await
}

async fn edit_form(
    State(state): State<AppState>,
    Path(siret): Path<String>,
) -> PageResult<Response> {
    let siret = valid_siret(&siret)?;
    let store = state.store().clone();
    let page = blocking(move || match store.get_supplier(&siret)? {
        Some(s) => Ok(supplier::render_edit(
            &siret,
            &s.supplier.name,
            &supplier::supplier_pairs(&s.supplier),
            &FormErrors::default(),
            "",
        )),
        None => Err(PageError::NotFound(siret)),
    })
    .await?;
    Ok(no_store(Html(page).into_response()))
}

async fn edit_save(
    State(state): State<AppState>,
    Path(siret): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let siret = valid_siret(&siret)?;
    let st = state.clone();
    blocking(move || {
        let store = st.store();
        let Some(stored) = store.get_supplier(&siret)? else {
            return Err(PageError::NotFound(siret));
        };
        let stored = stored.supplier;
        let values = supplier::FormValues::from_pairs(&pairs);
        let token = values.get("jeton").trim().to_string();
        let fail = |errors: Vec<FieldError>, keep_token: bool| {
            let page = supplier::render_edit(
                &siret,
                &stored.name,
                &values,
                &FormErrors::new(errors),
                if keep_token { &token } else { "" },
            );
            Ok(no_store(
                (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response(),
            ))
        };
        let principal = if token.is_empty() {
            None
        } else {
            crate::api::auth::authenticate(store, &token)?
        };
        let Some(principal) = principal else {
            let why = if token.is_empty() {
                "Saisissez le jeton d'accès de votre structure."
            } else {
                "Ce jeton n'est pas reconnu."
            };
            return fail(vec![FieldError::new("jeton", why)], false);
        };
        if !principal.can_edit_supplier(&siret) {
            return fail(
                vec![FieldError::new(
                    "jeton",
                    "Ce jeton ne permet pas de modifier ce fournisseur.",
                )],
                false,
            );
        }
        let (mut updated, mut errors) = supplier::apply_pairs(&stored, &values);
        if let Err(e) = crate::model::validate_supplier(&mut updated) {
            errors.extend(supplier::renumber(crate::model::field_errors(&e), &values));
        }
        if !errors.is_empty() {
            return fail(errors, true);
        }
        let seq = store.put_supplier(&updated, &principal.actor(), "web")?;
        st.make_searchable(seq);
        Ok(Redirect::to(&format!("/fournisseurs/{siret}?enregistre=1")).into_response())
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Needs

async fn need_form(RawQuery(raw): RawQuery) -> Html<String> {
    let f = need::NeedForm::from_pairs(&query_pairs(raw));
    Html(need::render(&f, &[], None))
}

async fn need_submit(
    State(state): State<AppState>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = need::NeedForm::from_pairs(&pairs);
    let index = state.index().clone();
    query(&state, move || {
        let (mut n, mut errors) = f.to_need();
        if errors.iter().all(|e| e.field != "commune")
            && let Err(e) = crate::model::validate_need(&mut n)
        {
            for mut fe in crate::model::field_errors(&e) {
                fe.field = need::form_field(&fe.field);
                if fe.field == "title" {
                    fe.reason = "must not be empty".into();
                }
                if !errors.iter().any(|x| x.field == fe.field) {
                    errors.push(fe);
                }
            }
        }
        if !errors.is_empty() {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(need::render(&f, &errors, None)),
            )
                .into_response());
        }
        let res = crate::engine::match_need(&index, &n, need::MATCH_LIMIT)?;
        Ok(Html(need::render(&f, &[], Some((&n, &res)))).into_response())
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Events

type EventData = (
    crate::events::model::Event,
    Vec<crate::events::model::Participant>,
    Option<crate::events::model::EventSchedule>,
);

async fn load_event(state: &AppState, id: String) -> PageResult<EventData> {
    let events = Events::new(state.store().clone());
    blocking(move || {
        if !crate::model::validate::valid_need_id(&id) {
            return Err(PageError::NotFound(id));
        }
        let Some(event) = events.get_event(&id)? else {
            return Err(PageError::NotFound(id));
        };
        let participants = events.participants(&id)?;
        let schedule = events.schedule(&id)?;
        Ok((event, participants, schedule))
    })
    .await
}

async fn events_list(State(state): State<AppState>) -> PageResult<Html<String>> {
    let events = Events::new(state.store().clone());
    blocking(move || {
        let mut list = events.list_events()?;
        list.sort_by(|a, b| a.date.cmp(&b.date).then(a.name.cmp(&b.name)));
        Ok(Html(events::render_list(&list)))
    })
    .await
}

/// What a viewer may see of an event: everything (admin, the event's organiser) or only
/// the participants it owns (a buyer or supplier token).
enum EventAccess {
    Organiser,
    Own(Vec<String>),
}

async fn event_access(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    participants: &[crate::events::model::Participant],
) -> PageResult<Option<EventAccess>> {
    let Some(who) = access::viewer(state, headers).await? else {
        return Ok(None);
    };
    if who.can_organise(id) {
        return Ok(Some(EventAccess::Organiser));
    }
    Ok(Some(EventAccess::Own(
        participants
            .iter()
            .filter(|p| crate::api::events::owns(&who, p))
            .filter_map(|p| p.id.clone())
            .collect(),
    )))
}

/// The page for organisers only, or the sign-in / refusal page.
fn organisers_only(acc: &Option<EventAccess>, next: &str) -> Option<Response> {
    match acc {
        Some(EventAccess::Organiser) => None,
        other => Some(access::refused(other.is_some(), next)),
    }
}

async fn event_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (e, p, s) = load_event(&state, id.clone()).await?;
    let acc = event_access(&state, &headers, &id, &p).await?;
    let page = match &acc {
        Some(EventAccess::Organiser) => events::render_event(&e, &p, s.as_ref()),
        other => {
            let own: Vec<&crate::events::model::Participant> = match other {
                Some(EventAccess::Own(ids)) => p
                    .iter()
                    .filter(|x| x.id.as_ref().is_some_and(|i| ids.contains(i)))
                    .collect(),
                _ => Vec::new(),
            };
            events::render_event_public(
                &e,
                &own,
                other.is_some(),
                &access::login_href(&format!("/evenements/{id}")),
            )
        }
    };
    Ok(no_store(Html(page).into_response()))
}

async fn event_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (e, p, s) = load_event(&state, id.clone()).await?;
    let acc = event_access(&state, &headers, &id, &p).await?;
    if let Some(r) = organisers_only(&acc, &format!("/evenements/{id}/planning.csv")) {
        return Ok(r);
    }
    let s = s.ok_or_else(|| PageError::NotFound(id.clone()))?;
    Ok(no_store(
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"planning-{id}.csv\""),
                ),
            ],
            crate::events::agenda::schedule_csv(&e, &p, &s),
        )
            .into_response(),
    ))
}

async fn event_tables(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (e, p, s) = load_event(&state, id.clone()).await?;
    let acc = event_access(&state, &headers, &id, &p).await?;
    if let Some(r) = organisers_only(&acc, &format!("/evenements/{id}/plan-des-tables")) {
        return Ok(r);
    }
    let s = s.ok_or(PageError::NotFound(id))?;
    Ok(no_store(
        Html(crate::events::agenda::table_sheet_html(&e, &p, &s)).into_response(),
    ))
}

async fn event_agendas(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let (e, p, s) = load_event(&state, id.clone()).await?;
    let acc = event_access(&state, &headers, &id, &p).await?;
    if let Some(r) = organisers_only(&acc, &format!("/evenements/{id}/agendas")) {
        return Ok(r);
    }
    let s = s.ok_or(PageError::NotFound(id))?;
    let agendas: Vec<_> = p
        .iter()
        .filter_map(|x| x.id.as_deref())
        .filter_map(|pid| crate::events::agenda::agenda(&e, &p, &s, pid))
        .collect();
    Ok(no_store(
        Html(crate::events::agenda::agendas_html(
            &format!("Agendas — {}", e.name),
            &agendas,
        ))
        .into_response(),
    ))
}

/// A participant's agenda, for the event's organisers and the participant's owner; the
/// sign-in or refusal page for anyone else.
async fn participant_agenda(
    state: &AppState,
    headers: &HeaderMap,
    id: String,
    pid: String,
    next: &str,
) -> PageResult<Result<crate::events::agenda::Agenda, Response>> {
    let (e, p, s) = load_event(state, id.clone()).await?;
    let acc = event_access(state, headers, &id, &p).await?;
    let allowed = match &acc {
        Some(EventAccess::Organiser) => true,
        Some(EventAccess::Own(ids)) => ids.contains(&pid),
        None => false,
    };
    if !allowed {
        return Ok(Err(access::refused(acc.is_some(), next)));
    }
    let s = s.unwrap_or_default();
    crate::events::agenda::agenda(&e, &p, &s, &pid)
        .map(Ok)
        .ok_or(PageError::NotFound(pid))
}

async fn agenda_page(
    State(state): State<AppState>,
    Path((id, pid)): Path<(String, String)>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let next = format!("/evenements/{id}/agenda/{pid}");
    match participant_agenda(&state, &headers, id, pid, &next).await? {
        Ok(a) => Ok(no_store(Html(events::render_agenda(&a)).into_response())),
        Err(r) => Ok(r),
    }
}

async fn agenda_ics(
    State(state): State<AppState>,
    Path((id, pid)): Path<(String, String)>,
    headers: HeaderMap,
) -> PageResult<Response> {
    let next = format!("/evenements/{id}/agenda/{pid}");
    let a = match participant_agenda(&state, &headers, id, pid.clone(), &next).await? {
        Ok(a) => a,
        Err(r) => return Ok(r),
    };
    let body = crate::events::agenda::agenda_ics(&a, &crate::store::now_rfc3339());
    let safe: String = pid
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Ok(no_store(
        (
            [
                (
                    header::CONTENT_TYPE,
                    "text/calendar; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"agenda-{safe}.ics\""),
                ),
            ],
            body,
        )
            .into_response(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Assets

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

async fn js() -> Response {
    asset(JS, "text/javascript; charset=utf-8")
}

/// Title of an HTML page, for tests and logs.
pub fn page_title(html: &str) -> Option<String> {
    let start = html.find("<title>")? + 7;
    let end = html[start..].find("</title>")? + start;
    Some(html[start..end].to_string())
}
