//! The report form's fields: amounts typed in yuan (two decimals) and kept in fen, counts as
//! whole numbers, large items one per line (`说明,金额`). A value that is not a number is a
//! fault by its field; what was typed is shown again.

use std::collections::BTreeMap;

use crate::platform::error::Bilingual;
use crate::platform::money::{parse_yuan, yuan};
use crate::supervision::model::{FieldError, LargeItem, ReportContent};

/// The amounts, in form order (the statements' field names; typed in yuan).
pub const FIGURE_FIELDS: &[&str] = &[
    "total_assets_fen",
    "total_liabilities_fen",
    "restricted_net_assets_fen",
    "unrestricted_net_assets_fen",
    "total_net_assets_fen",
    "income_donations_fen",
    "income_government_fen",
    "income_services_fen",
    "income_dues_fen",
    "income_investment_fen",
    "income_other_fen",
    "total_income_fen",
    "expense_activities_fen",
    "expense_management_fen",
    "expense_fundraising_fen",
    "expense_other_fen",
    "total_expenses_fen",
    "related_party_total_fen",
];

/// The counts.
pub const COUNT_FIELDS: &[&str] = &[
    "general_assembly_meetings",
    "council_meetings",
    "supervisory_board_meetings",
    "staff_count",
    "volunteer_count",
];

/// The texts.
pub const BODY_FIELDS: &[&str] = &["activities", "party_work"];

/// Most digits before the decimal point of an amount typed in yuan.
const MAX_WHOLE_DIGITS: usize = 14;

fn fault(field: &str, zh: &str, en: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: "supervision.number".into(),
        message: Bilingual::new(zh, en),
    }
}

/// The content typed into the form, and every value that is not a number.
pub fn parse(values: &BTreeMap<String, String>) -> (ReportContent, Vec<FieldError>) {
    let get = |k: &str| {
        values
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut bad = Vec::new();
    let mut figure = |k: &str| -> i64 {
        let s = get(k);
        if s.is_empty() {
            return 0;
        }
        parse_yuan(&s, MAX_WHOLE_DIGITS).unwrap_or_else(|| {
            bad.push(fault(
                k,
                "请填写不为负的金额（元），最多两位小数",
                "Enter an amount in yuan, not negative, at most two decimals",
            ));
            0
        })
    };
    let mut c = ReportContent::default();
    let s = &mut c.statements;
    s.total_assets_fen = figure("total_assets_fen");
    s.total_liabilities_fen = figure("total_liabilities_fen");
    s.restricted_net_assets_fen = figure("restricted_net_assets_fen");
    s.unrestricted_net_assets_fen = figure("unrestricted_net_assets_fen");
    s.total_net_assets_fen = figure("total_net_assets_fen");
    s.income_donations_fen = figure("income_donations_fen");
    s.income_government_fen = figure("income_government_fen");
    s.income_services_fen = figure("income_services_fen");
    s.income_dues_fen = figure("income_dues_fen");
    s.income_investment_fen = figure("income_investment_fen");
    s.income_other_fen = figure("income_other_fen");
    s.total_income_fen = figure("total_income_fen");
    s.expense_activities_fen = figure("expense_activities_fen");
    s.expense_management_fen = figure("expense_management_fen");
    s.expense_fundraising_fen = figure("expense_fundraising_fen");
    s.expense_other_fen = figure("expense_other_fen");
    s.total_expenses_fen = figure("total_expenses_fen");
    s.related_party_total_fen = figure("related_party_total_fen");
    let mut count = |k: &str| -> i64 {
        let s = get(k);
        if s.is_empty() {
            return 0;
        }
        s.parse::<u32>().map(i64::from).unwrap_or_else(|_| {
            bad.push(fault(
                k,
                "请填写不为负的整数",
                "Enter a whole number, not negative",
            ));
            0
        })
    };
    let b = &mut c.body;
    b.general_assembly_meetings = count("general_assembly_meetings");
    b.council_meetings = count("council_meetings");
    b.supervisory_board_meetings = count("supervisory_board_meetings");
    b.staff_count = count("staff_count");
    b.volunteer_count = count("volunteer_count");
    b.activities = get("activities");
    b.party_work = get("party_work");
    for (i, line) in get("large_items")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let parsed = line
            .rsplit_once([',', '，'])
            .and_then(|(d, a)| parse_yuan(a, MAX_WHOLE_DIGITS).map(|a| (d.trim(), a)));
        match parsed {
            Some((d, a)) => c.large_items.push(LargeItem {
                description: d.to_string(),
                amount_fen: a,
            }),
            None => bad.push(fault(
                &format!("large_items[{i}]"),
                "每行填写“说明,金额（元）”",
                "Write one item per line as 'description, amount in yuan'",
            )),
        }
    }
    (c, bad)
}

/// The form's values for stored content.
pub fn values_of(c: &ReportContent) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    for (k, fen) in c.statements.figures() {
        v.insert(k.to_string(), yuan(fen));
    }
    for (k, n) in c.body.counts() {
        v.insert(k.to_string(), n.to_string());
    }
    v.insert("activities".into(), c.body.activities.clone());
    v.insert("party_work".into(), c.body.party_work.clone());
    let items: Vec<String> = c
        .large_items
        .iter()
        .map(|i| format!("{},{}", i.description, yuan(i.amount_fen)))
        .collect();
    v.insert("large_items".into(), items.join("\n"));
    v
}
