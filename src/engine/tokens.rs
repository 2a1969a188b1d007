//! What a filter can be found by: the host of `||host^…` filters, the complete tokens a URL must
//! contain, and the literal any match must contain (for the n-gram index).

use crate::filters::NetworkFilter;

/// `||host^rest` / `||host/rest` / `||host:rest` → (host, rest starting at the separator).
pub(super) fn host_key(f: &NetworkFilter) -> Option<(&str, &str)> {
    if !f.host_anchor || f.regex {
        return None;
    }
    let p = f.pattern.as_str();
    let end = p.bytes().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))?;
    let host = &p[..end];
    let next = p.as_bytes()[end];
    let ok = matches!(next, b'^' | b'/' | b':')
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && !host.bytes().any(|b| b.is_ascii_uppercase());
    ok.then(|| (host, &p[end..]))
}

use super::lookup::is_token_byte;

/// Tokens a URL must contain whole for this (non-regex) filter to match, with where each starts
/// in the pattern.
pub(super) fn pattern_tokens(f: &NetworkFilter) -> Vec<(String, usize)> {
    let p = f.pattern.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        if !is_token_byte(p[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < p.len() && is_token_byte(p[i]) {
            i += 1;
        }
        let left = if s == 0 { f.left_anchor || f.host_anchor } else { p[s - 1] != b'*' };
        let right = if i == p.len() { f.right_anchor } else { p[i] != b'*' };
        if left && right {
            out.push((String::from_utf8_lossy(&p[s..i]).to_ascii_lowercase(), s));
        }
    }
    out
}

/// A regex as a sequence of items: `Some(byte)` for a character it must match literally,
/// `None` for anything else (classes, groups, wildcards, quantified items). `None` overall when
/// the regex has a top-level alternation or flags, so nothing at all is required.
fn regex_items(src: &str) -> Option<Vec<Option<u8>>> {
    let b = src.as_bytes();
    let mut items: Vec<Option<u8>> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                let c = b[i + 1];
                items.push(if depth > 0 || c.is_ascii_alphanumeric() { None } else { Some(c) });
                i += 2;
            }
            b'[' => {
                // A class is opaque. Its end is the first `]` that is not its first member
                // (`[]x]`, `[^]x]`); nested `[` (POSIX `[[:alpha:]]`, set operations) are not
                // followed: such a regex requires nothing.
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                while i < b.len() && b[i] != b']' {
                    if b[i] == b'[' {
                        return None;
                    }
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                items.push(None);
                i += 1;
            }
            b'?' | b'*' | b'{' | b'+' => {
                if b[i] == b'?' && i > 0 && b[i - 1] == b'(' {
                    if b.get(i + 1) == Some(&b':') {
                        i += 2; // `(?:` opens a plain group
                        continue;
                    }
                    return None; // `(?flags)`, `(?P<name>`: nothing is required
                }
                // The quantifier makes the previous item optional or repeated.
                if let Some(last) = items.last_mut() {
                    *last = None;
                }
                if b[i] == b'{' {
                    while i < b.len() && b[i] != b'}' {
                        i += 1;
                    }
                }
                items.push(None);
                i += 1;
            }
            b'(' => {
                depth += 1;
                items.push(None);
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                // A quantified group may repeat or vanish: nothing before it is affected.
                items.push(None);
                i += 1;
            }
            b'|' if depth == 0 => return None,
            b'.' | b'^' | b'$' | b'|' => {
                items.push(None);
                i += 1;
            }
            c => {
                items.push(if depth > 0 { None } else { Some(c.to_ascii_lowercase()) });
                i += 1;
            }
        }
    }
    Some(items)
}

/// Literal tokens of a regex: runs of letters/digits between literal non-token characters.
pub(super) fn regex_tokens(src: &str) -> Vec<String> {
    let Some(items) = regex_items(src) else { return Vec::new() };
    let mut out = Vec::new();
    let mut j = 0;
    while j < items.len() {
        if !items[j].is_some_and(is_token_byte) {
            j += 1;
            continue;
        }
        let s = j;
        while j < items.len() && items[j].is_some_and(is_token_byte) {
            j += 1;
        }
        let bounded = |k: Option<&Option<u8>>| matches!(k, Some(Some(c)) if !is_token_byte(*c));
        if s > 0 && bounded(items.get(s - 1)) && bounded(items.get(j)) {
            out.push(items[s..j].iter().flatten().map(|&c| c as char).collect());
        }
    }
    out
}

