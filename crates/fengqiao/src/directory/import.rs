//! Bulk import of an existing register (the province migrating from its old system): CSV or
//! XLSX, UTF-8 or GB18030, English or Chinese headers. All-or-nothing unless `skip_bad`, with
//! every bad row reported (line, column, reason). One path for the CLI and the upload page.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::model::{self, CATEGORIES, STATUSES, TYPES};
use super::store::{self, NewOrg};
use crate::platform::auth::Actor;
use crate::platform::db::Db;
use crate::platform::error::Bilingual;
use crate::platform::{AppError, AppResult};

/// The columns of an import file: key, Chinese header, required.
pub const COLUMNS: &[(&str, &str, bool)] = &[
    ("uscc", "统一社会信用代码", false),
    ("name", "名称", true),
    ("type", "类型", true),
    ("category", "类别", false),
    ("region_code", "行政区划代码", true),
    ("registered_on", "登记日期", false),
    ("status", "状态", true),
    ("business_scope", "业务范围", false),
    ("purpose", "宗旨", false),
];

/// Most characters of a name.
const NAME_MAX: usize = 200;

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BadRow {
    /// Line of the file (1 is the header).
    pub line: usize,
    /// Column key, e.g. `uscc`.
    pub column: String,
    pub value: String,
    pub reason: BilingualText,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BilingualText {
    pub zh: String,
    pub en: String,
}

impl From<Bilingual> for BilingualText {
    fn from(b: Bilingual) -> Self {
        BilingualText { zh: b.zh, en: b.en }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub skipped: usize,
    pub bad: Vec<BadRow>,
    /// The bad rows as read (header first), for `<input>.bad.csv`.
    #[serde(skip)]
    pub bad_records: Vec<Vec<String>>,
}

impl ImportReport {
    /// The bad rows as CSV (UTF-8 with BOM), each with its reasons in a last column; cells
    /// neutralized as every export's are (an importer reads them back as they were).
    pub fn bad_csv(&self) -> Vec<u8> {
        let mut w = crate::platform::export::CsvExport::new();
        for r in &self.bad_records {
            let _ = w.row(r);
        }
        w.into_bytes().unwrap_or_default()
    }
}

/// Reads a file into records (header first) with their line numbers.
pub fn read_records(bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    let text = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            AppError::invalid(
                "file",
                "import.csv",
                format!("CSV 格式错误：{e}"),
                format!("Malformed CSV: {e}"),
            )
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push((line, rec.iter().map(cell_value).collect()));
    }
    Ok(out)
}

/// A CSV cell as imported: trimmed, and the neutralizing quote that the platform's exports put
/// before a would-be formula removed (the bad-rows file, corrected, is imported again as it
/// was written; see [`crate::platform::export`]).
fn cell_value(s: &str) -> String {
    crate::platform::export::restore(s.trim())
        .trim()
        .to_string()
}

/// UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_xlsx(bytes: &[u8]) -> AppResult<Vec<(usize, Vec<String>)>> {
    use calamine::{Data, Reader};
    let unreadable = |e: &dyn std::fmt::Display| {
        AppError::invalid(
            "file",
            "import.xlsx",
            format!("无法读取 XLSX 文件：{e}"),
            format!("Cannot read the XLSX file: {e}"),
        )
    };
    let mut book =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| unreadable(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| unreadable(&"no worksheet"))?
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::DateTime(d) => {
                    let (y, m, day, ..) = d.to_ymd_hms_milli();
                    format!("{y:04}-{m:02}-{day:02}")
                }
                Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                Data::Empty => String::new(),
                other => other.to_string().trim().to_string(),
            })
            .collect::<Vec<_>>();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        out.push((first_row + i + 1, cells));
    }
    Ok(out)
}

/// Maps the header to column positions; a missing required column fails the whole file.
fn header_map(header: &[String]) -> AppResult<HashMap<&'static str, usize>> {
    let mut map = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        // "名称", "name", or both as in the register's own CSV export ("名称 name").
        let matches = |k: &str, zh: &str| {
            h == k || h == zh || h.split_whitespace().any(|p| p == k || p == zh)
        };
        if let Some((key, _, _)) = COLUMNS.iter().find(|(k, zh, _)| matches(k, zh)) {
            map.insert(*key, i);
        }
    }
    for (key, zh, required) in COLUMNS {
        if *required && !map.contains_key(key) {
            return Err(AppError::invalid(
                key,
                "import.column_missing",
                format!("文件缺少“{zh}”（{key}）列"),
                format!("The file has no “{key}” ({zh}) column"),
            ));
        }
    }
    Ok(map)
}

