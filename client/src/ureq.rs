//! A blocking client over `ureq`: every request goes through the CORS machine.
//!
//! ```no_run
//! use corsgate::{Origin, Policy};
//! use corsgate_client::{ureq::Client, SharedUserAgent};
//! let client = Client::new(SharedUserAgent::new(Policy::chromium()), Origin::parse("https://app.example")?);
//! let request = http::Request::put("http://127.0.0.1:8080/items").header("x-token", "1").body(b"{}".to_vec())?;
//! let response = client.run(request)?; // Err(Error::Blocked(..)) names the rule and the fix
//! println!("{} {:?}", response.status(), response.headers()); // only what script could read
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use corsgate::{FailureKind, FetchRequest, Origin};

use crate::driver::{
    classify_error, drive_blocking_observed, fetch_request, Attempt, Done, Observed,
};
use crate::error::{Error, UsageError};
use crate::SharedUserAgent;

/// Makes the agent a retry goes out on.
type MakeAgent = Arc<dyn Fn() -> ureq::Agent + Send + Sync>;
/// An observer of every exchange and event.
type Observer = Arc<dyn Fn(Observed<'_, ureq::Error>) + Send + Sync>;

/// A `ureq` agent whose requests the CORS machine judges. Clone it freely: clones share the
/// agent's connection pool and the [`SharedUserAgent`] (one preflight cache).
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    fresh: MakeAgent,
    observer: Option<Observer>,
    max_time: Option<Duration>,
    ua: SharedUserAgent,
    origin: Origin,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("agent", &self.agent)
            .field("observer", &self.observer.is_some())
            .field("max_time", &self.max_time)
            .field("ua", &self.ua)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// The configuration every agent needs: no redirect following (the machine decides), every
/// status a response.
pub fn config() -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
}

/// Refuses an agent that would follow redirects or turn statuses into errors.
fn check_agent(agent: &ureq::Agent) -> Result<(), UsageError> {
    let config = agent.config();
    if config.max_redirects() != 0 {
        return Err(UsageError::Client("ureq: set max_redirects(0)"));
    }
    if config.http_status_as_error() {
        return Err(UsageError::Client("ureq: set http_status_as_error(false)"));
    }
    Ok(())
}

impl Client {
    /// A client with its own agent (configured by [`config`]), for pages of `origin`.
    pub fn new(ua: SharedUserAgent, origin: Origin) -> Client {
        let agent = config().build().new_agent();
        Client::with_agent(agent, ua, origin).expect("config() neither redirects nor errs")
    }

    /// A client over an agent you configured (timeouts, TLS, a connector); it must not follow
    /// redirects nor turn statuses into errors (start from [`config`]). A retry goes out on a
    /// new agent with the same configuration and ureq's default connector; to keep your
    /// connector for retries too, use [`Client::with_agents`].
    pub fn with_agent(
        agent: ureq::Agent,
        ua: SharedUserAgent,
        origin: Origin,
    ) -> Result<Client, UsageError> {
        check_agent(&agent)?;
        let config = agent.config().clone();
        let fresh: MakeAgent = Arc::new(move || config.clone().into());
        Ok(Client {
            agent,
            fresh,
            observer: None,
            max_time: None,
            ua,
            origin,
        })
    }

    /// A client over agents `make` builds: one now, for every request, and a new one (with an
    /// empty connection pool) for each retry after a reused connection died, so a custom
    /// connector (a proxy, a recorder) sees the retry too. Each agent must not follow redirects
    /// nor turn statuses into errors (start from [`config`]).
    pub fn with_agents(
        make: impl Fn() -> ureq::Agent + Send + Sync + 'static,
        ua: SharedUserAgent,
        origin: Origin,
    ) -> Result<Client, UsageError> {
        let agent = make();
        check_agent(&agent)?;
        Ok(Client {
            agent,
            fresh: Arc::new(make),
            observer: None,
            max_time: None,
            ua,
            origin,
        })
    }

