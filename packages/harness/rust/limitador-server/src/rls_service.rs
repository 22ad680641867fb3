//! `envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit`, as limitador-server answers it:
//! the domain is the Limitador namespace, descriptor `i`'s entries are the map `descriptors[i]`,
//! `hits_addend` 0 means 1.

use crate::engine::{Descriptor, Engine};
use crate::rate_limit_headers::RateLimitHeaders;
use envoy_types::pb::envoy::config::core::v3::HeaderValue;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_response::Code;
use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_service_server::{
    RateLimitService, RateLimitServiceServer,
};
use envoy_types::pb::envoy::service::ratelimit::v3::{RateLimitRequest, RateLimitResponse};
use std::sync::Arc;
use tonic::{Request, Response, Status};

pub struct RlsService {
    engine: Arc<Engine>,
    headers: RateLimitHeaders,
}

pub fn server(
    engine: Arc<Engine>,
    headers: RateLimitHeaders,
) -> RateLimitServiceServer<RlsService> {
    RateLimitServiceServer::new(RlsService { engine, headers })
}

#[tonic::async_trait]
impl RateLimitService for RlsService {
    async fn should_rate_limit(
        &self,
        request: Request<RateLimitRequest>,
    ) -> Result<Response<RateLimitResponse>, Status> {
        let request = request.into_inner();
        // Upstream answers UNKNOWN to a request without a domain: there is no namespace to look in.
        if request.domain.is_empty() {
            return Ok(Response::new(answer(Code::Unknown, Vec::new())));
        }
        let descriptors: Vec<Descriptor> = request
            .descriptors
            .into_iter()
            .map(|descriptor| {
                descriptor
                    .entries
                    .into_iter()
                    .map(|entry| (entry.key, entry.value))
                    .collect()
            })
            .collect();
        let hits = if request.hits_addend == 0 {
            1
        } else {
            u64::from(request.hits_addend)
        };

        // An error here is the storage's or a condition's; UNAVAILABLE lets Envoy apply its
        // failure mode, where UNKNOWN would be read as "allow".
        let mut result = self
            .engine
            .check_and_report(&request.domain.as_str().into(), descriptors, hits)
            .map_err(|e| {
                Status::unavailable(format!(
                    "rate limit check failed in namespace {:?}: {e}",
                    request.domain
                ))
            })?;
        let code = if result.limited {
            Code::OverLimit
        } else {
            Code::Ok
        };
        let headers = self
            .headers
            .headers(&mut result)
            .into_iter()
            .map(|(key, value)| HeaderValue {
                key,
                value,
                ..Default::default()
            })
            .collect();
        Ok(Response::new(answer(code, headers)))
    }
}

