//! Personal data never shows unmasked (issue 15): with the demo data set loaded, every page and
//! API answer of every GET route, read by the public and by every demo account, is searched
//! for the demo's identity numbers, objectors' phones and donors' names in plain text — and so
//! are the audit log, the event feed and every line the server logged meanwhile (at debug, the
//! platform's and the modules' own events). None may appear: views show them masked.

use fengqiao::demo::ACCOUNTS;
use reqwest::StatusCode;

use crate::{TestApp, each_backend};

/// Every log line of this test binary from the first call on (one global subscriber: the
/// in-process servers log through it), at debug for the server's own targets.
fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    static LOGS: std::sync::OnceLock<&'static std::sync::Mutex<Vec<u8>>> =
        std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let buf: &'static std::sync::Mutex<Vec<u8>> =
            Box::leak(Box::new(std::sync::Mutex::new(Vec::new())));
        let writer = move || Captured(buf);
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "warn,fengqiao=debug,tower_http=debug",
            ))
            .with_writer(writer)
            .with_ansi(false)
            .finish();
        // Another test may have installed one first: then this test reads nothing new, and
        // says so below rather than passing on an empty log.
        let _ = tracing::subscriber::set_global_default(subscriber);
        buf
    })
}

struct Captured(&'static std::sync::Mutex<Vec<u8>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every sealed value of the database, unsealed: what must never be shown.
pub(crate) async fn plaintexts(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let mut sealed: Vec<Vec<u8>> = Vec::new();
    for sql in [
        "SELECT id_number_sealed FROM persons",
        "SELECT donor_name_sealed FROM donations WHERE donor_name_sealed IS NOT NULL",
        "SELECT contact_sealed FROM objections WHERE contact_sealed IS NOT NULL",
    ] {
        let rows: Vec<Vec<u8>> = fengqiao::with_db!(db, pool => sqlx::query_scalar(sql)
            .fetch_all(pool).await.unwrap());
        sealed.extend(rows);
    }
    let mut out: Vec<String> = sealed
        .iter()
        .map(|s| app.state.pii.decrypt(s).unwrap())
        // A one- or two-character name (匿名 aside) could occur in ordinary text; the names the
        // demo gives donors are longer, and identity numbers and phones far longer.
        .filter(|p| p.chars().count() >= 3)
        .collect();
    // A donor who shares a name with a founder or leader: the leader's name is public (the
    // publicity notice names him), so it is no proof of a leak.
    let public: Vec<String> = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT name FROM persons").fetch_all(pool).await.unwrap());
    out.retain(|s| !public.contains(s));
    out.sort();
    out.dedup();
    out
}

/// The GET routes with their path parameters filled from the demo data (the first record of
/// each kind), skipping the asset catch-all and the preference switches.
async fn get_paths(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let app_id: uuid::Uuid = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM applications ORDER BY created_at LIMIT 1").fetch_one(pool).await.unwrap());
    let charity_app: Option<uuid::Uuid> = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM charity_applications ORDER BY created_at LIMIT 1").fetch_optional(pool).await.unwrap());
    let uscc: String = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT uscc FROM organizations WHERE uscc IS NOT NULL ORDER BY uscc LIMIT 1").fetch_one(pool).await.unwrap());
    let filing_no: Option<String> = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT filing_no FROM fundraising_plans ORDER BY filing_no LIMIT 1").fetch_optional(pool).await.unwrap());
    let donation: Option<uuid::Uuid> = fengqiao::with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM donations ORDER BY created_at LIMIT 1").fetch_optional(pool).await.unwrap());
    let filing_no: String =
        url::form_urlencoded::byte_serialize(filing_no.unwrap_or_default().as_bytes()).collect();
    let mut out = Vec::new();
    for r in fengqiao::app::route_table() {
        if r.method != "GET" || r.path.contains("{*path}") || r.path.starts_with("/prefs/") {
            continue;
        }
        let id = if r.path.contains("/charity/applications/") {
            charity_app.map(|u| u.to_string()).unwrap_or_default()
        } else if r.path.contains("/donations/") || r.path.contains("/receipts/") {
            donation.map(|u| u.to_string()).unwrap_or_default()
        } else {
            app_id.to_string()
        };
        out.push(
            r.path
                .replace("{id}", &id)
                .replace("{uscc}", &uscc)
                .replace("{filing_no}", &filing_no)
                .replace("{code}", "330106004053"),
        );
    }
    out
}

#[tokio::test]
async fn no_page_api_answer_or_audit_row_shows_personal_data_unmasked() {
    let logs = captured_logs();
    each_backend(|app: TestApp| async move {
        fengqiao::demo::load(
            &app.state.db,
            &app.state.pii,
            fengqiao::demo::Scale::Small,
            2018,
            true,
        )
        .await
        .unwrap();
        let secrets = plaintexts(&app).await;
        assert!(
            secrets.iter().any(|s| s.len() == 18),
            "the demo names persons with identity numbers: {}",
            secrets.len()
        );
        let paths = get_paths(&app).await;
        let mut tokens: Vec<(String, Option<String>)> = vec![("public".into(), None)];
        for a in ACCOUNTS {
            tokens.push((a.username.into(), Some(app.token(a.username).await)));
        }
        let mut read = 0;
        for (who, token) in &tokens {
            for path in &paths {
                let mut req = TestApp::client().get(app.url(path));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let r = req.send().await.unwrap();
                let status = r.status();
                let body = r.text().await.unwrap();
                assert!(!status.is_server_error(), "{who} {path}: {status} {body}");
                if status == StatusCode::OK {
                    read += 1;
                }
                for s in &secrets {
                    assert!(!body.contains(s.as_str()), "{who} sees {s:?} at {path}");
                }
            }
        }
        assert!(read > paths.len(), "the walk read pages: {read}");
        // Nor does the audit log, or the event feed built from the outbox.
        let db = &app.state.db;
        let stored: Vec<String> = fengqiao::with_db!(db, pool => sqlx::query_scalar(
            "SELECT detail FROM audit_log UNION ALL SELECT payload FROM outbox")
            .fetch_all(pool).await.unwrap());
        for text in &stored {
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "stored in plain text: {s:?}");
            }
        }
        // Nor does any line the server logged.
        let logged = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
        assert!(
            logged.lines().count() > 10,
            "the server's log lines were captured: {} bytes",
            logged.len()
        );
        for s in &secrets {
            assert!(!logged.contains(s.as_str()), "logged in plain text: {s:?}");
        }
        app
    })
    .await;
}
