//! Creating an application: every field parsed (naming the one at fault), the named persons
//! checked, sealed and stored.

use uuid::Uuid;

use super::super::model::workflow;
use super::super::model::{
    self, AppKind, Application, Category, NewApplication, OrgType, Reach, State, rules,
};
use super::super::store::{self, PreparedPerson};
use super::{invalid, parse_key, text};
use crate::platform::auth::{Access, Actor, authorize, authorize_for_organization};
use crate::platform::departments::{self, DepartmentKind};
use crate::platform::{AppError, AppResult, AppState};

/// Creates a draft application: parses every field, runs the checks on named persons.
pub async fn create(state: &AppState, actor: &Actor, b: &NewApplication) -> AppResult<Application> {
    let kind = parse_key("kind", Some(&b.kind), AppKind::from_key)?;
    let now = state.clock.now();
    let today = state.clock.today();
    let (org, org_type, category, reach, domicile) = match kind {
        AppKind::Establishment | AppKind::Filing => {
            let t = parse_key("org_type", b.org_type.as_deref(), OrgType::from_key)?;
            if (kind == AppKind::Filing) != (t == OrgType::CommunityOrg) {
                return Err(invalid(
                    "org_type",
                    "备案仅适用于社区社会组织；社区社会组织以外须成立登记",
                    "Filing is for community organizations only, registration for the other types",
                ));
            }
            let c = parse_key("category", b.category.as_deref(), Category::from_key)?;
            let reach = match b.reach.as_deref() {
                None | Some("") => Reach::County,
                r => parse_key("reach", r, Reach::from_key)?,
            };
            let d = b.domicile_code.as_deref().unwrap_or("").trim();
            let d = codes::RegionCode::parse(d)
                .map_err(|e| AppError::from_code("domicile_code", &e))?;
            (None, t, c, reach, d)
        }
        _ => {
            let u = b.organization_uscc.as_deref().unwrap_or("").trim();
            let by_id = b
                .organization_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            // A filed community organization has no USCC: it is found by its id instead.
            let o = match by_id {
                Some(id) if u.is_empty() => {
                    let id = uuid::Uuid::parse_str(id).map_err(|_| {
                        invalid(
                            "organization_id",
                            "组织编号格式不正确",
                            "The organization id is malformed",
                        )
                    })?;
                    store::governance::organization(&state.db, &store::governance::OrgKey::Id(id))
                        .await?
                        .ok_or_else(|| {
                            invalid(
                                "organization_id",
                                "未找到该编号的组织",
                                "No organization has this id",
                            )
                        })?
                }
                _ => {
                    let u = codes::Uscc::parse(u)
                        .map_err(|e| AppError::from_code("organization_uscc", &e))?;
                    store::organization_by_uscc(&state.db, u.as_str())
                        .await?
                        .ok_or_else(|| {
                            invalid(
                                "organization_uscc",
                                "未找到该统一社会信用代码的组织",
                                "No organization has this credit code",
                            )
                        })?
                }
            };
            if o.status != "registered" && o.status != "filed" {
                return Err(invalid(
                    if by_id.is_some() && u.is_empty() {
                        "organization_id"
                    } else {
                        "organization_uscc"
                    },
                    "该组织已注销或被撤销",
                    "The organization is deregistered or revoked",
                ));
            }
            let t = OrgType::from_key(&o.org_type).unwrap_or(OrgType::SocialGroup);
            let c = Category::from_key(&o.category).unwrap_or(Category::Other);
            let d = codes::RegionCode::parse(&o.region_code)
                .map_err(|e| AppError::from_code("organization_uscc", &e))?;
            (Some(o), t, c, Reach::County, d)
        }
    };
    if store_region_missing(state, domicile.as_str()).await? {
        return Err(invalid(
            "domicile_code",
            "行政区划代码不存在",
            "No such division code",
        ));
    }
    let region = match &org {
        Some(o) => codes::RegionCode::parse(&o.region_code)
            .map_err(|e| AppError::from_code("organization_uscc", &e))?,
        None => model::authority_region(kind, reach, &domicile)?,
    };
    // The applicant acts within the region his role is held for (the one rule, on the region).
    let access = Access::roles(workflow::applicant_roles(kind));
    authorize(actor, &access, Some(&domicile))?;
    // A change, deregistration or revocation speaks for the organization: an organization
    // account must be bound to it (issue 15: an account renamed an organization not its own).
    if let Some(o) = &org {
        authorize_for_organization(&state.db, actor, &access, o.id, &region).await?;
    }
    let name = match (&org, b.name.as_deref()) {
        (Some(o), None) => o.name.clone(),
        (_, n) => text("name", n.unwrap_or(""), true)?,
    };
    let named_unit = b
        .supervisory_unit
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if org.is_none() && model::needs_supervisory(kind, category) && named_unit.is_none() {
        return Err(invalid(
            "supervisory_unit",
            "该类别须经业务主管单位审查，请填写业务主管单位",
            "This category needs a business supervisory unit",
        ));
    }
    // The 业务主管单位 is a department kept for the region or one above it (its id or exact
    // name): the supervisory review step is addressed to it, and only its reviewers decide it
    // (issue 8). A change of an organization keeps the unit it was registered under.
    let supervisory = match (named_unit, &org) {
        (Some(named), _) if model::needs_supervisory(kind, category) => {
            let d = departments::resolve(&state.db, &region, DepartmentKind::Supervisory, named)
                .await?
                .ok_or_else(|| {
                    invalid(
                        "supervisory_unit",
                        "不是本地区登记的业务主管单位，请从列表中选择",
                        "Not a business supervisory unit kept for this region; choose one from the list",
                    )
                })?;
            Some((d.name, Some(d.id)))
        }
        // Named where no supervisory review is held (direct registration): kept as written.
        (Some(named), _) => Some((named.to_string(), None)),
        (None, Some(o)) => match o.supervisory_unit.clone() {
            Some(unit) => {
                let d =
                    departments::resolve(&state.db, &region, DepartmentKind::Supervisory, &unit)
                        .await?;
                Some((unit, d.map(|d| d.id)))
            }
            None => None,
        },
        (None, None) => None,
    };
    if let Some(f) = b.funds_fen
        && f < 0
    {
        return Err(invalid(
            "funds_fen",
            "资金不能为负数",
            "Funds cannot be negative",
        ));
    }
    let mut people = Vec::new();
    for (i, p) in b.persons.iter().enumerate() {
        let field = |f: &str| format!("persons[{i}].{f}");
        let id = codes::IdNumber::parse(p.id_number.trim())
            .map_err(|e| AppError::from_code(&field("id_number"), &e))?;
        let pname = text(&field("name"), &p.name, true)?;
        let position = text(&field("position"), &p.position, true)?;
        let capacity = match p.capacity.as_str() {
            "founder" | "leader" => p.capacity.clone(),
            _ => {
                return Err(invalid(
                    &field("capacity"),
                    "应为 founder 或 leader",
                    "Must be founder or leader",
                ));
            }
        };
        let index = state.pii.blind_index(id.as_str());
        // A hard check (model docs): a barred person cannot be named at all; the credit
        // module says why (从业禁止, or a post in an organization on the serious list).
        if let Some(bar) = crate::credit::person_bar(state, &index, today).await? {
            return Err(AppError::invalid(
                &field("id_number"),
                "registry.barred",
                bar.zh,
                bar.en,
            ));
        }
        let facts = rules::PersonFacts {
            age: id.age_on(today),
            is_leader: capacity == "leader",
            is_legal_rep: p.is_legal_rep,
            retired_official: p.retired_official,
            legal_rep_of: store::legal_rep_types(&state.db, &index, org.as_ref().map(|o| o.id))
                .await?,
        };
        let checks = rules::check_person(org_type, &facts);
        people.push(PreparedPerson {
            name: pname,
            sealed: state.pii.encrypt(id.as_str()),
            masked: id.masked(),
            birth_date: id.birth_date(),
            sex: if id.sex() == codes::id_number::Sex::Male {
                "male"
            } else {
                "female"
            },
            index,
            capacity,
            position,
            is_legal_rep: p.is_legal_rep,
            retired_official: p.retired_official,
            checks_passed: checks.iter().all(|c| c.passed),
            checks: serde_json::to_string(&checks).map_err(anyhow::Error::from)?,
        });
    }
    if people.iter().filter(|p| p.is_legal_rep).count() > 1 {
        return Err(invalid(
            "persons",
            "法定代表人只能有一名",
            "There can be only one legal representative",
        ));
    }
    let app = Application {
        id: Uuid::now_v7(),
        kind: kind.key().into(),
        state: State::Draft.key().into(),
        org_type: org_type.key().into(),
        category: category.key().into(),
        name,
        region_code: region.to_string(),
        domicile_code: domicile.to_string(),
        reach: reach.key().into(),
        supervisory_unit: supervisory.as_ref().map(|(unit, _)| unit.clone()),
        supervisory_department_id: supervisory.and_then(|(_, d)| d),
        organization_id: org.as_ref().map(|o| o.id),
        business_scope: text("business_scope", &b.business_scope, false)?,
        purpose: text("purpose", &b.purpose, false)?,
        address: text("address", &b.address, false)?,
        funds_fen: b.funds_fen,
        materials: "[]".into(),
        missing: "[]".into(),
        submitted_on: None,
        accepted_on: None,
        publicity_from: None,
        publicity_until: None,
        decided_on: None,
        decision_reason: String::new(),
        uscc: None,
        created_at: now,
        updated_at: now,
    };
    store::create(&state.db, now, actor, &app, &people).await?;
    Ok(app)
}

async fn store_region_missing(state: &AppState, code: &str) -> AppResult<bool> {
    Ok(crate::regions::store::get(&state.db, code).await?.is_none())
}
