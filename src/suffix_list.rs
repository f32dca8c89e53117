//! The Public Suffix List read from data (feature `psl-data`): the same rules and the same
//! answers as the `psl` crate, whose list is compiled into code (about 900 KB of WebAssembly).
//! Here the list is data, `data/public_suffix_list.fc`: the rules of
//! `data/public_suffix_list.dat` (its source, 45 KB gzip) front-coded (34 KB gzip), parsed once
//! into a sorted table on first use; the WebAssembly build of `bindings/js` uses it for its
//! size.
//!
//! URL Standard §host-public-suffix runs the PSL algorithm (publicsuffix.org/list, "Formal
//! algorithm"); [`registrable_domain`] answers as `psl::domain` does, byte for byte (the unit
//! test below compares both on every rule of the list).
//!
//! The compact form ([`encode`] writes it, [`decode`] reads it; a unit test checks that the
//! committed file is `encode` of the committed list, byte for byte): after `//` comment lines,
//! one rule a line, sorted by its name with the labels in reverse order (`uk.co` for `co.uk`), so
//! that a rule shares a long prefix with the one before it. A line is one byte `'0' + n` (the
//! first `n` bytes of the previous reversed name are this one's too, `n` ≤ [`MAX_SHARED`]), `*`
//! for a wildcard rule (`*.name`) or `!` for an exception rule (`!name`) or nothing for a
//! plain rule (no name holds either character), then the rest of the reversed name.

use std::sync::OnceLock;

/// The list, front-coded (see the module's documentation).
const COMPACT: &[u8] = include_bytes!("../data/public_suffix_list.fc");

/// The longest prefix a line may take from the line before (`'0' + 77` is `}`: the length byte
/// stays printable ASCII, never `/` nor a newline).
const MAX_SHARED: usize = 77;

/// A rule for this very name (`example`).
const NORMAL: u8 = 1;
/// A wildcard rule below this name (`*.example`).
const WILDCARD: u8 = 2;
/// An exception rule for this name (`!example`).
const EXCEPTION: u8 = 4;

/// The rules, sorted by name (bytes), each name once with the kinds of rule it has.
struct List {
    rules: Vec<(Box<str>, u8)>,
}

fn list() -> &'static List {
    static LIST: OnceLock<List> = OnceLock::new();
    LIST.get_or_init(|| build(decode(COMPACT)))
}

/// The rules of the list's text (`//` comments, `*.` wildcards, `!` exceptions), each as its
/// name and kind, in the text's order.
#[cfg(all(test, feature = "psl"))]
fn rules_of_text(text: &str) -> Vec<(String, u8)> {
    let mut rules = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let (name, kind) = if let Some(name) = line.strip_prefix('!') {
            (name, EXCEPTION)
        } else if let Some(name) = line.strip_prefix("*.") {
            (name, WILDCARD)
        } else {
            (line, NORMAL)
        };
        rules.push((name.to_owned(), kind));
    }
    rules
}

/// `name`'s labels in reverse order (`co.uk` ↔ `uk.co`; its own inverse).
fn reversed(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, label) in name.rsplit('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(label);
    }
    out
}

