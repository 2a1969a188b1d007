//! An in-memory DOM that plays the consent executor in native tests: it parses an HTML fixture
//! with `scraper` and carries out the engine's commands (`src/consent/session.rs`) from their
//! JSON, replying in JSON, as the extension's executor does in a frame.
//!
//! What it models:
//! - **Selector chains.** The first selector is searched in the top document; each next one
//!   inside what the previous matched: its shadow root, written in fixtures as declarative shadow
//!   DOM (a `<template shadowrootmode="open">` or `"closed"` child of the host), or the document
//!   of an `<iframe srcdoc="…">`. A search never enters a shadow root, a frame or a `<template>`
//!   by itself. `xpath/` selectors are not supported (a fixture using one panics).
//! - **Visibility.** Not visible: an element that is, or is inside, an element with the `hidden`
//!   attribute, an inline `style` with `display: none` or `visibility: hidden`, a `<template>`,
//!   or a closed `<details>` (its `<summary>` excepted); the host of a shadow root and the
//!   `<iframe>` of a frame count as ancestors. Everything else is visible.
//! - **Clicks** are recorded in [`MemDom::clicks`] (`#id`, `[data-testid=…]`, `label[for=…]`
//!   or `tag.class`). A checkbox flips `checked`; a radio is checked and the radios of its
//!   name in its root unchecked; a `label` clicks its control (`for`, or the input inside it);
//!   an element with `role="switch"` or `aria-checked` flips `aria-checked`, one with
//!   `aria-pressed` flips that. A link whose `href` leaves the page is not clicked (as the
//!   executor refuses to). Then the element's `data-memdom-click` runs.
//! - **`data-memdom-click`**, the tiny behaviour language that stands in for a CMP's script:
//!   effects separated by `;`, each `VERB:ARGUMENT`:
//!   - `hide:SELECTOR` sets `hidden` on every match, in every document and shadow root;
//!   - `show:SELECTOR` removes `hidden` from every match, everywhere;
//!   - `remove:SELECTOR` takes every match out of the DOM, everywhere;
//!   - `toggle-class:NAME` adds or removes class `NAME` on the clicked element;
//!   - `set-cookie:NAME=VALUE` records a cookie in [`MemDom::cookies`].
//!
//!   Example: `<button data-memdom-click="hide:#banner;remove:#scroll-lock;set-cookie:consent=no">`.
//! - **Commands.** `probe`, `click` (the first visible match, or every visible match with
//!   `all`, as `extension/content/consent.js` does), `set` (read the switch per its kind, click if it differs:
//!   a hidden checkbox through its label, a radio turned off through its `off` button), `wait`
//!   (evaluated once: the DOM only changes on clicks, so what is not met now never will be),
//!   `sleep` (nothing), `hide` (sets `hidden`), `done` (keeps the answer). Each command's keys
//!   are checked against the protocol, so a change of shape fails the tests.

use std::collections::{BTreeMap, HashMap};

use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector as Css};
use serde_json::{json, Value};

/// One element: its document and its index in that document's node arena (stable: nodes are
/// never freed, only detached).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct El {
    doc: usize,
    idx: usize,
}

/// Where a selector is searched: a document, or the shadow root of a host.
#[derive(Clone, Copy, Debug)]
enum Root {
    Doc(usize),
    Shadow(El),
}

struct Doc {
    html: Html,
    /// The `<iframe>` this document is the `srcdoc` of.
    frame: Option<El>,
}

/// The page, and what the executor did to it.
pub struct MemDom {
    docs: Vec<Doc>,
    /// `<iframe srcdoc>` elements and their documents.
    frames: Vec<(El, usize)>,
    /// Every element clicked, in order.
    pub clicks: Vec<String>,
    pub cookies: BTreeMap<String, String>,
    /// Every command carried out, as received.
    pub log: Vec<Value>,
    /// The answer of the `done` command.
    pub answer: Option<Value>,
}

/// The node at `el`, as an `ego_tree` node reference (a macro: that type is not nameable here).
macro_rules! node {
    ($dom:expr, $el:expr) => {
        $dom.docs[$el.doc].html.tree.nodes().nth($el.idx).expect("memdom: a node of the tree")
    };
}

fn css(selector: &str) -> Css {
    assert!(!selector.starts_with("xpath/"), "memdom does not support XPath: {selector}");
    Css::parse(selector).unwrap_or_else(|e| panic!("memdom: bad CSS selector {selector:?}: {e:?}"))
}

