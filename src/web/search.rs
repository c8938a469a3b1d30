//! The search page (home): a GET form (text, place and radius, filters) whose results are
//! rendered on the server — cards with why each supplier matched, facet counts, pagination
//! and the map — plus the CSV and GeoJSON exports of the same results and the JSON
//! suggestions the search box's script asks for as one types.
//!
//! Query parameters are French and short so that URLs can be shared: `q`, `autour` (a
//! commune: name, postcode, INSEE code, or `Nom (CODE)` as the suggestions write it), `rayon`
//! (km), `geo` (`proche`: located within the radius; `intervient`: whose zone covers the
//! commune), `type`, `reserve`, `label`, `mode`, `dep`, `region`, `tri`, `page`, `carte`.
//! What this module does not do: ranking (the search index does) or HTTP plumbing (`mod.rs`).

use std::fmt::Write;

use serde::Serialize;

use super::html::{self, FormErrors, Section, esc, int_fr, num_fr, plural};
use super::map::{self, Marker};
use crate::error::FieldError;
use crate::index::{
    FacetCount, Facets, Filters, GeoClause, PlaceRef, SearchHit, SearchQuery, SearchResults, Sort,
};
use crate::model::{GeoPoint, Kind, Mode, Reserved};
use crate::normalize::fold;
use crate::referential::{Commune, Referential};

/// Results per page.
pub const PER_PAGE: usize = 20;
/// Most results an export holds.
pub const EXPORT_MAX: usize = 10_000;
/// Radius choices offered, in km.
pub const RADII: [u32; 7] = [5, 10, 20, 30, 50, 100, 200];
const DEFAULT_RADIUS: u32 = 30;

/// How a commune given in the form restricts results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoMode {
    /// Suppliers located within the radius.
    Near,
    /// Suppliers whose intervention zone covers the commune.
    Serves,
}

/// The search form as submitted.
#[derive(Debug, Clone, Default)]
pub struct SearchForm {
    pub q: String,
    pub autour: String,
    pub rayon: Option<u32>,
    pub geo: Option<GeoMode>,
    pub kinds: Vec<String>,
    pub reserve: String,
    pub labels: Vec<String>,
    pub modes: Vec<String>,
    pub dep: String,
    pub region: String,
    pub tri: String,
    pub page: usize,
    /// `france`: show the whole map instead of zooming to the results.
    pub carte: String,
}

impl SearchForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> SearchForm {
        let mut f = SearchForm {
            page: 1,
            ..SearchForm::default()
        };
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => f.q = v.chars().take(1000).collect(),
                "autour" => f.autour = v.chars().take(200).collect(),
                "rayon" => f.rayon = v.parse().ok().filter(|r| (1..=1000).contains(r)),
                "geo" => {
                    f.geo = match v {
                        "proche" => Some(GeoMode::Near),
                        "intervient" => Some(GeoMode::Serves),
                        _ => None,
                    }
                }
                "type" if !v.is_empty() => f.kinds.push(v.to_string()),
                "reserve" => f.reserve = v.to_string(),
                "label" if !v.is_empty() => f.labels.push(v.to_string()),
                "mode" if !v.is_empty() => f.modes.push(v.to_string()),
                "dep" => f.dep = v.to_string(),
                "region" => f.region = v.to_string(),
                "tri" => f.tri = v.to_string(),
                "page" => f.page = v.parse().unwrap_or(1).clamp(1, EXPORT_MAX / PER_PAGE),
                "carte" => f.carte = v.to_string(),
                _ => {}
            }
        }
        f
    }

    /// The form as query pairs (without the page), for links.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| {
            if !v.is_empty() {
                p.push((k.to_string(), v.to_string()));
            }
        };
        push("q", &self.q);
        push("autour", &self.autour);
        if !self.autour.is_empty() {
            push("rayon", &self.radius_km().to_string());
            push(
                "geo",
                match self.geo_mode() {
                    GeoMode::Near => "proche",
                    GeoMode::Serves => "intervient",
                },
            );
        }
        for k in &self.kinds {
            push("type", k);
        }
        push("reserve", &self.reserve);
        for l in &self.labels {
            push("label", l);
        }
        for m in &self.modes {
            push("mode", m);
        }
        push("dep", &self.dep);
        push("region", &self.region);
        push("tri", &self.tri);
        push("carte", &self.carte);
        p
    }

    pub fn radius_km(&self) -> u32 {
        self.rayon.unwrap_or(DEFAULT_RADIUS)
    }

    pub fn geo_mode(&self) -> GeoMode {
        self.geo.unwrap_or(GeoMode::Near)
    }

    fn is_blank(&self) -> bool {
        self.pairs().iter().all(|(k, _)| k == "carte")
    }
}

