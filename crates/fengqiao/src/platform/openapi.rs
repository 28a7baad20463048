//! The errors of the OpenAPI document, declared in one place: every answer an operation can give
//! that is not a success is RFC 9457 problem+json ([`super::error::Problem`]), and the answers
//! that the platform gives before or around a handler are documented from the route table, so
//! that no annotation can forget them:
//!
//! - 401 when the route's [`Access`] needs a login (the guard: `unauthenticated`);
//! - 403 when it is limited to some roles or checks a region (the guard: `forbidden`);
//! - 404 when the path names something (a path parameter is resolved: `not_found`);
//! - 422 when the request carries input the extractors parse (path, query, header or body).
//!
//! Answers a handler gives of its own (402, 409, 429, …) stay as its annotation declares them;
//! their content type is set here too. A path parameter an annotation did not declare is
//! declared (a string), so that the document is valid for generated clients.

use utoipa::openapi::content::Content;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};

use super::auth::{Access, Role, Scope};
use super::routes::RouteInfo;

/// The media type of every error answer (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The name of the problem document's schema in the components.
pub const PROBLEM_SCHEMA: &str = "Problem";

/// The operations of a path item with their HTTP methods, to change them.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("GET", &mut item.get),
        ("POST", &mut item.post),
        ("PUT", &mut item.put),
        ("PATCH", &mut item.patch),
        ("DELETE", &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
}

/// The names of a path template's parameters: `/api/v1/a/{id}/b/{step}` → `id`, `step`.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| name.trim_start_matches('*'))
        .collect()
}

/// Whether a route with this access can answer 403: some roles only, or a region check.
fn can_forbid(access: &Access) -> bool {
    access.roles.is_some_and(|r| r.len() < Role::ALL.len()) || !matches!(access.scope, Scope::None)
}

fn default_description(status: &str) -> &'static str {
    match status {
        "400" => "请求有误 Bad request",
        "401" => "请先登录 Authentication required (`unauthenticated`)",
        "402" => "支付未成功 The payment was declined (`payment.failed`)",
        "403" => "角色或辖区无权 Your role or region does not allow this (`forbidden`)",
        "404" => "未找到 Not found (`not_found`)",
        "405" => "不支持的请求方式 Method not allowed",
        "409" => "与现有状态冲突 Conflict with the current state",
        "422" => "输入有误，`field` 指出哪一项 Invalid input; `field` names it",
        "429" => "尝试次数过多 Too many attempts (`Retry-After`)",
        _ => "错误 Error (problem+json)",
    }
}

fn problem_content() -> Content {
    Content::new(Some(Ref::from_schema_name(PROBLEM_SCHEMA)))
}

/// Adds the answer `status` to `op` unless it declares it already.
fn ensure(op: &mut Operation, status: &str) {
    op.responses
        .responses
        .entry(status.to_string())
        .or_insert_with(|| RefOr::T(Response::new(default_description(status))));
}

/// Documents the errors of every operation in `doc` (see the module's comment). `table` gives
/// each route's access.
pub fn document_errors(doc: &mut OpenApi, table: &[RouteInfo]) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let params = path_params(path);
        for (method, op) in operations_mut(item) {
            let declared: Vec<String> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) if p.parameter_in == ParameterIn::Path => Some(p.name.clone()),
                    _ => None,
                })
                .collect();
            for name in params.iter().filter(|n| !declared.iter().any(|d| d == *n)) {
                op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(
                    ParameterBuilder::new()
                        .name(*name)
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                ));
            }
            let access = table
                .iter()
                .find(|r| r.method == method && r.path == *path)
                .map(|r| r.access);
            if let Some(access) = access {
                if access.roles.is_some() {
                    ensure(op, "401");
                }
                if can_forbid(&access) {
                    ensure(op, "403");
                }
            }
            if !params.is_empty() {
                ensure(op, "404");
            }
            let parses_input =
                op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some();
            if parses_input {
                ensure(op, "422");
            }
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                if status.starts_with('2') {
                    continue;
                }
                response.content.clear();
                response
                    .content
                    .insert(PROBLEM_JSON.to_string(), RefOr::T(problem_content()));
                if response.description.is_empty() {
                    response.description = default_description(status).to_string();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_from_the_template() {
        assert_eq!(
            path_params("/api/v1/applications/{id}/steps/{step}"),
            ["id", "step"]
        );
        assert!(path_params("/api/v1/regions").is_empty());
        assert_eq!(path_params("/assets/{*path}"), ["path"]);
    }
}