    /// Hands `observe` every exchange (the request as the machine handed it out, and the
    /// response head as received or the transport error) and every event of the machine, in
    /// order: for logging, tracing, or reporting what went over the wire.
    pub fn observe(
        mut self,
        observe: impl Fn(Observed<'_, ureq::Error>) + Send + Sync + 'static,
    ) -> Client {
        self.observer = Some(Arc::new(observe));
        self
    }

    /// Bounds each call of [`Client::run`] as a whole (preflight, redirects, retries), as
    /// curl's `--max-time` does: each exchange gets the agent's global timeout or the time
    /// left, whichever is shorter, and when no time is left the next exchange is not sent
    /// (both end in [`Error::Transport`] with `ureq::Error::Timeout(Timeout::Global)`).
    pub fn max_time(mut self, max_time: Duration) -> Client {
        self.max_time = Some(max_time);
        self
    }

    /// The shared user agent.
    pub fn user_agent(&self) -> &SharedUserAgent {
        &self.ua
    }

    /// Sends `request` as a page of this client's origin would with `fetch()` (options from a
    /// [`crate::FetchOptions`] extension): preflight, redirects and checks included. A non-empty
    /// body is sent with the actual request only. The response carries only the headers
    /// script could read, and a [`crate::CorsResponse`] extension.
    pub fn run<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> Result<http::Response<ureq::Body>, Error<ureq::Error>> {
        self.run_head(request)
            .map(|done| done.into_response(|| ureq::Body::builder().data(Vec::new())))
    }

    /// [`Client::run`], returning the last response's head and body as received beside what
    /// script sees (e.g. to report the exchange).
    pub fn run_head<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> Result<Done<ureq::Body>, Error<ureq::Error>> {
        let body = request.body().as_ref().to_vec();
        let fetch = fetch_request(&self.origin, &request, !body.is_empty())?;
        self.fetch(fetch, body)
    }

    /// Runs a request described for the machine directly (its own origin, mode, headers; the
    /// client's origin is not used), with `body` sent with the actual request only when the
    /// request has one (`FetchRequest::body`).
    pub fn fetch(
        &self,
        request: FetchRequest,
        body: Vec<u8>,
    ) -> Result<Done<ureq::Body>, Error<ureq::Error>> {
        let deadline = self.max_time.map(|max| Instant::now() + max);
        let send = |request: http::Request<Vec<u8>>, attempt: Attempt| {
            // The pooled connection that died was dropped from the pool; this one is new
            // unless the pool holds another idle connection to the host, which a server
            // closing idle connections closed too: use a new agent (an empty pool).
            let agent = if attempt.fresh_connection {
                (self.fresh)()
            } else {
                self.agent.clone()
            };
            let Some(deadline) = deadline else {
                return agent.run(request);
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(ureq::Error::Timeout(ureq::Timeout::Global));
            }
            let timeout = agent
                .config()
                .timeouts()
                .global
                .map_or(left, |t| t.min(left));
            let request = agent
                .configure_request(request)
                .timeout_global(Some(timeout))
                .build();
            agent.run(request)
        };
        let observe = |observed: Observed<'_, ureq::Error>| {
            if let Some(observer) = &self.observer {
                observer(observed);
            }
        };
        drive_blocking_observed(&self.ua, request, Some(body), send, classify, observe)
    }
}

/// What kind of transport failure a `ureq` error is.
pub fn classify(error: &ureq::Error) -> FailureKind {
    match error {
        ureq::Error::Timeout(_) => FailureKind::TimedOut,
        ureq::Error::HostNotFound => FailureKind::Dns,
        ureq::Error::ConnectionFailed => FailureKind::Refused,
        ureq::Error::Tls(_) => FailureKind::Tls,
        ureq::Error::Protocol(_) => FailureKind::Protocol,
        ureq::Error::Io(io) => classify_error(io),
        other => classify_error(other),
    }
}
