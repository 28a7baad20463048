//! Spreadsheet exports: every CSV the platform writes goes through [`CsvExport`], whose cells
//! pass through [`cell`], so that a value a user typed (an organization's name, a display name)
//! cannot become a formula when an officer opens the file in Excel or WPS (CSV injection).
//!
//! The rule is OWASP's ("CSV Injection"): a cell beginning with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is prefixed with a single quote, which spreadsheet programs read as "text"
//! and do not evaluate; the csv writer quotes the cell as needed. A cell that is a plain number
//! (`-12`, `+3.50`) is not a formula and stays as it is, so amounts stay numbers. An XLSX
//! writer, when one is added, writes numbers as number cells and every text cell through
//! [`cell`] too.
//!
//! [`restore`] undoes the prefix, for the importer reading back a file the platform wrote
//! (the bad rows of an import, corrected and imported again).

use std::borrow::Cow;

/// The first characters that make a spreadsheet program evaluate a cell (OWASP, CSV Injection:
/// `=`, `+`, `-`, `@`, tab 0x09, carriage return 0x0D).
pub const FORMULA_TRIGGERS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// What is put before a cell that would be evaluated: a single quote, shown by spreadsheet
/// programs as text and not evaluated (OWASP's recommendation).
pub const NEUTRALIZER: char = '\'';

/// UTF-8 byte-order mark, so that spreadsheet programs read the Chinese text correctly.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Whether `s` is a plain decimal number (optional sign, digits, optional decimals).
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A text cell as it is written to a spreadsheet file: prefixed with [`NEUTRALIZER`] when it
/// begins with a [`FORMULA_TRIGGERS`] character, unless it is a plain number.
pub fn cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(FORMULA_TRIGGERS) && !is_plain_number(s) {
        Cow::Owned(format!("{NEUTRALIZER}{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The value of a cell read back from a file the platform wrote: the neutralizing quote of
/// [`cell`] removed (only where [`cell`] would have put it).
pub fn restore(s: &str) -> &str {
    match s.strip_prefix(NEUTRALIZER) {
        Some(rest) if rest.starts_with(FORMULA_TRIGGERS) && !is_plain_number(rest) => rest,
        _ => s,
    }
}

/// A CSV file being written: UTF-8 with a byte-order mark, every cell through [`cell`].
pub struct CsvExport {
    w: csv::Writer<Vec<u8>>,
}

impl Default for CsvExport {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvExport {
    pub fn new() -> CsvExport {
        CsvExport {
            w: csv::Writer::from_writer(BOM.to_vec()),
        }
    }

    /// Writes one row (the header too), each cell neutralized.
    pub fn row<I, S>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| cell(c.as_ref()).into_owned())
            .collect();
        self.w.write_record(&cells)?;
        Ok(())
    }

    /// The file's bytes.
    pub fn into_bytes(self) -> anyhow::Result<Vec<u8>> {
        self.w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("csv: {}", e.error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_be_evaluated_are_prefixed_and_numbers_are_not() {
        for s in [
            "=HYPERLINK(\"http://evil.example\",\"点我\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
            "=1",
            "-",
            "+",
            "-1e5",
            "-.5",
            "-1.",
        ] {
            assert_eq!(cell(s), format!("'{s}"), "{s:?}");
            assert_eq!(restore(&cell(s)), s, "{s:?}");
        }
        for s in [
            "-12",
            "+3.50",
            "-0.01",
            "42",
            "西湖区茶叶产业协会",
            "",
            "a=b",
            " =1",
        ] {
            assert_eq!(cell(s), s, "{s:?}");
            assert_eq!(restore(s), s, "{s:?}");
        }
        // Only the platform's own prefix is removed on reading back.
        assert_eq!(restore("'abc"), "'abc");
        assert_eq!(restore("'-12"), "'-12");
    }

    #[test]
    fn a_csv_export_neutralizes_every_row_and_starts_with_a_bom() {
        let mut x = CsvExport::new();
        x.row(["名称 name", "金额 amount"]).unwrap();
        x.row(["=HYPERLINK(\"http://evil.example\")", "-1200"])
            .unwrap();
        let bytes = x.into_bytes().unwrap();
        assert!(bytes.starts_with(BOM));
        let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let row = rdr.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(&row[1], "-1200");
    }
}
