//! Mapping the system, as a client sees it: the Open Referral UK API (validated against the ORUK
//! schemas in `../shared`), who is responsible for what, and the representation report, on
//! SQLite and PostgreSQL alike.

use std::path::PathBuf;

use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

/// The ORUK specification directory: `GOLDTHREAD_SHARED` or `../shared` from the workspace root.
fn oruk_dir() -> PathBuf {
    let shared = std::env::var("GOLDTHREAD_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("specs/openreferral-uk")
}

fn schema(path: &str) -> Value {
    let p = oruk_dir().join(path);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()));
    serde_json::from_str(&text).expect("schema is JSON")
}

/// The page object's schema from ORUK's OpenAPI document.
fn page_schema() -> Value {
    schema("schema/openapi.json")["components"]["schemas"]["Page"].clone()
}

fn assert_valid(schema: &Value, instance: &Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("the ORUK schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the ORUK schema:\n{}",
        errors.join("\n")
    );
}

async fn a_text_search_answers_in_the_oruk_page_shape(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, page) = app.get_json("/services?text=debt+advice&per_page=5").await;
    assert_eq!(status, 200, "{page}");
    assert_valid(&page_schema(), &page, "the page");
    for key in [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ] {
        assert!(page.get(key).is_some(), "{key} missing from {page}");
    }
    let item_schema = schema("schema/compiled/service_list.json");
    let contents = page["contents"].as_array().unwrap();
    assert!(!contents.is_empty());
    for s in contents {
        assert_valid(&item_schema, s, "a listed service");
        let text = format!("{} {}", s["name"], s["description"]).to_lowercase();
        assert!(text.contains("debt") || text.contains("money"), "{text}");
    }
    let total = page["total_items"].as_u64().unwrap();
    assert!(total > 5, "the demo has a debt service in every district");
    assert_eq!(page["size"], 5);
    assert_eq!(page["total_pages"].as_u64().unwrap(), total.div_ceil(5));
    assert_eq!(
        (page["first_page"].as_bool(), page["last_page"].as_bool()),
        (Some(true), Some(false))
    );
}

async fn a_full_service_record_passes_the_oruk_service_schema(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (_, page) = app
        .get_json("/services?text=Disabled+Facilities+Grants")
        .await;
    let id = page["contents"][0]["id"]
        .as_str()
        .expect("a DFG service")
        .to_owned();
    let (status, service) = app.get_json(&format!("/services/{id}")).await;
    assert_eq!(status, 200, "{service}");
    assert_valid(
        &schema("schema/compiled/service.json"),
        &service,
        "the service",
    );
    assert_eq!(service["id"], id.as_str());
    assert!(!service["schedules"].as_array().unwrap().is_empty());
    assert!(service["schedules"][0]["byday"]
        .as_str()
        .unwrap()
        .contains("MO"));
    let area = &service["service_areas"][0];
    assert_eq!(area["extent_type"], "gss_code");
    assert!(area["extent"].as_str().unwrap().starts_with("E0"));
    assert_eq!(
        service["attributes"][0]["taxonomy_term"]["name"],
        "Disabled Facilities Grants"
    );
}

