//! The need generator: buyer needs written the way French public buyers write them, each drawn
//! from one intended trade (sometimes two lots), with its ground truth.
//!
//! Buyers use other words than suppliers (the catalogue's buyer vocabulary), and needs come in
//! several wording styles: short titles, plain requests, keyword lists, a small town's plain
//! words, long pasted tender notices full of boilerplate, code-only notices, titles built on a
//! word several trades share, and two-lot notices. Places are anchored on suppliers of the
//! trade most of the time (so that most needs have answers) and anywhere otherwise.
//! What this module does not do: decide relevance (that is `truth`) or write files.

use crate::model::ids::complete_siret;
use crate::model::need::{Buyer, Need, Perimeter, Place, Reserved};
use crate::model::supplier::{Mode, Supplier};
use crate::referential::{Commune, CommuneKind, Referential};
use crate::util::Rng;

use super::buyers::{public_buyer, town_hall};
use super::catalog::{self, LOT_PAIRS, Reach, TRADES, Trade, TradeLink};
use super::fresh;
use super::places::{World, jitter};
use super::text::{
    a_city, capitalize, city_display, de_city, fill_number, lowercase_first, pick_distinct,
    pick_str, thousands,
};
use super::truth::{self, Exclusions, Judgement, NeedTruth, Violation};
use super::{REFERENCE_UNIX_S, civil_from_days, sub_seed};

const STREAM_NEED: u64 = 0x6u64;
const STREAM_PLAN: u64 = 0x7u64;

/// How a need is worded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// A few words: « Tonte et débroussaillage ».
    ShortTitle,
    /// Two to four plain sentences.
    Plain,
    /// A telegraphic list of keywords.
    Keywords,
    /// A small town asking in everyday words.
    Colloquial,
    /// A long pasted notice, boilerplate around one or two sentences about the need.
    TenderNotice,
    /// A generic title and boilerplate; only the CPV code says what is bought.
    CodeOnly,
    /// A title built on a word several trades share (restauration, entretien, collecte…).
    Ambiguous,
    /// A notice with two lots of two trades.
    MultiLot,
}

impl Style {
    pub const ALL: [Style; 8] = [
        Style::ShortTitle,
        Style::Plain,
        Style::Keywords,
        Style::Colloquial,
        Style::TenderNotice,
        Style::CodeOnly,
        Style::Ambiguous,
        Style::MultiLot,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Style::ShortTitle => "short_title",
            Style::Plain => "plain",
            Style::Keywords => "keywords",
            Style::Colloquial => "colloquial",
            Style::TenderNotice => "tender_notice",
            Style::CodeOnly => "code_only",
            Style::Ambiguous => "ambiguous",
            Style::MultiLot => "multi_lot",
        }
    }

    fn weight(self) -> f64 {
        match self {
            Style::ShortTitle => 18.0,
            Style::Plain => 20.0,
            Style::Keywords => 10.0,
            Style::Colloquial => 9.0,
            Style::TenderNotice => 22.0,
            Style::CodeOnly => 5.0,
            Style::Ambiguous => 8.0,
            Style::MultiLot => 8.0,
        }
    }
}

/// What the ground truth needs to know about one supplier, without its texts. Computing
/// it is the costly part of [`TruthBase::push`], so it can be done on another thread.
#[derive(Debug, Clone)]
pub struct Fact {
    /// The supplier stripped of everything the hard rules do not read.
    supplier: Supplier,
    links: Vec<TradeLink>,
}

impl Fact {
    pub fn of(s: &Supplier) -> Fact {
        let stripped = Supplier {
            siret: s.siret.clone(),
            kinds: s.kinds.clone(),
            inferred_kinds: s.inferred_kinds.clone(),
            ess: s.ess,
            esus: s.esus,
            closed: s.closed,
            address: crate::model::supplier::Address {
                commune: s.address.commune.clone(),
                ..Default::default()
            },
            location: s.location,
            activities: s
                .activities
                .iter()
                .map(|a| crate::model::supplier::Activity {
                    label: None,
                    cpv: Vec::new(),
                    modes: a.modes.clone(),
                    zone: a.zone.clone(),
                })
                .collect(),
            ..Default::default()
        };
        Fact {
            supplier: stripped,
            links: catalog::classify_supplier(s),
        }
    }
}

/// The suppliers needs are generated against: their hard-rule facts and trades, indexed by
/// trade. Built from a slice or pushed one by one while streaming suppliers to a file.
#[derive(Debug, Default)]
pub struct TruthBase {
    facts: Vec<Fact>,
    by_trade: Vec<Vec<u32>>,
}

