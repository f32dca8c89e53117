//! A `tower` layer that enforces CORS on any `Service<http::Request<B>>` (hyper-util's client,
//! a test service, a client stack of your own): each call runs the CORS machine, sending the
//! preflight and every redirect hop through clones of the inner service.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use corsgate::{Origin, Policy};
//! use corsgate_client::{tower::CorsLayer, SharedUserAgent};
//! use http_body_util::Full;
//! use tower_layer::Layer;
//! use tower_service::Service;
//! let hyper = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
//!     .build_http::<Full<bytes::Bytes>>();
//! let mut client = CorsLayer::new(SharedUserAgent::new(Policy::chromium()), Origin::parse("https://app.example")?).layer(hyper);
//! let response = client.call(http::Request::get("http://127.0.0.1:8080/").body(Full::default())?).await?;
//! # Ok(()) }
//! ```
//!
//! The inner service must not follow redirects (hyper-util's client never does) and must hand
//! every status back as a response. Request bodies are `Clone` (sent again after a 307/308 or a
//! retry) and `Default` (the preflight's empty body). A layer cannot make an empty body of any
//! response body type: an opaque response (mode `no-cors` only) keeps the network's body, and
//! its [`crate::CorsResponse`] extension says it is opaque: do not hand that body to a page.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use corsgate::Origin;

use crate::driver::{classify_error, drive_async, fetch_request, Attempt};
use crate::error::Error;
use crate::SharedUserAgent;

/// Wraps a service in [`Cors`]. Holds only the shared user agent and the page origin.
#[derive(Debug, Clone)]
#[must_use]
pub struct CorsLayer {
    ua: SharedUserAgent,
    origin: Origin,
}

impl CorsLayer {
    /// A layer for pages of `origin`, sharing `ua` (one preflight cache) with every service it
    /// wraps.
    pub fn new(ua: SharedUserAgent, origin: Origin) -> CorsLayer {
        CorsLayer { ua, origin }
    }
}

impl<S> tower_layer::Layer<S> for CorsLayer {
    type Service = Cors<S>;

    fn layer(&self, inner: S) -> Cors<S> {
        Cors {
            inner,
            ua: self.ua.clone(),
            origin: self.origin.clone(),
        }
    }
}

/// A service whose requests the CORS machine judges; see the module documentation.
#[derive(Debug, Clone)]
pub struct Cors<S> {
    inner: S,
    ua: SharedUserAgent,
    origin: Origin,
}

impl<S> Cors<S> {
    /// The shared user agent.
    pub fn user_agent(&self) -> &SharedUserAgent {
        &self.ua
    }
}

impl<S, ReqB, ResB> tower_service::Service<http::Request<ReqB>> for Cors<S>
where
    S: tower_service::Service<http::Request<ReqB>, Response = http::Response<ResB>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Error: std::error::Error + Send + Sync + 'static,
    ReqB: http_body::Body + Clone + Default + Send + 'static,
    ResB: Send + 'static,
{
    type Response = http::Response<ResB>;
    type Error = Error<S::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Each exchange waits for a clone of the inner service to be ready.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<ReqB>) -> Self::Future {
        let inner = self.inner.clone();
        let ua = self.ua.clone();
        let has_body = !request.body().is_end_stream();
        let fetch = fetch_request(&self.origin, &request, has_body);
        let body = request.into_body();
        Box::pin(async move {
            let fetch = fetch?;
            let send = move |request: http::Request<ReqB>, _: Attempt| {
                // hyper-util's pool drops a connection it sees closed; a retry takes a new one.
                let mut service = inner.clone();
                async move {
                    poll_fn(|cx| service.poll_ready(cx)).await?;
                    service.call(request).await
                }
            };
            let classify = |e: &S::Error| classify_error(e);
            let done = drive_async(&ua, fetch, Some(body), send, classify).await?;
            Ok(done.into_response_with_body())
        })
    }
}
