//! The web pages: fast in-process checks of the server-rendered HTML, exports and forms, and
//! one end-to-end run in headless Chromium (chromedriver + fantoccini) against the real
//! server on a real socket, loaded with the bundled demo data: search with text, a filter
//! and a distance (results and map markers), a profile, editing one's own profile with a
//! token and finding the change in search, a need and its matches, an event grid, an agenda
//! and its ICS file. Every page passes axe-core with no serious or critical violation, and
//! is saved as a screenshot at desktop (1280 px) and phone (390 px) widths under
//! `target/screenshots/`.
//!
//! The browser test needs `chromedriver` (Debian `chromium-driver`) and axe-core (the path
//! of `axe.min.js` in `ESSOR_AXE_JS`); `scripts/test.sh` installs both. Without them the
//! test fails, it does not skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tower::ServiceExt;

use essor::api::auth::{TokenSpec, create_token};
use essor::api::{ApiConfig, AppState, IndexSync};
use essor::events::model::{
    Event, EventMeeting, EventSchedule, MeetingStatus, PairWeights, Participant, Role, Slot,
};
use essor::events::service::Events;
use essor::index::SearchIndex;
use essor::model::Supplier;
use essor::store::Store;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/suppliers.jsonl");

// ---------------------------------------------------------------------------------------------
// In-process checks

struct Env {
    _dir: tempfile::TempDir,
    state: AppState,
    app: Router,
}

fn supplier(siret: &str, name: &str, commune: &str, kinds: &[&str], text: &str) -> Supplier {
    let mut s: Supplier = serde_json::from_value(json!({
        "siret": siret,
        "name": name,
        "kinds": kinds,
        "ess": true,
        "description": text,
        "address": {"commune": commune},
        "activities": [{"label": "Espaces verts", "cpv": ["77310000"], "modes": ["services"], "zone": {"radius_km": 40}}],
        "contact": {"email": "contact@exemple.fr"}
    }))
    .unwrap();
    essor::model::validate_supplier(&mut s).unwrap();
    s
}

fn small_env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for (i, (commune, kinds)) in [
        ("81004", &["ACI"][..]),
        ("81065", &["EA"][..]),
        ("31555", &["ACI", "EI"][..]),
    ]
    .iter()
    .enumerate()
    {
        let siret = crate::common::siret(i as u64 + 1);
        let s = supplier(
            &siret,
            &format!("Jardins solidaires {}", i + 1),
            commune,
            kinds,
            "Entretien des espaces verts, tonte et débroussaillage des parcs.",
        );
        store.put_supplier(&s, "test", "create").unwrap();
    }
    let index = SearchIndex::open_synced(dir.path(), &store).unwrap();
    let state = AppState::new(store, index, IndexSync::Inline, ApiConfig::default()).unwrap();
    let app = essor::api::router(state.clone());
    Env {
        _dir: dir,
        state,
        app,
    }
}

