//! HTML building blocks shared by the pages: the page layout (skip link, header, navigation,
//! footer, `lang="fr"`), escaping, form fields with their error messages, and the French
//! wording of the model's field errors.
//!
//! Plain string building: every piece of text that comes from data goes through [`esc`].
//! What this module does not do: fetch data or decide what a page shows.

use std::fmt::{self, Write};

use crate::error::FieldError;
use crate::util::escape_html;

/// Text escaped for HTML content and attribute values, written without an intermediate
/// allocation when used in `write!`.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut last = 0;
        for (i, c) in s.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            f.write_str(&s[last..i])?;
            f.write_str(rep)?;
            last = i + 1;
        }
        f.write_str(&s[last..])
    }
}

/// Escape for HTML.
pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

/// Escape to an owned string.
pub fn esc_string(s: &str) -> String {
    escape_html(s)
}

/// Percent-encode a query-string value.
pub fn url_enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A query string from pairs (`a=1&b=2`), values encoded.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_enc(k), url_enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The menu entry a page belongs to (marked `aria-current`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Search,
    Need,
    Events,
    Other,
}

/// Version tag for asset URLs, so browsers fetch new assets after an upgrade.
pub const ASSET_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A complete page: layout around `body` (which goes inside `<main>`).
pub fn page(title: &str, section: Section, body: &str) -> String {
    let mut h = String::with_capacity(body.len() + 2048);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} — essor</title>\
<link rel=\"stylesheet\" href=\"/static/essor.css?v={ASSET_VERSION}\">\
<script src=\"/static/essor.js?v={ASSET_VERSION}\" defer></script></head>\
<body><a class=\"skip\" href=\"#contenu\">Aller au contenu</a>\
<header class=\"site\"><div class=\"wrap\"><p class=\"brand\"><a href=\"/\">essor</a>\
<span class=\"tagline\">Achats responsables auprès de l'économie sociale et solidaire</span></p>\
<nav aria-label=\"Menu principal\"><ul>",
        esc(title)
    );
    for (s, href, label) in [
        (Section::Search, "/", "Rechercher un fournisseur"),
        (Section::Need, "/besoin", "Décrire un besoin"),
        (Section::Events, "/evenements", "Événements"),
    ] {
        let current = if s == section {
            " aria-current=\"page\""
        } else {
            ""
        };
        let _ = write!(h, "<li><a href=\"{href}\"{current}>{label}</a></li>");
    }
    h.push_str(
        "</ul></nav></div></header><main id=\"contenu\" tabindex=\"-1\"><div class=\"wrap\">",
    );
    h.push_str(body);
    h.push_str(
        "</div></main><footer class=\"site\"><div class=\"wrap\"><p>essor — moteur libre de recherche \
et de mise en relation pour l'achat public responsable. Données de démonstration fictives.</p>\
<p><a href=\"/openapi.json\">API (OpenAPI)</a></p></div></footer></body></html>",
    );
    h
}

/// An HTML id from a field path (`activities[0].cpv` gives `f-activities-0-cpv`).
pub fn field_id(path: &str) -> String {
    let mut out = String::from("f-");
    let mut dash = false;
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Field errors of a form, looked up by input name.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub errors: Vec<FieldError>,
}

