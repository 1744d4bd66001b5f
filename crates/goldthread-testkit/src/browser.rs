//! A real headless Chromium for end-to-end tests, driven through chromedriver with the W3C
//! WebDriver protocol (plain JSON over HTTP on loopback, sent with the testkit's `reqwest`).
//!
//! ```no_run
//! # async fn demo(app: &goldthread_testkit::TestApp) {
//! let browser = goldthread_testkit::browser::Browser::start().await;
//! browser.goto(&app.url("/directory")).await;
//! browser.fill("#text", "debt advice").await;
//! browser.click("button[type=submit]").await;
//! assert!(browser.text("#result-count").await.contains("found"));
//! browser.screenshot("target/screenshots/directory.png").await;
//! browser.close().await;
//! # }
//! ```
//!
//! Chromium is found by `GOLDTHREAD_CHROMIUM` (else `chromium` on the `PATH`) and chromedriver by
//! `GOLDTHREAD_CHROMEDRIVER` (else `chromedriver` on the `PATH`); `scripts/test.sh` installs both.
//! Each browser gets a fresh profile directory and runs with networking features off, since
//! tests reach only loopback. Every call panics with a clear message on failure: this is test
//! code, and a failed step should fail the test where it happened.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{json, Value};

/// The WebDriver key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session.
pub struct Browser {
    driver: Child,
    http: reqwest::Client,
    session: String,
    _profile: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port for chromedriver")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a fresh profile, 1280×1400 pixels.
    pub async fn start() -> Self {
        let chromium = std::env::var("GOLDTHREAD_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let driver_bin =
            std::env::var("GOLDTHREAD_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_bin}: {e}; run the tests with scripts/test.sh, which installs chromium and chromedriver")
            });
        let profile = tempfile::tempdir().expect("a profile directory");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,1400".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args }
        }}});
        let r: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("chromedriver's answer is JSON");
        let session = r["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("chromium did not start: {r}"))
            .to_owned();
        Self {
            driver,
            http,
            session: format!("{base}/session/{session}"),
            _profile: profile,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        match self.try_call(method, path, body).await {
            Ok(v) => v,
            Err(e) => panic!("WebDriver {path}: {e}"),
        }
    }

    /// A WebDriver command; its error object when it fails.
    async fn try_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, Value> {
        let mut req = self.http.request(method, format!("{}{path}", self.session));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r: Value = req
            .send()
            .await
            .expect("chromedriver answers")
            .json()
            .await
            .expect("chromedriver's answer is JSON");
        if r["value"]["error"].is_string() {
            return Err(r["value"].clone());
        }
        Ok(r["value"].clone())
    }

    /// Reads something from the first element matching a CSS selector (`what` is the path
    /// after the element, e.g. `text`). A click that submits a form returns before the next
    /// page replaces the old one, so an element found on the old page can go stale before it
    /// is read: then it is looked up again, on the new page.
    async fn read_element(&self, css: &str, what: &str) -> Value {
        let mut attempts = 0;
        loop {
            let id = self.element(css).await;
            match self
                .try_call(reqwest::Method::GET, &format!("/element/{id}/{what}"), None)
                .await
            {
                Ok(v) => return v,
                Err(e) if e["error"] == "stale element reference" && attempts < 50 => {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("WebDriver {css} {what}: {e}"),
            }
        }
    }

    /// Opens a URL and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// The current page's title.
    pub async fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The current page's URL.
    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits for the current URL to contain `part` (after a click that navigates) and returns
    /// the URL; panics with the URL it is stuck on if it never does.
    pub async fn wait_for_url(&self, part: &str) -> String {
        for _ in 0..100 {
            let url = self.url().await;
            if url.contains(part) {
                return url;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "the page never moved to a URL containing {part:?}: still at {}",
            self.url().await
        );
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .expect("an element reference")
            .to_owned()
    }

    /// How many elements match a CSS selector.
    pub async fn count(&self, css: &str) -> usize {
        let v = self
            .call(
                reqwest::Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v.as_array().map_or(0, Vec::len)
    }

    /// The rendered text of the first element matching a CSS selector.
    pub async fn text(&self, css: &str) -> String {
        self.read_element(css, "text")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// An attribute of the first element matching a CSS selector.
    pub async fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.read_element(css, &format!("attribute/{name}"))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Types into the first element matching a CSS selector, after clearing it.
    pub async fn fill(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/clear"),
            Some(json!({})),
        )
        .await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// Clicks the first element matching a CSS selector (a link or button: waits for the load).
    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Writes a PNG screenshot of the whole page to `path`, creating its directory.
    pub async fn screenshot(&self, path: impl AsRef<std::path::Path>) {
        let path = path.as_ref();
        // Size the window to the page so the picture shows all of it.
        let height = self
            .call(
                reqwest::Method::POST,
                "/execute/sync",
                Some(
                    json!({ "script": "return document.documentElement.scrollHeight", "args": [] }),
                ),
            )
            .await
            .as_u64()
            .unwrap_or(1400)
            .clamp(600, 6000);
        self.call(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": 1280, "height": height })),
        )
        .await;
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("screenshot data"))
            .expect("screenshot is base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create the screenshot directory");
        }
        std::fs::write(path, png).expect("write the screenshot");
    }

    /// Ends the session, closing Chromium, and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.http.delete(&self.session).send().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that panicked before close() still must not leave chromedriver behind.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
