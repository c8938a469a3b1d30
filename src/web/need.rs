//! The buyer's need page: a form to write a need or paste a tender notice, choose where the
//! contract is performed, its perimeter and legal route; on submission, the ranked matches
//! with their explanations and warnings, computed by `engine::match_need` on the spot
//! (nothing is stored).
//!
//! What this module does not do: ranking or eligibility (engine and matching), storing needs
//! (the API's `POST /needs` does, with a buyer token).

use std::fmt::Write;

use super::html::{self, FormErrors, Section, esc, num_fr, plural};
use super::search::{kind_badges, resolve_commune};
use crate::engine::MatchResults;
use crate::error::FieldError;
use crate::model::{Buyer, Mode, Need, Perimeter, Place, Reserved};
use crate::referential::Referential;

/// Matches shown.
pub const MATCH_LIMIT: usize = 30;
/// Perimeter radius proposed by default, in km.
const DEFAULT_PERIMETER_KM: f64 = 30.0;

/// The need form as submitted (or empty).
#[derive(Debug, Clone, Default)]
pub struct NeedForm {
    pub title: String,
    pub description: String,
    pub buyer: String,
    pub commune: String,
    /// ``, `rayon`, `dept`, `region`, `national`.
    pub perimetre: String,
    pub perimetre_km: String,
    pub reserved: String,
    pub social_clause: bool,
    pub modes: Vec<String>,
    pub cpv: String,
    pub amount: String,
}

impl NeedForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> NeedForm {
        let mut f = NeedForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v.trim().to_string(),
                "description" => f.description = v.trim().to_string(),
                "buyer" => f.buyer = v.trim().to_string(),
                "commune" => f.commune = v.trim().to_string(),
                "perimetre" => f.perimetre = v.trim().to_string(),
                "perimetre_km" => f.perimetre_km = v.trim().to_string(),
                "reserved" => f.reserved = v.trim().to_string(),
                "social_clause" => f.social_clause = true,
                "modes" => f.modes.push(v.trim().to_string()),
                "cpv" => f.cpv = v.trim().to_string(),
                "amount" => f.amount = v.trim().to_string(),
                _ => {}
            }
        }
        f
    }

    /// The need this form describes, and the errors found before the model's validation.
    pub fn to_need(&self) -> (Need, Vec<FieldError>) {
        let r = Referential::get();
        let mut errors = Vec::new();
        let title = if self.title.is_empty() {
            // A pasted notice without a title: its first line stands for one.
            let first = self.description.lines().find(|l| !l.trim().is_empty());
            first
                .map(|l| l.trim().chars().take(200).collect())
                .unwrap_or_default()
        } else {
            self.title.clone()
        };
        let commune = resolve_commune(&self.commune);
        if self.commune.is_empty() {
            errors.push(FieldError::new("commune", "must not be empty"));
        } else if commune.is_none() {
            errors.push(FieldError::new(
                "commune",
                format!("unknown INSEE commune code ({})", self.commune),
            ));
        }
        let perimeter = match (self.perimetre.as_str(), commune) {
            ("rayon", _) => {
                let t = self.perimetre_km.replace(',', ".");
                let km = if t.is_empty() {
                    Some(DEFAULT_PERIMETER_KM)
                } else {
                    t.parse::<f64>().ok()
                };
                match km {
                    Some(k) => Some(Perimeter {
                        radius_km: Some(k),
                        ..Perimeter::default()
                    }),
                    None => {
                        errors.push(FieldError::new("perimetre_km", "must be a number"));
                        None
                    }
                }
            }
            ("dept", Some(c)) => Some(Perimeter {
                areas: Some(vec![format!("dept:{}", c.dept)]),
                ..Perimeter::default()
            }),
            ("region", Some(c)) => Some(Perimeter {
                areas: Some(vec![format!("region:{}", c.region)]),
                ..Perimeter::default()
            }),
            ("national", _) => Some(Perimeter {
                national: Some(true),
                ..Perimeter::default()
            }),
            _ => None,
        };
        let reserved = if self.reserved.is_empty() {
            None
        } else {
            let r = Reserved::parse(&self.reserved);
            if r.is_none() {
                errors.push(FieldError::new("reserved", "route inconnue"));
            }
            r
        };
        let amount_eur = if self.amount.is_empty() {
            None
        } else {
            let t: String = self
                .amount
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '€')
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            match t.parse::<f64>() {
                Ok(x) => Some(x),
                Err(_) => {
                    errors.push(FieldError::new("amount", "must be a number"));
                    None
                }
            }
        };
        let need = Need {
            buyer: Buyer {
                name: if self.buyer.is_empty() {
                    "Acheteur public".into()
                } else {
                    self.buyer.clone()
                },
                siret: None,
            },
            title,
            description: self.description.clone(),
            cpv: self
                .cpv
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect(),
            place: Place {
                commune: Some(
                    commune
                        .map(|c| c.code.clone())
                        .unwrap_or_else(|| self.commune.clone()),
                ),
                lat: None,
                lon: None,
            },
            perimeter,
            reserved,
            social_clause: self.social_clause,
            modes: self.modes.iter().filter_map(|m| Mode::parse(m)).collect(),
            amount_eur,
            ..Need::default()
        };
        let _ = r;
        (need, errors)
    }
}