/// A selector chain from the protocol: an array of strings.
fn chain(v: &Value) -> Vec<String> {
    let items = v.as_array().unwrap_or_else(|| panic!("a selector is an array of strings, got {v}"));
    assert!(!items.is_empty(), "an empty chain");
    items.iter().map(|s| s.as_str().unwrap_or_else(|| panic!("chain elements are strings, got {s}")).to_owned()).collect()
}

fn expect_keys(v: &Value, keys: &[&str]) {
    let mut got: Vec<&str> = v.as_object().unwrap_or_else(|| panic!("not an object: {v}")).keys().map(String::as_str).collect();
    got.sort_unstable();
    let mut want = keys.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "the keys of {v}");
}

impl MemDom {
    /// The page in `html`, its `srcdoc` frames parsed too.
    pub fn parse(html: &str) -> MemDom {
        let mut dom =
            MemDom { docs: Vec::new(), frames: Vec::new(), clicks: Vec::new(), cookies: BTreeMap::new(), log: Vec::new(), answer: None };
        dom.add_doc(html, None);
        dom
    }

    fn add_doc(&mut self, html: &str, frame: Option<El>) {
        let doc = self.docs.len();
        self.docs.push(Doc { html: Html::parse_document(html), frame });
        let frames: Vec<(usize, String)> = self.docs[doc]
            .html
            .tree
            .nodes()
            .enumerate()
            .filter_map(|(idx, n)| {
                let e = n.value().as_element().filter(|e| e.name() == "iframe")?;
                Some((idx, e.attr("srcdoc")?.to_owned()))
            })
            .collect();
        for (idx, srcdoc) in frames {
            let iframe = El { doc, idx };
            self.frames.push((iframe, self.docs.len()));
            self.add_doc(&srcdoc, Some(iframe));
        }
    }

    fn element(&self, el: El) -> &Element {
        self.docs[el.doc].html.tree.nodes().nth(el.idx).and_then(|n| n.value().as_element()).expect("memdom: an element")
    }

    /// The index of the `<template shadowrootmode>` fragment of `host`, if it has one.
    fn shadow_fragment(&self, host: El) -> Option<usize> {
        let tree = &self.docs[host.doc].html.tree;
        let host_node = tree.nodes().nth(host.idx)?;
        let template = host_node
            .children()
            .find(|c| c.value().as_element().is_some_and(|e| e.name() == "template" && e.attr("shadowrootmode").is_some()))?;
        let fragment = template.first_child()?.id();
        tree.nodes().position(|n| n.id() == fragment)
    }

    /// The elements of `root`, in tree order, without entering templates, shadow roots or frames.
    fn elements(&self, root: Root) -> Vec<El> {
        let (doc, start) = match root {
            Root::Doc(doc) => (doc, 0),
            Root::Shadow(host) => match self.shadow_fragment(host) {
                Some(idx) => (host.doc, idx),
                None => return Vec::new(),
            },
        };
        let tree = &self.docs[doc].html.tree;
        let index: HashMap<_, usize> = tree.nodes().enumerate().map(|(i, n)| (n.id(), i)).collect();
        let mut out = Vec::new();
        let mut stack: Vec<_> = tree.nodes().nth(start).expect("the root").children().collect();
        stack.reverse();
        while let Some(n) = stack.pop() {
            if let Some(e) = n.value().as_element() {
                out.push(El { doc, idx: index[&n.id()] });
                if e.name() == "template" {
                    continue;
                }
            }
            let mut children: Vec<_> = n.children().collect();
            children.reverse();
            stack.extend(children);
        }
        out
    }

    /// The root a chain's next selector is searched in, after matching `el`.
    fn inner_root(&self, el: El) -> Option<Root> {
        if self.shadow_fragment(el).is_some() {
            return Some(Root::Shadow(el));
        }
        self.frames.iter().find(|(iframe, _)| *iframe == el).map(|&(_, doc)| Root::Doc(doc))
    }

    /// The root `el` is in.
    fn root_of(&self, el: El) -> Root {
        let tree = &self.docs[el.doc].html.tree;
        let mut n = tree.nodes().nth(el.idx).expect("a node");
        while let Some(parent) = n.parent() {
            if matches!(parent.value(), Node::Fragment) {
                let host = parent.parent().and_then(|template| template.parent()).map(|h| h.id());
                let idx = host.and_then(|h| tree.nodes().position(|m| m.id() == h)).expect("a shadow host");
                return Root::Shadow(El { doc: el.doc, idx });
            }
            n = parent;
        }
        Root::Doc(el.doc)
    }

    fn matches(&self, el: El, selector: &Css) -> bool {
        ElementRef::wrap(node!(self, el)).is_some_and(|e| selector.matches(&e))
    }

