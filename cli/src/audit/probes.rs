//! The attacker origins an audit derives from the origin the API is meant to serve (`APP`), and
//! the requests it sends with each. Nothing here judges: the machine does (`judge`).

use corsgate::Origin;
use url::{Host, Url};

use super::hosts;

/// The registrable domain audit's made-up attacker hosts live under. `.example` is reserved
/// (RFC 2606): no probe names a host anyone owns, and audit never connects to it anyway (only the
/// audited URL is contacted; these are `Origin` header values).
pub const ATTACKER: &str = "corsgate-attacker.example";

/// How a probe origin was derived from `APP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivation {
    /// `APP` itself: the baseline (what the real front end gets).
    App,
    /// An origin unrelated to `APP`.
    Unrelated,
    /// The opaque origin, serialized `null` (sandboxed iframes, `data:` documents).
    Null,
    /// `APP`'s host followed by more labels: `https://app.example.com.corsgate-attacker.example`.
    Prefix,
    /// `APP`'s host with a label glued in front: `https://evilapp.example.com`.
    SuffixHost,
    /// `APP`'s registrable domain with a label glued in front: `https://evilexample.com`.
    SuffixDomain,
    /// `APP`'s host with its first dot replaced by a letter: `https://appxexample.com`.
    UnescapedDot,
    /// A subdomain of `APP`'s host.
    Subdomain,
    /// `APP` over `http:` (when `APP` is `https:`).
    Insecure,
    /// `APP`'s host followed by a character the URL Standard accepts in a host (of the class,
    /// the one probed), then attacker labels.
    SpecialChar(SpecialClass, char),
    /// A well-known host where anyone can publish pages.
    ThirdParty,
}

/// The characters the URL Standard's host parser accepts in a domain although DNS names do not
/// have them (it refuses only the forbidden domain code points: URL §forbidden-domain-code-point),
/// in the classes a server's origin check tells apart. Within a class, the characters the engines'
/// URL parsers treat alike (`hosts::signature`) get one probe: the first of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialClass {
    /// `_`: a word character (matched by `\w`), not a DNS letter-digit-hyphen.
    Underscore,
    /// The sub-delimiters `!$&'()*+,;=`.
    SubDelimiter,
    /// `` ` ``, `{`, `}`, `~`, `"`: the other printable ASCII allowed in a domain.
    Other,
}

impl SpecialClass {
    /// Every class, in probing order.
    pub const ALL: [SpecialClass; 3] = [
        SpecialClass::Underscore,
        SpecialClass::SubDelimiter,
        SpecialClass::Other,
    ];

    /// The class's characters, in probing order.
    pub fn chars(self) -> &'static str {
        match self {
            SpecialClass::Underscore => "_",
            SpecialClass::SubDelimiter => "!$&'()*+,;=",
            SpecialClass::Other => "`{}~\"",
        }
    }

    /// The class in words.
    pub fn describe(self) -> &'static str {
        match self {
            SpecialClass::Underscore => "`_` (underscore)",
            SpecialClass::SubDelimiter => "a sub-delimiter (`!$&'()*+,;=`)",
            SpecialClass::Other => "`` ` ``, `{`, `}`, `~` or `\"`",
        }
    }

    /// The probes of the class: one character per group the engines' parsers treat alike, each
    /// with the group.
    pub fn probes(self) -> Vec<(char, Vec<char>)> {
        let mut groups: Vec<(char, Vec<char>)> = Vec::new();
        for c in self.chars().chars() {
            let sig = hosts::signature(c);
            match groups
                .iter_mut()
                .find(|(first, _)| hosts::signature(*first) == sig)
            {
                Some((_, group)) => group.push(c),
                None => groups.push((c, vec![c])),
            }
        }
        groups
    }
}

/// Hosts where anyone can publish a page (and so run script at that origin).
const THIRD_PARTY: [&str; 2] = ["https://corsgate-audit.github.io", "https://cdpn.io"];

/// One origin an attacker's page (or the real front end) can have.
#[derive(Debug, Clone)]
pub struct ProbeOrigin {
    /// How it was derived.
    pub derivation: Derivation,
    /// The origin.
    pub origin: Origin,
}

impl ProbeOrigin {
    /// The origin as the `Origin` header carries it.
    pub fn serialized(&self) -> String {
        self.origin.serialize()
    }
}

