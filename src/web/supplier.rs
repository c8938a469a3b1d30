//! The supplier pages: the public profile (activities, intervention zones on the map,
//! capacity, labels, references, contact) and the profile form an SSE company fills in with
//! its token.
//!
//! The form is a plain POST that works without script: its fields are named after the
//! profile's JSON paths (`address.commune`, `activities[0].cpv`), so the model's field
//! errors land next to the input they concern. A profile is turned into the form's pairs
//! and back ([`supplier_pairs`], [`apply_pairs`]); a rejected submission is shown again
//! from what was typed. What this module does not do: check tokens or write the store
//! (`mod.rs` does, through `api::auth` and `Store`).

use std::collections::HashMap;
use std::fmt::Write;

use super::html::{self, FormErrors, Section, esc, int_fr, num_fr};
use super::map::{self, Marker};
use super::search::{commune_value, kind_badges, resolve_commune};
use crate::error::FieldError;
use crate::model::{Activity, Area, Kind, Mode, Offer, Reference, Supplier, Zone};
use crate::referential::Referential;

/// Empty rows offered after the existing ones, to add an activity, offer or reference.
const BLANK_ROWS: usize = 1;

fn zone_text(s: &Supplier, z: Option<&Zone>) -> String {
    let r = Referential::get();
    let Some(z) = z else {
        return match r.commune(&s.address.commune) {
            Some(c) => match r.departement(&c.dept) {
                Some(d) => format!("département du siège : {} ({})", d.name, d.code),
                None => "département du siège".into(),
            },
            None => "département du siège".into(),
        };
    };
    let mut parts = Vec::new();
    if z.is_national() {
        parts.push("toute la France".to_string());
    }
    if let Some(rad) = z.radius_km {
        parts.push(format!("dans un rayon de {} km", num_fr(rad, 1)));
    }
    for a in z.areas.iter().flatten() {
        match Area::parse(a) {
            Ok(area) => parts.push(r.area_label(&area)),
            Err(_) => parts.push(a.clone()),
        }
    }
    parts.join(", ")
}

fn cpv_label(code: &str) -> String {
    match Referential::get().cpv.get(code) {
        Some(c) => format!("{} — {}", c.code, c.label()),
        None => code.to_string(),
    }
}