    fn query(&self, root: Root, selector: &str) -> Vec<El> {
        let selector = css(selector);
        self.elements(root).into_iter().filter(|&el| self.matches(el, &selector)).collect()
    }

    fn resolve(&self, chain: &[String]) -> Vec<El> {
        let mut roots = vec![Root::Doc(0)];
        let mut found = Vec::new();
        for (i, selector) in chain.iter().enumerate() {
            found = roots.iter().flat_map(|&root| self.query(root, selector)).collect();
            if i + 1 < chain.len() {
                roots = found.iter().filter_map(|&el| self.inner_root(el)).collect();
            }
        }
        found
    }

    /// Every root of the page: each document and each shadow root, however deep.
    fn all_roots(&self) -> Vec<Root> {
        let mut roots: Vec<Root> = (0..self.docs.len()).map(Root::Doc).collect();
        let mut i = 0;
        while i < roots.len() {
            let hosts: Vec<Root> =
                self.elements(roots[i]).into_iter().filter(|&el| self.shadow_fragment(el).is_some()).map(Root::Shadow).collect();
            roots.extend(hosts);
            i += 1;
        }
        roots
    }

    fn everywhere(&self, selector: &str) -> Vec<El> {
        self.all_roots().into_iter().flat_map(|root| self.query(root, selector)).collect()
    }

    fn visible(&self, el: El) -> bool {
        let mut cur = el;
        let mut from: Option<String> = None;
        loop {
            let e = self.element(cur);
            let style = e.attr("style").unwrap_or_default().to_ascii_lowercase().replace(' ', "");
            let closed_details = e.name() == "details" && e.attr("open").is_none() && from.as_ref().is_some_and(|f| f != "summary");
            if e.name() == "template"
                || e.attr("hidden").is_some()
                || style.contains("display:none")
                || style.contains("visibility:hidden")
                || closed_details
            {
                return false;
            }
            from = Some(e.name().to_owned());
            let tree = &self.docs[cur.doc].html.tree;
            let parent = node!(self, cur).parent().expect("an element has a parent");
            cur = match parent.value() {
                Node::Element(_) => El { doc: cur.doc, idx: tree.nodes().position(|m| m.id() == parent.id()).expect("in the tree") },
                Node::Fragment => {
                    // A shadow root: on to its host. The contents of a plain template are never shown.
                    let template = parent.parent().expect("a fragment belongs to a template");
                    if template.value().as_element().is_none_or(|t| t.attr("shadowrootmode").is_none()) {
                        return false;
                    }
                    let host = template.parent().expect("a template has a parent").id();
                    El { doc: cur.doc, idx: tree.nodes().position(|m| m.id() == host).expect("in the tree") }
                }
                _ => match self.docs[cur.doc].frame {
                    Some(iframe) => iframe,
                    None => return true,
                },
            };
            if matches!(parent.value(), Node::Fragment | Node::Document) {
                from = None;
            }
        }
    }

    fn describe(&self, el: El) -> String {
        let e = self.element(el);
        if let Some(id) = e.id() {
            return format!("#{id}");
        }
        if let Some(testid) = e.attr("data-testid") {
            return format!("[data-testid={testid}]");
        }
        if let (Some(target), "label") = (e.attr("for"), e.name()) {
            return format!("label[for={target}]");
        }
        std::iter::once(e.name()).chain(e.classes()).collect::<Vec<_>>().join(".")
    }

    /// Sets (`Some`) or removes (`None`) an attribute. The element is rebuilt so that scraper's
    /// cached id and classes follow.
    fn set_attr(&mut self, el: El, name: &str, value: Option<&str>) {
        let id = node!(self, el).id();
        let mut node = self.docs[el.doc].html.tree.get_mut(id).expect("a node");
        let Node::Element(e) = node.value() else { panic!("not an element") };
        let mut attrs = e.attrs.clone();
        attrs.retain(|(q, _)| &*q.local != name);
        if let Some(value) = value {
            let mut q = e.name.clone();
            q.prefix = None;
            q.ns = "".into();
            q.local = name.into();
            attrs.push((q, value.into()));
        }
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut fresh = Element::new(e.name.clone(), Vec::new());
        fresh.attrs = attrs;
        *e = fresh;
    }

    fn flip(&mut self, el: El, attr: &str) {
        let on = self.element(el).attr(attr) == Some("true");
        self.set_attr(el, attr, Some(if on { "false" } else { "true" }));
    }

