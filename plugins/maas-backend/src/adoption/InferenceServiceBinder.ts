import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  MAAS_BOUND_ENTITY_ANNOTATION,
  MAAS_FIELD_MANAGER,
  MAAS_MODEL_OWNER_ANNOTATION,
  ObjectRef,
  stringifyObjectRef,
} from '@maas-portal/plugin-maas-common';
import {
  describeKubeError,
  INFERENCE_SERVICE,
  withTimeout,
} from '@maas-portal/plugin-maas-node';

/** What adoption writes on an InferenceService: the entity it is, and its owner. */
export interface BindingAnnotations {
  entityRef: string;
  owner: string;
}

/**
 * Writes the binding annotations on an InferenceService deployed outside the portal: a merge
 * patch of two annotations, at the resourceVersion the caller saw, so that two admins adopting
 * at once, or a change in between, give a conflict rather than a silent overwrite.
 */
export class InferenceServiceBinder {
  readonly #api: CustomObjectsApi;
  readonly #timeoutMs: number;

  constructor(options: { kubeConfig: KubeConfig; timeoutMs: number }) {
    this.#api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.#timeoutMs = options.timeoutMs;
  }

  async bind(
    ref: ObjectRef,
    resourceVersion: string | undefined,
    binding: BindingAnnotations,
  ): Promise<void> {
    const what = `InferenceService ${stringifyObjectRef(ref)}`;
    try {
      await withTimeout(
        this.#api.patchNamespacedCustomObject(
          {
            group: INFERENCE_SERVICE.group,
            version: INFERENCE_SERVICE.version,
            plural: INFERENCE_SERVICE.plural,
            namespace: ref.namespace,
            name: ref.name,
            fieldManager: MAAS_FIELD_MANAGER,
            body: {
              metadata: {
                ...(resourceVersion ? { resourceVersion } : {}),
                annotations: {
                  [MAAS_BOUND_ENTITY_ANNOTATION]: binding.entityRef,
                  [MAAS_MODEL_OWNER_ANNOTATION]: binding.owner,
                },
              },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
        this.#timeoutMs,
        `The API server (patch ${what})`,
      );
    } catch (error) {
      const failure = describeKubeError(error, {
        kind: INFERENCE_SERVICE,
        verb: 'patch',
        namespace: ref.namespace,
      });
      if (failure.type === 'conflict')
        throw new ConflictError(
          `${what} changed while it was being adopted; look at it again and retry`,
        );
      if (failure.type === 'forbidden')
        throw new NotAllowedError(
          `The portal's service account may not patch ${what}: ${failure.message}`,
        );
      throw new ServiceUnavailableError(
        `Could not write the binding on ${what}: ${failure.message}`,
      );
    }
  }
}