/// Rename the model's need fields to the form's inputs.
pub fn form_field(field: &str) -> String {
    let f = if field.starts_with("place") {
        "commune"
    } else if field.starts_with("perimeter") {
        "perimetre_km"
    } else if field.starts_with("amount_eur") {
        "amount"
    } else if field.starts_with("buyer") {
        "buyer"
    } else if let Some(rest) = field.strip_prefix("cpv") {
        return format!("cpv{rest}");
    } else {
        field
    };
    f.to_string()
}

fn field_label(field: &str) -> String {
    match field.split('[').next().unwrap_or(field) {
        "title" => "Objet",
        "description" => "Description",
        "buyer" => "Acheteur",
        "commune" => "Lieu d'exécution",
        "perimetre_km" => "Périmètre",
        "reserved" => "Marché réservé",
        "cpv" => "Codes CPV",
        "amount" => "Montant estimé",
        _ => "Champ",
    }
    .to_string()
}

fn form(h: &mut String, f: &NeedForm, errors: &FormErrors) {
    html::error_summary(h, errors, &field_label);
    h.push_str("<form method=\"post\" action=\"/besoin\" class=\"need\" novalidate>");
    h.push_str("<fieldset><legend>Le besoin</legend>");
    html::text_field(
        h,
        "title",
        "Objet du marché",
        Some(
            "Par exemple : entretien des espaces verts des écoles. Facultatif si vous collez un avis de marché.",
        ),
        &f.title,
        errors,
        "",
    );
    html::textarea_field(
        h,
        "description",
        "Description ou avis de marché",
        Some(
            "Décrivez la prestation avec vos mots, ou collez le texte de l'avis : les métiers et codes CPV en sont extraits.",
        ),
        &f.description,
        8,
        errors,
    );
    html::text_field(
        h,
        "cpv",
        "Codes CPV (facultatif)",
        Some(
            "Séparés par des virgules ; tapez le début d'un code (par exemple 9091) pour choisir dans la liste.",
        ),
        &f.cpv,
        errors,
        "autocomplete=\"off\" data-suggest=\"cpv\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\"",
    );
    h.push_str(
        "<fieldset class=\"inline-checks\"><legend>Nature de la prestation (facultatif)</legend>",
    );
    for m in Mode::ALL {
        html::checkbox(
            h,
            "modes",
            m.as_str(),
            m.label_fr(),
            f.modes.iter().any(|x| x == m.as_str()),
            &format!("modes-{}", m.as_str()),
        );
    }
    h.push_str("</fieldset>");
    html::text_field(
        h,
        "amount",
        "Montant estimé en euros (facultatif)",
        None,
        &f.amount,
        errors,
        "inputmode=\"decimal\"",
    );
    html::text_field(
        h,
        "buyer",
        "Acheteur (facultatif)",
        Some("Votre organisme, par exemple : Mairie de Castres."),
        &f.buyer,
        errors,
        "autocomplete=\"organization\"",
    );
    h.push_str("</fieldset><fieldset><legend>Lieu et règles</legend>");
    html::text_field(
        h,
        "commune",
        "Lieu d'exécution (commune) *",
        Some("Nom, code postal ou code INSEE ; choisissez dans la liste."),
        &f.commune,
        errors,
        "required aria-required=\"true\" autocomplete=\"off\" data-suggest=\"communes\" role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\"",
    );
    h.push_str("<div class=\"field\"><label for=\"perimetre\">Accepter aussi les structures installées</label><select id=\"perimetre\" name=\"perimetre\">");
    for (v, l) in [
        ("", "— seulement celles qui interviennent sur la commune"),
        ("rayon", "dans un rayon autour de la commune"),
        ("dept", "dans le département"),
        ("region", "dans la région"),
        ("national", "partout en France"),
    ] {
        let _ = write!(
            h,
            "<option value=\"{v}\"{}>{l}</option>",
            if f.perimetre == v { " selected" } else { "" }
        );
    }
    h.push_str("</select></div>");
    html::text_field(
        h,
        "perimetre_km",
        "Rayon du périmètre (km)",
        Some("Utilisé si vous choisissez « dans un rayon » ; 30 km par défaut."),
        &f.perimetre_km,
        errors,
        "inputmode=\"decimal\"",
    );
    h.push_str("<div class=\"field\"><label for=\"reserved\">Marché réservé</label><select id=\"reserved\" name=\"reserved\"><option value=\"\">Non réservé</option>");
    for res in Reserved::ALL {
        let _ = write!(
            h,
            "<option value=\"{}\"{}>Article {} — {}</option>",
            res.as_str(),
            if f.reserved == res.as_str() {
                " selected"
            } else {
                ""
            },
            res.as_str(),
            esc(res.label_fr())
        );
    }
    h.push_str("</select></div>");
    html::checkbox(
        h,
        "social_clause",
        "1",
        "Le marché comporte une clause sociale d'insertion (article L2112-2)",
        f.social_clause,
        "social_clause",
    );
    h.push_str("</fieldset><div class=\"actions\"><button type=\"submit\" class=\"btn btn-primary\">Trouver des fournisseurs</button></div></form>");
}

