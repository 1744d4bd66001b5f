//! OpenID Connect sign-in against a real provider: the certified `oidc-provider` package, which
//! `scripts/test.sh` starts from `tests/oidc-provider/` and names in `GOLDTHREAD_TEST_OIDC_ISSUER`.
//! Each test registers its own client (dynamic registration, for the server's random port) and
//! drives the whole redirect flow with an HTTP client through the provider's login and consent
//! pages, as a browser would.
//!
//! The provider's test accounts: the login name is the subject; `name@domain` has that email,
//! verified; `unverified+name@domain` has that email, not verified.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use goldthread_server::auth::{AuthConfig, OidcClaim, OidcConfig};
use goldthread_store::{AuditFilter, Backend};
use goldthread_testkit::{on_both_backends, TestApp};
use reqwest::header::LOCATION;
use serde_json::{json, Value};

/// Log output captured from every thread of the test process.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let c = Captured::default();
        let w = c.clone();
        // The server's own logs and those of the libraries only it uses; not reqwest's and
        // hyper's, which this process's test client (driving the browser's side, whose URLs
        // carry the state and code) shares with the server.
        use tracing::Level;
        use tracing_subscriber::filter::Targets;
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        let targets = Targets::new()
            .with_target("goldthread_server", Level::TRACE)
            .with_target("goldthread_store", Level::TRACE)
            .with_target("tower_http", Level::TRACE)
            .with_target("openidconnect", Level::TRACE)
            .with_target("oauth2", Level::TRACE)
            .with_target("sqlx", Level::TRACE);
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(move || w.clone()))
            .with(targets)
            .init();
        c
    })
    .clone()
}

/// The provider's issuer URL, or `None` (with a loud message) outside the test script. In CI
/// the provider must be running, so there its absence fails the test.
fn issuer() -> Option<String> {
    match std::env::var("GOLDTHREAD_TEST_OIDC_ISSUER") {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            let msg = "GOLDTHREAD_TEST_OIDC_ISSUER is not set, so the OpenID Connect sign-in \
                       tests did NOT run: run them with scripts/test.sh, which starts a real \
                       provider";
            eprintln!("\n{}\n!!! {msg} !!!\n{}\n", "!".repeat(80), "!".repeat(80));
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
            assert!(!ci, "{msg}");
            None
        }
    }
}

/// Registers a client for this test's server at the provider.
async fn register(issuer: &str, base: &str) -> (String, String) {
    let r = reqwest::Client::new()
        .post(format!("{issuer}/reg"))
        .json(&json!({
            "redirect_uris": [format!("{base}/sign-in/oidc/callback")],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }))
        .send()
        .await
        .expect("register a client");
    assert_eq!(r.status().as_u16(), 201, "client registration");
    let v: Value = r.json().await.expect("registration JSON");
    (
        v["client_id"].as_str().expect("client_id").to_owned(),
        v["client_secret"]
            .as_str()
            .expect("client_secret")
            .to_owned(),
    )
}

/// A server over the demo, with OpenID Connect sign-in at the test provider.
async fn app(backend: Backend, issuer: &str, claim: OidcClaim) -> TestApp {
    app_with_secret(backend, issuer, claim).await.0
}

/// The same, and the client secret it was registered with.
async fn app_with_secret(backend: Backend, issuer: &str, claim: OidcClaim) -> (TestApp, String) {
    let issuer = issuer.to_owned();
    let registered = Arc::new(Mutex::new(String::new()));
    let keep = registered.clone();
    let app = TestApp::with_demo_and_auth(backend, |base| async move {
        let (client_id, secret) = register(&issuer, &base).await;
        *keep.lock().unwrap() = secret.clone();
        AuthConfig {
            oidc: Some(OidcConfig {
                issuer,
                client_id,
                client_secret: Some(secret),
                claim,
                label: "the test provider".into(),
                public_url: base,
            }),
            ..AuthConfig::default()
        }
    })
    .await;
    let secret = registered.lock().unwrap().clone();
    (app, secret)
}

fn location(r: &reqwest::Response) -> String {
    let l = r
        .headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .expect("text");
    r.url().join(l).expect("a URL").to_string()
}

