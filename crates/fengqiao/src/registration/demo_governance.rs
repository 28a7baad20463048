//! Demo governance of the approved demo organizations: their council and supervisors with terms,
//! the party organization, special groups, tax-deduction eligibility, and hub links to other
//! organizations of the same county. Written through the same service path as the API (checked
//! and audited), by the county officer; skipped for an organization that has terms already.

use chrono::NaiveDate;

use super::model::governance::{MemberInput, PartyInput, ProfileInput, SupportInput, TermInput};
use super::service::governance as service;
use super::store::governance as store;
use crate::platform::auth::Actor;
use crate::platform::{AppResult, AppState};

/// Members of one term, as (name, post).
type Members = &'static [(&'static str, &'static str)];

/// One approved demo organization and what it records.
struct Demo {
    name: &'static str,
    /// (body, years of the term, members as (name, post)).
    bodies: &'static [(&'static str, u32, Members)],
    party: &'static str,
    hub_kind: &'static str,
    tax_deductible: bool,
    groups: &'static [&'static str],
}

const DEMOS: &[Demo] = &[
    Demo {
        name: "西湖区助学公益基金会",
        bodies: &[
            // 基金会管理条例 Art. 20: 5–25 directors, a term of at most 5 years.
            (
                "council",
                5,
                &[
                    ("何思远", "理事长"),
                    ("沈佳怡", "副理事长"),
                    ("陆志明", "秘书长"),
                    ("范晓雯", "理事"),
                    ("蒋立新", "理事"),
                ],
            ),
            ("supervisor", 5, &[("韩静", "监事")]),
        ],
        party: "instructor",
        hub_kind: "support",
        tax_deductible: true,
        groups: &["children", "poor_families"],
    },
    Demo {
        name: "滨江区应急救助公益服务中心",
        bodies: &[
            (
                "council",
                4,
                &[("严国平", "理事长"), ("方丽", "理事"), ("金涛", "理事")],
            ),
            (
                "supervisory_board",
                4,
                &[("唐敏", "监事长"), ("许强", "监事"), ("邓红", "监事")],
            ),
        ],
        party: "joint",
        hub_kind: "hub",
        tax_deductible: false,
        groups: &["elderly", "disabled", "poor_families"],
    },
];

/// Organizations of the same county a demo hub supports (at most).
const SUPPORTED_PER_HUB: i64 = 3;

/// The last day of a term of `years` from `start`: the day before the anniversary.
fn term_end(start: NaiveDate, years: u32) -> NaiveDate {
    let end = super::model::governance::latest_end(start, years);
    end.pred_opt().unwrap_or(end)
}

/// Records the demo governance; `officer_of` gives the officer acting for a county.
pub async fn load(state: &AppState, officer_of: impl Fn(&str) -> Option<Actor>) -> AppResult<()> {
    let today = state.clock.today();
    for d in DEMOS {
        let Some(org) = store::organization_named(&state.db, d.name).await? else {
            continue;
        };
        if !store::terms(&state.db, org.id).await?.is_empty() {
            continue;
        }
        let Some(officer) = officer_of(&org.region_code) else {
            continue;
        };
        let key = org.uscc.clone().unwrap_or_else(|| org.id.to_string());
        let start = org.registered_on.unwrap_or(today);
        for (body, years, members) in d.bodies {
            let t = TermInput {
                body: (*body).into(),
                term_start: start.to_string(),
                term_end: term_end(start, *years).to_string(),
                member_count: None,
                members: members
                    .iter()
                    .map(|(n, p)| MemberInput {
                        name: (*n).into(),
                        position: (*p).into(),
                    })
                    .collect(),
            };
            service::add_term(state, &officer, &key, &t).await?;
        }
        let p = PartyInput {
            status: d.party.into(),
            since: start.to_string(),
            note: String::new(),
        };
        service::set_party(state, &officer, &key, &p).await?;
        let profile = ProfileInput {
            hub_kind: Some(d.hub_kind.into()),
            tax_deductible: Some(d.tax_deductible),
            special_groups: Some(d.groups.iter().map(|g| (*g).into()).collect()),
            community_categories: None,
        };
        service::set_profile(state, &officer, &key, &profile).await?;
        let prefix = format!("{}%", org.region_code);
        for other in store::active_in(&state.db, &prefix, SUPPORTED_PER_HUB + 1).await? {
            if other.id == org.id {
                continue;
            }
            let s = SupportInput {
                organization: other.uscc.clone().unwrap_or_else(|| other.id.to_string()),
            };
            service::link_supported(state, &officer, &key, &s).await?;
        }
    }
    Ok(())
}
