import {
  SERVING_RUNTIME,
  ServingRuntimeManifest,
} from '@maas-portal/plugin-maas-node';
import { modelManifest } from './modelManifest';
import { modelObjectNames } from './naming';
import { ModelSpec, VllmServingSpec } from './types';

/**
 * A vLLM ServingRuntime of the model's own, so that its image and `--max-model-len` belong to
 * this model. `{{.Name}}` is KServe's placeholder for the InferenceService name.
 */
export function renderServingRuntime(
  spec: ModelSpec & { serving: VllmServingSpec },
): ServingRuntimeManifest {
  return modelManifest<ServingRuntimeManifest>(
    spec,
    SERVING_RUNTIME,
    { name: modelObjectNames(spec.name).servingRuntime },
    {
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
  );
}
