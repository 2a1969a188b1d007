//! IAB Global Privacy Platform (GPP) strings: decoding the privacy record a site's consent
//! management platform (CMP) keeps for US state laws and the TCF, so the extension can check it
//! against the person's terms ([`check`]).
//!
//! A GPP string is `header~section~section…`. The header is URL-safe base64 (`A-Z a-z 0-9 - _`,
//! no padding) of big-endian bit fields: Type 6 bits (3), Version 6 bits (1), then the ids of the
//! sections that follow, as a Fibonacci-coded range list: NumEntries 12 bits, then per entry
//! IsARange 1 bit and one or two Fibonacci-coded numbers, each an offset from the id before it
//! (so ids are strictly ascending). The sections follow in that order, one per id. Bits after the
//! last field of a segment are padding and ignored.
//!
//! Decoded fully: 2 `tcfeuv2` (a TC string, read by [`crate::consent::tcf`]), 6 `uspv1` (the
//! four characters of a US Privacy string), 7 `usnat` (version 1 and 2 layouts) and 8 `usca`,
//! both with their optional GPC subsection. Any other id is kept as written
//! ([`Section::Other`]).
//!
//! `tcfeuv2` is a plain TC string in GPP (core segment, then optional segments joined by `.`),
//! so [`crate::consent::tcf::decode`] reads it unchanged. Two differences in practice, neither
//! needing code: the reference library (`@iabgpp/cmpapi`) always writes the disclosed vendors
//! and publisher TC segments and pads the core to 24 bits, and it decodes a core that stops
//! before its publisher restrictions, which `tcf::decode` (and so this module) refuses.
//!
//! [`decode`] refuses anything malformed with a [`GppError`] naming the part, the field and the
//! bit. That is stricter than the reference library, which accepts undefined field values and
//! versions, unknown subsection types and extra segments, and reads a bare TC string as a lone
//! `tcfeuv2` section (`tests/gpp.rs` lists each case). Nothing here panics, whatever the input.

use std::fmt;

use serde::Serialize;

use super::tcf::{self, TcString, TcfError};

mod check;
mod reader;
mod us;

pub use check::{check, GppCheck};

/// The GPP header's type: 3 (the header is itself "section" 3).
pub const HEADER_TYPE: u8 = 3;
/// The only header version.
pub const HEADER_VERSION: u8 = 1;

/// A decoded GPP string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GppString {
    /// The ids the header lists, ascending.
    pub section_ids: Vec<u32>,
    /// One per id, in the same order.
    pub sections: Vec<Section>,
}

/// One section of a GPP string. Serialized with its API prefix as `section` (`tcfeuv2`, …,
/// `other`) beside its fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "section")]
pub enum Section {
    /// Id 2: a TCF v2 TC string, as written (`raw`) and decoded.
    #[serde(rename = "tcfeuv2")]
    TcfEuV2 { raw: String, tc: Box<TcString> },
    /// Id 6: a US Privacy string.
    #[serde(rename = "uspv1")]
    UspV1(UspV1),
    /// Id 7: US national (MSPA).
    #[serde(rename = "usnat")]
    UsNat(UsNat),
    /// Id 8: California.
    #[serde(rename = "usca")]
    UsCa(UsCa),
    /// Any other id, not decoded.
    #[serde(rename = "other")]
    Other { id: u32, raw: String },
}

impl Section {
    pub fn id(&self) -> u32 {
        match self {
            Section::TcfEuV2 { .. } => 2,
            Section::UspV1(_) => 6,
            Section::UsNat(_) => 7,
            Section::UsCa(_) => 8,
            Section::Other { id, .. } => *id,
        }
    }
}

