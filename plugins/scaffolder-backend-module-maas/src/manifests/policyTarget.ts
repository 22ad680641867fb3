import { modelObjectNames } from './naming';
import { ModelSpec, PolicyTargetRef } from './types';

/** Every policy of a model targets the model's HTTPRoute, so that it applies to this model only. */
export function routeTarget(spec: ModelSpec): PolicyTargetRef {
  return {
    group: 'gateway.networking.k8s.io',
    kind: 'HTTPRoute',
    name: modelObjectNames(spec.name).httpRoute,
  };
}
