//! The map pages in a real headless Chromium: open the ICS overview and see its map, search the
//! directory, open a service. Writes `target/screenshots/ics-overview.png` for reviewers.

use goldthread_store::Backend;
use goldthread_testkit::browser::Browser;
use goldthread_testkit::TestApp;

fn screenshot_path(name: &str) -> std::path::PathBuf {
    // The workspace's target directory, wherever CARGO_TARGET_DIR points the build.
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/screenshots")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_opens_the_overview_sees_the_map_searches_and_opens_a_service() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;

    browser.goto(&app.url("/")).await;
    browser.click("a[href='/icbs/E54000022']").await;
    assert!(browser.title().await.starts_with("Norfolk and Waveney"));
    assert_eq!(browser.text("h1").await, "Norfolk and Waveney");
    assert_eq!(
        browser.count("svg#ics-map").await,
        1,
        "the map is on the page"
    );
    assert_eq!(
        browser.count("svg#ics-map path[data-code^='E07']").await,
        8,
        "eight districts are drawn"
    );
    let label = browser
        .attribute("svg#ics-map a[aria-label^='Norwich']", "aria-label")
        .await
        .expect("Norwich is labelled");
    assert!(label.contains("district"), "{label}");
    browser
        .screenshot(screenshot_path("ics-overview.png"))
        .await;

    browser.click("nav.site-nav a[href='/directory']").await;
    browser.fill("#text", "debt advice").await;
    browser.click("form.search-form button[type=submit]").await;
    browser.wait_for_url("text=debt").await;
    let count = browser.text("#result-count").await;
    assert!(!count.starts_with("0 "), "{count}");
    let first = browser.text("ol.results li h2 a").await;
    assert!(
        first.to_lowercase().contains("debt") || first.to_lowercase().contains("money"),
        "{first}"
    );

    browser.click("ol.results li h2 a").await;
    browser.wait_for_url("/directory/services/").await;
    assert_eq!(browser.text("h1").await, first);
    assert!(browser.text("main").await.contains("Last verified"));
    browser.close().await;
}
