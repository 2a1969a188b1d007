//! Proptest strategies for `tests/properties.rs`: ABP-ish lines, hosts, URLs, and a small
//! filter and request grammar that share a vocabulary so that filters hit.

#![allow(dead_code)] // reason: each property uses a subset

use proptest::prelude::*;
use proptest::sample::select;
use trustledger::ResourceType;
// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

pub fn any_rtype() -> impl Strategy<Value = ResourceType> {
    select(ResourceType::ALL.to_vec())
}

/// Every type a filter without type options applies to (all but `document`).
pub fn network_rtype() -> impl Strategy<Value = ResourceType> {
    select(ResourceType::ALL.iter().copied().filter(|&t| t != ResourceType::Document).collect::<Vec<_>>())
}

/// Characters ABP lines are made of, plus some unicode (the Kelvin sign lower-cases to `k`).
pub const ABP_CHARS: &str = r"[|^*$~,=/@#!\[\]a-zA-Z0-9.\\ _%?&:()+{}éß中K\t-]{0,48}";

/// ABP-ish lines: arbitrary strings, strings over the ABP alphabet, and syntax fragments glued.
pub fn abp_line() -> impl Strategy<Value = String> {
    let atom = select(vec![
        "||",
        "|",
        "@@",
        "^",
        "*",
        "$",
        "~",
        ",",
        "=",
        "/",
        "#",
        "##",
        "#@#",
        "#$#",
        "$$",
        "$@$",
        "a.com",
        "b.a.com",
        "ads",
        "track",
        "script",
        "third-party",
        "3p",
        "1p",
        "strict3p",
        "strict1p",
        "domain=",
        "from=",
        "important",
        "badfilter",
        "match-case",
        "redirect=noop.js",
        "empty",
        "popup",
        "all",
        "document",
        "~script",
        "a.*",
        "\\",
        "é",
        "中",
        "K",
        "0.0.0.0 ",
        "127.0.0.1 ",
        "::1 ",
        "localhost",
        "[",
        "]",
        "(",
        ")",
        "?",
        "+",
        "{2}",
        "!",
        " ",
        ".",
        "-",
        "%",
        ":",
        "\\/",
        "[a-z]",
    ]);
    prop_oneof![
        2 => any::<String>(),
        3 => ABP_CHARS,
        5 => prop::collection::vec(atom, 0..12).prop_map(|v| v.concat()),
    ]
}

pub fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?"
}

/// Valid lower-case hosts: 1 to 4 labels, or an IPv4 literal.
pub fn host_gen() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(label(), 1..5).prop_map(|l| l.join(".")),
        1 => (0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255).prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
    ]
}

/// `scheme://[userinfo@]host[:port][/path|?query|#frag]`, with its host (as written).
pub fn url_with_host() -> impl Strategy<Value = (String, String)> {
    let host = prop_oneof![
        4 => prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?", 1..5).prop_map(|l| { let h = l.join("."); (h.clone(), h) }),
        1 => "[0-9a-f:]{1,12}".prop_map(|h| (format!("[{h}]"), h)),
    ];
    (
        "[a-zA-Z][a-zA-Z0-9+.-]{0,6}",
        prop::option::of("[a-zA-Z0-9:%._-]{0,8}"),
        host,
        prop::option::of(0u32..70000),
        prop::option::of("[/?#][a-zA-Z0-9/?#=&@:.%_~-]{0,24}"),
    )
        .prop_map(|(scheme, user, (written, host), port, rest)| {
            let mut url = format!("{scheme}://");
            if let Some(u) = user {
                url.push_str(&u);
                url.push('@');
            }
            url.push_str(&written);
            if let Some(p) = port {
                url.push_str(&format!(":{p}"));
            }
            url.push_str(rest.as_deref().unwrap_or(""));
            (url, host)
        })
}

/// URL-ish strings: arbitrary, over a URL alphabet, and well-formed ones.
pub fn url_ish() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        2 => r"[a-zA-Z0-9+.:/@\[\]?#\\%é_~ -]{0,40}",
        3 => url_with_host().prop_map(|(u, _)| u),
    ]
}

