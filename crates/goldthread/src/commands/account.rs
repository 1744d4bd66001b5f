//! `goldthread account`: add people and grant roles (for the system administrator).

use std::io::Read;

use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{Role, RoleGrant};
use goldthread_server::auth::password::{hash_password, password_problem};
use goldthread_store::{redact_url, NewAccount, Store};

use super::DEFAULT_DATABASE;

/// `goldthread account ...`.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account; the password is read from standard input (omit for sign-in through
    /// OpenID Connect only).
    Add(AddArgs),
    /// List accounts and their roles.
    List(DbArgs),
}

/// The database.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Database URL.
    #[arg(long, env = "GOLDTHREAD_DATABASE", default_value = DEFAULT_DATABASE)]
    database: String,
}

/// Arguments of `goldthread account add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Email address (the sign-in name).
    #[arg(long)]
    email: String,
    /// Name shown on pages.
    #[arg(long)]
    name: String,
    /// A role in an organisation, as ROLE:CODE with the organisation's ODS or GSS code, e.g.
    /// `ig_lead:RM1` or `analyst:E07000145`. Repeat for joint roles.
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// Read a password from standard input.
    #[arg(long)]
    password_stdin: bool,
}

fn parse_role(s: &str) -> anyhow::Result<RoleGrant> {
    let (role, code) = s
        .split_once(':')
        .with_context(|| format!("{s:?}: expected ROLE:ORGANISATION-CODE"))?;
    Ok(RoleGrant {
        organisation: OrganisationId::for_code(code.trim()),
        role: Role::parse(role).map_err(|e| anyhow::anyhow!(e.reason))?,
    })
}

/// Runs an account subcommand.
pub fn run(cmd: AccountCommand) -> anyhow::Result<()> {
    super::runtime()?.block_on(async {
        match cmd {
            AccountCommand::Add(a) => add(a).await,
            AccountCommand::List(db) => {
                let store = open(&db.database).await?;
                for a in store.accounts().await? {
                    let roles: Vec<String> = a
                        .roles
                        .iter()
                        .map(|g| format!("{}@{}", g.role.as_str(), g.organisation))
                        .collect();
                    let demo = if a.is_demo { " (demo)" } else { "" };
                    println!("{}\t{}{demo}\t{}", a.email, a.display_name, roles.join(" "));
                }
                Ok(())
            }
        }
    })
}

async fn open(url: &str) -> anyhow::Result<Store> {
    Store::connect(url)
        .await
        .with_context(|| format!("opening {}", redact_url(url)))
}

async fn add(a: AddArgs) -> anyhow::Result<()> {
    let roles = a
        .roles
        .iter()
        .map(|r| parse_role(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let password_hash = if a.password_stdin {
        let mut pw = String::new();
        std::io::stdin().read_to_string(&mut pw)?;
        let pw = pw.trim_end_matches(['\n', '\r']);
        if let Some(p) = password_problem(pw) {
            anyhow::bail!(p);
        }
        Some(hash_password(pw))
    } else {
        None
    };
    let store = open(&a.db.database).await?;
    for g in &roles {
        store
            .organisation(&g.organisation)
            .await?
            .with_context(|| {
                format!(
                    "no organisation with that code is in the database ({})",
                    g.organisation
                )
            })?;
    }
    let id = store
        .create_account(&NewAccount {
            email: a.email.clone(),
            display_name: a.name,
            password_hash,
            is_demo: false,
            roles,
        })
        .await?;
    println!("added {} ({id})", a.email);
    Ok(())
}
