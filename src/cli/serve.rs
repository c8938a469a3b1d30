//! `essor serve` and `essor demo`: the HTTP server.
//!
//! `serve` opens the store in the data directory, makes sure an admin can log in (the
//! `ESSOR_ADMIN_TOKEN` variable, or a first admin token printed once on stdout), binds the
//! address (`127.0.0.1:0` picks a free port), prints `listening on http://ADDR/` on stdout and
//! serves until SIGTERM or Ctrl-C; then in-flight requests finish and the store is flushed.
//! `demo` does the same on 127.0.0.1:8080 after filling an empty data directory with the
//! bundled demo data set. What this module does not do: HTTP handling (`api/`).
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;

use super::Outcome;
use crate::api::{self, ApiConfig, AppState, IndexSync};
use crate::index::SearchIndex;
use crate::store::Store;

/// How often the search index catches up with the store.
const REFRESH_EVERY: Duration = Duration::from_millis(100);

/// Server limits shared by `serve` and `demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerOptions {
    /// Requests answered at once; more are refused with 503 and Retry-After.
    #[arg(long, env = "ESSOR_MAX_CONCURRENCY", default_value_t = 512)]
    pub max_concurrency: usize,
    /// Time allowed to answer one request, in milliseconds.
    #[arg(long, env = "ESSOR_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Largest JSON request body, in bytes.
    #[arg(long, env = "ESSOR_BODY_LIMIT", default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// Largest import body, in bytes.
    #[arg(long, env = "ESSOR_IMPORT_LIMIT", default_value_t = 1 << 30)]
    pub import_limit: u64,
    /// On shutdown, how long in-flight requests may take to finish, in seconds.
    #[arg(long, env = "ESSOR_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "ESSOR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub server: ServerOptions,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "ESSOR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    #[command(flatten)]
    pub server: ServerOptions,
}

fn config(data: &Path, o: &ServerOptions) -> ApiConfig {
    ApiConfig {
        body_limit: o.body_limit,
        import_body_limit: o.import_limit,
        request_timeout: Duration::from_millis(o.request_timeout_ms.max(1)),
        max_concurrency: o.max_concurrency.max(1),
        scratch_dir: data.to_path_buf(),
        ..ApiConfig::default()
    }
}

/// Open everything, bind, print the URL, serve until a signal.
fn run(data: &Path, addr: &str, options: &ServerOptions) -> anyhow::Result<Outcome> {
    let store = Store::open(data)
        .with_context(|| format!("cannot open the store in {}", data.display()))?;
    // Parse the embedded referentials now rather than in the first request.
    let _ = crate::referential::Referential::get();
    let env_token = std::env::var("ESSOR_ADMIN_TOKEN").ok();
    if let Some(token) = api::auth::bootstrap_admin(&store, env_token.as_deref())? {
        println!("first admin token (shown once, keep it): {token}");
    }
    // The index catches up in the refresher: the server answers at once and /readyz says
    // when searches reflect the whole store.
    let index = SearchIndex::open(data)
        .with_context(|| format!("cannot open the search index in {}", data.display()))?;
    let refresher = index.start_refresher(store.clone(), REFRESH_EVERY);
    let state = AppState::new(store, index, IndexSync::Refresher, config(data, options))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        tracing::info!(addr = %local, data = %data.display(), "listening");
        println!("listening on http://{local}/");
        api::serve(
            listener,
            state,
            api::shutdown_signal(),
            Duration::from_secs(options.shutdown_grace_secs),
            Some(refresher),
        )
        .await?;
        anyhow::Ok(())
    })?;
    Ok(Outcome::Success)
}

pub fn run_serve(data: &Path, args: ServeArgs) -> anyhow::Result<Outcome> {
    run(data, &args.addr, &args.server)
}

pub fn run_demo(data: &Path, args: DemoArgs) -> anyhow::Result<Outcome> {
    let _ = (data, args);
    Err(super::not_available(
        "demo (the bundled demo data set is not in this version yet)",
    ))
}
