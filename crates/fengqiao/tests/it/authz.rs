//! The route walk: every declared route, every role, and a record in 滨江区. A role outside a
//! route's roles is refused; an officer whose region does not cover the record is refused.

use fengqiao::demo::ACCOUNTS;
use fengqiao::platform::auth::{Access, Actor, Role, Scope, UserActor, authorize};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{TestApp, each_backend};

/// Records in 滨江区 of the charity module: an application and a filed plan's number.
struct CharityRecords {
    application: String,
    filing_no: String,
    /// The charity's annual report on 2025, submitted (the supervision module).
    annual_report: String,
    /// A warning of the charity (the supervision module's warnings engine).
    warning: String,
    /// The evaluation module's round of 滨江区, the charity's eligible application in it and a
    /// grade in publicity.
    evaluation_round: String,
    evaluation_application: String,
    evaluation_grade: String,
}

/// A record in 滨江区 for each kind of path parameter (`{uscc}`: an organization there, named
/// by its id as organizations without a credit code are).
fn fill(
    path: &str,
    grid_in_binjiang: &str,
    application_in_binjiang: &str,
    org_in_binjiang: &str,
    charity: &CharityRecords,
) -> String {
    let filing_no: String =
        url::form_urlencoded::byte_serialize(charity.filing_no.as_bytes()).collect();
    let id = if path.contains("/evaluations/rounds/") {
        charity.evaluation_round.as_str()
    } else if path.contains("/evaluations/applications/") {
        charity.evaluation_application.as_str()
    } else if path.contains("/evaluations/grades/") {
        charity.evaluation_grade.as_str()
    } else if path.contains("/charity/applications/") {
        charity.application.as_str()
    } else if path.contains("/supervision/warnings/") {
        charity.warning.as_str()
    } else if path.contains("/annual-reports/") {
        charity.annual_report.as_str()
    } else if path.contains("/applications/") || path.contains("/publicity/") {
        application_in_binjiang
    } else {
        grid_in_binjiang
    };
    path.replace("{code}", "330108001001")
        .replace("{uscc}", org_in_binjiang)
        .replace("{id}", id)
        .replace("{filing_no}", &filing_no)
        .replace("{tag}", "zh")
        .replace("{mode}", "off")
        .replace("{*path}", "app.css")
}

/// What the one authorization rule says this actor should get on this route.
fn expected_allowed(
    access: &Access,
    role: Option<Role>,
    region: Option<&str>,
) -> Result<(), StatusCode> {
    let actor = match (role, region) {
        (Some(role), Some(region)) => Actor::User(UserActor {
            user_id: uuid::Uuid::nil(),
            username: String::new(),
            display_name: String::new(),
            role,
            region: codes::RegionCode::parse(region).unwrap(),
            grant_id: uuid::Uuid::nil(),
            department: None,
        }),
        _ => Actor::Public,
    };
    let target = match access.scope {
        Scope::None => None,
        _ => Some(codes::RegionCode::parse("330108001001").unwrap()),
    };
    authorize(&actor, access, target.as_ref())
        .map_err(|e| StatusCode::from_u16(e.status().as_u16()).unwrap())
}

