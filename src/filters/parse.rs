//! The Adblock Plus network-filter parser (the syntax EasyPrivacy, EasyList and uBlock Origin's
//! lists use). One line in, one [`Line`] out: a filter, or the reason it was skipped. A list is
//! never rejected for a line: cosmetic and unsupported lines are skipped and counted by reason.

use std::fmt;

use crate::request::ResourceType;

/// Party restriction bits.
pub const PARTY_FIRST: u8 = 1;
pub const PARTY_THIRD: u8 = 2;
pub const PARTY_STRICT_FIRST: u8 = 4;
pub const PARTY_STRICT_THIRD: u8 = 8;

/// Every type but `document`: what a filter without type options applies to.
pub const NETWORK_TYPES: u32 = ((1 << ResourceType::ALL.len()) - 1) & !1;
pub const ALL_TYPES: u32 = (1 << ResourceType::ALL.len()) - 1;

/// A parsed network filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkFilter {
    /// The line as written (trimmed).
    pub text: String,
    pub exception: bool,
    /// The pattern without anchors; lower-cased unless `match_case`. For regex filters, the
    /// regex source between the slashes.
    pub pattern: String,
    pub host_anchor: bool,
    pub left_anchor: bool,
    pub right_anchor: bool,
    pub regex: bool,
    /// Allowed resource types (bits of [`ResourceType::bit`]).
    pub types: u32,
    /// `PARTY_*` bits; 0 means any party.
    pub party: u8,
    pub important: bool,
    pub match_case: bool,
    pub badfilter: bool,
    /// `$redirect=`/`$rewrite=`: still a block, the browser would serve a neutered resource.
    pub redirect: bool,
    /// `$domain=` entries, lower-cased; an entity `google.*` keeps its `.*`.
    pub include_domains: Vec<String>,
    pub exclude_domains: Vec<String>,
}

/// Why a line is not a network filter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    Cosmetic,
    HtmlFilter,
    Popup,
    /// A filter option the engine does not apply (named, without `~`).
    UnsupportedOption(String),
    /// An option value the engine cannot apply (e.g. a regex `$domain=`).
    UnsupportedValue(String),
    InvalidRegex,
    /// A pattern that would match every request, with no restriction.
    MatchesEverything,
    /// Several `$domain=` or types contradict each other so nothing can match.
    MatchesNothing,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Cosmetic => f.write_str("cosmetic filter"),
            Skip::HtmlFilter => f.write_str("HTML filter"),
            Skip::Popup => f.write_str("$popup filter (no network meaning)"),
            Skip::UnsupportedOption(o) => write!(f, "unsupported option ${o}"),
            Skip::UnsupportedValue(o) => write!(f, "unsupported value in ${o}"),
            Skip::InvalidRegex => f.write_str("invalid regex"),
            Skip::MatchesEverything => f.write_str("matches every request"),
            Skip::MatchesNothing => f.write_str("can match nothing"),
        }
    }
}

/// What one line of a list is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Empty,
    Comment,
    Filter(Box<NetworkFilter>),
    Skipped(Skip),
}

const COSMETIC_MARKERS: [&str; 10] = ["##", "#@#", "#?#", "#@?#", "#$#", "#@$#", "#%#", "#@%#", "#$?#", "#@$?#"];

fn is_cosmetic(line: &str) -> Option<Skip> {
    let bytes = line.as_bytes();
    let clean_prefix = |i: usize| !line[..i].bytes().any(|b| matches!(b, b'/' | b'*' | b'|' | b'@' | b'"' | b'!' | b'?' | b'='));
    for (i, _) in line.match_indices('#') {
        if COSMETIC_MARKERS.iter().any(|m| line[i..].starts_with(m)) && clean_prefix(i) {
            return Some(Skip::Cosmetic);
        }
    }
    if let Some(i) = line.find("$$").or_else(|| line.find("$@$")) {
        if clean_prefix(i) {
            return Some(Skip::HtmlFilter);
        }
    }
    // `example.com#+js(...)`-style scriptlets without the standard markers.
    if bytes.first() != Some(&b'|') && line.contains("##+js") {
        return Some(Skip::Cosmetic);
    }
    None
}

