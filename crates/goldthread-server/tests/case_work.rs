//! Case work at scale over HTTP on both backends: paginated worklists, the ward referral web
//! form (the same rules as FHIR), councils' own programmes and Disabled Facilities Grants.

mod common;

use std::collections::HashSet;

use chrono::{Duration, Utc};
use common::{csrf_in, email, get, get_text, sign_in};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::ProgrammeId;
use goldthread_store::{Backend, NewCase};
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

const GREAT_YARMOUTH: &str = "E07000145";

/// A server over the ICS, its organisations, the demo accounts and the ready-made programmes.
async fn case_app(backend: Backend) -> TestApp {
    let app = TestApp::empty(backend).await;
    let geo = goldthread_domain::geography::ReferenceGeography::england_2024();
    app.store.replace_reference_geography(&geo).await.unwrap();
    let (system, organisations) = goldthread_demo::norfolk_and_waveney(&geo);
    app.store.put_system(&system, &organisations).await.unwrap();
    goldthread_demo::sharing::install(&app.store).await.unwrap();
    goldthread_demo::programmes::install(&app.store)
        .await
        .unwrap();
    app
}

/// `n` open cases for Great Yarmouth with priorities and due dates that repeat, so the order
/// has ties the reference must break.
async fn open_cases(app: &TestApp, n: usize) {
    let today = Utc::now().date_naive();
    let cases: Vec<NewCase> = (0..n)
        .map(|i| NewCase {
            id: CaseId::new_random(),
            reference: format!("SCALE-{i:05}"),
            programme: ProgrammeId::parse("waiting-well").unwrap(),
            team: OrganisationId::for_code(GREAT_YARMOUTH),
            priority: (i * 37 % 5 * 20) as u32,
            due_on: today + Duration::days((i * 11 % 7) as i64),
            subject_name: format!("Person {i}"),
            nhs_number: None,
            pseudonym: Some(format!("p{i}")),
            district: None,
            source: "test".into(),
            referrer: None,
            ward: None,
            barrier: None,
            medically_fit_on: None,
            created_at: None,
        })
        .collect();
    app.store.open_cases(&cases).await.unwrap();
}

