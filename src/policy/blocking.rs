//! Blocking by tracker category in the browser itself: the declarativeNetRequest `block` rules
//! that carry out the terms' `blocking` and its per-site exceptions, built from TrackerDB's
//! filters ([`crate::engine::Engine::tracker_filters_by_category`]).
//!
//! **Rule shape.** Each filter converts exactly or not at all (`convert.rs`): `||host^`
//! filters become one rule per category and option combination whose `requestDomains` lists
//! the hosts; every other filter becomes one `urlFilter` rule. No rule matches `main_frame`, so
//! the page the person navigated to is never blocked.
//!
//! **Exceptions.** A category blocked by default gets `excludedTopDomains`: the sites whose
//! exception lets it through. A category blocked only on some sites gets `topDomains`: those
//! sites. Both match the top-level site of the frame tree (Chrome 141+), so a cross-site iframe
//! on an excepted page follows that page, as the GPC rule does. A filter's `$domain=` stays as
//! `initiatorDomains`: DNR requires both conditions, which is what the filter and the terms
//! together mean (the filter applies to requests made by those frames, the terms to pages of
//! those sites). Both can always hold at once, since a frame of one site can sit in a page of
//! another, so no combination is dropped.
//!
//! **Ids and priority.** Rules are numbered from [`BLOCKING_RULE_IDS`]`.start` in output order,
//! disjoint from the GPC rule (id 1); the extension replaces every dynamic rule in that range.
//! They have priority [`BLOCKING_PRIORITY`], far below the GPC rule's 40,000: a `block` and a
//! `modifyHeaders` never compete (a blocked request sends no headers), but an `allow` rule of
//! higher priority than the GPC rule would remove the header, so any allow rule added later must
//! fit between the two.
//!
//! **Chrome's limits.** At most [`MAX_DYNAMIC_RULES`] dynamic rules (Chrome 121+, verified in
//! Chromium 156, standards.md §7.1), GPC rule included, and [`MAX_REGEX_RULES`] regex rules
//! (none are made). `block` is a "safe" action: the 5,000 cap on unsafe rules does not apply.
//! Every condition is one Chrome accepts: domain lists non-empty, of lower-case ASCII hosts
//! without wildcards; `urlFilter` ASCII. Rules are added a whole category at a time, in
//! [`TrackerCategory::ALL`] order; a category that does not fit the budget is left out
//! entirely and named in [`BlockingPlan::cut`], never truncated silently.
//!
//! Invariants: the output depends only on the terms, the filters and the budget (categories in
//! order, host groups then URL filters, each sorted and deduplicated).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;

use super::convert::convert;
use super::enforce::{DnrAction, DnrCondition, DnrRule};
use super::{sites, Terms, TrackerCategory};
use crate::engine::CategoryFilter;

/// The dynamic rule ids blocking may use: remove every id in this range, then add the plan's.
pub const BLOCKING_RULE_IDS: Range<u32> = 1_000..31_000;

/// The block rules' priority (below the GPC rule's [`super::enforce::GPC_PRIORITY`]).
pub const BLOCKING_PRIORITY: u32 = 100;

/// Chrome's `MAX_NUMBER_OF_DYNAMIC_RULES` (since Chrome 121).
pub const MAX_DYNAMIC_RULES: usize = 30_000;

/// Chrome's `MAX_NUMBER_OF_REGEX_RULES`; the plan uses none.
pub const MAX_REGEX_RULES: usize = 1_000;

/// What blocking by category needs from the browser, and what could not be carried out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockingPlan {
    /// The rules, ids from [`BLOCKING_RULE_IDS`] in order (left out of the JSON once moved into
    /// [`DynamicRules::rules`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<DnrRule>,
    /// Rules per category id, for the categories the plan blocks.
    pub per_category: BTreeMap<String, usize>,
    /// TrackerDB filters converted per category id (several may share a rule).
    pub converted: BTreeMap<String, usize>,
    /// Filters of the blocked categories that have no exact DNR form, in input order.
    pub skipped: Vec<SkippedFilter>,
    /// Categories the terms block somewhere that were left out for the budget.
    pub cut: Vec<CutCategory>,
}

