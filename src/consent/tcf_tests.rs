//! Unit tests of the TC-string decoder: the specification's example, strings built field by field
//! with [`BitWriter`] (both vendor encodings, every segment, publisher restrictions), every error,
//! the policy problems, and properties: no panic on any input, `decode(encode(m)) == m`.

use proptest::collection::{btree_set, vec};
use proptest::prelude::*;

use super::*;

/// Builds one segment bit by bit, remembering each field as (name, first bit, length): the names
/// are those the decoder's errors use.
#[derive(Default)]
struct BitWriter {
    bits: Vec<bool>,
    fields: Vec<(String, usize, usize)>,
}

impl BitWriter {
    fn field(&mut self, name: &str, value: u64, n: usize) -> &mut Self {
        self.fields.push((name.to_owned(), self.bits.len(), n));
        self.bits.extend((0..n).rev().map(|i| (value >> i) & 1 == 1));
        self
    }

    fn flag(&mut self, name: &str, on: bool) -> &mut Self {
        self.field(name, u64::from(on), 1)
    }

    /// A bit field of `n` bits with the bits of `ids` (1-based) set.
    fn ids<T: Copy + Into<usize>>(&mut self, name: &str, ids: &[T], n: usize) -> &mut Self {
        self.fields.push((name.to_owned(), self.bits.len(), n));
        let start = self.bits.len();
        self.bits.resize(start + n, false);
        for &id in ids {
            self.bits[start + id.into() - 1] = true;
        }
        self
    }

    fn letters(&mut self, name: &str, s: &str) -> &mut Self {
        for b in s.bytes() {
            self.field(name, u64::from(b - b'A'), 6);
        }
        self
    }

    /// URL-safe base64, the last character padded with zero bits.
    fn base64(&self) -> String {
        const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let sextet = |chunk: &[bool]| (0..6).fold(0, |acc, i| (acc << 1) | usize::from(chunk.get(i) == Some(&true)));
        self.bits.chunks(6).map(|chunk| char::from(ALPHABET[sextet(chunk)])).collect()
    }
}

fn base64_bytes(bytes: &[u8]) -> String {
    let mut w = BitWriter::default();
    for &b in bytes {
        w.field("byte", b.into(), 8);
    }
    w.base64()
}

/// How the test encoder writes vendor sets.
#[derive(Clone, Copy, Debug)]
enum Encoding {
    BitField,
    Ranges,
}

/// The runs of consecutive ids.
fn runs(ids: &[u16]) -> Vec<VendorRange> {
    let mut out: Vec<VendorRange> = Vec::new();
    for &id in ids {
        match out.last_mut() {
            Some(last) if u32::from(last.end) + 1 == u32::from(id) => last.end = id,
            _ => out.push(VendorRange { start: id, end: id }),
        }
    }
    out
}

fn ranges<'a>(w: &'a mut BitWriter, field: &str, ranges: &[VendorRange]) -> &'a mut BitWriter {
    w.field(&format!("{field}: number of range entries"), ranges.len() as u64, 12);
    for (i, r) in ranges.iter().enumerate() {
        let name = format!("{field}: range entry {}", i + 1);
        w.flag(&name, r.start != r.end).field(&name, r.start.into(), 16);
        if r.start != r.end {
            w.field(&name, r.end.into(), 16);
        }
    }
    w
}

fn vendor_set(w: &mut BitWriter, field: &str, set: &VendorSet, encoding: Encoding) {
    w.field(&format!("{field}: max vendor id"), set.max_vendor_id.into(), 16);
    let is_range = &format!("{field}: is range encoding");
    match encoding {
        Encoding::BitField => w.flag(is_range, false).ids(&format!("{field}: bit field"), &set.ids, set.max_vendor_id.into()),
        Encoding::Ranges => ranges(w.flag(is_range, true), field, &runs(&set.ids)),
    };
}

