/* Helpers of this package's cluster tests; the generic ones (env, kubeconfig, namespaces, eventually) are in @maas-portal/harness/testing. */
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_INFERENCE_SERVICE_ANNOTATION,
  MAAS_MODEL_OWNER_ANNOTATION,
} from '@maas-portal/plugin-maas-common';
import {
  httpStatusOf,
  INFERENCE_SERVICE,
  ResourceKind,
} from '@maas-portal/plugin-maas-node';

export async function createObject<T extends KubernetesObject>(
  kc: KubeConfig,
  kind: ResourceKind,
  body: T,
): Promise<T> {
  return (await kc
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      plural: kind.plural,
      namespace: body.metadata!.namespace!,
      body,
    })) as T;
}

/** Writes `status` through the status subresource, as the real controllers do. */
export async function writeStatus(
  kc: KubeConfig,
  kind: ResourceKind,
  namespace: string,
  name: string,
  status: unknown,
): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const target = {
    group: kind.group,
    version: kind.version,
    plural: kind.plural,
    namespace,
    name,
  };
  // The harness's data-plane stand-in and kuadrant-operator write statuses too: on a conflict, read
  // the object again and retry, as controllers do.
  for (let attempt = 1; ; attempt++) {
    const current = (await api.getNamespacedCustomObject(
      target,
    )) as KubernetesObject;
    try {
      await api.replaceNamespacedCustomObjectStatus({
        ...target,
        body: { ...current, status },
      });
      return;
    } catch (error) {
      if (httpStatusOf(error) !== 409 || attempt === 10) {
        throw error;
      }
    }
  }
}

export const condition = (
  type: string,
  status = 'True',
  reason = type,
  message = `${type} is ${status}`,
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-01T00:00:00Z',
});

/** An InferenceService of the simulator image, for the portal to find. */
export const inferenceService = (
  namespace: string,
  name: string,
  annotations?: Record<string, string>,
): KubernetesObject & { spec: object } => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name, namespace, ...(annotations && { annotations }) },
  spec: {
    predictor: {
      containers: [{ name: 'kserve-container', image: 'sim:latest' }],
    },
  },
});

/**
 * Creates InferenceService `name` in `namespace`, bound to `component:default/<name>` and owned by
 * `owner`, as Create model leaves it.
 */
export const createBoundModel = (
  kc: KubeConfig,
  namespace: string,
  name: string,
  owner: string,
) =>
  createObject(
    kc,
    INFERENCE_SERVICE,
    inferenceService(namespace, name, {
      [MAAS_BOUND_ENTITY_ANNOTATION]: `component:default/${name}`,
      [MAAS_MODEL_OWNER_ANNOTATION]: owner,
    }),
  );

/** A catalog Component that names an InferenceService (`namespace/name`). */
export const modelComponent = (name: string, isvc: string, owner: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { [MAAS_INFERENCE_SERVICE_ANNOTATION]: isvc },
  },
  spec: { type: 'model-server', owner, lifecycle: 'production' },
});

/** An InferenceService status as KServe writes it once the model is loaded and served at `url`. */
export const readyInferenceServiceStatus = (url: string) => ({
  url,
  conditions: [
    condition('PredictorReady'),
    condition('IngressReady'),
    condition('Ready'),
  ],
  modelStatus: {
    states: { activeModelState: 'Loaded', targetModelState: 'Loaded' },
  },
});

/** An HTTPRoute `<model>-route` to the model's predictor Service, attached to the Gateway `gateway`. */
export const httpRoute = (
  namespace: string,
  model: string,
  options: { gateway?: string; hostnames?: string[] } = {},
): KubernetesObject & { spec: object } => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: `${model}-route`, namespace },
  spec: {
    parentRefs: [{ name: options.gateway ?? 'inference-gateway' }],
    ...(options.hostnames && { hostnames: options.hostnames }),
    rules: [{ backendRefs: [{ name: `${model}-predictor`, port: 80 }] }],
  },
});