impl TruthBase {
    pub fn new() -> TruthBase {
        TruthBase {
            facts: Vec::new(),
            by_trade: vec![Vec::new(); TRADES.len()],
        }
    }

    pub fn from_suppliers(suppliers: &[Supplier]) -> TruthBase {
        let mut b = TruthBase::new();
        for s in suppliers {
            b.push(s);
        }
        b
    }

    /// Add one supplier (its trades are recovered from its activities and offers).
    pub fn push(&mut self, s: &Supplier) {
        self.push_fact(Fact::of(s));
    }

    /// Add one supplier's [`Fact`]; suppliers must be added in file order.
    pub fn push_fact(&mut self, f: Fact) {
        let i = self.facts.len() as u32;
        for l in &f.links {
            self.by_trade[l.trade].push(i);
        }
        self.facts.push(f);
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// Number of suppliers with an activity or offer of each trade (catalogue order).
    pub fn suppliers_per_trade(&self) -> Vec<usize> {
        self.by_trade.iter().map(Vec::len).collect()
    }
}

/// Generated needs and their ground truth, in the same order.
#[derive(Debug, Clone, Default)]
pub struct NeedSet {
    pub needs: Vec<Need>,
    pub truth: Vec<NeedTruth>,
}

/// Context shared by the text builders of one need.
struct Ctx<'a> {
    buyer: String,
    city: String,
    postcode: String,
    commune: &'a Commune,
    reserved: Option<Reserved>,
    social_clause: bool,
    deadline: Option<String>,
    amount_eur: Option<f64>,
    cpv: Vec<String>,
}

fn rng_pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.index(items.len())]
}

/// Which buyer vocabulary needs are worded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wording {
    /// The catalogue's buyer tables: the wording matching is developed against.
    #[default]
    Catalog,
    /// The held-out tables of [`super::fresh`], which nobody tunes matching on.
    Fresh,
}

impl Wording {
    pub fn as_str(self) -> &'static str {
        match self {
            Wording::Catalog => "catalog",
            Wording::Fresh => "fresh",
        }
    }
}

/// The buyer wording tables of one trade, from the catalogue or the held-out set.
struct Words {
    titles: &'static [&'static str],
    objects: &'static [&'static str],
    details: &'static [&'static str],
    keywords: &'static [&'static str],
    colloquial: &'static [&'static str],
    ambiguous_titles: &'static [&'static str],
}

impl Words {
    fn of(t: &Trade, wording: Wording) -> Words {
        match wording {
            Wording::Catalog => Words {
                titles: t.buyer_titles,
                objects: t.buyer_objects,
                details: t.buyer_details,
                keywords: t.buyer_keywords,
                colloquial: t.colloquial,
                ambiguous_titles: t.ambiguous_titles,
            },
            Wording::Fresh => {
                let f = fresh::of(t.key).expect("every trade has a fresh wording");
                Words {
                    titles: f.titles,
                    objects: f.objects,
                    details: f.details,
                    keywords: f.keywords,
                    colloquial: f.colloquial,
                    ambiguous_titles: f.ambiguous_titles,
                }
            }
        }
    }
}

fn detail(rng: &mut Rng, w: &Words) -> String {
    let d = rng_pick(rng, w.details);
    fill_number(rng, d)
}

fn details(rng: &mut Rng, w: &Words, k: usize) -> Vec<String> {
    pick_distinct(rng, w.details, k)
        .into_iter()
        .map(|d| fill_number(rng, d))
        .collect()
}

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

fn date_fr(iso: &str) -> String {
    let mut it = iso.split('-');
    let (y, m, d) = (
        it.next().unwrap_or(""),
        it.next().and_then(|m| m.parse::<usize>().ok()).unwrap_or(1),
        it.next().unwrap_or(""),
    );
    format!(
        "{} {} {y}",
        d.trim_start_matches('0'),
        MONTHS[(m - 1).min(11)]
    )
}

fn reserved_sentence(route: Reserved) -> &'static str {
    match route {
        Reserved::L2113_12 => {
            "Marché réservé : en application de l'article L2113-12 du code de la commande publique, le présent marché est réservé aux entreprises adaptées et aux établissements et services d'aide par le travail."
        }
        Reserved::L2113_13 => {
            "Marché réservé : en application de l'article L2113-13 du code de la commande publique, le présent marché est réservé aux structures d'insertion par l'activité économique (SIAE)."
        }
        Reserved::L2113_12_13 => {
            "Marché réservé : en application des articles L2113-12 et L2113-13 du code de la commande publique, le présent marché est réservé aux entreprises adaptées, aux ESAT et aux structures d'insertion par l'activité économique."
        }
        Reserved::L2113_13_1 => {
            "Marché réservé aux structures équivalentes au sens de l'article L2113-13-1 du code de la commande publique."
        }
        Reserved::L2113_15 => {
            "Marché réservé : en application de l'article L2113-15 du code de la commande publique, le présent marché est réservé aux entreprises de l'économie sociale et solidaire."
        }
    }
}

