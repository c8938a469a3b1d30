//! In-process tests of the HTTP API: every route, every error case, the authorization matrix,
//! middleware behaviour (request ids, panics, load shedding, timeouts) and the OpenAPI
//! document (checked by the independent `openapi-spec-validator` from PyPI).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use essor::api::auth::{TokenSpec, create_token};
use essor::api::{ApiConfig, AppState, IndexSync, paths, router, with_middleware};
use essor::index::SearchIndex;
use essor::model::ids::complete_siret;
use essor::store::Store;
use serde_json::{Value, json};
use tower::ServiceExt;

/// INSEE's own SIRET (SIREN 120027016).
const SIRET: &str = "12002701600357";
const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdefghijklmnop";

struct Env {
    _dir: tempfile::TempDir,
    state: AppState,
    app: Router,
}

fn env_with(config: impl FnOnce(&mut ApiConfig)) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    essor::api::auth::bootstrap_admin(&store, Some(ADMIN_TOKEN)).unwrap();
    let mut cfg = ApiConfig {
        scratch_dir: dir.path().to_path_buf(),
        ..ApiConfig::default()
    };
    config(&mut cfg);
    let index = SearchIndex::open_synced(dir.path(), &store).unwrap();
    let state = AppState::new(store, index, IndexSync::Inline, cfg).unwrap();
    let app = router(state.clone());
    Env {
        _dir: dir,
        state,
        app,
    }
}

fn env() -> Env {
    env_with(|_| {})
}

struct Resp {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Assert a 2xx answer.
    fn ok(self) -> Self {
        assert!(self.status.is_success(), "{}: {}", self.status, self.text());
        self
    }

    /// Assert a JSON error with this status and code; returns the body.
    fn error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{}",
            self.text()
        );
        let v = self.json();
        assert_eq!(v["code"], code, "{v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        v
    }
}

async fn send(app: &Router, req: Request<Body>) -> Resp {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Resp {
        status,
        headers,
        body,
    }
}

fn build(
    method: Method,
    uri: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(body.into()).unwrap()
}

async fn get(app: &Router, uri: &str) -> Resp {
    send(app, build(Method::GET, uri, None, None, Body::empty())).await
}

async fn json_req(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: &Value,
) -> Resp {
    send(
        app,
        build(
            method,
            uri,
            token,
            Some("application/json"),
            body.to_string(),
        ),
    )
    .await
}

async fn delete(app: &Router, uri: &str, token: Option<&str>) -> Resp {
    send(app, build(Method::DELETE, uri, token, None, Body::empty())).await
}

fn supplier(siret: &str) -> Value {
    json!({
        "siret": siret,
        "name": "ESAT Les Ateliers du Tarn",
        "kinds": ["ESAT"],
        "ess": true,
        "naf": "8130Z",
        "description": "Entretien des espaces verts, blanchisserie et conditionnement à façon.",
        "offers": [{"title": "Entretien des espaces verts", "description": "tonte, taille, désherbage"}],
        "address": {"street": "12 rue des Lilas", "postcode": "81000", "city": "Albi", "commune": "81004"},
        "activities": [{"label": "espaces verts", "cpv": ["77310000"], "modes": ["services"], "zone": {"areas": ["dept:81"]}}],
        "capacity": {"employees": 45},
        "contact": {"email": "contact@ateliers-tarn.example"}
    })
}

fn need() -> Value {
    json!({
        "buyer": {"name": "Ville d'Albi"},
        "title": "Entretien des espaces verts municipaux",
        "description": "Tonte et taille des haies des parcs de la ville.",
        "cpv": ["77310000"],
        "place": {"commune": "81004"},
        "reserved": "L2113-12",
        "social_clause": true
    })
}

fn token(state: &AppState, spec: TokenSpec) -> String {
    create_token(state.store(), &spec, "test").unwrap().token
}

fn spec(role: &str) -> TokenSpec {
    TokenSpec {
        role: role.into(),
        ..Default::default()
    }
}