/// The core fields before the vendor consent section.
fn core_head(c: &Core) -> BitWriter {
    let mut w = BitWriter::default();
    w.field("version", c.version.into(), 6)
        .field("created", c.created_ms / 100, 36)
        .field("last updated", c.last_updated_ms / 100, 36)
        .field("cmp id", c.cmp_id.into(), 12)
        .field("cmp version", c.cmp_version.into(), 12)
        .field("consent screen", c.consent_screen.into(), 6)
        .letters("consent language", &c.consent_language)
        .field("vendor list version", c.vendor_list_version.into(), 12)
        .field("tcf policy version", c.tcf_policy_version.into(), 6)
        .flag("is service specific", c.is_service_specific)
        .flag("use non-standard texts", c.use_non_standard_texts)
        .ids("special feature opt-ins", &c.special_feature_opt_ins, 12)
        .ids("purpose consents", &c.purpose_consents, 24)
        .ids("purpose legitimate interests", &c.purpose_legitimate_interests, 24)
        .flag("purpose one treatment", c.purpose_one_treatment)
        .letters("publisher country code", &c.publisher_country_code);
    w
}

fn core_bits(c: &Core, encoding: Encoding) -> BitWriter {
    let mut w = core_head(c);
    vendor_set(&mut w, "vendor consents", &c.vendor_consents, encoding);
    vendor_set(&mut w, "vendor legitimate interests", &c.vendor_legitimate_interests, encoding);
    w.field("publisher restrictions: number of restrictions", c.publisher_restrictions.len() as u64, 12);
    for (i, r) in c.publisher_restrictions.iter().enumerate() {
        let field = format!("publisher restriction {}", i + 1);
        w.field(&format!("{field}: purpose id"), r.purpose_id.into(), 6);
        w.field(&format!("{field}: restriction type"), r.restriction_type as u64, 2);
        ranges(&mut w, &field, &r.vendors);
    }
    w
}

fn vendors_segment(segment_type: u64, field: &str, set: &VendorSet, encoding: Encoding) -> BitWriter {
    let mut w = BitWriter::default();
    w.field("segment type", segment_type, 3);
    vendor_set(&mut w, field, set, encoding);
    w
}

fn publisher_bits(p: &PublisherTc) -> BitWriter {
    let mut w = BitWriter::default();
    let n = usize::from(p.num_custom_purposes);
    w.field("segment type", 3, 3)
        .ids("purpose consents", &p.purpose_consents, 24)
        .ids("purpose legitimate interests", &p.purpose_legitimate_interests, 24)
        .field("number of custom purposes", p.num_custom_purposes.into(), 6)
        .ids("custom purpose consents", &p.custom_purpose_consents, n)
        .ids("custom purpose legitimate interests", &p.custom_purpose_legitimate_interests, n);
    w
}

/// Each segment of `tc`: core, disclosed vendors, allowed vendors, publisher TC.
fn segments(tc: &TcString, encoding: Encoding) -> Vec<(Segment, BitWriter)> {
    let mut out = vec![(Segment::Core, core_bits(&tc.core, encoding))];
    if let Some(set) = &tc.disclosed_vendors {
        out.push((Segment::DisclosedVendors, vendors_segment(1, "disclosed vendors", set, encoding)));
    }
    if let Some(set) = &tc.allowed_vendors {
        out.push((Segment::AllowedVendors, vendors_segment(2, "allowed vendors", set, encoding)));
    }
    if let Some(p) = &tc.publisher {
        out.push((Segment::PublisherTc, publisher_bits(p)));
    }
    out
}

fn encode(tc: &TcString, encoding: Encoding) -> String {
    segments(tc, encoding).iter().map(|(_, w)| w.base64()).collect::<Vec<_>>().join(".")
}

fn set(max_vendor_id: u16, ids: &[u16]) -> VendorSet {
    VendorSet { max_vendor_id, ids: ids.to_vec() }
}

fn range(start: u16, end: u16) -> VendorRange {
    VendorRange { start, end }
}

fn restriction(purpose_id: u8, restriction_type: RestrictionType, vendors: Vec<VendorRange>) -> PublisherRestriction {
    PublisherRestriction { purpose_id, restriction_type, vendors }
}

