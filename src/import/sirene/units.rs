//! Pass over the legal units file (`StockUniteLegale`): the compact table of the units whose
//! establishments the import keeps.
//!
//! A unit is kept when the register flags it as SSE (`economieSocialeSolidaireUniteLegale`
//! = O), when its legal form or main activity was selected on the command line, when one
//! of its establishments is already in the store (so register changes reach it, e.g. a unit
//! leaving the SSE), or when one of its establishments has a selected activity (found by a
//! pre-pass). The table holds only kept units (a few hundred thousand at national scale),
//! with names in one string arena, so memory stays proportional to what is imported, not
//! to the 28 million rows read. Names follow the diffusion rules: a unit under partial
//! diffusion (`statutDiffusionUniteLegale` = P) never contributes a person's names, and `[ND]`
//! cells are never read.
//! What this module does not do: establishments or writing to the store.

use std::collections::{HashMap, HashSet};

use csv::ByteRecord;

use super::columns::{SireneCsv, raw, siren_number, text};
use super::{Filters, SireneReport};
use crate::error::{FieldError, Result};
use crate::import::Progress;
use crate::referential::{NafLevel, Referential};

/// The register's SSE flag is set (O).
pub const ESS: u8 = 1;
/// The unit is under partial diffusion (P).
pub const HIDDEN: u8 = 2;
/// All establishments are kept (SSE, or selected legal form or unit activity).
pub const KEEP_ALL: u8 = 4;
/// Some establishment of the unit is already in the store.
pub const KNOWN: u8 = 8;
/// Some establishment of the unit has a selected activity code.
pub const ESTAB_NAF: u8 = 16;

#[derive(Debug, Clone, Copy)]
struct Unit {
    name_start: u32,
    name_len: u32,
    legal_form: [u8; 4],
    naf: [u8; 6],
    founded: u16,
    flags: u8,
}

/// A kept unit, as the establishment pass sees it.
#[derive(Debug, Clone, Copy)]
pub struct UnitRef<'a> {
    /// The publishable name of the unit, when it has one.
    pub name: Option<&'a str>,
    /// INSEE catégorie juridique, when known to the referential.
    pub legal_form: Option<&'a str>,
    /// Main activity in NAF rév. 2 (`88.10C`), when the register gives one.
    pub naf: Option<&'a str>,
    /// Year of creation.
    pub founded: Option<i32>,
    pub flags: u8,
}

/// Kept units by SIREN.
#[derive(Default)]
pub struct UnitTable {
    index: HashMap<u32, u32>,
    units: Vec<Unit>,
    names: String,
}

fn opt_str(bytes: &[u8]) -> Option<&str> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    (end > 0)
        .then(|| std::str::from_utf8(&bytes[..end]).ok())
        .flatten()
}

impl UnitTable {
    pub fn get(&self, siren: u32) -> Option<UnitRef<'_>> {
        let u = &self.units[*self.index.get(&siren)? as usize];
        let name = (u.name_len > 0)
            .then(|| &self.names[u.name_start as usize..(u.name_start + u.name_len) as usize]);
        Some(UnitRef {
            name,
            legal_form: opt_str(&u.legal_form),
            naf: opt_str(&u.naf),
            founded: (u.founded > 0).then_some(i32::from(u.founded)),
            flags: u.flags,
        })
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn contains(&self, siren: u32) -> bool {
        self.index.contains_key(&siren)
    }

    fn insert(
        &mut self,
        siren: u32,
        name: Option<&str>,
        legal_form: Option<&str>,
        naf: Option<&str>,
        founded: Option<u16>,
        flags: u8,
    ) {
        let name = name.unwrap_or("");
        let name_start = self.names.len() as u32;
        self.names.push_str(name);
        let mut lf = [0u8; 4];
        if let Some(code) = legal_form.filter(|c| c.len() == 4) {
            lf.copy_from_slice(code.as_bytes());
        }
        let mut nf = [0u8; 6];
        if let Some(code) = naf.filter(|c| c.len() == 6) {
            nf.copy_from_slice(code.as_bytes());
        }
        let unit = Unit {
            name_start,
            name_len: name.len() as u32,
            legal_form: lf,
            naf: nf,
            founded: founded.unwrap_or(0),
            flags,
        };
        match self.index.get(&siren) {
            // A repeated SIREN: the later row wins, as in the register's own updates.
            Some(&i) => self.units[i as usize] = unit,
            None => {
                self.index.insert(siren, self.units.len() as u32);
                self.units.push(unit);
            }
        }
    }
}

struct Cols {
    siren: usize,
    ess: usize,
    statut: Option<usize>,
    denomination: Option<usize>,
    denomination_usuelle: Option<usize>,
    sigle: Option<usize>,
    nom: Option<usize>,
    nom_usage: Option<usize>,
    prenom_usuel: Option<usize>,
    prenom1: Option<usize>,
    legal_form: Option<usize>,
    naf: Option<usize>,
    naf_nomenclature: Option<usize>,
    naf25: Option<usize>,
    created: Option<usize>,
}

impl Cols {
    fn new(f: &SireneCsv) -> Result<Cols> {
        Ok(Cols {
            siren: f.require("siren")?,
            ess: f.require("economieSocialeSolidaireUniteLegale")?,
            statut: f.col("statutDiffusionUniteLegale"),
            denomination: f.col("denominationUniteLegale"),
            denomination_usuelle: f.col("denominationUsuelle1UniteLegale"),
            sigle: f.col("sigleUniteLegale"),
            nom: f.col("nomUniteLegale"),
            nom_usage: f.col("nomUsageUniteLegale"),
            prenom_usuel: f.col("prenomUsuelUniteLegale"),
            prenom1: f.col("prenom1UniteLegale"),
            legal_form: f.col("categorieJuridiqueUniteLegale"),
            naf: f.col("activitePrincipaleUniteLegale"),
            naf_nomenclature: f.col("nomenclatureActivitePrincipaleUniteLegale"),
            naf25: f.col("activitePrincipaleNAF25UniteLegale"),
            created: f.col("dateCreationUniteLegale"),
        })
    }
}

