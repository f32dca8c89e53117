//! Every adapter against real servers on 127.0.0.1 (axum with tower-http's `CorsLayer`, and
//! hand-written TCP servers): an allowed preflighted PUT; the same again from the preflight
//! cache; a refusal naming every missing header with the whole fix; a cross-origin redirect
//! (`Origin: null` on the next hop); connection refused; a server that drops a reused
//! connection (the retry); the body only with the actual request; 50 concurrent requests
//! through the tower layer with one cache. Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::extract::Request;
use axum::routing::any;
use axum::Router;
use bytes::Bytes;
use corsgate::{FailureKind, Fix, NetworkError, Origin, Policy, RequestKind};
use corsgate_client::{CorsResponse, Error, SharedUserAgent};
use http::{HeaderValue, Method};
use http_body_util::Full;
use tower_http::cors::{AllowOrigin, CorsLayer as ServerCors};
use tower_layer::Layer;
use tower_service::Service;

const PAGE: &str = "https://app.example";

fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    })
}

/// What a server saw: method, `Origin` header, body length, in order.
type Log = Arc<Mutex<Vec<(String, Option<String>, usize)>>>;

fn count(log: &Log, method: &str) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|(m, ..)| m == method)
        .count()
}

/// An axum server answering every path with 200 `ok` (and `x-request-id`), behind `cors`;
/// `/redirect?to=URL` answers 307 to URL.
fn axum_server(cors: ServerCors) -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let seen = Arc::clone(&log);
    let app = Router::new()
        .fallback(any(|req: Request| async move {
            if req.uri().path() == "/redirect" {
                let query = req.uri().query().unwrap_or("");
                let to = query.strip_prefix("to=").unwrap_or("/").to_owned();
                return http::Response::builder()
                    .status(307)
                    .header("location", to)
                    .body(axum::body::Body::empty())
                    .unwrap();
            }
            http::Response::builder()
                .header("x-request-id", "42")
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("ok"))
                .unwrap()
        }))
        .layer(cors)
        // Outermost: every request is logged, preflights the CORS layer answers included.
        .layer(axum::middleware::from_fn(
            move |req: Request, next: axum::middleware::Next| {
                let seen = Arc::clone(&seen);
                async move {
                    let method = req.method().to_string();
                    let origin =
                        (req.headers().get("origin")).map(|v| v.to_str().unwrap_or("?").to_owned());
                    let (parts, body) = req.into_parts();
                    let body = axum::body::to_bytes(body, 1 << 20)
                        .await
                        .unwrap_or_default();
                    seen.lock().unwrap().push((method, origin, body.len()));
                    next.run(Request::from_parts(parts, axum::body::Body::from(body)))
                        .await
                }
            },
        ));
    let listener = rt()
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt().spawn(async move { axum::serve(listener, app).await });
    (addr, log)
}

/// Allows `https://app.example` to PUT with `x-token` and caches the preflight for 600 s.
fn allowing() -> ServerCors {
    ServerCors::new()
        .allow_origin(HeaderValue::from_static(PAGE))
        .allow_methods([Method::GET, Method::POST, Method::PUT])
        .allow_headers([http::HeaderName::from_static("x-token")])
        .max_age(Duration::from_secs(600))
}

/// A hand-written server that answers the first request of each connection (with CORS headers
/// allowing anything from the page) and then drops the connection when its next request comes,
/// without a byte: a keep-alive connection the server closed as the request went out. Returns
/// the address and how many requests were dropped.
fn dropping_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let dropped = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&dropped);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(stream) = stream else { continue };
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || serve_once_then_drop(stream, &counter));
        }
    });
    (addr, dropped)
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end || head.len() > 64 * 1024 {
            break;
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some(head)
}

fn serve_once_then_drop(stream: TcpStream, dropped: &AtomicUsize) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let Some(head) = read_request(&mut reader) else {
        return;
    };
    let preflight = head.starts_with("OPTIONS");
    let status = if preflight {
        "204 No Content"
    } else {
        "200 OK"
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nAccess-Control-Allow-Origin: {PAGE}\r\n\
         Access-Control-Allow-Methods: PUT\r\nAccess-Control-Allow-Headers: x-token\r\n\
         Content-Length: 0\r\n\r\n"
    );
    if writer.write_all(response.as_bytes()).is_err() {
        return;
    }
    // The next request on this connection is dropped unanswered.
    if read_request(&mut reader).is_some() {
        dropped.fetch_add(1, Ordering::SeqCst);
    }
}

