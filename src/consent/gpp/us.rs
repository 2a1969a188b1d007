//! The US sections: 6 `uspv1` (four characters), 7 `usnat` and 8 `usca` (a core segment of
//! 2-bit fields, then an optional GPC subsection: SubsectionType 2 bits (1), Gpc 1 bit).

use super::reader::{sextets, Reader};
use super::{section_label, GppError, UsCa, UsNat, UspFlag, UspV1};

/// Where section `number` with id `id` is, for errors.
fn location(number: usize, id: u32) -> String {
    format!("section {number} ({})", section_label(id))
}

fn malformed(at: &str, reason: String) -> GppError {
    GppError::Malformed { at: at.to_owned(), reason }
}

pub(super) fn uspv1(number: usize, body: &str) -> Result<UspV1, GppError> {
    let at = location(number, 6);
    let chars: Vec<char> = body.chars().collect();
    let &[version, notice, opt_out_sale, lspa_covered] = chars.as_slice() else {
        return Err(malformed(&at, format!("a US Privacy string has 4 characters, this one {}", chars.len())));
    };
    if version != '1' {
        return Err(malformed(&at, format!("version: character 0 is {version:?}; only version 1 exists")));
    }
    let flag = |index: usize, field: &str, ch: char| match ch {
        'Y' => Ok(UspFlag::Yes),
        'N' => Ok(UspFlag::No),
        '-' => Ok(UspFlag::NotApplicable),
        _ => Err(malformed(&at, format!("{field}: character {index} is {ch:?}, not 'Y', 'N' or '-'"))),
    };
    Ok(UspV1 {
        version: 1,
        notice: flag(1, "notice", notice)?,
        opt_out_sale: flag(2, "opt-out sale", opt_out_sale)?,
        lspa_covered: flag(3, "LSPA covered", lspa_covered)?,
    })
}

/// The core segment's characters and the GPC subsection's value, if there is one.
fn segments(at: &str, body: &str) -> Result<(Vec<u8>, Option<bool>), GppError> {
    let mut segments = body.split('.');
    let core = segments.next().unwrap_or_default();
    if core.is_empty() {
        return Err(malformed(at, "the core segment is empty".to_owned()));
    }
    let core = sextets(&format!("{at}, core segment"), core)?;
    let mut gpc = None;
    for (segment, number) in segments.zip(2..) {
        let at = format!("{at}, segment {number}");
        if segment.is_empty() {
            return Err(malformed(&at, "the segment is empty".to_owned()));
        }
        let sextets = sextets(&at, segment)?;
        let mut r = Reader::new(&at, &sextets);
        let subsection = r.small(2, "SubsectionType")?;
        if subsection != 1 {
            return Err(r.invalid("SubsectionType", 0, format!("subsection type {subsection} is unknown (1 is GPC)")));
        }
        let value = r.flag("Gpc")?;
        if gpc.replace(value).is_some() {
            return Err(malformed(&at, "a second GPC subsection".to_owned()));
        }
    }
    Ok((core, gpc))
}

/// MspaCoveredTransaction: 1 (yes) or 2 (no).
fn mspa_covered(r: &mut Reader) -> Result<u8, GppError> {
    const FIELD: &str = "MspaCoveredTransaction";
    let bit = r.pos();
    match r.tri(FIELD)? {
        0 => Err(r.invalid(FIELD, bit, "value 0 is undefined (1 yes, 2 no)".to_owned())),
        v => Ok(v),
    }
}

pub(super) fn usnat(number: usize, body: &str) -> Result<UsNat, GppError> {
    let at = location(number, 7);
    let (core, gpc) = segments(&at, body)?;
    let core_at = format!("{at}, core segment");
    let mut r = Reader::new(&core_at, &core);
    let version = r.small(6, "Version")?;
    let (categories, child_groups) = match version {
        1 => (12, 2),
        2 => (16, 3),
        _ => return Err(r.invalid("Version", 0, format!("version {version} is not supported (1 or 2)"))),
    };
    Ok(UsNat {
        version,
        sharing_notice: r.tri("SharingNotice")?,
        sale_opt_out_notice: r.tri("SaleOptOutNotice")?,
        sharing_opt_out_notice: r.tri("SharingOptOutNotice")?,
        targeted_advertising_opt_out_notice: r.tri("TargetedAdvertisingOptOutNotice")?,
        sensitive_data_processing_opt_out_notice: r.tri("SensitiveDataProcessingOptOutNotice")?,
        sensitive_data_limit_use_notice: r.tri("SensitiveDataLimitUseNotice")?,
        sale_opt_out: r.tri("SaleOptOut")?,
        sharing_opt_out: r.tri("SharingOptOut")?,
        targeted_advertising_opt_out: r.tri("TargetedAdvertisingOptOut")?,
        sensitive_data_processing: r.tris(categories, "SensitiveDataProcessing")?,
        known_child_sensitive_data_consents: r.tris(child_groups, "KnownChildSensitiveDataConsents")?,
        personal_data_consents: r.tri("PersonalDataConsents")?,
        mspa_covered_transaction: mspa_covered(&mut r)?,
        mspa_opt_out_option_mode: r.tri("MspaOptOutOptionMode")?,
        mspa_service_provider_mode: r.tri("MspaServiceProviderMode")?,
        gpc,
    })
}

pub(super) fn usca(number: usize, body: &str) -> Result<UsCa, GppError> {
    let at = location(number, 8);
    let (core, gpc) = segments(&at, body)?;
    let core_at = format!("{at}, core segment");
    let mut r = Reader::new(&core_at, &core);
    let version = r.small(6, "Version")?;
    if version != 1 {
        return Err(r.invalid("Version", 0, format!("version {version} is not supported (only 1)")));
    }
    Ok(UsCa {
        version,
        sale_opt_out_notice: r.tri("SaleOptOutNotice")?,
        sharing_opt_out_notice: r.tri("SharingOptOutNotice")?,
        sensitive_data_limit_use_notice: r.tri("SensitiveDataLimitUseNotice")?,
        sale_opt_out: r.tri("SaleOptOut")?,
        sharing_opt_out: r.tri("SharingOptOut")?,
        sensitive_data_processing: r.tris(9, "SensitiveDataProcessing")?,
        known_child_sensitive_data_consents: r.tris(2, "KnownChildSensitiveDataConsents")?,
        personal_data_consents: r.tri("PersonalDataConsents")?,
        mspa_covered_transaction: mspa_covered(&mut r)?,
        mspa_opt_out_option_mode: r.tri("MspaOptOutOptionMode")?,
        mspa_service_provider_mode: r.tri("MspaServiceProviderMode")?,
        gpc,
    })
}
