//! For IG leads: agreement review reminders (`/agreements/due`), and the audit page at scale
//! (keyset pages of 200 that stay put while events are appended, and the whole filtered set as
//! a streamed CSV).

mod common;

use chrono::{Duration, Utc};
use common::*;
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{AgreementId, Status};
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

/// The organisation a demo IG lead acts for.
async fn organisation_of(app: &TestApp, who: &str) -> OrganisationId {
    app.store
        .credentials(who)
        .await
        .unwrap()
        .expect("demo account")
        .account
        .roles[0]
        .organisation
}

async fn ig_leads_see_their_agreements_due_within_the_window_or_past(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let today = Utc::now().date_naive();
    let template = app
        .store
        .agreement(agreement("DSA-WW-001"))
        .await
        .unwrap()
        .expect("demo agreement");
    // (reference, review in days, expiry in days, status)
    let fixtures = [
        ("DUE-SOON", 10, 400, Status::Approved),
        ("DUE-LATER", 100, 400, Status::Approved),
        ("DUE-OVERDUE", -5, 200, Status::Approved),
        ("DUE-LAPSED", -100, -3, Status::Approved),
        ("DUE-REVOKED", 1, 50, Status::Revoked),
    ];
    for (reference, review, expiry, status) in fixtures {
        let mut a = template.clone();
        a.id = AgreementId::for_reference(reference);
        a.reference = reference.to_owned();
        a.title = format!("Fixture {reference}");
        a.start = today - Duration::days(200);
        a.review = today + Duration::days(review);
        a.expiry = today + Duration::days(expiry);
        a.status = status;
        app.store.put_agreement(&a).await.unwrap();
    }
    let party = template.parties[0].organisation;
    let ig = ORGS.iter().map(|o| email("ig-lead", o)).collect::<Vec<_>>();
    let mut inside = None;
    let mut outside = None;
    for who in &ig {
        let org = organisation_of(&app, who).await;
        if template.party(org).is_some() {
            inside.get_or_insert(who.clone());
        } else {
            outside.get_or_insert(who.clone());
        }
    }
    assert!(template.party(party).is_some());
    let c = sign_in(&app, &inside.expect("an IG lead of a party")).await;
    let shown = |page: &str| -> Vec<&'static str> {
        fixtures
            .iter()
            .map(|f| f.0)
            .filter(|r| page.contains(&format!(">{r}</a>")))
            .collect()
    };
    for (within, expected) in [
        ("0", vec!["DUE-OVERDUE", "DUE-LAPSED"]),
        ("10", vec!["DUE-SOON", "DUE-OVERDUE", "DUE-LAPSED"]),
        (
            "100",
            vec!["DUE-SOON", "DUE-LATER", "DUE-OVERDUE", "DUE-LAPSED"],
        ),
    ] {
        let (s, page) = get_text(&app, &c, &format!("/agreements/due?within={within}")).await;
        assert_eq!(s, 200);
        let mut got = shown(&page);
        got.sort_unstable();
        let mut expected = expected;
        expected.sort_unstable();
        assert_eq!(got, expected, "within {within}");
    }
    let (_, page) = get_text(&app, &c, "/agreements/due?within=10").await;
    assert!(
        page.contains("review ") && page.contains("(5 days ago)"),
        "{page}"
    );
    assert!(page.contains("(3 days ago)"), "the lapsed expiry");
    assert!(page.contains("(in 10 days)"));

    // Bad windows are refused with a clear reason.
    for bad in ["abc", "-1", "99999", "1.5"] {
        let (s, body) = get(&app, &c, &format!("/agreements/due?within={bad}")).await;
        assert_eq!(s, 400, "{bad}");
        assert_eq!(body["error"]["code"], "invalid_within");
    }

    // An IG lead of an organisation that is not a party sees none of them.
    let c = sign_in(&app, &outside.expect("an IG lead of another organisation")).await;
    let (s, page) = get_text(&app, &c, "/agreements/due?within=3650").await;
    assert_eq!(s, 200);
    assert!(shown(&page).is_empty(), "{page}");
    // Only IG leads see the reminders.
    let c = sign_in(&app, &email("analyst", "icb")).await;
    assert_eq!(get_text(&app, &c, "/agreements/due").await.0, 403);
}

/// The event numbers in the audit page's table, in page order.
fn seqs(page: &str) -> Vec<i64> {
    page.split("<tr><td>")
        .skip(1)
        .map(|s| {
            s.split('<')
                .next()
                .unwrap()
                .parse()
                .expect("an event number")
        })
        .collect()
}

/// The "Older events" link, if any.
fn older(page: &str) -> Option<String> {
    let at = page.find(r#"rel="next" href=""#)? + r#"rel="next" href=""#.len();
    Some(page[at..].split('"').next()?.replace("&amp;", "&"))
}

async fn append(app: &TestApp, org: OrganisationId, n: usize) -> Vec<i64> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let e = app
            .store
            .append_audit(AuditRecord {
                actor: "system".into(),
                organisation: Some(org.to_string()),
                action: "test.paging".into(),
                outcome: "allowed".into(),
                subject: format!("test/{i}"),
                ..AuditRecord::default()
            })
            .await
            .unwrap();
        out.push(e.seq);
    }
    out
}

async fn the_audit_page_pages_by_keyset_and_the_csv_streams_everything(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let who = email("ig-lead", "icb");
    let mine = organisation_of(&app, &who).await;
    let theirs = organisation_of(&app, &email("ig-lead", "norfolk-cc")).await;
    assert_ne!(mine, theirs);
    let mut expected = append(&app, mine, 520).await;
    // Events for another organisation are not this IG lead's to see.
    append(&app, theirs, 30).await;
    expected.reverse(); // newest first

    let c = sign_in(&app, &who).await;
    let (s, page1) = get_text(&app, &c, "/ig/audit?action=test.paging").await;
    assert_eq!(s, 200);
    assert_eq!(seqs(&page1), expected[..200]);
    let next = older(&page1).expect("a link to older events");

    // Events appended while someone reads do not move the pages.
    let later = append(&app, mine, 25).await;
    let (_, page2) = get_text(&app, &c, &next).await;
    assert_eq!(seqs(&page2), expected[200..400]);
    let (_, page3) = get_text(&app, &c, &older(&page2).expect("a third page")).await;
    assert_eq!(seqs(&page3), expected[400..]);
    assert!(older(&page3).is_none(), "the last page");
    // The first page now starts with the new events.
    let (_, page1) = get_text(&app, &c, "/ig/audit?action=test.paging").await;
    assert_eq!(seqs(&page1)[0], *later.last().unwrap());

    let (s, _) = get(&app, &c, "/ig/audit?before=abc").await;
    assert_eq!(s, 400);

    // The CSV is the whole filtered set, streamed (no length known up front).
    let r = c
        .get(app.url("/ig/audit?action=test.paging&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.headers().get("content-length").is_none(),
        "streamed, not collected"
    );
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("seq,at,actor,"));
    let got: Vec<i64> = lines
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    let mut all: Vec<i64> = later.iter().rev().copied().collect();
    all.extend(&expected);
    assert_eq!(got, all);
}

on_both_backends!(
    ig_leads_see_their_agreements_due_within_the_window_or_past,
    the_audit_page_pages_by_keyset_and_the_csv_streams_everything,
);
