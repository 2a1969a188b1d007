//! The Public Suffix List as data: which part of a host is a public suffix (`co.uk`,
//! `github.io`), so that the registrable domain is the suffix and one label more.
//!
//! The rules come from `data/public-suffix-rules.txt` (the list the `psl` crate ships, ICANN
//! and private sections), turned by `build.rs` into three sorted tables — plain rules, wildcard
//! rules (`*.ck`) and exceptions (`!www.ck`) — with internationalised labels in punycode as well
//! as written. Looked up by binary search: no start-up cost, and the wasm module carries ~300 KB
//! of data instead of the ~1.8 MB of code a compiled-in matcher costs. The algorithm is the
//! list's own (<https://publicsuffix.org/list/>): an exception prevails; otherwise the longest
//! matching rule; otherwise the last label (the implicit `*` rule).

mod tables {
    include!(concat!(env!("OUT_DIR"), "/psl_rules.rs"));
}

fn listed(table: &[&str], name: &str) -> bool {
    table.binary_search(&name).is_ok()
}

/// The public suffix of a lower-case host without a trailing dot: always a suffix of `host`
/// starting at a label.
pub fn public_suffix(host: &str) -> &str {
    let mut longest = None;
    let mut start = 0;
    loop {
        let candidate = &host[start..];
        let parent = candidate.find('.').map(|dot| &candidate[dot + 1..]);
        if listed(tables::EXCEPTIONS, candidate) {
            // The exception's own first label is not part of the suffix.
            return parent.unwrap_or(candidate);
        }
        if longest.is_none() && (listed(tables::RULES, candidate) || parent.is_some_and(|p| listed(tables::WILDCARDS, p))) {
            longest = Some(start);
        }
        match parent {
            Some(p) => start = host.len() - p.len(),
            None => return longest.map_or(candidate, |s| &host[s..]),
        }
    }
}

/// Every rule as the tables hold it (`!`/`*.` prefixed back), for tests against other
/// implementations.
#[doc(hidden)]
pub fn all_rules() -> impl Iterator<Item = String> {
    let plain = tables::RULES.iter().map(|r| (*r).to_owned());
    let wild = tables::WILDCARDS.iter().map(|r| format!("*.{r}"));
    plain.chain(wild).chain(tables::EXCEPTIONS.iter().map(|r| format!("!{r}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_own_examples() {
        for (host, suffix) in [
            ("example.com", "com"),
            ("www.example.co.uk", "co.uk"),
            ("co.uk", "co.uk"),
            ("user.github.io", "github.io"),
            ("a.b.example.ck", "example.ck"),
            ("www.ck", "ck"),
            ("a.www.ck", "ck"),
            ("city.kawasaki.jp", "kawasaki.jp"),
            ("other.kawasaki.jp", "other.kawasaki.jp"),
            ("news.example", "example"),
            ("localhost", "localhost"),
            ("www.xn--fiqs8s", "xn--fiqs8s"),
            ("shop.xn--55qx5d.cn", "xn--55qx5d.cn"),
            ("shop.公司.cn", "公司.cn"),
        ] {
            assert_eq!(public_suffix(host), suffix, "{host}");
        }
    }

    #[test]
    fn the_tables_are_sorted_and_have_both_forms() {
        for table in [tables::RULES, tables::WILDCARDS, tables::EXCEPTIONS] {
            assert!(table.windows(2).all(|w| w[0] < w[1]));
        }
        assert!(tables::RULES.len() > 9000);
        assert!(listed(tables::RULES, "xn--55qx5d.cn") && listed(tables::RULES, "公司.cn"));
    }
}
