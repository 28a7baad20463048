//! The one path for every registry action, shared by the JSON API and the pages: parse the
//! input (naming the field at fault), ask the workflow, then write through the store.

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::workflow::{self, transition};
use super::model::{
    self, Action, AppKind, Application, ApplicationView, Facts, OrganizationView, PublicityNotice,
    Refusal, State, Step, StepState, rules,
};
mod create;
pub mod governance;
pub mod overdue;
pub use create::create;

use super::store::{self, Effect};
use crate::platform::auth::Actor;
use crate::platform::{AppError, AppResult, AppState};

/// Longest name/text we accept (a typing guard, not a rule of law).
pub const TEXT_MAX_CHARS: usize = 2000;

pub(super) fn invalid(field: &str, zh: &str, en: &str) -> AppError {
    AppError::invalid(field, &format!("registry.{field}"), zh, en)
}

pub(super) fn parse_key<T>(
    field: &str,
    v: Option<&str>,
    f: impl Fn(&str) -> Option<T>,
) -> AppResult<T> {
    v.map(str::trim).and_then(f).ok_or_else(|| {
        invalid(
            field,
            "缺少或取值不在允许范围内",
            "Missing, or not one of the allowed values",
        )
    })
}

pub(super) fn text(field: &str, v: &str, required: bool) -> AppResult<String> {
    crate::platform::input::text("registry", field, v, required, TEXT_MAX_CHARS)
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::Role => AppError::Forbidden,
        Refusal::State => AppError::conflict(
            "registry.state",
            "申请当前所处环节不允许此操作",
            "The application is not at a stage that allows this",
        ),
        Refusal::Condition(what) => {
            let (zh, en) = match what {
                "materials" => (
                    "材料不齐全，不能受理",
                    "Materials are missing; cannot accept",
                ),
                "steps" => ("尚有审查环节未通过", "Not every review step has approved"),
                "publicity" => (
                    "任职前公示尚未完成",
                    "The pre-appointment publicity is not over",
                ),
                _ => ("尚有异议未答复", "An objection is still unanswered"),
            };
            AppError::Conflict {
                code: format!("registry.{what}"),
                field: Some(what.to_string()),
                message: crate::platform::error::Bilingual::new(zh, en),
            }
        }
    }
}

pub use crate::platform::extract::parse_id;

