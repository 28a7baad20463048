//! The application workflow as an explicit state machine. Pure: the store asks [`transition`]
//! for every change of state and writes it with a conditional UPDATE on the state it read, so
//! no step can be skipped and two concurrent actors cannot both move the same application.

use serde::{Deserialize, Serialize};

use super::{AppKind, OrgType, Step, StepState};
use crate::platform::auth::Role;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 草稿: the applicant is still preparing it.
    Draft,
    /// 已提交: waiting for the one-window intake (一窗受理).
    Submitted,
    /// 退回补正: returned once with the complete list of missing materials (一次性告知).
    Returned,
    /// 补正后重新提交: cannot be returned a second time.
    Resubmitted,
    /// 审查中: accepted; the departments review in parallel.
    InReview,
    /// 任职前公示: proposed leaders are on public notice.
    Publicity,
    /// 准予登记/备案.
    Approved,
    /// 不予受理/不予登记, with reasons.
    Refused,
}

impl State {
    pub const ALL: [State; 8] = [
        State::Draft,
        State::Submitted,
        State::Returned,
        State::Resubmitted,
        State::InReview,
        State::Publicity,
        State::Approved,
        State::Refused,
    ];

    pub fn key(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Resubmitted => "resubmitted",
            State::InReview => "in_review",
            State::Publicity => "publicity",
            State::Approved => "approved",
            State::Refused => "refused",
        }
    }

    pub fn from_key(k: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.key() == k)
    }

    pub fn is_final(self) -> bool {
        matches!(self, State::Approved | State::Refused)
    }
}

/// What someone asks to do with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Accept,
    Return,
    Review(Step, bool),
    StartPublicity,
    Approve,
    Refuse,
}

impl Action {
    /// The verb written to the audit log and the outbox.
    pub fn audit_key(self) -> &'static str {
        match self {
            Action::Submit => "application.submit",
            Action::Accept => "application.accept",
            Action::Return => "application.return",
            Action::Review(_, true) => "application.step_approve",
            Action::Review(_, false) => "application.step_reject",
            Action::StartPublicity => "application.publicity",
            Action::Approve => "application.approve",
            Action::Refuse => "application.refuse",
        }
    }
}

/// Who may file an application of each kind: founders (org_admin) apply; the authority itself
/// starts a revocation (撤销).
pub fn applicant_roles(kind: AppKind) -> &'static [Role] {
    match kind {
        AppKind::Revocation => Role::OFFICERS,
        _ => &[Role::OrgAdmin],
    }
}

/// Civil-affairs officers who take intake and decisions. Street officers only for community
/// organizations that are filed: their filing, and its change or 注销, are the street/township
/// office's work (民发〔2017〕191号, DOMAIN.md §2.1); the county above may act too.
pub fn officer_roles(kind: AppKind, org_type: OrgType) -> &'static [Role] {
    match (kind, org_type) {
        (AppKind::Filing, _) => Role::OFFICERS,
        (AppKind::Change | AppKind::Deregistration, OrgType::CommunityOrg) => Role::OFFICERS,
        _ => &[
            Role::CountyOfficer,
            Role::CityOfficer,
            Role::ProvinceOfficer,
        ],
    }
}

/// Who reviews each step: the registration review is civil affairs' own; the 业务主管单位 is
/// another department (dept_reviewer); the 党建工作机构 on the party-organization plan is the
/// departments' reviewer or the 社会组织党委 seated at the city or province bureau.
pub fn step_roles(kind: AppKind, org_type: OrgType, step: Step) -> &'static [Role] {
    match step {
        Step::Registration => officer_roles(kind, org_type),
        Step::Supervisory => &[Role::DeptReviewer],
        Step::PartyBuilding => &[Role::DeptReviewer, Role::CityOfficer, Role::ProvinceOfficer],
    }
}

/// Everything the rule needs to know besides the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub kind: AppKind,
    /// The organization's type (a filed community organization is the street office's).
    pub org_type: OrgType,
    /// The review steps of this application and where each stands (empty before acceptance).
    pub steps: Vec<(Step, StepState)>,
    /// Whether this application needs 任职前公示 (it names proposed leaders).
    pub needs_publicity: bool,
    /// Publicity has run its full period (today is after its last day).
    pub publicity_over: bool,
    /// Objections filed and not yet answered.
    pub open_objections: usize,
    /// Materials of the checklist still missing.
    pub missing_materials: usize,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The actor's role may not take this action.
    Role,
    /// Not from this state (or the step is not pending).
    State,
    /// Allowed in this state, but a condition is not met yet.
    Condition(&'static str),
}

