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
import {
  formatLabelSelector,
  LabelRequirement,
  labelRequirements,
} from './labelSelector';

/**
 * How one API-key rule of an AuthPolicy finds its Secrets: by labels, and where Authorino looks
 * for them: only in its AuthConfig's namespace (the Kuadrant namespace, where kuadrant-operator
 * writes every AuthConfig), or in every namespace with `allNamespaces: true` (FACTS.md "Where
 * Authorino looks for API-key Secrets").
 */
export interface ApiKeySelector {
  /** The selector's labels and expressions, each checked as Kubernetes checks labels. */
  requirements: LabelRequirement[];
  allNamespaces: boolean;
}

/** The API-key rules of `policies`, in `rules`, `defaults.rules` and `overrides.rules`. */
export function apiKeySelectors(policies: AuthPolicy[]): ApiKeySelector[] {
  return policies.flatMap(policy =>
    [
      policy.spec?.rules,
      policy.spec?.defaults?.rules,
      policy.spec?.overrides?.rules,
    ]
      .flatMap(rules => Object.values(rules?.authentication ?? {}))
      .flatMap(rule => {
        // An empty selector would select every Secret, and an invalid one Authorino does not
        // run: neither names Secrets Authorino accepts.
        const requirements = labelRequirements(rule.apiKey?.selector);
        if (!requirements) return [];
        return [
          {
            requirements,
            allNamespaces: rule.apiKey?.allNamespaces === true,
          },
        ];
      }),
  );
}

/**
 * API-key Secrets that a model's AuthPolicy accepts but that the portal did not issue (made by
 * hand or by another tool before the model was adopted): listed for admins, who may revoke them.
 * Read where Authorino reads them: the AuthConfig's namespace (the Kuadrant namespace, which is
 * also the portal's keys namespace, `maas.keys.namespace`) for a rule with `allNamespaces: false`,
 * every namespace for one with `allNamespaces: true`.
 */
export class OutsideKeys {
  readonly #api: CoreV1Api;
  readonly #timeoutMs: number;
  readonly #namespace: string;

  constructor(options: {
    kubeConfig: KubeConfig;
    timeoutMs: number;
    /** The AuthConfigs' namespace: the Kuadrant namespace, `maas.keys.namespace`. */
    namespace: string;
  }) {
    this.#api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.#timeoutMs = options.timeoutMs;
    this.#namespace = options.namespace;
  }

  async list(selectors: ApiKeySelector[]): Promise<OutsideKey[]> {
    return (await this.#selected(selectors)).map(secret => ({
      namespace: secret.metadata!.namespace!,
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

  /** Deletes one such Secret: only one the selectors accept and the portal does not manage. */
  async revoke(name: string, selectors: ApiKeySelector[]): Promise<void> {
    const found = (await this.#selected(selectors)).filter(
      s => s.metadata?.name === name,
    );
    if (found.length === 0) {
      throw new NotFoundError(
        `No key Secret ${name} made outside the portal selects this model (looked in ${this.#places(
          selectors,
        )})`,
      );
    }
    if (found.length > 1) {
      throw new ConflictError(
        `Several key Secrets named ${name} select this model (in namespaces ${found
          .map(s => s.metadata!.namespace)
          .join(', ')}); delete the one you mean with kubectl`,
      );
    }
    const [secret] = found;
    const namespace = secret.metadata!.namespace!;
    await this.#call(`delete Secret ${namespace}/${name}`, namespace, () =>
      this.#api.deleteNamespacedSecret({
        namespace,
        name,
        body: { preconditions: { uid: secret.metadata!.uid } },
      }),
    );
  }

  #places(selectors: ApiKeySelector[]): string {
    return selectors.some(s => s.allNamespaces)
      ? 'every namespace'
      : `namespace ${this.#namespace}`;
  }

  async #selected(selectors: ApiKeySelector[]): Promise<V1Secret[]> {
    const found = new Map<string, V1Secret>();
    for (const selector of selectors) {
      const labelSelector = formatLabelSelector(selector.requirements);
      const secrets = selector.allNamespaces
        ? await this.#call('list Secrets in every namespace', undefined, () =>
            this.#api.listSecretForAllNamespaces({ labelSelector }),
          )
        : await this.#call(
            `list Secrets in ${this.#namespace}`,
            this.#namespace,
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
          found.set(
            `${secret.metadata!.namespace}/${secret.metadata!.name}`,
            secret,
          );
      }
    }
    return [...found.values()];
  }

  async #call<T>(
    what: string,
    namespace: string | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await withTimeout(
        call(),
        this.#timeoutMs,
        `The API server (${what})`,
      );
    } catch (error) {
      const failure = describeKubeError(error, {
        verb: what.split(' ')[0],
        ...(namespace ? { namespace } : {}),
      });
      if (failure.type === 'conflict')
        throw new ConflictError(`${what}: it changed meanwhile; try again`);
      throw new ServiceUnavailableError(
        `Could not ${what}: ${failure.message}`,
      );
    }
  }
}
