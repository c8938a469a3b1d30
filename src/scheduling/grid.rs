//! A plain-text grid of a schedule, slots as rows and tables in use as columns, each cell
//! naming the buyer and the supplier who meet there. Used by the human-readable CLI output
//! and by snapshot tests; deterministic and independent of the terminal. It does not check
//! the schedule (meetings outside the grid are listed below it, not dropped silently).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::Solution;
use super::instance::Instance;

/// Render `solution` as a slots × tables grid, with a one-line header giving the objective
/// and the bound. Participants appear by name (or `B<id>` / `S<id>` when unnamed).
pub fn render_grid(instance: &Instance, solution: &Solution) -> String {
    let label = |names: &HashMap<u32, &str>, prefix: char, id: u32| match names.get(&id) {
        Some(name) if !name.is_empty() => (*name).to_string(),
        _ => format!("{prefix}{id}"),
    };
    let buyers: HashMap<u32, &str> = instance
        .buyers
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    let suppliers: HashMap<u32, &str> = instance
        .suppliers
        .iter()
        .map(|p| (p.id, p.name.as_str()))
        .collect();
    // Columns up to the last table in use: an event may have far more tables than meetings.
    let used = solution
        .meetings
        .iter()
        .filter(|m| m.table < instance.num_tables)
        .map(|m| m.table as usize + 1)
        .max();
    let (num_slots, num_tables) = (instance.num_slots as usize, used.unwrap_or(1));
    let mut cells = vec![vec![String::from("."); num_tables]; num_slots];
    let mut outside = Vec::new();
    for m in &solution.meetings {
        let text = format!(
            "{}-{}",
            label(&buyers, 'B', m.b),
            label(&suppliers, 'S', m.s)
        );
        match cells
            .get_mut(m.slot as usize)
            .and_then(|row| row.get_mut(m.table as usize))
        {
            Some(cell) if cell == "." => *cell = text,
            _ => outside.push(format!("slot {} table {}: {text}", m.slot, m.table)),
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} meetings, objective {} (weight {}, shortfall {}), bound {}",
        if instance.name.is_empty() {
            "schedule"
        } else {
            &instance.name
        },
        solution.meetings.len(),
        solution.objective,
        solution.weight,
        solution.shortfall,
        solution.upper_bound
    );
    let head: Vec<String> = (0..num_tables).map(|x| format!("t{x}")).collect();
    let mut width = vec![0usize; num_tables];
    for (x, w) in width.iter_mut().enumerate() {
        *w = cells
            .iter()
            .map(|row| row[x].len())
            .chain([head[x].len()])
            .max()
            .unwrap_or(1);
    }
    let slot_width = format!("{}", num_slots.saturating_sub(1)).len().max(4);
    let row = |first: &str, items: &[String]| -> String {
        let mut line = format!("{first:>slot_width$}");
        for (x, item) in items.iter().enumerate() {
            let _ = write!(line, " | {item:<w$}", w = width[x]);
        }
        line.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", row("slot", &head));
    let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
    let _ = writeln!(
        out,
        "{}",
        row(&"-".repeat(slot_width), &rule).replace(" | ", "-+-")
    );
    for (t, cells) in cells.iter().enumerate() {
        let _ = writeln!(out, "{}", row(&t.to_string(), cells));
    }
    for line in outside {
        let _ = writeln!(out, "outside the grid: {line}");
    }
    out
}
