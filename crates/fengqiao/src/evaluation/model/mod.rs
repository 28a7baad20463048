//! Evaluation grades (社会组织评估, 民政部令第39号; DOMAIN.md §8), pure: the indicator system as
//! data, score → grade by bands read as rule parameters, validity and expiry, eligibility with
//! its reasons, and the experts' recusal. The service reads the parameters on the date that
//! counts and passes them in.

pub mod rules;
#[cfg(test)]
mod tests;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::platform::AppResult;
use crate::platform::rules::RuleTable;

/// 评估等级: 5A (AAAAA) … 1A (A) (令第39号; DOMAIN.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
pub enum Grade {
    #[serde(rename = "1A")]
    A1,
    #[serde(rename = "2A")]
    A2,
    #[serde(rename = "3A")]
    A3,
    #[serde(rename = "4A")]
    A4,
    #[serde(rename = "5A")]
    A5,
}

impl Grade {
    pub const ALL: [Grade; 5] = [Grade::A5, Grade::A4, Grade::A3, Grade::A2, Grade::A1];

    pub fn key(self) -> &'static str {
        match self {
            Grade::A1 => "1A",
            Grade::A2 => "2A",
            Grade::A3 => "3A",
            Grade::A4 => "4A",
            Grade::A5 => "5A",
        }
    }

    pub fn from_key(s: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.key() == s)
    }

    /// The letters as certificates print them (AAAAA … A).
    pub fn letters(self) -> &'static str {
        match self {
            Grade::A1 => "A",
            Grade::A2 => "AA",
            Grade::A3 => "AAA",
            Grade::A4 => "AAAA",
            Grade::A5 => "AAAAA",
        }
    }
}

/// A first-level indicator (一级指标) with its maximum points for one organization type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub max: u32,
}

/// The full score of an evaluation (DOMAIN.md §8: indicators out of 1 000 points).
pub const FULL_SCORE: u32 = 1000;

/// The four first-level indicators (DOMAIN.md §8): 社团 and 基金会 — 基础条件, 内部治理, 工作绩效,
/// 社会评价; 民非 — 基础条件, 内部治理, 业务活动和诚信建设, 社会评价. Their points are set by the
/// evaluating department's 评估指标 and Zhejiang's were not found [L]: these weights are the
/// shipped default (adding to 1 000 for each type; a test checks), to be replaced by the
/// province's table with its source.
pub const INDICATORS: &[(&str, &[Indicator])] = &[
    (
        "social_group",
        &[
            ind("basic", "基础条件", "Basic conditions", 100),
            ind("governance", "内部治理", "Internal governance", 350),
            ind("performance", "工作绩效", "Work performance", 400),
            ind("social", "社会评价", "Social evaluation", 150),
        ],
    ),
    (
        "foundation",
        &[
            ind("basic", "基础条件", "Basic conditions", 100),
            ind("governance", "内部治理", "Internal governance", 400),
            ind("performance", "工作绩效", "Work performance", 350),
            ind("social", "社会评价", "Social evaluation", 150),
        ],
    ),
    (
        "social_service_agency",
        &[
            ind("basic", "基础条件", "Basic conditions", 100),
            ind("governance", "内部治理", "Internal governance", 350),
            ind(
                "performance",
                "业务活动和诚信建设",
                "Business activities and integrity",
                400,
            ),
            ind("social", "社会评价", "Social evaluation", 150),
        ],
    ),
];

const fn ind(code: &'static str, zh: &'static str, en: &'static str, max: u32) -> Indicator {
    Indicator { code, zh, en, max }
}

/// The indicators of an organization type (`None`: a type that is not evaluated, e.g. a filed
/// community organization).
pub fn indicators(org_type: &str) -> Option<&'static [Indicator]> {
    INDICATORS
        .iter()
        .find(|(t, _)| *t == org_type)
        .map(|(_, i)| *i)
}