/// The three adapters behind one interface; each keeps its client (and pool) across calls.
enum Client {
    Ureq(corsgate_client::ureq::Client),
    Reqwest(corsgate_client::reqwest::Client),
    Tower(
        corsgate_client::tower::Cors<
            hyper_util::client::legacy::Client<
                hyper_util::client::legacy::connect::HttpConnector,
                Full<Bytes>,
            >,
        >,
    ),
}

/// What a test looks at: the status, the headers script sees, the extension, the body.
struct Seen {
    status: u16,
    headers: http::HeaderMap,
    cors: CorsResponse,
    body: Vec<u8>,
}

/// The outcome with the client's own error type erased.
#[allow(clippy::large_enum_variant)] // a test's error, built once
enum Failed {
    Blocked(corsgate::Blocked),
    Transport(corsgate::Blocked),
    Usage(String),
}

fn erase<E>(e: Error<E>) -> Failed {
    match e {
        Error::Blocked(b) => Failed::Blocked(*b),
        Error::Transport { blocked, .. } => Failed::Transport(*blocked),
        other => Failed::Usage(format!("{:?}", other.blocked())),
    }
}

impl Client {
    fn new(kind: &str, ua: &SharedUserAgent) -> Client {
        let origin = Origin::parse(PAGE).unwrap();
        match kind {
            "ureq" => Client::Ureq(corsgate_client::ureq::Client::new(ua.clone(), origin)),
            "reqwest" => Client::Reqwest(
                corsgate_client::reqwest::Client::with_builder(
                    || corsgate_client::reqwest::builder().timeout(Duration::from_secs(10)),
                    ua.clone(),
                    origin,
                )
                .unwrap(),
            ),
            _ => {
                let _guard = rt().enter();
                let hyper = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build_http::<Full<Bytes>>();
                Client::Tower(
                    corsgate_client::tower::CorsLayer::new(ua.clone(), origin).layer(hyper),
                )
            }
        }
    }

    #[allow(clippy::result_large_err)] // a test's error, built once
    fn send(&self, request: http::Request<Vec<u8>>) -> Result<Seen, Failed> {
        let timeout = Duration::from_secs(20);
        match self {
            Client::Ureq(c) => {
                let response = c.run(request).map_err(erase)?;
                let (parts, mut body) = response.into_parts();
                let body = body.read_to_vec().unwrap_or_default();
                Ok(seen(parts, body))
            }
            Client::Reqwest(c) => rt().block_on(async {
                let response = tokio::time::timeout(timeout, c.execute(request))
                    .await
                    .expect("bounded")
                    .map_err(erase)?;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let cors = response
                    .extensions()
                    .get::<CorsResponse>()
                    .cloned()
                    .unwrap();
                let body = response.bytes().await.unwrap_or_default().to_vec();
                Ok(Seen {
                    status,
                    headers,
                    cors,
                    body,
                })
            }),
            Client::Tower(c) => {
                let mut c = c.clone();
                let (parts, body) = request.into_parts();
                let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
                rt().block_on(async {
                    let response = tokio::time::timeout(timeout, c.call(request))
                        .await
                        .expect("bounded")
                        .map_err(erase)?;
                    let (parts, body) = response.into_parts();
                    let body = http_body_util::BodyExt::collect(body)
                        .await
                        .map(|b| b.to_bytes().to_vec())
                        .unwrap_or_default();
                    Ok(seen(parts, body))
                })
            }
        }
    }
}

fn seen(parts: http::response::Parts, body: Vec<u8>) -> Seen {
    Seen {
        status: parts.status.as_u16(),
        cors: parts.extensions.get::<CorsResponse>().cloned().unwrap(),
        headers: parts.headers,
        body,
    }
}

fn put(addr: SocketAddr, path: &str, body: &[u8]) -> http::Request<Vec<u8>> {
    http::Request::put(format!("http://{addr}{path}"))
        .header("x-token", "1")
        .body(body.to_vec())
        .unwrap()
}

