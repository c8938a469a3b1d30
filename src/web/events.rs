//! The event pages: the list of events, the organiser's schedule grid (slots × tables) with
//! links to every participant's agenda, and a participant's agenda with its ICS download and
//! a print layout.
//!
//! Read-only views over `events::Events` and `events::agenda`; what this module does not do:
//! registration, wishes or scheduling (the events API does).

use std::collections::HashMap;
use std::fmt::Write;

use super::html::{self, Section, esc, plural};
use crate::events::agenda::{Agenda, date_fr};
use crate::events::model::{Event, EventSchedule, MeetingStatus, Participant, Role};

fn status_text(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Planned => "prévu",
        MeetingStatus::Cancelled => "annulé",
        MeetingStatus::NoShow => "absent",
    }
}

fn name_of(p: &Participant) -> String {
    if p.name.trim().is_empty() {
        p.siret
            .clone()
            .unwrap_or_else(|| p.id.clone().unwrap_or_default())
    } else {
        p.name.clone()
    }
}

/// The list of events.
pub fn render_list(events: &[Event]) -> String {
    let mut h = String::from(
        "<h1>Événements</h1><p class=\"lead\">Rencontres d'affaires entre acheteurs publics et structures de l'ESS : planning des rendez-vous et agendas personnels.</p>",
    );
    if events.is_empty() {
        h.push_str("<p>Aucun événement pour le moment. Les organisateurs créent leurs événements par l'API (<code>POST /api/v1/events</code>).</p>");
    } else {
        h.push_str("<ul class=\"event-list\">");
        for e in events {
            let id = e.id.clone().unwrap_or_default();
            let _ = write!(
                h,
                "<li><a href=\"/evenements/{}\">{}</a> — {}{}</li>",
                esc(&id),
                esc(&e.name),
                esc(&date_fr(&e.date)),
                if e.venue.is_empty() {
                    String::new()
                } else {
                    format!(", {}", esc(&e.venue))
                }
            );
        }
        h.push_str("</ul>");
    }
    html::page("Événements", Section::Events, &h)
}

/// The breadcrumb, title and date/venue line of an event's pages.
fn event_header(h: &mut String, event: &Event) {
    let _ = write!(
        h,
        "<p class=\"crumbs\"><a href=\"/evenements\">Événements</a> › {}</p><h1>{}</h1><p class=\"meta\">{}{}</p>",
        esc(&event.name),
        esc(&event.name),
        esc(&date_fr(&event.date)),
        if event.venue.is_empty() {
            String::new()
        } else {
            format!(" — {}", esc(&event.venue))
        }
    );
}

/// An event's page for everyone but its organisers: the announcement (date, venue, slots,
/// tables) and, for a signed-in participant, the link to its own agenda. Nothing about who
/// else comes.
pub fn render_event_public(
    event: &Event,
    own: &[&Participant],
    signed_in: bool,
    login_href: &str,
) -> String {
    let id = event.id.clone().unwrap_or_default();
    let mut h = String::with_capacity(4 * 1024);
    event_header(&mut h, event);
    let first = event.slots.first().map(|s| s.start.as_str()).unwrap_or("");
    let last = event.slots.last().map(|s| s.end.as_str()).unwrap_or("");
    let _ = write!(
        h,
        "<p>Rendez-vous d'affaires de {} à {} : {} sur {}.</p>",
        esc(first),
        esc(last),
        esc(&plural(event.slots.len() as u64, "créneau", "créneaux")),
        esc(&plural(event.num_tables as u64, "table", "tables")),
    );
    if !own.is_empty() {
        h.push_str("<h2>Votre agenda</h2><ul class=\"plain\">");
        for p in own {
            let pid = p.id.clone().unwrap_or_default();
            let _ = write!(
                h,
                "<li><a href=\"/evenements/{}/agenda/{}\">Agenda de {}</a></li>",
                esc(&id),
                esc(&pid),
                esc(&name_of(p))
            );
        }
        h.push_str("</ul>");
    } else if signed_in {
        h.push_str("<p>Votre jeton d'accès ne correspond à aucun participant de cet événement. Le planning complet est réservé à ses organisateurs.</p>");
    } else {
        let _ = write!(
            h,
            "<p>Le planning et les agendas sont réservés aux organisateurs et aux participants. <a href=\"{}\">Se connecter avec son jeton d'accès</a></p>",
            esc(login_href)
        );
    }
    if signed_in {
        h.push_str("<form method=\"post\" action=\"/deconnexion\"><button type=\"submit\" class=\"btn\">Se déconnecter</button></form>");
    }
    html::page(&event.name, Section::Events, &h)
}