/// The compact form of the list's text (see the module's documentation), `header` lines first.
#[cfg(all(test, feature = "psl"))]
fn encode(text: &str, header: &str) -> Vec<u8> {
    let mut lines: Vec<(String, u8)> = rules_of_text(text)
        .into_iter()
        .map(|(name, kind)| (reversed(&name), kind))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out = Vec::with_capacity(text.len() / 2);
    for line in header.lines() {
        out.extend_from_slice(b"// ");
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    let mut previous = "";
    for (name, kind) in &lines {
        let mut shared = name
            .bytes()
            .zip(previous.bytes())
            .take_while(|(a, b)| a == b)
            .count()
            .min(MAX_SHARED);
        // Whole characters only: each line's rest is UTF-8 of its own.
        while !name.is_char_boundary(shared) {
            shared -= 1;
        }
        out.push(b'0' + u8::try_from(shared).unwrap_or(0));
        match *kind {
            WILDCARD => out.push(b'*'),
            EXCEPTION => out.push(b'!'),
            _ => {}
        }
        out.extend_from_slice(&name.as_bytes()[shared..]);
        out.push(b'\n');
        previous = name;
    }
    out
}

/// The rules of the compact form, each as its name and kind. A malformed line (a length past
/// the previous name, an empty name, a name not UTF-8) is skipped: the committed file has
/// none (the unit test reads it back to the list's text).
fn decode(compact: &[u8]) -> Vec<(String, u8)> {
    let mut rules = Vec::with_capacity(16_384);
    let mut previous: Vec<u8> = Vec::new();
    for line in compact.split(|&b| b == b'\n') {
        let [count, rest @ ..] = line else {
            continue;
        };
        let (kind, rest) = match rest {
            [b'*', rest @ ..] => (WILDCARD, rest),
            [b'!', rest @ ..] => (EXCEPTION, rest),
            _ => (NORMAL, rest),
        };
        let Some(shared) = usize::from(*count)
            .checked_sub(usize::from(b'0'))
            .filter(|&n| n <= previous.len().min(MAX_SHARED))
        else {
            continue;
        };
        if rest.is_empty() && shared == 0 {
            continue;
        }
        previous.truncate(shared);
        previous.extend_from_slice(rest);
        if let Ok(name) = std::str::from_utf8(&previous) {
            rules.push((reversed(name), kind));
        }
    }
    rules
}

/// The sorted table of `rules` (names and kinds): each rule's name with its kinds, every name
/// between a rule and its top-level domain (kind 0), and the ASCII spelling of the
/// internationalized ones.
fn build(rules: Vec<(String, u8)>) -> List {
    let mut table: Vec<(Box<str>, u8)> = Vec::with_capacity(rules.len() * 2);
    for (name, kind) in rules {
        push_parents(&mut table, &name);
        // Hosts reach the list in their ASCII (punycode) form (URL §concept-domain-to-ascii),
        // so an internationalized rule holds under both spellings, as in the psl crate.
        // The list's names are already lowercase and NFC (the list's own rules), so their
        // ASCII form is each non-ASCII label's Punycode (RFC 3492) behind `xn--`: computed here
        // rather than by `url`'s IDNA, which may be built without Unicode data (the WebAssembly
        // of bindings/js). A unit test checks it equals `Host::parse` on every rule.
        if !name.is_ascii() {
            if let Some(ascii) = to_ascii(&name) {
                push_parents(&mut table, &ascii);
                table.push((ascii.into(), kind));
            }
        }
        table.push((name.into(), kind));
    }
    table.sort_unstable();
    let mut merged: Vec<(Box<str>, u8)> = Vec::with_capacity(table.len());
    for (name, kind) in table {
        match merged.last_mut() {
            Some((last, kinds)) if *last == name => *kinds |= kind,
            _ => merged.push((name, kind)),
        }
    }
    merged.shrink_to_fit();
    List { rules: merged }
}

/// `name` with each non-ASCII label as `xn--` and its Punycode; `None` if a label overflows.
fn to_ascii(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len() * 2);
    for (i, label) in name.split('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        if label.is_ascii() {
            out.push_str(label);
        } else {
            out.push_str("xn--");
            out.push_str(&punycode(label)?);
        }
    }
    Some(out)
}

/// RFC 3492 §6.3 (encoding procedure), with its §5 parameters; `None` on overflow.
fn punycode(label: &str) -> Option<String> {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = u32::try_from(out.len()).ok()?;
    let total = u32::try_from(code_points.len()).ok()?;
    // "let h = b = the number of basic code points"; "if b > 0 then output a delimiter".
    let mut handled = basic;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias) = (0x80_u32, 0_u32, 72_u32);
    while handled < total {
        // "let m = the minimum {non-basic} code point >= n in the input".
        let m = code_points.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in &code_points {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                // "let q = delta", then the generalized variable-length integer.
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// RFC 3492 §6.1 (bias adaptation function).
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + 38)
}

/// A Punycode digit (RFC 3492 §5: 0-25 `a`-`z`, 26-35 `0`-`9`).
fn digit(d: u32) -> char {
    let d = u8::try_from(d).unwrap_or(0);
    char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
}

/// The names between a rule and its top-level domain, as names with no rule of their own (the
/// psl crate's tree: a wildcard does not match a label that leads to a more specific rule).
fn push_parents(rules: &mut Vec<(Box<str>, u8)>, name: &str) {
    let mut rest = name;
    while let Some(dot) = rest.find('.') {
        rest = &rest[dot + 1..];
        rules.push((rest.into(), 0));
    }
}

impl List {
    /// The kinds of rule `name` has, `None` when no rule has it as a suffix.
    fn kinds(&self, name: &[u8]) -> Option<u8> {
        self.rules
            .binary_search_by(|(rule, _)| rule.as_bytes().cmp(name))
            .ok()
            .map(|i| self.rules[i].1)
    }

