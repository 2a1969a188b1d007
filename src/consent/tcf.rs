//! IAB TCF v2 TC strings (TCF 2.2 and 2.3): decoding the consent record a site's consent
//! management platform (CMP) wrote, so the extension can check it against the person's terms.
//!
//! A TC string is URL-safe base64 (`A-Z a-z 0-9 - _`, no padding) in segments joined by `.`. Each
//! segment is a run of big-endian bit fields, numbered from 0 at the left; bits after the last field
//! are padding. The core segment comes first; the optional segments that may follow start with a
//! 3-bit type: 1 disclosed vendors, 2 allowed vendors (legacy), 3 publisher TC.
//!
//! [`decode`] reads a string into a [`TcString`] and refuses anything malformed with a
//! [`TcfError`] naming the segment, the field and the bit. Whether a well-formed string is
//! acceptable under the current policies is a separate question, answered by
//! [`TcString::problems`]. Nothing here panics, whatever the input, and no vendor set holds more
//! than 65,535 ids (publisher restrictions keep the ranges they were written as).
//!
//! Ids are 1-based: bit `i` (from 0) of a 24-bit purposes field is purpose `i + 1`. Sets of ids are
//! sorted, without repeats.

use std::fmt;

use serde::{Serialize, Serializer};

/// Strings created from this moment on (2023-10-01T00:00:00Z, i.e. after 2023-09-30) must carry
/// TCF policy version 4 or later (TCF 2.2), in milliseconds since the Unix epoch.
pub const POLICY_V4_REQUIRED_FROM_MS: u64 = 1_696_118_400_000;

/// Strings created from this moment on (2026-03-01T00:00:00Z, i.e. after 2026-02-28) must carry a
/// disclosed vendors segment (TCF 2.3), in milliseconds since the Unix epoch.
pub const DISCLOSED_VENDORS_REQUIRED_FROM_MS: u64 = 1_772_323_200_000;

/// The strings store times in deciseconds.
const MS_PER_DECISECOND: u64 = 100;

/// A decoded TC string: the core segment and the optional segments that followed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TcString {
    pub core: Core,
    /// The vendors the CMP disclosed to the person (required by TCF 2.3).
    pub disclosed_vendors: Option<VendorSet>,
    /// The vendors the publisher allows (a legacy segment for out-of-band consent).
    pub allowed_vendors: Option<VendorSet>,
    /// The publisher's own purposes and custom purposes.
    pub publisher: Option<PublisherTc>,
}

/// The core segment: the person's choices for purposes, special features and vendors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Core {
    /// The encoding version; always 2 (TCF 2.x).
    pub version: u8,
    /// When the string was first created, in milliseconds since the Unix epoch (the string stores
    /// deciseconds, so this is a multiple of 100).
    pub created_ms: u64,
    /// When the string was last updated, in milliseconds since the Unix epoch.
    pub last_updated_ms: u64,
    pub cmp_id: u16,
    pub cmp_version: u16,
    /// The CMP's own number for the screen the person saw.
    pub consent_screen: u8,
    /// Two upper-case letters (ISO 639-1), e.g. `EN`.
    pub consent_language: String,
    pub vendor_list_version: u16,
    /// 4 for TCF 2.2, 5 for TCF 2.3.
    pub tcf_policy_version: u8,
    pub is_service_specific: bool,
    pub use_non_standard_texts: bool,
    /// Special features the person opted in to.
    pub special_feature_opt_ins: Vec<u8>,
    /// Purposes the person consented to.
    pub purpose_consents: Vec<u8>,
    /// Purposes whose legitimate interest was disclosed and not objected to.
    pub purpose_legitimate_interests: Vec<u8>,
    /// Purpose 1 was not disclosed (the publisher's country does not require it).
    pub purpose_one_treatment: bool,
    /// Two upper-case letters (ISO 3166-1 alpha-2), e.g. `DE`; `AA` when unknown.
    pub publisher_country_code: String,
    pub vendor_consents: VendorSet,
    pub vendor_legitimate_interests: VendorSet,
    /// In the order the string lists them.
    pub publisher_restrictions: Vec<PublisherRestriction>,
}

