//! Agendas and exports of an event's schedule: a participant's agenda as a value (for JSON),
//! printable French HTML (one page per participant), ICS (RFC 5545), the organiser's per-slot
//! table sheet, and a CSV export of the whole schedule.
//!
//! ICS times are written in UTC (`…Z`), converted from the event's Europe/Paris local slot
//! times with the embedded time-zone database, so every calendar shows the right local time
//! without relying on a VTIMEZONE block. Pure: string building only.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{Event, EventMeeting, EventSchedule, MeetingStatus, Participant, Role};
use crate::util::escape_html;

/// One meeting on a participant's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgendaEntry {
    pub slot: u32,
    /// Local time (Europe/Paris), `HH:MM`.
    pub start: String,
    pub end: String,
    /// Table number as shown on site (1-based).
    pub table: u32,
    pub counterpart_id: String,
    pub counterpart_name: String,
    /// `acheteur` or `fournisseur`.
    pub counterpart_role: String,
    /// Organisation of a buyer, SIRET of a supplier.
    pub counterpart_detail: String,
    pub status: MeetingStatus,
}

/// A participant's personal agenda.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Agenda {
    pub event_id: String,
    pub event_name: String,
    pub venue: String,
    pub date: String,
    pub participant_id: String,
    pub participant_name: String,
    pub role: Role,
    pub entries: Vec<AgendaEntry>,
}

fn by_id(participants: &[Participant]) -> HashMap<&str, &Participant> {
    participants
        .iter()
        .filter_map(|p| p.id.as_deref().map(|id| (id, p)))
        .collect()
}

fn display_name(p: &Participant) -> String {
    if p.name.trim().is_empty() {
        p.siret.clone().unwrap_or_default()
    } else {
        p.name.clone()
    }
}

fn detail(p: &Participant) -> String {
    match p.role {
        Role::Buyer => p.organisation.clone().unwrap_or_default(),
        Role::Supplier => p
            .siret
            .as_deref()
            .map(|s| format!("SIRET {s}"))
            .unwrap_or_default(),
    }
}

/// The agenda of participant `pid`, meetings in slot order (cancelled ones included, marked).
pub fn agenda(
    event: &Event,
    participants: &[Participant],
    schedule: &EventSchedule,
    pid: &str,
) -> Option<Agenda> {
    let people = by_id(participants);
    let me = people.get(pid)?;
    let mut meetings: Vec<&EventMeeting> = schedule
        .meetings
        .iter()
        .filter(|m| m.buyer == pid || m.supplier == pid)
        .collect();
    meetings.sort_by_key(|m| m.slot);
    let entries = meetings
        .into_iter()
        .filter_map(|m| {
            let other_id = if m.buyer == pid {
                &m.supplier
            } else {
                &m.buyer
            };
            let other = people.get(other_id.as_str())?;
            let slot = event.slots.get(m.slot as usize)?;
            Some(AgendaEntry {
                slot: m.slot,
                start: slot.start.clone(),
                end: slot.end.clone(),
                table: m.table + 1,
                counterpart_id: other_id.clone(),
                counterpart_name: display_name(other),
                counterpart_role: other.role.label_fr().to_string(),
                counterpart_detail: detail(other),
                status: m.status,
            })
        })
        .collect();
    Some(Agenda {
        event_id: event.id.clone().unwrap_or_default(),
        event_name: event.name.clone(),
        venue: event.venue.clone(),
        date: event.date.clone(),
        participant_id: pid.to_string(),
        participant_name: display_name(me),
        role: me.role,
        entries,
    })
}

/// French date for people: « jeudi 3 décembre 2026 ».
pub fn date_fr(date: &str) -> String {
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    match date.parse::<jiff::civil::Date>() {
        Ok(d) => {
            let weekday = DAYS[d.weekday().to_monday_zero_offset() as usize];
            let day = if d.day() == 1 {
                "1er".to_string()
            } else {
                d.day().to_string()
            };
            format!(
                "{weekday} {day} {} {}",
                MONTHS[(d.month() - 1) as usize],
                d.year()
            )
        }
        Err(_) => date.to_string(),
    }
}

fn status_fr(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Planned => "",
        MeetingStatus::Cancelled => "annulé",
        MeetingStatus::NoShow => "absent",
    }
}

