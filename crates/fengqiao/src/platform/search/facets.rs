//! Facet counts over every match of a query, from the fast (columnar) fields: per segment by
//! term ordinal, turned into strings once per segment.

use std::collections::BTreeMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// How many matched, by type, category, status and region (one level below the region asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub total: u64,
    pub org_type: BTreeMap<String, u64>,
    pub category: BTreeMap<String, u64>,
    pub status: BTreeMap<String, u64>,
    pub region: BTreeMap<String, u64>,
}

pub struct Facets {
    /// Digits of the region key (4: city, 6: county, 9: township, 12).
    digits: usize,
}

impl Facets {
    pub fn new(digits: usize) -> Facets {
        Facets { digits }
    }
}

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

struct StrFacet {
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

impl StrFacet {
    fn open(reader: &SegmentReader, field: &str) -> tantivy::Result<StrFacet> {
        let column = reader.fast_fields().str(field)?;
        let n = column.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(StrFacet {
            column,
            counts: vec![0; n],
        })
    }

    fn collect(&mut self, doc: DocId) {
        if let Some(c) = &self.column
            && let Some(ord) = c.ords().first(doc)
            && let Some(n) = self.counts.get_mut(ord as usize)
        {
            *n += 1;
        }
    }

    fn harvest(self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        if let Some(c) = self.column {
            let mut s = String::new();
            for (ord, n) in self.counts.into_iter().enumerate() {
                if n > 0 && c.ord_to_str(ord as u64, &mut s).unwrap_or(false) {
                    out.insert(s.clone(), n);
                }
            }
        }
        out
    }
}

pub struct SegmentFacets {
    digits: usize,
    total: u64,
    org_type: StrFacet,
    category: StrFacet,
    status: StrFacet,
    region: Option<Column<u64>>,
    regions: BTreeMap<u64, u64>,
}

impl Collector for Facets {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        Ok(SegmentFacets {
            digits: self.digits,
            total: 0,
            org_type: StrFacet::open(reader, "type")?,
            category: StrFacet::open(reader, "category")?,
            status: StrFacet::open(reader, "status")?,
            region: reader.fast_fields().u64("region").ok(),
            regions: BTreeMap::new(),
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
        self.total += 1;
        self.org_type.collect(doc);
        self.category.collect(doc);
        self.status.collect(doc);
        if let Some(v) = self.region.as_ref().and_then(|c| c.first(doc)) {
            let key = v / 10u64.pow((12 - self.digits) as u32);
            *self.regions.entry(key).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut region = BTreeMap::new();
        for (key, n) in self.regions {
            let number = key * 10u64.pow((12 - self.digits) as u32);
            *region.entry(region_key(number, self.digits)).or_default() += n;
        }
        FacetCounts {
            total: self.total,
            org_type: self.org_type.harvest(),
            category: self.category.harvest(),
            status: self.status.harvest(),
            region,
        }
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
