import { modelLabels, modelObjectNames } from './naming';
import { InferenceService, ModelSpec } from './types';

const GPU_RESOURCE = 'nvidia.com/gpu';

/** The KServe InferenceService (RawDeployment): vLLM on a GPU node, or the simulator container. */
export function renderInferenceService(spec: ModelSpec): InferenceService {
  const names = modelObjectNames(spec.name);
  const metadata = {
    name: names.inferenceService,
    namespace: spec.namespace,
    labels: modelLabels(spec),
    annotations: {
      'serving.kserve.io/deploymentMode': 'RawDeployment',
      ...(spec.description
        ? { 'openshift.io/display-name': spec.description }
        : {}),
    },
  };
  const { serving } = spec;

  if (serving.type === 'vllm') {
    const resources = {
      cpu: serving.cpu,
      memory: serving.memory,
      [GPU_RESOURCE]: String(serving.gpus),
    };
    return {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata,
      spec: {
        predictor: {
          minReplicas: 1,
          maxReplicas: 1,
          model: {
            modelFormat: { name: 'vLLM' },
            runtime: names.servingRuntime,
            storageUri: serving.storageUri,
            resources: { requests: { ...resources }, limits: { ...resources } },
          },
          tolerations: [
            { key: GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' },
          ],
          nodeSelector: { ...serving.nodeSelector },
        },
      },
    };
  }

  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata,
    spec: {
      predictor: {
        minReplicas: 1,
        maxReplicas: 1,
        containers: [
          {
            name: 'kserve-container',
            image: serving.image,
            args: [
              '--model',
              spec.name,
              '--port',
              '8080',
              '--time-to-first-token',
              String(serving.timeToFirstTokenMs),
              '--inter-token-latency',
              String(serving.interTokenLatencyMs),
            ],
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: {
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { cpu: '500m', memory: '512Mi' },
            },
          },
        ],
      },
    },
  };
}
