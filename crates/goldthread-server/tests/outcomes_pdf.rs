//! The board report as a PDF from headless Chromium, over HTTP: a real, multi-page PDF whose
//! document title is the report's.

use goldthread_store::Backend;
use goldthread_testkit::TestApp;

/// Pages in a PDF: the page objects (`/Type /Page`, not `/Pages`).
fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count()
}

/// The document title from the PDF's information dictionary, as a literal or UTF-16 hex string.
fn title(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/Title").expect("a /Title") + "/Title".len();
    let rest = text[at..].trim_start();
    if let Some(lit) = rest.strip_prefix('(') {
        lit[..lit.find(')').unwrap()].to_owned()
    } else {
        let hex = &rest[1..rest.find('>').unwrap()];
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let units: Vec<u16> = bytes
            .chunks(2)
            .skip(1) // the byte-order mark
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_report_comes_back_as_a_multi_page_pdf() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let r = reqwest::get(app.url("/icbs/E54000022/outcomes/report.pdf"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-1."), "a PDF header");
    assert!(
        pdf.windows(5).rev().take(64).any(|w| w == b"%%EOF"),
        "a complete PDF"
    );
    let pages = page_count(&pdf);
    assert!(pages >= 4, "each section starts a page: {pages} pages");
    let t = title(&pdf);
    assert!(
        t.contains("Board report: shared outcomes") && t.contains("Norfolk and Waveney"),
        "{t}"
    );
    let (status, _) = app.get_json("/icbs/E54000008/outcomes/report.pdf").await;
    assert_eq!(status, 404, "an ICS that is not set up");
}
