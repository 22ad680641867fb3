//! The Prometheus exposition limitador-server serves at `/metrics`: counters without a `_total`
//! suffix, labelled `limitador_namespace` (+ `limit_name`, + the `--metric-labels-default` labels).
//! A counter series is created at its first increment and not before, as upstream's are: a
//! dashboard's `increase()` over a range that starts before the first call does not see that call,
//! and tests of the portal's queries must meet the same behaviour here.

use limitador::limit::{Context, Expression, Namespace};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::time::Duration;

const NAMESPACE_LABEL: &str = "limitador_namespace";
const LIMIT_NAME_LABEL: &str = "limit_name";
/// Seconds; an in-memory check takes microseconds, the upper buckets are there for a loaded machine.
const LATENCY_BUCKETS: &[f64] = &[0.00001, 0.0001, 0.001, 0.01, 0.1, 1.0];

pub struct Metrics {
    handle: PrometheusHandle,
    limit_name_in_labels: bool,
    labels_default: Option<Expression>,
}

impl Metrics {
    /// Installs the process-wide recorder (the `metrics` facade has one per process), so call once.
    pub fn install(
        limit_name_in_labels: bool,
        labels_default: Option<Expression>,
    ) -> Result<Self, String> {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("datastore_latency".into()), LATENCY_BUCKETS)
            .map_err(|e| format!("cannot set the datastore_latency buckets: {e}"))?
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder)
            .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;

        describe_counter!("authorized_calls", "Authorized calls");
        describe_counter!("limited_calls", "Limited calls");
        describe_counter!("authorized_hits", "Authorized hits");
        describe_histogram!(
            "datastore_latency",
            "Latency to the underlying counter datastore"
        );
        describe_gauge!("limitador_up", "Limitador is running");
        gauge!("limitador_up").set(1.0);
        describe_gauge!(
            "datastore_partitioned",
            "Limitador is partitioned from backing datastore"
        );
        gauge!("datastore_partitioned").set(0.0);

        Ok(Self {
            handle,
            limit_name_in_labels,
            labels_default,
        })
    }

    /// A call within its limits: `authorized_calls` + 1 and `authorized_hits` + the hits it asked for.
    pub fn authorized(&self, namespace: &Namespace, ctx: &Context, hits: u64) {
        let labels = self.labels(namespace, ctx);
        counter!("authorized_calls", &labels).increment(1);
        counter!("authorized_hits", &labels).increment(hits);
    }

    /// A call over a limit: `limited_calls` + 1, with the limit's name when asked for and it has one.
    pub fn limited(&self, namespace: &Namespace, limit_name: Option<&str>, ctx: &Context) {
        let mut labels = self.labels(namespace, ctx);
        if let (true, Some(name)) = (self.limit_name_in_labels, limit_name) {
            labels.push((LIMIT_NAME_LABEL.to_string(), name.to_string()));
        }
        counter!("limited_calls", &labels).increment(1);
    }

    pub fn datastore_latency(&self, took: Duration) {
        histogram!("datastore_latency").record(took.as_secs_f64());
    }

    pub fn render(&self) -> String {
        self.handle.render()
    }

    fn labels(&self, namespace: &Namespace, ctx: &Context) -> Vec<(String, String)> {
        // A map-valued expression such as `descriptors[1]` adds one label per string entry; an
        // expression that does not resolve (no second descriptor) adds none, as upstream.
        let mut labels: Vec<(String, String)> = match &self.labels_default {
            Some(expression) => expression
                .eval_map(ctx)
                .unwrap_or_default()
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        labels.sort();
        labels.retain(|(name, _)| name != NAMESPACE_LABEL && name != LIMIT_NAME_LABEL);
        labels.push((NAMESPACE_LABEL.to_string(), namespace.as_ref().to_string()));
        labels
    }
}
