//! Where a request meets the library: the `descriptors` CEL binding is built, the limiter checks
//! (and updates) the counters, and the metrics count the outcome. The gRPC service and the HTTP
//! API both come here, so they cannot count differently.

use crate::metrics::Metrics;
use limitador::counter::Counter;
use limitador::limit::{Context, Limit, Namespace};
use limitador::{CheckResult, RateLimiter};
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

/// Qualified counters (one per user) the in-memory storage keeps; upstream's default cache size.
const COUNTER_CACHE_SIZE: u64 = 10_000;

/// One descriptor: its entries as a map, as limitador-server binds `descriptors[i]`.
pub type Descriptor = HashMap<String, String>;

pub struct Engine {
    limiter: RateLimiter,
    metrics: Metrics,
}

impl Engine {
    pub fn new(metrics: Metrics) -> Self {
        Self {
            limiter: RateLimiter::new(COUNTER_CACHE_SIZE),
            metrics,
        }
    }

    /// Replaces the limits. The library keeps the counters of limits that are still there (a limit
    /// is the same limit when namespace, window, conditions and variables are; a new max_value or
    /// name is applied to it in place) and drops those of limits that are gone.
    pub fn configure(&self, limits: Vec<Limit>) -> Result<(), String> {
        self.limiter
            .configure_with(limits)
            .map_err(|e| e.to_string())
    }

    /// Checks `delta` hits and, when all limits allow them, counts them: ShouldRateLimit and
    /// `/check_and_report`. Counts the outcome in the metrics.
    pub fn check_and_report(
        &self,
        namespace: &Namespace,
        descriptors: Vec<Descriptor>,
        delta: u64,
    ) -> Result<CheckResult, String> {
        let ctx = context(descriptors);
        let started = Instant::now();
        let result = guarded(|| {
            self.limiter
                .check_rate_limited_and_update(namespace, &ctx, delta)
        })?;
        self.metrics.datastore_latency(started.elapsed());
        if result.limited {
            self.metrics
                .limited(namespace, result.limit_name.as_deref(), &ctx);
        } else {
            self.metrics.authorized(namespace, &ctx, delta);
        }
        Ok(result)
    }

    /// `/check`: would `delta` more hits be allowed? Counts nothing.
    pub fn check(
        &self,
        namespace: &Namespace,
        descriptors: Vec<Descriptor>,
        delta: u64,
    ) -> Result<CheckResult, String> {
        let ctx = context(descriptors);
        guarded(|| self.limiter.is_rate_limited(namespace, &ctx, delta))
    }

    /// `/report`: counts `delta` hits whatever the limits say.
    pub fn report(
        &self,
        namespace: &Namespace,
        descriptors: Vec<Descriptor>,
        delta: u64,
    ) -> Result<(), String> {
        let ctx = context(descriptors);
        guarded(|| self.limiter.update_counters(namespace, &ctx, delta))
    }

    pub fn limits(&self, namespace: &Namespace) -> HashSet<Limit> {
        self.limiter.get_limits(namespace)
    }

    pub fn counters(&self, namespace: &Namespace) -> Result<HashSet<Counter>, String> {
        self.limiter
            .get_counters(namespace)
            .map_err(|e| e.to_string())
    }

    pub fn limit_count(&self) -> usize {
        self.limiter
            .get_namespaces()
            .iter()
            .map(|namespace| self.limiter.get_limits(namespace).len())
            .sum()
    }

    pub fn render_metrics(&self) -> String {
        self.metrics.render()
    }
}

fn context(descriptors: Vec<Descriptor>) -> Context<'static> {
    let mut ctx = Context::default();
    ctx.list_binding("descriptors".to_string(), descriptors);
    ctx
}

/// The library unwraps a condition's evaluation error (`Limit::applies`), so a condition that
/// indexes a descriptor the request did not send (`descriptors[1]` with one descriptor) panics.
/// That must fail one request with a message, not the connection without one.
fn guarded<T>(
    call: impl FnOnce() -> Result<T, limitador::errors::LimitadorError>,
) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(format!(
                "a limit's condition could not be evaluated on this request's descriptors: {why}"
            ))
        }
    }
}
