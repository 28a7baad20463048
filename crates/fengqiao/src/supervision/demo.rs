//! Demo annual reports: a year of reports for the demo organizations of 杭州 — most submitted in
//! time and passed, some late, one never submitted, one failed and then corrected (its old
//! version kept), one waiting for its review. The same seed gives the same data; an
//! organization that has a report on the year is skipped. Then the warnings engine judges
//! those reports ([`warnings`]): warnings at each level (the related-party transactions of one
//! report and the net assets of one under its registered funds are made to show them), one closed
//! with its reason; skipped when the region has warnings already.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{LargeItem, ReportBody, ReportContent, ReportRow, Statements, Status};
use super::store;
use crate::platform::{AppResult, Db};

/// How many organizations get a report.
const ORGANIZATIONS: i64 = 16;

/// A small deterministic generator (SplitMix64): the same seed, the same figures.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Yuan in `lo..hi` (thousands), as fen.
    fn fen(&mut self, lo: u64, hi: u64) -> i64 {
        let span = hi.saturating_sub(lo).max(1);
        ((lo + self.next() % span) * 1000 * 100) as i64
    }
}

/// Balanced statements and a body.
fn content(d: &mut Draw) -> ReportContent {
    let restricted = d.fen(10, 300);
    let unrestricted = d.fen(20, 500);
    let liabilities = d.fen(0, 200);
    let income = [
        d.fen(10, 400),
        d.fen(0, 150),
        d.fen(0, 80),
        d.fen(0, 30),
        d.fen(0, 10),
        d.fen(0, 5),
    ];
    let expenses = [d.fen(10, 300), d.fen(5, 40), d.fen(0, 10), d.fen(0, 5)];
    ReportContent {
        body: ReportBody {
            activities: "开展社区服务、助老助残和公益宣传活动，按章程完成年度工作计划。".into(),
            general_assembly_meetings: 1,
            council_meetings: (2 + d.next() % 3) as i64,
            supervisory_board_meetings: (1 + d.next() % 2) as i64,
            staff_count: (1 + d.next() % 12) as i64,
            volunteer_count: (10 + d.next() % 200) as i64,
            party_work: "建立党的工作小组，开展主题党日活动。".into(),
        },
        statements: Statements {
            total_assets_fen: liabilities + restricted + unrestricted,
            total_liabilities_fen: liabilities,
            restricted_net_assets_fen: restricted,
            unrestricted_net_assets_fen: unrestricted,
            total_net_assets_fen: restricted + unrestricted,
            income_donations_fen: income[0],
            income_government_fen: income[1],
            income_services_fen: income[2],
            income_dues_fen: income[3],
            income_investment_fen: income[4],
            income_other_fen: income[5],
            total_income_fen: income.iter().sum(),
            expense_activities_fen: expenses[0],
            expense_management_fen: expenses[1],
            expense_fundraising_fen: expenses[2],
            expense_other_fen: expenses[3],
            total_expenses_fen: expenses.iter().sum(),
            related_party_total_fen: 0,
        },
        large_items: vec![LargeItem {
            description: "公益项目支出".into(),
            amount_fen: expenses[0] / 2,
        }],
    }
}

fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(2, 0, 0).unwrap_or_default().and_utc()
}

/// A deterministic UUIDv7: its time the row's creation, its random bits from the seed.
fn id(d: &mut Draw, when: DateTime<Utc>) -> Uuid {
    let a = d.next().to_le_bytes();
    let b = d.next().to_le_bytes();
    let mut bytes = [0u8; 10];
    bytes[..8].copy_from_slice(&a);
    bytes[8..].copy_from_slice(&b[..2]);
    uuid::Builder::from_unix_timestamp_millis(when.timestamp_millis().max(0) as u64, &bytes)
        .into_uuid()
}

/// What happens to the i-th organization's report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Passed,
    Late,
    Missing,
    FailedThenCorrected,
    Waiting,
}

fn fate(i: usize) -> Fate {
    match i {
        2 | 7 => Fate::Late,
        5 => Fate::Missing,
        3 => Fate::FailedThenCorrected,
        9 => Fate::Waiting,
        _ => Fate::Passed,
    }
}