/// A string with every segment but allowed vendors, and a little of everything.
fn sample() -> TcString {
    TcString {
        core: Core {
            version: 2,
            created_ms: 1_748_908_800_000,
            last_updated_ms: 1_748_995_200_100,
            cmp_id: 300,
            cmp_version: 7,
            consent_screen: 3,
            consent_language: "FR".into(),
            vendor_list_version: 140,
            tcf_policy_version: 5,
            is_service_specific: true,
            use_non_standard_texts: true,
            special_feature_opt_ins: vec![1, 2],
            purpose_consents: vec![1, 2, 3, 7, 11],
            purpose_legitimate_interests: vec![2, 7, 8, 9, 10, 11],
            purpose_one_treatment: false,
            publisher_country_code: "DE".into(),
            vendor_consents: set(800, &[1, 2, 3, 4, 5, 10, 755, 800]),
            vendor_legitimate_interests: set(12, &[2, 3, 12]),
            publisher_restrictions: vec![
                restriction(2, RestrictionType::NotAllowed, vec![range(3, 3), range(10, 20)]),
                restriction(7, RestrictionType::RequireConsent, vec![range(755, 755)]),
            ],
        },
        disclosed_vendors: Some(set(900, &[1, 2, 3, 4, 5, 10, 12, 755, 800, 900])),
        allowed_vendors: None,
        publisher: Some(PublisherTc {
            purpose_consents: vec![1, 2],
            purpose_legitimate_interests: vec![7],
            num_custom_purposes: 3,
            custom_purpose_consents: vec![1, 3],
            custom_purpose_legitimate_interests: vec![2],
        }),
    }
}

fn invalid(input: &str) -> (Segment, String, String) {
    match decode(input) {
        Err(TcfError::Invalid { segment, field, reason, .. }) => (segment, field, reason),
        other => panic!("{input}: expected an invalid field, got {other:?}"),
    }
}

#[test]
fn the_specification_example_decodes() {
    let tc = decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA").expect("decodes");
    let c = &tc.core;
    // Bits 6..42: 17,489,088,000 deciseconds, 2025-06-03T00:00:00Z.
    assert_eq!((c.version, c.created_ms, c.last_updated_ms), (2, 1_748_908_800_000, 1_748_908_800_000));
    assert_eq!((c.cmp_id, c.cmp_version, c.consent_screen, c.consent_language.as_str()), (880, 0, 0, "EN"));
    assert_eq!((c.vendor_list_version, c.tcf_policy_version, c.is_service_specific, c.use_non_standard_texts), (48, 2, true, false));
    assert!(c.special_feature_opt_ins.is_empty() && c.purpose_consents.is_empty() && c.purpose_legitimate_interests.is_empty());
    assert_eq!((c.purpose_one_treatment, c.publisher_country_code.as_str()), (false, "DE"));
    assert_eq!(c.vendor_consents, set(4, &[1, 2, 3, 4]));
    assert_eq!(c.vendor_legitimate_interests, set(0, &[]));
    assert!(c.publisher_restrictions.is_empty());
    // Ranges 1-5, 100 and 404 of max 404.
    assert_eq!(tc.disclosed_vendors, Some(set(404, &[1, 2, 3, 4, 5, 100, 404])));
    assert_eq!(tc.allowed_vendors, None);
    assert_eq!(tc.publisher, Some(PublisherTc::default()));
    assert_eq!(tc.problems(), vec![Problem::OutdatedPolicyVersion { policy_version: 2 }]);
}

#[test]
fn both_encodings_and_every_segment_round_trip() {
    let mut tc = sample();
    tc.allowed_vendors = Some(set(20, &[4, 5, 6, 20]));
    let (fields, ranges) = (encode(&tc, Encoding::BitField), encode(&tc, Encoding::Ranges));
    assert_ne!(fields, ranges);
    assert_eq!(decode(&fields), Ok(tc.clone()));
    assert_eq!(decode(&ranges), Ok(tc.clone()));
    // Optional segments in any order; trailing bits, even set ones, are padding.
    let parts: Vec<&str> = fields.split('.').collect();
    assert_eq!(decode(&format!("{}A_.{}.{}.{}", parts[0], parts[3], parts[1], parts[2])), Ok(tc));
}

