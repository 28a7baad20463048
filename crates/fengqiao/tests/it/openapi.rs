//! The OpenAPI document says what the API does (issue 15): each module's operations refer to
//! their own schemas, every error answer is problem+json, and every operation documents the
//! errors the platform gives around it (401, 403, 404, 422).

use std::collections::{BTreeMap, BTreeSet};

use reqwest::StatusCode;
use serde_json::Value;

use crate::{TestApp, each_backend};

/// Schemas that operations of several modules refer to on purpose.
const SHARED: &[&str] = &["Problem"];

/// The schema names `v` refers to (`$ref`), directly.
fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.insert(r.trim_start_matches("#/components/schemas/").to_string());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

/// The schema names an operation refers to, through the components too.
fn closure(op: &Value, schemas: &Value) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = BTreeSet::new();
    refs(op, &mut todo);
    while let Some(name) = todo.pop_first() {
        if seen.insert(name.clone()) {
            let mut more = BTreeSet::new();
            refs(&schemas[&name], &mut more);
            todo.extend(more.into_iter().filter(|n| !seen.contains(n)));
        }
    }
    seen
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                out.push((path.clone(), method.to_uppercase(), op.clone()));
            }
        }
    }
    out
}

#[test]
fn no_two_types_share_a_schema_name_and_each_module_refers_to_its_own() {
    // One definition per name: two different types under one name are the bug (charity's
    // `Application` replaced the registry's, or the other way round).
    let mut defs: BTreeMap<String, Vec<(Vec<String>, Value)>> = BTreeMap::new();
    for d in fengqiao::app::schema_definitions() {
        defs.entry(d.name).or_default().push((d.tags, d.schema));
    }
    let clashes: Vec<String> = defs
        .iter()
        .filter(|(_, v)| v.iter().any(|(_, s)| *s != v[0].1))
        .map(|(name, v)| {
            let tags: BTreeSet<&String> = v.iter().flat_map(|(t, _)| t).collect();
            format!("{name} (declared by {tags:?})")
        })
        .collect();
    assert!(clashes.is_empty(), "one name, several types: {clashes:?}");

    // Operations of different modules share only the schemas meant to be shared.
    let doc = serde_json::to_value(fengqiao::app::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, method, op) in operations(&doc) {
        let tag = op["tags"][0].as_str().unwrap_or("").to_string();
        for name in closure(&op, schemas) {
            assert!(
                schemas[&name].is_object(),
                "{method} {path} refers to {name}, which is not in the document"
            );
            users.entry(name).or_default().insert(tag.clone());
        }
    }
    let shared: Vec<String> = users
        .iter()
        .filter(|(name, tags)| tags.len() > 1 && !SHARED.contains(&name.as_str()))
        .map(|(name, tags)| format!("{name} used by {tags:?}"))
        .collect();
    assert!(
        shared.is_empty(),
        "schemas shared across modules: {shared:?}"
    );
}

#[test]
fn every_operation_documents_its_errors_as_problem_json() {
    let doc = serde_json::to_value(fengqiao::app::openapi()).unwrap();
    let table = fengqiao::app::route_table();
    let mut missing = Vec::new();
    for (path, method, op) in operations(&doc) {
        let responses = op["responses"].as_object().unwrap();
        for (status, r) in responses {
            if status.starts_with('2') {
                continue;
            }
            let content = r["content"].as_object().cloned().unwrap_or_default();
            let types: Vec<&String> = content.keys().collect();
            assert_eq!(
                types,
                ["application/problem+json"],
                "{method} {path} {status}: {r}"
            );
            assert_eq!(
                content["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{method} {path} {status}"
            );
        }
        let has = |s: &str| responses.contains_key(s);
        let route = table
            .iter()
            .find(|r| r.path == path && r.method == method)
            .unwrap_or_else(|| panic!("{method} {path} is not in the route table"));
        let needs = |s: &str, why: &str, missing: &mut Vec<String>| {
            if !has(s) {
                missing.push(format!("{method} {path}: {s} ({why})"));
            }
        };
        if path.contains('{') {
            needs("404", "a path id is resolved", &mut missing);
            needs("422", "a path parameter is parsed", &mut missing);
        }
        if op.get("requestBody").is_some()
            || op["parameters"].as_array().is_some_and(|p| !p.is_empty())
        {
            needs("422", "input is parsed", &mut missing);
        }
        if route.access.roles.is_some() {
            needs("401", "login is required", &mut missing);
        }
        let limited = route
            .access
            .roles
            .is_some_and(|r| r.len() < fengqiao::platform::auth::Role::ALL.len());
        if limited {
            needs("403", "roles are limited", &mut missing);
        }
    }
    assert!(
        missing.is_empty(),
        "undocumented answers:\n{}",
        missing.join("\n")
    );
}

/// The document the server serves is the one checked above.
#[tokio::test]
async fn the_served_document_is_the_checked_one() {
    each_backend(|app: TestApp| async move {
        let (s, served) = app.get_as(None, "/api/openapi.json").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            served,
            serde_json::to_value(fengqiao::app::openapi()).unwrap()
        );
        app
    })
    .await;
}
