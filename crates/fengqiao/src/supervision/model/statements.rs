//! The content of an annual work report (DOMAIN.md §0 rule 14, §4): the report body and the
//! financial statements in the lines of 民间非营利组织会计制度, in integer fen, and the one check
//! a submission must pass. Pure.

use serde::{Deserialize, Serialize};

use crate::platform::error::Bilingual;

/// The report body: activities, governance meetings held per body (会员大会/理事会/监事会, the
/// registry's governance bodies), staff, volunteers, party work.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema,
)]
#[serde(default)]
pub struct ReportBody {
    /// 业务活动情况 (activities under the charter).
    pub activities: String,
    /// 会员（代表）大会 held in the year.
    pub general_assembly_meetings: i64,
    /// 理事会 meetings held.
    pub council_meetings: i64,
    /// 监事会 meetings held.
    pub supervisory_board_meetings: i64,
    /// 专职工作人员 at the end of the year.
    pub staff_count: i64,
    /// 志愿者 engaged in the year.
    pub volunteer_count: i64,
    /// 党建工作情况.
    pub party_work: String,
}

/// The financial statements, every figure in fen.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema,
)]
#[serde(default)]
pub struct Statements {
    /// 资产总计.
    pub total_assets_fen: i64,
    /// 负债合计.
    pub total_liabilities_fen: i64,
    /// 限定性净资产.
    pub restricted_net_assets_fen: i64,
    /// 非限定性净资产.
    pub unrestricted_net_assets_fen: i64,
    /// 净资产合计 = restricted + unrestricted.
    pub total_net_assets_fen: i64,
    /// 捐赠收入.
    pub income_donations_fen: i64,
    /// 政府补助收入（含政府购买服务）.
    pub income_government_fen: i64,
    /// 提供服务收入.
    pub income_services_fen: i64,
    /// 会费收入.
    pub income_dues_fen: i64,
    /// 投资收益.
    pub income_investment_fen: i64,
    /// 其他收入.
    pub income_other_fen: i64,
    /// 收入合计 = the six sources.
    pub total_income_fen: i64,
    /// 业务活动成本 (charitable / business activity).
    pub expense_activities_fen: i64,
    /// 管理费用.
    pub expense_management_fen: i64,
    /// 筹资费用.
    pub expense_fundraising_fen: i64,
    /// 其他费用.
    pub expense_other_fen: i64,
    /// 费用合计 = the four lines.
    pub total_expenses_fen: i64,
    /// 关联交易 total.
    pub related_party_total_fen: i64,
}

/// A large single item (大额单笔收支).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LargeItem {
    pub description: String,
    pub amount_fen: i64,
}

/// What the organization fills in: the body, the statements and the large items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReportContent {
    #[serde(flatten)]
    pub body: ReportBody,
    #[serde(flatten)]
    pub statements: Statements,
    pub large_items: Vec<LargeItem>,
}

/// One fault of a submission, by its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The input field, e.g. `total_assets_fen` or `large_items[0].amount_fen`.
    pub field: String,
    /// Stable code, e.g. `supervision.statements.unbalanced`.
    pub code: String,
    #[schema(value_type = Object)]
    pub message: Bilingual,
}

fn fault(field: &str, code: &str, zh: String, en: String) -> FieldError {
    FieldError {
        field: field.to_string(),
        code: format!("supervision.{code}"),
        message: Bilingual::new(zh, en),
    }
}

/// Longest text accepted in a report field (a typing guard, not a rule of law).
pub const TEXT_MAX_CHARS: usize = 20_000;
/// Most large items a report lists (a typing guard).
pub const LARGE_ITEMS_MAX: usize = 200;

fn yuan(fen: i128) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

