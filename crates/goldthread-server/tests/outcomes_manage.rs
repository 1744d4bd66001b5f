//! Running the outcomes framework on the web, over HTTP against the real server on SQLite and
//! PostgreSQL: analysts edit outcomes, objectives and the prevention definition, IG leads the
//! disclosure rule; every change is an attributed version with a reason; a bad form comes back
//! 422 with an error summary and stores nothing; other roles are refused.

mod common;

use common::{csrf_in, email, get_text, sign_in};
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};
use serde_json::Value;

const ICB: &str = "E54000022";
const MANAGE: &str = "/icbs/E54000022/outcomes/manage";

async fn outcomes_json(app: &TestApp) -> Value {
    let (status, body) = app.get_json(&format!("/api/v1/icbs/{ICB}/outcomes")).await;
    assert_eq!(status, 200);
    body
}

fn outcome<'a>(body: &'a Value, key: &str) -> &'a Value {
    body["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == key)
        .unwrap_or_else(|| panic!("no outcome {key}"))
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The edit form's fields for an outcome, as its JSON gives it.
fn form_of(o: &Value) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("title".into(), s(&o["title"])),
        ("theme".into(), s(&o["theme"])),
        ("ambition".into(), s(&o["ambition"])),
        ("indicator".into(), s(&o["indicator"])),
        ("area".into(), s(&o["area"])),
        ("sex".into(), s(&o["sex"])),
        (
            "baseline_period".into(),
            s(&o["baseline"]["period"]["label"]),
        ),
        ("baseline_value".into(), s(&o["baseline"]["value"])),
        ("target_period".into(), s(&o["target"]["period"]["label"])),
        ("target_value".into(), s(&o["target"]["value"])),
        ("accountable".into(), s(&o["accountable"]["organisation"])),
        ("board".into(), s(&o["accountable"]["board"])),
        (
            "review_dates".into(),
            o["review_dates"]
                .as_array()
                .unwrap()
                .iter()
                .map(s)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        (
            "trajectory".into(),
            o["trajectory"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| format!("{}: {}", s(&m["period"]["label"]), s(&m["value"])))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ];
    for c in o["contributors"].as_array().unwrap() {
        f.push(("contributors".into(), s(c)));
    }
    for c in o["commitments"].as_array().unwrap() {
        let d = s(&c["district"]);
        f.push((format!("commitment-{d}"), s(&c["commitment"])));
        if !c["target"].is_null() {
            f.push((format!("commitment-target-{d}"), s(&c["target"])));
        }
    }
    f
}

/// GETs a form page as a client and POSTs `fields` to it with the page's CSRF token.
async fn submit(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> (u16, String, Option<String>) {
    let (status, page) = get_text(app, c, path).await;
    assert_eq!(status, 200, "{path}: {page}");
    let mut body = fields.to_vec();
    body.push(("csrf".into(), csrf_in(&page)));
    let r = c
        .post(app.url(path))
        .form(&body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    (status, r.text().await.unwrap_or_default(), location)
}

fn set(f: &mut Vec<(String, String)>, name: &str, value: &str) {
    f.retain(|(k, _)| k != name);
    f.push((name.into(), value.into()));
}

async fn an_analyst_changes_a_target_and_the_history_says_who_when_and_why(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = outcomes_json(&app).await;
    let mut f = form_of(outcome(&before, "active-lives"));
    set(&mut f, "target_value", "23.5");
    set(&mut f, "reason", "Board agreed a stretch target on 3 March");
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let path = format!("{MANAGE}/outcomes/active-lives");
    let (status, body, location) = submit(&app, &analyst, &path, &f).await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        location.as_deref(),
        Some(format!("{path}/history").as_str())
    );

    let after = outcomes_json(&app).await;
    assert_eq!(outcome(&after, "active-lives")["target"]["value"], 23.5);
    let (_, history) = get_text(&app, &analyst, &format!("{path}/history")).await;
    assert!(history.contains("Board agreed a stretch target on 3 March"));
    assert!(
        history.contains("analyst.icb@demo.goldthread.invalid"),
        "who"
    );
    assert!(
        history.contains("<td>2</td>"),
        "a second version: {history}"
    );
    assert!(history.contains("target"), "what changed is named");
    let (_, changes) = get_text(&app, &analyst, &format!("/icbs/{ICB}/outcomes/changes")).await;
    assert!(changes.contains("Board agreed a stretch target on 3 March"));
    assert!(changes.contains("outcome: active-lives"));

    // Saving the same thing again is refused: a version must change something.
    let (status, body, _) = submit(&app, &analyst, &path, &f).await;
    assert_eq!(status, 422);
    assert!(body.contains("Nothing has changed"));
}

async fn a_bad_outcome_form_is_422_names_each_field_and_stores_nothing(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = outcomes_json(&app).await;
    let mut f = form_of(outcome(&before, "smokefree-norwich"));
    set(&mut f, "baseline_value", "about twelve");
    set(&mut f, "target_period", "2010");
    set(&mut f, "trajectory", "2026: 10\nsoon: 9");
    set(&mut f, "review_dates", "2027-02-30");
    set(&mut f, "accountable", "not-an-organisation");
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let path = format!("{MANAGE}/outcomes/smokefree-norwich");
    let (status, body, _) = submit(&app, &analyst, &path, &f).await;
    assert_eq!(status, 422);
    assert!(body.contains("There is a problem"));
    for (field, words) in [
        ("baseline_value", "must be a number"),
        ("target_period", "must come after the baseline"),
        ("trajectory", "line 2"),
        ("review_dates", "2027-02-30"),
        ("accountable", "accountable organisation"),
        ("reason", "reason for this change"),
    ] {
        assert!(
            body.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
        assert!(body.contains(words), "{field}: {words}");
    }
    assert!(body.contains("about twelve"), "what was typed is kept");
    assert_eq!(
        outcomes_json(&app).await["outcomes"],
        before["outcomes"],
        "nothing stored"
    );
    let (_, history) = get_text(&app, &analyst, &format!("{path}/history")).await;
    assert!(!history.contains("<td>2</td>"));
}

async fn a_new_outcome_and_objective_join_the_framework(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = outcomes_json(&app).await;
    let mut f = form_of(outcome(&before, "active-lives"));
    set(&mut f, "key", "active-lives-norwich");
    set(
        &mut f,
        "title",
        "Fewer physically inactive adults in Norwich",
    );
    set(&mut f, "area", "E07000148");
    set(&mut f, "reason", "Norwich LDP asked for its own outcome");
    let admin = sign_in(&app, &email("system-administrator", "icb")).await;
    let (status, body, _) = submit(&app, &admin, &format!("{MANAGE}/outcomes/new"), &f).await;
    assert_eq!(status, 303, "{body}");
    let after = outcomes_json(&app).await;
    assert_eq!(outcome(&after, "active-lives-norwich")["area"], "E07000148");
    // The same key again is refused.
    let (status, body, _) = submit(&app, &admin, &format!("{MANAGE}/outcomes/new"), &f).await;
    assert_eq!(status, 422);
    assert!(body.contains("already exists"));

    // A local objective whose parent is a system objective (two levels up) is refused.
    let system_parent = after["golden_thread"]["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["level"] == "system")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let place_parent = after["golden_thread"]["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["level"] == "place")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut o: Vec<(String, String)> = vec![
        ("key".into(), "norwich-walking".into()),
        ("level".into(), "local".into()),
        (
            "plan".into(),
            "Norwich Community Health and Wellbeing Plan".into(),
        ),
        ("area".into(), "E07000148".into()),
        ("title".into(), "Walking groups in every ward".into()),
        ("theme".into(), "Healthy lives".into()),
        ("parents".into(), system_parent),
        ("projects".into(), "Ward walks\nPark runs".into()),
        ("outcomes".into(), "active-lives-norwich".into()),
        ("reason".into(), "Agreed at the LDP".into()),
    ];
    let path = format!("{MANAGE}/objectives/new");
    let (status, body, _) = submit(&app, &admin, &path, &o).await;
    assert_eq!(status, 422);
    assert!(
        body.contains("href=\"#parents\"") && body.contains("not one level up"),
        "{body}"
    );
    o.retain(|(k, _)| k != "parents");
    o.push(("parents".into(), place_parent.clone()));
    let (status, body, location) = submit(&app, &admin, &path, &o).await;
    assert_eq!(status, 303, "{body}");
    let thread = outcomes_json(&app).await["golden_thread"]["objectives"].clone();
    let new = thread
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == "norwich-walking")
        .expect("the objective is in the thread");
    assert_eq!(new["parents"], serde_json::json!([place_parent]));
    assert_eq!(
        new["projects"],
        serde_json::json!(["Ward walks", "Park runs"])
    );
    let (_, history) = get_text(&app, &admin, &location.unwrap()).await;
    assert!(history.contains("Agreed at the LDP") && history.contains("created"));
}

async fn prevention_and_disclosure_change_by_role_with_reasons(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "nnuh")).await;
    let f: Vec<(String, String)> = vec![
        ("counts".into(), "primary_prevention".into()),
        ("counts".into(), "secondary_prevention".into()),
        ("counts".into(), "tertiary_prevention".into()),
        (
            "statement".into(),
            "Prevention here includes reablement.".into(),
        ),
        (
            "reason".into(),
            "ICP agreed to count tertiary prevention".into(),
        ),
    ];
    let (status, body, _) = submit(&app, &analyst, &format!("{MANAGE}/prevention"), &f).await;
    assert_eq!(status, 303, "{body}");
    let body = outcomes_json(&app).await;
    assert_eq!(
        body["prevention"]["definition"]["statement"],
        "Prevention here includes reablement."
    );
    assert_eq!(body["prevention"]["definition"]["version"], 2);

    // Analysts cannot change the disclosure rule; an IG lead can, with a reason.
    let (status, _) = get_text(&app, &analyst, &format!("{MANAGE}/disclosure")).await;
    assert_eq!(status, 403);
    let ig = sign_in(&app, &email("ig-lead", "icb")).await;
    let mut rule: Vec<(String, String)> = vec![
        ("suppress_from".into(), "1".into()),
        ("suppress_to".into(), "nine".into()),
        ("rounding_base".into(), "0".into()),
    ];
    let path = format!("{MANAGE}/disclosure");
    let (status, body, _) = submit(&app, &ig, &path, &rule).await;
    assert_eq!(status, 422);
    for field in ["suppress_to", "rounding_base", "reason"] {
        assert!(body.contains(&format!("href=\"#{field}\"")), "{field}");
    }
    assert!(outcomes_json(&app).await["disclosure"]
        .as_str()
        .unwrap()
        .contains("7 or fewer"));
    set(&mut rule, "suppress_to", "9");
    set(&mut rule, "rounding_base", "10");
    set(
        &mut rule,
        "reason",
        "NHS England small-number guidance for this board",
    );
    let (status, body, _) = submit(&app, &ig, &path, &rule).await;
    assert_eq!(status, 303, "{body}");
    let body = outcomes_json(&app).await;
    assert_eq!(
        body["disclosure"],
        "Disclosure control: counts of 1 to 9 are withheld; the rest are rounded to the nearest 10."
    );
    for v in body["values"].as_array().unwrap() {
        if let Some(c) = v["count"].as_u64() {
            assert_eq!(c % 10, 0, "published counts follow the new rule: {v}");
        }
    }
    // An IG lead may not edit outcomes.
    let (status, _) = get_text(&app, &ig, &format!("{MANAGE}/prevention")).await;
    assert_eq!(status, 403);
    let (_, history) = get_text(&app, &ig, &format!("{path}/history")).await;
    assert!(history.contains("NHS England small-number guidance for this board"));
    assert!(history.contains("ig-lead.icb@demo.goldthread.invalid"));
}