fn modes_text(modes: &[Mode]) -> String {
    modes
        .iter()
        .map(|m| m.label_fr())
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_fr(rfc3339: &str) -> String {
    crate::events::agenda::date_fr(rfc3339.get(..10).unwrap_or(rfc3339))
}

/// The public profile page. `saved` shows the confirmation after an edit.
pub fn render_profile(s: &Supplier, saved: bool) -> String {
    let r = Referential::get();
    let mut h = String::with_capacity(96 * 1024);
    if saved {
        h.push_str("<div class=\"alert alert-success\" role=\"status\"><p>Profil enregistré. Les modifications apparaissent déjà dans la recherche.</p></div>");
    }
    let _ = write!(
        h,
        "<p class=\"crumbs\"><a href=\"/\">Recherche</a> › Fiche fournisseur</p><h1>{}</h1>",
        esc(&s.name)
    );
    h.push_str("<p class=\"meta\">");
    if let Some(b) = &s.brand {
        let _ = write!(h, "<span class=\"brand-name\">{}</span> · ", esc(b));
    }
    kind_badges(&mut h, &s.kinds, s.ess, s.esus);
    let _ = write!(h, "· SIRET {}", esc(&s.siret));
    h.push_str("</p>");
    if s.closed {
        h.push_str("<div class=\"alert alert-error\"><p>Cet établissement est fermé.</p></div>");
    }
    let _ = write!(
        h,
        "<p class=\"edit-link\"><a class=\"btn\" href=\"/fournisseurs/{}/modifier\">Modifier ce profil (réservé à la structure)</a></p>",
        esc(&s.siret)
    );
    h.push_str("<div class=\"profile\"><div class=\"profile-main\">");
    if !s.description.is_empty() {
        let _ = write!(
            h,
            "<section aria-labelledby=\"presentation\"><h2 id=\"presentation\">Présentation</h2><p>{}</p></section>",
            esc(&s.description)
        );
    }
    h.push_str("<section aria-labelledby=\"activites\"><h2 id=\"activites\">Activités et zones d'intervention</h2>");
    if s.activities.is_empty() {
        let _ = write!(
            h,
            "<p>Aucune activité détaillée. Zone : {}.</p>",
            esc(&zone_text(s, None))
        );
    } else {
        h.push_str("<ul class=\"activities\">");
        for a in &s.activities {
            let title = a
                .label
                .clone()
                .or_else(|| {
                    a.cpv
                        .first()
                        .and_then(|c| r.cpv.get(c).map(|x| x.label().to_string()))
                })
                .unwrap_or_else(|| "Activité".into());
            let _ = write!(h, "<li><h3>{}</h3><dl>", esc(&title));
            if !a.cpv.is_empty() {
                h.push_str("<dt>Codes CPV</dt><dd><ul>");
                for c in &a.cpv {
                    let _ = write!(h, "<li>{}</li>", esc(&cpv_label(c)));
                }
                h.push_str("</ul></dd>");
            }
            if !a.modes.is_empty() {
                let _ = write!(h, "<dt>Nature</dt><dd>{}</dd>", esc(&modes_text(&a.modes)));
            }
            let _ = write!(
                h,
                "<dt>Zone d'intervention</dt><dd>{}</dd></dl></li>",
                esc(&zone_text(s, a.zone.as_ref()))
            );
        }
        h.push_str("</ul>");
    }
    let zones = map::supplier_zones(s);
    let markers: Vec<Marker> = crate::model::geography::supplier_point(s, r)
        .map(|p| Marker {
            point: p,
            label: "★".into(),
            title: format!("Siège de {}", s.name),
            href: "#contact".into(),
            card: None,
        })
        .into_iter()
        .collect();
    let _ = write!(
        h,
        "<figure class=\"map-box\" aria-labelledby=\"zones-legende\"><div class=\"map-wrap\">{}</div><figcaption id=\"zones-legende\"><span class=\"legend-swatch\" aria-hidden=\"true\"></span> Zones d'intervention hachurées (départements entiers, cercles pour les rayons, points pour les communes) ; l'étoile marque le siège. Le détail des zones est écrit ci-dessus.</figcaption></figure>",
        map::render(&map::MapSpec {
            id: "carte-zones",
            label: "Carte des zones d'intervention",
            markers: &markers,
            zones: Some(&zones),
            zoom: true,
        })
    );
    h.push_str("</section>");
    if !s.offers.is_empty() {
        h.push_str("<section aria-labelledby=\"offres\"><h2 id=\"offres\">Offre</h2><ul>");
        for o in &s.offers {
            let _ = write!(h, "<li><strong>{}</strong>", esc(&o.title));
            if !o.description.is_empty() {
                let _ = write!(h, " — {}", esc(&o.description));
            }
            h.push_str("</li>");
        }
        h.push_str("</ul></section>");
    }
    if !s.references.is_empty() {
        h.push_str(
            "<section aria-labelledby=\"references\"><h2 id=\"references\">Références</h2><ul>",
        );
        for rf in &s.references {
            let _ = write!(h, "<li><strong>{}</strong>", esc(&rf.client));
            if let Some(y) = rf.year {
                let _ = write!(h, " ({y})");
            }
            if !rf.description.is_empty() {
                let _ = write!(h, " — {}", esc(&rf.description));
            }
            h.push_str("</li>");
        }
        h.push_str("</ul></section>");
    }
    h.push_str("</div><div class=\"profile-side\">");
    // Contact.
    h.push_str("<section aria-labelledby=\"contact\" class=\"box\"><h2 id=\"contact\">Contact</h2><address>");
    for part in [&s.address.street, &s.address.postcode, &s.address.city]
        .into_iter()
        .flatten()
    {
        let _ = write!(h, "{}<br>", esc(part));
    }
    if let Some(c) = r.commune(&s.address.commune)
        && s.address.city.is_none()
    {
        let _ = write!(h, "{}<br>", esc(&c.name));
    }
    h.push_str("</address><ul class=\"plain\">");
    if let Some(m) = &s.contact.email {
        let _ = write!(
            h,
            "<li>Courriel : <a href=\"mailto:{0}\">{0}</a></li>",
            esc(m)
        );
    }
    if let Some(p) = &s.contact.phone {
        let tel: String = p
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        let _ = write!(
            h,
            "<li>Téléphone : <a href=\"tel:{}\">{}</a></li>",
            esc(&tel),
            esc(p)
        );
    }
    if let Some(w) = &s.contact.website {
        let href = if w.starts_with("http://") || w.starts_with("https://") {
            w.clone()
        } else {
            format!("https://{w}")
        };
        let _ = write!(
            h,
            "<li>Site : <a href=\"{}\" rel=\"noopener\">{}</a></li>",
            esc(&href),
            esc(w)
        );
    }
    h.push_str("</ul></section>");
    // Capacity and identity.
    h.push_str("<section aria-labelledby=\"capacite\" class=\"box\"><h2 id=\"capacite\">Capacité et identité</h2><dl>");
    let c = &s.capacity;
    if let Some(n) = c.employees {
        let _ = write!(h, "<dt>Salariés</dt><dd>{}</dd>", int_fr(n.max(0) as u64));
    }
    if let Some(n) = c.insertion_employees {
        let _ = write!(
            h,
            "<dt>Salariés en insertion ou en situation de handicap</dt><dd>{}</dd>",
            int_fr(n.max(0) as u64)
        );
    }
    if let Some(t) = c.turnover_eur {
        let _ = write!(
            h,
            "<dt>Chiffre d'affaires</dt><dd>{} €</dd>",
            int_fr(t.max(0.0).round() as u64)
        );
    }
    if let Some(y) = c.founded {
        let _ = write!(h, "<dt>Création</dt><dd>{y}</dd>");
    }
    if let Some(lf) = &s.legal_form {
        let label = r
            .legal_form(lf)
            .map(|l| l.label.clone())
            .unwrap_or_default();
        let _ = write!(
            h,
            "<dt>Forme juridique</dt><dd>{} ({})</dd>",
            esc(&label),
            esc(lf)
        );
    }
    if let Some(naf) = &s.naf {
        let label = r
            .naf
            .get(naf)
            .map(|n| n.label_fr.clone())
            .unwrap_or_default();
        let _ = write!(
            h,
            "<dt>Activité principale (NAF)</dt><dd>{} — {}</dd>",
            esc(naf),
            esc(&label)
        );
    }
    if let Some(u) = &s.updated_at {
        let _ = write!(h, "<dt>Mise à jour</dt><dd>{}</dd>", esc(&date_fr(u)));
    }
    h.push_str("</dl></section>");
    if !s.labels.is_empty() {
        h.push_str("<section aria-labelledby=\"labels\" class=\"box\"><h2 id=\"labels\">Labels et certifications</h2><ul>");
        for l in &s.labels {
            let _ = write!(h, "<li>{}</li>", esc(l));
        }
        h.push_str("</ul></section>");
    }
    h.push_str("</div></div>");
    html::page(&s.name, Section::Search, &h)
}

// ---------------------------------------------------------------------------------------------
// The profile form

/// The form's values: input name → values (several for checkboxes).
#[derive(Debug, Clone, Default)]
pub struct FormValues {
    map: HashMap<String, Vec<String>>,
}

impl FormValues {
    pub fn from_pairs(pairs: &[(String, String)]) -> FormValues {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k.clone()).or_default().push(v.clone());
        }
        FormValues { map }
    }

    pub fn get(&self, k: &str) -> &str {
        self.map
            .get(k)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }

    fn all(&self, k: &str) -> &[String] {
        self.map.get(k).map(Vec::as_slice).unwrap_or(&[])
    }

    fn has(&self, k: &str) -> bool {
        self.map.contains_key(k)
    }

    fn set(&mut self, k: &str, v: impl Into<String>) {
        let v = v.into();
        if !v.is_empty() {
            self.map.insert(k.to_string(), vec![v]);
        }
    }

    fn push(&mut self, k: &str, v: impl Into<String>) {
        self.map.entry(k.to_string()).or_default().push(v.into());
    }

    /// Rows of a repeated group (`activities[3].label` counts 4 rows).
    fn rows(&self, prefix: &str) -> usize {
        self.map
            .keys()
            .filter_map(|k| {
                let rest = k.strip_prefix(prefix)?.strip_prefix('[')?;
                let (n, _) = rest.split_once(']')?;
                n.parse::<usize>().ok()
            })
            .map(|n| n + 1)
            .max()
            .unwrap_or(0)
    }
}