fn results(h: &mut String, need: &Need, res: &MatchResults) {
    let r = Referential::get();
    let place = need
        .place
        .commune
        .as_deref()
        .and_then(|c| r.commune(c))
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let _ = write!(
        h,
        "<section class=\"matches\" aria-labelledby=\"resultats\"><h2 id=\"resultats\" tabindex=\"-1\">{} pour « {} » à {}</h2>",
        esc(&plural(
            res.total as u64,
            "fournisseur correspond",
            "fournisseurs correspondent"
        )),
        esc(&need.title),
        esc(&place)
    );
    if let Some(res_route) = need.reserved {
        let _ = write!(
            h,
            "<p>Marché {} (article {}) : seules les structures éligibles sont listées.</p>",
            esc(res_route.label_fr()),
            res_route.as_str()
        );
    }
    if res.results.is_empty() {
        h.push_str("<p>Aucun fournisseur ne remplit toutes les conditions. Élargissez le périmètre, retirez la réservation ou décrivez le besoin avec d'autres mots.</p></section>");
        return;
    }
    if res.total > res.results.len() {
        let _ = write!(
            h,
            "<p>Les {} premiers sont affichés, du plus pertinent au moins pertinent.</p>",
            res.results.len()
        );
    }
    h.push_str("<ol class=\"cards\">");
    for (i, m) in res.results.iter().enumerate() {
        let s = &m.supplier;
        let id = format!("m-{}", m.siret);
        let _ = write!(
            h,
            "<li class=\"card\" id=\"{id}\"><article aria-labelledby=\"{id}-t\"><h3 id=\"{id}-t\"><span class=\"num\" aria-hidden=\"true\">{}</span> <a href=\"/fournisseurs/{}\">{}</a></h3><p class=\"meta\">",
            i + 1,
            esc(&m.siret),
            esc(&m.name)
        );
        kind_badges(h, &s.kinds, s.ess, s.esus);
        let town = s
            .address
            .city
            .clone()
            .or_else(|| r.commune(&s.address.commune).map(|c| c.name.clone()))
            .unwrap_or_default();
        let _ = write!(h, "<span class=\"town\">{}</span>", esc(&town));
        if let Some(d) = m.distance_km {
            let _ = write!(h, " · <span class=\"dist\">à {} km</span>", num_fr(d, 1));
        }
        let _ = write!(
            h,
            " · <span class=\"score\">pertinence {} %</span></p>",
            (m.score * 100.0).round().clamp(0.0, 100.0)
        );
        if !m.reasons.is_empty() {
            h.push_str("<div class=\"why\"><p class=\"why-title\">Pourquoi :</p><ul>");
            for reason in &m.reasons {
                let _ = write!(h, "<li>{}</li>", esc(reason));
            }
            h.push_str("</ul></div>");
        }
        if !m.warnings.is_empty() {
            h.push_str("<div class=\"warn\"><p class=\"why-title\"><span aria-hidden=\"true\">⚠</span> À vérifier :</p><ul>");
            for w in &m.warnings {
                let _ = write!(h, "<li>{}</li>", esc(w));
            }
            h.push_str("</ul></div>");
        }
        h.push_str("</article></li>");
    }
    h.push_str("</ol></section>");
}

