//! The two driver loops (blocking and async) every adapter reuses, and what they share: turning
//! an `http::Request` into the machine's [`FetchRequest`], and a transport error into a
//! [`FailureKind`].

use std::future::Future;
use std::time::Instant;

use corsgate::fetch::{Event, Outgoing, StateKind};
use corsgate::{
    Action, Blocked, CredentialsMode, FailureKind, Fetch, FetchRequest, Mode, NetworkError,
    NetworkFailure, Origin, RedirectMode, RequestKind,
};

use crate::error::{Error, UsageError};
use crate::SharedUserAgent;

/// The most requests one fetch hands out: 20 redirects, each with a preflight, each retried
/// once, and the first hop.
const MAX_EXCHANGES: usize = 2 * 2 * 21;

/// Options of the fetch, set as an extension of the `http::Request` an adapter sends (defaults:
/// mode `cors`, credentials `same-origin`, redirect `follow`, as `fetch(url)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FetchOptions {
    /// The request's mode.
    pub mode: Mode,
    /// The request's credentials mode. (Adapters attach no cookies; `Outgoing::credentials`
    /// says when a browser would.)
    pub credentials: CredentialsMode,
    /// The request's redirect mode.
    pub redirect: RedirectMode,
}

/// What script sees of the response: an extension of every response an adapter returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsResponse {
    /// The filtered response: type, status (0 when opaque), visible headers, URL list.
    pub response: corsgate::Response,
    /// Whether the last hop's preflight was answered from the cache.
    pub preflight_cache_hit: bool,
}

/// A request to send: whether it must go on a new connection (a retry after a reused
/// connection died).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// Preflight or actual request.
    pub kind: RequestKind,
    /// Send on a new connection, not a pooled one.
    pub fresh_connection: bool,
}

/// What a driver loop tells an observer (for logging, tracing or a report), in order.
#[derive(Debug)]
#[non_exhaustive]
pub enum Observed<'a, E> {
    /// One request went out and its response head came back, or the client failed.
    Exchange(Exchanged<'a, E>),
    /// The machine recorded this (a branch chosen, a preflight answered from the cache or
    /// passed with its cache time, a redirect followed, a request retried…).
    Event(&'a Event),
}

/// One request a driver sent, as the machine handed it out, and what came back.
#[derive(Debug)]
pub struct Exchanged<'a, E> {
    /// The request: preflight or actual, method, URL, the headers the machine chose, whether
    /// credentials are included. (The client adds `Host`, its `User-Agent`, the body.)
    pub request: &'a Outgoing,
    /// Whether it went on a new connection (a retry after a reused connection died).
    pub fresh_connection: bool,
    /// The response head as received (before the machine judged it), or the client's error.
    pub result: Result<&'a http::response::Parts, &'a E>,
}

/// A fetch that ended in a response script may read.
#[derive(Debug)]
pub struct Done<RB> {
    /// The network response's head (status as received; headers as received).
    pub head: http::response::Parts,
    /// Its body, untouched.
    pub body: RB,
    /// What script sees.
    pub cors: CorsResponse,
}

impl<RB> Done<RB> {
    /// The response as script sees it: the network status, the filtered headers only, the body
    /// (replaced by `empty` for an opaque or opaque-redirect response, whose body script cannot
    /// read), and a [`CorsResponse`] extension.
    pub fn into_response(self, empty: impl FnOnce() -> RB) -> http::Response<RB> {
        let opaque = matches!(
            self.cors.response.response_type,
            corsgate::ResponseType::Opaque | corsgate::ResponseType::OpaqueRedirect
        );
        let mut head = self.head;
        head.headers = self.cors.response.headers.clone();
        head.extensions.insert(self.cors);
        let body = if opaque { empty() } else { self.body };
        http::Response::from_parts(head, body)
    }
}

impl<RB> Done<RB> {
    /// [`Done::into_response`] keeping the body even when the response is opaque (for body
    /// types that have no empty value; the [`CorsResponse`] extension says it is opaque).
    pub fn into_response_with_body(self) -> http::Response<RB> {
        let mut head = self.head;
        head.headers = self.cors.response.headers.clone();
        head.extensions.insert(self.cors);
        http::Response::from_parts(head, self.body)
    }
}

/// The machine's request description for an `http::Request` from `origin` (the page's origin):
/// its method, absolute URL and headers, [`FetchOptions`] from its extensions, and whether it
/// has a body.
pub fn fetch_request<B>(
    origin: &Origin,
    request: &http::Request<B>,
    has_body: bool,
) -> Result<FetchRequest, UsageError> {
    let uri = request.uri().to_string();
    let url = url::Url::parse(&uri).map_err(|_| UsageError::Url(uri.clone()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UsageError::Url(uri));
    }
    let options = request
        .extensions()
        .get::<FetchOptions>()
        .copied()
        .unwrap_or_default();
    let mut fetch = FetchRequest::new(origin.clone(), url)
        .method(request.method().clone())
        .mode(options.mode)
        .credentials(options.credentials)
        .redirect(options.redirect)
        .body(has_body);
    fetch.headers = request.headers().clone();
    Ok(fetch)
}