/// Replace server-set values (times, generated ids) so snapshots are stable.
fn redact(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if matches!(k.as_str(), "updated_at" | "created_at") && x.is_string() {
                        *x = json!("[time]");
                    } else {
                        walk(x);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

// ---------------------------------------------------------------- suppliers

#[tokio::test]
async fn put_creates_then_replaces_a_supplier_and_get_reads_it_back() {
    let e = env();
    let uri = format!("/api/v1/suppliers/{SIRET}");
    let r = json_req(
        &e.app,
        Method::PUT,
        &uri,
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.header("location"), Some(uri.as_str()));
    let created = r.json();
    assert_eq!(created["naf"], "81.30Z", "normalised on the way in");
    assert!(created["updated_at"].is_string());
    insta::assert_snapshot!("supplier_as_stored", pretty(&redact(created)));

    let mut changed = supplier(SIRET);
    changed["name"] = json!("ESAT Les Ateliers Albigeois");
    let r = json_req(&e.app, Method::PUT, &uri, Some(ADMIN_TOKEN), &changed).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = get(&e.app, &uri).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["name"], "ESAT Les Ateliers Albigeois");
    let audit = e.state.store().audit_since(0, 100).unwrap();
    let actions: Vec<_> = audit
        .iter()
        .filter(|a| a.coll == "suppliers")
        .map(|a| (a.action.as_str(), a.actor.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("create", "admin:env-admin"), ("put", "admin:env-admin")]
    );
}

#[tokio::test]
async fn put_may_omit_the_siret_but_not_contradict_the_path() {
    let e = env();
    let mut body = supplier(SIRET);
    body.as_object_mut().unwrap().remove("siret");
    let r = json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{SIRET}"),
        Some(ADMIN_TOKEN),
        &body,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let other = complete_siret("1200270160001");
    let r = json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{other}"),
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;
    assert_eq!(r.error(422, "invalid_field")["field"], "siret");
}

#[tokio::test]
async fn patch_merges_into_the_stored_profile_and_revalidates() {
    let e = env();
    let uri = format!("/api/v1/suppliers/{SIRET}");
    json_req(
        &e.app,
        Method::PUT,
        &uri,
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;
    let patch = json!({"brand": "Les Ateliers", "contact": {"email": null, "phone": "05 63 00 00 00"}, "kinds": ["ESAT", "EA"]});
    let r = send(
        &e.app,
        build(
            Method::PATCH,
            &uri,
            Some(ADMIN_TOKEN),
            Some("application/merge-patch+json"),
            patch.to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["brand"], "Les Ateliers");
    assert_eq!(v["contact"], json!({"phone": "05 63 00 00 00"}));
    assert_eq!(v["kinds"], json!(["EA", "ESAT"]));
    assert_eq!(
        v["name"], "ESAT Les Ateliers du Tarn",
        "untouched fields stay"
    );

    let r = json_req(
        &e.app,
        Method::PATCH,
        &uri,
        Some(ADMIN_TOKEN),
        &json!({"capacity": {"employees": -3}}),
    )
    .await;
    assert_eq!(r.error(422, "invalid_field")["field"], "capacity.employees");
    let r = json_req(
        &e.app,
        Method::PATCH,
        &uri,
        Some(ADMIN_TOKEN),
        &json!({"siret": complete_siret("1200270160001")}),
    )
    .await;
    assert_eq!(r.error(422, "invalid_field")["field"], "siret");
    let r = json_req(
        &e.app,
        Method::PATCH,
        &uri,
        Some(ADMIN_TOKEN),
        &json!({"colour": "red"}),
    )
    .await;
    r.error(400, "malformed_input");
    let r = json_req(
        &e.app,
        Method::PATCH,
        &uri,
        Some(ADMIN_TOKEN),
        &json!([1, 2]),
    )
    .await;
    r.error(400, "malformed_input");
    let r = json_req(
        &e.app,
        Method::PATCH,
        &format!("/api/v1/suppliers/{}", complete_siret("1200270160001")),
        Some(ADMIN_TOKEN),
        &json!({"name": "x"}),
    )
    .await;
    r.error(404, "not_found");
    let audit = e.state.store().audit_since(0, 100).unwrap();
    assert_eq!(
        audit.iter().filter(|a| a.action == "patch").count(),
        1,
        "rejected patches write nothing"
    );
}

#[tokio::test]
async fn delete_removes_a_supplier() {
    let e = env();
    let uri = format!("/api/v1/suppliers/{SIRET}");
    json_req(
        &e.app,
        Method::PUT,
        &uri,
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;
    let r = delete(&e.app, &uri, Some(ADMIN_TOKEN)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    get(&e.app, &uri).await.error(404, "not_found");
    delete(&e.app, &uri, Some(ADMIN_TOKEN))
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn supplier_bodies_are_rejected_with_the_field_named() {
    let e = env();
    let uri = format!("/api/v1/suppliers/{SIRET}");
    let put = |body: String, ct: Option<&'static str>| {
        build(Method::PUT, &uri, Some(ADMIN_TOKEN), ct, body)
    };

    let r = send(&e.app, put("{\"siret\": ".into(), Some("application/json"))).await;
    let v = r.error(400, "malformed_input");
    assert!(
        v["message"].as_str().unwrap().contains("invalid JSON"),
        "{v}"
    );

    let mut wrong_type = supplier(SIRET);
    wrong_type["capacity"]["employees"] = json!("forty");
    let r = send(
        &e.app,
        put(wrong_type.to_string(), Some("application/json")),
    )
    .await;
    assert_eq!(
        r.error(400, "malformed_input")["field"],
        "capacity.employees"
    );

    let mut unknown = supplier(SIRET);
    unknown["colour"] = json!("red");
    let r = send(&e.app, put(unknown.to_string(), Some("application/json"))).await;
    assert!(
        r.error(400, "malformed_input")["message"]
            .as_str()
            .unwrap()
            .contains("unknown field")
    );

    let mut bad_kind = supplier(SIRET);
    bad_kind["kinds"] = json!(["ESAT", "XYZ"]);
    let r = send(&e.app, put(bad_kind.to_string(), Some("application/json"))).await;
    assert_eq!(r.error(400, "malformed_input")["field"], "kinds[1]");

    let mut invalid = supplier(SIRET);
    invalid["address"]["commune"] = json!("99999");
    invalid["activities"][0]["cpv"] = json!(["77310000", "90911200-3"]);
    let r = send(&e.app, put(invalid.to_string(), Some("application/json"))).await;
    let v = r.error(422, "invalid_field");
    assert_eq!(v["field"], "address.commune");
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["address.commune", "activities[0].cpv[1]"]);
    insta::assert_snapshot!("invalid_supplier_error", pretty(&v));

    let r = send(&e.app, put(supplier(SIRET).to_string(), Some("text/plain"))).await;
    r.error(415, "unsupported_media_type");
    let r = send(&e.app, put(supplier(SIRET).to_string(), None)).await;
    r.error(415, "unsupported_media_type");
    let r = send(&e.app, put("[]".into(), Some("application/json"))).await;
    r.error(400, "malformed_input");

    let r = json_req(
        &e.app,
        Method::PUT,
        "/api/v1/suppliers/12002701600358",
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;
    assert_eq!(r.error(422, "invalid_field")["field"], "siret");
    assert!(
        e.state.store().get_supplier(SIRET).unwrap().is_none(),
        "nothing was written"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let e = env_with(|c| c.body_limit = 4096);
    let mut big = supplier(SIRET);
    big["description"] = json!("x".repeat(10_000));
    let r = json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{SIRET}"),
        Some(ADMIN_TOKEN),
        &big,
    )
    .await;
    r.error(413, "payload_too_large");
}

#[tokio::test]
async fn reading_suppliers_needs_no_token_and_checks_the_siret() {
    let e = env();
    get(&e.app, "/api/v1/suppliers/12002701600358")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/suppliers/123")
        .await
        .error(422, "invalid_field");
    get(&e.app, &format!("/api/v1/suppliers/{SIRET}"))
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn supplier_search_checks_every_parameter_before_answering() {
    let e = env();
    let cases = [
        ("near=43.6", "near"),
        ("near=123,1", "near"),
        ("radius_km=10", "near"),
        ("near=43.6,1.44&radius_km=-1", "radius_km"),
        ("serves=dept:31", "serves"),
        ("serves=commune:99999", "serves"),
        ("kinds=ESAT,XYZ", "kinds"),
        ("reserved=L9999", "reserved"),
        ("cpv=90911200-3", "cpv"),
        ("page=0", "page"),
        ("per_page=1000", "per_page"),
        ("page=9999&per_page=100", "page"),
        ("sort=name", "sort"),
        ("sort=distance", "sort"),
        ("facets=maybe", "facets"),
        ("near=43.6,1.44", "radius_km"),
        ("near=43.6,1.44&radius_km=10&serves=commune:81004", "serves"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=50,1,40,2", "bbox"),
        ("naf=99.99Z", "naf"),
        ("legal_family=guild", "legal_family"),
        ("modes=barter", "modes"),
        ("departement=00", "departement"),
        ("region=99", "region"),
        ("commune=99999", "commune"),
        ("ess=perhaps", "ess"),
    ];
    for (query, field) in cases {
        let r = get(&e.app, &format!("/api/v1/suppliers?{query}")).await;
        assert_eq!(r.error(422, "invalid_field")["field"], field, "{query}");
    }
    let r = get(&e.app, "/api/v1/suppliers?colour=red").await;
    assert_eq!(r.error(400, "malformed_input")["field"], "colour");
    let r = get(&e.app, "/api/v1/suppliers?q=a&q=b").await;
    assert_eq!(r.error(400, "malformed_input")["field"], "q");
}

/// Three suppliers around Albi, Toulouse and Lille, written through the API.
async fn three_suppliers(e: &Env) -> [String; 3] {
    let albi = SIRET.to_string();
    let toulouse = complete_siret("1200270160001");
    let lille = complete_siret("7320000000001");
    let mut t = supplier(&toulouse);
    t["name"] = json!("Restaurant d'insertion du Capitole");
    t["kinds"] = json!(["EI"]);
    t["naf"] = json!("56.10A");
    t["description"] =
        json!("Traiteur solidaire : plateaux-repas et buffets pour les collectivités.");
    t["offers"] = json!([{"title": "Traiteur pour réceptions"}]);
    t["address"] = json!({"commune": "31555", "city": "Toulouse"});
    t["activities"] = json!([{"label": "traiteur", "cpv": ["55520000"], "modes": ["services"], "zone": {"radius_km": 50}}]);
    let mut l = supplier(&lille);
    l["name"] = json!("Blanchisserie du Nord");
    l["kinds"] = json!(["EA"]);
    l["description"] = json!("Blanchisserie industrielle et entretien du linge hospitalier.");
    l["offers"] = json!([{"title": "Blanchisserie"}]);
    l["address"] = json!({"commune": "59350", "city": "Lille"});
    l["activities"] = json!([{"label": "blanchisserie", "cpv": ["98310000"], "modes": ["services"], "zone": {"areas": ["region:32"]}}]);
    for (siret, body) in [(&albi, supplier(&albi)), (&toulouse, t), (&lille, l)] {
        let r = json_req(
            &e.app,
            Method::PUT,
            &format!("/api/v1/suppliers/{siret}"),
            Some(ADMIN_TOKEN),
            &body,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    [albi, toulouse, lille]
}

fn sirets(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["siret"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn search_finds_written_suppliers_at_once_by_text_place_and_filters() {
    let e = env();
    let [albi, toulouse, lille] = three_suppliers(&e).await;

    let r = get(&e.app, "/api/v1/suppliers").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["total"], 3, "no parameter lists everyone");

    let v = get(&e.app, "/api/v1/suppliers?q=traiteur").await.json();
    assert_eq!(sirets(&v), [toulouse.as_str()]);
    assert!(
        !v["results"][0]["reasons"].as_array().unwrap().is_empty(),
        "every hit says why"
    );

    let v = get(
        &e.app,
        "/api/v1/suppliers?near=43.93,2.15&radius_km=100&sort=distance",
    )
    .await
    .json();
    assert_eq!(
        sirets(&v),
        [albi.as_str(), toulouse.as_str()],
        "nearest first, Lille is too far"
    );
    assert!(v["results"][0]["distance_km"].as_f64().unwrap() < 5.0);

    let v = get(&e.app, "/api/v1/suppliers?serves=commune:59350")
        .await
        .json();
    assert_eq!(sirets(&v), [lille.as_str()], "{v:#}");
    let v = get(&e.app, "/api/v1/suppliers?kinds=EA,ESAT").await.json();
    let mut got = sirets(&v);
    got.sort();
    let mut want = vec![albi.clone(), lille.clone()];
    want.sort();
    assert_eq!(got, want);
    let v = get(&e.app, "/api/v1/suppliers?reserved=L2113-13")
        .await
        .json();
    assert_eq!(sirets(&v), [toulouse.as_str()], "only the EI is a SIAE");
    let v = get(&e.app, "/api/v1/suppliers?cpv=98").await.json();
    assert_eq!(
        sirets(&v),
        [lille.as_str()],
        "a CPV prefix matches the codes below it"
    );
    let v = get(&e.app, "/api/v1/suppliers?departement=31").await.json();
    assert_eq!(sirets(&v), [toulouse.as_str()]);
    let v = get(&e.app, "/api/v1/suppliers?bbox=43,1,44.5,3")
        .await
        .json();
    assert_eq!(v["total"], 2);

    let v = get(&e.app, "/api/v1/suppliers?per_page=1&page=2&facets=true")
        .await
        .json();
    assert_eq!(
        (v["total"].as_u64(), v["results"].as_array().unwrap().len()),
        (Some(3), 1)
    );
    assert!(
        v["facets"]["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == "ESAT" && f["count"] == 1),
        "{v}"
    );

    let mut v = get(
        &e.app,
        "/api/v1/suppliers?q=linge%20hospitalier&snippets=true",
    )
    .await
    .json();
    assert_eq!(sirets(&v), [lille.as_str()]);
    v["results"][0]["score"] = json!("[score]");
    v["seq"] = json!("[seq]");
    insta::assert_snapshot!("search_page", pretty(&v));

    // Changes are searchable as soon as they are answered.
    let r = json_req(
        &e.app,
        Method::PATCH,
        &format!("/api/v1/suppliers/{lille}"),
        Some(ADMIN_TOKEN),
        &json!({"name": "Lavoir solidaire"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        sirets(&get(&e.app, "/api/v1/suppliers?q=lavoir").await.json()),
        [lille.as_str()]
    );
    assert_eq!(
        delete(
            &e.app,
            &format!("/api/v1/suppliers/{lille}"),
            Some(ADMIN_TOKEN)
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        get(&e.app, "/api/v1/suppliers?q=lavoir").await.json()["total"],
        0
    );
    let r = get(&e.app, "/api/v1/readyz").await.json();
    assert_eq!(
        (
            r["ready"].as_bool(),
            r["lag"].as_i64(),
            r["index_documents"].as_u64()
        ),
        (Some(true), Some(0), Some(2))
    );
    let text = get(&e.app, "/api/v1/metrics").await.text();
    assert!(
        text.contains("essor_index_documents 2")
            && text.contains("essor_index_lag 0")
            && text.contains("essor_query_queue 0")
            && text.contains("# TYPE essor_query_workers gauge"),
        "{text}"
    );
}

#[tokio::test]
async fn imported_suppliers_are_searchable_when_the_import_answers() {
    let e = env();
    let body = format!("{}\n", supplier(SIRET));
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("application/x-ndjson"),
            body,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        sirets(
            &get(&e.app, "/api/v1/suppliers?q=blanchisserie")
                .await
                .json()
        ),
        [SIRET]
    );
}

// ---------------------------------------------------------------- authorization

/// Each role × each write route × own or other resource.
#[tokio::test]
async fn authorization_matrix() {
    let e = env();
    let own = SIRET;
    let sibling = complete_siret("1200270160001"); // same SIREN
    let other = complete_siret("7320000000001"); // another enterprise
    let buyer_a = token(&e.state, spec("buyer"));
    let buyer_b = token(&e.state, spec("buyer"));
    let by_siret = token(
        &e.state,
        TokenSpec {
            siret: Some(own.into()),
            ..spec("supplier")
        },
    );
    let by_siren = token(
        &e.state,
        TokenSpec {
            siren: Some("120027016".into()),
            ..spec("supplier")
        },
    );
    let organiser = token(
        &e.state,
        TokenSpec {
            event: Some("salon-albi-2026".into()),
            ..spec("organiser")
        },
    );

    // Resources: the three suppliers exist; buyer A owns need "need-a".
    for s in [own, sibling.as_str(), other.as_str()] {
        let r = json_req(
            &e.app,
            Method::PUT,
            &format!("/api/v1/suppliers/{s}"),
            Some(ADMIN_TOKEN),
            &supplier(s),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let mut n = need();
    n["id"] = json!("need-a");
    assert_eq!(
        json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer_a), &n)
            .await
            .status,
        StatusCode::CREATED
    );

    #[derive(Clone, Copy, Debug)]
    enum Op {
        PutSupplier(&'static str),
        PatchSupplier(&'static str),
        DeleteSupplier(&'static str),
        PostNeed,
        PutNeed,
        DeleteNeed,
        CreateToken,
        Import,
    }
    let sib: &'static str = Box::leak(sibling.clone().into_boxed_str());
    let oth: &'static str = Box::leak(other.clone().into_boxed_str());
    let who: [(&str, Option<&str>); 7] = [
        ("none", None),
        ("bad", Some("essor_0000000000000000_deadbeef")),
        ("admin", Some(ADMIN_TOKEN)),
        ("supplier-siret", Some(&by_siret)),
        ("supplier-siren", Some(&by_siren)),
        ("buyer-owner", Some(&buyer_a)),
        ("buyer-other", Some(&buyer_b)),
    ];
    let organiser_row = ("organiser", Some(organiser.as_str()));
    // Expected status per (operation, caller). Order: none, bad, admin, supplier-siret,
    // supplier-siren, buyer-owner, buyer-other, organiser. Writes that are allowed are
    // answered 200 or 201 (or 204 for deletes); non-destructive variants are used so rows
    // do not depend on each other.
    let table: Vec<(Op, [u16; 8])> = vec![
        (
            Op::PutSupplier(own),
            [401, 401, 200, 200, 200, 403, 403, 403],
        ),
        (
            Op::PutSupplier(sib),
            [401, 401, 200, 403, 200, 403, 403, 403],
        ),
        (
            Op::PutSupplier(oth),
            [401, 401, 200, 403, 403, 403, 403, 403],
        ),
        (
            Op::PatchSupplier(own),
            [401, 401, 200, 200, 200, 403, 403, 403],
        ),
        (
            Op::PatchSupplier(sib),
            [401, 401, 200, 403, 200, 403, 403, 403],
        ),
        (
            Op::PatchSupplier(oth),
            [401, 401, 200, 403, 403, 403, 403, 403],
        ),
        (
            Op::DeleteSupplier(oth),
            [401, 401, 204, 403, 403, 403, 403, 403],
        ),
        (
            Op::DeleteSupplier(sib),
            [401, 401, 204, 403, 204, 403, 403, 403],
        ),
        (Op::PostNeed, [401, 401, 201, 403, 403, 201, 201, 403]),
        (Op::PutNeed, [401, 401, 200, 403, 403, 200, 403, 403]),
        (Op::CreateToken, [401, 401, 201, 403, 403, 403, 403, 403]),
        (Op::Import, [401, 401, 200, 403, 403, 403, 403, 403]),
        (Op::DeleteNeed, [401, 401, 204, 403, 403, 204, 403, 403]),
    ];
    let callers: Vec<(&str, Option<&str>)> = who
        .iter()
        .copied()
        .chain(std::iter::once(organiser_row))
        .collect();
    let mut failures = Vec::new();
    for (op, expected) in &table {
        for (i, (name, tok)) in callers.iter().enumerate() {
            // A delete that succeeded once would 404 afterwards: restore the resource first.
            if matches!(op, Op::DeleteSupplier(_)) || matches!(op, Op::DeleteNeed) {
                for s in [sib, oth] {
                    json_req(
                        &e.app,
                        Method::PUT,
                        &format!("/api/v1/suppliers/{s}"),
                        Some(ADMIN_TOKEN),
                        &supplier(s),
                    )
                    .await;
                }
                if e.state.store().get_need("need-a").unwrap().is_none() {
                    let mut n = need();
                    n["id"] = json!("need-a");
                    json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer_a), &n).await;
                }
            }
            let r = match op {
                Op::PutSupplier(s) => {
                    json_req(
                        &e.app,
                        Method::PUT,
                        &format!("/api/v1/suppliers/{s}"),
                        *tok,
                        &supplier(s),
                    )
                    .await
                }
                Op::PatchSupplier(s) => {
                    json_req(
                        &e.app,
                        Method::PATCH,
                        &format!("/api/v1/suppliers/{s}"),
                        *tok,
                        &json!({"brand": "B"}),
                    )
                    .await
                }
                Op::DeleteSupplier(s) => {
                    delete(&e.app, &format!("/api/v1/suppliers/{s}"), *tok).await
                }
                Op::PostNeed => {
                    json_req(&e.app, Method::POST, "/api/v1/needs", *tok, &need()).await
                }
                Op::PutNeed => {
                    json_req(&e.app, Method::PUT, "/api/v1/needs/need-a", *tok, &need()).await
                }
                Op::DeleteNeed => delete(&e.app, "/api/v1/needs/need-a", *tok).await,
                Op::CreateToken => {
                    json_req(
                        &e.app,
                        Method::POST,
                        "/api/v1/tokens",
                        *tok,
                        &json!({"role": "buyer"}),
                    )
                    .await
                }
                Op::Import => {
                    let line = supplier(own).to_string();
                    send(
                        &e.app,
                        build(
                            Method::POST,
                            "/api/v1/import/suppliers",
                            *tok,
                            Some("application/x-ndjson"),
                            line,
                        ),
                    )
                    .await
                }
            };
            if r.status.as_u16() != expected[i] {
                failures.push(format!(
                    "{op:?} by {name}: expected {}, got {} {}",
                    expected[i],
                    r.status.as_u16(),
                    r.text()
                ));
            }
            if r.status == StatusCode::UNAUTHORIZED {
                assert_eq!(r.header("www-authenticate"), Some("Bearer realm=\"essor\""));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix mismatches:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn admin_may_delete_any_need_and_needs_without_owner_are_admin_only() {
    let e = env();
    let buyer = token(&e.state, spec("buyer"));
    let mut n = need();
    n["id"] = json!("need-b");
    json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &n).await;
    assert_eq!(
        delete(&e.app, "/api/v1/needs/need-b", Some(ADMIN_TOKEN))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Imported from the command line: no owner.
    let mut imported: essor::model::Need = serde_json::from_value(need()).unwrap();
    imported.id = Some("imported-1".into());
    e.state.store().put_need(&imported, "cli").unwrap();
    let r = json_req(
        &e.app,
        Method::PUT,
        "/api/v1/needs/imported-1",
        Some(&buyer),
        &need(),
    )
    .await;
    r.error(403, "forbidden");
    let r = json_req(
        &e.app,
        Method::PUT,
        "/api/v1/needs/imported-1",
        Some(ADMIN_TOKEN),
        &need(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn malformed_authorization_headers_are_401_with_www_authenticate() {
    let e = env();
    let uri = format!("/api/v1/suppliers/{SIRET}");
    for value in [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer    ",
        "essor_x",
        "Bearer not-a-token",
    ] {
        let req = Request::builder()
            .method(Method::DELETE)
            .uri(&uri)
            .header(header::AUTHORIZATION, value)
            .body(Body::empty())
            .unwrap();
        let r = send(&e.app, req).await;
        r.error(401, "unauthorized");
        assert!(
            r.header("www-authenticate").unwrap().starts_with("Bearer"),
            "{value}"
        );
    }
}

#[tokio::test]
async fn token_route_creates_scoped_tokens_that_work() {
    let e = env();
    let r = json_req(
        &e.app,
        Method::POST,
        "/api/v1/tokens",
        Some(ADMIN_TOKEN),
        &json!({"role": "supplier", "siret": SIRET, "label": "ESAT"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    let tok = v["token"].as_str().unwrap().to_string();
    assert_eq!(v["role"], "supplier");
    assert_eq!(v["siret"], SIRET);
    let r = json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{SIRET}"),
        Some(&tok),
        &supplier(SIRET),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let audit = e.state.store().audit_since(0, 100).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "token.create" && a.actor == "admin:env-admin")
    );
    assert!(
        audit.iter().any(|a| a.action == "create"
            && a.actor == format!("supplier:{}", v["id"].as_str().unwrap()))
    );

    let bad = [
        (json!({"role": "emperor"}), "role"),
        (json!({"role": "supplier"}), "siret"),
        (json!({"role": "supplier", "siren": "123"}), "siren"),
        (json!({"role": "organiser"}), "event"),
        (json!({"role": "buyer", "siret": SIRET}), "siret"),
    ];
    for (body, field) in bad {
        let r = json_req(
            &e.app,
            Method::POST,
            "/api/v1/tokens",
            Some(ADMIN_TOKEN),
            &body,
        )
        .await;
        assert_eq!(r.error(422, "invalid_field")["field"], field, "{body}");
    }
    let r = json_req(
        &e.app,
        Method::POST,
        "/api/v1/tokens",
        Some(ADMIN_TOKEN),
        &json!({"role": "buyer", "scope": "x"}),
    )
    .await;
    r.error(400, "malformed_input");
}

// ---------------------------------------------------------------- needs and matching

#[tokio::test]
async fn needs_are_posted_read_replaced_and_deleted_by_their_owner() {
    let e = env();
    let buyer = token(&e.state, spec("buyer"));
    let r = json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &need()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/needs/{id}").as_str())
    );
    assert_eq!(v["cpv"], json!(["77310000-6"]));
    let mut shown = v.clone();
    shown["id"] = json!("[generated]");
    insta::assert_snapshot!("need_as_stored", pretty(&redact(shown)));

    let r = get(&e.app, &format!("/api/v1/needs/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["title"], "Entretien des espaces verts municipaux");

    let mut changed = need();
    changed["closed"] = json!(true);
    let r = json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/needs/{id}"),
        Some(&buyer),
        &changed,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["closed"], true);
    assert_eq!(
        r.json()["created_at"],
        v["created_at"],
        "creation time kept"
    );

    let mut dup = need();
    dup["id"] = json!(id);
    json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &dup)
        .await
        .error(409, "conflict");
    let r = json_req(&e.app, Method::PUT, &format!("/api/v1/needs/{id}"), Some(&buyer), &json!({"id": "other", "buyer": {"name": "x"}, "title": "t", "place": {"commune": "81004"}})).await;
    assert_eq!(r.error(422, "invalid_field")["field"], "id");

    assert_eq!(
        delete(&e.app, &format!("/api/v1/needs/{id}"), Some(&buyer))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    get(&e.app, &format!("/api/v1/needs/{id}"))
        .await
        .error(404, "not_found");
    assert!(
        e.state
            .store()
            .get_doc::<Value>("need_meta", &id)
            .unwrap()
            .is_none(),
        "owner removed with the need"
    );
}

#[tokio::test]
async fn need_bodies_are_validated_with_the_field_named() {
    let e = env();
    let buyer = token(&e.state, spec("buyer"));
    let mut bad = need();
    bad["place"] = json!({"lat": 95.0, "lon": 2.0});
    let r = json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &bad).await;
    assert_eq!(r.error(422, "invalid_field")["field"], "place.lat");
    let mut bad = need();
    bad["reserved"] = json!("L9999");
    let r = json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &bad).await;
    assert_eq!(r.error(400, "malformed_input")["field"], "reserved");
    let mut bad = need();
    bad.as_object_mut().unwrap().remove("title");
    let r = json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &bad).await;
    assert_eq!(r.error(400, "malformed_input")["field"], "title");
    get(&e.app, "/api/v1/needs/bad%20id")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/needs/missing")
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn matching_routes_rank_eligible_suppliers_and_check_their_input() {
    let e = env();
    let buyer = token(&e.state, spec("buyer"));
    let id = json_req(&e.app, Method::POST, "/api/v1/needs", Some(&buyer), &need())
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{SIRET}"),
        Some(ADMIN_TOKEN),
        &supplier(SIRET),
    )
    .await;

    // A second supplier that does the same work but is not eligible for L2113-12 (an EI).
    let mut other = supplier(&complete_siret("3560000000001"));
    other["name"] = json!("Jardins d'Insertion du Tarn");
    other["kinds"] = json!(["EI"]);
    json_req(
        &e.app,
        Method::PUT,
        &format!("/api/v1/suppliers/{}", other["siret"].as_str().unwrap()),
        Some(ADMIN_TOKEN),
        &other,
    )
    .await
    .ok();

    let v = get(&e.app, &format!("/api/v1/needs/{id}/matches"))
        .await
        .ok()
        .json();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "only the ESAT is eligible: {v:#}");
    assert_eq!(results[0]["siret"], SIRET);
    let reasons = results[0]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("L2113-12")),
        "the legal route is explained: {reasons:?}"
    );
    assert!(results[0]["score"].as_f64().unwrap() > 0.0);
    get(&e.app, "/api/v1/needs/missing/matches")
        .await
        .error(404, "not_found");
    get(&e.app, &format!("/api/v1/needs/{id}/matches?limit=0"))
        .await
        .error(422, "invalid_field");
    get(&e.app, &format!("/api/v1/needs/{id}/matches?top=3"))
        .await
        .error(400, "malformed_input");

    // Ad-hoc: the same need without the reserved route ranks both, and stores nothing.
    let mut open = need();
    open.as_object_mut().unwrap().remove("reserved");
    let v = json_req(&e.app, Method::POST, "/api/v1/match?limit=5", None, &open)
        .await
        .ok()
        .json();
    assert_eq!(v["results"].as_array().unwrap().len(), 2, "{v:#}");
    let mut bad = need();
    bad["place"] = json!({});
    let r = json_req(&e.app, Method::POST, "/api/v1/match", None, &bad).await;
    assert_eq!(r.error(422, "invalid_field")["field"], "place");
    send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/match",
            None,
            Some("text/plain"),
            need().to_string(),
        ),
    )
    .await
    .error(415, "unsupported_media_type");
    assert_eq!(
        e.state.store().count_needs().unwrap(),
        1,
        "ad-hoc matching stores nothing"
    );

    let v = get(&e.app, &format!("/api/v1/suppliers/{SIRET}/needs"))
        .await
        .ok()
        .json();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{v:#}");
    assert_eq!(results[0]["need_id"], id.as_str());
    assert!(!results[0]["reasons"].as_array().unwrap().is_empty());
    get(
        &e.app,
        &format!(
            "/api/v1/suppliers/{}/needs",
            complete_siret("7320000000001")
        ),
    )
    .await
    .error(404, "not_found");
    get(&e.app, "/api/v1/suppliers/123/needs")
        .await
        .error(422, "invalid_field");
}

// ---------------------------------------------------------------- import

#[tokio::test]
async fn import_reports_rejected_rows_and_imports_the_rest() {
    let e = env();
    let sibling = complete_siret("1200270160001");
    let mut bad = supplier(&sibling);
    bad["address"]["commune"] = json!("99999");
    let body = format!("{}\n\n{}\n{{oops\n", supplier(SIRET), bad);
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("application/x-ndjson"),
            body,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut v = r.json();
    v["seq"] = json!("[seq]");
    insta::assert_snapshot!("import_report", pretty(&v));
    assert!(e.state.store().get_supplier(SIRET).unwrap().is_some());
    let audit = e.state.store().audit_since(0, 100).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "import" && a.actor == "admin:env-admin")
    );

    let csv = format!("siret,name,commune,kinds\n{sibling},Atelier CSV,81004,EA\n");
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("text/csv"),
            csv,
        ),
    )
    .await;
    assert_eq!(r.json()["accepted"], 1, "{}", r.text());
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("text/csv"),
            "colour\nred\n",
        ),
    )
    .await;
    r.error(400, "malformed_input");
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("image/png"),
            "x",
        ),
    )
    .await;
    r.error(415, "unsupported_media_type");
    let leftovers: Vec<_> = std::fs::read_dir(&e.state.config().scratch_dir)
        .unwrap()
        .filter_map(|d| d.ok())
        .filter(|d| d.file_name().to_string_lossy().starts_with("essor-import-"))
        .collect();
    assert!(leftovers.is_empty(), "spooled bodies are removed");
}

#[tokio::test]
async fn import_bodies_over_the_import_limit_are_413() {
    let e = env_with(|c| c.import_body_limit = 100);
    let body = format!("{}\n", supplier(SIRET));
    let r = send(
        &e.app,
        build(
            Method::POST,
            "/api/v1/import/suppliers",
            Some(ADMIN_TOKEN),
            Some("application/x-ndjson"),
            body,
        ),
    )
    .await;
    r.error(413, "payload_too_large");
}

// ---------------------------------------------------------------- referentials

#[tokio::test]
async fn commune_autocomplete_ignores_accents_and_finds_postcodes() {
    let e = env();
    let r = get(&e.app, "/api/v1/communes?q=saint%20etien&limit=3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()[0]["code"], "42218");
    let r = get(&e.app, "/api/v1/communes?q=B%C3%A9ziers&limit=1").await;
    insta::assert_snapshot!("commune_beziers", pretty(&r.json()));
    let r = get(&e.app, "/api/v1/communes?q=81000").await;
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "81004")
    );
    get(&e.app, "/api/v1/communes")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/communes?q=albi&limit=1000")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/communes?q=albi&x=1")
        .await
        .error(400, "malformed_input");
}

#[tokio::test]
async fn cpv_lookup_gives_parents_and_children() {
    let e = env();
    let r = get(&e.app, "/api/v1/cpv/90910000").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["code"], "90910000-9");
    assert_eq!(
        v["parents"].as_array().unwrap().last().unwrap()["code8"],
        "90000000"
    );
    assert!(
        v["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code8"] == "90911000")
    );
    let r = get(&e.app, "/api/v1/cpv/90911200-8").await;
    let mut v = r.json();
    v["children"] = json!(v["children"].as_array().unwrap().len());
    insta::assert_snapshot!("cpv_90911200", pretty(&v));
    get(&e.app, "/api/v1/cpv/90911200-3")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/cpv/9091")
        .await
        .error(422, "invalid_field");
    get(&e.app, "/api/v1/cpv/99999999")
        .await
        .error(404, "not_found");
    let r = get(&e.app, "/api/v1/cpv?q=9091&limit=5").await;
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code8"].as_str().unwrap().starts_with("9091"))
    );
    let r = get(&e.app, "/api/v1/cpv").await;
    assert!(r.json().as_array().unwrap().iter().all(|c| c["level"] == 1));
}

#[tokio::test]
async fn naf_lookup_gives_parents_and_children() {
    let e = env();
    let r = get(&e.app, "/api/v1/naf/8810C").await;
    let v = r.json();
    assert_eq!(v["code"], "88.10C");
    let parents: Vec<&str> = v["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(parents, ["88.10", "88.1", "88", "Q"]);
    let r = get(&e.app, "/api/v1/naf/81.3").await;
    assert!(
        r.json()["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "81.30")
    );
    get(&e.app, "/api/v1/naf/99.99Z")
        .await
        .error(404, "not_found");
    let r = get(&e.app, "/api/v1/naf?q=nettoyage&limit=3").await;
    assert_eq!(r.json().as_array().unwrap().len(), 3);
    let r = get(&e.app, "/api/v1/naf").await;
    assert!(
        r.json()
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["level"] == "section")
    );
}

#[tokio::test]
async fn departements_regions_and_outlines() {
    let e = env();
    assert_eq!(
        get(&e.app, "/api/v1/departements")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        109
    );
    let regions = get(&e.app, "/api/v1/regions").await.json();
    assert!(
        regions
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "76" && r["name"] == "Occitanie")
    );
    for uri in [
        "/api/v1/geo/departements.geojson",
        "/api/v1/geo/regions.geojson",
    ] {
        let r = get(&e.app, uri).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.header("content-type"), Some("application/geo+json"));
        assert_eq!(r.json()["type"], "FeatureCollection");
    }
}

// ---------------------------------------------------------------- operations and middleware

#[tokio::test]
async fn probes_metrics_and_home_page() {
    let e = env();
    let r = get(&e.app, "/api/v1/healthz").await;
    assert_eq!(r.json()["status"], "ok");
    let r = get(&e.app, "/api/v1/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["ready"], true);
    get(&e.app, &format!("/api/v1/suppliers/{SIRET}")).await;
    get(&e.app, "/no/such/route").await;
    let r = get(&e.app, "/api/v1/metrics").await;
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text();
    assert!(text.contains("essor_http_requests_total{method=\"GET\",route=\"/api/v1/suppliers/{siret}\",status=\"404\"} 1"), "{text}");
    assert!(
        text.contains("route=\"unmatched\",status=\"404\"} 1"),
        "{text}"
    );
    assert!(text.contains("essor_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/healthz\",le=\"+Inf\"} 1"), "{text}");
    assert!(text.contains("essor_store_sequence "), "{text}");
    assert!(!text.contains(SIRET), "raw paths never become labels");
    let r = get(&e.app, "/").await;
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let home = r.text();
    assert!(home.contains("<html lang=\"fr\""), "{home}");
    assert!(
        home.contains("<form"),
        "the home page is the search page: {home}"
    );
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_in_json() {
    let e = env();
    get(&e.app, "/api/v1/nothing-here")
        .await
        .error(404, "not_found");
    get(&e.app, "/api/v2/suppliers")
        .await
        .error(404, "not_found");
    let r = send(
        &e.app,
        build(Method::POST, "/api/v1/healthz", None, None, Body::empty()),
    )
    .await;
    r.error(405, "method_not_allowed");
    assert!(r.header("allow").unwrap().contains("GET"));
    let r = send(
        &e.app,
        build(
            Method::DELETE,
            "/api/v1/communes",
            None,
            None,
            Body::empty(),
        ),
    )
    .await;
    r.error(405, "method_not_allowed");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let e = env();
    let req = Request::builder()
        .uri("/api/v1/healthz")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(&e.app, req).await.header("x-request-id"),
        Some("abc-123")
    );
    let a = get(&e.app, "/api/v1/healthz")
        .await
        .header("x-request-id")
        .unwrap()
        .to_string();
    let b = get(&e.app, "/nope")
        .await
        .header("x-request-id")
        .unwrap()
        .to_string();
    assert!(!a.is_empty() && a != b);
    let req = Request::builder()
        .uri("/api/v1/healthz")
        .header("x-request-id", "bad id with spaces")
        .body(Body::empty())
        .unwrap();
    assert_ne!(
        send(&e.app, req).await.header("x-request-id"),
        Some("bad id with spaces")
    );
}

#[tokio::test]
async fn cors_preflight_is_answered() {
    let e = env();
    let req = Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("/api/v1/suppliers/{SIRET}"))
        .header("origin", "https://portail.example")
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .unwrap();
    let r = send(&e.app, req).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        r.header("access-control-allow-methods")
            .unwrap()
            .contains("PUT")
    );
    assert!(
        r.header("access-control-allow-headers")
            .unwrap()
            .contains("authorization")
    );
    assert_eq!(
        get(&e.app, "/api/v1/healthz")
            .await
            .header("access-control-allow-origin"),
        Some("*")
    );
}

