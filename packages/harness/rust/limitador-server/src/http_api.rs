//! limitador-server's HTTP API (`limitador-server/docs/http_server_spec.json`): `GET /status`,
//! `/metrics`, `/limits/{namespace}`, `/counters/{namespace}`; `POST /check`, `/report`,
//! `/check_and_report` with `{namespace, values, delta}`, answered 200 or 429 with a `null` body.
//! A namespace in a path is percent-encoded (`llm%2Fsimulator-route`); the router decodes it.
//! Limits are not created or deleted here: the limits file is their one source.

use crate::engine::Engine;
use crate::rate_limit_headers::RateLimitHeaders;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use limitador::counter::Counter;
use limitador::limit::Limit;
use limitador::CheckResult;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub fn router(engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .route("/limits/{namespace}", get(limits))
        .route("/counters/{namespace}", get(counters))
        .route("/check", post(check))
        .route("/report", post(report))
        .route("/check_and_report", post(check_and_report))
        .fallback(not_found)
        .with_state(engine)
}

/// A limit as upstream's API shows it (the library's own serialisation leaves out max_value and name).
#[derive(Serialize)]
struct LimitView {
    id: Option<String>,
    namespace: String,
    max_value: u64,
    seconds: u64,
    name: Option<String>,
    conditions: Vec<String>,
    variables: Vec<String>,
}

impl From<&Limit> for LimitView {
    fn from(limit: &Limit) -> Self {
        let mut conditions: Vec<String> = limit.conditions().into_iter().collect();
        conditions.sort();
        let mut variables: Vec<String> = limit.variables().into_iter().collect();
        variables.sort();
        Self {
            id: limit.id().map(str::to_string),
            namespace: limit.namespace().as_ref().to_string(),
            max_value: limit.max_value(),
            seconds: limit.seconds(),
            name: limit.name().map(str::to_string),
            conditions,
            variables,
        }
    }
}

#[derive(Serialize)]
struct CounterView {
    limit: LimitView,
    set_variables: BTreeMap<String, String>,
    remaining: Option<u64>,
    expires_in_seconds: Option<u64>,
}

impl From<&Counter> for CounterView {
    fn from(counter: &Counter) -> Self {
        Self {
            limit: counter.limit().into(),
            set_variables: counter.set_variables().clone(),
            remaining: counter.remaining(),
            expires_in_seconds: counter.expires_in().map(|left| left.as_secs()),
        }
    }
}

/// The body of /check, /report and /check_and_report; `values` becomes `descriptors[0]`.
#[derive(Deserialize)]
struct CheckAndReportInfo {
    namespace: String,
    values: HashMap<String, String>,
    delta: u64,
    response_headers: Option<String>,
}

async fn status() -> Json<()> {
    Json(())
}

async fn metrics(State(engine): State<Arc<Engine>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        engine.render_metrics(),
    )
        .into_response()
}

async fn limits(
    State(engine): State<Arc<Engine>>,
    Path(namespace): Path<String>,
) -> Json<Vec<LimitView>> {
    let mut limits: Vec<Limit> = engine.limits(&namespace.into()).into_iter().collect();
    limits.sort();
    Json(limits.iter().map(LimitView::from).collect())
}

async fn counters(State(engine): State<Arc<Engine>>, Path(namespace): Path<String>) -> Response {
    match engine.counters(&namespace.as_str().into()) {
        Ok(counters) => {
            let mut counters: Vec<Counter> = counters.into_iter().collect();
            counters.sort_by(|a, b| {
                (a.limit(), a.set_variables()).cmp(&(b.limit(), b.set_variables()))
            });
            Json(counters.iter().map(CounterView::from).collect::<Vec<_>>()).into_response()
        }
        Err(e) => failed(&format!(
            "cannot read the counters of namespace {namespace:?}: {e}"
        )),
    }
}

async fn check(
    State(engine): State<Arc<Engine>>,
    Json(info): Json<CheckAndReportInfo>,
) -> Response {
    let headers = RateLimitHeaders::from_request_field(info.response_headers.as_deref());
    match engine.check(
        &info.namespace.as_str().into(),
        vec![info.values],
        info.delta,
    ) {
        Ok(result) => decided(result, headers),
        Err(e) => failed(&format!(
            "check in namespace {:?} failed: {e}",
            info.namespace
        )),
    }
}

async fn report(
    State(engine): State<Arc<Engine>>,
    Json(info): Json<CheckAndReportInfo>,
) -> Response {
    match engine.report(
        &info.namespace.as_str().into(),
        vec![info.values],
        info.delta,
    ) {
        Ok(()) => Json(()).into_response(),
        Err(e) => failed(&format!(
            "report in namespace {:?} failed: {e}",
            info.namespace
        )),
    }
}

async fn check_and_report(
    State(engine): State<Arc<Engine>>,
    Json(info): Json<CheckAndReportInfo>,
) -> Response {
    let headers = RateLimitHeaders::from_request_field(info.response_headers.as_deref());
    match engine.check_and_report(
        &info.namespace.as_str().into(),
        vec![info.values],
        info.delta,
    ) {
        Ok(result) => decided(result, headers),
        Err(e) => failed(&format!(
            "check_and_report in namespace {:?} failed: {e}",
            info.namespace
        )),
    }
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "no such route; this server serves GET /status, /metrics, /limits/{namespace}, /counters/{namespace} \
         and POST /check, /report, /check_and_report\n",
    )
        .into_response()
}

/// 200 or 429 with upstream's `null` body, plus the rate-limit headers when the request asked.
fn decided(mut result: CheckResult, headers: RateLimitHeaders) -> Response {
    let status = if result.limited {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::OK
    };
    let mut response = (status, Json(())).into_response();
    for (name, value) in headers.headers(&mut result) {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn failed(message: &str) -> Response {
    eprintln!("{message}");
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{message}\n")).into_response()
}