impl FormErrors {
    pub fn new(errors: Vec<FieldError>) -> FormErrors {
        FormErrors { errors }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Messages (French) for the input named `key`: errors on `key` itself or on an element
    /// of it (`labels[2]` belongs to `labels`, `activities[0].cpv[1]` to `activities[0].cpv`).
    pub fn for_field(&self, key: &str) -> Vec<String> {
        self.errors
            .iter()
            .filter(|e| strip_index(&e.field) == key || e.field == key)
            .map(|e| reason_fr(&e.reason))
            .collect()
    }
}

/// `labels[2]` → `labels`; `activities[0].cpv[1]` → `activities[0].cpv`.
fn strip_index(field: &str) -> &str {
    if field.ends_with(']')
        && let Some(i) = field.rfind('[')
    {
        return &field[..i];
    }
    field
}

/// The model's English validation reasons, in French for people. Unknown reasons are shown
/// as they are, after a French lead-in.
pub fn reason_fr(reason: &str) -> String {
    let r = reason.trim();
    let tail = |prefix: &str| r.strip_prefix(prefix).map(str::trim);
    if r == "must not be empty" {
        return "Ce champ est obligatoire.".into();
    }
    if let Some(rest) = tail("must have at most") {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("{n} caractères ou éléments au plus.");
    }
    if let Some(rest) = tail("must have at least") {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("{n} caractères au moins.");
    }
    if let Some(rest) = tail("unknown INSEE commune code") {
        return format!(
            "Commune inconnue {rest} : choisissez une commune dans la liste ou saisissez son code INSEE."
        );
    }
    if let Some(rest) = tail("unknown CPV code") {
        return format!("Code CPV inconnu {rest}.");
    }
    if let Some(rest) = tail("wrong CPV check digit") {
        return format!("Clé de contrôle du code CPV erronée {rest}.");
    }
    if let Some(rest) = tail("must be 8 digits, optionally followed by -D (check digit)") {
        return format!("Un code CPV compte 8 chiffres, éventuellement suivis de -clé {rest}.");
    }
    if let Some(rest) = tail("unknown area") {
        return format!(
            "Territoire inconnu {rest} : utilisez dept:31, region:76, commune:31555 ou epci:243100518."
        );
    }
    if r.starts_with("unknown area kind") || r == "area code must be alphanumeric" {
        return "Territoire mal écrit : utilisez dept:31, region:76, commune:31555 ou epci:243100518."
            .into();
    }
    if r == "a zone must be national, have a radius_km or list areas" {
        return "Indiquez une zone : nationale, un rayon ou une liste de territoires.".into();
    }
    if let Some(rest) = tail("unknown NAF rév. 2 code") {
        return format!("Code NAF inconnu {rest}.");
    }
    if let Some(rest) = tail("must be a NAF sous-classe such as 81.30Z") {
        return format!("Indiquez une sous-classe NAF, par exemple 81.30Z {rest}.");
    }
    if r == "must be a 4-digit INSEE catégorie juridique" {
        return "La catégorie juridique compte 4 chiffres (exemple : 9220).".into();
    }
    if let Some(rest) = tail("unknown catégorie juridique") {
        return format!("Catégorie juridique inconnue {rest}.");
    }
    if r == "must be 5 digits" {
        return "Le code postal compte 5 chiffres.".into();
    }
    if r == "must be an email address" {
        return "Adresse électronique invalide (exemple : contact@exemple.fr).".into();
    }
    if r == "must be a phone number" {
        return "Numéro de téléphone invalide (exemple : 05 61 00 00 00).".into();
    }
    if r == "must be non-negative" || r == "must be a non-negative number" {
        return "Indiquez un nombre positif ou nul.".into();
    }
    if r.starts_with("must be a non-negative number of kilometres")
        || r.starts_with("must be a positive number of kilometres")
    {
        return "Indiquez un rayon en kilomètres, positif.".into();
    }
    if let Some(rest) = tail("must be at most") {
        return format!("Valeur trop grande (au plus {rest}).");
    }
    if let Some(rest) = tail("must be a year between") {
        return format!(
            "Indiquez une année entre {}.",
            rest.replace(" and ", " et ")
        );
    }
    if r.starts_with("must be exactly 14 digits") {
        return "Le SIRET compte 14 chiffres.".into();
    }
    if r.starts_with("bad check digit") {
        return "Numéro invalide (clé de contrôle erronée).".into();
    }
    if r == "must give either commune or lat and lon" {
        return "Indiquez la commune où le marché est exécuté.".into();
    }
    format!("Valeur refusée ({r}).")
}

/// Label + text input + its error messages. `extra` is added to the input tag
/// (`inputmode="numeric"`, `autocomplete="…"`, `data-…`).
pub fn text_field(
    h: &mut String,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    errors: &FormErrors,
    extra: &str,
) {
    let id = field_id(name);
    let msgs = errors.for_field(name);
    let mut described = Vec::new();
    let _ = write!(
        h,
        "<div class=\"field{}\"><label for=\"{id}\">{}</label>",
        if msgs.is_empty() { "" } else { " has-error" },
        esc(label)
    );
    if let Some(hint) = hint {
        let _ = write!(h, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", esc(hint));
        described.push(format!("{id}-hint"));
    }
    if !msgs.is_empty() {
        let _ = write!(h, "<p class=\"error\" id=\"{id}-err\">");
        for m in &msgs {
            let _ = write!(h, "<span>Erreur : {}</span> ", esc(m));
        }
        h.push_str("</p>");
        described.push(format!("{id}-err"));
    }
    let _ = write!(
        h,
        "<input type=\"text\" id=\"{id}\" name=\"{}\" value=\"{}\"{}{} {extra}></div>",
        esc(name),
        esc(value),
        if described.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{}\"", described.join(" "))
        },
        if msgs.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\""
        },
    );
}