fn ok(result: Result<Seen, Failed>) -> Seen {
    match result {
        Ok(seen) => seen,
        Err(Failed::Blocked(b) | Failed::Transport(b)) => panic!("{b}"),
        Err(Failed::Usage(u)) => panic!("{u}"),
    }
}

// ----- the scenarios, each run by every adapter ---------------------------------------------

fn allowed_preflighted_put(kind: &str) {
    let (addr, log) = axum_server(allowing());
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    let seen = ok(client.send(put(addr, "/items", b"{}")));
    assert_eq!(seen.status, 200);
    assert_eq!(seen.body, b"ok");
    assert_eq!(
        seen.cors.response.response_type,
        corsgate::ResponseType::Cors
    );
    // Only what script reads: `content-type` is safelisted, `x-request-id` is not exposed.
    assert_eq!(seen.headers["content-type"], "text/plain");
    assert!(seen.headers.get("x-request-id").is_none());
    assert!(seen.headers.get("access-control-allow-origin").is_none());
    assert_eq!(count(&log, "OPTIONS"), 1);
    assert_eq!(count(&log, "PUT"), 1);
    let origins: Vec<_> = log
        .lock()
        .unwrap()
        .iter()
        .map(|(_, o, _)| o.clone())
        .collect();
    assert_eq!(origins, [Some(PAGE.to_owned()), Some(PAGE.to_owned())]);
}

fn the_preflight_cache_is_shared(kind: &str) {
    let (addr, log) = axum_server(allowing());
    let ua = SharedUserAgent::new(Policy::chromium());
    let first = Client::new(kind, &ua);
    assert!(
        !ok(first.send(put(addr, "/items", b"")))
            .cors
            .preflight_cache_hit
    );
    // Another client (another thread) on the same user agent: the cache answers.
    let second = Client::new(kind, &ua);
    let seen = std::thread::scope(|s| {
        s.spawn(|| ok(second.send(put(addr, "/items", b""))))
            .join()
            .unwrap()
    });
    assert!(seen.cors.preflight_cache_hit);
    assert_eq!(count(&log, "OPTIONS"), 1, "exactly one preflight");
    assert_eq!(count(&log, "PUT"), 2);
}

fn a_refusal_names_every_missing_header_and_the_whole_fix(kind: &str) {
    let narrow = ServerCors::new()
        .allow_origin(HeaderValue::from_static(PAGE))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([http::header::CONTENT_TYPE]);
    let (addr, log) = axum_server(narrow);
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    let request = http::Request::put(format!("http://{addr}/items"))
        .header("x-b", "1")
        .header("x-a", "1")
        .body(b"{}".to_vec())
        .unwrap();
    let Err(Failed::Blocked(b)) = client.send(request) else {
        panic!("blocked")
    };
    assert!(matches!(
        b.errors(),
        [NetworkError::MethodNotAllowed { .. }, NetworkError::HeaderNotAllowed { missing, .. }]
            if missing == &["x-a", "x-b"]
    ));
    assert_eq!(b.exchange().unwrap().kind, RequestKind::Preflight);
    let Some(Fix::Send(lines)) = b.fix() else {
        panic!("{b}")
    };
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("Access-Control-Allow-Methods: ") && lines[0].ends_with("PUT"));
    assert!(lines[1].starts_with("Access-Control-Allow-Headers: "));
    assert!(lines[1].ends_with("content-type, x-a, x-b"), "{}", lines[1]);
    // The PUT never went out.
    assert_eq!(count(&log, "PUT"), 0);
}

fn a_cross_origin_redirect_sends_origin_null(kind: &str) {
    // The target allows any origin (`null` included); the redirect itself allows the page.
    let any = ServerCors::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods([Method::GET]);
    let (target, target_log) = axum_server(any);
    let (first, _) = axum_server(allowing());
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    let url = format!("http://{first}/redirect?to=http://{target}/items");
    let seen = ok(client.send(http::Request::get(url).body(Vec::new()).unwrap()));
    assert_eq!(seen.status, 200);
    assert!(seen.cors.response.redirected());
    assert_eq!(
        seen.cors.response.url().unwrap().as_str(),
        format!("http://{target}/items")
    );
    let log = target_log.lock().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1.as_deref(), Some("null"));
}