/// The organiser's page: the grid, the participants and the exports.
pub fn render_event(
    event: &Event,
    participants: &[Participant],
    schedule: Option<&EventSchedule>,
) -> String {
    let id = event.id.clone().unwrap_or_default();
    let people: HashMap<&str, &Participant> = participants
        .iter()
        .filter_map(|p| p.id.as_deref().map(|i| (i, p)))
        .collect();
    let mut h = String::with_capacity(64 * 1024);
    event_header(&mut h, event);
    match schedule {
        None => h.push_str("<p>Le planning n'a pas encore été calculé.</p>"),
        Some(s) => {
            let planned = s
                .meetings
                .iter()
                .filter(|m| m.status == MeetingStatus::Planned)
                .count();
            let _ = write!(
                h,
                "<p>{} sur {} et {} ; calculé le {}.</p>",
                esc(&plural(
                    planned as u64,
                    "rendez-vous prévu",
                    "rendez-vous prévus"
                )),
                esc(&plural(event.slots.len() as u64, "créneau", "créneaux")),
                esc(&plural(event.num_tables as u64, "table", "tables")),
                esc(&date_fr(s.computed_at.get(..10).unwrap_or(&s.computed_at)))
            );
            let _ = write!(
                h,
                "<ul class=\"plain actions-list\"><li><a href=\"/evenements/{0}/plan-des-tables\">Plan des tables à imprimer</a></li><li><a href=\"/evenements/{0}/agendas\">Tous les agendas à imprimer</a></li><li><a href=\"/evenements/{0}/planning.csv\" download>Planning complet (CSV)</a></li></ul>",
                esc(&id)
            );
            let used_tables = s
                .meetings
                .iter()
                .map(|m| m.table + 1)
                .max()
                .unwrap_or(0)
                .min(event.num_tables);
            let mut grid: HashMap<(u32, u32), Vec<&crate::events::model::EventMeeting>> =
                HashMap::new();
            for m in &s.meetings {
                grid.entry((m.slot, m.table)).or_default().push(m);
            }
            h.push_str("<h2 id=\"grille\">Grille des rendez-vous</h2><p class=\"hint\">Une ligne par créneau, une colonne par table ; chaque case nomme l'acheteur puis le fournisseur. Les rendez-vous annulés sont barrés et marqués « annulé ».</p>");
            h.push_str("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"grille\" tabindex=\"0\"><table class=\"grid\"><caption class=\"visually-hidden\">Rendez-vous par créneau et par table</caption><thead><tr><th scope=\"col\">Créneau</th>");
            for t in 0..used_tables {
                let _ = write!(h, "<th scope=\"col\">Table {}</th>", t + 1);
            }
            h.push_str("</tr></thead><tbody>");
            for (si, slot) in event.slots.iter().enumerate() {
                let _ = write!(
                    h,
                    "<tr><th scope=\"row\">{} – {}</th>",
                    esc(&slot.start),
                    esc(&slot.end)
                );
                for t in 0..used_tables {
                    match grid.get(&(si as u32, t)) {
                        None => h.push_str(
                            "<td class=\"free\"><span class=\"visually-hidden\">libre</span></td>",
                        ),
                        Some(ms) => {
                            h.push_str("<td>");
                            for m in ms {
                                let b = people
                                    .get(m.buyer.as_str())
                                    .map(|p| name_of(p))
                                    .unwrap_or_else(|| m.buyer.clone());
                                let sup = people
                                    .get(m.supplier.as_str())
                                    .map(|p| name_of(p))
                                    .unwrap_or_else(|| m.supplier.clone());
                                let cls = if m.status == MeetingStatus::Planned {
                                    "meeting"
                                } else {
                                    "meeting cancelled"
                                };
                                let _ = write!(
                                    h,
                                    "<div class=\"{cls}\"><a href=\"/evenements/{0}/agenda/{1}\">{2}</a><br><a href=\"/evenements/{0}/agenda/{3}\">{4}</a>{5}</div>",
                                    esc(&id),
                                    esc(&m.buyer),
                                    esc(&b),
                                    esc(&m.supplier),
                                    esc(&sup),
                                    if m.status == MeetingStatus::Planned {
                                        String::new()
                                    } else {
                                        format!(" <strong>({})</strong>", status_text(m.status))
                                    }
                                );
                            }
                            h.push_str("</td>");
                        }
                    }
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table></div>");
        }
    }
    // Participants.
    h.push_str("<h2>Participants et agendas</h2>");
    for (role, title) in [(Role::Buyer, "Acheteurs"), (Role::Supplier, "Fournisseurs")] {
        let list: Vec<&Participant> = participants.iter().filter(|p| p.role == role).collect();
        let _ = write!(h, "<h3>{title} ({})</h3>", list.len());
        if list.is_empty() {
            h.push_str("<p>Aucun.</p>");
            continue;
        }
        h.push_str("<ul class=\"columns\">");
        for p in list {
            let pid = p.id.clone().unwrap_or_default();
            let n = schedule
                .map(|s| {
                    s.meetings
                        .iter()
                        .filter(|m| {
                            m.status == MeetingStatus::Planned
                                && (m.buyer == pid || m.supplier == pid)
                        })
                        .count()
                })
                .unwrap_or(0);
            let _ = write!(
                h,
                "<li><a href=\"/evenements/{}/agenda/{}\">{}</a>{} — {}</li>",
                esc(&id),
                esc(&pid),
                esc(&name_of(p)),
                p.organisation
                    .as_deref()
                    .map(|o| format!(" ({})", esc(o)))
                    .unwrap_or_default(),
                esc(&plural(n as u64, "rendez-vous", "rendez-vous"))
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("<form method=\"post\" action=\"/deconnexion\"><button type=\"submit\" class=\"btn\">Se déconnecter</button></form>");
    html::page(&event.name, Section::Events, &h)
}

/// A participant's agenda, with the ICS download and a print button.
pub fn render_agenda(a: &Agenda) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<p class=\"crumbs no-print\"><a href=\"/evenements\">Événements</a> › <a href=\"/evenements/{}\">{}</a> › Agenda</p>\
<h1>Agenda de {}</h1><p class=\"meta\">{} — {} — {}{}</p>",
        esc(&a.event_id),
        esc(&a.event_name),
        esc(&a.participant_name),
        esc(a.role.label_fr()),
        esc(&a.event_name),
        esc(&date_fr(&a.date)),
        if a.venue.is_empty() {
            String::new()
        } else {
            format!(", {}", esc(&a.venue))
        }
    );
    let _ = write!(
        h,
        "<p class=\"no-print actions\"><a class=\"btn btn-primary\" id=\"ics\" href=\"/evenements/{}/agenda/{}/ics\" download>Ajouter à mon agenda (fichier ICS)</a> <button type=\"button\" class=\"btn\" data-print hidden>Imprimer</button></p>",
        esc(&a.event_id),
        esc(&a.participant_id)
    );
    if a.entries.is_empty() {
        h.push_str("<p>Aucun rendez-vous planifié.</p>");
    } else {
        h.push_str("<table class=\"agenda\"><caption>Rendez-vous, dans l'ordre de la journée</caption><thead><tr><th scope=\"col\">Horaire</th><th scope=\"col\">Table</th><th scope=\"col\">Avec</th><th scope=\"col\">Statut</th></tr></thead><tbody>");
        for e in &a.entries {
            let _ = write!(
                h,
                "<tr{}><td>{} – {}</td><td>{}</td><td><strong>{}</strong> ({})<br>{}</td><td>{}</td></tr>",
                if e.status == MeetingStatus::Planned {
                    ""
                } else {
                    " class=\"cancelled\""
                },
                esc(&e.start),
                esc(&e.end),
                e.table,
                esc(&e.counterpart_name),
                esc(&e.counterpart_role),
                esc(&e.counterpart_detail),
                status_text(e.status)
            );
        }
        h.push_str("</tbody></table>");
    }
    html::page(
        &format!("Agenda de {} — {}", a.participant_name, a.event_name),
        Section::Events,
        &h,
    )
}