/// A set of vendor ids, with the highest id the CMP declared for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorSet {
    /// The section's MaxVendorId: no id in `ids` is above it.
    pub max_vendor_id: u16,
    /// Sorted, without repeats, each in `1..=max_vendor_id`.
    pub ids: Vec<u16>,
}

/// Vendors `start..=end` (both included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorRange {
    pub start: u16,
    pub end: u16,
}

/// A publisher's restriction of one purpose for some vendors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublisherRestriction {
    pub purpose_id: u8,
    pub restriction_type: RestrictionType,
    /// Sorted, disjoint and not touching (overlapping or adjacent ranges of the string are merged).
    pub vendors: Vec<VendorRange>,
}

/// What a publisher restriction does to its purpose (type 3 is undefined and refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RestrictionType {
    /// 0: the purpose is not allowed for these vendors.
    NotAllowed,
    /// 1: the vendors may only rely on consent for it.
    RequireConsent,
    /// 2: the vendors may only rely on legitimate interest for it.
    RequireLegitimateInterest,
}

/// The publisher TC segment: the publisher's own purposes, and custom purposes `1..=n`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublisherTc {
    pub purpose_consents: Vec<u8>,
    pub purpose_legitimate_interests: Vec<u8>,
    pub num_custom_purposes: u8,
    pub custom_purpose_consents: Vec<u8>,
    pub custom_purpose_legitimate_interests: Vec<u8>,
}

/// The segments of a TC string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Segment {
    Core,
    DisclosedVendors,
    AllowedVendors,
    PublisherTc,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Core => "core segment",
            Segment::DisclosedVendors => "disclosed vendors segment",
            Segment::AllowedVendors => "allowed vendors segment",
            Segment::PublisherTc => "publisher TC segment",
        })
    }
}

/// Why a TC string could not be decoded. Segments are numbered from 1, characters and bits from 0.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TcfError {
    #[error("the TC string is empty")]
    Empty,
    #[error("character {ch:?} at index {index} is not URL-safe base64 (A-Z, a-z, 0-9, '-', '_') nor a segment separator '.'")]
    InvalidChar { ch: char, index: usize },
    #[error("segment {number} is empty")]
    EmptySegment { number: usize },
    #[error("core segment: version: version {version} is not supported (only version 2, TCF 2.x)")]
    UnsupportedVersion { version: u8 },
    #[error("segment 1 is a {found}, but the core segment must come first")]
    CoreNotFirst { found: Segment },
    #[error("segment {number}: segment type {segment_type} is unknown (1 disclosed vendors, 2 allowed vendors, 3 publisher TC)")]
    UnknownSegment { number: usize, segment_type: u8 },
    #[error("segment {number}: a second {segment}")]
    RepeatedSegment { number: usize, segment: Segment },
    #[error("{segment}: {field}: truncated at bit {bit}: {needed} bits needed, {available} left")]
    Truncated { segment: Segment, field: String, bit: usize, needed: usize, available: usize },
    #[error("{segment}: {field}: {reason} (bit {bit})")]
    Invalid { segment: Segment, field: String, bit: usize, reason: String },
}

