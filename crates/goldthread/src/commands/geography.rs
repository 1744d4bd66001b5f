//! `goldthread geography`: look up authorities and ICBs, export the lookup.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Subcommand;
use goldthread_domain::geography::views::{AreaDetail, CouncilInIcb, IcbDetail};
use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::{GssCode, GssEntity};
use goldthread_store::Store;

/// The `goldthread geography` subcommands.
#[derive(Debug, Subcommand)]
pub enum GeographyCommand {
    /// Print one authority (any tier) or ICB, by GSS code, e.g. E07000148 or E54000022.
    Show {
        /// The GSS code.
        code: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Read the geography from this database instead of the copy built into goldthread.
        #[arg(long, env = "GOLDTHREAD_DATABASE")]
        database: Option<String>,
    },
    /// List every ICB with its population and councils.
    Icbs {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Read the geography from this database instead of the copy built into goldthread.
        #[arg(long, env = "GOLDTHREAD_DATABASE")]
        database: Option<String>,
    },
    /// Export the authority-to-ICB lookup as CSV: one row per authority and ICB it lies in.
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Read the geography from this database instead of the copy built into goldthread.
        #[arg(long, env = "GOLDTHREAD_DATABASE")]
        database: Option<String>,
    },
}

fn geography(database: Option<&str>) -> anyhow::Result<ReferenceGeography> {
    let Some(url) = database else {
        return Ok(ReferenceGeography::england_2024());
    };
    super::runtime()?.block_on(async {
        let store = Store::connect(url).await?;
        store
            .reference_geography()
            .await?
            .context("that database has no reference geography; run `goldthread demo` on it")
    })
}

/// Runs a `goldthread geography` subcommand.
pub fn run(cmd: GeographyCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cmd {
        GeographyCommand::Show {
            code,
            json,
            database,
        } => {
            let code = GssCode::parse(&code)?;
            let geo = geography(database.as_deref())?;
            if code.entity() == GssEntity::IntegratedCareBoard {
                let d = geo
                    .icb_detail(&code)
                    .with_context(|| format!("no ICB has the code {code}"))?;
                if json {
                    serde_json::to_writer_pretty(&mut out, &d)?;
                    writeln!(out)?;
                } else {
                    print_icb(&mut out, &d)?;
                }
            } else {
                let Some(a) = geo.area_detail(&code) else {
                    bail!(
                        "no local authority has the code {code} in the {} geography",
                        geo.vintage
                    )
                };
                if json {
                    serde_json::to_writer_pretty(&mut out, &a)?;
                    writeln!(out)?;
                } else {
                    print_area(&mut out, &a)?;
                }
            }
        }
        GeographyCommand::Icbs { json, database } => {
            let geo = geography(database.as_deref())?;
            let icbs: Vec<_> = geo.icbs().iter().map(|i| geo.icb_summary(i)).collect();
            if json {
                serde_json::to_writer_pretty(&mut out, &icbs)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:<10} {:<4} {:<58} {:>10} {:>8}",
                    "code", "ods", "ICB", "population", "councils"
                )?;
                for s in icbs {
                    writeln!(
                        out,
                        "{:<10} {:<4} {:<58} {:>10} {:>8}",
                        s.code,
                        s.ods_code,
                        s.short_name,
                        s.population,
                        s.councils.total()
                    )?;
                }
            }
        }
        GeographyCommand::Export {
            out: path,
            database,
        } => {
            let geo = geography(database.as_deref())?;
            match path {
                Some(p) => {
                    let f = std::fs::File::create(&p)
                        .with_context(|| format!("creating {}", p.display()))?;
                    export(f, &geo)?;
                }
                None => export(&mut out, &geo)?,
            }
        }
    }
    Ok(())
}

/// Writes the lookup: each district or unitary authority once per ICB it lies in, with its share.
fn export(w: impl Write, geo: &ReferenceGeography) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "authority_code",
        "authority_name",
        "tier",
        "upper_tier_code",
        "upper_tier_name",
        "region_code",
        "region_name",
        "icb_code",
        "icb_ods_code",
        "icb_name",
        "share_of_authority",
        "population_mid2020",
    ])?;
    for a in geo
        .authorities()
        .iter()
        .filter(|a| a.tier.holds_lower_tier_functions())
    {
        let upper = geo
            .authority(&a.upper_tier)
            .map(|u| u.name.as_str())
            .unwrap_or_default();
        for s in geo.icb_shares_of(&a.code) {
            let icb = geo.icb(&s.icb).context("share names an unknown ICB")?;
            csv.write_record([
                a.code.as_str(),
                &a.name,
                a.tier.as_str(),
                a.upper_tier.as_str(),
                upper,
                a.region.code.as_str(),
                &a.region.name,
                icb.code.as_str(),
                icb.ods_code.as_str(),
                &icb.name,
                &format!("{:.6}", s.share()),
                &a.population_mid2020
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            ])?;
        }
    }
    csv.flush()?;
    Ok(())
}

fn print_area(out: &mut impl Write, a: &AreaDetail) -> anyhow::Result<()> {
    writeln!(out, "{} ({})", a.name, a.code)?;
    writeln!(out, "  tier:        {}", a.tier_label)?;
    writeln!(out, "  region:      {} ({})", a.region.name, a.region.code)?;
    if let Some(p) = a.population_mid2020 {
        writeln!(out, "  population:  {p} (mid-2020)")?;
    }
    match &a.upper_tier {
        Some(u) => writeln!(out, "  upper tier:  {} ({})", u.name, u.code)?,
        None => writeln!(out, "  upper tier:  itself")?,
    }
    for i in &a.icbs {
        let share = i.share.unwrap_or(1.0);
        writeln!(
            out,
            "  ICB:         {} ({}), {:.1}% of the authority",
            i.name,
            i.code,
            share * 100.0
        )?;
    }
    for c in &a.children {
        writeln!(out, "  district:    {} ({})", c.name, c.code)?;
    }
    Ok(())
}

fn print_icb(out: &mut impl Write, d: &IcbDetail) -> anyhow::Result<()> {
    let s = &d.summary;
    writeln!(out, "{} ({}, ODS {})", s.name, s.code, s.ods_code)?;
    writeln!(
        out,
        "  population:  {} (mid-2020, split councils apportioned)",
        s.population
    )?;
    let groups: [(&str, &Vec<CouncilInIcb>); 5] = [
        ("County councils", &d.counties),
        ("District councils", &d.districts),
        ("Unitary authorities", &d.unitaries),
        ("Metropolitan boroughs", &d.metropolitan),
        ("London boroughs", &d.london_boroughs),
    ];
    for (label, councils) in groups.into_iter().filter(|(_, c)| !c.is_empty()) {
        writeln!(out, "  {label}:")?;
        for c in councils {
            let part = if c.share < 1.0 {
                format!(", {:.1}% in this ICB", c.share * 100.0)
            } else {
                String::new()
            };
            writeln!(out, "    {:<10} {}{part}", c.code.as_str(), c.name)?;
        }
    }
    Ok(())
}
