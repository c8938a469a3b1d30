//! `essor token create`: create an API token on the command line (whoever can run this on
//! the data directory is an administrator).
//!
//! The token is printed once, alone on the last line of stdout; its id, role and scope go to
//! stderr. Only its hash is stored. What this module does not do: list or revoke tokens.
use std::path::Path;

use super::Outcome;
use crate::api::auth::{TokenSpec, create_token};
use crate::store::Store;

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once.
    Create {
        /// admin, supplier, buyer or organiser.
        #[arg(long)]
        role: String,
        /// Supplier scope: one establishment.
        #[arg(long)]
        siret: Option<String>,
        /// Supplier scope: every establishment of one enterprise.
        #[arg(long)]
        siren: Option<String>,
        /// Organiser scope: one event.
        #[arg(long)]
        event: Option<String>,
        /// Free note: who holds the token.
        #[arg(long)]
        label: Option<String>,
    },
}

pub fn run(data: &Path, cmd: TokenCommand) -> anyhow::Result<Outcome> {
    match cmd {
        TokenCommand::Create {
            role,
            siret,
            siren,
            event,
            label,
        } => {
            let store = Store::open(data)?;
            let spec = TokenSpec {
                role,
                siret,
                siren,
                event,
                label,
            };
            let t = create_token(&store, &spec, "cli")?;
            let r = &t.record;
            let scope = r
                .siret
                .as_ref()
                .map(|s| format!(" siret {s}"))
                .or_else(|| r.siren.as_ref().map(|s| format!(" siren {s}")))
                .or_else(|| r.event.as_ref().map(|e| format!(" event {e}")))
                .unwrap_or_default();
            eprintln!(
                "created {} token {}{scope} (shown once below; only its hash is stored)",
                r.role.as_str(),
                r.id
            );
            println!("{}", t.token);
            Ok(Outcome::Success)
        }
    }
}