const PRINT_CSS: &str = "body{font-family:system-ui,sans-serif;color:#161616;margin:2rem}\
section.agenda{page-break-after:always;break-after:page;margin-bottom:3rem}\
section.agenda:last-child{page-break-after:auto;break-after:auto}\
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:.2rem 0 1rem;font-weight:normal}\
table{border-collapse:collapse;width:100%}th,td{border:1px solid #666;padding:.45rem .6rem;text-align:left;vertical-align:top}\
th{background:#eee}td.status{font-weight:bold}.empty{font-style:italic}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
@media print{body{margin:0}a{color:inherit;text-decoration:none}}";

/// Printable HTML in French: one page per agenda.
pub fn agendas_html(title: &str, agendas: &[Agenda]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{PRINT_CSS}</style></head><body><main>",
        escape_html(title)
    );
    for a in agendas {
        let _ = write!(
            h,
            "<section class=\"agenda\"><h1>{}</h1><h2>{} — {}</h2><p><strong>{}</strong> ({})</p>",
            escape_html(&a.event_name),
            escape_html(&date_fr(&a.date)),
            escape_html(&a.venue),
            escape_html(&a.participant_name),
            a.role.label_fr()
        );
        if a.entries.is_empty() {
            h.push_str("<p class=\"empty\">Aucun rendez-vous planifié.</p>");
        } else {
            h.push_str("<table><caption class=\"visually-hidden\">Rendez-vous</caption><thead><tr><th scope=\"col\">Horaire</th><th scope=\"col\">Table</th><th scope=\"col\">Avec</th><th scope=\"col\">Statut</th></tr></thead><tbody>");
            for e in &a.entries {
                let _ = write!(
                    h,
                    "<tr><td>{} – {}</td><td>{}</td><td>{} ({})<br>{}</td><td class=\"status\">{}</td></tr>",
                    escape_html(&e.start),
                    escape_html(&e.end),
                    e.table,
                    escape_html(&e.counterpart_name),
                    escape_html(&e.counterpart_role),
                    escape_html(&e.counterpart_detail),
                    status_fr(e.status)
                );
            }
            h.push_str("</tbody></table>");
        }
        h.push_str("</section>");
    }
    h.push_str("</main></body></html>");
    h
}

/// The UTC instant of a local Europe/Paris time on the event's date, as `YYYYMMDDTHHMMSSZ`.
pub fn ics_utc(date: &str, hhmm: &str) -> Option<String> {
    let d: jiff::civil::Date = date.parse().ok()?;
    let minutes = super::model::parse_hhmm(hhmm)?;
    let dt = d.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    let zoned = dt.in_tz("Europe/Paris").ok()?;
    Some(zoned.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// Escape a text value for ICS (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Append a content line, folded at 75 octets with CRLF + space (RFC 5545 §3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut count = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if count + n > 75 {
            out.push_str("\r\n ");
            count = 1;
        }
        out.push(c);
        count += n;
    }
    out.push_str("\r\n");
}

