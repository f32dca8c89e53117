//! An async client over `reqwest`: every request goes through the CORS machine.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use corsgate::{Origin, Policy};
//! use corsgate_client::{reqwest::Client, SharedUserAgent};
//! let client = Client::new(SharedUserAgent::new(Policy::chromium()), Origin::parse("https://app.example")?)?;
//! let request = http::Request::put("http://127.0.0.1:8080/items").header("x-token", "1").body(b"{}".to_vec())?;
//! let response = client.execute(request).await?;
//! println!("{} {:?}", response.status(), response.headers()); // only what script could read
//! # Ok(()) }
//! ```

use corsgate::{FailureKind, Origin};

use crate::driver::{classify_error, drive_async, fetch_request, Attempt};
use crate::error::Error;
use crate::SharedUserAgent;

/// A `reqwest` client whose requests the CORS machine judges. Clone it freely: clones share
/// the connection pool and the [`SharedUserAgent`] (one preflight cache).
#[derive(Debug, Clone)]
pub struct Client {
    client: reqwest::Client,
    /// A client without a pool, for the one retry after a dead keep-alive connection.
    fresh: reqwest::Client,
    ua: SharedUserAgent,
    origin: Origin,
}

/// The builder every client needs: no redirect following (the machine decides). (`reqwest`
/// hands every status back as a response.)
pub fn builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}

impl Client {
    /// A client (built by [`builder`]) for pages of `origin`.
    pub fn new(ua: SharedUserAgent, origin: Origin) -> Result<Client, reqwest::Error> {
        Client::with_builder(builder, ua, origin)
    }

    /// A client from builders you configure (timeouts, TLS, proxies): `make` is called twice,
    /// for the pooled client and for the one that retries on a new connection. Start from
    /// [`builder`]: a client that follows redirects would hide them from the machine.
    pub fn with_builder(
        make: impl Fn() -> reqwest::ClientBuilder,
        ua: SharedUserAgent,
        origin: Origin,
    ) -> Result<Client, reqwest::Error> {
        Ok(Client {
            client: make().build()?,
            fresh: make().pool_max_idle_per_host(0).build()?,
            ua,
            origin,
        })
    }

    /// The shared user agent.
    pub fn user_agent(&self) -> &SharedUserAgent {
        &self.ua
    }

    /// Sends `request` as a page of this client's origin would with `fetch()` (options from a
    /// [`crate::FetchOptions`] extension): preflight, redirects and checks included. A non-empty
    /// body is sent with the actual request only. The response carries only the headers
    /// script could read, and a [`crate::CorsResponse`] extension.
    pub async fn execute<B: AsRef<[u8]>>(
        &self,
        request: http::Request<B>,
    ) -> Result<reqwest::Response, Error<reqwest::Error>> {
        let body = request.body().as_ref().to_vec();
        let fetch = fetch_request(&self.origin, &request, !body.is_empty())?;
        let send = |request: http::Request<Vec<u8>>, attempt: Attempt| {
            let client = if attempt.fresh_connection {
                self.fresh.clone()
            } else {
                self.client.clone()
            };
            async move {
                let request = reqwest::Request::try_from(request)?;
                let response = client.execute(request).await?;
                Ok(http::Response::<reqwest::Body>::from(response))
            }
        };
        let done = drive_async(&self.ua, fetch, Some(body), send, classify).await?;
        Ok(reqwest::Response::from(
            done.into_response(|| reqwest::Body::from(Vec::new())),
        ))
    }
}

/// What kind of transport failure a `reqwest` error is.
pub fn classify(error: &reqwest::Error) -> FailureKind {
    if error.is_timeout() {
        return FailureKind::TimedOut;
    }
    match classify_error(error) {
        // A connect error that is not a refusal or a timeout: DNS, or the socket itself.
        FailureKind::Other if error.is_connect() => FailureKind::Refused,
        kind => kind,
    }
}
