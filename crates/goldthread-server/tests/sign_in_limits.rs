//! The sign-in rate limit by client address (on top of each account's lockout), and signing out
//! from any page.

mod common;

use common::*;
use goldthread_server::auth::AuthConfig;
use goldthread_store::Backend;
use goldthread_testkit::{on_both_backends, TestApp};

/// Tries a password sign-in from a client claiming to be behind a proxy at `forwarded_for`;
/// returns the status, the Retry-After header and the page.
async fn attempt(
    app: &TestApp,
    who: &str,
    password: &str,
    forwarded_for: &str,
) -> (u16, Option<String>, String) {
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
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("csrf", csrf_in(&page).as_str()),
            ("email", who),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, r.text().await.unwrap())
}

async fn twenty_failures_from_one_address_bring_429_whatever_it_claims(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    let limit = AuthConfig::default().rate_limit_failures;
    // Failures spread over unknown and real accounts (none reaches its own lockout), each
    // claiming a different forwarded address: the proxy is not trusted, so all count against
    // the one real peer address.
    for i in 0..limit {
        let who = if i % 2 == 0 {
            format!("nobody{i}@demo.goldthread.invalid")
        } else {
            email(
                ROLES[(i as usize / 2) % ROLES.len()],
                ORGS[i as usize % ORGS.len()],
            )
        };
        let (status, _, _) = attempt(&app, &who, "wrong", &format!("192.0.2.{i}")).await;
        assert_eq!(status, 401, "attempt {i}");
    }
    // Now even the right password for an account that never failed is refused, clearly.
    let (status, retry, page) =
        attempt(&app, &email("viewer", "icb"), DEMO_PASSWORD, "198.51.100.9").await;
    assert_eq!(status, 429);
    assert!(page.contains("Too many failed sign-in attempts"), "{page}");
    let window = AuthConfig::default().rate_limit_window.as_secs();
    assert_eq!(retry, Some(window.to_string()));
}

async fn behind_a_trusted_proxy_the_forwarded_address_is_limited_alone(backend: Backend) {
    let app = TestApp::with_demo_and_auth(backend, |_| async {
        AuthConfig {
            trust_forwarded_for: true,
            rate_limit_failures: 3,
            ..AuthConfig::default()
        }
    })
    .await;
    let noisy = "203.0.113.7";
    for i in 0..3 {
        let who = format!("nobody{i}@demo.goldthread.invalid");
        // The client may send its own X-Forwarded-For; the proxy appends the address it saw,
        // and only that last entry is believed.
        let chain = format!("10.0.0.{i}, {noisy}");
        assert_eq!(attempt(&app, &who, "wrong", &chain).await.0, 401);
    }
    let who = email("analyst", "icb");
    assert_eq!(attempt(&app, &who, DEMO_PASSWORD, noisy).await.0, 429);
    // Someone else behind the same proxy signs in as usual.
    assert_eq!(
        attempt(&app, &who, DEMO_PASSWORD, "198.51.100.20").await.0,
        303
    );
}

async fn every_page_offers_sign_out_when_signed_in(backend: Backend) {
    let app = TestApp::with_demo(backend).await;
    // Signed out: a link to sign in, no sign-out form.
    let (_, home) = app.get_text("/").await;
    assert!(home.contains(r#"href="/sign-in""#));
    assert!(!home.contains(r#"action="/sign-out""#));

    let c = sign_in(&app, &email("ig-lead", "icb")).await;
    let mut token = None;
    for path in [
        "/",
        "/directory",
        "/outcomes",
        "/data-uses",
        "/agreements",
        "/agreements/due",
        "/ig/audit",
    ] {
        let (status, page) = get_text(&app, &c, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            page.contains(r#"<form class="sign-out-form" method="post" action="/sign-out">"#),
            "{path} has the sign-out form"
        );
        assert!(page.contains("Signed in as "), "{path}");
        let csrf = csrf_in(&page);
        assert_eq!(
            token.get_or_insert_with(|| csrf.clone()),
            &csrf,
            "{path}: the session's token"
        );
    }
    // Without the token, sign-out is refused and the session stands.
    let r = c
        .post(app.url("/sign-out"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_ne!(get(&app, &c, "/api/v1/datasets").await.0, 401);
    // With it, from any page's form, the session ends.
    let r = c
        .post(app.url("/sign-out"))
        .form(&[("csrf", token.unwrap().as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(get(&app, &c, "/api/v1/datasets").await.0, 401);
    let (_, home) = get_text(&app, &c, "/").await;
    assert!(!home.contains(r#"action="/sign-out""#));
}

on_both_backends!(
    twenty_failures_from_one_address_bring_429_whatever_it_claims,
    behind_a_trusted_proxy_the_forwarded_address_is_limited_alone,
    every_page_offers_sign_out_when_signed_in,
);