pub async fn load(state: &AppState, id: Uuid) -> AppResult<Application> {
    store::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// The facts the workflow needs about a stored application.
async fn facts(state: &AppState, app: &Application) -> AppResult<Facts> {
    let steps = store::steps(&state.db, app.id).await?;
    let objections = store::objections(&state.db, app.id).await?;
    let persons = store::persons(&state.db, app.id).await?;
    let today = state.clock.today();
    Ok(Facts {
        kind: app.kind(),
        org_type: app.org_type(),
        steps: steps
            .iter()
            .filter_map(|s| Some((Step::from_key(&s.step)?, StepState::from_key(&s.state)?)))
            .collect(),
        needs_publicity: needs_publicity(
            app.kind(),
            persons.iter().any(|p| p.capacity == "leader"),
        ),
        publicity_over: app.publicity_until.is_some_and(|u| today > u),
        open_objections: objections.iter().filter(|o| o.answer.is_none()).count(),
        missing_materials: rules::missing(&app.checklist(), &app.material_keys()).len(),
    })
}

/// 任职前公示 applies to registered organizations naming leaders (POLICY 十二); a filed
/// community organization is not on it.
pub fn needs_publicity(kind: AppKind, names_leaders: bool) -> bool {
    names_leaders && matches!(kind, AppKind::Establishment | AppKind::Change)
}

pub async fn view(state: &AppState, app: Application) -> AppResult<ApplicationView> {
    let today = state.clock.today();
    let mut steps = store::steps(&state.db, app.id).await?;
    for s in &mut steps {
        s.overdue = s.state == "pending" && today > s.deadline;
    }
    let persons = store::persons(&state.db, app.id).await?;
    let objections = store::objections(&state.db, app.id).await?;
    let checklist = app.checklist();
    let missing_materials = if app.state() == State::Returned {
        serde_json::from_str(&app.missing).unwrap_or_default()
    } else {
        rules::missing(&checklist, &app.material_keys())
            .into_iter()
            .map(String::from)
            .collect()
    };
    Ok(ApplicationView {
        needs_publicity: needs_publicity(
            app.kind(),
            persons.iter().any(|p| p.capacity == "leader"),
        ),
        application: app,
        checklist,
        missing_materials,
        steps,
        persons,
        objections,
    })
}

/// Runs one workflow action (everything but step reviews, objections and approval effects).
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: Action,
    input: ActInput,
) -> AppResult<Application> {
    let app = load(state, id).await?;
    let now = state.clock.now();
    let today = state.clock.today();
    let from = app.state();
    let mut f = facts(state, &app).await?;
    let checklist = app.checklist();
    let effect = match action {
        Action::Submit => {
            let mut keys = Vec::new();
            for (i, k) in input.materials.iter().enumerate() {
                if !checklist.iter().any(|m| m.key == k) {
                    return Err(invalid(
                        &format!("materials[{i}]"),
                        "不在该类申请的材料清单中",
                        "Not on this application type's checklist",
                    ));
                }
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
            f.missing_materials = rules::missing(&checklist, &keys).len();
            departure_audit_on_file(state, &app).await?;
            Some(Effect::Submit {
                materials: serde_json::to_string(&keys).map_err(anyhow::Error::from)?,
                on: today,
            })
        }
        Action::Return => {
            let mut missing: Vec<String> = rules::missing(&checklist, &app.material_keys())
                .into_iter()
                .map(String::from)
                .collect();
            for (i, k) in input.also_missing.iter().enumerate() {
                if !checklist.iter().any(|m| m.key == k) {
                    return Err(invalid(
                        &format!("also_missing[{i}]"),
                        "不在该类申请的材料清单中",
                        "Not on this application type's checklist",
                    ));
                }
                if !missing.contains(k) {
                    missing.push(k.clone());
                }
            }
            if missing.is_empty() {
                return Err(invalid(
                    "also_missing",
                    "材料齐全时应当受理；退回须列明全部缺少的材料",
                    "Materials are complete: accept, or list every missing material to return",
                ));
            }
            Some(Effect::Return {
                missing: serde_json::to_string(&missing).map_err(anyhow::Error::from)?,
            })
        }
        Action::Accept => {
            let cal = crate::calendar::store::load(&state.db).await?;
            // The periods in force on the day of acceptance.
            let params = state.rules.table().await?;
            let mut steps = Vec::new();
            for s in model::steps_for(app.kind(), app.needs_supervisory()) {
                let days = params.working_days_on(rules::step_deadline(s), today)?;
                let d = cal
                    .add_working_days(today, days)
                    .map_err(|e| AppError::from_code("deadline", &e))?;
                steps.push((s, d));
            }
            Some(Effect::Accept { on: today, steps })
        }
        Action::StartPublicity => {
            let cal = crate::calendar::store::load(&state.db).await?;
            // The period in force on the day the publicity starts.
            let days = state
                .rules
                .working_days_on(rules::PUBLICITY_WORKING_DAYS, today)
                .await?;
            let until = cal
                .add_working_days(today, days)
                .map_err(|e| AppError::from_code("publicity_until", &e))?;
            Some(Effect::Publicity { from: today, until })
        }
        Action::Refuse => Some(Effect::Refuse {
            on: today,
            reasons: text("reasons", &input.reasons, true)?,
        }),
        Action::Approve | Action::Review(..) => None,
    };
    let to = transition(from, action, actor.role(), &f).map_err(refusal)?;
    if let Action::Review(step, _) = action {
        // A step addressed to a department is decided only by its reviewers (issue 8).
        crate::platform::departments::authorize(actor, app.addressee(step))?;
    }
    match (action, effect) {
        (Action::Review(step, ok), _) => {
            store::decide_step(
                &state.db,
                now,
                actor,
                &app,
                step,
                ok,
                &text("opinion", &input.opinion, !ok)?,
            )
            .await?;
        }
        (Action::Approve, _) => {
            store::approve(&state.db, now, today, actor, &app, from).await?;
            // Searchable at once in the public register (the follower would catch up anyway).
            if let Err(e) = crate::directory::index::catch_up(&state.db, &state.search).await {
                tracing::warn!(error = %e, "register index: catching up after an approval failed");
            }
        }
        (_, Some(effect)) => {
            store::advance(
                &state.db,
                now,
                actor,
                &app,
                action.audit_key(),
                from,
                to,
                &effect,
            )
            .await?;
        }
        (_, None) => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "no effect for {action:?}"
            )));
        }
    }
    load(state, id).await
}

