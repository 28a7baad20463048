use super::*;

fn doc(id: &str, uscc: Option<&str>, name: &str, text: &str, region: &str) -> IndexDoc {
    IndexDoc {
        id: id.into(),
        uscc: uscc.map(str::to_owned),
        name: name.into(),
        text: text.into(),
        org_type: "social_group".into(),
        category: "other".into(),
        status: "registered".into(),
        region_code: region.into(),
        registered_on: NaiveDate::from_ymd_opt(2020, 1, 1),
        grade: None,
    }
}

fn index() -> SearchIndex {
    let ix = SearchIndex::in_ram();
    ix.upsert(&[
        doc(
            "1",
            Some("A1"),
            "杭州市西湖区茶叶产业协会",
            "茶叶种植技术推广",
            "330106",
        ),
        doc(
            "2",
            Some("A2"),
            "滨江区居家养老服务中心",
            "为老年人提供助餐服务",
            "330108",
        ),
        doc(
            "3",
            Some("A3"),
            "西溪社区读书会",
            "组织居民读书，关爱养老院老人",
            "330106004",
        ),
        doc("4", None, "钱塘志愿者协会", "环境保护", "330114"),
    ])
    .unwrap();
    ix.commit(7).unwrap();
    ix
}

fn names(ix: &SearchIndex, q: &str) -> Vec<String> {
    let req = SearchRequest {
        terms: q.split_whitespace().map(str::to_owned).collect(),
        limit: 10,
        ..Default::default()
    };
    ix.search(&req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.name.clone())
        .collect()
}

#[test]
fn one_character_part_of_a_word_and_all_terms() {
    let ix = index();
    assert_eq!(ix.applied_outbox_id(), Some(7));
    assert_eq!(names(&ix, "茶"), ["杭州市西湖区茶叶产业协会"]);
    assert_eq!(names(&ix, "产业"), ["杭州市西湖区茶叶产业协会"]);
    assert_eq!(names(&ix, "协会 西湖"), ["杭州市西湖区茶叶产业协会"]);
    assert!(names(&ix, "协会 养老").is_empty());
    // A hit in the name ranks above one in the business scope.
    assert_eq!(
        names(&ix, "养老"),
        ["滨江区居家养老服务中心", "西溪社区读书会"]
    );
    assert_eq!(names(&ix, "ａ").len(), 0);
}

#[test]
fn filters_facets_and_stable_order() {
    let ix = index();
    let region = codes::RegionCode::parse("330106").unwrap();
    let req = SearchRequest {
        region: Some(region),
        limit: 10,
        ..Default::default()
    };
    let r = ix.search(&req).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.facets.region.get("330106"), Some(&1));
    assert_eq!(r.facets.region.get("330106004"), Some(&1));
    let all = SearchRequest {
        limit: 10,
        ..Default::default()
    };
    let r = ix.search(&all).unwrap();
    assert_eq!(r.facets.region.get("330100"), Some(&4));
    let order: Vec<_> = r.hits.iter().map(|h| h.uscc.clone()).collect();
    assert_eq!(
        order,
        [
            Some("A1".into()),
            Some("A2".into()),
            Some("A3".into()),
            None
        ]
    );
    // Replacing a document keeps one copy.
    ix.upsert(&[doc("4", None, "钱塘环保协会", "", "330114")])
        .unwrap();
    ix.commit(8).unwrap();
    assert_eq!(ix.num_docs(), 4);
    assert_eq!(names(&ix, "环保"), ["钱塘环保协会"]);
}

#[test]
fn a_cached_answer_is_dropped_when_the_index_changes() {
    let ix = index();
    let req = SearchRequest {
        terms: vec!["茶".into()],
        limit: 10,
        ..Default::default()
    };
    let first = ix.search(&req).unwrap();
    assert_eq!(first.total, 1);
    assert!(
        Arc::ptr_eq(&first, &ix.cached(&req).unwrap()),
        "asked again: the cached answer"
    );
    ix.upsert(&[doc("5", Some("A5"), "龙井茶文化研究会", "茶文化", "330106")])
        .unwrap();
    ix.commit(8).unwrap();
    assert!(ix.cached(&req).is_none());
    assert_eq!(ix.search(&req).unwrap().total, 2);
    // Another page or filter is another answer.
    let other = SearchRequest {
        offset: 1,
        ..req.clone()
    };
    assert!(ix.cached(&other).is_none());
}

