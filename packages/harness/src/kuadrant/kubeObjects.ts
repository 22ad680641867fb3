/*
 * The Kubernetes kinds the Kuadrant control plane of the harness reads and writes, and the few
 * @kubernetes/client-node calls it needs (list, merge-patch of a status, a watch path).
 */
import https from 'node:https';
import { sendJson } from '../kube/client.ts';
import type { KubeResponse } from '../kube/client.ts';
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface Kind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const kind = (
  group: string,
  version: string,
  plural: string,
  k: string,
  namespaced = true,
): Kind => ({ group, version, plural, kind: k, namespaced });

const GATEWAY_API = 'gateway.networking.k8s.io';

export const KINDS = {
  gatewayClass: kind(
    GATEWAY_API,
    'v1',
    'gatewayclasses',
    'GatewayClass',
    false,
  ),
  gateway: kind(GATEWAY_API, 'v1', 'gateways', 'Gateway'),
  httpRoute: kind(GATEWAY_API, 'v1', 'httproutes', 'HTTPRoute'),
  kuadrant: kind('kuadrant.io', 'v1beta1', 'kuadrants', 'Kuadrant'),
  authPolicy: kind('kuadrant.io', 'v1', 'authpolicies', 'AuthPolicy'),
  rateLimitPolicy: kind(
    'kuadrant.io',
    'v1',
    'ratelimitpolicies',
    'RateLimitPolicy',
  ),
  authorino: kind(
    'operator.authorino.kuadrant.io',
    'v1beta1',
    'authorinos',
    'Authorino',
  ),
  authConfig: kind(
    'authorino.kuadrant.io',
    'v1beta3',
    'authconfigs',
    'AuthConfig',
  ),
  limitador: kind(
    'limitador.kuadrant.io',
    'v1alpha1',
    'limitadors',
    'Limitador',
  ),
  telemetryPolicy: kind(
    'extensions.kuadrant.io',
    'v1alpha1',
    'telemetrypolicies',
    'TelemetryPolicy',
  ),
  wasmPlugin: kind(
    'extensions.istio.io',
    'v1alpha1',
    'wasmplugins',
    'WasmPlugin',
  ),
  inferenceService: kind(
    'serving.kserve.io',
    'v1beta1',
    'inferenceservices',
    'InferenceService',
  ),
} as const;

/** The namespace kuadrant-operator runs for (OPERATOR_NAMESPACE), where it puts Authorino, Limitador and AuthConfigs. */
export const KUADRANT_NAMESPACE = 'kuadrant-system';

/** What the upstream Istio install names its GatewayClass and its controller; kuadrant-operator keys on the latter. */
export const ISTIO_GATEWAY_CLASS = 'istio';
export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: any;
  status?: any;
}

export function kubeConfigFromFile(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

/** The URL path of a kind's collection, for list and watch. */
export function collectionPath(k: Kind, namespace?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return k.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${k.plural}`
    : `${base}/${k.plural}`;
}

export async function listObjects(
  kc: KubeConfig,
  k: Kind,
  namespace?: string,
): Promise<KubeObject[]> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = k;
  const list: any =
    k.namespaced && namespace
      ? await api.listNamespacedCustomObject({
          group,
          version,
          plural,
          namespace,
        })
      : await api.listClusterCustomObject({ group, version, plural });
  return list.items ?? [];
}

export async function getObject(
  kc: KubeConfig,
  k: Kind,
  name: string,
  namespace?: string,
): Promise<KubeObject> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = k;
  return (await (k.namespaced
    ? api.getNamespacedCustomObject({
        group,
        version,
        plural,
        namespace: namespace!,
        name,
      })
    : api.getClusterCustomObject({ group, version, plural, name }))) as any;
}

/**
 * Writes `status` over the object's status (a merge patch of the status subresource), only if the object is
 * still at the resourceVersion it was read at (else 409, and the caller reads it again).
 */
export async function patchStatus(
  kc: KubeConfig,
  k: Kind,
  obj: KubeObject,
  status: unknown,
): Promise<void> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const { group, version, plural } = k;
  const options = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const body = {
    metadata: { resourceVersion: obj.metadata.resourceVersion },
    status,
  };
  if (k.namespaced) {
    await api.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        plural,
        namespace: obj.metadata.namespace!,
        name: obj.metadata.name,
        body,
      },
      options,
    );
  } else {
    await api.patchClusterCustomObjectStatus(
      { group, version, plural, name: obj.metadata.name, body },
      options,
    );
  }
}

/** HTTP status of a failed client-node call (undefined for a network error). */
export function httpStatusOf(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Creates the object unless one of that name exists (which is left as it is). */
export async function createIfAbsent(
  kc: KubeConfig,
  obj: KubeObject & { apiVersion: string; kind: string },
): Promise<void> {
  try {
    await KubernetesObjectApi.makeApiClient(kc).create(obj);
  } catch (e) {
    if (httpStatusOf(e) !== 409) throw e;
  }
}

/**
 * A raw JSON request to the API server with the kubeconfig's credentials. For CRDs: client-node's typed
 * serializer drops the `x-kubernetes-*` keys of a schema it builds from plain JSON.
 */
export async function rawRequest(
  kc: KubeConfig,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  return sendJson(new URL(urlPath, cluster.server), method, body, options);
}