pub async fn load(db: &Db, seed: u64, today: NaiveDate) -> AppResult<()> {
    // The last year whose reporting season (to 31 May, rule 14) is over.
    let year = if today.month() >= 7 {
        today.year() - 1
    } else {
        today.year() - 2
    };
    let mut d = Draw(seed ^ 0x5355_5045_5256_4953);
    let orgs = store::demo_organizations(db, "3301%", ORGANIZATIONS).await?;
    let next = year + 1;
    let date = |m: u32, day: u32| NaiveDate::from_ymd_opt(next, m, day).unwrap_or_default();
    let mut funds_shown = false;
    for (i, org) in orgs.iter().enumerate() {
        let mut c = content(&mut d);
        if i == 4 {
            // Related-party transactions of 40 % of the year's income (an orange warning).
            c.statements.related_party_total_fen = c.statements.total_income_fen * 2 / 5;
        }
        let funds = if !funds_shown && fate(i) == Fate::Passed {
            store::registered_funds(db, org.id)
                .await?
                .filter(|f| *f > 4)
        } else {
            None
        };
        if let Some(funds) = funds {
            // Net assets at half the registered funds (a red warning).
            let s = &mut c.statements;
            s.restricted_net_assets_fen = funds / 4;
            s.unrestricted_net_assets_fen = funds / 4;
            s.total_net_assets_fen = funds / 4 * 2;
            s.total_assets_fen = s.total_liabilities_fen + s.total_net_assets_fen;
            funds_shown = true;
        }
        let first_id = id(&mut d, at(date(3, 1)));
        let second_id = id(&mut d, at(date(7, 1)));
        if store::has_report(db, org.id, year).await? {
            continue;
        }
        let fate = fate(i);
        if fate == Fate::Missing {
            continue;
        }
        let submitted_on = match fate {
            Fate::Late => date(6, 20),
            _ => date(3, 10 + (i as u32 % 15)),
        };
        let unit = org.supervisory().map(str::to_string);
        let decided_at = Some(at(date(6, 25)));
        let status = match fate {
            Fate::FailedThenCorrected => Status::Failed,
            Fate::Waiting if unit.is_some() => Status::Submitted,
            Fate::Waiting => Status::Submitted,
            _ => Status::Passed,
        };
        let row = ReportRow {
            id: first_id,
            organization_id: org.id,
            region_code: org.region_code.clone(),
            year,
            version: 1,
            status: status.key().into(),
            supervisory_unit: unit.clone(),
            supervisory_department_id: None,
            body: c.body.clone(),
            statements: c.statements.clone(),
            large_items: String::new(),
            submitted_at: Some(at(submitted_on)),
            submitted_on: Some(submitted_on),
            supervisory_comment: if unit.is_some() && status != Status::Submitted {
                "材料齐全，同意报送。".into()
            } else {
                String::new()
            },
            supervisory_reviewer_id: None,
            supervisory_reviewed_at: (unit.is_some() && status != Status::Submitted)
                .then(|| at(date(4, 10))),
            decision_comment: match status {
                Status::Failed => "财务报表中管理费用与明细不符，请更正后重新报送。".into(),
                _ => String::new(),
            },
            decided_by: None,
            decided_at: if status.is_decided() {
                decided_at
            } else {
                None
            },
            created_at: at(date(3, 1)),
            updated_at: at(date(6, 25)),
        };
        store::insert_demo(db, &row, &c).await?;
        if fate == Fate::FailedThenCorrected {
            let corrected = ReportRow {
                id: second_id,
                version: 2,
                status: Status::Passed.key().into(),
                submitted_at: Some(at(date(7, 5))),
                submitted_on: Some(date(7, 5)),
                decision_comment: "已按要求更正。".into(),
                decided_at: Some(at(date(7, 20))),
                created_at: at(date(7, 1)),
                updated_at: at(date(7, 20)),
                ..row.clone()
            };
            store::insert_demo(db, &corrected, &c).await?;
        }
    }
    warnings(db, year, today).await
}

/// The warnings engine over the demo reports of 杭州 on `year` (the report and spending rules;
/// overdue reports are left to the nightly run), then one yellow warning closed with its reason.
async fn warnings(db: &Db, year: i32, today: NaiveDate) -> AppResult<()> {
    use super::model::rules as keys;
    use super::model::warnings::diff::{self, OrgHit};
    use super::model::warnings::reports::{self, ReportFacts, ReportRules};
    use super::model::warnings::spending::SpendingRules;
    use super::store::facts::{self, Target};

    let t = Target::region("3301%");
    if !store::warnings::known(db, t).await?.is_empty() {
        return Ok(());
    }
    let table = crate::platform::rules::store::load(db).await?;
    let Some(on) = NaiveDate::from_ymd_opt(year, 12, 31) else {
        return Ok(());
    };
    let bands = facts::spending_bands(db, on).await?;
    let rules = if bands.is_empty() {
        None
    } else {
        Some(SpendingRules {
            bands,
            management_cap_waiver_fen: table.fen_on(keys::MANAGEMENT_CAP_WAIVER, on)?,
        })
    };
    let mut hits = Vec::new();
    for f in facts::facts_of(db, t, year).await? {
        for hit in super::service::warnings::charity_hits(rules.as_ref(), &f, today) {
            hits.push(OrgHit {
                organization_id: f.organization_id,
                region_code: f.region_code.clone(),
                hit,
            });
        }
    }
    let rr = ReportRules {
        income_source_share_permille: i64::from(table.permille_on(keys::INCOME_SOURCE_SHARE, on)?),
        related_party_share_permille: i64::from(table.permille_on(keys::RELATED_PARTY_SHARE, on)?),
    };
    for ((org, _), r) in facts::reported_years(db, t, year, year).await? {
        let f = ReportFacts {
            year,
            registered_funds_fen: r.registered_funds_fen,
            statements: r.statements,
        };
        for hit in reports::report_hits(&f, &rr) {
            hits.push(OrgHit {
                organization_id: org,
                region_code: r.region_code.clone(),
                hit,
            });
        }
    }
    hits.sort_by(|a, b| {
        (a.organization_id, a.hit.code, &a.hit.period).cmp(&(
            b.organization_id,
            b.hit.code,
            &b.hit.period,
        ))
    });
    let now = at(today);
    for s in diff::steps(hits, &[], |_, _| false) {
        store::warnings::apply(db, now, today, &s).await?;
    }
    let mut known = store::warnings::known(db, t).await?;
    known.sort_by(|a, b| {
        (a.organization_id, &a.code, &a.period).cmp(&(b.organization_id, &b.code, &b.period))
    });
    let yellow = super::model::warnings::Level::Yellow.key();
    let first_yellow = known
        .iter()
        .find(|k| super::model::warnings::level_of(&k.code).key() == yellow);
    if let Some(k) = first_yellow {
        let row = store::warnings::get(db, k.id).await?;
        if let Some(row) = row {
            store::warnings::close(
                db,
                now,
                &crate::platform::auth::Actor::System,
                &row,
                "已核实：主要收入来自三年期政府购买服务合同，收入结构已在年报中说明 / checked: the main income is a three-year government service contract, explained in the report",
            )
            .await?;
        }
    }
    Ok(())
}