    /// The length in bytes of `host`'s public suffix (`host` without a trailing dot).
    fn suffix_len(&self, host: &[u8]) -> usize {
        let mut len = 0;
        let mut parent_kinds = 0;
        let mut end = host.len();
        let mut first = true;
        loop {
            // The next label to the left: `candidate` is host's last labels down to it.
            let start = host[..end]
                .iter()
                .rposition(|&b| b == b'.')
                .map_or(0, |dot| dot + 1);
            let candidate = &host[start..];
            let kinds = self.kinds(candidate);
            // Algorithm 2.: with no rule matching, the prevailing rule is "*" (the last label).
            if first {
                len = candidate.len();
            }
            // Algorithm 4.: an exception rule prevails; the public suffix is the rule without
            // its leftmost label.
            if kinds.is_some_and(|k| k & EXCEPTION != 0) {
                return host.len() - end;
            }
            // Algorithm 5.-6.: otherwise the rule with the most labels prevails (a wildcard
            // below the parent matches this label).
            //    A wildcard matches only a label that leads to no more specific rule.
            match kinds {
                Some(k) if k & NORMAL != 0 => len = candidate.len(),
                None if parent_kinds & WILDCARD != 0 => len = candidate.len(),
                _ => {}
            }
            let Some(kinds) = kinds else {
                return len;
            };
            if start == 0 {
                return len;
            }
            end = start - 1;
            parent_kinds = kinds;
            first = false;
        }
    }
}

/// `name`'s registrable domain (a trailing dot kept), or `None`: what `psl::domain(name)`
/// returns, from the list's text.
pub(crate) fn registrable_domain(name: &[u8]) -> Option<&[u8]> {
    // A fully qualified name's trailing dot is not a label, but belongs to the suffix.
    let (host, fqdn) = match name.strip_suffix(b".") {
        Some(host) => (host, true),
        None => (name, false),
    };
    let mut suffix_len = list().suffix_len(host);
    if fqdn {
        suffix_len += 1;
    }
    if suffix_len == 0 {
        return None;
    }
    // URL §host-registrable-domain 3.-5.: the suffix and one more label; none when the host
    // is its public suffix.
    if name.len() < suffix_len + 2 {
        return None;
    }
    let subdomain = &name[..name.len() - 1 - suffix_len];
    let root_label = subdomain.rsplit(|&b| b == b'.').next().unwrap_or(subdomain);
    Some(&name[name.len() - (root_label.len() + 1 + suffix_len)..])
}

#[cfg(all(test, feature = "psl"))]
mod tests {
    use super::*;
    use url::Host;

    /// The list's text, the source of the compact form.
    const RULES: &str = include_str!("../data/public_suffix_list.dat");

    /// The compact file is `encode` of the list's text, byte for byte, and reads back to the
    /// text's rules. `CORSGATE_WRITE_PSL=1 cargo test --lib suffix_list` rewrites it after the
    /// list (and psl in Cargo.lock) is updated; that run still fails (the file is compiled in as
    /// it was), the next one passes.
    #[test]
    fn the_compact_file_is_the_list() {
        let header = "The Public Suffix List (https://publicsuffix.org/list/), Mozilla Public License 2.0:\n\
                      data/public_suffix_list.dat front-coded by src/suffix_list.rs (`encode`; its\n\
                      module documentation gives the format). Do not edit: rewrite it with\n\
                      CORSGATE_WRITE_PSL=1 cargo test --lib suffix_list";
        let encoded = encode(RULES, header);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/public_suffix_list.fc");
        if std::env::var_os("CORSGATE_WRITE_PSL").is_some() {
            std::fs::write(path, &encoded).expect("write the compact list");
        }
        assert!(
            encoded == COMPACT,
            "{path} is not the front-coded data/public_suffix_list.dat: CORSGATE_WRITE_PSL=1 cargo test --lib suffix_list"
        );
        let mut text = rules_of_text(RULES);
        let mut read = decode(COMPACT);
        text.sort_unstable();
        text.dedup();
        read.sort_unstable();
        assert_eq!(read.len(), text.len());
        assert!(read == text, "the compact file reads back to other rules");
        assert!(read.len() > 9_000, "{} rules", read.len());
        // The front coding shares prefixes: the file is under two thirds of the text.
        assert!(
            COMPACT.len() * 3 < RULES.len() * 2,
            "{} bytes",
            COMPACT.len()
        );
    }

    /// Malformed lines are skipped, never a panic: a length past the previous name, an empty
    /// name, bytes that are not UTF-8, a length below `'0'`, an empty line.
    #[test]
    fn decode_skips_malformed_lines() {
        let got = decode(b"// c\n0uk\n2.co\n9x\n0\n0\xff\n \n\n0*jp\n2!.kawasaki.city");
        let want: Vec<(String, u8)> = vec![
            ("uk".into(), NORMAL),
            ("co.uk".into(), NORMAL),
            ("jp".into(), WILDCARD),
            ("city.kawasaki.jp".into(), EXCEPTION),
        ];
        assert_eq!(got, want);
        assert_eq!(reversed("a.b.c"), "c.b.a");
        assert_eq!(
            reversed(&reversed("www.example.co.uk")),
            "www.example.co.uk"
        );
    }