/// Resolve what someone typed as a commune: `Nom (CODE)`, an INSEE code, a postcode or a
/// name (the most populous match).
pub fn resolve_commune(text: &str) -> Option<&'static Commune> {
    let r = Referential::get();
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(open) = t.rfind('(')
        && let Some(code) = t[open + 1..].strip_suffix(')')
        && let Some(c) = r.commune(code.trim())
    {
        return Some(c);
    }
    if let Some(c) = r.commune(t) {
        return Some(c);
    }
    r.communes.search(t, 1).into_iter().next()
}

/// `Toulouse (31555)`: how a commune is written back into the form.
pub fn commune_value(c: &Commune) -> String {
    format!("{} ({})", c.name, c.code)
}

/// The index query of a form, and the form's errors (a commune that cannot be found…).
pub fn build_query(f: &SearchForm, per_page: usize) -> (SearchQuery, Vec<FieldError>) {
    let r = Referential::get();
    let mut errors = Vec::new();
    let mut filters = Filters::default();
    for k in &f.kinds {
        match Kind::parse(k) {
            Some(kind) if !filters.kinds.contains(&kind) => filters.kinds.push(kind),
            Some(_) => {}
            None => errors.push(FieldError::new("type", format!("type inconnu ({k})"))),
        }
    }
    if !f.reserve.is_empty() {
        match Reserved::parse(&f.reserve) {
            Some(res) => filters.reserved = Some(res),
            None => errors.push(FieldError::new("reserve", "route inconnue")),
        }
    }
    filters.labels = f.labels.clone();
    for m in &f.modes {
        if let Some(mode) = Mode::parse(m) {
            filters.modes.push(mode);
        }
    }
    if !f.dep.is_empty() {
        if r.departement(&f.dep).is_some() {
            filters.departements.push(f.dep.clone());
        } else {
            errors.push(FieldError::new("dep", "département inconnu"));
        }
    }
    if !f.region.is_empty() {
        if r.region(&f.region).is_some() {
            filters.regions.push(f.region.clone());
        } else {
            errors.push(FieldError::new("region", "région inconnue"));
        }
    }
    let mut geo = None;
    if !f.autour.is_empty() {
        match resolve_commune(&f.autour) {
            Some(c) => {
                geo = match f.geo_mode() {
                    GeoMode::Near => r.communes.centre(c).map(|point| GeoClause::Near {
                        point,
                        radius_km: f.radius_km() as f64,
                    }),
                    GeoMode::Serves => Some(GeoClause::Serves {
                        place: PlaceRef::Commune(c.code.clone()),
                        perimeter: None,
                    }),
                };
            }
            None => errors.push(FieldError::new(
                "autour",
                format!("unknown INSEE commune code ({})", f.autour),
            )),
        }
    }
    let sort = if f.tri == "distance" && geo.is_some() {
        Sort::Distance
    } else {
        Sort::Relevance
    };
    let q = SearchQuery {
        text: f.q.clone(),
        filters,
        geo,
        sort,
        page: f.page,
        per_page,
        facets: true,
        snippets: true,
        ..SearchQuery::default()
    };
    (q, errors)
}

/// Where a hit is drawn: its location, or its commune's centre.
pub fn hit_point(s: &crate::model::Supplier) -> Option<GeoPoint> {
    crate::model::geography::supplier_point(s, Referential::get())
}