/// The `action` of the first form in a provider page.
fn form_action(html: &str) -> String {
    let at = html.find("<form").expect("a form");
    let rest = &html[at..];
    let a = rest.find("action=\"").expect("an action") + "action=\"".len();
    rest[a..]
        .split('"')
        .next()
        .expect("closing quote")
        .replace("&amp;", "&")
}

/// Starts a sign-in at the app and drives the provider's login and consent pages as `login`;
/// returns the callback URL the provider sends the browser back to (not yet visited).
async fn to_callback(app: &TestApp, c: &reqwest::Client, login: &str) -> String {
    let r = c
        .get(app.url("/sign-in/oidc?next=/data-uses"))
        .send()
        .await
        .expect("start");
    assert_eq!(
        r.status().as_u16(),
        303,
        "the app sends the browser to the provider"
    );
    let mut url = location(&r);
    let callback = app.url("/sign-in/oidc/callback");
    for _ in 0..20 {
        if url.starts_with(&callback) {
            return url;
        }
        let r = c.get(&url).send().await.expect("provider");
        if r.status().is_redirection() {
            url = location(&r);
            continue;
        }
        assert_eq!(r.status().as_u16(), 200, "provider page {url}");
        let html = r.text().await.expect("text");
        let action = form_action(&html);
        let r = if html.contains(r#"name="prompt" value="login""#) {
            c.post(&action)
                .form(&[("prompt", "login"), ("login", login), ("password", "any")])
        } else if html.contains(r#"name="prompt" value="consent""#) {
            c.post(&action).form(&[("prompt", "consent")])
        } else {
            panic!("an unexpected provider page: {html}");
        }
        .send()
        .await
        .expect("submit");
        assert!(r.status().is_redirection(), "the provider moves on");
        url = location(&r);
    }
    panic!("the provider never sent the browser back");
}

fn session_token(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("gt_session="))
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .find(|v| !v.is_empty())
}

fn has_session(r: &reqwest::Response) -> bool {
    session_token(r).is_some()
}

fn query_value(url: &str, key: &str) -> String {
    reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .expect("the parameter")
        .1
        .into_owned()
}

async fn audit(app: &TestApp, action: &str) -> Vec<goldthread_domain::audit::AuditEvent> {
    app.store
        .audit_events(
            &AuditFilter {
                action_prefix: Some(action.to_owned()),
                ..AuditFilter::default()
            },
            1000,
        )
        .await
        .expect("audit")
        .into_iter()
        .filter(|e| e.record.action == action)
        .collect()
}

async fn a_known_account_signs_in_with_the_provider_and_gets_a_session(backend: Backend) {
    let Some(issuer) = issuer() else { return };
    let logs = capture_logs();
    let (app, secret) = app_with_secret(backend, &issuer, OidcClaim::VerifiedEmail).await;
    let (_, page) = app.get_text("/sign-in").await;
    assert!(page.contains("Sign in with the test provider"), "{page}");
    let who = email("ig-lead", "icb");
    let account = app
        .store
        .credentials(&who)
        .await
        .unwrap()
        .expect("demo account")
        .account;

    let c = client();
    // Not signed in yet: an IG page sends the browser to sign in.
    let r = c
        .get(app.url("/ig/audit"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);

    let callback = to_callback(&app, &c, &who).await;
    let r = c.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "signed in");
    let token = session_token(&r).expect("a session cookie is set");
    assert_eq!(
        location(&r),
        app.url("/data-uses"),
        "back where they were going"
    );
    let r = c
        .get(app.url("/ig/audit"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "the session is the IG lead's");

    let events = audit(&app, "sign_in.oidc").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].record.actor, account.id.to_string());
    assert_eq!(events[0].record.outcome, "allowed");
    // The first sign-in linked the account to the provider's subject.
    let (i, s) = app
        .store
        .oidc_identity(account.id)
        .await
        .unwrap()
        .expect("linked");
    assert_eq!((i.as_str(), s.as_str()), (issuer.as_str(), who.as_str()));

    // A second sign-in, in another browser, works the same way.
    let c2 = client();
    let callback = to_callback(&app, &c2, &who).await;
    let r = c2.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(has_session(&r));
    assert_eq!(audit(&app, "sign_in.oidc").await.len(), 2);

    // No secret of the flow reaches the logs.
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(
        logs.contains("/sign-in/oidc/callback"),
        "requests are logged"
    );
    for (what, s) in [
        ("client secret", secret),
        ("code", query_value(&callback, "code")),
        ("state", query_value(&callback, "state")),
        ("session token", token),
    ] {
        assert!(!logs.contains(&s), "the {what} is in the logs");
    }
}

