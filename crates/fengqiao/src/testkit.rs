//! Test support shared by the integration tests (`tests/it`) and the browser journeys (`e2e/`):
//! a fresh database per test on either backend, and a server on a free loopback port.
//!
//! PostgreSQL comes from `FENGQIAO_TEST_PG` (e.g. `postgres://postgres@127.0.0.1:5432/test`);
//! each test gets its own schema, dropped when the test's [`TestDb`] is finished. Without the
//! variable the PostgreSQL half is skipped with a message, except under `CI=true`, where a
//! missing or unreachable server fails the run.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::platform::clock::{Clock, FixedClock};
use crate::platform::{AppState, Config, Db, db::Backend};

/// Which backends this run tests: SQLite always, PostgreSQL when configured (required in CI).
pub fn backends() -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    match std::env::var("FENGQIAO_TEST_PG") {
        Ok(url) if !url.is_empty() => out.push(Backend::Postgres),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "CI=true but FENGQIAO_TEST_PG is not set: the PostgreSQL half of the suite is required in CI"
                );
            }
            static ONCE: std::sync::Once = std::sync::Once::new();
            ONCE.call_once(|| {
                eprintln!("FENGQIAO_TEST_PG is not set: PostgreSQL tests skipped (SQLite only)")
            });
        }
    }
    out
}

/// A database of its own for one test.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Schema { admin_url: String, schema: String },
}

impl TestDb {
    pub async fn new(backend: Backend) -> anyhow::Result<TestDb> {
        let tag = uuid::Uuid::now_v7().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("fengqiao-test-{tag}"));
                let db = Db::connect_sqlite(&dir.join("test.db")).await?;
                Ok(TestDb {
                    db,
                    cleanup: Cleanup::File(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("FENGQIAO_TEST_PG")
                    .map_err(|_| anyhow::anyhow!("FENGQIAO_TEST_PG is not set"))?;
                let schema = format!("fqt_{tag}");
                let mut conn = PgConnection::connect(&admin_url).await.map_err(|e| {
                    anyhow::anyhow!("cannot reach PostgreSQL at FENGQIAO_TEST_PG={admin_url}: {e}")
                })?;
                drop_stale_schemas(&mut conn).await;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                let opts = PgConnectOptions::from_str(&admin_url)?
                    .options([("search_path", schema.as_str())]);
                let db = Db::connect_postgres(opts).await?;
                Ok(TestDb {
                    db,
                    cleanup: Cleanup::Schema { admin_url, schema },
                })
            }
        }
    }

    /// The URL another process opens this database with (`fengqiao --database-url …`): the
    /// SQLite file, or the PostgreSQL server with this test's schema as its search path.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::File(dir) => dir.join("test.db").display().to_string(),
            Cleanup::Schema { admin_url, schema } => {
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                format!("{admin_url}{sep}options[search_path]={schema}")
            }
        }
    }

    /// Closes the pools and removes the database.
    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { admin_url, schema } => {
                if let Ok(mut conn) = PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                            .execute(&mut conn)
                            .await;
                }
            }
        }
    }
}