async fn fetch(app: &Router, req: Request<Body>) -> (StatusCode, String, String) {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String, String) {
    fetch(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_form(app: &Router, uri: &str, pairs: &[(&str, &str)]) -> (StatusCode, String) {
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let req = Request::post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (s, _, b) = fetch(app, req).await;
    (s, b)
}

fn enc(s: &str) -> String {
    essor::web::html::url_enc(s)
}

#[tokio::test]
async fn search_results_are_rendered_on_the_server_with_cards_markers_and_facets() {
    let e = small_env();
    let (status, ctype, html) = get(
        &e.app,
        "/?q=espaces+verts&autour=Albi&rayon=50&geo=proche&type=ACI",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("class=\"skip\" href=\"#contenu\""));
    // Albi (81004) and Toulouse are within 50 km? Toulouse is ~70 km: only the Albi ACI.
    assert_eq!(html.matches("<li class=\"card\"").count(), 1, "{html}");
    assert!(html.contains("Jardins solidaires 1"));
    assert_eq!(html.matches("class=\"marker\"").count(), 1);
    assert!(html.contains("<mark>"), "matched words are highlighted");
    assert!(
        html.contains("1 fournisseur trouvé pour « espaces verts », à moins de 50 km d&#39;Albi")
    );
    // Facet counts are shown next to the filters.
    assert!(html.contains("name=\"type\" value=\"ACI\" checked"));
}

#[tokio::test]
async fn an_unknown_commune_is_reported_next_to_its_field() {
    let e = small_env();
    let (status, _, html) = get(&e.app, "/?autour=Qwxyzville").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"f-autour-err\""));
    assert!(html.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn exports_hold_every_result_as_csv_and_geojson() {
    let e = small_env();
    let (status, ctype, csv) = get(&e.app, "/export.csv?q=espaces+verts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/csv"));
    let mut rdr = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let (status, ctype, gj) = get(&e.app, "/export.geojson?type=EA").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/geo+json");
    let v: Value = serde_json::from_str(&gj).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"].as_array().unwrap().len(), 1);
    let coords = &v["features"][0]["geometry"]["coordinates"];
    assert!(coords[0].as_f64().unwrap() > 1.0 && coords[1].as_f64().unwrap() > 43.0);
}

#[tokio::test]
async fn suggestions_offer_trades_communes_and_cpv_codes() {
    let e = small_env();
    let (_, ctype, body) = get(&e.app, "/suggestions?type=all&q=tonte").await;
    assert_eq!(ctype, "application/json");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v.as_array().unwrap().iter().any(|s| s["kind"] == "metier"));
    let (_, _, body) = get(&e.app, "/suggestions?type=communes&q=albi").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v[0]["value"], "Albi (81004)");
    let (_, _, body) = get(&e.app, "/suggestions?type=cpv&q=7731").await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v[0]["value"].as_str().unwrap().contains('-'), "{v}");
}