/// The lowest score of each grade (以上, inclusive), highest grade first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bands {
    pub min_5a: u32,
    pub min_4a: u32,
    pub min_3a: u32,
    pub min_2a: u32,
    pub min_1a: u32,
}

impl Bands {
    /// The bands in force on `on` ([`rules::BAND_5A`] …); bands not strictly descending are an
    /// internal error naming the key, never a silent grade.
    pub fn on(table: &RuleTable, on: NaiveDate) -> AppResult<Bands> {
        let b = Bands {
            min_5a: table.number_on(rules::BAND_5A, on)?,
            min_4a: table.number_on(rules::BAND_4A, on)?,
            min_3a: table.number_on(rules::BAND_3A, on)?,
            min_2a: table.number_on(rules::BAND_2A, on)?,
            min_1a: table.number_on(rules::BAND_1A, on)?,
        };
        let v = [b.min_5a, b.min_4a, b.min_3a, b.min_2a, b.min_1a];
        if v.windows(2).any(|w| w[0] <= w[1]) || b.min_5a > FULL_SCORE {
            return Err(crate::platform::AppError::Internal(anyhow::anyhow!(
                "rule parameters evaluation.band.*: bands on {on} are not descending: {v:?}"
            )));
        }
        Ok(b)
    }

    /// The grade of a total score: the highest grade whose lowest score it reaches (以上
    /// includes the bound); below 1A's, no grade (不予评级) (DOMAIN.md §8).
    pub fn grade(&self, score: u32) -> Option<Grade> {
        [
            (Grade::A5, self.min_5a),
            (Grade::A4, self.min_4a),
            (Grade::A3, self.min_3a),
            (Grade::A2, self.min_2a),
            (Grade::A1, self.min_1a),
        ]
        .into_iter()
        .find(|(_, min)| score >= *min)
        .map(|(g, _)| g)
    }
}

/// The last day of a grade decided on `decided_on` and valid `years` (DOMAIN.md §8, 5 years):
/// the corresponding date (民法典 Art. 201–203; month-end when there is none, so a grade of
/// 29 February ends on 28 February).
pub fn valid_until(decided_on: NaiveDate, years: u32) -> NaiveDate {
    decided_on
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a grade is the current one on `on`: in force (publicity over) and not past its
/// last day. An expired grade is history, never shown as current (DOMAIN.md §8).
pub fn is_current(in_force_from: NaiveDate, valid_until: NaiveDate, on: NaiveDate) -> bool {
    in_force_from <= on && on <= valid_until
}

/// The outcome of last year's annual report (年检/年报), as the supervision module tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    /// Not submitted.
    Missing,
    /// Submitted, not yet decided.
    Pending,
    Passed,
    /// 基本合格: passed with corrections.
    PassedWithCorrections,
    Failed,
}

/// What eligibility is judged on (DOMAIN.md §8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// `registered` for an organization that holds its certificate.
    pub status: String,
    pub org_type: String,
    pub registered_on: Option<NaiveDate>,
    /// The last day of its latest grade, if it has one.
    pub grade_valid_until: Option<NaiveDate>,
    /// On the 活动异常名录 or the 严重违法失信名单 that day (`credit::standing`): the list's key.
    pub credit_list: Option<&'static str>,
    /// Last year's annual report, and the year.
    pub last_report: (i32, ReportOutcome),
    /// The day of an administrative penalty decided last year, if any (`credit::penalties_in`).
    pub penalized_last_year: Option<NaiveDate>,
}

/// Why an organization is not evaluated, in zh and en, with the DOMAIN.md rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Refusal {
    pub code: String,
    pub zh: String,
    pub en: String,
}

fn refusal(code: &str, zh: String, en: String) -> Refusal {
    Refusal {
        code: code.to_string(),
        zh,
        en,
    }
}