fn opt_num<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// A profile as the form's values.
pub fn supplier_pairs(s: &Supplier) -> FormValues {
    let r = Referential::get();
    let mut f = FormValues::default();
    f.set("name", &s.name);
    f.set("brand", s.brand.clone().unwrap_or_default());
    f.set("description", &s.description);
    for k in &s.kinds {
        f.push("kinds", k.as_str());
    }
    if s.ess {
        f.set("ess", "1");
    }
    if s.esus {
        f.set("esus", "1");
    }
    f.set("legal_form", s.legal_form.clone().unwrap_or_default());
    f.set("naf", s.naf.clone().unwrap_or_default());
    f.set("labels", s.labels.join(", "));
    f.set(
        "address.street",
        s.address.street.clone().unwrap_or_default(),
    );
    f.set(
        "address.postcode",
        s.address.postcode.clone().unwrap_or_default(),
    );
    f.set("address.city", s.address.city.clone().unwrap_or_default());
    f.set(
        "address.commune",
        r.commune(&s.address.commune)
            .map(commune_value)
            .unwrap_or_else(|| s.address.commune.clone()),
    );
    f.set("contact.email", s.contact.email.clone().unwrap_or_default());
    f.set("contact.phone", s.contact.phone.clone().unwrap_or_default());
    f.set(
        "contact.website",
        s.contact.website.clone().unwrap_or_default(),
    );
    f.set("capacity.employees", opt_num(s.capacity.employees));
    f.set(
        "capacity.insertion_employees",
        opt_num(s.capacity.insertion_employees),
    );
    f.set(
        "capacity.turnover_eur",
        opt_num(s.capacity.turnover_eur.map(|t| t.round() as i64)),
    );
    f.set("capacity.founded", opt_num(s.capacity.founded));
    for (i, a) in s.activities.iter().enumerate() {
        let p = format!("activities[{i}]");
        // Always present, so the row is counted even when every field is empty.
        f.map.insert(
            format!("{p}.label"),
            vec![a.label.clone().unwrap_or_default()],
        );
        f.set(&format!("{p}.cpv"), a.cpv.join(", "));
        for m in &a.modes {
            f.push(&format!("{p}.modes"), m.as_str());
        }
        if let Some(z) = &a.zone {
            if z.is_national() {
                f.set(&format!("{p}.zone.national"), "1");
            }
            f.set(&format!("{p}.zone.radius_km"), opt_num(z.radius_km));
            f.set(
                &format!("{p}.zone.areas"),
                z.areas.clone().unwrap_or_default().join(", "),
            );
        }
    }
    for (i, o) in s.offers.iter().enumerate() {
        f.map
            .insert(format!("offers[{i}].title"), vec![o.title.clone()]);
        f.set(&format!("offers[{i}].description"), &o.description);
    }
    for (i, rf) in s.references.iter().enumerate() {
        f.map
            .insert(format!("references[{i}].client"), vec![rf.client.clone()]);
        f.set(&format!("references[{i}].description"), &rf.description);
        f.set(&format!("references[{i}].year"), opt_num(rf.year));
    }
    f
}

