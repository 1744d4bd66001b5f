//! Sign-in: passwords, lockout, sessions, CSRF, and the 401 every person-level route gives a
//! stranger.

mod common;

use common::*;
use goldthread_domain::sharing::DatasetKind;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

async fn a_stranger_gets_401_json_from_every_person_level_route(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let d = dataset("DSA-WW-001", DatasetKind::WaitingList);
    for path in [
        "/api/v1/datasets".to_owned(),
        format!("/api/v1/datasets/{d}"),
        format!("/api/v1/datasets/{d}/rows?purpose=direct_care"),
        format!("/api/v1/datasets/{d}/people/abc?purpose=direct_care"),
        "/api/v1/cohorts".to_owned(),
        "/api/v1/cohorts/00000000-0000-0000-0000-000000000000/members?purpose=evaluation"
            .to_owned(),
    ] {
        let (status, body) = app.get_json(&path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "unauthenticated", "{path}");
    }
    let r = app
        .client
        .post(app.url("/api/v1/datasets?agreement=x&kind=waiting_list"))
        .body("a,b\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A forged bearer token is no better than none.
    let r = app
        .client
        .get(app.url("/api/v1/datasets"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
}

async fn the_public_pages_stay_public(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    for path in [
        "/",
        "/healthz",
        "/api/v1/icbs",
        "/api/v1/areas/E07000145",
        "/data-uses",
        "/sign-in",
    ] {
        let (status, _) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
    }
}

async fn a_browser_without_a_session_is_sent_to_sign_in(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let r = app
        .client
        .get(app.url("/agreements"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/sign-in?next=/agreements");
}

async fn every_page_sends_a_signed_out_visitor_to_sign_in_and_apis_keep_their_401(
    backend: Backend,
) {
    let app = TestApp::with_demo(backend).await;
    let anon = client();
    // No Accept header at all: the path alone decides.
    for (path, next) in [
        ("/linkage-jobs", "/linkage-jobs"),
        ("/cases/new", "/cases/new"),
        (
            "/cases?programme=waiting-well",
            "/cases%3Fprogramme%3Dwaiting-well",
        ),
        ("/agreements/due?within=30", "/agreements/due%3Fwithin%3D30"),
        ("/ig/audit", "/ig/audit"),
        ("/programmes/district-direct", "/programmes/district-direct"),
        ("/cases/reminders", "/cases/reminders"),
        (
            "/icbs/E54000022/outcomes/manage",
            "/icbs/E54000022/outcomes/manage",
        ),
    ] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "{path}");
        assert_eq!(
            r.headers()["location"],
            format!("/sign-in?next={next}").as_str(),
            "{path}"
        );
    }
    // A signed-out form post is sent to sign in too, never half-handled.
    let r = anon
        .post(app.url("/linkage-jobs"))
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/sign-in?next=/linkage-jobs");
    // The APIs keep their machine-readable 401s, even when a browser asks.
    for path in [
        "/api/v1/cases",
        "/api/v1/linkage-jobs",
        "/api/v1/programmes",
    ] {
        let r = anon
            .get(app.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 401, "{path}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthenticated", "{path}");
    }
    let r = anon
        .post(app.url("/fhir/ServiceRequest"))
        .header("content-type", "application/fhir+json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["resourceType"], "OperationOutcome");
}

async fn a_demo_account_signs_in_and_out(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = sign_in(&app, &email("ig-lead", "nnuh")).await;
    let (status, page) = get_text(&app, &c, "/agreements").await;
    assert_eq!(status, 200);
    assert!(page.contains("DSA-WW-001"));
    // Signing out needs the session's CSRF token.
    let r = c
        .post(app.url("/sign-out"))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let csrf = csrf_in(&page);
    let r = c
        .post(app.url("/sign-out"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (status, _) = get(&app, &c, "/api/v1/datasets").await;
    assert_eq!(status, 401, "the session has ended");
}

async fn the_session_cookie_is_http_only_and_same_site(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = client();
    let page = c
        .get(app.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", &email("analyst", "icb")),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("gt_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

async fn a_wrong_password_is_refused_and_five_lock_the_account(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let who = email("analyst", "great-yarmouth");
    for _ in 0..4 {
        let (status, _) = try_sign_in(&app, &who, "not the password").await;
        assert_eq!(status, 401);
    }
    let (status, _) = try_sign_in(&app, &who, "still not it").await;
    assert_eq!(status, 401);
    // Locked now: even the right password is refused until the lockout ends.
    let (status, _) = try_sign_in(&app, &who, DEMO_PASSWORD).await;
    assert_eq!(status, 401);
    // Another account is unaffected.
    sign_in(&app, &email("analyst", "icb")).await;
    let (status, _) = try_sign_in(&app, "nobody@demo.goldthread.invalid", DEMO_PASSWORD).await;
    assert_eq!(status, 401);
}

async fn signing_in_without_the_form_token_is_refused(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = client();
    let r = c
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", "forged"),
            ("email", &email("analyst", "icb")),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

async fn sign_in_never_redirects_off_site(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let c = client();
    let page = c
        .get(app.url("/sign-in?next=//evil.invalid/x"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("evil.invalid"));
    let r = c
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", &email("analyst", "icb")),
            ("password", DEMO_PASSWORD),
            ("next", "https://evil.invalid/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}

on_both_backends!(
    a_stranger_gets_401_json_from_every_person_level_route,
    the_public_pages_stay_public,
    a_browser_without_a_session_is_sent_to_sign_in,
    every_page_sends_a_signed_out_visitor_to_sign_in_and_apis_keep_their_401,
    a_demo_account_signs_in_and_out,
    the_session_cookie_is_http_only_and_same_site,
    a_wrong_password_is_refused_and_five_lock_the_account,
    signing_in_without_the_form_token_is_refused,
    sign_in_never_redirects_off_site,
);
