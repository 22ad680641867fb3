import { modelLabels, modelObjectNames } from './naming';
import { ModelSpec, ServingRuntime, VllmServingSpec } from './types';

/**
 * A vLLM ServingRuntime of the model's own, so that its image and `--max-model-len` belong to
 * this model. `{{.Name}}` is KServe's placeholder for the InferenceService name.
 */
export function renderServingRuntime(
  spec: ModelSpec & { serving: VllmServingSpec },
): ServingRuntime {
  const names = modelObjectNames(spec.name);
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ServingRuntime',
    metadata: {
      name: names.servingRuntime,
      namespace: spec.namespace,
      labels: modelLabels(spec),
    },
    spec: {
      annotations: {
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': '8080',
      },
      containers: [
        {
          name: 'kserve-container',
          image: spec.serving.image,
          args: [
            '--port=8080',
            '--model=/mnt/models',
            '--served-model-name={{.Name}}',
            `--max-model-len=${spec.serving.maxModelLen}`,
          ],
          env: [{ name: 'HF_HOME', value: '/tmp/hf_home' }],
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          volumeMounts: [{ name: 'shm', mountPath: '/dev/shm' }],
        },
      ],
      multiModel: false,
      // Not auto-selected: only this model's InferenceService names it.
      supportedModelFormats: [{ name: 'vLLM', autoSelect: false }],
      volumes: [
        { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
      ],
    },
  };
}
