//! The Public Suffix List as data (`src/suffix.rs`) against the `psl` crate, which compiles the
//! same list into code: every rule, in both its written and its punycode form, under one and two
//! extra labels, and the exception and wildcard cases, give the same registrable domain.

use trustledger::site::registrable_domain;

const RULES: &str = include_str!("../data/public-suffix-rules.txt");

/// The `psl` crate's answer, as `registrable_domain` gives it: the domain, or the host whole
/// when it is itself a public suffix.
fn oracle(host: &str) -> String {
    psl::domain_str(host).unwrap_or(host).to_owned()
}

#[test]
fn every_rule_agrees_with_the_psl_crate() {
    let mut checked = 0;
    let mut differ = Vec::new();
    for rule in RULES.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")) {
        let name = rule.trim_start_matches('!').replace('*', "wild");
        for host in [name.clone(), format!("site.{name}"), format!("www.site.{name}")] {
            checked += 1;
            let (ours, theirs) = (registrable_domain(&host).to_owned(), oracle(&host));
            if ours != theirs {
                differ.push(format!("{host}: ours {ours}, psl {theirs}"));
            }
        }
    }
    assert!(checked > 30_000);
    assert!(differ.is_empty(), "{} of {checked} differ, e.g. {:?}", differ.len(), &differ[..differ.len().min(10)]);
}

#[test]
fn every_rule_in_punycode_agrees_with_the_psl_crate() {
    let punycode: Vec<String> = trustledger::suffix::all_rules().filter(|r| r.contains("xn--")).collect();
    assert!(punycode.len() > 400, "the internationalised rules have their punycode form");
    for rule in punycode {
        let name = rule.trim_start_matches('!').replace('*', "wild");
        for host in [name.clone(), format!("site.{name}")] {
            assert_eq!(registrable_domain(&host), oracle(&host), "{host}");
        }
    }
}

#[test]
fn punycode_hosts_agree_with_the_psl_crate() {
    for host in ["shop.xn--55qx5d.cn", "www.xn--fiqs8s", "a.b.xn--0trq7p7nn.jp", "example.xn--p1ai", "xn--e1afmkfd.xn--p1ai"] {
        assert_eq!(registrable_domain(host), oracle(host), "{host}");
    }
}
