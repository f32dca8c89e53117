//! Which of audit's special-character hosts each engine's URL parser gives a page. The URL
//! Standard's host parser keeps in a domain every printable ASCII character that is not a
//! forbidden domain code point (URL §forbidden-domain-code-point; §host-parsing step 7), so
//! `_`, the sub-delimiters and `` ` ``, `{`, `}`, `~`, `"` reach the origin although no DNS name
//! has them. The engines' own parsers differ on a few of them, and an attacker's page exists only
//! at a host the engine's parser accepts; and a host it rewrites (percent-escapes) gives the page
//! another origin, so its `Origin` header is not the one the probe sent.
//!
//! Engine differences are data here: one row per preset, each with the source it was read from
//! (`spec-notes/cli.md`, "Special characters in hosts", has the table). The code only reads the
//! rows; a preset without a row is judged by the URL Standard's row.

use corsgate::Origin;
use url::Host;

/// The characters the rows describe: the printable ASCII the URL Standard keeps in a domain
/// although a DNS name (letters, digits, `-`) does not have them, `.` aside.
pub const CHARACTERS: &str = "_!$&'()*+,;=`{}~\"";

/// What an engine's URL parser does with one of [`CHARACTERS`] in an `http:`/`https:` host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// Kept as is: the origin carries the character.
    Kept,
    /// Kept, percent-escaped (`%XX`, upper-case hex): the origin carries the escape.
    Escaped,
    /// The URL fails to parse: no page has such a host.
    Refused,
}

/// One engine's host parser, as data.
#[derive(Debug, Clone, Copy)]
pub struct HostParser {
    /// The preset (`Policy::name`) the row is for.
    pub preset: &'static str,
    /// Which of [`CHARACTERS`] the parser refuses.
    pub refuses: &'static str,
    /// Which of [`CHARACTERS`] it percent-escapes.
    pub escapes: &'static str,
    /// Where that was read.
    pub source: &'static str,
}

/// The rows, in `Policy::NAMES` order.
pub const PARSERS: [HostParser; 4] = [
    HostParser {
        preset: "spec",
        refuses: "",
        escapes: "",
        source: "URL Standard §forbidden-domain-code-point, §host-parsing; the url crate the core \
                 parses with (unit test `spec_row_is_what_the_url_crate_does`)",
    },
    HostParser {
        preset: "chromium",
        refuses: "",
        escapes: "*",
        source: "chromium/chromium url/url_canon_host.cc (commit 09bed06c) kHostCharLookup: \
                 `*` (and space) are kEsc, escaped by AppendEscapedChar (url_canon_internal.h, \
                 upper-case hex); the others of the set map to themselves",
    },
    HostParser {
        preset: "firefox",
        refuses: "*\"",
        escapes: "",
        source: "mozilla/gecko-dev netwerk/base/idna_glue/src/lib.rs (commits 1b3d2988, \
                 4496b3ed) deny list GECKO = the URL deny list plus `*` and `\"`, applied by \
                 mozilla_net_domain_to_display_and_ascii_impl, which nsStandardURL::NormalizeIDN \
                 calls from BuildNormalizedSpec and SetHost (nsStandardURL.cpp, commit 069a9730); \
                 a refusal is NS_ERROR_MALFORMED_URI; http(s) authorities are split by \
                 nsAuthURLParser (nsNetUtil.cpp NewStandardURI: URLTYPE_AUTHORITY), which ends \
                 them only at `/`, `?`, `#`",
    },
    HostParser {
        preset: "webkit",
        refuses: "",
        escapes: "",
        source: "WebKit/WebKit Source/WTF/wtf/URLParser.cpp (commit 00f03c1f) \
                 characterClassTable: none of the set has ForbiddenDomain; parseHostAndPort \
                 keeps an ASCII host as is, lower-cased",
    },
];

/// The row for `preset`; the URL Standard's when there is none.
pub fn parser(preset: &str) -> &'static HostParser {
    PARSERS
        .iter()
        .find(|p| p.preset == preset)
        .unwrap_or(&PARSERS[0])
}

impl HostParser {
    /// What the parser does with `c` (a character outside [`CHARACTERS`] is kept: the rows
    /// describe only the set).
    pub fn treats(&self, c: char) -> Treatment {
        if self.refuses.contains(c) {
            Treatment::Refused
        } else if self.escapes.contains(c) {
            Treatment::Escaped
        } else {
            Treatment::Kept
        }
    }