fn references(list: &Value) -> Vec<String> {
    list["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_long_worklist_comes_a_page_at_a_time_by_priority_then_due_date(backend: Backend) {
    let app = case_app(backend).await;
    open_cases(&app, 45).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let team = OrganisationId::for_code(GREAT_YARMOUTH);
    let everything = app.store.worklist(&team, None, 100_000).await.unwrap();

    let mut seen: Vec<Value> = Vec::new();
    let mut page = 1;
    loop {
        let (s, list) = get(
            &app,
            &officer,
            &format!("/api/v1/cases?team={team}&page={page}&per_page=7"),
        )
        .await;
        assert_eq!(s, 200, "{list}");
        assert_eq!(list["total"].as_u64().unwrap() as usize, everything.len());
        assert_eq!(list["page"], page);
        let cases = list["cases"].as_array().unwrap().clone();
        assert_eq!(list["count"].as_u64().unwrap() as usize, cases.len());
        if cases.is_empty() {
            break;
        }
        assert!(cases.len() <= 7);
        seen.extend(cases);
        page += 1;
    }
    assert_eq!(
        page - 1,
        everything.len().div_ceil(7),
        "every page was full but the last"
    );
    let refs: Vec<&str> = seen
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs.len(),
        refs.iter().collect::<HashSet<_>>().len(),
        "no case on two pages"
    );
    let expected: Vec<&str> = everything.iter().map(|c| c.reference.as_str()).collect();
    assert_eq!(
        refs, expected,
        "the pages together are the whole worklist in order"
    );
    for w in seen.windows(2) {
        let key = |c: &Value| {
            (
                -c["priority"].as_i64().unwrap(),
                c["due_on"].as_str().unwrap().to_owned(),
                c["reference"].as_str().unwrap().to_owned(),
            )
        };
        assert!(
            key(&w[0]) <= key(&w[1]),
            "priority then due date: {} {}",
            w[0],
            w[1]
        );
    }

    let (s, ww) = get(
        &app,
        &officer,
        "/api/v1/cases?programme=waiting-well&per_page=200",
    )
    .await;
    assert_eq!(s, 200);
    assert!(references(&ww).iter().all(|r| ww["cases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["reference"] == r.as_str() && c["programme"] == "waiting-well")));
    assert!(ww["total"].as_u64().unwrap() >= 45);
}

async fn worklist_paging_is_checked_and_other_teams_are_refused(backend: Backend) {
    let app = case_app(backend).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    for bad in ["per_page=0", "per_page=201", "page=0", "page=two"] {
        let (s, e) = get(&app, &officer, &format!("/api/v1/cases?{bad}")).await;
        assert_eq!(s, 400, "{bad}: {e}");
        assert_eq!(e["error"]["code"], "invalid_paging");
    }
    let county = OrganisationId::for_code("E10000020");
    let (s, e) = get(&app, &officer, &format!("/api/v1/cases?team={county}")).await;
    assert_eq!(s, 403, "{e}");
    let (s, _) = get(&app, &officer, "/api/v1/cases?team=not-a-uuid").await;
    assert_eq!(s, 400);
    let (s, _) = get(&app, &common::client(), "/api/v1/cases").await;
    assert_eq!(s, 401);
}

async fn the_worklist_page_links_to_the_next_page(backend: Backend) {
    let app = case_app(backend).await;
    open_cases(&app, 60).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (s, first) = get_text(&app, &officer, "/cases?programme=waiting-well").await;
    assert_eq!(s, 200);
    let total = app
        .store
        .worklist(
            &OrganisationId::for_code(GREAT_YARMOUTH),
            Some(&ProgrammeId::parse("waiting-well").unwrap()),
            100_000,
        )
        .await
        .unwrap()
        .len();
    let pages = total.div_ceil(50);
    assert!(first.contains(&format!("Page 1 of {pages}")), "{first}");
    assert_eq!(
        first.matches("<tr>").count() - 1,
        50,
        "a page holds 50 cases"
    );
    let next = "/cases?programme=waiting-well&amp;page=2";
    assert!(first.contains(next), "a link to page 2");
    let (s, second) = get_text(&app, &officer, &next.replace("&amp;", "&")).await;
    assert_eq!(s, 200);
    assert!(second.contains(&format!("Page 2 of {pages}")));
    assert!(second.contains("rel=\"prev\""));
}

/// The form's fields for a District Direct referral from the hospital.
fn referral_fields(nhs: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("programme", "district-direct".into()),
        ("nhs_number", nhs.into()),
        ("patient_name", name.into()),
        ("requester", "RM1".into()),
        ("ward", "Cley ward".into()),
        ("council", GREAT_YARMOUTH.into()),
        ("barrier", "key_safe".into()),
        ("medically_fit_on", Utc::now().date_naive().to_string()),
        ("priority", "urgent".into()),
        ("note", "lives alone".into()),
    ]
}

async fn post_referral(
    app: &TestApp,
    c: &reqwest::Client,
    fields: &[(&'static str, String)],
) -> reqwest::Response {
    let (s, page) = get_text(app, c, "/cases/new").await;
    assert_eq!(s, 200, "{page}");
    let csrf = csrf_in(&page);
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    c.post(app.url("/cases/new"))
        .form(&all)
        .send()
        .await
        .expect("post")
}

async fn ward_staff_refer_through_the_web_form_onto_the_council_worklist(backend: Backend) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let r = post_referral(
        &app,
        &ward,
        &referral_fields("943 476 5919", "Margaret Brown"),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/cases/new?sent=DD-"), "{to}");
    let (s, confirmation) = get_text(&app, &ward, &to).await;
    assert_eq!(s, 200);
    let reference = to.trim_start_matches("/cases/new?sent=");
    assert!(confirmation.contains(reference));

    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (s, case) = get(&app, &officer, &format!("/api/v1/cases/{reference}")).await;
    assert_eq!(s, 200, "{case}");
    assert_eq!(case["summary"]["subject_name"], "Margaret Brown");
    assert_eq!(case["summary"]["barrier"], "key_safe");
    assert_eq!(case["summary"]["ward"], "Cley ward");
    assert_eq!(case["summary"]["priority"], 75);
    let events = app
        .store
        .audit_events(
            &goldthread_store::AuditFilter {
                action_prefix: Some("case.referral_in".into()),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "the referral is on the record once");
}

async fn an_invalid_referral_form_gets_an_error_summary_naming_each_field(backend: Backend) {
    let app = case_app(backend).await;
    let ward = sign_in(&app, &email("case-worker", "nnuh")).await;
    let mut fields = referral_fields("943 476 5918", "");
    fields.retain(|(k, _)| *k != "barrier");
    let r = post_referral(&app, &ward, &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    for field in ["nhs_number", "patient_name", "barrier"] {
        assert!(
            page.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
    }
    assert!(
        page.contains("check digit"),
        "the NHS number's fault is named"
    );
    assert!(
        page.contains("value=\"943 476 5918\""),
        "what was typed is kept"
    );
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (_, list) = get(
        &app,
        &officer,
        "/api/v1/cases?programme=district-direct&per_page=200",
    )
    .await;
    assert!(
        list["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["subject_name"] != ""),
        "nothing was stored"
    );

    // The same fields as FHIR are refused for the same reasons.
    let sr = serde_json::json!({
        "resourceType": "ServiceRequest", "status": "active", "intent": "order",
        "code": { "coding": [{ "system": "urn:goldthread:programme", "code": "district-direct" }] },
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "943 476 5918" } },
        "requester": { "identifier": { "system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": "RM1" } },
        "performer": [{ "identifier": { "system": "urn:goldthread:gss-code", "value": GREAT_YARMOUTH } }]
    });
    let r = ward
        .post(app.url("/fhir/ServiceRequest"))
        .header("content-type", "application/fhir+json")
        .body(sr.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let oo: Value = r.json().await.unwrap();
    assert_eq!(oo["issue"].as_array().unwrap().len(), 3, "{oo}");

    // Without the CSRF field the form is refused outright.
    let r = ward
        .post(app.url("/cases/new"))
        .form(&[("programme", "district-direct")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

fn navigator(destination: &str) -> Value {
    serde_json::json!({
        "id": "cost-of-living",
        "name": "Cost-of-living support navigator",
        "summary": "Helps households in hardship claim what they are owed and cut their bills.",
        "cohort": { "type": "self_referral" },
        "eligibility": [
            { "rule": "resident_in", "areas": [GREAT_YARMOUTH] },
            { "rule": "any_flag", "flags": ["receives_universal_credit", "fuel_poverty"],
              "description": "receives Universal Credit or is in fuel poverty" }
        ],
        "alternatives": ["Citizens Advice Norfolk"],
        "needs": [
            { "code": "welfare_rights", "label": "Benefits not claimed" },
            { "code": "fuel_debt", "label": "Energy debt" }
        ],
        "actions": [
            { "code": "energy_voucher", "label": "Energy voucher", "typical_cost": 4900 },
            { "code": "benefits_check", "label": "Benefits check", "typical_cost": null }
        ],
        "destinations": [destination],
        "budget_per_organisation": 2000000,
        "outcome_measures": [
            { "code": "income_gained", "label": "Yearly income gained", "unit": "£" }
        ],
        "service_levels": { "first_contact_days": 5, "max_contact_attempts": 3, "follow_up_days": 14 }
    })
}

async fn post_json(app: &TestApp, c: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
    let r = c.post(app.url(path)).json(body).send().await.expect("post");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn directory_service(app: &TestApp) -> String {
    let icb = goldthread_domain::GssCode::parse(goldthread_demo::NORFOLK_AND_WAVENEY).unwrap();
    goldthread_demo::map::install(&app.store, &icb)
        .await
        .unwrap();
    let hits = app
        .store
        .search_services(&goldthread_store::ServiceQuery {
            page: 1,
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    hits.services[0].id.to_string()
}

async fn a_council_defines_a_cost_of_living_navigator_and_can_pay_from_it(backend: Backend) {
    let app = case_app(backend).await;
    let service = directory_service(&app).await;
    let admin = sign_in(&app, &email("system-administrator", "great-yarmouth")).await;
    let (s, p) = post_json(&app, &admin, "/api/v1/programmes", &navigator(&service)).await;
    assert_eq!(s, 201, "{p}");
    assert_eq!(p["kind"], "local");
    assert_eq!(
        p["host"],
        OrganisationId::for_code(GREAT_YARMOUTH).to_string()
    );
    assert_eq!(p["destinations"][0], service.as_str());

    let (s, list) = get(&app, &admin, "/api/v1/programmes").await;
    assert_eq!(s, 200);
    assert!(list["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == "cost-of-living"));
    let budgets = app
        .store
        .budgets(&ProgrammeId::parse("cost-of-living").unwrap())
        .await
        .unwrap();
    assert_eq!(
        budgets.len(),
        1,
        "the host's budget for this year is opened"
    );
    assert_eq!(budgets[0].balance.pence(), 2_000_000);

    let (s, e) = post_json(&app, &admin, "/api/v1/programmes", &navigator(&service)).await;
    assert_eq!(s, 409, "{e}");
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (s, _) = post_json(&app, &officer, "/api/v1/programmes", &navigator(&service)).await;
    assert_eq!(
        s, 403,
        "only the council's administrator defines programmes"
    );
    let (s, _) = post_json(
        &app,
        &common::client(),
        "/api/v1/programmes",
        &navigator(&service),
    )
    .await;
    assert_eq!(s, 401);
    let (s, page) = get_text(&app, &admin, "/programmes/cost-of-living").await;
    assert_eq!(s, 200, "its dashboard exists");
    assert!(page.contains("Cost-of-living support navigator"));
}

async fn a_programme_definition_is_refused_naming_every_field_at_fault(backend: Backend) {
    let app = case_app(backend).await;
    let admin = sign_in(&app, &email("system-administrator", "great-yarmouth")).await;
    let mut bad = navigator("00000000-0000-0000-0000-000000000000");
    bad["id"] = "Cost of Living".into();
    bad["alternatives"] = serde_json::json!([]);
    bad["service_levels"]["max_contact_attempts"] = 0.into();
    let (s, e) = post_json(&app, &admin, "/api/v1/programmes", &bad).await;
    assert_eq!(s, 422, "{e}");
    let fields: Vec<&str> = e["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "alternatives",
            "destinations[0]",
            "service_levels.max_contact_attempts"
        ]
    );
    assert!(app
        .store
        .programme(&ProgrammeId::parse("cost-of-living").unwrap())
        .await
        .unwrap()
        .is_none());

    // The form: the same check, shown in an error summary; then a good one goes to its page.
    let (s, page) = get_text(&app, &admin, "/programmes/new").await;
    assert_eq!(s, 200, "{page}");
    let csrf = csrf_in(&page);
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("id", "cost-of-living".to_owned()),
        ("name", "Cost-of-living support navigator".to_owned()),
        ("summary", "Helps households in hardship.".to_owned()),
        ("cohort", "self_referral".to_owned()),
        ("flags", "receives_universal_credit".to_owned()),
        ("flags_description", "receives Universal Credit".to_owned()),
        (
            "needs",
            "welfare_rights | Benefits not claimed\nfuel_debt | Energy debt".to_owned(),
        ),
        (
            "actions",
            "energy_voucher | Energy voucher | £49".to_owned(),
        ),
        (
            "outcome_measures",
            "income_gained | Yearly income gained | £".to_owned(),
        ),
        ("budget", "£20,000".to_owned()),
        ("first_contact_days", "5".to_owned()),
        ("max_contact_attempts", "3".to_owned()),
        ("follow_up_days", "14".to_owned()),
    ];
    let r = admin
        .post(app.url("/programmes/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("There is a problem"));
    assert!(
        page.contains("href=\"#alternatives\""),
        "no alternatives for a programme that can say no"
    );
    fields.push(("alternatives", "Citizens Advice Norfolk".to_owned()));
    let r = admin
        .post(app.url("/programmes/new"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/programmes/cost-of-living");
    let p = app
        .store
        .programme(&ProgrammeId::parse("cost-of-living").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.needs.len(), 2);
    assert_eq!(p.actions[0].typical_cost.unwrap().pence(), 4_900);
}

/// An open case for Great Yarmouth in a programme, by reference.
async fn one_case(app: &TestApp, programme: &str, reference: &str) {
    let today = Utc::now().date_naive();
    let case = NewCase {
        id: CaseId::new_random(),
        reference: reference.into(),
        programme: ProgrammeId::parse(programme).unwrap(),
        team: OrganisationId::for_code(GREAT_YARMOUTH),
        priority: 50,
        due_on: today,
        subject_name: "Arthur Jones".into(),
        nhs_number: None,
        pseudonym: None,
        district: None,
        source: "test".into(),
        referrer: None,
        ward: None,
        barrier: None,
        medically_fit_on: None,
        created_at: None,
    };
    app.store.open_case(&case).await.unwrap();
}

/// A DFG application that began `age` days ago, completed (or not) with the usual steps.
fn dfg(age: i64, urgent: bool, completed: bool) -> Value {
    let today = Utc::now().date_naive();
    let day = |back: i64| (today - Duration::days(back)).to_string();
    serde_json::json!({
        "milestones": {
            "enquiry": day(age),
            "assessed": day(age - 5),
            "approved": day(age - 10),
            "completed": if completed { Value::from(day(1)) } else { Value::Null },
            "urgent": urgent
        },
        "means": { "passported": false, "weekly_income": 30000, "savings": 200000,
                   "contribution": 50000, "child": false },
        "cost_of_works": 650000,
        "jobs": [{ "contractor": "Yarmouth Builders", "works": "level-access shower",
                   "quote": 650000, "ordered_on": day(age - 12),
                   "completed_on": if completed { Value::from(day(2)) } else { Value::Null } }]
    })
}

async fn put_json(app: &TestApp, c: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
    let r = c.put(app.url(path)).json(body).send().await.expect("put");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn a_dfg_is_recorded_checked_and_measured_in_working_days(backend: Backend) {
    let app = case_app(backend).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    one_case(&app, "home-adaptations", "HA-TEST-1").await;
    let path = "/api/v1/cases/HA-TEST-1/dfg";
    let (s, _) = get(&app, &officer, path).await;
    assert_eq!(s, 404, "no application yet");
    let (s, stored) = put_json(&app, &officer, path, &dfg(80, true, true)).await;
    assert_eq!(s, 200, "{stored}");
    assert_eq!(
        stored["grant"], 600000,
        "the works less the assessed contribution"
    );
    let (s, got) = get(&app, &officer, path).await;
    assert_eq!(s, 200);
    assert_eq!(
        got["application"]["jobs"][0]["contractor"],
        "Yarmouth Builders"
    );

    let mut bad = dfg(80, true, true);
    bad["milestones"]["completed"] = (Utc::now().date_naive() + Duration::days(3))
        .to_string()
        .into();
    bad["jobs"][0]["quote"] = 0.into();
    let (s, e) = put_json(&app, &officer, path, &bad).await;
    assert_eq!(s, 422, "{e}");
    let fields: Vec<&str> = e["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["milestones.completed", "jobs[0].quote"]);
    let (_, still) = get(&app, &officer, path).await;
    assert_eq!(still, got, "a refused change loses nothing stored");

    one_case(&app, "district-direct", "DD-TEST-1").await;
    let (s, e) = put_json(
        &app,
        &officer,
        "/api/v1/cases/DD-TEST-1/dfg",
        &dfg(80, true, true),
    )
    .await;
    assert_eq!(s, 422, "{e}");
    let county = sign_in(&app, &email("case-worker", "norfolk-cc")).await;
    let (s, _) = get(&app, &county, path).await;
    assert_eq!(s, 403);

    // Enough applications for the dashboard to publish: urgent and standard, completed early
    // and late, and open ones; the expected counts come from the domain's working-day rule.
    let mut milestones = Vec::new();
    for i in 0..30 {
        let reference = format!("HA-TEST-{}", i + 2);
        one_case(&app, "home-adaptations", &reference).await;
        let body = dfg(40 + i * 9, i % 3 == 0, i % 4 != 0);
        let (s, e) = put_json(
            &app,
            &officer,
            &format!("/api/v1/cases/{reference}/dfg"),
            &body,
        )
        .await;
        assert_eq!(s, 200, "{e}");
        let a: goldthread_domain::programme::adaptations::DfgApplication =
            serde_json::from_value(body).unwrap();
        milestones.push(a.milestones);
    }
    let first: goldthread_domain::programme::adaptations::DfgApplication =
        serde_json::from_value(dfg(80, true, true)).unwrap();
    milestones.push(first.milestones);
    let expected = goldthread_domain::programme::adaptations::timescales(
        milestones.iter(),
        Utc::now().date_naive(),
    );
    let (s, d) = get(
        &app,
        &officer,
        "/api/v1/programmes/home-adaptations/dashboard",
    )
    .await;
    assert_eq!(s, 200, "{d}");
    let rule = goldthread_stats::DisclosureRule::default();
    let t = &d["dfg_timescales"];
    for (field, n) in [
        ("urgent_within", expected.urgent_within),
        ("urgent_late", expected.urgent_late),
        ("standard_within", expected.standard_within),
        ("standard_late", expected.standard_late),
        ("open_overdue", expected.open_overdue),
        ("open_on_time", expected.open_on_time),
    ] {
        assert_eq!(
            t[field],
            serde_json::to_value(rule.apply(n)).unwrap(),
            "{field}: {t}"
        );
    }
    assert!(
        expected.standard_late + expected.urgent_late > 0,
        "some were late"
    );
    let (s, page) = get_text(&app, &officer, "/programmes/home-adaptations").await;
    assert_eq!(s, 200);
    assert!(page.contains("against the guidance"));
}

async fn someone_not_reached_is_sent_a_we_tried_to_reach_you_letter_once(backend: Backend) {
    let app = case_app(backend).await;
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    one_case(&app, "waiting-well", "WW-LETTER-1").await;
    let ww = app
        .store
        .programme(&ProgrammeId::parse("waiting-well").unwrap())
        .await
        .unwrap()
        .unwrap();
    let attempts = ww.service_levels.max_contact_attempts;
    for _ in 0..attempts {
        let (s, e) = post_json(
            &app,
            &officer,
            "/api/v1/cases/WW-LETTER-1/events",
            &serde_json::json!({"event": "contact", "channel": "phone", "result": "no_answer"}),
        )
        .await;
        assert_eq!(s, 200, "{e}");
    }
    let (_, page) = get_text(&app, &officer, "/cases/WW-LETTER-1").await;
    assert!(page.contains("Letters due"), "{page}");
    let letter_path = "/cases/WW-LETTER-1/letters/tried-to-reach";
    assert!(page.contains(letter_path));
    let (s, letter) = get_text(&app, &officer, letter_path).await;
    assert_eq!(s, 200);
    assert!(letter.contains("Dear Arthur Jones,"));
    assert!(letter.contains(&format!("tried to contact you {attempts} times")));
    assert!(letter.contains("Great Yarmouth Borough Council"));
    assert!(letter.contains("quote WW-LETTER-1"));
    let csrf = csrf_in(&letter);
    let r = officer
        .post(app.url(letter_path))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = get_text(&app, &officer, "/cases/WW-LETTER-1").await;
    assert!(
        !page.contains("Letters due"),
        "a letter sent is not due again"
    );
    assert!(
        page.contains("Letter sent: We tried to reach you"),
        "the log shows it"
    );
    let (s, _) = get_text(&app, &officer, "/cases/WW-LETTER-1/letters/no-such-letter").await;
    assert_eq!(s, 404);
    let county = sign_in(&app, &email("case-worker", "norfolk-cc")).await;
    let (s, _) = get_text(&app, &county, letter_path).await;
    assert_eq!(s, 403, "only the team working the case sees its letters");
}

on_both_backends!(
    a_long_worklist_comes_a_page_at_a_time_by_priority_then_due_date,
    worklist_paging_is_checked_and_other_teams_are_refused,
    the_worklist_page_links_to_the_next_page,
    ward_staff_refer_through_the_web_form_onto_the_council_worklist,
    an_invalid_referral_form_gets_an_error_summary_naming_each_field,
    a_council_defines_a_cost_of_living_navigator_and_can_pay_from_it,
    a_programme_definition_is_refused_naming_every_field_at_fault,
    a_dfg_is_recorded_checked_and_measured_in_working_days,
    someone_not_reached_is_sent_a_we_tried_to_reach_you_letter_once,
);
