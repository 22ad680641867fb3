import { modelLabels, modelObjectNames } from './naming';
import { routeTarget } from './policyTarget';
import { perTierLimits } from './tierLimits';
import { ModelSpec, TokenRateLimitPolicy } from './types';

/** Tokens per user (from the response's `usage.total_tokens`), one limit per tier. */
export function renderTokenRateLimitPolicy(
  spec: ModelSpec,
): TokenRateLimitPolicy {
  return {
    apiVersion: 'kuadrant.io/v1alpha1',
    kind: 'TokenRateLimitPolicy',
    metadata: {
      name: modelObjectNames(spec.name).tokenRateLimitPolicy,
      namespace: spec.namespace,
      labels: modelLabels(spec),
    },
    spec: {
      targetRef: routeTarget(spec),
      limits: perTierLimits(spec, 'tokens', tier => tier.tokens),
    },
  };
}