/// Hosts-file lines (`0.0.0.0 host`, `127.0.0.1 host`) as `||host^`; `Err` for the
/// loopback entries every hosts file has (`127.0.0.1 localhost`), which block nothing.
fn hosts_line(line: &str) -> Option<Result<String, ()>> {
    let mut words = line.split_whitespace();
    let ip = words.next()?;
    if !matches!(ip, "0.0.0.0" | "127.0.0.1" | "::" | "::1" | "::0") {
        return None;
    }
    let host = words.next()?;
    if words.next().is_some_and(|w| !w.starts_with('#'))
        || !host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        return None;
    }
    Some(if matches!(host, "localhost" | "localhost.localdomain" | "local" | "broadcasthost" | "0.0.0.0") || !host.contains('.') {
        Err(())
    } else {
        Ok(format!("||{}^", host.to_ascii_lowercase()))
    })
}

/// Parses one line of a filter list.
pub fn parse_line(raw: &str) -> Line {
    let line = raw.trim();
    if line.is_empty() {
        return Line::Empty;
    }
    if line.starts_with('!') || line.starts_with('[') || line == "#" || line.starts_with("# ") || line.starts_with("#\t") {
        return Line::Comment;
    }
    if let Some(skip) = is_cosmetic(line) {
        return Line::Skipped(skip);
    }
    match hosts_line(line) {
        Some(Ok(rule)) => return parse_network(&rule, line),
        Some(Err(())) => return Line::Comment,
        None => {}
    }
    parse_network(line, line)
}

/// Splits `pattern$options`; a regex pattern `/…/` keeps any `$` inside it.
fn split_options(body: &str) -> (&str, Option<&str>) {
    if body.starts_with('/') {
        if let Some(i) = body.rfind("/$") {
            if i > 0 {
                return (&body[..=i], Some(&body[i + 2..]));
            }
        }
        if body.len() > 1 && body.ends_with('/') {
            return (body, None);
        }
    }
    match body.rfind('$') {
        Some(i)
            if i + 1 < body.len()
                && body[i + 1..].bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'~' | b'_' | b'1' | b'3')) =>
        {
            (&body[..i], Some(&body[i + 1..]))
        }
        _ => (body, None),
    }
}

fn type_bit(name: &str) -> Option<u32> {
    use ResourceType::*;
    Some(match name {
        "script" => Script.bit(),
        "image" => Image.bit(),
        "stylesheet" | "css" => Stylesheet.bit(),
        "xmlhttprequest" | "xhr" => Xmlhttprequest.bit(),
        "subdocument" | "frame" => Subdocument.bit(),
        "ping" | "beacon" => Ping.bit(),
        "media" => Media.bit(),
        "font" => Font.bit(),
        "websocket" => Websocket.bit(),
        "object" | "object-subrequest" => Object.bit(),
        "other" => Other.bit(),
        "document" | "doc" => Document.bit(),
        "all" => ALL_TYPES,
        _ => return None,
    })
}