fn short_reserved(route: Reserved) -> &'static str {
    match route {
        Reserved::L2113_12 => "Marché réservé aux ESAT et entreprises adaptées.",
        Reserved::L2113_13 => "Marché réservé aux structures d'insertion (SIAE).",
        Reserved::L2113_12_13 => "Marché réservé ESAT, EA et SIAE.",
        Reserved::L2113_13_1 => "Marché réservé aux structures équivalentes.",
        Reserved::L2113_15 => "Marché réservé aux entreprises de l'ESS.",
    }
}

fn social_sentence(rng: &mut Rng) -> String {
    let hours = 35 * rng.range_i64(4, 60);
    format!(
        "Clause sociale : le présent marché comporte une clause d'insertion (article L2112-2 du code de la commande publique) ; le titulaire réservera au moins {} heures de travail à des personnes éloignées de l'emploi, directement ou en recourant à une structure d'insertion.",
        thousands(hours as u64)
    )
}

fn notice(rng: &mut Rng, ctx: &Ctx, title: &str, body: &[String]) -> String {
    let r = Referential::get();
    let mut out: Vec<String> = Vec::new();
    out.push(
        rng.pick(&[
            "AVIS D'APPEL PUBLIC À LA CONCURRENCE",
            "AVIS DE MARCHÉ",
            "Avis de consultation – marché à procédure adaptée",
        ])
        .to_string(),
    );
    out.push(format!("Identification de l'acheteur : {}.", ctx.buyer));
    out.push(format!(
        "Type de procédure : {}.",
        rng.pick(&[
            "procédure adaptée ouverte (article R2123-1 du code de la commande publique)",
            "appel d'offres ouvert",
            "procédure adaptée"
        ])
    ));
    out.push(format!("Objet de la consultation : {title}."));
    out.extend(body.iter().cloned());
    let years = rng.range_i64(1, 3);
    let max = ctx
        .amount_eur
        .map(|a| format!(" avec un maximum de {} € HT", thousands(a as u64)))
        .unwrap_or_default();
    out.push(format!(
        "Il s'agit d'un accord-cadre à bons de commande mono-attributaire, sans minimum{max}, conclu pour une durée d'un an reconductible {years} fois."
    ));
    out.push(format!(
        "Lieu principal d'exécution : {} ({}).",
        ctx.city, ctx.postcode
    ));
    if let Some(route) = ctx.reserved {
        out.push(reserved_sentence(route).to_string());
    }
    if ctx.social_clause {
        out.push(social_sentence(rng));
    }
    if let Some(code) = ctx.cpv.first()
        && rng.chance(0.6)
    {
        let label = r
            .cpv
            .get(code)
            .map(|c| c.label().to_string())
            .unwrap_or_default();
        out.push(format!("Classification CPV principale : {code} ({label})."));
    }
    out.push("Les prestations sont définies au cahier des clauses techniques particulières (CCTP) ; les conditions administratives figurent au cahier des clauses administratives particulières (CCAP).".to_string());
    out.push("Le dossier de consultation des entreprises (DCE) est téléchargeable gratuitement sur le profil d'acheteur.".to_string());
    out.push("Conditions de participation : chaque candidat produit les formulaires DC1 et DC2 ou le DUME, ses attestations d'assurance et une liste de références de moins de trois ans pour des prestations similaires. Le titulaire pressenti produira les certificats fiscaux et sociaux.".to_string());
    let vt = [50, 55, 60, 70][rng.index(4)];
    let insertion = if ctx.social_clause && rng.chance(0.5) {
        ", performance en matière d'insertion professionnelle (10 %)"
    } else {
        ""
    };
    let price = if insertion.is_empty() {
        100 - vt
    } else {
        90 - vt
    };
    out.push(format!(
        "Critères d'attribution : offre économiquement la plus avantageuse appréciée en fonction des critères suivants : valeur technique ({vt} %), prix ({price} %){insertion}."
    ));
    out.push(format!(
        "Variantes : {}. Visite sur site : {}.",
        rng.pick(&["non autorisées", "autorisées"]),
        rng.pick(&["obligatoire", "facultative", "conseillée"])
    ));
    if let Some(d) = &ctx.deadline {
        out.push(format!(
            "Date limite de réception des candidatures et des offres : {} à 12 h 00.",
            date_fr(d)
        ));
    }
    out.push("Les candidatures et les offres seront entièrement rédigées en langue française. Le pouvoir adjudicateur se réserve la possibilité de négocier avec les candidats ayant présenté les trois meilleures offres.".to_string());
    let tribunal = r
        .region(&ctx.commune.region)
        .and_then(|g| r.commune(&g.chef_lieu))
        .map(|c| city_display(&c.name).to_string())
        .unwrap_or_else(|| ctx.city.clone());
    out.push(format!(
        "Instance chargée des procédures de recours : Tribunal administratif {}.",
        de_city(&tribunal)
    ));
    out.join("\n")
}

