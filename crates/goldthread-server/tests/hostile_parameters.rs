//! Injection and cross-site scripting attempts on the query parameters and sign-in forms that
//! other suites do not already cover (the audit page's filters, dataset ids and purposes, and the
//! register import are in `datasets.rs`): each answer is a clear 4xx or an escaped page, never a
//! 500 (a SQL syntax error would be one), never hostile markup echoed back, and the server stays
//! up.

mod common;

use common::*;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

const HOSTILE: [&str; 5] = [
    "' OR '1'='1",
    "1; DROP TABLE accounts; --",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "%00\u{0}\u{202e}",
];

/// Never a 500; a page never carries the hostile markup as markup. (A JSON error may quote the
/// value it refuses: JSON is not rendered as HTML.)
fn check(what: &str, status: u16, content_type: &str, body: &str) {
    assert!(status < 500, "{what}: {status} {body}");
    if content_type.starts_with("text/html") {
        assert!(
            !body.contains("<script>alert(1)") && !body.contains("<img src=x"),
            "{what} echoes markup unescaped"
        );
    } else {
        assert!(
            !content_type.starts_with("text/"),
            "{what}: unexpected {content_type}"
        );
    }
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn hostile_query_parameters_are_refused_or_escaped(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let ig = sign_in(&app, &email("ig-lead", "great-yarmouth")).await;
    let worker = sign_in(&app, &email("case-worker", "great-yarmouth")).await;
    let public = client();
    let cases: [(&reqwest::Client, &str, &[&str]); 9] = [
        (&public, "/sign-in", &["next"]),
        (
            &public,
            "/directory",
            &[
                "text",
                "service_area",
                "organization_id",
                "taxonomy_term_id",
                "page",
                "per_page",
            ],
        ),
        (
            &public,
            "/services",
            &[
                "text",
                "service_area",
                "organization_id",
                "taxonomy_term_id",
                "page",
                "per_page",
            ],
        ),
        (&public, "/api/v1/responsible", &["function", "area"]),
        (&public, "/outcomes", &["district", "theme"]),
        (
            &public,
            "/sign-in/oidc/callback",
            &["code", "state", "error"],
        ),
        (&ig, "/agreements/due", &["within"]),
        (&worker, "/cases", &["programme"]),
        (&worker, "/api/v1/cases", &["programme"]),
    ];
    for (c, path, params) in cases {
        for p in params {
            for h in HOSTILE {
                let r = c.get(app.url(path)).query(&[(*p, h)]).send().await.unwrap();
                let status = r.status().as_u16();
                let ct = content_type(&r);
                let body = r.text().await.unwrap();
                check(&format!("{path}?{p}={h:?}"), status, &ct, &body);
            }
        }
    }
    assert_eq!(app.get_text("/healthz").await.0, 200);
}

async fn hostile_sign_in_forms_are_refused_and_escaped(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let before = app.store.accounts().await.unwrap().len();
    for h in HOSTILE {
        // As the email, the password and the page to go to next.
        for (email_, password, next) in [
            (h, DEMO_PASSWORD, "/"),
            (&email("analyst", "icb") as &str, h, "/"),
            ("nobody@demo.goldthread.invalid", "x", h),
        ] {
            let c = client();
            let r = c
                .get(app.url("/sign-in"))
                .query(&[("next", next)])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let ct = content_type(&r);
            let page = r.text().await.unwrap();
            check("sign-in page", status, &ct, &page);
            let page = if status == 200 {
                page
            } else {
                // A NUL in the address is refused at the door; post the form from a plain page.
                assert_eq!(status, 400, "{next:?}");
                let r = c.get(app.url("/sign-in")).send().await.unwrap();
                r.text().await.unwrap()
            };
            let r = c
                .post(app.url("/sign-in"))
                .form(&[
                    ("csrf", csrf_in(&page).as_str()),
                    ("email", email_),
                    ("password", password),
                    ("next", next),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let ct = content_type(&r);
            let body = r.text().await.unwrap();
            assert_eq!(status, 401, "{email_:?} / {password:?} is not a sign-in");
            check("sign-in form", status, &ct, &body);
        }
    }
    // Signed in, a hostile organisation in an agreement action is refused.
    let c = sign_in(&app, &email("ig-lead", "great-yarmouth")).await;
    let (_, page) = get_text(&app, &c, "/agreements").await;
    let csrf = csrf_in(&page);
    let id = agreement("DSA-WW-001");
    for h in HOSTILE {
        let r = c
            .post(app.url(&format!("/agreements/{id}/approve")))
            .form(&[("csrf", csrf.as_str()), ("organisation", h)])
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        assert!(status == 400 || status == 403, "{h:?}: {status}");
        let ct = content_type(&r);
        check("agreement action", status, &ct, &r.text().await.unwrap());
    }
    assert_eq!(app.store.accounts().await.unwrap().len(), before);
    assert_eq!(app.get_text("/healthz").await.0, 200);
}

on_both_backends!(
    hostile_query_parameters_are_refused_or_escaped,
    hostile_sign_in_forms_are_refused_and_escaped,
);
