//! HTML pages of the public register: search with filters, facets and paging (no script
//! needed), the CSV export, and the import upload for provincial officers.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;

use super::api::{self, OrgPage};
use super::import::ImportReport;
use super::model::{self, RegisterQuery};
use crate::platform::auth::Actor;
use crate::platform::i18n::Lang;
use crate::platform::web::{PageCtx, render};
use crate::platform::{AppError, AppResult, AppState};

/// A value of a facet as a link that narrows the search to it.
pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub key: &'static str,
    pub title: String,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "directory/search.html")]
pub struct SearchPage {
    pub ctx: PageCtx,
    pub q: RegisterQuery,
    pub page: Option<OrgPage>,
    pub error: Option<(String, String)>,
    pub facets: Vec<FacetGroup>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub page_no: usize,
    pub csv_href: String,
}

impl SearchPage {
    pub fn v(&self, value: &Option<String>) -> String {
        value.clone().unwrap_or_default()
    }

    pub fn label(&self, list: &str, key: &str) -> String {
        self.ctx.t(&format!("register.{list}.{key}"))
    }

    pub fn selected(&self, value: &Option<String>, key: &str) -> bool {
        value.as_deref() == Some(key)
    }

    pub fn types(&self) -> Vec<&'static str> {
        model::TYPES.iter().map(|c| c.key).collect()
    }

    pub fn categories(&self) -> Vec<&'static str> {
        model::CATEGORIES.iter().map(|c| c.key).collect()
    }

    pub fn statuses(&self) -> Vec<&'static str> {
        model::STATUSES.iter().map(|c| c.key).collect()
    }

    pub fn grades(&self) -> Vec<&'static str> {
        model::GRADES.iter().map(|c| c.key).collect()
    }
}

/// `/register?…` with `key` set to `value` (`None`: removed); the page is reset.
fn href(q: &RegisterQuery, key: &str, value: Option<&str>) -> String {
    let mut q = q.clone();
    q.page = None;
    q.format = None;
    let slot = match key {
        "type" => &mut q.org_type,
        "category" => &mut q.category,
        "status" => &mut q.status,
        "grade" => &mut q.grade,
        "region" => &mut q.region,
        _ => &mut q.page,
    };
    *slot = value.map(str::to_owned);
    query_string("/register", &q)
}

fn query_string(path: &str, q: &RegisterQuery) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("q", &q.q),
        ("type", &q.org_type),
        ("category", &q.category),
        ("region", &q.region),
        ("status", &q.status),
        ("grade", &q.grade),
        ("registered_from", &q.registered_from),
        ("registered_to", &q.registered_to),
        ("per_page", &q.per_page),
        ("page", &q.page),
        ("format", &q.format),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            s.append_pair(k, v);
        }
    }
    let s = s.finish();
    if s.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{s}")
    }
}

fn message(ctx: &PageCtx, e: &AppError) -> Option<(String, String)> {
    match e {
        AppError::Invalid { field, message, .. } => {
            Some((field.clone(), message.in_lang(ctx.lang)))
        }
        _ => None,
    }
}

