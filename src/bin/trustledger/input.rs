//! Reading the requests `classify` works on, in three shapes, told apart by content:
//!
//! - JSON Lines: one `{"url", "sourceUrl", "type"}` object per line (`frameUrl`/`documentUrl`
//!   stand for `sourceUrl`, `cpt` for `type`; other fields are ignored). Streamed, so inputs of
//!   any size work; blank lines are skipped but still counted in line numbers.
//! - One JSON array of such objects (first non-blank character `[`).
//! - A HAR 1.2 capture (`.har` file name, or a JSON object with `log`): see [`har`].
//!
//! A malformed request becomes a [`Record::Invalid`] in its place, never an abort; only an
//! unreadable file, or a whole document that is not what it claims, stops the run.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};

use serde::Deserialize;
use serde_json::Value;
use trustledger::ResourceType;

/// One request to classify.
#[derive(Debug)]
pub struct Request {
    pub url: String,
    /// The page or frame that made the request ("" when unknown).
    pub source: String,
    pub rtype: ResourceType,
}

/// Where a request sits in its input, as printed next to its error.
#[derive(Clone, Copy, Debug)]
pub enum Position {
    /// 1-based physical line of a JSON Lines input.
    Line(usize),
    /// 0-based index in a JSON array.
    Index(usize),
    /// 0-based index in a HAR's `log.entries`.
    Entry(usize),
}

impl Position {
    /// The JSON key and number: `("line", 3)`.
    pub fn key_value(self) -> (&'static str, usize) {
        match self {
            Position::Line(n) => ("line", n),
            Position::Index(i) => ("index", i),
            Position::Entry(i) => ("entry", i),
        }
    }
}

/// One item of the input.
#[derive(Debug)]
pub enum Record {
    Request(Request),
    Invalid { at: Position, message: String },
}

/// The input's records in order; an `Err` is fatal (the input could not be read further).
pub type Records = Box<dyn Iterator<Item = Result<Record, String>>>;

/// A request as the JSON inputs spell it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a request object {\"url\", \"sourceUrl\", \"type\"}")]
struct RawRequest {
    url: String,
    source_url: Option<String>,
    frame_url: Option<String>,
    document_url: Option<String>,
    #[serde(rename = "type")]
    rtype: Option<String>,
    cpt: Option<String>,
}

impl RawRequest {
    fn into_request(self) -> Request {
        let source = self.source_url.or(self.frame_url).or(self.document_url).unwrap_or_default();
        let rtype = self.rtype.or(self.cpt).map_or(ResourceType::Other, |t| ResourceType::parse_lenient(&t));
        Request { url: self.url, source, rtype }
    }
}

/// Opens `path` (`-` for stdin) and works out which of the three shapes it is.
pub fn open(path: &str) -> Result<Records, String> {
    let name = if path == "-" { "stdin".to_owned() } else { path.to_owned() };
    let mut reader: Box<dyn BufRead> = if path == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(BufReader::new(File::open(path).map_err(|e| format!("cannot open {path}: {e}"))?))
    };
    let read_error = |e: io::Error| format!("cannot read {name}: {e}");
    if path.to_ascii_lowercase().ends_with(".har") {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(read_error)?;
        return har_records(&bytes, &name);
    }
    // Read up to the first non-blank line, which tells the shape.
    let mut head = Vec::new();
    let first = loop {
        let start = head.len();
        if reader.read_until(b'\n', &mut head).map_err(read_error)? == 0 {
            return Ok(Box::new(std::iter::empty()));
        }
        if start == 0 && head.starts_with(b"\xef\xbb\xbf") {
            head.drain(..3);
        }
        let line = head[start..].trim_ascii();
        if !line.is_empty() {
            break line.to_vec();
        }
    };
    let streamable = match serde_json::from_slice::<Value>(&first) {
        Ok(value) => !first.starts_with(b"[") && !is_har(&value),
        Err(_) => false,
    };
    if streamable {
        return Ok(Box::new(JsonLines::new(Cursor::new(head).chain(reader), name)));
    }
    // An array, a HAR, or a first line that is not JSON on its own: read it all.
    reader.read_to_end(&mut head).map_err(read_error)?;
    if first.starts_with(b"[") {
        let items: Vec<Value> = serde_json::from_slice(&head).map_err(|e| format!("{name} is not a valid JSON array: {e}"))?;
        let records = items.into_iter().enumerate().map(|(i, item)| Ok(parse_request(RawRequest::deserialize(item), Position::Index(i))));
        return Ok(Box::new(records));
    }
    match serde_json::from_slice::<Value>(&head) {
        Ok(value) if is_har(&value) => har_records(&head, &name),
        _ => Ok(Box::new(JsonLines::new(Cursor::new(head), name))),
    }
}

/// A HAR is a JSON object with `log.entries`.
fn is_har(doc: &Value) -> bool {
    doc.pointer("/log/entries").is_some()
}

/// JSON Lines, read one physical line at a time.
struct JsonLines<R> {
    reader: R,
    name: String,
    /// Physical lines read so far.
    line: usize,
    buf: Vec<u8>,
}

impl<R> JsonLines<R> {
    fn new(reader: R, name: String) -> Self {
        JsonLines { reader, name, line: 0, buf: Vec::new() }
    }
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = Result<Record, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => self.line += 1,
                Err(e) => return Some(Err(format!("cannot read {} after line {}: {e}", self.name, self.line))),
            }
            let text = self.buf.trim_ascii();
            if !text.is_empty() {
                return Some(Ok(parse_request(serde_json::from_slice(text), Position::Line(self.line))));
            }
        }
    }
}