/// The API prefix of section `id` (`tcfeuv2`, `usnat`, …), for ids assigned by the GPP
/// specification as of 2025.
pub fn section_name(id: u32) -> Option<&'static str> {
    const NAMES: [&str; 24] = [
        "tcfeuv1",
        "tcfeuv2",
        "header",
        "signal integrity",
        "tcfcav1",
        "uspv1",
        "usnat",
        "usca",
        "usva",
        "usco",
        "usut",
        "usct",
        "usfl",
        "usmt",
        "usor",
        "ustx",
        "usde",
        "usia",
        "usne",
        "usnh",
        "usnj",
        "ustn",
        "usmn",
        "usmd",
    ];
    let index = usize::try_from(id).ok()?.checked_sub(1)?;
    NAMES.get(index).copied()
}

/// `name, id N`, or `id N` for an id without a name.
pub(crate) fn section_label(id: u32) -> String {
    match section_name(id) {
        Some(name) => format!("{name}, id {id}"),
        None => format!("id {id}"),
    }
}

/// A US Privacy string's answer: `Y`, `N` or `-` (not applicable).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum UspFlag {
    Yes,
    No,
    NotApplicable,
}

impl UspFlag {
    pub fn as_char(self) -> char {
        match self {
            UspFlag::Yes => 'Y',
            UspFlag::No => 'N',
            UspFlag::NotApplicable => '-',
        }
    }
}

/// Section 6, `uspv1`: e.g. `1YNN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UspV1 {
    /// Always 1.
    pub version: u8,
    /// Explicit notice of the right to opt out was given.
    pub notice: UspFlag,
    /// `Y`: the person opted out of the sale of their personal data; `N`: they did not.
    pub opt_out_sale: UspFlag,
    /// The publisher is a signatory of the IAB Limited Service Provider Agreement.
    pub lspa_covered: UspFlag,
}

/// Values of the 2-bit fields of the US sections; what 1 and 2 mean depends on the field.
pub mod value {
    /// 0 in every 2-bit field.
    pub const NOT_APPLICABLE: u8 = 0;
    /// 1 in an opt-out field (`SaleOptOut`, …).
    pub const OPTED_OUT: u8 = 1;
    /// 2 in an opt-out field.
    pub const DID_NOT_OPT_OUT: u8 = 2;
}

/// Section 7, `usnat`. Every 2-bit field is 0 (not applicable), 1 or 2 (3 is refused): for
/// notices 1 = given, 2 = not given; for opt-outs 1 = opted out, 2 = did not opt out; for
/// consents 1 = no consent, 2 = consent; for the MSPA fields 1 = yes, 2 = no.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsNat {
    /// 1 or 2: version 2 has 16 sensitive data categories and 3 known-child consents, version 1
    /// has 12 and 2.
    pub version: u8,
    pub sharing_notice: u8,
    pub sale_opt_out_notice: u8,
    pub sharing_opt_out_notice: u8,
    pub targeted_advertising_opt_out_notice: u8,
    pub sensitive_data_processing_opt_out_notice: u8,
    pub sensitive_data_limit_use_notice: u8,
    pub sale_opt_out: u8,
    pub sharing_opt_out: u8,
    pub targeted_advertising_opt_out: u8,
    pub sensitive_data_processing: Vec<u8>,
    pub known_child_sensitive_data_consents: Vec<u8>,
    pub personal_data_consents: u8,
    /// 1 or 2 (0 is refused).
    pub mspa_covered_transaction: u8,
    pub mspa_opt_out_option_mode: u8,
    pub mspa_service_provider_mode: u8,
    /// The GPC subsection's `Gpc`: whether the site received a Global Privacy Control signal;
    /// `None` without the subsection.
    pub gpc: Option<bool>,
}

/// Section 8, `usca` (same value conventions as [`UsNat`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsCa {
    /// Always 1.
    pub version: u8,
    pub sale_opt_out_notice: u8,
    pub sharing_opt_out_notice: u8,
    pub sensitive_data_limit_use_notice: u8,
    pub sale_opt_out: u8,
    pub sharing_opt_out: u8,
    /// 9 categories.
    pub sensitive_data_processing: Vec<u8>,
    /// 2 age groups.
    pub known_child_sensitive_data_consents: Vec<u8>,
    pub personal_data_consents: u8,
    pub mspa_covered_transaction: u8,
    pub mspa_opt_out_option_mode: u8,
    pub mspa_service_provider_mode: u8,
    pub gpc: Option<bool>,
}

