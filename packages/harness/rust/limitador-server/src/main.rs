//! maas-limitador-server: the test bed's Limitador. The published `limitador` crate is the engine
//! (limits, counters, CEL conditions); this binary serves it as limitador-server does: Envoy's
//! rate-limit gRPC service, limitador-server's HTTP API and metrics, and a limits file it re-reads.
//! See README.md for what is the library's, what is ours, and how it differs from upstream.

mod engine;
mod flags;
mod http_api;
mod limits_file;
mod metrics;
mod rate_limit_headers;
mod rls_service;

use engine::Engine;
use flags::{Flags, Parsed};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;

const VERSION: &str = concat!(
    "maas-limitador-server ",
    env!("CARGO_PKG_VERSION"),
    " (limitador library 0.14.0, in-memory storage)"
);

fn main() -> ExitCode {
    let flags = match flags::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(flags)) => flags,
        Ok(Parsed::Help) => {
            println!("{}", flags::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Parsed::Version) => {
            println!("{VERSION}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("maas-limitador-server: {e}\n\n{}", flags::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("maas-limitador-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(flags)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("maas-limitador-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(flags: Flags) -> Result<(), String> {
    let metrics =
        metrics::Metrics::install(flags.limit_name_in_labels, flags.metric_labels_default)?;
    let engine = Arc::new(Engine::new(metrics));
    // As limitador-server, refuse to start on a limits file it cannot use; later changes that
    // break it are reported and the limits in force stay.
    let content = limits_file::load(&flags.limits_file, &engine)?;

    let http = listen(flags.http_address, "--http-address").await?;
    let grpc = listen(flags.grpc_address, "--grpc-address").await?;
    eprintln!(
        "serving the HTTP API on {} and Envoy RLS gRPC on {}",
        flags.http_address, flags.grpc_address
    );

    tokio::spawn(limits_file::watch(
        flags.limits_file.clone(),
        engine.clone(),
        content,
    ));

    let http_server = async {
        axum::serve(http, http_api::router(engine.clone()))
            .await
            .map_err(|e| format!("the HTTP server on {} stopped: {e}", flags.http_address))
    };
    let grpc_server = async {
        tonic::transport::Server::builder()
            .add_service(rls_service::server(
                engine.clone(),
                flags.rate_limit_headers,
            ))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(grpc))
            .await
            .map_err(|e| format!("the gRPC server on {} stopped: {e}", flags.grpc_address))
    };
    tokio::try_join!(http_server, grpc_server).map(|_| ())
}

async fn listen(address: SocketAddr, flag: &str) -> Result<TcpListener, String> {
    TcpListener::bind(address)
        .await
        .map_err(|e| format!("cannot listen on {address} ({flag}): {e}"))
}