fn parse_request(raw: Result<RawRequest, serde_json::Error>, at: Position) -> Record {
    match raw {
        Ok(raw) => Record::Request(raw.into_request()),
        Err(e) => Record::Invalid { at, message: json_error(&e) },
    }
}

/// serde_json's message, with its "at line 1 column 7" (always line 1 inside one JSON line)
/// turned into "(column 7)" so it does not read as the input's line number.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&position) {
        Some(message) if e.line() <= 1 => format!("{message} (column {})", e.column()),
        _ => text,
    }
}

fn har_records(bytes: &[u8], name: &str) -> Result<Records, String> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("{name} is not valid JSON: {e}"))?;
    let records = har(&doc).map_err(|e| format!("{name} is not a HAR file: {e}"))?;
    Ok(Box::new(records.into_iter().map(Ok)))
}

/// What one HAR entry says, before page URLs are resolved.
struct Entry<'a> {
    url: &'a str,
    rtype: ResourceType,
    page: Option<&'a str>,
    referer: Option<&'a str>,
}

/// The requests of a HAR 1.2 capture (`log.entries[i].request.url`).
///
/// Type: Chrome's `_resourceType`, else guessed from `response.content.mimeType`. The first
/// document of each page (entries sharing a `pageref`; all entries without one form one more
/// page) is the top `document`; later documents there are frames (`subdocument`).
///
/// Source: the top document's own URL for itself; for the other entries their page's top
/// document URL (or the page's `title` when it is a URL, as Chrome writes it), else the
/// `Referer` request header, else the HAR's first entry URL.
fn har(doc: &Value) -> Result<Vec<Record>, String> {
    let entries = doc.pointer("/log/entries").and_then(Value::as_array).ok_or("log.entries missing")?;
    let parsed: Vec<Result<Entry, String>> = entries.iter().enumerate().map(|(i, e)| har_entry(i, e)).collect();

    // The top document of each page: the first entry of the page that is a document.
    let mut top: HashMap<Option<&str>, usize> = HashMap::new();
    for (i, entry) in parsed.iter().enumerate() {
        if let Ok(e) = entry {
            if e.rtype == ResourceType::Document {
                top.entry(e.page).or_insert(i);
            }
        }
    }
    let titles: HashMap<&str, &str> = doc
        .pointer("/log/pages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get("id")?.as_str()?, p.get("title")?.as_str()?)))
        .collect();
    let page_url = |page: Option<&str>| -> Option<&str> {
        let page = page?;
        match top.get(&Some(page)).and_then(|&i| parsed[i].as_ref().ok()) {
            Some(e) => Some(e.url),
            None => titles.get(page).copied().filter(|t| t.starts_with("http://") || t.starts_with("https://")),
        }
    };
    let first_url = entries.first().and_then(|e| e.pointer("/request/url")).and_then(Value::as_str).unwrap_or("");

    let mut records = Vec::with_capacity(parsed.len());
    for (i, entry) in parsed.iter().enumerate() {
        let e = match entry {
            Ok(e) => e,
            Err(message) => {
                records.push(Record::Invalid { at: Position::Entry(i), message: message.clone() });
                continue;
            }
        };
        let is_top = top.get(&e.page) == Some(&i);
        let (rtype, source) = if is_top {
            (ResourceType::Document, e.url)
        } else {
            let rtype = if e.rtype == ResourceType::Document { ResourceType::Subdocument } else { e.rtype };
            (rtype, page_url(e.page).or(e.referer).unwrap_or(first_url))
        };
        records.push(Record::Request(Request { url: e.url.to_owned(), source: source.to_owned(), rtype }));
    }
    Ok(records)
}

fn har_entry(i: usize, entry: &Value) -> Result<Entry<'_>, String> {
    let request = entry.get("request").ok_or_else(|| format!("log.entries[{i}].request missing"))?;
    let url = request.get("url").and_then(Value::as_str).ok_or_else(|| format!("log.entries[{i}].request.url missing"))?;
    let rtype = match entry.get("_resourceType").and_then(Value::as_str) {
        Some(name) => ResourceType::parse_lenient(name),
        None => type_from_mime(entry.pointer("/response/content/mimeType").and_then(Value::as_str).unwrap_or("")),
    };
    let referer = request
        .get("headers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|h| h.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case("referer")))
        .and_then(|h| h.get("value")?.as_str());
    Ok(Entry { url, rtype, page: entry.get("pageref").and_then(Value::as_str), referer })
}

/// A resource type guessed from a response's MIME type (`text/html` is a document; which
/// document is the top one is decided by position).
fn type_from_mime(mime: &str) -> ResourceType {
    let mime = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime.contains("javascript") || mime.contains("ecmascript") {
        ResourceType::Script
    } else if mime.starts_with("image/") {
        ResourceType::Image
    } else if mime == "text/css" {
        ResourceType::Stylesheet
    } else if mime.starts_with("font/") || mime.contains("font-") {
        ResourceType::Font
    } else if mime.starts_with("video/") || mime.starts_with("audio/") {
        ResourceType::Media
    } else if mime == "text/html" || mime == "application/xhtml+xml" {
        ResourceType::Document
    } else {
        ResourceType::Other
    }
}
