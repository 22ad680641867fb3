import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import {
  KUADRANT_KEY_SECRET,
  MAAS_FIELD_MANAGER,
  MAAS_KEY_ANNOTATIONS,
  MAAS_KEY_LABELS,
} from '@maas-portal/plugin-maas-common';
import {
  describeKubeError,
  httpStatusOf,
  INFERENCE_SERVICE,
  keyModelOf,
  KeyModelRef,
  modelKeySelector,
  SECRET,
  withTimeout,
} from '@maas-portal/plugin-maas-node';
import { gatewayUserId } from '../gateway/gatewayUserId';

/** What a key Secret is made from. */
export interface KeySecretSpec {
  keyId: string;
  /** The new-key request the key came from; for a rotated key, its predecessor's. */
  requestId: string;
  /** The keys namespace (`maas.keys.namespace`), where Authorino reads key Secrets. */
  namespace: string;
  /** The model's InferenceService with its UID: the labels the model's AuthPolicy selects. */
  model: Required<KeyModelRef>;
  entityRef: string;
  userEntityRef: string;
  tier: string;
  value: string;
  /**
   * When the key expires (ISO 8601), written as Kuadrant's `secret.kuadrant.io/expires-at`: the
   * model's AuthPolicy refuses the key after it, even when the key task is late.
   */
  expiresAt?: string;
}

/** Where a key's Secret is and what the suite reads back from it. */
export interface KeySecretInfo {
  namespace: string;
  name: string;
  keyId?: string;
  requestId?: string;
  createdAt?: string;
  tier?: string;
  /** The model the Secret's labels name (with its UID); undefined on a Secret of the old layout. */
  model?: Required<KeyModelRef>;
  /** The install that wrote it (`MAAS_KEY_LABELS.install`); undefined on one written before the label. */
  install?: string;
}

/** The Secret name of a key: deterministic, so that a retried issue hits AlreadyExists. */
export function keySecretName(keyId: string): string {
  return `maas-key-${keyId}`;
}

/** A label value from any string: allowed characters only, at most 63, alphanumeric at both ends. */
export function labelSafe(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * The Secret of a key, as the model's AuthPolicy selects it (maas-node's modelKeySelector: the
 * model's namespace, name and UID, in the keys namespace), as Authorino watches it (managed-by label) and as the rate limits
 * read it (groups = tier, user-id = the gateway user id), plus the suite's own labels: among them
 * `installId`, the install that writes it (`KeyDatabase.installId`), which only the key task
 * selects by, never an AuthPolicy.
 */
export function renderKeySecret(
  spec: KeySecretSpec,
  installId: string,
): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: keySecretName(spec.keyId),
      namespace: spec.namespace,
      labels: {
        ...modelKeySelector(spec.model),
        [KUADRANT_KEY_SECRET.managedByAuthorinoLabel]: 'authorino',
        [MAAS_KEY_LABELS.managedBy]: MAAS_FIELD_MANAGER,
        [MAAS_KEY_LABELS.owner]: labelSafe(gatewayUserId(spec.userEntityRef)),
        [MAAS_KEY_LABELS.requestId]: spec.requestId,
        [MAAS_KEY_LABELS.keyId]: spec.keyId,
        [MAAS_KEY_LABELS.install]: installId,
      },
      annotations: {
        [KUADRANT_KEY_SECRET.groupsAnnotation]: spec.tier,
        [KUADRANT_KEY_SECRET.userIdAnnotation]: gatewayUserId(
          spec.userEntityRef,
        ),
        [MAAS_KEY_ANNOTATIONS.userEntityRef]: spec.userEntityRef,
        [MAAS_KEY_ANNOTATIONS.entityRef]: spec.entityRef,
        ...(spec.expiresAt
          ? { [KUADRANT_KEY_SECRET.expiresAtAnnotation]: spec.expiresAt }
          : {}),
      },
    },
    stringData: { [KUADRANT_KEY_SECRET.dataKey]: spec.value },
  };
}