fn connection_refused(kind: &str) {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    let request = http::Request::get(format!("http://127.0.0.1:{port}/"))
        .body(Vec::new())
        .unwrap();
    let Err(Failed::Transport(b)) = client.send(request) else {
        panic!("a transport failure")
    };
    let NetworkError::RequestFailed { exchange, failure } = b.error() else {
        panic!("{b}")
    };
    assert_eq!(failure.kind, FailureKind::Refused, "{b}");
    assert_eq!(exchange.kind, RequestKind::Actual);
}

fn a_dropped_keep_alive_connection_is_retried(kind: &str) {
    let (addr, dropped) = dropping_server();
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    for _ in 0..3 {
        let seen = ok(client.send(put(addr, "/items", b"{}")));
        assert_eq!(seen.status, 200);
    }
    // hyper-util may notice the close before reusing the connection; the others reuse it and
    // see it die, then retry.
    if kind != "tower" {
        assert!(
            dropped.load(Ordering::SeqCst) >= 1,
            "a reused connection died"
        );
    }
}

fn the_body_goes_with_the_actual_request_only(kind: &str) {
    let (addr, log) = axum_server(allowing());
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = Client::new(kind, &ua);
    ok(client.send(put(addr, "/items", b"0123456789")));
    let log = log.lock().unwrap();
    let bodies: Vec<_> = log.iter().map(|(m, _, n)| (m.as_str(), *n)).collect();
    assert_eq!(bodies, [("OPTIONS", 0), ("PUT", 10)]);
}