fn town(s: &crate::model::Supplier) -> String {
    let r = Referential::get();
    let c = r.commune(&s.address.commune);
    let city = s
        .address
        .city
        .clone()
        .or_else(|| c.map(|c| c.name.clone()))
        .unwrap_or_default();
    match c {
        Some(c) => format!("{city} ({})", c.dept),
        None => city,
    }
}

/// Structure kinds as badges: the abbreviation with its full name.
pub fn kind_badges(h: &mut String, kinds: &[Kind], ess: bool, esus: bool) {
    for k in kinds {
        let _ = write!(
            h,
            "<span class=\"badge\"><abbr title=\"{}\">{}</abbr></span> ",
            esc(k.label_fr()),
            k.as_str()
        );
    }
    if ess {
        h.push_str("<span class=\"badge badge-ess\">ESS</span> ");
    }
    if esus {
        h.push_str("<span class=\"badge badge-ess\"><abbr title=\"Entreprise solidaire d'utilité sociale\">ESUS</abbr></span> ");
    }
}

fn card(h: &mut String, n: usize, hit: &SearchHit) {
    let s = &hit.supplier;
    let id = format!("r-{}", hit.siret);
    let _ = write!(
        h,
        "<li class=\"card\" id=\"{id}\" data-card=\"{id}\"><article aria-labelledby=\"{id}-t\"><h3 id=\"{id}-t\"><span class=\"num\" aria-hidden=\"true\">{n}</span> <a href=\"/fournisseurs/{}\">{}</a></h3>",
        esc(&hit.siret),
        esc(&hit.name)
    );
    h.push_str("<p class=\"meta\">");
    if let Some(b) = &s.brand
        && b != &s.name
    {
        let _ = write!(h, "<span class=\"brand-name\">{}</span> · ", esc(b));
    }
    kind_badges(h, &s.kinds, s.ess, s.esus);
    let _ = write!(
        h,
        "<span class=\"town\"><span class=\"visually-hidden\">Commune : </span>{}</span>",
        esc(&town(s))
    );
    if let Some(d) = hit.distance_km {
        let _ = write!(h, " · <span class=\"dist\">à {} km</span>", num_fr(d, 1));
    }
    h.push_str("</p>");
    if !hit.reasons.is_empty() {
        h.push_str("<div class=\"why\"><p class=\"why-title\">Pourquoi ce résultat :</p><ul>");
        for r in &hit.reasons {
            let _ = write!(h, "<li>{}</li>", esc(r));
        }
        h.push_str("</ul></div>");
    }
    for sn in hit.snippets.iter().take(2) {
        let _ = write!(
            h,
            "<p class=\"snippet\"><span class=\"visually-hidden\">Extrait : </span>« {} »</p>",
            sn.to_html()
        );
    }
    h.push_str("</article></li>");
}

fn facet_count(list: &[FacetCount], value: &str) -> u64 {
    list.iter()
        .find(|f| f.value == value)
        .map(|f| f.count)
        .unwrap_or(0)
}

