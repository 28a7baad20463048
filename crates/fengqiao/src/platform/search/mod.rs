//! The search index of the public register: a tantivy index in `<data_dir>/index/` (in memory
//! for tests), a cache derived from the database and never the source of truth. Each server
//! keeps its own, rebuilt from the database when missing (`fengqiao reindex`) and kept
//! current by following the outbox; the id of the last outbox event applied is committed with
//! the index itself (the commit payload), so a restart resumes where the index stopped.
//!
//! This module knows documents and queries; which rows become documents is the register's
//! business (`register::index`).

mod facets;
pub mod initials;
pub mod tokenizer;
mod top;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use facets::FacetCounts;

/// Bumped when the schema or the tokenizer changes: an index of another version is rebuilt.
const SCHEMA_VERSION: u32 = 5;
/// Memory of the index writer (one thread: the machines have two cores, shared).
const WRITER_MEMORY: usize = 64 << 20;
/// A hit in the name weighs this much more than one in the business scope or purpose.
pub const NAME_BOOST: f32 = 4.0;
/// A query of pinyin initials (`cywh` for 茶叶文化) matching the name's initials: below a hit in
/// the name's own characters (a constant score of this much, against the name's BM25 score times
/// [`NAME_BOOST`]).
pub const INITIALS_BOOST: f32 = 0.5;
/// A query term that is a whole credit code finds that organization first.
const USCC_BOOST: f32 = 20.0;
/// Whole jieba words (3+ characters) of the query rank documents holding the word higher.
const WORD_BONUS: f32 = 0.5;

/// One organization as the index sees it.
#[derive(Debug, Clone)]
pub struct IndexDoc {
    pub id: String,
    pub uscc: Option<String>,
    pub name: String,
    /// Business scope and purpose.
    pub text: String,
    pub org_type: String,
    pub category: String,
    pub status: String,
    pub region_code: String,
    pub registered_on: Option<NaiveDate>,
    /// An evaluation grade in force (1A–5A), if any.
    pub grade: Option<String>,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub uscc: Option<String>,
    pub name: String,
    pub org_type: String,
    pub category: String,
    pub status: String,
    pub region_code: String,
    pub registered_on: Option<String>,
    pub grade: Option<String>,
}

/// A query: free-text terms (all must match) and filters.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub terms: Vec<String>,
    pub org_type: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// An evaluation grade (1A–5A).
    pub grade: Option<String>,
    pub region: Option<codes::RegionCode>,
    pub registered_from: Option<NaiveDate>,
    pub registered_to: Option<NaiveDate>,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct SearchResult {
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: FacetCounts,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    uscc: Field,
    name: Field,
    text: Field,
    org_type: Field,
    category: Field,
    status: Field,
    grade: Field,
    /// Numeric division code, for the region facet.
    region: Field,
    /// The division and every division above it ([`region_terms`]): a region filter is one
    /// term's postings, which the text's postings are intersected with.
    region_path: Field,
    region_code: Field,
    day: Field,
    registered_on: Field,
    sortkey: Field,
    /// Every suffix of the name's pinyin initials ([`initials`]).
    initials: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let zh = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer::NAME)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let f = Fields {
        id: b.add_text_field("id", STRING | STORED),
        uscc: b.add_text_field("uscc", STRING | STORED),
        name: b.add_text_field("name", zh.clone() | STORED),
        text: b.add_text_field("text", zh),
        org_type: b.add_text_field("type", STRING | FAST | STORED),
        category: b.add_text_field("category", STRING | FAST | STORED),
        status: b.add_text_field("status", STRING | FAST | STORED),
        grade: b.add_text_field("grade", STRING | FAST | STORED),
        region: b.add_u64_field("region", FAST),
        region_path: b.add_text_field("region_path", STRING),
        region_code: b.add_text_field("region_code", STORED),
        day: b.add_i64_field("day", INDEXED | FAST),
        registered_on: b.add_text_field("registered_on", STORED),
        sortkey: b.add_text_field("sortkey", STRING | FAST),
        initials: b.add_text_field("initials", STRING),
    };
    (b.build(), f)
}