/// The agenda as an iCalendar file: one VEVENT per planned meeting, with the counterpart,
/// the table and the place.
pub fn agenda_ics(a: &Agenda, stamp_rfc3339: &str) -> String {
    let stamp = stamp_rfc3339
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| "19700101T000000Z".into());
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//essor//agenda//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics_line(&mut out, l);
    }
    ics_line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("{} — {}", a.event_name, a.participant_name))
        ),
    );
    for e in a
        .entries
        .iter()
        .filter(|e| e.status == MeetingStatus::Planned)
    {
        let (Some(start), Some(end)) = (ics_utc(&a.date, &e.start), ics_utc(&a.date, &e.end))
        else {
            continue;
        };
        ics_line(&mut out, "BEGIN:VEVENT");
        // One UID per pair (a pair meets at most once), the same in both participants'
        // calendars and stable when the meeting moves, so calendar apps update it in place.
        let (buyer, supplier) = match a.role {
            Role::Buyer => (&a.participant_id, &e.counterpart_id),
            Role::Supplier => (&e.counterpart_id, &a.participant_id),
        };
        ics_line(
            &mut out,
            &format!("UID:{}-{buyer}-{supplier}@essor", a.event_id),
        );
        ics_line(&mut out, &format!("DTSTAMP:{stamp}"));
        ics_line(&mut out, &format!("DTSTART:{start}"));
        ics_line(&mut out, &format!("DTEND:{end}"));
        ics_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                ics_text(&format!("Rendez-vous avec {}", e.counterpart_name))
            ),
        );
        let location = if a.venue.is_empty() {
            format!("Table {}", e.table)
        } else {
            format!("{} — table {}", a.venue, e.table)
        };
        ics_line(&mut out, &format!("LOCATION:{}", ics_text(&location)));
        let desc = format!(
            "{} ({}) {}\n{}",
            e.counterpart_name, e.counterpart_role, e.counterpart_detail, a.event_name
        );
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(desc.trim())));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The whole schedule as CSV (one line per meeting, slot then table order).
pub fn schedule_csv(
    event: &Event,
    participants: &[Participant],
    schedule: &EventSchedule,
) -> String {
    let people = by_id(participants);
    let mut meetings: Vec<&EventMeeting> = schedule.meetings.iter().collect();
    meetings.sort_by_key(|m| (m.slot, m.table));
    let mut out = String::from(
        "creneau,debut,fin,table,acheteur_id,acheteur,organisation,fournisseur_id,fournisseur,siret,statut,verrouille,poids,score\n",
    );
    for m in meetings {
        let slot = event.slots.get(m.slot as usize);
        let b = people.get(m.buyer.as_str());
        let s = people.get(m.supplier.as_str());
        let row = [
            m.slot.to_string(),
            slot.map(|s| s.start.clone()).unwrap_or_default(),
            slot.map(|s| s.end.clone()).unwrap_or_default(),
            (m.table + 1).to_string(),
            m.buyer.clone(),
            b.map(|p| display_name(p)).unwrap_or_default(),
            b.and_then(|p| p.organisation.clone()).unwrap_or_default(),
            m.supplier.clone(),
            s.map(|p| display_name(p)).unwrap_or_default(),
            s.and_then(|p| p.siret.clone()).unwrap_or_default(),
            match m.status {
                MeetingStatus::Planned => "prevu",
                MeetingStatus::Cancelled => "annule",
                MeetingStatus::NoShow => "absent",
            }
            .to_string(),
            if m.locked { "oui" } else { "non" }.to_string(),
            m.weight.to_string(),
            format!("{:.3}", m.score),
        ];
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The organiser's sheet: for each slot, who sits at which table.
pub fn table_sheet_html(
    event: &Event,
    participants: &[Participant],
    schedule: &EventSchedule,
) -> String {
    let people = by_id(participants);
    let name = |id: &str| {
        people
            .get(id)
            .map(|p| display_name(p))
            .unwrap_or_else(|| id.to_string())
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Plan des tables — {}</title><style>{PRINT_CSS}</style></head><body><main><h1>Plan des tables — {}</h1><h2>{} — {}</h2>",
        escape_html(&event.name),
        escape_html(&event.name),
        escape_html(&date_fr(&event.date)),
        escape_html(&event.venue)
    );
    for (i, slot) in event.slots.iter().enumerate() {
        let mut ms: Vec<&EventMeeting> = schedule
            .meetings
            .iter()
            .filter(|m| m.slot as usize == i)
            .collect();
        ms.sort_by_key(|m| m.table);
        let _ = write!(
            h,
            "<section class=\"agenda\"><h2>Créneau {} : {} – {}</h2>",
            i + 1,
            escape_html(&slot.start),
            escape_html(&slot.end)
        );
        if ms.is_empty() {
            h.push_str("<p class=\"empty\">Aucun rendez-vous.</p></section>");
            continue;
        }
        h.push_str("<table><thead><tr><th scope=\"col\">Table</th><th scope=\"col\">Acheteur</th><th scope=\"col\">Fournisseur</th><th scope=\"col\">Statut</th></tr></thead><tbody>");
        for m in ms {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"status\">{}{}</td></tr>",
                m.table + 1,
                escape_html(&name(&m.buyer)),
                escape_html(&name(&m.supplier)),
                status_fr(m.status),
                if m.locked { " (verrouillé)" } else { "" }
            );
        }
        h.push_str("</tbody></table></section>");
    }
    h.push_str("</main></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_local_times_become_utc_across_daylight_saving() {
        assert_eq!(ics_utc("2026-12-03", "09:00").unwrap(), "20261203T080000Z");
        assert_eq!(ics_utc("2026-06-03", "09:00").unwrap(), "20260603T070000Z");
    }

    #[test]
    fn ics_text_is_escaped_and_long_lines_folded() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        ics_line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
    }

    #[test]
    fn dates_are_written_in_french() {
        assert_eq!(date_fr("2026-12-03"), "jeudi 3 décembre 2026");
        assert_eq!(date_fr("2026-10-01"), "jeudi 1er octobre 2026");
    }
}