#[test]
fn pinyin_initials_find_a_name_and_rank_below_a_name_hit() {
    let ix = SearchIndex::in_ram();
    ix.upsert(&[
        doc(
            "1",
            Some("B1"),
            "西湖区茶叶文化研究会",
            "茶文化交流",
            "330106",
        ),
        // The letters typed are in this name itself: a name hit.
        doc("2", Some("B2"), "CYWH青年读书会", "阅读推广", "330106"),
        doc("3", Some("B3"), "滨江区居家养老服务中心", "助餐", "330108"),
    ])
    .unwrap();
    ix.commit(1).unwrap();
    let both = ["CYWH青年读书会", "西湖区茶叶文化研究会"];
    assert_eq!(names(&ix, "cywh"), both);
    assert_eq!(names(&ix, "CYWH"), both);
    // Initials from the start of the name or from inside it.
    assert_eq!(names(&ix, "xhqcy"), ["西湖区茶叶文化研究会"]);
    assert_eq!(names(&ix, "jjyl"), ["滨江区居家养老服务中心"]);
    assert!(names(&ix, "zzzz").is_empty());
    // Every term must match: initials and characters together.
    assert_eq!(names(&ix, "cywh 西湖"), ["西湖区茶叶文化研究会"]);
    // One letter is not taken as initials.
    assert!(names(&ix, "j").is_empty());
}

#[test]
fn region_terms_name_the_division_and_those_above() {
    assert_eq!(
        region_terms("330106004"),
        ["33", "3301", "330106", "330106004"]
    );
    assert_eq!(region_terms("330100"), ["33", "3301"]);
    assert_eq!(region_terms("330000"), ["33"]);
    assert_eq!(
        region_terms("330106004000"),
        ["33", "3301", "330106", "330106004"]
    );
    assert_eq!(
        region_terms("330106004001"),
        ["33", "3301", "330106", "330106004", "330106004001"]
    );
}

#[test]
fn equal_scores_are_ordered_by_credit_code_across_segments_and_pages() {
    let ix = SearchIndex::in_ram();
    // Same name and text: equal scores. Two commits: two segments.
    ix.upsert(&[
        doc("c", Some("C3"), "同名读书会", "读书", "330106"),
        doc("a", Some("A1"), "同名读书会", "读书", "330106"),
        doc("n", None, "同名读书会", "读书", "330106"),
    ])
    .unwrap();
    ix.commit(1).unwrap();
    ix.upsert(&[doc("b", Some("B2"), "同名读书会", "读书", "330106")])
        .unwrap();
    ix.commit(2).unwrap();
    assert!(ix.0.reader.searcher().segment_readers().len() >= 2);
    let page = |offset, limit| {
        let req = SearchRequest {
            terms: vec!["读书会".into()],
            offset,
            limit,
            ..Default::default()
        };
        ix.search_uncached(&req)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.uscc.unwrap_or_else(|| "-".into()))
            .collect::<Vec<_>>()
    };
    // Codes in order, then the one without a code.
    assert_eq!(page(0, 10), ["A1", "B2", "C3", "-"]);
    assert_eq!(page(0, 2), ["A1", "B2"]);
    assert_eq!(page(2, 2), ["C3", "-"]);
    assert_eq!(page(1, 1), ["B2"]);
    // Merged into one segment: the same order.
    ix.compact().unwrap();
    assert_eq!(ix.0.reader.searcher().segment_readers().len(), 1);
    assert_eq!(page(0, 10), ["A1", "B2", "C3", "-"]);
    assert_eq!(page(2, 2), ["C3", "-"]);
}