#[tokio::test]
async fn a_profile_edit_needs_a_token_for_that_siret_and_reports_bad_fields_in_place() {
    let e = small_env();
    let siret = crate::common::siret(1);
    let other = crate::common::siret(2);
    let token = create_token(
        e.state.store(),
        &TokenSpec {
            role: "supplier".into(),
            siret: Some(other.clone()),
            ..TokenSpec::default()
        },
        "test",
    )
    .unwrap()
    .token;
    let uri = format!("/fournisseurs/{siret}/modifier");
    let (status, _, form) = get(&e.app, &uri).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"activities[0].cpv\""));
    // No token, then a token for another SIRET.
    let (status, html) =
        post_form(&e.app, &uri, &[("name", "X"), ("address.commune", "81004")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"f-jeton-err\""));
    let (status, html) = post_form(
        &e.app,
        &uri,
        &[
            ("jeton", &token),
            ("name", "X"),
            ("address.commune", "81004"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("ne permet pas de modifier ce fournisseur"));
    // The right token, with a bad email and a bad CPV code: both shown by their inputs.
    let own = create_token(
        e.state.store(),
        &TokenSpec {
            role: "supplier".into(),
            siret: Some(siret.clone()),
            ..TokenSpec::default()
        },
        "test",
    )
    .unwrap()
    .token;
    let (status, html) = post_form(
        &e.app,
        &uri,
        &[
            ("jeton", &own),
            ("name", "Jardins solidaires 1"),
            ("address.commune", "Albi (81004)"),
            ("contact.email", "pas-une-adresse"),
            ("activities[0].cpv", "77310000, 12345678"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"f-contact-email-err\""), "{html}");
    assert!(html.contains("Adresse électronique invalide"));
    assert!(html.contains("id=\"f-activities-0-cpv-err\""));
    assert!(html.contains("Code CPV inconnu"));
    // Nothing was written.
    let stored = e.state.store().get_supplier(&siret).unwrap().unwrap();
    assert_eq!(
        stored.supplier.contact.email.as_deref(),
        Some("contact@exemple.fr")
    );
}

#[tokio::test]
async fn unknown_pages_and_suppliers_answer_a_french_404_page() {
    let e = small_env();
    let (status, ctype, html) = get(&e.app, "/fournisseurs/12345678901234").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ctype.starts_with("text/html"));
    assert!(html.contains("Page introuvable"));
    let (status, _, _) = get(&e.app, "/evenements/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn get_as(app: &Router, uri: &str, cookie: &str) -> (StatusCode, String, String) {
    let req = Request::get(uri)
        .header("cookie", format!("essor_jeton={cookie}"))
        .body(Body::empty())
        .unwrap();
    fetch(app, req).await
}

#[tokio::test]
async fn event_pages_show_the_schedule_to_organisers_and_each_agenda_to_its_participant() {
    let e = small_env();
    let store = e.state.store();
    let sirets: Vec<String> = (1..=3).map(crate::common::siret).collect();
    let id = seed_event(store, &sirets);
    let token = |role: &str, siret: Option<&String>, event: Option<&String>| {
        create_token(
            store,
            &TokenSpec {
                role: role.into(),
                siret: siret.cloned(),
                event: event.cloned(),
                ..TokenSpec::default()
            },
            "test",
        )
        .unwrap()
        .token
    };
    let organiser = token("organiser", None, Some(&id));
    let other_event = token("organiser", None, Some(&"autre-salon".to_string()));
    let s1 = token("supplier", Some(&sirets[0]), None);
    let event = format!("/evenements/{id}");

    // Anyone: the announcement, nobody's name, and a way to sign in.
    let (status, _, html) = get(&e.app, &event).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Rencontres achats responsables du Tarn"),
        "{html}"
    );
    assert!(!html.contains("table class=\"grid\""), "{html}");
    assert!(!html.contains("Acheteur 1") && !html.contains("Mairie d&#39;Albi"));
    assert!(
        html.contains("/connexion?suite=%2Fevenements%2Fsalon-albi"),
        "{html}"
    );
    for path in [
        "planning.csv",
        "plan-des-tables",
        "agendas",
        "agenda/b1",
        "agenda/b1/ics",
    ] {
        let (status, ctype, html) = get(&e.app, &format!("{event}/{path}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(ctype.starts_with("text/html"), "{path}");
        assert!(html.contains("form class=\"login\""), "{path}");
        assert!(!html.contains("Acheteur 1"), "{path}");
    }

    // The organiser of this event sees everything; another event's organiser nothing more
    // than the public.
    let (status, _, html) = get_as(&e.app, &event, &organiser).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("table class=\"grid\""), "{html}");
    for path in [
        "planning.csv",
        "plan-des-tables",
        "agendas",
        "agenda/b1",
        "agenda/s2/ics",
    ] {
        let (status, _, _) = get_as(&e.app, &format!("{event}/{path}"), &organiser).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (_, _, html) = get_as(&e.app, &event, &other_event).await;
    assert!(!html.contains("table class=\"grid\""));
    let (status, _, html) = get_as(&e.app, &format!("{event}/agenda/b1"), &other_event).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Accès refusé"));

    // A supplier sees its own agenda, linked from the event's page, and nobody else's.
    let (status, _, html) = get_as(&e.app, &event, &s1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("href=\"/evenements/salon-albi/agenda/s1\""),
        "{html}"
    );
    assert!(!html.contains("agenda/s2") && !html.contains("agenda/b1"));
    let (status, _, html) = get_as(&e.app, &format!("{event}/agenda/s1"), &s1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Acheteur 1"), "s1 meets b1: {html}");
    let (status, ctype, _) = get_as(&e.app, &format!("{event}/agenda/s1/ics"), &s1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/calendar"));
    for path in ["agenda/s2", "agenda/b1", "planning.csv", "agendas"] {
        let (status, _, _) = get_as(&e.app, &format!("{event}/{path}"), &s1).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    // A made-up key is nobody.
    let (status, _, _) = get_as(
        &e.app,
        &format!("{event}/agenda/s1"),
        "essor_0000000000000000_00",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_in_keeps_the_key_in_a_strict_cookie_and_only_returns_to_local_pages() {
    let e = small_env();
    let organiser = create_token(
        e.state.store(),
        &TokenSpec {
            role: "organiser".into(),
            event: Some("salon-albi".into()),
            ..TokenSpec::default()
        },
        "test",
    )
    .unwrap()
    .token;
    let (status, _, html) = get(&e.app, "/connexion?suite=%2Fevenements%2Fsalon-albi").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"/evenements/salon-albi\""), "{html}");
    let post = |pairs: Vec<(&'static str, String)>| {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        Request::post("/connexion")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let resp = e
        .app
        .clone()
        .oneshot(post(vec![
            ("jeton", organiser.clone()),
            ("suite", "/evenements/salon-albi".into()),
        ]))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/evenements/salon-albi");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with(&format!("essor_jeton={organiser};")),
        "{cookie}"
    );
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    // Never back to another site.
    for evil in [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
    ] {
        let resp = e
            .app
            .clone()
            .oneshot(post(vec![
                ("jeton", organiser.clone()),
                ("suite", evil.into()),
            ]))
            .await
            .unwrap();
        assert_eq!(resp.headers()["location"], "/", "{evil}");
    }
    // An unknown key: the form again, with the error next to the input.
    let (status, html) = post_form(
        &e.app,
        "/connexion",
        &[("jeton", "essor_nope"), ("suite", "/evenements")],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("id=\"f-jeton-err\""), "{html}");
    assert!(
        html.contains("Ce jeton n&#39;est pas reconnu")
            || html.contains("Ce jeton n'est pas reconnu")
    );
    // Signing out clears the cookie.
    let resp = e
        .app
        .clone()
        .oneshot(Request::post("/deconnexion").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("essor_jeton=;") && cookie.contains("Max-Age=0"));
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let e = small_env();
    let (status, ctype, css) = get(&e.app, "/static/essor.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/css"));
    assert!(css.contains("@media print"));
    let (status, ctype, js) = get(&e.app, "/static/essor.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/javascript"));
    assert!(js.contains("aria-activedescendant"));
}

// ---------------------------------------------------------------------------------------------
// The browser

/// A child process killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Start chromedriver and wait for its "started successfully" line.
fn start_chromedriver() -> (Proc, u16) {
    let port = free_port();
    let mut child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "chromedriver must be installed (Debian package chromium-driver; scripts/test.sh installs it)",
        );
    let out = child.stdout.take().unwrap();
    let proc = Proc(child);
    let mut lines = BufReader::new(out).lines();
    loop {
        let line = lines
            .next()
            .expect("chromedriver exited before it started")
            .unwrap();
        if line.contains("started successfully") {
            break;
        }
    }
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (proc, port)
}

fn chromium_binary() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|b| {
            let out = Command::new("which").arg(b).output().ok()?;
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        })
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Browser {
    c: Client,
    base: String,
    axe: String,
}

impl Browser {
    async fn goto(&self, path: &str) {
        self.c.goto(&format!("{}{path}", self.base)).await.unwrap();
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} not found: {e}"))
    }

    async fn count(&self, css: &str) -> usize {
        self.c.find_all(Locator::Css(css)).await.unwrap().len()
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    /// Run axe-core in the page; fail on any serious or critical violation.
    async fn audit(&self, page: &str) {
        let loaded = self
            .js("return typeof window.axe !== 'undefined';")
            .await
            .as_bool()
            .unwrap_or(false);
        if !loaded {
            self.c.execute(&self.axe, vec![]).await.unwrap();
        }
        let v = self
            .c
            .execute_async(
                "var done = arguments[arguments.length - 1];\
                 axe.run(document, {resultTypes: ['violations']}).then(function (r) {\
                   done(r.violations.map(function (v) { return {id: v.id, impact: v.impact, help: v.help,\
                     nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' ') + ' :: ' + n.failureSummary; })}; }));\
                 }, function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });",
                vec![],
            )
            .await
            .unwrap();
        let bad: Vec<&Value> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| matches!(x["impact"].as_str(), Some("serious" | "critical")))
            .collect();
        assert!(
            bad.is_empty(),
            "{page}: axe reports serious or critical violations: {}",
            serde_json::to_string_pretty(&bad).unwrap()
        );
    }

    /// Screenshots at desktop and phone widths, as tall as the page (capped).
    async fn shoot(&self, name: &str) {
        let dir = screenshots_dir();
        for (label, width) in [("desktop", 1280u32), ("phone", 390u32)] {
            self.c.set_window_size(width, 900).await.unwrap();
            let h = self
                .js("return Math.ceil(document.documentElement.scrollHeight);")
                .await
                .as_f64()
                .unwrap_or(900.0) as u32;
            self.c
                .set_window_size(width, h.clamp(600, 4000))
                .await
                .unwrap();
            let png = self.c.screenshot().await.unwrap();
            std::fs::write(dir.join(format!("{name}-{label}.png")), png).unwrap();
        }
        self.c.set_window_size(1280, 900).await.unwrap();
    }
}

/// Load the demo suppliers, a supplier token, a small scheduled event and its organiser's
/// token.
fn seed(data: &Path) -> (String, String, String, String) {
    let store = Store::open(data).unwrap();
    let report = essor::import::import_suppliers(
        &store,
        Path::new(DEMO),
        &essor::import::ImportOptions {
            actor: "test".into(),
            progress: false,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(report.accepted > 1900);
    // The supplier whose profile the test edits: the first open one in Occitanie.
    let text = std::fs::read_to_string(DEMO).unwrap();
    let sirets: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| {
            v["closed"] != true
                && v["address"]["commune"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("31"))
        })
        .map(|v| v["siret"].as_str().unwrap().to_string())
        .take(4)
        .collect();
    let own = sirets[0].clone();
    let token = create_token(
        &store,
        &TokenSpec {
            role: "supplier".into(),
            siret: Some(own.clone()),
            ..TokenSpec::default()
        },
        "test",
    )
    .unwrap()
    .token;
    let id = seed_event(&store, &sirets[1..4]);
    let organiser = create_token(
        &store,
        &TokenSpec {
            role: "organiser".into(),
            event: Some(id.clone()),
            ..TokenSpec::default()
        },
        "test",
    )
    .unwrap()
    .token;
    store.flush().unwrap();
    (own, token, id, organiser)
}

/// A small scheduled event ("salon-albi"): buyers b1 and b2, suppliers s1 to s3 (the given
/// SIRETs), five meetings over three slots, one of them cancelled.
fn seed_event(store: &Store, sirets: &[String]) -> String {
    // An event: two buyers, three suppliers, a few meetings over three slots.
    let events = Events::new(store.clone());
    let ev = events
        .create_event(
            Event {
                id: Some("salon-albi".into()),
                name: "Rencontres achats responsables du Tarn".into(),
                venue: "Albi, Hôtel de ville".into(),
                date: "2026-06-11".into(),
                slots: vec![
                    Slot {
                        start: "09:00".into(),
                        end: "09:20".into(),
                    },
                    Slot {
                        start: "09:30".into(),
                        end: "09:50".into(),
                    },
                    Slot {
                        start: "10:00".into(),
                        end: "10:20".into(),
                    },
                ],
                num_tables: 4,
                max_meetings_buyer: 3,
                max_meetings_supplier: 3,
                min_meetings: 1,
                shortfall_penalty: 1000,
                weights: PairWeights::default(),
                min_suggestion_score: 0.35,
                created_at: None,
            },
            "test",
        )
        .unwrap();
    let id = ev.id.clone().unwrap();
    let mut people = Vec::new();
    for (i, name) in ["Mairie d'Albi", "Département du Tarn"].iter().enumerate() {
        people.push(
            events
                .add_participant(
                    &id,
                    Participant {
                        id: Some(format!("b{}", i + 1)),
                        organisation: Some(name.to_string()),
                        ..Participant::new(Role::Buyer, format!("Acheteur {}", i + 1))
                    },
                    None,
                    "test",
                )
                .unwrap(),
        );
    }
    for (i, s) in sirets.iter().enumerate() {
        people.push(
            events
                .add_participant(
                    &id,
                    Participant {
                        id: Some(format!("s{}", i + 1)),
                        siret: Some(s.clone()),
                        ..Participant::new(Role::Supplier, "")
                    },
                    None,
                    "test",
                )
                .unwrap(),
        );
    }
    let meeting = |b: &str, s: &str, slot: u32, table: u32, status: MeetingStatus| EventMeeting {
        buyer: b.into(),
        supplier: s.into(),
        slot,
        table,
        locked: false,
        status,
        weight: 100,
        score: 0.6,
    };
    let schedule = EventSchedule {
        meetings: vec![
            meeting("b1", "s1", 0, 0, MeetingStatus::Planned),
            meeting("b2", "s2", 0, 1, MeetingStatus::Planned),
            meeting("b1", "s2", 1, 0, MeetingStatus::Planned),
            meeting("b2", "s3", 1, 1, MeetingStatus::Cancelled),
            meeting("b1", "s3", 2, 0, MeetingStatus::Planned),
        ],
        computed_at: "2026-06-01T08:00:00Z".into(),
        ..EventSchedule::default()
    };
    // A stored schedule as the planner would leave it, with one cancelled meeting.
    store
        .apply(
            vec![
                essor::store::Store::doc_op(essor::store::coll::SCHEDULES, &id, &schedule).unwrap(),
            ],
            vec![essor::store::AuditEntry::new(
                "test",
                "schedule",
                essor::store::coll::SCHEDULES,
                &id,
            )],
        )
        .unwrap();
    id
}

#[test]
fn pages_work_in_headless_chromium_and_pass_the_accessibility_audit() {
    let axe_path = std::env::var("ESSOR_AXE_JS").expect(
        "ESSOR_AXE_JS must name axe-core's axe.min.js (scripts/test.sh installs it with npm)",
    );
    let axe = std::fs::read_to_string(&axe_path)
        .unwrap_or_else(|e| panic!("cannot read axe-core at {axe_path}: {e}"));
    let chromium = chromium_binary().expect("chromium must be installed (Debian package chromium)");
    let started = Instant::now();

    let dir = tempfile::tempdir().unwrap();
    let (own, token, event_id, organiser) = seed(dir.path());

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (_driver, driver_port) = start_chromedriver();
    rt.block_on(async move {
        // The real server, as `essor serve` runs it: index refresher and all.
        let store = Store::open(dir.path()).unwrap();
        let index = SearchIndex::open_synced(dir.path(), &store).unwrap();
        let refresher = index.start_refresher(store.clone(), Duration::from_millis(100));
        let state = AppState::new(store, index, IndexSync::Refresher, ApiConfig::default()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(essor::api::serve(
            listener,
            state,
            async move {
                let _ = stop_rx.await;
            },
            Duration::from_secs(5),
            Some(refresher),
        ));

        let caps: serde_json::Map<String, Value> = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1280,900", "--lang=fr-FR", "--hide-scrollbars"]
            }
        }))
        .unwrap();
        let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .expect("chromedriver accepts a headless Chromium session");
        let b = Browser { c, base, axe };

        search_with_text_filter_and_distance_shows_results_and_markers(&b).await;
        a_profile_shows_activities_zones_and_contact(&b).await;
        editing_ones_profile_with_a_token_shows_in_search(&b, &own, &token).await;
        a_need_gets_ranked_matches_with_explanations(&b).await;
        an_agenda_comes_with_an_ics_file_and_the_grid_links_to_it(&b, &event_id, &organiser).await;

        b.c.close().await.unwrap();
        let _ = stop_tx.send(());
        server.await.unwrap().unwrap();
    });
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(120),
        "the browser test took {took:?}; keep it under two minutes"
    );
}