async fn boom() -> &'static str {
    panic!("deliberate test panic")
}

async fn boom_in_blocking() -> Result<&'static str, essor::api::ApiError> {
    essor::api::blocking(|| -> essor::Result<&'static str> {
        panic!("deliberate panic off the executor")
    })
    .await
}

#[tokio::test]
async fn a_panicking_handler_becomes_a_json_500_that_reveals_nothing() {
    let e = env();
    let routes = Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/boom-blocking", axum::routing::get(boom_in_blocking));
    let app = with_middleware(routes, e.state.clone());
    for uri in ["/boom", "/boom-blocking"] {
        let r = get(&app, uri).await;
        let v = r.error(500, "internal");
        assert_eq!(v["message"], "internal error");
        assert!(!r.text().contains("deliberate"), "{uri}");
        assert!(r.header("x-request-id").is_some());
    }
    let r = get(&app, "/boom-blocking").await;
    assert_eq!(
        r.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "the server keeps answering after panics"
    );
}

#[tokio::test]
async fn at_the_concurrency_limit_requests_are_shed_with_503_and_retry_after() {
    let e = env_with(|c| c.max_concurrency = 1);
    let gate = Arc::new(tokio::sync::Notify::new());
    let entered = Arc::new(tokio::sync::Notify::new());
    let (g, en) = (gate.clone(), entered.clone());
    let routes = Router::new().route(
        "/slow",
        axum::routing::get(move || {
            let (g, en) = (g.clone(), en.clone());
            async move {
                en.notify_one();
                g.notified().await;
                "done"
            }
        }),
    );
    let app = with_middleware(routes.merge(essor::api::routes()), e.state.clone());
    let slow = tokio::spawn({
        let app = app.clone();
        async move { get(&app, "/slow").await }
    });
    entered.notified().await;
    let r = get(&app, "/api/v1/communes?q=albi").await;
    r.error(503, "overloaded");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(
        get(&app, "/api/v1/healthz").await.status,
        StatusCode::OK,
        "probes are never shed"
    );
    let text = get(&app, "/api/v1/metrics").await.text();
    assert!(text.contains("essor_http_requests_shed_total 1"), "{text}");
    gate.notify_one();
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
    assert_eq!(
        get(&app, "/api/v1/communes?q=albi").await.status,
        StatusCode::OK,
        "capacity is back"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_requests_time_out_with_503() {
    let e = env_with(|c| c.request_timeout = Duration::from_secs(2));
    let routes = Router::new().route(
        "/sleepy",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "late"
        }),
    );
    let app = with_middleware(routes, e.state.clone());
    get(&app, "/sleepy").await.error(503, "timeout");
}