/// Label + textarea + its error messages.
pub fn textarea_field(
    h: &mut String,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    rows: u32,
    errors: &FormErrors,
) {
    let id = field_id(name);
    let msgs = errors.for_field(name);
    let mut described = Vec::new();
    let _ = write!(
        h,
        "<div class=\"field{}\"><label for=\"{id}\">{}</label>",
        if msgs.is_empty() { "" } else { " has-error" },
        esc(label)
    );
    if let Some(hint) = hint {
        let _ = write!(h, "<p class=\"hint\" id=\"{id}-hint\">{}</p>", esc(hint));
        described.push(format!("{id}-hint"));
    }
    if !msgs.is_empty() {
        let _ = write!(h, "<p class=\"error\" id=\"{id}-err\">");
        for m in &msgs {
            let _ = write!(h, "<span>Erreur : {}</span> ", esc(m));
        }
        h.push_str("</p>");
        described.push(format!("{id}-err"));
    }
    let _ = write!(
        h,
        "<textarea id=\"{id}\" name=\"{}\" rows=\"{rows}\"{}{}>{}</textarea></div>",
        esc(name),
        if described.is_empty() {
            String::new()
        } else {
            format!(" aria-describedby=\"{}\"", described.join(" "))
        },
        if msgs.is_empty() {
            ""
        } else {
            " aria-invalid=\"true\""
        },
        esc(value)
    );
}

/// A checkbox with its label.
pub fn checkbox(h: &mut String, name: &str, value: &str, label: &str, checked: bool, id: &str) {
    let _ = write!(
        h,
        "<div class=\"check\"><input type=\"checkbox\" id=\"{}\" name=\"{}\" value=\"{}\"{}><label for=\"{}\">{}</label></div>",
        esc(id),
        esc(name),
        esc(value),
        if checked { " checked" } else { "" },
        esc(id),
        label
    );
}

/// The summary of a form's errors, each linking to its field (RGAA 11.10).
pub fn error_summary(h: &mut String, errors: &FormErrors, labels: &dyn Fn(&str) -> String) {
    if errors.is_empty() {
        return;
    }
    let n = errors.errors.len();
    let _ = write!(
        h,
        "<div class=\"alert alert-error\" role=\"alert\" id=\"erreurs\" tabindex=\"-1\"><h2>{}</h2><ul>",
        if n == 1 {
            "Le formulaire contient une erreur".to_string()
        } else {
            format!("Le formulaire contient {n} erreurs")
        }
    );
    for e in &errors.errors {
        let key = strip_index(&e.field);
        let _ = write!(
            h,
            "<li><a href=\"#{}\">{}</a> : {}</li>",
            field_id(key),
            esc(&labels(&e.field)),
            esc(&reason_fr(&e.reason))
        );
    }
    h.push_str("</ul></div>");
}

/// French number with a comma and no trailing zeros (`12,5`).
pub fn num_fr(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    s.replace('.', ",")
}

/// Integer with narrow no-break spaces between thousands (`12 345`).
pub fn int_fr(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// "1 fournisseur", "3 fournisseurs".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n <= 1 {
        format!("{} {one}", int_fr(n))
    } else {
        format!("{} {many}", int_fr(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            format!("{}", esc("<b a=\"x\">L'été & co</b>")),
            "&lt;b a=&quot;x&quot;&gt;L&#39;été &amp; co&lt;/b&gt;"
        );
    }

    #[test]
    fn field_errors_attach_to_their_input() {
        let e = FormErrors::new(vec![
            FieldError::new("labels[1]", "must not be empty"),
            FieldError::new("activities[0].cpv[0]", "unknown CPV code (1234)"),
            FieldError::new(
                "activities[0].zone",
                "a zone must be national, have a radius_km or list areas",
            ),
        ]);
        assert_eq!(e.for_field("labels"), vec!["Ce champ est obligatoire."]);
        assert_eq!(e.for_field("activities[0].cpv").len(), 1);
        assert_eq!(e.for_field("activities[0].zone").len(), 1);
        assert!(e.for_field("activities[0]").is_empty());
        assert_eq!(field_id("activities[0].cpv"), "f-activities-0-cpv");
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(num_fr(12.50, 1), "12,5");
        assert_eq!(num_fr(3.0, 1), "3");
        assert_eq!(int_fr(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(plural(1, "fournisseur", "fournisseurs"), "1 fournisseur");
        assert_eq!(url_enc("é a&b"), "%C3%A9+a%26b");
    }
}
