import { ModelView } from '@maas-portal/plugin-maas-common';
import { ModelRef } from '../entities/ModelRef';
import { RouteLimits } from '../gateway/routeCounting';
import { ModelReader } from '../entities/ModelReader';

/** Limitador's namespace of a model's route: `<route namespace>/<route name>`. */
export function limitadorNamespaceOf(model: ModelView): string | undefined {
  return model.route
    ? `${model.route.namespace}/${model.route.name}`
    : undefined;
}

/**
 * What the usage, quota, refusal and token reads need of one model: the name vLLM serves it
 * under, its route as Limitador's namespace (absent when it has no HTTPRoute), and the limits that
 * make Limitador count there (absent when the cache holds no such route).
 */
export function countedRoute(
  models: ModelReader,
  ref: ModelRef,
): {
  modelName: string;
  limitadorNamespace: string | undefined;
  limits: RouteLimits | undefined;
} {
  const model = models.getModel(ref);
  const limitadorNamespace = limitadorNamespaceOf(model);
  return {
    modelName: model.modelName,
    limitadorNamespace,
    limits: limitadorNamespace
      ? models.routeLimits(limitadorNamespace)
      : undefined,
  };
}