// ---------------------------------------------------------------- OpenAPI

use essor::api::events::paths as ev;

fn openapi_doc() -> Value {
    serde_json::from_str(&essor::api::openapi::document_json()).unwrap()
}

#[tokio::test]
async fn openapi_document_is_served_and_covers_every_route() {
    let e = env();
    let r = get(&e.app, "/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let expected: &[(&str, &[&str])] = &[
        (paths::SUPPLIERS, &["get"]),
        (paths::SUPPLIER, &["get", "put", "patch", "delete"]),
        (paths::SUPPLIER_NEEDS, &["get"]),
        (paths::NEEDS, &["post"]),
        (paths::NEED, &["get", "put", "delete"]),
        (paths::NEED_MATCHES, &["get"]),
        (paths::MATCH, &["post"]),
        (paths::COMMUNES, &["get"]),
        (paths::CPV, &["get"]),
        (paths::CPV_CODE, &["get"]),
        (paths::NAF, &["get"]),
        (paths::NAF_CODE, &["get"]),
        (paths::DEPARTEMENTS, &["get"]),
        (paths::REGIONS, &["get"]),
        (paths::GEO_DEPARTEMENTS, &["get"]),
        (paths::GEO_REGIONS, &["get"]),
        (paths::TOKENS, &["post"]),
        (paths::IMPORT_SUPPLIERS, &["post"]),
        (paths::HEALTHZ, &["get"]),
        (paths::READYZ, &["get"]),
        (paths::METRICS, &["get"]),
        (paths::OPENAPI, &["get"]),
        (paths::HOME, &["get"]),
        (ev::EVENTS, &["get", "post"]),
        (ev::EVENT, &["get", "put"]),
        (ev::PARTICIPANTS, &["get", "post"]),
        (ev::PARTICIPANT, &["get", "patch"]),
        (ev::WISHES, &["get", "post"]),
        (ev::WISH, &["delete"]),
        (ev::SUGGESTIONS, &["get"]),
        (ev::SCHEDULE, &["get", "post"]),
        (ev::TABLES, &["get"]),
        (ev::MEETINGS, &["post"]),
        (ev::MEETING_MOVE, &["post"]),
        (ev::MEETING_LOCK, &["post"]),
        (ev::MEETING_CANCEL, &["post"]),
        (ev::ABSENCES, &["post"]),
        (ev::REOPTIMIZE, &["post"]),
        (ev::WAITING_LIST, &["get"]),
        (ev::WAITING_LIST_FILL, &["post"]),
        (ev::AGENDAS, &["get"]),
        (ev::AGENDA, &["get"]),
    ];
    let documented = doc["paths"].as_object().unwrap();
    assert_eq!(
        documented.len(),
        expected.len(),
        "documented paths: {:?}",
        documented.keys().collect::<Vec<_>>()
    );
    for (path, methods) in expected {
        let item = doc["paths"][*path]
            .as_object()
            .unwrap_or_else(|| panic!("{path} is not documented"));
        let mut got: Vec<&str> = item.keys().map(String::as_str).collect();
        got.sort();
        let mut want = methods.to_vec();
        want.sort();
        assert_eq!(got, want, "{path}");
        // Each documented operation exists in the router (not 404, not 405).
        for m in *methods {
            let uri = path
                .replace("{siret}", SIRET)
                .replace("{id}", "x")
                .replace("{code}", "81")
                .replace("{pid}", "b1")
                .replace("{from}", "b1")
                .replace("{to}", "s1");
            let r = send(
                &e.app,
                build(
                    m.to_uppercase().parse().unwrap(),
                    &uri,
                    None,
                    None,
                    Body::empty(),
                ),
            )
            .await;
            assert!(
                r.status != StatusCode::METHOD_NOT_ALLOWED
                    && !(r.status == StatusCode::NOT_FOUND
                        && r.json()["message"]
                            .as_str()
                            .unwrap_or("")
                            .starts_with("no route")),
                "{m} {uri}: {}",
                r.status
            );
        }
        for (m, op) in item {
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("500") && responses.contains_key("503"),
                "{m} {path}"
            );
            let secured = op.get("security").is_some();
            if secured {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{m} {path} must document 401 and 403"
                );
            }
            if *m != "get" && *m != "delete" && op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("413") && responses.contains_key("415"),
                    "{m} {path} must document 413 and 415"
                );
            }
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[test]
fn openapi_document_passes_the_independent_validator() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, serde_json::to_string_pretty(&openapi_doc()).unwrap()).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
        .arg(&path)
        .output()
        .expect("python3 must be installed to validate the OpenAPI document (pip install openapi-spec-validator)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named openapi_spec_validator"),
        "the validator is missing: run `pip install openapi-spec-validator` (this test never skips)"
    );
    assert!(
        out.status.success(),
        "openapi-spec-validator rejected the document:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("OK"),
        "unexpected validator output:\n{stdout}\n{stderr}"
    );
}