/// The one rule for every change of state: the next state, or why not.
pub fn transition(
    state: State,
    action: Action,
    role: Option<Role>,
    f: &Facts,
) -> Result<State, Refusal> {
    let allowed: &[Role] = match action {
        Action::Submit => applicant_roles(f.kind),
        Action::Review(step, _) => step_roles(f.kind, f.org_type, step),
        _ => officer_roles(f.kind, f.org_type),
    };
    if !role.is_some_and(|r| allowed.contains(&r)) {
        return Err(Refusal::Role);
    }
    let all_approved =
        !f.steps.is_empty() && f.steps.iter().all(|(_, s)| *s == StepState::Approved);
    match (state, action) {
        (State::Draft, Action::Submit) => Ok(State::Submitted),
        (State::Returned, Action::Submit) => Ok(State::Resubmitted),
        (State::Submitted | State::Resubmitted, Action::Accept) => {
            if f.missing_materials > 0 {
                Err(Refusal::Condition("materials"))
            } else {
                Ok(State::InReview)
            }
        }
        // 一次性告知: one return only, so a resubmitted application cannot come back again.
        (State::Submitted, Action::Return) => Ok(State::Returned),
        (State::InReview, Action::Review(step, _)) => {
            match f.steps.iter().find(|(s, _)| *s == step) {
                Some((_, StepState::Pending)) => Ok(State::InReview),
                _ => Err(Refusal::State),
            }
        }
        (State::InReview, Action::StartPublicity) => {
            if !f.needs_publicity {
                Err(Refusal::State)
            } else if !all_approved {
                Err(Refusal::Condition("steps"))
            } else {
                Ok(State::Publicity)
            }
        }
        (State::InReview, Action::Approve) => {
            if f.needs_publicity {
                Err(Refusal::Condition("publicity"))
            } else if !all_approved {
                Err(Refusal::Condition("steps"))
            } else {
                Ok(State::Approved)
            }
        }
        (State::Publicity, Action::Approve) => {
            if !f.publicity_over {
                Err(Refusal::Condition("publicity"))
            } else if f.open_objections > 0 {
                Err(Refusal::Condition("objections"))
            } else {
                Ok(State::Approved)
            }
        }
        (
            State::Submitted | State::Resubmitted | State::InReview | State::Publicity,
            Action::Refuse,
        ) => Ok(State::Refused),
        _ => Err(Refusal::State),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn facts(kind: AppKind) -> Facts {
        Facts {
            kind,
            org_type: OrgType::SocialGroup,
            steps: vec![],
            needs_publicity: true,
            publicity_over: false,
            open_objections: 0,
            missing_materials: 0,
        }
    }

    /// The legal edges of the workflow, written out once by hand: the property test checks the
    /// rule never leaves them.
    const EDGES: &[(State, State)] = &[
        (State::Draft, State::Submitted),
        (State::Returned, State::Resubmitted),
        (State::Submitted, State::InReview),
        (State::Resubmitted, State::InReview),
        (State::Submitted, State::Returned),
        (State::InReview, State::InReview),
        (State::InReview, State::Publicity),
        (State::InReview, State::Approved),
        (State::Publicity, State::Approved),
        (State::Submitted, State::Refused),
        (State::Resubmitted, State::Refused),
        (State::InReview, State::Refused),
        (State::Publicity, State::Refused),
    ];

    #[test]
    fn a_filed_community_organization_is_deregistered_by_the_street_office() {
        let street = Some(Role::StreetOfficer);
        let mut f = facts(AppKind::Deregistration);
        f.needs_publicity = false;
        assert_eq!(
            transition(State::Submitted, Action::Accept, street, &f),
            Err(Refusal::Role),
            "a registered organization is the county's"
        );
        f.org_type = OrgType::CommunityOrg;
        assert_eq!(
            transition(State::Submitted, Action::Accept, street, &f),
            Ok(State::InReview)
        );
    }

    #[test]
    fn a_resubmitted_application_cannot_be_returned_twice() {
        let f = facts(AppKind::Establishment);
        let officer = Some(Role::CountyOfficer);
        assert_eq!(
            transition(State::Submitted, Action::Return, officer, &f),
            Ok(State::Returned)
        );
        assert_eq!(
            transition(State::Resubmitted, Action::Return, officer, &f),
            Err(Refusal::State)
        );
        let missing = Facts {
            missing_materials: 2,
            ..f.clone()
        };
        assert_eq!(
            transition(State::Resubmitted, Action::Accept, officer, &missing),
            Err(Refusal::Condition("materials"))
        );
        assert_eq!(
            transition(State::Submitted, Action::Accept, Some(Role::OrgAdmin), &f),
            Err(Refusal::Role)
        );
    }

    #[test]
    fn approval_waits_for_every_step_the_publicity_and_every_answer() {
        let officer = Some(Role::CountyOfficer);
        let mut f = facts(AppKind::Establishment);
        f.steps = vec![
            (Step::Registration, StepState::Approved),
            (Step::Supervisory, StepState::Pending),
        ];
        assert_eq!(
            transition(State::InReview, Action::StartPublicity, officer, &f),
            Err(Refusal::Condition("steps"))
        );
        f.steps[1].1 = StepState::Approved;
        assert_eq!(
            transition(State::InReview, Action::Approve, officer, &f),
            Err(Refusal::Condition("publicity"))
        );
        assert_eq!(
            transition(State::InReview, Action::StartPublicity, officer, &f),
            Ok(State::Publicity)
        );
        f.open_objections = 1;
        f.publicity_over = true;
        assert_eq!(
            transition(State::Publicity, Action::Approve, officer, &f),
            Err(Refusal::Condition("objections"))
        );
        f.open_objections = 0;
        assert_eq!(
            transition(State::Publicity, Action::Approve, officer, &f),
            Ok(State::Approved)
        );
        // A step already decided cannot be decided again (the second of two reviewers loses).
        assert_eq!(
            transition(
                State::InReview,
                Action::Review(Step::Supervisory, true),
                Some(Role::DeptReviewer),
                &f
            ),
            Err(Refusal::State)
        );
    }

    fn any_action() -> impl Strategy<Value = Action> {
        let step = prop_oneof![
            Just(Step::Registration),
            Just(Step::Supervisory),
            Just(Step::PartyBuilding)
        ];
        prop_oneof![
            Just(Action::Submit),
            Just(Action::Accept),
            Just(Action::Return),
            (step, any::<bool>()).prop_map(|(s, ok)| Action::Review(s, ok)),
            Just(Action::StartPublicity),
            Just(Action::Approve),
            Just(Action::Refuse),
        ]
    }

    fn any_role() -> impl Strategy<Value = Option<Role>> {
        prop_oneof![
            Just(None),
            proptest::sample::select(Role::ALL.to_vec()).prop_map(Some)
        ]
    }

    fn any_kind() -> impl Strategy<Value = AppKind> {
        proptest::sample::select(AppKind::ALL.to_vec())
    }

    proptest! {
        /// Random actors try random actions; the simulated world (steps, objections, the
        /// publicity clock) moves only when the rule allows. No illegal edge is ever taken, no
        /// action succeeds for a role outside its list, nothing leaves a final state, and a
        /// return happens at most once.
        #[test]
        fn no_illegal_transition_ever_succeeds(
            kind in any_kind(),
            needs_supervisory in any::<bool>(),
            needs_publicity in any::<bool>(),
            missing in 0usize..2,
            moves in proptest::collection::vec((any_action(), any_role(), any::<bool>()), 0..60),
        ) {
            let mut state = State::Draft;
            let mut f = facts(kind);
            f.needs_publicity = needs_publicity;
            f.missing_materials = missing;
            let mut returns = 0;
            for (action, role, tick) in moves {
                if tick && state == State::Publicity {
                    f.publicity_over = true;
                }
                if tick && state == State::Returned {
                    f.missing_materials = 0;
                }
                let before = state;
                match transition(state, action, role, &f) {
                    Ok(next) => {
                        prop_assert!(EDGES.contains(&(before, next)), "{before:?} -> {next:?} by {action:?}");
                        let allowed = match action {
                            Action::Submit => applicant_roles(kind),
                            Action::Review(s, _) => step_roles(kind, OrgType::SocialGroup, s),
                            _ => officer_roles(kind, OrgType::SocialGroup),
                        };
                        prop_assert!(role.is_some_and(|r| allowed.contains(&r)));
                        prop_assert!(!before.is_final());
                        if next == State::Approved {
                            prop_assert!(f.steps.iter().all(|(_, s)| *s == StepState::Approved));
                            prop_assert_eq!(f.open_objections, 0);
                            prop_assert!(!needs_publicity || before == State::Publicity);
                        }
                        if next == State::InReview && before != State::InReview {
                            prop_assert_eq!(f.missing_materials, 0);
                            f.steps = super::super::steps_for(kind, needs_supervisory)
                                .into_iter().map(|s| (s, StepState::Pending)).collect();
                        }
                        if let Action::Review(step, ok) = action {
                            let slot = f.steps.iter_mut().find(|(s, _)| *s == step);
                            prop_assert!(slot.as_ref().is_some_and(|(_, st)| *st == StepState::Pending));
                            if let Some(slot) = slot {
                                slot.1 = if ok { StepState::Approved } else { StepState::Rejected };
                            }
                        }
                        if next == State::Returned {
                            returns += 1;
                            prop_assert_eq!(returns, 1);
                        }
                        if next == State::Publicity && tick {
                            f.open_objections += 1;
                        }
                        state = next;
                    }
                    Err(_) => {
                        prop_assert_eq!(state, before);
                        if state == State::Publicity && f.open_objections > 0 && tick {
                            f.open_objections -= 1;
                        }
                    }
                }
            }
        }
    }
}