/// A policy problem of a well-formed string: it decodes, but a CMP following the current TCF
/// policies would not have written it. `Display` (and the serialized `message`) is a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// IsServiceSpecific is 0: global scope is gone since TCF 2.2.
    NotServiceSpecific,
    /// Created after 2023-09-30 with a TCF policy version below 4.
    OutdatedPolicyVersion { policy_version: u8 },
    /// Legitimate interest set for purpose 1 (always), or 3 to 6 (since TCF 2.2).
    ProhibitedLegitimateInterest { purpose: u8 },
    /// Created after 2026-02-28 without a disclosed vendors segment (TCF 2.3).
    MissingDisclosedVendors,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Problem::NotServiceSpecific => {
                f.write_str("The string is global (IsServiceSpecific is 0); since TCF 2.2 every TC string must be service-specific.")
            }
            Problem::OutdatedPolicyVersion { policy_version } => write!(
                f,
                "The string was created after 2023-09-30 under TCF policy version {policy_version}; strings created since then must use policy version 4 (TCF 2.2) or later."
            ),
            Problem::ProhibitedLegitimateInterest { purpose: 1 } => {
                f.write_str("Purpose 1 (storing or accessing information on a device) is marked as allowed on legitimate interest; it may only be based on consent.")
            }
            Problem::ProhibitedLegitimateInterest { purpose } => write!(
                f,
                "Purpose {purpose} is marked as allowed on legitimate interest; since TCF 2.2 purposes 3 to 6 may only be based on consent."
            ),
            Problem::MissingDisclosedVendors => f.write_str(
                "The string was created after 2026-02-28 without a disclosed vendors segment, which TCF 2.3 requires.",
            ),
        }
    }
}

impl Serialize for Problem {
    /// `{kind, purpose?, policyVersion?, message}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct View {
            kind: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            purpose: Option<u8>,
            #[serde(skip_serializing_if = "Option::is_none")]
            policy_version: Option<u8>,
            message: String,
        }
        let (kind, purpose, policy_version) = match *self {
            Problem::NotServiceSpecific => ("notServiceSpecific", None, None),
            Problem::OutdatedPolicyVersion { policy_version } => ("outdatedPolicyVersion", None, Some(policy_version)),
            Problem::ProhibitedLegitimateInterest { purpose } => ("prohibitedLegitimateInterest", Some(purpose), None),
            Problem::MissingDisclosedVendors => ("missingDisclosedVendors", None, None),
        };
        View { kind, purpose, policy_version, message: self.to_string() }.serialize(serializer)
    }
}

impl TcString {
    /// The policy problems of this string, given when it says it was created (see [`Problem`]).
    pub fn problems(&self) -> Vec<Problem> {
        let core = &self.core;
        let mut problems = Vec::new();
        if !core.is_service_specific {
            problems.push(Problem::NotServiceSpecific);
        }
        let after_v22 = core.created_ms >= POLICY_V4_REQUIRED_FROM_MS;
        if after_v22 && core.tcf_policy_version < 4 {
            problems.push(Problem::OutdatedPolicyVersion { policy_version: core.tcf_policy_version });
        }
        let v22 = after_v22 || core.tcf_policy_version >= 4;
        for purpose in [1, 3, 4, 5, 6] {
            if core.purpose_li(purpose) && (purpose == 1 || v22) {
                problems.push(Problem::ProhibitedLegitimateInterest { purpose });
            }
        }
        if self.disclosed_vendors.is_none() && core.created_ms >= DISCLOSED_VENDORS_REQUIRED_FROM_MS {
            problems.push(Problem::MissingDisclosedVendors);
        }
        problems
    }
}

impl Core {
    /// Whether the person consented to purpose `id`.
    pub fn purpose_consent(&self, id: u8) -> bool {
        self.purpose_consents.binary_search(&id).is_ok()
    }

    /// Whether legitimate interest for purpose `id` was disclosed and not objected to.
    pub fn purpose_li(&self, id: u8) -> bool {
        self.purpose_legitimate_interests.binary_search(&id).is_ok()
    }

    /// Whether the person opted in to special feature `id`.
    pub fn special_feature(&self, id: u8) -> bool {
        self.special_feature_opt_ins.binary_search(&id).is_ok()
    }

    /// Whether the person consented to vendor `id`.
    pub fn vendor_consent(&self, id: u16) -> bool {
        self.vendor_consents.contains(id)
    }

    /// Whether vendor `id`'s legitimate interest was disclosed and not objected to.
    pub fn vendor_li(&self, id: u16) -> bool {
        self.vendor_legitimate_interests.contains(id)
    }