#[test]
fn lookups_and_restrictions() {
    let mut tc = sample();
    let c = &mut tc.core;
    assert!(c.purpose_consent(7) && !c.purpose_consent(4) && c.purpose_li(8) && !c.purpose_li(1));
    assert!(c.special_feature(2) && !c.special_feature(3));
    assert!(c.vendor_consent(755) && !c.vendor_consent(754) && c.vendor_li(12) && !c.vendor_li(0));
    assert_eq!(c.restriction(15, 2), Some(RestrictionType::NotAllowed));
    assert_eq!((c.restriction(21, 2), c.restriction(15, 7), c.restriction(755, 7)), (None, None, Some(RestrictionType::RequireConsent)));
    // Overlapping and adjacent ranges are merged; a second restriction of the purpose: lowest type.
    let mut w = core_head(c);
    vendor_set(&mut w, "vendor consents", &c.vendor_consents, Encoding::BitField);
    vendor_set(&mut w, "vendor legitimate interests", &c.vendor_legitimate_interests, Encoding::BitField);
    w.field("n", 2, 12).field("purpose", 7, 6).field("type", 2, 2);
    ranges(&mut w, "r", &[range(30, 40), range(5, 5), range(41, 41), range(35, 36), range(4, 4)]);
    w.field("purpose", 7, 6).field("type", 1, 2);
    ranges(&mut w, "r", &[range(40, 40)]);
    c.publisher_restrictions = vec![
        restriction(7, RestrictionType::RequireLegitimateInterest, vec![range(4, 5), range(30, 41)]),
        restriction(7, RestrictionType::RequireConsent, vec![range(40, 40)]),
    ];
    let decoded = decode(&w.base64()).expect("decodes");
    assert_eq!(decoded.core, tc.core);
    assert_eq!(decoded.core.restriction(40, 7), Some(RestrictionType::RequireConsent));
    assert_eq!(decoded.core.restriction(31, 7), Some(RestrictionType::RequireLegitimateInterest));
}

#[test]
fn huge_ranges_stay_bounded() {
    let mut c = sample().core;
    let mut w = core_head(&c);
    w.field("max", 65_535, 16).flag("range", true).field("n", 4095, 12);
    for _ in 0..4095 {
        w.flag("is range", true).field("start", 1, 16).field("end", 65_535, 16);
    }
    c.vendor_legitimate_interests = set(0, &[]);
    vendor_set(&mut w, "vendor legitimate interests", &c.vendor_legitimate_interests, Encoding::BitField);
    w.field("n", 4095, 12);
    for _ in 0..4095 {
        w.field("purpose", 1, 6).field("type", 0, 2).field("n", 1, 12).flag("is range", true).field("s", 1, 16).field("e", 65_535, 16);
    }
    let core = decode(&w.base64()).expect("decodes").core;
    assert_eq!(core.vendor_consents.ids.len(), 65_535);
    assert_eq!(core.publisher_restrictions.len(), 4095);
    assert!(core.publisher_restrictions.iter().all(|r| r.vendors == [range(1, 65_535)]));
}

#[test]
fn malformed_strings_are_refused() {
    let good = encode(&sample(), Encoding::Ranges);
    let core = good.split('.').next().unwrap_or_default().to_owned();
    assert_eq!(decode(""), Err(TcfError::Empty));
    assert_eq!(decode("..."), Err(TcfError::EmptySegment { number: 1 }));
    assert_eq!(decode(&format!("{core}.")), Err(TcfError::EmptySegment { number: 2 }));
    assert_eq!(decode(&format!("{core}==")), Err(TcfError::InvalidChar { ch: '=', index: core.len() }));
    assert_eq!(decode("CPé"), Err(TcfError::InvalidChar { ch: 'é', index: 2 }));
    assert_eq!(decode(" CP"), Err(TcfError::InvalidChar { ch: ' ', index: 0 }));
    let version = |v: u8| {
        let mut c = sample().core;
        c.version = v;
        core_bits(&c, Encoding::BitField).base64()
    };
    assert_eq!(decode(&version(1)), Err(TcfError::UnsupportedVersion { version: 1 }));
    assert_eq!(decode(&version(3)), Err(TcfError::UnsupportedVersion { version: 3 }));
    assert_eq!(decode("IDKQA4AAgAKAGQAygAAA"), Err(TcfError::CoreNotFirst { found: Segment::DisclosedVendors }));
    for t in 4..8 {
        assert_eq!(
            decode(&format!("{core}.{}", BitWriter::default().field("t", t, 3).base64())),
            Err(TcfError::UnknownSegment { number: 2, segment_type: t as u8 })
        );
    }
    assert_eq!(decode(&format!("{core}.{core}")), Err(TcfError::RepeatedSegment { number: 2, segment: Segment::Core }));
    let disclosed = vendors_segment(1, "", &set(3, &[1]), Encoding::BitField).base64();
    assert_eq!(
        decode(&format!("{core}.{disclosed}.{disclosed}")),
        Err(TcfError::RepeatedSegment { number: 3, segment: Segment::DisclosedVendors })
    );
    assert_eq!(
        decode("CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.YAAAAAAAAAAA.YAAAAAAAAAAA"),
        Err(TcfError::RepeatedSegment { number: 3, segment: Segment::PublisherTc })
    );
}