fn answer(code: Code, response_headers_to_add: Vec<HeaderValue>) -> RateLimitResponse {
    RateLimitResponse {
        overall_code: code.into(),
        response_headers_to_add,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Metrics;
    use envoy_types::pb::envoy::extensions::common::ratelimit::v3::rate_limit_descriptor::Entry;
    use envoy_types::pb::envoy::extensions::common::ratelimit::v3::RateLimitDescriptor;
    use envoy_types::pb::envoy::service::ratelimit::v3::rate_limit_service_client::RateLimitServiceClient;
    use limitador::limit::Expression;

    fn descriptor(entries: &[(&str, &str)]) -> RateLimitDescriptor {
        RateLimitDescriptor {
            entries: entries
                .iter()
                .map(|(key, value)| Entry {
                    key: key.to_string(),
                    value: value.to_string(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn request(
        domain: &str,
        descriptors: Vec<RateLimitDescriptor>,
        hits_addend: u32,
    ) -> RateLimitRequest {
        RateLimitRequest {
            domain: domain.to_string(),
            descriptors,
            hits_addend,
        }
    }

    /// Over the wire, as the gateway calls it: one test, because the metrics recorder is per process.
    #[tokio::test]
    async fn should_rate_limit_over_grpc() {
        let metrics =
            Metrics::install(true, Some(Expression::parse("descriptors[1]").unwrap())).unwrap();
        let engine = Arc::new(Engine::new(metrics));
        engine
            .configure(
                crate::limits_file::parse(
                    r#"
- namespace: llm/simulator-route
  max_value: 10
  seconds: 120
  name: free-user-tokens
  conditions: ['descriptors[0]["limit.free_user_tokens__1a2b"] == "1"']
  variables: ['descriptors[0]["auth.identity.userid"]']
- namespace: llm/strict-route
  max_value: 1
  seconds: 60
  conditions: ['descriptors[1]["group"] == "free"']
  variables: []
- namespace: llm/unlabelled-route
  max_value: 5
  seconds: 60
  conditions: ['descriptors[0]["limit.free_user_requests__3c4d"] == "1"']
  variables: ['descriptors[0]["auth.identity.userid"]']
"#,
                )
                .unwrap(),
            )
            .unwrap();

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server(engine.clone(), RateLimitHeaders::DraftVersion03))
                .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
        );
        let mut client = RateLimitServiceClient::connect(format!("http://{address}"))
            .await
            .unwrap();

        let alice = || {
            vec![
                descriptor(&[
                    ("limit.free_user_tokens__1a2b", "1"),
                    ("auth.identity.userid", "alice"),
                ]),
                descriptor(&[("user", "alice"), ("group", "free")]),
            ]
        };
        // 6 tokens, then 4 (the limit is reached exactly), then 1 more is over.
        let first = client
            .should_rate_limit(request("llm/simulator-route", alice(), 6))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(first.overall_code, i32::from(Code::Ok));
        let headers: Vec<(String, String)> = first
            .response_headers_to_add
            .iter()
            .map(|h| (h.key.clone(), h.value.clone()))
            .collect();
        assert_eq!(
            headers[0],
            (
                "X-RateLimit-Limit".into(),
                "10, 10;w=120;name=\"free-user-tokens\"".into()
            )
        );
        assert_eq!(headers[1], ("X-RateLimit-Remaining".into(), "4".into()));
        assert_eq!(headers[2].0, "X-RateLimit-Reset");
        let second = client
            .should_rate_limit(request("llm/simulator-route", alice(), 4))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(second.overall_code, i32::from(Code::Ok));
        let third = client
            .should_rate_limit(request("llm/simulator-route", alice(), 0))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(third.overall_code, i32::from(Code::OverLimit));

        // A domain without limits is allowed; no domain is UNKNOWN; a condition over a descriptor the
        // request did not send fails that request with UNAVAILABLE and a reason.
        let elsewhere = client
            .should_rate_limit(request("llm/other-route", alice(), 1))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(elsewhere.overall_code, i32::from(Code::Ok));
        let nowhere = client
            .should_rate_limit(request("", alice(), 1))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(nowhere.overall_code, i32::from(Code::Unknown));
        let one_descriptor = vec![descriptor(&[("auth.identity.userid", "alice")])];
        let failed = client
            .should_rate_limit(request("llm/strict-route", one_descriptor, 1))
            .await
            .unwrap_err();
        assert_eq!(failed.code(), tonic::Code::Unavailable);
        assert!(
            failed.message().contains("could not be evaluated"),
            "{}",
            failed.message()
        );

        // A route without a TelemetryPolicy: one descriptor, so `descriptors[1]` finds nothing. The call
        // is counted, with no label beyond the namespace (upstream's Limitador does the same).
        let unlabelled = client
            .should_rate_limit(request(
                "llm/unlabelled-route",
                vec![descriptor(&[
                    ("limit.free_user_requests__3c4d", "1"),
                    ("auth.identity.userid", "bob"),
                ])],
                1,
            ))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(unlabelled.overall_code, i32::from(Code::Ok));

        let text = engine.render_metrics();
        let lines = |name: &str| {
            let mut found: Vec<&str> = text.lines().filter(|l| l.starts_with(name)).collect();
            found.sort();
            found
        };
        assert_eq!(
            lines("authorized_calls{"),
            vec![
                r#"authorized_calls{group="free",user="alice",limitador_namespace="llm/other-route"} 1"#,
                r#"authorized_calls{group="free",user="alice",limitador_namespace="llm/simulator-route"} 2"#,
                r#"authorized_calls{limitador_namespace="llm/unlabelled-route"} 1"#,
            ]
        );
        assert!(text.contains(r#"authorized_hits{group="free",user="alice",limitador_namespace="llm/simulator-route"} 10"#));
        assert!(text.contains(
            r#"limited_calls{group="free",user="alice",limitador_namespace="llm/simulator-route",limit_name="free-user-tokens"} 1"#
        ));
    }
}
