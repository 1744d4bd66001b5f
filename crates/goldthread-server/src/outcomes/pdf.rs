//! The board report as a PDF, printed by headless Chromium from the same HTML as the printable
//! page (`/report`), with its stylesheets inlined so nothing is fetched. Chromium is found at
//! `GOLDTHREAD_CHROMIUM`, else `chromium` on the PATH; without it the answer says so.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use goldthread_domain::GssCode;

use super::data::SystemData;
use super::Filters;
use crate::AppState;

/// Why the PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The system's data could not be loaded (unknown ICS, database error).
    #[error("{0}")]
    Data(String),
    /// No Chromium to print with.
    #[error(
        "headless Chromium is needed to print the PDF and was not found: set \
         GOLDTHREAD_CHROMIUM to its path, or install chromium so it is on the PATH"
    )]
    ChromiumMissing,
    /// Chromium ran but produced no PDF.
    #[error("Chromium could not print the report: {0}")]
    Chromium(String),
}

/// The Chromium to print with: `GOLDTHREAD_CHROMIUM` if set (and present), else `chromium` (or
/// `chromium-browser`) on the PATH.
pub fn chromium() -> Result<PathBuf, ReportError> {
    if let Some(p) = std::env::var_os("GOLDTHREAD_CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(ReportError::ChromiumMissing)
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
        .ok_or(ReportError::ChromiumMissing)
}

/// Longest a print may take before Chromium is stopped (a hung browser must not hang a request).
const PRINT_LIMIT: Duration = Duration::from_secs(180);

/// Prints an HTML document to PDF bytes with headless Chromium.
pub fn print_html(chromium: &Path, html: &str) -> Result<Vec<u8>, ReportError> {
    let io = |e: std::io::Error| ReportError::Chromium(e.to_string());
    let dir = tempfile::tempdir().map_err(io)?;
    let page = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&page, html).map_err(io)?;
    // The page is our own server-rendered HTML with no scripts, read from a private temporary
    // directory; the sandbox is off so this also works as root and in containers.
    let mut child = Command::new(chromium)
        .arg("--headless")
        .arg("--disable-gpu")
        .arg("--no-sandbox")
        .arg("--no-first-run")
        .arg("--no-pdf-header-footer")
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ReportError::Chromium(format!("{}: {e}", chromium.display())))?;
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(io)? {
            break s;
        }
        if started.elapsed() > PRINT_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(ReportError::Chromium("it did not finish printing".into()));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let bytes = std::fs::read(&pdf).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF-") {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(ReportError::Chromium(format!("exit {status}; {last}")));
    }
    Ok(bytes)
}

/// A loaded system's board report as PDF bytes.
pub(crate) async fn print_report(data: &SystemData) -> Result<Vec<u8>, ReportError> {
    let chromium = chromium()?;
    let html = super::report_markup(data, &Filters::default(), true).into_string();
    tokio::task::spawn_blocking(move || print_html(&chromium, &html))
        .await
        .map_err(|e| ReportError::Chromium(e.to_string()))?
}

/// The board report of the ICS at `icb` as PDF bytes.
pub async fn board_report_pdf(state: &AppState, icb: &GssCode) -> Result<Vec<u8>, ReportError> {
    let data = SystemData::load(state, icb)
        .await
        .map_err(|e| ReportError::Data(e.message))?;
    print_report(&data).await
}