    fn has_class(&self, el: El, name: &str) -> bool {
        self.element(el).attr("class").unwrap_or_default().split_whitespace().any(|c| c == name)
    }

    /// Clicks `el`; false if it is a link leaving the page, which is not clicked.
    fn click(&mut self, el: El) -> bool {
        let e = self.element(el).clone();
        let attr = |name: &str| e.attr(name).map(str::to_owned);
        if let (Some(href), "a") = (attr("href"), e.name()) {
            if !(href.starts_with('#') || href.starts_with("javascript:")) {
                return false;
            }
        }
        self.clicks.push(self.describe(el));
        match (e.name(), attr("type").as_deref()) {
            ("input", Some("checkbox")) => self.set_attr(el, "checked", if attr("checked").is_some() { None } else { Some("") }),
            ("input", Some("radio")) => {
                let group = attr("name");
                for other in self.elements(self.root_of(el)) {
                    let o = self.element(other);
                    if other != el && o.name() == "input" && o.attr("type") == Some("radio") && o.attr("name").map(str::to_owned) == group {
                        self.set_attr(other, "checked", None);
                    }
                }
                self.set_attr(el, "checked", Some(""));
            }
            ("label", _) => {
                let root = self.root_of(el);
                let control = match attr("for") {
                    Some(id) => self.query(root, &format!("[id='{id}']")).first().copied(),
                    None => {
                        self.elements(root).into_iter().find(|&c| c != el && self.element(c).name() == "input" && self.is_inside(c, el))
                    }
                };
                if let Some(control) = control {
                    self.click(control);
                }
            }
            _ => {}
        }
        if attr("role").as_deref() == Some("switch") || attr("aria-checked").is_some() {
            self.flip(el, "aria-checked");
        }
        if attr("aria-pressed").is_some() {
            self.flip(el, "aria-pressed");
        }
        for effect in attr("data-memdom-click").unwrap_or_default().split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let (verb, argument) = effect.split_once(':').unwrap_or_else(|| panic!("memdom: bad effect {effect:?}"));
            match verb {
                "hide" => self.everywhere(argument).into_iter().for_each(|t| self.set_attr(t, "hidden", Some(""))),
                "show" => self.everywhere(argument).into_iter().for_each(|t| self.set_attr(t, "hidden", None)),
                "remove" => {
                    for t in self.everywhere(argument) {
                        let id = node!(self, t).id();
                        self.docs[t.doc].html.tree.get_mut(id).expect("a node").detach();
                    }
                }
                "toggle-class" => {
                    let mut classes: Vec<String> = attr("class").unwrap_or_default().split_whitespace().map(str::to_owned).collect();
                    match classes.iter().position(|c| c == argument) {
                        Some(i) => drop(classes.remove(i)),
                        None => classes.push(argument.to_owned()),
                    }
                    self.set_attr(el, "class", Some(&classes.join(" ")));
                }
                "set-cookie" => {
                    let (name, value) = argument.split_once('=').unwrap_or((argument, ""));
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
                _ => panic!("memdom: unknown effect {verb:?}"),
            }
        }
        true
    }

    fn is_inside(&self, el: El, ancestor: El) -> bool {
        let target = node!(self, ancestor).id();
        let mut n = node!(self, el);
        while let Some(parent) = n.parent() {
            if parent.id() == target && el.doc == ancestor.doc {
                return true;
            }
            n = parent;
        }
        false
    }

    /// A switch's state per the protocol's kind; `None` when it cannot be read.
    fn state(&self, el: El, kind: &Value) -> Option<bool> {
        let e = self.element(el);
        match (kind.as_str(), kind.get("class").and_then(Value::as_str)) {
            (Some("checkbox" | "radio"), _) => (e.name() == "input").then(|| e.attr("checked").is_some()),
            (Some("aria"), _) => match (e.attr("aria-checked"), e.attr("aria-pressed")) {
                (None, None) => None,
                (checked, pressed) => Some(checked == Some("true") || pressed == Some("true")),
            },
            (None, Some(class)) => Some(self.has_class(el, class)),
            _ => panic!("memdom: unknown kind {kind}"),
        }
    }

    fn probe(&self, probe: &Value) -> Value {
        if let Some(s) = probe.get("exists") {
            expect_keys(probe, &["exists"]);
            return json!(!self.resolve(&chain(s)).is_empty());
        }
        if let Some(s) = probe.get("visible") {
            expect_keys(probe, &["visible", "check"]);
            let shown: Vec<bool> = self.resolve(&chain(s)).into_iter().map(|el| self.visible(el)).collect();
            return json!(match probe["check"].as_str() {
                Some("any") => shown.contains(&true),
                Some("all") => !shown.is_empty() && !shown.contains(&false),
                Some("none") => !shown.contains(&true),
                _ => panic!("memdom: bad check in {probe}"),
            });
        }
        expect_keys(probe, &["state", "kind"]);
        json!(self.resolve(&chain(&probe["state"])).first().and_then(|&el| self.state(el, &probe["kind"])))
    }