fn opt_text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn list(s: &str) -> Vec<String> {
    s.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn codes(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_int<T: std::str::FromStr>(
    errors: &mut Vec<FieldError>,
    field: &str,
    v: &str,
) -> Option<T> {
    let t: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return None;
    }
    match t.parse::<T>() {
        Ok(x) => Some(x),
        Err(_) => {
            errors.push(FieldError::new(field, "must be a whole number"));
            None
        }
    }
}

fn parse_f64(errors: &mut Vec<FieldError>, field: &str, v: &str) -> Option<f64> {
    let t: String = v
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if t.is_empty() {
        return None;
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(FieldError::new(field, "must be a number"));
            None
        }
    }
}

/// Apply the form's values to the stored profile (fields the form does not show are kept).
/// Returns the new profile and the errors found while reading numbers; the caller then
/// validates it with the model's rules.
pub fn apply_pairs(stored: &Supplier, f: &FormValues) -> (Supplier, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut s = stored.clone();
    s.name = f.get("name").to_string();
    s.brand = opt_text(f.get("brand"));
    s.description = f.get("description").trim().to_string();
    s.kinds = f
        .all("kinds")
        .iter()
        .filter_map(|k| Kind::parse(k))
        .collect();
    s.ess = f.has("ess");
    s.esus = f.has("esus");
    s.legal_form = opt_text(f.get("legal_form"));
    s.naf = opt_text(f.get("naf"));
    s.labels = list(f.get("labels"));
    s.address.street = opt_text(f.get("address.street"));
    s.address.postcode = opt_text(f.get("address.postcode"));
    s.address.city = opt_text(f.get("address.city"));
    let commune_text = f.get("address.commune").trim();
    let commune = resolve_commune(commune_text)
        .map(|c| c.code.clone())
        .unwrap_or_else(|| commune_text.to_string());
    if commune != stored.address.commune {
        // The stored position belonged to the old address: use the new commune's centre.
        s.location = None;
    }
    s.address.commune = commune;
    s.contact.email = opt_text(f.get("contact.email"));
    s.contact.phone = opt_text(f.get("contact.phone"));
    s.contact.website = opt_text(f.get("contact.website"));
    s.capacity.employees = parse_int(
        &mut errors,
        "capacity.employees",
        f.get("capacity.employees"),
    );
    s.capacity.insertion_employees = parse_int(
        &mut errors,
        "capacity.insertion_employees",
        f.get("capacity.insertion_employees"),
    );
    s.capacity.turnover_eur = parse_f64(
        &mut errors,
        "capacity.turnover_eur",
        f.get("capacity.turnover_eur"),
    );
    s.capacity.founded = parse_int(&mut errors, "capacity.founded", f.get("capacity.founded"));

    // Repeated groups: rows marked for removal and blank rows are dropped; the errors of
    // the rows kept must keep their row numbers, so numbering follows the kept rows and is
    // mapped back for display by `renumber`.
    s.activities.clear();
    for i in 0..f.rows("activities") {
        let p = format!("activities[{i}]");
        if f.has(&format!("{p}.remove")) {
            continue;
        }
        let label = opt_text(f.get(&format!("{p}.label")));
        let cpv = codes(f.get(&format!("{p}.cpv")));
        let modes: Vec<Mode> = f
            .all(&format!("{p}.modes"))
            .iter()
            .filter_map(|m| Mode::parse(m))
            .collect();
        let national = f.has(&format!("{p}.zone.national"));
        let radius_km = parse_f64(
            &mut errors,
            &format!("{p}.zone.radius_km"),
            f.get(&format!("{p}.zone.radius_km")),
        );
        let areas = codes(f.get(&format!("{p}.zone.areas")));
        if label.is_none()
            && cpv.is_empty()
            && modes.is_empty()
            && !national
            && radius_km.is_none()
            && areas.is_empty()
        {
            continue;
        }
        let zone = (national || radius_km.is_some() || !areas.is_empty()).then(|| Zone {
            national: national.then_some(true),
            radius_km,
            areas: (!areas.is_empty()).then_some(areas),
        });
        s.activities.push(Activity {
            label,
            cpv,
            modes,
            zone,
        });
    }
    s.offers.clear();
    for i in 0..f.rows("offers") {
        let p = format!("offers[{i}]");
        if f.has(&format!("{p}.remove")) {
            continue;
        }
        let title = f.get(&format!("{p}.title")).trim().to_string();
        let description = f.get(&format!("{p}.description")).trim().to_string();
        if title.is_empty() && description.is_empty() {
            continue;
        }
        s.offers.push(Offer { title, description });
    }
    s.references.clear();
    for i in 0..f.rows("references") {
        let p = format!("references[{i}]");
        if f.has(&format!("{p}.remove")) {
            continue;
        }
        let client = f.get(&format!("{p}.client")).trim().to_string();
        let description = f.get(&format!("{p}.description")).trim().to_string();
        let year = parse_int(
            &mut errors,
            &format!("{p}.year"),
            f.get(&format!("{p}.year")),
        );
        if client.is_empty() && description.is_empty() && year.is_none() {
            continue;
        }
        s.references.push(Reference {
            client,
            description,
            year,
        });
    }
    (s, errors)
}