/// A transport error's [`FailureKind`], from the `std::io::Error`s and messages in its source
/// chain: refused, timed out, closed or reset before a response (a dead keep-alive connection:
/// retried once), DNS, TLS.
pub fn classify_error(error: &(dyn std::error::Error + 'static)) -> FailureKind {
    use std::io::ErrorKind as K;
    let mut next = Some(error);
    let mut depth = 0;
    let mut text = String::new();
    while let Some(e) = next.filter(|_| depth < 16) {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                K::ConnectionRefused => return FailureKind::Refused,
                K::TimedOut | K::WouldBlock => return FailureKind::TimedOut,
                K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                    return FailureKind::ClosedBeforeResponse
                }
                _ => {}
            }
        }
        text.push_str(&e.to_string().to_ascii_lowercase());
        text.push('\n');
        next = e.source();
        depth += 1;
    }
    if text.contains("closed before message completed") || text.contains("connection closed") {
        FailureKind::ClosedBeforeResponse
    } else if text.contains("timed out") || text.contains("timeout") {
        FailureKind::TimedOut
    } else if text.contains("dns") || text.contains("resolve") {
        FailureKind::Dns
    } else if text.contains("tls") || text.contains("certificate") {
        FailureKind::Tls
    } else if text.contains("refused") {
        FailureKind::Refused
    } else {
        FailureKind::Other
    }
}

/// The state both loops share: the fetch, the request body and the last response.
struct Driver<'a, B, RB, E> {
    ua: &'a SharedUserAgent,
    fetch: Fetch,
    body: Option<B>,
    last: Option<(http::response::Parts, RB)>,
    last_error: Option<E>,
    fresh: bool,
    sent: usize,
    /// The request handed out last, kept for the observer.
    outgoing: Option<Outgoing>,
    /// How many of the fetch's events were handed to the observer.
    events_seen: usize,
}

/// What a loop does next.
enum Next<B, RB, E> {
    Send(http::Request<B>, Attempt),
    Done(Result<Done<RB>, Error<E>>),
}

impl<'a, B: Clone + Default, RB, E: std::fmt::Display> Driver<'a, B, RB, E> {
    fn start(
        ua: &'a SharedUserAgent,
        request: FetchRequest,
        body: Option<B>,
    ) -> Result<Self, Error<E>> {
        let fetch = ua
            .with(|ua| ua.start(Instant::now(), request))
            .map_err(UsageError::from)?;
        Ok(Driver {
            ua,
            fetch,
            body,
            last: None,
            last_error: None,
            fresh: false,
            sent: 0,
            outgoing: None,
            events_seen: 0,
        })
    }