/// Every declarativeNetRequest dynamic rule the terms need, complete: the extension replaces all
/// its dynamic rules with `rules`. `blocking` says what blocking carried out and what it could not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamicRules {
    /// The GPC header rule, the GPC marks, then the block rules.
    pub rules: Vec<DnrRule>,
    pub blocking: BlockingPlan,
}

/// A filter left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedFilter {
    pub filter: String,
    pub category: String,
    pub reason: String,
}

/// A category that would have needed `rules` rules more than the budget had left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CutCategory {
    pub category: String,
    pub rules: usize,
}

/// Where a category's rules apply: (`topDomains`, `excludedTopDomains`).
type Scope = (Option<Vec<String>>, Option<Vec<String>>);

impl Terms {
    /// All the dynamic rules: [`Terms::gpc_rules`], [`Terms::gpc_mark_rules`] and
    /// [`Terms::blocking_rules`] from `filters` within Chrome's limit.
    pub fn dynamic_rules(&self, filters: &[CategoryFilter<'_>]) -> DynamicRules {
        let mut blocking = self.blocking_rules(filters, MAX_DYNAMIC_RULES);
        let mut rules = self.gpc_rules();
        rules.extend(self.gpc_mark_rules());
        rules.append(&mut blocking.rules);
        DynamicRules { rules, blocking }
    }

    /// The declarativeNetRequest rules that block the categories the terms refuse, from
    /// `filters` (TrackerDB's, by category), in at most `max_rules` rules — and never more than
    /// Chrome's dynamic rule limit leaves beside [`Terms::gpc_rules`]. Apply with
    /// `updateDynamicRules({removeRuleIds: <ids in BLOCKING_RULE_IDS>, addRules: plan.rules})`.
    pub fn blocking_rules(&self, filters: &[CategoryFilter<'_>], max_rules: usize) -> BlockingPlan {
        let budget = max_rules
            .min(MAX_DYNAMIC_RULES.saturating_sub(self.gpc_rules().len() + self.gpc_mark_rules().len()))
            .min(BLOCKING_RULE_IDS.len());
        let mut plan = BlockingPlan::default();
        let mut conditions: Vec<DnrCondition> = Vec::new();
        for &category in TrackerCategory::ALL {
            let Some((top, excluded_top)) = self.blocking_scope(category) else { continue };
            let key = category.key();
            let mut hosts: BTreeMap<DnrCondition, BTreeSet<String>> = BTreeMap::new();
            let mut urls: BTreeSet<DnrCondition> = BTreeSet::new();
            let mut converted = 0;
            for f in filters.iter().filter(|f| f.category == key) {
                match convert(&f.filter) {
                    Ok(c) => {
                        converted += 1;
                        if let Some(host) = c.request_domain {
                            hosts.entry(c.condition).or_default().insert(host);
                        } else {
                            urls.insert(c.condition);
                        }
                    }
                    Err(reason) => plan.skipped.push(SkippedFilter { filter: f.filter.to_string(), category: key.to_owned(), reason }),
                }
            }
            plan.converted.insert(key.to_owned(), converted);
            let grouped = hosts.into_iter().map(|(c, hosts)| DnrCondition { request_domains: Some(outermost(hosts)), ..c });
            let mut rules: Vec<DnrCondition> = grouped.chain(urls).collect();
            if rules.is_empty() {
                continue;
            }
            if conditions.len() + rules.len() > budget {
                plan.cut.push(CutCategory { category: key.to_owned(), rules: rules.len() });
                continue;
            }
            for c in &mut rules {
                c.top_domains.clone_from(&top);
                c.excluded_top_domains.clone_from(&excluded_top);
            }
            plan.per_category.insert(key.to_owned(), rules.len());
            conditions.extend(rules);
        }
        plan.rules = conditions
            .into_iter()
            .zip(BLOCKING_RULE_IDS)
            .map(|(condition, id)| DnrRule {
                id,
                priority: BLOCKING_PRIORITY,
                action: DnrAction { kind: "block", request_headers: Vec::new(), response_headers: Vec::new() },
                condition,
            })
            .collect();
        plan
    }

    /// Where `category` is blocked, as top-domain conditions: `None` when nowhere; else the sites
    /// that let it through (`excludedTopDomains`, when blocked by default) or the only sites
    /// that block it (`topDomains`). A site `validate` would refuse is left out, so that one bad
    /// name in terms edited in code cannot make Chrome refuse the whole update.
    fn blocking_scope(&self, category: TrackerCategory) -> Option<Scope> {
        let default = self.blocking.contains(&category);
        let sites: Vec<String> = self
            .exceptions
            .iter()
            .filter(|(site, e)| e.blocking.get(&category).is_some_and(|&b| b != default) && sites::check(site).is_ok())
            .map(|(site, _)| site.clone())
            .collect();
        match (default, sites.is_empty()) {
            (true, true) => Some((None, None)),
            (true, false) => Some((None, Some(sites))),
            (false, true) => None,
            (false, false) => Some((Some(sites), None)),
        }
    }
}

/// The hosts without those already covered by another of them (`requestDomains` matches
/// subdomains), sorted.
fn outermost(hosts: BTreeSet<String>) -> Vec<String> {
    let covered = |h: &str| h.match_indices('.').any(|(i, _)| hosts.contains(&h[i + 1..]));
    hosts.iter().filter(|h| !covered(h)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filters<'a>(rows: &[(&'a str, &'a str)]) -> Vec<CategoryFilter<'a>> {
        rows.iter()
            .enumerate()
            .map(|(i, &(filter, category))| CategoryFilter {
                filter: filter.into(),
                line: i as u32 + 1,
                category,
                pattern: "p",
                organization: "o",
            })
            .collect()
    }

    const ROWS: &[(&str, &str)] = &[
        ("||mmtro.com^$3p", "advertising"),
        ("||b.example^$3p", "advertising"),
        ("||x.b.example^$3p", "advertising"),
        ("||c.example^", "advertising"),
        ("||sync.1dmp.io/pixel.gif", "advertising"),
        ("||sync.1dmp.io/pixel.gif", "advertising"),
        ("/^https:\\/\\/ads\\./", "advertising"),
        ("||ga.example^$3p", "site_analytics"),
        ("/collect?v=$image", "site_analytics"),
        ("||fb.example^$3p", "social_media"),
    ];

    fn with(blocking: &[TrackerCategory], exceptions: &[(&str, TrackerCategory, bool)]) -> Terms {
        let mut t = Terms { blocking: blocking.iter().copied().collect(), ..Terms::default() };
        for &(site, category, block) in exceptions {
            t.exceptions.entry(site.into()).or_default().blocking.insert(category, block);
        }
        t
    }

    #[test]
    fn rules_in_chromes_shape() {
        let plan = with(&[TrackerCategory::Advertising], &[]).blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES);
        let block = json!({"type": "block"});
        assert_eq!(
            serde_json::to_value(&plan.rules).expect("serialises"),
            json!([
                {"id": 1000, "priority": 100, "action": block, "condition": {"requestDomains": ["c.example"]}},
                {"id": 1001, "priority": 100, "action": block,
                 "condition": {"requestDomains": ["b.example", "mmtro.com"], "domainType": "thirdParty"}},
                {"id": 1002, "priority": 100, "action": block, "condition": {"urlFilter": "||sync.1dmp.io/pixel.gif"}},
            ])
        );
        assert_eq!(plan.per_category, [("advertising".to_owned(), 3)].into());
        assert_eq!(plan.converted, [("advertising".to_owned(), 6)].into());
        assert_eq!(plan.skipped.len(), 1);
        assert!(plan.skipped[0].reason.starts_with("regex filter") && plan.skipped[0].category == "advertising");
        assert!(plan.cut.is_empty());
        let json = serde_json::to_value(&plan).expect("serialises");
        assert!(json["perCategory"].is_object() && json["skipped"][0]["filter"].is_string(), "{json}");
    }

    #[test]
    fn exceptions_become_top_domains() {
        use TrackerCategory::*;
        let t = with(
            &[Advertising],
            &[("bank.example", Advertising, false), ("news.example", SiteAnalytics, true), ("a.example", SiteAnalytics, true)],
        );
        let plan = t.blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES);
        assert_eq!(plan.per_category, [("advertising".to_owned(), 3), ("site_analytics".to_owned(), 2)].into());
        let (ads, analytics) = plan.rules.split_at(3);
        let sites = |s: &[&str]| Some(s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        for r in ads {
            assert_eq!((&r.condition.top_domains, &r.condition.excluded_top_domains), (&None, &sites(&["bank.example"])));
        }
        for r in analytics {
            assert_eq!((&r.condition.top_domains, &r.condition.excluded_top_domains), (&sites(&["a.example", "news.example"]), &None));
        }
        assert_eq!(analytics[1].condition.resource_types, ["image"]);
        // An exception that repeats the default changes nothing; a site the terms would refuse is
        // left out.
        let same = with(&[Advertising], &[("bank.example", Advertising, true), ("Bad.Example", SiteAnalytics, true)]);
        let plan = same.blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES);
        assert!(plan.rules.iter().all(|r| r.condition.top_domains.is_none() && r.condition.excluded_top_domains.is_none()));
        assert_eq!(plan.per_category.len(), 1);
        assert!(with(&[], &[]).blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES) == BlockingPlan::default());
    }

