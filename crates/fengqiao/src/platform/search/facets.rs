//! Facet counts over every match of a query. A broad question matches a third of the register,
//! so counting must cost a few array reads a match: each segment's facet columns are read once
//! into dense arrays ([`SegmentTable`], kept until the segment leaves the index), and a match
//! adds one to a slot of each facet. Reading the columns per match (and a map per region) cost
//! more than scoring the match (BENCHMARKS.md, session 2).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// How many matched, by type, category, status and region (one level below the region asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub total: u64,
    pub org_type: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    /// Evaluation grades in force (documents without one are not counted).
    pub grade: BTreeMap<String, u64>,
    pub region: BTreeMap<String, u64>,
}

/// The region facet's levels: digits of the key (4: city, 6: county, 9: township, 12).
const LEVELS: [usize; 4] = [4, 6, 9, 12];

/// A region number cut to `digits`, as a division code (a county-level organization under a
/// county facet of townships is counted under the county itself).
fn region_key(number: u64, digits: usize) -> String {
    let padded = format!("{number:012}");
    let mut key = &padded[..digits];
    while key.len() > 6 && key.ends_with("000") {
        key = &key[..key.len() - 3];
    }
    if key.len() == 4 {
        return format!("{key}00");
    }
    key.to_string()
}

/// A string facet of one segment: each document's term ordinal (`NONE` when it has none) and
/// the terms.
struct StrTable {
    ords: Vec<u16>,
    terms: Vec<String>,
}

const NONE: u16 = u16::MAX;

impl StrTable {
    fn read(reader: &SegmentReader, field: &str) -> tantivy::Result<StrTable> {
        let max = reader.max_doc();
        let Some(column) = reader.fast_fields().str(field)? else {
            return Ok(StrTable {
                ords: vec![NONE; max as usize],
                terms: Vec::new(),
            });
        };
        let terms = terms_of(&column)?;
        let ords = (0..max)
            .map(|d| {
                column
                    .ords()
                    .first(d)
                    .and_then(|o| u16::try_from(o).ok())
                    .unwrap_or(NONE)
            })
            .collect();
        Ok(StrTable { ords, terms })
    }

    fn harvest(&self, counts: &[u64], out: &mut BTreeMap<String, u64>) {
        for (term, n) in self.terms.iter().zip(counts) {
            if *n > 0 {
                *out.entry(term.clone()).or_default() += n;
            }
        }
    }
}

fn terms_of(column: &StrColumn) -> tantivy::Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut s = String::new();
    for ord in 0..column.num_terms() as u64 {
        s.clear();
        column.ord_to_str(ord, &mut s)?;
        terms.push(s.clone());
    }
    Ok(terms)
}

/// The region facet of one segment at one level: each document's slot, and the slots' keys.
struct RegionLevel {
    slots: Vec<u32>,
    keys: Vec<String>,
}

/// One segment's facet columns and sort key as dense arrays, read once.
pub struct SegmentTable {
    /// Each document's sort key as its term ordinal (orders as the strings do, in this
    /// segment), and the column to turn an ordinal into the string.
    sort_ords: Vec<u32>,
    sortkey: Option<StrColumn>,
    org_type: StrTable,
    category: StrTable,
    status: StrTable,
    grade: StrTable,
    /// Region numbers ([`super::region_number`]), 0 when none.
    regions: Vec<u64>,
    /// The region facet by level, made when a query first asks for that level.
    levels: [OnceLock<Arc<RegionLevel>>; 4],
}

impl SegmentTable {
    fn read(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let column = reader.fast_fields().u64("region").ok();
        let regions = (0..reader.max_doc())
            .map(|d| column.as_ref().and_then(|c| c.first(d)).unwrap_or(0))
            .collect();
        let sortkey = reader.fast_fields().str("sortkey")?;
        let sort_ords = (0..reader.max_doc())
            .map(|d| {
                sortkey
                    .as_ref()
                    .and_then(|c| c.ords().first(d))
                    .map_or(u32::MAX, |o| o as u32)
            })
            .collect();
        Ok(SegmentTable {
            sort_ords,
            sortkey,
            org_type: StrTable::read(reader, "type")?,
            category: StrTable::read(reader, "category")?,
            status: StrTable::read(reader, "status")?,
            grade: StrTable::read(reader, "grade")?,
            regions,
            levels: Default::default(),
        })
    }

