//! The HTTP client `check` sends the machine's requests with: blocking `ureq`, configured never to
//! follow a redirect (the corsgate machine decides whether and where) and to hand back every
//! status as a response. Only the response head is read.

use std::io::ErrorKind;
use std::time::Duration;

use corsgate::fetch::Outgoing;

/// A client with one timeout for each exchange.
pub struct Client {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Client {
    /// A client that gives up on an exchange after `timeout`.
    pub fn new(timeout: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("corsgate/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Client { agent, timeout }
    }

    /// Sends the request (no body, no cookies: the headers are exactly the machine's) and returns
    /// the response head, or a one-line description of the network failure.
    pub fn send(&self, out: &Outgoing) -> Result<http::Response<()>, String> {
        let mut request = http::Request::new(());
        *request.method_mut() = out.request.method().clone();
        *request.uri_mut() = out.request.uri().clone();
        *request.headers_mut() = out.request.headers().clone();
        let response = self.agent.run(request).map_err(|e| {
            format!(
                "{} {}: {}",
                out.request.method(),
                out.request.uri(),
                describe(
                    &e,
                    self.timeout,
                    out.request.uri().scheme_str() == Some("https")
                )
            )
        })?;
        let (parts, _body) = response.into_parts();
        Ok(http::Response::from_parts(parts, ()))
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