#[test]
fn bad_fields_are_named() {
    let c = sample().core;
    // The vendor consents section, then vendor LI and restrictions: `section` writes the rest.
    let with = |section: &dyn Fn(&mut BitWriter)| {
        let mut w = core_head(&c);
        section(&mut w);
        w.field("vendor LI max", 0, 16).flag("bit field", false).field("restrictions", 0, 12);
        w.base64()
    };
    let entries = |w: &mut BitWriter, max: u64, entries: &[(u64, u64)]| {
        w.field("max", max, 16).flag("range", true).field("n", entries.len() as u64, 12);
        for &(start, end) in entries {
            w.flag("is range", true).field("start", start, 16).field("end", end, 16);
        }
    };
    let message = decode(&with(&|w| entries(w, 10, &[(1, 1), (4, 5), (9, 2)]))).expect_err("refused").to_string();
    assert_eq!(message, "core segment: vendor consents: range entry 3 ends at vendor 2 before it starts at 9 (bit 308)");
    let (segment, field, reason) = invalid(&with(&|w| entries(w, 10, &[(0, 3)])));
    assert_eq!(
        (segment, field.as_str(), reason.as_str()),
        (Segment::Core, "vendor consents", "range entry 1 starts at vendor 0 (vendor ids start at 1)")
    );
    let (_, _, reason) = invalid(&with(&|w| entries(w, 10, &[(2, 3), (5, 11)])));
    assert_eq!(reason, "range entry 2 reaches vendor 11, past max vendor id 10");
    let restricted = |purpose: u64, kind: u64, start: u64| {
        with(&|w| {
            w.field("max", 0, 16).flag("bit field", false);
            w.field("vendor LI max", 0, 16).flag("bit field", false).field("restrictions", 1, 12);
            w.field("purpose", purpose, 6).field("type", kind, 2).field("n", 1, 12).flag("single", false).field("id", start, 16);
        })
    };
    assert_eq!(decode(&restricted(3, 1, 9)).expect("decodes").core.restriction(9, 3), Some(RestrictionType::RequireConsent));
    let (_, field, reason) = invalid(&restricted(3, 3, 9));
    assert_eq!((field.as_str(), reason.as_str()), ("publisher restriction 1", "restriction type 3 is undefined (0, 1 or 2)"));
    assert_eq!(invalid(&restricted(0, 1, 9)).2, "purpose id 0 (purpose ids start at 1)");
    assert_eq!(invalid(&restricted(3, 1, 0)).2, "range entry 1 starts at vendor 0 (vendor ids start at 1)");
    let mut w = BitWriter::default();
    w.field("type", 2, 3);
    entries(&mut w, 10, &[(7, 6)]);
    let (segment, field, _) = invalid(&format!("{}.{}", encode(&sample(), Encoding::BitField), w.base64()));
    assert_eq!((segment, field.as_str()), (Segment::AllowedVendors, "allowed vendors"));
    let mut c = sample().core;
    c.consent_language = "E[".into();
    let (_, field, reason) = invalid(&core_bits(&c, Encoding::BitField).base64());
    assert_eq!((field.as_str(), reason.as_str()), ("consent language", "the second letter is 26, not a letter (0-25 for A-Z)"));
}

#[test]
fn truncation_names_the_field_cut() {
    let mut tc = sample();
    tc.allowed_vendors = Some(set(20, &[4, 5, 6, 20]));
    let mut cut_fields = std::collections::BTreeSet::new();
    for encoding in [Encoding::BitField, Encoding::Ranges] {
        for (segment, w) in segments(&tc, encoding) {
            let full = w.base64();
            for chars in 1..full.len() {
                // Whole characters: the first chars * 6 bits of the segment, no padding.
                let available = chars * 6;
                let Some((field, start, n)) = w.fields.iter().find(|(_, start, n)| start + n > available) else { continue };
                let input = match segment {
                    Segment::Core => full[..chars].to_owned(),
                    _ => format!("{}.{}", encode(&sample(), encoding).split('.').next().unwrap_or_default(), &full[..chars]),
                };
                let expected = TcfError::Truncated { segment, field: field.clone(), bit: *start, needed: *n, available: available - start };
                assert_eq!(decode(&input), Err(expected), "{input}");
                cut_fields.insert(field.clone());
            }
        }
    }
    let all: Vec<&str> = cut_fields.iter().map(String::as_str).collect();
    for field in
        ["created", "cmp id", "tcf policy version", "is service specific", "publisher country code", "purpose legitimate interests"]
    {
        assert!(all.contains(&field), "{field} never cut: {all:?}");
    }
    for field in ["vendor consents: bit field", "vendor consents: range entry 2", "vendor legitimate interests: max vendor id"] {
        assert!(all.contains(&field), "{field} never cut: {all:?}");
    }
    for field in ["publisher restriction 1: range entry 2", "publisher restriction 2: purpose id", "custom purpose legitimate interests"] {
        assert!(all.contains(&field), "{field} never cut: {all:?}");
    }
}

