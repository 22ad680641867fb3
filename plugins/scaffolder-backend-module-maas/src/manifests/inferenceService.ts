import {
  INFERENCE_SERVICE,
  InferenceServiceManifest,
  InferenceServiceSpec,
} from '@maas-portal/plugin-maas-node';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import { renderCatalogEntities } from './catalogInfo';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { ModelSpec, SimulatorServingSpec, VllmServingSpec } from './types';

const GPU_RESOURCE = 'nvidia.com/gpu';

type Predictor = NonNullable<InferenceServiceSpec['predictor']>;

/** vLLM with the model's own ServingRuntime, on a GPU node. */
function vllmPredictor(spec: ModelSpec, serving: VllmServingSpec): Predictor {
  const resources = {
    cpu: serving.cpu,
    memory: serving.memory,
    [GPU_RESOURCE]: String(serving.gpus),
  };
  return {
    model: {
      modelFormat: { name: 'vLLM' },
      runtime: modelObjectNames(spec.name).servingRuntime,
      storageUri: serving.storageUri,
      resources: { requests: { ...resources }, limits: { ...resources } },
    },
    tolerations: [
      { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' },
    ],
    nodeSelector: { ...serving.nodeSelector },
  };
}

/** The llm-d inference simulator as the predictor's own container, on any node. */
function simulatorPredictor(
  spec: ModelSpec,
  serving: SimulatorServingSpec,
): Predictor {
  return {
    containers: [
      {
        name: 'kserve-container',
        image: serving.image,
        args: [
          '--model',
          spec.name,
          '--port',
          '8080',
          // Durations: llm-d-inference-sim (v0.6 and later, so the default `:latest`) parses these
          // flags as Go durations and exits on a bare number ("missing unit in duration").
          '--time-to-first-token',
          `${serving.timeToFirstTokenMs}ms`,
          '--inter-token-latency',
          `${serving.interTokenLatencyMs}ms`,
        ],
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
      },
    ],
  };
}

/**
 * What the InferenceService says about itself to the portal: the catalog entity it is (so that a
 * catalog entity pointing at it proves nothing unless named back) and its owner, who decides its
 * key requests besides the admins.
 */
function bindingAnnotations(spec: ModelSpec): Record<string, string> {
  const [component] = renderCatalogEntities(spec);
  return {
    [MAAS_BOUND_ENTITY_ANNOTATION]: stringifyEntityRef(component),
    [MAAS_MODEL_OWNER_ANNOTATION]: stringifyEntityRef(
      parseEntityRef(spec.owner, {
        defaultKind: 'group',
        defaultNamespace: component.metadata.namespace ?? 'default',
      }),
    ),
  };
}

/** The KServe InferenceService (RawDeployment): vLLM on a GPU node, or the simulator container. */
export function renderInferenceService(
  spec: ModelSpec,
): InferenceServiceManifest {
  const { serving } = spec;
  return modelManifest<InferenceServiceManifest>(
    spec,
    INFERENCE_SERVICE,
    {
      name: modelObjectNames(spec.name).inferenceService,
      annotations: {
        'serving.kserve.io/deploymentMode': 'RawDeployment',
        ...bindingAnnotations(spec),
        ...(spec.description
          ? { 'openshift.io/display-name': spec.description }
          : {}),
      },
    },
    {
      predictor: {
        minReplicas: 1,
        maxReplicas: 1,
        ...(serving.type === 'vllm'
          ? vllmPredictor(spec, serving)
          : simulatorPredictor(spec, serving)),
      },
    },
  );
}