async fn search_with_text_filter_and_distance_shows_results_and_markers(b: &Browser) {
    b.goto("/").await;
    assert_eq!(b.js("return document.documentElement.lang;").await, "fr");
    // Keyboard: the first Tab reaches the skip link.
    b.find("body").await.send_keys("\u{E004}").await.unwrap();
    let first = b.c.active_element().await.unwrap().text().await.unwrap();
    assert_eq!(first, "Aller au contenu");
    b.audit("recherche (vide)").await;

    b.find("#f-q")
        .await
        .send_keys("espaces verts")
        .await
        .unwrap();
    // Suggestions as one types: a commune, chosen with the keyboard.
    let place = b.find("#f-autour").await;
    place.send_keys("Albi").await.unwrap();
    b.find("ul.suggest[data-q=\"Albi\"]:not([hidden]) li[role=option]")
        .await;
    place.send_keys("\u{E015}").await.unwrap(); // ArrowDown
    place.send_keys("\u{E007}").await.unwrap(); // Enter picks the suggestion
    let value = place.prop("value").await.unwrap().unwrap();
    assert_eq!(value, "Albi (81004)");
    b.find("#rayon").await.select_by_value("50").await.unwrap();
    b.find("#type-ESAT").await.click().await.unwrap();
    b.find("form.search button.btn-primary")
        .await
        .click()
        .await
        .unwrap();

    b.find("h2.summary").await;
    let summary = b.text("h2.summary").await;
    assert!(
        summary.contains("espaces verts") && summary.contains("50 km"),
        "{summary}"
    );
    let cards = b.count("li.card").await;
    assert!(cards > 0, "no result: {summary}");
    let esats = b
        .count("li.card .badge abbr[title=\"Établissement et service d'aide par le travail\"]")
        .await;
    assert_eq!(esats, cards, "every result is an ESAT");
    let markers = b.count("svg.map a.marker").await;
    assert!(
        markers > 0 && markers <= cards,
        "{markers} markers for {cards} cards"
    );
    for d in b.c.find_all(Locator::Css("li.card .dist")).await.unwrap() {
        let t = d.text().await.unwrap();
        let km: f64 = t
            .trim_start_matches("à ")
            .trim_end_matches(" km")
            .replace(',', ".")
            .parse()
            .unwrap();
        assert!(km <= 50.0, "{t}");
    }
    // A click on a marker shows its card over the map.
    let first_id = b.find("li.card").await.attr("id").await.unwrap().unwrap();
    b.find(&format!("svg.map a.marker[data-card=\"{first_id}\"]"))
        .await
        .click()
        .await
        .unwrap();
    let popup = b.find(".popup:not([hidden]) article h3").await;
    let first_card = b.text("li.card h3 a").await;
    assert!(popup.text().await.unwrap().contains(&first_card));
    b.find(".popup button.close").await.click().await.unwrap();
    b.audit("recherche (résultats)").await;
    b.shoot("recherche").await;
}

