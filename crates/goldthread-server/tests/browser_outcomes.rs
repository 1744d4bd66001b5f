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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_member_reads_the_dashboard_filters_it_and_prints_the_report() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser.goto(&app.url("/outcomes")).await;
    browser
        .click("main a[href='/icbs/E54000022/outcomes']")
        .await;
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
    assert!(browser.url().await.contains("district=E07000148"));
    let table = browser.text("main").await;
    assert!(table.contains("A smokefree Norwich by 2030"));
    assert!(!table.contains("Fewer physically inactive adults in Great Yarmouth"));

    browser
        .click("a[href^='/icbs/E54000022/outcomes/report']")
        .await;
    assert!(browser.text("h1").await.contains("Board report"));
    assert_eq!(
        browser.count(".site-nav").await,
        0,
        "the report prints without site navigation"
    );
    browser.close().await;
}
