//! Serves the mock Acme, Mailbird and Chatter apps for the README walk-through.

use std::net::SocketAddr;

use clap::Parser;
use junction_tests::mock_apps::MockApps;

/// Local stand-ins for the example apps (examples/apps point at 127.0.0.1:4010).
#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "127.0.0.1:4010")]
    listen: SocketAddr,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let apps = MockApps::start(args.listen).await?;
    println!(
        "mock apps listening on {} (acme, mailbird, chatter); request counts at {}/_stats",
        apps.url(),
        apps.url()
    );
    println!("press Ctrl-C to stop");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
