import { modelLabels, modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { perTierLimits } from './tierLimits';
import { ModelSpec, RateLimitPolicy } from './types';

/** Requests per user, one limit per tier. */
export function renderRateLimitPolicy(spec: ModelSpec): RateLimitPolicy {
  return {
    apiVersion: 'kuadrant.io/v1',
    kind: 'RateLimitPolicy',
    metadata: {
      name: modelObjectNames(spec.name).rateLimitPolicy,
      namespace: spec.namespace,
      labels: modelLabels(spec),
    },
    spec: {
      targetRef: routeTarget(spec),
      limits: perTierLimits(spec, 'requests', tier => tier.requests),
    },
  };
}
