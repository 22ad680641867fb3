import {
  ApiEntityV1alpha1,
  ComponentEntityV1alpha1,
  DEFAULT_NAMESPACE,
} from '@backstage/catalog-model';
import {
  MAAS_AUTH_MODE_ANNOTATION,
  MAAS_HOSTNAME_ANNOTATION,
  MAAS_HTTP_ROUTE_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  MODEL_SERVER_COMPONENT_TYPE,
  OPENAI_API_TYPE,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import YAML from 'yaml';
import { MODEL_SELECTOR_LABEL, modelObjectNames, modelUrl } from './naming';
import { ModelSpec } from './types';

/** The OpenAI-compatible endpoints every served model answers, as an OpenAPI document. */
function openAiDefinition(spec: ModelSpec): string {
  const security = spec.auth.type === 'api-key' ? 'apiKey' : 'bearer';
  const post = (summary: string) => ({
    post: {
      summary,
      security: [{ [security]: [] }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      responses: {
        '200': { description: 'OpenAI-compatible response, with `usage`' },
      },
    },
  });
  return YAML.stringify({
    openapi: '3.0.3',
    info: { title: `${spec.name} (OpenAI-compatible)`, version: '1' },
    servers: [{ url: `${modelUrl(spec)}/v1` }],
    paths: {
      '/chat/completions': post('Chat completion'),
      '/completions': post('Text completion'),
      '/models': {
        get: {
          summary: 'The served model',
          security: [{ [security]: [] }],
          responses: { '200': { description: 'A list with this model' } },
        },
      },
    },
    components: {
      securitySchemes:
        spec.auth.type === 'api-key'
          ? {
              apiKey: {
                type: 'apiKey',
                in: 'header',
                name: 'Authorization',
                description: 'The header value is `APIKEY <key>`.',
              },
            }
          : { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  });
}

/** What the catalog shows of a model its creator did not describe. */
function defaultDescription(spec: ModelSpec): string {
  const served =
    spec.serving.type === 'vllm'
      ? `vLLM serving ${spec.serving.storageUri}`
      : 'the llm-d inference simulator (no GPU)';
  const auth = spec.auth.type === 'api-key' ? 'API keys' : 'OIDC tokens';
  return `OpenAI-compatible model ${spec.name} on ${served}, called with ${auth} through the gateway`;
}

/** Tags to find models by in the catalog: what serves them and how callers authenticate. */
function modelTags(spec: ModelSpec): string[] {
  return ['model', 'maas', spec.serving.type, spec.auth.type];
}

/**
 * The model's catalog entities: a `model-server` Component (linked to its InferenceService,
 * route and namespace, and set up for the Kubernetes tab) that provides an `openai` API. Both are
 * in the spec's catalog namespace: `default` (written as no namespace, as entities of earlier
 * releases were) for the portal's namespace, the Kubernetes namespace for any other.
 */
export function renderCatalogEntities(
  spec: ModelSpec,
): [ComponentEntityV1alpha1, ApiEntityV1alpha1] {
  const names = modelObjectNames(spec.name);
  const url = modelUrl(spec);
  const system = spec.system ? { system: spec.system } : {};
  const description = spec.description || defaultDescription(spec);
  const namespace =
    spec.catalogNamespace === DEFAULT_NAMESPACE
      ? {}
      : { namespace: spec.catalogNamespace };
  return [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: spec.name,
        ...namespace,
        description,
        tags: modelTags(spec),
        annotations: {
          [MAAS_INFERENCE_SERVICE_ANNOTATION]: stringifyObjectRef({
            namespace: spec.namespace,
            name: names.inferenceService,
          }),
          [MAAS_HTTP_ROUTE_ANNOTATION]: stringifyObjectRef({
            namespace: spec.namespace,
            name: names.httpRoute,
          }),
          [MAAS_HOSTNAME_ANNOTATION]: spec.hostname,
          [MAAS_AUTH_MODE_ANNOTATION]: spec.auth.type,
          'backstage.io/kubernetes-id': spec.name,
          'backstage.io/kubernetes-namespace': spec.namespace,
          'backstage.io/kubernetes-label-selector': `${MODEL_SELECTOR_LABEL}=${names.inferenceService}`,
        },
        links: [{ url, title: 'Model endpoint' }],
      },
      spec: {
        type: MODEL_SERVER_COMPONENT_TYPE,
        lifecycle: 'production',
        owner: spec.owner,
        ...system,
        providesApis: [names.api],
      },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: names.api,
        ...namespace,
        description: `OpenAI-compatible endpoint of ${spec.name}`,
        links: [{ url, title: 'Model endpoint' }],
      },
      spec: {
        type: OPENAI_API_TYPE,
        lifecycle: 'production',
        owner: spec.owner,
        ...system,
        definition: openAiDefinition(spec),
      },
    },
  ];
}
