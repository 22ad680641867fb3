import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CoreV1Api, KubeConfig, V1Secret } from '@kubernetes/client-node';
import {
  KUADRANT_KEY_SECRET,
  MAAS_FIELD_MANAGER,
  MAAS_KEY_LABELS,
  OutsideKey,
} from '@maas-portal/plugin-maas-common';
import {
  AuthPolicy,
  describeKubeError,
  withTimeout,
} from '@maas-portal/plugin-maas-node';

/** The label sets by which `policies` select API-key Secrets. */
export function apiKeySelectors(
  policies: AuthPolicy[],
): Array<Record<string, string>> {
  return policies.flatMap(policy =>
    Object.values(policy.spec?.rules?.authentication ?? {})
      .map(rule => rule.apiKey?.selector?.matchLabels)
      .filter((labels): labels is Record<string, string> => !!labels),
  );
}

/**
 * API-key Secrets that a model's AuthPolicy selects but that the portal did not issue (made by
 * hand or by another tool before the model was adopted): listed for admins, who may revoke them.
 * Only the keys namespace is read, where Authorino looks for keys (see the suite's FACTS).
 */
export class OutsideKeys {
  readonly #api: CoreV1Api;
  readonly #timeoutMs: number;
  readonly #namespace: string;

  constructor(options: {
    kubeConfig: KubeConfig;
    timeoutMs: number;
    namespace: string;
  }) {
    this.#api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#timeoutMs = options.timeoutMs;
    this.#namespace = options.namespace;
  }

  async list(selectors: Array<Record<string, string>>): Promise<OutsideKey[]> {
    return (await this.#selected(selectors)).map(secret => ({
      namespace: this.#namespace,
      name: secret.metadata!.name!,
      userId:
        secret.metadata?.annotations?.[KUADRANT_KEY_SECRET.userIdAnnotation],
      groups:
        secret.metadata?.annotations?.[KUADRANT_KEY_SECRET.groupsAnnotation],
      createdAt: secret.metadata?.creationTimestamp
        ? new Date(secret.metadata.creationTimestamp).toISOString()
        : undefined,
    }));
  }

  /** Deletes one such Secret: only one the selectors match and the portal does not manage. */
  async revoke(
    name: string,
    selectors: Array<Record<string, string>>,
  ): Promise<void> {
    const found = (await this.#selected(selectors)).find(
      s => s.metadata?.name === name,
    );
    if (!found) {
      throw new NotFoundError(
        `No key Secret ${
          this.#namespace
        }/${name} made outside the portal selects this model`,
      );
    }
    await this.#call(`delete Secret ${this.#namespace}/${name}`, () =>
      this.#api.deleteNamespacedSecret({
        namespace: this.#namespace,
        name,
        body: { preconditions: { uid: found.metadata!.uid } },
      }),
    );
  }

  async #selected(
    selectors: Array<Record<string, string>>,
  ): Promise<V1Secret[]> {
    const found = new Map<string, V1Secret>();
    for (const selector of selectors) {
      const labelSelector = Object.entries(selector)
        .map(([label, value]) => `${label}=${value}`)
        .join(',');
      if (!labelSelector) continue;
      const secrets = await this.#call(
        `list Secrets in ${this.#namespace}`,
        () =>
          this.#api.listNamespacedSecret({
            namespace: this.#namespace,
            labelSelector,
          }),
      );
      for (const secret of secrets.items) {
        if (
          secret.metadata?.labels?.[MAAS_KEY_LABELS.managedBy] !==
          MAAS_FIELD_MANAGER
        )
          found.set(secret.metadata!.name!, secret);
      }
    }
    return [...found.values()];
  }

  async #call<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(
        call(),
        this.#timeoutMs,
        `The API server (${what})`,
      );
    } catch (error) {
      const failure = describeKubeError(error, {
        verb: what.split(' ')[0],
        namespace: this.#namespace,
      });
      if (failure.type === 'conflict')
        throw new ConflictError(`${what}: it changed meanwhile; try again`);
      throw new ServiceUnavailableError(
        `Could not ${what}: ${failure.message}`,
      );
    }
  }
}