/// Why a GPP string could not be decoded. Sections are numbered from 1 in the order they follow
/// the header; characters and bits from 0 within their part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GppError {
    #[error("the GPP string is empty")]
    Empty,
    #[error("{at}: character {ch:?} at index {index} is not URL-safe base64 (A-Z, a-z, 0-9, '-', '_')")]
    InvalidChar { at: String, ch: char, index: usize },
    #[error("header: type {found} is not a GPP header, which is type 3{}", type_hint(*.found))]
    HeaderType { found: u8 },
    #[error("header: version {found} is not supported (only version 1)")]
    HeaderVersion { found: u8 },
    #[error("{at}: {field}: truncated at bit {bit}: {needed} bits needed, {available} left")]
    Truncated { at: String, field: String, bit: usize, needed: usize, available: usize },
    #[error("header: section ids: bad Fibonacci coding at bit {bit}: {reason}")]
    Fibonacci { bit: usize, reason: String },
    #[error("the header lists {declared} section(s) but {found} follow it")]
    SectionCount { declared: u64, found: usize },
    #[error("section {number} ({}) is empty", section_label(*.id))]
    EmptySection { number: usize, id: u32 },
    #[error("{at}: {field}: {reason} (bit {bit})")]
    Invalid { at: String, field: String, bit: usize, reason: String },
    #[error("{at}: {reason}")]
    Malformed { at: String, reason: String },
    #[error("section {number} (tcfeuv2, id 2): TC string: {source}")]
    Tcf { number: usize, source: TcfError },
}

fn type_hint(found: u8) -> &'static str {
    if found == 2 {
        " (a bare TC string? those start with the TCF version, 2)"
    } else {
        ""
    }
}

/// Decodes a GPP string (see the module documentation).
pub fn decode(s: &str) -> Result<GppString, GppError> {
    if s.is_empty() {
        return Err(GppError::Empty);
    }
    let mut parts = s.split('~');
    let header = parts.next().unwrap_or_default();
    let bodies: Vec<&str> = parts.collect();
    let ranges = reader::header(header)?;
    let declared = ranges.iter().map(|&(start, end)| u64::from(end - start) + 1).sum::<u64>();
    if declared != bodies.len() as u64 {
        return Err(GppError::SectionCount { declared, found: bodies.len() });
    }
    // As many ids as sections: the ranges are no larger than the string.
    let section_ids: Vec<u32> = ranges.iter().flat_map(|&(start, end)| start..=end).collect();
    let mut sections = Vec::with_capacity(bodies.len());
    for ((&id, body), number) in section_ids.iter().zip(bodies).zip(1..) {
        if body.is_empty() {
            return Err(GppError::EmptySection { number, id });
        }
        sections.push(match id {
            2 => Section::TcfEuV2 {
                raw: body.to_owned(),
                tc: Box::new(tcf::decode(body).map_err(|source| GppError::Tcf { number, source })?),
            },
            6 => Section::UspV1(us::uspv1(number, body)?),
            7 => Section::UsNat(us::usnat(number, body)?),
            8 => Section::UsCa(us::usca(number, body)?),
            _ => Section::Other { id, raw: body.to_owned() },
        });
    }
    Ok(GppString { section_ids, sections })
}

impl GppString {
    /// The section with id `id`, if the string has one.
    pub fn section(&self, id: u32) -> Option<&Section> {
        self.sections.iter().find(|s| s.id() == id)
    }
}

impl fmt::Display for UspV1 {
    /// The four characters, e.g. `1YNN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}{}", self.version, self.notice.as_char(), self.opt_out_sale.as_char(), self.lspa_covered.as_char())
    }
}

#[cfg(test)]
mod tests;
