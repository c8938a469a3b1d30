//! Load generator for a running `essor serve`: N keep-alive connections (default 64) send a
//! fixed-seed mix of supplier searches (text, geographic, filtered, and combinations) for a
//! given time, then it reports requests/s, latency percentiles and errors.
//!
//! ```text
//! essor --data DIR serve --addr 127.0.0.1:8080 &
//! cargo bench --bench load -- --url http://127.0.0.1:8080 [--connections 64] [--secs 30]
//!     [--warmup-secs 5] [--mix search|text-geo-filter|referential] [--seed 1]
//! ```
//! Without `--url` (or `ESSOR_LOAD_URL`) it prints this usage and exits 0, so `cargo bench`
//! and `cargo bench --no-run` stay harmless. The client is a minimal HTTP/1.1 keep-alive
//! client on tokio (one connection per task, no pooling layer) so that as little CPU as
//! possible is taken from the server on a small machine. Any answer other than 200, and any
//! connection error, counts as an error. What it does not do: start or fill the server.

use std::time::{Duration, Instant};

use essor::referential::Referential;
use essor::util::Rng;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Options {
    url: String,
    connections: usize,
    secs: u64,
    warmup_secs: u64,
    mix: String,
    seed: u64,
}

fn usage() {
    eprintln!(
        "usage: cargo bench --bench load -- --url http://HOST:PORT [--connections 64] [--secs 30] [--warmup-secs 5] [--mix search|text-geo-filter|referential] [--seed 1]"
    );
}

fn parse_args() -> Option<Options> {
    let mut o = Options {
        url: std::env::var("ESSOR_LOAD_URL").unwrap_or_default(),
        connections: 64,
        secs: 30,
        warmup_secs: 5,
        mix: "search".into(),
        seed: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_default();
        match a.as_str() {
            "--url" => o.url = val(),
            "--connections" => o.connections = val().parse().unwrap_or(64),
            "--secs" => o.secs = val().parse().unwrap_or(30),
            "--warmup-secs" => o.warmup_secs = val().parse().unwrap_or(5),
            "--mix" => o.mix = val(),
            "--seed" => o.seed = val().parse().unwrap_or(1),
            // cargo bench passes --bench; ignore anything else.
            _ => {}
        }
    }
    (!o.url.is_empty()).then_some(o)
}

/// Percent-encode a query value.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const WORDS: &[&str] = &[
    "nettoyage",
    "espaces verts",
    "entretien des locaux",
    "blanchisserie",
    "traiteur",
    "restauration collective",
    "menuiserie",
    "imprimerie",
    "reprographie",
    "conditionnement",
    "logistique",
    "déménagement",
    "recyclage",
    "collecte des déchets",
    "informatique",
    "numérisation",
    "bâtiment second œuvre",
    "peinture",
    "maraîchage bio",
    "paniers de légumes",
    "couture",
    "mise à disposition de personnel",
    "travaux paysagers",
    "élagage",
    "propreté urbaine",
    "tri de courrier",
    "sous-traitance industrielle",
    "jardinage",
    "laverie",
    "entretien de véhicules",
];

const KINDS: &[&str] = &[
    "ESAT",
    "EA",
    "EI",
    "ACI",
    "AI",
    "ETTI",
    "ESAT,EA",
    "EI,ACI,AI",
];
const RESERVED: &[&str] = &["L2113-12", "L2113-13", "L2113-12-13", "L2113-15"];
const CPV: &[&str] = &[
    "77310000", "90910000", "55520000", "79810000", "98310000", "45440000", "90500000", "79530000",
    "50110000",
];

/// A fixed-seed list of request paths: the issue's goal class only (text + radius around a
/// town + a structure-kind or reserved-route filter, top 10).
fn text_geo_filter_mix(seed: u64, n: usize) -> Vec<String> {
    let r = Referential::get();
    let towns: Vec<_> = r
        .communes
        .all()
        .iter()
        .filter(|c| c.population >= 5_000 && c.center.is_some())
        .collect();
    let mut rng = Rng::derive(seed, "load-tgf");
    (0..n)
        .map(|_| {
            let town = rng.pick(&towns);
            let p = town.center.expect("filtered on a centre");
            let radius = *rng.pick(&[10, 20, 30, 50, 80]);
            let filter = if rng.chance(0.5) {
                format!("kinds={}", enc(rng.pick::<&str>(KINDS)))
            } else {
                format!("reserved={}", rng.pick(RESERVED))
            };
            format!(
                "/api/v1/suppliers?q={}&near={:.4},{:.4}&radius_km={radius}&{filter}&per_page=10",
                enc(rng.pick::<&str>(WORDS)),
                p.lat,
                p.lon
            )
        })
        .collect()
}