    /// The publisher's restriction of `purpose` for `vendor`, if any. Should a (malformed) string
    /// give several, the lowest type wins (not allowed first), as in the reference library.
    pub fn restriction(&self, vendor: u16, purpose: u8) -> Option<RestrictionType> {
        self.publisher_restrictions.iter().filter(|r| r.purpose_id == purpose && r.applies_to(vendor)).map(|r| r.restriction_type).min()
    }
}

impl VendorSet {
    /// Whether vendor `id` is in the set.
    pub fn contains(&self, id: u16) -> bool {
        self.ids.binary_search(&id).is_ok()
    }
}

impl PublisherRestriction {
    /// Whether the restriction covers vendor `id`.
    pub fn applies_to(&self, id: u16) -> bool {
        let after = self.vendors.partition_point(|r| r.end < id);
        self.vendors.get(after).is_some_and(|r| r.start <= id)
    }
}

/// Decodes a TC string (see the module documentation).
pub fn decode(s: &str) -> Result<TcString, TcfError> {
    if s.is_empty() {
        return Err(TcfError::Empty);
    }
    let segments = sextets(s)?;
    let mut segments = segments.iter().zip(1..);
    let (first, _) = segments.next().ok_or(TcfError::Empty)?;
    let mut tc =
        TcString { core: Reader::new(Segment::Core, first).core()?, disclosed_vendors: None, allowed_vendors: None, publisher: None };
    for (data, number) in segments {
        let mut reader = Reader::new(Segment::Core, data);
        let segment_type: u8 = reader.num(3, "segment type")?;
        reader.segment = match segment_type {
            0 => Segment::Core,
            1 => Segment::DisclosedVendors,
            2 => Segment::AllowedVendors,
            3 => Segment::PublisherTc,
            _ => return Err(TcfError::UnknownSegment { number, segment_type }),
        };
        match reader.segment {
            Segment::DisclosedVendors if tc.disclosed_vendors.is_none() => {
                tc.disclosed_vendors = Some(reader.vendor_set("disclosed vendors")?)
            }
            Segment::AllowedVendors if tc.allowed_vendors.is_none() => tc.allowed_vendors = Some(reader.vendor_set("allowed vendors")?),
            Segment::PublisherTc if tc.publisher.is_none() => tc.publisher = Some(reader.publisher_tc()?),
            segment => return Err(TcfError::RepeatedSegment { number, segment }),
        }
    }
    Ok(tc)
}

/// The 6-bit values of each segment's characters.
fn sextets(s: &str) -> Result<Vec<Vec<u8>>, TcfError> {
    let mut segments = vec![Vec::with_capacity(s.len())];
    for (index, ch) in s.chars().enumerate() {
        let value = match ch {
            'A'..='Z' => ch as u8 - b'A',
            'a'..='z' => ch as u8 - b'a' + 26,
            '0'..='9' => ch as u8 - b'0' + 52,
            '-' => 62,
            '_' => 63,
            '.' => {
                segments.push(Vec::new());
                continue;
            }
            _ => return Err(TcfError::InvalidChar { ch, index }),
        };
        if let Some(segment) = segments.last_mut() {
            segment.push(value);
        }
    }
    match segments.iter().position(Vec::is_empty) {
        Some(i) => Err(TcfError::EmptySegment { number: i + 1 }),
        None => Ok(segments),
    }
}

