import {
  ApiEntityV1alpha1,
  ComponentEntityV1alpha1,
} from '@backstage/catalog-model';
import YAML from 'yaml';
import { renderAuthPolicy } from './authPolicy';
import { renderCatalogEntities } from './catalogInfo';
import { renderHttpRoute } from './httpRoute';
import { renderInferenceService } from './inferenceService';
import {
  renderRateLimitPolicy,
  renderTokenRateLimitPolicy,
} from './limitPolicies';
import { renderServingRuntime } from './servingRuntime';
import { ModelObject, ModelSpec } from './types';
import { MAAS_CATALOG_ENTITIES_ANNOTATION } from '@maas-portal/plugin-maas-common';

export interface RenderedModel {
  /** Cluster objects in apply order: runtime, InferenceService, route, then its policies. */
  objects: ModelObject[];
  catalogEntities: [ComponentEntityV1alpha1, ApiEntityV1alpha1];
}

/**
 * Where the catalog learns of the model: from `catalog-info.yaml` in a repository, or from the
 * cluster, where the InferenceService carries its entities in an annotation.
 */
export type CatalogSource = 'repository' | 'cluster';

export function renderModel(
  spec: ModelSpec,
  options: { catalogSource?: CatalogSource } = {},
): RenderedModel {
  const objects: ModelObject[] = [];
  if (spec.serving.type === 'vllm') {
    objects.push(renderServingRuntime({ ...spec, serving: spec.serving }));
  }
  const catalogEntities = renderCatalogEntities(spec);
  const inferenceService = renderInferenceService(spec);
  if (options.catalogSource === 'cluster') {
    inferenceService.metadata.annotations = {
      ...inferenceService.metadata.annotations,
      [MAAS_CATALOG_ENTITIES_ANNOTATION]: JSON.stringify(catalogEntities),
    };
  }
  objects.push(
    inferenceService,
    renderHttpRoute(spec),
    renderAuthPolicy(spec),
    renderRateLimitPolicy(spec),
    renderTokenRateLimitPolicy(spec),
  );
  return { objects, catalogEntities };
}

/** Several documents as one YAML stream, the only place the manifests are serialised. */
export function toYamlStream(documents: object[]): string {
  return documents.map(d => YAML.stringify(d, { lineWidth: 0 })).join('---\n');
}