/// A fixed-seed list of request paths.
fn search_mix(seed: u64, n: usize) -> Vec<String> {
    let r = Referential::get();
    // Places weighted towards where people and suppliers are: communes over 20,000 people.
    let towns: Vec<_> = r
        .communes
        .all()
        .iter()
        .filter(|c| c.population >= 20_000 && c.center.is_some())
        .collect();
    let mut rng = Rng::derive(seed, "load-mix");
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let town = rng.pick(&towns);
        let p = town.center.unwrap_or(essor::model::GeoPoint {
            lat: 46.6,
            lon: 2.4,
        });
        let radius = *rng.pick(&[10, 20, 30, 50, 80]);
        let word = rng.pick(WORDS);
        let q = match rng.below(8) {
            // text only
            0 => format!("q={}", enc(word)),
            // geographic only
            1 => format!("near={:.4},{:.4}&radius_km={radius}", p.lat, p.lon),
            // filters only
            2 => format!("kinds={}", enc(rng.pick::<&str>(KINDS))),
            3 => format!(
                "reserved={}&serves=commune:{}",
                rng.pick(RESERVED),
                town.code
            ),
            // text + geo
            4 => format!(
                "q={}&near={:.4},{:.4}&radius_km={radius}",
                enc(word),
                p.lat,
                p.lon
            ),
            // text + geo + filter
            5 => format!(
                "q={}&near={:.4},{:.4}&radius_km={radius}&kinds={}",
                enc(word),
                p.lat,
                p.lon,
                enc(rng.pick::<&str>(KINDS))
            ),
            // cpv + serves + sort by distance
            6 => format!(
                "cpv={}&near={:.4},{:.4}&radius_km={radius}&sort=distance",
                rng.pick(CPV),
                p.lat,
                p.lon
            ),
            // text + reserved + paging
            _ => format!(
                "q={}&reserved={}&page={}&per_page=20",
                enc(word),
                rng.pick(RESERVED),
                1 + rng.below(3)
            ),
        };
        out.push(format!("/api/v1/suppliers?{q}"));
    }
    out
}

/// Cheap routes, to measure the server and client overhead alone.
fn referential_mix(seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng::derive(seed, "load-ref");
    let names = [
        "albi", "toul", "saint", "mont", "ly", "mars", "nan", "bor", "lil", "str",
    ];
    (0..n)
        .map(|_| match rng.below(3) {
            0 => format!("/api/v1/communes?q={}&limit=5", rng.pick(&names)),
            1 => "/api/v1/cpv/90911200".to_string(),
            _ => "/api/v1/healthz".to_string(),
        })
        .collect()
}

/// A minimal HTTP/1.1 keep-alive connection.
struct Conn {
    host: String,
    stream: BufReader<TcpStream>,
    body: Vec<u8>,
}

impl Conn {
    async fn open(host: &str) -> std::io::Result<Conn> {
        let s = TcpStream::connect(host).await?;
        s.set_nodelay(true)?;
        Ok(Conn {
            host: host.to_string(),
            stream: BufReader::with_capacity(64 * 1024, s),
            body: Vec::new(),
        })
    }

    /// GET a path; returns the status.
    async fn get(&mut self, path: &str) -> std::io::Result<u16> {
        let req = format!(
            "GET {path} HTTP/1.1\r\nhost: {}\r\naccept: application/json\r\n\r\n",
            self.host
        );
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(std::io::Error::other("connection closed in headers"));
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().ok();
                } else if k.eq_ignore_ascii_case("transfer-encoding")
                    && v.to_ascii_lowercase().contains("chunked")
                {
                    chunked = true;
                }
            }
        }
        self.body.clear();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .map_err(std::io::Error::other)?;
                let start = self.body.len();
                self.body.resize(start + size + 2, 0);
                self.stream.read_exact(&mut self.body[start..]).await?;
                self.body.truncate(start + size);
                if size == 0 {
                    break;
                }
            }
        } else {
            let n = length.ok_or_else(|| std::io::Error::other("no content-length"))?;
            self.body.resize(n, 0);
            self.stream.read_exact(&mut self.body).await?;
        }
        Ok(status)
    }
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    errors: u64,
    statuses: std::collections::BTreeMap<u16, u64>,
    first_error: Option<String>,
}

