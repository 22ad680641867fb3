import { ConflictError } from '@backstage/errors';
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
import { ModelObjectApi } from './ModelObjectApi';

/**
 * Throws a ConflictError when the namespace already has an InferenceService or an HTTPRoute of
 * the name a new model would take.
 */
export async function checkModelNameFree(options: {
  kubeConfig: KubeConfig;
  name: string;
  namespace: string;
  /** Bound of one API-server call (`maas.cluster.requestTimeoutMs`). */
  timeoutMs?: number;
}): Promise<void> {
  const { name, namespace } = options;
  const api = ModelObjectApi.forConfig(options.kubeConfig, options.timeoutMs);
  const names = modelObjectNames(name);
  const cannotCheck = `Cannot check whether "${name}" is free`;
  const candidates = [
    { kind: INFERENCE_SERVICE, name: names.inferenceService },
    { kind: HTTP_ROUTE, name: names.httpRoute },
  ];
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
    let exists: boolean;
    try {
      await api.read(
        object as KubernetesObject & {
          metadata: { name: string; namespace: string };
        },
      );
      exists = true;
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw new Error(
          `${cannotCheck}: ${explainObjectError(error, object, 'get')}`,
        );
      }
      exists = false;
    }
    if (exists) {
      throw new ConflictError(
        `name: the namespace "${namespace}" already has a ${object.kind} named "${candidate.name}"; choose another model name`,
      );
    }
  }
}