    /// Hands the machine's events not yet observed to `observe`.
    fn flush_events(&mut self, observe: &mut dyn FnMut(Observed<'_, E>)) {
        for event in &self.fetch.events()[self.events_seen..] {
            observe(Observed::Event(event));
        }
        self.events_seen = self.fetch.events().len();
    }

    fn next(&mut self, observe: &mut dyn FnMut(Observed<'_, E>)) -> Next<B, RB, E> {
        let action = self.fetch.poll();
        self.flush_events(observe);
        match action {
            Action::Send(out) => {
                self.sent += 1;
                if self.sent > MAX_EXCHANGES {
                    return Next::Done(Err(UsageError::TooManyExchanges(MAX_EXCHANGES).into()));
                }
                // The body goes with the actual request only, and only while the fetch has one
                // (a redirect that rewrites the method to GET drops it).
                let body = match (out.kind, self.fetch.has_body(), &self.body) {
                    (RequestKind::Actual, true, Some(body)) => body.clone(),
                    _ => B::default(),
                };
                let (parts, ()) = out.request.to_http().into_parts();
                let attempt = Attempt {
                    kind: out.kind,
                    fresh_connection: std::mem::take(&mut self.fresh),
                };
                self.outgoing = Some(out);
                Next::Send(http::Request::from_parts(parts, body), attempt)
            }
            Action::AwaitResponse => Next::Done(Err(UsageError::Machine(
                corsgate::UsageError::UnexpectedResponse {
                    state: self.fetch.state(),
                },
            )
            .into())),
            Action::Done(Ok(response)) => {
                let Some((head, body)) = self.last.take() else {
                    // Not reachable: an allowed outcome follows a response.
                    return Next::Done(Err(UsageError::TooManyExchanges(0).into()));
                };
                let cors = CorsResponse {
                    response,
                    preflight_cache_hit: self.fetch.preflight_cache_hit(),
                };
                Next::Done(Ok(Done { head, body, cors }))
            }
            Action::Done(Err(blocked)) => Next::Done(Err(self.blocked(blocked))),
        }
    }

    fn blocked(&mut self, blocked: Blocked) -> Error<E> {
        let failed = matches!(blocked.error(), NetworkError::RequestFailed { .. });
        match self.last_error.take() {
            Some(error) if failed => Error::Transport {
                error,
                blocked: Box::new(blocked),
            },
            _ => Error::Blocked(Box::new(blocked)),
        }
    }

    fn on_result(
        &mut self,
        attempt: Attempt,
        result: Result<http::Response<RB>, E>,
        classify: impl Fn(&E) -> FailureKind,
        observe: &mut dyn FnMut(Observed<'_, E>),
    ) -> Result<(), Error<E>> {
        let result = result.map(http::Response::into_parts);
        if let Some(request) = &self.outgoing {
            observe(Observed::Exchange(Exchanged {
                request,
                fresh_connection: attempt.fresh_connection,
                result: result.as_ref().map(|(head, _)| head),
            }));
        }
        match result {
            Ok((head, body)) => {
                let judged = head.clone();
                self.ua
                    .with(|ua| self.fetch.handle_response(ua, Instant::now(), judged))
                    .map_err(UsageError::from)?;
                self.last = Some((head, body));
                self.last_error = None;
                if matches!(
                    self.fetch.state(),
                    StateKind::AwaitingPreflight | StateKind::AwaitingResponse
                ) {
                    // An interim (1xx) head the machine skipped: an HTTP client hands back the
                    // final response, so the one that followed is lost.
                    let failure = NetworkFailure::new(
                        FailureKind::Protocol,
                        "the HTTP client returned an interim 1xx response, not the final one",
                    );
                    self.ua
                        .with(|ua| self.fetch.handle_network_failure(ua, failure))
                        .map_err(UsageError::from)?;
                }
            }
            Err(error) => {
                let failure = NetworkFailure::new(classify(&error), error.to_string());
                self.ua
                    .with(|ua| self.fetch.handle_network_failure(ua, failure))
                    .map_err(UsageError::from)?;
                // The machine hands the same request out again after a dead connection: on a
                // new one.
                self.fresh = true;
                self.last_error = Some(error);
            }
        }
        Ok(())
    }
}

/// The blocking driver loop: runs `request` (from [`fetch_request`]) through the machine,
/// sending each request it asks for with `send` (`body` only with the actual request; a
/// default `B` otherwise), and returns the last response with what script sees, or why it is
/// blocked. `classify` says what kind of failure a transport error is.
pub fn drive_blocking<B, RB, E>(
    ua: &SharedUserAgent,
    request: FetchRequest,
    body: Option<B>,
    send: impl FnMut(http::Request<B>, Attempt) -> Result<http::Response<RB>, E>,
    classify: impl Fn(&E) -> FailureKind,
) -> Result<Done<RB>, Error<E>>
where
    B: Clone + Default,
    E: std::fmt::Display,
{
    drive_blocking_observed(ua, request, body, send, classify, |_| {})
}

/// [`drive_blocking`], handing `observe` each exchange (the request as the machine handed it
/// out, and the response head or the client's error, before the machine judges it) and each
/// event of the machine, in order.
pub fn drive_blocking_observed<B, RB, E>(
    ua: &SharedUserAgent,
    request: FetchRequest,
    body: Option<B>,
    mut send: impl FnMut(http::Request<B>, Attempt) -> Result<http::Response<RB>, E>,
    classify: impl Fn(&E) -> FailureKind,
    mut observe: impl FnMut(Observed<'_, E>),
) -> Result<Done<RB>, Error<E>>
where
    B: Clone + Default,
    E: std::fmt::Display,
{
    let mut driver = Driver::start(ua, request, body)?;
    loop {
        match driver.next(&mut observe) {
            Next::Send(request, attempt) => {
                let result = send(request, attempt);
                driver.on_result(attempt, result, &classify, &mut observe)?;
            }
            Next::Done(done) => return done,
        }
    }
}

/// The async driver loop: [`drive_blocking`] with a `send` that returns a future. No lock is
/// held across an `.await`.
pub async fn drive_async<B, RB, E, F, Fut>(
    ua: &SharedUserAgent,
    request: FetchRequest,
    body: Option<B>,
    mut send: F,
    classify: impl Fn(&E) -> FailureKind,
) -> Result<Done<RB>, Error<E>>
where
    B: Clone + Default,
    E: std::fmt::Display,
    F: FnMut(http::Request<B>, Attempt) -> Fut,
    Fut: Future<Output = Result<http::Response<RB>, E>>,
{
    let mut driver = Driver::start(ua, request, body)?;
    let mut observe = |_: Observed<'_, E>| {};
    loop {
        match driver.next(&mut observe) {
            Next::Send(request, attempt) => {
                let result = send(request, attempt).await;
                driver.on_result(attempt, result, &classify, &mut observe)?;
            }
            Next::Done(done) => return done,
        }
    }
}