async fn an_unknown_subject_is_refused_and_nobody_is_created(backend: Backend) {
    let Some(issuer) = issuer() else { return };
    let app = app(backend, &issuer, OidcClaim::VerifiedEmail).await;
    let before = app.store.accounts().await.unwrap().len();
    let c = client();
    let callback = to_callback(&app, &c, "stranger@example.org").await;
    let r = c.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(!has_session(&r));
    let page = r.text().await.unwrap();
    assert!(
        page.contains("there is no goldthread account for you"),
        "{page}"
    );
    assert_eq!(app.store.accounts().await.unwrap().len(), before);
    let failed = audit(&app, "sign_in.oidc.failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].record.detail, "no_account");
    assert_eq!(failed[0].record.outcome, "denied");

    // A demo account's email that the provider has not verified is not enough either.
    let c = client();
    let who = format!("unverified+{}", email("ig-lead", "icb"));
    let callback = to_callback(&app, &c, &who).await;
    let r = c.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(!has_session(&r));
    let failed = audit(&app, "sign_in.oidc.failed").await;
    assert_eq!(failed[0].record.detail, "claim_missing");
    assert!(audit(&app, "sign_in.oidc").await.is_empty());
}

async fn a_tampered_state_or_a_replayed_code_is_refused(backend: Backend) {
    let Some(issuer) = issuer() else { return };
    let app = app(backend, &issuer, OidcClaim::VerifiedEmail).await;
    let who = email("analyst", "nnuh");

    // A tampered state.
    let c = client();
    let callback = to_callback(&app, &c, &who).await;
    let mut url = reqwest::Url::parse(&callback).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" {
                let mut s = v.into_owned();
                let last = s.pop().unwrap();
                s.push(if last == 'A' { 'B' } else { 'A' });
                s
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(&pairs);
    let r = c.get(url.as_str()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "a tampered state");
    assert!(!has_session(&r));
    // The untampered callback, in a browser that did not start the flow.
    let r = client().get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "a callback in another browser");
    assert!(!has_session(&r));

    // A sign-in completes; the same callback again is refused (the flow is spent).
    let c = client();
    let callback = to_callback(&app, &c, &who).await;
    let r = c.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(has_session(&r));
    let r = c.get(&callback).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400, "a replayed callback");
    assert!(!has_session(&r));

    // The used code, replayed with a fresh flow's state from a fresh browser: the provider
    // refuses it (codes are single use, and the PKCE verifier is the new flow's).
    let code = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let c = client();
    let r = c.get(app.url("/sign-in/oidc")).send().await.expect("start");
    let fresh_state = reqwest::Url::parse(&location(&r))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut replay = reqwest::Url::parse(&app.url("/sign-in/oidc/callback")).unwrap();
    replay
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &fresh_state);
    let r = c.get(replay.as_str()).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "a replayed code");
    assert!(!has_session(&r));

    let reasons: Vec<String> = audit(&app, "sign_in.oidc.failed")
        .await
        .into_iter()
        .rev()
        .map(|e| e.record.detail)
        .collect();
    assert_eq!(
        reasons,
        [
            "state_unknown",
            "state_mismatch",
            "state_unknown",
            "code_refused"
        ]
    );
    assert_eq!(audit(&app, "sign_in.oidc").await.len(), 1);
}

on_both_backends!(
    a_known_account_signs_in_with_the_provider_and_gets_a_session,
    an_unknown_subject_is_refused_and_nobody_is_created,
    a_tampered_state_or_a_replayed_code_is_refused,
);
