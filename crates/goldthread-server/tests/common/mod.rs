//! Helpers for the sharing tests: demo accounts, signing in as them, demo dataset ids.
#![allow(dead_code)]

use goldthread_domain::sharing::{AgreementId, DatasetId, DatasetKind};
use goldthread_testkit::TestApp;

/// The password of every demo account, as the README documents it.
pub const DEMO_PASSWORD: &str = "goldthread-demo-password";

/// The demo organisations' short names, as used in the documented demo emails.
pub const ORGS: [&str; 4] = ["icb", "nnuh", "great-yarmouth", "norfolk-cc"];
/// The roles, as used in the documented demo emails.
pub const ROLES: [&str; 5] = [
    "system-administrator",
    "ig-lead",
    "analyst",
    "case-worker",
    "viewer",
];
/// The analyst with joint roles (ICB and Great Yarmouth).
pub const JOINT: &str = "joint-analyst@demo.goldthread.invalid";

/// A documented demo email.
pub fn email(role: &str, org: &str) -> String {
    format!("{role}.{org}@demo.goldthread.invalid")
}

/// Every demo account's email.
pub fn all_demo_emails() -> Vec<String> {
    let mut v: Vec<String> = ORGS
        .iter()
        .flat_map(|o| ROLES.iter().map(move |r| email(r, o)))
        .collect();
    v.push(JOINT.to_owned());
    v
}

/// A demo dataset: the agreement reference and kind it was uploaded under.
pub fn dataset(reference: &str, kind: DatasetKind) -> DatasetId {
    DatasetId::for_name(&format!("{reference}/{}", kind.as_str()))
}

/// A demo agreement by reference.
pub fn agreement(reference: &str) -> AgreementId {
    AgreementId::for_reference(reference)
}

/// A client with its own cookie jar.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value of the hidden `csrf` field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let at = html.find(marker).expect("a csrf field") + marker.len();
    html[at..]
        .split('"')
        .next()
        .expect("closing quote")
        .to_owned()
}

/// Signs in with a password; returns the status of the form POST and the client.
pub async fn try_sign_in(app: &TestApp, email: &str, password: &str) -> (u16, reqwest::Client) {
    let c = client();
    let page = c
        .get(app.url("/sign-in"))
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("text");
    let csrf = csrf_in(&page);
    let r = c
        .post(app.url("/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/agreements"),
        ])
        .send()
        .await
        .expect("sign in");
    (r.status().as_u16(), c)
}

/// Signs in as a demo account, panicking if that fails.
pub async fn sign_in(app: &TestApp, email: &str) -> reqwest::Client {
    let (status, c) = try_sign_in(app, email, DEMO_PASSWORD).await;
    assert_eq!(status, 303, "{email} signs in with the demo password");
    c
}

/// GETs a path as a client: status and JSON body (Null if not JSON).
pub async fn get(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, serde_json::Value) {
    let r = c.get(app.url(path)).send().await.expect("request");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// GETs a page as a client: status and text.
pub async fn get_text(app: &TestApp, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("request");
    let s = r.status().as_u16();
    (s, r.text().await.unwrap_or_default())
}
