import { ConflictError } from '@backstage/errors';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { modelObjectNames } from '../manifests/naming';
import {
  explainKubernetesError,
  httpStatusOf,
  missingApiMessage,
} from './kubernetesErrors';
import { MODEL_OBJECT_KINDS } from './applyModelObjects';
import { ModelObjectApi } from './ModelObjectApi';

/**
 * Throws a ConflictError when the namespace already has an InferenceService or an HTTPRoute of
 * the name a new model would take.
 */
export async function checkModelNameFree(options: {
  kubeConfig: KubeConfig;
  name: string;
  namespace: string;
  /** Bound of one API-server call; default 10 s. */
  timeoutMs?: number;
}): Promise<void> {
  const { name, namespace } = options;
  const api = ModelObjectApi.forConfig(options.kubeConfig, options.timeoutMs);
  const names = modelObjectNames(name);
  const candidates = [
    { kind: 'InferenceService', name: names.inferenceService },
    { kind: 'HTTPRoute', name: names.httpRoute },
  ];
  for (const candidate of candidates) {
    const object = {
      apiVersion: MODEL_OBJECT_KINDS[candidate.kind],
      kind: candidate.kind,
      metadata: { name: candidate.name, namespace },
    };
    let served;
    try {
      served = await api.served(object.apiVersion, object.kind);
    } catch (error) {
      throw new Error(
        `Cannot check whether "${name}" is free: ${explainKubernetesError(
          error,
          object,
        )}`,
      );
    }
    if (!served) {
      throw new Error(
        `Cannot check whether "${name}" is free: ${missingApiMessage(
          object.apiVersion,
          object.kind,
        )}`,
      );
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
          `Cannot check whether "${name}" is free: ${explainKubernetesError(
            error,
            object,
          )}`,
        );
      }
      exists = false;
    }
    if (exists) {
      throw new ConflictError(
        `name: the namespace "${namespace}" already has a ${candidate.kind} named "${candidate.name}"; choose another model name`,
      );
    }
  }
}
