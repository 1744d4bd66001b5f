//! The `goldthread` command line: parses arguments, sets up logging, and calls the libraries.
#![forbid(unsafe_code)]

mod commands;
mod telemetry;

use clap::{Parser, Subcommand};

/// The server answers many small requests and the linkage engine builds many small values:
/// mimalloc spends markedly less time allocating than the system allocator at both.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// goldthread: the platform an English integrated care system runs on.
///
/// Start with `goldthread serve`: it opens (or creates) the embedded database, loads the
/// Norfolk and Waveney demo on first start, and prints the address to open.
#[derive(Debug, Parser)]
#[command(name = "goldthread", version, propagate_version = true)]
struct Cli {
    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(
        long,
        global = true,
        env = "GOLDTHREAD_LOG_FORMAT",
        default_value = "pretty"
    )]
    log_format: telemetry::LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (API and pages).
    Serve(commands::serve::ServeArgs),
    /// Create or reset the Norfolk and Waveney demo ICS in a database.
    Demo(commands::demo::DemoArgs),
    /// Look up an authority or ICB in the reference geography, or export the lookup.
    #[command(subcommand)]
    Geography(commands::geography::GeographyCommand),
    /// Compute public-health statistics (OHID methods) from a CSV of counts.
    Stats(commands::stats::StatsArgs),
    /// Link records across partners (Fellegi-Sunter, optionally privacy-preserving).
    #[command(subcommand)]
    Link(commands::link::LinkCommand),
    /// Check the audit trail's hash chain.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Add and list sign-in accounts.
    #[command(subcommand)]
    Account(commands::account::AccountCommand),
    /// Import indicators: Fingertips exports and partners' counts.
    #[command(subcommand)]
    Indicators(commands::indicators::IndicatorsCommand),
    /// Check programme budget ledgers.
    #[command(subcommand)]
    Ledger(commands::ledger::LedgerCommand),
    /// Programmes: their measures as local indicators on the outcomes framework.
    #[command(subcommand)]
    Programmes(commands::programmes::ProgrammesCommand),
    /// Data-sharing agreements: review reminders.
    #[command(subcommand)]
    Agreements(commands::agreements::AgreementsCommand),
    /// Reports: the outcomes board report as a PDF.
    #[command(subcommand)]
    Report(commands::report::ReportCommand),
    /// Import and export the service directory as Open Referral UK JSON.
    #[command(subcommand)]
    Directory(commands::directory::DirectoryCommand),
    /// Import and export organisations as CSV.
    #[command(subcommand)]
    Organisations(commands::organisations::OrganisationsCommand),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let result = match cli.command {
        Command::Serve(args) => commands::serve::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Geography(cmd) => commands::geography::run(cmd),
        Command::Stats(args) => commands::stats::run(args),
        Command::Link(cmd) => commands::link::run(cmd),
        Command::Audit(cmd) => commands::audit::run(cmd),
        Command::Account(cmd) => commands::account::run(cmd),
        Command::Indicators(cmd) => commands::indicators::run(cmd),
        Command::Ledger(cmd) => commands::ledger::run(cmd),
        Command::Programmes(cmd) => commands::programmes::run(cmd),
        Command::Agreements(cmd) => commands::agreements::run(cmd),
        Command::Report(cmd) => commands::report::run(cmd),
        Command::Directory(cmd) => commands::directory::run(cmd),
        Command::Organisations(cmd) => commands::organisations::run(cmd),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