/// Hosts the simple-filter grammar and the request generator share, so filters hit.
pub const HOSTS: &[&str] = &["a.com", "b.a.com", "ads.net", "x.co.uk", "p.org", "track.io"];

/// Simple network filters: host anchors, `|` anchors, substrings with `*` and `^`, a few regexes
/// (a body between slashes), with random party, type and `$domain=` options; some exceptions.
pub fn simple_filter(allow_exception: bool, allow_important: bool) -> impl Strategy<Value = String> {
    let mut atoms = HOSTS.to_vec();
    atoms.extend([
        "ads", "track", "pixel", "js", "1", "a", "/", "/", "/", ".", "^", "^", "*", "?", "=", "-", "_", "https://", ":", "ADS", "%20", "&",
    ]);
    let mut opts = vec![
        "third-party",
        "~third-party",
        "3p",
        "1p",
        "strict3p",
        "strict1p",
        "script",
        "image",
        "~script",
        "~image",
        "xhr",
        "document",
        "domain=a.com",
        "domain=~b.a.com",
        "domain=p.org|a.com",
        "domain=x.co.uk|~ads.net",
        "domain=~p.org",
        "domain=a.*",
        "domain=x.*|~ads.*",
        "match-case",
    ];
    if allow_important {
        opts.push("important");
    }
    let exception = if allow_exception { prop_oneof![3 => Just(""), 2 => Just("@@")].boxed() } else { Just("").boxed() };
    (
        exception,
        select(vec!["", "|", "||", "||"]),
        prop::collection::vec(select(atoms), 1..4),
        select(vec!["", "", "", "|"]),
        prop_oneof![2 => Just(Vec::new()), 3 => prop::collection::vec(select(opts), 1..3)],
    )
        .prop_map(|(ex, left, body, right, opts)| {
            let mut s = format!("{ex}{left}{}{right}", body.concat());
            if !opts.is_empty() {
                s.push('$');
                s.push_str(&opts.join(","));
            }
            s
        })
}

/// Requests over the same vocabulary: (url, source url, type). Hosts are lower-case (as
/// browsers report them); paths may have upper case (for `$match-case`).
pub fn simple_request() -> impl Strategy<Value = (String, String, ResourceType)> {
    let mut hosts = HOSTS.to_vec();
    hosts.extend(["adsx.com", "a.comx.com", "1.2.3.4", "my-ads.net", "x.a.co.uk"]);
    let path_atoms = vec![
        "ads", "track", "pixel", "js", "1", "a", "a.com", "ads.net", "x.co.uk", "/", "/", "/", ".", "?", "=", "&", "-", "_", "ADS",
        "Track", "%20", ":", "https://",
    ];
    let sources = vec![
        "",
        "about:blank",
        "http://",
        "https://a.com/",
        "https://b.a.com/x",
        "https://p.org/",
        "https://www.p.org/",
        "https://x.co.uk/",
        "https://ads.net/",
        "https://track.io/",
        "HTTPS://A.COM/",
        "https://a.co.uk/",
        "https://www.x.com/",
    ];
    (
        select(vec!["http", "https", "https", "ws", "wss"]),
        select(vec!["", "", "", "ads.", "www.", "b.", "u:p@", "u@ads."]),
        select(hosts),
        select(vec!["", "", ":8080"]),
        select(vec!["/", "/", "?", ""]),
        prop::collection::vec(select(path_atoms), 0..7),
        select(sources),
        any_rtype(),
    )
        .prop_map(|(scheme, sub, host, port, lead, path, source, t)| {
            // Without a leading `/` or `?` the path would run into the host; keep hosts valid.
            let path = if lead.is_empty() { String::new() } else { format!("{lead}{}", path.concat()) };
            (format!("{scheme}://{sub}{host}{port}{path}"), source.to_owned(), t)
        })
}
