//! Roles (角色) and the actor who holds one for a region. Pure: no IO.

use serde::{Deserialize, Serialize};

/// A role a user holds for a region. The region is where the role applies: an officer of
/// 西湖区 sees and changes only what lies inside 西湖区.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 居民
    Resident,
    /// 志愿者
    Volunteer,
    /// 社会组织管理员
    OrgAdmin,
    /// 街道/乡镇工作人员
    StreetOfficer,
    /// 县(区)民政局工作人员
    CountyOfficer,
    /// 市民政局工作人员
    CityOfficer,
    /// 省民政厅工作人员
    ProvinceOfficer,
    /// 部门审查人员 (业务主管单位、党建工作机构等联办部门)
    DeptReviewer,
    /// 执法检查人员
    Inspector,
    /// 专家
    Expert,
    /// 社会工作者
    SocialWorker,
    /// 系统管理员
    SysAdmin,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Resident,
        Role::Volunteer,
        Role::OrgAdmin,
        Role::StreetOfficer,
        Role::CountyOfficer,
        Role::CityOfficer,
        Role::ProvinceOfficer,
        Role::DeptReviewer,
        Role::Inspector,
        Role::Expert,
        Role::SocialWorker,
        Role::SysAdmin,
    ];

    /// Civil-affairs officers at any level.
    pub const OFFICERS: &'static [Role] = &[
        Role::StreetOfficer,
        Role::CountyOfficer,
        Role::CityOfficer,
        Role::ProvinceOfficer,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Volunteer => "volunteer",
            Role::OrgAdmin => "org_admin",
            Role::StreetOfficer => "street_officer",
            Role::CountyOfficer => "county_officer",
            Role::CityOfficer => "city_officer",
            Role::ProvinceOfficer => "province_officer",
            Role::DeptReviewer => "dept_reviewer",
            Role::Inspector => "inspector",
            Role::Expert => "expert",
            Role::SocialWorker => "social_worker",
            Role::SysAdmin => "sys_admin",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The message key of the role's name (`role.county_officer`).
    pub fn message_key(self) -> String {
        format!("role.{}", self.key())
    }

    /// The region level a grant of this role is normally held at, for officers.
    pub fn officer_level(self) -> Option<codes::RegionLevel> {
        match self {
            Role::StreetOfficer => Some(codes::RegionLevel::Township),
            Role::CountyOfficer => Some(codes::RegionLevel::County),
            Role::CityOfficer => Some(codes::RegionLevel::City),
            Role::ProvinceOfficer => Some(codes::RegionLevel::Province),
            _ => None,
        }
    }
}

/// Who is acting: a logged-in user in one of his roles, or the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Public,
    User(UserActor),
    /// The platform itself, for scheduled work no person asked for (flagging overdue review
    /// steps): holds no role, so no route lets it in; audited as `system`.
    System,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserActor {
    pub user_id: uuid::Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The region the active role is held for.
    pub region: codes::RegionCode,
    pub grant_id: uuid::Uuid,
    /// The department the grant names (部门), for the roles that act for one
    /// ([`crate::platform::departments::DEPARTMENTAL`]).
    pub department: Option<String>,
}

impl Actor {
    pub fn user(&self) -> Option<&UserActor> {
        match self {
            Actor::Public | Actor::System => None,
            Actor::User(u) => Some(u),
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.user().map(|u| u.role)
    }

    /// Name written to the audit log.
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Public => "public".into(),
            Actor::System => "system".into(),
            Actor::User(u) => u.username.clone(),
        }
    }

    /// Does the actor's region cover `region` (equal to it or above it)?
    pub fn covers(&self, region: &codes::RegionCode) -> bool {
        self.user().is_some_and(|u| u.region.contains(region))
    }
}

/// What a route needs (declared once per route, checked in one place: [`super::authorize`]).
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// `None`: anyone, logged in or not.
    pub roles: Option<&'static [Role]>,
    pub scope: Scope,
}

/// Which region the request touches, for the region check.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// No particular region (lists filter by the actor's region themselves).
    None,
    /// The region code is the named path parameter.
    RegionParam(&'static str),
    /// The region (and holders) of a stored object whose id is the named path parameter, found
    /// by the resolver of the module that owns the object.
    Object(&'static super::ObjectType, &'static str),
}

/// Where a stored object lies and whom it belongs to: what the access check needs of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectScope {
    pub region: codes::RegionCode,
    /// The account that filed it (an application's applicant), if any.
    pub applicant: Option<uuid::Uuid>,
    /// The organization it belongs to or concerns, if any.
    pub organization: Option<uuid::Uuid>,
}

impl ObjectScope {
    /// Whether an organization account must show a tie to it (it is filed by somebody or
    /// belongs to an organization).
    pub fn is_held(&self) -> bool {
        self.applicant.is_some() || self.organization.is_some()
    }
}

impl Access {
    pub const PUBLIC: Access = Access {
        roles: None,
        scope: Scope::None,
    };
    pub const LOGGED_IN: Access = Access {
        roles: Some(&Role::ALL),
        scope: Scope::None,
    };

    pub const fn roles(roles: &'static [Role]) -> Access {
        Access {
            roles: Some(roles),
            scope: Scope::None,
        }
    }

    pub const fn scoped(roles: &'static [Role], scope: Scope) -> Access {
        Access {
            roles: Some(roles),
            scope,
        }
    }

    /// Is `role` allowed by this access at all (before the region check)?
    pub fn allows_role(&self, role: Option<Role>) -> bool {
        match (self.roles, role) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(rs), Some(r)) => rs.contains(&r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in Role::ALL {
            assert_eq!(Role::from_key(r.key()), Some(r));
            assert!(seen.insert(r.key()));
        }
        assert_eq!(Role::from_key("nobody"), None);
    }

    #[test]
    fn public_access_allows_anonymous_but_role_access_does_not() {
        assert!(Access::PUBLIC.allows_role(None));
        assert!(!Access::LOGGED_IN.allows_role(None));
        assert!(Access::LOGGED_IN.allows_role(Some(Role::Resident)));
        let officers = Access::roles(Role::OFFICERS);
        assert!(officers.allows_role(Some(Role::CountyOfficer)));
        assert!(!officers.allows_role(Some(Role::Volunteer)));
    }
}