/// `GET /register`: the public register.
pub async fn search_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let req = model::search_request(&q, false);
    let page_no = q
        .page
        .as_deref()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1usize);
    let csv_href = query_string(
        "/register.csv",
        &RegisterQuery {
            page: None,
            per_page: None,
            ..q.clone()
        },
    );
    let mut page = SearchPage {
        ctx,
        q,
        page: None,
        error: None,
        facets: Vec::new(),
        prev_href: None,
        next_href: None,
        page_no,
        csv_href,
    };
    let req = match req {
        Ok(r) => r,
        Err(e) => {
            page.error = message(&page.ctx, &e);
            let mut resp = render(&page);
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(resp);
        }
    };
    let (offset, limit) = (req.offset, req.limit);
    let result = OrgPage::from(api::search(&state, req).await?);
    let codes: Vec<String> = result.facets.region.keys().cloned().collect();
    let names = super::store::region_names(&state.db, &codes).await?;
    let name_of = |c: &str| {
        names
            .iter()
            .find(|(k, _)| k == c)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| c.to_string())
    };
    let q = &page.q;
    let mut groups = Vec::new();
    for (key, list, counts) in [
        ("type", "type", &result.facets.org_type),
        ("category", "category", &result.facets.category),
        ("status", "status", &result.facets.status),
        ("grade", "grade", &result.facets.grade),
    ] {
        let current = match key {
            "type" => model::choice(model::TYPES, q.org_type.as_deref().unwrap_or("")),
            "category" => model::choice(model::CATEGORIES, q.category.as_deref().unwrap_or("")),
            "grade" => model::choice(model::GRADES, q.grade.as_deref().unwrap_or("")),
            _ => model::choice(model::STATUSES, q.status.as_deref().unwrap_or("")),
        };
        let links = counts
            .iter()
            .map(|(v, n)| FacetLink {
                // Grades are written alike in both languages (5A … 1A).
                label: if key == "grade" {
                    v.clone()
                } else {
                    page.ctx.t(&format!("register.{list}.{v}"))
                },
                count: *n,
                href: href(q, key, Some(v)),
                active: current == Some(v.as_str()),
            })
            .collect();
        groups.push(FacetGroup {
            key,
            title: page.ctx.t(&format!("register.facet.{key}")),
            links,
        });
    }
    let links = result
        .facets
        .region
        .iter()
        .map(|(code, n)| FacetLink {
            label: name_of(code),
            count: *n,
            href: href(q, "region", Some(code)),
            active: false,
        })
        .collect();
    groups.push(FacetGroup {
        key: "region",
        title: page.ctx.t("register.facet.region"),
        links,
    });
    let at_page = |p: usize| {
        let mut q = q.clone();
        q.page = Some(p.to_string());
        q.format = None;
        query_string("/register", &q)
    };
    page.prev_href = (page_no > 1).then(|| at_page(page_no - 1));
    page.next_href = ((offset + limit) < (result.total as usize).min(model::MAX_WINDOW))
        .then(|| at_page(page_no + 1));
    page.facets = groups;
    page.page = Some(result);
    Ok(render(&page))
}

/// `GET /register.csv`: every match of the query as CSV.
pub async fn export_csv(
    State(state): State<AppState>,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let req = model::search_request(&q, true)?;
    let result = api::search(&state, req).await?;
    api::csv_response(&result.hits)
}

#[derive(Template)]
#[template(path = "directory/import.html")]
pub struct ImportPage {
    pub ctx: PageCtx,
    pub report: Option<ImportReport>,
    pub skip_bad: bool,
    pub error: Option<(String, String)>,
}

impl ImportPage {
    pub fn reason(&self, zh: &str, en: &str) -> String {
        match self.ctx.lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }
}

/// `GET /register/import`: the upload form.
pub async fn import_form(ctx: PageCtx) -> Response {
    render(&ImportPage {
        ctx,
        report: None,
        skip_bad: false,
        error: None,
    })
}

/// `POST /register/import`: a multipart upload (`file`, `skip_bad`); the CSRF token comes in
/// the query string (`?_csrf=`), as a multipart body is not read by the CSRF check.
pub async fn import_upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    actor: Actor,
    mut form: Multipart,
) -> AppResult<Response> {
    let mut bytes = Vec::new();
    let mut skip_bad = false;
    while let Some(field) = form.next_field().await.map_err(|e| {
        AppError::invalid(
            "file",
            "import.upload",
            format!("上传失败：{e}"),
            format!("The upload failed: {e}"),
        )
    })? {
        match field.name() {
            Some("file") => {
                bytes = field
                    .bytes()
                    .await
                    .map_err(|e| {
                        AppError::invalid(
                            "file",
                            "import.upload",
                            format!("上传失败：{e}"),
                            format!("The upload failed: {e}"),
                        )
                    })?
                    .to_vec()
            }
            Some("skip_bad") => skip_bad = true,
            _ => {}
        }
    }
    let result = if bytes.is_empty() {
        Err(AppError::invalid(
            "file",
            "import.empty",
            "请选择要导入的文件",
            "Choose a file to import",
        ))
    } else {
        super::import::import_organizations(&state.db, state.clock.now(), &actor, &bytes, skip_bad)
            .await
    };
    match result {
        Ok(report) => {
            if report.imported > 0 {
                super::index::catch_up(&state.db, &state.search).await?;
            }
            let status = if report.bad.is_empty() || report.imported > 0 {
                axum::http::StatusCode::OK
            } else {
                axum::http::StatusCode::UNPROCESSABLE_ENTITY
            };
            let mut resp = render(&ImportPage {
                ctx,
                report: Some(report),
                skip_bad,
                error: None,
            });
            *resp.status_mut() = status;
            Ok(resp)
        }
        Err(e @ AppError::Invalid { .. }) => {
            let error = message(&ctx, &e);
            let mut resp = render(&ImportPage {
                ctx,
                report: None,
                skip_bad,
                error,
            });
            *resp.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}
