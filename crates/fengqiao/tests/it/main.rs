//! The one integration-test binary (link time dominates on 2 cores). Every test runs on SQLite
//! and, when `FENGQIAO_TEST_PG` is set (always in CI), on PostgreSQL, each with its own database
//! and a server on a free port.

mod accounts;
mod application_access;
mod audit;
mod authz;
mod backup;
mod calendar;
mod charity;
mod cli;
mod codes_api;
mod credit;
mod csrf;
mod departments;
mod directory;
mod donations;
mod durability;
mod evaluation;
mod headers;
mod input;
mod login_throttle;
mod openapi;
mod org_accounts;
mod personal_data;
mod platform;
mod regions;
mod registration;
mod rule_parameters;
mod scheduler;
mod supervision;
mod transparency;
mod upgrade;

use std::sync::Arc;

use fengqiao::platform::AppState;
use fengqiao::platform::clock::FixedClock;
use fengqiao::platform::db::Backend;
use fengqiao::testkit::{self, TestDb};
use reqwest::StatusCode;
use serde_json::Value;

/// One test's world: its database, its server, its clock.
pub struct TestApp {
    pub backend: Backend,
    pub base: String,
    pub state: AppState,
    pub clock: FixedClock,
    db: Option<TestDb>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        Self::with_config(backend, testkit::test_config()).await
    }

    /// A test app whose server runs with `config` (start from `testkit::test_config()`).
    pub async fn with_config(backend: Backend, config: fengqiao::platform::Config) -> TestApp {
        let tdb = TestDb::new(backend).await.expect("test database");
        testkit::seed(&tdb.db, Some(testkit::TEST_REGIONS))
            .await
            .expect("seed");
        let clock = testkit::test_clock();
        let (base, state) = testkit::spawn_with(tdb.db.clone(), Arc::new(clock.clone()), config)
            .await
            .expect("server");
        TestApp {
            backend,
            base,
            state,
            clock,
            db: Some(tdb),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A plain HTTP client (no cookies kept, no redirects followed).
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A bearer token for a demo account.
    pub async fn token(&self, username: &str) -> String {
        let r = Self::client()
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({"username": username, "password": fengqiao::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "token for {username}");
        r.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn get_as(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        let mut req = Self::client().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn send_as(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let mut req = Self::client().request(method, self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        fengqiao::with_db!(&self.state.db, pool => sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap())
    }

    /// The URL another server would open this test's database with.
    pub fn db_url(&self) -> String {
        self.db.as_ref().expect("database").url()
    }

    pub async fn finish(mut self) {
        if let Some(db) = self.db.take() {
            db.finish().await;
        }
    }
}

/// Runs `f` once per backend, each with a fresh app.
/// The text of a page fetched by `client` (anonymous, or a browser with its cookies).
pub async fn page_text(client: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("page text")
}

pub async fn each_backend<F, Fut>(f: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    for backend in testkit::backends() {
        let app = TestApp::new(backend).await;
        let app = f(app).await;
        app.finish().await;
    }
}

/// Asserts a problem+json answer with the given status, code and field.
#[track_caller]
pub fn assert_problem(
    got: &(StatusCode, Value),
    status: StatusCode,
    code: &str,
    field: Option<&str>,
) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
    if let Some(f) = field {
        assert_eq!(got.1["field"], f, "{}", got.1);
    }
    assert!(
        got.1["message"]["zh"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{}",
        got.1
    );
    assert!(
        got.1["message"]["en"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{}",
        got.1
    );
}