/// The probe origins for `app`, `APP` first and the unrelated origin second. A derivation whose
/// string does not parse as a URL (e.g. a label glued to an IPv4 address) is left out, as is any
/// origin equal to one already listed.
pub fn derive(app: &Origin) -> Result<Vec<ProbeOrigin>, String> {
    let Some(tuple) = app.as_tuple() else {
        return Err("--origin must be a scheme://host origin, not null".to_owned());
    };
    let scheme = tuple.scheme();
    if !matches!(scheme, "http" | "https") {
        return Err(format!(
            "--origin must be an http: or https: origin, not {scheme}:"
        ));
    }
    let host = tuple.host().to_string();
    let port = tuple.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut out = vec![ProbeOrigin {
        derivation: Derivation::App,
        origin: app.clone(),
    }];
    let mut add = |derivation: Derivation, text: String| {
        let Ok(url) = Url::parse(&text) else { return };
        let origin = Origin::of_url(&url);
        if origin.is_opaque() || out.iter().any(|p| p.origin.same_origin(&origin)) {
            return;
        }
        out.push(ProbeOrigin { derivation, origin });
    };
    add(
        Derivation::Unrelated,
        format!("{scheme}://{ATTACKER}{port}"),
    );
    add(
        Derivation::Prefix,
        format!("{scheme}://{host}.{ATTACKER}{port}"),
    );
    if let Host::Domain(_) = tuple.host() {
        add(
            Derivation::SuffixHost,
            format!("{scheme}://evil{host}{port}"),
        );
        if let Some(domain) = corsgate::origin::registrable_domain(tuple.host()) {
            if domain != host {
                add(
                    Derivation::SuffixDomain,
                    format!("{scheme}://evil{domain}{port}"),
                );
            }
        }
        // Only when a registrable name remains: `app.example.com` → `appxexample.com`.
        if host.matches('.').count() >= 2 {
            let glued = host.replacen('.', "x", 1);
            add(
                Derivation::UnescapedDot,
                format!("{scheme}://{glued}{port}"),
            );
        }
        add(
            Derivation::Subdomain,
            format!("{scheme}://corsgate-audit.{host}{port}"),
        );
    }
    if scheme == "https" {
        add(Derivation::Insecure, format!("http://{host}{port}"));
    }
    for class in SpecialClass::ALL {
        for (c, _) in class.probes() {
            add(
                Derivation::SpecialChar(class, c),
                format!("{scheme}://{host}{c}.{ATTACKER}{port}"),
            );
        }
    }
    for third in THIRD_PARTY {
        add(Derivation::ThirdParty, third.to_owned());
    }
    // The opaque origin last: it is the only one `same_origin` never matches.
    out.push(ProbeOrigin {
        derivation: Derivation::Null,
        origin: Origin::new_opaque(),
    });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origins(app: &str) -> Vec<(Derivation, String)> {
        let app = Origin::parse_header(app.as_bytes()).unwrap();
        derive(&app)
            .unwrap()
            .into_iter()
            .map(|p| (p.derivation, p.serialized()))
            .collect()
    }

    #[test]
    fn every_derivation_of_a_subdomain_app() {
        let got = origins("https://app.example.com");
        let want = [
            (Derivation::App, "https://app.example.com"),
            (Derivation::Unrelated, "https://corsgate-attacker.example"),
            (
                Derivation::Prefix,
                "https://app.example.com.corsgate-attacker.example",
            ),
            (Derivation::SuffixHost, "https://evilapp.example.com"),
            (Derivation::SuffixDomain, "https://evilexample.com"),
            (Derivation::UnescapedDot, "https://appxexample.com"),
            (
                Derivation::Subdomain,
                "https://corsgate-audit.app.example.com",
            ),
            (Derivation::Insecure, "http://app.example.com"),
            (
                Derivation::SpecialChar(SpecialClass::Underscore, '_'),
                "https://app.example.com_.corsgate-attacker.example",
            ),
            (
                Derivation::SpecialChar(SpecialClass::SubDelimiter, '!'),
                "https://app.example.com!.corsgate-attacker.example",
            ),
            (
                Derivation::SpecialChar(SpecialClass::SubDelimiter, '*'),
                "https://app.example.com*.corsgate-attacker.example",
            ),
            (
                Derivation::SpecialChar(SpecialClass::Other, '`'),
                "https://app.example.com`.corsgate-attacker.example",
            ),
            (
                Derivation::SpecialChar(SpecialClass::Other, '"'),
                "https://app.example.com\".corsgate-attacker.example",
            ),
            (Derivation::ThirdParty, "https://corsgate-audit.github.io"),
            (Derivation::ThirdParty, "https://cdpn.io"),
            (Derivation::Null, "null"),
        ];
        let want: Vec<(Derivation, String)> =
            want.iter().map(|(d, s)| (*d, (*s).to_owned())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn one_special_probe_per_group_the_engines_treat_alike() {
        // Every engine keeps `_`, `!$&'()+,;=` and `` `{}~ ``; `*` and `"` are where they
        // differ (hosts::PARSERS), so each is a probe of its own.
        let got: Vec<(char, String)> = SpecialClass::ALL
            .iter()
            .flat_map(|c| c.probes())
            .map(|(c, group)| (c, group.into_iter().collect()))
            .collect();
        let want = [
            ('_', "_"),
            ('!', "!$&'()+,;="),
            ('*', "*"),
            ('`', "`{}~"),
            ('"', "\""),
        ];
        let want: Vec<(char, String)> = want.iter().map(|(c, g)| (*c, (*g).to_owned())).collect();
        assert_eq!(got, want);
        // Every character of the set is in exactly one class.
        let all: String = SpecialClass::ALL.iter().map(|c| c.chars()).collect();
        let mut sorted: Vec<char> = all.chars().collect();
        sorted.sort_unstable();
        let mut set: Vec<char> = hosts::CHARACTERS.chars().collect();
        set.sort_unstable();
        assert_eq!(sorted, set);
    }

    #[test]
    fn what_does_not_apply_is_left_out() {
        // A registrable domain as APP: no separate domain suffix, no dot to unescape; http: has
        // no insecure twin; a port is kept.
        let got = origins("http://example.com:8080");
        let kinds: Vec<Derivation> = got.iter().map(|(d, _)| *d).collect();
        assert!(!kinds.contains(&Derivation::SuffixDomain));
        assert!(!kinds.contains(&Derivation::UnescapedDot));
        assert!(!kinds.contains(&Derivation::Insecure));
        assert!(got.contains(&(Derivation::SuffixHost, "http://evilexample.com:8080".into())));
        // An IP address takes no glued label (`evil127.0.0.1` is not a host).
        let got = origins("http://127.0.0.1:3000");
        let kinds: Vec<Derivation> = got.iter().map(|(d, _)| *d).collect();
        assert!(!kinds.contains(&Derivation::SuffixHost));
        assert!(!kinds.contains(&Derivation::Subdomain));
        assert!(kinds.contains(&Derivation::Prefix));
        assert!(derive(&Origin::new_opaque()).is_err());
    }
}
