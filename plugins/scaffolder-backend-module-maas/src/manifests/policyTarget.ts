import { HTTP_ROUTE, TargetRef } from '@maas-portal/plugin-maas-node';
import { modelObjectNames } from './naming';
import { ModelSpec } from './types';

/** Every policy of a model targets the model's HTTPRoute, so that it applies to this model only. */
export function routeTarget(spec: ModelSpec): TargetRef {
  return {
    group: HTTP_ROUTE.group,
    kind: HTTP_ROUTE.kind,
    name: modelObjectNames(spec.name).httpRoute,
  };
}