fn pick_trade(rng: &mut Rng, filter: impl Fn(&Trade) -> bool) -> usize {
    let w: Vec<f64> = TRADES
        .iter()
        .map(|t| if filter(t) { t.demand } else { 0.0 })
        .collect();
    rng.weighted(&w)
}

fn need_cpv(rng: &mut Rng, t: &Trade, style: Style) -> Vec<String> {
    let r = Referential::get();
    let canon = |c: &str| {
        r.cpv
            .get(c)
            .map(|x| x.code.clone())
            .expect("catalogue CPV exists")
    };
    let choice = match style {
        Style::CodeOnly => {
            if rng.chance(0.6) {
                2
            } else {
                1
            }
        }
        Style::Ambiguous => {
            if rng.chance(0.5) {
                0
            } else {
                1 + rng.index(3)
            }
        }
        _ => rng.weighted(&[0.45, 0.25, 0.15, 0.15]),
    };
    match choice {
        0 => Vec::new(),
        1 => vec![canon(pick_str(rng, t.buyer_cpv))],
        2 => vec![canon(pick_str(rng, t.own_cpv))],
        _ => {
            // A coarser code than suppliers use: a strict ancestor of one of the trade's codes.
            let own = rng.pick(t.own_cpv);
            let ancestors = r.cpv.ancestors(own);
            let coarser: Vec<&str> = ancestors
                .iter()
                .skip(1)
                .filter(|c| c.level >= 2)
                .map(|c| c.code.as_str())
                .collect();
            if coarser.is_empty() {
                vec![canon(own)]
            } else {
                vec![rng.pick(&coarser).to_string()]
            }
        }
    }
}

fn need_modes(rng: &mut Rng, t: &Trade) -> Vec<Mode> {
    if !rng.chance(0.3) {
        return Vec::new();
    }
    let staffing_p = match t.key {
        "reception" => 0.4,
        "moving" | "cleaning" | "green_spaces" | "building_maintenance" => 0.12,
        _ => 0.0,
    };
    if rng.chance(staffing_p) {
        return vec![Mode::Staffing];
    }
    if t.modes.len() > 1 {
        vec![*rng.pick(t.modes)]
    } else {
        t.modes.to_vec()
    }
}

fn perimeter(rng: &mut Rng, reach: Reach, c: &Commune) -> Option<Perimeter> {
    let w = World::get();
    let national_p = if reach == Reach::National { 0.25 } else { 0.06 };
    let x = rng.f64();
    if x < 0.5 {
        return None;
    }
    if x < 0.5 + national_p {
        return Some(Perimeter {
            national: Some(true),
            ..Default::default()
        });
    }
    if rng.chance(0.45) {
        let choices: &[f64] = match reach {
            Reach::Local => &[1.0, 5.0, 10.0, 15.0, 20.0, 30.0],
            Reach::Regional => &[10.0, 20.0, 30.0, 50.0, 80.0],
            Reach::National => &[50.0, 100.0, 200.0],
        };
        return Some(Perimeter {
            radius_km: Some(*rng.pick(choices)),
            ..Default::default()
        });
    }
    let areas = match rng.weighted(&[0.45, 0.2, 0.15, 0.2]) {
        0 => vec![format!("dept:{}", c.dept)],
        1 => match &c.epci {
            Some(e) => vec![format!("epci:{e}")],
            None => vec![format!("dept:{}", c.dept)],
        },
        2 => vec![format!("region:{}", c.region)],
        _ => {
            let mut v = vec![format!("dept:{}", c.dept)];
            if let Some(n) = w.dept_neighbours.get(&c.dept).and_then(|n| n.first()) {
                v.push(format!("dept:{n}"));
            }
            v
        }
    };
    Some(Perimeter {
        areas: Some(areas),
        ..Default::default()
    })
}