/// A change naming a legal representative other than the sitting one is submitted only with
/// the departure audit (离任审计) of the sitting one's term on file with the supervision module
/// (DOMAIN.md §3, §2.2–2.4) [H]; refused by the field `departure_audit` otherwise.
async fn departure_audit_on_file(state: &AppState, app: &Application) -> AppResult<()> {
    let (AppKind::Change, Some(org)) = (app.kind(), app.organization_id) else {
        return Ok(());
    };
    let sitting = store::leader_persons(&state.db, org)
        .await?
        .into_iter()
        .find(|l| l.is_legal_rep && l.ended_on.is_none())
        .map(|l| crate::supervision::leaders::SittingRep {
            person_id: l.person_id,
            id_number_index: l.id_number_index,
            started_on: l.started_on,
        });
    let proposed = store::proposed_legal_rep(&state.db, app.id).await?;
    let required = crate::supervision::leaders::model::departure_audit_required(
        sitting.as_ref(),
        proposed.as_deref(),
    );
    match sitting {
        Some(s)
            if required
                && !crate::supervision::leaders::departure_audit_on_file(state, org, &s)
                    .await? =>
        {
            Err(invalid(
                "departure_audit",
                "变更法定代表人须先备案原法定代表人任期的离任审计报告",
                "A change of legal representative needs the departure audit of the sitting one's term on file first",
            ))
        }
        _ => Ok(()),
    }
}

/// Input carried by an action (each action reads what it needs).
#[derive(Debug, Clone, Default)]
pub struct ActInput {
    pub materials: Vec<String>,
    pub also_missing: Vec<String>,
    pub opinion: String,
    pub reasons: String,
}

pub fn parse_verdict(field: &str, v: &str, yes: &str, no: &str) -> AppResult<bool> {
    match v.trim() {
        x if x == yes => Ok(true),
        x if x == no => Ok(false),
        _ => Err(AppError::invalid(
            field,
            &format!("registry.{field}"),
            format!("应为 {yes} 或 {no}"),
            format!("Must be {yes} or {no}"),
        )),
    }
}

pub fn parse_step(s: &str) -> AppResult<Step> {
    Step::from_key(s).ok_or_else(|| invalid("step", "没有这个审查环节", "No such review step"))
}

pub async fn file_objection(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    name: &str,
    contact: &str,
    body: &str,
) -> AppResult<Uuid> {
    let app = load(state, id).await?;
    let body = text("body", body, true)?;
    let name = text("name", name, false)?;
    let contact = text("contact", contact, false)?;
    if app.state() != State::Publicity
        || app.publicity_until.is_some_and(|u| state.clock.today() > u)
    {
        return Err(AppError::conflict(
            "registry.not_on_notice",
            "该申请不在公示期内",
            "This application is not on public notice",
        ));
    }
    // Personal data: sealed and masked, never stored in plaintext (DESIGN.md, personal data).
    let contact = (!contact.is_empty()).then(|| store::SealedContact {
        sealed: state.pii.encrypt(&contact),
        masked: crate::platform::pii::mask_phone(&contact),
    });
    store::file_objection(
        &state.db,
        state.clock.now(),
        actor,
        &app,
        &name,
        contact.as_ref(),
        &body,
    )
    .await
}

pub async fn answer_objection(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    objection: Uuid,
    answer: &str,
) -> AppResult<()> {
    let app = load(state, id).await?;
    if !workflow::officer_roles(app.kind(), app.org_type())
        .iter()
        .any(|r| Some(*r) == actor.role())
    {
        return Err(AppError::Forbidden);
    }
    let answer = text("answer", answer, true)?;
    store::answer_objection(
        &state.db,
        state.clock.now(),
        actor,
        &app,
        objection,
        &answer,
    )
    .await
}

pub async fn notice(state: &AppState, id: Uuid) -> AppResult<PublicityNotice> {
    let app = load(state, id).await?;
    if app.publicity_from.is_none() {
        return Err(AppError::NotFound);
    }
    let persons = store::public_persons(&state.db, id).await?;
    let objections = store::objections(&state.db, id).await?;
    let today = state.clock.today();
    Ok(PublicityNotice {
        application_id: app.id,
        open: app.state() == State::Publicity && app.publicity_until.is_some_and(|u| today <= u),
        organization_name: app.name,
        org_type: app.org_type,
        region_code: app.region_code,
        from: app.publicity_from,
        until: app.publicity_until,
        persons,
        objections_filed: objections.len(),
    })
}

/// An organization by its USCC, or by its id when it has none (a filed community organization).
pub async fn organization(state: &AppState, key: &str) -> AppResult<OrganizationView> {
    let org = governance::load_org(state, key).await?;
    let grade = crate::evaluation::grade(state, org.id, state.clock.today()).await?;
    Ok(OrganizationView {
        governance: governance::governance(state, &org).await?,
        leaders: store::leaders(&state.db, org.id).await?,
        history: store::history(&state.db, org.id).await?,
        credit_status: super::credit_status(state, &org).await?,
        evaluation_grade: grade.as_ref().map(|g| g.grade.clone()),
        evaluation_valid_until: grade.map(|g| g.valid_until),
        organization: org,
    })
}

/// A date for display (empty when not set).
pub fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}
