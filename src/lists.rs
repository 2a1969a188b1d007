//! Filter lists: one text in, its filters with line numbers and sections out, plus a report of
//! what was kept and what was skipped (by reason). A list is never rejected for its lines; only a
//! list with no network filter at all is worth a warning, which the caller decides.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::filters::{parse_line, Line, NetworkFilter};

/// A filter as it sits in its list.
#[derive(Clone, Debug)]
pub struct ListedFilter {
    pub filter: NetworkFilter,
    /// 1-based line number.
    pub line: u32,
}

/// What loading a list found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListReport {
    pub name: String,
    pub title: Option<String>,
    pub version: Option<String>,
    pub lines: usize,
    pub comments: usize,
    /// Blocking filters kept.
    pub filters: usize,
    /// Exception (`@@`) filters kept.
    pub exceptions: usize,
    /// Lines skipped, counted per reason.
    pub skipped: BTreeMap<String, usize>,
}

impl ListReport {
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    pub(crate) fn skip(&mut self, reason: String) {
        *self.skipped.entry(reason).or_default() += 1;
    }
}

/// A parsed list.
#[derive(Clone, Debug, Default)]
pub struct ParsedList {
    pub report: ListReport,
    pub filters: Vec<ListedFilter>,
    /// Sections named by `! *** easylist:<path> ***` markers, in order: (line of the marker,
    /// section file).
    pub sections: Vec<(u32, String)>,
}

/// Parses a list's text. `name` is how verdicts cite it (usually the file name).
pub fn parse_list(name: &str, text: &str) -> ParsedList {
    let mut list = ParsedList { report: ListReport { name: name.to_owned(), ..ListReport::default() }, ..ParsedList::default() };
    for (i, raw) in text.lines().enumerate() {
        list.report.lines += 1;
        let line = (i + 1) as u32;
        match parse_line(raw) {
            Line::Empty => {}
            Line::Comment => {
                list.report.comments += 1;
                let comment = raw.trim().trim_start_matches('!').trim();
                if let Some(marker) = comment.strip_prefix("***").and_then(|c| c.strip_suffix("***")) {
                    let file = marker.trim();
                    let file = file.split_once(':').map_or(file, |(_, f)| f);
                    list.sections.push((line, file.to_owned()));
                } else if let Some((key, value)) = comment.split_once(':') {
                    let value = value.trim();
                    match key.trim().to_ascii_lowercase().as_str() {
                        "title" if list.report.title.is_none() => list.report.title = Some(value.to_owned()),
                        "version" if list.report.version.is_none() => list.report.version = Some(value.to_owned()),
                        _ => {}
                    }
                }
            }
            Line::Skipped(reason) => list.report.skip(reason.to_string()),
            Line::Filter(filter) => {
                if filter.exception {
                    list.report.exceptions += 1;
                } else {
                    list.report.filters += 1;
                }
                list.filters.push(ListedFilter { filter: *filter, line });
            }
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metadata_sections_and_counts() {
        let text = "[Adblock Plus 1.1]\n! Version: 202607140953\n! Title: EasyPrivacy\n\
                    ! *** easylist:easyprivacy/easyprivacy_general.txt ***\n/track.gif\n\
                    example.com##.ad\n||x.com^$csp=default-src\n\
                    ! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***\n\
                    ||a.example.com^\n@@||ok.com^\n\n";
        let list = parse_list("easyprivacy.txt", text);
        let r = &list.report;
        assert_eq!(r.title.as_deref(), Some("EasyPrivacy"));
        assert_eq!(r.version.as_deref(), Some("202607140953"));
        assert_eq!((r.filters, r.exceptions, r.lines), (2, 1, 11));
        assert_eq!(r.skipped.get("cosmetic filter"), Some(&1));
        assert_eq!(r.skipped.get("unsupported option $csp"), Some(&1));
        assert_eq!(
            list.sections,
            [(4, "easyprivacy/easyprivacy_general.txt".to_owned()), (8, "easyprivacy/easyprivacy_specific_cname_adobe.txt".to_owned())]
        );
        assert_eq!((list.filters[0].line, list.filters[1].line), (5, 9));
    }
}
