//! Adblock Plus pattern matching over bytes: `*` wildcards, `^` separators, `|` anchors and
//! `||` host anchors. Patterns are stored without their anchors; the anchors travel as flags.
//!
//! `^` matches one separator byte (anything but a letter, a digit, `_`, `-`, `.` or `%`) or the
//! end of the URL. Matching is leftmost-greedy per `*`-separated part, which is exact for this
//! glob language; a right-anchored last part is tried at the end only.

use memchr::memmem;

/// Whether `b` is an ABP separator (what `^` matches besides the end of the URL).
#[inline]
pub fn is_separator(b: u8) -> bool {
    !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'%'))
}

/// Matches `part` (no `*`) at `pos`; returns where it ends.
#[inline]
fn match_part_at(hay: &[u8], pos: usize, part: &[u8]) -> Option<usize> {
    let mut i = pos;
    for &p in part {
        if p == b'^' {
            if i == hay.len() {
                continue; // `^` also matches the end of the URL, with zero width
            }
            if !is_separator(hay[i]) {
                return None;
            }
            i += 1;
        } else {
            if i >= hay.len() || hay[i] != p {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// Leftmost occurrence of `part` starting at or after `from`: (start, end).
#[inline]
fn find_part(hay: &[u8], from: usize, part: &[u8]) -> Option<(usize, usize)> {
    if from > hay.len() {
        return None;
    }
    match memchr::memchr(b'^', part) {
        None => memmem::find(&hay[from..], part).map(|s| (from + s, from + s + part.len())),
        Some(0) => (from..=hay.len()).find_map(|s| match_part_at(hay, s, part).map(|e| (s, e))),
        Some(caret) => {
            // Find the literal prefix with memmem, then check the rest.
            let lit = &part[..caret];
            let mut at = from;
            while let Some(off) = memmem::find(&hay[at..], lit) {
                let s = at + off;
                if let Some(e) = match_part_at(hay, s, part) {
                    return Some((s, e));
                }
                at = s + 1;
            }
            None
        }
    }
}

/// Where a pattern must start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Anywhere in the URL.
    Anywhere,
    /// Exactly at this byte offset.
    At(usize),
}

/// Whether `pattern` matches `hay`.
pub fn matches(hay: &[u8], pattern: &[u8], start: Start, right_anchor: bool) -> bool {
    let mut parts = pattern.split(|&b| b == b'*').peekable();
    let mut pos;
    let first = parts.next().unwrap_or(&[]);
    let single = parts.peek().is_none();
    match start {
        Start::At(at) => {
            let Some(end) = match_part_at(hay, at, first) else { return false };
            if single {
                return !right_anchor || end == hay.len() || ends_at_end(hay, at, first);
            }
            pos = end;
        }
        Start::Anywhere => {
            if single {
                return if right_anchor { suffix_match(hay, 0, first) } else { find_part(hay, 0, first).is_some() };
            }
            match find_part(hay, 0, first) {
                Some((_, e)) => pos = e,
                None => return false,
            }
        }
    }
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        if last && right_anchor {
            return suffix_match(hay, pos, part);
        }
        match find_part(hay, pos, part) {
            Some((_, e)) => pos = e,
            None => return false,
        }
    }
    true
}

/// Whether `part` matches at `at` ending exactly at the end (a `^` may match zero-width there).
fn ends_at_end(hay: &[u8], at: usize, part: &[u8]) -> bool {
    match_part_at(hay, at, part) == Some(hay.len())
}

/// Whether `part` matches a suffix of `hay[from..]`.
fn suffix_match(hay: &[u8], from: usize, part: &[u8]) -> bool {
    let len = part.len();
    // A trailing run of `^` may match the end with zero width: try each possible start.
    let trailing_carets = part.iter().rev().take_while(|&&b| b == b'^').count();
    (0..=trailing_carets).any(|zero_width| {
        let need = len - zero_width;
        hay.len() >= need && hay.len() - need >= from && ends_at_end(hay, hay.len() - need, part)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(url: &str, pat: &str, start: Start, right: bool) -> bool {
        matches(url.as_bytes(), pat.as_bytes(), start, right)
    }

    #[test]
    fn plain_and_wildcards() {
        assert!(m("https://a.com/ads/banner.gif", "/ads/", Start::Anywhere, false));
        assert!(m("https://a.com/ads/banner.gif", "/ads/*.gif", Start::Anywhere, false));
        assert!(!m("https://a.com/ads/banner.png", "/ads/*.gif", Start::Anywhere, false));
        assert!(m("https://a.com/x/y/z", "a.com*y*z", Start::Anywhere, true));
        assert!(m("https://a.com/x", "", Start::Anywhere, false));
    }

    #[test]
    fn separators() {
        assert!(m("https://a.com/ads?x", "/ads^", Start::Anywhere, false));
        assert!(m("https://a.com/ads", "/ads^", Start::Anywhere, false));
        assert!(!m("https://a.com/ads.js", "/ads^", Start::Anywhere, false));
        assert!(!m("https://a.com/ads-x", "/ads^", Start::Anywhere, false));
        assert!(m("https://a.com/x/ads/", "^ads^", Start::Anywhere, false));
        assert!(m("https://a.com:8080/", "a.com^", Start::Anywhere, false));
        assert!(!m("https://a.com%2f", "a.com^", Start::Anywhere, false));
    }

    #[test]
    fn anchors() {
        assert!(m("https://a.com/x.js", "https://a", Start::At(0), false));
        assert!(!m("https://a.com/x.js", "a.com", Start::At(0), false));
        assert!(m("https://a.com/x.js", ".js", Start::Anywhere, true));
        assert!(!m("https://a.com/x.js?1", ".js", Start::Anywhere, true));
        assert!(m("https://a.com/x.js", "https://a.com/x.js", Start::At(0), true));
        assert!(!m("https://a.com/x.jsx", "https://a.com/x.js", Start::At(0), true));
        assert!(m("https://a.com", "a.com^", Start::At(8), true));
        assert!(m("https://a.com/", "a.com^", Start::At(8), true));
        assert!(m("https://a.com/b/c.gif", "/b/*.gif", Start::At(13), true));
    }
}