    /// `host` (as the URL Standard serializes it) as a page of this engine has it, or `None`
    /// when the parser refuses it.
    pub fn host(&self, host: &str) -> Option<String> {
        let mut out = String::with_capacity(host.len());
        for c in host.chars() {
            match self.treats(c) {
                Treatment::Kept => out.push(c),
                Treatment::Escaped => {
                    let mut buf = [0; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
                Treatment::Refused => return None,
            }
        }
        Some(out)
    }
}

/// What a page of `preset`'s engine at `origin` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// It has `origin` itself: the probe's `Origin` is the one it sends.
    Same,
    /// The engine's parser refuses the host: no page has this origin.
    Refused,
    /// The engine's page has this other origin (serialized), so sends another `Origin`.
    Rewritten(String),
}

/// What `preset`'s engine makes of `origin` (the opaque origin and IP addresses are unchanged).
pub fn page(preset: &str, origin: &Origin) -> Page {
    let Some(tuple) = origin.as_tuple() else {
        return Page::Same;
    };
    let Host::Domain(domain) = tuple.host() else {
        return Page::Same;
    };
    match parser(preset).host(domain) {
        None => Page::Refused,
        Some(h) if h == *domain => Page::Same,
        Some(h) => {
            let port = tuple.port().map(|p| format!(":{p}")).unwrap_or_default();
            Page::Rewritten(format!("{}://{h}{port}", tuple.scheme()))
        }
    }
}

/// How the rows treat `c`, one entry per row: characters with the same signature are one class
/// as far as the engines go.
pub fn signature(c: char) -> [Treatment; 4] {
    PARSERS.map(|p| p.treats(c))
}

/// What each engine's parser does with `c` in `origin`'s host, in words: which keep it, which
/// refuse it, which escape it (and the origin their page has instead).
pub fn explain(c: char, origin: &Origin) -> String {
    let with = |t: Treatment| -> Vec<&'static str> {
        PARSERS
            .iter()
            .filter(|p| p.treats(c) == t)
            .map(|p| p.preset)
            .collect()
    };
    let mut parts = Vec::new();
    let kept = with(Treatment::Kept);
    if !kept.is_empty() {
        parts.push(format!(
            "the URL parsers of {} keep {} in a host",
            list(&kept),
            code(c)
        ));
    }
    let refused = with(Treatment::Refused);
    if !refused.is_empty() {
        parts.push(format!(
            "{} refuse{} it (the URL does not parse: no page there)",
            list(&refused),
            if refused.len() == 1 { "s" } else { "" }
        ));
    }
    for p in PARSERS.iter().filter(|p| p.treats(c) == Treatment::Escaped) {
        let escaped = p.host(&c.to_string()).unwrap_or_default();
        let instead = match page(p.preset, origin) {
            Page::Rewritten(o) => format!(": a page there sends `Origin: {o}`, not probed"),
            _ => String::new(),
        };
        parts.push(format!("{} escapes it to `{escaped}`{instead}", p.preset));
    }
    parts.join("; ")
}

/// `c` as inline code: `` ` `` needs the doubled fence.
pub fn code(c: char) -> String {
    if c == '`' {
        "`` ` ``".to_owned()
    } else {
        format!("`{c}`")
    }
}

fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    #[test]
    fn spec_row_is_what_the_url_crate_does() {
        // The `spec` row says the URL Standard keeps every character of the set as is: the url
        // crate (what every preset parses with) must agree, character by character.
        let spec = parser("spec");
        let mut checked = 0;
        for c in CHARACTERS.chars() {
            let url = Url::parse(&format!("https://a{c}b.example/")).unwrap();
            let want = spec.host(&format!("a{c}b.example"));
            assert_eq!(url.host_str().map(str::to_owned), want, "{c:?}");
            checked += 1;
        }
        assert_eq!(checked, 17);
        // And the URL Standard refuses what it forbids: the set is exactly what it keeps.
        for c in ['%', '|', '^', '<', ' '] {
            assert!(
                Url::parse(&format!("https://a{c}b.example/")).is_err(),
                "{c:?}"
            );
        }
    }

    #[test]
    fn rows_cover_the_presets_and_only_the_set() {
        let names: Vec<&str> = PARSERS.iter().map(|p| p.preset).collect();
        assert_eq!(names, corsgate::Policy::NAMES);
        for p in PARSERS {
            for c in p.refuses.chars().chain(p.escapes.chars()) {
                assert!(CHARACTERS.contains(c), "{} {c:?}", p.preset);
            }
        }
        assert_eq!(parser("unknown").preset, "spec");
    }

    #[test]
    fn pages_by_engine() {
        let origin = |s: &str| Origin::of_url(&Url::parse(s).unwrap());
        let star = origin("https://app.example.com*.x.example:8443");
        assert_eq!(page("spec", &star), Page::Same);
        assert_eq!(page("webkit", &star), Page::Same);
        assert_eq!(page("firefox", &star), Page::Refused);
        assert_eq!(
            page("chromium", &star),
            Page::Rewritten("https://app.example.com%2A.x.example:8443".to_owned())
        );
        let quote = origin("https://app.example.com\".x.example");
        assert_eq!(page("chromium", &quote), Page::Same);
        assert_eq!(page("firefox", &quote), Page::Refused);
        let bang = origin("https://app.example.com!.x.example");
        assert!(PARSERS.iter().all(|p| page(p.preset, &bang) == Page::Same));
        assert_eq!(page("firefox", &Origin::new_opaque()), Page::Same);
        let text = explain('*', &star);
        assert!(
            text.contains("the URL parsers of spec and webkit keep `*`"),
            "{text}"
        );
        assert!(text.contains("firefox refuses it"), "{text}");
        assert!(
            text.contains(
                "chromium escapes it to `%2A`: a page there sends \
                 `Origin: https://app.example.com%2A.x.example:8443`, not probed"
            ),
            "{text}"
        );
    }
}