/// Map the model's errors on kept rows (`activities[1]` = second kept row) back to the
/// form's row numbers, which count removed and blank rows too.
pub fn renumber(errors: Vec<FieldError>, f: &FormValues) -> Vec<FieldError> {
    let kept = |group: &str, required: &[&str]| -> Vec<usize> {
        (0..f.rows(group))
            .filter(|i| {
                let p = format!("{group}[{i}]");
                !f.has(&format!("{p}.remove"))
                    && required
                        .iter()
                        .any(|k| !f.get(&format!("{p}.{k}")).trim().is_empty())
            })
            .collect()
    };
    let acts = kept(
        "activities",
        &[
            "label",
            "cpv",
            "modes",
            "zone.national",
            "zone.radius_km",
            "zone.areas",
        ],
    );
    let offers = kept("offers", &["title", "description"]);
    let refs = kept("references", &["client", "description", "year"]);
    errors
        .into_iter()
        .map(|mut e| {
            for (group, rows) in [
                ("activities", &acts),
                ("offers", &offers),
                ("references", &refs),
            ] {
                if let Some(rest) = e
                    .field
                    .strip_prefix(group)
                    .and_then(|r| r.strip_prefix('['))
                    && let Some((n, tail)) = rest.split_once(']')
                    && let Ok(n) = n.parse::<usize>()
                    && let Some(orig) = rows.get(n)
                {
                    e.field = format!("{group}[{orig}]{tail}");
                }
            }
            e
        })
        .collect()
}

/// French name of a form field, for the error summary.
fn field_label(field: &str) -> String {
    let base = field.split('[').next().unwrap_or(field);
    let row = field
        .split_once('[')
        .and_then(|(_, r)| r.split_once(']'))
        .and_then(|(n, _)| n.parse::<usize>().ok())
        .map(|n| n + 1);
    let leaf = field.rsplit('.').next().unwrap_or(field);
    let leaf = leaf.split('[').next().unwrap_or(leaf);
    let what = match (base, leaf) {
        ("name", _) => "Raison sociale",
        ("brand", _) => "Nom commercial",
        ("description", _) => "Présentation",
        ("legal_form", _) => "Catégorie juridique",
        ("naf", _) => "Code NAF",
        ("labels", _) => "Labels",
        ("address.street", _) => "Adresse",
        ("address.postcode", _) => "Code postal",
        ("address.city", _) => "Ville",
        ("address.commune", _) => "Commune",
        ("contact.email", _) => "Courriel",
        ("contact.phone", _) => "Téléphone",
        ("contact.website", _) => "Site internet",
        ("capacity.employees", _) => "Salariés",
        ("capacity.insertion_employees", _) => "Salariés en insertion",
        ("capacity.turnover_eur", _) => "Chiffre d'affaires",
        ("capacity.founded", _) => "Année de création",
        ("jeton", _) => "Jeton d'accès",
        ("activities", "cpv") => "Codes CPV",
        ("activities", "label") => "Intitulé de l'activité",
        ("activities", "radius_km") => "Rayon",
        ("activities", "areas") => "Territoires",
        ("activities", _) => "Zone",
        ("offers", "title") => "Titre de l'offre",
        ("offers", _) => "Offre",
        ("references", "client") => "Client",
        ("references", "year") => "Année de la référence",
        ("references", _) => "Référence",
        _ => "Champ",
    };
    match (base, row) {
        ("activities", Some(n)) => format!("Activité {n} : {what}"),
        ("offers", Some(n)) => format!("Offre {n} : {what}"),
        ("references", Some(n)) => format!("Référence {n} : {what}"),
        _ => what.to_string(),
    }
}

fn checkbox_row(h: &mut String, f: &FormValues, name: &str, value: &str, label: &str) {
    let checked = f.all(name).iter().any(|v| v == value);
    let id = format!("{}-{}", html::field_id(name), value);
    html::checkbox(h, name, value, label, checked, &id);
}

