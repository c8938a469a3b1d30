//! Request metrics in the Prometheus text exposition format (version 0.0.4).
//!
//! Counters and latency histograms are kept per method and *route template* (`/api/v1/
//! suppliers/{siret}`, never the raw path, so cardinality stays bounded); unmatched requests
//! count under `unmatched`. Gauges about the store and the index are passed in at scrape time.
//! What this module does not do: collect anything by itself (the middleware records).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS_S: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS_S.len()],
    sum_s: f64,
    count: u64,
}

/// All request metrics of one server.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// (method, route) → latency.
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    in_flight: AtomicU64,
    shed: AtomicU64,
}

/// Store and index figures reported as gauges.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    pub store_seq: i64,
    pub num_suppliers: u64,
    pub num_needs: u64,
    /// `None` while there is no search index.
    pub index_docs: Option<u64>,
    pub index_seq: Option<i64>,
    /// Searches and matches waiting for a query worker, and the number of workers.
    pub query_queue: u64,
    pub query_workers: u64,
}

/// Guard counting one request in flight.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    pub fn record_shed(&self) {
        self.shed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        *self
            .requests
            .lock()
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let s = elapsed.as_secs_f64();
        let mut lat = self.latency.lock();
        let h = lat
            .entry((method.to_string(), route.to_string()))
            .or_default();
        if let Some(i) = BUCKETS_S.iter().position(|b| s <= *b) {
            h.counts[i] += 1;
        }
        h.sum_s += s;
        h.count += 1;
    }

    /// The exposition text.
    pub fn render(&self, g: &Gauges) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP essor_http_requests_total HTTP requests answered, by method, route template and status.\n");
        out.push_str("# TYPE essor_http_requests_total counter\n");
        for ((m, r, s), n) in self.requests.lock().iter() {
            let _ = writeln!(
                out,
                "essor_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {n}",
                escape(m),
                escape(r)
            );
        }
        out.push_str("# HELP essor_http_request_duration_seconds Time to answer HTTP requests, by method and route template.\n");
        out.push_str("# TYPE essor_http_request_duration_seconds histogram\n");
        let lat = self.latency.lock().clone();
        for ((m, r), h) in &lat {
            let labels = format!("method=\"{}\",route=\"{}\"", escape(m), escape(r));
            let mut cumulative = 0;
            for (b, c) in BUCKETS_S.iter().zip(h.counts.iter()) {
                cumulative += c;
                let _ = writeln!(
                    out,
                    "essor_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "essor_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "essor_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum_s
            );
            let _ = writeln!(
                out,
                "essor_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        let gauge = |out: &mut String, name: &str, help: &str, v: String| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        gauge(
            &mut out,
            "essor_http_requests_in_flight",
            "Requests being answered.",
            self.in_flight.load(Ordering::Relaxed).to_string(),
        );
        out.push_str("# HELP essor_http_requests_shed_total Requests refused with 503 because the server was at its concurrency limit.\n");
        out.push_str("# TYPE essor_http_requests_shed_total counter\n");
        let _ = writeln!(
            out,
            "essor_http_requests_shed_total {}",
            self.shed.load(Ordering::Relaxed)
        );
        gauge(
            &mut out,
            "essor_store_sequence",
            "Last sequence number given by the store.",
            g.store_seq.to_string(),
        );
        gauge(
            &mut out,
            "essor_store_suppliers",
            "Live supplier profiles in the store.",
            g.num_suppliers.to_string(),
        );
        gauge(
            &mut out,
            "essor_store_needs",
            "Live needs in the store.",
            g.num_needs.to_string(),
        );
        gauge(
            &mut out,
            "essor_query_workers",
            "Threads running searches and matches.",
            g.query_workers.to_string(),
        );
        gauge(
            &mut out,
            "essor_query_queue",
            "Searches and matches waiting for a query worker.",
            g.query_queue.to_string(),
        );
        if let (Some(docs), Some(seq)) = (g.index_docs, g.index_seq) {
            gauge(
                &mut out,
                "essor_index_documents",
                "Suppliers in the search index.",
                docs.to_string(),
            );
            gauge(
                &mut out,
                "essor_index_sequence",
                "Store sequence the search index has caught up with.",
                seq.to_string(),
            );
            gauge(
                &mut out,
                "essor_index_lag",
                "Store changes not yet in the search index (store sequence minus index sequence).",
                (g.store_seq - seq).max(0).to_string(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labelled_by_route_template() {
        let m = Metrics::default();
        m.record(
            "GET",
            "/api/v1/suppliers/{siret}",
            200,
            Duration::from_micros(700),
        );
        m.record(
            "GET",
            "/api/v1/suppliers/{siret}",
            404,
            Duration::from_millis(30),
        );
        let text = m.render(&Gauges::default());
        assert!(text.contains("essor_http_requests_total{method=\"GET\",route=\"/api/v1/suppliers/{siret}\",status=\"404\"} 1"));
        assert!(text.contains("essor_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/suppliers/{siret}\",le=\"0.001\"} 1"));
        assert!(text.contains("le=\"0.05\"} 2"));
        assert!(text.contains("essor_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/suppliers/{siret}\"} 2"));
    }
}
