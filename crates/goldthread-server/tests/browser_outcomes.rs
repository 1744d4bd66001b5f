//! The outcomes dashboard in a real Chromium: the charts render, the filters work without
//! JavaScript, and the board report opens ready to print. Writes
//! `target/screenshots/outcomes-dashboard.png` for people to look at.

use goldthread_store::Backend;
use goldthread_testkit::browser::Browser;
use goldthread_testkit::TestApp;

const SCREENSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../target/screenshots/outcomes-dashboard.png"
);

/// Waits until the browser has navigated to a URL containing `part` (a click on a link or a
/// submit button starts a navigation that may not have committed when the click returns).
/// Polls; gives up with the URL it is on after a generous number of tries, so a broken
/// navigation fails the test instead of hanging it.
async fn wait_for_url(browser: &Browser, part: &str) -> String {
    let mut url = String::new();
    for _ in 0..1200 {
        url = browser.url().await;
        if url.contains(part) {
            return url;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the browser never reached a URL containing {part:?}; it is on {url}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_member_reads_the_dashboard_filters_it_and_prints_the_report() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser.goto(&app.url("/outcomes")).await;
    browser
        .click("main a[href='/icbs/E54000022/outcomes']")
        .await;
    wait_for_url(&browser, "/icbs/E54000022/outcomes").await;
    assert!(browser
        .title()
        .await
        .contains("Outcomes – Norfolk and Waveney"));
    assert!(
        browser.count("svg.gt-chart").await >= 10,
        "bar, trend, XmR and prevention charts render"
    );
    assert!(
        browser.count("svg.gt-chart title").await >= 10,
        "every chart has a title"
    );
    assert!(browser
        .text("table.accountability")
        .await
        .contains("Great Yarmouth Borough Council"));
    browser.screenshot(SCREENSHOT).await;

    // Filter to Norwich with the form (a plain GET, no JavaScript needed).
    browser.click("#district option[value='E07000148']").await;
    browser.click("form.filters button[type=submit]").await;
    wait_for_url(&browser, "district=E07000148").await;
    let table = browser.text("main").await;
    assert!(table.contains("A smokefree Norwich by 2030"));
    assert!(!table.contains("Fewer physically inactive adults in Great Yarmouth"));

    browser
        .click("a[href^='/icbs/E54000022/outcomes/report?']")
        .await;
    wait_for_url(&browser, "/outcomes/report").await;
    assert!(browser.text("h1").await.contains("Board report"));
    assert_eq!(
        browser.count(".site-nav").await,
        0,
        "the report prints without site navigation"
    );
    browser.close().await;
}