fn parse_network(rule: &str, text: &str) -> Line {
    let (exception, body) = match rule.strip_prefix("@@") {
        Some(rest) => (true, rest),
        None => (false, rule),
    };
    let (raw_pattern, options) = split_options(body);
    let mut f = NetworkFilter {
        text: text.to_owned(),
        exception,
        pattern: String::new(),
        host_anchor: false,
        left_anchor: false,
        right_anchor: false,
        regex: false,
        types: 0,
        party: 0,
        important: false,
        match_case: false,
        badfilter: false,
        redirect: false,
        include_domains: Vec::new(),
        exclude_domains: Vec::new(),
    };
    let (mut positive_types, mut negative_types) = (0u32, 0u32);
    for opt in options.into_iter().flat_map(|o| o.split(',')) {
        let opt = opt.trim();
        if opt.is_empty() {
            continue;
        }
        let (negated, opt) = match opt.strip_prefix('~') {
            Some(o) => (true, o),
            None => (false, opt),
        };
        let (name, value) = match opt.split_once('=') {
            Some((n, v)) => (n.to_ascii_lowercase(), Some(v)),
            None => (opt.to_ascii_lowercase(), None),
        };
        match (name.as_str(), value) {
            ("third-party" | "3p", None) => f.party |= if negated { PARTY_FIRST } else { PARTY_THIRD },
            ("first-party" | "1p", None) => f.party |= if negated { PARTY_THIRD } else { PARTY_FIRST },
            ("strict3p" | "strict-third-party", None) if !negated => f.party |= PARTY_STRICT_THIRD,
            ("strict1p" | "strict-first-party", None) if !negated => f.party |= PARTY_STRICT_FIRST,
            ("important", None) if !negated => f.important = true,
            ("match-case", None) if !negated => f.match_case = true,
            ("badfilter", None) if !negated => f.badfilter = true,
            ("popup" | "popunder", None) => return Line::Skipped(Skip::Popup),
            ("domain" | "from", Some(v)) if !negated => {
                for d in v.split('|').map(str::trim).filter(|d| !d.is_empty()) {
                    let (neg, d) = match d.strip_prefix('~') {
                        Some(d) => (true, d),
                        None => (false, d),
                    };
                    let ok = d.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'*'))
                        && (!d.contains('*') || (d.ends_with(".*") && !d[..d.len() - 2].contains('*')));
                    if !ok {
                        return Line::Skipped(Skip::UnsupportedValue(name));
                    }
                    let d = d.to_ascii_lowercase();
                    if neg {
                        f.exclude_domains.push(d);
                    } else {
                        f.include_domains.push(d);
                    }
                }
            }
            ("redirect" | "rewrite", Some(_)) if !negated && !exception => f.redirect = true,
            ("empty" | "mp4", None) if !negated && !exception => f.redirect = true,
            (t, None) => match type_bit(t) {
                Some(bit) if negated => negative_types |= bit,
                Some(bit) => positive_types |= bit,
                None => return Line::Skipped(Skip::UnsupportedOption(name)),
            },
            _ => return Line::Skipped(Skip::UnsupportedOption(name)),
        }
    }
    f.types = if positive_types != 0 {
        positive_types & !negative_types
    } else if negative_types != 0 {
        NETWORK_TYPES & !negative_types
    } else {
        NETWORK_TYPES
    };
    if f.types == 0 || (f.party & PARTY_FIRST != 0 && f.party & PARTY_THIRD != 0) {
        return Line::Skipped(Skip::MatchesNothing);
    }

    let mut p = raw_pattern;
    if p.len() >= 2 && p.starts_with('/') && p.ends_with('/') {
        let source = &p[1..p.len() - 1];
        let Ok(re) = regex::RegexBuilder::new(source).size_limit(1 << 20).build() else {
            return Line::Skipped(Skip::InvalidRegex);
        };
        let unrestricted = f.include_domains.is_empty() && f.exclude_domains.is_empty() && f.party == 0 && f.types == NETWORK_TYPES;
        if re.is_match("") && unrestricted {
            return Line::Skipped(Skip::MatchesEverything); // `//`, `/.*/`, `/^/`
        }
        f.regex = true;
        f.pattern = source.to_owned();
        return Line::Filter(Box::new(f));
    }
    if let Some(rest) = p.strip_prefix("||") {
        f.host_anchor = true;
        p = rest;
    } else if let Some(rest) = p.strip_prefix('|') {
        f.left_anchor = true;
        p = rest;
    }
    if let Some(rest) = p.strip_suffix('|') {
        f.right_anchor = true;
        p = rest;
    }
    let mut pattern = String::with_capacity(p.len());
    for c in p.chars() {
        if !(c == '*' && pattern.ends_with('*')) {
            pattern.push(c);
        }
    }
    if pattern.starts_with('*') {
        pattern.remove(0);
        f.left_anchor = false;
        // `||*foo` loses its host anchor too: the wildcard can start anywhere.
        f.host_anchor = false;
    }
    if pattern.ends_with('*') {
        pattern.pop();
        f.right_anchor = false;
    }
    if !f.match_case {
        pattern.make_ascii_lowercase();
    }
    f.pattern = pattern;
    let unrestricted = f.include_domains.is_empty() && f.exclude_domains.is_empty() && f.party == 0 && f.types == NETWORK_TYPES;
    if f.pattern.is_empty() && !f.host_anchor && !f.left_anchor && unrestricted {
        return Line::Skipped(Skip::MatchesEverything);
    }
    Line::Filter(Box::new(f))
}

impl NetworkFilter {
    /// The text a `$badfilter` names: this filter's text without its `badfilter` option.
    pub fn badfilter_target(&self) -> Option<String> {
        if !self.badfilter {
            return None;
        }
        let (exception, body) = match self.text.strip_prefix("@@") {
            Some(b) => ("@@", b),
            None => ("", self.text.as_str()),
        };
        let (pattern, options) = split_options(body);
        let kept: Vec<&str> =
            options.unwrap_or("").split(',').filter(|o| !o.trim().eq_ignore_ascii_case("badfilter") && !o.trim().is_empty()).collect();
        Some(if kept.is_empty() { format!("{exception}{pattern}") } else { format!("{exception}{pattern}${}", kept.join(",")) })
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
