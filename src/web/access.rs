//! Who is looking at a page. Event pages show who comes and when, which only the event's
//! organisers (and admins) may see in full, and each participant for its own agenda — the
//! same rules as the event API (`api/events.rs`).
//!
//! A person signs in on `/connexion` with the access key (jeton) they were given; the page
//! keeps it in a cookie that scripts cannot read (`HttpOnly`) and that other sites cannot
//! send (`SameSite=Strict`), for twelve hours. Scripts and calendar tools may instead send
//! `Authorization: Bearer …`. `/deconnexion` (POST) forgets the key. The key is checked
//! against the store on every page, so a revoked token stops working at once.
//!
//! What this module does not do: decide what a principal may see (`api::auth::Principal`
//! and the event pages do), or accept the cookie for writes (the profile form asks for its
//! key in the form itself, so a cookie can never be used to forge a write).

use axum::Form;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::html::{self, Section, esc};
use super::{PageResult, blocking, no_store, query_pairs};
use crate::api::AppState;
use crate::api::auth::Principal;

/// The cookie holding the signed-in person's access key.
pub const COOKIE: &str = "essor_jeton";
/// How long a sign-in lasts, in seconds.
const MAX_AGE: u64 = 12 * 3600;

/// The access key presented with a request: the bearer header first, then the cookie.
pub fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some(t.trim().to_string());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The principal behind the request's access key, if the key is known and not revoked.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> PageResult<Option<Principal>> {
    let Some(token) = presented_token(headers) else {
        return Ok(None);
    };
    let store = state.store().clone();
    blocking(move || Ok(crate::api::auth::authenticate(&store, &token)?)).await
}

/// A local path to come back to after signing in; anything else (another site, a
/// protocol-relative `//host`, a backslash trick) becomes the home page.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if ok { next.to_string() } else { "/".into() }
}

/// Where to send someone who must sign in to see `next`.
pub fn login_href(next: &str) -> String {
    format!(
        "/connexion?{}",
        html::query_string(&[("suite".into(), safe_next(next))])
    )
}

/// Answer for a page that needs a signed-in viewer: the sign-in page when nobody is signed
/// in (401), a French "access refused" page when the key may not see it (403).
pub fn refused(signed_in: bool, next: &str) -> Response {
    if !signed_in {
        let page = render_login(next, None);
        return no_store((StatusCode::UNAUTHORIZED, Html(page)).into_response());
    }
    let body = format!(
        "<h1>Accès refusé</h1><p>Votre jeton d'accès ne permet pas de voir cette page : elle est réservée aux organisateurs de l'événement et, pour un agenda, au participant lui-même.</p><p><a href=\"{}\">Se connecter avec un autre jeton</a></p>",
        esc(&login_href(next))
    );
    no_store(
        (
            StatusCode::FORBIDDEN,
            Html(html::page("Accès refusé", Section::Events, &body)),
        )
            .into_response(),
    )
}

fn render_login(next: &str, error: Option<&str>) -> String {
    let mut h = String::from(
        "<h1>Se connecter</h1><p>Les plannings et les agendas des événements sont réservés aux organisateurs et aux participants. Saisissez le jeton d'accès qui vous a été remis.</p>",
    );
    h.push_str("<form class=\"login\" method=\"post\" action=\"/connexion\">");
    h.push_str(&format!(
        "<input type=\"hidden\" name=\"suite\" value=\"{}\">",
        esc(&safe_next(next))
    ));
    let (cls, described, err) = match error {
        Some(e) => (
            " has-error",
            " f-jeton-err",
            format!("<p class=\"error\" id=\"f-jeton-err\">{}</p>", esc(e)),
        ),
        None => ("", "", String::new()),
    };
    h.push_str(&format!(
        "<div class=\"field{cls}\"><label for=\"f-jeton\">Jeton d'accès *</label><p class=\"hint\" id=\"f-jeton-hint\">Organisateur, acheteur ou fournisseur : le jeton commence par « essor_ ».</p>{err}<input type=\"password\" id=\"f-jeton\" name=\"jeton\" autocomplete=\"current-password\" required aria-required=\"true\" aria-describedby=\"f-jeton-hint{described}\"{}></div>",
        if error.is_some() {
            " aria-invalid=\"true\""
        } else {
            ""
        }
    ));
    h.push_str(
        "<p><button type=\"submit\" class=\"btn btn-primary\">Se connecter</button></p></form>",
    );
    html::page("Se connecter", Section::Other, &h)
}

/// `GET /connexion?suite=/evenements/…`: the sign-in form.
pub async fn login_form(RawQuery(raw): RawQuery) -> Response {
    let next = query_pairs(raw)
        .into_iter()
        .find(|(k, _)| k == "suite")
        .map(|(_, v)| v)
        .unwrap_or_else(|| "/".into());
    no_store(Html(render_login(&next, None)).into_response())
}

/// `POST /connexion`: check the key, keep it in the cookie and go back to the page asked.
pub async fn login_submit(
    State(state): State<AppState>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (token, next) = (field("jeton"), safe_next(&field("suite")));
    // Only keys as essor issues them, or the admin key from the environment, fit a cookie.
    let cookie_safe = !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~'));
    let principal = if cookie_safe {
        let store = state.store().clone();
        let t = token.clone();
        blocking(move || Ok(crate::api::auth::authenticate(&store, &t)?)).await?
    } else {
        None
    };
    if principal.is_none() {
        let why = if token.is_empty() {
            "Saisissez votre jeton d'accès."
        } else {
            "Ce jeton n'est pas reconnu."
        };
        let page = render_login(&next, Some(why));
        return Ok(no_store(
            (StatusCode::UNAUTHORIZED, Html(page)).into_response(),
        ));
    }
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE}");
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(no_store(r))
}

/// `POST /deconnexion`: forget the key.
pub async fn logout() -> Response {
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/evenements")]).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("essor_jeton=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    no_store(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(safe_next("/evenements/e1"), "/evenements/e1");
        assert_eq!(safe_next("/evenements/e1?x=1"), "/evenements/e1?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "",
            "evenements",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad}");
        }
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; essor_jeton=essor_c; z=y"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("essor_c"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer essor_h"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("essor_h"));
        assert_eq!(presented_token(&HeaderMap::new()), None);
    }
}