/// New indexes keep their stored fields (the page of hits shown) in small uncompressed
/// blocks: a page of 20 hits reads 20 documents scattered over the register, and decompressing
/// a 16 KB block for each (tantivy's default) was an eighth of a new question's time.
fn builder(schema: Schema) -> tantivy::IndexBuilder {
    tantivy::IndexBuilder::new()
        .schema(schema)
        .settings(tantivy::IndexSettings {
            docstore_compression: tantivy::store::Compressor::None,
            docstore_blocksize: DOCSTORE_BLOCK,
            ..Default::default()
        })
}

/// Bytes of a block of stored documents (a few documents each).
const DOCSTORE_BLOCK: usize = 1024;

/// A division code as a number of 12 digits (330106 → 330106000000), so that everything inside
/// a region is one range.
pub fn region_number(code: &str) -> u64 {
    format!("{code:0<12}").parse().unwrap_or(0)
}

/// A division code and the divisions above it, as the prefixes that name them: 330106004 →
/// 33, 3301, 330106, 330106004 (a level whose digits are all 0 is not a division of its own:
/// 330100 → 33, 3301).
pub fn region_terms(code: &str) -> Vec<&str> {
    [(0, 2), (2, 4), (4, 6), (6, 9), (9, 12)]
        .into_iter()
        .take_while(|&(_, end)| end <= code.len())
        .filter(|&(start, end)| code[start..end].bytes().any(|b| b != b'0'))
        .map(|(_, end)| &code[..end])
        .collect()
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    f: Fields,
    /// The last outbox id looked at (applied, or of no concern to the index), ahead of the one
    /// committed when recent events changed no document.
    seen: AtomicI64,
    /// Serializes the followers of the outbox (catch-up and rebuild) of this process.
    sync: tokio::sync::Mutex<()>,
    /// Answers of recent queries, dropped whenever the index changes. Public-register traffic
    /// repeats itself (the same names and words searched again and again), and an answer costs
    /// a scan of every match for the facets; a repeated query costs a hash lookup instead.
    cache: Mutex<lru::LruCache<String, Arc<SearchResult>>>,
    /// The facet columns of each segment as dense arrays.
    segment_tables: Arc<facets::SegmentTables>,
    /// Searches computed at once: two a core (one runs while the other's blocking thread is
    /// woken). A search is pure CPU; fifty of them on fifty blocking threads share two cores
    /// by the scheduler's time slices, and a short one preempted waits behind the slices of all
    /// the others (p99 3–4× p50, 18 ms in one run). Queued here they are served in turn (p99
    /// 11–13 ms in four runs, for ~15 % less throughput).
    computing: tokio::sync::Semaphore,
}

/// Answers kept in the query cache (a few MB at most: a page of 20 hits and the facets each).
pub const QUERY_CACHE_ENTRIES: usize = 4096;

/// The handle to the index. Cheap to clone. Its methods block: call them from
/// `spawn_blocking` in async code.
#[derive(Clone)]
pub struct SearchIndex(Arc<Inner>);

impl SearchIndex {
    /// An index in memory (tests, and a state that has not opened its directory).
    pub fn in_ram() -> SearchIndex {
        let (schema, f) = schema();
        let index = builder(schema)
            .create_in_ram()
            .expect("an index in memory is created");
        Self::from_index(index, f).expect("an index in memory opens")
    }