/// A NAF rév. 2 sous-classe in canonical form, when `code` is one (and the nomenclature
/// column, when present, says NAF rév. 2).
pub fn naf_rev2(code: Option<&str>, nomenclature: Option<&str>) -> Option<String> {
    let code = code?;
    if let Some(n) = nomenclature
        && !n.eq_ignore_ascii_case("NAFRev2")
    {
        return None;
    }
    match Referential::get().naf.get(code) {
        Some(c) if c.level == NafLevel::SousClasse => Some(c.code.clone()),
        _ => None,
    }
}

/// The publishable name of a unit row.
fn unit_name(
    rec: &ByteRecord,
    c: &Cols,
    hidden: bool,
) -> std::result::Result<Option<String>, &'static str> {
    let get = |idx: Option<usize>| text(rec, idx).map_err(|_| "invalid UTF-8");
    if let Some(d) = get(c.denomination)? {
        return Ok(Some(d.to_string()));
    }
    // A person's names are never published for a unit under partial diffusion, even when a
    // file carries them.
    if !hidden && let Some(nom) = get(c.nom_usage)?.or(get(c.nom)?) {
        let prenom = get(c.prenom_usuel)?.or(get(c.prenom1)?);
        return Ok(Some(match prenom {
            Some(p) => format!("{p} {nom}"),
            None => nom.to_string(),
        }));
    }
    Ok(get(c.denomination_usuelle)?
        .or(get(c.sigle)?)
        .map(str::to_string))
}

/// Read the units file and build the table of kept units.
pub(super) fn load(
    f: &mut SireneCsv,
    filters: &Filters,
    known: &HashSet<u32>,
    estab_naf: &HashSet<u32>,
    progress: bool,
    report: &mut SireneReport,
) -> Result<UnitTable> {
    let c = Cols::new(f)?;
    let r = Referential::get();
    let mut table = UnitTable::default();
    let mut progress = progress.then(|| Progress::new("sirene: units", f.size));
    let mut rec = ByteRecord::new();
    loop {
        match f.reader.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                report.units.read += 1;
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.reject(
                    "units",
                    line,
                    vec![FieldError::new("", format!("unreadable CSV row: {e}"))],
                );
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(crate::error::Error::Io(std::io::Error::other(format!(
                        "units file: {e}"
                    ))));
                }
                continue;
            }
        }
        report.units.read += 1;
        if let Some(p) = progress.as_mut()
            && report.units.read % 8192 == 0
        {
            p.update(f.position(), report.units.read, 0);
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let Some(siren) = raw(&rec, Some(c.siren)).and_then(siren_number) else {
            report.reject(
                "units",
                line,
                vec![FieldError::new("siren", "must be 9 digits")],
            );
            continue;
        };
        let ess = raw(&rec, Some(c.ess)) == Some(b"O");
        let legal_form = raw(&rec, c.legal_form).and_then(|b| std::str::from_utf8(b).ok());
        let naf_raw = raw(&rec, c.naf).and_then(|b| std::str::from_utf8(b).ok());
        let naf25 = raw(&rec, c.naf25).and_then(|b| std::str::from_utf8(b).ok());
        let nomenclature = raw(&rec, c.naf_nomenclature).and_then(|b| std::str::from_utf8(b).ok());
        let naf = naf_rev2(naf_raw, nomenclature);
        let selected = ess
            || legal_form.is_some_and(|lf| filters.legal_forms.iter().any(|x| x == lf))
            || filters.naf_matches(naf.as_deref(), naf25);
        let mut flags = 0;
        if selected {
            flags |= KEEP_ALL;
        }
        if known.contains(&siren) {
            flags |= KNOWN;
        }
        if estab_naf.contains(&siren) {
            flags |= ESTAB_NAF;
        }
        if flags == 0 {
            continue;
        }
        if ess {
            flags |= ESS;
        }
        let hidden = raw(&rec, c.statut) == Some(b"P");
        if hidden {
            flags |= HIDDEN;
        }
        let name = match unit_name(&rec, &c, hidden) {
            Ok(n) => n,
            Err(reason) => {
                report.reject(
                    "units",
                    line,
                    vec![FieldError::new("denominationUniteLegale", reason)],
                );
                continue;
            }
        };
        let legal_form = match legal_form {
            Some(lf) if r.legal_form(lf).is_some() => Some(lf),
            Some(_) => {
                report.warn("unknown legal form: dropped");
                None
            }
            None => None,
        };
        if naf.is_none() && naf_raw.is_some() {
            report.warn("unit activity not in NAF rév. 2: dropped");
        }
        let founded = raw(&rec, c.created)
            .filter(|d| d.len() >= 4)
            .and_then(|d| std::str::from_utf8(&d[..4]).ok())
            .and_then(|y| y.parse::<u16>().ok())
            .filter(|y| (1800..=2100).contains(y));
        table.insert(
            siren,
            name.as_deref(),
            legal_form,
            naf.as_deref(),
            founded,
            flags,
        );
        report.units.kept += 1;
    }
    if let Some(p) = progress.as_mut() {
        p.update(f.position(), report.units.read, 0);
        p.finish();
    }
    Ok(table)
}