function infoOf(secret: V1Secret): KeySecretInfo {
  const labels = secret.metadata?.labels ?? {};
  return {
    namespace: secret.metadata!.namespace!,
    name: secret.metadata!.name!,
    keyId: labels[MAAS_KEY_LABELS.keyId],
    requestId: labels[MAAS_KEY_LABELS.requestId],
    createdAt: secret.metadata?.creationTimestamp
      ? new Date(secret.metadata.creationTimestamp).toISOString()
      : undefined,
    tier: secret.metadata?.annotations?.[KUADRANT_KEY_SECRET.groupsAnnotation],
    model: keyModelOf(labels),
    install: labels[MAAS_KEY_LABELS.install],
  };
}

/** Key Secrets in the cluster, through the Core API. Never logs a key value. */
export class KeySecrets {
  /** The keys namespace (`maas.keys.namespace`): where every new key Secret is written. */
  readonly namespace: string;
  /** This install's id (`KeyDatabase.installId`), the label on every key Secret it writes. */
  readonly installId: string;
  readonly #api: CoreV1Api;
  readonly #objects: CustomObjectsApi;
  readonly #timeoutMs: number;

  constructor(options: {
    kubeConfig: KubeConfig;
    timeoutMs: number;
    namespace: string;
    installId: string;
  }) {
    this.namespace = options.namespace;
    this.installId = options.installId;
    this.#api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#objects = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.#timeoutMs = options.timeoutMs;
  }

