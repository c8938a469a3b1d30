//! Progress reporting for long imports: an indicatif bar with rate and ETA on a terminal,
//! plain periodic lines on stderr otherwise (logs, CI, pipes).
//!
//! The plain lines also say which input line has been durably committed, so an operator (or
//! a test) knows what survived if the process is killed. Interval: `ESSOR_PROGRESS_INTERVAL_MS`
//! (default 2000).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Progress of one import.
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    started: Instant,
    last_line: Instant,
    interval: Duration,
    total_bytes: Option<u64>,
}

impl Progress {
    /// Start reporting. `total_bytes` (the file size) gives the bar its length and ETA.
    pub fn new(label: &str, total_bytes: Option<u64>) -> Progress {
        let interval = std::env::var("ESSOR_PROGRESS_INTERVAL_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis)
            .unwrap_or(Duration::from_secs(2));
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = match total_bytes {
                Some(n) => ProgressBar::new(n),
                None => ProgressBar::new_spinner(),
            };
            let style = ProgressStyle::with_template(
                "{msg} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, ETA {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(label.to_string());
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            label: label.to_string(),
            started: now,
            last_line: now,
            interval,
            total_bytes,
        }
    }

    /// Report position: bytes consumed, rows read, and the last line durably committed.
    pub fn update(&mut self, bytes: u64, rows: u64, committed_line: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
            bar.set_message(format!("{} — {rows} lignes", self.label));
            return;
        }
        if self.last_line.elapsed() >= self.interval {
            self.last_line = Instant::now();
            let secs = self.started.elapsed().as_secs_f64().max(1e-9);
            let pct = self
                .total_bytes
                .filter(|t| *t > 0)
                .map(|t| format!(" ({:.0}%)", 100.0 * bytes as f64 / t as f64));
            eprintln!(
                "{}: {rows} rows read{}, {:.0} rows/s, committed through line {committed_line}",
                self.label,
                pct.unwrap_or_default(),
                rows as f64 / secs
            );
        }
    }

    /// Stop the bar (or print nothing more in plain mode).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Seconds since the start.
    pub fn elapsed_secs(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}
