//! The reminders worklist, over HTTP against the real server on SQLite and PostgreSQL: a case
//! worker sees their teams' first contacts and follow-ups due, by the programmes' service levels
//! in working days, soonest first; others are refused.

mod common;

use chrono::{NaiveDate, Utc};
use common::{email, get_text, sign_in};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::calendar::{add_working_days, working_days_between};
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::reminders::reminder;
use goldthread_domain::programme::ProgrammeId;
use goldthread_store::{Backend, NewCase};
use goldthread_testkit::{on_both_backends, TestApp};

const GREAT_YARMOUTH: &str = "E07000145";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&s[..10], "%Y-%m-%d").unwrap()
}

/// The references in a reminders table, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("<a href=\"/cases/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|r| *r != "reminders")
        .map(str::to_owned)
        .collect()
}

async fn a_case_worker_sees_what_is_due_soonest_first(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // Referred to Waiting Well in January 2025 and never contacted: long overdue.
    app.store
        .open_case(&NewCase {
            id: CaseId::new_random(),
            reference: "WW-LATE-00001".into(),
            programme: ProgrammeId::parse("waiting-well").unwrap(),
            team: OrganisationId::for_code(GREAT_YARMOUTH),
            priority: 10,
            due_on: NaiveDate::from_ymd_opt(2025, 1, 20).unwrap(),
            subject_name: "Edith Late".into(),
            nhs_number: None,
            pseudonym: None,
            district: None,
            source: "test".into(),
            referrer: None,
            ward: None,
            barrier: None,
            medically_fit_on: None,
            created_at: Some("2025-01-06T09:00:00.000Z".into()),
        })
        .await
        .unwrap();
    let officer = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let (status, worklist) = get_text(&app, &officer, "/cases").await;
    assert_eq!(status, 200);
    assert!(worklist.contains("href=\"/cases/reminders\""));

    let within = 10;
    let (status, page) =
        get_text(&app, &officer, &format!("/cases/reminders?within={within}")).await;
    assert_eq!(status, 200, "{page}");
    // What should be listed: each open case's reminder by its programme's service levels.
    let today = Utc::now().date_naive();
    let horizon = add_working_days(today, within);
    let programmes = app.store.programmes().await.unwrap();
    let team = OrganisationId::for_code(GREAT_YARMOUTH);
    let mut expected: Vec<(NaiveDate, i64, String)> = app
        .store
        .open_cases_with_activity(&[team])
        .await
        .unwrap()
        .into_iter()
        .filter_map(|(c, last)| {
            let p = programmes.iter().find(|p| p.id.as_str() == c.programme)?;
            let r = reminder(c.state, day(&c.created_at), day(&last), &p.service_levels)?;
            (r.due_on <= horizon).then(|| (r.due_on, -c.priority, c.reference))
        })
        .collect();
    expected.sort();
    let expected: Vec<String> = expected.into_iter().map(|(_, _, r)| r).collect();
    assert!(expected.len() > 1);
    assert_eq!(listed(&page), expected);
    assert_eq!(expected[0], "WW-LATE-00001", "the most overdue comes first");
    // Ten working days from 6 January 2025 is 20 January; it is overdue ever since.
    let overdue = working_days_between(NaiveDate::from_ymd_opt(2025, 1, 20).unwrap(), today);
    assert!(page.contains(&format!("({overdue} working days overdue)")));
    assert!(page.contains("First contact"));

    // Nothing further ahead than asked for: with 0, only what is due today or overdue.
    let (_, now_due) = get_text(&app, &officer, "/cases/reminders").await;
    assert!(listed(&now_due).len() <= expected.len());
    assert!(listed(&now_due).contains(&"WW-LATE-00001".to_owned()));

    let (status, _) = get_text(&app, &officer, "/cases/reminders?within=lots").await;
    assert_eq!(status, 400);
    let (status, _) = get_text(&app, &officer, "/cases/reminders?within=21").await;
    assert_eq!(status, 400);
}

async fn someone_who_works_no_cases_is_refused_reminders(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let analyst = sign_in(&app, &email("analyst", "icb")).await;
    let (status, _) = get_text(&app, &analyst, "/cases/reminders").await;
    assert_eq!(status, 403);
    // The county's case workers work none of the districts' cases, so none are theirs to see.
    let county = sign_in(&app, &email("case-worker", "norfolk-cc")).await;
    let (status, page) = get_text(&app, &county, "/cases/reminders?within=20").await;
    assert_eq!(status, 200);
    assert!(listed(&page).is_empty(), "{page}");
    assert!(page.contains("Nothing is due."));
}

on_both_backends!(
    a_case_worker_sees_what_is_due_soonest_first,
    someone_who_works_no_cases_is_refused_reminders,
);
