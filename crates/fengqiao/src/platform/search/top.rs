//! The page of hits: the best `offset + limit` matches by score, ties broken by the sort key
//! (credit code, then name, then id), so that the order is stable.
//!
//! Written here rather than with tantivy's `TopDocs::order_by((score, SortByString))`, which
//! turns the sort key of every candidate of every segment into a string (a dictionary lookup
//! each: a sixth of a new question's time at page 10). Within a segment the key's term
//! ordinal orders as its string does, so candidates carry ordinals, and strings are looked up
//! only to order equal scores from different segments.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::facets::{SegmentTable, SegmentTables};

/// One candidate: its score, its sort key's ordinal in its segment, and where it is.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub score: Score,
    ord: u32,
    pub addr: DocAddress,
}

/// Better first: higher score, then lower sort key (within one segment).
fn in_segment(a: &Candidate, b: &Candidate) -> Ordering {
    b.score.total_cmp(&a.score).then(a.ord.cmp(&b.ord))
}

pub struct TopHits {
    offset: usize,
    limit: usize,
    tables: Arc<SegmentTables>,
}

impl TopHits {
    pub fn new(offset: usize, limit: usize, tables: Arc<SegmentTables>) -> TopHits {
        TopHits {
            offset,
            limit,
            tables,
        }
    }
}

pub struct SegmentTop {
    segment: SegmentOrdinal,
    table: Arc<SegmentTable>,
    /// How many to keep.
    keep: usize,
    buffer: Vec<Candidate>,
    /// The worst candidate kept at the last truncation: anything not better is dropped.
    threshold: Option<Candidate>,
}

impl SegmentTop {
    /// Keeps the best `keep` of the buffer (an O(n) selection, when it holds 2×keep).
    fn truncate(&mut self) {
        if self.keep == 0 {
            self.buffer.clear();
            return;
        }
        if self.buffer.len() > self.keep {
            self.buffer
                .select_nth_unstable_by(self.keep - 1, in_segment);
            self.buffer.truncate(self.keep);
        }
        self.threshold = self.buffer.iter().copied().max_by(in_segment);
    }
}

/// A segment's kept candidates, best first, with its table (to look up sort keys).
pub struct SegmentFruit {
    candidates: Vec<Candidate>,
    table: Arc<SegmentTable>,
}

impl Collector for TopHits {
    type Fruit = Vec<Candidate>;
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTop> {
        let keep = self.offset + self.limit;
        Ok(SegmentTop {
            segment,
            table: self.tables.of(reader)?,
            keep,
            buffer: Vec::with_capacity(2 * keep.max(1)),
            threshold: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Vec<Candidate>> {
        let tables: HashMap<SegmentOrdinal, Arc<SegmentTable>> = fruits
            .iter()
            .filter_map(|f| {
                f.candidates
                    .first()
                    .map(|c| (c.addr.segment_ord, f.table.clone()))
            })
            .collect();
        let mut all: Vec<Candidate> = fruits.into_iter().flat_map(|f| f.candidates).collect();
        if tables.len() > 1 {
            // Equal scores from two segments: their keys' strings decide (looked up once).
            let keys: RefCell<HashMap<(SegmentOrdinal, u32), Option<String>>> = RefCell::default();
            let key = |c: &Candidate| {
                keys.borrow_mut()
                    .entry((c.addr.segment_ord, c.ord))
                    .or_insert_with(|| tables[&c.addr.segment_ord].sort_key(c.ord))
                    .clone()
            };
            all.sort_by(|a, b| {
                b.score.total_cmp(&a.score).then_with(|| {
                    if a.addr.segment_ord == b.addr.segment_ord {
                        a.ord.cmp(&b.ord)
                    } else {
                        key(a).cmp(&key(b))
                    }
                })
            });
        }
        Ok(all.into_iter().skip(self.offset).take(self.limit).collect())
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let c = Candidate {
            score,
            ord: self.table.sort_ord(doc),
            addr: DocAddress::new(self.segment, doc),
        };
        if let Some(t) = &self.threshold
            && in_segment(&c, t) != Ordering::Less
        {
            return;
        }
        self.buffer.push(c);
        if self.buffer.len() >= 2 * self.keep.max(1) {
            self.truncate();
        }
    }

    fn harvest(mut self) -> SegmentFruit {
        self.truncate();
        self.buffer.sort_by(in_segment);
        SegmentFruit {
            candidates: self.buffer,
            table: self.table,
        }
    }
}