fn reserved(rng: &mut Rng) -> Option<Reserved> {
    match rng.weighted(&[55.0, 12.0, 12.0, 8.0, 13.0]) {
        1 => Some(Reserved::L2113_12),
        2 => Some(Reserved::L2113_13),
        3 => Some(Reserved::L2113_12_13),
        4 => Some(Reserved::L2113_15),
        _ => None,
    }
}

fn amount(rng: &mut Rng, t: &Trade) -> f64 {
    let (lo, hi) = t.amount_eur;
    let x = (lo.ln() + rng.f64() * (hi.ln() - lo.ln())).exp();
    let unit = if x >= 100_000.0 {
        5_000.0
    } else if x >= 10_000.0 {
        500.0
    } else {
        100.0
    };
    (x / unit).round() * unit
}

fn deadline(rng: &mut Rng) -> String {
    let days = REFERENCE_UNIX_S / 86_400 + 10 + rng.below(110);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The commune a need is placed in: near a supplier of the trade most of the time.
fn place_commune(rng: &mut Rng, base: &TruthBase, trade: usize) -> &'static Commune {
    let r = Referential::get();
    let w = World::get();
    let candidates = &base.by_trade[trade];
    let anchor: Option<&Supplier> = if !candidates.is_empty() && rng.chance(0.65) {
        Some(&base.facts[candidates[rng.index(candidates.len())] as usize].supplier)
    } else if !base.is_empty() {
        Some(&base.facts[rng.index(base.len())].supplier)
    } else {
        None
    };
    let home = anchor.and_then(|s| r.commune(&s.address.commune));
    let Some(home) = home else {
        return w.sample_commune(rng, None, 0.0);
    };
    let picked = match rng.weighted(&[0.35, 0.4, 0.25]) {
        0 => Some(home),
        1 => w.sample_in_dept(rng, &home.dept),
        _ => w.sample_in_region(rng, &home.region),
    };
    // Arrondissement and city rows: draw within the usable set only.
    match picked {
        Some(c) if c.center.is_some() || r.communes.centre(c).is_some() => c,
        _ => w
            .sample_in_dept(rng, &home.dept)
            .unwrap_or_else(|| w.sample_commune(rng, None, 0.0)),
    }
}

fn make_place(rng: &mut Rng, c: &Commune) -> Place {
    let r = Referential::get();
    if rng.chance(0.75) {
        let code = match (&c.kind, &c.parent) {
            (CommuneKind::Arrondissement, Some(p)) if rng.chance(0.4) => p.clone(),
            _ => c.code.clone(),
        };
        return Place {
            commune: Some(code),
            ..Default::default()
        };
    }
    let centre = r.communes.centre(c).expect("need communes have a centre");
    let p = jitter(rng, centre, 0.8);
    Place {
        commune: None,
        lat: Some(p.lat),
        lon: Some(p.lon),
    }
}