  /**
   * The UID of a model's InferenceService, which a key Secret carries so that a model made again
   * under the same name does not accept it; undefined when the InferenceService is gone.
   */
  async modelUid(model: KeyModelRef): Promise<string | undefined> {
    try {
      const object = (await withTimeout(
        this.#objects.getNamespacedCustomObject({
          group: INFERENCE_SERVICE.group,
          version: INFERENCE_SERVICE.version,
          namespace: model.namespace,
          plural: INFERENCE_SERVICE.plural,
          name: model.name,
        }),
        this.#timeoutMs,
        'The Kubernetes API server',
      )) as { metadata?: { uid?: string } };
      return object.metadata?.uid;
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      const failure = describeKubeError(error, {
        kind: INFERENCE_SERVICE,
        verb: 'read',
      });
      throw new ServiceUnavailableError(
        `Could not read InferenceService ${model.namespace}/${model.name}: ${failure.message}`,
      );
    }
  }

  async #call<T>(
    verb: string,
    call: () => Promise<T>,
    passThrough = [404, 409],
  ): Promise<T> {
    try {
      return await withTimeout(
        call(),
        this.#timeoutMs,
        'The Kubernetes API server',
      );
    } catch (error) {
      if (
        httpStatusOf(error) !== undefined &&
        passThrough.includes(httpStatusOf(error)!)
      )
        throw error;
      const failure = describeKubeError(error, { kind: SECRET, verb });
      throw new ServiceUnavailableError(
        `Could not ${verb} a key Secret: ${failure.message}`,
      );
    }
  }

  /**
   * Creates the Secret of a key.
   * @returns `exists` when a Secret of that key was there already (a retried issue)
   */
  async create(spec: KeySecretSpec): Promise<'created' | 'exists'> {
    try {
      await this.#call('create', () =>
        this.#api.createNamespacedSecret({
          namespace: spec.namespace,
          body: renderKeySecret(spec, this.installId),
          fieldManager: MAAS_FIELD_MANAGER,
        }),
      );
      return 'created';
    } catch (error) {
      if (httpStatusOf(error) === 409) return 'exists';
      if (httpStatusOf(error) === 404) {
        throw new ServiceUnavailableError(
          `Could not create a key Secret: the keys namespace ${spec.namespace} does not exist (maas.keys.namespace; the Kuadrant namespace)`,
        );
      }
      throw error;
    }
  }

  /**
   * Creates the Secret of a key, or gives an existing one of that key the labels and
   * annotations it would be created with (a Secret moved from the old layout). The value stays.
   */
  async put(spec: KeySecretSpec): Promise<void> {
    if ((await this.create(spec)) === 'created') return;
    const { labels, annotations } = renderKeySecret(spec, this.installId)
      .metadata!;
    await this.#call('patch', () =>
      this.#api.patchNamespacedSecret(
        {
          namespace: spec.namespace,
          name: keySecretName(spec.keyId),
          fieldManager: MAAS_FIELD_MANAGER,
          body: { metadata: { labels, annotations } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
  }

  async #read(namespace: string, name: string): Promise<V1Secret | undefined> {
    try {
      return await this.#call('read', () =>
        this.#api.readNamespacedSecret({ namespace, name }),
      );
    } catch (error) {
      if (httpStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async get(
    namespace: string,
    name: string,
  ): Promise<KeySecretInfo | undefined> {
    const secret = await this.#read(namespace, name);
    return secret ? infoOf(secret) : undefined;
  }

  /** The key value stored in a Secret: the only place it is kept. */
  async readValue(
    namespace: string,
    name: string,
  ): Promise<string | undefined> {
    const secret = await this.#read(namespace, name);
    const data = secret?.data?.[KUADRANT_KEY_SECRET.dataKey];
    return data === undefined
      ? undefined
      : Buffer.from(data, 'base64').toString('utf8');
  }

  /** Sets the tier the gateway reads (`kuadrant.io/groups`); the value stays. */
  async setTier(namespace: string, name: string, tier: string): Promise<void> {
    await this.#call('patch', () =>
      this.#api.patchNamespacedSecret(
        {
          namespace,
          name,
          fieldManager: MAAS_FIELD_MANAGER,
          body: {
            metadata: {
              annotations: { [KUADRANT_KEY_SECRET.groupsAnnotation]: tier },
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ).catch(error => {
      if (httpStatusOf(error) === 404) {
        throw new NotFoundError(
          `The key Secret ${namespace}/${name} is missing; the portal repairs it within minutes`,
        );
      }
      throw error;
    });
  }

  /**
   * Deletes a key Secret; one that is gone already counts as deleted.
   * @returns whether this call deleted it
   */
  async delete(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#call('delete', () =>
        this.#api.deleteNamespacedSecret({ namespace, name }),
      );
      return true;
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      throw error;
    }
  }

  /**
   * The key Secrets in `namespace` that may be this install's: those with its label, and those
   * written before the label existed (no install label), which are its own only where its database
   * has their key; the reconcile decides that. Another install's Secrets are never listed.
   */
  async #list(namespace: string, passThrough?: number[]) {
    const suite = `${MAAS_KEY_LABELS.managedBy}=${MAAS_FIELD_MANAGER},${MAAS_KEY_LABELS.keyId}`;
    const found: KeySecretInfo[] = [];
    for (const install of [
      `${MAAS_KEY_LABELS.install}=${this.installId}`,
      `!${MAAS_KEY_LABELS.install}`,
    ]) {
      const list = await this.#call(
        'list',
        () =>
          this.#api.listNamespacedSecret({
            namespace,
            labelSelector: `${suite},${install}`,
          }),
        passThrough,
      );
      found.push(...list.items.map(infoOf));
    }
    return found;
  }

  /**
   * The key Secrets in `namespace` this install wrote, and those without an install label (written
   * before it) to check against its database; never another install's.
   */
  listManaged(namespace: string): Promise<KeySecretInfo[]> {
    return this.#list(namespace);
  }

  /**
   * Key Secrets of the old layout in a model's namespace, to move; none when the portal may no
   * longer read Secrets there (the rights removed after the move, as the README says).
   */
  async listOldLayout(namespace: string): Promise<KeySecretInfo[]> {
    try {
      return await this.#list(namespace, [403, 404]);
    } catch (error) {
      if ([403, 404].includes(httpStatusOf(error)!)) return [];
      throw error;
    }
  }
}