async fn a_profile_shows_activities_zones_and_contact(b: &Browser) {
    let link = b.find("li.card h3 a").await;
    let name = link.text().await.unwrap();
    link.click().await.unwrap();
    let h1 = b.text("h1").await;
    assert_eq!(h1, name);
    b.find("#activites").await;
    b.find("#contact").await;
    assert!(
        b.count("svg.map path.dep.zone, svg.map .zone-circle, svg.map .zone-dot")
            .await
            > 0
    );
    b.audit("fiche fournisseur").await;
    b.shoot("fiche").await;
}

async fn editing_ones_profile_with_a_token_shows_in_search(b: &Browser, siret: &str, token: &str) {
    b.goto(&format!("/fournisseurs/{siret}/modifier")).await;
    b.audit("modification (formulaire)").await;
    // A bad email first: the message sits next to the field.
    b.find("#f-jeton").await.send_keys(token).await.unwrap();
    let email = b.find("#f-contact-email").await;
    email.clear().await.unwrap();
    email.send_keys("pas-une-adresse").await.unwrap();
    b.find("form.edit button.btn-primary")
        .await
        .click()
        .await
        .unwrap();
    let err = b.text("#f-contact-email-err").await;
    assert!(err.contains("Adresse électronique invalide"), "{err}");
    assert_eq!(
        b.find("#f-contact-email")
            .await
            .attr("aria-invalid")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    b.find("#erreurs a[href=\"#f-contact-email\"]").await;
    b.audit("modification (erreurs)").await;
    b.shoot("modification-erreurs").await;
    // Fix it and add a distinctive word, with a CPV code picked from the suggestions.
    let email = b.find("#f-contact-email").await;
    email.clear().await.unwrap();
    email.send_keys("bonjour@exemple.fr").await.unwrap();
    let desc = b.find("#f-description").await;
    desc.send_keys(" Nous proposons aussi la zythologie solidaire.")
        .await
        .unwrap();
    let cpv = b.find("#f-activities-0-cpv").await;
    cpv.send_keys(", 773140").await.unwrap();
    b.find("ul.suggest[data-q=\"773140\"]:not([hidden]) li[role=option]")
        .await;
    cpv.send_keys("\u{E015}").await.unwrap();
    cpv.send_keys("\u{E007}").await.unwrap();
    let codes = cpv.prop("value").await.unwrap().unwrap();
    assert!(
        codes.matches('-').count() >= 2,
        "a code was appended: {codes}"
    );
    b.find("form.edit button.btn-primary")
        .await
        .click()
        .await
        .unwrap();
    let saved_at = Instant::now();
    let ok = b.text(".alert-success").await;
    assert!(ok.contains("Profil enregistré"), "{ok}");
    b.goto("/?q=zythologie").await;
    let found = b.text("li.card h3 a").await;
    assert!(saved_at.elapsed() < Duration::from_secs(5));
    let name = b.text("h2.summary").await;
    assert!(name.contains("1 fournisseur trouvé"), "{name}");
    assert!(!found.is_empty());
    assert!(b.count("li.card .snippet mark").await >= 1);
}

async fn a_need_gets_ranked_matches_with_explanations(b: &Browser) {
    b.goto("/besoin").await;
    b.audit("besoin (formulaire)").await;
    b.find("#f-description")
        .await
        .send_keys("AVIS DE MARCHÉ — Entretien des espaces verts des écoles communales : tonte, taille des haies et débroussaillage, 12 passages par an.")
        .await
        .unwrap();
    let place = b.find("#f-commune").await;
    place.send_keys("Toulouse").await.unwrap();
    b.find("ul.suggest[data-q=\"Toulouse\"]:not([hidden]) li[role=option]")
        .await;
    place.send_keys("\u{E015}").await.unwrap();
    place.send_keys("\u{E007}").await.unwrap();
    b.find("#perimetre")
        .await
        .select_by_value("dept")
        .await
        .unwrap();
    b.find("#reserved")
        .await
        .select_by_value("L2113-13")
        .await
        .unwrap();
    b.find("form.need button.btn-primary")
        .await
        .click()
        .await
        .unwrap();
    let title = b.text("#resultats").await;
    assert!(title.contains("Toulouse"), "{title}");
    let n = b.count(".matches li.card").await;
    assert!(n > 0, "{title}");
    assert!(b.count(".matches li.card .why li").await >= n);
    // Reserved to SIAE: every match is one.
    for card in
        b.c.find_all(Locator::Css(".matches li.card"))
            .await
            .unwrap()
    {
        let kinds = card.find_all(Locator::Css(".badge abbr")).await.unwrap();
        let mut any = false;
        for k in kinds {
            let t = k.text().await.unwrap();
            any |= ["EI", "AI", "ACI", "ETTI", "EITI"].contains(&t.as_str());
        }
        assert!(any, "a match is not a SIAE");
    }
    b.audit("besoin (résultats)").await;
    b.shoot("besoin").await;
}

async fn an_agenda_comes_with_an_ics_file_and_the_grid_links_to_it(
    b: &Browser,
    event_id: &str,
    organiser: &str,
) {
    b.goto("/evenements").await;
    b.audit("événements").await;
    b.find(&format!("a[href=\"/evenements/{event_id}\"]"))
        .await
        .click()
        .await
        .unwrap();
    // Without a token: the announcement only, and a way to sign in.
    let login = b.find("a[href^=\"/connexion\"]").await;
    assert_eq!(b.count("table.grid").await, 0);
    b.audit("événement (public)").await;
    login.click().await.unwrap();
    b.audit("connexion").await;
    b.find("#f-jeton").await.send_keys(organiser).await.unwrap();
    b.find("form.login button.btn-primary")
        .await
        .click()
        .await
        .unwrap();
    // Back on the event's page, now as its organiser.
    b.find("table.grid").await;
    assert_eq!(b.count("table.grid tbody tr").await, 3);
    assert_eq!(b.count("table.grid .meeting").await, 5);
    assert_eq!(b.count("table.grid .meeting.cancelled").await, 1);
    b.audit("planning").await;
    b.shoot("planning").await;
    b.find(&format!("a[href=\"/evenements/{event_id}/agenda/b1\"]"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(b.count("table.agenda tbody tr").await, 3);
    // The print button appears with script; print CSS hides the site chrome.
    assert!(
        b.find("button[data-print]")
            .await
            .is_displayed()
            .await
            .unwrap()
    );
    b.audit("agenda").await;
    b.shoot("agenda").await;
    // Download the ICS the way the link does, from the page.
    let v = b
        .c
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             var a = document.getElementById('ics');\
             fetch(a.href).then(function (r) { return r.text().then(function (t) {\
               done({status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition'), body: t, download: a.hasAttribute('download')}); }); });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(v["status"], 200);
    assert!(v["type"].as_str().unwrap().starts_with("text/calendar"));
    assert!(v["disposition"].as_str().unwrap().starts_with("attachment"));
    assert_eq!(v["download"], true);
    let body = v["body"].as_str().unwrap();
    let cal = ical::IcalParser::new(body.as_bytes())
        .next()
        .expect("one calendar")
        .expect("a valid calendar");
    assert_eq!(cal.events.len(), 3, "three planned meetings for b1");
    let first = &cal.events[0];
    let start = first
        .properties
        .iter()
        .find(|p| p.name == "DTSTART")
        .and_then(|p| p.value.clone())
        .unwrap();
    assert_eq!(
        start, "20260611T070000Z",
        "09:00 in Paris in June is 07:00 UTC"
    );
}
