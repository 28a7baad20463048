//! What a code says, or which character is wrong. Pure: no IO.

use serde::Serialize;

/// A named part of a code, in both languages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Part {
    /// The characters of the code this part is made of.
    pub value: String,
    pub zh: String,
    pub en: String,
}

/// The parts of a valid 统一社会信用代码.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UsccParts {
    /// Position 1: 登记管理部门 (registration authority).
    pub authority: Part,
    /// Position 2: 机构类别 (organization type).
    pub org_type: Part,
    /// Positions 3–8: 登记管理机关行政区划码 (the registering authority's area).
    pub region: Part,
    /// Positions 9–17: 主体标识码 (organization code, GB 11714, with its own check character).
    pub org_code: String,
    /// Position 18: the check character.
    pub check: String,
}

/// The problem with an invalid code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CodeFault {
    /// Stable code, e.g. `uscc.check_digit`.
    pub code: String,
    /// 1-based position of the wrong character, when one is at fault.
    pub position: Option<usize>,
    pub message_zh: String,
    pub message_en: String,
}

/// `GET /api/v1/codes/uscc/{code}`: valid, with its parts, or invalid, with the fault.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UsccCheck {
    pub input: String,
    pub valid: bool,
    /// The code as normalized (spaces removed, upper case, full-width folded).
    pub normalized: Option<String>,
    pub parts: Option<UsccParts>,
    pub fault: Option<CodeFault>,
}

pub fn fault(e: &dyn codes::CodeProblem) -> CodeFault {
    CodeFault {
        code: e.code().to_string(),
        position: e.position(),
        message_zh: e.message_zh(),
        message_en: e.message_en(),
    }
}

/// Checks a USCC; `region_name` names the area of positions 3–8 when the division table knows it.
pub fn check_uscc(input: &str, region_name: impl Fn(&str) -> Option<String>) -> UsccCheck {
    match codes::Uscc::parse(input) {
        Ok(u) => {
            let authority = u.authority();
            let org_type = u.org_type();
            let region = u.region_code().to_string();
            let (zh, en) = match region_name(&region) {
                Some(name) => (name.clone(), name),
                None => (
                    "（区划表中未找到）".to_string(),
                    "(not in the division table)".to_string(),
                ),
            };
            let s = u.as_str().to_string();
            UsccCheck {
                input: input.to_string(),
                valid: true,
                normalized: Some(s.clone()),
                parts: Some(UsccParts {
                    authority: Part {
                        value: s[0..1].to_string(),
                        zh: authority.name_zh().into(),
                        en: authority.name_en().into(),
                    },
                    org_type: Part {
                        value: s[1..2].to_string(),
                        zh: org_type.name_zh().into(),
                        en: org_type.name_en().into(),
                    },
                    region: Part {
                        value: region,
                        zh,
                        en,
                    },
                    org_code: u.org_code().to_string(),
                    check: s[17..18].to_string(),
                }),
                fault: None,
            }
        }
        Err(e) => UsccCheck {
            input: input.to_string(),
            valid: false,
            normalized: None,
            parts: None,
            fault: Some(fault(&e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worked_example_of_domain_md_reads_part_by_part() {
        let c = check_uscc("51330106MJ0A000178", |r| {
            (r == "330106").then(|| "西湖区".to_string())
        });
        assert!(c.valid);
        let p = c.parts.unwrap();
        assert_eq!(p.authority.zh, "民政");
        assert_eq!(p.org_type.zh, "社会团体");
        assert_eq!(p.region.zh, "西湖区");
        assert_eq!(p.org_code, "MJ0A00017");
        assert_eq!(p.check, "8");
    }

    #[test]
    fn a_wrong_check_character_names_position_18() {
        let c = check_uscc("53100000500020462H", |_| None);
        assert!(!c.valid);
        let f = c.fault.unwrap();
        assert_eq!(f.position, Some(18));
        assert!(f.message_en.contains('K'), "{}", f.message_en);
    }
}