fn filters_panel(h: &mut String, f: &SearchForm, facets: &Facets) {
    let r = Referential::get();
    h.push_str("<aside class=\"filters\" aria-labelledby=\"filtres-titre\"><details open id=\"filtres-details\"><summary><h2 id=\"filtres-titre\">Filtres</h2></summary>");
    h.push_str("<p class=\"hint\">Les nombres entre parenthèses comptent les résultats de la recherche en cours.</p>");
    // Structure kinds.
    h.push_str("<fieldset><legend>Type de structure</legend>");
    for k in Kind::ALL {
        let n = facet_count(&facets.kinds, k.as_str());
        let checked = f.kinds.iter().any(|x| x.eq_ignore_ascii_case(k.as_str()));
        if n == 0 && !checked {
            continue;
        }
        html::checkbox(
            h,
            "type",
            k.as_str(),
            &format!(
                "<abbr title=\"{}\">{}</abbr> {} <span class=\"count\">({})</span>",
                esc(k.label_fr()),
                k.as_str(),
                esc(k.label_fr()),
                int_fr(n)
            ),
            checked,
            &format!("type-{}", k.as_str()),
        );
    }
    h.push_str("</fieldset>");
    // Reserved route.
    h.push_str("<div class=\"field\"><label for=\"reserve\">Marché réservé</label><select id=\"reserve\" name=\"reserve\"><option value=\"\">Pas de réservation</option>");
    for res in Reserved::ALL {
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{} — {}</option>",
            res.as_str(),
            if f.reserve == res.as_str() {
                " selected"
            } else {
                ""
            },
            res.as_str(),
            esc(res.label_fr())
        );
    }
    h.push_str("</select></div>");
    // Modes.
    h.push_str("<fieldset><legend>Nature de la prestation</legend>");
    for m in Mode::ALL {
        let n = facet_count(&facets.modes, m.as_str());
        let checked = f.modes.iter().any(|x| x == m.as_str());
        let label = m.label_fr();
        let mut cap = label.to_string();
        if let Some(c) = cap.get(0..1) {
            cap = c.to_uppercase() + &cap[1..];
        }
        html::checkbox(
            h,
            "mode",
            m.as_str(),
            &format!("{} <span class=\"count\">({})</span>", esc(&cap), int_fr(n)),
            checked,
            &format!("mode-{}", m.as_str()),
        );
    }
    h.push_str("</fieldset>");
    // Labels.
    let mut labels: Vec<&FacetCount> = facets.labels.iter().take(12).collect();
    let extra: Vec<FacetCount> = f
        .labels
        .iter()
        .filter(|l| !labels.iter().any(|x| fold(&x.value) == fold(l)))
        .map(|l| FacetCount {
            value: l.clone(),
            label: l.clone(),
            count: facet_count(&facets.labels, l),
        })
        .collect();
    labels.extend(extra.iter());
    if !labels.is_empty() {
        h.push_str("<fieldset><legend>Labels et certifications</legend>");
        for (i, l) in labels.iter().enumerate() {
            let checked = f.labels.iter().any(|x| fold(x) == fold(&l.value));
            html::checkbox(
                h,
                "label",
                &l.value,
                &format!(
                    "{} <span class=\"count\">({})</span>",
                    esc(&l.label),
                    int_fr(l.count)
                ),
                checked,
                &format!("label-{i}"),
            );
        }
        h.push_str("</fieldset>");
    }
    // Département and region.
    h.push_str("<div class=\"field\"><label for=\"dep\">Département du siège</label><select id=\"dep\" name=\"dep\"><option value=\"\">Tous les départements</option>");
    let mut deps: Vec<_> = r.departements().iter().collect();
    deps.sort_by(|a, b| a.code.cmp(&b.code));
    for d in deps {
        let n = facet_count(&facets.departements, &d.code);
        if n == 0 && f.dep != d.code {
            continue;
        }
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{} — {} ({})</option>",
            esc(&d.code),
            if f.dep == d.code { " selected" } else { "" },
            esc(&d.code),
            esc(&d.name),
            int_fr(n)
        );
    }
    h.push_str("</select></div>");
    h.push_str("<div class=\"field\"><label for=\"region\">Région du siège</label><select id=\"region\" name=\"region\"><option value=\"\">Toutes les régions</option>");
    let mut regs: Vec<_> = r.regions().iter().collect();
    regs.sort_by(|a, b| a.name.cmp(&b.name));
    for g in regs {
        let n = facet_count(&facets.regions, &g.code);
        if n == 0 && f.region != g.code {
            continue;
        }
        let _ = write!(
            h,
            "<option value=\"{}\"{}>{} ({})</option>",
            esc(&g.code),
            if f.region == g.code { " selected" } else { "" },
            esc(&g.name),
            int_fr(n)
        );
    }
    h.push_str("</select></div>");
    h.push_str("<div class=\"actions\"><button type=\"submit\" class=\"btn\">Appliquer les filtres</button> <a href=\"/\">Tout effacer</a></div></details></aside>");
}

