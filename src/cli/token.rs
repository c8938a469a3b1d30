//! `essor token`: manage API tokens.
use std::path::Path;

use super::Outcome;

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once.
    Create {
        #[arg(long)]
        role: String,
        #[arg(long)]
        siret: Option<String>,
        #[arg(long)]
        siren: Option<String>,
        #[arg(long)]
        event: Option<String>,
    },
}

pub fn run(_data: &Path, _cmd: TokenCommand) -> anyhow::Result<Outcome> {
    Err(super::not_available("token"))
}