    #[test]
    fn output_is_deterministic_whatever_the_input_order() {
        let t =
            with(&[TrackerCategory::Advertising, TrackerCategory::SocialMedia], &[("bank.example", TrackerCategory::Advertising, false)]);
        let plan = t.blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES);
        let mut reversed: Vec<(&str, &str)> = ROWS.to_vec();
        reversed.reverse();
        assert_eq!(t.blocking_rules(&filters(&reversed), MAX_DYNAMIC_RULES).rules, plan.rules);
        assert_eq!(t.blocking_rules(&filters(ROWS), MAX_DYNAMIC_RULES), plan);
        let ids: Vec<u32> = plan.rules.iter().map(|r| r.id).collect();
        assert_eq!(ids, (1000..1000 + plan.rules.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn the_budget_cuts_whole_categories_and_says_so() {
        use TrackerCategory::*;
        let t = with(&[Advertising, SiteAnalytics, SocialMedia], &[]);
        let plan = t.blocking_rules(&filters(ROWS), 3);
        // Advertising (3 rules) fits, site analytics (2) does not, social media (1) no longer does.
        assert_eq!(plan.per_category, [("advertising".to_owned(), 3)].into());
        assert_eq!(
            plan.cut,
            [CutCategory { category: "site_analytics".into(), rules: 2 }, CutCategory { category: "social_media".into(), rules: 1 }]
        );
        let plan = t.blocking_rules(&filters(ROWS), 4);
        assert_eq!(plan.per_category.keys().collect::<Vec<_>>(), ["advertising", "social_media"]);
        assert_eq!(plan.rules.len(), 4);
        assert_eq!(t.blocking_rules(&filters(ROWS), 0).cut.len(), 3);
        // Chrome's limit holds whatever the budget asked for.
        assert!(t.blocking_rules(&filters(ROWS), usize::MAX).cut.is_empty());
    }

    #[test]
    fn chromes_limit_holds_whatever_the_budget() {
        // One rule short of Chrome's limit: the GPC mark rule is always there.
        let texts: Vec<String> = (0..MAX_DYNAMIC_RULES - 1).map(|i| format!("/t{i}.gif")).collect();
        let many: Vec<CategoryFilter<'_>> = texts
            .iter()
            .map(|t| CategoryFilter { filter: t.as_str().into(), line: 1, category: "advertising", pattern: "p", organization: "o" })
            .collect();
        let mut t = with(&[TrackerCategory::Advertising], &[]);
        let plan = t.blocking_rules(&many, usize::MAX);
        assert_eq!((plan.rules.len(), plan.cut[0].rules), (0, MAX_DYNAMIC_RULES - 1), "the GPC rule and its mark take two of the 30,000");
        t.signals.gpc = false;
        let plan = t.blocking_rules(&many, usize::MAX);
        assert_eq!(plan.rules.len(), MAX_DYNAMIC_RULES - 1);
        assert_eq!(plan.rules.last().map(|r| r.id), Some(BLOCKING_RULE_IDS.end - 2));
    }

    #[test]
    fn nested_hosts_are_listed_once() {
        let hosts: BTreeSet<String> = ["a.example", "x.a.example", "y.x.a.example", "b.example", "ba.example"].map(String::from).into();
        assert_eq!(outermost(hosts), ["a.example", "b.example", "ba.example"]);
    }
}