fn search_box(h: &mut String, f: &SearchForm, errors: &FormErrors) {
    h.push_str("<div class=\"searchbar\">");
    html::text_field(
        h,
        "q",
        "Que recherchez-vous ?",
        Some(
            "Un métier, une prestation, un nom ou un code CPV (exemple : espaces verts, traiteur, 77310000).",
        ),
        &f.q,
        errors,
        "autocomplete=\"off\" data-suggest=\"trades\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" class=\"big\"",
    );
    html::text_field(
        h,
        "autour",
        "Commune",
        Some("Nom, code postal ou code INSEE (facultatif)."),
        &f.autour,
        errors,
        "autocomplete=\"off\" data-suggest=\"communes\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\"",
    );
    h.push_str("<div class=\"field\"><label for=\"rayon\">Distance</label><select id=\"rayon\" name=\"rayon\">");
    for r in RADII {
        let _ = write!(
            h,
            "<option value=\"{r}\"{}>{r} km</option>",
            if f.radius_km() == r { " selected" } else { "" }
        );
    }
    h.push_str("</select></div>");
    let near = f.geo_mode() == GeoMode::Near;
    let _ = write!(
        h,
        "<fieldset class=\"geo-mode\"><legend>Fournisseurs</legend>\
<div class=\"radio\"><input type=\"radio\" id=\"geo-proche\" name=\"geo\" value=\"proche\"{}><label for=\"geo-proche\">installés à cette distance de la commune</label></div>\
<div class=\"radio\"><input type=\"radio\" id=\"geo-intervient\" name=\"geo\" value=\"intervient\"{}><label for=\"geo-intervient\">qui interviennent sur la commune</label></div></fieldset>",
        if near { " checked" } else { "" },
        if near { "" } else { " checked" }
    );
    h.push_str("<div class=\"actions\"><button type=\"submit\" class=\"btn btn-primary\">Rechercher</button></div></div>");
}

fn pagination(h: &mut String, f: &SearchForm, total: u64) {
    let pages = (total as usize)
        .div_ceil(PER_PAGE)
        .min(EXPORT_MAX / PER_PAGE);
    if pages <= 1 {
        return;
    }
    let base = html::query_string(&f.pairs());
    let link = |p: usize| {
        if base.is_empty() {
            format!("/?page={p}")
        } else {
            format!("/?{base}&page={p}")
        }
    };
    h.push_str("<nav class=\"pagination\" aria-label=\"Pagination des résultats\"><ul>");
    if f.page > 1 {
        let _ = write!(
            h,
            "<li><a href=\"{}\" rel=\"prev\">‹ Précédente</a></li>",
            esc(&link(f.page - 1))
        );
    }
    let mut shown: Vec<usize> = vec![1, pages];
    for p in f.page.saturating_sub(2)..=f.page + 2 {
        if p >= 1 && p <= pages {
            shown.push(p);
        }
    }
    shown.sort();
    shown.dedup();
    let mut prev = 0;
    for p in shown {
        if p > prev + 1 {
            h.push_str("<li class=\"gap\" aria-hidden=\"true\">…</li>");
        }
        if p == f.page {
            let _ = write!(
                h,
                "<li><a href=\"{}\" aria-current=\"page\"><span class=\"visually-hidden\">Page </span>{p}</a></li>",
                esc(&link(p))
            );
        } else {
            let _ = write!(
                h,
                "<li><a href=\"{}\"><span class=\"visually-hidden\">Page </span>{p}</a></li>",
                esc(&link(p))
            );
        }
        prev = p;
    }
    if f.page < pages {
        let _ = write!(
            h,
            "<li><a href=\"{}\" rel=\"next\">Suivante ›</a></li>",
            esc(&link(f.page + 1))
        );
    }
    h.push_str("</ul></nav>");
}