/// Checks every row; returns the good ones and the problems of the bad ones.
pub async fn validate(
    db: &Db,
    records: &[(usize, Vec<String>)],
) -> AppResult<(Vec<(usize, NewOrg)>, Vec<BadRow>)> {
    let Some((_, header)) = records.first() else {
        return Err(AppError::invalid(
            "file",
            "import.empty",
            "文件为空",
            "The file is empty",
        ));
    };
    let cols = header_map(header)?;
    let regions = store::region_codes(db).await?;
    let mut good = Vec::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, rec) in &records[1..] {
        let get = |k: &str| {
            cols.get(k)
                .and_then(|i| rec.get(*i))
                .map(String::as_str)
                .unwrap_or("")
        };
        let mut problems = Vec::new();
        let mut problem = |col: &str, zh: String, en: String| {
            problems.push(BadRow {
                line: *line,
                column: col.to_string(),
                value: get(col).to_string(),
                reason: BilingualText { zh, en },
            })
        };
        let name = get("name").to_string();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            problem(
                "name",
                format!("名称为空或超过 {NAME_MAX} 字"),
                format!("The name is empty or longer than {NAME_MAX} characters"),
            );
        }
        let unknown = |list: &'static [model::Choice]| {
            let names: Vec<String> = list.iter().map(|c| format!("{}/{}", c.zh, c.key)).collect();
            names.join("、")
        };
        let org_type = model::choice(TYPES, get("type"));
        if org_type.is_none() {
            problem(
                "type",
                format!("类型不可识别，可选：{}", unknown(TYPES)),
                format!("Unknown type; one of: {}", unknown(TYPES)),
            );
        }
        let category = if get("category").is_empty() {
            Some("other")
        } else {
            model::choice(CATEGORIES, get("category"))
        };
        if category.is_none() {
            problem(
                "category",
                format!("类别不可识别，可选：{}", unknown(CATEGORIES)),
                format!("Unknown category; one of: {}", unknown(CATEGORIES)),
            );
        }
        let status = model::choice(STATUSES, get("status"));
        if status.is_none() {
            problem(
                "status",
                format!("状态不可识别，可选：{}", unknown(STATUSES)),
                format!("Unknown status; one of: {}", unknown(STATUSES)),
            );
        }
        let region = get("region_code");
        match codes::RegionCode::parse(region) {
            Err(e) => {
                use codes::CodeProblem;
                problem("region_code", e.message_zh(), e.message_en())
            }
            Ok(c) if !regions.contains(c.as_str()) => problem(
                "region_code",
                format!("行政区划代码 {c} 不存在"),
                format!("Unknown region: no division has the code {c}"),
            ),
            Ok(_) => {}
        }
        let registered_on = match get("registered_on") {
            "" => None,
            s => match model::parse_date("registered_on", s) {
                Ok(d) => Some(d),
                Err(_) => {
                    problem(
                        "registered_on",
                        format!("登记日期“{s}”格式不正确，应为 YYYY-MM-DD"),
                        format!("The date “{s}” is not valid; expected YYYY-MM-DD"),
                    );
                    None
                }
            },
        };
        let uscc = match get("uscc") {
            "" => {
                // Only a community organization that is merely filed may have no code yet.
                if !(org_type == Some("community_org") && status == Some("filed")) {
                    problem("uscc", "缺少统一社会信用代码（仅备案的社区社会组织可以没有）".into(), "The credit code is missing (only a filed community organization may have none)".into());
                }
                None
            }
            s => match codes::Uscc::parse(s) {
                Err(e) => {
                    use codes::CodeProblem;
                    problem("uscc", e.message_zh(), e.message_en());
                    None
                }
                Ok(u) => {
                    let u = u.as_str().to_string();
                    if let Some(first) = seen.get(&u) {
                        problem(
                            "uscc",
                            format!("重复：与第 {first} 行的统一社会信用代码相同"),
                            format!("Duplicate: the same credit code as line {first}"),
                        );
                    } else {
                        seen.insert(u.clone(), *line);
                    }
                    Some(u)
                }
            },
        };
        // Free text goes into the register as it is: no control character (U+0000 cannot be
        // stored in PostgreSQL at all, see platform::input).
        for col in ["name", "business_scope", "purpose"] {
            if crate::platform::input::has_forbidden_control(get(col)) {
                problem(
                    col,
                    "不能包含控制字符（如 U+0000）".into(),
                    "Must not contain control characters (such as U+0000)".into(),
                );
            }
        }
        if problems.is_empty() {
            good.push((
                *line,
                NewOrg {
                    id: uuid::Uuid::now_v7(),
                    uscc,
                    name,
                    org_type: org_type.unwrap_or_default(),
                    category: category.unwrap_or_default(),
                    region_code: region.to_string(),
                    status: status.unwrap_or_default(),
                    registered_on,
                    business_scope: get("business_scope").to_string(),
                    purpose: get("purpose").to_string(),
                },
            ));
        } else {
            bad.extend(problems);
        }
    }
    // Codes already in the register.
    let codes: Vec<String> = good.iter().filter_map(|(_, o)| o.uscc.clone()).collect();
    let existing = store::existing_usccs(db, &codes).await?;
    if !existing.is_empty() {
        good.retain(|(line, o)| match &o.uscc {
            Some(u) if existing.contains(u) => {
                bad.push(BadRow {
                    line: *line,
                    column: "uscc".into(),
                    value: u.clone(),
                    reason: BilingualText {
                        zh: "重复：登记簿中已有此统一社会信用代码".into(),
                        en: "Duplicate: the register already holds this credit code".into(),
                    },
                });
                false
            }
            _ => true,
        });
    }
    bad.sort_by(|a, b| (a.line, &a.column).cmp(&(b.line, &b.column)));
    Ok((good, bad))
}

