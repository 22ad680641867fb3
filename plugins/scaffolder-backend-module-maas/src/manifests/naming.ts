import {
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import { ModelSpec } from './types';

/**
 * The names of a model's objects, all derived from the model's name, so that a reader of the
 * cluster finds them from the name alone. KServe names the predictor Service `<name>-predictor`.
 */
export function modelObjectNames(name: string) {
  return {
    inferenceService: name,
    servingRuntime: `${name}-vllm`,
    predictorService: `${name}-predictor`,
    httpRoute: `${name}-route`,
    authPolicy: `${name}-auth`,
    rateLimitPolicy: `${name}-rate-limits`,
    tokenRateLimitPolicy: `${name}-token-limits`,
    api: `${name}-api`,
  };
}

/**
 * The label KServe puts on a model's pods. The portal puts it on the model's own objects too, so
 * that the Kubernetes tab's one label selector (the entity's `backstage.io/kubernetes-label-selector`)
 * finds the pods and the InferenceService, HTTPRoute and policies alike.
 */
export const MODEL_SELECTOR_LABEL = 'serving.kserve.io/inferenceservice';

/** Labels on every object of a model: who manages it and which model it belongs to. */
export function modelLabels(
  spec: Pick<ModelSpec, 'name'>,
): Record<string, string> {
  return {
    [MAAS_KEY_LABELS.managedBy]: MAAS_FIELD_MANAGER,
    [MAAS_KEY_LABELS.model]: spec.name,
    'backstage.io/kubernetes-id': spec.name,
    [MODEL_SELECTOR_LABEL]: modelObjectNames(spec.name).inferenceService,
  };
}

/** The model's public base URL, e.g. `http://qwen3.maas.local`. */
export function modelUrl(spec: Pick<ModelSpec, 'scheme' | 'hostname'>): string {
  return `${spec.scheme}://${spec.hostname}`;
}
