//! The HTTP client `check` sends the machine's requests with: blocking `ureq`, configured never to
//! follow a redirect (the corsgate machine decides whether and where) and to hand back every
//! status as a response. Only the response head is read.
//!
//! When `ureq` cannot parse a response head, its error names only the parser's complaint
//! ("invalid header name" for obsolete line folding, for instance). The client therefore keeps
//! the first bytes of what each connection received (`Tee`, at most [`KEPT_INPUT`]) and, after
//! such a failure, runs the command's own head parser over them, which names the line and what
//! is wrong with it (obs-fold with what a browser reads instead, a bare CR, a space before the
//! colon, …).

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use corsgate::fetch::Outgoing;
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

/// The most bytes of a connection's input kept to explain a head `ureq` could not parse.
pub const KEPT_INPUT: usize = 64 * 1024;

/// The unconsumed input of the last connection that read, as of its last read (at most
/// [`KEPT_INPUT`] bytes): while a head is being parsed, the head so far.
type Seen = Arc<Mutex<Vec<u8>>>;

/// A connector that wraps each transport in a [`TeeTransport`].
#[derive(Debug)]
struct Tee(Seen);

impl Connector<Box<dyn Transport>> for Tee {
    type Out = TeeTransport;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<Box<dyn Transport>>,
    ) -> Result<Option<TeeTransport>, ureq::Error> {
        Ok(chained.map(|inner| TeeTransport {
            inner,
            seen: Arc::clone(&self.0),
        }))
    }
}

/// A transport that, after each read, keeps a copy of its unconsumed input (bounded).
#[derive(Debug)]
struct TeeTransport {
    inner: Box<dyn Transport>,
    seen: Seen,
}

impl Transport for TeeTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let progress = self.inner.await_input(timeout)?;
        let input = self.inner.buffers().input();
        let kept = &input[..input.len().min(KEPT_INPUT)];
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
            seen.extend_from_slice(kept);
        }
        Ok(progress)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// The configuration of every agent: no redirect following, every status a response, at most
/// `timeout` an exchange, corsgate's `User-Agent`.
fn config(timeout: Duration) -> ureq::config::Config {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .user_agent(concat!("corsgate/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// An agent over `config` whose connections keep their input in `seen`.
fn tee_agent(config: ureq::config::Config, seen: &Seen) -> ureq::Agent {
    let connector = DefaultConnector::new().chain(Tee(Arc::clone(seen)));
    ureq::Agent::with_parts(config, connector, DefaultResolver::default())
}

/// A client with one timeout for each exchange.
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
    seen: Seen,
}

impl Client {
    /// A client that gives up on an exchange after `timeout`.
    pub fn new(timeout: Duration) -> Client {
        let seen = Seen::default();
        let agent = tee_agent(config(timeout), &seen);
        Client {
            agent,
            timeout,
            seen,
        }
    }

    /// A `corsgate_client` client for pages of `origin` sending through agents like this
    /// one's (the retry of a dead keep-alive connection too, on a new agent), so that a head
    /// `ureq` refuses is explained by [`Client::failure`]. `check` drives the machine with it.
    pub fn cors(
        &self,
        ua: corsgate_client::SharedUserAgent,
        origin: corsgate::Origin,
    ) -> Result<corsgate_client::ureq::Client, corsgate_client::UsageError> {
        let config = self.agent.config().clone();
        let seen = Arc::clone(&self.seen);
        corsgate_client::ureq::Client::with_agents(
            move || tee_agent(config.clone(), &seen),
            ua,
            origin,
        )
    }

    /// Forgets the input kept so far (before a new exchange).
    pub fn forget_input(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// Sends the request (no body, no cookies: the headers are exactly the machine's) and returns
    /// the response head, or a one-line description of the network failure.
    pub fn send(&self, out: &Outgoing) -> Result<http::Response<()>, String> {
        let request = out.request.to_http();
        self.forget_input();
        let response = self
            .agent
            .run(request)
            .map_err(|e| self.failure(out.request.method(), out.request.uri(), &e))?;
        let (parts, _body) = response.into_parts();
        Ok(http::Response::from_parts(parts, ()))
    }

    /// The one-line description of a request's network failure: `METHOD URL: what`, where a
    /// head `ureq` refused is explained by the command's own head parser.
    pub fn failure(&self, method: &http::Method, uri: &http::Uri, e: &ureq::Error) -> String {
        let text = match e {
            ureq::Error::Protocol(_) => self.malformed_head(),
            _ => None,
        };
        let text =
            text.unwrap_or_else(|| describe(e, self.timeout, uri.scheme_str() == Some("https")));
        format!("{method} {uri}: {text}")
    }
}

impl Client {
    /// What is wrong with the response head `ureq` refused, by the command's own head parser
    /// over the bytes received, or `None` when it finds nothing wrong (or nothing was kept).
    fn malformed_head(&self) -> Option<String> {
        let seen = self.seen.lock().ok()?;
        let error = crate::head::parse_head(&seen).err()?;
        Some(format!("the response head is malformed: {error}"))
    }
}

/// A network failure in one line.
fn describe(error: &ureq::Error, timeout: Duration, https: bool) -> String {
    let text = match error {
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        // rustls reports a failed handshake as invalid data on the stream.
        ureq::Error::Io(e) if https && e.kind() == ErrorKind::InvalidData => {
            format!("TLS failure: {e}")
        }
        ureq::Error::Timeout(_) => format!("timed out after {} s", timeout.as_secs_f64()),
        ureq::Error::HostNotFound => "host not found (DNS)".to_owned(),
        ureq::Error::Tls(e) => format!("TLS failure: {e}"),
        ureq::Error::Rustls(e) => format!("TLS failure: {e}"),
        ureq::Error::Io(e) => format!("connection failed: {e}"),
        ureq::Error::ConnectionFailed => "connection failed".to_owned(),
        other => format!("request failed: {other}"),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