/// Imports a file: all-or-nothing, or with `skip_bad` the good rows only. The caller makes
/// the result searchable (`register::index::catch_up`) and, for the CLI, writes the bad rows.
pub async fn import_organizations(
    db: &Db,
    now: DateTime<Utc>,
    actor: &Actor,
    bytes: &[u8],
    skip_bad: bool,
) -> AppResult<ImportReport> {
    let records = read_records(bytes)?;
    let (good, bad) = validate(db, &records).await?;
    let rows = records.len().saturating_sub(1);
    let bad_lines: HashSet<usize> = bad.iter().map(|b| b.line).collect();
    let mut bad_records = Vec::new();
    if !bad.is_empty() {
        let mut header = records[0].1.clone();
        header.push("错误 error".into());
        bad_records.push(header);
        for (line, rec) in &records[1..] {
            if bad_lines.contains(line) {
                let reasons: Vec<String> = bad
                    .iter()
                    .filter(|b| b.line == *line)
                    .map(|b| format!("{}: {}", b.column, b.reason.zh))
                    .collect();
                let mut r = rec.clone();
                r.push(reasons.join("；"));
                bad_records.push(r);
            }
        }
    }
    let imported = if bad.is_empty() || skip_bad {
        good.len()
    } else {
        0
    };
    if imported > 0 {
        let orgs: Vec<NewOrg> = good.into_iter().map(|(_, o)| o).collect();
        let summary = serde_json::json!({
            "rows": rows, "imported": imported, "skipped": bad_lines.len(), "skip_bad": skip_bad,
        });
        store::import(db, now, actor, &orgs, summary).await?;
    }
    Ok(ImportReport {
        rows,
        imported,
        skipped: if imported > 0 { bad_lines.len() } else { 0 },
        bad,
        bad_records,
    })
}

/// The actor of a command-line import (audited as `cli`, the province's system administrator).
pub fn cli_actor() -> Actor {
    Actor::User(crate::platform::auth::UserActor {
        user_id: uuid::Uuid::nil(),
        username: "cli".into(),
        display_name: "命令行导入 command line".into(),
        role: crate::platform::auth::Role::SysAdmin,
        region: codes::RegionCode::parse("330000").expect("literal"),
        grant_id: uuid::Uuid::nil(),
        department: None,
    })
}