#[test]
fn problems_follow_the_policies() {
    assert_eq!(sample().problems(), vec![]);
    let mut tc = sample();
    tc.core.is_service_specific = false;
    tc.core.tcf_policy_version = 2;
    tc.core.purpose_legitimate_interests = vec![1, 2, 3, 6, 7];
    tc.disclosed_vendors = None;
    assert_eq!(
        tc.problems(),
        vec![
            Problem::NotServiceSpecific,
            Problem::OutdatedPolicyVersion { policy_version: 2 },
            Problem::ProhibitedLegitimateInterest { purpose: 1 },
            Problem::ProhibitedLegitimateInterest { purpose: 3 },
            Problem::ProhibitedLegitimateInterest { purpose: 6 },
        ]
    );
    // Before TCF 2.2 (policy 2, 2023-01-01) only purpose 1; after 2026-02-28 the disclosed vendors.
    tc.core.created_ms = 1_672_531_200_000;
    assert_eq!(tc.problems()[1..], [Problem::ProhibitedLegitimateInterest { purpose: 1 }]);
    tc.core.created_ms = DISCLOSED_VENDORS_REQUIRED_FROM_MS;
    assert_eq!(tc.problems().last(), Some(&Problem::MissingDisclosedVendors));
    tc.core.created_ms -= 100;
    assert_ne!(tc.problems().last(), Some(&Problem::MissingDisclosedVendors));
    assert!(tc.problems().iter().all(|p| p.to_string().ends_with('.')));
}