/// The profile form. `values` are the stored profile's or what was just typed.
pub fn render_edit(
    siret: &str,
    name: &str,
    f: &FormValues,
    errors: &FormErrors,
    token: &str,
) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<p class=\"crumbs\"><a href=\"/\">Recherche</a> › <a href=\"/fournisseurs/{0}\">Fiche fournisseur</a> › Modifier</p><h1>Modifier le profil de {1}</h1>",
        esc(siret),
        esc(name)
    );
    html::error_summary(&mut h, errors, &field_label);
    h.push_str("<p>Les champs marqués d'un astérisque (<span aria-hidden=\"true\">*</span><span class=\"visually-hidden\">astérisque</span>) sont obligatoires. Un profil complet est mieux classé dans les recherches des acheteurs.</p>");
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/fournisseurs/{}/modifier\" class=\"edit\" novalidate>",
        esc(siret)
    );
    // Token first: nothing is saved without it.
    h.push_str("<fieldset><legend>Votre accès</legend>");
    {
        let msgs = errors.for_field("jeton");
        let _ = write!(
            h,
            "<div class=\"field{}\"><label for=\"f-jeton\">Jeton d'accès de la structure *</label><p class=\"hint\" id=\"f-jeton-hint\">Le jeton « fournisseur » remis pour votre SIRET ou votre SIREN.</p>",
            if msgs.is_empty() { "" } else { " has-error" }
        );
        if !msgs.is_empty() {
            h.push_str("<p class=\"error\" id=\"f-jeton-err\">");
            for m in &msgs {
                let _ = write!(h, "<span>Erreur : {}</span> ", esc(m));
            }
            h.push_str("</p>");
        }
        let _ = write!(
            h,
            "<input type=\"password\" id=\"f-jeton\" name=\"jeton\" value=\"{}\" autocomplete=\"current-password\" required aria-required=\"true\" aria-describedby=\"f-jeton-hint{}\"{}></div>",
            esc(token),
            if msgs.is_empty() { "" } else { " f-jeton-err" },
            if msgs.is_empty() {
                ""
            } else {
                " aria-invalid=\"true\""
            }
        );
    }
    h.push_str("</fieldset>");

    h.push_str("<fieldset><legend>Identité</legend>");
    html::text_field(
        &mut h,
        "name",
        "Raison sociale *",
        None,
        f.get("name"),
        errors,
        "required aria-required=\"true\" autocomplete=\"organization\"",
    );
    html::text_field(
        &mut h,
        "brand",
        "Nom commercial",
        None,
        f.get("brand"),
        errors,
        "",
    );
    html::textarea_field(
        &mut h,
        "description",
        "Présentation",
        Some("Ce que fait la structure, pour qui, comment ; ces mots servent à la recherche."),
        f.get("description"),
        6,
        errors,
    );
    h.push_str("<fieldset class=\"inline-checks\"><legend>Type de structure</legend>");
    for k in Kind::ALL {
        checkbox_row(
            &mut h,
            f,
            "kinds",
            k.as_str(),
            &format!(
                "<abbr title=\"{0}\">{1}</abbr> <span class=\"small\">{0}</span>",
                esc(k.label_fr()),
                k.as_str()
            ),
        );
    }
    h.push_str("</fieldset><fieldset class=\"inline-checks\"><legend>Économie sociale et solidaire</legend>");
    checkbox_row(
        &mut h,
        f,
        "ess",
        "1",
        "Membre de l'ESS (statut ou agrément)",
    );
    checkbox_row(
        &mut h,
        f,
        "esus",
        "1",
        "Agrément ESUS (entreprise solidaire d'utilité sociale)",
    );
    h.push_str("</fieldset>");
    html::text_field(
        &mut h,
        "legal_form",
        "Catégorie juridique",
        Some("Code INSEE à 4 chiffres, par exemple 9220 pour une association déclarée."),
        f.get("legal_form"),
        errors,
        "inputmode=\"numeric\"",
    );
    html::text_field(
        &mut h,
        "naf",
        "Code NAF (activité principale)",
        Some("Sous-classe NAF rév. 2, par exemple 81.30Z."),
        f.get("naf"),
        errors,
        "",
    );
    html::text_field(
        &mut h,
        "labels",
        "Labels et certifications",
        Some("Séparés par des virgules, par exemple : Qualiopi, RGE."),
        f.get("labels"),
        errors,
        "",
    );
    h.push_str("</fieldset>");

    h.push_str("<fieldset><legend>Adresse et contact</legend>");
    html::text_field(
        &mut h,
        "address.street",
        "Adresse",
        None,
        f.get("address.street"),
        errors,
        "autocomplete=\"address-line1\"",
    );
    html::text_field(
        &mut h,
        "address.postcode",
        "Code postal",
        Some("5 chiffres."),
        f.get("address.postcode"),
        errors,
        "inputmode=\"numeric\" autocomplete=\"postal-code\"",
    );
    html::text_field(
        &mut h,
        "address.city",
        "Ville",
        None,
        f.get("address.city"),
        errors,
        "autocomplete=\"address-level2\"",
    );
    html::text_field(
        &mut h,
        "address.commune",
        "Commune (INSEE) *",
        Some(
            "Tapez le nom de la commune puis choisissez-la dans la liste, ou saisissez son code INSEE.",
        ),
        f.get("address.commune"),
        errors,
        "required aria-required=\"true\" autocomplete=\"off\" data-suggest=\"communes\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\"",
    );
    html::text_field(
        &mut h,
        "contact.email",
        "Courriel",
        Some("Exemple : contact@exemple.fr"),
        f.get("contact.email"),
        errors,
        "inputmode=\"email\" autocomplete=\"email\"",
    );
    html::text_field(
        &mut h,
        "contact.phone",
        "Téléphone",
        None,
        f.get("contact.phone"),
        errors,
        "inputmode=\"tel\" autocomplete=\"tel\"",
    );
    html::text_field(
        &mut h,
        "contact.website",
        "Site internet",
        None,
        f.get("contact.website"),
        errors,
        "inputmode=\"url\" autocomplete=\"url\"",
    );
    h.push_str("</fieldset>");

    h.push_str("<fieldset><legend>Capacité</legend><div class=\"grid-2\">");
    html::text_field(
        &mut h,
        "capacity.employees",
        "Salariés",
        None,
        f.get("capacity.employees"),
        errors,
        "inputmode=\"numeric\"",
    );
    html::text_field(
        &mut h,
        "capacity.insertion_employees",
        "Salariés en insertion ou en situation de handicap",
        None,
        f.get("capacity.insertion_employees"),
        errors,
        "inputmode=\"numeric\"",
    );
    html::text_field(
        &mut h,
        "capacity.turnover_eur",
        "Chiffre d'affaires annuel (euros)",
        None,
        f.get("capacity.turnover_eur"),
        errors,
        "inputmode=\"decimal\"",
    );
    html::text_field(
        &mut h,
        "capacity.founded",
        "Année de création",
        None,
        f.get("capacity.founded"),
        errors,
        "inputmode=\"numeric\"",
    );
    h.push_str("</div></fieldset>");

    // Activities.
    h.push_str("<fieldset><legend>Activités</legend><p class=\"hint\">Chaque activité a ses codes CPV, sa nature et sa zone. Sans zone, une activité couvre le département du siège.</p>");
    let n_act = f.rows("activities");
    for i in 0..n_act + BLANK_ROWS {
        let p = format!("activities[{i}]");
        let new = i >= n_act;
        let _ = write!(
            h,
            "<fieldset class=\"row\"><legend>{}</legend>",
            if new {
                "Nouvelle activité (facultatif)".to_string()
            } else {
                format!("Activité {}", i + 1)
            }
        );
        html::text_field(
            &mut h,
            &format!("{p}.label"),
            "Intitulé",
            None,
            f.get(&format!("{p}.label")),
            errors,
            "",
        );
        html::text_field(
            &mut h,
            &format!("{p}.cpv"),
            "Codes CPV",
            Some(
                "Séparés par des virgules. Tapez le début d'un code (par exemple 7731) ou un mot de l'intitulé officiel pour choisir dans la liste.",
            ),
            f.get(&format!("{p}.cpv")),
            errors,
            "autocomplete=\"off\" data-suggest=\"cpv\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\"",
        );
        let _ = write!(
            h,
            "<fieldset class=\"inline-checks\"><legend>Nature</legend>"
        );
        for m in Mode::ALL {
            checkbox_row(&mut h, f, &format!("{p}.modes"), m.as_str(), m.label_fr());
        }
        h.push_str("</fieldset>");
        let zone_key = format!("{p}.zone");
        let zone_msgs = errors.for_field(&zone_key);
        let _ = write!(
            h,
            "<fieldset class=\"zone{}\" id=\"{}\"><legend>Zone d'intervention</legend>",
            if zone_msgs.is_empty() {
                ""
            } else {
                " has-error"
            },
            html::field_id(&zone_key)
        );
        for m in &zone_msgs {
            let _ = write!(h, "<p class=\"error\">Erreur : {}</p>", esc(m));
        }
        checkbox_row(
            &mut h,
            f,
            &format!("{p}.zone.national"),
            "1",
            "Toute la France",
        );
        html::text_field(
            &mut h,
            &format!("{p}.zone.radius_km"),
            "Rayon autour du siège (km)",
            None,
            f.get(&format!("{p}.zone.radius_km")),
            errors,
            "inputmode=\"decimal\"",
        );
        html::text_field(
            &mut h,
            &format!("{p}.zone.areas"),
            "Territoires",
            Some("Séparés par des virgules : dept:31, region:76, commune:31555, epci:243100518."),
            f.get(&format!("{p}.zone.areas")),
            errors,
            "",
        );
        h.push_str("</fieldset>");
        if !new {
            checkbox_row(
                &mut h,
                f,
                &format!("{p}.remove"),
                "1",
                &format!("Supprimer l'activité {}", i + 1),
            );
        }
        h.push_str("</fieldset>");
    }
    h.push_str("</fieldset>");

    // Offers.
    h.push_str("<fieldset><legend>Offre</legend>");
    let n_off = f.rows("offers");
    for i in 0..n_off + BLANK_ROWS {
        let p = format!("offers[{i}]");
        let new = i >= n_off;
        let _ = write!(
            h,
            "<fieldset class=\"row\"><legend>{}</legend>",
            if new {
                "Nouvelle offre (facultatif)".to_string()
            } else {
                format!("Offre {}", i + 1)
            }
        );
        html::text_field(
            &mut h,
            &format!("{p}.title"),
            "Titre",
            None,
            f.get(&format!("{p}.title")),
            errors,
            "",
        );
        html::textarea_field(
            &mut h,
            &format!("{p}.description"),
            "Description",
            None,
            f.get(&format!("{p}.description")),
            2,
            errors,
        );
        if !new {
            checkbox_row(
                &mut h,
                f,
                &format!("{p}.remove"),
                "1",
                &format!("Supprimer l'offre {}", i + 1),
            );
        }
        h.push_str("</fieldset>");
    }
    h.push_str("</fieldset>");

    // References.
    h.push_str("<fieldset><legend>Références</legend>");
    let n_ref = f.rows("references");
    for i in 0..n_ref + BLANK_ROWS {
        let p = format!("references[{i}]");
        let new = i >= n_ref;
        let _ = write!(
            h,
            "<fieldset class=\"row\"><legend>{}</legend>",
            if new {
                "Nouvelle référence (facultatif)".to_string()
            } else {
                format!("Référence {}", i + 1)
            }
        );
        html::text_field(
            &mut h,
            &format!("{p}.client"),
            "Client",
            None,
            f.get(&format!("{p}.client")),
            errors,
            "",
        );
        html::text_field(
            &mut h,
            &format!("{p}.year"),
            "Année",
            None,
            f.get(&format!("{p}.year")),
            errors,
            "inputmode=\"numeric\"",
        );
        html::textarea_field(
            &mut h,
            &format!("{p}.description"),
            "Description",
            None,
            f.get(&format!("{p}.description")),
            2,
            errors,
        );
        if !new {
            checkbox_row(
                &mut h,
                f,
                &format!("{p}.remove"),
                "1",
                &format!("Supprimer la référence {}", i + 1),
            );
        }
        h.push_str("</fieldset>");
    }
    h.push_str("</fieldset>");
    let _ = write!(
        h,
        "<div class=\"actions\"><button type=\"submit\" class=\"btn btn-primary\">Enregistrer le profil</button> <a href=\"/fournisseurs/{}\">Annuler</a></div></form>",
        esc(siret)
    );
    html::page(&format!("Modifier le profil — {name}"), Section::Search, &h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Supplier {
        serde_json::from_value(serde_json::json!({
            "siret": "12002701600357",
            "name": "Jardins du Canal",
            "kinds": ["ACI"],
            "ess": true,
            "description": "Entretien des espaces verts.",
            "labels": ["Qualiopi"],
            "address": {"commune": "31555", "city": "Toulouse"},
            "activities": [
                {"label": "Espaces verts", "cpv": ["77310000-6"], "modes": ["services"], "zone": {"radius_km": 30.0}},
                {"cpv": ["90911200-8"], "modes": ["services"]}
            ],
            "references": [{"client": "Mairie", "year": 2024}],
            "capacity": {"employees": 12}
        }))
        .unwrap()
    }

    #[test]
    fn a_profile_survives_the_round_trip_through_the_form() {
        let s = sample();
        let f = supplier_pairs(&s);
        let (back, errors) = apply_pairs(&s, &f);
        assert!(errors.is_empty());
        let mut a = back.clone();
        let mut b = s.clone();
        crate::model::validate_supplier(&mut a).unwrap();
        crate::model::validate_supplier(&mut b).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn removed_and_blank_rows_are_dropped_and_errors_keep_their_row() {
        let s = sample();
        let mut f = supplier_pairs(&s);
        f.set("activities[0].remove", "1");
        f.set("activities[1].cpv", "99999999");
        f.set("capacity.employees", "douze");
        let (mut back, errors) = apply_pairs(&s, &f);
        assert_eq!(errors[0].field, "capacity.employees");
        assert_eq!(back.activities.len(), 1);
        let model_errors =
            crate::model::field_errors(&crate::model::validate_supplier(&mut back).unwrap_err());
        let renumbered = renumber(model_errors, &f);
        assert_eq!(renumbered[0].field, "activities[1].cpv[0]");
        let fe = FormErrors::new(renumbered);
        assert_eq!(fe.for_field("activities[1].cpv").len(), 1);
    }

    #[test]
    fn the_form_names_every_input_after_the_profile_field() {
        let s = sample();
        let page = render_edit(
            &s.siret,
            &s.name,
            &supplier_pairs(&s),
            &FormErrors::default(),
            "",
        );
        for name in [
            "name",
            "address.commune",
            "activities[0].cpv",
            "activities[2].label",
            "references[0].year",
        ] {
            assert!(page.contains(&format!("name=\"{name}\"")), "{name}");
        }
        assert!(page.contains("value=\"Toulouse (31555)\""));
    }
}
