//! EasyPrivacy's vendor sections. Its first-party (CNAME-cloaked) rules such as
//! `||a.1800gotjunk.com^` name their vendor only in the section they sit under
//! (`! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***`): this table turns the
//! section file into the vendor, its TrackerDB organisation where TrackerDB has one, and a category.

/// A vendor named by a list section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SectionVendor {
    /// Display name, used when TrackerDB is not loaded or lacks the organisation.
    pub name: &'static str,
    /// TrackerDB organisation id, when TrackerDB has this vendor.
    pub trackerdb_org: Option<&'static str>,
    /// TrackerDB category id.
    pub category: &'static str,
}

const fn v(name: &'static str, org: Option<&'static str>, category: &'static str) -> SectionVendor {
    SectionVendor { name, trackerdb_org: org, category }
}

/// Section slug (the part after `_cname_`, or a named tracking-server section) → vendor.
const VENDORS: &[(&str, SectionVendor)] = &[
    ("a8net", v("A8.net", None, "advertising")),
    ("acton", v("Act-On", Some("act-on"), "customer_interaction")),
    ("ad-ebis", v("AD EBiS", Some("ad_ebis"), "site_analytics")),
    ("adobe", v("Adobe", Some("adobe"), "site_analytics")),
    ("admiral", v("Admiral", None, "advertising")),
    ("at-internet", v("AT Internet", Some("at_internet"), "site_analytics")),
    ("branch", v("Branch Metrics", Some("branch_metrics_inc"), "advertising")),
    ("commanders-act", v("Commanders Act", Some("tag_commander"), "site_analytics")),
    ("criteo", v("Criteo", Some("criteo"), "advertising")),
    ("dataunlocker", v("DataUnlocker", None, "site_analytics")),
    ("eulerian", v("Eulerian Technologies", Some("eulerian"), "site_analytics")),
    ("ingenious-technologies", v("Ingenious Technologies", None, "advertising")),
    ("keyade", v("Keyade", None, "advertising")),
    ("lead-forensics", v("Lead Forensics", Some("lead_forensics"), "site_analytics")),
    ("np6", v("NP6", Some("np6"), "customer_interaction")),
    ("oracle", v("Oracle", Some("oracle"), "site_analytics")),
    ("otto", v("Otto Group", None, "advertising")),
    ("perimeterx", v("PerimeterX", None, "misc")),
    ("plausible", v("Plausible Insights", Some("plausible"), "site_analytics")),
    ("tracedock", v("TraceDock", None, "site_analytics")),
    ("webtrekk", v("Webtrekk", Some("webtrekk"), "site_analytics")),
    ("wizaly", v("Wizaly", None, "site_analytics")),
];

/// The vendor a section file names, e.g. `easyprivacy_specific_cname_adobe.txt` → Adobe,
/// `easyprivacy_trackingservers_admiral.txt` → Admiral. `None` for sections that are not about
/// one vendor (`easyprivacy_general.txt`, …).
pub fn section_vendor(section_file: &str) -> Option<SectionVendor> {
    let stem = section_file.rsplit('/').next()?.strip_suffix(".txt")?;
    let slug = stem
        .split_once("_cname_")
        .map(|(_, s)| s)
        .or_else(|| stem.strip_prefix("easyprivacy_trackingservers_"))
        .or_else(|| stem.strip_prefix("easyprivacy_specific_"))?;
    VENDORS.iter().find(|(s, _)| *s == slug).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_from_sections() {
        assert_eq!(section_vendor("easyprivacy/easyprivacy_specific_cname_adobe.txt").map(|v| v.name), Some("Adobe"));
        assert_eq!(section_vendor("easyprivacy_trackingservers_admiral.txt").map(|v| v.name), Some("Admiral"));
        assert_eq!(section_vendor("easyprivacy_specific_perimeterx.txt").map(|v| v.name), Some("PerimeterX"));
        assert_eq!(section_vendor("easyprivacy/easyprivacy_general.txt"), None);
        assert_eq!(section_vendor("easyprivacy_specific_uBO.txt"), None);
        assert_eq!(section_vendor("easyprivacy_trackingservers_general.txt"), None);
    }
}