/// The title and description of a need of `style`, worded from `w` (and `w2`, the second
/// lot's trade, for a two-lot notice).
fn texts(
    rng: &mut Rng,
    style: Style,
    w: &Words,
    w2: Option<&Words>,
    ctx: &Ctx,
) -> (String, String) {
    let r = Referential::get();
    let city = &ctx.city;
    match style {
        Style::ShortTitle => {
            let mut title = rng.pick(w.titles).to_string();
            if rng.chance(0.3) {
                title = format!("{title} – {city}");
            }
            let desc = match rng.index(3) {
                0 => String::new(),
                1 => format!("Secteur : {city}."),
                _ => {
                    let d = detail(rng, w);
                    match ctx.reserved {
                        Some(route) if rng.chance(0.5) => format!("{d} {}", short_reserved(route)),
                        _ => d,
                    }
                }
            };
            (title, desc)
        }
        Style::Plain => {
            let object = *rng.pick(w.objects);
            let opening = match rng.index(3) {
                0 => format!("{} recherche un prestataire pour {object}.", ctx.buyer),
                1 => format!("{} souhaite confier à un prestataire {object}.", ctx.buyer),
                _ => format!("{} lance une consultation pour {object}.", ctx.buyer),
            };
            let mut parts = vec![opening];
            let k = 1 + rng.index(2);
            parts.extend(details(rng, w, k));
            parts.push(format!("Les prestations sont réalisées {}.", a_city(city)));
            if let Some(route) = ctx.reserved {
                parts.push(short_reserved(route).to_string());
            }
            if ctx.social_clause {
                parts.push("Le marché comporte une clause d'insertion sociale.".to_string());
            }
            (rng.pick(w.titles).to_string(), parts.join(" "))
        }
        Style::Keywords => {
            let k = 3 + rng.index(3);
            let kws: Vec<&str> = pick_distinct(rng, w.keywords, k)
                .into_iter()
                .copied()
                .collect();
            let mut desc = format!("{} – secteur {city}", kws.join(" / "));
            if let Some(a) = ctx.amount_eur {
                desc.push_str(&format!(" – budget {} € HT", thousands(a as u64)));
            }
            if let Some(route) = ctx.reserved {
                desc.push_str(&format!(" – {}", route.as_str()));
            }
            (rng.pick(w.titles).to_string(), desc)
        }
        Style::Colloquial => {
            let what = rng.pick(w.colloquial);
            let pop = r.communes.city_of(ctx.commune).population.max(50);
            let who = if pop < 10_000 {
                format!(
                    "nous sommes une commune de {} habitants et nous",
                    thousands(u64::from(pop))
                )
            } else {
                "le service technique de la mairie".to_string()
            };
            let verb = if pop < 10_000 { "cherchons" } else { "cherche" };
            let mut desc = format!(
                "Bonjour, {who} {verb} {what}. {}",
                rng.pick(&[
                    "Idéalement une structure d'insertion ou un ESAT du coin.",
                    "Nous aimerions travailler avec une structure locale.",
                    "Merci de nous envoyer un devis au secrétariat de mairie.",
                    "C'est assez urgent.",
                ])
            );
            if let Some(route) = ctx.reserved {
                desc.push(' ');
                desc.push_str(short_reserved(route));
            }
            let title = if rng.chance(0.5) {
                capitalize(what)
            } else {
                rng.pick(&[
                    "Recherche prestataire",
                    "Besoin d'un coup de main",
                    "Demande de devis",
                ])
                .to_string()
            };
            (title, desc)
        }
        Style::TenderNotice => {
            let title = match rng.index(3) {
                0 => format!(
                    "Accord-cadre – {}",
                    lowercase_first(pick_str(rng, w.titles))
                ),
                1 => format!(
                    "MAPA 2026-{:03} : {}",
                    1 + rng.below(240),
                    rng.pick(w.titles)
                ),
                _ => rng.pick(w.titles).to_string(),
            };
            let mut body = vec![format!(
                "Le présent marché a pour objet {}.",
                rng.pick(w.objects)
            )];
            let k = 1 + rng.index(3);
            body.extend(details(rng, w, k));
            body.push("Le titulaire exécute les prestations conformément aux stipulations du CCTP et sous le contrôle du représentant du pouvoir adjudicateur.".to_string());
            let text = notice(rng, ctx, &title, &body);
            (title, text)
        }
        Style::CodeOnly => {
            let title = match rng.index(3) {
                0 => format!("Marché de services n°2026-{:03}", 1 + rng.below(400)),
                1 => format!(
                    "Prestations de services récurrentes – lot n°{}",
                    1 + rng.below(6)
                ),
                _ => format!("Consultation {}-{:02}", 2026, 1 + rng.below(60)),
            };
            let body = vec!["Le présent marché a pour objet les prestations décrites au CCTP joint au dossier de consultation.".to_string()];
            let text = notice(rng, ctx, &title, &body);
            (title, text)
        }
        Style::Ambiguous => {
            let title = rng.pick(w.ambiguous_titles).to_string();
            let desc = if rng.chance(0.7) {
                format!("{} Lieu : {city}.", detail(rng, w))
            } else {
                String::new()
            };
            (title, desc)
        }
        Style::MultiLot => {
            let w2 = w2.expect("a two-lot need has a second trade");
            let (a, b) = (
                rng.pick(w.titles).to_string(),
                rng.pick(w2.titles).to_string(),
            );
            let title = if rng.chance(0.5) {
                format!("{a} et {}", lowercase_first(&b))
            } else {
                format!("Marché alloti : {} (2 lots)", lowercase_first(&a))
            };
            let mut body = vec![format!(
                "La consultation porte sur {} et sur {}. Elle est allotie comme suit :",
                rng.pick(w.objects),
                rng.pick(w2.objects)
            )];
            body.push(format!("Lot n°1 : {a}. {}", detail(rng, w)));
            body.push(format!("Lot n°2 : {b}. {}", detail(rng, w2)));
            body.push("Les candidats peuvent soumissionner pour un ou plusieurs lots ; chaque lot fait l'objet d'un marché distinct.".to_string());
            let text = notice(rng, ctx, &title, &body);
            (title, text)
        }
    }
}