    fn set(&mut self, command: &Value) -> Value {
        let target = chain(&command["target"]);
        let kind = &command["kind"];
        let on = command["on"].as_bool().expect("on is a boolean");
        let Some(&el) = self.resolve(&target).first() else { return json!({ "was": null, "now": null }) };
        let Some(was) = self.state(el, kind) else { return json!({ "was": null, "now": null }) };
        if was != on {
            match kind.as_str() {
                Some("checkbox") if !self.visible(el) => {
                    let root = self.root_of(el);
                    let id = self.element(el).id().map(str::to_owned);
                    let label = id.and_then(|id| self.query(root, &format!("label[for='{id}']")).first().copied());
                    self.click(label.unwrap_or(el));
                }
                Some("radio") if !on => {
                    let off = chain(&command["off"]);
                    if let Some(&no) = self.resolve(&off).first() {
                        self.click(no);
                    }
                }
                _ => {
                    self.click(el);
                }
            }
        }
        let now = self.resolve(&target).first().and_then(|&el| self.state(el, kind));
        json!({ "was": was, "now": now })
    }

    /// Carries out one command of the protocol and returns the reply (`null` for `done`).
    pub fn execute(&mut self, command: &Value) -> Value {
        self.log.push(command.clone());
        match command["op"].as_str() {
            Some("probe") => {
                expect_keys(command, &["op", "probes"]);
                let probes = command["probes"].as_array().expect("probes is an array");
                json!({ "results": probes.iter().map(|p| self.probe(p)).collect::<Vec<_>>() })
            }
            Some("click") => {
                expect_keys(command, &["op", "target", "all"]);
                let mut targets: Vec<El> = self.resolve(&chain(&command["target"])).into_iter().filter(|&el| self.visible(el)).collect();
                if command["all"] != json!(true) {
                    targets.truncate(1);
                }
                let clicked = targets.into_iter().filter(|&el| self.click(el)).count();
                json!({ "clicked": clicked })
            }
            Some("set") => {
                expect_keys(command, &["op", "target", "kind", "on", "off"]);
                self.set(command)
            }
            Some("wait") => {
                expect_keys(command, &["op", "until", "want", "timeoutMs"]);
                assert!(command["timeoutMs"].as_u64().is_some_and(|ms| ms <= 10_000), "{command}");
                json!({ "met": self.probe(&command["until"]) == command["want"] })
            }
            Some("sleep") => {
                expect_keys(command, &["op", "ms"]);
                json!({})
            }
            Some("hide") => {
                expect_keys(command, &["op", "target"]);
                let targets = self.resolve(&chain(&command["target"]));
                targets.iter().for_each(|&el| self.set_attr(el, "hidden", Some("")));
                json!({ "hidden": targets.len() })
            }
            Some("done") => {
                expect_keys(command, &["op", "answer"]);
                self.answer = Some(command["answer"].clone());
                Value::Null
            }
            _ => panic!("memdom: unknown command {command}"),
        }
    }

    /// Whether the chain matches anything.
    pub fn exists(&self, selector: &[&str]) -> bool {
        !self.resolve(&owned(selector)).is_empty()
    }

    /// Whether any match of the chain is visible.
    pub fn is_visible(&self, selector: &[&str]) -> bool {
        self.resolve(&owned(selector)).into_iter().any(|el| self.visible(el))
    }

    /// An attribute of the chain's first match.
    pub fn attr(&self, selector: &[&str], name: &str) -> Option<String> {
        let el = *self.resolve(&owned(selector)).first()?;
        self.element(el).attr(name).map(str::to_owned)
    }

    /// Whether the chain's first match (a checkbox or radio) is checked.
    pub fn checked(&self, selector: &[&str]) -> bool {
        self.attr(selector, "checked").is_some()
    }

    /// Whether the chain's first match has class `name`.
    pub fn has_class_at(&self, selector: &[&str], name: &str) -> bool {
        self.resolve(&owned(selector)).first().is_some_and(|&el| self.has_class(el, name))
    }
}

fn owned(selector: &[&str]) -> Vec<String> {
    selector.iter().map(|s| (*s).to_owned()).collect()
}
