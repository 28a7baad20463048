//! Demo credit records, dated back from today so that every page shows something real on first
//! start: organizations on the 活动异常名录 (a late report, an unreachable domicile), on the
//! 严重违法失信名单 (a large fine; two years abnormal), one removed after a verified rectification
//! and one whose small penalty ran out after six months (their histories still visible), and a
//! 从业禁止. Loading twice adds nothing (an organization whose USCC exists is skipped).

use chrono::{Days, Months, NaiveDate};
use uuid::Uuid;

use super::model::{LATE_ANNUAL_REPORT, reason_of};
use super::store::{self, NewEvent};
use crate::platform::auth::Actor;
use crate::platform::module::DemoContext;
use crate::platform::{AppError, AppResult};

/// One demo event: kind, reason or penalty kind, amount in fen, days before today, document.
type Ev = (
    &'static str,
    Option<&'static str>,
    Option<i64>,
    u64,
    &'static str,
);

/// (region, name, USCC serial, events)
const ORGS: &[(&str, &str, u64, &[Ev])] = &[
    (
        "330106",
        "杭州市西湖区民俗文化交流协会",
        9101,
        &[("listing", Some(LATE_ANNUAL_REPORT), None, 185, "")],
    ),
    (
        "330108",
        "杭州市滨江区数字创意促进会",
        9102,
        &[(
            "listing",
            Some("abnormal.unreachable"),
            None,
            400,
            "滨民社异〔2025〕2号",
        )],
    ),
    (
        "330106",
        "杭州市西湖区茶艺研究会",
        9103,
        &[(
            "penalty",
            Some("fine"),
            Some(6_000_000),
            300,
            "西民罚〔2026〕1号",
        )],
    ),
    (
        "330108",
        "杭州市滨江区传统工艺联谊会",
        9104,
        &[(
            "listing",
            Some("abnormal.unreachable"),
            None,
            760,
            "滨民社异〔2024〕5号",
        )],
    ),
    (
        "330106",
        "杭州市西湖区健步运动协会",
        9105,
        &[
            ("listing", Some(LATE_ANNUAL_REPORT), None, 200, ""),
            ("rectified", None, None, 150, "西民社移〔2026〕3号"),
        ],
    ),
    (
        "330108",
        "杭州市滨江区社区养老服务促进会",
        9106,
        &[("penalty", Some("warning"), None, 250, "滨民罚〔2026〕2号")],
    ),
];

fn demo_error(e: impl std::fmt::Debug) -> AppError {
    AppError::Internal(anyhow::anyhow!("credit demo: {e:?}"))
}

pub async fn load(cx: &DemoContext<'_>) -> AppResult<()> {
    let table = crate::platform::rules::store::load(cx.db).await?;
    let now = chrono::Utc::now();
    for (region, name, serial, events) in ORGS {
        let uscc = codes::Uscc::for_serial('1', region, *serial).map_err(demo_error)?;
        let id = Uuid::now_v7();
        let registered_on = cx
            .today
            .checked_sub_months(Months::new(60))
            .unwrap_or(cx.today);
        if !store::demo_organization(cx.db, now, (id, uscc.as_str(), name), region, registered_on)
            .await?
        {
            continue;
        }
        for (i, (kind, code, amount, days_ago, document)) in events.iter().enumerate() {
            let on: NaiveDate = cx.today - Days::new(*days_ago);
            let e = NewEvent {
                id: Uuid::now_v7(),
                organization_id: id,
                region_code: region.to_string(),
                kind,
                reason_code: code
                    .filter(|_| *kind == "listing")
                    .and_then(reason_of)
                    .map(|r| r.code),
                penalty_kind: code.filter(|_| *kind == "penalty"),
                amount_fen: *amount,
                list: None,
                occurred_on: on,
                document: document.to_string(),
                authority: String::new(),
                note: String::new(),
                dedupe_key: Some(format!("demo:{}:{i}", uscc.as_str())),
            };
            store::add_event(cx.db, now, &Actor::System, &table, &e, |_| Ok(())).await?;
        }
    }
    Ok(())
}