/// The need page: the form, and the matches when there are some to show.
pub fn render(
    f: &NeedForm,
    errors: &[FieldError],
    matched: Option<(&Need, &MatchResults)>,
) -> String {
    let errors = FormErrors::new(errors.to_vec());
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<h1>Décrire un besoin d'achat</h1><p class=\"lead\">Décrivez ce que vous voulez acheter et où : essor classe les structures de l'économie sociale et solidaire qui peuvent y répondre, explique chaque résultat et signale ce qu'il faut vérifier. Rien n'est enregistré.</p>");
    if let Some((need, res)) = matched {
        results(&mut h, need, res);
        h.push_str("<h2>Modifier le besoin</h2>");
    }
    form(&mut h, f, &errors);
    html::page(
        if matched.is_some() {
            "Fournisseurs pour votre besoin"
        } else {
            "Décrire un besoin"
        },
        Section::Need,
        &h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pasted_notice_without_title_takes_its_first_line() {
        let f = NeedForm {
            description: "\nAvis de marché : entretien des espaces verts\nLot 1 …".into(),
            commune: "Albi".into(),
            perimetre: "dept".into(),
            reserved: "L2113-13".into(),
            ..NeedForm::default()
        };
        let (mut need, errors) = f.to_need();
        assert!(errors.is_empty());
        assert_eq!(need.title, "Avis de marché : entretien des espaces verts");
        assert_eq!(need.place.commune.as_deref(), Some("81004"));
        assert_eq!(
            need.perimeter.as_ref().unwrap().areas,
            Some(vec!["dept:81".to_string()])
        );
        crate::model::validate_need(&mut need).unwrap();
    }

    #[test]
    fn a_missing_place_is_reported_on_the_commune_input() {
        let (_, errors) = NeedForm {
            title: "Traiteur".into(),
            ..NeedForm::default()
        }
        .to_need();
        assert_eq!(errors[0].field, "commune");
        assert_eq!(form_field("place.commune"), "commune");
        assert_eq!(form_field("cpv[0]"), "cpv[0]");
    }
}