    /// The ASCII form computed here equals `url`'s (IDNA with Unicode data) for every
    /// internationalized rule of the list, and RFC 3492 §7.1's samples.
    #[test]
    fn punycode_equals_url_idna_on_every_rule() {
        let mut checked = 0;
        for line in RULES.lines().map(str::trim) {
            if line.is_empty() || line.starts_with("//") || line.is_ascii() {
                continue;
            }
            let name = line.trim_start_matches('!').trim_start_matches("*.");
            let Ok(Host::Domain(expected)) = Host::parse(name) else {
                panic!("{name}: url cannot parse it");
            };
            assert_eq!(to_ascii(name).as_deref(), Some(expected.as_str()), "{name}");
            checked += 1;
        }
        assert!(checked > 400, "{checked} internationalized rules");
        // RFC 3492 §7.1 (A) Arabic (Egyptian), (L) 3<nen>B<gumi><kinpachi><sensei>.
        let arabic = "\u{644}\u{64a}\u{647}\u{645}\u{627}\u{628}\u{62a}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64a}\u{61f}";
        assert_eq!(punycode(arabic).as_deref(), Some("egbpdaj6bu4bxfgehfvwxn"));
        assert_eq!(
            punycode("3\u{5e74}B\u{7d44}\u{91d1}\u{516b}\u{5148}\u{751f}").as_deref(),
            Some("3B-ww4c5e180e575a65lsy2b")
        );
    }

    fn psl_crate(name: &str) -> Option<&[u8]> {
        psl::domain(name.as_bytes()).map(|d| d.as_bytes())
    }

    /// Every rule of the list, under both spellings, bare, below one and two more labels and
    /// fully qualified, plus malformed names: the same answer as the psl crate's compiled list.
    #[test]
    fn same_answers_as_the_psl_crate_for_every_rule() {
        let table = list();
        let mut names: Vec<String> = Vec::new();
        for (rule, _) in &table.rules {
            for name in [
                rule.to_string(),
                format!("x.{rule}"),
                format!("www.x.{rule}"),
                format!("a.b.c.{rule}"),
                format!("{rule}."),
                format!("x.{rule}."),
            ] {
                names.push(name);
            }
            // Every shorter suffix of the rule too (the parents of deeper rules).
            let mut rest = &rule[..];
            while let Some(dot) = rest.find('.') {
                rest = &rest[dot + 1..];
                names.push(format!("y.{rest}"));
            }
        }
        for odd in [
            "",
            ".",
            "..",
            "a..com",
            "com..",
            ".com",
            "x.com.",
            "x.unknowntld",
            "unknowntld",
            "EXAMPLE.COM",
            "www.ck",
            "a.www.ck",
            "a.b.ck",
            "ck",
            "city.kawasaki.jp",
            "a.city.kawasaki.jp",
            "a.b.kawasaki.jp",
            "github.io",
            "a.github.io",
            "公司.cn",
            "x.公司.cn",
            "x.xn--55qx5d.cn",
            "127.0.0.1",
            "[::1]",
        ] {
            names.push(odd.to_owned());
        }
        let mut differ = Vec::new();
        for name in &names {
            let ours = registrable_domain(name.as_bytes());
            if ours != psl_crate(name) {
                differ.push(name.clone());
            }
        }
        assert!(
            differ.is_empty(),
            "{} differ, e.g. {:?}",
            differ.len(),
            &differ[..differ.len().min(20)]
        );
        // The list has over 10 000 rules (with the punycode spellings of the IDN ones).
        assert!(table.rules.len() > 10_000, "{} rules", table.rules.len());
        assert!(names.len() > 60_000, "{} names compared", names.len());
    }

    #[test]
    fn url_standard_examples() {
        // URL Standard §host-registrable-domain's example table.
        let cases: [(&str, Option<&str>); 6] = [
            ("com", None),
            ("example.com", Some("example.com")),
            ("www.example.com", Some("example.com")),
            ("github.io", None),
            ("whatwg.github.io", Some("whatwg.github.io")),
            ("example.com.", Some("example.com.")),
        ];
        for (host, want) in cases {
            assert_eq!(
                registrable_domain(host.as_bytes()),
                want.map(str::as_bytes),
                "{host}"
            );
        }
    }
}