async fn organisations_and_taxonomy_terms_are_listed_in_pages(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, orgs) = app.get_json("/organizations?per_page=100").await;
    assert_eq!(status, 200);
    assert_valid(&page_schema(), &orgs, "the organizations page");
    let item = schema("schema/compiled/organization_list.json");
    for o in orgs["contents"].as_array().unwrap() {
        assert_valid(&item, o, "an organization");
    }
    let icb = orgs["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| {
            o["name"]
                .as_str()
                .unwrap()
                .contains("Integrated Care Board")
        })
        .expect("the ICB is listed");
    assert!(icb["organization_identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["identifier"] == "QMM" && i["identifier_scheme"] == "GB-NHS"));
    let (status, terms) = app.get_json("/taxonomy_terms").await;
    assert_eq!(status, 200);
    assert!(terms["total_items"].as_u64().unwrap() >= 10);
}

async fn filters_narrow_the_search_and_bad_ones_are_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (_, terms) = app.get_json("/taxonomy_terms?per_page=50").await;
    let housing = terms["contents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "housing_options")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, all) = app
        .get_json(&format!("/services?taxonomy_term_id={housing}"))
        .await;
    let (_, norwich) = app
        .get_json(&format!(
            "/services?taxonomy_term_id={housing}&service_area=E07000148"
        ))
        .await;
    let all_n = all["total_items"].as_u64().unwrap();
    let norwich_n = norwich["total_items"].as_u64().unwrap();
    assert!(
        norwich_n >= 1 && norwich_n < all_n,
        "{norwich_n} of {all_n}"
    );
    // A county-wide service reaches residents of each of its districts.
    let (_, smoking) = app
        .get_json("/services?text=smoking&service_area=E07000148")
        .await;
    assert!(smoking["contents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "Smokefree Norfolk"));
    // A town that is not a council area is found by name.
    let (_, gorleston) = app.get_json("/services?service_area=Gorleston").await;
    assert!(gorleston["total_items"].as_u64().unwrap() >= 1);
    for bad in [
        "/services?per_page=0",
        "/services?page=x",
        "/services?organization_id=nope",
        "/services/not-a-uuid",
    ] {
        let (status, body) = app.get_json(bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let (status, _) = app
        .get_json("/services/00000000-0000-4000-8000-000000000000")
        .await;
    assert_eq!(status, 404);
}

async fn the_county_is_responsible_for_adult_social_care_in_norwich(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, body) = app
        .get_json("/api/v1/responsible?function=adult_social_care&area=E07000148")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["responsible"][0]["code"], "E10000020");
    let (_, body) = app
        .get_json("/api/v1/responsible?function=housing&area=E07000148")
        .await;
    assert_eq!(body["responsible"][0]["code"], "E07000148");
    let (status, body) = app
        .get_json("/api/v1/responsible?function=bins&area=E07000148")
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("leisure_and_green_spaces"));
    let (status, _) = app.get_json("/api/v1/responsible?function=housing").await;
    assert_eq!(status, 400);
}

async fn the_representation_report_names_districts_without_an_icb_seat(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, r) = app.get_json("/api/v1/icbs/E54000022/representation").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["elected_councillors_on_icb"], 1);
    let missing: Vec<&str> = r["districts_without_icb_seat"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(missing.len(), 7, "{missing:?}");
    assert!(!missing.contains(&"South Norfolk"));
    assert!(r["districts_without_local_partnership"]
        .as_array()
        .unwrap()
        .is_empty());
    let icp_missing = r["districts_without_icp_seat"].as_array().unwrap();
    assert!(icp_missing.iter().any(|d| d["name"] == "North Norfolk"));
    let (status, _) = app.get_json("/api/v1/icbs/E07000148/representation").await;
    assert_eq!(status, 400);
}

async fn the_pages_render_with_the_map_and_the_directory(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let (status, html) = app.get_text("/icbs/E54000022").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg") && html.contains("role=\"img\""));
    assert_eq!(
        html.matches("data-code=\"E07").count(),
        8,
        "eight districts drawn"
    );
    let (status, html) = app
        .get_text("/directory?text=leisure&service_area=E07000145")
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Marina Centre"),
        "Great Yarmouth's leisure centre is found"
    );
    let (status, html) = app.get_text("/directory/duplicates").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Debt and money advice"),
        "duplicate debt services are found"
    );
    for path in ["/icbs/E54000022/representation", "/directory/review"] {
        let (status, _) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
    }
}

on_both_backends!(
    a_text_search_answers_in_the_oruk_page_shape,
    a_full_service_record_passes_the_oruk_service_schema,
    organisations_and_taxonomy_terms_are_listed_in_pages,
    filters_narrow_the_search_and_bad_ones_are_refused,
    the_county_is_responsible_for_adult_social_care_in_norwich,
    the_representation_report_names_districts_without_an_icb_seat,
    the_pages_render_with_the_map_and_the_directory,
);
