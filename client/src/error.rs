//! What a client returns when a request does not end in a response script may read.

use corsgate::Blocked;

/// Why a request through an adapter failed. `E` is the HTTP client's own error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// A browser would block it: every rule the failing exchange broke, the exchange (preflight
    /// or actual request, redirect hop, URL), the spec step and the fix
    /// (`Blocked::error().rule()`, `.spec()`, `.fix()`).
    #[error("{0}")]
    Blocked(Box<Blocked>),
    /// The HTTP client failed below HTTP (refused, reset, timed out, TLS). `blocked` says which
    /// exchange (its error is `NetworkError::RequestFailed`).
    #[error("{blocked}")]
    Transport {
        /// The client's error.
        #[source]
        error: E,
        /// The network error the machine made of it.
        blocked: Box<Blocked>,
    },
    /// The request cannot be made as given (not an absolute URL, refused by `fetch()`'s checks,
    /// a client configured to follow redirects).
    #[error(transparent)]
    Usage(#[from] UsageError),
}

impl<E> Error<E> {
    /// The network error, for a blocked request or a transport failure.
    pub fn blocked(&self) -> Option<&Blocked> {
        match self {
            Error::Blocked(b) | Error::Transport { blocked: b, .. } => Some(b),
            Error::Usage(_) => None,
        }
    }
}

/// A request an adapter cannot make as given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsageError {
    /// The request's URI is not an absolute http(s) URL.
    #[error("the request URI `{0}` is not an absolute URL")]
    Url(String),
    /// `fetch()` refuses the request before sending it (a forbidden method, a body on GET…).
    #[error(transparent)]
    Request(#[from] corsgate::RequestError),
    /// The machine was driven out of order (a bug in a driver).
    #[error(transparent)]
    Machine(#[from] corsgate::UsageError),
    /// The client would follow redirects itself, or turn statuses into errors: the machine must
    /// see every response.
    #[error("the client must not follow redirects nor turn statuses into errors: {0}")]
    Client(&'static str),
    /// The fetch asked for more exchanges than a fetch can make (a driver bug; bounded).
    #[error("more than {0} exchanges in one fetch")]
    TooManyExchanges(usize),
}