/// Reads the fields of one segment, left to right.
struct Reader<'a> {
    segment: Segment,
    sextets: &'a [u8],
    /// The next bit to read.
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(segment: Segment, sextets: &'a [u8]) -> Self {
        Reader { segment, sextets, pos: 0 }
    }

    fn invalid(&self, field: &str, bit: usize, reason: String) -> TcfError {
        TcfError::Invalid { segment: self.segment, field: field.to_owned(), bit, reason }
    }

    /// Fails unless `n` more bits are there.
    fn need(&self, n: usize, field: &str) -> Result<(), TcfError> {
        let available = (self.sextets.len() * 6).saturating_sub(self.pos);
        if n <= available {
            return Ok(());
        }
        Err(TcfError::Truncated { segment: self.segment, field: field.to_owned(), bit: self.pos, needed: n, available })
    }

    fn bit(&self, i: usize) -> bool {
        self.sextets.get(i / 6).is_some_and(|s| (s >> (5 - i % 6)) & 1 == 1)
    }

    /// An unsigned number of `n` bits (at most 36 here).
    fn num<T: TryFrom<u64>>(&mut self, n: usize, field: &str) -> Result<T, TcfError> {
        self.need(n, field)?;
        let start = self.pos;
        let value = (start..start + n).fold(0u64, |acc, i| (acc << 1) | u64::from(self.bit(i)));
        self.pos += n;
        T::try_from(value).map_err(|_| self.invalid(field, start, format!("{value} is out of range")))
    }

    fn flag(&mut self, field: &str) -> Result<bool, TcfError> {
        self.num::<u8>(1, field).map(|b| b == 1)
    }

    /// A bit field of `n` bits, as the 1-based positions of its set bits.
    fn bitfield<T: TryFrom<usize>>(&mut self, n: usize, field: &str) -> Result<Vec<T>, TcfError> {
        self.need(n, field)?;
        let start = self.pos;
        self.pos += n;
        Ok((0..n).filter(|i| self.bit(start + i)).filter_map(|i| T::try_from(i + 1).ok()).collect())
    }

    /// Two letters of 6 bits each, 0 being `A`.
    fn letters(&mut self, field: &str) -> Result<String, TcfError> {
        let mut out = String::with_capacity(2);
        for nth in ["first", "second"] {
            let bit = self.pos;
            let value: u8 = self.num(6, field)?;
            if value > 25 {
                return Err(self.invalid(field, bit, format!("the {nth} letter is {value}, not a letter (0-25 for A-Z)")));
            }
            out.push(char::from(b'A' + value));
        }
        Ok(out)
    }

    fn core(&mut self) -> Result<Core, TcfError> {
        let version: u8 = self.num(6, "version")?;
        if version != 2 {
            return Err(match version >> 3 {
                1 => TcfError::CoreNotFirst { found: Segment::DisclosedVendors },
                2 => TcfError::CoreNotFirst { found: Segment::AllowedVendors },
                3 => TcfError::CoreNotFirst { found: Segment::PublisherTc },
                _ => TcfError::UnsupportedVersion { version },
            });
        }
        Ok(Core {
            version,
            created_ms: self.num::<u64>(36, "created")? * MS_PER_DECISECOND,
            last_updated_ms: self.num::<u64>(36, "last updated")? * MS_PER_DECISECOND,
            cmp_id: self.num(12, "cmp id")?,
            cmp_version: self.num(12, "cmp version")?,
            consent_screen: self.num(6, "consent screen")?,
            consent_language: self.letters("consent language")?,
            vendor_list_version: self.num(12, "vendor list version")?,
            tcf_policy_version: self.num(6, "tcf policy version")?,
            is_service_specific: self.flag("is service specific")?,
            use_non_standard_texts: self.flag("use non-standard texts")?,
            special_feature_opt_ins: self.bitfield(12, "special feature opt-ins")?,
            purpose_consents: self.bitfield(24, "purpose consents")?,
            purpose_legitimate_interests: self.bitfield(24, "purpose legitimate interests")?,
            purpose_one_treatment: self.flag("purpose one treatment")?,
            publisher_country_code: self.letters("publisher country code")?,
            vendor_consents: self.vendor_set("vendor consents")?,
            vendor_legitimate_interests: self.vendor_set("vendor legitimate interests")?,
            publisher_restrictions: self.restrictions()?,
        })
    }

    /// MaxVendorId, IsRangeEncoding, then a bit field or range entries.
    fn vendor_set(&mut self, field: &str) -> Result<VendorSet, TcfError> {
        let max_vendor_id: u16 = self.num(16, &format!("{field}: max vendor id"))?;
        let ids = if self.flag(&format!("{field}: is range encoding"))? {
            let ranges = self.ranges(field, Some(max_vendor_id))?;
            // Disjoint ranges within 1..=max_vendor_id: at most 65,535 ids.
            ranges.iter().flat_map(|r| r.start..=r.end).collect()
        } else {
            self.bitfield(usize::from(max_vendor_id), &format!("{field}: bit field"))?
        };
        Ok(VendorSet { max_vendor_id, ids })
    }

    /// NumEntries, then entries of IsARange, StartOrOnlyVendorId, [EndVendorId]: sorted and merged.
    fn ranges(&mut self, field: &str, max: Option<u16>) -> Result<Vec<VendorRange>, TcfError> {
        let count: u16 = self.num(12, &format!("{field}: number of range entries"))?;
        let mut ranges = Vec::with_capacity(usize::from(count));
        for entry in 1..=count {
            let name = format!("{field}: range entry {entry}");
            let bit = self.pos;
            let is_range = self.flag(&name)?;
            let start: u16 = self.num(16, &name)?;
            let end: u16 = if is_range { self.num(16, &name)? } else { start };
            if start == 0 {
                return Err(self.invalid(field, bit, format!("range entry {entry} starts at vendor 0 (vendor ids start at 1)")));
            }
            if end < start {
                return Err(self.invalid(field, bit, format!("range entry {entry} ends at vendor {end} before it starts at {start}")));
            }
            if let Some(max) = max.filter(|&max| end > max) {
                return Err(self.invalid(field, bit, format!("range entry {entry} reaches vendor {end}, past max vendor id {max}")));
            }
            ranges.push(VendorRange { start, end });
        }
        ranges.sort_unstable();
        let mut merged: Vec<VendorRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if u32::from(range.start) <= u32::from(last.end) + 1 => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        Ok(merged)
    }

    fn restrictions(&mut self) -> Result<Vec<PublisherRestriction>, TcfError> {
        let count: u16 = self.num(12, "publisher restrictions: number of restrictions")?;
        let mut restrictions = Vec::with_capacity(usize::from(count));
        for nth in 1..=count {
            let field = format!("publisher restriction {nth}");
            let bit = self.pos;
            let purpose_id: u8 = self.num(6, &format!("{field}: purpose id"))?;
            if purpose_id == 0 {
                return Err(self.invalid(&field, bit, "purpose id 0 (purpose ids start at 1)".to_owned()));
            }
            let restriction_type = match self.num::<u8>(2, &format!("{field}: restriction type"))? {
                0 => RestrictionType::NotAllowed,
                1 => RestrictionType::RequireConsent,
                2 => RestrictionType::RequireLegitimateInterest,
                other => return Err(self.invalid(&field, bit + 6, format!("restriction type {other} is undefined (0, 1 or 2)"))),
            };
            let vendors = self.ranges(&field, None)?;
            restrictions.push(PublisherRestriction { purpose_id, restriction_type, vendors });
        }
        Ok(restrictions)
    }

    fn publisher_tc(&mut self) -> Result<PublisherTc, TcfError> {
        let purpose_consents = self.bitfield(24, "purpose consents")?;
        let purpose_legitimate_interests = self.bitfield(24, "purpose legitimate interests")?;
        let num_custom_purposes: u8 = self.num(6, "number of custom purposes")?;
        let n = usize::from(num_custom_purposes);
        Ok(PublisherTc {
            purpose_consents,
            purpose_legitimate_interests,
            num_custom_purposes,
            custom_purpose_consents: self.bitfield(n, "custom purpose consents")?,
            custom_purpose_legitimate_interests: self.bitfield(n, "custom purpose legitimate interests")?,
        })
    }
}

#[cfg(test)]
#[path = "tcf_tests.rs"]
mod tests;