async fn worker(
    host: String,
    paths: std::sync::Arc<Vec<String>>,
    offset: usize,
    measure_from: Instant,
    until: Instant,
) -> Tally {
    let mut t = Tally::default();
    let mut conn: Option<Conn> = None;
    let mut i = offset;
    while Instant::now() < until {
        let path = &paths[i % paths.len()];
        i += 1;
        if conn.is_none() {
            match Conn::open(&host).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    t.errors += 1;
                    t.first_error.get_or_insert(format!("connect: {e}"));
                    continue;
                }
            }
        }
        let start = Instant::now();
        let res = conn.as_mut().unwrap().get(path).await;
        let elapsed = start.elapsed();
        let counted = start >= measure_from;
        match res {
            Ok(status) => {
                if counted {
                    *t.statuses.entry(status).or_default() += 1;
                    t.latencies_us
                        .push(elapsed.as_micros().min(u32::MAX as u128) as u32);
                    if status != 200 {
                        t.errors += 1;
                        t.first_error.get_or_insert_with(|| {
                            format!(
                                "{status} for {path}: {}",
                                String::from_utf8_lossy(&conn.as_ref().unwrap().body)
                            )
                        });
                    }
                }
            }
            Err(e) => {
                conn = None;
                if counted {
                    t.errors += 1;
                    t.first_error.get_or_insert(format!("{path}: {e}"));
                }
            }
        }
    }
    t
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    f64::from(sorted[idx.min(sorted.len() - 1)]) / 1000.0
}

fn main() {
    let Some(o) = parse_args() else {
        usage();
        eprintln!("load: no --url given (or ESSOR_LOAD_URL); nothing to do");
        return;
    };
    let host = o
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let paths = match o.mix.as_str() {
        "referential" => referential_mix(o.seed, 10_000),
        "text-geo-filter" => text_geo_filter_mix(o.seed, 10_000),
        _ => search_mix(o.seed, 10_000),
    };
    let paths = std::sync::Arc::new(paths);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(o.warmup_secs);
    let until = measure_from + Duration::from_secs(o.secs);
    eprintln!(
        "load: {} connections to {host}, mix {}, {} s warm-up + {} s measured",
        o.connections, o.mix, o.warmup_secs, o.secs
    );
    let tallies: Vec<Tally> = runtime.block_on(async {
        let handles: Vec<_> = (0..o.connections)
            .map(|c| {
                tokio::spawn(worker(
                    host.clone(),
                    paths.clone(),
                    c * 997,
                    measure_from,
                    until,
                ))
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.push(h.await.expect("worker task"));
        }
        out
    });
    let measured = until.saturating_duration_since(measure_from).as_secs_f64();
    let mut all: Vec<u32> = tallies
        .iter()
        .flat_map(|t| t.latencies_us.iter().copied())
        .collect();
    all.sort_unstable();
    let errors: u64 = tallies.iter().map(|t| t.errors).sum();
    let mut statuses = std::collections::BTreeMap::new();
    for t in &tallies {
        for (s, n) in &t.statuses {
            *statuses.entry(*s).or_insert(0u64) += n;
        }
    }
    let rps = all.len() as f64 / measured;
    println!(
        "{{\"mix\":\"{}\",\"connections\":{},\"seconds\":{measured:.1},\"requests\":{},\"requests_per_s\":{rps:.0},\"p50_ms\":{:.2},\"p90_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2},\"errors\":{errors},\"statuses\":{:?}}}",
        o.mix,
        o.connections,
        all.len(),
        percentile(&all, 50.0),
        percentile(&all, 90.0),
        percentile(&all, 99.0),
        percentile(&all, 100.0),
        statuses,
    );
    if let Some(e) = tallies.iter().find_map(|t| t.first_error.clone()) {
        eprintln!("load: first error: {e}");
    }
}
