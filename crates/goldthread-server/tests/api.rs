//! The API as a client sees it: a real server on a random port over a real database, on
//! SQLite and PostgreSQL alike.

use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

fn assert_error_shape(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn health_is_ok(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
}

async fn all_42_icbs_are_listed_with_population_and_councils(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app.get_json("/api/v1/icbs").await;
    assert_eq!(status, 200);
    let icbs = body["icbs"].as_array().unwrap();
    assert_eq!(icbs.len(), 42);
    let total_districts: u64 = icbs
        .iter()
        .map(|i| i["councils"]["district"].as_u64().unwrap())
        .sum();
    // 164 districts, some counted in two ICBs because they are split.
    assert!(total_districts > 164);
    let nw = icbs.iter().find(|i| i["code"] == "E54000022").unwrap();
    assert_eq!(nw["ods_code"], "QMM");
    assert_eq!(nw["councils"]["district"], 8);
    assert!(nw["population"].as_u64().unwrap() > 1_000_000);
}

async fn an_icb_lists_its_district_councils(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app.get_json("/api/v1/icbs/E54000022").await;
    assert_eq!(status, 200, "{body}");
    let districts = body["districts"].as_array().unwrap();
    let names: Vec<&str> = districts
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    for n in ["Norwich", "Breckland", "Great Yarmouth", "East Suffolk"] {
        assert!(names.contains(&n), "{names:?}");
    }
    let es = districts
        .iter()
        .find(|d| d["name"] == "East Suffolk")
        .unwrap();
    assert_eq!(es["split"], true);
    assert!(es["share"].as_f64().unwrap() < 0.6);
    assert_eq!(es["upper_tier"], "E10000029");
    let norwich = districts.iter().find(|d| d["name"] == "Norwich").unwrap();
    assert_eq!(norwich["href"], "/api/v1/areas/E07000148");
    let (status, linked) = app.get_json(norwich["href"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(linked["upper_tier"]["name"], "Norfolk");
}

async fn an_area_shows_tier_parents_and_children(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, county) = app.get_json("/api/v1/areas/E10000020").await;
    assert_eq!(status, 200);
    assert_eq!(county["tier"], "county");
    assert_eq!(county["children"].as_array().unwrap().len(), 7);
    let (_, es) = app.get_json("/api/v1/areas/e07000244").await;
    assert_eq!(
        es["icbs"].as_array().unwrap().len(),
        2,
        "split, with both shares"
    );
}

async fn malformed_and_unknown_codes_get_json_errors(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app.get_json("/api/v1/areas/NOTACODE").await;
    assert_eq!(status, 400);
    assert_error_shape(&body, "invalid_gss_code");
    let (status, body) = app.get_json("/api/v1/areas/E07000999").await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "unknown_area");
    let (status, body) = app.get_json("/api/v1/icbs/E54000999").await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "unknown_icb");
    let (status, body) = app.get_json("/api/v1/icbs/E07000148").await;
    assert_eq!(status, 400);
    assert_error_shape(&body, "not_an_icb_code");
    let (status, body) = app.get_json("/api/v1/nothing-here").await;
    assert_eq!(status, 404);
    assert_error_shape(&body, "not_found");
}

async fn hostile_paths_never_bring_the_server_down(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let long = "E".repeat(10_000);
    let hostile = [
        "/api/v1/areas/%FF%FE",
        "/api/v1/areas/%00",
        "/api/v1/areas/E07000148%20OR%201=1",
        "/api/v1/areas/'%3B%20DROP%20TABLE%20authorities%3B--",
        "/api/v1/areas/%E2%80%AEE07000148",
        "/api/v1/icbs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        &format!("/api/v1/areas/{long}"),
    ];
    for path in hostile {
        let (status, body) = app.get_json(path).await;
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(body["error"]["code"].is_string(), "{path}: {body}");
    }
    let (status, _) = app.get_json("/api/v1/areas/E07000148").await;
    assert_eq!(status, 200, "still serving after hostile input");
    let (status, body) = app.get_json("/api/v1/icbs").await;
    assert_eq!(
        (status, body["count"].as_u64()),
        (200, Some(42)),
        "nothing was dropped"
    );
}

async fn an_empty_database_says_what_to_do(backend: Backend) {
    let app = TestApp::empty(backend).await;
    let (status, body) = app.get_json("/api/v1/icbs").await;
    assert_eq!(status, 503);
    assert_error_shape(&body, "no_reference_geography");
}

async fn the_home_page_says_what_the_instance_holds(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let r = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = r.text().await.unwrap();
    assert!(html.contains("Norfolk and Waveney"));
    assert!(html.contains("42 integrated care boards"));
    assert!(
        html.contains("href=\"/icbs/E54000022\""),
        "links to the ICS overview page"
    );
    assert!(html.contains("Open Government Licence"));
}

on_both_backends!(
    health_is_ok,
    all_42_icbs_are_listed_with_population_and_councils,
    an_icb_lists_its_district_councils,
    an_area_shows_tier_parents_and_children,
    malformed_and_unknown_codes_get_json_errors,
    hostile_paths_never_bring_the_server_down,
    an_empty_database_says_what_to_do,
    the_home_page_says_what_the_instance_holds,
);
