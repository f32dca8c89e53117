//! The request description a fetch starts from: modes, credentials, redirect mode and the
//! network partition key (Fetch §requests, <https://fetch.spec.whatwg.org/#requests>).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Fetch §concept-request-mode. `navigate` and `websocket` are out of scope for a CORS engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// `same-origin`: a cross-origin URL is a network error.
    SameOrigin,
    /// `no-cors`: cross-origin responses are opaque; only safelisted methods and headers.
    NoCors,
    /// `cors`: cross-origin requests use the CORS protocol (the `fetch()` default).
    #[default]
    Cors,
}

/// Fetch §concept-request-credentials-mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CredentialsMode {
    /// `omit`: never send credentials.
    Omit,
    /// `same-origin`: send credentials to same-origin URLs only (the `fetch()` default).
    #[default]
    SameOrigin,
    /// `include`: always send credentials; CORS then requires `Access-Control-Allow-Credentials`.
    Include,
}

/// Fetch §concept-request-redirect-mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RedirectMode {
    /// `follow`: follow redirects (the default).
    #[default]
    Follow,
    /// `error`: a redirect is a network error.
    Error,
    /// `manual`: a redirect yields an opaque-redirect filtered response.
    Manual,
}

/// Fetch §concept-request-response-tainting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseTainting {
    /// `basic`: same-origin; the response is filtered as basic.
    #[default]
    Basic,
    /// `cors`: the CORS protocol applies; the response is CORS-filtered.
    Cors,
    /// `opaque`: a no-cors cross-origin fetch; the response is opaque.
    Opaque,
}

/// The network partition key (Fetch §network-partition-key): opaque bytes the embedder chooses
/// (typically the top-level site), compared byte for byte. The default is the empty key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PartitionKey(Arc<[u8]>);

impl PartitionKey {
    /// A key made of these bytes.
    pub fn new(bytes: impl AsRef<[u8]>) -> Self {
        PartitionKey(Arc::from(bytes.as_ref()))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A keyword that is not one of an enum's spec values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{got}` is not a valid {what}; expected one of: {expected}")]
pub struct KeywordError {
    /// What was being parsed (e.g. "request mode").
    pub what: &'static str,
    /// The input.
    pub got: String,
    /// The accepted keywords, comma-separated.
    pub expected: &'static str,
}

macro_rules! keywords {
    ($ty:ident, $what:literal, $($kw:literal => $v:ident),+ $(,)?) => {
        impl $ty {
            /// The spec keyword of this value.
            pub fn as_str(&self) -> &'static str {
                match self { $($ty::$v => $kw),+ }
            }
        }
        impl FromStr for $ty {
            type Err = KeywordError;
            fn from_str(s: &str) -> Result<Self, KeywordError> {
                match s {
                    $($kw => Ok($ty::$v),)+
                    _ => Err(KeywordError {
                        what: $what,
                        got: s.to_owned(),
                        expected: concat!($($kw, " "),+),
                    }),
                }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords!(Mode, "request mode", "same-origin" => SameOrigin, "no-cors" => NoCors, "cors" => Cors);
keywords!(CredentialsMode, "credentials mode", "omit" => Omit, "same-origin" => SameOrigin, "include" => Include);
keywords!(RedirectMode, "redirect mode", "follow" => Follow, "error" => Error, "manual" => Manual);
keywords!(ResponseTainting, "response tainting", "basic" => Basic, "cors" => Cors, "opaque" => Opaque);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for m in [Mode::SameOrigin, Mode::NoCors, Mode::Cors] {
            assert_eq!(m.as_str().parse::<Mode>(), Ok(m));
        }
        assert!("navigate".parse::<Mode>().is_err());
        assert_eq!("include".parse(), Ok(CredentialsMode::Include));
        assert_eq!("manual".parse(), Ok(RedirectMode::Manual));
        assert!("Include".parse::<CredentialsMode>().is_err());
    }
}