/// Generate need `index` of `seed` and its ground truth, worded from `wording`.
fn make_need(
    seed: u64,
    index: u64,
    plan: Plan,
    base: &TruthBase,
    wording: Wording,
) -> (Need, NeedTruth) {
    let r = Referential::get();
    let mut rng = Rng::new(sub_seed(seed, STREAM_NEED, index));
    let style = plan.style;

    let trades: Vec<usize> = match style {
        Style::MultiLot => {
            let (a, b) = LOT_PAIRS[rng.index(LOT_PAIRS.len())];
            let (a, b) = (
                catalog::trade_index(a).expect("lot trade"),
                catalog::trade_index(b).expect("lot trade"),
            );
            if rng.chance(0.5) {
                vec![a, b]
            } else {
                vec![b, a]
            }
        }
        Style::Ambiguous => vec![pick_trade(&mut rng, |t| !t.ambiguous_titles.is_empty())],
        _ => vec![plan.trade],
    };
    let t = &TRADES[trades[0]];
    let commune = place_commune(&mut rng, base, trades[0]);
    let place = make_place(&mut rng, commune);
    let city = city_display(&r.communes.city_of(commune).name).to_string();
    // A small town writing in plain words is a town hall.
    let pb = if style == Style::Colloquial {
        town_hall(&mut rng, commune)
    } else {
        public_buyer(&mut rng, commune)
    };
    let buyer_siret = pb.siren.as_ref().filter(|_| rng.chance(0.6)).map(|s| {
        if rng.chance(0.5) {
            s.clone()
        } else {
            complete_siret(&format!("{s}0001"))
        }
    });
    let reserved = reserved(&mut rng);
    let social_clause = rng.chance(if reserved.is_some() { 0.1 } else { 0.35 });
    let mut cpv = need_cpv(&mut rng, t, style);
    if style == Style::MultiLot && !cpv.is_empty() {
        for c in need_cpv(&mut rng, &TRADES[trades[1]], Style::CodeOnly) {
            if !cpv.contains(&c) {
                cpv.push(c);
            }
        }
    }
    let ctx = Ctx {
        buyer: pb.name.clone(),
        city: city.clone(),
        postcode: commune.postcodes.first().cloned().unwrap_or_default(),
        commune,
        reserved,
        social_clause,
        deadline: rng.chance(0.8).then(|| deadline(&mut rng)),
        amount_eur: rng.chance(0.7).then(|| amount(&mut rng, t)),
        cpv: cpv.clone(),
    };

    let words = |i: usize, wording: Wording| Words::of(&TRADES[i], wording);
    let second = |wording: Wording| (style == Style::MultiLot).then(|| words(trades[1], wording));
    // The catalogue texts are always drawn, so that everything drawn after them (perimeter,
    // modes) is the same in both wordings; the fresh ones are drawn from a copy of the
    // generator taken before, so that both wordings make the same choices (style variant,
    // place in the title, reserved mention…).
    let mut shadow = rng.clone();
    let catalog = texts(
        &mut rng,
        style,
        &words(trades[0], Wording::Catalog),
        second(Wording::Catalog).as_ref(),
        &ctx,
    );
    let (title, description) = match wording {
        Wording::Catalog => catalog,
        Wording::Fresh => texts(
            &mut shadow,
            style,
            &words(trades[0], wording),
            second(wording).as_ref(),
            &ctx,
        ),
    };

    // An ambiguous title with nothing else would be a coin toss: the code then says it.
    if style == Style::Ambiguous && description.is_empty() && cpv.is_empty() {
        cpv = need_cpv(&mut rng, t, Style::CodeOnly);
    }
    let need = Need {
        id: Some(format!("syn-{seed}-{index:05}")),
        buyer: Buyer {
            name: pb.name,
            siret: buyer_siret,
        },
        title,
        description,
        cpv,
        perimeter: perimeter(&mut rng, t.reach, commune),
        place,
        reserved,
        social_clause,
        modes: need_modes(&mut rng, t),
        amount_eur: ctx.amount_eur,
        deadline: ctx.deadline.clone(),
        ..Default::default()
    };
    let truth = judge(&need, style, &trades, base);
    (need, truth)
}