/// Drops test schemas left behind by runs that died more than an hour ago (a panicking test
/// never reaches `finish`). The schema name carries a UUIDv7, whose first 48 bits are its time.
async fn drop_stale_schemas(conn: &mut PgConnection) {
    let Ok(names) = sqlx::query_scalar::<_, String>(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'fqt\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    else {
        return;
    };
    let hour_ago = chrono::Utc::now().timestamp_millis() - 3_600_000;
    for name in names {
        let Some(ms) = name
            .strip_prefix("fqt_")
            .and_then(|h| h.get(..12))
            .and_then(|h| i64::from_str_radix(h, 16).ok())
        else {
            continue;
        };
        if ms < hour_ago {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

/// Regions loaded into test databases unless a test asks for the whole province: the province,
/// 杭州 and its districts 西湖区 and 滨江区 down to every community (fast on both backends).
pub const TEST_REGIONS: &[&str] = &["330106", "330108"];

/// Loads the division subset (or all with `None`), the holiday calendar and the demo accounts.
pub async fn seed(db: &Db, regions_inside: Option<&[&str]>) -> anyhow::Result<()> {
    db.migrate().await?;
    let rows = crate::regions::model::parse_divisions(crate::regions::SHIPPED_DIVISIONS)
        .map_err(|b| anyhow::anyhow!("{b:?}"))?;
    let rows = match regions_inside {
        Some(inside) => crate::regions::model::subset(rows, inside),
        None => rows,
    };
    crate::regions::store::upsert_regions(db, &rows, |_| {}).await?;
    crate::calendar::store::seed_if_empty(db).await?;
    crate::demo::load_accounts(db, chrono::Utc::now()).await?;
    Ok(())
}

/// The clock tests run on: 2026-11-27 09:00 in Shanghai, movable.
pub fn test_clock() -> FixedClock {
    FixedClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-27T01:00:00Z")
            .expect("literal")
            .with_timezone(&chrono::Utc),
    )
}

/// A server on a free loopback port; returns its base URL. The server stops with the runtime.
pub async fn spawn(db: Db, clock: Arc<dyn Clock>) -> anyhow::Result<(String, AppState)> {
    spawn_with(db, clock, test_config()).await
}

/// The configuration [`spawn`] serves with: a data directory of its own (for the keys a server
/// creates there), no demo data.
pub fn test_config() -> Config {
    Config {
        data_dir: std::env::temp_dir()
            .join(format!("fengqiao-app-{}", uuid::Uuid::now_v7().simple())),
        demo: false,
        ..Config::default()
    }
}

/// [`spawn`] with a configuration of the test's own (e.g. `behind_tls`).
pub async fn spawn_with(
    db: Db,
    clock: Arc<dyn Clock>,
    config: Config,
) -> anyhow::Result<(String, AppState)> {
    let state = crate::bootstrap::state(
        db,
        config,
        clock,
        None,
        crate::platform::pii::PiiCipher::random(),
    );
    crate::directory::index::start(&state).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = crate::app::router(state.clone());
    tokio::spawn(async move {
        // With the peer's address, as `fengqiao serve` (the login throttle counts by it).
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    Ok((format!("http://{addr}"), state))
}

/// An organization row written directly, as the registry (or an import) would have left it —
/// for tests of what comes after registration.
#[derive(Debug, Clone)]
pub struct TestOrganization {
    pub id: uuid::Uuid,
    pub uscc: Option<String>,
    pub name: String,
    /// social_group | foundation | social_service_agency | community_org
    pub org_type: String,
    pub category: String,
    pub region: String,
    /// registered | filed | deregistered | revoked
    pub status: String,
    pub registered_on: Option<chrono::NaiveDate>,
    pub purpose: String,
}

impl TestOrganization {
    /// A registered 社会团体 (公益慈善类) in `region` with no credit code yet.
    pub fn new(name: &str, region: &str) -> TestOrganization {
        TestOrganization {
            id: uuid::Uuid::now_v7(),
            uscc: None,
            name: name.to_string(),
            org_type: "social_group".into(),
            category: "charity".into(),
            region: region.to_string(),
            status: "registered".into(),
            registered_on: None,
            purpose: String::new(),
        }
    }

    pub async fn insert(&self, db: &Db) -> anyhow::Result<uuid::Uuid> {
        let now = chrono::Utc::now();
        crate::with_tx!(db, tx => {
            sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, purpose, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)")
                .bind(self.id).bind(&self.uscc).bind(&self.name).bind(&self.org_type).bind(&self.category)
                .bind(&self.region).bind(&self.status).bind(self.registered_on).bind(&self.purpose).bind(now)
                .execute(&mut *tx).await?;
        });
        Ok(self.id)
    }
}

/// A registered, qualified charity in `region` with a filed fundraising plan open from
/// `starts_on` to `ends_on`, written directly (for tests of donations that do not go through the
/// filing workflow). Returns the plan's id.
pub async fn fundraising_plan(
    db: &Db,
    filing_no: &str,
    region: &str,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
) -> anyhow::Result<uuid::Uuid> {
    let org = TestOrganization {
        org_type: "foundation".into(),
        registered_on: Some(starts_on),
        ..TestOrganization::new(&format!("测试慈善基金会{filing_no}"), region)
    }
    .insert(db)
    .await?;
    let plan = uuid::Uuid::now_v7();
    let now = chrono::Utc::now();
    crate::with_tx!(db, tx => {
        // A qualified charity (慈善组织, 公开募捐资格) since the plan's start.
        sqlx::query("INSERT INTO charities (organization_id, recognized_on, qualified_on, qualification_no, updated_at) VALUES ($1, $2, $2, $3, $4)")
            .bind(org).bind(starts_on).bind(format!("测试募证{filing_no}")).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO fundraising_plans (id, filing_no, organization_id, title, purpose, target_fen, starts_on, ends_on, region_code, beneficiaries, status, filed_at) VALUES ($1, $2, $3, '助学项目', '资助困难学生', 10000000, $4, $5, $6, '困难学生', 'filed', $7)")
            .bind(plan).bind(filing_no).bind(org).bind(starts_on).bind(ends_on).bind(region).bind(now)
            .execute(&mut *tx).await?;
    });
    Ok(plan)
}

/// A registered organization (社会团体, 公益慈善类) in `region` with a valid USCC of serial
/// `serial`, as the registry would have approved it on `registered_on`. Returns its id and USCC.
pub async fn registered_organization(
    db: &Db,
    name: &str,
    region: &str,
    serial: u64,
    registered_on: chrono::NaiveDate,
) -> anyhow::Result<(uuid::Uuid, String)> {
    let uscc = codes::Uscc::for_serial('1', region, serial)
        .map_err(|e| anyhow::anyhow!("uscc: {e:?}"))?
        .as_str()
        .to_string();
    let id = TestOrganization {
        uscc: Some(uscc.clone()),
        registered_on: Some(registered_on),
        purpose: "扶贫济困，助学助老".into(),
        ..TestOrganization::new(name, region)
    }
    .insert(db)
    .await?;
    Ok((id, uscc))
}

/// Makes an account act for an organization (`organization_accounts`), as the registry does for
/// a founder or an officer's grant would.
pub async fn act_for(db: &Db, username: &str, organization_id: uuid::Uuid) -> anyhow::Result<()> {
    let user = crate::platform::auth::store::user_by_username(db, username)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("no account {username}"))?;
    crate::platform::auth::store::grant_organization(
        db,
        chrono::Utc::now(),
        organization_id,
        user.id,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Puts a person (by identity number, sealed with `pii` as the registry seals it) in office as
/// legal representative (会长) of the organization since `since`, as an approved application
/// would have; returns his person id.
pub async fn legal_representative(
    db: &Db,
    pii: &crate::platform::pii::PiiCipher,
    organization_id: uuid::Uuid,
    (name, id_number): (&str, &str),
    since: chrono::NaiveDate,
) -> anyhow::Result<uuid::Uuid> {
    let person = uuid::Uuid::now_v7();
    let parsed = codes::IdNumber::parse(id_number)?;
    let now = chrono::Utc::now();
    crate::with_tx!(db, tx => {
        sqlx::query("INSERT INTO persons (id, name, id_number_sealed, id_number_index, id_number_masked, birth_date, sex, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'male', $7)")
            .bind(person).bind(name).bind(pii.encrypt(id_number)).bind(pii.blind_index(id_number)).bind(parsed.masked())
            .bind(parsed.birth_date()).bind(now).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO leaders (id, organization_id, person_id, position, is_legal_rep, started_on, created_at) VALUES ($1, $2, $3, '会长', $4, $5, $6)")
            .bind(uuid::Uuid::now_v7()).bind(organization_id).bind(person).bind(true).bind(since).bind(now)
            .execute(&mut *tx).await?;
    });
    Ok(person)
}

/// An open evaluation round of `region` (2026) holding `organization_id`'s eligible application,
/// written as an officer's enrolment would have left it (for journeys that start at scoring).
/// Returns the application's id.
pub async fn evaluation_application(
    db: &Db,
    region: &str,
    organization_id: uuid::Uuid,
) -> anyhow::Result<uuid::Uuid> {
    use crate::evaluation::store::{self, ApplicationRow, RoundRow};
    let now = chrono::Utc::now();
    let actor = crate::platform::auth::Actor::System;
    let round = RoundRow {
        id: uuid::Uuid::now_v7(),
        region_code: region.to_string(),
        year: 2026,
        title: "2026 年度社会组织评估".into(),
        state: "open".into(),
        seed: None,
        candidates: None,
        drawn_on: None,
        created_at: now,
    };
    store::insert_round(db, now, &actor, &round)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = ApplicationRow {
        id: uuid::Uuid::now_v7(),
        round_id: round.id,
        organization_id,
        region_code: region.to_string(),
        state: "eligible".into(),
        reasons: "[]".into(),
        applied_on: now.date_naive(),
    };
    store::insert_application(db, now, &actor, &a)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(a.id)
}