/// Eligibility on `on` (the day of the application), DOMAIN.md §8: registered (certificate
/// held) for at least `min_years` full years — on the corresponding date the years are full
/// (满, as the platform counts "满…年") —; never graded, or the grade has reached its last day
/// (届满); last year's annual report submitted and not failed; not penalized last year; not on
/// either credit list (the 2021 rule for national bodies, applied here). Every reason is given,
/// not only the first.
pub fn eligibility(f: &Facts, on: NaiveDate, min_years: u32) -> Result<(), Vec<Refusal>> {
    let mut out = Vec::new();
    if f.status != "registered" || indicators(&f.org_type).is_none() {
        out.push(refusal(
            "evaluation.not_registered",
            "只有已登记的社会团体、基金会、社会服务机构参加评估".into(),
            "Only registered social groups, foundations and social service agencies are evaluated"
                .into(),
        ));
    }
    match f.registered_on {
        Some(r) if valid_until(r, min_years) <= on => {}
        Some(r) => {
            let full = valid_until(r, min_years);
            out.push(refusal(
                "evaluation.registered_too_recently",
                format!("取得登记证书不满 {min_years} 年（{r} 登记，{full} 起满）"),
                format!("Registered less than {min_years} full years ago (registered {r}, full on {full})"),
            ));
        }
        None => out.push(refusal(
            "evaluation.registered_too_recently",
            "没有登记日期".into(),
            "No date of registration".into(),
        )),
    }
    if let Some(until) = f.grade_valid_until
        && on < until
    {
        out.push(refusal(
            "evaluation.grade_in_force",
            format!("评估等级有效期至 {until}，届满前不再评估"),
            format!("Its grade is valid until {until}; not evaluated again before then"),
        ));
    }
    if let Some(list) = f.credit_list {
        let (zh, en) = if list == "serious" {
            ("严重违法失信名单", "list of serious violations")
        } else {
            ("活动异常名录", "list of abnormal activities")
        };
        out.push(refusal(
            "evaluation.on_credit_list",
            format!("列入{zh}的不予评估"),
            format!("On the {en}: not evaluated"),
        ));
    }
    let (year, outcome) = f.last_report;
    match outcome {
        ReportOutcome::Missing => out.push(refusal(
            "evaluation.report_missing",
            format!("未报送 {year} 年度工作报告（未参加上年度年检）"),
            format!("No annual report on {year} (missed last year's inspection)"),
        )),
        ReportOutcome::Failed => out.push(refusal(
            "evaluation.report_failed",
            format!("{year} 年度工作报告不合格"),
            format!("The annual report on {year} failed"),
        )),
        ReportOutcome::Pending | ReportOutcome::Passed | ReportOutcome::PassedWithCorrections => {}
    }
    if let Some(on) = f.penalized_last_year {
        out.push(refusal(
            "evaluation.penalized",
            format!("上一年度受到行政处罚（{on}）"),
            format!("Penalized last year ({on})"),
        ));
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// An expert's tie to an organization (DOMAIN.md §8: experts recuse if related, or if they left
/// it less than 2 years ago).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    /// The day he left it; `None`: still related (member, employee, relative of a leader…).
    pub left_on: Option<NaiveDate>,
}

/// Whether a tie makes the expert recuse on `on`: still related, or left less than `years` ago
/// (不满: on the corresponding date the years are full and he may sit).
pub fn recuses(t: &Tie, on: NaiveDate, years: u32) -> bool {
    match t.left_on {
        None => true,
        Some(left) => on < valid_until(left, years),
    }
}

/// A score entered for one indicator: within 0 ..= its maximum.
pub fn check_score(ind: &Indicator, points: i64) -> Result<u32, (String, String)> {
    match u32::try_from(points) {
        Ok(p) if p <= ind.max => Ok(p),
        _ => Err((
            format!("{}的得分应在 0 至 {} 分之间", ind.zh, ind.max),
            format!("{} must score between 0 and {} points", ind.en, ind.max),
        )),
    }
}
