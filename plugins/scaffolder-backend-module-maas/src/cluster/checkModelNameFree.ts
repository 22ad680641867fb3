import { ConflictError } from '@backstage/errors';
import { MAAS_KEY_LABELS, ObjectRef } from '@maas-portal/plugin-maas-common';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  apiVersionOf,
  HTTP_ROUTE,
  httpStatusOf,
  INFERENCE_SERVICE,
} from '@maas-portal/plugin-maas-node';
import { modelObjectNames } from '../manifests/naming';
import {
  explainObjectError,
  notServedObjectMessage,
  ObjectDescription,
} from './describeObject';
import { foreignManager } from './foreignManager';
import { ModelObjectApi } from './ModelObjectApi';
import { takenHosts } from './takenHosts';

/**
 * Whether `existing` is an object the portal made for a model of `name` (its managed-by label and
 * apply entry, and its model label), so that applying the model again may take it back.
 */
function leftOverOf(existing: KubernetesObject, name: string): boolean {
  return (
    !foreignManager(existing) &&
    existing.metadata?.labels?.[MAAS_KEY_LABELS.model] === name
  );
}

/**
 * Throws a ConflictError when the namespace already has an InferenceService or an HTTPRoute of
 * the name a new model would take, or when another route of the Gateway serves its host name.
 * An HTTPRoute the portal made for a model of this name whose InferenceService is gone (`kubectl
 * delete isvc` leaves the route and policies) does not take the name: the apply makes it the new
 * model's, and the new model's UID in its AuthPolicy keeps the old model's keys out. `log` says so.
 */
export async function checkModelNameFree(options: {
  kubeConfig: KubeConfig;
  name: string;
  namespace: string;
  /** The model's host name on `gateway`: free unless another route of the Gateway serves it. */
  host?: { hostname: string; gateway: ObjectRef };
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
  log?: (message: string) => void;
}): Promise<void> {
  const { name, namespace } = options;
  const api = ModelObjectApi.forConfig(options.kubeConfig, options.timeoutMs);
  const names = modelObjectNames(name);
  const cannotCheck = `Cannot check whether "${name}" is free`;
  const candidates = [
    { kind: INFERENCE_SERVICE, name: names.inferenceService },
    { kind: HTTP_ROUTE, name: names.httpRoute },
  ];
  // In this order: the route is looked at only when no InferenceService of the name exists.
  for (const candidate of candidates) {
    const object: ObjectDescription = {
      apiVersion: apiVersionOf(candidate.kind),
      kind: candidate.kind.kind,
      metadata: { name: candidate.name, namespace },
    };
    let served;
    try {
      served = await api.served(object.apiVersion, object.kind);
    } catch (error) {
      throw new Error(
        `${cannotCheck}: ${explainObjectError(error, object, 'discover')}`,
      );
    }
    if (!served) {
      throw new Error(`${cannotCheck}: ${notServedObjectMessage(object)}`);
    }
    let existing: KubernetesObject | undefined;
    try {
      existing = await api.read(
        object as KubernetesObject & {
          metadata: { name: string; namespace: string };
        },
      );
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw new Error(
          `${cannotCheck}: ${explainObjectError(error, object, 'get')}`,
        );
      }
    }
    if (
      existing &&
      candidate.kind === HTTP_ROUTE &&
      leftOverOf(existing, name)
    ) {
      options.log?.(
        `${object.kind} ${namespace}/${candidate.name} is left from an earlier model "${name}" whose InferenceService is gone; it becomes this model's`,
      );
      continue;
    }
    if (existing) {
      throw new ConflictError(
        `name: the namespace "${namespace}" already has a ${object.kind} named "${candidate.name}"; choose another model name`,
      );
    }
  }
  if (!options.host) return;
  const { hostname, gateway } = options.host;
  let taken: string[];
  try {
    taken = await takenHosts(api, [
      {
        metadata: { name: names.httpRoute, namespace },
        spec: { parentRefs: [gateway], hostnames: [hostname] },
      },
    ]);
  } catch (error) {
    const routes: ObjectDescription = {
      apiVersion: apiVersionOf(HTTP_ROUTE),
      kind: HTTP_ROUTE.kind,
      metadata: { name: names.httpRoute, namespace },
    };
    throw new Error(
      `Cannot check whether "${hostname}" is free: ${explainObjectError(
        error,
        routes,
        'list',
      )}`,
    );
  }
  if (taken.length > 0) throw new ConflictError(taken.join('; '));
}