fn summary(f: &SearchForm, total: u64) -> String {
    let mut s = plural(total, "fournisseur trouvé", "fournisseurs trouvés");
    if !f.q.is_empty() {
        let _ = write!(s, " pour « {} »", f.q);
    }
    if let Some(c) = resolve_commune(&f.autour) {
        let r = Referential::get();
        let dep = r
            .departement(&c.dept)
            .map(|d| d.name.as_str())
            .unwrap_or("");
        match f.geo_mode() {
            GeoMode::Near => {
                let de = if c
                    .name
                    .starts_with(['A', 'E', 'I', 'O', 'U', 'Y', 'É', 'È', 'Î', 'Ô'])
                {
                    "d'"
                } else {
                    "de "
                };
                let _ = write!(
                    s,
                    ", à moins de {} km {de}{} ({dep})",
                    f.radius_km(),
                    c.name
                );
            }
            GeoMode::Serves => {
                let _ = write!(s, ", qui interviennent à {} ({dep})", c.name);
            }
        }
    }
    s
}

/// The whole search page.
pub fn render_page(f: &SearchForm, res: Option<&SearchResults>, errors: &[FieldError]) -> String {
    let errors = FormErrors::new(errors.to_vec());
    let mut h = String::with_capacity(200 * 1024);
    h.push_str("<h1>Trouver un fournisseur de l'économie sociale et solidaire</h1>");
    h.push_str("<form method=\"get\" action=\"/\" class=\"search\" role=\"search\" aria-label=\"Recherche de fournisseurs\">");
    search_box(&mut h, f, &errors);
    let empty = Facets::default();
    let facets = res.and_then(|r| r.facets.as_ref()).unwrap_or(&empty);
    h.push_str("<div class=\"layout\">");
    filters_panel(&mut h, f, facets);
    h.push_str("<section class=\"results\" aria-labelledby=\"resultats-titre\">");
    match res {
        None => {
            h.push_str("<h2 id=\"resultats-titre\">Résultats</h2><p>La recherche n'a pas pu être faite : corrigez le formulaire.</p>");
        }
        Some(res) => {
            let _ = write!(
                h,
                "<h2 id=\"resultats-titre\" class=\"summary\" aria-live=\"polite\">{}</h2>",
                esc(&summary(f, res.total))
            );
            if f.is_blank() {
                h.push_str("<p class=\"hint\">Tous les fournisseurs sont listés ; affinez avec un métier, une commune ou les filtres.</p>");
            }
            let tri_distance = f.tri == "distance";
            if !f.autour.is_empty() {
                let _ = write!(
                    h,
                    "<div class=\"field inline\"><label for=\"tri\">Trier par</label><select id=\"tri\" name=\"tri\"><option value=\"pertinence\"{}>pertinence</option><option value=\"distance\"{}>distance</option></select> <button type=\"submit\" class=\"btn btn-small\">Trier</button></div>",
                    if tri_distance { "" } else { " selected" },
                    if tri_distance { " selected" } else { "" }
                );
            }
            let qs = html::query_string(&f.pairs());
            let _ = write!(
                h,
                "<p class=\"exports\">Exporter ces résultats : <a href=\"/export.csv?{0}\" download>tableur (CSV)</a> · <a href=\"/export.geojson?{0}\" download>carte (GeoJSON)</a></p>",
                esc(&qs)
            );
            let first = (f.page - 1) * PER_PAGE;
            let markers: Vec<Marker> = res
                .hits
                .iter()
                .enumerate()
                .filter_map(|(i, hit)| {
                    Some(Marker {
                        point: hit_point(&hit.supplier)?,
                        label: (first + i + 1).to_string(),
                        title: format!("{}. {}", first + i + 1, hit.name),
                        href: format!("#r-{}", hit.siret),
                        card: Some(format!("r-{}", hit.siret)),
                    })
                })
                .collect();
            if !res.hits.is_empty() {
                let zoom = f.carte != "france";
                let mut other = f.clone();
                other.carte = if zoom { "france".into() } else { String::new() };
                other.page = f.page;
                let mut oq = html::query_string(&other.pairs());
                if f.page > 1 {
                    let _ = write!(oq, "&page={}", f.page);
                }
                let _ = write!(
                    h,
                    "<figure class=\"map-box\" aria-labelledby=\"carte-legende\"><div class=\"map-wrap\">{}<div class=\"popup\" id=\"carte-popup\" hidden></div></div>\
<figcaption id=\"carte-legende\">Carte des résultats de cette page : chaque numéro renvoie à la fiche du même numéro dans la liste. {}\
 <a href=\"/?{}#carte-legende\">{}</a></figcaption></figure>",
                    map::render(&map::MapSpec {
                        id: "carte",
                        label: "Carte des résultats",
                        markers: &markers,
                        zones: None,
                        zoom,
                    }),
                    if markers.len() < res.hits.len() {
                        format!(
                            "{} sans position connue.",
                            plural(
                                (res.hits.len() - markers.len()) as u64,
                                "résultat",
                                "résultats"
                            )
                        )
                    } else {
                        String::new()
                    },
                    esc(&oq),
                    if zoom {
                        "Voir toute la France"
                    } else {
                        "Zoomer sur les résultats"
                    }
                );
                let _ = write!(h, "<ol class=\"cards\" start=\"{}\">", first + 1);
                for (i, hit) in res.hits.iter().enumerate() {
                    card(&mut h, first + i + 1, hit);
                }
                h.push_str("</ol>");
                pagination(&mut h, f, res.total);
            } else {
                h.push_str("<p>Aucun fournisseur ne correspond. Essayez d'élargir la distance, de retirer un filtre ou d'utiliser un autre mot.</p>");
            }
        }
    }
    h.push_str("</section></div></form>");
    html::page(
        if f.q.is_empty() {
            "Rechercher un fournisseur".to_string()
        } else {
            format!("{} — recherche", f.q)
        }
        .as_str(),
        Section::Search,
        &h,
    )
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The results as CSV (UTF-8 with a byte-order mark so that spreadsheet software reads
/// accents right).
pub fn export_csv(res: &SearchResults) -> String {
    let mut out = String::from(
        "\u{feff}siret,nom,enseigne,types,ess,esus,commune_insee,ville,departement,lat,lon,distance_km,score,labels,email,telephone,site_web,fiche\n",
    );
    let r = Referential::get();
    for h in &res.hits {
        let s = &h.supplier;
        let p = hit_point(s);
        let row = [
            h.siret.clone(),
            h.name.clone(),
            s.brand.clone().unwrap_or_default(),
            s.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            if s.ess { "oui" } else { "non" }.into(),
            if s.esus { "oui" } else { "non" }.into(),
            s.address.commune.clone(),
            town(s),
            r.commune(&s.address.commune)
                .map(|c| c.dept.clone())
                .unwrap_or_default(),
            p.map(|p| format!("{:.5}", p.lat)).unwrap_or_default(),
            p.map(|p| format!("{:.5}", p.lon)).unwrap_or_default(),
            h.distance_km.map(|d| format!("{d:.2}")).unwrap_or_default(),
            format!("{:.4}", h.score),
            s.labels.join(" | "),
            s.contact.email.clone().unwrap_or_default(),
            s.contact.phone.clone().unwrap_or_default(),
            s.contact.website.clone().unwrap_or_default(),
            format!("/fournisseurs/{}", h.siret),
        ];
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The results as a GeoJSON FeatureCollection of points (suppliers without a position are
/// left out).
pub fn export_geojson(res: &SearchResults) -> String {
    let features: Vec<serde_json::Value> = res
        .hits
        .iter()
        .filter_map(|h| {
            let s = &h.supplier;
            let p = hit_point(s)?;
            Some(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": {
                    "siret": h.siret,
                    "nom": h.name,
                    "types": s.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    "ess": s.ess,
                    "esus": s.esus,
                    "commune_insee": s.address.commune,
                    "ville": town(s),
                    "distance_km": h.distance_km,
                    "score": h.score,
                    "raisons": h.reasons,
                    "fiche": format!("/fournisseurs/{}", h.siret),
                }
            }))
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// One suggestion of the search box.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// `metier` or `commune`.
    pub kind: &'static str,
    /// What the list shows.
    pub label: String,
    /// What goes into the field when chosen.
    pub value: String,
}

fn trade_expressions() -> &'static [(String, String)] {
    static LIST: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in include_str!("../../fixtures/thesaurus.txt").lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            for e in line.split(',') {
                let e = e.trim();
                if !e.is_empty() && !out.iter().any(|(x, _)| x == e) {
                    out.push((e.to_string(), fold(e)));
                }
            }
        }
        out
    })
}