#[tokio::test]
async fn every_route_refuses_roles_and_regions_outside_its_access() {
    each_backend(|app: TestApp| async move {
        let binjiang = app.token("binjiang").await;
        let (s, grid) = app
            .send_as(
                Method::POST,
                Some(&binjiang),
                "/api/v1/regions/330108001001/grids",
                &json!({"name": "路由巡检网格"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        let grid_id = grid["id"].as_str().unwrap().to_string();
        // A draft registry application in 滨江区 (written directly: no audit row, so the walk's
        // "nothing changed" count below stays as it was).
        let app_id = uuid::Uuid::now_v7();
        let org_id = uuid::Uuid::now_v7();
        let now = chrono::Utc::now();
        let insert = async {
            fengqiao::with_tx!(&app.state.db, tx => {
                sqlx::query(
                    "INSERT INTO applications (id, kind, state, org_type, category, name, region_code, domicile_code, reach, created_at, updated_at) \
                     VALUES ($1, 'establishment', 'draft', 'social_group', 'charity', '路由巡检协会', '330108', '330108001001', 'county', $2, $2)",
                )
                .bind(app_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, created_at, updated_at) \
                     VALUES ($1, NULL, '路由巡检社区社会组织', 'community_org', 'community_service', '330108001', 'filed', $2, $3, $3)",
                )
                .bind(org_id)
                .bind(now.date_naive())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            });
            Ok::<(), sqlx::Error>(())
        };
        insert.await.unwrap();
        let app_id = app_id.to_string();
        let org_id = org_id.to_string();
        let charity = charity_records(&app).await;
        let mut actors: Vec<(Option<&str>, Option<Role>, Option<&str>)> = vec![(None, None, None)];
        for a in ACCOUNTS {
            actors.push((Some(a.username), Some(a.role), Some(a.region)));
        }
        let mut routes = fengqiao::app::route_table();
        // Logging out would end the token the walk uses, so it goes last.
        routes.sort_by_key(|r| r.path == "/logout");
        let mut checked = 0;
        let mut refusals = 0;
        for (username, role, region) in &actors {
            let token = match username {
                Some(u) => Some(app.token(u).await),
                None => None,
            };
            for route in &routes {
                let path = fill(&route.path, &grid_id, &app_id, &org_id, &charity);
                let method = Method::from_bytes(route.method.as_bytes()).unwrap();
                // An empty JSON object: refused requests must be refused before the body is read,
                // and allowed ones fail validation, so the walk changes nothing.
                let (status, body) = app
                    .send_as(method, token.as_deref(), &path, &json!({}))
                    .await;
                match expected_allowed(&route.access, *role, *region) {
                    Ok(()) => assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{:?} as {:?} should be allowed on {} {path}, got {status}: {body}",
                        role,
                        region,
                        route.method
                    ),
                    Err(want) => {
                        refusals += 1;
                        assert_eq!(
                            status, want,
                            "{:?} as {:?} on {} {path}: {body}",
                            role, region, route.method
                        )
                    }
                }
                checked += 1;
            }
        }
        assert!(checked >= routes.len() * actors.len());
        assert!(refusals > 100, "the walk exercised refusals ({refusals})");
        // The walk changed nothing: the one grid, and no other audited change.
        assert_eq!(app.scalar("SELECT COUNT(*) FROM grids").await, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, 1);
        app
    })
    .await;
}

/// A charity of 滨江区 with a pending application and a filed plan (written directly: no audit row).
async fn charity_records(app: &TestApp) -> CharityRecords {
    let org = uuid::Uuid::now_v7();
    let application = uuid::Uuid::now_v7();
    let plan = uuid::Uuid::now_v7();
    let annual_report = uuid::Uuid::now_v7();
    let warning = uuid::Uuid::now_v7();
    let (round, evaluation, grade) = (
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
    );
    let filing_no = "浙民募备[2026]0099".to_string();
    let now = chrono::Utc::now();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let insert = async {
        fengqiao::with_tx!(&app.state.db, tx => {
            sqlx::query("INSERT INTO organizations (id, uscc, name, org_type, category, region_code, status, registered_on, purpose, created_at, updated_at) \
                         VALUES ($1, NULL, '路由巡检慈善会', 'social_group', 'charity', '330108', 'registered', $2, '助残', $3, $3)")
                .bind(org).bind(today).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO charities (organization_id, recognized_on, qualified_on, qualification_no, updated_at) VALUES ($1, $2, $2, '路由巡检证', $3)")
                .bind(org).bind(today).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO charity_applications (id, kind, organization_id, region_code, state, submitted_on, deadline, created_at, updated_at) \
                         VALUES ($1, 'recognition', $2, '330108', 'pending', $3, $3, $4, $4)")
                .bind(application).bind(org).bind(today).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO fundraising_plans (id, filing_no, organization_id, title, purpose, target_fen, starts_on, ends_on, region_code, beneficiaries, status, filed_at) \
                         VALUES ($1, $2, $3, '路由巡检募捐', '助残', 100, $4, $4, '330108', '残障人士', 'filed', $5)")
                .bind(plan).bind(&filing_no).bind(org).bind(today).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO annual_reports (id, organization_id, region_code, year, version, status, created_at, updated_at) \
                         VALUES ($1, $2, '330108', 2025, 1, 'submitted', $3, $3)")
                .bind(annual_report).bind(org).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO supervision_warnings (id, organization_id, region_code, code, period, level, figures, summary_zh, summary_en, \
                         clears_zh, clears_en, source, state, opened_at, last_seen_on) \
                         VALUES ($1, $2, '330108', 'supervision.report_overdue', '2024', 'orange', '{}', '路由巡检', 'walk', '报送', 'submit', 'DOMAIN.md §4', 'open', $3, $4)")
                .bind(warning).bind(org).bind(now).bind(today).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO evaluation_rounds (id, region_code, year, title, state, created_at) VALUES ($1, '330108', 2026, '路由巡检评估', 'open', $2)")
                .bind(round).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO evaluation_applications (id, round_id, organization_id, region_code, state, reasons, applied_on, created_at) \
                         VALUES ($1, $2, $3, '330108', 'eligible', '[]', $4, $5)")
                .bind(evaluation).bind(round).bind(org).bind(today).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO evaluation_grades (id, organization_id, application_id, round_id, region_code, grade, score, decided_on, publicity_until, in_force_from, valid_until, status, decided_at) \
                         VALUES ($1, $2, $3, $4, '330108', '3A', 860, $5, $5, $5, $5, 'publicity', $6)")
                .bind(grade).bind(org).bind(evaluation).bind(round).bind(today).bind(now).execute(&mut *tx).await?;
        });
        Ok::<(), sqlx::Error>(())
    };
    insert.await.unwrap();
    CharityRecords {
        application: application.to_string(),
        filing_no,
        annual_report: annual_report.to_string(),
        warning: warning.to_string(),
        evaluation_round: round.to_string(),
        evaluation_application: evaluation.to_string(),
        evaluation_grade: grade.to_string(),
    }
}

#[test]
fn a_xihu_officer_is_refused_on_binjiang_records_by_the_rule_itself() {
    let access = Access::scoped(fengqiao::regions::GRID_EDITORS, Scope::RegionParam("code"));
    assert_eq!(
        expected_allowed(&access, Some(Role::CountyOfficer), Some("330106")),
        Err(StatusCode::FORBIDDEN)
    );
    assert_eq!(
        expected_allowed(&access, Some(Role::CountyOfficer), Some("330108")),
        Ok(())
    );
    assert_eq!(
        expected_allowed(&access, Some(Role::CityOfficer), Some("330100")),
        Ok(())
    );
    assert_eq!(
        expected_allowed(&access, None, None),
        Err(StatusCode::UNAUTHORIZED)
    );
}