async fn other_roles_and_strangers_are_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let edit = format!("{MANAGE}/outcomes/active-lives");
    for role in ["viewer", "case-worker", "ig-lead"] {
        let c = sign_in(&app, &email(role, "icb")).await;
        let (status, _) = get_text(&app, &c, &edit).await;
        assert_eq!(status, 403, "{role} may not open the edit form");
        // Nor post to it, even with a valid CSRF token from a page they may see.
        let (_, page) = get_text(&app, &c, MANAGE).await;
        let r = c
            .post(app.url(&edit))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("title", "x"),
                ("reason", "y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{role} may not post");
        assert!(
            !page.contains(&format!("href=\"{edit}\"")),
            "{role} sees no edit link"
        );
    }
    // Signed out: a page is sent to sign in, whatever the request accepts.
    let anon = common::client();
    let r = anon.get(app.url(&edit)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = anon
        .get(app.url(&edit))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    // A post without the CSRF token is refused before anything else.
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let r = analyst
        .post(app.url(&edit))
        .form(&[("title", "x"), ("reason", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // The dashboard links the manage pages.
    let (_, html) = app.get_text(&format!("/icbs/{ICB}/outcomes")).await;
    assert!(html.contains(&format!("href=\"{MANAGE}\"")));
}

async fn an_spc_rebase_is_a_recorded_decision_shown_on_the_chart_and_in_exports(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let path = format!("/icbs/{ICB}/outcomes/rebase");
    let series = format!("NW-QUITS-4WK|{ICB}|Persons");
    let (_, dashboard) = app.get_text(&format!("/icbs/{ICB}/outcomes")).await;
    assert!(
        !dashboard.contains("Limits rebased from"),
        "nothing rebases on its own"
    );
    assert!(
        dashboard.contains("Run chart without process limits: only"),
        "short series get a run chart saying why"
    );
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let form = |from: &str, reason: &str| -> Vec<(String, String)> {
        vec![
            ("series".into(), series.clone()),
            ("from".into(), from.into()),
            ("reason".into(), reason.into()),
        ]
    };
    for (from, reason, words) in [
        ("2025-03", "late change", "leave two points"),
        ("2019-01", "too early", "is not a period of this series"),
        ("2024-07", "", "reason for this change"),
        ("2023-04", "the start", "already starts the limits"),
    ] {
        let (status, body, _) = submit(&app, &analyst, &path, &form(from, reason)).await;
        assert_eq!(status, 422, "{from}");
        assert!(body.contains(words), "{from}: {words}");
    }
    let why = "Great Yarmouth's community stop-smoking service started in July 2024";
    let (status, body, _) = submit(&app, &analyst, &path, &form("2024-07", why)).await;
    assert_eq!(status, 303, "{body}");
    let (status, body, _) = submit(&app, &analyst, &path, &form("2024-07", "again")).await;
    assert_eq!(status, 422);
    assert!(body.contains("already rebased"));

    let (_, dashboard) = app.get_text(&format!("/icbs/{ICB}/outcomes")).await;
    assert!(
        dashboard.contains("Limits rebased from 2024-07 by Demo analyst (icb)"),
        "the chart says who"
    );
    assert!(dashboard.contains(why));
    assert!(
        dashboard.contains("class=\"rebase\""),
        "the chart marks the rebase"
    );
    let body = outcomes_json(&app).await;
    assert_eq!(body["spc_rebases"][0]["reason"], why);
    assert_eq!(body["spc_rebases"][0]["from_period"], "2024-07");
    let row = body["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["indicator"] == "NW-QUITS-4WK" && v["area"] == ICB && v["period"] == "2024-07")
        .unwrap();
    assert_eq!(row["spc_rebase"]["reason"], why);
    let (_, csv) = app
        .get_text(&format!("/icbs/{ICB}/outcomes/indicators.csv"))
        .await;
    assert!(csv.lines().next().unwrap().ends_with(",spc_rebase"));
    assert!(csv.contains(why));
    let (_, changes) = get_text(&app, &analyst, &format!("/icbs/{ICB}/outcomes/changes")).await;
    assert!(changes.contains(why));
    // A viewer may read the decisions but not record one.
    let viewer = sign_in(&app, &email("viewer", "icb")).await;
    let (status, page) = get_text(&app, &viewer, &path).await;
    assert_eq!(status, 200);
    assert!(page.contains(why) && !page.contains("Record the decision"));
    let r = viewer
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("series", series.as_str()),
            ("from", "2024-09"),
            ("reason", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

on_both_backends!(
    an_spc_rebase_is_a_recorded_decision_shown_on_the_chart_and_in_exports,
    an_analyst_changes_a_target_and_the_history_says_who_when_and_why,
    a_bad_outcome_form_is_422_names_each_field_and_stores_nothing,
    a_new_outcome_and_objective_join_the_framework,
    prevention_and_disclosure_change_by_role_with_reasons,
    other_roles_and_strangers_are_refused,
);