impl Statements {
    /// Every figure with its field name, in form order.
    pub fn figures(&self) -> [(&'static str, i64); 18] {
        [
            ("total_assets_fen", self.total_assets_fen),
            ("total_liabilities_fen", self.total_liabilities_fen),
            ("restricted_net_assets_fen", self.restricted_net_assets_fen),
            (
                "unrestricted_net_assets_fen",
                self.unrestricted_net_assets_fen,
            ),
            ("total_net_assets_fen", self.total_net_assets_fen),
            ("income_donations_fen", self.income_donations_fen),
            ("income_government_fen", self.income_government_fen),
            ("income_services_fen", self.income_services_fen),
            ("income_dues_fen", self.income_dues_fen),
            ("income_investment_fen", self.income_investment_fen),
            ("income_other_fen", self.income_other_fen),
            ("total_income_fen", self.total_income_fen),
            ("expense_activities_fen", self.expense_activities_fen),
            ("expense_management_fen", self.expense_management_fen),
            ("expense_fundraising_fen", self.expense_fundraising_fen),
            ("expense_other_fen", self.expense_other_fen),
            ("total_expenses_fen", self.total_expenses_fen),
            ("related_party_total_fen", self.related_party_total_fen),
        ]
    }
}

impl ReportBody {
    /// Every count with its field name.
    pub fn counts(&self) -> [(&'static str, i64); 5] {
        [
            ("general_assembly_meetings", self.general_assembly_meetings),
            ("council_meetings", self.council_meetings),
            (
                "supervisory_board_meetings",
                self.supervisory_board_meetings,
            ),
            ("staff_count", self.staff_count),
            ("volunteer_count", self.volunteer_count),
        ]
    }
}

/// A total that must equal the sum of its lines (rule 14, §4: the statements of
/// 民间非营利组织会计制度 add up): a fault on the total's field naming both figures.
fn total(
    out: &mut Vec<FieldError>,
    field: &str,
    zh_name: &str,
    en_name: &str,
    got: i64,
    lines: &[i64],
) {
    let sum: i128 = lines.iter().map(|&v| i128::from(v)).sum();
    if i128::from(got) != sum {
        out.push(fault(
            field,
            "statements.total_mismatch",
            format!(
                "{zh_name}（{} 元）应等于各项之和（{} 元）",
                yuan(got.into()),
                yuan(sum)
            ),
            format!(
                "{en_name} ({}) must equal the sum of its lines ({})",
                yuan(got.into()),
                yuan(sum)
            ),
        ));
    }
}

/// The check a submission must pass (DOMAIN.md §0 rule 14, §4: the annual report carries the
/// financial statements; submitting checks every figure). Every fault is given, each by its
/// field, in Chinese and English — not only the first:
/// - activities are described (the body's required part); texts not over [`TEXT_MAX_CHARS`];
/// - no negative figure or count;
/// - 净资产合计 = 限定性 + 非限定性; 收入合计 = the six sources; 费用合计 = the four lines;
/// - the balance sheet balances: 资产总计 = 负债合计 + 净资产合计;
/// - each large item has a description and a non-negative amount.
pub fn validate(c: &ReportContent) -> Vec<FieldError> {
    let mut out = Vec::new();
    let b = &c.body;
    if b.activities.trim().is_empty() {
        out.push(fault(
            "activities",
            "required",
            "请填写本年度业务活动情况".into(),
            "Describe the year's activities".into(),
        ));
    }
    for (field, v) in [("activities", &b.activities), ("party_work", &b.party_work)] {
        if v.chars().count() > TEXT_MAX_CHARS {
            out.push(fault(
                field,
                "too_long",
                "内容过长".into(),
                "Too long".into(),
            ));
        }
    }
    for (field, v) in b.counts() {
        if v < 0 {
            out.push(fault(
                field,
                "negative",
                "不能为负数".into(),
                "Cannot be negative".into(),
            ));
        }
    }
    let s = &c.statements;
    for (field, v) in s.figures() {
        if v < 0 {
            out.push(fault(
                field,
                "negative",
                "金额不能为负数".into(),
                "An amount cannot be negative".into(),
            ));
        }
    }
    total(
        &mut out,
        "total_net_assets_fen",
        "净资产合计",
        "Total net assets",
        s.total_net_assets_fen,
        &[s.restricted_net_assets_fen, s.unrestricted_net_assets_fen],
    );
    total(
        &mut out,
        "total_income_fen",
        "收入合计",
        "Total income",
        s.total_income_fen,
        &[
            s.income_donations_fen,
            s.income_government_fen,
            s.income_services_fen,
            s.income_dues_fen,
            s.income_investment_fen,
            s.income_other_fen,
        ],
    );
    total(
        &mut out,
        "total_expenses_fen",
        "费用合计",
        "Total expenses",
        s.total_expenses_fen,
        &[
            s.expense_activities_fen,
            s.expense_management_fen,
            s.expense_fundraising_fen,
            s.expense_other_fen,
        ],
    );
    let right = i128::from(s.total_liabilities_fen) + i128::from(s.total_net_assets_fen);
    if i128::from(s.total_assets_fen) != right {
        out.push(fault(
            "total_assets_fen",
            "statements.unbalanced",
            format!(
                "资产负债表不平衡：资产总计 {} 元，负债与净资产合计 {} 元",
                yuan(s.total_assets_fen.into()),
                yuan(right)
            ),
            format!(
                "The balance sheet does not balance: total assets {}, liabilities plus net assets {}",
                yuan(s.total_assets_fen.into()),
                yuan(right)
            ),
        ));
    }
    if c.large_items.len() > LARGE_ITEMS_MAX {
        out.push(fault(
            "large_items",
            "too_many",
            "大额收支项目过多".into(),
            "Too many large items".into(),
        ));
    }
    for (i, item) in c.large_items.iter().enumerate() {
        if item.description.trim().is_empty() {
            out.push(fault(
                &format!("large_items[{i}].description"),
                "required",
                "请填写该项说明".into(),
                "Describe the item".into(),
            ));
        }
        if item.amount_fen < 0 {
            out.push(fault(
                &format!("large_items[{i}].amount_fen"),
                "negative",
                "金额不能为负数".into(),
                "An amount cannot be negative".into(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report whose statements add up and balance.
    pub fn balanced() -> ReportContent {
        ReportContent {
            body: ReportBody {
                activities: "开展助老服务 12 次".into(),
                general_assembly_meetings: 1,
                council_meetings: 2,
                supervisory_board_meetings: 1,
                staff_count: 3,
                volunteer_count: 40,
                party_work: "成立党的工作小组".into(),
            },
            statements: Statements {
                total_assets_fen: 50_000_000,
                total_liabilities_fen: 10_000_000,
                restricted_net_assets_fen: 15_000_000,
                unrestricted_net_assets_fen: 25_000_000,
                total_net_assets_fen: 40_000_000,
                income_donations_fen: 20_000_000,
                income_government_fen: 5_000_000,
                income_services_fen: 1_000_000,
                income_dues_fen: 500_000,
                income_investment_fen: 100_000,
                income_other_fen: 0,
                total_income_fen: 26_600_000,
                expense_activities_fen: 18_000_000,
                expense_management_fen: 2_000_000,
                expense_fundraising_fen: 500_000,
                expense_other_fen: 0,
                total_expenses_fen: 20_500_000,
                related_party_total_fen: 0,
            },
            large_items: vec![LargeItem {
                description: "购置助老设备".into(),
                amount_fen: 6_000_000,
            }],
        }
    }

    fn fields(c: &ReportContent) -> Vec<String> {
        validate(c).into_iter().map(|e| e.field).collect()
    }

    /// DOMAIN.md rule 14, §4: statements that add up and balance pass.
    #[test]
    fn balanced_statements_pass() {
        assert!(
            validate(&balanced()).is_empty(),
            "{:?}",
            validate(&balanced())
        );
    }

    /// Rule 14, §4: one fen off on the balance sheet is a fault on `total_assets_fen`; one fen
    /// either side of the total too.
    #[test]
    fn one_fen_off_is_unbalanced_both_ways() {
        for delta in [-1, 1] {
            let mut c = balanced();
            c.statements.total_assets_fen += delta;
            assert_eq!(fields(&c), ["total_assets_fen"]);
            let e = &validate(&c)[0];
            assert_eq!(e.code, "supervision.statements.unbalanced");
            assert!(!e.message.zh.is_empty() && !e.message.en.is_empty());
        }
    }

    /// Rule 14, §4: every fault is given, each by its field — not only the first.
    #[test]
    fn every_fault_is_named_by_its_field() {
        let mut c = balanced();
        c.body.activities = " ".into();
        c.body.staff_count = -1;
        c.statements.income_other_fen = -5;
        c.statements.total_income_fen += 1;
        c.statements.total_expenses_fen = 0;
        c.statements.restricted_net_assets_fen += 1;
        c.large_items.push(LargeItem {
            description: String::new(),
            amount_fen: -1,
        });
        let got = fields(&c);
        for f in [
            "activities",
            "staff_count",
            "income_other_fen",
            "total_net_assets_fen",
            "total_income_fen",
            "total_expenses_fen",
            "large_items[1].description",
            "large_items[1].amount_fen",
        ] {
            assert!(got.contains(&f.to_string()), "{f} missing from {got:?}");
        }
        // total_income: −5 + 1 off the others' sum plus one: still a mismatch, once.
        assert_eq!(got.iter().filter(|f| *f == "total_income_fen").count(), 1);
    }

    /// No overflow on extreme figures: the sums are checked in i128.
    #[test]
    fn extreme_figures_do_not_overflow() {
        let mut c = balanced();
        c.statements.total_liabilities_fen = i64::MAX;
        c.statements.total_net_assets_fen = i64::MAX;
        assert!(fields(&c).contains(&"total_assets_fen".to_string()));
    }
}
