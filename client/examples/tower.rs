//! `cargo run -p corsgate-client --features tower --example tower -- URL [ORIGIN] [METHOD]`
//!
//! A hyper-util client wrapped in the CORS layer: sends METHOD (default GET) to URL as a page of
//! ORIGIN (default https://app.example) would with fetch(), and prints what script could read, or
//! why a browser blocks it.
use bytes::Bytes;
use corsgate::{Origin, Policy};
use corsgate_client::{tower::CorsLayer, SharedUserAgent};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower_layer::Layer;
use tower_service::Service;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: tower URL [ORIGIN] [METHOD]")?;
    let origin = Origin::parse(&args.next().unwrap_or_else(|| "https://app.example".into()))?;
    let method = args.next().unwrap_or_else(|| "GET".into());

    let hyper = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut client = CorsLayer::new(SharedUserAgent::new(Policy::chromium()), origin).layer(hyper);
    let request = http::Request::builder()
        .method(method.as_str())
        .uri(url)
        .body(Full::default())?;
    match client.call(request).await {
        Ok(response) => println!("{} {:?}", response.status(), response.headers()),
        Err(error) => println!("{error}"),
    }
    Ok(())
}