    pub(super) fn sort_ord(&self, doc: DocId) -> u32 {
        self.sort_ords
            .get(doc as usize)
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// The sort key of an ordinal of this segment.
    pub(super) fn sort_key(&self, ord: u32) -> Option<String> {
        let mut s = String::new();
        let column = self.sortkey.as_ref()?;
        column
            .ord_to_str(u64::from(ord), &mut s)
            .ok()
            .filter(|found| *found)
            .map(|_| s)
    }

    fn level(&self, digits: usize) -> &Arc<RegionLevel> {
        let i = LEVELS.iter().position(|d| *d == digits).unwrap_or(0);
        self.levels[i].get_or_init(|| {
            let div = 10u64.pow((12 - LEVELS[i]) as u32);
            let mut slot_of: HashMap<u64, u32> = HashMap::new();
            let mut keys = Vec::new();
            let slots = self
                .regions
                .iter()
                .map(|&n| {
                    if n == 0 {
                        return u32::MAX;
                    }
                    *slot_of.entry(n / div).or_insert_with(|| {
                        keys.push(region_key(n / div * div, LEVELS[i]));
                        (keys.len() - 1) as u32
                    })
                })
                .collect();
            Arc::new(RegionLevel { slots, keys })
        })
    }
}

/// The dense tables of the segments in use, by segment (facets and the page of hits read them). Segments never change once written
/// (deletes only hide documents), so a table stays right for its segment's life.
#[derive(Default)]
pub struct SegmentTables(Mutex<HashMap<SegmentId, Arc<SegmentTable>>>);

impl SegmentTables {
    pub(super) fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
        // Read under the lock: the first questions after a new segment appears wait for one
        // reading instead of each making its own (tables are read ahead at open and at each
        // reload, so this is rare).
        let mut map = self.lock();
        if let Some(t) = map.get(&reader.segment_id()) {
            return Ok(t.clone());
        }
        let table = Arc::new(SegmentTable::read(reader)?);
        map.insert(reader.segment_id(), table.clone());
        Ok(table)
    }

    /// Reads a segment's table ahead, with the region facet at every level (a question in a
    /// county counts by township: the first such question would otherwise make that level while
    /// every other question waited).
    pub(super) fn warm(&self, reader: &SegmentReader) -> tantivy::Result<()> {
        let table = self.of(reader)?;
        for digits in LEVELS {
            table.level(digits);
        }
        Ok(())
    }

    /// Forgets the tables of segments no longer in the index (after a reload).
    pub fn retain(&self, live: &[SegmentId]) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentTable>>> {
        // Only a cache: a poisoned one is taken over.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct Facets {
    digits: usize,
    tables: Arc<SegmentTables>,
}

impl Facets {
    /// Counts with the region facet at `digits` (4: city, 6: county, 9: township, 12).
    pub fn new(digits: usize, tables: Arc<SegmentTables>) -> Facets {
        Facets { digits, tables }
    }
}

pub struct SegmentFacets {
    table: Arc<SegmentTable>,
    /// The region facet at the level asked for, resolved once for the segment.
    regions: Arc<RegionLevel>,
    total: u64,
    org_type: Vec<u64>,
    category: Vec<u64>,
    status: Vec<u64>,
    grade: Vec<u64>,
    region: Vec<u64>,
}

impl SegmentFacets {
    #[inline]
    fn add(&mut self, doc: DocId) {
        let d = doc as usize;
        let t = &self.table;
        self.total += 1;
        for (ords, counts) in [
            (&t.org_type.ords, &mut self.org_type),
            (&t.category.ords, &mut self.category),
            (&t.status.ords, &mut self.status),
            (&t.grade.ords, &mut self.grade),
        ] {
            if let Some(n) = ords.get(d).and_then(|o| counts.get_mut(*o as usize)) {
                *n += 1;
            }
        }
        if let Some(n) = self
            .regions
            .slots
            .get(d)
            .and_then(|s| self.region.get_mut(*s as usize))
        {
            *n += 1;
        }
    }
}

impl Collector for Facets {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let table = self.tables.of(reader)?;
        let regions = table.level(self.digits).clone();
        Ok(SegmentFacets {
            total: 0,
            org_type: vec![0; table.org_type.terms.len()],
            category: vec![0; table.category.terms.len()],
            status: vec![0; table.status.terms.len()],
            grade: vec![0; table.grade.terms.len()],
            region: vec![0; regions.keys.len()],
            regions,
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        for f in fruits {
            out.total += f.total;
            for (into, from) in [
                (&mut out.org_type, f.org_type),
                (&mut out.category, f.category),
                (&mut out.status, f.status),
                (&mut out.grade, f.grade),
                (&mut out.region, f.region),
            ] {
                for (k, n) in from {
                    *into.entry(k).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.add(doc);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        for &doc in docs {
            self.add(doc);
        }
    }

    fn harvest(self) -> FacetCounts {
        let t = &self.table;
        let mut out = FacetCounts {
            total: self.total,
            ..Default::default()
        };
        t.org_type.harvest(&self.org_type, &mut out.org_type);
        t.category.harvest(&self.category, &mut out.category);
        t.status.harvest(&self.status, &mut out.status);
        t.grade.harvest(&self.grade, &mut out.grade);
        for (key, n) in self.regions.keys.iter().zip(&self.region) {
            if *n > 0 {
                *out.region.entry(key.clone()).or_default() += n;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::region_key;

    #[test]
    fn region_keys_are_division_codes() {
        assert_eq!(region_key(330106004000, 4), "330100");
        assert_eq!(region_key(330106004000, 6), "330106");
        assert_eq!(region_key(330106004000, 9), "330106004");
        assert_eq!(region_key(330106000000, 9), "330106");
        assert_eq!(region_key(330106004000, 12), "330106004");
    }
}
