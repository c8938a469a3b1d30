//! `essor serve` and `essor demo`: the HTTP server.
use std::path::Path;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ESSOR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, env = "ESSOR_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
}

pub fn run_serve(_data: &Path, _args: ServeArgs) -> anyhow::Result<Outcome> {
    Err(super::not_available("serve"))
}

pub fn run_demo(_data: &Path, _args: DemoArgs) -> anyhow::Result<Outcome> {
    Err(super::not_available("demo"))
}