/// Trades (from the search thesaurus) and communes matching what was typed.
pub fn suggestions(q: &str, what: &str, limit: usize) -> Vec<Suggestion> {
    let folded = fold(q.trim());
    let mut out = Vec::new();
    if folded.chars().count() < 2 {
        return out;
    }
    if what != "communes" {
        let mut starts: Vec<&(String, String)> = Vec::new();
        let mut inner: Vec<&(String, String)> = Vec::new();
        for t in trade_expressions() {
            if t.1.starts_with(&folded) {
                starts.push(t);
            } else if t.1.contains(&format!(" {folded}")) {
                inner.push(t);
            }
        }
        starts.sort_by_key(|t| t.0.len());
        for t in starts.into_iter().chain(inner).take(limit) {
            out.push(Suggestion {
                kind: "metier",
                label: t.0.clone(),
                value: t.0.clone(),
            });
        }
    }
    if what != "trades" {
        let r = Referential::get();
        for c in r.communes.search(q, limit) {
            let dep = r
                .departement(&c.dept)
                .map(|d| d.name.as_str())
                .unwrap_or("");
            out.push(Suggestion {
                kind: "commune",
                label: format!(
                    "{} — {} ({}){}",
                    c.name,
                    dep,
                    c.dept,
                    c.postcodes
                        .first()
                        .map(|p| format!(", {p}"))
                        .unwrap_or_default()
                ),
                value: commune_value(c),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_commune_is_found_by_name_code_or_suggestion_value() {
        assert_eq!(resolve_commune("Toulouse").unwrap().code, "31555");
        assert_eq!(resolve_commune("31555").unwrap().code, "31555");
        assert_eq!(resolve_commune("Toulouse (31555)").unwrap().code, "31555");
        assert!(resolve_commune("zzzz qqq").is_none());
    }

    #[test]
    fn the_form_becomes_an_index_query_with_a_radius_and_filters() {
        let f = SearchForm::from_pairs(&pairs(&[
            ("q", "espaces verts"),
            ("autour", "Albi"),
            ("rayon", "50"),
            ("type", "ACI"),
            ("type", "EI"),
            ("reserve", "L2113-13"),
            ("page", "2"),
        ]));
        let (q, errors) = build_query(&f, PER_PAGE);
        assert!(errors.is_empty());
        assert_eq!(q.page, 2);
        assert_eq!(q.filters.kinds, vec![Kind::ACI, Kind::EI]);
        assert_eq!(q.filters.reserved, Some(Reserved::L2113_13));
        assert!(matches!(q.geo, Some(GeoClause::Near { radius_km, .. }) if radius_km == 50.0));
        let link = html::query_string(&f.pairs());
        assert!(link.contains("q=espaces+verts") && link.contains("type=EI"));
    }

    #[test]
    fn an_unknown_commune_is_a_field_error_not_a_failure() {
        let f = SearchForm::from_pairs(&pairs(&[("autour", "Qwxyzville")]));
        let (q, errors) = build_query(&f, PER_PAGE);
        assert!(q.geo.is_none());
        assert_eq!(errors[0].field, "autour");
    }

    #[test]
    fn suggestions_mix_trades_and_communes() {
        let s = suggestions("pays", "all", 5);
        assert!(
            s.iter()
                .any(|x| x.kind == "metier" && x.value == "paysagiste")
        );
        let s = suggestions("toulo", "communes", 5);
        assert_eq!(s[0].value, "Toulouse (31555)");
        assert!(s.iter().all(|x| x.kind == "commune"));
    }
}
