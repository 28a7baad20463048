//! Who is asking, and may they: sessions and tokens in, an [`Actor`] out; every route's
//! [`Access`] checked by [`guard`] in one place.

pub mod roles;
pub mod secrets;
pub mod store;

use axum::RequestExt;
use axum::extract::{RawPathParams, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

pub use roles::{Access, Actor, ObjectScope, Role, Scope, UserActor};

use crate::platform::AppState;
use crate::platform::error::AppError;
use crate::platform::scheduler::BoxFuture;

pub const SESSION_COOKIE: &str = "fq_session";
pub const CSRF_COOKIE: &str = "fq_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the request authenticated: which token (to log out or switch role), if any.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub session_token: Option<String>,
}

/// Finds the actor behind the request (session cookie or `Authorization: Bearer`), and
/// checks the CSRF token of unsafe requests that a browser could forge.
pub async fn authenticate(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let cookie_token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let now = state.clock.now();
    let mut actor = Actor::Public;
    let mut creds = Credentials::default();
    let token = bearer.clone().or(cookie_token.clone());
    if let Some(token) = token {
        match store::session_by_token(&state.db, now, &token).await {
            Ok(Some(info)) => {
                // A bearer token must be an API token and a cookie must be a browser session:
                // a stolen cookie value is no API key and vice versa.
                let ok = if bearer.is_some() {
                    info.kind == "api"
                } else {
                    info.kind == "session"
                };
                if ok {
                    actor = Actor::User(info.actor);
                    creds.session_token = Some(token);
                }
            }
            Ok(None) => {}
            Err(e) => return e.into_response(),
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && bearer.is_none() && needs_csrf(&req, cookie_token.is_some()) {
        match check_csrf(&jar, req).await {
            Ok(r) => req = r,
            Err(e) => return e.into_response(),
        }
    }
    req.extensions_mut().insert(actor);
    req.extensions_mut().insert(creds);
    next.run(req).await
}

/// Browser forms, and anything sent with a session cookie, carry a CSRF token.
fn needs_csrf(req: &Request, has_session_cookie: bool) -> bool {
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    has_session_cookie
        || ct.starts_with("application/x-www-form-urlencoded")
        || ct.starts_with("multipart/form-data")
}

/// Double-submit check: the `_csrf` form field or `X-CSRF-Token` header must equal the
/// `fq_csrf` cookie. The body is read (bounded) and put back for the handler.
async fn check_csrf(jar: &CookieJar, req: Request) -> Result<Request, AppError> {
    let refused = || {
        AppError::invalid(
            CSRF_FIELD,
            "csrf",
            "页面已过期，请刷新后重新提交",
            "The page has expired; reload it and submit again",
        )
    };
    let cookie = jar
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .ok_or_else(refused)?;
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return if secrets::constant_time_eq(h, &cookie) {
            Ok(req)
        } else {
            Err(refused())
        };
    }
    // A multipart body (a file upload) is not read here: its form carries the token in the
    // query string of its action (`?_csrf=`), accepted for multipart requests only.
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if multipart {
        let token = url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.into_owned());
        return match token {
            Some(v) if secrets::constant_time_eq(&v, &cookie) => Ok(req),
            _ => Err(refused()),
        };
    }
    let (parts, body) = req.into_parts();
    let bytes = crate::platform::limits::read_body(body).await?;
    let field = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    match field {
        Some(v) if secrets::constant_time_eq(&v, &cookie) => {
            Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
        }
        _ => Err(refused()),
    }
}

