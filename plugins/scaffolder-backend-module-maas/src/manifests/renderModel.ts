import {
  ApiEntityV1alpha1,
  ComponentEntityV1alpha1,
} from '@backstage/catalog-model';
import YAML from 'yaml';
import { renderAuthPolicy } from './authPolicy';
import { renderCatalogEntities } from './catalogInfo';
import { renderHttpRoute } from './httpRoute';
import { renderInferenceService } from './inferenceService';
import { renderRateLimitPolicy } from './rateLimitPolicy';
import { renderServingRuntime } from './servingRuntime';
import { renderTokenRateLimitPolicy } from './tokenRateLimitPolicy';
import { ModelObject, ModelSpec } from './types';

export interface RenderedModel {
  /** Cluster objects in apply order: runtime, InferenceService, route, then its policies. */
  objects: ModelObject[];
  catalogEntities: [ComponentEntityV1alpha1, ApiEntityV1alpha1];
}

export function renderModel(spec: ModelSpec): RenderedModel {
  const objects: ModelObject[] = [];
  if (spec.serving.type === 'vllm') {
    objects.push(renderServingRuntime({ ...spec, serving: spec.serving }));
  }
  objects.push(
    renderInferenceService(spec),
    renderHttpRoute(spec),
    renderAuthPolicy(spec),
    renderRateLimitPolicy(spec),
    renderTokenRateLimitPolicy(spec),
  );
  return { objects, catalogEntities: renderCatalogEntities(spec) };
}

/** Several documents as one YAML stream, the only place the manifests are serialised. */
export function toYamlStream(documents: object[]): string {
  return documents.map(d => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}