    /// Opens (or creates) the index in `dir`; an index of another schema is replaced by an
    /// empty one, which the caller then rebuilds.
    pub fn open(dir: &Path) -> anyhow::Result<SearchIndex> {
        std::fs::create_dir_all(dir)?;
        let (schema, f) = schema();
        let index = match builder(schema.clone()).open_or_create(MmapDirectory::open(dir)?) {
            Ok(index) => index,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "search index of another schema: replaced");
                std::fs::remove_dir_all(dir)?;
                std::fs::create_dir_all(dir)?;
                builder(schema).create_in_dir(dir)?
            }
        };
        Self::from_index(index, f)
    }

    fn from_index(index: Index, f: Fields) -> anyhow::Result<SearchIndex> {
        index
            .tokenizers()
            .register(tokenizer::NAME, tokenizer::ZhTokenizer);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let me = SearchIndex(Arc::new(Inner {
            index,
            reader,
            writer: Mutex::new(None),
            f,
            seen: AtomicI64::new(0),
            sync: tokio::sync::Mutex::new(()),
            cache: Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(QUERY_CACHE_ENTRIES).expect("non-zero"),
            )),
            segment_tables: Arc::default(),
            computing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(4, |n| 2 * n.get()),
            ),
        }));
        me.0.seen
            .store(me.applied_outbox_id().unwrap_or(0), Ordering::SeqCst);
        me.after_reload();
        Ok(me)
    }

    /// The lock the followers of the outbox hold while they change the index.
    pub fn sync_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.0.sync
    }

    /// The outbox id the committed index reflects; `None` for a new index or one of another
    /// schema version (to be rebuilt).
    pub fn applied_outbox_id(&self) -> Option<i64> {
        let payload = self.0.index.load_metas().ok()?.payload?;
        let v: serde_json::Value = serde_json::from_str(&payload).ok()?;
        (v["schema"].as_u64() == Some(u64::from(SCHEMA_VERSION)))
            .then(|| v["outbox_id"].as_i64())
            .flatten()
    }

    /// The last outbox id looked at.
    pub fn seen_outbox_id(&self) -> i64 {
        self.0.seen.load(Ordering::SeqCst)
    }

    /// Notes that events up to `id` concern no document (nothing to commit).
    pub fn mark_seen(&self, id: i64) {
        self.0.seen.fetch_max(id, Ordering::SeqCst);
    }

    pub fn num_docs(&self) -> u64 {
        self.0.reader.searcher().num_docs()
    }

    fn with_writer<R>(
        &self,
        f: impl FnOnce(&mut IndexWriter, &Fields) -> tantivy::Result<R>,
    ) -> anyhow::Result<R> {
        let mut guard = self
            .0
            .writer
            .lock()
            .map_err(|_| anyhow::anyhow!("search index writer poisoned"))?;
        if guard.is_none() {
            let w = self
                .0
                .index
                .writer_with_num_threads(1, WRITER_MEMORY)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => anyhow::anyhow!(
                        "the search index is in use by another process (a running server?): {e}"
                    ),
                    e => e.into(),
                })?;
            *guard = Some(w);
        }
        let w = guard.as_mut().expect("writer just made");
        Ok(f(w, &self.0.f)?)
    }

    /// Removes every document (takes effect at the next commit).
    pub fn clear(&self) -> anyhow::Result<()> {
        self.with_writer(|w, _| w.delete_all_documents().map(|_| ()))
    }

    /// Adds or replaces documents (by id; takes effect at the next commit).
    pub fn upsert(&self, docs: &[IndexDoc]) -> anyhow::Result<()> {
        self.with_writer(|w, f| {
            for d in docs {
                w.delete_term(Term::from_field_text(f.id, &d.id));
                w.add_document(to_document(f, d))?;
            }
            Ok(())
        })
    }

    /// Removes documents by id (takes effect at the next commit).
    pub fn delete(&self, ids: &[String]) -> anyhow::Result<()> {
        self.with_writer(|w, f| {
            for id in ids {
                w.delete_term(Term::from_field_text(f.id, id));
            }
            Ok(())
        })
    }

    /// Commits the pending changes as the state after outbox event `outbox_id`, and makes them
    /// visible to searches.
    pub fn commit(&self, outbox_id: i64) -> anyhow::Result<()> {
        let payload = serde_json::json!({"schema": SCHEMA_VERSION, "outbox_id": outbox_id});
        self.with_writer(|w, _| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&payload.to_string());
            prepared.commit().map(|_| ())
        })?;
        self.0.reader.reload()?;
        self.after_reload();
        self.0.seen.store(outbox_id, Ordering::SeqCst);
        Ok(())
    }

    /// Merges the committed segments into one (after a rebuild): each segment costs every
    /// question its own term lookups and its own page of candidates.
    pub fn compact(&self) -> anyhow::Result<()> {
        let ids = self.0.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            self.with_writer(|w, _| w.merge(&ids).wait().map(|_| ()))?;
            self.0.reader.reload()?;
            self.after_reload();
        }
        Ok(())
    }

    /// After the reader moved to new segments: cached answers dropped, the tables of segments
    /// gone forgotten and those of new ones read now (not by the first question to come).
    fn after_reload(&self) {
        self.cache().clear();
        let searcher = self.0.reader.searcher();
        let live: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        self.0.segment_tables.retain(&live);
        for reader in searcher.segment_readers() {
            if let Err(e) = self.0.segment_tables.warm(reader) {
                tracing::warn!(error = %e, "search index: segment tables not read ahead");
            }
        }
    }

    /// Drops pending changes (after a failed rebuild).
    pub fn rollback(&self) -> anyhow::Result<()> {
        self.with_writer(|w, _| w.rollback().map(|_| ()))
    }

    /// Runs a query: the page of hits in a stable order (score, then credit code, then name),
    /// the number of matches and the facet counts over all of them.
    pub fn search(&self, req: &SearchRequest) -> anyhow::Result<Arc<SearchResult>> {
        if let Some(hit) = self.cached(req) {
            return Ok(hit);
        }
        let result = Arc::new(self.search_uncached(req)?);
        self.cache().put(cache_key(req), result.clone());
        Ok(result)
    }

    /// Waits for a turn to compute an answer (see `computing`); hold it while searching.
    pub async fn turn(&self) -> tokio::sync::SemaphorePermit<'_> {
        self.0
            .computing
            .acquire()
            .await
            .expect("the search semaphore is never closed")
    }

    /// The answer of a request asked since the index last changed, if it is still cached (does
    /// not block: async code asks here before going to a blocking thread).
    pub fn cached(&self, req: &SearchRequest) -> Option<Arc<SearchResult>> {
        self.cache().get(&cache_key(req)).cloned()
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, lru::LruCache<String, Arc<SearchResult>>> {
        // A poisoned cache is only a cache: take it over.
        self.0.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The query run against the index, without the cache (benchmarks compare the two).
    pub fn search_uncached(&self, req: &SearchRequest) -> anyhow::Result<SearchResult> {
        let f = self.0.f;
        let query = build_query(&f, req);
        let searcher = self.0.reader.searcher();
        let top = top::TopHits::new(req.offset, req.limit.max(1), self.0.segment_tables.clone());
        let facets = facets::Facets::new(
            facet_digits(req.region.as_ref()),
            self.0.segment_tables.clone(),
        );
        let (top, counts) = searcher.search(&*query, &(top, facets))?;
        let mut hits = Vec::with_capacity(top.len());
        for hit in top.into_iter().take(req.limit) {
            let doc: TantivyDocument = searcher.doc(hit.addr)?;
            let s = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            hits.push(Hit {
                uscc: s(f.uscc).filter(|u| !u.is_empty()),
                name: s(f.name).unwrap_or_default(),
                org_type: s(f.org_type).unwrap_or_default(),
                category: s(f.category).unwrap_or_default(),
                status: s(f.status).unwrap_or_default(),
                region_code: s(f.region_code).unwrap_or_default(),
                registered_on: s(f.registered_on).filter(|d| !d.is_empty()),
                grade: s(f.grade).filter(|g| !g.is_empty()),
            });
        }
        Ok(SearchResult {
            total: counts.total,
            hits,
            facets: counts,
        })
    }
}

/// The request's fields in a fixed order: equal requests, equal keys.
fn cache_key(req: &SearchRequest) -> String {
    format!("{req:?}")
}

/// Digits of the region facet: the level below the region filter (cities for the province).
fn facet_digits(region: Option<&codes::RegionCode>) -> usize {
    match region.map(|r| r.significant_prefix().len()) {
        None | Some(2) => 4,
        Some(4) => 6,
        Some(6) => 9,
        _ => 12,
    }
}

fn to_document(f: &Fields, d: &IndexDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &d.id);
    doc.add_text(f.uscc, d.uscc.as_deref().unwrap_or(""));
    doc.add_text(f.name, &d.name);
    doc.add_text(f.text, &d.text);
    doc.add_text(f.org_type, &d.org_type);
    doc.add_text(f.category, &d.category);
    doc.add_text(f.status, &d.status);
    if let Some(g) = &d.grade {
        doc.add_text(f.grade, g);
    }
    doc.add_u64(f.region, region_number(&d.region_code));
    for t in region_terms(&d.region_code) {
        doc.add_text(f.region_path, t);
    }
    doc.add_text(f.region_code, &d.region_code);
    if let Some(day) = d.registered_on {
        doc.add_i64(f.day, day_number(day));
        doc.add_text(f.registered_on, day.format("%Y-%m-%d").to_string());
    }
    // Organizations with a code first, in code order; those without (filed only) by name.
    let sortkey = match &d.uscc {
        Some(u) if !u.is_empty() => format!("0{u}\u{1}{}\u{1}{}", d.name, d.id),
        _ => format!("1{}\u{1}{}", d.name, d.id),
    };
    doc.add_text(f.sortkey, sortkey);
    let initials = initials::of(&d.name);
    for s in initials::suffixes(&initials) {
        doc.add_text(f.initials, s);
    }
    doc
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn filter(q: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
}

/// The filters of a request (type, category, status, region, registration dates), each a
/// constant-score clause that adds nothing to the score.
fn filter_clauses(f: &Fields, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
    let mut clauses = Vec::new();
    for (field, value) in [
        (f.org_type, &req.org_type),
        (f.category, &req.category),
        (f.status, &req.status),
        (f.grade, &req.grade),
    ] {
        if let Some(v) = value {
            clauses.push(filter(term_query(field, v)));
        }
    }
    if let Some(region) = &req.region
        && let Some(deepest) = region_terms(region.as_str()).last()
    {
        clauses.push(filter(term_query(f.region_path, deepest)));
    }
    if req.registered_from.is_some() || req.registered_to.is_some() {
        let bound = |d: Option<NaiveDate>| match d {
            Some(d) => Bound::Included(Term::from_field_i64(f.day, day_number(d))),
            None => Bound::Unbounded,
        };
        clauses.push(filter(Box::new(RangeQuery::new(
            bound(req.registered_from),
            bound(req.registered_to),
        ))));
    }
    clauses
}

/// `q` restricted by the filters. The filters go inside every alternative of a term, not only
/// around the whole query: a union (name OR business scope) that a sparse filter seeks into
/// refills a window of thousands of documents per seek, while each alternative intersected
/// with the filter first stays as sparse as the filter (a county's questions cost 2–5× less).
fn filtered(q: Box<dyn Query>, filters: &[(Occur, Box<dyn Query>)]) -> Box<dyn Query> {
    if filters.is_empty() {
        return q;
    }
    let mut all = vec![(Occur::Must, q)];
    all.extend(filters.iter().map(|(o, c)| (*o, c.box_clone())));
    Box::new(BooleanQuery::new(all))
}

fn build_query(f: &Fields, req: &SearchRequest) -> Box<dyn Query> {
    let filters = filter_clauses(f, req);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &req.terms {
        let qt = tokenizer::query_term(term);
        // The term matches when one field holds all its pieces, or when it is the credit code.
        let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !qt.required.is_empty() {
            for (field, boost) in [(f.name, NAME_BOOST), (f.text, 1.0)] {
                let all: Vec<(Occur, Box<dyn Query>)> = qt
                    .required
                    .iter()
                    .map(|t| (Occur::Must, term_query(field, t)))
                    .collect();
                alternatives.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        filtered(Box::new(BooleanQuery::new(all)), &filters),
                        boost,
                    )),
                ));
            }
        }
        let upper = term.trim().to_uppercase();
        if upper.len() == 18 && upper.chars().all(|c| c.is_ascii_alphanumeric()) {
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    filtered(term_query(f.uscc, &upper), &filters),
                    USCC_BOOST,
                )),
            ));
        }
        if let Some(q) = initials::query(term) {
            let upto = format!("{q}\u{10FFFF}");
            let prefix = RangeQuery::new(
                Bound::Included(Term::from_field_text(f.initials, &q)),
                Bound::Excluded(Term::from_field_text(f.initials, &upto)),
            );
            alternatives.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    filtered(Box::new(prefix), &filters),
                    INITIALS_BOOST,
                )),
            ));
        }
        if alternatives.is_empty() {
            continue; // punctuation only
        }
        let mut one: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(alternatives)))];
        for word in &qt.bonus {
            for (field, boost) in [(f.name, NAME_BOOST * WORD_BONUS), (f.text, WORD_BONUS)] {
                one.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term_query(field, word), boost)),
                ));
            }
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(one))));
    }
    if clauses.is_empty() {
        // No words (or punctuation only): the filters alone, or everything.
        return if filters.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(filters))
        };
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Facet counts as maps (for JSON).
pub type Counts = BTreeMap<String, u64>;

#[cfg(test)]
mod tests;