/// The per-route check: the route's [`Access`] against the actor, including the region scope.
pub async fn guard(State(access): State<Access>, mut req: Request, next: Next) -> Response {
    let actor = req
        .extensions()
        .get::<Actor>()
        .cloned()
        .unwrap_or(Actor::Public);
    let state = req.extensions().get::<AppState>().cloned();
    let params = req.extract_parts::<RawPathParams>().await.ok();
    let param = |name: &str| {
        params.as_ref().and_then(|p| {
            p.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
    };
    let decision = match (access.scope, state) {
        (Scope::None, _) => authorize(&actor, &access, None),
        (Scope::RegionParam(name), _) => match param(name).map(|c| codes::RegionCode::parse(&c)) {
            Some(Ok(code)) => authorize(&actor, &access, Some(&code)),
            Some(Err(e)) => Err(AppError::from_code(name, &e)),
            None => authorize(&actor, &access, None),
        },
        (Scope::Object(object, name), Some(state)) => match param(name) {
            Some(id) => {
                async {
                    let scope = object.scope(&state, &id).await?;
                    authorize_object(&state.db, &actor, &access, &scope).await
                }
                .await
            }
            None => authorize(&actor, &access, None),
        },
        (Scope::Object(..), None) => authorize(&actor, &access, None),
    };
    match decision {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The one authorization rule: the role must be one the route allows, and the region the
/// request touches must lie inside the region the role is held for.
pub fn authorize(
    actor: &Actor,
    access: &Access,
    target: Option<&codes::RegionCode>,
) -> Result<(), AppError> {
    if !access.allows_role(actor.role()) {
        return Err(if actor.user().is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        });
    }
    if let (Some(_), Some(t)) = (access.roles, target)
        && !actor.covers(t)
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Whether the actor may act for an organization: [`authorize`] against the organization's
/// region, and an organization account (org_admin) must also be bound to the organization
/// (`organization_accounts`): a role held in 西湖区 does not make its holder the voice of every
/// organization there.
pub async fn authorize_for_organization(
    db: &crate::platform::db::Db,
    actor: &Actor,
    access: &Access,
    organization_id: uuid::Uuid,
    region: &codes::RegionCode,
) -> Result<(), AppError> {
    let scope = ObjectScope {
        region: region.clone(),
        applicant: None,
        organization: Some(organization_id),
    };
    authorize_object(db, actor, access, &scope).await
}

/// [`authorize`] against a stored object's region; an organization account must also be its
/// applicant or bound to the organization it concerns. An application, its materials and the
/// persons it names are not public: a role held in 西湖区 does not open every founder's draft
/// there (issue 15: an account submitted and read other applicants' applications).
pub async fn authorize_object(
    db: &crate::platform::db::Db,
    actor: &Actor,
    access: &Access,
    scope: &ObjectScope,
) -> Result<(), AppError> {
    authorize(actor, access, Some(&scope.region))?;
    let Actor::User(u) = actor else {
        return Ok(());
    };
    if u.role != Role::OrgAdmin || !scope.is_held() || scope.applicant == Some(u.user_id) {
        return Ok(());
    }
    match scope.organization {
        Some(org) if store::acts_for(db, u.user_id, org).await? => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// Which filed objects (applications) a list shows the actor: officers and reviewers those of
/// the region their role is held for; an organization account only those it filed or that
/// concern an organization bound to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// A `LIKE` prefix of region codes.
    Region(String),
    /// The organization account's user id.
    Account(uuid::Uuid),
}

impl Listing {
    /// The condition of a list query over a table with `region_code`, `applicant_user_id` and
    /// `organization_id`: `$1` is [`Listing::region_prefix`], `$2` is [`Listing::account`].
    /// One of the two always matches nothing (an empty prefix, a NULL account).
    pub const CONDITION: &'static str = "(region_code LIKE $1 OR applicant_user_id = $2 OR organization_id IN \
         (SELECT organization_id FROM organization_accounts WHERE user_id = $2))";

    pub fn of(actor: &Actor) -> Result<Listing, AppError> {
        let u = actor.user().ok_or(AppError::Unauthenticated)?;
        Ok(if u.role == Role::OrgAdmin {
            Listing::Account(u.user_id)
        } else {
            Listing::Region(crate::platform::region_prefix(&u.region))
        })
    }

    pub fn region_prefix(&self) -> &str {
        match self {
            Listing::Region(p) => p,
            Listing::Account(_) => "",
        }
    }

    pub fn account(&self) -> Option<uuid::Uuid> {
        match self {
            Listing::Region(_) => None,
            Listing::Account(id) => Some(*id),
        }
    }
}

/// Finds a stored object's region and holders by the id in the path; `None` when there is no
/// such object. Each module owns the resolvers of its objects.
pub type Resolver =
    for<'a> fn(&'a AppState, &'a str) -> BoxFuture<'a, Result<Option<store::ScopeRow>, AppError>>;

/// A kind of stored object that routes protect (an application, an organization, a grid…),
/// declared by the module that owns it and named in the [`Scope::Object`] of its routes: the one
/// rule ([`authorize_object`]) stays here and asks the module's resolver.
pub struct ObjectType {
    /// What it is, for the route table and logs (`registry.application`).
    pub name: &'static str,
    pub resolve: Resolver,
}

impl std::fmt::Debug for ObjectType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl ObjectType {
    /// The object's scope; 404 when it does not exist.
    pub async fn scope(&self, state: &AppState, id: &str) -> Result<ObjectScope, AppError> {
        (self.resolve)(state, id)
            .await?
            .ok_or(AppError::NotFound)?
            .parse()
    }
}

/// The actor of a request, for handlers.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Actor>()
            .cloned()
            .unwrap_or(Actor::Public))
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Credentials {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Credentials>()
            .cloned()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(region: &str) -> Actor {
        Actor::User(UserActor {
            user_id: uuid::Uuid::nil(),
            username: "o".into(),
            display_name: "o".into(),
            role: Role::CountyOfficer,
            region: codes::RegionCode::parse(region).unwrap(),
            grant_id: uuid::Uuid::nil(),
            department: None,
        })
    }

    #[test]
    fn officer_is_refused_outside_his_region() {
        let access = Access::scoped(Role::OFFICERS, Scope::RegionParam("code"));
        let xihu = officer("330106");
        let inside = codes::RegionCode::parse("330106001001").unwrap();
        let binjiang = codes::RegionCode::parse("330108").unwrap();
        assert!(authorize(&xihu, &access, Some(&inside)).is_ok());
        assert!(matches!(
            authorize(&xihu, &access, Some(&binjiang)),
            Err(AppError::Forbidden)
        ));
        // The city above is outside the county too.
        let hangzhou = codes::RegionCode::parse("330100").unwrap();
        assert!(matches!(
            authorize(&xihu, &access, Some(&hangzhou)),
            Err(AppError::Forbidden)
        ));
    }

    #[test]
    fn anonymous_gets_401_and_wrong_role_403() {
        let access = Access::roles(&[Role::SysAdmin]);
        assert!(matches!(
            authorize(&Actor::Public, &access, None),
            Err(AppError::Unauthenticated)
        ));
        assert!(matches!(
            authorize(&officer("330106"), &access, None),
            Err(AppError::Forbidden)
        ));
    }
}