#[test]
fn serializes_in_camel_case() {
    let json = serde_json::to_value(sample()).expect("serializes");
    assert_eq!(json["core"]["createdMs"], 1_748_908_800_000_u64);
    assert_eq!(json["core"]["specialFeatureOptIns"], serde_json::json!([1, 2]));
    assert_eq!(json["core"]["vendorLegitimateInterests"], serde_json::json!({"maxVendorId": 12, "ids": [2, 3, 12]}));
    assert_eq!(json["core"]["publisherRestrictions"][1]["restrictionType"], "requireConsent");
    assert_eq!(json["publisher"]["numCustomPurposes"], 3);
    assert_eq!(json["allowedVendors"], serde_json::Value::Null);
    let problem = serde_json::to_value(Problem::ProhibitedLegitimateInterest { purpose: 4 }).expect("serializes");
    assert_eq!(problem["kind"], "prohibitedLegitimateInterest");
    assert_eq!(problem["purpose"], 4);
    assert!(problem["message"].as_str().unwrap_or_default().starts_with("Purpose 4 "));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn small_ids(n: u8) -> BoxedStrategy<Vec<u8>> {
    if n == 0 {
        return Just(vec![]).boxed();
    }
    btree_set(1..=n, 0..=usize::from(n)).prop_map(|s| s.into_iter().collect()).boxed()
}

/// Ids in `1..=max` as runs, so that range encodings have ranges.
fn vendor_ids(max: u16) -> impl Strategy<Value = Vec<u16>> {
    vec((1..=max, 0u16..30), 0..8).prop_map(move |runs| {
        let mut ids: Vec<u16> = runs.into_iter().flat_map(|(start, len)| start..=start.saturating_add(len).min(max)).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    })
}

fn vendor_set_strategy() -> impl Strategy<Value = VendorSet> {
    prop_oneof![Just(0u16), 1u16..64, 1u16..3000, Just(u16::MAX)].prop_flat_map(|max| match max {
        0 => Just(VendorSet::default()).boxed(),
        _ => vendor_ids(max).prop_map(move |ids| VendorSet { max_vendor_id: max, ids }).boxed(),
    })
}

fn restriction_strategy() -> impl Strategy<Value = PublisherRestriction> {
    let kind = prop_oneof![
        Just(RestrictionType::NotAllowed),
        Just(RestrictionType::RequireConsent),
        Just(RestrictionType::RequireLegitimateInterest)
    ];
    (1u8..64, kind, vendor_ids(u16::MAX)).prop_map(|(purpose_id, restriction_type, ids)| PublisherRestriction {
        purpose_id,
        restriction_type,
        vendors: runs(&ids),
    })
}

fn core_strategy() -> impl Strategy<Value = Core> {
    let header = (0..1u64 << 36, 0..1u64 << 36, 0..4096u16, 0..4096u16, 0..64u8, "[A-Z]{2}", 0..4096u16, 0..64u8);
    let choices = (any::<[bool; 3]>(), small_ids(12), small_ids(24), small_ids(24), "[A-Z]{2}");
    let vendors = (vendor_set_strategy(), vendor_set_strategy(), vec(restriction_strategy(), 0..4));
    (header, choices, vendors).prop_map(|(h, c, v)| Core {
        version: 2,
        created_ms: h.0 * 100,
        last_updated_ms: h.1 * 100,
        cmp_id: h.2,
        cmp_version: h.3,
        consent_screen: h.4,
        consent_language: h.5,
        vendor_list_version: h.6,
        tcf_policy_version: h.7,
        is_service_specific: c.0[0],
        use_non_standard_texts: c.0[1],
        special_feature_opt_ins: c.1,
        purpose_consents: c.2,
        purpose_legitimate_interests: c.3,
        purpose_one_treatment: c.0[2],
        publisher_country_code: c.4,
        vendor_consents: v.0,
        vendor_legitimate_interests: v.1,
        publisher_restrictions: v.2,
    })
}

fn publisher_strategy() -> impl Strategy<Value = PublisherTc> {
    (small_ids(24), small_ids(24), 0u8..64).prop_flat_map(|(consents, li, n)| {
        (small_ids(n), small_ids(n)).prop_map(move |(custom_consents, custom_li)| PublisherTc {
            purpose_consents: consents.clone(),
            purpose_legitimate_interests: li.clone(),
            num_custom_purposes: n,
            custom_purpose_consents: custom_consents,
            custom_purpose_legitimate_interests: custom_li,
        })
    })
}

fn tc_strategy() -> impl Strategy<Value = TcString> {
    let optional_set = || proptest::option::of(vendor_set_strategy());
    (core_strategy(), optional_set(), optional_set(), proptest::option::of(publisher_strategy()))
        .prop_map(|(core, disclosed_vendors, allowed_vendors, publisher)| TcString { core, disclosed_vendors, allowed_vendors, publisher })
}

/// Decodes without panicking, and whatever decodes can be checked and serialized.
fn exercise(input: &str) {
    if let Ok(tc) = decode(input) {
        let _ = tc.problems();
        serde_json::to_string(&tc).expect("serializes");
    }
}

proptest! {
    #![proptest_config(config(1_000))]

    #[test]
    fn any_string_is_safe(s in prop_oneof![any::<String>(), "[A-Za-z0-9_.=-]{0,120}", "C[A-Za-z0-9_-]{40,200}(\\.[A-Za-z0-9_-]{1,60}){0,4}"]) {
        exercise(&s);
    }

    #[test]
    fn any_bytes_are_safe(segments in vec(vec(any::<u8>(), 0..400), 1..5), version_2 in any::<bool>()) {
        let mut encoded: Vec<String> = segments.iter().map(|s| base64_bytes(s)).collect();
        if version_2 {
            encoded[0].insert(0, 'C');
        }
        exercise(&encoded.join("."));
    }

    #[test]
    fn mutated_strings_are_safe(tc in tc_strategy(), edits in vec((any::<prop::sample::Index>(), "[A-Za-z0-9_.-]"), 1..4)) {
        let mut s: Vec<char> = encode(&tc, Encoding::Ranges).chars().collect();
        for (at, replacement) in edits {
            let i = at.index(s.len());
            s[i] = replacement.chars().next().unwrap_or('A');
        }
        exercise(&s.into_iter().collect::<String>());
    }
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn decode_inverts_encode(tc in tc_strategy()) {
        prop_assert_eq!(decode(&encode(&tc, Encoding::BitField)), Ok(tc.clone()));
        prop_assert_eq!(decode(&encode(&tc, Encoding::Ranges)), Ok(tc));
    }
}