/// Grade every supplier of the intended and related trades for a need.
fn judge(need: &Need, style: Style, trades: &[usize], base: &TruthBase) -> NeedTruth {
    let related: Vec<usize> = trades
        .iter()
        .flat_map(|&t| {
            TRADES[t]
                .related
                .iter()
                .filter_map(|k| catalog::trade_index(k))
        })
        .filter(|t| !trades.contains(t))
        .fold(Vec::new(), |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        });
    let mut candidates: Vec<u32> = trades
        .iter()
        .chain(&related)
        .flat_map(|&t| base.by_trade[t].iter().copied())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut relevant = Vec::new();
    let mut excluded = Exclusions::default();
    let mut num_same_trade = 0;
    for i in candidates {
        let f = &base.facts[i as usize];
        let (grade, why) = truth::grade_with_reason(need, &f.supplier, &f.links, trades);
        if f.links.iter().any(|l| trades.contains(&l.trade)) {
            num_same_trade += 1;
            if grade < 2 {
                for v in why {
                    match v {
                        Violation::Geography => excluded.geography += 1,
                        Violation::Reserved => excluded.reserved += 1,
                        Violation::Modes => excluded.modes += 1,
                        Violation::Closed => excluded.closed += 1,
                    }
                }
            }
        }
        if grade > 0 {
            relevant.push(Judgement {
                siret: f.supplier.siret.clone(),
                grade,
            });
        }
    }
    relevant.sort_by(|a, b| b.grade.cmp(&a.grade).then_with(|| a.siret.cmp(&b.siret)));
    NeedTruth {
        need_id: need.id.clone().unwrap_or_default(),
        trades: trades.iter().map(|&t| TRADES[t].key.to_string()).collect(),
        related_trades: related.iter().map(|&t| TRADES[t].key.to_string()).collect(),
        style: style.as_str().to_string(),
        relevant,
        num_same_trade,
        excluded,
    }
}

/// The style and (for single-trade styles) the trade of one need, decided for the whole set.
#[derive(Debug, Clone, Copy)]
struct Plan {
    style: Style,
    trade: usize,
}

/// `m` draws of indices with exactly the weights' proportions (largest remainders), in
/// random order: a set of 100 needs covers every style and trade in proportion, instead of
/// whatever independent draws happen to give.
fn stratified(rng: &mut Rng, weights: &[f64], m: usize) -> Vec<usize> {
    let total: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| w / total * m as f64).collect();
    let mut counts: Vec<usize> = quotas.iter().map(|q| q.floor() as usize).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (quotas[b] - quotas[b].floor())
            .total_cmp(&(quotas[a] - quotas[a].floor()))
            .then(a.cmp(&b))
    });
    let missing = m - counts.iter().sum::<usize>();
    for &i in order.iter().take(missing) {
        counts[i] += 1;
    }
    let mut out: Vec<usize> = counts
        .iter()
        .enumerate()
        .flat_map(|(i, &c)| std::iter::repeat_n(i, c))
        .collect();
    rng.shuffle(&mut out);
    out
}

fn plan(seed: u64, m: usize) -> Vec<Plan> {
    let mut rng = Rng::new(sub_seed(seed, STREAM_PLAN, m as u64));
    let style_w: Vec<f64> = Style::ALL.iter().map(|s| s.weight()).collect();
    let styles: Vec<Style> = stratified(&mut rng, &style_w, m)
        .into_iter()
        .map(|i| Style::ALL[i])
        .collect();
    let single = styles
        .iter()
        .filter(|s| !matches!(s, Style::MultiLot | Style::Ambiguous))
        .count();
    let demand: Vec<f64> = TRADES.iter().map(|t| t.demand).collect();
    let mut trades = stratified(&mut rng, &demand, single).into_iter();
    styles
        .into_iter()
        .map(|style| {
            let trade = if matches!(style, Style::MultiLot | Style::Ambiguous) {
                0
            } else {
                trades.next().unwrap_or(0)
            };
            Plan { style, trade }
        })
        .collect()
}

/// Generate `m` needs of `seed` against `base`, with their ground truth. Styles and trades
/// are spread over the set in proportion to their weights, so need `i` depends on `m`.
pub fn generate_needs_from(seed: u64, m: usize, base: &TruthBase) -> NeedSet {
    generate_needs_worded(seed, m, base, Wording::Catalog)
}

/// [`generate_needs_from`] with a choice of buyer wording. Only the texts depend on it:
/// trades, places, codes, perimeters, reserved routes and the ground truth are the same
/// for both wordings.
pub fn generate_needs_worded(seed: u64, m: usize, base: &TruthBase, wording: Wording) -> NeedSet {
    let mut set = NeedSet {
        needs: Vec::with_capacity(m),
        truth: Vec::with_capacity(m),
    };
    for (i, p) in plan(seed, m).into_iter().enumerate() {
        let (n, t) = make_need(seed, i as u64, p, base, wording);
        set.needs.push(n);
        set.truth.push(t);
    }
    set
}