/// The longest literal run (lower-cased) any match must contain: for the n-gram index of filters
/// that have no complete token.
pub(super) fn required_literal(f: &NetworkFilter) -> Option<Vec<u8>> {
    let runs: Vec<Vec<u8>> = if f.regex {
        regex_items(&f.pattern)?.split(|i| i.is_none()).map(|r| r.iter().flatten().copied().collect()).collect()
    } else {
        f.pattern.split(['*', '^']).map(|r| r.to_ascii_lowercase().into_bytes()).collect()
    };
    runs.into_iter().max_by_key(Vec::len).filter(|r| r.len() >= super::lookup::GRAM)
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::{parse_line, Line};

    fn f(line: &str) -> NetworkFilter {
        match parse_line(line) {
            Line::Filter(f) => *f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn host_keys() {
        assert_eq!(host_key(&f("||google-analytics.com^")), Some(("google-analytics.com", "^")));
        assert_eq!(host_key(&f("||ga.com/analytics.js")), Some(("ga.com", "/analytics.js")));
        assert_eq!(host_key(&f("||ads.")), None);
        assert_eq!(host_key(&f("||example.com")), None);
        assert_eq!(host_key(&f("||localhost^")), None);
        assert_eq!(host_key(&f("|https://x.com^")), None);
    }

    #[test]
    fn tokens() {
        let words = |l: &str| pattern_tokens(&f(l)).into_iter().map(|t| t.0).collect::<Vec<_>>();
        assert_eq!(pattern_tokens(&f("/pagead/conversion.")), [("pagead".to_owned(), 1), ("conversion".to_owned(), 8)]);
        assert_eq!(words("pagead/conv"), Vec::<String>::new());
        assert_eq!(words("||ads."), ["ads"]);
        assert_eq!(words("/a*b/c|"), ["c"]);
        assert_eq!(words("^track^"), ["track"]);
        assert_eq!(
            regex_tokens(r"^https?:\/\/cdn\.jsdelivr\.net\/npm\/[-a-z_]{4,22}@latest\/dist\/script\.min\.js$"),
            ["cdn", "jsdelivr", "net", "npm", "latest", "dist", "script", "min"]
        );
        assert_eq!(regex_tokens(r"^https?:\/\/tmx\.(td|tdbank)\.com\/"), ["tmx", "com"]);
        assert!(regex_tokens(r"a|b").is_empty());
        assert!(regex_tokens(r"(?i)\/adx\/").is_empty());
        assert_eq!(regex_tokens(r"^https:\/\/www\.gtm\.com\/a\?(?:.+&)?gtm=").len(), 4);
        assert_eq!(regex_tokens(r"\.2mdn\.net\/([0-9]+|ads)"), ["2mdn", "net"]);
        assert_eq!(regex_tokens(r"\/ads?\/"), Vec::<String>::new());
        assert_eq!(regex_tokens(r"\/adx\/"), ["adx"]);
        assert!(regex_tokens(r"[[:alpha:]]track\/").is_empty());
        assert_eq!(regex_tokens(r"[]x]\/ads\/"), ["ads"]);
        assert_eq!(regex_tokens(r"[^]a]\/ads\/"), ["ads"]);
    }

    #[test]
    fn literals() {
        let lit = |l: &str| required_literal(&f(l)).map(|v| String::from_utf8(v).unwrap_or_default());
        assert_eq!(lit("adbutler").as_deref(), Some("adbutler"));
        assert_eq!(lit("ea*/ea.js^").as_deref(), Some("/ea.js"));
        assert_eq!(lit("/baynote(-observer)?([0-9]+)\\.js/").as_deref(), Some("baynote"));
        assert_eq!(lit("a*b"), None);
    }
}