macro_rules! every_adapter {
    ($($scenario:ident),* $(,)?) => {
        mod ureq { $( #[test] fn $scenario() { super::$scenario("ureq") } )* }
        mod reqwest { $( #[test] fn $scenario() { super::$scenario("reqwest") } )* }
        mod tower { $( #[test] fn $scenario() { super::$scenario("tower") } )* }
    };
}

every_adapter!(
    allowed_preflighted_put,
    the_preflight_cache_is_shared,
    a_refusal_names_every_missing_header_and_the_whole_fix,
    a_cross_origin_redirect_sends_origin_null,
    connection_refused,
    a_dropped_keep_alive_connection_is_retried,
    the_body_goes_with_the_actual_request_only,
);

#[test]
fn fifty_concurrent_requests_through_the_tower_layer_share_one_cache() {
    let (addr, log) = axum_server(allowing());
    let ua = SharedUserAgent::new(Policy::chromium());
    let Client::Tower(service) = Client::new("tower", &ua) else {
        unreachable!()
    };
    // The first fills the cache; the next 50 run at once on the runtime.
    let client = Client::Tower(service.clone());
    ok(client.send(put(addr, "/items", b"")));
    let results = rt().block_on(async {
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let mut service = service.clone();
                let request = http::Request::put(format!("http://{addr}/items"))
                    .header("x-token", i.to_string())
                    .body(Full::new(Bytes::from_static(b"x")))
                    .unwrap();
                tokio::spawn(async move {
                    tokio::time::timeout(Duration::from_secs(20), service.call(request)).await
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            let response = task
                .await
                .unwrap()
                .expect("bounded")
                .map_err(|e| e.to_string());
            statuses.push(response.map(|r| r.status().as_u16()));
        }
        statuses
    });
    assert_eq!(results.len(), 50);
    assert!(results.iter().all(|r| r == &Ok(200)), "{results:?}");
    assert_eq!(count(&log, "OPTIONS"), 1, "one preflight for all 51");
    assert_eq!(count(&log, "PUT"), 51);
}

#[test]
fn a_misconfigured_ureq_agent_is_refused() {
    let ua = SharedUserAgent::new(Policy::spec());
    let origin = Origin::parse(PAGE).unwrap();
    let follows: ::ureq::Agent = ::ureq::Agent::config_builder().build().into();
    assert!(
        corsgate_client::ureq::Client::with_agent(follows, ua.clone(), origin.clone()).is_err()
    );
    let right: ::ureq::Agent = corsgate_client::ureq::config().build().into();
    assert!(corsgate_client::ureq::Client::with_agent(right, ua, origin).is_ok());
}

/// A connector that counts the connections it opens (chained after ureq's own).
#[derive(Debug)]
struct Counting(Arc<AtomicUsize>);

impl ::ureq::unversioned::transport::Connector<Box<dyn ::ureq::unversioned::transport::Transport>>
    for Counting
{
    type Out = Box<dyn ::ureq::unversioned::transport::Transport>;

    fn connect(
        &self,
        _: &::ureq::unversioned::transport::ConnectionDetails,
        chained: Option<Self::Out>,
    ) -> Result<Option<Self::Out>, ::ureq::Error> {
        if chained.is_some() {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        Ok(chained)
    }
}

/// The observer sees every exchange in order (the failed one, the machine's retry, the retry
/// on a new connection) and the machine's events; the retry goes out on an agent the client's
/// factory built, so a custom connector sees it.
#[test]
fn the_ureq_observer_sees_every_exchange_and_the_retry_uses_the_custom_agent() {
    use ::ureq::unversioned::resolver::DefaultResolver;
    use ::ureq::unversioned::transport::{Connector, DefaultConnector};
    use corsgate::fetch::Event;
    use corsgate_client::Observed;

    let (addr, dropped) = dropping_server();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let make = move || {
        let connector = DefaultConnector::new().chain(Counting(Arc::clone(&counter)));
        let config = corsgate_client::ureq::config()
            .timeout_global(Some(Duration::from_secs(10)))
            .build();
        ::ureq::Agent::with_parts(config, connector, DefaultResolver::default())
    };
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&log);
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = corsgate_client::ureq::Client::with_agents(make, ua, Origin::parse(PAGE).unwrap())
        .unwrap()
        .observe(move |observed| {
            let line = match observed {
                Observed::Exchange(e) => format!(
                    "{:?} {} fresh={} -> {}",
                    e.request.kind,
                    e.request.request.method(),
                    e.fresh_connection,
                    match e.result {
                        Ok(head) => head.status.as_u16().to_string(),
                        Err(_) => "error".to_owned(),
                    }
                ),
                Observed::Event(Event::Retrying { exchange, .. }) => {
                    format!("retrying {}", exchange.method)
                }
                Observed::Event(Event::PreflightPassed { cached_for, .. }) => {
                    format!(
                        "preflight passed, cached {:?}",
                        cached_for.map(|d| d.as_secs())
                    )
                }
                Observed::Event(_) => return,
                _ => "other".to_owned(),
            };
            seen.lock().unwrap().push(line);
        });
    let response = client.run(put(addr, "/items", b"{}")).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        *log.lock().unwrap(),
        [
            "Preflight OPTIONS fresh=false -> 204",
            "preflight passed, cached Some(5)",
            "Actual PUT fresh=false -> error",
            "retrying PUT",
            "Actual PUT fresh=true -> 200",
        ]
    );
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the reused connection died"
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "the first connection and the retry's, both through the custom connector"
    );
}

/// `max_time` bounds a whole run: a server that answers after 2 s, with an agent timeout of
/// 10 s, ends in a timeout after about the 0.5 s given.
#[test]
fn the_ureq_max_time_bounds_the_whole_run() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(4) {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                if read_request(&mut reader).is_some() {
                    std::thread::sleep(Duration::from_secs(2));
                    let _ = writer.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                }
            });
        }
    });
    let agent: ::ureq::Agent = corsgate_client::ureq::config()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let ua = SharedUserAgent::new(Policy::chromium());
    let client = corsgate_client::ureq::Client::with_agent(agent, ua, Origin::parse(PAGE).unwrap())
        .unwrap()
        .max_time(Duration::from_millis(500));
    let started = std::time::Instant::now();
    let request = http::Request::get(format!("http://{addr}/slow"))
        .body(Vec::new())
        .unwrap();
    let error = client.run(request).unwrap_err();
    let elapsed = started.elapsed();
    match error {
        Error::Transport { error, blocked } => {
            assert!(matches!(error, ::ureq::Error::Timeout(_)), "{error}");
            assert!(
                matches!(blocked.error(), NetworkError::RequestFailed { failure, .. } if failure.kind == FailureKind::TimedOut)
            );
        }
        other => panic!("{other}"),
    }
    assert!(elapsed >= Duration::from_millis(450), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1800), "{elapsed:?}");
}
