//! `cargo run -p corsgate-client --features reqwest --example reqwest -- URL [ORIGIN] [METHOD]`
//!
//! Sends METHOD (default GET) to URL as a page of ORIGIN (default https://app.example) would with
//! fetch(), and prints what script could read, or why a browser blocks it.
use corsgate::{Origin, Policy};
use corsgate_client::{reqwest::Client, SharedUserAgent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: reqwest URL [ORIGIN] [METHOD]")?;
    let origin = Origin::parse(&args.next().unwrap_or_else(|| "https://app.example".into()))?;
    let method = args.next().unwrap_or_else(|| "GET".into());

    let client = Client::new(SharedUserAgent::new(Policy::chromium()), origin)?;
    let request = http::Request::builder()
        .method(method.as_str())
        .uri(url)
        .body(Vec::new())?;
    match client.execute(request).await {
        Ok(response) => println!("{} {:?}", response.status(), response.headers()),
        Err(error) => println!("{error}"),
    }
    Ok(())
}
