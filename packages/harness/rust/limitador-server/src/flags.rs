//! The command line. Flag names follow limitador-server's where it has one (`--limit-name-in-labels`,
//! `--rate-limit-headers`, `--metric-labels-default`, the limits file as a positional argument); the
//! two addresses are ours, because the harness picks free ports and binds 127.0.0.1 (upstream has
//! `--http-ip`/`--http-port` and `--rls-ip`/`--rls-port`).

use crate::rate_limit_headers::RateLimitHeaders;
use limitador::limit::Expression;
use std::net::SocketAddr;
use std::path::PathBuf;

pub const USAGE: &str = "\
usage: maas-limitador-server --limits-file <path> --http-address <ip:port> --grpc-address <ip:port>
                             [--limit-name-in-labels] [--rate-limit-headers NONE|DRAFT_VERSION_03]
                             [--metric-labels-default <CEL expression>]

  --limits-file <path>         the YAML list of limits limitador-operator renders from Limitador.spec.limits
                               (also accepted as the only positional argument, as limitador-server takes it);
                               re-read when it changes
  --http-address <ip:port>     limitador-server's HTTP API: /status, /metrics, /limits/{ns}, /counters/{ns},
                               /check, /report, /check_and_report
  --grpc-address <ip:port>     envoy.service.ratelimit.v3.RateLimitService
  -l, --limit-name-in-labels   add limit_name to limited_calls (the Limitador CR's `telemetry: exhaustive`)
  -H, --rate-limit-headers     DRAFT_VERSION_03 adds X-RateLimit-Limit/-Remaining/-Reset to gRPC answers
                               (default NONE)
  --metric-labels-default      a CEL expression over `descriptors` giving a map of extra metric labels,
                               e.g. descriptors[1] (the Limitador CR's metricLabelsDefault)
  --help, --version";

pub struct Flags {
    pub limits_file: PathBuf,
    pub http_address: SocketAddr,
    pub grpc_address: SocketAddr,
    pub limit_name_in_labels: bool,
    pub rate_limit_headers: RateLimitHeaders,
    pub metric_labels_default: Option<Expression>,
}

pub enum Parsed {
    Run(Flags),
    Help,
    Version,
}

/// Parses the arguments after the program name. Errors name the flag and say what it wants.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, String> {
    let mut limits_file: Option<PathBuf> = None;
    let mut http_address: Option<SocketAddr> = None;
    let mut grpc_address: Option<SocketAddr> = None;
    let mut limit_name_in_labels = false;
    let mut rate_limit_headers = RateLimitHeaders::None;
    let mut metric_labels_default = None;

    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // `--flag=value` and `--flag value` are both accepted.
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--help" | "-h" => return Ok(Parsed::Help),
            "--version" | "-V" => return Ok(Parsed::Version),
            "--limits-file" => set_once(
                &mut limits_file,
                PathBuf::from(value("--limits-file")?),
                "--limits-file",
            )?,
            "--http-address" => set_once(
                &mut http_address,
                address(&value("--http-address")?, "--http-address")?,
                "--http-address",
            )?,
            "--grpc-address" => set_once(
                &mut grpc_address,
                address(&value("--grpc-address")?, "--grpc-address")?,
                "--grpc-address",
            )?,
            "--limit-name-in-labels" | "-l" => limit_name_in_labels = true,
            "--rate-limit-headers" | "-H" => {
                let given = value("--rate-limit-headers")?;
                rate_limit_headers = RateLimitHeaders::parse(&given).ok_or_else(|| {
                    format!("--rate-limit-headers takes NONE or DRAFT_VERSION_03, not {given:?}")
                })?;
            }
            "--metric-labels-default" => {
                let given = value("--metric-labels-default")?;
                let expression = Expression::parse(&given)
                    .map_err(|e| format!("--metric-labels-default is not a CEL expression: {e}"))?;
                metric_labels_default = Some(expression);
            }
            positional if !positional.starts_with('-') => set_once(
                &mut limits_file,
                PathBuf::from(positional),
                "the limits file",
            )?,
            unknown => return Err(format!("unknown flag {unknown}")),
        }
    }

    Ok(Parsed::Run(Flags {
        limits_file: limits_file.ok_or("--limits-file <path> is required")?,
        http_address: http_address.ok_or("--http-address <ip:port> is required")?,
        grpc_address: grpc_address.ok_or("--grpc-address <ip:port> is required")?,
        limit_name_in_labels,
        rate_limit_headers,
        metric_labels_default,
    }))
}

fn set_once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("{what} is given twice"));
    }
    *slot = Some(value);
    Ok(())
}

fn address(given: &str, flag: &str) -> Result<SocketAddr, String> {
    given
        .parse()
        .map_err(|_| format!("{flag} takes an ip:port such as 127.0.0.1:8080, not {given:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Flags, String> {
        match parse(args.iter().map(|a| a.to_string()))? {
            Parsed::Run(flags) => Ok(flags),
            _ => Err("not a run".into()),
        }
    }

    #[test]
    fn takes_upstream_and_own_flags() {
        let flags = run(&[
            "--limits-file=/tmp/l.yaml",
            "--http-address",
            "127.0.0.1:1",
            "--grpc-address",
            "127.0.0.1:2",
            "-l",
            "--rate-limit-headers",
            "DRAFT_VERSION_03",
            "--metric-labels-default",
            "descriptors[1]",
        ])
        .unwrap();
        assert_eq!(flags.limits_file, PathBuf::from("/tmp/l.yaml"));
        assert_eq!(flags.grpc_address.port(), 2);
        assert!(flags.limit_name_in_labels);
        assert_eq!(flags.rate_limit_headers, RateLimitHeaders::DraftVersion03);
        assert!(flags.metric_labels_default.is_some());
    }

    #[test]
    fn names_what_is_wrong() {
        let base = ["/tmp/l.yaml", "--http-address", "127.0.0.1:1"];
        assert_eq!(
            run(&base).err().unwrap(),
            "--grpc-address <ip:port> is required"
        );
        let err = run(&["--http-address", "localhost"]).err().unwrap();
        assert!(err.contains("--http-address takes an ip:port"), "{err}");
        let err = run(&["-H", "DRAFT"]).err().unwrap();
        assert!(err.contains("NONE or DRAFT_VERSION_03"), "{err}");
        assert_eq!(run(&["--nope"]).err().unwrap(), "unknown flag --nope");
    }
}
